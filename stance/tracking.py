"""All MLflow calls of the package live here (import it only where tracking is needed: it costs ~1 s).

Store: ``--tracking-uri`` flag, else ``MLFLOW_TRACKING_URI``, else ``sqlite:///mlflow.db`` in the
current directory with artifacts in ``./mlruns`` next to it (set explicitly so the database never
records a stray absolute path).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import mlflow
import pandas as pd
from mlflow.tracking import MlflowClient

from stance.errors import ModelError
from stance.model import StanceModel

CHAMPION_ALIAS = "champion"
DEFAULT_REGISTERED_MODEL = "stance-classifier"
PIP_REQUIREMENTS = ["scikit-learn", "pandas", "numpy", "scipy", "skops", "PyStemmer", "camel-tools", "six", "emoji",
                    "regex", "pyyaml"]


def resolve_tracking_uri(uri: str | None = None) -> str:
    """The tracking URI in force: the argument, ``MLFLOW_TRACKING_URI``, or ``sqlite:///mlflow.db``."""
    return uri or os.environ.get("MLFLOW_TRACKING_URI") or "sqlite:///mlflow.db"


def _artifact_root(uri: str) -> str | None:
    if uri.startswith("sqlite:///"):
        db = Path(uri[len("sqlite:///"):]).resolve()
        return (db.parent / "mlruns").as_uri()
    return None


def _connect(uri: str | None) -> str:
    uri = resolve_tracking_uri(uri)
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    return uri


