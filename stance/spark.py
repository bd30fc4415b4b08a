"""Score articles on Apache Spark: one row per statement, the model loaded once per partition.

``mlflow.pyfunc.spark_udf`` must return exactly one row per input row, and an article has
any number of statements, so this uses ``mapInPandas``: each task loads the model (cached
for the life of the Python worker) and turns its batches of articles into batches of
statement rows, the same rows as :mod:`stance.batch` writes (score dicts as JSON strings).

pyspark is an optional extra: ``pip install -e '.[spark]'``. The model folder is shipped to
the executors with ``SparkContext.addFile``, so any cluster URL works.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from stance.batch import SCORE_COLUMNS, _flat_row
from stance.errors import InputError, MissingDependencyError

__all__ = ["score_spark", "score_paths_spark", "OUTPUT_SCHEMA"]

_TYPES = {"start": "bigint", "end": "bigint", "confidence": "double"}
#: Spark schema (DDL) of the rows :func:`score_spark` returns.
OUTPUT_SCHEMA = ", ".join(f"`{c}` {_TYPES.get(c, 'string')}" for c in SCORE_COLUMNS)

# Per Python worker: model folder -> loaded model (Spark reuses workers across tasks).
_MODELS: dict = {}


def _require_pyspark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise MissingDependencyError("the Spark engine needs pyspark, which is not installed; "
                                     "install it with `pip install -e '.[spark]'`") from None


def score_spark(df, model_dir: str | Path, text_col: str = "text", id_col: str = "id", *,
                source_col: str | None = None, keep_cols: Sequence[str] = (), actors_csv: str | Path | None = None):
    """Score a Spark DataFrame of articles; return a DataFrame with one row per statement.

    Parameters
    ----------
    df:
        A ``pyspark.sql.DataFrame`` with a text column and an id column.
    model_dir:
        A model folder written by ``stance train --output DIR`` (readable by the driver;
        it is shipped to the executors).
    text_col, id_col:
        The article text and id columns.
    source_col:
        A column to copy into ``source`` (default: the id).
    keep_cols:
        Further input columns copied onto each statement row (e.g. a position to sort by).
    actors_csv:
        An actor table to resolve speakers instead of the model's (read on the driver).

    Returns
    -------
    pyspark.sql.DataFrame
        The columns of :data:`stance.batch.SCORE_COLUMNS` (``stance_scores`` and
        ``frame_scores`` as JSON strings), then ``keep_cols``. Lazy, like any DataFrame.

    Raises
    ------
    MissingDependencyError
        If pyspark is not installed.
    InputError
        If a named column is missing.
    ModelError
        If ``model_dir`` is not a model folder.
    """
    _require_pyspark()
    from stance.model import read_meta
    from stance.predict import actor_index_from_meta

    wanted = [text_col, id_col, *([source_col] if source_col else []), *keep_cols]
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise InputError(f"the DataFrame has no column(s) {', '.join(missing)}; it has {', '.join(df.columns)}")
    model_dir = Path(model_dir).resolve()
    actor_records = actor_index_from_meta(read_meta(model_dir), actors_csv).to_records()
    context = df.sparkSession.sparkContext
    if not any(Path(f.split("file:", 1)[-1]).resolve() == model_dir for f in context.listFiles):
        context.addFile(str(model_dir), recursive=True)
    kept = ", ".join(f"`{c}` {df.schema[c].dataType.simpleString()}" for c in keep_cols)
    schema = OUTPUT_SCHEMA + (f", {kept}" if kept else "")
    score = functools.partial(_score_partition, model_name=model_dir.name, actor_records=actor_records,
                              text_col=text_col, id_col=id_col, source_col=source_col or id_col,
                              keep_cols=list(keep_cols))
    return df.select(*dict.fromkeys(wanted)).mapInPandas(score, schema=schema)


def _score_partition(batches: Iterator, *, model_name: str, actor_records: list, text_col: str, id_col: str,
                     source_col: str, keep_cols: list[str]) -> Iterator:
    import pandas as pd
    from pyspark import SparkFiles

    from stance.actors import ActorIndex
    from stance.io import Article
    from stance.model import StanceModel
    from stance.predict import score_articles

    path = SparkFiles.get(model_name)
    if path not in _MODELS:
        _MODELS[path] = StanceModel.load(path, fast=True)
    model = _MODELS[path]
    actors = ActorIndex.from_records(actor_records)
    columns = SCORE_COLUMNS + keep_cols
    for batch in batches:
        texts = ["" if t is None else str(t) for t in batch[text_col]]
        articles = [Article(str(i), t, str(s)) for i, t, s in zip(batch[id_col], texts, batch[source_col])]
        extra = batch[keep_cols].to_dict("records") if keep_cols else [{}] * len(articles)
        rows = [{**_flat_row(statement.to_dict()), **keep}
                for statements, keep in zip(score_articles(model, articles, actors), extra) for statement in statements]
        yield pd.DataFrame(rows, columns=columns)


def score_paths_spark(
    paths: Iterable[str],
    model_dir: str | Path,
    master: str = "local[*]",
    actors_csv: str | Path | None = None,
    on_error: Callable[[InputError], None] | None = None,
    on_article: Callable[..., None] | None = None,
) -> Iterator[dict]:
    """What ``stance score --engine spark`` runs: read inputs here, score them on Spark, stream rows back in order.

    Inputs are read with :func:`stance.io.read_articles` (so unreadable ones are reported
    exactly as with the local engine) into a temporary Parquet file, which Spark reads. On
    a cluster, that temporary folder (``TMPDIR``) must be on storage the executors see;
    otherwise load the articles into a DataFrame yourself and call :func:`score_spark`.

    Yields
    ------
    dict
        One row per statement, in input order, shaped as the local engine's
        (:meth:`stance.predict.ScoredStatement.to_dict`: scores as dicts).
    """
    _require_pyspark()
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyspark import StorageLevel
    from pyspark.sql import SparkSession

    from stance.io import read_articles

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    tmp = Path(tempfile.mkdtemp(prefix="stance-spark-"))
    try:
        schema = pa.schema([("_pos", pa.int64()), ("id", pa.string()), ("text", pa.string()), ("source", pa.string())])
        n_articles = 0
        with pq.ParquetWriter(str(tmp / "articles.parquet"), schema) as parquet:
            buffer: list[dict] = []
            for position, item in enumerate(read_articles(paths)):
                if isinstance(item, InputError):
                    if on_error is None:
                        raise item
                    on_error(item)
                    continue
                buffer.append({"_pos": position, "id": item.article_id, "text": item.text, "source": item.source})
                n_articles += 1
                if len(buffer) >= 5_000:
                    parquet.write_table(pa.Table.from_pylist(buffer, schema=schema))
                    buffer = []
            if buffer:
                parquet.write_table(pa.Table.from_pylist(buffer, schema=schema))
        if n_articles == 0:
            return
        owned = SparkSession.getActiveSession() is None
        spark = (SparkSession.builder.master(master).appName("stance score")
                 .config("spark.ui.showConsoleProgress", "false").getOrCreate())
        try:
            if owned:
                spark.sparkContext.setLogLevel("ERROR")
            articles = spark.read.parquet(str(tmp / "articles.parquet"))
            # Persisted because the sort samples its input first: without it every article
            # would be scored twice.
            scored = score_spark(articles, model_dir, "text", "id", source_col="source", keep_cols=["_pos"],
                                 actors_csv=actors_csv).persist(StorageLevel.MEMORY_AND_DISK)
            if on_article is not None:
                on_article(articles=n_articles)
            try:
                for row in scored.orderBy("_pos", "start").toLocalIterator():
                    record = _local_row(row.asDict())
                    if on_article is not None:
                        on_article(statements=1)
                    yield record
            finally:
                scored.unpersist()
        finally:
            if owned:
                spark.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _local_row(record: dict) -> dict:
    """A Spark row as :meth:`stance.predict.ScoredStatement.to_dict` shapes it (same keys, same order)."""
    row = {key: record[key] for key in ("article", "source", "start", "end", "sentence", "actor", "actor_canonical",
                                        "actor_type", "stance")}
    row["stance_scores"] = json.loads(record["stance_scores"])
    row["confidence"] = record["confidence"]
    row["frame"] = record["frame"]
    if record["frame_scores"] is not None:
        row["frame_scores"] = json.loads(record["frame_scores"])
    return row
