"""Grouped cross-validation, final fit, metrics and run artifacts.

:func:`train` is pure (data in, :class:`TrainResult` out, artifacts written to a folder);
:func:`run_training` adds the MLflow run, the registry and the optional ``--output`` copy.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from stance import __version__
from stance.config import ExperimentConfig
from stance.dataset import load_training_frame
from stance.errors import SchemaError
from stance.explain import top_ngrams
from stance.figures import confusion_matrix_png, learning_curve_png, reliability_png
from stance.metrics import confusion, expected_calibration_error, head_metrics, per_class_report, reliability_table
from stance.model import FRAME_HEAD, StanceModel, input_frame, stance_head_name
from stance.pipeline import build_pipeline

LEARNING_CURVE_FRACTIONS = (0.2, 0.4, 0.6, 0.8, 1.0)


@dataclass
class HeadResult:
    """Cross-validated (and optionally held-out) evaluation of one head."""

    head: str
    classes: list[str]
    metrics: dict[str, float]
    folds: list[dict[str, float]]
    oof_pred: np.ndarray
    oof_proba: np.ndarray
    test_metrics: dict[str, float] = field(default_factory=dict)


@dataclass
class TrainResult:
    """Everything a run produced.

    Attributes
    ----------
    metrics:
        Flat metric dict (``cv_stance_macro_f1``, ``cv_frame_macro_f1``, ``test_*`` ...).
    primary_metric:
        Name of the metric that ranks runs (and decides the champion).
    folds:
        Per-fold metrics, one dict per fold (logged as nested runs).
    artifact_dir:
        Folder holding figures and tables.
    train_data_sha256:
        Fingerprint of the training rows the CV figures were measured on (see
        :func:`train_data_fingerprint`): runs are comparable only when it matches.
    """

    config: ExperimentConfig
    model: StanceModel
    metrics: dict[str, float]
    primary_metric: str
    folds: list[dict[str, float]]
    artifact_dir: Path
    n_train: int
    n_test: int
    heads: dict[str, HeadResult] = field(default_factory=dict)
    train_data_sha256: str = ""


def grouped_folds(y: np.ndarray, groups: np.ndarray | None, n_splits: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds in which no group (article) is on both sides; plain stratified without groups."""
    placeholder = np.zeros(len(y))
    if groups is not None and (groups != "").all():
        n = min(n_splits, len(set(groups)))
        if n < 2:
            raise SchemaError("grouped cross-validation needs at least two groups (articles) in the training data")
        return list(StratifiedGroupKFold(n_splits=n, shuffle=True, random_state=seed).split(placeholder, y, groups))
    smallest = pd.Series(y).value_counts().min()
    n = max(2, min(n_splits, int(smallest)))
    return list(StratifiedKFold(n_splits=n, shuffle=True, random_state=seed).split(placeholder, y))


def _fit_predict(config: ExperimentConfig, X_train, y_train, X_test, classes: list[str]):
    pipeline = build_pipeline(config).fit(X_train, y_train)
    proba = np.zeros((len(X_test), len(classes)))
    fold_proba = pipeline.predict_proba(X_test)
    for j, label in enumerate(pipeline.classes_):
        proba[:, classes.index(str(label))] = fold_proba[:, j]
    return proba


def cross_validate_head(config: ExperimentConfig, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None,
                        head: str) -> HeadResult:
    """Out-of-fold predictions and per-fold metrics of one head under grouped CV."""
    classes = sorted(set(y))
    oof = np.zeros((len(y), len(classes)))
    folds = []
    for number, (tr, te) in enumerate(grouped_folds(y, groups, config.eval.n_splits, config.eval.seed)):
        proba = _fit_predict(config, X.iloc[tr], y[tr], X.iloc[te], classes)
        oof[te] = proba
        pred = np.asarray(classes)[proba.argmax(axis=1)]
        m = head_metrics(y[te], pred, proba, classes, config.data.positive_labels)
        folds.append({"fold": number, "n_test": len(te), **{f"{head}_{k}": v for k, v in m.items()}})
    pred = np.asarray(classes)[oof.argmax(axis=1)]
    metrics = head_metrics(y, pred, oof, classes, config.data.positive_labels)
    return HeadResult(head, classes, metrics, folds, pred, oof)


