"""Load a model and turn inputs into typed rows: ``classify`` for statements, ``score`` for articles."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from stance.errors import InputError, ModelError
from stance.model import Classification, StanceModel

CHAMPION_URI = "models:/stance-classifier@champion"
_MLFLOW_SCHEMES = ("models:/", "runs:/", "mlflow-artifacts:/", "file:/", "s3://", "gs://", "wasbs://")


def load_model(model: str | Path | None = None, tracking_uri: str | None = None, fast: bool = False) -> StanceModel:
    """Load a local model directory (no MLflow import) or an MLflow model URI.

    Parameters
    ----------
    model:
        A directory written by ``stance train --output``, an MLflow URI such as
        ``models:/stance-classifier@champion``, or ``None`` for that champion in the local store.
    tracking_uri:
        MLflow store for URIs (default ``MLFLOW_TRACKING_URI`` or ``sqlite:///mlflow.db``).
    fast:
        For a directory, :meth:`StanceModel.load` with ``fast=True``: heads that only classify
        (no scikit-learn import); for ``classify`` and ``score``, not for ``explain`` or ``report``.
    """
    model = CHAMPION_URI if model is None else str(model)
    if Path(model).is_dir():
        return StanceModel.load(model, fast=fast)
    if model.startswith(_MLFLOW_SCHEMES):
        from stance.tracking import load_registered_model

        return load_registered_model(model, tracking_uri)
    raise ModelError(f"{model}: not a model directory or an MLflow model URI (models:/NAME@ALIAS, runs:/ID/model)")


@dataclass(frozen=True)
class StatementRecord:
    """One classified statement of ``stance classify``."""

    id: str
    text: str
    actor: str
    result: Classification

    def to_dict(self) -> dict:
        out = {"id": self.id, "stance": self.result.stance.label, "stance_scores": self.result.stance.scores,
               "confidence": self.result.stance.confidence}
        if self.result.frame is not None:
            out["frame"] = self.result.frame.label
            out["frame_scores"] = self.result.frame.scores
        return out


def read_statement_records(path: str, lines: Iterable[str]) -> Iterator[dict | InputError]:
    """Parse ``stance classify`` input: JSONL with ``text`` and optional ``id``, ``actor``, ``actor_type``, ``target``."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(f"malformed JSON ({exc.msg})", path=path, line=number)
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield InputError("each line must be a JSON object with a string 'text'", path=path, line=number)
            continue
        record.setdefault("id", str(number))
        record["id"] = str(record["id"])
        yield record


def classify_records(model: StanceModel, records: list[dict]) -> list[StatementRecord]:
    """Classify parsed records, keeping their order."""
    if not records:
        return []
    results = model.classify(
        [r["text"] for r in records],
        [str(r.get("actor") or "") for r in records],
        [str(r.get("actor_type") or "") for r in records],
        [str(r.get("target") or "") for r in records] if model.targets else None,
    )
    return [StatementRecord(r["id"], r["text"], str(r.get("actor") or ""), c) for r, c in zip(records, results)]


@dataclass(frozen=True)
class ScoredStatement:
    """One attributed statement found in an article, with its actor and labels."""

    article: str
    source: str
    start: int
    end: int
    sentence: str
    actor: str
    actor_canonical: str
    actor_type: str
    result: Classification

    def to_dict(self) -> dict:
        out = {"article": self.article, "source": self.source, "start": self.start, "end": self.end,
               "sentence": self.sentence, "actor": self.actor, "actor_canonical": self.actor_canonical,
               "actor_type": self.actor_type, "stance": self.result.stance.label,
               "stance_scores": self.result.stance.scores, "confidence": self.result.stance.confidence,
               "frame": self.result.frame.label if self.result.frame else None}
        if self.result.frame is not None:
            out["frame_scores"] = self.result.frame.scores
        return out


def actor_index_for(model: StanceModel, actors_csv: str | Path | None = None):
    """The actor table: ``actors_csv`` if given, else the one stored in the model, else ``labels/``."""
    return actor_index_from_meta(model.meta, actors_csv)


def actor_index_from_meta(meta: dict, actors_csv: str | Path | None = None):
    """:func:`actor_index_for` from a model's ``meta.json`` alone (no need to load the heads)."""
    from stance.actors import ActorIndex

    if actors_csv is not None:
        return ActorIndex.from_csv(actors_csv)
    if meta.get("actors"):
        return ActorIndex.from_records(meta["actors"])
    if Path("labels/actors.csv").is_file():
        return ActorIndex.from_csv(Path("labels/actors.csv"))
    return ActorIndex.from_records([])


def score_article(model: StanceModel, article, actors) -> list[ScoredStatement]:
    """Find the attributed statements of one :class:`stance.io.Article` and classify them."""
    return score_articles(model, [article], actors)[0]


def score_articles(model: StanceModel, articles, actors) -> list[list[ScoredStatement]]:
    """Score several articles with one ``classify`` call for all their statements.

    Returns one list of statements per article, in input order. Batching matters: each
    ``predict_proba`` call has a fixed cost (input checks, column dispatch) that per-article
    calls pay again and again.
    """
    from stance.attribution import find_statements

    found = [find_statements(article.text, actors) for article in articles]
    flat = [s for statements in found for s in statements]
    results = iter(model.classify([s.sentence for s in flat], [s.actor for s in flat],
                                  [s.actor_type for s in flat]) if flat else [])
    return [[ScoredStatement(article.article_id, article.source, s.start, s.end, s.sentence, s.actor,
                             s.actor_canonical, s.actor_type, next(results)) for s in statements]
            for article, statements in zip(articles, found)]


def actor_summary(rows: list[ScoredStatement]) -> list[dict]:
    """Per canonical actor: number of statements, stance counts, the majority stance and mean confidence."""
    by_actor: dict[str, dict] = {}
    for row in rows:
        entry = by_actor.setdefault(row.actor_canonical, {"actor": row.actor_canonical, "actor_type": row.actor_type,
                                                          "statements": 0, "stances": {}, "confidence_sum": 0.0})
        entry["statements"] += 1
        entry["stances"][row.result.stance.label] = entry["stances"].get(row.result.stance.label, 0) + 1
        entry["confidence_sum"] += row.result.stance.confidence
    out = []
    for entry in sorted(by_actor.values(), key=lambda e: (-e["statements"], e["actor"])):
        stances = entry.pop("stances")
        entry["majority_stance"] = max(sorted(stances), key=stances.get)
        entry["stance_counts"] = stances
        entry["mean_confidence"] = entry.pop("confidence_sum") / entry["statements"]
        out.append(entry)
    return out
