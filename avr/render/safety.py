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
* :func:`html_problems` — a last check of every HTML page before it is written, against allow-lists
  of elements, attributes, URL schemes and CSS (a repository's own templates could contain anything
  literally; the sandbox does not stop literal text): a page that could run script or load anything
  is reported. Pages are read as browsers read them: besides the quick tag-by-tag reading (with
  positions), any page that is not made of simple pieces only is also parsed by an HTML5-conformant
  parser (tinyhtml5, the WHATWG algorithm), which sees what `<!-->`, `--!>`, CDATA and `<style>`
  inside SVG or MathML really make. Style sheets and style attributes are read by a CSS tokenizer
  (tinycss2), so escapes (`u\\72l(`, `@\\69mport`) do not hide a load.
* :func:`css_problem` — the CSS allow-list, also for `pdf.css.j2`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache, lru_cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import tinycss2  # type: ignore[import-untyped]
from markdown_it import MarkdownIt

from avr.i18n import gettext as _

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def _bare(url: str) -> str:
    """The URL as a browser would read its scheme: entities and escapes decoded, invisible characters gone."""
    text = url
    for _round in range(3):  # nested encodings: &amp;#106; or %256A
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
    for _round in range(2):
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
# What a report may contain: elements that can neither run script nor load anything by themselves (HTML
# and the inline SVG of charts, by lower-case local name: the quick reading does not know namespaces).
_ALLOWED_TAGS = frozenset({
    "html", "head", "body", "title", "meta", "style", "main", "header", "footer", "nav", "section", "article",
    "aside", "h1", "h2", "h3", "h4", "h5", "h6", "hgroup", "p", "div", "span", "a", "abbr", "b", "i", "u", "s",
    "em", "strong", "small", "sub", "sup", "mark", "q", "cite", "code", "kbd", "samp", "var", "dfn", "time",
    "data", "bdi", "bdo", "br", "wbr", "hr", "pre", "blockquote", "ol", "ul", "li", "dl", "dt", "dd", "figure",
    "figcaption", "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td", "details",
    "summary", "address", "ins", "del", "ruby", "rt", "rp", "img", "label", "input", "progress", "meter",
    # SVG
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "desc",
    "defs", "lineargradient", "radialgradient", "stop", "clippath", "symbol", "marker", "pattern", "mask",
})
_ALLOWED_ATTRS = frozenset({
    "id", "class", "title", "lang", "dir", "hidden", "role", "tabindex", "translate", "style", "xml:lang",
    "colspan", "rowspan", "scope", "headers", "span", "abbr", "align", "valign", "width", "height",
    "href", "hreflang", "rel", "target", "type", "download", "src", "alt", "loading", "decoding",
    "charset", "name", "content", "http-equiv", "start", "reversed", "value", "datetime", "open", "cite",
    "media", "for", "disabled", "checked", "readonly", "min", "max", "low", "high", "optimum",
    # SVG (lower case, as the quick reading gives them)
    "viewbox", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy", "d", "points",
    "fill", "stroke", "stroke-width", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "fill-opacity", "fill-rule", "clip-rule",
    "opacity", "transform", "text-anchor", "dominant-baseline", "alignment-baseline", "font-family",
    "font-size", "font-weight", "font-style", "letter-spacing", "focusable", "xmlns", "xmlns:xlink",
    "preserveaspectratio", "offset", "stop-color", "stop-opacity", "gradientunits", "gradienttransform",
    "textlength", "lengthadjust", "version", "visibility", "display", "pathlength", "xml:space", "clip-path",
    "mask", "marker-start", "marker-mid", "marker-end", "vector-effect", "shape-rendering", "patternunits",
    "markerwidth", "markerheight", "refx", "refy", "orient", "markerunits", "color",
})
# attributes whose value is CSS (or may hold a CSS url()): read by css_problem
_CSS_ATTRS = frozenset({"style", "fill", "stroke", "clip-path", "mask", "marker-start", "marker-mid", "marker-end"})
_URL_ATTRS = frozenset({
    "href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "cite", "ping",
    "manifest", "codebase", "longdesc", "lowsrc", "dynsrc", "srcset", "imagesrcset",
})
_SAFE_IMAGE = re.compile(r"^data:image/(png|gif|jpeg|webp);base64,[a-z0-9+/=\s]*$", re.IGNORECASE)
_SCRIPTY = ("javascript:", "vbscript:", "livescript:", "expression(", "-moz-binding", "behavior:")
# CSS functions and at-rules that neither load nor run anything (pdf.css.j2's page rules included)
_CSS_FUNCTIONS = frozenset({
    "var", "calc", "min", "max", "clamp", "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch",
    "color-mix", "counter", "counters", "string", "attr", "target-counter", "leader", "content", "translate",
    "translatex", "translatey", "rotate", "scale", "scalex", "scaley", "skew", "skewx", "skewy", "matrix",
    "not", "is", "where", "has", "nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type", "lang",
    "format", "linear-gradient", "radial-gradient", "repeating-linear-gradient", "repeating-radial-gradient",
    "cubic-bezier", "steps", "env", "fit-content", "minmax", "repeat", "rect", "inset", "circle", "ellipse",
    "polygon", "drop-shadow", "blur", "brightness", "contrast", "grayscale", "opacity", "saturate", "sepia",
})
_CSS_AT_RULES = frozenset({
    "media", "supports", "page", "keyframes", "top-left-corner", "top-left", "top-center", "top-right",
    "top-right-corner", "bottom-left-corner", "bottom-left", "bottom-center", "bottom-right",
    "bottom-right-corner", "left-top", "left-middle", "left-bottom", "right-top", "right-middle", "right-bottom",
})


