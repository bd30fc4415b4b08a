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

import bisect
import re
from dataclasses import dataclass, field
from typing import NamedTuple, Sequence

from stance.actors import OUTLET_NOUNS, ActorIndex, AliasMatch, anonymous_groups, guess_actor_type, is_surname_alias, nationality
from stance.lexicon import Lexicon, canonical_key, load_lexicon, places, strip_article, token_variants, tokenize_names
from stance.text import body_lines, match_key, split_sentences, strip_diacritics

__all__ = ["Statement", "find_statements", "statement_units"]

Span = tuple[int, int]

# Word tokens and the punctuation that matters for speaker spans.
_TOKEN = re.compile(r"[^\W_][\w\u0610-\u061A\u064B-\u065F\u0670]*(?:-[^\W_]+)*|[«»“”\"():،,؛;.!?؟]")
_PUNCT = frozenset("«»“”\"():،,؛;.!?؟")
_OPEN_QUOTES = frozenset("«“\"")
_CLOSE_QUOTES = frozenset("»”\"")
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


# -- statement units --------------------------------------------------------------------


_QUOTE_CHARS = re.compile('[«»“”"]')


def _quote_open_after(text: str, start: int, end: int, state: list[int]) -> bool:
    """Advance the quotation state over ``text[start:end]``; True if a quote is open.

    ``state`` is ``[guillemets, curly, straight]``: open «» depth, an open curly quote
    (” both closes and, with none open, opens: scrapes mix the two), and the parity of
    straight quotes.
    """
    for found in _QUOTE_CHARS.finditer(text, start, end):
        char = found.group()
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


class _Token(NamedTuple):
    start: int
    end: int
    norm: str
    raw: str

    @property
    def is_punct(self) -> bool:
        return self.norm in _PUNCT


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    return [_token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, end)]


# Written token -> its match_key; words recur across sentences and articles.
_NORMS: dict[str, str] = {}


def _token(start: int, end: int, raw: str) -> _Token:
    norm = _NORMS.get(raw)
    if norm is None:
        if len(_NORMS) >= 1 << 17:
            _NORMS.clear()
        norm = _NORMS[raw] = match_key(raw)
    return _Token(start, end, norm, raw)


class _TokenIndex:
    """The tokens of a whole text, tokenised once, and the tokens of any span of it.

    Sentences and body lines end at a line break or punctuation, never inside a token, so
    slicing the text's tokens gives what tokenising the span alone would.
    """

    def __init__(self, text: str):
        self.tokens = _tokens(text, 0, len(text))
        self.starts = [t.start for t in self.tokens]

    def span(self, start: int, end: int) -> list[_Token]:
        i = bisect.bisect_left(self.starts, start)
        j = bisect.bisect_left(self.starts, end, i)
        while j > i and self.tokens[j - 1].end > end:
            j -= 1
        return self.tokens[i:j]


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
    if norm in ("في", "وفي") and nxt is not None and (nxt.norm in lex.media_words or strip_article(nxt.norm) in lex.media_words
                                                   or nxt.norm in ("احد", "احدي")):
        return True  # "قال الوزير في بيان", "أعلنت الفصائل في أحد بياناتها"
    if norm == "ل" or (norm.startswith("ل") and nxt is not None and nxt.norm in "«“\""):
        return True  # لـ«الشرق الأوسط»: the addressee
    if norm in lex.addressee_prefixes:
        return True  # "كشف لوكالة شفق نيوز": the addressee, never the speaker
    if norm.startswith(lex.addressee_prefixes) and not norm.startswith(("لجن", "لواء")):
        return norm not in lex.actor_nouns and not _is_actor_word(norm, lex)
    if _is_verbal_complement(norm, lex, tok.raw):
        return True  # "وتوعدت الكتائب بتحويل ...", "واتهم ... بالتجسس": the verb's complement
    return False


def _without_lam(word: str) -> str:
    """A word without its preposition لـ, the article restored (``للوزارة`` -> ``الوزارة``, ``لمكتبه`` -> ``مكتبه``)."""
    return "ال" + word[2:] if word.startswith("لل") else word[1:]


def _is_verbal_complement(norm: str, lex: Lexicon, raw: str = "") -> bool:
    """A بـ + verbal noun: it follows the speaker, never in it.

    Verbal nouns of the forms تفعيل/تفاعل (``بتحويل``), مفاعلة (``بمواصلة``,
    ``بمحاسبة``) and, when the written form shows the hamza, إفعال (``بإخراج``,
    ``بإطلاق``; folded it is ``باخراج``, which a name like ``بارزاني`` also fits), or any
    definite noun (``بالتجسس``).
    """
    if len(norm) < 5 or norm[0] != "ب" or _is_actor_word(norm, lex):
        return False
    if norm[1] == "ت" or norm[1:3] == "ال":
        return True
    if len(norm) < 6:
        return False
    return (norm[1] == "م" and norm[3] == "ا") or (raw.startswith("بإ") and norm[4] == "ا")


def _bare_variants(norm: str) -> set[str]:
    """The forms a written token may stand for, without the article (``البعثة`` -> ``بعثه``)."""
    return {strip_article(f) for f in token_variants(norm)}


def _is_actor_word(norm: str, lex: Lexicon) -> bool:
    return bool(token_variants(norm) & lex.titles_or_actor_nouns)


def _span_after(toks: Sequence[_Token], i: int, lex: Lexicon, *, stop_at_comma: bool = False, actors: ActorIndex | None = None,
                before_verb: bool = False) -> tuple[int, int]:
    """Token span of a speaker starting at ``i``: up to a stop word or the limit.

    ``before_verb``: the span is a subject before its verb, where no object can follow it.
    """

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
            # A short quoted name inside a speaker span (حركة «النجباء») is part of it;
            # one opening the span only if it opens an alias ("وتبنّت «المقاومة
            # الإسلامية في العراق»"), else it is the quotation itself.
            close = next((k for k in range(j + 1, min(j + 6, len(toks))) if toks[k].norm in _CLOSE_QUOTES), None)
            # A quoted accusative ("رفضاً قاطعاً") is the verb's object, never a name.
            accusative = close is not None and any(t.raw.endswith(("ً", "اً")) for t in toks[j + 1 : close])
            named = j > i and (_is_actor_word(toks[j - 1].norm, lex) or strip_article(toks[j - 1].norm) in OUTLET_NOUNS)  # مجلة «فوربس»
            if close is None or accusative or not (j + 1 < close and (actors_start(toks[j + 1].norm) or named)):
                break
            j = close + 1
            continue
        if tok.norm in _CALLS_ITSELF and j > i and j + 2 < len(toks) and toks[j + 1].norm == "علي" and toks[j + 2].norm.startswith("نفس"):
            # "جماعة تطلق على نفسها اسم «سرايا أولياء الدم»": the name the group gives itself
            k = j + 3 + (j + 3 < len(toks) and toks[j + 3].norm == "اسم")
            if k < len(toks) and toks[k].norm in "«“\"":
                close = next((c for c in range(k + 1, min(k + 8, len(toks))) if toks[c].norm in _CLOSE_QUOTES), None)
                if close is not None:
                    return i, close + 1
            break
        if tok.norm == "عن" and j > i and token_variants(toks[j - 1].norm) & lex.constituency_titles:
            j += 1  # "النائب عن تيار الحكمة حسن فدعم"
            continue
        if tok.norm == "من" and j > i and strip_article(toks[j - 1].norm) in _CLOSE_TO:
            j += 1  # "مصادر مقربة من عصائب أهل الحق"
            continue
        if tok.norm in ("لدي", "الي") and any(_bare_variants(t.norm) & lex.envoy_titles for t in toks[i:j]):
            j += 1  # "سفير إيران لدى الأمم المتحدة أمير سعيد إيرواني", "المبعوث الأمريكي إلى سوريا توم باراك"
            continue
        if _is_stop(tok, nxt, lex) and not (j > i and tok.norm in _NAME_OR_TIME and _opens_name(toks, j, actors)):
            break  # (but "صباح النعمان" is a name, not "صباح الاثنين")
        if j > i and tok.norm in _RELATIVES and toks[j - 1].norm.startswith("ال"):
            break  # "وأضاف المصدر الذي فضّل عدم الكشف عن اسمه": the relative clause describes the speaker
        if not before_verb and j == i + 1 and _after_document(toks[i].norm, tok.norm, lex):
            break  # "وحمّل البيان الأمريكيين المسؤولية", "ووصف التقرير البيشمركة": the object
        if not before_verb and tok.norm in lex.object_nouns and not actors_start(tok.norm):
            break  # "وأكد رئيس الوزراء أهمية ...": the object (but "عملية العزم الصلب" is a name)
        if not before_verb and j > i and tok.norm in _QUANTIFIERS:
            break  # "ودعا زعيم الحزب جميع القوى السياسية": the object (but "وأكدت جميع الفصائل")
        if j > i and _is_suffixed_noun(tok.norm, lex, actors):
            break  # "وأبدت الحكومة الإيرانية ارتياحها": the object, with its pronoun
        if j > i and _is_possessed_object(toks, j, lex, actors):
            break  # "وأبدى رئيس الإقليم قلقه من ...", "ونفى المتحدث علمه"
        if j > i and _is_construct_object(toks, j, lex, actors):
            break  # "وأكد المسؤول الأمريكي رغبة بلاده في ..."
        if j > i and _complement_after_name(toks, i, j, lex, actors):
            break  # "وأشاد بارزاني بدور الجيش": the complement after a complete name
        j += 1
    while j > i and toks[j - 1].is_punct:
        j -= 1
    while j > i + 1 and toks[j - 1].norm in _DANGLING and not (j < len(toks) and toks[j].norm in _CLOSE_QUOTES):
        j -= 1  # "الحكومة الاتحادية في عرضها": a span never ends with its preposition (but «كوردستان تي في»)
    return i, _object_after_subject(toks, i, j, lex, actors, before_verb=before_verb)


