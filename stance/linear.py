"""A numpy-only copy of a fitted pipeline's ``predict_proba``: the fast scoring path.

Every pipeline of :func:`stance.pipeline.build_pipeline` without actor features is, once fitted,
a fixed function: camel-tools normalisation, word and character TF-IDF with a learned
vocabulary and idf, then a linear model (softmax, one-vs-rest sigmoids, or Platt-calibrated
SVMs). :func:`export_linear` takes those learned arrays out of the pipeline when it is saved;
:class:`LinearHead` recomputes the same probabilities from them with NumPy alone, so scoring
a local model directory imports neither scikit-learn, SciPy, skops nor pandas (about 2.5 s
of imports) and skips the per-call overhead of the scikit-learn pipeline.

The analysers below copy scikit-learn's ``TfidfVectorizer`` (``_word_ngrams``, ``_char_wb_ngrams``
and ``_char_ngrams`` of ``sklearn/feature_extraction/text.py``) and the probability formulas
copy ``LogisticRegression``, ``SGDClassifier`` and ``_CalibratedClassifier`` of the installed
scikit-learn; ``tests/test_linear.py`` checks that both paths agree to 1e-9.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from stance.arabic import normalize_text
from stance.errors import ModelError

#: Version of the spec dict written to ``meta.json``; a model with another version loads the full way.
SPEC_VERSION = 1
_NORMALIZER_OPTIONS = ("alef", "ya", "teh_marbuta", "diacritics", "tatweel", "stemmer")
_ANALYZERS = ("word", "char_wb", "char")
_NORMS = ("l2", "l1", None)
# Probability rules of the linear classifiers (see LinearHead.predict_proba).
_SOFTMAX, _BINARY_EXPIT, _OVR_EXPIT, _CALIBRATED_SIGMOID = "softmax", "binary_expit", "ovr_expit", "calibrated_sigmoid"
# scikit-learn's CountVectorizer._white_spaces.
_WHITE_SPACES = re.compile(r"\s\s+")
# Distinct words whose char_wb columns a vectorizer remembers (then it starts afresh).
_WORD_CACHE_SIZE = 200_000


@dataclass(frozen=True)
class SparseRows:
    """A CSR matrix as plain arrays: row ``i`` holds ``data[indptr[i]:indptr[i+1]]`` at columns ``indices[...]``."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    n_columns: int

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def row_ids(self) -> np.ndarray:
        """The row of every stored value."""
        return np.repeat(np.arange(self.n_rows), np.diff(self.indptr))


# ---------------------------------------------------------------------------- export