def _css_walk(tokens: list[Any]) -> str | None:
    for token in tokens:
        kind = token.type
        if kind == "url":
            if not token.value.strip().startswith("#"):
                return _("url({target}) loads a file").format(target=token.value[:40])
        elif kind == "function":
            name = token.lower_name
            if name == "url":
                target = "".join(t.serialize() for t in token.arguments).strip().strip("'\"")
                if not target.startswith("#"):  # url(#clip): an element of the page itself
                    return _("url({target}) loads a file").format(target=target[:40])
            elif name not in _CSS_FUNCTIONS:
                return _("CSS function {name}() is not allowed").format(name=name)
            found = _css_walk(token.arguments)
            if found:
                return found
        elif kind == "at-keyword" and token.lower_value not in _CSS_AT_RULES:
            return _("@{rule} is not allowed").format(rule=token.lower_value)
        elif kind == "error":
            return _("CSS that does not parse ({reason})").format(reason=token.message)
        elif kind in ("() block", "[] block", "{} block"):
            found = _css_walk(token.content)
            if found:
                return found
    return None


@lru_cache(maxsize=4096)  # the same style sheet on every page, the same style attributes over and over
def css_problem(text: str) -> str | None:
    """Why this CSS could load or run something (None: it cannot), as a browser's tokenizer reads it.

    Escapes are resolved by the tokenizer (``u\\72l(``, ``@\\69mport``); text from an attribute or from SVG
    has its entities decoded, so it is read both as written and decoded. Allowed: the functions and at-rules
    above and ``url(#id)``; refused: every other function (url, image-set, image, cross-fade, element,
    expression, ...), @import, @font-face, @namespace, and script-ish words anywhere.
    """
    for variant in {text, html.unescape(text)}:
        if any(bad in _bare(variant) for bad in _SCRIPTY):
            return _("script in CSS (javascript:, expression(), -moz-binding, behavior)")
        found = _css_walk(tinycss2.parse_component_value_list(variant))
        if found:
            return found
    return None


def attribute_problems(tag: str, attrs: list[tuple[str, str | None]]) -> list[str]:
    """What is wrong with these attributes of a ``tag`` element: the one attribute policy of both readings."""
    problems: list[str] = []
    for name, value in attrs:
        value = value or ""
        if name.startswith("on"):
            problems.append(_("event-handler attribute {name}= on <{tag}>").format(name=name, tag=tag))
            continue
        if name in _URL_ATTRS and value:
            urls = [part.strip().split(" ")[0] for part in value.split(",")] if "srcset" in name else [value]
            for url in urls:
                image = tag == "img" and name == "src"
                if image and _SAFE_IMAGE.match(url.strip()):
                    continue
                if not safe_url(url):
                    problems.append(_("unsafe URL in {name}= on <{tag}>: {url}").format(name=name, tag=tag, url=repr(url[:60])))
                elif image:  # http or relative: a request when the page opens
                    problems.append(_("unsafe URL in {name}= on <{tag}>: {url} is loaded when the page opens "
                                      "(use an inline SVG or a data:image)").format(name=name, tag=tag, url=repr(url[:60])))
        if name == "rel" and "attachment" in value.lower():
            problems.append(_("rel=attachment on <{tag}>: a PDF would embed what it links to").format(tag=tag))
        if name not in _ALLOWED_ATTRS and not name.startswith(("aria-", "data-")):
            problems.append(_("attribute {name}= on <{tag}> is not allowed").format(name=name, tag=tag))
        elif name in _CSS_ATTRS and value:
            found = css_problem(value)
            if found:
                problems.append(_("script or a load in attribute {name}= on <{tag}>: {found}").format(
                    name=name, tag=tag, found=found))
    if tag == "meta":
        for name, value in attrs:
            if name == "http-equiv" and (value or "").strip().lower() != "content-security-policy":
                problems.append(f"<meta http-equiv={(value or '').strip().lower()[:30]}>")
    return problems


