"""Arabic normalisation with camel-tools, as pure functions and as a scikit-learn transformer.

The transformer travels inside the saved model, so training and scoring can never
normalise differently.
"""

from __future__ import annotations

import functools
import re

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from stance.config import STEMMERS, TOKENIZERS
from stance.errors import ConfigError, DataPackageError

# dediac_ar leaves the hamza marks U+0653-0655; strip them too so normalisation is idempotent.
_EXTRA_MARKS = re.compile("[\u0653-\u0655]")
_TATWEEL = "\u0640"
_SPACES = re.compile(r"\s+")


def normalize_arabic(
    text: str,
    *,
    alef: bool = True,
    ya: bool = True,
    teh_marbuta: bool = True,
    diacritics: bool = True,
    tatweel: bool = True,
) -> str:
    """Normalise Arabic orthographic variation.

    Args and behaviour follow the camel-tools utilities they call.

    Parameters
    ----------
    text:
        Any text; non-Arabic characters pass through (after Unicode NFKC-style normalisation).
    alef, ya, teh_marbuta, diacritics, tatweel:
        Which variations to fold (see :class:`stance.config.NormalizeConfig`).

    Returns
    -------
    str
        The normalised text, whitespace collapsed.
    """
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
        normalize_unicode,
    )

    text = normalize_unicode(text)
    if diacritics:
        text = _EXTRA_MARKS.sub("", dediac_ar(text))
    if tatweel:
        text = text.replace(_TATWEEL, "")
    if alef:
        text = normalize_alef_ar(text)
    if ya:
        text = normalize_alef_maksura_ar(text)
    if teh_marbuta:
        text = normalize_teh_marbuta_ar(text)
    return _SPACES.sub(" ", text).strip()


def tokenize(text: str) -> list[str]:
    """Split into words and punctuation with camel-tools' data-free ``simple_word_tokenize``."""
    from camel_tools.tokenizers.word import simple_word_tokenize

    return simple_word_tokenize(text)


@functools.lru_cache(maxsize=1)
def _snowball():
    import Stemmer

    return Stemmer.Stemmer("arabic")


def stem_tokens(tokens: list[str], stemmer: str) -> list[str]:
    """Stem tokens with a data-free stemmer.

    Parameters
    ----------
    tokens:
        Words.
    stemmer:
        ``none`` or ``snowball``.
    """
    if stemmer not in STEMMERS:
        raise ConfigError(f"stemmer must be one of {', '.join(STEMMERS)}; got {stemmer!r}")
    if stemmer == "none":
        return tokens
    return _snowball().stemWords(tokens)


def morphological_tokenizer(db_path: str | None = None):
    """Return a camel-tools morphological tokenizer (``d3tok`` scheme), if its data is installed.

    Parameters
    ----------
    db_path:
        A morphology database file to use instead of the installed ``calima-msa-r13`` package
        (the tests build a tiny one).

    Raises
    ------
    DataPackageError
        When camel-tools' morphology data is not installed.
    """
    try:
        from camel_tools.disambig.mle import MLEDisambiguator
        from camel_tools.morphology.analyzer import Analyzer
        from camel_tools.morphology.database import MorphologyDB
        from camel_tools.tokenizers.morphological import MorphologicalTokenizer
    except Exception as exc:  # camel_tools.data fetches a catalogue at import time
        raise DataPackageError(
            "camel-tools morphological tokenisation needs its data packages, which are not installed "
            f"({type(exc).__name__}); install them with `camel_data -i light` or choose normalize.tokenizer: simple"
        ) from None
    try:
        if db_path is not None:
            analyzer = Analyzer(MorphologyDB(db_path, "a"), backoff="NOAN_PROP")
            return _AnalyzerTokenizer(analyzer)
        disambiguator = MLEDisambiguator.pretrained()
        return MorphologicalTokenizer(disambiguator, scheme="d3tok", split=True)
    except Exception as exc:
        raise DataPackageError(
            "camel-tools morphology data not found "
            f"({type(exc).__name__}: {exc}); install it with `camel_data -i light` "
            "or choose normalize.tokenizer: simple"
        ) from None


class _AnalyzerTokenizer:
    """Tokenise with the first analysis of a morphology DB (used with a given ``db_path``)."""

    def __init__(self, analyzer):
        self.analyzer = analyzer

    def tokenize(self, words: list[str]) -> list[str]:
        out: list[str] = []
        for word in words:
            analyses = self.analyzer.analyze(word)
            tok = analyses[0].get("d3tok") if analyses else None
            out.extend((tok or word).split("_"))
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
        Optional path of a camel-tools morphology DB for ``camel_morph``.
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
        out = []
        for text in _as_texts(X):
            norm = normalize_arabic(
                text,
                alef=self.alef,
                ya=self.ya,
                teh_marbuta=self.teh_marbuta,
                diacritics=self.diacritics,
                tatweel=self.tatweel,
            )
            tokens = tokenize(norm)
            if morph is not None:
                tokens = morph.tokenize(tokens)
            out.append(" ".join(stem_tokens(tokens, self.stemmer)))
        return np.asarray(out, dtype=object)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(["normalized_text"], dtype=object)


def _as_texts(X) -> list[str]:
    """Accept a list, array, Series or one-column DataFrame of strings."""
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:
        X = X.iloc[:, 0]
    return ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in X]
