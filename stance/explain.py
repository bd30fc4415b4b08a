"""Which n-grams push a linear model towards each label."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stance.errors import ModelError


@dataclass(frozen=True)
class Contribution:
    """One feature's push towards a label: ``weight * value`` for one statement."""

    feature: str
    contribution: float


def linear_weights(pipeline) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Feature names, classes and a ``(n_classes, n_features)`` weight matrix of a fitted pipeline.

    Calibrated SVMs average the weights of their cross-validated base estimators. For a binary
    model the single weight row is expanded to ``[-w, w]`` so every class has a row.
    """
    features = pipeline.named_steps["features"]
    classifier = pipeline.named_steps["classifier"]
    names = np.asarray(features.get_feature_names_out(), dtype=object)
    if hasattr(classifier, "calibrated_classifiers_"):
        coef = np.mean([c.estimator.coef_ for c in classifier.calibrated_classifiers_], axis=0)
    elif hasattr(classifier, "coef_"):
        coef = classifier.coef_
    else:
        raise ModelError(f"{type(classifier).__name__} has no linear weights to explain")
    classes = [str(c) for c in classifier.classes_]
    if coef.shape[0] == 1 and len(classes) == 2:
        coef = np.vstack([-coef[0], coef[0]])
    return names, classes, np.asarray(coef)


def _readable(name: str) -> str:
    # ColumnTransformer/FeatureUnion prefix names as "text__word__..."; keep the kind, drop the plumbing.
    parts = name.split("__")
    return f"{parts[-2]}:{parts[-1]}" if len(parts) >= 2 else name


def top_ngrams(pipeline, k: int = 20) -> pd.DataFrame:
    """The ``k`` features with the largest weight for each class.

    Returns
    -------
    pandas.DataFrame
        Columns ``class``, ``rank``, ``feature``, ``weight``.
    """
    names, classes, coef = linear_weights(pipeline)
    rows = []
    for ci, label in enumerate(classes):
        order = np.argsort(-coef[ci])[:k]
        for rank, j in enumerate(order, start=1):
            rows.append({"class": label, "rank": rank, "feature": _readable(str(names[j])), "weight": float(coef[ci, j])})
    return pd.DataFrame(rows)


def explain_row(pipeline, X: pd.DataFrame, label: str, k: int = 10) -> list[Contribution]:
    """The features of the single row ``X`` that pushed hardest towards ``label`` (largest first)."""
    names, classes, coef = linear_weights(pipeline)
    if label not in classes:
        raise ModelError(f"label {label!r} is not one of {', '.join(classes)}")
    row = pipeline.named_steps["features"].transform(X)
    row = row.tocsr() if hasattr(row, "tocsr") else np.asarray(row)
    weights = coef[classes.index(label)]
    if hasattr(row, "indices"):
        idx, values = row.indices, row.data
    else:
        idx = np.flatnonzero(row[0])
        values = row[0, idx]
    contributions = [(values[n] * weights[j], j) for n, j in enumerate(idx)]
    contributions.sort(key=lambda pair: -pair[0])
    return [Contribution(_readable(str(names[j])), float(c)) for c, j in contributions[:k] if c > 0]


@dataclass(frozen=True)
class Explanation:
    """A statement's predicted label and the n-grams that pushed it there."""

    head: str
    label: str
    confidence: float
    contributions: list[Contribution]


def explain_statement(model, text: str, actor: str = "", actor_type: str = "", head: str = "stance",
                      k: int = 10) -> Explanation:
    """Explain one statement with one head of a :class:`stance.model.StanceModel`.

    Parameters
    ----------
    model:
        The loaded model.
    text, actor, actor_type:
        The statement and (optionally) its speaker.
    head:
        ``stance`` or ``frame`` (or ``stance/<target>``).
    k:
        How many features to return.
    """
    from stance.model import input_frame

    X = input_frame([text], [actor], [actor_type])
    prediction = model.predict_head(head, X)[0]
    pushes = explain_row(model.heads[head], X, prediction.label, k=k)
    return Explanation(head, prediction.label, prediction.confidence, pushes)
