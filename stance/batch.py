"""Score archives: a stream of articles in, a stream of statements out, on one or more cores.

Memory stays constant whatever the input size: articles are pulled from the input iterator
one chunk at a time, at most a few chunks are in flight, and rows go straight to a writer.
Output keeps the input order. Writers build their file under a temporary name next to the
target and rename it only when everything was written, so a failed run leaves no
half-written file behind.

Nothing here imports MLflow: scoring a local model directory stays light.
"""

from __future__ import annotations

import collections
import csv
import json
import multiprocessing
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO

from stance.errors import InputError
from stance.model import StanceModel
from stance.predict import ScoredStatement, score_articles

__all__ = ["SCORE_COLUMNS", "OUTPUT_FORMATS", "ScoredArticle", "score_stream", "score_article_stream",
           "open_writer", "format_for", "Progress"]

#: Columns of ``stance score`` rows, in output order (CSV header, Parquet schema).
SCORE_COLUMNS = ["article", "source", "start", "end", "sentence", "actor", "actor_canonical", "actor_type", "stance",
                 "confidence", "stance_scores", "frame", "frame_scores"]
#: File formats of :func:`open_writer`, and the suffixes that select them.
OUTPUT_FORMATS = {"jsonl": (".jsonl", ".ndjson"), "csv": (".csv",), "parquet": (".parquet", ".pq")}
DEFAULT_CHUNK_SIZE = 64
_PARQUET_ROW_GROUP = 50_000


@dataclass(frozen=True)
class ScoredArticle:
    """The statements of one article (possibly none), as :func:`score_article_stream` yields them."""

    article_id: str
    source: str
    statements: list[ScoredStatement]


# -- workers ----------------------------------------------------------------------------

# One model and actor table per worker process, set by the pool initializer.
_worker_state: dict = {}


def _init_worker(model: StanceModel | str, actors) -> None:
    # An initializer that raises makes the pool respawn workers forever: keep the error
    # and raise it from the first task instead, where it reaches the caller.
    try:
        _worker_state["model"] = StanceModel.load(model, fast=True) if isinstance(model, (str, Path)) else model
    except Exception as exc:  # noqa: BLE001 - re-raised by _score_chunk_in_worker
        _worker_state["error"] = exc
    _worker_state["actors"] = actors


def _score_chunk_in_worker(articles: list) -> list[list[ScoredStatement]]:
    if "error" in _worker_state:
        raise _worker_state["error"]
    return score_articles(_worker_state["model"], articles, _worker_state["actors"])


