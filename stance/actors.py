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
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from stance.errors import SchemaError
from stance.lexicon import Lexicon, canonical_key, cue_data, load_lexicon, places, strip_article, token_matches, token_variants, tokenize_names
from stance.text import strip_diacritics

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
def default_actors_path() -> Path:
    """``labels/actors.csv`` under the project root (the folder above the package).

    Returns
    -------
    pathlib.Path
        The default actor table path.
    """
    return Path(__file__).resolve().parent.parent / "labels" / "actors.csv"


@functools.cache
def _type_rules() -> tuple[tuple[str, frozenset[str], frozenset[str]], ...]:
    rules = []
    for rule in cue_data()["type_rules"]:
        rules.append((rule["type"], frozenset(canonical_key(w) for w in rule["words"]), frozenset(canonical_key(w) for w in rule.get("unless", []))))
    return tuple(rules)


def _contains_phrase(tokens: Sequence[str], phrase: str) -> bool:
    words = phrase.split()
    n = len(words)
    return any(all(token_matches(tokens[i + k], words[k]) for k in range(n)) for i in range(len(tokens) - n + 1))


# Short words inside a name ("لويجي دي مايو", "محمد بن سلمان"), and words after which the
# article stays inside a name ("عبد الأمير", "أبو الفضل").
_NAME_PARTICLES = frozenset({"دي", "بن", "دو", "فان", "فون", "ابن", "بنت"})
_NAME_OPENERS = frozenset({"عبد", "ابو", "ام", "بن", "ابن", "بنت"})
# Function words that may follow a title but are never part of a name (folded).
_NOT_NAME_WORDS = frozenset({"إلى", "الى", "على", "عن", "في", "من", "أن", "إن", "بأن", "لأن", "أنه", "بأنه", "كما", "حيث", "بعد",
                             "قبل", "خلال", "عند", "لدى", "مع", "ضد", "بين", "حول", "منذ", "وفق", "نحو", "لقد", "قد", "ذلك",
                             "هذا", "هذه", "تلك", "الذي", "التي", "الذين", "أمس", "اليوم", "أيضا", "أيضاً", "سابق", "سابقا",
                             "سابقاً", "حاليا", "حالياً"})
_PLACE_PREPOSITIONS = frozenset({"في", "من", "إلى", "الى"})


# Plural anonymous heads that stay anonymous groups with the article ("المسؤولين الأمريكيين").
_PLURAL_SOURCES = frozenset(canonical_key(w) for w in ("مسؤولين", "مسؤولون", "مصادر"))  # folded, as tokens are


@functools.lru_cache(maxsize=1 << 12)  # pure; unknown speakers recur across articles
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


def _is_title(token: str, lex: Lexicon) -> bool:
    return bool(token_variants(token) & lex.title_words)


def _ends_in_name(token: str, lex: Lexicon) -> bool:
    """Whether the last word of an alias is a personal name (no article, no title word)."""
    return not token.startswith(("ال", "لل")) and not _is_title(token, lex) and token not in lex.ranks and token not in places()


def _definite(tokens: Sequence[str], k: int) -> bool:
    """Whether the noun at ``k`` is definite: with the article, or in a construct with a
    definite noun ("وزير الدفاع")."""
    def article(token: str) -> bool:
        return token.lstrip("وف").startswith(("ال", "لل"))

    return article(tokens[k]) or (k + 1 < len(tokens) and article(tokens[k + 1]))


@functools.lru_cache(maxsize=1 << 16)
def _lookup_keys(token: str) -> tuple[str, ...]:
    """The alias-table keys a written token may open, in a fixed order.

    The written form first, then the longer (less stripped) forms, so that ties ("روسيا" is
    also "روسي" + accusative alef) never depend on set order.
    """
    keys: list[str] = []
    for form in sorted(token_variants(token), key=lambda f: (f != token, -len(f), f)):
        key = strip_article(form)
        if key not in keys:
            keys.append(key)
    return tuple(keys)


