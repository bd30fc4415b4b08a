"""Metrics computed from labels and predicted probabilities (pure functions, no I/O)."""

from __future__ import annotations

from typing import Sequence

import numpy as np
from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score


def macro_f1(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] | None = None) -> float:
    """Macro-averaged F1 over ``labels`` (default: every label in the truth or the predictions)."""
    return float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0))


def positive_f1(y_true: Sequence[str], y_pred: Sequence[str], positive: Sequence[str]) -> float:
    """Mean F1 of the ``positive`` labels only (Mawqif's metric: mean of Favor-F1 and Against-F1)."""
    return float(np.mean(f1_score(y_true, y_pred, labels=list(positive), average=None, zero_division=0)))


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, n_bins: int = 10) -> float:
    """ECE: the bin-size-weighted mean gap between confidence and accuracy over equal-width bins.

    Parameters
    ----------
    confidence:
        Probability of the predicted label, per example.
    correct:
        Whether the predicted label was right, per example.
    n_bins:
        Number of equal-width confidence bins on [0, 1].
    """
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    if len(confidence) == 0:
        return float("nan")
    bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        mask = bins == b
        if mask.any():
            ece += mask.mean() * abs(confidence[mask].mean() - correct[mask].mean())
    return float(ece)


def reliability_table(confidence: np.ndarray, correct: np.ndarray, n_bins: int = 10) -> list[dict[str, float]]:
    """Per-bin mean confidence, accuracy and count, for a reliability diagram."""
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    rows = []
    for b in range(n_bins):
        mask = bins == b
        rows.append({
            "bin_low": b / n_bins, "bin_high": (b + 1) / n_bins, "count": int(mask.sum()),
            "confidence": float(confidence[mask].mean()) if mask.any() else float("nan"),
            "accuracy": float(correct[mask].mean()) if mask.any() else float("nan"),
        })
    return rows


def head_metrics(y_true: Sequence[str], y_pred: Sequence[str], proba: np.ndarray, classes: Sequence[str],
                 positive: Sequence[str] = ()) -> dict[str, float]:
    """Macro-F1, accuracy, ECE (and positive-label F1 when ``positive`` is given) of one head."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    confidence = proba.max(axis=1) if len(proba) else np.array([])
    out = {
        "macro_f1": macro_f1(y_true, y_pred, labels=list(classes)),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "ece": expected_calibration_error(confidence, y_true == y_pred),
    }
    if positive:
        out["pos_f1"] = positive_f1(y_true, y_pred, positive)
    return out


def per_class_report(y_true: Sequence[str], y_pred: Sequence[str], classes: Sequence[str]) -> dict:
    """scikit-learn's classification report as a dict (precision, recall, F1, support per class)."""
    return classification_report(y_true, y_pred, labels=list(classes), output_dict=True, zero_division=0)


def confusion(y_true: Sequence[str], y_pred: Sequence[str], classes: Sequence[str]) -> np.ndarray:
    """Confusion matrix with rows = truth, columns = prediction, in ``classes`` order."""
    return confusion_matrix(y_true, y_pred, labels=list(classes))
