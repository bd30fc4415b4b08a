"""Shared tiny Arabic fixtures: constants, written to tmp folders by the fixtures below."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest

# (article, sentence, actor, actor_type, stance, frame)
STATEMENTS = [
    ("a1", "قال قيس الخزعلي إن على القوات الأمريكية مغادرة العراق فوراً ومن دون شروط.", "قيس الخزعلي", "armed_faction", "full_withdrawal", "sovereignty"),
    ("a1", "وأكد المتحدث باسم البنتاغون أن الشراكة الأمنية مع بغداد ستستمر عبر التدريب والمشورة.", "المتحدث باسم البنتاغون", "us_government", "bilateral_partnership", "partnership"),
    ("a1", "وأعلنت الحكومة العراقية أن الجولة الثانية من المحادثات ستعقد الأسبوع المقبل.", "الحكومة العراقية", "iraqi_government", "ambiguous", "process"),
    ("a2", "طالبت كتائب حزب الله بإخراج جميع القوات الأجنبية من البلاد وإنهاء الاحتلال.", "كتائب حزب الله", "armed_faction", "full_withdrawal", "sovereignty"),
    ("a2", "قال رئيس حكومة إقليم كردستان إن بقاء المستشارين ضروري لمواجهة خطر داعش.", "رئيس حكومة إقليم كردستان", "kurdistan_region", "bilateral_partnership", "security"),
    ("a2", "وذكر مصدر أمني أن صاروخين سقطا قرب قاعدة عين الأسد دون إصابات.", "مصدر أمني", "iraqi_government", "ambiguous", "security"),
    ("a3", "دعا التيار الصدري إلى خروج آخر جندي أمريكي من العراق احتراماً لقرار البرلمان.", "التيار الصدري", "political_party", "full_withdrawal", "sovereignty"),
    ("a3", "وشدد وزير الخارجية الأمريكي على أهمية العلاقة الاستراتيجية طويلة الأمد مع العراق.", "وزير الخارجية الأمريكي", "us_government", "bilateral_partnership", "partnership"),
    ("a3", "وأوضح المتحدث أن اللجنة العسكرية العليا عقدت اجتماعها الثالث في بغداد.", "المتحدث", "iraqi_government", "ambiguous", "process"),
    ("a4", "حذرت حركة النجباء من أنها ستواصل عملياتها حتى رحيل قوات الاحتلال الأمريكي.", "حركة النجباء", "armed_faction", "full_withdrawal", "security"),
    ("a4", "ورحب السفير البريطاني بالانتقال إلى علاقات ثنائية تشمل التدريب وتبادل المعلومات.", "السفير البريطاني", "coalition", "bilateral_partnership", "partnership"),
    ("a4", "وأفاد بيان حكومي بأن رئيس الوزراء التقى قائد التحالف الدولي في بغداد.", "بيان حكومي", "iraqi_government", "ambiguous", "process"),
    ("a5", "اعتبر نائب في البرلمان أن وجود القوات الأجنبية انتهاك للسيادة ويجب إنهاؤه.", "نائب في البرلمان", "iraqi_parliament", "full_withdrawal", "sovereignty"),
    ("a5", "وقال مسؤول أمريكي إن واشنطن ستبقي مستشارين لدعم القوات العراقية بعد انتهاء المهمة.", "مسؤول أمريكي", "us_government", "bilateral_partnership", "partnership"),
    ("a5", "وأشار محلل سياسي إلى أن موعد انتهاء المهمة لم يحدد بعد.", "محلل سياسي", "analyst", "ambiguous", "process"),
    ("a6", "أكد المرشد الإيراني أن على الأمريكيين مغادرة العراق والمنطقة بأكملها.", "المرشد الإيراني", "iran", "full_withdrawal", "regional"),
    ("a6", "وأوضح وزير الدفاع العراقي أن التعاون مع الشركاء في التدريب والتسليح سيستمر.", "وزير الدفاع العراقي", "iraqi_government", "bilateral_partnership", "partnership"),
    ("a6", "وكشفت مصادر حكومية أن الجانبين ناقشا جدولاً زمنياً لخفض عدد القوات.", "مصادر حكومية", "iraqi_government", "ambiguous", "process"),
]

ARTICLE = """أضف تعليقك
بغداد - وكالات
قال قيس الخزعلي إن على القوات الأمريكية مغادرة العراق فوراً ومن دون شروط.
وأكد المتحدث باسم البنتاغون أن الشراكة الأمنية مع بغداد ستستمر عبر التدريب والمشورة.
وتنشر الولايات المتحدة نحو 2500 عسكري في العراق.
جميع الحقوق محفوظة © 2024
"""


@pytest.fixture
def statements_csv(tmp_path: Path) -> Path:
    """A CSV of the tiny statements with article groups."""
    path = tmp_path / "statements.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "article", "text", "actor", "actor_type", "label", "frame"])
        for i, (article, text, actor, actor_type, stance, frame) in enumerate(STATEMENTS):
            writer.writerow([f"s{i}", article, text, actor, actor_type, stance, frame])
    return path


@pytest.fixture
def tiny_config(tmp_path: Path, statements_csv: Path) -> Path:
    """An experiment config over the tiny CSV: 3 grouped folds, word+char TF-IDF, logistic regression."""
    path = tmp_path / "tiny.yaml"
    path.write_text(f"""
