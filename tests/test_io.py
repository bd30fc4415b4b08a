"""Tests for stance.io: every input kind, every bad-input kind, and that a batch goes on."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from stance.errors import InputError
from stance.io import Article, decode_bytes, read_articles

ARABIC = "قال وزير الخارجية العراقي إن الحوار مع واشنطن مستمر.\nوأضاف: «لا نحتاج إلى قوات قتالية»."
HTML = f"""<html><head><title>خبر</title></head><body>
<nav><a href="/">الرئيسية</a></nav>
<article><h1>الحوار العراقي الأمريكي</h1>
<p>{ARABIC.splitlines()[0]} وتابع الوزير أن اللجنة العسكرية العليا ستجتمع الأسبوع المقبل في بغداد لبحث جدول زمني.</p>
<p>{ARABIC.splitlines()[1]} وأوضح أن العلاقة الأمنية الثنائية مع الولايات المتحدة ستستمر في مجالات التدريب والتسليح.</p>
</article><footer>جميع الحقوق محفوظة</footer></body></html>"""


def _read(paths, **kwargs):
    return list(read_articles([str(p) for p in paths], **kwargs))


@pytest.mark.parametrize(
    "name, data",
    [
        ("utf8.txt", ARABIC.encode("utf-8")),
        ("bom.txt", b"\xef\xbb\xbf" + ARABIC.encode("utf-8")),
        ("utf16.txt", ARABIC.encode("utf-16")),
        ("cp1256.txt", ARABIC.encode("cp1256")),
        ("crlf.txt", ARABIC.replace("\n", "\r\n").encode("utf-8")),
    ],
)
def test_text_encodings_decode_to_the_same_text(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    [article] = _read([path])
    assert article == Article(article_id=path.stem, text=ARABIC, source=str(path))


def test_html_body_is_extracted(tmp_path: Path):
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    [article] = _read([path])
    assert isinstance(article, Article)
    assert "وتابع الوزير" in article.text
    assert "الرئيسية" not in article.text


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("english.txt", b"The minister said the talks go on.", "no Arabic text"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes)"),
        ("latin.txt", "Ça coûte très cher à Noël, déjà été.".encode("latin-1"), "undecodable bytes (not UTF-8, UTF-16 or Windows-1256)"),
        ("scan.pdf", b"%PDF-1.4", "unsupported file type '.pdf' (expected one of .txt, .html, .htm, .jsonl)"),
    ],
)
def test_bad_inputs_yield_one_line_errors(tmp_path: Path, name: str, data: bytes, message: str):
    path = tmp_path / name
    path.write_bytes(data)
    [error] = _read([path])
    assert isinstance(error, InputError)
    assert str(error) == f"{path}: {message}"
    assert error.path == str(path) and error.line is None


def test_missing_file(tmp_path: Path):
    path = tmp_path / "nothere.txt"
    [error] = _read([path])
    assert str(error) == f"{path}: file not found"


def test_size_is_checked_before_reading(tmp_path: Path):
    path = tmp_path / "big.txt"
    path.write_text(ARABIC, encoding="utf-8")
    size = path.stat().st_size
    [error] = _read([path], max_bytes=10)
    assert str(error) == f"{path}: file is {size} bytes, over the limit of 10 bytes"


def test_a_bad_file_does_not_stop_the_batch(tmp_path: Path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(ARABIC, encoding="utf-8")
    bad.write_bytes(b"")
    results = _read([bad, good])
    assert isinstance(results[0], InputError)
    assert isinstance(results[1], Article) and results[1].article_id == "good"


def test_jsonl_streams_records_and_reports_bad_lines(tmp_path: Path):
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a1", "text": ARABIC}, ensure_ascii=False),
        "{not json",
        "",
        json.dumps({"text": ARABIC}, ensure_ascii=False),
        json.dumps({"id": "a4"}),
        json.dumps({"id": "a5", "text": "only English here"}),
        json.dumps(["a", "b"]),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = _read([path])
    assert [type(r).__name__ for r in results] == ["Article", "InputError", "Article", "InputError", "InputError", "InputError"]
    assert results[0] == Article("a1", ARABIC, f"{path}:1")
    assert str(results[1]) == f"{path}:2: malformed JSON line (Expecting property name enclosed in double quotes at column 2)"
    assert results[1].line == 2
    assert results[2].article_id == "batch:4" and results[2].source == f"{path}:4"
    assert str(results[3]) == f"{path}:5: missing or non-string 'text' field"
    assert str(results[4]) == f"{path}:6: no Arabic text"
    assert str(results[5]) == f"{path}:7: expected a JSON object with 'id' and 'text', got list"


def test_jsonl_line_limit(tmp_path: Path):
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"id": "x", "text": ARABIC}, ensure_ascii=False) + "\n", encoding="utf-8")
    [error] = _read([path], max_bytes=20)
    assert error.line == 1 and "over the limit of 20 bytes" in str(error)


def test_directories_are_walked_recursively_in_sorted_order(tmp_path: Path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / "notes.csv").write_text("x,y", encoding="utf-8")
    results = _read([tmp_path])
    assert [r.article_id for r in results] == ["a", "two"]


def test_stdin(monkeypatch: pytest.MonkeyPatch):
    fake = io.TextIOWrapper(io.BytesIO(ARABIC.encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", fake)
    [article] = list(read_articles(["-"]))
    assert article == Article("stdin", ARABIC, "-")


def test_max_bytes_must_be_positive():
    with pytest.raises(ValueError, match="max_bytes must be a positive integer, got 0"):
        list(read_articles([], max_bytes=0))


def test_decode_bytes_prefers_utf8_then_cp1256():
    assert decode_bytes("السوداني".encode("cp1256")) == "السوداني"
    assert decode_bytes("السوداني".encode("utf-8")) == "السوداني"