class _AliasTrie:
    """Aliases as a token trie, for finding every alias in a token sequence in one pass.

    Built from the ``by_first`` lists (aliases grouped by their first token without the
    article, in table order). It finds exactly what comparing each alias at each position
    would find, in the same order: a written token matches an alias token when one of its
    :func:`~stance.lexicon.token_variants` is the alias token or the alias token without
    its article.
    """

    __slots__ = ("roots", "longest", "memo")

    def __init__(self, by_first: Mapping[str, list[tuple[tuple[str, ...], str, str]]]):
        # roots: first key -> [(first alias token, node)], nodes as [ends, index, children]:
        # ends lists (rank, canonical, key) of the aliases ending there; index maps a written
        # variant to the child nodes it opens; children maps an alias token to its node.
        self.roots: dict[str, list[tuple[str, list]]] = {}
        self.memo: dict[str, tuple[tuple[int, list], ...]] = {}  # written token -> the nodes it opens
        self.longest = max((len(alias_tokens) for entries in by_first.values() for alias_tokens, _, _ in entries), default=0)
        for first, entries in by_first.items():
            heads: dict[str, list] = {}
            for rank, (alias_tokens, canonical, key) in enumerate(entries):
                node = heads.setdefault(alias_tokens[0], [[], {}, {}])
                for token in alias_tokens[1:]:
                    child = node[2].get(token)
                    if child is None:
                        child = node[2][token] = [[], {}, {}]
                        for form in dict.fromkeys((token, strip_article(token))):
                            node[1].setdefault(form, []).append(child)
                    node = child
                node[0].append((rank, canonical, key))
            self.roots[first] = list(heads.items())

    def _heads(self, token: str) -> tuple[tuple[int, list], ...]:
        """The trie nodes a written token opens, with the rank of the key that opened each."""
        opened = self.memo.get(token)
        if opened is None:
            opened = tuple((order, node) for order, first in enumerate(_lookup_keys(token))
                           for head, node in self.roots.get(first, ()) if token_matches(token, head))
            if len(self.memo) >= 1 << 16:
                self.memo.clear()
            self.memo[token] = opened
        return opened

    def find(self, tokens: Sequence[str]) -> list["AliasMatch"]:
        found: list[tuple[int, int, int, int, str, str]] = []
        n = len(tokens)
        memo = self.memo
        for i, token in enumerate(tokens):
            opened = memo.get(token)
            if opened is None:
                opened = self._heads(token)
            for order, node in opened:
                for rank, canonical, key in node[0]:
                    if key.startswith("ال") and " " not in key and key not in token_variants(token) and is_surname_alias(key, canonical):
                        continue  # "ياسر" is a first name, not the surname alias "الياسر"
                    found.append((i, -i - 1, order, rank, canonical, key))
                if node[1] and i + 1 < n:
                    self._walk_on(tokens, i, i + 1, n, node[1], order, found)
        found.sort()
        return [AliasMatch(start, -neg_end, canonical, key) for start, neg_end, _, _, canonical, key in found]

    @staticmethod
    def _walk_on(tokens: Sequence[str], start: int, end: int, n: int, index: dict, order: int, found: list) -> None:
        """Follow the children (``index``) of a node matched up to ``end``."""
        seen: list[int] = []
        for form in token_variants(tokens[end]):
            for child in index.get(form, ()):
                if id(child) not in seen:
                    seen.append(id(child))
                    for rank, canonical, key in child[0]:
                        found.append((start, -end - 1, order, rank, canonical, key))
                    if child[1] and end + 1 < n:
                        _AliasTrie._walk_on(tokens, start, end + 1, n, child[1], order, found)


@functools.lru_cache(maxsize=1 << 12)
def is_surname_alias(key: str, canonical: str) -> bool:
    """Whether a normalised one-word alias is the last word of a canonical name (``الياسر`` of ``فراس الياسر``)."""
    return canonical_key(canonical).endswith(" " + key)


@functools.cache
def _nationality_words() -> dict[str, str]:
    words = {}
    for key, stems in (cue_data().get("nationalities") or {}).items():
        for stem in stems:
            words[canonical_key(stem)] = key
    return words


@functools.cache
def _anonymous_rules() -> tuple[tuple[Mapping, frozenset[str]], ...]:
    """The anonymous-source rules of cues.yaml, each with the nationalities its canonical and words name."""
    rules = []
    for rule in cue_data()["anonymous_rules"]:
        words = tokenize_names(rule["canonical"]) + [t for w in rule["words"] for t in tokenize_names(w)]
        rules.append((rule, frozenset(n for t in words if (n := nationality(t)) is not None)))
    return tuple(rules)


@functools.cache
def anonymous_groups() -> frozenset[str]:
    """The collective actors anonymous sources go to (``anonymous_rules`` in cues.yaml)."""
    return frozenset(rule["canonical"] for rule, _ in _anonymous_rules())


