"""The HTML review page: what render_report writes, the `stance report` command, and the page in Chromium."""

from __future__ import annotations

import os
import re
import stat
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from stance.cli import app
from stance.errors import StanceError
from stance.io import Article
from stance.model import Classification, Prediction
from stance.predict import ScoredStatement, actor_summary, load_model
from stance.report import STANCE_STYLES, render_report, write_report
from tests.conftest import ARTICLE, needs_chromium, run_chromium

runner = CliRunner()

KHAZALI = "قال قيس الخزعلي إن على القوات الأمريكية مغادرة العراق فوراً ومن دون شروط."
PENTAGON = "وأكد المتحدث باسم البنتاغون أن الشراكة الأمنية مع بغداد ستستمر عبر التدريب والمشورة."


def _row(article: Article, sentence: str, actor: str, actor_type: str, stance: str, confidence: float,
         frame: str | None = "security", start: int | None = None, end: int | None = None) -> ScoredStatement:
    """A scored statement over ``sentence``'s span in ``article`` (or the given offsets)."""
    if start is None:
        start = article.text.index(sentence)
        end = start + len(sentence)
    others = [s for s in STANCE_STYLES if s != stance]
    rest = (1 - confidence) / len(others)
    scores = {stance: confidence, **{s: rest for s in others}}
    result = Classification(Prediction(stance, scores), Prediction(frame, {frame: 1.0}) if frame else None)
    return ScoredStatement(article.article_id, article.source, start, end, sentence, actor, actor, actor_type, result)


def _two_rows(article: Article) -> list[ScoredStatement]:
    return [_row(article, KHAZALI, "قيس الخزعلي", "armed_faction", "full_withdrawal", 0.81, "sovereignty"),
            _row(article, PENTAGON, "المتحدث باسم البنتاغون", "us_government", "bilateral_partnership", 0.64, None)]


