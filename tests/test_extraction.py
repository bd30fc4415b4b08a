"""Tests for stance.extraction: overlap matching, metrics, error rows, subsets."""

from __future__ import annotations

import pandas as pd
import pytest

from stance.actors import ActorIndex
from stance.attribution import Statement
from stance.errors import SchemaError
from stance.extraction import evaluate_by_subset, evaluate_extraction, match_statements, span_overlap

ACTORS = ActorIndex.from_records(
    [
        {"canonical": "لويد أوستن", "type": "us_government", "aliases": ["أوستن"]},
        {"canonical": "مقتدى الصدر", "type": "political_party", "aliases": ["الصدر"]},
    ]
)
TEXT = "وقال أوستن إن المحادثات بدأت. وينتشر نحو 2500 جندي. وقال الصدر إن الاحتلال يجب أن يرحل."
S1 = TEXT.index("وقال أوستن"), TEXT.index("وينتشر") - 1
S2 = TEXT.index("وقال الصدر"), len(TEXT)


def _gold(rows):
    return pd.DataFrame(rows, columns=["article_id", "start", "end", "sentence", "actor", "actor_canonical"])


def _gold_row(span, canonical, article="a1"):
    return {"article_id": article, "start": span[0], "end": span[1], "sentence": TEXT[span[0] : span[1]], "actor": canonical, "actor_canonical": canonical}


@pytest.mark.parametrize(
    "a, b, expected",
    [((0, 10), (0, 10), 1.0), ((0, 10), (5, 15), 5 / 15), ((0, 10), (10, 20), 0.0), ((0, 10), (2, 8), 0.6)],
)
def test_span_overlap(a, b, expected):
    assert span_overlap(a, b) == pytest.approx(expected)


def test_matching_is_one_to_one_and_greedy():
    gold = [(0, 10), (10, 20)]
    pred = [(0, 9), (1, 10), (11, 20)]
    assert sorted(match_statements(gold, pred)) == [(0, 0), (1, 2)]


def test_below_threshold_does_not_match():
    assert match_statements([(0, 10)], [(6, 20)]) == []


def test_perfect_extraction():
    result = evaluate_extraction({"a1": TEXT}, _gold([_gold_row(S1, "لويد أوستن"), _gold_row(S2, "مقتدى الصدر")]), ACTORS)
    assert result.metrics == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "actor_accuracy": 1.0, "n_gold": 2.0, "n_pred": 2.0, "n_matched": 2.0}
    assert result.errors.empty


def test_miss_false_alarm_and_wrong_actor_rows():
    gold = _gold([_gold_row(S1, "مقتدى الصدر"), _gold_row((TEXT.index("وينتشر"), TEXT.index("وقال الصدر") - 1), "لويد أوستن")])
    result = evaluate_extraction({"a1": TEXT}, gold, ACTORS)
    m = result.metrics
    assert (m["n_gold"], m["n_pred"], m["n_matched"]) == (2.0, 2.0, 1.0)
    assert m["precision"] == 0.5 and m["recall"] == 0.5 and m["f1"] == 0.5 and m["actor_accuracy"] == 0.0
    assert sorted(result.errors.kind) == ["false_alarm", "miss", "wrong_actor"]
    wrong = result.errors[result.errors.kind == "wrong_actor"].iloc[0]
    assert (wrong.gold_canonical, wrong.pred_canonical) == ("مقتدى الصدر", "لويد أوستن")


def test_canonical_names_compare_after_normalisation():
    preds = {"a1": [Statement(S1[0], S1[1], TEXT[S1[0] : S1[1]], "أوستن", "لويد اوستن", "us_government", "وقال")]}
    result = evaluate_extraction({"a1": TEXT}, _gold([_gold_row(S1, "لويد أوستن")]), ACTORS, predictions=preds)
    assert result.metrics["actor_accuracy"] == 1.0


def test_gold_without_required_columns():
    with pytest.raises(SchemaError, match="gold statements lack column\\(s\\) actor_canonical"):
        evaluate_extraction({"a1": TEXT}, pd.DataFrame(columns=["article_id", "start", "end", "sentence", "actor"]), ACTORS)


def test_subsets_are_scored_separately():
    texts = {"a1": TEXT, "b1": TEXT}
    gold = _gold([_gold_row(S1, "لويد أوستن"), _gold_row(S2, "مقتدى الصدر"), _gold_row(S1, "لويد أوستن", "b1")])
    results = evaluate_by_subset(texts, gold, ACTORS, {"dev": ["a1"], "held_out": ["b1"]})
    assert results["dev"].metrics["f1"] == 1.0
    assert results["held_out"].metrics["precision"] == 0.5
    with pytest.raises(SchemaError, match="subset 'x' names unknown article\\(s\\): zz"):
        evaluate_by_subset(texts, gold, ACTORS, {"x": ["zz"]})
