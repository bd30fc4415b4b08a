"""`stance labels check` on a tiny corpus built in tmp: every error kind names file and line."""

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stance.cli import app
from stance.errors import SchemaError
from stance.labels import agreement, assign_split, check_labels, load_corpus

TEXT = "بغداد - وكالات\nقال المتحدث إن المهمة تنتهي في أيلول.\nوأكد الوزير أن الشراكة مستمرة.\n"
S1 = "قال المتحدث إن المهمة تنتهي في أيلول."
S2 = "وأكد الوزير أن الشراكة مستمرة."


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _statement(sid, sentence, **over):
    start = TEXT.index(sentence)
    row = {"statement_id": sid, "article_id": "t_01", "start": start, "end": start + len(sentence),
           "sentence": sentence, "actor": "المتحدث", "actor_canonical": "الحكومة العراقية",
           "actor_type": "iraqi_government", "stance": "ambiguous", "frame": "process"}
    row.update(over)
    return row


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "labels"
    _write(root / "actors.csv", ["canonical", "type", "aliases"], [["الحكومة العراقية", "iraqi_government", "الحكومة"]])
    _write(root / "split.csv", ["article_id", "split"], [["t_01", "train"]])
    batch = root / "corpus" / "b"
    _write(batch / "articles.csv", ["article_id", "title", "outlet", "date", "episode", "source_url", "origin"],
           [["t_01", "عنوان", "وكالة", "2024-09-27", "2024_joint_statement", "https://example.org/a", "retold"]])
    (batch / "texts").mkdir()
    (batch / "texts" / "t_01.txt").write_text(TEXT, encoding="utf-8")

    def statements(*rows):
        _write(batch / "statements.csv", list(rows[0].keys()), [list(r.values()) for r in rows])
        return root

    return statements


def test_valid_corpus_loads(corpus):
    root = corpus(_statement("t_01-s01", S1), _statement("t_01-s02", S2, stance="bilateral_partnership"))
    assert check_labels(root) == []
    loaded = load_corpus(root)
    assert len(loaded.statements) == 2 and set(loaded.statements["split"]) == {"train"}


@pytest.mark.parametrize("rows, message", [
    ([_statement("t_01-s01", S1, stance="withdraw")],
     "statements.csv:2: stance 'withdraw' is not one of full_withdrawal, bilateral_partnership, ambiguous"),
    ([_statement("t_01-s01", S1, frame="economy")], "statements.csv:2: frame 'economy' is not one of"),
    ([_statement("t_01-s01", S1), _statement("t_01-s01", S2)], "statements.csv:3: duplicate statement_id 't_01-s01'"),
    ([_statement("t_01-s01", S1, start=0)], "statements.csv:2: offsets 0:"),
    ([_statement("t_01-s01", S1, actor_canonical="مجهول")], "statements.csv:2: actor_canonical 'مجهول' is not in actors.csv"),
    ([_statement("t_01-s01", S1, actor_type="us_government")], "statements.csv:2: actor_type 'us_government' differs"),
    ([_statement("t_01-s01", S1, article_id="t_02")], "statements.csv:2: article_id 't_02' has no article"),
])
def test_each_error_names_file_and_line(corpus, rows, message):
    errors = check_labels(corpus(*rows))
    assert any(message in e for e in errors), errors


def test_article_without_source_is_an_error(corpus, tmp_path):
    root = corpus(_statement("t_01-s01", S1))
    path = root / "corpus" / "b" / "articles.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("https://example.org/a", ""), encoding="utf-8")
    assert any(e.endswith("articles.csv:2: empty source_url (every article needs its source)") for e in check_labels(root))


def test_load_raises_first_error_with_hint(corpus):
    root = corpus(_statement("t_01-s01", S1, stance="x"), _statement("t_01-s02", S2, frame="y"))
    with pytest.raises(SchemaError, match=r"statements.csv:2: stance 'x'.*\(and 1 more; run `stance labels check"):
        load_corpus(root)


