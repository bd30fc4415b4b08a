"""Scoring archives: ordered multi-process output, streaming input, writers, bad inputs in a batch."""

import csv
import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from stance.actors import ActorIndex
from stance.batch import SCORE_COLUMNS, open_writer, score_article_stream, score_stream
from stance.cli import app
from stance.errors import InputError
from stance.io import Article, read_articles
from stance.model import StanceModel
from tests.conftest import tiny_articles

runner = CliRunner()


@pytest.fixture(scope="module")
def model(tiny_model_dir):
    return StanceModel.load(tiny_model_dir)


@pytest.fixture(scope="module")
def actors(model):
    return ActorIndex.from_records(model.meta["actors"])


def many_articles(n: int = 30) -> list[Article]:
    texts = list(tiny_articles().values())
    return [Article(f"doc{i}", texts[i % len(texts)], f"src{i}") for i in range(n)]


def rows(statements) -> list[dict]:
    return [s.to_dict() for s in statements]


def test_tiny_articles_have_statements(model, actors):
    found = rows(score_stream(model, many_articles(6), actors))
    assert len({r["article"] for r in found}) == 6


def test_two_jobs_give_the_same_rows_in_the_same_order(tiny_model_dir, model, actors):
    one = rows(score_stream(model, many_articles(), actors, jobs=1, chunk_size=4))
    two = rows(score_stream(str(tiny_model_dir), many_articles(), actors, jobs=2, chunk_size=3))
    assert one and one == two
    assert list(dict.fromkeys(r["article"] for r in one)) == [f"doc{i}" for i in range(30)]


def test_input_is_pulled_lazily(model, actors):
    pulled = []

    def articles():
        for article in many_articles(1000):
            pulled.append(article.article_id)
            yield article

    stream = score_article_stream(model, articles(), actors, chunk_size=5)
    first = next(stream)
    assert first.article_id == "doc0"
    assert len(pulled) == 5  # one chunk, not the whole input


def test_input_is_pulled_lazily_with_workers(tiny_model_dir, actors):
    pulled = []

    def articles():
        for article in many_articles(1000):
            pulled.append(article.article_id)
            yield article

    stream = score_article_stream(str(tiny_model_dir), articles(), actors, jobs=2, chunk_size=5)
    next(stream)
    assert len(pulled) <= 2 * 2 * 5  # a window of 2 chunks per worker
    stream.close()


def test_bad_input_is_passed_through_in_place_and_the_rest_scored(model, actors):
    bad = InputError("no Arabic text", path="x.txt")
    items = [*many_articles(2), bad, *many_articles(1)]
    out = list(score_article_stream(model, items, actors, chunk_size=2))
    assert [getattr(o, "article_id", None) for o in out] == ["doc0", "doc1", None, "doc0"]
    assert out[2] is bad
    reported = []
    statements = list(score_stream(model, items, actors, on_error=reported.append))
    assert reported == [bad] and statements
    with pytest.raises(InputError, match="x.txt: no Arabic text"):
        list(score_stream(model, items, actors))


def test_worker_model_error_reaches_the_caller(tmp_path, actors):
    from stance.errors import ModelError

    with pytest.raises(ModelError, match="not a stance model directory"):
        list(score_stream(str(tmp_path), many_articles(4), actors, jobs=2))


@pytest.mark.parametrize("jobs,chunk_size", [(0, 1), (1, 0), (True, 1)])
def test_bad_jobs_or_chunk_size(model, actors, jobs, chunk_size):
    with pytest.raises(ValueError, match="must be a positive integer"):
        next(score_article_stream(model, many_articles(1), actors, jobs=jobs, chunk_size=chunk_size))


@pytest.fixture(scope="module")
def scored(model, actors):
    return list(score_stream(model, many_articles(4), actors))


def test_jsonl_writer(tmp_path, scored):
    path = tmp_path / "out.jsonl"
    with open_writer(path) as writer:
        for row in scored:
            writer.write(row)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == rows(scored)


