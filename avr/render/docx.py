"""Word (.docx) from the HTML report with python-docx: Word heading styles and real tables.

The HTML page is the single source, so the Word file holds exactly the report's words: `h1`–`h6`
become Heading 1–6, `table` a Word table (header row repeated on each page, row headers bold),
lists List Bullet/List Number, definition lists a bold term and its text. Charts are left out;
their numbers are in the tables that go with them. Title, language and author go into the
document's properties.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

VOID = {"br", "meta", "link", "img", "hr", "input", "col", "source", "path", "rect"}
SKIP = {"head", "script", "style", "svg", "nav", "summary", "title"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else ("\n" if c.tag == "br" else c.text()) for c in self.children)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _find(node: Node, tag: str) -> Node | None:
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == tag:
                return child
            found = _find(child, tag)
            if found is not None:
                return found
    return None


class _Writer:
    def __init__(self, document: Any) -> None:
        self.doc = document

    def inline(self, paragraph: Any, node: Node, bold: bool = False, italic: bool = False) -> None:
        for child in node.children:
            if isinstance(child, str):
                text = " ".join(child.split())
                if child[:1].isspace() and paragraph.text and not paragraph.text.endswith((" ", "\n")):
                    text = " " + text
                if child[-1:].isspace() and text:
                    text += " "
                if text:
                    run = paragraph.add_run(text)
                    run.bold, run.italic = bold or None, italic or None
            elif child.tag == "br":
                paragraph.add_run().add_break()
            elif child.tag not in SKIP and child.attrs.get("aria-hidden") != "true":
                self.inline(paragraph, child, bold or child.tag in ("strong", "b", "th", "dt"),
                            italic or child.tag in ("em", "i"))

    def block(self, node: Node, list_style: str | None = None) -> None:
        for child in node.children:
            if isinstance(child, str):
                if child.strip():
                    self.inline(self.doc.add_paragraph(), Node("span", children=[child]))
                continue
            tag = child.tag
            if tag in SKIP or child.attrs.get("class") == "skip":
                continue
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.inline(self.doc.add_heading(level=int(tag[1])), child)
            elif tag == "table":
                self.table(child)
            elif tag in ("ul", "ol"):
                self.block(child, "List Bullet" if tag == "ul" else "List Number")
            elif tag == "li":
                self.inline(self.doc.add_paragraph(style=list_style or "List Bullet"), child)
            elif tag in ("p", "dt", "dd", "figcaption"):
                if any(isinstance(c, Node) and c.tag in ("p", "ul", "ol", "table", "dl") for c in child.children):
                    self.block(child)
                else:
                    style = "Caption" if tag == "figcaption" else None
                    self.inline(self.doc.add_paragraph(style=style), child, bold=tag == "dt")
            else:
                self.block(child, list_style)

    def table(self, node: Node) -> None:
        caption = _find(node, "caption")
        if caption is not None:
            self.inline(self.doc.add_paragraph(style="Caption"), caption)
        rows = [n for n in _walk(node) if n.tag == "tr"]
        if not rows:
            return
        width = max(sum(int(c.attrs.get("colspan", "1") or 1) for c in _cells(r)) for r in rows)
        table = self.doc.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        head = _find(node, "thead")
        header_rows = {id(r) for r in _walk(head) if r.tag == "tr"} if head is not None else set()
        spanned: dict[int, tuple[int, Any]] = {}  # column -> (rows still covered, the cell above)
        for row in rows:
            cells = table.add_row().cells
            col = 0
            for cell in _cells(row):
                while spanned.get(col, (0, None))[0] > 0:
                    left, above = spanned[col]
                    above.merge(cells[col])
                    spanned[col] = (left - 1, above)
                    col += 1
                if col >= width:
                    break
                span = int(cell.attrs.get("colspan", "1") or 1)
                target = cells[col].merge(cells[min(col + span, width) - 1]) if span > 1 else cells[col]
                down = int(cell.attrs.get("rowspan", "1") or 1)
                if down > 1:
                    spanned[col] = (down - 1, target)
                self.inline(target.paragraphs[0], cell, bold=cell.tag == "th")
                col += span
            if id(row) in header_rows:
                _repeat_header(table.rows[-1])


def _walk(node: Node) -> list[Node]:
    out: list[Node] = []
    for child in node.children:
        if isinstance(child, Node):
            out.append(child)
            if child.tag != "table":
                out.extend(_walk(child))
    return out


def _cells(row: Node) -> list[Node]:
    return [c for c in row.children if isinstance(c, Node) and c.tag in ("th", "td")]


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def render_docx(html: str, title: str, language: str, author: str | None) -> bytes:
    from docx import Document

    tree = parse(html)
    document = Document()
    props = document.core_properties
    # Word's core properties hold at most 255 characters (python-docx raises beyond); the title is whole in the text
    props.title, props.language, props.author = title[:255], language, (author or "")[:255]
    # fixed dates: the same input gives the same document
    props.created = props.modified = datetime(2000, 1, 1)
    props.last_modified_by, props.revision = "", 1
    body = _find(tree, "body") or tree
    _Writer(document).block(body)
    out = io.BytesIO()
    document.save(out)
    return _fixed_zip_dates(out.getvalue())


def _fixed_zip_dates(data: bytes) -> bytes:
    """python-docx stamps each zip member with the current time; a fixed one keeps builds identical."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
