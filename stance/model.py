"""The trained model: one pipeline per head, typed predictions, safe save and load.

A model directory holds one skops file per head (skops executes no code on load and we
only accept the scikit-learn, NumPy, SciPy and ``stance`` types listed in :data:`TRUSTED_PREFIXES`,
plus the builtin data types of :data:`TRUSTED_BUILTINS`), each head's vocabularies in
``<head>.vocab.json``, for heads the fast path supports the same head as NumPy arrays in
``<head>.linear.npz`` (see :mod:`stance.linear`), and ``meta.json`` with the labels, config,
actor table and a SHA-256 of every file, verified before loading.

``StanceModel.load(directory, fast=True)`` builds :class:`~stance.linear.LinearHead` objects
from the ``.linear.npz`` files and imports neither skops, scikit-learn, SciPy nor pandas;
scoring a local model directory uses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from stance.errors import ModelError
from stance.linear import SPEC_VERSION, LinearHead, export_linear

if TYPE_CHECKING:
    import pandas as pd

FORMAT_VERSION = 2
# 1: vocabularies inside the skops files. 2: vocabularies in <head>.vocab.json beside them
# (skops stores a dict entry by entry: a 48k-term vocabulary took ~4 s of a head's ~4 s load).
READABLE_FORMATS = (1, 2)
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "stance.", "collections.")
# Builtin data types only: a "builtins." prefix would also let through eval, exec, getattr, open.
TRUSTED_BUILTINS = frozenset({"builtins.slice", "builtins.range", "builtins.complex", "builtins.bytearray",
                              "builtins.frozenset"})
STANCE_HEAD = "stance"
FRAME_HEAD = "frame"


@dataclass(frozen=True)
class Prediction:
    """One head's prediction: the top label and the probability of every label."""

    label: str
    scores: dict[str, float]

    @property
    def confidence(self) -> float:
        """Probability of the top label."""
        return self.scores[self.label]


@dataclass(frozen=True)
class Classification:
    """Stance (and frame, when the model has a frame head) of one statement."""

    stance: Prediction
    frame: Prediction | None = None


def stance_head_name(target: str = "") -> str:
    """Head name of the stance model for a target (one model per target, e.g. Mawqif)."""
    return f"{STANCE_HEAD}/{target}" if target else STANCE_HEAD


def input_frame(texts: Sequence[str], actors: Sequence[str] | None = None,
                actor_types: Sequence[str] | None = None) -> pd.DataFrame:
    """The pipeline input: ``text``, ``actor``, ``actor_type`` (empty strings where unknown)."""
    import pandas as pd

    batch = StatementBatch.of(texts, actors, actor_types)
    return pd.DataFrame({"text": batch.texts, "actor": batch.actors, "actor_type": batch.actor_types})