def learning_curve(config: ExperimentConfig, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None,
                   fractions=LEARNING_CURVE_FRACTIONS) -> pd.DataFrame:
    """Grouped-CV macro-F1 when each fold trains on a fraction of its training articles.

    Returns
    -------
    pandas.DataFrame
        ``fraction``, ``train_statements`` (mean over folds), ``macro_f1`` (out-of-fold).
    """
    from stance.metrics import macro_f1

    rng = np.random.default_rng(config.eval.seed)
    classes = sorted(set(y))
    rows = []
    folds = grouped_folds(y, groups, config.eval.n_splits, config.eval.seed)
    for fraction in fractions:
        pred = np.empty(len(y), dtype=object)
        sizes = []
        for tr, te in folds:
            if groups is not None and (groups != "").all():
                train_groups = np.unique(groups[tr])
                keep = rng.choice(train_groups, size=max(2, int(round(fraction * len(train_groups)))), replace=False)
                sub = tr[np.isin(groups[tr], keep)]
            else:
                sub = rng.choice(tr, size=max(len(classes) * 2, int(round(fraction * len(tr)))), replace=False)
            if len(set(y[sub])) < 2:
                sub = tr
            sizes.append(len(sub))
            proba = _fit_predict(config, X.iloc[sub], y[sub], X.iloc[te], classes)
            pred[te] = np.asarray(classes)[proba.argmax(axis=1)]
        rows.append({"fraction": fraction, "train_statements": float(np.mean(sizes)),
                     "macro_f1": macro_f1(y, pred, labels=classes)})
    return pd.DataFrame(rows)