_DANGLING = frozenset({"في", "وفي", "باسم", "عن", "لدي"})
_RELATIVES = frozenset({"الذي", "التي", "الذين", "اللذين", "اللتين"})
# What may follow a document word in its own noun phrase ("البيان المشترك", "البيان الصادر عن ...").
_DOCUMENT_QUALIFIERS = frozenset({"المشترك", "الختامي", "الصادر", "الرسمي", "الحكومي", "الاخير", "ذاته", "نفسه", "الصحفي",
                                  "العسكري", "الاعلامي", "الاول", "الثاني", "الثالث", "الذي", "التي", "الجديد", "الامريكي",
                                  "العراقي", "الايراني", "الكردي", "الالماني", "البريطاني", "الفرنسي", "التركي", "الاممي"})


def _after_document(first: str, norm: str, lex: Lexicon) -> bool:
    """Whether ``norm`` right after a definite document word (``البيان``) opens the verb's
    object: a definite word that is none of the document's own qualifiers, or a plural nisba."""
    if not (first.startswith("ال") and strip_article(first) in lex.document_words):
        return False
    if norm in _DOCUMENT_QUALIFIERS or not norm.startswith("ال"):
        return False
    return norm.endswith(("يين", "يون")) or not norm.endswith(("ي", "يه"))
# Time words that are also first names ("صباح النعمان", "فجر"): a stop unless a known name starts there.
_NAME_OR_TIME = frozenset({"صباح", "فجر", "ظهر", "ليل"})


def _opens_name(toks: Sequence[_Token], j: int, actors: ActorIndex | None) -> bool:
    """Whether a two-word alias or more of the table starts at ``toks[j]``."""
    if actors is None:
        return False
    words = [t.norm for t in toks[j : j + 4] if not t.is_punct]
    return any(m.start == 0 and m.end >= 2 for m in actors.find_aliases(words))
_CALLS_ITSELF = frozenset({"تطلق", "يطلق", "تسمي", "يسمي"})
_QUANTIFIERS = frozenset({"جميع", "كافه", "كل"})
_PRONOUN_SUFFIXES = ("ها", "هما", "هم")
_KANA = frozenset({"كان", "وكان", "كانت", "وكانت"})
_BUT_HE = frozenset({"لكنه", "لكنها", "ولكنه", "ولكنها", "لكنهم", "ولكنهم"})
_KANA_REACH = 30  # tokens from كان to قد + the verb, appositions included


_AMMA = frozenset({"اما", "واما"})


def _subject_before(toks: Sequence[_Token], start: int, stop: int, actors: ActorIndex, lex: Lexicon) -> tuple[int, int] | None:
    """The speaker span opening at ``start`` in a subject-first clause, cut at ``stop`` (the
    verb, or its قد / ف); None unless it names an actor."""
    start, end = _span_after(toks, start, lex, actors=actors, before_verb=True)
    end = min(end, stop)
    if end <= start or not _mentions_actor(toks, (start, end), actors, lex):
        return None
    return start, end


def _amma_subject(toks: Sequence[_Token], actors: ActorIndex, lex: Lexicon) -> _Speaker | None:
    """``أما X، apposition، فقال ...``: the topic after أما is the speaker of the ف-verb
    (``فأكد``, ``فتقول``, ``فقد أعلن``, ``فسبق أن أكد``), appositions and relative clauses
    between them allowed, no other verb between."""
    k = next((k for k, t in enumerate(toks[:4]) if t.norm in _AMMA), None)
    if k is None or k + 1 >= len(toks) or toks[k + 1].norm in ("في", "علي", "عن", "من", "الي", "بعد", "قبل", "خلال"):
        return None  # "أما في واشنطن، فقال ...": a place or time, not the speaker
    for i in range(k + 2, min(len(toks), k + 2 + _KANA_REACH)):
        norm = toks[i].norm
        if not norm.startswith("ف") or len(norm) < 3:
            continue
        bare = norm[1:]
        verb = i
        if bare in ("قد", "سبق") and i + 1 < len(toks):
            verb = next((m for m in range(i + 1, min(i + 4, len(toks))) if toks[m].norm in lex.verbs), None)
            if verb is None:
                return None
        elif not (bare in lex.verbs or norm in lex.verbs):
            continue
        subject = _subject_before(toks, k + 1, i, actors, lex)
        return _Speaker(*subject, cue=verb, kind="verb") if subject is not None else None
    return None


_CONTRAST = (("غير", "ان"), ("الا", "ان"), ("لكن",), ("ولكن",))


def _contrast_subject(toks: Sequence[_Token], actors: ActorIndex, lex: Lexicon, verb_positions: Sequence[int]) -> _Speaker | None:
    """``غير أن X، apposition، رأى ...``, ``لكن X، الذي ...، قال``: the subject after the
    contrast word speaks through the first speech verb, appositions between allowed."""
    norms = [t.norm for t in toks[:3]]
    opener = next((len(c) for c in _CONTRAST if tuple(norms[: len(c)]) == c), None)
    if opener is None or not verb_positions:
        return None
    i = verb_positions[0]
    if i - opener > _KANA_REACH or i <= opener + 1:
        return None
    subject = _subject_before(toks, opener, i, actors, lex)
    if subject is None:
        return None
    start, end = subject
    if not any(toks[m].is_punct for m in range(end, i)):
        return None  # no apposition: the ordinary rules read "لكن الوزير قال"
    return _Speaker(start, end, cue=i, kind="verb")


def _kana_subject(toks: Sequence[_Token], i: int, actors: ActorIndex, lex: Lexicon) -> tuple[int, int] | None:
    """The subject of ``كان X، apposition، قد قال``: the speaker span right after كان, when
    the verb at ``i`` follows قد and no other verb lies between (``وكان حسين علاوي، المستشار
    البارز لرئيس الوزراء، قد قال``, ``وفي البرلمان، كان النائب كريم عليوي قد حذّر``)."""
    if i < 3 or toks[i - 1].norm not in ("قد", "وقد"):
        return None
    k = next((k for k in range(i - 2, max(-1, i - 2 - _KANA_REACH), -1) if toks[k].norm in _KANA), None)
    if k is None or any(toks[m].norm in lex.verbs for m in range(k + 1, i - 1)):
        return None
    return _subject_before(toks, k + 1, i - 1, actors, lex)


def _is_suffixed_noun(norm: str, lex: Lexicon, actors: ActorIndex | None) -> bool:
    """A noun carrying a possessive pronoun (``رفضها``, ``تطلعهما``): the verb's object, not a name."""
    return (len(norm) >= 5 and norm.endswith(_PRONOUN_SUFFIXES) and not norm.startswith("باسم") and not _is_actor_word(norm, lex)
            and not (actors is not None and actors.starts_alias(norm)) and norm not in places())


# Words after which a noun with ـه is the verb's object, not a first name ("نبيه بري").
_AFTER_OBJECT = frozenset({"من", "عن", "في", "علي", "الي", "ان", "بان", "لان", "ازاء", "حيال", "تجاه", "مع", "بشان", "حول", "لما"})


def _ends_in_his(tok: _Token) -> bool:
    """Whether a word carries the pronoun ـه as written (not ـة, not a name with الله, not
    the spokesperson idiom ``باسمه``)."""
    raw = strip_diacritics(tok.raw)
    return raw.endswith("ه") and not raw.endswith("الله") and not tok.norm.startswith("باسم")


def _is_possessed_object(toks: Sequence[_Token], j: int, lex: Lexicon, actors: ActorIndex | None) -> bool:
    """An indefinite noun with the pronoun ـه right after a definite word, then a
    preposition or a definite word: the verb's object (``قلقه من``, ``تقديره لجهود``).

    Written ـه, not ـة (folded alike by match_key); names with الله are left alone.
    """
    tok = toks[j]
    if len(tok.norm) < 4 or not _ends_in_his(tok) or tok.norm.startswith(("ال", "لل")):
        return False
    if not toks[j - 1].norm.lstrip("وف").startswith(("ال", "لل")):
        return False
    if _is_actor_word(tok.norm, lex) or (actors is not None and actors.starts_alias(tok.norm)) or tok.norm in places():
        return False
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    if nxt is None or nxt.is_punct:
        return True
    return nxt.norm in _AFTER_OBJECT or nxt.norm.startswith(("ال", "بال", "لل", "وال", "فال")) or (nxt.norm[0] in "بل" and len(nxt.norm) >= 4)


def _is_construct_object(toks: Sequence[_Token], j: int, lex: Lexicon, actors: ActorIndex | None) -> bool:
    """An indefinite noun after a definite word, in construct with a noun carrying ـه
    (``رغبة بلاده``, ``دعم حكومته``): the verb's object, not a name."""
    if j + 1 >= len(toks) or toks[j].is_punct or toks[j + 1].is_punct:
        return False
    tok, nxt = toks[j], toks[j + 1]
    if tok.norm.startswith(("ال", "لل")) or not toks[j - 1].norm.lstrip("وف").startswith(("ال", "لل")):
        return False
    following = strip_diacritics(nxt.raw)
    if len(nxt.norm) < 4 or not following.endswith("ه") or following.endswith("الله") or nxt.norm.startswith("باسم"):
        return False
    return not (_is_actor_word(tok.norm, lex) or (actors is not None and actors.starts_alias(tok.norm)) or tok.norm in lex.ranks)


def _complement_after_name(toks: Sequence[_Token], i: int, j: int, lex: Lexicon, actors: ActorIndex | None) -> bool:
    """Whether ``toks[j]`` is a بـ complement right after an alias that ends at ``j``."""
    norm = toks[j].norm
    if actors is None or len(norm) < 4 or norm[0] != "ب" or norm.startswith("باسم") or norm in lex.ranks or _is_actor_word(norm, lex) or actors.starts_alias(norm):
        return False  # "المتحدث باسم/باسمه ..." is the spokesperson idiom, not a complement
    if toks[j - 1].norm.startswith("ال"):
        return True  # "وأشاد مجلس الأمن الدولي بسير ...": a definite noun phrase is complete
    words = [t.norm for t in toks[i:j] if not t.is_punct]
    return (any(m.end == len(words) for m in actors.find_aliases(words))
            or (len(words) == 1 and actors.is_surname(words[0])))  # "وأشاد بارزاني بدور"