@dataclass(frozen=True)
class StatementBatch:
    """Statements to classify, as :func:`input_frame` columns; the DataFrame is built only if a head needs it.

    Heads loaded with ``fast=True`` read only the texts, so scoring never imports pandas.
    """

    texts: list[str]
    actors: list[str]
    actor_types: list[str]

    @classmethod
    def of(cls, texts: Sequence[str], actors: Sequence[str] | None = None,
           actor_types: Sequence[str] | None = None) -> "StatementBatch":
        """Strings everywhere, empty where the actor or its type is unknown."""
        n = len(texts)
        return cls([str(t) for t in texts],
                   [str(a or "") for a in (actors if actors is not None else [""] * n)],
                   [str(a or "") for a in (actor_types if actor_types is not None else [""] * n)])

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, rows: Sequence[int]) -> "StatementBatch":
        return StatementBatch([self.texts[i] for i in rows], [self.actors[i] for i in rows],
                              [self.actor_types[i] for i in rows])

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The :func:`input_frame` of these statements."""
        return input_frame(self.texts, self.actors, self.actor_types)


@dataclass
class StanceModel:
    """Fitted pipelines by head name plus metadata.

    Attributes
    ----------
    heads:
        ``stance`` (or ``stance/<target>`` per target) and optionally ``frame``: fitted
        pipelines, or :class:`~stance.linear.LinearHead` objects when loaded with ``fast=True``.
    meta:
        JSON-serialisable: config, labels per head, metrics, actor table (``actors``), provenance.
    """

    heads: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def has_frame(self) -> bool:
        return FRAME_HEAD in self.heads

    def feature_owner(self, head: str) -> str:
        """The first head (in name order) whose fitted feature step equals ``head``'s, else ``head``.

        Equal means same parameters and same learned vocabularies and idf weights (for linear
        heads: the same ``feature_key``); the answer is computed once per head and kept.
        """
        owners = self.__dict__.setdefault("_feature_owners", {})
        if head not in owners:
            mine = self.heads[head]
            owners[head] = next((other for other in sorted(self.heads)
                                 if other == head or _same_features(self.heads[other], mine)), head)
        return owners[head]

    @property
    def targets(self) -> list[str]:
        return sorted(h.split("/", 1)[1] for h in self.heads if h.startswith(STANCE_HEAD + "/"))

    def predict_head(self, head: str, X: pd.DataFrame | StatementBatch,
                     features: dict[str, Any] | None = None) -> list[Prediction]:
        """Predict with one head; ``X`` is an :func:`input_frame` or a :class:`StatementBatch`.

        ``features`` is a per-call cache: heads whose fitted feature steps are identical (the
        stance and frame heads trained on the same statements) transform ``X`` only once.
        """
        if head not in self.heads:
            raise ModelError(f"the model has no head {head!r}; it has: {', '.join(sorted(self.heads))}")
        if len(X) == 0:
            return []
        fitted = self.heads[head]
        owner = self.feature_owner(head)
        cache = {} if features is None else features
        if owner not in cache:
            cache[owner] = _transform(self.heads[owner], X)
        if isinstance(fitted, LinearHead):
            proba = fitted.predict_proba(cache[owner])
        else:
            proba = fitted.named_steps["classifier"].predict_proba(cache[owner])
        classes = [str(c) for c in fitted.classes_]
        best = np.argmax(proba, axis=1)
        # tolist: the same Python floats as float(p), made in one call
        return [Prediction(classes[b], dict(zip(classes, row))) for b, row in zip(best.tolist(), proba.tolist())]

    def classify(self, texts: Sequence[str], actors: Sequence[str] | None = None,
                 actor_types: Sequence[str] | None = None, targets: Sequence[str] | None = None) -> list[Classification]:
        """Classify statements.

        Parameters
        ----------
        texts:
            Statement sentences.
        actors, actor_types:
            Optional speaker and speaker type per statement.
        targets:
            For per-target models, the target of each statement (required then).

        Returns
        -------
        list of Classification
            In input order.
        """
        X = StatementBatch.of(texts, actors, actor_types)
        if self.targets:
            if targets is None:
                raise ModelError(f"this model has one stance head per target ({', '.join(self.targets)}); "
                                 "give each record a 'target'")
            stances: list[Prediction | None] = [None] * len(X)
            for target in set(targets):
                idx = [i for i, t in enumerate(targets) if t == target]
                for i, pred in zip(idx, self.predict_head(stance_head_name(target), X.subset(idx))):
                    stances[i] = pred
            frames = self.predict_head(FRAME_HEAD, X) if self.has_frame else [None] * len(X)
        else:
            features: dict[str, Any] = {}
            stances = self.predict_head(STANCE_HEAD, X, features)
            frames = self.predict_head(FRAME_HEAD, X, features) if self.has_frame else [None] * len(X)
        return [Classification(s, f) for s, f in zip(stances, frames)]

    # ------------------------------------------------------------------ persistence
    def save(self, directory: str | Path) -> Path:
        """Write the model to ``directory`` atomically (built in a temporary sibling, then renamed).

        Raises
        ------
        ModelError
            If the model was loaded with ``fast=True`` (its heads are not pipelines).
        """
        import skops.io as sio

        if any(isinstance(h, LinearHead) for h in self.heads.values()):
            raise ModelError("a model loaded with fast=True cannot be saved; load it with StanceModel.load(directory)")
        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
        try:
            files = {}
            for head, pipeline in self.heads.items():
                name = head.replace("/", "__") + ".skops"
                linear = export_linear(pipeline)  # reads the vocabularies: before they are popped
                vocabularies = _pop_vocabularies(pipeline)
                try:
                    sio.dump(pipeline, tmp / name)
                finally:
                    _set_vocabularies(pipeline, vocabularies)
                vocab_name = head.replace("/", "__") + ".vocab.json"
                terms = {path: sorted(vocabulary, key=vocabulary.get) for path, vocabulary in vocabularies.items()}
                (tmp / vocab_name).write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
                files[head] = {"file": name, "sha256": _sha256(tmp / name),
                               "vocabulary_file": vocab_name, "vocabulary_sha256": _sha256(tmp / vocab_name)}
                if linear is not None:
                    arrays, spec = linear
                    linear_name = head.replace("/", "__") + ".linear.npz"
                    np.savez(tmp / linear_name, **arrays)
                    files[head].update({"linear_file": linear_name, "linear_sha256": _sha256(tmp / linear_name),
                                        "linear_spec": spec})
            meta = {**self.meta, "format_version": FORMAT_VERSION, "heads": files}
            (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
            if directory.exists():
                backup = directory.with_name(directory.name + ".old")
                shutil.rmtree(backup, ignore_errors=True)
                os.replace(directory, backup)
                os.replace(tmp, directory)
                shutil.rmtree(backup, ignore_errors=True)
            else:
                os.replace(tmp, directory)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return directory

    @classmethod
    def load(cls, directory: str | Path, fast: bool = False) -> "StanceModel":
        """Load a model directory safely.

        Verifies each head file's SHA-256 against ``meta.json`` and refuses any type that is not
        scikit-learn, NumPy, SciPy or ``stance``; skops itself runs no code on load.

        Parameters
        ----------
        directory:
            Written by :meth:`save`.
        fast:
            When every head has a ``.linear.npz`` (saved by this version for a supported
            pipeline), load :class:`~stance.linear.LinearHead` objects: same probabilities,
            without importing skops, scikit-learn, SciPy or pandas. Such a model classifies
            but has no pipelines (``explain`` needs the full load). Otherwise the full load.

        Raises
        ------
        ModelError
            If the directory is not a model, a checksum differs, or a file holds an untrusted type.
        """
        directory = Path(directory)
        meta = read_meta(directory)
        infos = meta.get("heads", {})
        if fast and infos and all(info.get("linear_spec", {}).get("version") == SPEC_VERSION for info in infos.values()):
            heads = _load_linear_heads(directory, infos)
        else:
            heads = _load_pipelines(directory, infos)
        if STANCE_HEAD not in heads and not any(h.startswith(STANCE_HEAD + "/") for h in heads):
            raise ModelError(f"{directory}: the model has no stance head")
        return cls(heads=heads, meta=meta)


def _load_pipelines(directory: Path, infos: dict[str, dict]) -> dict[str, Any]:
    """The heads' scikit-learn pipelines, from their checked skops and vocabulary files."""
    import skops.io as sio

    heads = {}
    for head, info in infos.items():
        path = directory / info["file"]
        if not path.is_file():
            raise ModelError(f"{path}: head file missing")
        if _sha256(path) != info["sha256"]:
            raise ModelError(f"{path}: checksum differs from the one recorded at training; refusing to load")
        untrusted = sio.get_untrusted_types(file=path)
        refused = [t for t in untrusted if not (t.startswith(TRUSTED_PREFIXES) or t in TRUSTED_BUILTINS)]
        if refused:
            raise ModelError(f"{path}: refusing to load untrusted type(s) {', '.join(refused)}")
        heads[head] = sio.load(path, trusted=untrusted)
        if "vocabulary_file" in info:
            vocab_path = directory / info["vocabulary_file"]
            if not vocab_path.is_file() or _sha256(vocab_path) != info["vocabulary_sha256"]:
                raise ModelError(f"{vocab_path}: missing, or checksum differs from the one recorded at training; "
                                 "refusing to load")
            terms = json.loads(vocab_path.read_text(encoding="utf-8"))
            _set_vocabularies(heads[head], {p: {t: i for i, t in enumerate(ts)} for p, ts in terms.items()})
    return heads


