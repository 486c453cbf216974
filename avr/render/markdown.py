"""User Markdown → safe HTML: raw HTML off, links only to http(s), mailto and relative, no images."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt

from avr.render.safety import safe_url


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


def to_html(text: str | None) -> str:
    if not text:
        return ""
    return str(_parser().render(text))
