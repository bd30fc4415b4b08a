"""Arabic text normalisation as pure functions over camel-tools (no scikit-learn).

:class:`stance.normalize.ArabicNormalizer` (the transformer inside saved models) and the
numpy-only scorer of :mod:`stance.linear` both call :func:`normalize_text`, so training and
scoring normalise alike whichever path loads the model.
"""

from __future__ import annotations

import functools
import re
from typing import Callable

from stance.config import STEMMERS
from stance.errors import ConfigError

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


def normalize_text(
    text: str,
    *,
    alef: bool = True,
    ya: bool = True,
    teh_marbuta: bool = True,
    diacritics: bool = True,
    tatweel: bool = True,
    stemmer: str = "none",
    split_words: Callable[[list[str]], list[str]] | None = None,
) -> str:
    """Normalise, tokenise and stem one text: what the model's normaliser step does to each input.

    Parameters
    ----------
    text:
        One statement.
    alef, ya, teh_marbuta, diacritics, tatweel:
        Orthographic folding, see :func:`normalize_arabic`.
    stemmer:
        ``none`` or ``snowball``.
    split_words:
        Splits the simple tokens further (the ``camel_morph`` tokenizer's ``tokenize``); ``None``
        keeps camel-tools' ``simple_word_tokenize`` tokens.

    Returns
    -------
    str
        The tokens joined by single spaces.
    """
    norm = normalize_arabic(text, alef=alef, ya=ya, teh_marbuta=teh_marbuta, diacritics=diacritics, tatweel=tatweel)
    tokens = tokenize(norm)
    if split_words is not None:
        tokens = split_words(tokens)
    return " ".join(stem_tokens(tokens, stemmer))
