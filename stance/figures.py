"""Figures for runs: confusion matrix, reliability diagram, learning curve (matplotlib, Agg)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def confusion_matrix_png(matrix: np.ndarray, classes: Sequence[str], path: Path, title: str) -> Path:
    """Draw a confusion matrix (rows truth, columns prediction) with counts in the cells."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(1.6 + 1.1 * len(classes), 1.2 + 1.0 * len(classes)))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(classes)), classes, rotation=35, ha="right")
    ax.set_yticks(range(len(classes)), classes)
    ax.set_xlabel("predicted")
    ax.set_ylabel("annotated")
    ax.set_title(title)
    high = matrix.max() if matrix.size else 0
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center",
                    color="white" if matrix[i, j] > high / 2 else "black")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def reliability_png(table: list[dict[str, float]], ece: float, path: Path, title: str) -> Path:
    """Reliability diagram: accuracy against mean confidence per bin, with the diagonal."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    conf = [r["confidence"] for r in table if r["count"]]
    acc = [r["accuracy"] for r in table if r["count"]]
    sizes = [20 + 4 * r["count"] for r in table if r["count"]]
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.plot(conf, acc, "-", color="tab:blue")
    ax.scatter(conf, acc, s=sizes, color="tab:blue", label="bins (size = count)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("mean confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(f"{title}\nECE = {ece:.3f}")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def learning_curve_png(sizes: Sequence[float], scores: Sequence[float], path: Path, title: str,
                       metric: str = "stance macro-F1 (grouped CV)") -> Path:
    """Score against the number of training statements."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.8))
    ax.plot(sizes, scores, "o-")
    ax.set_xlabel("training statements")
    ax.set_ylabel(metric)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
