"""Read articles as users have them: text files in any common Arabic encoding, HTML pages,
JSONL records, whole directories, or standard input.

A bad input never stops a batch: :func:`read_articles` yields an
:class:`~stance.errors.InputError` in its place (naming the file and, for JSONL, the line)
and goes on with the next one.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from stance.errors import InputError

__all__ = ["Article", "read_articles", "decode_bytes", "SUPPORTED_SUFFIXES"]

#: File suffixes :func:`read_articles` understands; a directory walk skips everything else.
SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".jsonl")

STDIN = "-"

_ARABIC_LETTERS = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]+")  # runs: counted by length
_ANY_LETTERS = re.compile(r"[^\W\d_]+")
# Below this share of Arabic among all letters a text is "not Arabic" (an English page, a
# mis-decoded file). Arabic news with some English names sits far above it.
_MIN_ARABIC_SHARE = 0.3
# Control characters other than tab, newline, carriage return and form feed: a decoded
# "text" full of these is a binary file that happened to decode.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Article:
    """One article to analyse.

    Attributes
    ----------
    article_id:
        File stem, or the JSONL record's ``id`` (``<stem>:<line>`` when it has none).
    text:
        The article text, line breaks normalised to ``\\n``; offsets of statements point
        into it.
    source:
        Where it came from: the file path, ``<path>:<line>`` for a JSONL record, ``-`` for
        standard input.
    """

    article_id: str
    text: str
    source: str


def read_articles(
    paths: Iterable[str | Path], *, max_bytes: int = 50_000_000
) -> Iterator[Article | InputError]:
    """Read articles from files, directories and standard input.

    Parameters
    ----------
    paths:
        Files (``.txt``, ``.html``, ``.htm``, ``.jsonl``), directories (walked recursively
        in sorted order, other file types skipped) and ``-`` for standard input (read as a
        text article with id ``stdin``).
    max_bytes:
        Largest file accepted, checked on its size before it is read. A JSONL file is
        streamed, so there the limit applies to each line.

    Yields
    ------
    Article or InputError
        An :class:`Article` per readable article; an :class:`~stance.errors.InputError`
        (with ``path`` and, for JSONL, ``line``) for each unreadable file or record. Errors
        are yielded, not raised, so one bad file does not stop a batch.

    Raises
    ------
    ValueError
        If ``max_bytes`` is not a positive integer.
    """
    if not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ValueError(f"max_bytes must be a positive integer, got {max_bytes!r}")
    for raw in paths:
        if str(raw) == STDIN:
            yield _read_stdin(max_bytes)
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SUPPORTED_SUFFIXES and not child.name.startswith("."):
                    yield from _read_file(child, max_bytes)
        else:
            yield from _read_file(path, max_bytes)


def decode_bytes(data: bytes) -> str:
    """Decode an Arabic text file's bytes.

    Tries, in order: a UTF-8 or UTF-16 byte-order mark, strict UTF-8, then Windows-1256
    (accepted only if most letters come out Arabic). Line breaks are normalised to ``\\n``.

    Parameters
    ----------
    data:
        The raw bytes.

    Returns
    -------
    str
        The decoded text, without a byte-order mark.

    Raises
    ------
    InputError
        ``binary file (contains NUL bytes)`` or ``undecodable bytes (not UTF-8, UTF-16 or
        Windows-1256)``, without a path (the caller adds it).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text = _strict(data[3:], "utf-8")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _strict(data, "utf-16")
    elif b"\x00" in data:
        raise InputError("binary file (contains NUL bytes)")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _strict(data, "cp1256")
            if text is not None and _arabic_share(text) < _MIN_ARABIC_SHARE:
                text = None
    if text is None:
        raise InputError("undecodable bytes (not UTF-8, UTF-16 or Windows-1256)")
    if len(_CONTROL.findall(text)) > max(2, len(text) // 100):
        raise InputError("binary file (control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _arabic_share(text: str) -> float:
    letters = sum(map(len, _ANY_LETTERS.findall(text)))
    return sum(map(len, _ARABIC_LETTERS.findall(text))) / letters if letters else 0.0


def _check_text(text: str) -> None:
    """Raise an :class:`InputError` (without path) when ``text`` is empty or not Arabic."""
    if not text.strip():
        raise InputError("empty file")
    if _arabic_share(text) < _MIN_ARABIC_SHARE:
        raise InputError("no Arabic text")


def _located(error: InputError, path: str, line: int | None = None) -> InputError:
    return InputError(error.reason, path=path, line=line)


def _read_stdin(max_bytes: int) -> Article | InputError:
    stream: BinaryIO = sys.stdin.buffer
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        return InputError(f"input over the limit of {max_bytes} bytes", path=STDIN)
    try:
        text = decode_bytes(data)
        _check_text(text)
    except InputError as error:
        return _located(error, STDIN)
    return Article(article_id="stdin", text=text, source=STDIN)


def _read_file(path: Path, max_bytes: int) -> Iterator[Article | InputError]:
    source = str(path)
    suffix = path.suffix.lower()
    if not path.exists():
        yield InputError("file not found", path=source)
        return
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(SUPPORTED_SUFFIXES)
        yield InputError(f"unsupported file type {suffix or '(none)'!r} (expected one of {allowed})", path=source)
        return
    if suffix == ".jsonl":
        yield from _read_jsonl(path, max_bytes)
        return
    size = path.stat().st_size
    if size > max_bytes:
        yield InputError(f"file is {size} bytes, over the limit of {max_bytes} bytes", path=source)
        return
    if size == 0:
        yield InputError("empty file", path=source)
        return
    try:
        text = decode_bytes(path.read_bytes())
        if suffix in (".html", ".htm"):
            text = _html_body(text)
        _check_text(text)
    except InputError as error:
        yield _located(error, source)
        return
    yield Article(article_id=path.stem, text=text, source=source)


def _html_body(html: str) -> str:
    # Imported here: trafilatura pulls in lxml and friends, which plain-text users never need.
    import trafilatura

    if not html.strip():
        raise InputError("empty file")
    body = trafilatura.extract(html, favor_precision=True)
    if not body or not body.strip():
        raise InputError("no article text found in the HTML page")
    return body


def _read_jsonl(path: Path, max_bytes: int) -> Iterator[Article | InputError]:
    source = str(path)
    any_line = False
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            any_line = True
            if len(raw) > max_bytes:
                yield InputError(f"line is {len(raw)} bytes, over the limit of {max_bytes} bytes", path=source, line=number)
                continue
            yield _jsonl_record(raw, path, number)
    if not any_line:
        yield InputError("empty file", path=source)


def _jsonl_record(raw: bytes, path: Path, number: int) -> Article | InputError:
    source = str(path)
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return InputError("undecodable bytes (JSONL must be UTF-8)", path=source, line=number)
    except json.JSONDecodeError as error:
        return InputError(f"malformed JSON line ({error.msg} at column {error.colno})", path=source, line=number)
    if not isinstance(record, dict):
        return InputError(f"expected a JSON object with 'id' and 'text', got {type(record).__name__}", path=source, line=number)
    text = record.get("text")
    if not isinstance(text, str):
        return InputError("missing or non-string 'text' field", path=source, line=number)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        _check_text(text)
    except InputError as error:
        reason = "empty text" if error.reason == "empty file" else error.reason
        return InputError(reason, path=source, line=number)
    record_id = record.get("id")
    article_id = str(record_id) if record_id not in (None, "") else f"{path.stem}:{number}"
    return Article(article_id=article_id, text=text, source=f"{source}:{number}")
