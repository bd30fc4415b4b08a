"""The attribution lexicon (``stance/data/cues.yaml``) and the name-matching helpers on it.

Shared by :mod:`stance.actors` (aliases -> canonical actors) and
:mod:`stance.attribution` (cues and speaker spans), so both read the same word lists
and compare written words with the same clitic-tolerant matching.

Every word list is normalised with :func:`stance.text.match_key` when loaded, so entries
are written in ordinary spelling.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Mapping, Sequence

import yaml

from stance.text import match_key

__all__ = [
    "Lexicon",
    "canonical_key",
    "cue_data",
    "load_lexicon",
    "places",
    "strip_article",
    "token_matches",
    "token_variants",
    "tokenize_names",
]

_NAME_TOKEN = re.compile(r"[^\W_]+")


@functools.cache
def cue_data() -> Mapping[str, object]:
    """The raw contents of ``stance/data/cues.yaml`` (cached).

    Returns
    -------
    Mapping
        The YAML document, entries as written.
    """
    return yaml.safe_load(resources.files("stance.data").joinpath("cues.yaml").read_text(encoding="utf-8"))


def tokenize_names(text: str) -> list[str]:
    """Normalised word tokens of ``text`` (punctuation and quotes dropped).

    Parameters
    ----------
    text:
        Any text.

    Returns
    -------
    list of str
        The tokens, folded with :func:`stance.text.match_key`.
    """
    return _NAME_TOKEN.findall(match_key(text))


def canonical_key(name: str) -> str:
    """Normalised form of an actor name, for comparing canonical names.

    Parameters
    ----------
    name:
        A canonical or written actor name.

    Returns
    -------
    str
        The name folded with :func:`stance.text.match_key`, punctuation removed,
        whitespace collapsed.
    """
    return " ".join(tokenize_names(name))


def strip_article(token: str) -> str:
    """``token`` without the article ``ال`` (kept on short words such as ``الى``).

    Parameters
    ----------
    token:
        A normalised token.

    Returns
    -------
    str
        The token, article removed.
    """
    return token[2:] if token.startswith("ال") and len(token) > 4 else token


@functools.lru_cache(maxsize=1 << 16)  # pure, and called thousands of times per article
def token_variants(token: str) -> frozenset[str]:
    """Forms a written token may stand for.

    Without و/ف, ب/ل/ك (``للحكومة`` -> ``الحكومة``), the article, or the accusative alef
    (``قائداً`` -> ``قائد``).

    Parameters
    ----------
    token:
        A normalised token.

    Returns
    -------
    frozenset of str
        The token and its candidate bare forms.
    """
    forms = {token}
    if len(token) > 3 and token[0] in "وف":
        forms.add(token[1:])
    for form in list(forms):
        if form.startswith("لل") and len(form) > 3:
            forms.add("ال" + form[2:])
        elif len(form) > 3 and form[0] in "بلك":
            forms.add(form[1:])
    for form in list(forms):
        if form.endswith("ا") and len(form) > 3:
            forms.add(form[:-1])
    return frozenset({strip_article(f) for f in forms} | forms)


@functools.lru_cache(maxsize=1 << 17)  # pure, called for every token/alias pair tried
def token_matches(written: str, alias_token: str) -> bool:
    """Whether a written token matches an alias token, clitics allowed on the written one.

    Parameters
    ----------
    written:
        A normalised token of the text.
    alias_token:
        A normalised token of an alias.

    Returns
    -------
    bool
        True if some variant of ``written`` (see :func:`token_variants`) is the alias token.
    """
    variants = token_variants(written)
    return alias_token in variants or strip_article(alias_token) in variants


@functools.cache
def places() -> frozenset[str]:
    """Place names that are aliases (``places`` in ``cues.yaml``), normalised.

    Returns
    -------
    frozenset of str
        Normalised place names.
    """
    return frozenset(canonical_key(w) for w in cue_data().get("places", []))


@dataclass(frozen=True)
class Lexicon:
    """Normalised word sets from ``cues.yaml`` (see the comments there)."""

    verbs: frozenset[str]
    participles: frozenset[str]
    source_words: frozenset[str]
    relay_verbs: frozenset[str]
    document_intro: frozenset[str]
    subject_stops: frozenset[str]
    object_nouns: frozenset[str]
    media_words: frozenset[str]
    addressee_prefixes: tuple[str, ...]
    connectors: frozenset[str]
    continuation_words: frozenset[str]
    document_words: frozenset[str]
    issuer_words: frozenset[str]
    title_words: frozenset[str]
    body_nouns: frozenset[str]
    anonymous_heads: frozenset[str]
    constituency_titles: frozenset[str]
    envoy_titles: frozenset[str]
    generic_words: frozenset[str]
    actor_nouns: frozenset[str]
    ranks: frozenset[str]
    dependent_heads: frozenset[str]
    title_synonyms: Mapping[str, str]
    object_verbs: frozenset[str]
    object_prepositions: frozenset[str]
    both_sides: frozenset[str]

    # Unions the resolver tests every token against, built once (per-call unions of these
    # sets cost more than the lookups).

    @functools.cached_property
    def titles_or_actor_nouns(self) -> frozenset[str]:
        return self.title_words | self.actor_nouns

    @functools.cached_property
    def titles_or_ranks(self) -> frozenset[str]:
        return self.title_words | self.ranks

    @functools.cached_property
    def titles_ranks_or_actor_nouns(self) -> frozenset[str]:
        return self.title_words | self.ranks | self.actor_nouns

    @functools.cached_property
    def person_titles(self) -> frozenset[str]:
        """Titles of persons: title words that are not body nouns (وزير, not وزارة)."""
        return self.title_words - self.body_nouns

    @functools.cached_property
    def title_like(self) -> frozenset[str]:
        """Title words, actor nouns and the words with a title synonym."""
        return self.title_words | self.actor_nouns | frozenset(self.title_synonyms)

    @functools.cached_property
    def not_names(self) -> frozenset[str]:
        """Lexicon words that are never a personal name, places included."""
        return (self.title_words | self.actor_nouns | self.generic_words | self.subject_stops | self.object_nouns | self.ranks
                | self.dependent_heads | self.connectors | self.media_words | self.document_words | places())


def _norm_set(words: Sequence[str]) -> frozenset[str]:
    return frozenset(canonical_key(w) for w in words)


def _bare_set(words: Sequence[str]) -> frozenset[str]:
    return frozenset(strip_article(canonical_key(w)) for w in words)


def _verb_forms(stem: str) -> set[str]:
    base = stem[:-1] if stem[-1] in "اي" else stem
    forms = {stem, base + "ت", stem + "ا", base + "وا", base + "تا"}
    return {p + f for f in forms for p in ("", "و", "ف")}


@functools.cache
def load_lexicon() -> Lexicon:
    """Load the attribution lexicon from ``stance/data/cues.yaml`` (cached).

    Returns
    -------
    Lexicon
        Normalised word sets, with inflected and prefixed verb forms generated.
    """
    raw = cue_data()
    verbs: set[str] = set()
    for stem in raw["speech_verbs"]:
        verbs |= _verb_forms(canonical_key(stem))
    for verb in raw["present_verbs"]:
        verbs |= {canonical_key(verb), "و" + canonical_key(verb)}
    participles: set[str] = set()
    for word in raw["participles"]:
        word = canonical_key(word)
        participles |= {word, word[:-1], word[:-1] + "ه"}
    object_verbs: set[str] = set()
    for stem in raw["object_verbs"]:
        object_verbs |= _verb_forms(canonical_key(stem))
    return Lexicon(
        verbs=frozenset(verbs),
        participles=frozenset(participles),
        source_words=_norm_set(raw["source_words"]),
        relay_verbs=_norm_set(raw["relay_verbs"]),
        document_intro=_norm_set(raw["document_intro"]),
        subject_stops=_norm_set(raw["subject_stops"]),
        object_nouns=_norm_set(raw["object_nouns"]),
        media_words=_norm_set(raw["media_words"]),
        addressee_prefixes=tuple(canonical_key(w) for w in raw["addressee_prefixes"]),
        connectors=_norm_set(raw["connectors"]),
        continuation_words=_norm_set(raw["continuation_words"]),
        document_words=_bare_set(raw["document_words"]),
        issuer_words=_norm_set(raw["issuer_words"]),
        title_words=_bare_set(raw["title_words"]),
        body_nouns=_bare_set(raw["body_nouns"]),
        anonymous_heads=_bare_set(raw["anonymous_heads"]),
        constituency_titles=_bare_set(raw["constituency_titles"]),
        envoy_titles=_bare_set(raw["envoy_titles"]),
        generic_words=_bare_set(raw["generic_words"]),
        actor_nouns=_bare_set(raw["actor_nouns"]),
        ranks=_norm_set(raw["ranks"]),
        dependent_heads=_norm_set(raw["dependent_heads"]),
        title_synonyms={strip_article(canonical_key(w)): strip_article(canonical_key(group[0])) for group in raw["title_synonyms"] for w in group},
        object_verbs=frozenset(object_verbs),
        object_prepositions=_norm_set(raw["object_prepositions"]),
        both_sides=_norm_set(raw["both_sides"]),
    )
