"""The trained model: one pipeline per head, typed predictions, safe save and load.

A model directory holds one skops file per head (skops executes no code on load and we
only accept the scikit-learn, NumPy, SciPy and ``stance`` types listed in :data:`TRUSTED_PREFIXES`,
plus the builtin data types of :data:`TRUSTED_BUILTINS`)
and ``meta.json`` with the labels, config, actor table and a SHA-256 of every head file,
verified before loading.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from stance.errors import ModelError

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
    n = len(texts)
    return pd.DataFrame({
        "text": [str(t) for t in texts],
        "actor": [str(a or "") for a in (actors if actors is not None else [""] * n)],
        "actor_type": [str(a or "") for a in (actor_types if actor_types is not None else [""] * n)],
    })


@dataclass
class StanceModel:
    """Fitted pipelines by head name plus metadata.

    Attributes
    ----------
    heads:
        ``stance`` (or ``stance/<target>`` per target) and optionally ``frame``.
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

        Equal means same parameters and same learned vocabularies and idf weights; the answer is
        computed once per head and kept.
        """
        owners = self.__dict__.setdefault("_feature_owners", {})
        if head not in owners:
            mine = self.heads[head].named_steps["features"]
            owners[head] = next((other for other in sorted(self.heads)
                                 if other == head or _same_fitted_features(self.heads[other].named_steps["features"], mine)),
                                head)
        return owners[head]

    @property
    def targets(self) -> list[str]:
        return sorted(h.split("/", 1)[1] for h in self.heads if h.startswith(STANCE_HEAD + "/"))

    def predict_head(self, head: str, X: pd.DataFrame, features: dict[str, Any] | None = None) -> list[Prediction]:
        """Predict with one head; ``X`` is an :func:`input_frame`.

        ``features`` is a per-call cache: heads whose fitted feature steps are identical (the
        stance and frame heads trained on the same statements) transform ``X`` only once.
        """
        if head not in self.heads:
            raise ModelError(f"the model has no head {head!r}; it has: {', '.join(sorted(self.heads))}")
        if len(X) == 0:
            return []
        pipeline = self.heads[head]
        owner = self.feature_owner(head)
        cache = {} if features is None else features
        if owner not in cache:
            cache[owner] = self.heads[owner].named_steps["features"].transform(X)
        proba = pipeline.named_steps["classifier"].predict_proba(cache[owner])
        classes = [str(c) for c in pipeline.classes_]
        best = np.argmax(proba, axis=1)
        return [Prediction(classes[b], {c: float(p) for c, p in zip(classes, row)}) for b, row in zip(best, proba)]

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
        X = input_frame(texts, actors, actor_types)
        if self.targets:
            if targets is None:
                raise ModelError(f"this model has one stance head per target ({', '.join(self.targets)}); "
                                 "give each record a 'target'")
            stances: list[Prediction | None] = [None] * len(X)
            for target in set(targets):
                idx = [i for i, t in enumerate(targets) if t == target]
                for i, pred in zip(idx, self.predict_head(stance_head_name(target), X.iloc[idx])):
                    stances[i] = pred
            frames = self.predict_head(FRAME_HEAD, X) if self.has_frame else [None] * len(X)
        else:
            features: dict[str, Any] = {}
            stances = self.predict_head(STANCE_HEAD, X, features)
            frames = self.predict_head(FRAME_HEAD, X, features) if self.has_frame else [None] * len(X)
        return [Classification(s, f) for s, f in zip(stances, frames)]

    # ------------------------------------------------------------------ persistence
    def save(self, directory: str | Path) -> Path:
        """Write the model to ``directory`` atomically (built in a temporary sibling, then renamed)."""
        import skops.io as sio

        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
        try:
            files = {}
            for head, pipeline in self.heads.items():
                name = head.replace("/", "__") + ".skops"
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
    def load(cls, directory: str | Path) -> "StanceModel":
        """Load a model directory safely.

        Verifies each head file's SHA-256 against ``meta.json`` and refuses any type that is not
        scikit-learn, NumPy, SciPy or ``stance``; skops itself runs no code on load.

        Raises
        ------
        ModelError
            If the directory is not a model, a checksum differs, or a file holds an untrusted type.
        """
        import skops.io as sio

        directory = Path(directory)
        meta = read_meta(directory)
        heads = {}
        for head, info in meta.get("heads", {}).items():
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
        if STANCE_HEAD not in heads and not any(h.startswith(STANCE_HEAD + "/") for h in heads):
            raise ModelError(f"{directory}: the model has no stance head")
        return cls(heads=heads, meta=meta)


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
