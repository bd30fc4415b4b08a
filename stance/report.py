"""The HTML review page of one scored article: the text with every statement highlighted.

:func:`render_report` is pure: it turns an article, its :class:`~stance.predict.ScoredStatement`
rows and their :func:`~stance.predict.actor_summary` into one self-contained page (inline CSS
and JavaScript, no external resources, so it opens offline and can be mailed as one file).
:func:`write_report` puts it on disk atomically.
"""

from __future__ import annotations

import os
import re
import tempfile
from html import escape
from pathlib import Path
from typing import Sequence

from stance.errors import StanceError
from stance.predict import ScoredStatement

__all__ = ["STANCE_STYLES", "render_report", "write_report"]

#: Colour and underline of each stance: (Arabic gloss, background, border colour, border style).
#: Okabe-Ito hues (vermillion, blue, yellow) told apart with every common colour-vision
#: deficiency; light tints keep dark text above 10:1 contrast, and the underline style differs
#: too, so the stance never hangs on colour alone.
STANCE_STYLES: dict[str, tuple[str, str, str, str]] = {
    "full_withdrawal": ("انسحاب كامل", "#f9d3bd", "#d55e00", "solid"),
    "bilateral_partnership": ("شراكة ثنائية", "#cde3f5", "#0072b2", "double"),
    "ambiguous": ("موقف غير محدد", "#f7efa0", "#8a7b00", "dashed"),
}
# Label sets come from the training data (e.g. Mawqif's), so a stance outside the three above
# is still shown, in grey, and gets its own legend entry.
_OTHER_STYLE = ("", "#e4e4e4", "#555555", "dotted")

_CSS = """
:root { color-scheme: light; }
body { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Arial", sans-serif;
       margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1a1a1a; background: #fff; line-height: 1.6; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; }
.meta { color: #444; margin-top: 0; }
[lang="en"] { font-family: "Noto Sans", "DejaVu Sans", "Arial", sans-serif; }
table.summary { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .95rem; }
table.summary th, table.summary td { border: 1px solid #bbb; padding: .3rem .5rem; text-align: start; }
table.summary th { background: #f2f2f2; }
table.summary tbody tr { cursor: pointer; }
table.summary tbody tr.focused { outline: 2px solid #1a1a1a; }
.num { font-variant-numeric: tabular-nums; }
.legend { display: flex; flex-wrap: wrap; gap: .6rem 1.4rem; padding: 0; list-style: none; margin: .5rem 0 1rem; }
.badge { padding: 0 .35rem; border-radius: .2rem; white-space: nowrap; }
.article { white-space: pre-wrap; font-size: 1.15rem; line-height: 2.1; border-top: 1px solid #ccc; padding-top: 1rem; }
mark.stmt { color: inherit; border-radius: .15rem; padding: .1rem 0; border-bottom-width: 3px; }
body.focusing mark.stmt:not(.focused) { opacity: .35; }
"""

# Clicking a summary row dims every statement of the other actors; clicking it again undoes
# it. The script also records how many statements it saw (data-marks on <body>) once loaded,
# which the browser test reads back.
_SCRIPT = """
document.addEventListener("DOMContentLoaded", function () {
  var marks = document.querySelectorAll("mark.stmt");
  document.body.dataset.marks = String(marks.length);
  document.querySelectorAll("table.summary tbody tr").forEach(function (row) {
    row.addEventListener("click", function () {
      var actor = row.dataset.actor, on = !row.classList.contains("focused");
      document.querySelectorAll("table.summary tbody tr").forEach(function (r) { r.classList.remove("focused"); });
      document.body.classList.toggle("focusing", on);
      if (on) { row.classList.add("focused"); }
      marks.forEach(function (m) { m.classList.toggle("focused", on && m.dataset.actor === actor); });
    });
  });
});
"""


def render_report(article, rows: Sequence[ScoredStatement], summary: Sequence[dict]) -> str:
    """Render the review page of one article.

    Parameters
    ----------
    article:
        A :class:`stance.io.Article` (``article_id``, ``text``, ``source``); the rows' ``start``
        and ``end`` index into its ``text``.
    rows:
        The article's statements, as :func:`stance.predict.score_article` returns them. Each
        becomes one ``<mark class="stmt stance-LABEL">``. Where two statements share a span
        the marks nest; where they only partly overlap, the later one is cut at the end of the
        earlier (its ``data-start``/``data-end`` keep the true offsets).
    summary:
        :func:`stance.predict.actor_summary` of ``rows``: the per-actor table on top.

    Returns
    -------
    str
        A complete HTML document (``<html dir="rtl" lang="ar">``), every text HTML-escaped.

    Raises
    ------
    ValueError
        If a row's offsets do not lie inside ``article.text``.
    """
    text = article.text
    for row in rows:
        if not 0 <= row.start <= row.end <= len(text):
            raise ValueError(f"statement [{row.start}, {row.end}) of {row.article!r} is outside the article text "
                             f"(length {len(text)}); were the rows scored on another article?")
    stances = _stances_in(rows, summary)
    title = f"stance — {article.article_id}"
    parts = [
        "<!DOCTYPE html>",
        '<html dir="rtl" lang="ar">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}{_stance_css(stances)}</style>",
        "</head>",
        "<body>",
        f'<h1><span dir="auto">{escape(article.article_id)}</span></h1>',
        f'<p class="meta"><span dir="ltr" lang="en">{escape(article.source)}</span> · '
        f"{len(rows)} تصريحات · {len(summary)} أطراف</p>",
        _summary_table(summary),
        _legend(stances),
        f'<div class="article" id="article">{_highlighted(text, rows)}</div>',
        f"<script>{_SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def write_report(path: str | Path, html: str) -> Path:
    """Write ``html`` to ``path`` atomically: a temporary file in the same folder, then ``os.replace``.

    A reader never sees a half-written page, and a failed write leaves an older report intact.

    Raises
    ------
    StanceError
        If the file cannot be written (a folder of that name, no permission, disk full).
    """
    path = Path(path)
    tmp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(html)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp_name, 0o644)  # mkstemp makes it 0600; a report is meant to be shared
        os.replace(tmp_name, path)
    except OSError as exc:
        if tmp_name is not None and os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise StanceError(f"{path}: cannot write the report ({exc.strerror or exc})") from None
    return path