def _warm_up(actors) -> None:
    """Load once, before forking, what each worker would load on its first article.

    camel-tools builds its character tables on import (about a third of a second), and the
    cue lexicon and boilerplate rules are parsed from YAML: forked workers inherit them.
    """
    from stance.arabic import normalize_text
    from stance.attribution import find_statements

    find_statements("وقال المتحدث إن الحوار مستمر.", actors)
    normalize_text("وقال المتحدث")


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def score_article_stream(
    model: StanceModel | str | Path,
    articles: Iterable,
    actors,
    jobs: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[ScoredArticle | InputError]:
    """Score a stream of articles; yield one result per input item, in input order.

    Parameters
    ----------
    model:
        A loaded :class:`~stance.model.StanceModel`, or a model directory. With ``jobs > 1``
        each worker loads a directory itself (safely, once, with ``fast=True``); a loaded
        model is handed to the workers instead (inherited on Linux, pickled where processes
        are spawned).
    articles:
        :class:`stance.io.Article` items, and :class:`~stance.errors.InputError` items for
        unreadable inputs (as :func:`stance.io.read_articles` yields them); any iterable,
        consumed lazily.
    actors:
        The :class:`~stance.actors.ActorIndex` that resolves speakers.
    jobs:
        Worker processes; 1 scores in this process.
    chunk_size:
        Articles per task. All statements of a chunk are classified in one call.

    Yields
    ------
    ScoredArticle or InputError
        Input errors are passed through at their place in the stream.

    Raises
    ------
    ValueError
        If ``jobs`` or ``chunk_size`` is not a positive integer.
    """
    for name, value in (("jobs", jobs), ("chunk_size", chunk_size)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if jobs == 1:
        loaded = StanceModel.load(model, fast=True) if isinstance(model, (str, Path)) else model
        for chunk in _chunks(articles, chunk_size):
            yield from _merge(chunk, score_articles(loaded, _only_articles(chunk), actors))
        return
    model_arg = str(model) if isinstance(model, Path) else model
    forking = "fork" in multiprocessing.get_all_start_methods()
    if forking:
        _warm_up(actors)
    context = multiprocessing.get_context("fork" if forking else "spawn")
    with context.Pool(jobs, initializer=_init_worker, initargs=(model_arg, actors)) as pool:
        # Pool.imap would drain the whole input into its task queue; a bounded window of
        # apply_async calls keeps memory constant and the output in order.
        window: collections.deque = collections.deque()
        for chunk in _chunks(articles, chunk_size):
            window.append((chunk, pool.apply_async(_score_chunk_in_worker, (_only_articles(chunk),))))
            if len(window) >= 2 * jobs:
                done, pending = window.popleft()
                yield from _merge(done, pending.get())
        while window:
            done, pending = window.popleft()
            yield from _merge(done, pending.get())


def _only_articles(chunk: list) -> list:
    return [item for item in chunk if not isinstance(item, InputError)]


def _merge(chunk: list, scored: list[list[ScoredStatement]]) -> Iterator[ScoredArticle | InputError]:
    results = iter(scored)
    for item in chunk:
        if isinstance(item, InputError):
            yield item
        else:
            yield ScoredArticle(item.article_id, item.source, next(results))


def score_stream(
    model: StanceModel | str | Path,
    articles: Iterable,
    actors,
    jobs: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_error: Callable[[InputError], None] | None = None,
) -> Iterator[ScoredStatement]:
    """Score a stream of articles; yield their statements in input order.

    Same parameters as :func:`score_article_stream`, plus:

    on_error:
        Called with each :class:`~stance.errors.InputError` of the input stream; the
        stream goes on. Without it the first input error is raised.
    """
    for item in score_article_stream(model, articles, actors, jobs=jobs, chunk_size=chunk_size):
        if isinstance(item, InputError):
            if on_error is None:
                raise item
            on_error(item)
        else:
            yield from item.statements


# -- progress ---------------------------------------------------------------------------


class Progress:
    """A one-line counter on stderr (articles, statements, errors, rate), redrawn at most twice a second.

    Parameters
    ----------
    stream:
        Where to draw (default ``sys.stderr``).
    enabled:
        When false every method does nothing.
    """

    def __init__(self, stream: TextIO | None = None, enabled: bool = True, interval: float = 0.5):
        self.stream = stream
        self.enabled = enabled
        self.interval = interval
        self.articles = self.statements = self.errors = 0
        self._start = self._last = time.perf_counter()

    def update(self, articles: int = 0, statements: int = 0, errors: int = 0) -> None:
        self.articles += articles
        self.statements += statements
        self.errors += errors
        now = time.perf_counter()
        if self.enabled and now - self._last >= self.interval:
            self._last = now
            self._draw(now, end="")

    def close(self) -> None:
        if self.enabled:
            self._draw(time.perf_counter(), end="\n")

    def _draw(self, now: float, end: str) -> None:
        rate = self.articles / max(now - self._start, 1e-9)
        errors = f", {self.errors:,} unreadable" if self.errors else ""
        stream = self.stream or sys.stderr
        stream.write(f"\rscored {self.articles:,} articles, {self.statements:,} statements{errors} "
                     f"({rate:,.0f} articles/s){end}")
        stream.flush()


# -- writers ----------------------------------------------------------------------------


def format_for(path: str | Path | None, fmt: str | None) -> str:
    """The output format: ``fmt`` if given, else from the suffix of ``path``.

    Raises
    ------
    InputError
        When neither names one of :data:`OUTPUT_FORMATS`.
    """
    if fmt is not None:
        if fmt not in OUTPUT_FORMATS:
            raise InputError(f"unknown output format {fmt!r}; expected one of {', '.join(OUTPUT_FORMATS)}")
        return fmt
    suffix = Path(str(path)).suffix.lower() if path is not None else ""
    for name, suffixes in OUTPUT_FORMATS.items():
        if suffix in suffixes:
            return name
    known = ", ".join(s for suffixes in OUTPUT_FORMATS.values() for s in suffixes)
    raise InputError(f"cannot tell the output format from the suffix {suffix or '(none)'!r}; "
                     f"use one of {known} or give --format", path=str(path) if path is not None else None)


def _flat_row(row: dict) -> dict:
    """Score dicts as JSON strings: CSV and Parquet cells are flat."""
    return {key: json.dumps(row.get(key), ensure_ascii=False) if key.endswith("_scores")
            and row.get(key) is not None else row.get(key) for key in SCORE_COLUMNS}


class _RowWriter:
    """Base of the writers: a context manager with ``write(row)``; renames into place on success."""

    def __init__(self, target: str | Path | None):
        self.target = None if target in (None, "-") else Path(target)
        self.rows = 0
        self._tmp: Path | None = None

    def __enter__(self):
        if self.target is not None:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".part", dir=self.target.parent)
            os.close(handle)
            self._tmp = Path(name)
        try:
            self._open()
        except BaseException:
            if self._tmp is not None:
                self._tmp.unlink(missing_ok=True)
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            self._close()
        finally:
            if self._tmp is not None:
                if exc_type is None:
                    os.replace(self._tmp, self.target)
                else:
                    self._tmp.unlink(missing_ok=True)
        return False

    def write(self, row: ScoredStatement | dict) -> None:
        self._write(row.to_dict() if isinstance(row, ScoredStatement) else row)
        self.rows += 1

    def _text_stream(self) -> TextIO:
        if self._tmp is None:
            return sys.stdout
        return self._tmp.open("w", encoding="utf-8", newline="")

    def _open(self) -> None:
        raise NotImplementedError

    def _write(self, row: dict) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError


class _JsonlWriter(_RowWriter):
    def _open(self) -> None:
        self._out = self._text_stream()

    def _write(self, row: dict) -> None:
        self._out.write(json.dumps(row, ensure_ascii=False) + "\n")

    def _close(self) -> None:
        self._out.flush()
        if self._out is not sys.stdout:
            self._out.close()


class _CsvWriter(_JsonlWriter):
    def _open(self) -> None:
        super()._open()
        self._csv = csv.DictWriter(self._out, fieldnames=SCORE_COLUMNS, extrasaction="ignore")
        self._csv.writeheader()

    def _write(self, row: dict) -> None:
        self._csv.writerow(_flat_row(row))


class _ParquetWriter(_RowWriter):
    def _open(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._tmp is None:
            raise InputError("Parquet is binary and cannot go to standard output; give --output FILE.parquet")
        string, integer, number = pa.string(), pa.int64(), pa.float64()
        types = {"start": integer, "end": integer, "confidence": number}
        self._schema = pa.schema([(c, types.get(c, string)) for c in SCORE_COLUMNS])
        self._writer = pq.ParquetWriter(str(self._tmp), self._schema)
        self._buffer: list[dict] = []

    def _write(self, row: dict) -> None:
        self._buffer.append(_flat_row(row))
        if len(self._buffer) >= _PARQUET_ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._buffer:
            self._writer.write_table(pa.Table.from_pylist(self._buffer, schema=self._schema))
            self._buffer = []

    def _close(self) -> None:
        try:
            self._flush()
        finally:
            self._writer.close()


_WRITERS = {"jsonl": _JsonlWriter, "csv": _CsvWriter, "parquet": _ParquetWriter}


def open_writer(target: str | Path | None, fmt: str | None = None) -> _RowWriter:
    """A writer of score rows, used as a context manager: ``with open_writer(p) as w: w.write(row)``.

    Parameters
    ----------
    target:
        Output file, or ``None`` / ``-`` for standard output (not for Parquet).
    fmt:
        ``jsonl``, ``csv`` or ``parquet``; by default taken from the suffix of ``target``.

    Returns
    -------
    A context manager whose ``write`` takes a :class:`~stance.predict.ScoredStatement` or its
    ``to_dict()``. A file is written under a temporary name in the same folder and renamed
    to ``target`` when the ``with`` block ends without an exception; otherwise it is
    removed. CSV and Parquet hold the score dicts as JSON strings; Parquet is written in row
    groups of 50,000 rows.

    Raises
    ------
    InputError
        For an unknown format, or Parquet to standard output.
    """
    return _WRITERS[format_for(target, fmt)](target)