def test_csv_writer(tmp_path, scored):
    path = tmp_path / "out.csv"
    with open_writer(path) as writer:
        for row in scored:
            writer.write(row)
    with path.open(encoding="utf-8", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert list(read[0]) == SCORE_COLUMNS
    assert [r["sentence"] for r in read] == [s.sentence for s in scored]
    assert json.loads(read[0]["stance_scores"]) == scored[0].result.stance.scores


def test_parquet_writer_in_row_groups(tmp_path, scored, monkeypatch):
    import stance.batch

    monkeypatch.setattr(stance.batch, "_PARQUET_ROW_GROUP", 3)
    path = tmp_path / "out.parquet"
    with open_writer(path) as writer:
        for row in scored:
            writer.write(row)
    table = pq.read_table(path)
    assert table.column_names == SCORE_COLUMNS
    assert pq.ParquetFile(path).num_row_groups == -(-len(scored) // 3)
    frame = table.to_pandas()
    assert frame["start"].tolist() == [s.start for s in scored]
    assert json.loads(frame["frame_scores"][0]) == scored[0].result.frame.scores


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_nothing_half_written_on_failure(tmp_path, scored, suffix):
    path = tmp_path / f"out{suffix}"
    with pytest.raises(RuntimeError):
        with open_writer(path) as writer:
            writer.write(scored[0])
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_unknown_suffix_and_parquet_to_stdout():
    with pytest.raises(InputError, match="cannot tell the output format from the suffix '.txt'"):
        open_writer("out.txt")
    with pytest.raises(InputError, match="Parquet is binary and cannot go to standard output"):
        with open_writer(None, "parquet"):
            pass


# -- the CLI ------------------------------------------------------------------------------


@pytest.fixture
def archive(tmp_path):
    """A folder of articles with one unreadable file, and a JSONL with one malformed line."""
    folder = tmp_path / "archive"
    folder.mkdir()
    for article_id, text in tiny_articles().items():
        (folder / f"{article_id}.txt").write_text(text, encoding="utf-8")
    (folder / "a3_english.txt").write_text("This page is in English only.\n", encoding="utf-8")
    lines = [json.dumps({"id": f"j{i}", "text": text}, ensure_ascii=False) for i, text in enumerate(tiny_articles().values())]
    lines.insert(1, "{oops")
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_reports_bad_inputs_and_scores_the_rest(tiny_model_dir, archive, tmp_path, jobs):
    out = tmp_path / "rows.jsonl"
    result = runner.invoke(app, ["score", str(archive), "--model", str(tiny_model_dir), "--output", str(out),
                                 "--jobs", jobs, "--no-progress"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: {archive / 'a3_english.txt'}: no Arabic text",
                                          f"error: {archive / 'feed.jsonl'}:2: malformed JSON line "
                                          "(Expecting property name enclosed in double quotes at column 2)"]
    found = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    articles = list(dict.fromkeys(r["article"] for r in found))
    assert articles == ["a1", "a2", "a3", "a4", "a5", "a6", "j0"] + [f"j{i}" for i in range(1, 6)]


def test_cli_output_formats_agree(tiny_model_dir, archive, tmp_path):
    outputs = {}
    for suffix in ("jsonl", "csv", "parquet"):
        path = tmp_path / f"rows.{suffix}"
        result = runner.invoke(app, ["score", str(archive), "--model", str(tiny_model_dir), "-o", str(path)])
        assert result.exit_code == 1 and path.is_file()
        outputs[suffix] = path
    jsonl = [json.loads(line) for line in outputs["jsonl"].read_text(encoding="utf-8").splitlines()]
    parquet = pq.read_table(outputs["parquet"]).to_pylist()
    with outputs["csv"].open(encoding="utf-8", newline="") as handle:
        csv_rows = list(csv.DictReader(handle))
    assert [r["sentence"] for r in jsonl] == [r["sentence"] for r in parquet] == [r["sentence"] for r in csv_rows]
    assert [r["stance_scores"] for r in jsonl] == [json.loads(r["stance_scores"]) for r in parquet]


def test_cli_stdout_jsonl_matches_the_file(tiny_model_dir, archive, tmp_path):
    path = tmp_path / "rows.jsonl"
    to_file = runner.invoke(app, ["score", str(archive), "--model", str(tiny_model_dir), "-o", str(path), "-j", "2"])
    to_stdout = runner.invoke(app, ["score", str(archive), "--model", str(tiny_model_dir), "--format", "jsonl"])
    assert to_stdout.stdout == path.read_text(encoding="utf-8")
    assert to_file.stdout == ""


def test_cli_progress_goes_to_stderr(tiny_model_dir, archive, tmp_path):
    result = runner.invoke(app, ["score", str(archive / "a1.txt"), "--model", str(tiny_model_dir),
                                 "-o", str(tmp_path / "r.csv"), "--progress"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("\rscored 1 articles, 3 statements")


@pytest.mark.parametrize("args,message", [
    (["--format", "table", "-o", "x.jsonl"], "error: the table format is for the terminal; write jsonl, csv or parquet with --output"),
    (["--format", "parquet"], "error: Parquet is binary and cannot go to standard output; give --output FILE.parquet"),
    (["-o", "x.txt"], "error: x.txt: cannot tell the output format from the suffix '.txt'; use one of .jsonl, .ndjson, "
                      ".csv, .parquet, .pq or give --format"),
    (["--spark-master", "local[1]"], "error: --spark-master needs --engine spark"),
])
def test_cli_option_errors_are_one_line(tiny_model_dir, archive, args, message):
    result = runner.invoke(app, ["score", str(archive / "a1.txt"), "--model", str(tiny_model_dir), *args])
    assert result.exit_code == 1
    assert result.stderr.strip() == message



def test_scoring_a_model_folder_imports_neither_mlflow_nor_torch(tiny_model_dir, archive):
    import subprocess
    import sys

    code = ("import sys\nfrom stance.cli import app\n"
            f"try:\n    app(['score', {str(archive / 'a1.txt')!r}, '--model', {str(tiny_model_dir)!r}, '--format', 'jsonl'])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in ('mlflow', 'torch', 'pyspark') if m in sys.modules), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.stderr.strip().splitlines()[-1] == "[]"
    assert len(done.stdout.splitlines()) == 3