def _load_linear_heads(directory: Path, infos: dict[str, dict]) -> dict[str, LinearHead]:
    """The heads as :class:`~stance.linear.LinearHead`, from their checked ``.linear.npz`` and vocabulary files.

    The skops files are checked too, though not read: a model folder with any file changed
    since training is refused whichever way it is loaded. Heads with the same vocabulary file
    content share one parsed vocabulary.
    """
    heads: dict[str, LinearHead] = {}
    parsed: dict[str, dict[str, dict[str, int]]] = {}
    for head, info in infos.items():
        linear_path, vocab_path = directory / info["linear_file"], directory / info["vocabulary_file"]
        for path, recorded in ((directory / info["file"], info["sha256"]), (linear_path, info["linear_sha256"])):
            if not path.is_file():
                raise ModelError(f"{path}: head file missing")
            if _sha256(path) != recorded:
                raise ModelError(f"{path}: checksum differs from the one recorded at training; refusing to load")
        if not vocab_path.is_file() or _sha256(vocab_path) != info["vocabulary_sha256"]:
            raise ModelError(f"{vocab_path}: missing, or checksum differs from the one recorded at training; "
                             "refusing to load")
        digest = info["vocabulary_sha256"]
        if digest not in parsed:
            terms = json.loads(vocab_path.read_text(encoding="utf-8"))
            parsed[digest] = {p: {t: i for i, t in enumerate(ts)} for p, ts in terms.items()}
        try:
            with np.load(linear_path, allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
        except (OSError, ValueError) as exc:
            raise ModelError(f"{linear_path}: unreadable ({exc})") from None
        heads[head] = LinearHead(arrays, info["linear_spec"], parsed[digest], vocabulary_digest=digest)
    return heads


def read_meta(directory: str | Path) -> dict[str, Any]:
    """Read and check a model directory's ``meta.json`` without loading the heads.

    Raises
    ------
    ModelError
        If the directory has no readable ``meta.json`` of the current format.
    """
    directory = Path(directory)
    meta_path = directory / "meta.json"
    if not meta_path.is_file():
        raise ModelError(f"{directory}: not a stance model directory (no meta.json); "
                         "train one with `stance train --output DIR`")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"{meta_path}: unreadable model metadata ({exc.msg})") from None
    if meta.get("format_version") not in READABLE_FORMATS:
        raise ModelError(f"{meta_path}: model format {meta.get('format_version')!r} is not one of "
                         f"{', '.join(map(str, READABLE_FORMATS))}")
    return meta


