"""The Spark path (local[1]) returns the same rows as the local scorer on the same input."""

import importlib.util
import json
import os
import sys

import pytest
from typer.testing import CliRunner

from stance.batch import _flat_row, score_stream
from stance.cli import app
from stance.errors import MissingDependencyError
from stance.io import Article
from stance.model import StanceModel
from stance.predict import actor_index_for
from tests.conftest import tiny_articles

needs_spark = pytest.mark.skipif(importlib.util.find_spec("pyspark") is None,
                                 reason="pyspark is not installed (pip install -e '.[spark]')")
runner = CliRunner()


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (SparkSession.builder.master("local[1]").appName("stance-tests")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "1").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def local_rows(model_dir, articles):
    model = StanceModel.load(model_dir)
    return [_flat_row(s.to_dict()) for s in score_stream(model, articles, actor_index_for(model))]


@needs_spark
def test_spark_returns_the_local_rows(spark, tiny_model_dir):
    import pandas as pd

    from stance.spark import score_spark

    texts = tiny_articles()
    articles = [Article(article_id, text, article_id) for article_id, text in texts.items()]
    frame = spark.createDataFrame(pd.DataFrame({"id": list(texts), "text": list(texts.values())})).repartition(2)
    rows = [row.asDict() for row in score_spark(frame, tiny_model_dir).collect()]
    expected = local_rows(tiny_model_dir, articles)
    assert len(expected) >= 12

    def key(row):
        return row["article"], row["start"]

    assert sorted(rows, key=key) == sorted(expected, key=key)


@needs_spark
def test_cli_spark_engine_writes_what_the_local_engine_writes(spark, tiny_model_dir, tmp_path):
    for article_id, text in tiny_articles().items():
        (tmp_path / f"{article_id}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "zz_english.txt").write_text("English only.\n", encoding="utf-8")
    args = ["score", str(tmp_path), "--model", str(tiny_model_dir), "--format", "jsonl", "--no-progress"]
    local = runner.invoke(app, args)
    on_spark = runner.invoke(app, [*args, "--engine", "spark", "--spark-master", "local[1]"])
    assert on_spark.exit_code == local.exit_code == 1
    # pyspark may add its own warnings (e.g. about pandas 3) to stderr; the error lines are the contract.
    errors = [line for line in on_spark.stderr.splitlines() if line.startswith("error:")]
    assert errors == local.stderr.splitlines() == [f"error: {tmp_path / 'zz_english.txt'}: no Arabic text"]
    assert on_spark.stdout == local.stdout
    assert [json.loads(line)["article"] for line in local.stdout.splitlines()][:1] == ["a1"]


@needs_spark
def test_missing_column_is_named(spark, tiny_model_dir):
    from stance.errors import InputError
    from stance.spark import score_spark

    frame = spark.createDataFrame([("a", "نص")], "doc string, body string")
    with pytest.raises(InputError, match="the DataFrame has no column\\(s\\) text, id; it has doc, body"):
        score_spark(frame, tiny_model_dir)


def test_without_pyspark_the_error_says_how_to_install(monkeypatch, tiny_model_dir):
    from stance.spark import score_spark

    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(MissingDependencyError) as caught:
        score_spark(object(), tiny_model_dir)
    assert str(caught.value) == ("the Spark engine needs pyspark, which is not installed; "
                                 "install it with `pip install -e '.[spark]'`")