def _is_own_noun(tok: _Token, lex: Lexicon, actors: ActorIndex) -> bool:
    """A noun with the pronoun ـه alone after a verb (``وأبدى تفاؤله بأن``): the object
    of a verb whose subject is the speaker before, not an unknown name. Written ـه (not ـة),
    five letters or more, and no name or actor the table knows."""
    if len(tok.norm) < 5 or not _ends_in_his(tok) or tok.norm.startswith("ال"):
        return False
    return not (_is_actor_word(tok.norm, lex) or actors.starts_alias(tok.norm) or actors.is_surname(tok.norm) or tok.norm in places())


def _is_verbal_noun(norm: str) -> bool:
    """An indefinite verbal noun of the forms تفعيل (``تأجيل``) or إفعال (``إعلان``), folded."""
    return len(norm) == 5 and ((norm[0] == "ت" and norm[3] == "ي") or (norm[0] == "ا" and norm[3] == "ا"))


def _object_after_subject(toks: Sequence[_Token], i: int, j: int, lex: Lexicon, actors: ActorIndex | None, *,
                          before_verb: bool = False) -> int:
    """End of a speaker span that opens with a complete alias followed by another noun phrase.

    In ``واتهمت الفصائل واشنطن`` or ``وأبلغت الولايات المتحدة بغداد`` the subject is the
    alias; the place or body after it is the object. A name after a title
    (``رئيس الوزراء محمد شياع السوداني``) or an adjective is not cut.
    """
    if actors is None or j - i < 2 or before_verb:
        return j  # a subject before its verb has no object after it
    idx = [k for k in range(i, j) if not toks[k].is_punct]
    words = [toks[k].norm for k in idx]
    cut = _second_person(words, actors, lex)
    if cut is None and not before_verb:
        appositions = {n for n in range(1, len(idx)) if any(toks[k].is_punct for k in range(idx[n - 1] + 1, idx[n]))}
        cut = _actor_after_name(words, actors, lex, appositions)
        if cut is None:
            cut = _object_after_title(words, actors, lex, appositions)
    if cut is not None:
        return idx[cut]
    match = actors.best_match(words)
    if match is None or match.start != 0:
        # A surname several actors share ("شكر بارزاني الحكومة الأمريكية") is a complete
        # subject too: another actor right after it is the object.
        if len(words) > 1 and actors.is_surname(words[0]) and words[1].startswith("ال") and not token_variants(words[1]) & lex.person_titles:
            if any(m.start == 0 for m in actors.find_aliases(words[1:])):
                return idx[1]
        return j
    if match.end >= len(words):
        return j
    after = words[match.end]
    if _is_verbal_noun(after) and not actors.starts_alias(after):
        return idx[match.end]  # "وعزا وزير الدفاع تأجيل الإعلان": a verbal noun, the object
    if token_variants(words[0]) & lex.person_titles:
        return j  # a person's title, then its holder's name or office ("سفير إيران")
    if after in places() or (after.startswith("ال") and _ends_subject(after, lex)):
        return idx[match.end]
    # "وشكر العراق التحالف": a second, different actor right after the first
    if not after.startswith(("و", "ف")) and not after.endswith(("ي", "يه", "يين", "يون")):
        other = [m for m in actors.find_aliases(words[match.end:]) if m.start == 0]
        if other and all(m.canonical != match.canonical for m in other) and not token_variants(after) & lex.title_words:
            return idx[match.end]
    return j


def _actor_after_name(words: Sequence[str], actors: ActorIndex, lex: Lexicon, appositions: frozenset[int] | set[int] = frozenset()) -> int | None:
    """Where the object starts when a personal name is followed by another actor's alias.

    ``أوصى رئيس حكومة تصريف الأعمال عادل عبد المهدي النواب``, ``طالب النائب محمد كريم
    رئيس الوزراء``, ``واتهم وزير الدفاع لويد أوستن جماعات مسلحة``: a person's name of the
    table ends the subject; another actor's alias of two words or more, or a title or
    definite actor noun, right after it (not after a comma) is the object; so is a
    ل-phrase (the addressee). A one-word alias counts as a name only when it is the surname.
    """
    if len(words) < 3:
        return None
    matches = actors.find_aliases(words)
    for first in matches:
        if first.end >= len(words) or any(token_variants(w) & lex.title_like or w in places() for w in words[first.start:first.end]):
            continue
        after = words[first.end]
        if first.end in appositions:
            continue  # "المتحدث باسم رئيس الوزراء عادل عبد المهدي، عبد الكريم خلف": an apposition
        head = canonical_key(first.canonical).split()[0]
        if head.startswith("ال") or head in _BODY_HEADS:
            continue  # a body or party ("الإطار التنسيقي", "معهد نيو لاينز"), not a personal name
        one_word = first.end - first.start < 2
        if (one_word and not is_surname_alias(first.alias, first.canonical)) or after in lex.ranks or not _is_person(first.canonical, actors, lex, ()):
            continue  # a one-word alias other than the surname ("معن") may be the first half of the name
        if after.startswith("لل") or (after.startswith("ل") and len(after) > 3 and actors.starts_alias(after[1:])):
            return first.end  # "أكد أوستن للوزير العراقي", "وقالت أورتاغوس لكردستان 24": the addressee
        # The second alias is a title or body ("رئيس الوزراء", "النواب") or two words or more,
        # never one definite word, which may be the name's own surname ("... مهدي تقي الآمرلي").
        definite = after.startswith("ال") or bool(token_variants(after) & lex.title_words)
        full = first.is_full_name  # the whole name: no surname can follow
        if any(m.start == first.end and m.canonical != first.canonical
               and (m.end - m.start >= 2 or (definite and token_variants(after) & lex.title_like)
                    or (full and definite and _is_person(m.canonical, actors, lex, ()))) for m in matches):
            return first.end
    return None


def _object_after_title(words: Sequence[str], actors: ActorIndex, lex: Lexicon, appositions: frozenset[int] | set[int] = frozenset()) -> int | None:
    """Where the object starts when a person's complete title is followed by a body or a place.

    ``ودعا الزعيم الكردي طهران إلى ...``, ``ودعا زعيم العصائب السلطات العراقية إلى ...``:
    a person's title, definite with its adjectives (``الزعيم الكردي``) or a title word with
    its complement (``زعيم العصائب``), is the subject; a body or place of the table after it
    is the object. The complement right after the title word is not (``زعيم التيار
    الصدري``), nor is a person after the title (``رئيس الوزراء محمد شياع السوداني``).
    """
    if len(words) < 3 or not _bare_variants(words[0]) & lex.person_titles:
        return None
    matches = actors.find_aliases(words)
    if words[0].startswith("ال"):
        k = 1
    else:
        complement = [m.end for m in matches if m.start == 1]
        if complement:
            k = max(complement)
        elif words[1].startswith("ال") and not _bare_variants(words[1]) & lex.title_words:
            k = 2
        else:
            return None
    stated = set()
    while k < len(words) and nationality(words[k]) is not None:
        stated.add(nationality(words[k]))
        k += 1
    after = [m for m in matches if m.start == k]
    if k >= len(words) or k in appositions or not after:
        return None
    if not (words[k].startswith("ال") or words[k] in places() or (stated and words[0].startswith("ال"))):
        return None  # "المتحدث الإيراني مجلس الأمن": after a definite title with its nationality, any alias
    def other(m: AliasMatch) -> bool:
        if not _is_person(m.canonical, actors, lex, ()):
            return True
        # "وحثّ الوزير الأمريكي السوداني": a person of another nationality than the title's
        theirs = actors.nationalities_of(m.canonical)
        return bool(stated) and bool(theirs) and stated.isdisjoint(theirs)
    if all(other(m) for m in after):
        return k
    return None


def _second_person(words: Sequence[str], actors: ActorIndex, lex: Lexicon) -> int | None:
    """Where a second person's title and name start right after a first person's name.

    ``أبلغ المرشد الإيراني علي خامنئي رئيس الوزراء العراقي مصطفى الكاظمي``: the speaker ends
    with خامنئي; the prime minister is the object. Only a name (no title word) of a person
    in the table, then a person's title that leads to another person of the table.
    """
    found = actors.find_aliases(words)
    for name in found:
        if name.end >= len(words) or token_variants(words[name.start]) & lex.title_words:
            continue
        if not _is_person(name.canonical, actors, lex, ()) or " " not in name.alias:
            continue
        if not token_variants(words[name.end]) & lex.person_titles:
            continue
        later = [m for m in found if m.start >= name.end and m.canonical != name.canonical]
        if any(_is_person(m.canonical, actors, lex, ()) and not token_variants(words[m.start]) & lex.title_words for m in later):
            return name.end
    return None


def _mentions_actor(toks: Sequence[_Token], span: tuple[int, int], actors: ActorIndex, lex: Lexicon) -> bool:
    start, end = span
    if start >= end:
        return False
    words = [t.norm for t in toks[start:end] if not t.is_punct]
    if not words:
        return False
    if _is_actor_word(words[0], lex) or words[0] in lex.continuation_words or strip_article(words[0]) in lex.document_words:
        return True
    if words[0] in _OFFICE_OWNED and len(words) <= 2:
        return True  # "وأفاد مكتبه بأن": the office of the person before
    if len(words) <= 2 and actors.is_generic_alias(words[0]):
        return True  # "وكتب العسكري": resolved from the article's earlier mentions
    if len(words) == 1 and actors.is_surname(words[0]):
        return True  # "وأشاد بارزاني": a surname several known people bear, decided by the article
    if len(words) >= 2 and strip_article(words[0]) in OUTLET_NOUNS and any(t.norm in "«“\"" for t in toks[start:end]):
        return True  # "وكتبت مجلة «فوربس»": an outlet named by a quoted name
    return bool(actors.find_aliases(words))