def _same_features(a: Any, b: Any) -> bool:
    """Whether two heads (both pipelines or both linear heads) compute the same features."""
    if isinstance(a, LinearHead) or isinstance(b, LinearHead):
        return isinstance(a, LinearHead) and isinstance(b, LinearHead) and a.feature_key == b.feature_key
    return _same_fitted_features(a.named_steps["features"], b.named_steps["features"])


def _transform(head: Any, X: pd.DataFrame | StatementBatch) -> Any:
    """A head's features of ``X``: the fitted feature step's output, or a linear head's :class:`SparseRows`."""
    if isinstance(head, LinearHead):
        return head.features(X.texts if isinstance(X, StatementBatch) else [str(t) for t in X["text"]])
    return head.named_steps["features"].transform(X.frame if isinstance(X, StatementBatch) else X)


def _same_fitted_features(a: Any, b: Any) -> bool:
    """Whether two fitted feature steps transform every input identically."""
    if a is b:
        return True
    if type(a) is not type(b) or repr(a.get_params(deep=True)) != repr(b.get_params(deep=True)):
        return False
    va, vb = _vectorizers(a), _vectorizers(b)
    if [p for p, _ in va] != [p for p, _ in vb]:
        return False
    for (_, x), (_, y) in zip(va, vb):
        if x.vocabulary_ != y.vocabulary_:
            return False
        idf_x, idf_y = getattr(x, "idf_", None), getattr(y, "idf_", None)
        if (idf_x is None) != (idf_y is None) or (idf_x is not None and not np.array_equal(idf_x, idf_y)):
            return False
    # Non-vocabulary fitted parts (the actor-type one-hot encoder) are compared through their categories.
    cats_a = [getattr(t, "categories_", None) for _, t, _ in getattr(a, "transformers_", [])]
    cats_b = [getattr(t, "categories_", None) for _, t, _ in getattr(b, "transformers_", [])]
    return repr(cats_a) == repr(cats_b)


def _vectorizers(estimator: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every fitted object with a ``vocabulary_`` in an estimator tree, with its attribute path.

    The path (``steps/1/1/transformer_list/0/1``) is the same in the fitted pipeline and in
    its skops copy, so vocabularies saved apart can be put back where they came from.
    """
    from sklearn.base import BaseEstimator

    found = []
    if isinstance(estimator, BaseEstimator):
        if isinstance(getattr(estimator, "vocabulary_", None), dict):
            found.append((path, estimator))
        for key in sorted(vars(estimator)):
            found += _vectorizers(vars(estimator)[key], f"{path}/{key}" if path else key)
    elif isinstance(estimator, (list, tuple)):
        for i, item in enumerate(estimator):
            found += _vectorizers(item, f"{path}/{i}")
    return found


def _pop_vocabularies(pipeline: Any) -> dict[str, dict]:
    vocabularies = {}
    for path, vectorizer in _vectorizers(pipeline):
        vocabularies[path] = vectorizer.vocabulary_
    for _, vectorizer in _vectorizers(pipeline):
        del vectorizer.vocabulary_
    return vocabularies


def _set_vocabularies(pipeline: Any, vocabularies: dict[str, dict]) -> None:
    for path, vocabulary in vocabularies.items():
        target = pipeline
        for part in path.split("/"):
            target = target[int(part)] if isinstance(target, (list, tuple)) else getattr(target, part)
        target.vocabulary_ = vocabulary


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
