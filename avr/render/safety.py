"""What avr publishes must be safe to open: no script, no dangerous link, in HTML and in Markdown.

Reports are published on public websites and rendered by GitHub, and every text in them comes from
pull requests. HTML templates escape text and render Markdown with raw HTML off; this module adds
the rest:

* :func:`safe_url` — the one link policy: http(s), mailto and relative links, nothing else, however
  the scheme is disguised (mixed case, entities, percent escapes, control characters or spaces
  inside it, ``//host``).
* :func:`neutralise_markdown` — a whole Markdown document as avr writes it (user text included
  verbatim) made inert for any CommonMark renderer: every ``<`` that does not open a bare ``<br>``,
  ``<sup>`` or ``<sub>`` becomes ``&lt;`` (no raw HTML, no autolink), and the brackets of any link
  with an unsafe destination, and of every image, become entities, so it prints as text.
* :func:`html_problems` — a last check of every HTML page before it is written: script-capable
  elements, event-handler attributes and unsafe URLs are reported (a repository's own templates
  could contain them literally; the sandbox does not stop literal text).
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache, lru_cache
from html.parser import HTMLParser
from urllib.parse import unquote

from markdown_it import MarkdownIt

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def _bare(url: str) -> str:
    """The URL as a browser would read its scheme: entities and escapes decoded, invisible characters gone."""
    text = url
    for _ in range(3):  # nested encodings: &amp;#106; or %256A
        text = unquote(html.unescape(text))
    # browsers drop tabs, newlines and leading controls/spaces; we drop every space and control character
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "CZ")
    return text.lower()


def safe_url(url: str) -> bool:
    """True for http(s), mailto and relative URLs; False for anything else (javascript:, data:, //host)."""
    text = _bare(url)
    match = _SCHEME.match(text)
    if match:
        return match.group(1) in SAFE_SCHEMES
    if re.match(r"^[/\\]{2}", text):  # //host or \\host: another site, or a file share from a file:// page
        return False
    head = re.split(r"[/?#]", text, maxsplit=1)[0]
    return ":" not in head  # `ja va:…` and other half-schemes


# ------------------------------------------------------------------ Markdown

_UNSAFE_LT = re.compile(r"<(?!/?(?:br|sup|sub)\s*/?>)", re.IGNORECASE)


@cache
def _link_finder() -> MarkdownIt:
    """A CommonMark parser that keeps every link, so unsafe ones can be found (not rendered)."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False})
    md.enable("table")
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def _unsafe_link_lines(text: str) -> tuple[set[int], bool]:
    """Lines (0-based) holding an unsafe link or image, and whether one could not be placed."""
    env: dict[str, object] = {}
    tokens = _link_finder().parse(text, env)
    lines: set[int] = set()
    unplaced = False
    for token in tokens:
        for child in token.children or []:
            url = child.attrGet("href") if child.type == "link_open" else child.attrGet("src") if child.type == "image" else None
            # an image loads from its address when the report is opened (a tracking pixel): never one
            if url is not None and (child.type == "image" or not safe_url(str(url))):
                if token.map:
                    lines.update(range(token.map[0], token.map[1]))
                else:
                    unplaced = True
    references = env.get("references")
    if isinstance(references, dict) and any(not safe_url(str(ref.get("href", ""))) for ref in references.values()):
        unplaced = True  # reference definitions leave no token to place them by
    return lines, unplaced


def _defuse_brackets(line: str) -> str:
    return line.replace("[", "&#91;").replace("]", "&#93;")


def neutralise_markdown(text: str) -> str:
    """``text`` with raw HTML escaped and unsafe links turned into plain text (see module docstring)."""
    text = _UNSAFE_LT.sub("&lt;", text)
    if "](" not in text and "]:" not in text:
        # CommonMark gives a link a destination only right after `](` (inline) or `]:` (a reference
        # definition); autolinks need a `<`, escaped above. No link, so no parse (~1 s for a large report).
        return text
    for _ in range(2):
        lines, unplaced = _unsafe_link_lines(text)
        if not lines and not unplaced:
            return text
        if unplaced:
            return _neutralise_all_brackets(text)
        split = text.split("\n")
        text = "\n".join(_defuse_brackets(line) if i in lines else line for i, line in enumerate(split))
    return _neutralise_all_brackets(text)


def _neutralise_all_brackets(text: str) -> str:
    text = _defuse_brackets(text)
    lines, unplaced = _unsafe_link_lines(text)
    if lines or unplaced:  # pragma: no cover - no bracket, no link; kept as a hard stop
        raise ValueError("Markdown still holds an unsafe link after neutralising")
    return text


# ------------------------------------------------------------------ HTML

_FORBIDDEN_TAGS = frozenset({
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "noscript",
    "foreignobject", "animate", "set", "handler", "listener",
})
_URL_ATTRS = frozenset({
    "href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "cite", "ping",
    "manifest", "codebase", "longdesc", "lowsrc", "dynsrc", "srcset", "imagesrcset",
})
_SAFE_IMAGE = re.compile(r"^data:image/(png|gif|jpeg|webp);base64,[a-z0-9+/=\s]*$", re.IGNORECASE)
_SCRIPTY = ("javascript:", "vbscript:", "livescript:", "expression(", "-moz-binding", "behavior:")


class _Checker(HTMLParser):
    # Start tags found harmless, by their exact text: a report repeats a few hundred distinct tags
    # (`<td class="num">`) a hundred thousand times, and html.parser's Python tokenizer was the biggest
    # cost of rendering. The handling of a start tag ending in `>` depends on its text alone.
    harmless: dict[str, tuple[str, bool]] = {}  # text -> (tag, self-closing)
    HARMLESS_MAX = 100_000

    def __init__(self, remember: bool = True) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[tuple[int, int, str]] = []
        self.in_style = False
        self.remember = remember
        self.handled: tuple[str, bool] | None = None

    def parse_starttag(self, i: int) -> int:
        if not self.remember:
            return super().parse_starttag(i)
        end = self.check_for_whole_start_tag(i)
        text = self.rawdata[i:end] if end > i else ""
        known = self.harmless.get(text) if text.endswith(">") else None
        if known is not None:  # what parse_starttag would do, and the handlers would find nothing
            self._HTMLParser__starttag_text = text  # (get_starttag_text)
            self.lasttag = known[0]
            if not known[1]:
                self.in_style = False
            return end
        before = len(self.problems)
        self.handled = None
        k = super().parse_starttag(i)
        if (k == end and text.endswith(">") and self.handled is not None and len(self.problems) == before
                and self.handled[0] not in self.CDATA_CONTENT_ELEMENTS and len(self.harmless) < self.HARMLESS_MAX):
            self.harmless[text] = self.handled
        return k

    def problem(self, message: str) -> None:
        line, offset = self.getpos()
        self.problems.append((line, offset + 1, message))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handled = (tag, False)
        self.check_tag(tag, attrs)
        self.in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handled = (tag, True)
        self.check_tag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style and any(bad in _bare(data) for bad in (*_SCRIPTY, "@import", "url(")):
            self.problem("a style sheet that loads or runs something (url(), @import, expression)")

    def check_tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _FORBIDDEN_TAGS:
            self.problem(f"<{tag}> element")
        if tag == "meta" and any(n == "http-equiv" and (v or "").lower() == "refresh" for n, v in attrs):
            self.problem("<meta http-equiv=refresh>")
        if tag == "link" and any(n == "href" for n, _ in attrs):
            self.problem("<link href> loads another file")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problem(f"event-handler attribute {name}= on <{tag}>")
            elif name in _URL_ATTRS and value:
                urls = [part.strip().split(" ")[0] for part in value.split(",")] if "srcset" in name else [value]
                for url in urls:
                    if not (safe_url(url) or (tag == "img" and name == "src" and _SAFE_IMAGE.match(url.strip()))):
                        self.problem(f"unsafe URL in {name}= on <{tag}>: {url[:60]!r}")
            elif name == "style" and any(bad in _bare(value) for bad in (*_SCRIPTY, "url(")):
                self.problem(f"script or a load in attribute style= on <{tag}>")


# ------------------------------------------------------------------ HTML, the shortcut
#
# A page avr renders is made of a few hundred distinct start tags repeated a hundred thousand times,
# end tags and escaped text. When the whole page is made only of the simple pieces below, the parser
# above could find a problem only in a start tag or in the text of a <style> element, and how it reads
# each of these depends on its own text alone: so the page is harmless when each distinct start tag is
# (checked once by the parser itself, in isolation) and each style sheet is. Anything else (a comment,
# a single quote, a `<` that opens no simple tag) and any finding go to the parser, for the exact
# findings and their positions.

# a `<` that opens none of the simple pieces: an end tag, the doctype, or a start tag (a name, then
# attributes with no value or a double-quoted value without quotes or <>)
_NOT_SIMPLE = re.compile(  # (possessive: none of these pieces needs backtracking)
    r"<(?![a-zA-Z][a-zA-Z0-9]*+(?:[ \n]++[a-zA-Z_:][-a-zA-Z0-9_:.]*+(?:=\"[^\"'<>]*+\")?+)*+[ \n]*+/?>"
    r"|/[a-zA-Z][a-zA-Z0-9]*+>"
    r"|!DOCTYPE html>)"
)
_START_TAG = re.compile(r"<[a-zA-Z][^>]*>")  # on a page of simple pieces, exactly its start tags
_STYLE_ELEMENT = re.compile(r"<style>([^<]*)</style>")


def _harmless_start_tag(text: str) -> bool:
    """What the parser makes of this one start tag, alone: a complete tag, not script or style, no problem."""
    if text in _Checker.harmless:
        return True
    checker = _Checker(remember=False)
    checker.rawdata = text
    end = checker.parse_starttag(0)
    handled = checker.handled
    harmless = (end == len(text) and handled is not None and not checker.problems
                and handled[0] not in _Checker.CDATA_CONTENT_ELEMENTS)
    if harmless and handled is not None and len(_Checker.harmless) < _Checker.HARMLESS_MAX:
        _Checker.harmless[text] = handled
    return harmless


@lru_cache(maxsize=64)  # every page of a build carries the same style sheet
def _harmless_style(text: str) -> bool:
    return not any(bad in _bare(text) for bad in (*_SCRIPTY, "@import", "url("))


def _clearly_harmless(text: str) -> bool:
    """True only when the parser would find nothing in ``text`` (see above); False when unsure."""
    if _NOT_SIMPLE.search(text):
        return False
    for tag in set(_START_TAG.findall(text)):
        if tag == "<style>":  # the parser reads up to </style> as the style sheet's text
            position = text.find(tag)
            while position >= 0:
                element = _STYLE_ELEMENT.match(text, position)
                if element is None or not _harmless_style(element.group(1)):
                    return False
                position = text.find(tag, element.end())
        elif not _harmless_start_tag(tag):
            return False
    return True


def html_problems(text: str, remember: bool = True) -> list[tuple[int, int, str]]:
    """(line, column, problem) for everything in ``text`` that could run script or load something.

    ``remember=False`` takes no shortcut: the parser reads every tag (the reference for the tests).
    """
    if remember and _clearly_harmless(text):
        return []
    checker = _Checker(remember)
    checker.feed(text)
    checker.close()
    return checker.problems
