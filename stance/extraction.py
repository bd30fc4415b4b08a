"""Score statement extraction against gold statements.

Predicted and gold statements of one article are matched one to one by character
overlap: a pair may match when the overlap of the two spans over their union is at least
``min_overlap`` (0.5); pairs are taken greedily, best overlap first. Precision, recall and
F1 count matched statements; actor accuracy is the share of matched pairs whose canonical
actors agree after normalisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import pandas as pd

from stance.actors import ActorIndex, canonical_key
from stance.attribution import Statement, find_statements
from stance.errors import SchemaError

__all__ = [
    "ExtractionResult",
    "ERROR_KINDS",
    "GOLD_COLUMNS",
    "evaluate_extraction",
    "evaluate_by_subset",
    "match_statements",
    "span_overlap",
]

#: Columns the gold frame must have (a subset of ``statements.csv``).
GOLD_COLUMNS = ("article_id", "start", "end", "sentence", "actor", "actor_canonical")

#: Kinds of rows in :attr:`ExtractionResult.errors`.
ERROR_KINDS = ("miss", "false_alarm", "wrong_actor")

_ERROR_COLUMNS = [
    "kind",
    "article_id",
    "gold_start",
    "gold_end",
    "pred_start",
    "pred_end",
    "sentence",
    "gold_actor",
    "gold_canonical",
    "pred_actor",
    "pred_canonical",
]


@dataclass(frozen=True)
class ExtractionResult:
    """Scores of an extraction run and the errors behind them.

    Attributes
    ----------
    metrics:
        ``precision``, ``recall``, ``f1``, ``actor_accuracy`` (on matched pairs),
        ``n_gold``, ``n_pred``, ``n_matched``.
    errors:
        One row per miss, false alarm and wrong actor, with columns ``kind``,
        ``article_id``, ``gold_start``, ``gold_end``, ``pred_start``, ``pred_end``,
        ``sentence`` (gold sentence, or predicted for a false alarm), ``gold_actor``,
        ``gold_canonical``, ``pred_actor``, ``pred_canonical``.
    """

    metrics: dict[str, float]
    errors: pd.DataFrame


def span_overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Overlap of two character spans over their union (0 when disjoint).

    Parameters
    ----------
    a, b:
        ``(start, end)`` spans.

    Returns
    -------
    float
        Intersection length divided by union length, in [0, 1].
    """
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union