def _is_object(verb: str, toks: Sequence[_Token], span: tuple[int, int], actors: ActorIndex, lex: Lexicon) -> bool:
    """Whether the noun after a clause-initial verb is its object, not its subject.

    With verbs that take a person or body and then a complement (``طالب``, ``دعا``,
    ``حذر``: ``وطالب رئيسَ الوزراء بتأكيد ...``, ``وحذّر النوابَ من ...``), a noun named
    only by a title or a common plural, followed by the complement's preposition, is
    the addressee; the speaker is the one before. A personal name or a full alias is
    taken as the subject (``ودعا الصدر إلى ...``).
    """
    start, end = span
    if verb not in lex.object_verbs or end >= len(toks) or end - start > 4:
        return False
    if verb.endswith("ت"):
        return False  # a feminine verb agrees with the body after it: "وهددت الكتائب بـ"
    after = toks[end].norm
    if not (after in lex.object_prepositions or _is_verbal_complement(after, lex) or (after.startswith("ب") and after not in lex.subject_stops and len(after) > 3)):
        return False
    words = [t.norm for t in toks[start:end] if not t.is_punct]
    match = actors.best_match(words)
    if match is not None and not token_variants(words[match.start]) & lex.title_words:
        return False  # a name: "ودعا الصدر إلى"
    return all(token_variants(w) & lex.title_like or w.startswith("ال") for w in words)


def _skip_connectors(toks: Sequence[_Token], start: int, end: int, lex: Lexicon) -> int:
    i = start
    while i < end and (toks[i].is_punct or toks[i].norm in lex.connectors or toks[i].norm in ("ما", "هكذا")):
        i += 1
    return i


_BAYYANA = frozenset({"بين", "وبين", "فبين"})
_SUBORDINATORS = frozenset({"ان", "بان", "وان", ":"})


def _is_cue_verb(toks: Sequence[_Token], i: int, lex: Lexicon) -> bool:
    """Whether ``toks[i]`` is a speech verb here.

    ``بيّن`` (explained) folds to ``بين`` (between): it is the verb when written with its
    shadda, or when it opens the clause and an أن/إن/بأن or a colon follows within six
    words (``وبين المحمداوي أن``), never in ``بين بغداد وواشنطن``. ``تابع`` (went on) inside
    a clause and before a ل-phrase is the adjective "affiliated" (``فرد تابع للتحالف``).
    """
    norm = toks[i].norm
    if norm in _BAYYANA:
        if "\u0651" in toks[i].raw:
            return True
        if i > 0 and not all(t.is_punct or t.norm in lex.connectors for t in toks[:i]):
            return False
        for tok in toks[i + 1 : i + 7]:
            if tok.norm in _SUBORDINATORS:
                return True
            if tok.is_punct:
                return False
        return False
    if norm not in lex.verbs:
        return False
    if norm == "تابع" and i > 0 and not toks[i - 1].is_punct and i + 1 < len(toks) and toks[i + 1].norm.startswith("ل"):
        return False
    return True


def _find_speaker(toks: Sequence[_Token], actors: ActorIndex, lex: Lexicon) -> _Speaker | None:
    norms = [t.norm for t in toks]
    present = set(norms)  # the scans below run only when their cue word occurs at all
    # 1. relaying: نقلت ... عن X / نقلاً عن X
    for i, norm in enumerate(norms if not present.isdisjoint(lex.relay_verbs) else ()):
        if norm in lex.relay_verbs:
            for k in range(i + 1, min(i + 9, len(toks))):
                if norms[k] == "عن":
                    span = _span_after(toks, k + 1, lex, stop_at_comma=True)
                    if _mentions_actor(toks, span, actors, lex):
                        return _Speaker(*span, cue=i, kind="relay")
                    break
    # 1b. "على لسان X": X speaks for the subject ("أما حركة النجباء فجددت، على لسان معاونها ...")
    for i in range(len(norms) - 2 if "لسان" in present else 0):
        if norms[i] in ("علي", "وعلي") and norms[i + 1] == "لسان":
            span = _span_after(toks, i + 2, lex, stop_at_comma=True, actors=actors)
            if span[1] > span[0]:
                return _Speaker(*span, cue=i, kind="source")
    # 1c. "وسبق للكعبي أن أعلن": the speaker is the ل-noun after سبق
    for i in range(len(norms) - 2 if not present.isdisjoint(("سبق", "وسبق")) else 0):
        if norms[i] in ("سبق", "وسبق") and norms[i + 1].startswith("ل") and len(norms[i + 1]) > 2:
            span = _span_after(toks, i + 1, lex, stop_at_comma=True, actors=actors)
            if span[1] > span[0] and any(norms[k] in lex.verbs for k in range(span[1], min(span[1] + 3, len(norms)))):
                return _Speaker(*span, cue=i, kind="verb")
    # 2. speech verbs, speaker after or (clause-initial) before the verb
    verb_positions = [i for i, n in enumerate(norms) if _is_cue_verb(toks, i, lex)]
    amma = _amma_subject(toks, actors, lex)
    if amma is None:
        amma = _contrast_subject(toks, actors, lex, verb_positions)
    if amma is not None:
        return amma
    for i in verb_positions:
        kana = _kana_subject(toks, i, actors, lex)
        if kana is not None:
            return _Speaker(*kana, cue=i, kind="verb")
        if i > 0 and norms[i - 1] in _BUT_HE and _skip_connectors(toks, 0, i - 1, lex) == i - 1:
            return _Speaker(-1, -1, cue=i, kind="continuation")  # "لكنه استدرك بأن ...": the speaker before
        first = _skip_connectors(toks, 0, i, lex)
        if first < i and i - first <= _MAX_SPEAKER_TOKENS:
            pre = _span_after(toks, first, lex, actors=actors, before_verb=True)
            pre = (pre[0], min(pre[1], i))
            # The speaker must run up to the verb ("وكان الوزير قد قال"), and not be a
            # place after في ("وفي واشنطن، قال ...").
            between_ok = all(norms[k] in ("قد", "وقد", "فقد", "عاد", "عادت") for k in range(pre[1], i))
            between_ok = between_ok and not (first > 0 and norms[first - 1] in ("في", "وفي"))
            if pre[1] > pre[0] and between_ok and _mentions_actor(toks, pre, actors, lex):
                return _Speaker(*pre, cue=i, kind="verb")
            # "وكان حسين قد قال": كان + a short subject + قد + the verb names the speaker.
            kana = first > 0 and norms[first - 1] in _KANA and pre[1] < i and norms[pre[1]] in ("قد",)
            if kana and between_ok and 0 < pre[1] - pre[0] <= 4:
                return _Speaker(*pre, cue=i, kind="verb")
        span = _span_after(toks, i + 1, lex, actors=actors)
        if _mentions_actor(toks, span, actors, lex):
            if first == i and _is_object(norms[i], toks, span, actors, lex):
                return _Speaker(*span, cue=i, kind="object")
            return _Speaker(*span, cue=i, kind="verb")
        # "وأضاف حسين أن": a short unknown name between a clause-initial verb and إن/أن/:
        if first == i and 0 < span[1] - span[0] <= 3 and span[1] < len(toks) and (norms[span[1]] in lex.subject_stops or norms[span[1]] == ":") and not any(n in lex.subject_stops or n in lex.media_words for n in norms[span[0]:span[1]]):
            if not (span[1] - span[0] == 1 and _is_own_noun(toks[span[0]], lex, actors)):
                return _Speaker(*span, cue=i, kind="verb")
    # 3. source words: بحسب X، / وفقاً لـ X
    for i, norm in enumerate(norms):
        if norm in lex.source_words:
            k = i + 1
            if k < len(norms) and norms[k] in ("ل", "لما", "ما"):
                k += 1
                if k < len(norms) and norms[k] in lex.verbs:
                    k += 1
            # "وفقاً لمديرة مكتب ...": the first speaker token may carry the preposition;
            # alias matching allows it.
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
            pre = _span_after(toks, first, lex, actors=actors, before_verb=True)
            pre = (pre[0], min(pre[1], i))
            if _mentions_actor(toks, pre, actors, lex):
                return _Speaker(*pre, cue=i, kind="participle")
    # 6. clause-initial verb without a speaker: the previous statement's actor
    for i in verb_positions:
        if _skip_connectors(toks, 0, i, lex) == i:
            return _Speaker(-1, -1, cue=i, kind="continuation")
    return None


# -- resolution -------------------------------------------------------------------------


def _title_key(token: str, lex: Lexicon) -> str:
    """A word of a title as compared across mentions: no article, synonyms merged."""
    bare = strip_article(token)
    return lex.title_synonyms.get(bare, bare)


# Per-lexicon memo of the two pure helpers below (a Lexicon holds dicts, so it is not hashable).
_KEY_CACHE: dict[int, tuple[Lexicon, dict[str, frozenset[str]], dict[frozenset[str], frozenset[str]]]] = {}


def _caches(lex: Lexicon) -> tuple[dict[str, frozenset[str]], dict[frozenset[str], frozenset[str]]]:
    entry = _KEY_CACHE.get(id(lex))
    if entry is None or entry[0] is not lex:
        entry = _KEY_CACHE[id(lex)] = (lex, {}, {})
    return entry[1], entry[2]


def _title_keys(token: str, lex: Lexicon) -> frozenset[str]:
    """:func:`_title_key` of every form a written token may stand for (``للأمين``)."""
    memo = _caches(lex)[0]
    keys = memo.get(token)
    if keys is None:
        keys = memo[token] = frozenset(_title_key(form, lex) for form in token_variants(token))
    return keys


def _name_tokens(names: frozenset[str] | set[str], lex: Lexicon) -> frozenset[str]:
    memo = _caches(lex)[1]
    names = frozenset(names)
    keys = memo.get(names)
    if keys is None:
        keys = memo[names] = frozenset(key for name in names for t in name.split() for key in _title_keys(t, lex))
    return keys


@dataclass(frozen=True)
class _Mention:
    start: int  # character offset
    canonical: str
    actor_type: str
    names: frozenset[str]  # title keys of the names, with the title words before it
    proper: bool  # found by a name, not by a title alias
    alias: str  # the normalised alias that matched