def export_linear(pipeline: Any) -> tuple[dict[str, np.ndarray], dict] | None:
    """The arrays and spec that :class:`LinearHead` needs to reproduce a fitted pipeline.

    Parameters
    ----------
    pipeline:
        A fitted pipeline of :func:`stance.pipeline.build_pipeline`, vocabularies in place.

    Returns
    -------
    (arrays, spec) or None
        ``arrays`` (idf vectors and classifier weights, for ``np.savez``) and a JSON-serialisable
        ``spec``; each vectorizer's ``vocabulary`` names its entry in the head's ``.vocab.json``
        (the vocabulary itself is not repeated). ``None`` when the pipeline has parts the fast
        path does not reproduce (actor features, the ``camel_morph`` tokenizer, another
        estimator or option), so the model is scored with scikit-learn instead.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline

    from stance.model import _vectorizers
    from stance.normalize import ArabicNormalizer

    if type(pipeline) is not Pipeline or [name for name, _ in pipeline.steps] != ["features", "classifier"]:
        return None
    columns = pipeline.named_steps["features"]
    if type(columns) is not ColumnTransformer or not hasattr(columns, "transformers_"):
        return None
    branches = [(name, step, cols) for name, step, cols in columns.transformers_ if not _is_drop(step)]
    if len(branches) != 1 or branches[0][0] != "text" or branches[0][2] != "text":
        return None  # actor features (use_actor) add branches
    text_branch = branches[0][1]
    if type(text_branch) is not Pipeline or [n for n, _ in text_branch.steps] != ["normalize", "tfidf"]:
        return None
    normalizer, union = text_branch.named_steps["normalize"], text_branch.named_steps["tfidf"]
    if type(normalizer) is not ArabicNormalizer or normalizer.tokenizer != "simple":
        return None
    if type(union) is not FeatureUnion or union.transformer_weights is not None:
        return None

    paths = {id(vectorizer): path for path, vectorizer in _vectorizers(pipeline)}
    arrays: dict[str, np.ndarray] = {}
    vectorizer_specs = []
    for i, (name, vectorizer) in enumerate(union.transformer_list):
        if type(vectorizer) is not TfidfVectorizer or id(vectorizer) not in paths:
            return None
        spec = _vectorizer_spec(vectorizer)
        if spec is None:
            return None
        vectorizer_specs.append({"name": name, "vocabulary": paths[id(vectorizer)], **spec})
        if spec["use_idf"]:
            arrays[f"idf_{i}"] = np.asarray(vectorizer.idf_, dtype=np.float64)
    n_features = sum(v["n_features"] for v in vectorizer_specs)

    classifier = _export_classifier(pipeline.named_steps["classifier"], n_features, arrays)
    if classifier is None:
        return None
    spec = {
        "version": SPEC_VERSION,
        "normalizer": {option: getattr(normalizer, option) for option in _NORMALIZER_OPTIONS},
        "vectorizers": vectorizer_specs,
        "classifier": classifier,
    }
    return arrays, spec


def _is_drop(step: Any) -> bool:
    return isinstance(step, str) and step == "drop"


def _vectorizer_spec(vectorizer: Any) -> dict | None:
    """The transform-time options of a fitted TfidfVectorizer, or None if one is not reproduced here."""
    tfidf = getattr(vectorizer, "_tfidf", None)  # the fitted TfidfTransformer that transform() applies
    if (tfidf is None or vectorizer.analyzer not in _ANALYZERS or vectorizer.input != "content"
            or vectorizer.preprocessor is not None or vectorizer.tokenizer is not None
            or vectorizer.stop_words is not None or vectorizer.strip_accents is not None
            or np.dtype(vectorizer.dtype) != np.float64 or tfidf.norm not in _NORMS
            or (tfidf.sublinear_tf, tfidf.norm, tfidf.use_idf)
            != (vectorizer.sublinear_tf, vectorizer.norm, vectorizer.use_idf)):
        return None
    if vectorizer.analyzer == "word" and re.compile(vectorizer.token_pattern).groups > 1:
        return None
    use_idf = hasattr(tfidf, "idf_")
    n_features = len(vectorizer.vocabulary_)
    if use_idf and len(tfidf.idf_) != n_features:
        return None
    return {"analyzer": vectorizer.analyzer, "ngram_range": [int(n) for n in vectorizer.ngram_range],
            "token_pattern": vectorizer.token_pattern if vectorizer.analyzer == "word" else None,
            "lowercase": bool(vectorizer.lowercase), "binary": bool(vectorizer.binary),
            "sublinear_tf": bool(tfidf.sublinear_tf), "norm": tfidf.norm, "use_idf": use_idf,
            "n_features": n_features}


def _export_classifier(classifier: Any, n_features: int, arrays: dict[str, np.ndarray]) -> dict | None:
    """Put the classifier's weights in ``arrays``; return its spec, or None if unsupported."""
    from sklearn.calibration import CalibratedClassifierCV, _CalibratedClassifier, _SigmoidCalibration
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.preprocessing import LabelEncoder
    from sklearn.svm import LinearSVC

    classes = [str(c) for c in getattr(classifier, "classes_", [])]
    if type(classifier) is LogisticRegression:
        rule = _BINARY_EXPIT if len(classes) <= 2 else _SOFTMAX
    elif type(classifier) is SGDClassifier and classifier.loss == "log_loss":
        rule = _BINARY_EXPIT if classifier.coef_.shape[0] == 1 else _OVR_EXPIT
    elif type(classifier) is CalibratedClassifierCV and classifier.method == "sigmoid":
        calibrated = classifier.calibrated_classifiers_
        for k, part in enumerate(calibrated):
            estimator = part.estimator
            if (type(part) is not _CalibratedClassifier or part.method != "sigmoid" or type(estimator) is not LinearSVC
                    or not all(type(c) is _SigmoidCalibration for c in part.calibrators)
                    or estimator.coef_.shape[1] != n_features):
                return None
            # As _CalibratedClassifier.predict_proba: decision column j goes, through calibrator j,
            # to the class of estimator.classes_[j] (one column and class 1 when binary).
            class_index = LabelEncoder().fit(part.classes).transform(estimator.classes_)
            n_columns = min(len(class_index), estimator.coef_.shape[0], len(part.calibrators))
            class_index = class_index[:n_columns] + (1 if len(part.classes) == 2 else 0)
            arrays[f"cal{k}_coef"] = np.ascontiguousarray(np.asarray(estimator.coef_, dtype=np.float64)[:n_columns].T)
            arrays[f"cal{k}_intercept"] = np.asarray(estimator.intercept_, dtype=np.float64)[:n_columns]
            arrays[f"cal{k}_class_index"] = np.asarray(class_index, dtype=np.int64)
            arrays[f"cal{k}_a"] = np.asarray([c.a_ for c in part.calibrators[:n_columns]], dtype=np.float64)
            arrays[f"cal{k}_b"] = np.asarray([c.b_ for c in part.calibrators[:n_columns]], dtype=np.float64)
        return {"rule": _CALIBRATED_SIGMOID, "classes": classes, "n_calibrated": len(calibrated)}
    else:
        return None
    coef = np.asarray(classifier.coef_, dtype=np.float64)
    if coef.ndim != 2 or coef.shape[1] != n_features:
        return None
    arrays["coef"] = np.ascontiguousarray(coef.T)  # one row per feature: gathered per stored value
    arrays["intercept"] = np.asarray(classifier.intercept_, dtype=np.float64).reshape(-1)
    return {"rule": rule, "classes": classes}


