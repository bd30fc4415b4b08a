"""Arabic normalisation with camel-tools as a scikit-learn transformer, and the morphological tokenizer.

The transformer travels inside the saved model, so training and scoring can never
normalise differently. The pure functions live in :mod:`stance.arabic` (no scikit-learn import,
for the fast scoring path) and are re-exported here.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
import types
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from stance.arabic import normalize_arabic, normalize_text, stem_tokens, tokenize
from stance.config import STEMMERS, TOKENIZERS
from stance.errors import ConfigError, DataPackageError

__all__ = ["ArabicNormalizer", "normalize_arabic", "normalize_text", "stem_tokens", "tokenize",
           "morphological_tokenizer", "missing_morphology_message", "camel_data_dir"]

# camel-tools' own locations (camel_tools.data.catalogue): $CAMELTOOLS_DATA, else ~/.camel_tools;
# package files under <dir>/data/<destination>/ as listed in its catalogue-1.6.json.
_MORPH_DB_FILE = Path("data", "morphology_db", "calima-msa-r13", "morphology.db")
_MLE_MODEL_FILE = Path("data", "disambig_mle", "calima-msa-r13", "model.json")
_MORPH_PACKAGES = "morphology-db-msa-r13, disambig-mle-calima-msa-r13"
# An Arabic word (letters, harakat, tatweel): only these are sent to the analyser.
_AR_WORD = re.compile("^[\u0621-\u063a\u0640-\u0652\u0670-\u06d3]+$")


def camel_data_dir() -> Path:
    """Where camel-tools looks for its data packages: ``$CAMELTOOLS_DATA``, else ``~/.camel_tools``."""
    env = os.environ.get("CAMELTOOLS_DATA")
    return Path(env).expanduser().absolute() if env is not None else Path.home() / ".camel_tools"


def missing_morphology_message(data_dir: Path) -> str:
    """The one-line error raised when the camel-tools morphology data is absent."""
    return (f"camel-tools morphology data is not installed in {data_dir} (packages {_MORPH_PACKAGES}); "
            "install it with `camel_data -i light`, set normalize.morph_db, or use normalize.tokenizer: simple")


@contextlib.contextmanager
def _without_catalogue():
    """Import camel-tools morphology modules without loading its data catalogue.

    ``camel_tools.morphology.database`` and ``camel_tools.disambig.mle`` run
    ``from camel_tools.data import CATALOGUE`` at import time, which downloads a catalogue when none
    is on disk (and needs tqdm/pyrsistent, absent from the no-deps install). Only their
    ``builtin_db``/``pretrained`` helpers use it, so while they are imported a stand-in
    ``camel_tools.data`` sits in ``sys.modules`` whose ``CATALOGUE`` loads the real one only if one
    of those helpers is ever called. Data files are located by :func:`camel_data_dir` instead.
    """
    stub = None
    if "camel_tools.data" not in sys.modules:
        stub = types.ModuleType("camel_tools.data")
        stub.CATALOGUE = _DeferredCatalogue()
        sys.modules["camel_tools.data"] = stub
    try:
        yield
    finally:
        if stub is not None and sys.modules.get("camel_tools.data") is stub:
            del sys.modules["camel_tools.data"]


class _DeferredCatalogue:
    """Stands in for ``camel_tools.data.CATALOGUE``; imports the real one on first use."""

    def __getattr__(self, name):
        import camel_tools.data

        return getattr(camel_tools.data.CATALOGUE, name)


def _load_db(db_path: Path):
    with _without_catalogue():
        from camel_tools.morphology.database import MorphologyDB
    try:
        return MorphologyDB(str(db_path), "a")
    except Exception as exc:
        raise ConfigError(f"{db_path}: not a camel-tools morphology database ({type(exc).__name__}: {exc})") from None


def _analyzer(db):
    with _without_catalogue():
        from camel_tools.morphology.analyzer import Analyzer
    # The packaged MLE model pairs calima-msa-r13 with NOAN_PROP backoff; a DB without backoff stems gets none.
    backoff = "NOAN_PROP" if "PROP" in db.stem_backoffs and "NOAN" in db.stem_hash else "NONE"
    return Analyzer(db, backoff=backoff, cache_size=100_000)


@functools.lru_cache(maxsize=4)
def _cached_tokenizer(kind: str, path: str, mtime_ns: int):
    """Load once per file version (``mtime_ns`` is only part of the cache key)."""
    if kind == "db":
        return _AnalyzerTokenizer(_analyzer(_load_db(Path(path))))
    data_dir = Path(path)
    try:
        import editdistance  # noqa: F401  (camel_tools.disambig.mle imports it)
    except ImportError:
        raise DataPackageError(
            f"camel-tools morphology data is installed in {data_dir} but its MLE disambiguator needs the Python "
            "package editdistance (pip install editdistance), or set normalize.morph_db") from None
    with _without_catalogue():
        from camel_tools.disambig.mle import MLEDisambiguator
    from camel_tools.tokenizers.morphological import MorphologicalTokenizer

    # What MLEDisambiguator.pretrained() builds, from the files directly rather than via the catalogue.
    analyzer = _analyzer(_load_db(data_dir / _MORPH_DB_FILE))
    disambiguator = MLEDisambiguator(analyzer, str(data_dir / _MLE_MODEL_FILE))
    return MorphologicalTokenizer(disambiguator, scheme="d3tok", split=True)


def morphological_tokenizer(db_path: str | None = None):
    """Return a camel-tools morphological tokenizer (``d3tok`` scheme), if its data is available.

    Nothing touches the network: the data is looked for in :func:`camel_data_dir` (camel-tools'
    own location) and camel-tools' catalogue is never loaded. Torch is never imported. Loaded
    tokenizers are cached per file, so fitting and transforming load a database once.

    Parameters
    ----------
    db_path:
        A camel-tools morphology database file (text format) to use instead of the installed
        packages. Words are then split by the most probable analysis of that database alone
        (highest ``pos_lex_logprob``, else the first), with no disambiguation model.

    Returns
    -------
    object
        Has ``tokenize(words: list[str]) -> list[str]``.

    Raises
    ------
    DataPackageError
        Without ``db_path``, when the packages ``morphology-db-msa-r13`` and
        ``disambig-mle-calima-msa-r13`` (``camel_data -i light``) are not installed; the message
        is :func:`missing_morphology_message`.
    ConfigError
        When ``db_path`` does not exist or is not a morphology database.
    """
    if db_path is not None:
        path = Path(db_path).expanduser().absolute()
        if not path.is_file():
            raise ConfigError(f"normalize.morph_db: {db_path}: file not found")
        return _cached_tokenizer("db", str(path), path.stat().st_mtime_ns)
    data_dir = camel_data_dir()
    files = [data_dir / _MORPH_DB_FILE, data_dir / _MLE_MODEL_FILE]
    if not all(f.is_file() for f in files):
        raise DataPackageError(missing_morphology_message(data_dir))
    return _cached_tokenizer("installed", str(data_dir), max(f.stat().st_mtime_ns for f in files))


def _logprob(analysis: dict) -> float:
    value = analysis.get("pos_lex_logprob")
    return -99.0 if value is None else float(value)


class _AnalyzerTokenizer:
    """Split words by the most probable analysis of a morphology DB (used with a given ``db_path``).

    The ``d3tok`` feature (all clitics split, e.g. ``و+ ال+ انسحاب``) is used, else ``atbtok``, else
    the word itself; diacritics are removed as camel-tools' ``MorphologicalTokenizer`` does. Tokens
    that are not Arabic words (punctuation, digits, Latin) pass through unchanged.
    """

    def __init__(self, analyzer):
        self.analyzer = analyzer

    def tokenize(self, words: list[str]) -> list[str]:
        from camel_tools.utils.dediac import dediac_ar

        out: list[str] = []
        for word in words:
            analyses = self.analyzer.analyze(word) if _AR_WORD.match(word) else []
            tok = None
            if analyses:
                best = max(analyses, key=_logprob)  # max() keeps the first on ties
                tok = best.get("d3tok") or best.get("atbtok")
            if not tok or tok == "NOAN":
                out.append(word)
                continue
            out.extend(piece for piece in dediac_ar(tok).split("_") if piece)
        return out


class ArabicNormalizer(TransformerMixin, BaseEstimator):
    """Normalise, tokenise and optionally stem Arabic text; output space-joined tokens.

    Parameters
    ----------
    alef, ya, teh_marbuta, diacritics, tatweel:
        Orthographic folding, see :func:`normalize_arabic`.
    tokenizer:
        ``simple`` or ``camel_morph``.
    stemmer:
        ``none`` or ``snowball``.
    morph_db:
        Optional path of a camel-tools morphology database file for ``camel_morph``, used instead
        of the installed data packages (see :func:`morphological_tokenizer`). The path is stored
        in the saved model, so the file must also exist where the model is used.
    """

    def __init__(
        self,
        alef: bool = True,
        ya: bool = True,
        teh_marbuta: bool = True,
        diacritics: bool = True,
        tatweel: bool = True,
        tokenizer: str = "simple",
        stemmer: str = "none",
        morph_db: str | None = None,
    ):
        self.alef = alef
        self.ya = ya
        self.teh_marbuta = teh_marbuta
        self.diacritics = diacritics
        self.tatweel = tatweel
        self.tokenizer = tokenizer
        self.stemmer = stemmer
        self.morph_db = morph_db

    def fit(self, X, y=None):
        """Validate the options (nothing is learned)."""
        if self.tokenizer not in TOKENIZERS:
            raise ConfigError(f"tokenizer must be one of {', '.join(TOKENIZERS)}; got {self.tokenizer!r}")
        if self.stemmer not in STEMMERS:
            raise ConfigError(f"stemmer must be one of {', '.join(STEMMERS)}; got {self.stemmer!r}")
        if self.tokenizer == "camel_morph":
            morphological_tokenizer(self.morph_db)
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        """Return a 1-D array of normalised, space-joined token strings."""
        morph = morphological_tokenizer(self.morph_db) if self.tokenizer == "camel_morph" else None
        out = [normalize_text(text, alef=self.alef, ya=self.ya, teh_marbuta=self.teh_marbuta,
                              diacritics=self.diacritics, tatweel=self.tatweel, stemmer=self.stemmer,
                              split_words=None if morph is None else morph.tokenize)
               for text in _as_texts(X)]
        return np.asarray(out, dtype=object)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(["normalized_text"], dtype=object)


def _as_texts(X) -> list[str]:
    """Accept a list, array, Series or one-column DataFrame of strings."""
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:
        X = X.iloc[:, 0]
    return ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in X]