@functools.lru_cache(maxsize=1 << 14)
def nationality(token: str) -> str | None:
    """The nationality a normalised token names as an adjective (``الفرنسيه`` -> ``french``), or None.

    Masculine and feminine singular, with or without the article and clitics.
    """
    words = _nationality_words()
    for form in token_variants(token):
        bare = strip_article(form)
        plural = bare[:-2] if bare.endswith(("يين", "يون")) else None  # "العراقيين" -> "عراقي"
        for candidate in (bare, bare[:-1] if bare.endswith("ه") else None, plural):
            if candidate and candidate in words:
                return words[candidate]
    return None


# Nouns of outlets and research bodies that are named by a quoted name after them.
OUTLET_NOUNS = frozenset(canonical_key(w) for w in ("صحيفة", "مجلة", "موقع", "قناة", "وكالة", "معهد", "مركز", "شبكة", "إذاعة"))
_QUOTED = re.compile(r"[«“\"]([^»”\"]{2,40})[»”\"]")


def outlet_name(written: str) -> str | None:
    """``صحيفة «إيسترن هيرالد» الدولية`` -> ``صحيفة إيسترن هيرالد``: an outlet noun and the quoted
    name after it, without the adjectives; None when ``written`` is not one."""
    words = written.split()
    if not words or strip_article(canonical_key(words[0])) not in OUTLET_NOUNS:
        return None
    quoted = _QUOTED.search(written)
    if quoted is None or written[: quoted.start()].strip() != words[0]:
        return None
    return f"{strip_article_written(words[0])} {quoted.group(1).strip()}"


def strip_article_written(word: str) -> str:
    """A written word without the article (``المجلة`` -> ``مجلة``), as written otherwise."""
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


