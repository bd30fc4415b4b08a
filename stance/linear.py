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

Speed (a batch of texts at once): each head remembers, per distinct whitespace-separated chunk of
raw text, its normalised tokens (``normalize_text`` works chunk by chunk, see
``LinearHead._normalize_chunk``), and per distinct token its char_wb columns and word-token ids;
a batch's n-grams are then found with array operations, counted for all vectorizers with one sort,
and each decision column is one gather and one bincount. Sums run in the order scipy's CSR product
and sklearn's row normalisation use, so values are those of the pipeline bit for bit.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from stance.arabic import normalize_arabic, normalize_text, tokenize
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
# Distinct raw chunks, and distinct normalised tokens, a head remembers (then it starts afresh).
_CHUNK_CACHE_SIZE = 200_000
# Word token patterns whose matches never contain a space and do not depend on the text around a
# space-separated token: findall on " ".join(tokens) is then the concatenation of findall on each token.
_TOKEN_LOCAL_PATTERNS = frozenset({r"(?u)\w+", r"\w+", r"(?u)\S+", r"\S+", r"(?u)\b\w\w+\b", r"\b\w\w+\b"})


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
        """The row of every stored value (computed once, then kept: do not modify it)."""
        rows = self.__dict__.get("_row_ids")
        if rows is None:
            rows = self.__dict__["_row_ids"] = np.repeat(np.arange(self.n_rows), np.diff(self.indptr))
        return rows


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
        # Whether this analyser's n-grams of " ".join(tokens) are found token by token (see token_items).
        self.token_local = not self.lowercase and (
            spec["analyzer"] == "char_wb"
            or (spec["analyzer"] == "word" and spec["token_pattern"] in _TOKEN_LOCAL_PATTERNS
                and (len(vocabulary) * self.max_n + 2) ** self.max_n < 2 ** 62))  # n-gram keys fit int64
        self._ngram_index: tuple[dict[str, int], int, dict[int, tuple[np.ndarray, np.ndarray]]] | None = None

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

    # -- token by token (token_local analysers): the n-grams of a document " ".join(tokens) -----------
    #
    # char_wb: the words of " ".join(tokens) are those of each token (whitespace split), and char_wb
    # n-grams never span two words, so a token's columns are those of its words.
    # word: the allowed token patterns never match a space nor look past one, so the word tokens of
    # the document are those of each token in turn; a token is stored as the ids of its word tokens
    # in the vocabulary's n-grams, and n-grams of consecutive ids are looked up in :meth:`occurrences`.

    def token_items(self, token: str) -> list[int]:
        """What one normalised token contributes: char_wb columns, or word-token ids (word analyser)."""
        if self._findall is None:
            get = self.vocabulary.get
            return [j for word in token.split() for gram in self._char_wb_ngrams(word) if (j := get(gram)) is not None]
        ids, unknown, _ = self._index()
        return [ids.get(word, unknown) for word in self._findall(token)]

    def occurrences(self, items: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of every in-vocabulary n-gram, given the batch's token items and their rows."""
        if self._findall is None:
            return rows, items
        _, unknown, by_n = self._index()
        base = unknown + 1
        out_rows, out_columns = [], []
        length = len(items)
        for n, (keys, columns) in by_n.items():
            if n > length or not len(keys):
                continue
            if n == 1:
                # unigrams: the column of each token id, straight from a table (-1: not a unigram)
                found = columns[items]
                hit = found >= 0
                out_rows.append(rows[hit])
                out_columns.append(found[hit])
                continue
            # The n-gram starting at each position, as an integer in base `base` (unknown ids never match).
            key = items[:length - n + 1].copy()
            for k in range(1, n):
                key *= base
                key += items[k:length - n + 1 + k]
            at = np.searchsorted(keys, key)
            np.minimum(at, len(keys) - 1, out=at)
            hit = keys[at] == key
            hit &= rows[:length - n + 1] == rows[n - 1:]  # all n tokens in one document
            out_rows.append(rows[:length - n + 1][hit])
            out_columns.append(columns[at[hit]])
        if not out_rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(out_rows), np.concatenate(out_columns)

    def _index(self) -> tuple[dict[str, int], int, dict[int, tuple[np.ndarray, np.ndarray]]]:
        """Word tokens of the vocabulary's n-grams -> id, the id of any other token, and per n the
        sorted n-gram keys (ids in base ``unknown + 1``) with their columns; for n = 1, the keys and a
        table of the column of every id (-1 if none). Built once, on first use."""
        if self._ngram_index is None:
            ids: dict[str, int] = {}
            grams: dict[int, tuple[list[int], list[int]]] = {}
            for term, column in self.vocabulary.items():
                parts = term.split(" ")
                if not self.min_n <= len(parts) <= self.max_n:
                    continue  # the analyser never makes it
                keys, columns = grams.setdefault(len(parts), ([], []))
                keys.append([ids.setdefault(part, len(ids)) for part in parts])
                columns.append(column)
            unknown = len(ids)
            base = unknown + 1
            by_n = {}
            for n, (parts_ids, columns) in sorted(grams.items()):
                key = np.zeros(len(parts_ids), dtype=np.int64)
                table = np.asarray(parts_ids, dtype=np.int64).reshape(len(parts_ids), n)
                for k in range(n):
                    key *= base
                    key += table[:, k]
                if n == 1:  # a table by id instead: key is the id
                    table = np.full(base, -1, dtype=np.int64)
                    table[key] = columns
                    by_n[n] = (key, table)
                    continue
                order = np.argsort(key, kind="stable")
                by_n[n] = (key[order], np.asarray(columns, dtype=np.int64)[order])
            self._ngram_index = (ids, unknown, by_n)
        return self._ngram_index

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


def _sparse_rows(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, n_columns: int,
                 row_ids: np.ndarray) -> SparseRows:
    """SparseRows whose :meth:`~SparseRows.row_ids` are already known."""
    rows = SparseRows(data, indices, indptr, n_columns)
    rows.__dict__["_row_ids"] = row_ids
    return rows


class _Ragged:
    """A growing table of int64 lists, as CSR arrays: list ``t`` is ``values[ptr[t]:ptr[t + 1]]``."""

    def __init__(self) -> None:
        self.ptr = np.zeros(1024, dtype=np.int64)
        self.values = np.zeros(8192, dtype=np.int64)
        self.n_lists = 0

    def extend(self, lists: list[list[int]]) -> None:
        if not lists:
            return
        lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        start, n_values = self.ptr[self.n_lists], int(lengths.sum())
        self.ptr = _reserve(self.ptr, self.n_lists + 1 + len(lists))
        np.cumsum(lengths, out=self.ptr[self.n_lists + 1:self.n_lists + 1 + len(lists)])
        self.ptr[self.n_lists + 1:self.n_lists + 1 + len(lists)] += start
        self.values = _reserve(self.values, start + n_values)
        self.values[start:start + n_values] = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64,
                                                         count=n_values)
        self.n_lists += len(lists)

    def gather(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The lists of ``ids`` one after the other, and the length of each."""
        starts = self.ptr[ids]
        lengths = self.ptr[ids + 1] - starts
        ends = np.cumsum(lengths)
        # position k of the output is values[starts[i] + k - (ends[i] - lengths[i])] for the i it falls in
        where = np.repeat(starts - (ends - lengths), lengths)
        where += np.arange(ends[-1] if len(ends) else 0, dtype=np.int64)
        return self.values[where], lengths


def _reserve(array: np.ndarray, size: int) -> np.ndarray:
    """``array``, or a copy at least twice as long, so that it holds ``size`` items."""
    if size <= len(array):
        return array
    grown = np.zeros(max(size, 2 * len(array)), dtype=array.dtype)
    grown[:len(array)] = array
    return grown


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

        self._arabic_options = {k: v for k, v in self.normalizer_options.items() if k != "stemmer"}
        # Per output column, the classifier weights of every feature (contiguous, for one gather each).
        self._weights_t = [np.ascontiguousarray(w.T) for w in weights]
        # The idf of every column of the union (1 in blocks without idf), or None if no block has one.
        self._idf = (np.concatenate([v.idf if v.idf is not None else np.ones(v.spec["n_features"])
                                     for v in self.vectorizers]) if any(v.idf is not None for v in self.vectorizers)
                     else None)
        self._reset_token_cache()

    # ------------------------------------------------------------------ normalisation, token by token
    #
    # normalize_text is camel-tools' unicode fix, NFKC, dediacritisation and letter folding (each a
    # function of single characters; whitespace never composes under NFKC), then whitespace
    # collapsing, simple_word_tokenize (which splits on whitespace first) and stemming of each
    # token. So the normalised text is the space-joined normalised tokens of its whitespace-separated
    # chunks, in turn, and each distinct chunk is normalised once and remembered as token ids.

    def _reset_token_cache(self) -> None:
        self._chunk_tokens: dict[str, list[int]] = {}
        self._token_id: dict[str, int] = {}
        self._tokens: list[str] = []
        self._token_tables = [_Ragged() if v.token_local else None for v in self.vectorizers]

    def _normalize_chunk(self, chunk: str) -> list[str]:
        """The normalised tokens of one whitespace-free chunk: ``normalize_text`` is their join by spaces."""
        text = normalize_text(chunk, **self.normalizer_options)
        if text:
            return text.split(" ")
        # No token, or one that the stemmer emptied (a tatweel-only word, when tatweel is kept)
        return [""] if tokenize(normalize_arabic(chunk, **self._arabic_options)) else []

    def _token_batch(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The normalised token ids of all texts, one text after the other, and how many each has."""
        if len(self._chunk_tokens) >= _CHUNK_CACHE_SIZE or len(self._tokens) >= _CHUNK_CACHE_SIZE:
            self._reset_token_cache()
        chunks, token_id, tokens = self._chunk_tokens, self._token_id, self._tokens
        first_new = len(tokens)
        sequence: list[int] = []
        lengths = []
        for text in texts:
            before = len(sequence)
            for chunk in text.split():
                found = chunks.get(chunk)
                if found is None:
                    found = []
                    for token in self._normalize_chunk(chunk):
                        i = token_id.get(token)
                        if i is None:
                            i = token_id[token] = len(tokens)
                            tokens.append(token)
                        found.append(i)
                    chunks[chunk] = found
                sequence += found
            lengths.append(len(sequence) - before)
        if len(tokens) > first_new:
            for vectorizer, table in zip(self.vectorizers, self._token_tables):
                if table is not None:
                    table.extend([vectorizer.token_items(token) for token in tokens[first_new:]])
        return np.asarray(sequence, dtype=np.int64), np.asarray(lengths, dtype=np.int64)

    def normalize(self, texts: Sequence[str]) -> list[str]:
        """What the pipeline's ``ArabicNormalizer`` step makes of each text."""
        return self._docs(*self._token_batch(texts))

    def _docs(self, sequence: np.ndarray, lengths: np.ndarray) -> list[str]:
        """Each text's normalised tokens joined by spaces (what ``normalize_text`` returns)."""
        tokens = self._tokens
        words = [tokens[i] for i in sequence.tolist()]
        out, position = [], 0
        for length in lengths.tolist():
            out.append(" ".join(words[position:position + length]))
            position += length
        return out

    def features(self, texts: Sequence[str]) -> SparseRows:
        """The feature rows of texts: each vectorizer's normalised block at its column offset.

        Every vectorizer's (row, column) occurrences are put in one key space and counted with one
        sort, which also orders each row block after block, as the union's hstack does.
        """
        n = len(texts)
        token_ids, lengths = self._token_batch(texts)
        token_rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
        n_total = self.n_features
        keys = []
        docs = None
        for vectorizer, offset, table in zip(self.vectorizers, self.offsets, self._token_tables):
            if table is not None:
                items, counts = table.gather(token_ids)
                rows, columns = vectorizer.occurrences(items, np.repeat(token_rows, counts))
            else:
                if docs is None:
                    docs = self._docs(token_ids, lengths)
                found: list[int] = []
                doc_lengths = []
                for doc in docs:
                    doc_columns = vectorizer.columns(doc)
                    found += doc_columns
                    doc_lengths.append(len(doc_columns))
                rows = np.repeat(np.arange(n, dtype=np.int64), doc_lengths)
                columns = np.asarray(found, dtype=np.int64)
            keys.append(rows * n_total + (columns + offset))
        # Sort the (row, column) keys (in 32 bits when they fit: a faster sort) and count each.
        keys = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        if n * n_total < 2 ** 31:
            keys = keys.astype(np.int32)
        keys.sort()
        if len(keys):
            first = np.empty(len(keys), dtype=bool)
            first[0] = True
            np.not_equal(keys[1:], keys[:-1], out=first[1:])
            first = np.flatnonzero(first)
            counts = np.diff(first, append=len(keys))
            pairs = keys[first].astype(np.int64)
        else:
            counts = pairs = np.zeros(0, dtype=np.int64)
        indptr = np.searchsorted(pairs, np.arange(n + 1, dtype=np.int64) * n_total)
        row_of_pair = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
        indices = pairs - row_of_pair * n_total
        n_blocks = len(self.vectorizers)
        block = np.zeros(len(indices), dtype=np.int64)
        for offset in self.offsets[1:]:
            block += indices >= offset
        specs = [(v.spec["binary"], v.spec["sublinear_tf"], v.spec["norm"]) for v in self.vectorizers]
        if len(set(specs)) <= 1:
            # Every block alike (the usual case): transform all values at once.
            binary, sublinear, norm = specs[0]
            data = _term_frequencies(counts, binary, sublinear)
            if self._idf is not None:
                data *= self._idf[indices]
            if norm is not None and len(data):
                group = row_of_pair * n_blocks + block if n_blocks > 1 else row_of_pair
                _normalize_groups(data, group, norm, n * n_blocks)
            return _sparse_rows(data, indices, indptr, n_total, row_of_pair)
        data = np.empty(len(counts))
        for b, (binary, sublinear, _) in enumerate(specs):
            where = block == b
            data[where] = _term_frequencies(counts[where], binary, sublinear)
        if self._idf is not None:
            data *= self._idf[indices]
        for b, (_, _, norm) in enumerate(specs):
            where = block == b
            part = data[where]
            if norm is not None and len(part):
                _normalize_groups(part, row_of_pair[where] * n_blocks + b, norm, n * n_blocks)
                data[where] = part
        return _sparse_rows(data, indices, indptr, n_total, row_of_pair)

    def predict_proba(self, features: SparseRows) -> np.ndarray:
        """Class probabilities, one row per feature row, columns in :attr:`classes_` order."""
        if features.n_columns != self.n_features:
            raise ValueError(f"features have {features.n_columns} columns; this head expects {self.n_features}")
        row_ids = features.row_ids()
        if self.rule == _CALIBRATED_SIGMOID:
            n_classes = len(self.classes_)
            mean = np.zeros((features.n_rows, n_classes))
            for (_, intercept, class_index, a, b), weights_t in zip(self.calibrated, self._weights_t):
                mean += _calibrated_proba(_decision(features, row_ids, weights_t, intercept), class_index, a, b,
                                          n_classes)
            mean /= len(self.calibrated)
            return mean
        scores = _decision(features, row_ids, self._weights_t[0], self.intercept)
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


def _term_frequencies(counts: np.ndarray, binary: bool, sublinear: bool) -> np.ndarray:
    """TfidfTransformer's tf of raw counts: 1 when binary, then ``1 + log(tf)`` when sublinear."""
    if binary:
        return np.ones(len(counts))  # and 1 + log(1) = 1 when sublinear
    data = counts.astype(np.float64)
    if sublinear:
        np.log(data, out=data)
        data += 1.0
    return data


def _normalize_groups(data: np.ndarray, group: np.ndarray, norm: str, n_groups: int) -> None:
    """Divide ``data`` in place by the l2 or l1 norm of its group (groups are (row, block) pairs).

    bincount adds in storage order, row by row, as sklearn's inplace_csr_row_normalize_l2 does.
    """
    totals = np.bincount(group, weights=data * data if norm == "l2" else np.abs(data), minlength=n_groups)
    if norm == "l2":
        np.sqrt(totals, out=totals)
    scale = totals[group]
    np.divide(data, scale, out=data, where=scale != 0.0)


def _decision(features: SparseRows, row_ids: np.ndarray, weights_t: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """``X @ coef + intercept`` for CSR rows and ``weights_t`` = coef transposed (outputs x features).

    Per output: one gather of the weights of the stored values (contiguous), times the values,
    added per row by bincount in storage order, from zero, as scipy's CSR product does; so the
    scores are those of the pipeline to the last bit. Empty rows get the intercept alone.
    """
    n_outputs = weights_t.shape[0]
    scores = np.zeros((features.n_rows, n_outputs))
    if len(features.data):
        for column in range(n_outputs):
            contributions = weights_t[column].take(features.indices)
            contributions *= features.data
            scores[:, column] = np.bincount(row_ids, weights=contributions, minlength=features.n_rows)
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