def tag_problems(tag: str, attrs: list[tuple[str, str | None]]) -> list[str]:
    problems = [_("<{tag}> element").format(tag=tag)] if tag not in _ALLOWED_TAGS else []
    return problems + attribute_problems(tag, attrs)


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
        if self.in_style:
            found = css_problem(data)
            if found:
                self.problem(_("a style sheet that loads or runs something: {found}").format(found=found))

    def check_tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for message in tag_problems(tag, attrs):
            self.problem(message)


# ------------------------------------------------------------------ HTML, as browsers parse it

_XLINK = "{http://www.w3.org/1999/xlink}"
_NAMESPACES = {"{http://www.w3.org/2000/xmlns/}": "xmlns:", _XLINK: "xlink:",
               "{http://www.w3.org/XML/1998/namespace}": "xml:"}


def _local(name: str) -> str:
    """An element's or attribute's name as the quick reading gives it: ``xlink:href``, ``viewbox``."""
    if name.startswith("{"):
        space, _sep, local = name[1:].partition("}")
        prefix = _NAMESPACES.get("{" + space + "}", "")
        name = "xmlns" if prefix == "xmlns:" and local == "xmlns" else prefix + local
    return name.lower()


def tree_problems(text: str) -> list[str]:
    """Problems in the element tree an HTML5 parser (tinyhtml5: the WHATWG algorithm) builds from ``text``:
    what a browser really makes of comments, CDATA and foreign content. No positions: the tree has none."""
    import tinyhtml5  # type: ignore[import-untyped]  # (here: pages of simple pieces never need it)

    root = tinyhtml5.parse(text)
    problems: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments
            continue
        tag = _local(element.tag)
        if element.tag.startswith("{http://www.w3.org/1998/Math/MathML}"):
            problems.append(_("<{tag}> element (MathML)").format(tag=tag))
        problems += tag_problems(tag, [(_local(name), value) for name, value in element.attrib.items()])
        if tag == "style":
            found = css_problem("".join(element.itertext()))
            if found:
                problems.append(_("a style sheet that loads or runs something: {found}").format(found=found))
    return list(dict.fromkeys(problems))


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
# attributes with no value or a double-quoted value without " or <>)
_NOT_SIMPLE = re.compile(  # (possessive: none of these pieces needs backtracking)
    r"<(?![a-zA-Z][a-zA-Z0-9]*+(?:[ \n]++[a-zA-Z_:][-a-zA-Z0-9_:.]*+(?:=\"[^\"<>]*+\")?+)*+[ \n]*+/?>"
    r"|/[a-zA-Z][a-zA-Z0-9]*+>"
    r"|!DOCTYPE html>"
    r"|!--(?![->])(?:[^-]|-(?!-))*+-->)"  # a comment both readings end at its first `-->`: no `--` inside
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


def _harmless_style(text: str) -> bool:
    return css_problem(text) is None


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

    A page of simple pieces only (see above) is read tag by tag; any other page is also parsed as a browser
    parses it (:func:`tree_problems`), whose findings the quick reading missed come at line 0 (no position).
    ``remember=False`` takes no shortcut: both readings read every tag (the reference for the tests).
    """
    if remember and _clearly_harmless(text):
        return []
    checker = _Checker(remember)
    checker.feed(text)
    checker.close()
    seen = {message for _line, _column, message in checker.problems}
    return checker.problems + [(0, 0, message) for message in tree_problems(text) if message not in seen]