# ---------------------------------------------------------------------------- scoring


class _Vectorizer:
    """One fitted TfidfVectorizer of the union: analyser, vocabulary, idf and row norm."""

    def __init__(self, spec: dict, vocabulary: dict[str, int], idf: np.ndarray | None):
        self.spec = spec
        self.vocabulary = vocabulary
        self.idf = idf
        self.min_n, self.max_n = spec["ngram_range"]
        self.lowercase = spec["lowercase"]
        self._findall = re.compile(spec["token_pattern"]).findall if spec["analyzer"] == "word" else None
        self._word_columns: dict[str, list[int]] = {}

    def analyze(self, doc: str) -> list[str]:
        """The n-grams of one normalised document, as ``TfidfVectorizer.build_analyzer()`` gives them."""
        if self.lowercase:
            doc = doc.lower()
        if self._findall is not None:
            return self._word_ngrams(self._findall(doc))
        doc = _WHITE_SPACES.sub(" ", doc)
        if self.spec["analyzer"] == "char":
            return self._char_ngrams(doc)
        return [gram for word in doc.split() for gram in self._char_wb_ngrams(word)]

    def columns(self, doc: str) -> list[int]:
        """The vocabulary column of every in-vocabulary n-gram of one normalised document, repeats included."""
        get = self.vocabulary.get
        if self.spec["analyzer"] != "char_wb":
            return [j for gram in self.analyze(doc) if (j := get(gram)) is not None]
        if self.lowercase:
            doc = doc.lower()
        # char_wb n-grams never span two words: each distinct word is analysed once and remembered.
        cache = self._word_columns
        out: list[int] = []
        for word in _WHITE_SPACES.sub(" ", doc).split():
            found = cache.get(word)
            if found is None:
                found = [j for gram in self._char_wb_ngrams(word) if (j := get(gram)) is not None]
                if len(cache) >= _WORD_CACHE_SIZE:
                    cache.clear()
                cache[word] = found
            out += found
        return out

    def _word_ngrams(self, tokens: list[str]) -> list[str]:
        # sklearn's _word_ngrams: unigrams first (when min_n is 1), then each longer n in turn.
        min_n, max_n = self.min_n, self.max_n
        if max_n == 1:
            return tokens
        grams = list(tokens) if min_n == 1 else []
        for n in range(max(min_n, 2), min(max_n + 1, len(tokens) + 1)):
            grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        return grams

    def _char_ngrams(self, text: str) -> list[str]:
        # sklearn's _char_ngrams: every n-gram of the text, spaces included, shortest n first.
        length = len(text)
        return [text[i:i + n] for n in range(self.min_n, min(self.max_n + 1, length + 1))
                for i in range(length - n + 1)]

    def _char_wb_ngrams(self, word: str) -> list[str]:
        # sklearn's _char_wb_ngrams for one word: a padded word no longer than n gives itself
        # once, and then no longer n-grams (its "short word" break).
        word = " " + word + " "
        length = len(word)
        grams: list[str] = []
        for n in range(self.min_n, self.max_n + 1):
            if length <= n:
                grams.append(word)
                break
            grams.extend([word[i:i + n] for i in range(length - n + 1)])
        return grams

    def transform(self, docs: Sequence[str]) -> SparseRows:
        """TF-IDF rows of normalised documents: in-vocabulary counts, sublinear tf, idf, row norm."""
        n_features = self.spec["n_features"]
        found: list[int] = []
        lengths = []
        for doc in docs:
            columns = self.columns(doc)
            found += columns
            lengths.append(len(columns))
        # One sort counts every (row, column) pair and orders each row's columns, as CSR wants.
        keys = np.repeat(np.arange(len(docs), dtype=np.int64), lengths) * n_features + np.asarray(found, dtype=np.int64)
        pairs, counts = np.unique(keys, return_counts=True)
        row_of_pair = pairs // n_features
        indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum(np.bincount(row_of_pair, minlength=len(docs)), out=indptr[1:])
        rows = SparseRows(counts.astype(np.float64), pairs - row_of_pair * n_features, indptr, n_features)
        data = rows.data
        if self.spec["binary"]:
            data[:] = 1.0
        if self.spec["sublinear_tf"]:
            np.log(data, out=data)
            data += 1.0
        if self.idf is not None:
            data *= self.idf[rows.indices]
        norm = self.spec["norm"]
        if norm is not None and len(data):
            row_ids = rows.row_ids()
            # bincount adds in storage order, row by row, as sklearn's inplace_csr_row_normalize_l2 does.
            totals = np.bincount(row_ids, weights=data * data if norm == "l2" else np.abs(data), minlength=rows.n_rows)
            if norm == "l2":
                totals = np.sqrt(totals)
            scale = totals[row_ids]
            np.divide(data, scale, out=data, where=scale != 0.0)
        return rows