@dataclass(frozen=True)
class _Document:
    start: int  # character offset of the document word
    canonical: str
    actor_type: str
    explicit: bool  # the issuer is named with the document ("البيان الصادر عن ...")


def _mentions(toks: Sequence[_Token], actors: ActorIndex, lex: Lexicon) -> list[_Mention]:
    """Every alias occurrence in the body tokens, with the words before it.

    A title followed by a name (``وزير الخارجية فؤاد حسين``, or a name the table lacks)
    is a mention of that name's bearer, not of the title's holder in the table.
    """
    place_names = places()
    norms = [t.norm for t in toks]
    every = actors.find_aliases(norms)
    starts = {o.start for o in every if not token_variants(norms[o.start]) & lex.title_words}
    found = []
    for m in every:
        proper = not (token_variants(norms[m.start]) & lex.title_words) and m.alias not in place_names
        if not proper:
            # a name (not a title) right after the title, ranks allowed in between
            named = any(s in starts and all(norms[k] in lex.ranks for k in range(m.end, s)) for s in range(m.end, m.end + 3))
            if named or actors.names_someone_else(norms, m):
                continue
        # The title words before a name are that name's ("وزير الخارجية فؤاد حسين"), but
        # not before a body that complements a title ("الأمين العام لعصائب أهل الحق").
        complement = m.start > 0 and (norms[m.start].startswith("ل") or bool(token_variants(norms[m.start - 1]) & lex.title_words))
        context = norms[max(0, m.start - 4) : m.end] if proper and not complement else norms[m.start : m.end]
        names = _name_tokens(actors.names_of(m.canonical), lex) | {_title_key(t, lex) for t in context}
        found.append(_Mention(toks[m.start].start, m.canonical, actors.type_of(m.canonical), frozenset(names), proper, m.alias))
    return found


_DOCUMENT_TOKENS: dict[int, tuple[Lexicon, dict[str, bool]]] = {}


def _document_tokens(lex: Lexicon) -> dict[str, bool]:
    """Per-lexicon memo: whether a normalised token is a document word (clitics allowed)."""
    entry = _DOCUMENT_TOKENS.get(id(lex))
    if entry is None or entry[0] is not lex:
        entry = _DOCUMENT_TOKENS[id(lex)] = (lex, {})
    if len(entry[1]) >= 1 << 17:
        entry[1].clear()
    return entry[1]


_AFFILIATED = frozenset({"محسوبه", "المحسوبه", "محسوب", "المحسوب", "مقربه", "المقربه", "مقرب", "المقرب"})


def _documents(toks: Sequence[_Token], mentions: Sequence[_Mention], actors: ActorIndex, lex: Lexicon) -> list[_Document]:
    """Documents whose issuer the article names, in text order.

    ``البيان الصادر عن وزارة الخارجية``, ``البيان المشترك، الذي نشرته وزارة ...``
    (an issuer word, then the issuer); ``بيان الخارجية الأمريكية``, ``في بيان للخارجية``
    (an indefinite document word with its issuer); an alias that is itself a document
    (``البيان الأمريكي العراقي المشترك``).
    """
    norms = [t.norm for t in toks]
    found = []
    documents = _document_tokens(lex)
    for i, norm in enumerate(norms):
        is_document = documents.get(norm)
        if is_document is None:
            is_document = documents[norm] = bool(token_variants(norm) & lex.document_words)
        if not is_document:
            continue
        forms = token_variants(norm)
        issuer = None
        definite = any(f.startswith("ال") for f in forms if strip_article(f) in lex.document_words)
        if not definite and i + 1 < len(norms):
            issuer = _alias_at(norms, i + 1, actors)
        if not definite and issuer is None:
            # "وجّهت وزارة الخارجية رسالة إلى ...": the subject before the document
            before = [n for n in norms[max(0, i - 6) : i] if n not in _PUNCT]
            ending = [m for m in actors.find_aliases(before) if m.end == len(before)]
            if ending:
                issuer = max(ending, key=lambda m: m.end - m.start).canonical
        k = i + 1
        while issuer is None and k < min(i + 6, len(norms)) and not toks[k].norm in ".!?؟:«»\"":
            if norms[k] in lex.issuer_words:
                k += 1 + (k + 1 < len(norms) and norms[k + 1] == "عن")
                issuer = _alias_at(norms, k, actors) if k < len(norms) else None
                break
            k += 1
        if issuer is None:
            # "بيان نُشر على قناة على «تلغرام» محسوبة على كتائب حزب الله": the channel's
            # affiliation is the issuer.
            for k in range(i + 1, min(i + 10, len(norms) - 2)):
                if toks[k].norm in ".!?؟:":
                    break
                if norms[k] in _AFFILIATED and norms[k + 1] in ("علي", "من"):
                    issuer = _alias_at(norms, k + 2, actors)
                    break
        if issuer is not None:
            found.append(_Document(toks[i].start, issuer, actors.type_of(issuer), True))
    for m in mentions:
        if any(token_variants(w) & lex.document_words for w in m.alias.split()):
            found.append(_Document(m.start, m.canonical, m.actor_type, False))
    return sorted(found, key=lambda d: (d.start, d.explicit))


def _alias_at(norms: Sequence[str], k: int, actors: ActorIndex) -> str | None:
    """The actor of the longest alias starting at token ``k`` (punctuation skipped)."""
    window = [n for n in norms[k : k + 8] if n not in _PUNCT]
    matches = [m for m in actors.find_aliases(window) if m.start == 0]
    if not matches:
        return None
    return max(matches, key=lambda m: m.end).canonical
@dataclass
class _Article:
    """What resolution knows of the article so far: statements, mentions, documents."""

    statements: list[Statement]
    mentions: list[_Mention]
    documents: list[_Document]
    lines: list[Span]
    names: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)  # (canonical, written) -> name keys
    body: list[_Token] = field(default_factory=list)  # the body tokens, punctuation included

    def full_name(self, surname: str, before: int, actors: ActorIndex) -> str | None:
        """The latest "first-name surname" the body wrote before ``before`` for a bare surname.

        ``وقال شابيرو`` after ``التقى ... دانيال شابيرو``: the person the table lacks is named
        by the full name the article gave. One or two name words before the surname, with no
        punctuation between.
        """
        body = self.body
        for k in range(len(body) - 1, 0, -1):
            tok = body[k]
            if tok.start >= before or tok.is_punct or tok.norm != surname:
                continue
            j = k
            while j > 0 and k - j < 2 and not body[j - 1].is_punct and actors.is_name_word(body[j - 1].raw):
                j -= 1
            if j < k:
                return " ".join(t.raw for t in body[j:k + 1])
        return None

    def issuer(self, before: int) -> tuple[str, str] | None:
        """The issuer of the last document named before ``before`` (a character offset)."""
        earlier = [d for d in self.documents if d.start <= before]
        return (earlier[-1].canonical, earlier[-1].actor_type) if earlier else None

    def line_of(self, offset: int) -> int:
        return next((k for k, (s, e) in enumerate(self.lines) if s <= offset < e), -1)


