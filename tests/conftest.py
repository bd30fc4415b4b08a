"""Shared tiny Arabic fixtures: constants, written to tmp folders by the fixtures below."""

from __future__ import annotations

import csv
import json
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
