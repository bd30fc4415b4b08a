"""Find attributed statements (who said what) in Arabic news text.

A statement is a sentence, or a run of sentences joined by a quotation that spans them
(labels/README.md, "The statement span"), holding an attribution cue and a speaker.
Cues and word lists live in ``stance/data/cues.yaml``; speakers are resolved to canonical
actors with :class:`stance.actors.ActorIndex`.

The speaker of a cue is looked for, in order:

1. after a relaying verb and ``عن`` (``نقلت وكالة ... عن مصدر أمني``, ``نقلاً عن``);
2. after a speech verb (``وقال وزير الدفاع ...``, also after a quotation:
   ``«...»، قال المتحدث``), or before it when the clause opens with the speaker
   (``أما كتائب حزب الله فاعتبرت``);
3. after a source word (``بحسب``, ``وفقاً لـ``);
4. after ``جاء في`` (a document speaks for its author);
5. before a participle (``..., موضحاً``);
6. the previous statement's actor, for a clause-initial verb with no speaker
   (``وأضاف:``) or a document or pronoun speaker (``وأضاف البيان``, ``هؤلاء``).

A speaker that is only a title (``وتابع الوزير``, ``الرئيس الأمريكي``) resolves to the
actor of an earlier statement whose names share the most words with it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Sequence

from stance.actors import ActorIndex, _lexicon, _places, _strip_article, _variants, canonical_key, tokenize_names
from stance.text import body_lines, normalize_arabic, split_sentences

__all__ = ["Statement", "find_statements", "statement_units", "Lexicon", "load_lexicon"]

Span = tuple[int, int]

# Word tokens and the punctuation that matters for speaker spans.
_TOKEN = re.compile(r"[^\W_][\w\u0610-\u061A\u064B-\u065F\u0670]*(?:-[^\W_]+)*|[«»“”\"():،,؛;.!?؟]")
_PUNCT = frozenset("«»“”\"():،,؛;.!?؟")
_OPEN_QUOTES = frozenset("«“\"")
_MAX_SPEAKER_TOKENS = 14


@dataclass(frozen=True)
class Statement:
    """One attributed statement.

    Attributes
    ----------
    start, end:
        Character offsets into the article text; ``text[start:end] == sentence``.
    sentence:
        The statement span (a sentence, or the sentences a quotation runs over).
    actor:
        The speaker as written (for a pronoun continuation, the previous statement's).
    actor_canonical:
        Canonical actor name (the written form for an actor missing from the table).
    actor_type:
        Actor type (see :data:`stance.actors.ACTOR_TYPES`).
    cue:
        The attribution cue as written (a verb, ``بحسب``, ``نقلاً``, ...).
    """

    start: int
    end: int
    sentence: str
    actor: str
    actor_canonical: str
    actor_type: str
    cue: str


@dataclass(frozen=True)
class Lexicon:
    """Normalised word sets from ``cues.yaml`` (see the comments there)."""

    verbs: frozenset[str]
    participles: frozenset[str]
    source_words: frozenset[str]
    relay_verbs: frozenset[str]
    document_intro: frozenset[str]
    subject_stops: frozenset[str]
    media_words: frozenset[str]
    addressee_prefixes: tuple[str, ...]
    connectors: frozenset[str]
    continuation_words: frozenset[str]
    document_words: frozenset[str]
    title_words: frozenset[str]
    actor_nouns: frozenset[str]


def _norm_set(words: Sequence[str]) -> frozenset[str]:
    return frozenset(canonical_key(w) for w in words)


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
    raw = _lexicon()
    verbs: set[str] = set()
    for stem in raw["speech_verbs"]:
        verbs |= _verb_forms(canonical_key(stem))
    for verb in raw["present_verbs"]:
        verbs |= {canonical_key(verb), "و" + canonical_key(verb)}
    participles: set[str] = set()
    for word in raw["participles"]:
        word = canonical_key(word)
        participles |= {word, word[:-1], word[:-1] + "ه"}
    return Lexicon(
        verbs=frozenset(verbs),
        participles=frozenset(participles),
        source_words=_norm_set(raw["source_words"]),
        relay_verbs=_norm_set(raw["relay_verbs"]),
        document_intro=_norm_set(raw["document_intro"]),
        subject_stops=_norm_set(raw["subject_stops"]),
        media_words=_norm_set(raw["media_words"]),
        addressee_prefixes=tuple(canonical_key(w) for w in raw["addressee_prefixes"]),
        connectors=_norm_set(raw["connectors"]),
        continuation_words=_norm_set(raw["continuation_words"]),
        document_words=frozenset(_strip_article(canonical_key(w)) for w in raw["document_words"]),
        title_words=frozenset(_strip_article(canonical_key(w)) for w in raw["title_words"]),
        actor_nouns=frozenset(_strip_article(canonical_key(w)) for w in raw["actor_nouns"]),
    )


# -- statement units --------------------------------------------------------------------


def _quote_open_after(text: str, start: int, end: int, state: list[int]) -> bool:
    """Advance the quotation state over ``text[start:end]``; True if a quote is open.

    ``state`` is ``[guillemets, curly, straight]``: open «» depth, an open curly quote
    (” both closes and, with none open, opens: scrapes mix the two), and the parity of
    straight quotes.
    """
    for char in text[start:end]:
        if char == "«":
            state[0] += 1
        elif char == "»":
            state[0] = max(0, state[0] - 1)
        elif char == "“":
            state[1] = 1
        elif char == "”":
            state[1] = 1 - state[1]
        elif char == '"':
            state[2] = 1 - state[2]
    return any(state)


def statement_units(text: str) -> list[Span]:
    """Body sentences of ``text``, with sentences a quotation runs over joined into one.

    A quotation opened in a sentence and closed in a later one of the same paragraph
    makes one unit running to the end of the sentence where it closes; a quotation never
    closed runs to the end of its paragraph.

    Parameters
    ----------
    text:
        The article text.

    Returns
    -------
    list of (int, int)
        Offsets of the units, in order.
    """
    units: list[Span] = []
    sentences = split_sentences(text, body_only=True)
    lines = body_lines(text)
    line_of = {}
    j = 0
    for s, e in sentences:
        while lines[j][1] < e:
            j += 1
        line_of[(s, e)] = j
    i = 0
    while i < len(sentences):
        start, end = sentences[i]
        state = [0, 0, 0]
        open_quote = _quote_open_after(text, start, end, state)
        while open_quote and i + 1 < len(sentences) and line_of[sentences[i + 1]] == line_of[sentences[i]]:
            i += 1
            open_quote = _quote_open_after(text, end, sentences[i][1], state)
            end = sentences[i][1]
        units.append((start, end))
        i += 1
    return units


# -- speakers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    norm: str
    raw: str

    @property
    def is_punct(self) -> bool:
        return self.norm in _PUNCT


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    return [_Token(m.start(), m.end(), normalize_arabic(m.group()), m.group()) for m in _TOKEN.finditer(text, start, end)]


@dataclass(frozen=True)
class _Speaker:
    start: int  # token positions [start, end) of the speaker span, or -1 for "previous"
    end: int
    cue: int
    kind: str


def _is_stop(tok: _Token, nxt: _Token | None, lex: Lexicon) -> bool:
    norm = tok.norm
    if norm == "علي" and tok.raw.endswith("ي"):
        return False  # the name علي, not the preposition على
    if tok.is_punct and norm not in "،,«“\"":
        return True
    if norm in lex.subject_stops or norm in lex.verbs or norm in lex.participles:
        return True
    if norm in ("في", "وفي") and nxt is not None and (nxt.norm in lex.media_words or _strip_article(nxt.norm) in lex.media_words):
        return True
    if norm == "ل" or (norm.startswith("ل") and nxt is not None and nxt.norm in "«“\""):
        return True  # لـ«الشرق الأوسط»: the addressee
    if norm.startswith(lex.addressee_prefixes) and not norm.startswith(("لجن", "لواء")):
        return norm not in lex.actor_nouns and not _is_actor_word(norm, lex)
    return False


def _is_actor_word(norm: str, lex: Lexicon) -> bool:
    return bool(_variants(norm) & (lex.actor_nouns | lex.title_words))


def _span_after(toks: Sequence[_Token], i: int, lex: Lexicon, *, stop_at_comma: bool = False, actors: ActorIndex | None = None) -> tuple[int, int]:
    """Token span of a speaker starting at ``i``: up to a stop word or the limit."""

    def actors_start(norm: str) -> bool:
        return actors is not None and actors.starts_alias(norm)

    j = i
    while j < len(toks) and j - i < _MAX_SPEAKER_TOKENS:
        tok = toks[j]
        nxt = toks[j + 1] if j + 1 < len(toks) else None
        if tok.norm in "،,":
            # Go on past a comma only into an apposition: "حسين علاوي، مستشار ...".
            if stop_at_comma or nxt is None or not (_is_actor_word(nxt.norm, lex) or actors_start(nxt.norm)):
                break
        if tok.norm in "«“\"":
            # A short quoted name inside a speaker span (حركة «النجباء») is part of it.
            close = next((k for k in range(j + 1, min(j + 6, len(toks))) if toks[k].norm in "»”\""), None)
            if close is None or j == i:
                break
            j = close + 1
            continue
        if _is_stop(tok, nxt, lex):
            break
        j += 1
    while j > i and toks[j - 1].is_punct:
        j -= 1
    return i, j


def _mentions_actor(toks: Sequence[_Token], span: tuple[int, int], actors: ActorIndex, lex: Lexicon) -> bool:
    start, end = span
    if start >= end:
        return False
    words = [t.norm for t in toks[start:end] if not t.is_punct]
    if not words:
        return False
    if _is_actor_word(words[0], lex) or words[0] in lex.continuation_words or _strip_article(words[0]) in lex.document_words:
        return True
    return bool(actors.find_aliases(words))


def _skip_connectors(toks: Sequence[_Token], start: int, end: int, lex: Lexicon) -> int:
    i = start
    while i < end and (toks[i].is_punct or toks[i].norm in lex.connectors or toks[i].norm in ("ما", "هكذا")):
        i += 1
    return i


def _find_speaker(toks: Sequence[_Token], actors: ActorIndex, lex: Lexicon) -> _Speaker | None:
    norms = [t.norm for t in toks]
    # 1. relaying: نقلت ... عن X / نقلاً عن X
    for i, norm in enumerate(norms):
        if norm in lex.relay_verbs:
            for k in range(i + 1, min(i + 9, len(toks))):
                if norms[k] == "عن":
                    span = _span_after(toks, k + 1, lex, stop_at_comma=True)
                    if _mentions_actor(toks, span, actors, lex):
                        return _Speaker(*span, cue=i, kind="relay")
                    break
    # 2. speech verbs, speaker after or (clause-initial) before the verb
    verb_positions = [i for i, n in enumerate(norms) if n in lex.verbs]
    for i in verb_positions:
        first = _skip_connectors(toks, 0, i, lex)
        if first < i and i - first <= _MAX_SPEAKER_TOKENS:
            pre = _span_after(toks, first, lex, actors=actors)
            pre = (pre[0], min(pre[1], i))
            # The speaker must run up to the verb ("وكان الوزير قد قال"), and not be a
            # place after في ("وفي واشنطن، قال ...").
            between_ok = all(norms[k] in ("قد", "وقد", "فقد") for k in range(pre[1], i))
            between_ok = between_ok and not (first > 0 and norms[first - 1] in ("في", "وفي"))
            if pre[1] > pre[0] and between_ok and _mentions_actor(toks, pre, actors, lex):
                return _Speaker(*pre, cue=i, kind="verb")
        span = _span_after(toks, i + 1, lex, actors=actors)
        if _mentions_actor(toks, span, actors, lex):
            return _Speaker(*span, cue=i, kind="verb")
        # "وأضاف حسين أن": a short unknown name between a clause-initial verb and إن/أن/:
        if first == i and 0 < span[1] - span[0] <= 3 and span[1] < len(toks) and (norms[span[1]] in lex.subject_stops or norms[span[1]] == ":") and not any(n in lex.subject_stops or n in lex.media_words for n in norms[span[0]:span[1]]):
            return _Speaker(*span, cue=i, kind="verb")
    # 3. source words: بحسب X، / وفقاً لـ X
    for i, norm in enumerate(norms):
        if norm in lex.source_words:
            k = i + 1
            if k < len(norms) and norms[k] in ("ل", "لما", "ما"):
                k += 1
                if k < len(norms) and norms[k] in lex.verbs:
                    k += 1
            if k < len(toks) and norms[k].startswith("ل") and norms[k] not in ("لجنه",) and len(norms[k]) > 3:
                # وفقاً لمديرة مكتب ... : the speaker token carries the preposition
                span = _span_after(toks, k, lex, stop_at_comma=True)
            else:
                span = _span_after(toks, k, lex, stop_at_comma=True)
            if _mentions_actor(toks, span, actors, lex):
                return _Speaker(*span, cue=i, kind="source")
    # 4. جاء في X
    for i, norm in enumerate(norms):
        if norm in lex.document_intro and i + 1 < len(norms) and norms[i + 1] == "في":
            span = _span_after(toks, i + 2, lex, stop_at_comma=True)
            if span[1] > span[0]:
                return _Speaker(*span, cue=i, kind="document")
    # 5. participles: the clause opens with the speaker
    for i, norm in enumerate(norms):
        if norm in lex.participles:
            first = _skip_connectors(toks, 0, i, lex)
            pre = _span_after(toks, first, lex, actors=actors)
            pre = (pre[0], min(pre[1], i))
            if _mentions_actor(toks, pre, actors, lex):
                return _Speaker(*pre, cue=i, kind="participle")
    # 6. clause-initial verb without a speaker: the previous statement's actor
    for i in verb_positions:
        if _skip_connectors(toks, 0, i, lex) == i:
            return _Speaker(-1, -1, cue=i, kind="continuation")
    return None


# -- resolution -------------------------------------------------------------------------


def _name_tokens(names: frozenset[str] | set[str]) -> set[str]:
    return {_strip_article(t) for name in names for t in name.split()}


@dataclass(frozen=True)
class _Mention:
    start: int  # character offset
    canonical: str
    actor_type: str
    names: frozenset[str]  # article-stripped name tokens, with the title words before it
    proper: bool  # found by a name, not by a title alias


def _mentions(text: str, actors: ActorIndex) -> list[_Mention]:
    """Every alias occurrence in the body of ``text``, with the words before it."""
    lex = load_lexicon()
    places = _places()
    toks = [t for s, e in body_lines(text) for t in _tokens(text, s, e) if not t.is_punct]
    norms = [t.norm for t in toks]
    found = []
    for m in actors.find_aliases(norms):
        proper = not (_variants(norms[m.start]) & lex.title_words) and m.alias not in places
        context = norms[max(0, m.start - 4) : m.end] if proper else norms[m.start : m.end]
        names = _name_tokens(actors.names_of(m.canonical)) | {_strip_article(t) for t in context}
        found.append(_Mention(toks[m.start].start, m.canonical, actors.type_of(m.canonical), frozenset(names), proper))
    return found


def _resolve(
    written: str,
    where: int,
    actors: ActorIndex,
    lex: Lexicon,
    history: list[Statement],
    mentions: list[_Mention],
) -> tuple[str, str]:
    tokens = tokenize_names(written)
    if not tokens:
        return written, "other"
    head = _strip_article(tokens[0])
    bare = {_strip_article(t) for t in tokens}
    if history and (tokens[0] in lex.continuation_words or (head in lex.document_words and len(tokens) <= 3 and not actors.find_aliases(tokens))):
        return history[-1].actor_canonical, history[-1].actor_type
    canonical, actor_type = actors.resolve(written)
    match = actors.best_match(tokens)
    is_title = bool(_variants(tokens[0]) & lex.title_words) or head in lex.title_words
    # A name (not a title) found at the start or after a rank names the speaker; one
    # right after a title is its complement ("الأمين العام للنجباء").
    proper = (
        match is not None
        and not (_variants(tokens[match.start]) & lex.title_words)
        and not (match.start > 0 and (_variants(tokens[match.start - 1]) & lex.title_words or tokens[match.start].startswith("ل")))
    )
    if proper or not (is_title or match is None):
        return canonical, actor_type
    if match is None and canonical in actors and len(tokens) >= 2:
        return canonical, actor_type  # an anonymous source with its affiliation
    if not is_title and (len(tokens) > 2 or canonical in actors):
        return canonical, actor_type
    # Earlier actors of the article, most recent first: statements and alias mentions.
    positioned: list[tuple[int, str, str, set[str]]] = []
    for statement in history:
        names = _name_tokens(actors.names_of(statement.actor_canonical) | {canonical_key(statement.actor_canonical), canonical_key(statement.actor)})
        positioned.append((statement.start, statement.actor_canonical, statement.actor_type, names))
    n_statements = len(positioned)
    if match is not None and (any(p[1] == canonical for p in positioned) or any(m.proper and m.canonical == canonical for m in mentions if m.start < where)):
        return canonical, actor_type
    positioned += [(m.start, m.canonical, m.actor_type, set(m.names)) for m in mentions if m.start < where]
    if not positioned:
        return canonical, actor_type
    if is_title:
        # A title alone ("وتابع الوزير", "الرئيس الأمريكي") refers back to the earlier
        # actor sharing the most words with it, the title word required.
        def score(names: set[str]) -> int:
            return len(bare & names) if head in names else 0
    else:
        # A surname alone ("وأضاف حسين") refers back to an actor bearing it.
        def score(names: set[str]) -> int:
            return len(bare & names)

    own = score(_name_tokens(actors.names_of(canonical))) if match is not None else 0
    # Best score wins; then an earlier statement over a mere mention; then the latest.
    ranked = max(
        ((score(p[3]), k < n_statements, p[0], p) for k, p in enumerate(positioned)),
        key=lambda r: r[:3],
    )
    if ranked[0] >= max(1, own):
        return ranked[3][1], ranked[3][2]
    return canonical, actor_type


def find_statements(text: str, actors: ActorIndex) -> list[Statement]:
    """Find every attributed statement in an article.

    Parameters
    ----------
    text:
        The article text (raw scrapes are fine: boilerplate lines are skipped).
    actors:
        The actor table used to resolve speakers.

    Returns
    -------
    list of Statement
        Statements in text order, offsets into ``text``.

    Examples
    --------
    >>> index = ActorIndex([{"canonical": "فؤاد حسين", "type": "iraqi_government",
    ...                      "aliases": ["وزير الخارجية العراقي"]}])
    >>> text = "وقال وزير الخارجية العراقي إن الحوار مستمر. وأضاف: «لا نريد قوات قتالية»."
    >>> [(s.actor_canonical, s.cue) for s in find_statements(text, index)]
    [('فؤاد حسين', 'وقال'), ('فؤاد حسين', 'وأضاف')]
    """
    lex = load_lexicon()
    statements: list[Statement] = []
    mentions: list[_Mention] | None = None
    for start, end in statement_units(text):
        toks = _tokens(text, start, end)
        speaker = _find_speaker(toks, actors, lex)
        if speaker is None:
            continue
        cue = text[toks[speaker.cue].start : toks[speaker.cue].end]
        if speaker.start < 0:
            if not statements:
                continue
            last = statements[-1]
            written, canonical, actor_type = last.actor, last.actor_canonical, last.actor_type
        else:
            written = text[toks[speaker.start].start : toks[speaker.end - 1].end]
            if mentions is None:
                mentions = _mentions(text, actors)
            where = toks[speaker.start].start
            canonical, actor_type = _resolve(written, where, actors, lex, statements, mentions)
        statements.append(Statement(start, end, text[start:end], written, canonical, actor_type, cue))
    return statements
