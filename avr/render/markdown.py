"""User Markdown → safe HTML: raw HTML off, links only to http(s), mailto and relative, no images.

A Markdown table has no syntax for a caption, but every table needs one (WCAG 1.3.1). A table
introduced by a paragraph ending in a colon ("Ålders- och könsfördelningen … är följande:") takes
that sentence as its caption, otherwise the caption the template passes; header cells get
`scope="col"`.

CommonMark tables fill a body row shorter than the header with empty cells. markdown-it stops a table
after 65 536 such cells, which still let a wide header over many one-cell rows, repeated, turn a 0.5 MB
follow-up into an 81 MB page after minutes of work. avr lowers that bound to 16 per table: a table
ends once it would pad more (the rest reads as text), so the padding, and the work of making it, is at
most about as large as the cells the text itself writes.
"""

from __future__ import annotations

import importlib
import re
from functools import cache, lru_cache
from html import unescape

from markdown_it import MarkdownIt
from markupsafe import escape

from avr.render.safety import safe_url

MAX_PADDED_CELLS = 16
# a global of the table rule's module, read on every table by every parser (the package exports the rule
# function under the module's name, hence importlib)
importlib.import_module("markdown_it.rules_block.table").MAX_AUTOCOMPLETED_CELLS = MAX_PADDED_CELLS  # type: ignore[attr-defined]

_INTRO = re.compile(r"<p>((?:(?!<p>).)*?):</p>\s*$", re.S)
_TAGS = re.compile(r"<[^>]+>")


def _validate_link(url: str) -> bool:
    return safe_url(url)


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    # an image would load from wherever its URL points when the page opens; the reports make no requests
    md.disable("image")
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


@lru_cache(maxsize=8192)  # an activity's text appears in every report of its plan
def to_html(text: str | None, caption: str | None = None) -> str:
    if not text:
        return ""
    html = str(_parser().render(text))
    if "<table>" not in html:
        return html
    first, *rest = html.split("<table>")
    out = [first]
    for number, part in enumerate(rest, start=1):
        intro = _INTRO.search(out[-1])
        if intro:
            # the last sentence of the introducing paragraph, without its markup
            words = unescape(_TAGS.sub("", intro.group(1))).strip()
            title = re.split(r"(?<=[.!?])\s+", words)[-1]
        else:
            title = f"{caption} ({number})" if caption and len(rest) > 1 else (caption or str(number))
        cells = re.sub(r"<th(?=[ >])", '<th scope="col"', part)
        out.append(f"<table>\n<caption>{escape(title)}</caption>{cells}")
    return "".join(out)
