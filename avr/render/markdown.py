"""User Markdown → safe HTML: raw HTML off, links only to http(s), mailto and relative."""

from __future__ import annotations

from functools import cache, lru_cache
from urllib.parse import urlparse

from markdown_it import MarkdownIt

_SAFE_SCHEMES = {"http", "https", "mailto", ""}


def _validate_link(url: str) -> bool:
    scheme = urlparse(url.strip()).scheme.lower()
    return scheme in _SAFE_SCHEMES


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


@lru_cache(maxsize=8192)  # an activity's text appears in every report of its plan
def to_html(text: str | None) -> str:
    if not text:
        return ""
    return str(_parser().render(text))