class LinearHead:
    """A fitted head as NumPy arrays: ``features(texts)`` then ``predict_proba(features)``.

    Parameters
    ----------
    arrays:
        From :func:`export_linear` (``idf_<i>``, ``coef``/``intercept`` or ``cal<k>_*``).
    spec:
        From :func:`export_linear`.
    vocabularies:
        Term -> column of each vectorizer, keyed by the spec's ``vocabulary`` entries.
    vocabulary_digest:
        A digest of those vocabularies (the SHA-256 of the ``.vocab.json`` file); computed
        from the terms when not given. Part of :attr:`feature_key`.

    Attributes
    ----------
    classes_:
        The labels, in the order of the ``predict_proba`` columns.
    feature_key:
        Equal for heads whose features are equal (same normalisation, analysers, vocabularies
        and idf), e.g. the stance and frame heads trained on the same statements.
    """

    def __init__(self, arrays: dict[str, np.ndarray], spec: dict, vocabularies: dict[str, dict[str, int]],
                 vocabulary_digest: str | None = None):
        if spec.get("version") != SPEC_VERSION:
            raise ModelError(f"linear head spec version {spec.get('version')!r} is not {SPEC_VERSION}")
        self.spec = spec
        self.normalizer_options = dict(spec["normalizer"])
        self.vectorizers = []
        offsets = [0]
        for i, vspec in enumerate(spec["vectorizers"]):
            vocabulary = vocabularies.get(vspec["vocabulary"])
            idf = arrays.get(f"idf_{i}") if vspec["use_idf"] else None
            if vocabulary is None or len(vocabulary) != vspec["n_features"] or (
                    vspec["use_idf"] and (idf is None or idf.shape != (vspec["n_features"],))):
                raise ModelError(f"linear head: vocabulary or idf of vectorizer {vspec['name']!r} does not match its spec")
            self.vectorizers.append(_Vectorizer(vspec, vocabulary, idf))
            offsets.append(offsets[-1] + vspec["n_features"])
        self.offsets = offsets[:-1]
        self.n_features = offsets[-1]
        classifier = spec["classifier"]
        self.rule = classifier["rule"]
        self.classes_ = np.asarray(classifier["classes"], dtype=object)
        if self.rule == _CALIBRATED_SIGMOID:
            self.calibrated = [tuple(arrays[f"cal{k}_{part}"] for part in ("coef", "intercept", "class_index", "a", "b"))
                               for k in range(classifier["n_calibrated"])]
            weights = [c[0] for c in self.calibrated]
        else:
            self.coef, self.intercept = arrays["coef"], arrays["intercept"]
            weights = [self.coef]
        if any(w.shape[0] != self.n_features for w in weights):
            raise ModelError(f"linear head: classifier weights do not have {self.n_features} features")
        if vocabulary_digest is None:
            terms = {v["vocabulary"]: sorted(vocabularies[v["vocabulary"]], key=vocabularies[v["vocabulary"]].get)
                     for v in spec["vectorizers"]}
            vocabulary_digest = hashlib.sha256(json.dumps(terms, ensure_ascii=False).encode("utf-8")).hexdigest()
        digest = hashlib.sha256(json.dumps([spec["normalizer"], [{k: v for k, v in vs.items() if k != "vocabulary"}
                                                                 for vs in spec["vectorizers"]]],
                                           sort_keys=True).encode("utf-8"))
        digest.update(vocabulary_digest.encode("ascii"))
        for i, vectorizer in enumerate(self.vectorizers):
            if vectorizer.idf is not None:
                digest.update(f"idf_{i}".encode("ascii") + np.ascontiguousarray(vectorizer.idf).tobytes())
        self.feature_key = digest.hexdigest()

    def normalize(self, texts: Sequence[str]) -> list[str]:
        """What the pipeline's ``ArabicNormalizer`` step makes of each text."""
        return [normalize_text(text, **self.normalizer_options) for text in texts]

    def features(self, texts: Sequence[str]) -> SparseRows:
        """The feature rows of texts: each vectorizer's l2-normalised block at its column offset."""
        docs = self.normalize(texts)
        blocks = [vectorizer.transform(docs) for vectorizer in self.vectorizers]
        n = len(docs)
        row_ids = np.concatenate([b.row_ids() for b in blocks])
        order = np.argsort(row_ids, kind="stable")  # per row: block after block, as the union's hstack
        indices = np.concatenate([b.indices + offset for b, offset in zip(blocks, self.offsets)])[order]
        data = np.concatenate([b.data for b in blocks])[order]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(row_ids, minlength=n), out=indptr[1:])
        return SparseRows(data, indices, indptr, self.n_features)

    def predict_proba(self, features: SparseRows) -> np.ndarray:
        """Class probabilities, one row per feature row, columns in :attr:`classes_` order."""
        if features.n_columns != self.n_features:
            raise ValueError(f"features have {features.n_columns} columns; this head expects {self.n_features}")
        row_ids = features.row_ids()
        if self.rule == _CALIBRATED_SIGMOID:
            n_classes = len(self.classes_)
            mean = np.zeros((features.n_rows, n_classes))
            for coef, intercept, class_index, a, b in self.calibrated:
                mean += _calibrated_proba(_decision(features, row_ids, coef, intercept), class_index, a, b, n_classes)
            mean /= len(self.calibrated)
            return mean
        scores = _decision(features, row_ids, self.coef, self.intercept)
        if self.rule == _SOFTMAX:
            return _softmax(scores)
        proba = _expit(scores)
        if self.rule == _BINARY_EXPIT:
            positive = proba[:, 0]
            return np.stack([1 - positive, positive], axis=1)
        # One-vs-rest, normalised as sklearn's LinearClassifierMixin._predict_proba_lr.
        total = proba.sum(axis=1)
        all_zero = total == 0
        if all_zero.any():
            proba[all_zero, :] = 1
            total[all_zero] = proba.shape[1]
        proba /= total.reshape(-1, 1)
        return proba