def _css_name(label: str) -> str:
    """A label as a CSS class suffix (labels are identifiers already; this guards the rest)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", label)


def _stances_in(rows: Sequence[ScoredStatement], summary: Sequence[dict]) -> list[str]:
    """The three known stances in their fixed order, then any other label seen, sorted."""
    seen = {row.result.stance.label for row in rows}
    for entry in summary:
        seen.update(entry["stance_counts"])
    return list(STANCE_STYLES) + sorted(seen - set(STANCE_STYLES))


def _style(label: str) -> tuple[str, str, str, str]:
    return STANCE_STYLES.get(label, _OTHER_STYLE)


def _stance_css(stances: list[str]) -> str:
    lines = []
    for label in stances:
        _, background, border, border_style = _style(label)
        lines.append(f".stance-{_css_name(label)} {{ background: {background}; "
                     f"border-bottom: 3px {border_style} {border}; }}")
    return "\n" + "\n".join(lines) + "\n"


def _badge(label: str) -> str:
    return (f'<span class="badge stance-{_css_name(label)}" dir="ltr" lang="en">{escape(label)}</span>')


def _legend(stances: list[str]) -> str:
    items = []
    for label in stances:
        gloss = _style(label)[0]
        gloss_html = f" {escape(gloss)}" if gloss else ""
        items.append(f'<li data-stance="{escape(label)}">{_badge(label)}{gloss_html}</li>')
    return '<ul class="legend" aria-label="stances">' + "".join(items) + "</ul>"


def _summary_table(summary: Sequence[dict]) -> str:
    head = ("<thead><tr><th>الطرف (actor)</th><th>النوع (type)</th><th>التصريحات (statements)</th>"
            "<th>الموقف الغالب (majority stance)</th><th>توزيع المواقف (stance counts)</th>"
            "<th>متوسط الثقة (mean confidence)</th></tr></thead>")
    body = []
    for entry in summary:
        counts = " ".join(f"{_badge(label)}&nbsp;{count}" for label, count in sorted(entry["stance_counts"].items()))
        body.append(
            f'<tr data-actor="{escape(entry["actor"])}">'
            f"<td>{escape(entry['actor'])}</td>"
            f'<td dir="ltr" lang="en">{escape(entry["actor_type"])}</td>'
            f'<td class="num">{entry["statements"]}</td>'
            f"<td>{_badge(entry['majority_stance'])}</td>"
            f"<td>{counts}</td>"
            f'<td class="num">{entry["mean_confidence"]:.2f}</td></tr>')
    return f'<table class="summary">{head}<tbody>{"".join(body)}</tbody></table>'


def _open_mark(row: ScoredStatement) -> str:
    stance = row.result.stance
    frame = row.result.frame.label if row.result.frame is not None else ""
    title = f"{row.actor_canonical} — {stance.label} ({stance.confidence:.2f}) — {frame or 'no frame'}"
    attributes = {
        "class": f"stmt stance-{_css_name(stance.label)}",
        "data-stance": stance.label,
        "data-actor": row.actor_canonical,
        "data-actor-type": row.actor_type,
        "data-speaker": row.actor,
        "data-confidence": f"{stance.confidence:.4f}",
        "data-frame": frame,
        "data-start": str(row.start),
        "data-end": str(row.end),
        "title": title,
    }
    return "<mark " + " ".join(f'{key}="{escape(value)}"' for key, value in attributes.items()) + ">"


def _highlighted(text: str, rows: Sequence[ScoredStatement]) -> str:
    """The escaped text with one ``<mark>`` per row; nested where spans are shared."""
    out: list[str] = []
    position = 0
    open_ends: list[int] = []  # ends of the marks still open, innermost last (never increasing)

    def close_innermost() -> None:
        nonlocal position
        end = open_ends.pop()
        out.append(escape(text[position:end]))
        out.append("</mark>")
        position = end

    for row in sorted(rows, key=lambda r: (r.start, -r.end)):
        while open_ends and open_ends[-1] <= row.start:
            close_innermost()
        out.append(escape(text[position:row.start]))
        position = row.start
        end = min(row.end, open_ends[-1]) if open_ends else row.end
        out.append(_open_mark(row))
        open_ends.append(end)
    while open_ends:
        close_innermost()
    out.append(escape(text[position:]))
    return "".join(out)