def _resolve(written: str, where: int, actors: ActorIndex, lex: Lexicon, article: _Article) -> tuple[str, str]:
    history = article.statements
    tokens = tokenize_names(written)
    if not tokens:
        return written, "other"
    head = strip_article(tokens[0])
    if history and tokens[0] in lex.continuation_words:
        return history[-1].actor_canonical, history[-1].actor_type
    if token_variants(tokens[0]) & lex.document_words and len(tokens) >= 2 and tokens[1].startswith("ل") and len(tokens[1]) > 3:
        # "بيان لمكتبه", "بيان للوزارة", "بيان لحكومة الإقليم": the document speaks for its issuer
        owner = _without_lam(tokens[1])
        issuer = _resolve(" ".join([owner, *tokens[2:]]), where, actors, lex, article)
        if issuer[0] in actors:
            return issuer
    if len(tokens) <= 2 and tokens[0] == "المكتب" and all(t in _OFFICE_QUALIFIERS for t in tokens[1:]):
        # "وأضاف المكتب": the office the article quoted before speaks for its holder
        for statement in reversed(history):
            words = tokenize_names(statement.actor)
            if any(strip_article(w.lstrip("ل")) in _OFFICE_HEADS | _OFFICE_OWNED for w in words[:2]) and statement.actor_canonical in actors:
                return statement.actor_canonical, statement.actor_type
        # ... or the office the article named before ("وذكر مكتب رئيس الوزراء ...")
        body = article.body
        for k in range(len(body) - 1, -1, -1):
            head = body[k].norm.lstrip("وبل")
            if body[k].start >= where or body[k].is_punct or head not in _OFFICE_HEADS | _OFFICE_OWNED:
                continue
            phrase = [head] + ([t.norm for t in body[k + 1 : k + 5] if not t.is_punct][:3] if head in _OFFICE_HEADS else [])
            holder = _office_holder(phrase, body[k].start, actors, lex, article)
            if holder is not None:
                return holder
    if token_variants(tokens[0]) & lex.document_words and len(tokens) <= 3:
        # "وأضاف البيان": the document speaks for the issuer the article names with it,
        # else for the actor of the statement before.
        issuer = article.issuer(where + len(written))
        if issuer is not None:
            return issuer
        if history and not actors.find_aliases(tokens):
            return history[-1].actor_canonical, history[-1].actor_type
    if len(tokens) == 2 and strip_article(tokens[0]) in _SPOKES_HEADS and tokens[1] in _ITS_SPOKESPERSON:
        # "وقال المتحدث باسمها": an unnamed spokesperson speaks for the body named before (A2)
        body = _latest_body(where, actors, lex, article)
        if body is not None:
            return body
    office = _office_holder(tokens, where, actors, lex, article)
    if office is not None:
        return office
    analyst = _earlier_analyst(tokens, written, actors, lex, history)
    if analyst is not None:
        return analyst
    earlier = _earlier_unknown_with_title(tokens, actors, lex, article)
    if earlier is not None:
        return earlier
    if len(tokens) >= 3 and tokens[0].lstrip("و") in ("احد", "احدي") and tokens[1] in _DEMONSTRATIVES:
        tokens = [tokens[0], *tokens[2:]]  # "أحد هؤلاء المسؤولين"
    if len(tokens) >= 2 and tokens[0].lstrip("و") in ("احد", "احدي") and token_variants(tokens[1]) & lex.anonymous_heads:
        # "وقال أحد المسؤولين": one of the group the article quoted before, if it names none
        group = _resolve(" ".join(tokens[1:]), where, actors, lex, article)
        if group[0] in actors:
            return group
        latest = next((s for s in reversed(history) if s.actor_canonical in anonymous_groups()), None)
        if latest is not None:
            return latest.actor_canonical, latest.actor_type
    named_itself = next((k for k in range(1, len(tokens) - 2) if tokens[k] in _CALLS_ITSELF and tokens[k + 1] == "علي"), None)
    if named_itself is not None:
        # "جماعة تطلق على نفسها اسم «الثوريون»": the name it gives itself, an armed faction if unknown
        quoted = re.findall(r"[«“\"]([^»”\"]+)[»”\"]", written)
        if quoted:
            name = quoted[-1].strip()
            canonical, actor_type = actors.resolve(name)
            return (canonical, actor_type) if canonical in actors else (name, "armed_faction")
    canonical, actor_type = actors.resolve(written)
    body = _anonymous_of_body(tokens, actors, lex)
    if body is not None:
        return body
    if canonical not in actors:
        unit = _unit_of_body(tokens, actors, lex)
        if unit is not None:
            return unit
    spokes = tokens[1:] if len(tokens) > 3 and strip_article(tokens[0]) in _DEPUTY_HEADS else tokens
    if (len(spokes) >= 3 and strip_article(spokes[0]) in _SPOKES_HEADS and spokes[1] == "باسم"
            and token_variants(spokes[2]) & lex.body_nouns and canonical not in actors
            and (len(spokes) == 3 or actors.has_unknown_name(spokes) or actors.personal_name(written) is not None)):
        # "المتحدث باسم القيادة الكابتن بيل أوربان", "نائب المتحدث باسم الحكومة الألمانية
        # فولفغانغ بوشنر": a one-off spokesperson speaks for the body (GUIDELINES A2), the
        # body's full alias first; "المتحدث باسم الحركة": the movement the article named before.
        named = [m for m in actors.find_aliases(spokes[2:]) if m.start == 0 and not _is_person(m.canonical, actors, lex, ())]
        if named:
            best = max(named, key=lambda m: m.end)
            return best.canonical, actors.type_of(best.canonical)
        spoken_for = _resolve(spokes[2], where, actors, lex, article)
        if spoken_for[0] in actors:
            return spoken_for
    match = actors.best_match(tokens)
    if match is not None and match.start == 0 and match.end == len(tokens) and canonical_key(match.canonical) == match.alias:
        return canonical, actor_type  # the actor's own full name
    if (match is not None and match.start == 0 and match.end == len(tokens) and token_variants(tokens[0]) & lex.person_titles
            and _is_person(match.canonical, actors, lex, ())):
        # "رئيس الوزراء العراقي" in an article that names الكاظمي and never السوداني
        other = _holder_in_article(tokens, where, actors, lex, article, current=match.canonical)
        if other is not None:
            return other
    if match is not None and actors.names_someone_else(tokens, match):
        return canonical, actor_type  # a title and a name the table lacks
    if match is None and actors.has_unknown_name(tokens):
        return canonical, actor_type  # "الرئيس الأمريكي السابق دونالد ترمب": not a title alone
    if match is not None and match.end < len(tokens) and _ends_subject(tokens[match.end], lex):
        # "واتهم الأمين العام للعصائب الطائرات ...": the subject ends with its name,
        # a definite noun after it is the object.
        tokens = tokens[: match.end]
    keys = [_title_keys(t, lex) for t in tokens]
    is_title = bool(token_variants(tokens[0]) & lex.title_words) or head in lex.title_words
    body = bool(token_variants(tokens[0]) & lex.body_nouns)
    # Earlier actors of the article, most recent first: statements and alias mentions.
    positioned: list[tuple[int, str, str, set[str]]] = []
    for statement in history:
        names = article.names.get((statement.actor_canonical, statement.actor))
        if names is None:
            names = article.names[statement.actor_canonical, statement.actor] = _name_tokens(
                actors.names_of(statement.actor_canonical) | {canonical_key(statement.actor_canonical), canonical_key(statement.actor)}, lex)
        positioned.append((statement.start, statement.actor_canonical, statement.actor_type, names))
    n_statements = len(positioned)
    earlier_mentions = [m for m in article.mentions if m.start < where]
    # A title several actors hold ("المتحدث باسم البنتاغون") is the holder the article
    # has already named.
    for shared, owners in actors.ambiguous_matches(tokens):
        if not _names_its_holder(tokens, shared, match, written, actors, lex):
            continue
        named = [p for p in positioned if p[1] in owners] + [(m.start, m.canonical, m.actor_type) for m in earlier_mentions if m.proper and m.canonical in owners]
        if named:
            latest = max(named, key=lambda p: p[0])
            return latest[1], latest[2]
    # A name (not a title) found at the start or after a rank names the speaker; one
    # right after a title is its complement ("الأمين العام للنجباء").
    proper = (
        match is not None
        and not (token_variants(tokens[match.start]) & lex.title_words)
        and not (match.start > 0 and ((token_variants(tokens[match.start - 1]) & lex.title_words and tokens[match.start - 1] not in lex.ranks)
                                      or tokens[match.start].startswith("ل")))
    )  # a rank before the name ("اللواء بات رايدر") does not make it a title's complement
    if proper or not (is_title or match is None):
        return canonical, actor_type
    if is_title and actors.personal_name(written) is not None:
        return canonical, actor_type  # a title with a name ("رئيس لجنة الأمن والدفاع النيابية محمد رضا") refers to no one earlier
    if match is None and canonical in actors and len(tokens) >= 2:
        return canonical, actor_type  # an anonymous source with its affiliation
    if not is_title and (len(tokens) > 2 or canonical in actors):
        return canonical, actor_type
    # The alias names the speaker itself, not the body after its title ("الأمين العام
    # للنجباء" is not the movement), and the article has named that actor before.
    complement = match is not None and match.start > 0
    if match is not None and not complement and (any(p[1] == canonical for p in positioned) or any(m.proper and m.canonical == canonical for m in earlier_mentions)):
        return canonical, actor_type
    # A mention's names include the title words before it; a surname alone is matched
    # against the actor's own names only ("بارزاني التحالف" does not make بارزاني the coalition).
    positioned += [(m.start, m.canonical, m.actor_type,
                    set(m.names) if is_title else set(_name_tokens(actors.names_of(m.canonical), lex)))
                   for m in earlier_mentions]
    if is_title and not token_variants(tokens[0]) & lex.anonymous_heads:
        # A body noun refers back to a body, a person's title to a person ("المصدر" may
        # be either).
        # An earlier statement whose written speaker carried the same title word
        # ("متحدث باسم وزارة الخارجية" then "وأضاف المتحدث") stays a candidate either way.
        person = {c: _is_person(c, actors, lex, history) for c in {p[1] for p in positioned}}
        positioned = [p for p in positioned if person[p[1]] != body or (not body and bool(keys[0] & p[3]))]
    stated = nationality(tokens[1]) if len(tokens) > 1 else None  # the adjective right after the title
    if is_title and stated is not None:
        # "وقال الوزير البريطاني": only an earlier actor of that nationality
        written_of = {s.actor_canonical: s.actor for s in history}
        def nationalities(canonical: str) -> frozenset[str]:
            if canonical in actors:
                return actors.nationalities_of(canonical)
            return frozenset(n for t in tokenize_names(written_of.get(canonical, canonical)) if (n := nationality(t)) is not None)
        positioned = [p for p in positioned if not nationalities(p[1]) or stated in nationalities(p[1])]
    if not positioned:
        return _same_side_person(tokens, canonical, actor_type, history, actors, lex, is_title and not body)
    if is_title:
        # A title alone ("وتابع الوزير", "الرئيس الأمريكي") refers back to the earlier
        # actor sharing the most words with it, the title word required.
        def score(names: set[str]) -> int:
            return sum(1 for k in keys if k & names) if keys[0] & names else 0
    else:
        # A surname alone ("وأضاف حسين") refers back to an actor bearing it.
        def score(names: set[str]) -> int:
            return sum(1 for k in keys if k & names)

    own = score(_name_tokens(actors.names_of(canonical), lex)) if match is not None and not (is_title and _is_person(canonical, actors, lex, history) == body) else 0
    # Best score wins; then an earlier statement over a mere mention; then the latest.
    ranked = max(
        ((score(p[3]), k < n_statements, p[0], p) for k, p in enumerate(positioned)),
        key=lambda r: r[:3],
    )
    if ranked[0] >= max(1, own):
        return ranked[3][1], ranked[3][2]
    return _same_side_person(tokens, canonical, actor_type, history, actors, lex, is_title and not body)


def _earlier_analyst(tokens: Sequence[str], written: str, actors: ActorIndex, lex: Lexicon, history: Sequence[Statement]) -> tuple[str, str] | None:
    """An analyst's title alone (``ورأى الخبير``, ``وأضاف الأكاديمي العراقي``) is the
    analyst the article quoted last, when that analyst is a person of the table; the
    collective ``محللون`` only when the article quoted no one of that kind."""
    if len(tokens) > 3 or strip_article(tokens[0]) not in _ANALYST_TITLES:
        return None
    definite = tokens[0].startswith("ال")
    if len(tokens) == 1 and actors.is_surname(tokens[0]):
        return None  # "الكاتب" is also دانا الكاتب's surname: the article decides
    if not all(t.startswith("ال") == definite for t in tokens[1:]) or actors.personal_name(written) is not None:
        return None  # "الخبير الإيراني صدقيان", "الخبير الأمني سرمد البياتي" name him
    if definite:
        for statement in reversed(history):
            if statement.actor_type == "analyst" and statement.actor_canonical in actors and _is_person(statement.actor_canonical, actors, lex, history):
                return statement.actor_canonical, statement.actor_type
    if actors.best_match(tokens) is None:
        # "كاتب أمريكي", "وأضاف الكاتب": an analyst the article does not name is the collective one
        for head in ("محلل", "خبير"):
            collective = actors.resolve(head)
            if collective[0] in actors and collective[1] == "analyst":
                return collective
    return None


