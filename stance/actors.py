"""The actor table: written speaker spans -> canonical actor and actor type.

The table comes from the labels folder (``labels/actors.csv`` plus every
``labels/corpus/*/actors_extra.csv``), not from package data, so annotation and extraction
always agree. A model can carry its table as plain records (:meth:`ActorIndex.to_records`,
:meth:`ActorIndex.from_records`).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import yaml

from stance.errors import SchemaError
from stance.text import normalize_arabic

__all__ = [
    "ACTOR_TYPES",
    "ActorIndex",
    "AliasMatch",
    "canonical_key",
    "default_actors_path",
    "guess_actor_type",
    "tokenize_names",
]

#: The closed set of actor types (LABELS.md).
ACTOR_TYPES = (
    "iraqi_government",
    "iraqi_parliament",
    "armed_faction",
    "political_party",
    "kurdistan_region",
    "us_government",
    "coalition",
    "iran",
    "analyst",
    "other",
)

_COLUMNS = ("canonical", "type", "aliases")
_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
# Names after these words are their complement, not the speaker: "مستشار رئيس الوزراء"
# is not the prime minister.
_DEPENDENT_HEADS = frozenset(normalize_arabic(w) for w in ("مستشار", "مستشارة", "سفير", "سفيرة", "نظير", "نظيره", "مبعوث", "ضد", "عن", "مع", "في", "لدى", "داخل"))


# Ranks and honorifics between a title and a name: "قائد القوة اللواء جون برينان".
_RANKS = frozenset(normalize_arabic(w) for w in ("اللواء", "العميد", "الجنرال", "الفريق", "الركن", "العقيد", "السيد", "الشيخ", "الدكتور", "د", "المشير", "الأدميرال", "الرائد", "النقيب", "في", "باسم", "أول"))


def default_actors_path() -> Path:
    """``labels/actors.csv`` under the project root (the folder above the package).

    Returns
    -------
    pathlib.Path
        The default actor table path.
    """
    return Path(__file__).resolve().parent.parent / "labels" / "actors.csv"


def canonical_key(name: str) -> str:
    """Normalised form of an actor name, for comparing canonical names.

    Parameters
    ----------
    name:
        A canonical or written actor name.

    Returns
    -------
    str
        The name normalised (see :func:`stance.text.normalize_arabic`), punctuation
        removed, whitespace collapsed.
    """
    return " ".join(tokenize_names(name))


def tokenize_names(text: str) -> list[str]:
    """Normalised word tokens of ``text`` (punctuation and quotes dropped).

    Parameters
    ----------
    text:
        Any text.

    Returns
    -------
    list of str
        The tokens.
    """
    return _TOKEN.findall(normalize_arabic(text))


def _strip_article(token: str) -> str:
    return token[2:] if token.startswith("ال") and len(token) > 4 else token


def _variants(token: str) -> frozenset[str]:
    """Forms a written token may stand for: without و/ف, ب/ل/ك, the article, or the
    accusative alef (``قائداً`` -> ``قائد``)."""
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
    return frozenset({_strip_article(f) for f in forms} | forms)


def _token_matches(written: str, alias_token: str) -> bool:
    variants = _variants(written)
    return alias_token in variants or _strip_article(alias_token) in variants


@functools.cache
def _lexicon() -> Mapping[str, object]:
    return yaml.safe_load(resources.files("stance.data").joinpath("cues.yaml").read_text(encoding="utf-8"))


@functools.cache
def _places() -> frozenset[str]:
    return frozenset(canonical_key(w) for w in _lexicon().get("places", []))


@functools.cache
def _type_rules() -> tuple[tuple[str, frozenset[str], frozenset[str]], ...]:
    rules = []
    for rule in _lexicon()["type_rules"]:
        rules.append((rule["type"], frozenset(canonical_key(w) for w in rule["words"]), frozenset(canonical_key(w) for w in rule.get("unless", []))))
    return tuple(rules)


def _contains_phrase(tokens: Sequence[str], phrase: str) -> bool:
    words = phrase.split()
    n = len(words)
    return any(all(_token_matches(tokens[i + k], words[k]) for k in range(n)) for i in range(len(tokens) - n + 1))


def guess_actor_type(written: str) -> str:
    """Guess the type of an actor that is not in the table from its words.

    Parameters
    ----------
    written:
        The speaker as written.

    Returns
    -------
    str
        One of :data:`ACTOR_TYPES`; ``other`` when no rule of ``cues.yaml`` applies.

    Examples
    --------
    >>> guess_actor_type("وزير الدفاع الأميركي")
    'us_government'
    >>> guess_actor_type("النائب عن تحالف الفتح")
    'iraqi_parliament'
    """
    tokens = tokenize_names(written)
    for actor_type, words, unless in _type_rules():
        if any(_contains_phrase(tokens, w) for w in words) and not any(_contains_phrase(tokens, w) for w in unless):
            return actor_type
    return "other"


@dataclass(frozen=True)
class AliasMatch:
    """One alias found in a token sequence.

    Attributes
    ----------
    start, end:
        Token positions ``[start, end)`` in the searched tokens.
    canonical:
        The canonical actor the alias names.
    alias:
        The normalised alias that matched.
    """

    start: int
    end: int
    canonical: str
    alias: str


class ActorIndex:
    """Canonical actors, their types and aliases, and the lookup from written names.

    Parameters
    ----------
    records:
        Mappings with ``canonical`` (str), ``type`` (one of :data:`ACTOR_TYPES`) and
        ``aliases`` (a list of str, or one ``|``-separated str). A canonical name listed
        twice must keep its type; its aliases are merged.

    Raises
    ------
    SchemaError
        On an unknown type, an empty canonical name, or one canonical with two types.
    """

    def __init__(self, records: Iterable[Mapping[str, object]]):
        self._types: dict[str, str] = {}
        self._aliases: dict[str, list[str]] = {}
        for record in records:
            self._add(record, source=None, line=None)
        self._build()

    # -- construction -------------------------------------------------------------------

    def _add(self, record: Mapping[str, object], source: str | None, line: int | None) -> None:
        canonical = str(record.get("canonical") or "").strip()
        actor_type = str(record.get("type") or "").strip()
        aliases = record.get("aliases") or []
        if isinstance(aliases, str):
            aliases = aliases.split("|")
        if not canonical:
            raise SchemaError("empty canonical actor name", path=source, line=line)
        if actor_type not in ACTOR_TYPES:
            raise SchemaError(f"unknown actor type {actor_type!r} for {canonical!r}; expected one of {', '.join(ACTOR_TYPES)}", path=source, line=line)
        known = self._types.get(canonical)
        if known is not None and known != actor_type:
            raise SchemaError(f"actor {canonical!r} has type {actor_type!r} here but {known!r} before", path=source, line=line)
        self._types[canonical] = actor_type
        merged = self._aliases.setdefault(canonical, [])
        for alias in aliases:
            alias = str(alias).strip()
            if alias and alias != canonical and alias not in merged:
                merged.append(alias)

    def _build(self) -> None:
        # First token (article stripped) -> [(alias tokens, canonical, normalised alias)].
        # When two actors share an alias the one listed first keeps it.
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        self._names: dict[str, frozenset[str]] = {}
        owner: dict[str, str] = {}
        for canonical in self._types:
            names = [canonical, *self._aliases[canonical]]
            self._names[canonical] = frozenset(canonical_key(n) for n in names)
            for name in names:
                tokens = tuple(tokenize_names(name))
                key = " ".join(tokens)
                if not tokens or owner.setdefault(key, canonical) != canonical:
                    continue
                self._by_first.setdefault(_strip_article(tokens[0]), []).append((tokens, canonical, key))
        self._keys = {canonical_key(c): c for c in self._types}

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, object]]) -> "ActorIndex":
        """Build an index from plain records (the inverse of :meth:`to_records`).

        Parameters
        ----------
        records:
            Mappings with ``canonical``, ``type`` and ``aliases`` (list of str).

        Returns
        -------
        ActorIndex
            The index.
        """
        return cls(records)

    @classmethod
    def from_csv(cls, path: str | Path | None = None, *, include_extras: bool = True) -> "ActorIndex":
        """Read an actor table, by default ``labels/actors.csv`` and every extra table.

        Parameters
        ----------
        path:
            The main table (columns ``canonical,type,aliases``, aliases ``|``-separated).
            Defaults to :func:`default_actors_path`.
        include_extras:
            Also read ``corpus/*/actors_extra.csv`` next to ``path`` (sorted by batch).

        Returns
        -------
        ActorIndex
            The index.

        Raises
        ------
        SchemaError
            If a table is missing, lacks a column, or holds a bad row (reported as
            ``file:line``).
        """
        main = Path(path) if path is not None else default_actors_path()
        files = [main]
        if include_extras:
            files += sorted(main.parent.glob("corpus/*/actors_extra.csv"))
        index = cls.__new__(cls)
        index._types, index._aliases = {}, {}
        for file in files:
            if not file.is_file():
                raise SchemaError("actor table not found", path=str(file))
            with file.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    raise SchemaError(f"missing column(s) {', '.join(missing)}; expected {','.join(_COLUMNS)}", path=str(file), line=1)
                for line, row in enumerate(reader, start=2):
                    index._add(row, source=str(file), line=line)
        index._build()
        return index

    def to_records(self) -> list[dict[str, object]]:
        """The table as plain, JSON-serialisable records.

        Returns
        -------
        list of dict
            ``{"canonical": str, "type": str, "aliases": list[str]}`` per actor.
        """
        return [{"canonical": c, "type": t, "aliases": list(self._aliases[c])} for c, t in self._types.items()]

    # -- queries ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._types)

    def __contains__(self, canonical: object) -> bool:
        return isinstance(canonical, str) and canonical_key(canonical) in self._keys

    def type_of(self, canonical: str) -> str:
        """Type of a canonical actor, or the guessed type of an unknown one.

        Parameters
        ----------
        canonical:
            A canonical name (compared after normalisation).

        Returns
        -------
        str
            One of :data:`ACTOR_TYPES`.
        """
        known = self._keys.get(canonical_key(canonical))
        return self._types[known] if known is not None else guess_actor_type(canonical)

    def names_of(self, canonical: str) -> frozenset[str]:
        """Normalised canonical name and aliases of an actor (empty if unknown).

        Parameters
        ----------
        canonical:
            A canonical name.

        Returns
        -------
        frozenset of str
            The normalised names.
        """
        known = self._keys.get(canonical_key(canonical))
        return self._names[known] if known is not None else frozenset()

    def find_aliases(self, tokens: Sequence[str]) -> list[AliasMatch]:
        """Every alias occurrence in a sequence of normalised tokens.

        A written token matches an alias token also with a و/ف, ب/ل/ك or ال prefix, or an
        accusative alef, more than the alias has.

        Parameters
        ----------
        tokens:
            Normalised tokens (see :func:`tokenize_names`).

        Returns
        -------
        list of AliasMatch
            All matches, in order of start position.
        """
        found = []
        for i, token in enumerate(tokens):
            seen: set[str] = set()
            for form in _variants(token):
                for alias_tokens, canonical, key in self._by_first.get(_strip_article(form), ()):
                    if key in seen or i + len(alias_tokens) > len(tokens):
                        continue
                    if all(_token_matches(tokens[i + k], alias_tokens[k]) for k in range(len(alias_tokens))):
                        seen.add(key)
                        found.append(AliasMatch(i, i + len(alias_tokens), canonical, key))
        return sorted(found, key=lambda m: (m.start, -m.end))

    def starts_alias(self, token: str) -> bool:
        """Whether some alias or canonical name can start with this normalised token.

        Parameters
        ----------
        token:
            A normalised token.

        Returns
        -------
        bool
            True if an alias starts with it (prefixes allowed as in :meth:`find_aliases`).
        """
        return any(_strip_article(form) in self._by_first for form in _variants(token))

    def best_match(self, tokens: Sequence[str]) -> AliasMatch | None:
        """The alias that names the speaker in a speaker span.

        Matches right after a word like مستشار or سفير are dropped (they name whom the
        speaker serves), as are matches inside a longer one; of the rest the one that
        ends last wins, since in Arabic news the name follows the title
        (``وزير الدفاع الأمريكي لويد أوستن``).

        Parameters
        ----------
        tokens:
            Normalised tokens of the speaker span.

        Returns
        -------
        AliasMatch or None
            The chosen match, or None when no alias occurs.
        """
        every = self.find_aliases(tokens)
        matches = [m for m in every if m.start == 0 or not (_variants(tokens[m.start - 1]) & _DEPENDENT_HEADS)]
        outer = [m for m in matches if not any(o is not m and o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start) for o in matches)]
        if not outer:
            return None
        outer.sort(key=lambda m: (m.start, -m.end))
        # Follow the chain title -> name: a later match continues the speaker only when
        # the words between are ranks or themselves part of some alias; "جامعة الدول
        # العربية استهداف رئيس الوزراء" stops at the first name.
        covered = {k for m in every for k in range(m.start, m.end)}
        chain = outer[0]
        for m in outer[1:]:
            if m.start < chain.end:
                if m.end > chain.end:
                    chain = m
                continue
            gap = range(chain.end, m.start)
            if m.alias in _places():
                break
            if all(k in covered or tokens[k] in _RANKS for k in gap) or (len(gap) <= 2 and tokens[chain.end] == "في"):
                chain = m
            else:
                break
        return chain

    def resolve(self, written: str) -> tuple[str, str]:
        """Canonical actor and type for a speaker as written.

        Looks for aliases and canonical names inside ``written`` (after normalisation,
        allowing clitic prefixes; see :meth:`best_match`). An anonymous source that names
        no alias (``مسؤول دفاعي أمريكي``) goes to the collective actor of its affiliation
        (``anonymous_rules`` in ``cues.yaml``). Anything else keeps its written form and
        gets a type guessed from its words (:func:`guess_actor_type`).

        Parameters
        ----------
        written:
            The speaker span.

        Returns
        -------
        tuple of (str, str)
            ``(canonical, actor_type)``.

        Examples
        --------
        >>> index = ActorIndex([{"canonical": "محمد شياع السوداني", "type": "iraqi_government",
        ...                      "aliases": ["السوداني", "رئيس الوزراء العراقي"]}])
        >>> index.resolve("وقال رئيسُ الوزراء العراقي")
        ('محمد شياع السوداني', 'iraqi_government')
        >>> index.resolve("الخبير الأمني سرمد البياتي")
        ('الخبير الأمني سرمد البياتي', 'analyst')
        """
        tokens = tokenize_names(written)
        anonymous = self._anonymous(tokens)
        match = self.best_match(tokens)
        if match is not None and not (anonymous and match.end - match.start < len(tokens) and match.start > 0):
            return match.canonical, self._types[match.canonical]
        if anonymous is not None:
            return anonymous, self._types[anonymous]
        if match is not None:
            return match.canonical, self._types[match.canonical]
        cleaned = " ".join(written.split()).strip(" ،,:؛-–«»\"“”")
        return cleaned, guess_actor_type(cleaned)

    def _anonymous(self, tokens: Sequence[str]) -> str | None:
        lexicon = _lexicon()
        heads = frozenset(canonical_key(w) for w in lexicon["anonymous_heads"])
        if not tokens or not (_variants(tokens[0]) & heads):
            return None
        for rule in lexicon["anonymous_rules"]:
            canonical = rule["canonical"]
            if canonical in self._types and any(_contains_phrase(tokens, canonical_key(w)) for w in rule["words"]):
                return canonical
        return None