def _decision(features: SparseRows, row_ids: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """``X @ coef + intercept`` for CSR rows and a (features x outputs) ``coef``; empty rows get the intercept."""
    n_outputs = coef.shape[1]
    scores = np.zeros((features.n_rows, n_outputs))
    if len(features.data):
        contributions = coef[features.indices] * features.data[:, None]
        for column in range(n_outputs):
            # bincount adds each row's values in storage order, as scipy's CSR product does.
            scores[:, column] = np.bincount(row_ids, weights=contributions[:, column], minlength=features.n_rows)
    scores += intercept
    return scores


def _expit(x: np.ndarray) -> np.ndarray:
    """The logistic function, without overflow for large negative ``x`` (scipy.special.expit)."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softmax(scores: np.ndarray) -> np.ndarray:
    """sklearn.utils.extmath.softmax."""
    scores = scores - scores.max(axis=1).reshape(-1, 1)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1).reshape(-1, 1)
    return scores


def _calibrated_proba(decision: np.ndarray, class_index: np.ndarray, a: np.ndarray, b: np.ndarray,
                      n_classes: int) -> np.ndarray:
    """sklearn's ``_CalibratedClassifier.predict_proba`` with sigmoid calibrators."""
    proba = np.zeros((decision.shape[0], n_classes))
    for column, index in enumerate(class_index):
        proba[:, index] = _expit(-(a[column] * decision[:, column] + b[column]))
    if n_classes == 2:
        proba[:, 0] = 1.0 - proba[:, 1]
    else:
        denominator = proba.sum(axis=1)[:, np.newaxis]
        # All calibrators giving zero: the uniform distribution, as sklearn does.
        proba = np.divide(proba, denominator, out=np.full_like(proba, 1 / n_classes), where=denominator != 0)
    proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
    return proba