def _write_head_artifacts(result: HeadResult, y: np.ndarray, frame: pd.DataFrame, out: Path) -> pd.DataFrame:
    name = result.head.replace("/", "_")
    matrix = confusion(y, result.oof_pred, result.classes)
    confusion_matrix_png(matrix, result.classes, out / f"confusion_matrix_{name}.png",
                         f"{result.head}: grouped-CV confusion matrix")
    report = per_class_report(y, result.oof_pred, result.classes)
    (out / f"classification_report_{name}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    confidence = result.oof_proba.max(axis=1)
    correct = y == result.oof_pred
    table = reliability_table(confidence, correct)
    reliability_png(table, expected_calibration_error(confidence, correct), out / f"reliability_{name}.png",
                    f"{result.head}: reliability (grouped CV)")
    pd.DataFrame(table).to_csv(out / f"reliability_{name}.csv", index=False)
    wrong = ~correct
    return pd.DataFrame({
        "head": result.head, "id": frame["id"].to_numpy()[wrong], "text": frame["text"].to_numpy()[wrong],
        "actor": frame["actor"].to_numpy()[wrong], "annotated": y[wrong], "predicted": result.oof_pred[wrong],
        "confidence": confidence[wrong],
    })


def train(config: ExperimentConfig, artifact_dir: Path, report_test: bool = False) -> TrainResult:
    """Cross-validate every head, fit the final model on all training rows, and write artifacts.

    Parameters
    ----------
    config:
        The experiment.
    artifact_dir:
        An existing folder for figures and tables.
    report_test:
        Also score the held-out ``split == test`` rows. Off by default so that nothing is tuned on them.

    Returns
    -------
    TrainResult
    """
    data = load_training_frame(config.data)
    is_test = (data["split"] == "test").to_numpy()
    train_rows, test_rows = data[~is_test].reset_index(drop=True), data[is_test].reset_index(drop=True)
    if train_rows.empty:
        raise SchemaError("every row is in the test split; nothing to train on", path=config.data.path)
    has_groups = bool(config.data.group_column)
    targets = sorted(set(train_rows["target"])) if config.data.target_column else [""]
    heads: dict[str, HeadResult] = {}
    fitted: dict[str, object] = {}
    misclassified, ngram_tables, folds = [], [], []
    metrics: dict[str, float] = {}

    tasks = [(stance_head_name(t), "stance", t) for t in targets]
    if "frame" in train_rows.columns:
        tasks.append((FRAME_HEAD, "frame", ""))
    for head, column, target in tasks:
        rows = train_rows[train_rows["target"] == target] if target else train_rows
        rows = rows[rows[column] != ""].reset_index(drop=True)
        X = input_frame(rows["text"].tolist(), rows["actor"].tolist(), rows["actor_type"].tolist())
        y = rows[column].to_numpy()
        groups = rows["group"].to_numpy() if has_groups else None
        result = cross_validate_head(config, X, y, groups, head)
        pipeline = build_pipeline(config).fit(X, y)
        fitted[head] = pipeline
        for key, value in result.metrics.items():
            metrics[f"cv_{head}_{key}"] = value
        for fold in result.folds:
            folds.append({"head": head, **fold})
        misclassified.append(_write_head_artifacts(result, y, rows, artifact_dir))
        ngram_tables.append(top_ngrams(pipeline).assign(head=head))
        if report_test:
            test = test_rows[test_rows["target"] == target] if target else test_rows
            test = test[test[column] != ""]
            if len(test):
                Xt = input_frame(test["text"].tolist(), test["actor"].tolist(), test["actor_type"].tolist())
                proba = pipeline.predict_proba(Xt)
                pred = np.asarray([str(c) for c in pipeline.classes_])[proba.argmax(axis=1)]
                result.test_metrics = head_metrics(test[column].to_numpy(), pred, proba, [str(c) for c in pipeline.classes_],
                                                   config.data.positive_labels)
                for key, value in result.test_metrics.items():
                    metrics[f"test_{head}_{key}"] = value
        heads[head] = result

    if targets != [""]:  # one model per target: the headline averages the targets
        for key in heads[stance_head_name(targets[0])].metrics:
            metrics[f"cv_stance_{key}"] = float(np.mean([metrics[f"cv_stance/{t}_{key}"] for t in targets]))
    primary = "cv_stance_pos_f1" if config.data.positive_labels else "cv_stance_macro_f1"

    if config.eval.learning_curve and targets == [""]:
        X = input_frame(train_rows["text"].tolist(), train_rows["actor"].tolist(), train_rows["actor_type"].tolist())
        curve = learning_curve(config, X, train_rows["stance"].to_numpy(),
                               train_rows["group"].to_numpy() if has_groups else None)
        curve.to_csv(artifact_dir / "learning_curve.csv", index=False)
        learning_curve_png(curve["train_statements"], curve["macro_f1"], artifact_dir / "learning_curve.png",
                           f"{config.name}: learning curve")

    pd.concat(misclassified).to_csv(artifact_dir / "misclassified.csv", index=False)
    ngrams = pd.concat(ngram_tables)[["head", "class", "rank", "feature", "weight"]]
    ngrams.to_csv(artifact_dir / "top_ngrams.csv", index=False)
    pd.DataFrame(folds).to_csv(artifact_dir / "folds.csv", index=False)
    import yaml

    (artifact_dir / "config.yaml").write_text(yaml.safe_dump(config.to_dict(), allow_unicode=True, sort_keys=False),
                                              encoding="utf-8")
    meta = {
        "stance_version": __version__,
        "config": config.to_dict(),
        "labels": {h: r.classes for h, r in heads.items()},
        "metrics": metrics,
        "n_train": int(len(train_rows)),
    }
    return TrainResult(config, StanceModel(heads=fitted, meta=meta), metrics, primary, folds, artifact_dir,
                       n_train=len(train_rows), n_test=len(test_rows), heads=heads,
                       train_data_sha256=train_data_fingerprint(train_rows))


def train_data_fingerprint(rows: pd.DataFrame) -> str:
    """SHA-256 of the training rows as the model sees them (text, actor, labels, CV group), in order.

    Edits elsewhere in ``labels/`` (README, notes, test rows) leave it unchanged; a new or
    relabelled training statement changes it.
    """
    import hashlib

    columns = [c for c in ("text", "actor", "actor_type", "target", "stance", "frame", "group") if c in rows.columns]
    return hashlib.sha256(rows[columns].to_csv(index=False).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RunSummary:
    """What :func:`run_training` did, for the CLI to print."""

    result: TrainResult
    run_id: str
    tracking_uri: str
    experiment: str
    model_uri: str
    registered_version: str | None
    promoted: bool
    promotion_reason: str
    output: Path | None


def run_training(config: ExperimentConfig, *, output: str | Path | None = None, tracking_uri: str | None = None,
                 report_test: bool = False, actors_csv: str | Path | None = None) -> RunSummary:
    """Train, track the run in MLflow, register the model and maybe promote it to ``@champion``.

    Parameters
    ----------
    config:
        The experiment.
    output:
        Also save the trained model to this folder (a local model directory).
    tracking_uri:
        MLflow store; default ``MLFLOW_TRACKING_URI`` or the project's ``sqlite:///mlflow.db``.
    report_test:
        Score the held-out test split too (see :func:`train`).
    actors_csv:
        Actor table stored in the model for ``stance score``; default the labels' ``actors.csv`` when training on labels.
    """
    from stance import tracking

    artifact_dir = Path(tempfile.mkdtemp(prefix="stance-run-"))
    try:
        result = train(config, artifact_dir, report_test=report_test)
        result.model.meta["actors"] = _actor_records(config, actors_csv)
        logged = tracking.log_training_run(result, tracking_uri=tracking_uri)
        result.model.meta["mlflow_run_id"] = logged.run_id
        saved = result.model.save(output) if output else None
        return RunSummary(result, logged.run_id, logged.tracking_uri, config.tracking.experiment, logged.model_uri,
                          logged.registered_version, logged.promoted, logged.promotion_reason, saved)
    finally:
        shutil.rmtree(artifact_dir, ignore_errors=True)


def _actor_records(config: ExperimentConfig, actors_csv: str | Path | None) -> list[dict[str, str]]:
    if actors_csv is None:
        data = Path(config.data.path)
        if not data.is_dir():
            return []
        actors_csv = data / "actors.csv"
    from stance.actors import ActorIndex

    return ActorIndex.from_csv(actors_csv).to_records()