def _same_side_person(tokens: Sequence[str], canonical: str, actor_type: str, history: Sequence[Statement],
                      actors: ActorIndex, lex: Lexicon, person_title: bool) -> tuple[str, str]:
    """A person's title with only a side ("المسؤول الكردي", "المسؤولة الأمريكية") that names
    no earlier actor refers back to the latest person of that side who spoke in the article.

    The side is the type the title's words give (:func:`guess_actor_type`); without one, or
    when the table knows the speaker, the speaker is kept as found.
    """
    if not person_title or canonical in actors or len(tokens) > 3:
        return canonical, actor_type
    side = guess_actor_type(" ".join(tokens))
    if side == "other":
        return canonical, actor_type
    for statement in reversed(history):
        if statement.actor_type == side and statement.actor_canonical in actors and _is_person(statement.actor_canonical, actors, lex, history):
            return statement.actor_canonical, statement.actor_type
    return canonical, actor_type


_MEMBER_HEADS = frozenset({"عضو", "عضوا", "اعضاء", "قوي", "قيادي", "قياديا", "قياديون", "قياديين", "قيادات", "قايد", "قاده"})
# Bodies an unnamed official speaks for: ministries, committees, commands (normalised first words);
# a research body for its analysts ("محلل الشأن العراقي في مجموعة الأزمات الدولية").
_BODY_HEADS = frozenset({"وزاره", "لجنه", "القياده", "قياده", "هيئه", "مجموعه", "معهد", "مركز", "مؤسسه"})
# ... and parties, factions, blocs and alliances ("مصدر في الإطار التنسيقي", "مسؤول رفيع في الكتائب").
_GROUP_TYPES = frozenset({"political_party", "armed_faction", "kurdistan_region", "coalition", "iraqi_parliament"})
_RESEARCH_HEADS = frozenset({"محلل", "باحث", "خبير", "محلله", "باحثه", "خبيره"})
# An analyst's titles, for "ورأى الخبير", "وأضاف الأكاديمي العراقي" (:func:`_earlier_analyst`).
_ANALYST_TITLES = _RESEARCH_HEADS | {"اكاديمي", "استاذ", "كاتب", "اكاديميه", "استاذه", "كاتبه"}
_SPOKES_HEADS = frozenset({"متحدث", "ناطق", "متحدثه", "ناطقه"})
_DEPUTY_HEADS = frozenset({"نايب", "نايبه", "مساعد", "مساعده"})
_DEMONSTRATIVES = frozenset({"هولاء", "هذه", "هذا", "تلك"})
_CLOSE_TO = frozenset({"مقرب", "مقربه", "مقربون", "مقربين", "قريب", "قريبه"})


def _anonymous_of_body(tokens: Sequence[str], actors: ActorIndex, lex: Lexicon) -> tuple[str, str] | None:
    """An unnamed official or source of a named body speaks for that body (GUIDELINES A4).

    ``مسؤول رفيع في وزارة الدفاع العراقية`` -> the ministry; ``مصادر في القيادة المركزية
    الأمريكية`` -> the command; ``عضو في لجنة الأمن والدفاع النيابية`` -> the committee.
    A phrase the table lists whole (``مصادر في وزارة البيشمركة``) keeps its own canonical.
    """
    if not (token_variants(tokens[0]) & (lex.anonymous_heads | _MEMBER_HEADS | _RESEARCH_HEADS)):
        return None
    whole = actors.best_match(tokens)
    if whole is not None and whole.start == 0:
        return None
    close = next((k for k in range(1, min(4, len(tokens) - 1)) if strip_article(tokens[k]) in _CLOSE_TO and tokens[k + 1] == "من"), None)
    if close is not None:
        # "مصادر مقربة من عصائب أهل الحق": sources close to a body speak for it
        matches = [m for m in actors.find_aliases(tokens[close + 2 :]) if m.start == 0]
        if matches:
            best = max(matches, key=lambda m: m.end)
            if close + 2 + best.end == len(tokens) and not _is_person(best.canonical, actors, lex, ()):
                return best.canonical, actors.type_of(best.canonical)
        return None
    k = next((k for k in range(1, min(5, len(tokens))) if tokens[k] == "في"), None)
    if k is None or k + 1 >= len(tokens):
        return None
    matches = [m for m in actors.find_aliases(tokens[k + 1 :]) if m.start == 0]
    if not matches:
        return None
    best = max(matches, key=lambda m: m.end)
    if k + 1 + best.end < len(tokens) and not tokens[k + 1 + best.end].startswith("ل"):
        return None  # "الباحث في معهد نيو لاينز نيكولاس هيراس": a named person follows (not "... لشفق نيوز")
    actor_type = actors.type_of(best.canonical)
    if canonical_key(best.canonical).split()[0] not in _BODY_HEADS and actor_type not in _GROUP_TYPES:
        return None  # "مسؤول في الإدارة الأمريكية" stays an anonymous US official
    return best.canonical, actor_type


_UNIT_HEADS = frozenset({"قياده", "مكتب", "مديريه", "دايره", "خليه"})


def _unit_of_body(tokens: Sequence[str], actors: ActorIndex, lex: Lexicon) -> tuple[str, str] | None:
    """A unit the table lacks speaks for the body it belongs to: ``قيادة عمليات الجزيرة في
    الحشد الشعبي`` -> the PMF, ``مكتب مكافحة الإرهاب في وزارة الخارجية الأمريكية`` -> the
    ministry. The body closes the span, and is no person."""
    if strip_article(tokens[0]) not in _UNIT_HEADS:
        return None
    k = next((k for k in range(2, min(6, len(tokens))) if tokens[k] == "في"), None)
    if k is None or k + 1 >= len(tokens):
        return None
    matches = [m for m in actors.find_aliases(tokens[k + 1 :]) if m.start == 0 and k + 1 + m.end == len(tokens)]
    if not matches:
        return None
    best = max(matches, key=lambda m: m.end)
    if _is_person(best.canonical, actors, lex, ()):
        return None
    return best.canonical, actors.type_of(best.canonical)


def _ends_subject(token: str, lex: Lexicon) -> bool:
    """Whether a word after the speaker's name starts something else (an object)."""
    forms = token_variants(token)
    if token.startswith("ب") and len(token) > 3 and token not in lex.ranks:
        return True  # "بإجراء", "بسير": the verb's complement
    nisba = token.endswith(("ي", "يه", "يين", "يون"))
    return token.startswith("ال") and not nisba and not forms & lex.titles_ranks_or_actor_nouns


_ITS_SPOKESPERSON = frozenset({"باسمه", "باسمها", "باسمهم"})


def _latest_body(where: int, actors: ActorIndex, lex: Lexicon, article: _Article) -> tuple[str, str] | None:
    """The body (not a person) the article named or quoted last before ``where``."""
    named = [(s.start, s.actor_canonical, s.actor_type) for s in article.statements]
    named += [(m.start, m.canonical, m.actor_type) for m in article.mentions if m.start < where]
    for _, canonical, actor_type in sorted(named, key=lambda n: n[0], reverse=True):
        if canonical in actors and not _is_person(canonical, actors, lex, ()):
            return canonical, actor_type
    return None


# "مكتب رئيس الوزراء", "المكتب الإعلامي لرئيس الوزراء", "مكتبه الإعلامي": an office speaks for
# the person it serves.
_OFFICE_HEADS = frozenset({"مكتب"})
_OFFICE_OWNED = frozenset({"مكتبه", "مكتبها"})
_OFFICE_QUALIFIERS = frozenset({"الاعلامي", "الخاص", "الصحفي", "الرسمي"})


def _holder_in_article(title: Sequence[str], where: int, actors: ActorIndex, lex: Lexicon, article: _Article,
                       current: str | None = None) -> tuple[str, str] | None:
    """The person of the table the article names by a name and whose names carry every
    word of ``title`` (a nationality adjective aside): the holder of that title in this
    article, nearest to ``where``, earlier mentions first.

    ``current`` is the holder the table gives; when the article names it too, or the
    title has fewer than two words, nothing is returned. Titles change hands
    (``رئيس الوزراء العراقي`` was الكاظمي in 2021), and the article says who held it.
    """
    keys = [_title_keys(t, lex) for t in title if nationality(t) is None]
    if len(keys) < 2:
        return None
    named: list[tuple[int, str, str]] = [(m.start, m.canonical, m.actor_type) for m in article.mentions if m.proper]
    if current is not None and any(c == current for _, c, _ in named):
        return None
    found = []
    for start, canonical, actor_type in named:
        if canonical == current or not _is_person(canonical, actors, lex, ()):
            continue
        names = _name_tokens(actors.names_of(canonical) | {canonical_key(canonical)}, lex)
        if all(k & names for k in keys):
            found.append((start > where, abs(start - where), canonical, actor_type))
    if not found:
        return None
    best = min(found)
    return best[2], best[3]