name: tiny
description: smoke test
data:
  path: {statements_csv}
  text_column: text
  label_column: label
  frame_column: frame
  group_column: article
  split_column: null
features:
  ngrams: union
  char_ngram_range: [2, 4]
eval:
  n_splits: 3
  learning_curve: true
tracking:
  experiment: smoke
  registered_model: stance-classifier
""", encoding="utf-8")
    return path


@pytest.fixture
def statements_jsonl(tmp_path: Path) -> Path:
    """Input for `stance classify`: three statements, one with an actor."""
    path = tmp_path / "in.jsonl"
    rows = [{"id": "x1", "text": STATEMENTS[0][1], "actor": STATEMENTS[0][2]},
            {"id": "x2", "text": STATEMENTS[1][1]},
            {"text": STATEMENTS[2][1]}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Train once per test module on the tiny CSV into a tmp MLflow store.

    Returns (store uri, model dir, the ``stance train`` output).
    """
    from typer.testing import CliRunner

    from stance.cli import app

    tmp = tmp_path_factory.mktemp("e2e")
    csv_path = tmp / "statements.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "article", "text", "actor", "actor_type", "label", "frame"])
        for i, row in enumerate(STATEMENTS):
            writer.writerow([f"s{i}", row[0], row[1], row[2], row[3], row[4], row[5]])
    config = tmp / "tiny.yaml"
    config.write_text(f"""
name: tiny
data: {{path: {tmp / 'unused.csv'}, text_column: text, label_column: label, frame_column: frame,
        group_column: article, split_column: null}}
features: {{char_ngram_range: [2, 4]}}
eval: {{n_splits: 3, learning_curve: true}}
tracking: {{experiment: smoke, registered_model: stance-classifier}}
""", encoding="utf-8")
    uri = f"sqlite:///{tmp / 'mlflow.db'}"
    result = CliRunner().invoke(app, ["train", "--config", str(config), "--data", str(csv_path),
                                      "--output", str(tmp / "model"), "--tracking-uri", uri])
    assert result.exit_code == 0, result.output
    return uri, tmp / "model", result.output


CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no headless Chromium at /usr/bin/chromium (`make browser` installs Debian's)")


def run_chromium(url: str, profile: Path, *options: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Open ``url`` once in headless Chromium with a throwaway profile and no background traffic.

    ``options`` add the action, e.g. ``--dump-dom`` (the DOM after scripts ran is the stdout)
    or ``--screenshot=PATH``. Fails the test if Chromium exits non-zero.
    """
    profile.mkdir(parents=True, exist_ok=True)
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", *options, url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"chromium exited {done.returncode}: {done.stderr[-2000:]}"
    return done


def tiny_articles() -> dict[str, str]:
    """The statements of :data:`STATEMENTS` as articles (id -> text), one sentence a line."""
    articles: dict[str, list[str]] = {}
    for article, sentence, *_ in STATEMENTS:
        articles.setdefault(article, []).append(sentence)
    return {article: "\n".join(lines) + "\n" for article, lines in articles.items()}


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A stance+frame model fitted on :data:`STATEMENTS` and saved, without MLflow (fast)."""
    from stance.config import ExperimentConfig
    from stance.model import StanceModel, input_frame
    from stance.pipeline import build_pipeline

    config = ExperimentConfig.from_dict({"name": "tiny", "data": {"path": "unused.csv", "text_column": "text",
                                                                  "label_column": "label"},
                                         "features": {"char_ngram_range": [2, 4]}})
    X = input_frame([s[1] for s in STATEMENTS], [s[2] for s in STATEMENTS], [s[3] for s in STATEMENTS])
    heads = {"stance": build_pipeline(config).fit(X, [s[4] for s in STATEMENTS]),
             "frame": build_pipeline(config).fit(X, [s[5] for s in STATEMENTS])}
    actors = [{"canonical": actor, "type": actor_type, "aliases": []}
              for actor, actor_type in dict.fromkeys((s[2], s[3]) for s in STATEMENTS)]
    model = StanceModel(heads=heads, meta={"config": config.to_dict(), "actors": actors})
    return model.save(tmp_path_factory.mktemp("tiny") / "model")