# A foreign state's organs the table may lack (normalised, no article): its ministries,
# foreign ministry and presidency speak for its government.
_STATE_HEADS = frozenset({"وزاره", "خارجيه", "رياسه"})


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

    @property
    def is_full_name(self) -> bool:
        """Whether the match is the actor's whole name of two words or more (``حسين العامري``)."""
        return " " in self.alias and self.alias == canonical_key(self.canonical)


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
        # A canonical name belongs to its actor even when another lists it as an alias. An
        # alias listed by several actors is ambiguous: a title ("المتحدث باسم البنتاغون",
        # held by one person after another) is left out of the lookup and resolved from
        # the article (see ambiguous_owners); a shared name or place keeps the actor
        # listed first. A single generic word ("العسكري") is never an alias on its own.
        lex = load_lexicon()
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        self._names: dict[str, frozenset[str]] = {}
        self._ambiguous: dict[str, tuple[str, ...]] = {}
        self._generic: set[str] = set()
        self._ambiguous_by_first: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        owners: dict[str, list[str]] = {}
        for canonical in self._types:
            owners[canonical_key(canonical)] = [canonical]
        for canonical in self._types:
            self._names[canonical] = frozenset(canonical_key(n) for n in [canonical, *self._aliases[canonical]])
            for alias in self._aliases[canonical]:
                key = canonical_key(alias)
                if not key:
                    continue
                if " " not in key and strip_article(key) in lex.generic_words:
                    self._generic.add(strip_article(key))
                    continue
                listed = owners.setdefault(key, [])
                if canonical not in listed and not (listed and listed[0] in self._types and canonical_key(listed[0]) == key):
                    listed.append(canonical)
        # A one-word alias that is the surname of several actors' names ("الشمري" for نصر
        # الشمري and محمد الشمري) is ambiguous too: the article decides, as for titles.
        by_surname: dict[str, list[str]] = {}
        for canonical in self._types:
            parts = canonical_key(canonical).split()
            if len(parts) > 1:
                by_surname.setdefault(parts[-1], []).append(canonical)
        shared_surnames = set()
        for key, listed in owners.items():
            if " " not in key and len(by_surname.get(key, ())) > 1:
                listed.extend(c for c in by_surname[key] if c not in listed)
                shared_surnames.add(key)
        for key, listed in owners.items():
            tokens = tuple(key.split())
            if len(listed) > 1 and (_is_title(tokens[0], lex) or key in shared_surnames):
                self._ambiguous[key] = tuple(listed)
                self._ambiguous_by_first.setdefault(strip_article(tokens[0]), []).append((tokens, listed[0], key))
                continue
            self._by_first.setdefault(strip_article(tokens[0]), []).append((tokens, listed[0], key))
        self._trie = _AliasTrie(self._by_first)
        self._ambiguous_trie = _AliasTrie(self._ambiguous_by_first)
        self._nationalities: dict[str, frozenset[str]] = {}  # filled on demand by nationalities_of
        self._governments: dict[str, str] | None = None  # nationality -> its government, by _government_of
        self._surnames = frozenset(strip_article(canonical_key(c).split()[-1]) for c in self._types if " " in canonical_key(c))
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
        return self._trie.find(tokens)

    def ambiguous_matches(self, tokens: Sequence[str]) -> list[tuple[AliasMatch, tuple[str, ...]]]:
        """Occurrences of ambiguous aliases: titles listed by several actors.

        They are left out of :meth:`find_aliases`; the article decides between the
        actors (:mod:`stance.attribution` takes the one it named earlier).

        Parameters
        ----------
        tokens:
            Normalised tokens.

        Returns
        -------
        list of (AliasMatch, tuple of str)
            Each match (its ``canonical`` is the actor listed first) and every actor that
            lists the alias, in table order.
        """
        return [(m, self._ambiguous[m.alias]) for m in self._ambiguous_trie.find(tokens)]

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
        return any(strip_article(form) in self._by_first for form in token_variants(token))

    def is_generic_alias(self, token: str) -> bool:
        """Whether a token is a one-word alias too common to look up (``العسكري``).

        Such an alias names its actor only when the article has named the actor before
        (a surname after the full name); :mod:`stance.attribution` decides that.

        Parameters
        ----------
        token:
            A normalised token.

        Returns
        -------
        bool
            True if some actor lists the token (clitics allowed) as a generic alias.
        """
        return bool({strip_article(f) for f in token_variants(token)} & self._generic)

    def nationalities_of(self, canonical: str) -> frozenset[str]:
        """Nationalities of a known actor: the adjectives in its names, else its type's."""
        cache = self._nationalities
        found = cache.get(canonical)
        if found is None:
            found = frozenset(n for name in self.names_of(canonical) for t in name.split() if (n := nationality(t)) is not None)
            if not found:
                found = frozenset(cue_data().get("nationality_of_types", {}).get(self.type_of(canonical), ()))
            cache[canonical] = found
        return found

    def other_nationality(self, tokens: Sequence[str], match: AliasMatch) -> bool:
        """Whether the word after an alias is a nationality its actor does not have.

        ``رئيس البرلمان اللبناني``: "رئيس البرلمان" is an alias of the Iraqi speaker, but
        the adjective makes it the title of someone else. An actor with no known
        nationality (a coalition, the UN) never conflicts.
        """
        if match.end >= len(tokens) or not tokens[match.end].lstrip("وف").startswith(("ال", "لل")):
            return False
        after = nationality(tokens[match.end])
        if after is None:
            return False
        own = self.nationalities_of(match.canonical)
        return bool(own) and after not in own

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
        lex = load_lexicon()
        every = [m for m in self.find_aliases(tokens) if not self.other_nationality(tokens, m)]
        matches = [m for m in every if m.start == 0 or not (token_variants(tokens[m.start - 1]) & lex.dependent_heads)]
        outer = [m for m in matches if not any(o is not m and o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start) for o in matches)]
        if not outer:
            return None
        outer.sort(key=lambda m: (m.start, -m.end))
        # Follow the chain title -> name: a later match continues the speaker only when
        # the words between are ranks or themselves part of some alias; "جامعة الدول
        # العربية استهداف رئيس الوزراء" stops at the first name.
        covered = {k for m in every for k in range(m.start, m.end)}
        chain = outer[0]
        full_name = False  # the chain has matched its actor's full name ("حسين العامري")
        for m in outer[1:]:
            full_name = full_name or chain.is_full_name
            if m.start < chain.end:
                if m.end > chain.end and not (full_name and m.canonical != chain.canonical):
                    chain = m  # (a full name is not taken over by another actor overlapping its end)
                continue
            gap = range(chain.end, m.start)
            if m.alias in places():
                break
            if _ends_in_name(tokens[chain.end - 1], lex) and _is_title(tokens[m.start], lex):
                # After a name a title opens the object, not an apposition: "حثّ بلينكن
                # رئيسَ الوزراء ...", "وحمّل ... اللواء يحيى رسول قوات التحالف ...".
                break
            if tokens[chain.end] == "في" and self._is_body(chain, tokens, lex) and len(gap) <= 2:
                continue  # "لجنة الأمن والدفاع في مجلس النواب": the committee, not the parliament
            if all(k in covered or tokens[k] in lex.ranks or nationality(tokens[k]) is not None for k in gap) or (len(gap) <= 2 and tokens[chain.end] == "في"):
                chain = m
            elif len(gap) <= 3 and canonical_key(m.canonical).split()[0] in {tokens[k] for k in gap}:
                # "عضو لجنة الأمن والدفاع ياسر إسكندر وتوت": the gap holds the person's first name
                chain = m
            elif self._is_head_noun(chain, tokens, lex) and not _is_title(tokens[m.start], lex):
                # A bare head noun ("خبير", "محلل") is only the speaker's description; a
                # name later in the span says who ("الخبير الاستراتيجي العراقي كامل
                # الكناني").
                chain = m
            else:
                break
        return chain

    @staticmethod
    def _is_body(match: "AliasMatch", tokens: Sequence[str], lex: Lexicon) -> bool:
        """Whether ``match`` is a body's name of two words or more (``لجنة الأمن والدفاع``):
        a body "in" another (``... في مجلس النواب``) is still itself."""
        return match.end - match.start >= 2 and bool({strip_article(f) for f in token_variants(tokens[match.start])} & lex.body_nouns)

    @staticmethod
    def _is_head_noun(match: "AliasMatch", tokens: Sequence[str], lex: Lexicon) -> bool:
        """Whether ``match`` is a one-word alias that is only a common head noun (``خبير``)."""
        return match.end - match.start == 1 and bool({strip_article(f) for f in token_variants(tokens[match.start])} & lex.titles_or_actor_nouns)

    def resolve(self, written: str) -> tuple[str, str]:
        """Canonical actor and type for a speaker as written.

        Looks for aliases and canonical names inside ``written`` (after normalisation,
        allowing clitic prefixes; see :meth:`best_match`). An anonymous source that names
        no alias (``مسؤول دفاعي أمريكي``) goes to the collective actor of its affiliation
        (``anonymous_rules`` in ``cues.yaml``). A title alias followed by a personal name
        the table does not know (``المتحدث باسم البنتاغون جوناثان هوفمان``) names someone
        else: the speaker is the body the title names (``البنتاغون``), or else the person
        of that name (:meth:`personal_name`) with the title's type. Anything else gets a type guessed
        from its words (:func:`guess_actor_type`) and, as canonical name, the personal name
        in it (``الخبير الأمني سرمد البياتي`` -> ``سرمد البياتي``) or else its written form.

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
        ('سرمد البياتي', 'analyst')
        """
        tokens = tokenize_names(written)
        anonymous = self._anonymous(tokens)
        match = self.best_match(tokens)
        if match is not None and self.names_someone_else(tokens, match):
            return self._title_holder(written, tokens, match)
        if match is not None and match.end < len(tokens):
            named = self._named_after_title(written, tokens, match)
            if named is not None:
                return named
        if match is not None and self._other_bearer(tokens, match):
            cleaned = " ".join(written.split()).strip(" ،,:؛-–«»\"“”")
            return self.personal_name(cleaned) or cleaned, guess_actor_type(cleaned)
        if match is not None and not (anonymous and match.end - match.start < len(tokens) and match.start > 0):
            return match.canonical, self._types[match.canonical]
        if anonymous is not None:
            return anonymous, self._types[anonymous]
        if match is not None:
            return match.canonical, self._types[match.canonical]
        government = self._government_of(tokens)
        if government is not None:
            return government, self._types[government]
        cleaned = " ".join(written.split()).strip(" ،,:؛-–«»\"“”")
        return self.personal_name(cleaned) or outlet_name(written) or cleaned, guess_actor_type(cleaned)

    def _government_of(self, tokens: Sequence[str]) -> str | None:
        """A foreign ministry or presidency the table lacks speaks for its government
        (``وزارة الخارجية الفرنسية`` -> ``الحكومة الفرنسية``, as the corpus labels it):
        the government of the nationality the span names, when the table has one."""
        if not tokens or strip_article(tokens[0]) not in _STATE_HEADS:
            return None
        stated = {n for t in tokens[1:5] if (n := nationality(t)) is not None}
        if len(stated) != 1:
            return None
        if self._governments is None:
            self._governments = {}
            for canonical in self._types:
                if canonical_key(canonical).startswith("الحكومه ") and len(self.nationalities_of(canonical)) == 1:
                    self._governments.setdefault(next(iter(self.nationalities_of(canonical))), canonical)
        return self._governments.get(next(iter(stated)))

    def _named_after_title(self, written: str, tokens: Sequence[str], match: AliasMatch) -> tuple[str, str] | None:
        """The person named after a title or collective alias, when the chain of aliases broke.

        ``المحلل السياسي العراقي إبراهيم السراج`` is not the collective محللون, and
        ``مستشار رئيس الوزراء العراقي للشؤون الأمنية خالد اليعقوبي`` is not the adviser the
        table lists for the title: a personal name after the alias names the speaker. A
        known name resolves to its actor; an unknown one is the speaker with the title's
        type. Bodies and parties before a name (``النائب عن تحالف الفتح …``) are left alone.
        """
        lex = load_lexicon()
        collective = match.canonical in anonymous_groups()
        if not (collective or (_is_title(tokens[match.start], lex) and match.start == 0)):
            return None
        cleaned = " ".join(written.split()).strip(" ،,:؛-–«»\"“”")
        name = self.personal_name(cleaned)
        if name is None:
            return None
        name_tokens = tokenize_names(name)
        position = next((k for k in range(match.end, len(tokens) - len(name_tokens) + 1)
                         if list(tokens[k:k + len(name_tokens)]) == name_tokens), None)
        if position is None:
            return None
        between = tokens[match.end:position]
        if not all(t in lex.ranks or _is_title(t, lex) or nationality(t) is not None or t.startswith(("ال", "لل")) for t in between):
            return None  # only titles, ranks and qualifiers between the alias and the name
        known = self.best_match(name_tokens)
        if known is not None:
            if known.start == 0 and known.end == len(name_tokens):
                return known.canonical, self._types[known.canonical]
            return None
        actor_type = self._types[match.canonical] if not collective or self._types[match.canonical] != "other" else guess_actor_type(cleaned)
        return name, actor_type

    def is_surname(self, norm: str) -> bool:
        """Whether a word is the last word of some known person's canonical name."""
        return strip_article(norm) in self._surnames

    def _other_bearer(self, tokens: Sequence[str], match: AliasMatch) -> bool:
        """A known surname after a first name its actor does not have: "النائب فالح الخزعلي"
        is not قيس الخزعلي. Only when the span ends with the surname."""
        lex = load_lexicon()
        if match.end - match.start != 1 or match.start < 2 or match.end != len(tokens):
            return False
        if not (_is_title(tokens[0], lex) or tokens[0] in lex.ranks):
            return False  # "النائب فالح الخزعلي"; not "وسارع المالكي"
        surname = strip_article(tokens[match.start])
        names = self.names_of(match.canonical)
        if not any(strip_article(name.split()[-1]) == surname for name in names if " " in name):
            return False
        own_words = {w for name in names for w in name.split()}
        if any(t in own_words for t in tokens[1 : match.start]):
            return False  # "الجنرال مايكل إريك كوريلا": a middle name the table lacks
        first = tokens[match.start - 1]
        return self._name_word(first, first, lex, False, "")

    def names_someone_else(self, tokens: Sequence[str], match: AliasMatch) -> bool:
        """Whether ``match`` is a title alias followed by a personal name the table lacks.

        ``المتحدث باسم البنتاغون جوناثان هوفمان``: the title is an alias of another
        holder, and the name after it says who speaks.

        Parameters
        ----------
        tokens:
            Normalised tokens of the speaker span.
        match:
            An alias match in ``tokens``.

        Returns
        -------
        bool
            True if the match starts with a title word and, after any ranks, the next
            token looks like a personal name (no article, no lexicon word, no alias).
        """
        lex = load_lexicon()
        # Only a definite title names one holder; "مسؤول أمريكي رفيع" stays anonymous.
        if not _is_title(tokens[match.start], lex) or not _definite(tokens, match.start):
            return False
        k = match.end
        while k < len(tokens) and tokens[k] in lex.ranks:
            k += 1
        # A first name shared with a known actor ("أنطونيو" of أنطونيو تاياني) is still
        # unknown unless a whole alias matches there.
        if k >= len(tokens) or not self._is_unknown_name(tokens[k], lex, alias_start_known=False):
            return False
        if any(m.start <= 2 for m in self.find_aliases(tokens[k : k + 3 + self._trie.longest])):
            return False  # the name goes on to a known one: "لويد ج. أوستن"
        # A known first name with nothing after it but an initial ("لويد ج") is that actor.
        return not (self.starts_alias(tokens[k]) and all(len(t) <= 2 for t in tokens[k + 1 :]))

    def has_unknown_name(self, tokens: Sequence[str]) -> bool:
        """Whether a span that opens with a title goes on to a personal name the table lacks.

        Parameters
        ----------
        tokens:
            Normalised tokens of the speaker span.

        Returns
        -------
        bool
            True if the first token is a title word and a later one looks like a
            personal name (see :meth:`names_someone_else`).
        """
        lex = load_lexicon()
        if len(tokens) < 2 or not _is_title(tokens[0], lex) or not _definite(tokens, 0) or not self._is_unknown_name(tokens[-1], lex):
            return False
        # The span ends with the name: "الرئيس الأمريكي السابق دونالد ترمب".
        k = len(tokens) - 1
        while k > 1 and self._is_unknown_name(tokens[k - 1], lex):
            k -= 1
        return tokens[k - 1].startswith("ال") or bool(token_variants(tokens[k - 1]) & lex.titles_or_ranks)

    def _is_unknown_name(self, token: str, lex: Lexicon, alias_start_known: bool = True) -> bool:
        forms = token_variants(token)
        return (
            len(token) >= 3
            and token.isalpha()
            and not token.startswith(("ال", "وال", "لل", "بال", "با", "بت", "بإ"))
            and not token.endswith(("ها", "هم", "هما"))
            and not forms & lex.not_names
            and not (alias_start_known and self.starts_alias(token))
            and guess_actor_type(token) == "other"
        )

    def _title_holder(self, written: str, tokens: Sequence[str], title: AliasMatch) -> tuple[str, str]:
        """The speaker of "title + unknown name": the body named in the title, else as written."""
        lex = load_lexicon()
        inside = [m for m in self.find_aliases(tokens[title.start : title.end]) if m.end - m.start < title.end - title.start and not _is_title(m.alias.split()[0], lex)]
        if inside:
            body = max(inside, key=lambda m: (m.end, m.end - m.start))
            return body.canonical, self._types[body.canonical]
        cleaned = " ".join(written.split()).strip(" ،,:؛-–«»\"“”")
        return self.personal_name(cleaned) or cleaned, self._types[title.canonical]

    def personal_name(self, written: str) -> str | None:
        """The personal name in an unknown speaker's span, as written, or None.

        The canonical name of a person the table lacks is the name, not the title around
        it (GUIDELINES: canonical names are names): ``الرئيس الإيراني مسعود بزشكيان`` ->
        ``مسعود بزشكيان``, ``النائب يوسف الكلابي`` -> ``يوسف الكلابي``, ``انتفاض قنبر، رئيس
        لجنة ...`` -> ``انتفاض قنبر``. A name is two to five words at the end of the span
        (or before an apposition comma) that are no lexicon word, alias, place or
        nationality; a word with the article only as the surname (or after عبد/أبو).

        Parameters
        ----------
        written:
            The speaker span as written.

        Returns
        -------
        str or None
            The name, or None when the span ends in no personal name after a title.
        """
        lex = load_lexicon()
        words = [w.strip(" ،,:؛-–«»\"“”()") for w in written.split()]
        quoted = [w != w.strip("«»\"“”") for w in written.split()]
        if not words or any(not w for w in words):
            return None
        norms = [tokenize_names(w) for w in words]
        if any(len(n) != 1 for n in norms):
            return None
        norms = [n[0] for n in norms]
        if token_variants(norms[0]) & lex.anonymous_heads and not norms[0].startswith("ال"):
            return None  # "مسؤولان في فصائل مسلحة مدعومة": an anonymous source
        head = written.split("،")[0].split(",")[0]
        n_head = len(head.split())
        if n_head < len(words) and 2 <= n_head <= 4 and all(self._name_word(words[k], norms[k], lex, k == n_head - 1, norms[k - 1] if k else "") for k in range(n_head)) \
                and not norms[0].startswith("ال") and not any(quoted[:n_head]):
            return " ".join(words[:n_head])  # "فنسنت كامبوس، المسؤول السابق ..."
        found = self._name_at_end(words, norms, quoted, lex)
        if found is None and n_head < len(words):
            # "المحلل السياسي إحسان الشمري، رئيس مركز ...": the name before the apposition
            found = self._name_at_end(words[:n_head], norms[:n_head], quoted[:n_head], lex)
        return found

    def _name_at_end(self, words: list[str], norms: list[str], quoted: list[bool], lex: Lexicon) -> str | None:
        """Two to five name words ending ``words``, after a title, rank or definite word."""
        k = len(words)
        while k > 0 and len(words) - k < 5:
            j = k - 1
            if quoted[j] or not self._name_word(words[j], norms[j], lex, j == len(words) - 1, norms[j - 1] if j else ""):
                break
            k = j
        while k < len(words) and norms[k].startswith("ال"):
            k += 1
        last = strip_diacritics(words[-1])
        if k == 0 or len(words) - k < 2 or last.endswith("ة") or (last.endswith("ه") and not last.endswith("الله")):
            return None  # a name ends in a surname, not an adjective in ة or a noun with ـه
        before = norms[:k]
        if not any(_is_title(t, lex) or t in lex.ranks or t.lstrip("وف").startswith("ال") for t in before):
            return None
        previous = strip_diacritics(words[k - 1])
        if previous in _PLACE_PREPOSITIONS and len(words) - k >= 3:
            k += 1  # "المحلل في دبي نورمان ريكلفس": the word after في is the place
        elif previous in _NOT_NAME_WORDS:
            return None  # "المصدر الذي فضّل عدم الكشف": a clause, not a name
        return " ".join(words[k:])

    def is_name_word(self, raw: str) -> bool:
        """Whether a written word can open or continue a personal name (no article, no lexicon word)."""
        norm = tokenize_names(raw)
        return len(norm) == 1 and not norm[0].startswith("ال") and self._name_word(raw, norm[0], load_lexicon(), False, "")

    def _name_word(self, raw: str, norm: str, lex: Lexicon, last: bool, previous: str) -> bool:
        """Whether a word can be part of a personal name (see :meth:`personal_name`)."""
        bare_raw = strip_diacritics(raw)
        if bare_raw in _NOT_NAME_WORDS:
            return False
        if bare_raw == "علي":
            return True  # folded, "علي" (a name) and "على" (a preposition) are one key
        if norm in _NAME_PARTICLES:
            return not last
        if norm.startswith("ال"):
            bare = norm[2:]
            if previous in _NAME_OPENERS:
                return len(bare) >= 2 and nationality(norm) is None  # "عبد الله", "عبد الأمير"
            if not last or len(bare) < 3 or nationality(norm) is not None:
                return False
            return not (token_variants(norm) & lex.not_names or token_variants(bare) & lex.not_names
                        or (self.starts_alias(norm) and not self.is_surname(norm)) or guess_actor_type(norm) != "other")
        return (len(norm) >= 3 and norm.isalpha() and not norm.endswith(("ها", "هم", "هما"))
                and norm not in lex.verbs and norm not in lex.participles  # "وجدّد شابيرو": a cue verb
                and not token_variants(norm) & lex.not_names and nationality(norm) is None and guess_actor_type(norm) == "other")

    def _anonymous(self, tokens: Sequence[str]) -> str | None:
        lexicon = cue_data()
        heads = load_lexicon().anonymous_heads
        # Anonymous sources are indefinite ("مسؤول أمني"); "المسؤول الأمني في الكتائب"
        # is a title.
        if not tokens or not (token_variants(tokens[0]) & heads):
            return None
        if tokens[0].lstrip("وف").startswith(("ال", "لل")) and not (len(tokens) >= 2 and strip_article(tokens[0].lstrip("وف")) in _PLURAL_SOURCES):
            return None  # "المسؤول الأمني في الكتائب" is a title; "المسؤولين الأمريكيين" a group
        stated = next((n for t in tokens[1:] if (n := nationality(t)) is not None), None)
        for rule, own in _anonymous_rules():
            canonical = rule["canonical"]
            if stated is not None and own and stated not in own:
                continue  # "مصدر عسكري ألماني" is not an Iraqi military source
            if canonical in self._types and any(_contains_phrase(tokens, canonical_key(w)) for w in rule["words"]):
                return canonical
        return None