def _office_holder(tokens: Sequence[str], where: int, actors: ActorIndex, lex: Lexicon, article: _Article) -> tuple[str, str] | None:
    """The person an office speaks for, or None when the span is not a person's office.

    ``مكتب رئيس الوزراء`` and ``المكتب الإعلامي لرئيس الوزراء`` resolve the title as any
    speaker would (the holder the article named, else the table's); ``مكتبه الإعلامي``
    is the office of the person who spoke last. An office of a body (``مكتب الأمم
    المتحدة``) or of no one found is left to the other rules.
    """
    head = strip_article(tokens[0].lstrip("وف"))
    if head in _OFFICE_OWNED:
        rest = [t for t in tokens[1:] if t not in _OFFICE_QUALIFIERS]
        if rest:
            return None
        # "استقبل رئيس الوزراء محمد شياع السوداني ...، بحسب بيان لمكتبه": the person the
        # sentence named first (the subject, not the guest he received) ...
        since = article.statements[-1].end if article.statements else 0
        line = article.line_of(where)
        named = [m for m in article.mentions if since <= m.start < where and m.proper and article.line_of(m.start) == line
                 and _is_person(m.canonical, actors, lex, ())]
        if named:
            return named[0].canonical, named[0].actor_type
        # ... else the person who spoke last
        if article.statements:
            last = article.statements[-1]
            if last.actor_canonical in actors and _is_person(last.actor_canonical, actors, lex, ()):
                return last.actor_canonical, last.actor_type
        return None
    if head not in _OFFICE_HEADS:
        return None
    k = 1
    while k < len(tokens) and tokens[k] in _OFFICE_QUALIFIERS:
        k += 1
    if k >= len(tokens):
        return None
    first = _without_lam(tokens[k]) if k > 1 or tokens[k].startswith("لل") else tokens[k]
    owner = " ".join([first, *tokens[k + 1:]])
    canonical, actor_type = _resolve(owner, where, actors, lex, article)
    if canonical in actors and _is_person(canonical, actors, lex, ()):
        return canonical, actor_type
    # "وأعلن المكتب الإعلامي لرئيس الوزراء أن محمد شياع السوداني رعى ...": the holder the article names
    if not token_variants(first) & lex.person_titles:
        return None  # "مكتب مكافحة الإرهاب في وزارة الخارجية": a body's office
    return _holder_in_article([first, *tokens[k + 1:]], where, actors, lex, article)


def _earlier_unknown_with_title(tokens: Sequence[str], actors: ActorIndex, lex: Lexicon, article: _Article) -> tuple[str, str] | None:
    """A person's title alone ("وأضاف المحلل", "ولفت النائب") for a person the table lacks
    whom the article quoted before with that title and a name (``المحلل السياسي إبراهيم
    السراج``): that person, not the collective alias the title word also is."""
    if len(tokens) == 1 and strip_article(tokens[0].lstrip("وف")) in OUTLET_NOUNS and tokens[0].lstrip("وف").startswith("ال"):
        # "وأضافت الصحيفة": the outlet the article quoted before
        noun = strip_article(tokens[0].lstrip("وف"))
        for statement in reversed(article.statements):
            written = tokenize_names(statement.actor)
            if written and strip_article(written[0]) == noun:
                return statement.actor_canonical, statement.actor_type
        return None
    if len(tokens) > 2 or not token_variants(tokens[0]) & lex.person_titles or not tokens[0].lstrip("وف").startswith("ال"):
        return None
    keys = _title_keys(tokens[0], lex)
    stated = nationality(tokens[1]) if len(tokens) > 1 else None
    for statement in reversed(article.statements):
        if statement.actor_canonical in actors:
            continue
        written = tokenize_names(statement.actor)
        own = {n for t in written if (n := nationality(t)) is not None}
        if stated is not None and own and stated not in own:
            continue  # "الوزير العراقي" is not the British minister quoted last
        if len(written) > len(tokens) and keys & _title_keys(written[0], lex) and canonical_key(statement.actor_canonical) != canonical_key(statement.actor):
            return statement.actor_canonical, statement.actor_type
    return None


def _names_its_holder(tokens: Sequence[str], shared: AliasMatch, match: AliasMatch | None, written: str,
                      actors: ActorIndex, lex: Lexicon) -> bool:
    """Whether a title several actors hold stands for the speaker in this span.

    Not when the span names the speaker otherwise: a name from the table
    (``وزير الخارجية الأمريكي ماركو روبيو`` after Blinken was named), a longer alias around
    the title, a dependent head before it (``مستشار رئيس الوزراء``), or a personal name
    after it that the table lacks.
    """
    if match is not None:
        inside = match.start <= shared.start and shared.end <= match.end and (match.end - match.start) > (shared.end - shared.start)
        named = not (token_variants(tokens[match.start]) & lex.title_words) and match.end > shared.end
        if inside or named:
            return False
    if shared.start > 0 and token_variants(tokens[shared.start - 1]) & lex.dependent_heads:
        return False
    return not (shared.end < len(tokens) and actors.personal_name(written) is not None)


def _is_person(canonical: str, actors: ActorIndex, lex: Lexicon, history: Sequence[Statement]) -> bool:
    """Whether an actor is a person: some name of it opens with a person's title, or it
    is named by a personal name (no title or body word in its canonical name)."""
    names = set(actors.names_of(canonical)) | {canonical_key(s.actor) for s in history if s.actor_canonical == canonical} | {canonical_key(canonical)}
    person_titles = lex.person_titles
    for name in names:
        first = token_variants(name.split()[0])
        if first & lex.body_nouns:
            return False
    return any(token_variants(name.split()[0]) & person_titles for name in names) or not any(token_variants(w) & lex.titles_or_actor_nouns or w in places() for name in names for w in name.split())


def _cited_account(toks: Sequence[_Token], speaker: _Speaker, actors: ActorIndex, lex: Lexicon, article: _Article) -> tuple[str, str] | None:
    """The actor a "both sides" clause is reported by: the source after بحسب/وفق in the
    sentence (``بحسب البيت الأبيض``, ``وفق البيان`` -> the document's issuer, ``بحسب بيان
    المكتب`` -> the office's holder), when it resolves to an actor of the table."""
    for k, tok in enumerate(toks):
        if tok.norm not in lex.source_words or speaker.start <= k < speaker.end:
            continue
        k += 1
        if k < len(toks) and toks[k].norm in ("ل", "لما", "ما"):
            k += 1
        start, end = _span_after(toks, k, lex, stop_at_comma=True)
        words = [t.raw for t in toks[start:end] if not t.is_punct]
        if not words:
            continue
        if strip_article(tokenize_names(words[0])[0]) in lex.document_words and len(words) > 1 and not actors.find_aliases(tokenize_names(" ".join(words[:2]))):
            words = words[1:]  # "بحسب بيان المكتب", "وفق بيان البيت الأبيض": the document's author
        written = " ".join(words)
        canonical, actor_type = _resolve(written, toks[start].start, actors, lex, article)
        if canonical in actors:
            return canonical, actor_type
    return None


def _note_document(statement: Statement, toks: Sequence[_Token], speaker: _Speaker, actors: ActorIndex, lex: Lexicon, article: _Article) -> None:
    """A statement made "in a statement/letter" (``قالت الهيئة في بيان``, ``وجهت الوزارة
    رسالة``) makes its actor the issuer of that document."""
    for tok in toks[speaker.end :]:
        if token_variants(tok.norm) & lex.document_words:
            article.documents.append(_Document(tok.start, statement.actor_canonical, statement.actor_type, False))
            article.documents.sort(key=lambda d: (d.start, d.explicit))
            return


_DASHES = ("-", "\u2013", "\u2014")  # - – —
_DATELINE_TOKENS = 4


def _dateline_end(text: str, toks: Sequence[_Token]) -> int:
    """Tokens of a leading dateline (``بغداد –``, ``واشنطن (رويترز) -``) to skip: a place is no speaker.

    A dash after at most four tokens (again after the first dash), with nothing but spaces
    between the token before it and the dash.
    """
    start = 0
    k = 0
    while k < min(start + _DATELINE_TOKENS, len(toks) - 1):
        gap = text[toks[k].end : toks[k + 1].start].strip()
        if gap in _DASHES:
            start = k + 1  # "المنامة – بغداد – أكدت": one dateline after another
        elif gap:
            break
        k += 1
    return start


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
    lines = body_lines(text)
    article: _Article | None = None
    statements: list[Statement] = []
    index = _TokenIndex(text)
    for start, end in statement_units(text):
        toks = index.span(start, end)
        toks = toks[_dateline_end(text, toks):]
        speaker = _find_speaker(toks, actors, lex)
        if speaker is None:
            continue
        if article is None:
            body = [t for s, e in lines for t in index.span(s, e)]
            words = [t for t in body if not t.is_punct]
            mentions = _mentions(words, actors, lex)
            article = _Article(statements, mentions, _documents(body, mentions, actors, lex), lines, body=body)
        cue = text[toks[speaker.cue].start : toks[speaker.cue].end]
        # The addressee after "وطالب"/"ودعا" leaves the speaker of the sentence before,
        # when that sentence is in the same paragraph.
        follows = bool(statements) and article.line_of(statements[-1].start) == article.line_of(start)
        if speaker.start < 0 or (speaker.kind == "object" and follows):
            if not statements:
                continue
            last = statements[-1]
            written, canonical, actor_type = last.actor, last.actor_canonical, last.actor_type
        else:
            written = text[toks[speaker.start].start : toks[speaker.end - 1].end]
            if toks[speaker.cue].norm in ("سبق", "وسبق") and written.startswith("ل"):
                written = _without_lam(written)  # "وسبق للكعبي أن"
            where = toks[speaker.start].start
            canonical, actor_type = _resolve(written, where, actors, lex, article)
            bare = tokenize_names(written)
            if len(bare) == 1 and bare[0] in lex.both_sides:
                # "وأكد الجانبان، وفق بيان البيت الأبيض": the account the sentence cites (A3.1)
                canonical, actor_type = _cited_account(toks, speaker, actors, lex, article) or (canonical, actor_type)
            if len(bare) == 1 and canonical not in actors and canonical_key(canonical) == bare[0] and not bare[0].startswith("ال"):
                # "وقال شابيرو": a surname the table lacks, named in full earlier in the article
                canonical = article.full_name(bare[0], where, actors) or canonical
        statement = Statement(start, end, text[start:end], written, canonical, actor_type, cue)
        statements.append(statement)
        if speaker.start >= 0:
            _note_document(statement, toks, speaker, actors, lex, article)
    return statements