def _experiment_id(name: str, uri: str) -> str:
    client = MlflowClient(uri, uri)
    existing = client.get_experiment_by_name(name)
    if existing is not None:
        return existing.experiment_id
    root = _artifact_root(uri)
    return client.create_experiment(name, artifact_location=f"{root}/{name}" if root else None)


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, timeout=5).stdout
        return out.stdout.strip() + ("-dirty" if dirty.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


class StanceClassifierModel(mlflow.pyfunc.PythonModel):
    """pyfunc wrapper: a DataFrame with ``text`` (and optional ``actor``, ``actor_type``, ``target``)
    in, one row per input with ``stance``, ``stance_scores`` (JSON) and, with a frame head,
    ``frame`` and ``frame_scores`` out."""

    def load_context(self, context):
        self.model = StanceModel.load(context.artifacts["model_dir"])

    def predict(self, context, model_input, params=None):
        frame = pd.DataFrame(model_input)
        cols = {c: frame[c].fillna("").astype(str).tolist() if c in frame else None
                for c in ("text", "actor", "actor_type", "target")}
        results = self.model.classify(cols["text"], cols["actor"], cols["actor_type"], cols["target"])
        out = pd.DataFrame({"stance": [r.stance.label for r in results],
                            "stance_scores": [json.dumps(r.stance.scores) for r in results]})
        if self.model.has_frame:
            out["frame"] = [r.frame.label for r in results]
            out["frame_scores"] = [json.dumps(r.frame.scores) for r in results]
        return out


class StanceArticleModel(mlflow.pyfunc.PythonModel):
    """pyfunc wrapper over whole articles: a DataFrame with ``text`` (and optional ``id``) in,
    one row per attributed statement out, with the columns of :data:`stance.batch.SCORE_COLUMNS`
    (scores as JSON strings; no ``frame`` columns without a frame head).

    It may return more or fewer rows than it gets, so use it with ``mlflow.pyfunc.load_model``
    (or ``mlflow models serve``), not ``spark_udf``; on Spark use :func:`stance.spark.score_spark`.
    """

    def load_context(self, context):
        from stance.actors import ActorIndex

        self.model = StanceModel.load(context.artifacts["model_dir"])
        records = json.loads(Path(context.artifacts["actors"]).read_text(encoding="utf-8"))
        self.actors = ActorIndex.from_records(records)

    def predict(self, context, model_input, params=None):
        from stance.batch import SCORE_COLUMNS, _flat_row
        from stance.io import Article
        from stance.predict import score_articles

        frame = pd.DataFrame(model_input)
        if "text" not in frame.columns:
            raise ModelError(f"article_model input needs a 'text' column; got {', '.join(map(str, frame.columns))}")
        ids = frame["id"].astype(str).tolist() if "id" in frame.columns else [str(i) for i in frame.index]
        texts = frame["text"].fillna("").astype(str).tolist()
        articles = [Article(article_id, text, article_id) for article_id, text in zip(ids, texts)]
        rows = [_flat_row(s.to_dict()) for found in score_articles(self.model, articles, self.actors) for s in found]
        columns = [c for c in SCORE_COLUMNS if self.model.has_frame or c not in ("frame", "frame_scores")]
        out = pd.DataFrame(rows, columns=columns)
        return out.astype({"start": "int64", "end": "int64", "confidence": "float64"})


ARTICLE_EXAMPLE = ("قال قيس الخزعلي إن على القوات الأمريكية مغادرة العراق فوراً ومن دون شروط.\n"
                   "وأكد المتحدث باسم البنتاغون أن الشراكة الأمنية مع بغداد ستستمر عبر التدريب والمشورة.\n")


def _log_article_model(model: StanceModel, model_dir: Path, tmp: Path):
    """Log ``article_model``: the same model folder behind :class:`StanceArticleModel`, with the actor table."""
    from mlflow.models import infer_signature

    from stance.predict import actor_index_for

    actors_path = tmp / "actors.json"
    actors_path.write_text(json.dumps(actor_index_for(model).to_records(), ensure_ascii=False), encoding="utf-8")
    example = pd.DataFrame({"id": ["example"], "text": [ARTICLE_EXAMPLE]})
    wrapper = StanceArticleModel()
    wrapper.model, wrapper.actors = model, actor_index_for(model)
    signature = infer_signature(example, wrapper.predict(None, example))
    return mlflow.pyfunc.log_model(
        name="article_model", python_model=StanceArticleModel(),
        artifacts={"model_dir": str(model_dir), "actors": str(actors_path)},
        signature=signature, input_example=example, pip_requirements=PIP_REQUIREMENTS,
    )


@dataclass(frozen=True)
class LoggedRun:
    run_id: str
    tracking_uri: str
    model_uri: str
    registered_version: str | None
    promoted: bool
    promotion_reason: str


def _champion_metric(client: MlflowClient, name: str, metric: str) -> tuple[float | None, str | None, str]:
    """The champion's metric, version and training-data fingerprint ("" when it logged none)."""
    try:
        version = client.get_model_version_by_alias(name, CHAMPION_ALIAS)
    except mlflow.exceptions.MlflowException:
        return None, None, ""
    run = client.get_run(version.run_id)
    return run.data.metrics.get(metric), version.version, run.data.tags.get(TRAIN_DATA_TAG, "")


TRAIN_DATA_TAG = "train_data_sha256"


def promotion_decision(metric: str, new: float, old: float | None, old_version: str | None,
                       new_data: str, old_data: str) -> tuple[bool, str]:
    """Whether a new version becomes ``@champion``, and why.

    It must beat the champion's grouped-CV figure, when both were measured on the same
    training rows. A champion cross-validated on other data (the corpus grew or was
    relabelled) has no comparable figure: the new version replaces it, and the reason says so.
    """
    if old is None:
        return True, f"first champion: {metric}={new:.4f}"
    if new_data and new_data != old_data:
        return True, (f"{metric}={new:.4f}; champion v{old_version} ({old:.4f}) was cross-validated on other "
                      f"training data ({old_data[:12] or 'not recorded'} vs {new_data[:12]}), so its figure is not comparable")
    if new > old:
        return True, f"{metric}={new:.4f} beats champion v{old_version} ({old:.4f})"
    return False, f"{metric}={new:.4f} does not beat champion v{old_version} ({old:.4f})"


def log_training_run(result, tracking_uri: str | None = None) -> LoggedRun:
    """Log a :class:`stance.train.TrainResult` as one run with nested fold runs; register and maybe promote.

    The run gets the flattened config as params, every metric, the git commit and labels
    checksum as tags, the artifacts folder, and the model as a pyfunc with signature and input
    example (``model``: statements in, one row each), plus ``article_model``
    (:class:`StanceArticleModel`: articles in, one row per statement found). The new version becomes ``@champion`` only if its primary metric beats the current
    champion's on the same training data (:func:`promotion_decision`); the decision and its reason are
    logged as a tag and an artifact.
    """
    from mlflow.models import infer_signature

    from stance.labels import labels_checksum

    config = result.config
    uri = _connect(tracking_uri)
    experiment_id = _experiment_id(config.tracking.experiment, uri)
    client = MlflowClient(uri, uri)
    data_path = Path(config.data.path)
    tags = {"git_commit": _git_commit(), "data_path": str(data_path), "primary_metric": result.primary_metric,
            TRAIN_DATA_TAG: result.train_data_sha256,
            "labels_checksum": labels_checksum(data_path) if data_path.is_dir() else _file_checksum(data_path)}
    with mlflow.start_run(experiment_id=experiment_id, run_name=config.name, description=config.description) as run:
        mlflow.set_tags(tags)
        mlflow.log_params(config.flat())
        mlflow.log_params({"n_train": result.n_train, "n_test": result.n_test})
        mlflow.log_metrics(result.metrics)
        by_fold: dict[int, dict[str, float]] = {}
        for fold in result.folds:
            by_fold.setdefault(int(fold["fold"]), {}).update(
                {k: float(v) for k, v in fold.items() if k not in ("fold", "head", "n_test")})
        for number, fold_metrics in sorted(by_fold.items()):
            with mlflow.start_run(experiment_id=experiment_id, run_name=f"{config.name}/fold-{number}", nested=True):
                mlflow.log_metrics(fold_metrics)
        mlflow.log_artifacts(str(result.artifact_dir))

        with tempfile.TemporaryDirectory() as tmp:
            model_dir = result.model.save(Path(tmp) / "model")
            example = pd.DataFrame({"text": ["قال المتحدث إن الحكومة ملتزمة بإنهاء مهمة التحالف."],
                                    "actor": ["المتحدث"], "actor_type": ["iraqi_government"]})
            if result.model.targets:
                example["target"] = result.model.targets[0]
            wrapper = StanceClassifierModel()
            wrapper.model = result.model
            signature = infer_signature(example, wrapper.predict(None, example))
            registered = config.tracking.registered_model
            info = mlflow.pyfunc.log_model(
                name="model", python_model=StanceClassifierModel(), artifacts={"model_dir": str(model_dir)},
                signature=signature, input_example=example, pip_requirements=PIP_REQUIREMENTS,
                registered_model_name=registered,
            )
            if not result.model.targets:
                # Articles carry no stance target: a per-target model (Mawqif) has no article model.
                _log_article_model(result.model, model_dir, Path(tmp))
        version = str(info.registered_model_version) if registered and info.registered_model_version else None
        promoted, reason = False, "not registered (tracking.registered_model is null)"
        if version is not None:
            new = result.metrics[result.primary_metric]
            old, old_version, old_data = _champion_metric(client, registered, result.primary_metric)
            promoted, reason = promotion_decision(result.primary_metric, new, old, old_version,
                                                  result.train_data_sha256, old_data)
            if promoted:
                client.set_registered_model_alias(registered, CHAMPION_ALIAS, version)
            mlflow.set_tags({"promoted": str(promoted), "promotion_reason": reason})
            mlflow.log_text(reason + "\n", "promotion.txt")
        return LoggedRun(run.info.run_id, uri, info.model_uri, version, promoted, reason)


def _file_checksum(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "unknown"


def load_registered_model(uri: str, tracking_uri: str | None = None) -> StanceModel:
    """Load a model from an MLflow URI (``models:/stance-classifier@champion``, ``runs:/<id>/model``)."""
    _connect(tracking_uri)
    try:
        loaded = mlflow.pyfunc.load_model(uri)
    except mlflow.exceptions.MlflowException as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelError(f"cannot load model {uri!r} from {resolve_tracking_uri(tracking_uri)}: {first}. "
                         "Train one first with `make train`.") from None
    return loaded.unwrap_python_model().model


def log_extraction_run(metrics: dict[str, float], errors: pd.DataFrame, params: dict[str, str],
                       experiment: str = "stance-extraction", tracking_uri: str | None = None) -> str:
    """Log an extraction evaluation as its own run, with misses and false alarms as an artifact."""
    uri = _connect(tracking_uri)
    experiment_id = _experiment_id(experiment, uri)
    with mlflow.start_run(experiment_id=experiment_id, run_name="extraction") as run:
        mlflow.set_tags({"git_commit": _git_commit()})
        mlflow.log_params(params)
        mlflow.log_metrics(metrics)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "extraction_errors.csv"
            errors.to_csv(path, index=False)
            mlflow.log_artifact(str(path))
        return run.info.run_id


def log_comparison(table: pd.DataFrame, experiment: str = "stance", tracking_uri: str | None = None) -> str:
    """Log the model-search comparison table (CSV and Markdown) as its own run ``search-comparison``."""
    uri = _connect(tracking_uri)
    experiment_id = _experiment_id(experiment, uri)
    with mlflow.start_run(experiment_id=experiment_id, run_name="search-comparison") as run:
        mlflow.set_tags({"git_commit": _git_commit(), "kind": "comparison"})
        mlflow.log_text(table.to_csv(index=False), "comparison.csv")
        mlflow.log_text(table.to_markdown(index=False) if _has_tabulate() else table.to_string(index=False),
                        "comparison.md")
        best = table.dropna(subset=["score"])
        if len(best):
            mlflow.log_metric("best_score", float(best["score"].iloc[0]))
            mlflow.set_tag("best_variant", str(best["name"].iloc[0]))
        return run.info.run_id


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True