class _Page(HTMLParser):
    """Collects the marks (attributes, text, nesting depth), the article's text and the summary rows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.html_attrs: dict = {}
        self.marks: list[dict] = []
        self.summary: list[list[str]] = []
        self.article_text = ""
        self._open_marks: list[dict] = []
        self._in_article = False
        self._in_tbody = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        elif tag == "div" and attrs.get("class") == "article":
            self._in_article = True
        elif tag == "mark":
            mark = {**attrs, "text": "", "depth": len(self._open_marks)}
            self.marks.append(mark)
            self._open_marks.append(mark)
        elif tag == "tbody":
            self._in_tbody = True
        elif tag == "tr" and self._in_tbody:
            self.summary.append([])
        elif tag == "td" and self._in_tbody:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "mark":
            self._open_marks.pop()
        elif tag == "div":
            self._in_article = False
        elif tag == "tbody":
            self._in_tbody = False
        elif tag == "td" and self._cell is not None:
            self.summary[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._in_article:
            self.article_text += data
        for mark in self._open_marks:
            mark["text"] += data
        if self._cell is not None:
            self._cell.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


@pytest.fixture
def article() -> Article:
    return Article("a1", ARTICLE, "news/a1.txt")


def test_page_is_rtl_arabic_and_self_contained(article):
    html = render_report(article, _two_rows(article), actor_summary(_two_rows(article)))
    assert html.startswith("<!DOCTYPE html>\n")
    assert '<html dir="rtl" lang="ar">' in html
    assert '<meta charset="utf-8">' in html
    for external in ("http://", "https://", "src=", "<link", "@import", "url("):
        assert external not in html


def test_one_mark_per_statement_over_its_exact_span(article):
    rows = _two_rows(article)
    page = _parse(render_report(article, rows, actor_summary(rows)))
    assert [m["text"] for m in page.marks] == [KHAZALI, PENTAGON]
    assert page.article_text == ARTICLE
    first, second = page.marks
    assert first["class"] == "stmt stance-full_withdrawal"
    assert first["data-stance"] == "full_withdrawal"
    assert first["data-actor"] == "قيس الخزعلي"
    assert first["data-actor-type"] == "armed_faction"
    assert first["data-confidence"] == "0.8100"
    assert first["data-frame"] == "sovereignty"
    assert first["title"] == "قيس الخزعلي — full_withdrawal (0.81) — sovereignty"
    assert (first["data-start"], first["data-end"]) == (str(rows[0].start), str(rows[0].end))
    assert second["class"] == "stmt stance-bilateral_partnership"
    assert second["data-frame"] == ""
    assert second["title"].endswith("— no frame")


def test_every_stance_has_its_own_colour_and_underline_and_a_legend_entry(article):
    html = render_report(article, _two_rows(article), actor_summary(_two_rows(article)))
    styles = list(STANCE_STYLES.values())
    assert len({s[1] for s in styles}) == len({s[2] for s in styles}) == len({s[3] for s in styles}) == 3
    for label, (_, background, border, border_style) in STANCE_STYLES.items():
        assert f".stance-{label} {{ background: {background}; border-bottom: 3px {border_style} {border}; }}" in html
        assert f'<li data-stance="{label}">' in html


def test_text_and_attributes_are_escaped():
    text = 'قال "زيد" <b>إن</b> الانسحاب & التدريب <script>alert(1)</script> سيستمر.\n'
    article = Article("<x>", text, "a&b.txt")
    row = _row(article, text.strip(), 'زيد "<i>', "<t>", "ambiguous", 0.5, "process")
    html = render_report(article, [row], actor_summary([row]))
    assert "<script>alert" not in html and "<b>" not in html and "<i>" not in html and "<x>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "a&amp;b.txt" in html
    page = _parse(html)
    assert page.article_text == text
    assert page.marks[0]["text"] == text.strip()
    assert page.marks[0]["data-actor"] == 'زيد "<i>'
    assert page.summary[0][:2] == ['زيد "<i>', "<t>"]


def test_summary_table_has_one_row_per_actor(article):
    rows = _two_rows(article) + [_row(article, KHAZALI, "قيس الخزعلي", "armed_faction", "ambiguous", 0.41)]
    page = _parse(render_report(article, rows, actor_summary(rows)))
    assert page.summary == [
        ["قيس الخزعلي", "armed_faction", "2", "ambiguous", "ambiguous\xa01 full_withdrawal\xa01", "0.61"],
        ["المتحدث باسم البنتاغون", "us_government", "1", "bilateral_partnership", "bilateral_partnership\xa01", "0.64"],
    ]


def test_statements_sharing_a_span_nest_and_partial_overlaps_are_cut(article):
    rows = _two_rows(article) + [_row(article, KHAZALI, "قيس الخزعلي", "armed_faction", "ambiguous", 0.41)]
    start = rows[0].start + 4
    rows.append(_row(article, "x", "other", "analyst", "ambiguous", 0.5, start=start, end=rows[1].end))
    page = _parse(render_report(article, rows, actor_summary(rows)))
    assert len(page.marks) == 4
    assert page.article_text == ARTICLE
    assert [m["depth"] for m in page.marks] == [0, 1, 2, 0]
    assert page.marks[2]["text"] == KHAZALI[4:]  # cut at the end of the enclosing statement
    assert page.marks[2]["data-end"] == str(rows[1].end)


def test_an_unknown_stance_label_is_shown_in_grey_with_a_legend_entry(article):
    row = _row(article, KHAZALI, "قيس الخزعلي", "armed_faction", "FAVOR", 0.9)
    html = render_report(article, [row], actor_summary([row]))
    assert '<mark class="stmt stance-FAVOR"' in html
    assert ".stance-FAVOR { background: #e4e4e4; border-bottom: 3px dotted #555555; }" in html
    assert '<li data-stance="FAVOR">' in html


def test_no_statements_still_renders_the_article(article):
    page = _parse(render_report(article, [], []))
    assert page.marks == [] and page.summary == [] and page.article_text == ARTICLE


def test_offsets_outside_the_text_are_refused(article):
    row = _row(article, KHAZALI, "قيس الخزعلي", "armed_faction", "ambiguous", 0.5, start=10, end=len(ARTICLE) + 1)
    with pytest.raises(ValueError) as info:
        render_report(article, [row], actor_summary([row]))
    assert str(info.value) == (f"statement [10, {len(ARTICLE) + 1}) of 'a1' is outside the article text "
                               f"(length {len(ARTICLE)}); were the rows scored on another article?")


def test_write_report_replaces_atomically_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "out" / "report.html"
    assert write_report(target, "<p>old</p>") == target
    write_report(target, "<p>جديد</p>")
    assert target.read_text(encoding="utf-8") == "<p>جديد</p>"
    assert os.listdir(target.parent) == ["report.html"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_write_report_into_a_folder_is_one_clear_error(tmp_path):
    (tmp_path / "report.html").mkdir()
    with pytest.raises(StanceError) as info:
        write_report(tmp_path / "report.html", "<p></p>")
    assert str(info.value) == f"{tmp_path / 'report.html'}: cannot write the report (Is a directory)"
    assert os.listdir(tmp_path / "report.html") == []
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_report_command_writes_the_page_and_prints_its_path(trained, tmp_path):
    _, model_dir, _ = trained
    source = tmp_path / "a1.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    output = tmp_path / "pages" / "a1.html"
    result = runner.invoke(app, ["report", str(source), "-o", str(output), "--model", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{output}\n"
    page = _parse(output.read_text(encoding="utf-8"))
    assert len(page.marks) == 2
    assert page.marks[0]["data-actor"].endswith("الخزعلي")
    assert len(page.summary) == 2


def test_report_command_on_a_missing_article_is_one_line(tmp_path):
    missing = tmp_path / "nope.txt"
    result = runner.invoke(app, ["report", str(missing), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 1
    assert result.stderr == f"error: {missing}: file not found\n"
    assert not (tmp_path / "r.html").exists()


def test_report_command_takes_exactly_one_article(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / "in" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["report", str(tmp_path / "in"), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / 'in'}: holds 2 articles; `stance report` takes exactly one\n"


# Appended to a copy of the page: records what Chromium computed, so the test can check that the
# stylesheet applied (colours, right-to-left) and not only that the markup is there.
_PROBE = """<script>
window.addEventListener("load", function () {
  var b = document.body, marks = document.querySelectorAll("mark.stmt");
  b.dataset.direction = getComputedStyle(document.getElementById("article")).direction;
  b.dataset.backgrounds = Array.prototype.map.call(marks, function (m) {
    return m.dataset.stance + "=" + getComputedStyle(m).backgroundColor; }).join(";");
  b.dataset.visible = String(Array.prototype.filter.call(marks, function (m) {
    return m.getBoundingClientRect().width > 0; }).length);
});
</script>"""


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@needs_chromium
def test_report_renders_with_highlights_in_headless_chromium(trained, tmp_path):
    """The page as a browser shows it: every statement highlighted in its stance's colour, right to left."""
    _, model_dir, _ = trained
    article = Article("a1", ARTICLE, "a1.txt")
    model = load_model(model_dir)
    texts = [KHAZALI, PENTAGON]
    results = model.classify(texts, ["قيس الخزعلي", "المتحدث باسم البنتاغون"], ["armed_faction", "us_government"])
    rows = [ScoredStatement("a1", "a1.txt", ARTICLE.index(t), ARTICLE.index(t) + len(t), t, actor, actor, kind, r)
            for t, actor, kind, r in zip(texts, ["قيس الخزعلي", "المتحدث باسم البنتاغون"],
                                          ["armed_faction", "us_government"], results)]
    html = render_report(article, rows, actor_summary(rows))
    page = write_report(tmp_path / "report.html", html.replace("</body>", _PROBE + "\n</body>"))

    dom = run_chromium(page.as_uri(), tmp_path / "profile", "--dump-dom").stdout
    body = re.search(r"<body([^>]*)>", dom).group(1)
    attributes = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', body))
    assert attributes["marks"] == "2"
    assert attributes["visible"] == "2"
    assert attributes["direction"] == "rtl"
    expected = ";".join(f"{r.result.stance.label}={_rgb(STANCE_STYLES[r.result.stance.label][1])}" for r in rows)
    assert attributes["backgrounds"] == expected
    assert dom.count('<mark class="stmt stance-') == 2

    shot = tmp_path / "report.png"
    run_chromium(page.as_uri(), tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,900",
                 "--hide-scrollbars")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
