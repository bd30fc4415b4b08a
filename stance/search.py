"""Model search: run every experiment config, compare them, log the comparison."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pandas as pd

from stance.config import load_config
from stance.errors import DataPackageError

COMPARISON_COLUMNS = ["name", "status", "primary_metric", "score", "cv_stance_macro_f1", "cv_frame_macro_f1",
                      "cv_stance_ece", "promoted", "run_id", "description"]


def experiment_files(paths: Iterable[str | Path]) -> list[Path]:
    """YAML files named directly or found (recursively, sorted) under folders."""
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.rglob("*.yaml")) if path.is_dir() else [path])
    return files


@dataclass(frozen=True)
class SearchResult:
    """The comparison table (best first) and the run that logged it."""

    table: pd.DataFrame
    comparison_run_id: str | None


def run_search(paths: Iterable[str | Path], tracking_uri: str | None = None, experiment: str | None = None) -> SearchResult:
    """Train every config (one MLflow run each, folds nested) and log a comparison table.

    A variant whose optional data package is missing (camel-tools morphology) is reported as
    ``skipped`` with the reason instead of stopping the search.

    Parameters
    ----------
    paths:
        Config files or folders of them.
    tracking_uri:
        MLflow store.
    experiment:
        Experiment the comparison table is logged to (default: the first config's experiment).
    """
    from stance import tracking
    from stance.train import run_training

    rows = []
    for path in experiment_files(paths):
        config = load_config(path)
        experiment = experiment or config.tracking.experiment
        row = {"name": config.name, "description": config.description}
        try:
            summary = run_training(config, tracking_uri=tracking_uri)
        except DataPackageError as exc:
            rows.append({**row, "status": f"skipped: {exc}"})
            continue
        metrics = summary.result.metrics
        rows.append({**row, "status": "ok", "primary_metric": summary.result.primary_metric,
                     "score": metrics[summary.result.primary_metric], "run_id": summary.run_id,
                     "promoted": summary.promoted,
                     **{k: metrics.get(k) for k in ("cv_stance_macro_f1", "cv_frame_macro_f1", "cv_stance_ece")}})
    table = pd.DataFrame(rows).reindex(columns=COMPARISON_COLUMNS)
    table = table.sort_values("score", ascending=False, na_position="last").reset_index(drop=True)
    run_id = tracking.log_comparison(table, experiment=experiment, tracking_uri=tracking_uri) if experiment else None
    return SearchResult(table, run_id)