def match_statements(
    gold: list[tuple[int, int]], pred: list[tuple[int, int]], *, min_overlap: float = 0.5
) -> list[tuple[int, int]]:
    """Match predicted spans to gold spans one to one, greedily by best overlap.

    Parameters
    ----------
    gold, pred:
        ``(start, end)`` spans of one article.
    min_overlap:
        Least overlap-over-union for a pair to match.

    Returns
    -------
    list of (int, int)
        ``(gold_index, pred_index)`` pairs.
    """
    pairs = sorted(
        ((span_overlap(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    matched = []
    for score, gi, pi in pairs:
        if score < min_overlap:
            break
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        matched.append((gi, pi))
    return matched


def _check_gold(gold: pd.DataFrame) -> None:
    missing = [c for c in GOLD_COLUMNS if c not in gold.columns]
    if missing:
        raise SchemaError(f"gold statements lack column(s) {', '.join(missing)}; expected {', '.join(GOLD_COLUMNS)}")


def evaluate_extraction(
    texts: Mapping[str, str],
    gold: pd.DataFrame,
    actors: ActorIndex,
    *,
    min_overlap: float = 0.5,
    predictions: Mapping[str, Iterable[Statement]] | None = None,
) -> ExtractionResult:
    """Run :func:`~stance.attribution.find_statements` on texts and score it against gold.

    Parameters
    ----------
    texts:
        ``article_id -> text``; every article in it is scored (an article without gold
        rows counts its predictions as false alarms).
    gold:
        Gold statements with at least the columns :data:`GOLD_COLUMNS` (as in
        ``statements.csv``). Rows of articles missing from ``texts`` are ignored.
    actors:
        The actor table for extraction.
    min_overlap:
        Least overlap-over-union for a predicted and a gold statement to match.
    predictions:
        Statements already extracted, by article id; when given, extraction is not run.

    Returns
    -------
    ExtractionResult
        Metrics and error rows.

    Raises
    ------
    SchemaError
        If ``gold`` lacks a required column.
    """
    _check_gold(gold)
    if not 0.0 < min_overlap <= 1.0:
        raise ValueError(f"min_overlap must be in (0, 1], got {min_overlap!r}")
    rows: list[dict[str, object]] = []
    n_gold = n_pred = n_matched = n_actor_ok = 0
    by_article = {aid: frame for aid, frame in gold.groupby("article_id", sort=False)}
    for article_id in sorted(texts):
        frame = by_article.get(article_id)
        golds = [] if frame is None else list(frame.sort_values("start").itertuples(index=False))
        preds = list(predictions[article_id]) if predictions is not None else find_statements(texts[article_id], actors)
        n_gold += len(golds)
        n_pred += len(preds)
        pairs = match_statements([(int(g.start), int(g.end)) for g in golds], [(p.start, p.end) for p in preds], min_overlap=min_overlap)
        n_matched += len(pairs)
        matched_gold = {gi for gi, _ in pairs}
        matched_pred = {pi for _, pi in pairs}
        for gi, pi in pairs:
            g, p = golds[gi], preds[pi]
            if canonical_key(str(g.actor_canonical)) == canonical_key(p.actor_canonical):
                n_actor_ok += 1
            else:
                rows.append(_row("wrong_actor", article_id, g, p))
        rows += [_row("miss", article_id, golds[gi], None) for gi in range(len(golds)) if gi not in matched_gold]
        rows += [_row("false_alarm", article_id, None, preds[pi]) for pi in range(len(preds)) if pi not in matched_pred]
    precision = n_matched / n_pred if n_pred else 0.0
    recall = n_matched / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    metrics = {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "actor_accuracy": n_actor_ok / n_matched if n_matched else 0.0,
        "n_gold": float(n_gold),
        "n_pred": float(n_pred),
        "n_matched": float(n_matched),
    }
    errors = pd.DataFrame(rows, columns=_ERROR_COLUMNS)
    if not errors.empty:
        errors = errors.sort_values(["article_id", "gold_start", "pred_start"], na_position="last", kind="stable").reset_index(drop=True)
    return ExtractionResult(metrics=metrics, errors=errors)


def _row(kind: str, article_id: str, g: object | None, p: Statement | None) -> dict[str, object]:
    return {
        "kind": kind,
        "article_id": article_id,
        "gold_start": int(g.start) if g is not None else None,
        "gold_end": int(g.end) if g is not None else None,
        "pred_start": p.start if p is not None else None,
        "pred_end": p.end if p is not None else None,
        "sentence": str(g.sentence) if g is not None else p.sentence,
        "gold_actor": str(g.actor) if g is not None else None,
        "gold_canonical": str(g.actor_canonical) if g is not None else None,
        "pred_actor": p.actor if p is not None else None,
        "pred_canonical": p.actor_canonical if p is not None else None,
    }


def evaluate_by_subset(
    texts: Mapping[str, str],
    gold: pd.DataFrame,
    actors: ActorIndex,
    subsets: Mapping[str, Iterable[str]],
    *,
    min_overlap: float = 0.5,
) -> dict[str, ExtractionResult]:
    """Score extraction separately on named subsets of articles (e.g. dev and held-out).

    Parameters
    ----------
    texts:
        ``article_id -> text`` for all articles.
    gold:
        Gold statements (see :func:`evaluate_extraction`).
    actors:
        The actor table.
    subsets:
        ``subset name -> article ids``.
    min_overlap:
        Least overlap-over-union for a match.

    Returns
    -------
    dict of str to ExtractionResult
        One result per subset, in the order given.

    Raises
    ------
    SchemaError
        If a subset names an article that is not in ``texts``.
    """
    results = {}
    for name, ids in subsets.items():
        ids = list(ids)
        unknown = [i for i in ids if i not in texts]
        if unknown:
            raise SchemaError(f"subset {name!r} names unknown article(s): {', '.join(unknown[:5])}")
        results[name] = evaluate_extraction({i: texts[i] for i in ids}, gold, actors, min_overlap=min_overlap)
    return results


#: Batches the extraction rules were written on; every other batch is held out from rule writing.
#: Round 1: seeds, retold_a, retold_b; round 2: + retold_c; round 3 (session 2): + retold_d, retold_e;
#: round 4 (session 2, after measuring retold_f ... retold_m as held out once): + retold_f, retold_g;
#: round 5 (session 3, after reporting retold_h ... retold_m as held out in session 2): + retold_h ... retold_m.
#: round 6 (session 4, after reporting retold_n ... retold_r as held out in session 3): + retold_n ... retold_r.
#: round 7 (session 5, after reporting retold_s ... retold_v as held out in session 4): + retold_s ... retold_v.
#: round 8 (session 5, after measuring retold_w ... retold_ab as held out once): + retold_w ... retold_ab.
#: The batches written after that (retold_ac, retold_ae, retold_af) are held out: never opened while writing
#: rules; merged after the last rule commit (511022c) and measured once in session 5.
RULE_DEV_BATCHES = ("seeds", "retold_a", "retold_b", "retold_c", "retold_d", "retold_e", "retold_f", "retold_g",
                    "retold_h", "retold_i", "retold_j", "retold_k", "retold_l", "retold_m",
                    "retold_n", "retold_o", "retold_p", "retold_q", "retold_r",
                    "retold_s", "retold_t", "retold_u", "retold_v",
                    "retold_w", "retold_x", "retold_y", "retold_z", "retold_aa", "retold_ab")


def evaluate_corpus(corpus, actors: ActorIndex, *, by_batch: bool = False) -> dict[str, ExtractionResult]:
    """Score the extractor on a loaded :class:`stance.labels.Corpus`: ``rules_dev``, ``held_out`` and ``all``.

    Every statement of each annotated article is gold, so recall is measurable. With
    ``by_batch``, one more result per batch follows, named after the batch.
    """
    articles = corpus.articles
    dev = articles.loc[articles["batch"].isin(RULE_DEV_BATCHES), "article_id"].tolist()
    held = articles.loc[~articles["batch"].isin(RULE_DEV_BATCHES), "article_id"].tolist()
    subsets = {name: ids for name, ids in (("rules_dev", dev), ("held_out", held)) if ids}
    subsets["all"] = dev + held
    if by_batch:
        for batch in sorted(articles["batch"].unique()):
            if batch not in subsets:
                subsets[batch] = articles.loc[articles["batch"] == batch, "article_id"].tolist()
    return evaluate_by_subset(corpus.texts, corpus.statements, actors, subsets)
