"""Arabic news text: a folding key for matching, boilerplate lines, and sentence splitting.

Every span is a pair of Python character offsets into the ORIGINAL text (the gold offsets
point into raw scrapes), so nothing here rewrites the text it is given: functions return
``(start, end)`` pairs and callers slice.

The boilerplate patterns live in ``stance/data/boilerplate.yaml``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

import yaml

__all__ = [
    "match_key",
    "line_spans",
    "boilerplate_spans",
    "body_lines",
    "split_sentences",
    "BoilerplateRules",
    "load_boilerplate_rules",
]

Span = tuple[int, int]

_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
_WORD = re.compile(r"[^\W_]+")
_W_RUN = re.compile(r"\w+")
_LETTER = re.compile(r"[^\W\d_]")
_SENTENCE_END = ".!?؟…"
_CLOSERS = "»”’)]"
_BREAK_OR_QUOTE = re.compile("[" + re.escape(_SENTENCE_END) + '"]')
# A line "ends a sentence" if its last visible characters are final punctuation, possibly
# followed by closing quotes or brackets.
_ENDS_WITH_PUNCT = re.compile(r"[.!?؟…][\s»”’\"')\]]*$")


@functools.lru_cache(maxsize=1 << 17)  # pure; the same words come back thousands of times per batch
def strip_diacritics(text: str) -> str:
    """``text`` without Arabic diacritics and tatweel, letters otherwise as written (``علي`` stays
    apart from ``على``, unlike :func:`match_key`)."""
    return _DIACRITICS.sub("", text)


def match_key(text: str) -> str:
    """Fold Arabic spelling variants for matching words (not for display, not for models).

    Removes diacritics and tatweel, maps أ إ آ ٱ to ا, ى to ي, ة to ه, ؤ to و and ئ to ي,
    and lower-cases Latin letters. The length of the string may change.

    This is deliberately separate from :func:`stance.normalize.normalize_arabic`, the
    camel-tools normaliser inside the model pipeline: ``match_key`` is a fast, fixed
    folding used to compare cue words, aliases and boilerplate patterns, and it must not
    change when the model's normalisation options do.

    Parameters
    ----------
    text:
        Any text.

    Returns
    -------
    str
        The folded text.

    Examples
    --------
    >>> match_key("الحكومةُ العراقيّة")
    'الحكومه العراقيه'
    """
    return _DIACRITICS.sub("", text).translate(_ALEF).lower()


@dataclass(frozen=True)
class BoilerplateRules:
    """Compiled boilerplate patterns (see ``stance/data/boilerplate.yaml``).

    Attributes
    ----------
    prefixes:
        A normalised line starting with one of these is boilerplate.
    contains:
        A normalised line containing one of these is boilerplate.
    date_words:
        Words allowed in a date/time-only line besides digits and punctuation.
    short_line_words:
        Lines with fewer words and no final punctuation are not body text.
    date_tokens:
        Every word of the date words, lower-cased, when they are plain words (``|``
        alternatives of space-separated words); None when some use other regex syntax.
    """

    prefixes: re.Pattern[str]
    contains: re.Pattern[str]
    date_words: re.Pattern[str]
    short_line_words: int
    date_tokens: frozenset[str] | None = None


@functools.cache
def load_boilerplate_rules() -> BoilerplateRules:
    """Load and compile the packaged boilerplate patterns (cached after the first call).

    Returns
    -------
    BoilerplateRules
        The compiled rules.
    """
    raw = yaml.safe_load(resources.files("stance.data").joinpath("boilerplate.yaml").read_text(encoding="utf-8"))
    return BoilerplateRules(
        prefixes=re.compile(r"^\W*(?:" + "|".join(raw["line_prefixes"]) + ")", re.IGNORECASE),
        contains=re.compile("|".join(raw["line_contains"]), re.IGNORECASE),
        date_words=re.compile(r"\b(?:" + "|".join(raw["date_words"]) + r")\b", re.IGNORECASE),
        short_line_words=int(raw["short_line_words"]),
        date_tokens=_plain_words(raw["date_words"]),
    )


def _plain_words(patterns: list[str]) -> frozenset[str] | None:
    """The words of regex alternatives that are plain words, or None if any is not."""
    words = [w for pattern in patterns for alternative in pattern.split("|") for w in alternative.split()]
    if not all(_W_RUN.fullmatch(w) for w in words):
        return None
    return frozenset(w.lower() for w in words)


def line_spans(text: str) -> list[Span]:
    """Spans of the non-blank lines of ``text``, without their surrounding whitespace.

    Parameters
    ----------
    text:
        The article text.

    Returns
    -------
    list of (int, int)
        ``(start, end)`` offsets of each non-blank line, in order.
    """
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def _is_repeat(key: str, seen: list[str]) -> bool:
    """Whether earlier lines make up at least half of this one."""
    if key in seen:
        return True
    rest = key
    for old in seen:
        if len(old) >= 15 and old in rest:
            rest = rest.replace(old, " ")
    return len(rest.strip()) * 2 <= len(key)


def _is_date_line(norm: str, rules: BoilerplateRules) -> bool:
    # The date words match whole words only: a word with a letter that no date word has
    # settles it at once (body lines fail on their first word).
    for word in _W_RUN.finditer(norm):
        if rules.date_tokens is not None and word.group().lower() not in rules.date_tokens and _LETTER.search(word.group()):
            return False
    rest = rules.date_words.sub(" ", norm)
    return not re.search(r"[^\W\d_]", rest)


def _is_short_heading(line: str, rules: BoilerplateRules) -> bool:
    if _ENDS_WITH_PUNCT.search(line):
        return False
    return len(_WORD.findall(line)) < rules.short_line_words


def boilerplate_spans(text: str) -> list[Span]:
    """Lines of ``text`` that are not body text.

    A line is boilerplate when it matches a pattern of ``boilerplate.yaml`` (related
    links, share buttons, comment forms, copyright, captions with a photo credit, ...),
    holds only a date or time, has no Arabic letters, repeats or contains an earlier line
    (a repeated title), or is short and has no sentence-final punctuation (headline,
    sub-heading, dateline, caption, link text).

    Parameters
    ----------
    text:
        The article text.

    Returns
    -------
    list of (int, int)
        Offsets of the boilerplate lines, in order.
    """
    rules = load_boilerplate_rules()
    dropped: list[Span] = []
    seen: list[str] = []
    for start, end in line_spans(text):
        line = text[start:end]
        norm = match_key(line)
        key = " ".join(_WORD.findall(norm))
        # A repeated title may come glued to site names or twice on one line: it is repeated
        # if an earlier line makes up at least half of it.
        repeated = bool(key) and _is_repeat(key, seen)
        if (
            repeated
            or not _ARABIC_LETTER.search(line)
            or rules.prefixes.search(norm)
            or rules.contains.search(norm)
            or _is_date_line(norm, rules)
            or _is_short_heading(line, rules)
        ):
            dropped.append((start, end))
        if key:
            seen.append(key)
    return dropped


def body_lines(text: str) -> list[Span]:
    """Lines of ``text`` that are body text (the complement of :func:`boilerplate_spans`).

    Parameters
    ----------
    text:
        The article text.

    Returns
    -------
    list of (int, int)
        Offsets of the body lines, in order.
    """
    return list(_body_lines(text))


@functools.lru_cache(maxsize=8)  # statement_units and find_statements both ask, for the same article
def _body_lines(text: str) -> tuple[Span, ...]:
    dropped = set(boilerplate_spans(text))
    return tuple(span for span in line_spans(text) if span not in dropped)


def _token_before(text: str, pos: int, floor: int) -> str:
    """The run of letters immediately before ``pos``."""
    i = pos
    while i > floor and text[i - 1].isalpha():
        i -= 1
    return text[i:pos]


def _is_sentence_break(text: str, pos: int, start: int, end: int) -> bool:
    """Whether the punctuation mark at ``pos`` ends a sentence."""
    char = text[pos]
    if char != ".":
        return True
    before = text[pos - 1] if pos > start else ""
    after = text[pos + 1] if pos + 1 < end else ""
    if before.isdigit() and after.isdigit():  # 2.5, 1.483
        return False
    if len(_token_before(text, pos, start)) == 1:  # initials and abbreviations: لويد ج. أوستن, أ.ف.ب
        return False
    if before.isascii() and before.isalpha() and after.isascii() and after.isalpha():  # example.com
        return False
    return True


def _split_line(text: str, start: int, end: int) -> list[Span]:
    sentences: list[Span] = []
    sent_start = start
    pos = start
    straight_quotes = 0
    search = _BREAK_OR_QUOTE.search  # only these characters matter; jump from one to the next
    while pos < end:
        found = search(text, pos, end)
        if found is None:
            break
        pos = found.start()
        char = text[pos]
        if char == '"':
            straight_quotes += 1
        if char in _SENTENCE_END and _is_sentence_break(text, pos, start, end):
            stop = pos + 1
            while stop < end and text[stop] in _SENTENCE_END:
                stop += 1
            # Closing quotes and brackets right after the mark belong to this sentence; a
            # straight quote closes only when an odd number of them is open.
            while stop < end and (text[stop] in _CLOSERS or (text[stop] == '"' and straight_quotes % 2 == 1)):
                if text[stop] == '"':
                    straight_quotes += 1
                stop += 1
            sentences.append((sent_start, stop))
            pos = stop
            while pos < end and text[pos].isspace():
                pos += 1
            sent_start = pos
            continue
        pos += 1
    if sent_start < end:
        sentences.append((sent_start, end))
    return [(s, e) for s, e in sentences if text[s:e].strip()]


def split_sentences(text: str, *, body_only: bool = False) -> list[Span]:
    """Split Arabic news text into sentences, as offsets into ``text``.

    ``.`` ``!`` ``?`` ``؟`` ``…`` and line breaks end a sentence; ``،`` ``؛`` and ``:`` do
    not. A period glued to the next word (``التحول.وجاء``) still ends one; a period inside
    a number (``2.5``), after a single-letter initial (``لويد ج. أوستن``, ``أ.ف.ب``) or
    between Latin letters (``example.com``) does not. Closing quotes and brackets that
    follow the final mark stay with the sentence.

    Parameters
    ----------
    text:
        The article text.
    body_only:
        If true, sentences of boilerplate lines (see :func:`boilerplate_spans`) are left
        out.

    Returns
    -------
    list of (int, int)
        ``(start, end)`` offsets of each sentence, without surrounding whitespace.

    Examples
    --------
    >>> t = "قال الوزير إن الاتفاق تم.وأضاف: «نحن مستعدون»."
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['قال الوزير إن الاتفاق تم.', 'وأضاف: «نحن مستعدون».']
    """
    lines = body_lines(text) if body_only else line_spans(text)
    return [span for start, end in lines for span in _split_line(text, start, end)]