def test_cli_check_reports_errors_and_exit_code(corpus):
    root = corpus(_statement("t_01-s01", S1, stance="x"))
    result = CliRunner().invoke(app, ["labels", "check", str(root)])
    assert result.exit_code == 1
    assert "statements.csv:2: stance 'x'" in result.stderr and "1 error(s)" in result.stderr
    ok = CliRunner().invoke(app, ["labels", "check", str(corpus(_statement("t_01-s01", S1)))])
    assert ok.exit_code == 0 and ok.stdout.startswith("ok: 1 articles, 1 statements")


def test_split_keeps_existing_assignments(corpus):
    root = corpus(_statement("t_01-s01", S1))
    table = assign_split(root)
    assert table.to_dict("records") == [{"article_id": "t_01", "split": "train"}]


def test_agreement_kappa(corpus, tmp_path):
    root = corpus(_statement("t_01-s01", S1), _statement("t_01-s02", S2, stance="bilateral_partnership"))
    second = tmp_path / "second.csv"
    _write(second, ["statement_id", "stance", "frame"],
           [["t_01-s01", "ambiguous", "process"], ["t_01-s02", "bilateral_partnership", "partnership"]])
    result = agreement(load_corpus(root), second)
    assert result.n == 2 and result.kappa_stance == 1.0 and result.agreement_frame == 0.5
    assert list(result.disagreements["statement_id"]) == ["t_01-s02"]


def test_evaluate_extraction_reports_subsets(corpus, tmp_path):
    root = corpus(_statement("t_01-s01", S1), _statement("t_01-s02", S2, actor="الوزير"))
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    result = CliRunner().invoke(app, ["evaluate", "--extraction", "--labels", str(root), "--tracking-uri", uri,
                                      "--errors", str(tmp_path / "errors.csv")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    from stance.extraction import RULE_DEV_BATCHES

    assert lines[0] == f"rules written on: {', '.join(RULE_DEV_BATCHES)}; every other batch is held out"
    all_row = next(line.split() for line in lines if line.startswith("all "))
    assert all_row[-2] == "2"  # both gold statements counted
    assert (tmp_path / "errors.csv").is_file()
    assert "logged as run" in result.stdout


def test_evaluate_without_a_target_is_one_line(corpus):
    result = CliRunner().invoke(app, ["evaluate"])
    assert result.exit_code == 1 and result.stderr == "error: choose what to evaluate: --extraction\n"


def test_evaluate_extraction_with_another_actor_table(corpus, tmp_path):
    root = corpus(_statement("t_01-s01", S1, actor_canonical="الحكومة العراقية"))
    text = "قال المتحدث باسم الحكومة إن المهمة تنتهي في أيلول."
    (root / "corpus" / "b" / "texts" / "t_01.txt").write_text(text, encoding="utf-8")
    _write(root / "corpus" / "b" / "statements.csv", list(_statement("t_01-s01", S1).keys()),
           [["t_01-s01", "t_01", 0, len(text), text, "المتحدث باسم الحكومة", "الحكومة العراقية", "iraqi_government",
             "ambiguous", "process"]])

    def actor_accuracy(*extra):
        result = CliRunner().invoke(app, ["evaluate", "--extraction", "--labels", str(root), "--no-track", *extra])
        assert result.exit_code == 0, result.output
        return float(next(line.split() for line in result.stdout.splitlines() if line.startswith("all "))[4])

    before = tmp_path / "before.csv"
    _write(before, ["canonical", "type", "aliases"], [["وزارة الدفاع", "iraqi_government", "وزارة الدفاع"]])
    assert actor_accuracy() == 1.0  # the bundled table knows "الحكومة"
    assert actor_accuracy("--actors", str(before)) == 0.0  # a table without it does not
    missing = CliRunner().invoke(app, ["evaluate", "--extraction", "--labels", str(root), "--no-track",
                                       "--actors", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1 and "nope.csv" in missing.stderr


def test_evaluate_extraction_by_batch(corpus):
    root = corpus(_statement("t_01-s01", S1), _statement("t_01-s02", S2, actor="الوزير"))
    result = CliRunner().invoke(app, ["evaluate", "--extraction", "--labels", str(root), "--no-track", "--by-batch"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "by batch:" in lines
    batch_row = lines[lines.index("by batch:") + 1].split()
    assert batch_row[0] == "b" and batch_row[-2] == "2"  # the fixture's one batch, both gold statements
