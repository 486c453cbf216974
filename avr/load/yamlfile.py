"""Read one YAML file exactly as the editor wrote it.

PyYAML's safe loaders follow YAML 1.1: ``2:1`` becomes 121, ``no`` becomes
False, ``2013-06-30`` a date, and a duplicate key silently wins. We only let
libyaml *compose* the node tree and build the data ourselves: every scalar
stays the string that was written, every node keeps its line and column, and
duplicate keys, aliases and explicit tags are refused. The schemas (pydantic)
then decide what a string means.
"""

from __future__ import annotations

import errno
import marshal
import os
import re
from array import array
from dataclasses import dataclass
from pathlib import Path
from sys import intern
from typing import Any

import yaml

from avr.errors import Diagnostics
from avr.i18n import gettext as _
from avr.load.inputs import limit_text

# The C composer is several times faster than the pure-Python one; a missing
# libyaml would make every build silently slow, so we say so loudly instead.
if yaml.__with_libyaml__:
    _Loader: Any = yaml.CBaseLoader
else:  # pragma: no cover - depends on how PyYAML was built
    import warnings

    warnings.warn(
        "PyYAML is installed without libyaml; avr will be 7-10x slower. "
        "Reinstall PyYAML from a wheel that includes libyaml.",
        stacklevel=1,
    )
    _Loader = yaml.BaseLoader

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


def _plain_resolver(loader: Any) -> bool:
    """The loader resolves every untagged node to its kind's default tag (no implicit or path resolvers)."""
    return not loader.yaml_implicit_resolvers and not loader.yaml_path_resolvers


if _plain_resolver(_Loader):
    _DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: _SEQ, yaml.MappingNode: _MAP}

    class _ComposeLoader(_Loader):  # type: ignore[misc]
        """The composer asks for the tag of every untagged node; a plain resolver's answer is its kind's
        default, looked up here without BaseResolver.resolve's general search (benchmarks/NOTES.md)."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            return _DEFAULT_TAGS[kind]

    _Loader = _ComposeLoader

Loc = tuple[str | int, ...]
_MAX_REPORTS_PER_FILE = 20
# Characters no text editor writes: C0 controls other than tab and line breaks, DEL, C1 controls
# (libyaml takes U+0085 for a line break, which would shift every position), non-characters.
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Characters that make text display otherwise than it reads: bidirectional embeddings, overrides and isolates
# (a status or a figure read backwards, "Trojan Source"), and the non-characters U+FDD0–U+FDEF and U+nFFFE/F.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}-{chr(plane * 0x10000 + 0xFFFF)}"
                                          for plane in range(17))
_HIDDEN = re.compile(f"[\u202a-\u202e\u2066-\u2069{_NONCHARACTERS}]")
# What no value may hold once its escapes (`"\0"`, `"\e"`, `"\uFFFE"`) are read: every C0 control but tab and
# line feed (a carriage return overwrites a terminal line), DEL, C1 controls, and the characters above. One rule
# for keys, values and block text; it keeps escape sequences off terminals and out of HTML, Markdown and Word.
_FORBIDDEN_IN_VALUE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069{_NONCHARACTERS}]")


def forbidden_character(text: str) -> str | None:
    """The first character of ``text`` that no value may hold (see above), or None."""
    found = _FORBIDDEN_IN_VALUE.search(text)
    return found.group() if found else None


def describe_character(char: str) -> str:
    """How a diagnostic names a forbidden character: its code point and what it is."""
    code = ord(char)
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        kind = _("a bidirectional override, which makes text display otherwise than it reads")
    elif code < 0x20 or 0x7F <= code <= 0x9F:
        kind = _("a control character")
    else:
        kind = _("a non-character")
    return f"U+{code:04X} ({kind})"


@dataclass(frozen=True)
class Limits:
    """Bounds on what one file may hold (configurable in ``avr.yaml``)."""

    max_file_bytes: int = 5 * 1024 * 1024
    max_depth: int = 50
    max_nodes: int = 200_000
    max_files: int = 500_000


# Hard caps on `limits:` in avr.yaml: a pull request may raise a limit, never beyond these (docs/utveckling/sakerhet.md).
MAX_FILE_BYTES_CAP = 64 * 1024 * 1024
MAX_NODES_CAP = 2_000_000
MAX_FILES_CAP = 2_000_000
# Set (to anything but 0) by a CI that does not let avr.yaml raise a limit above its default at all.
PIN_LIMITS_ENV = "AVR_PIN_LIMITS"


def limits_pinned() -> bool:
    """Whether the environment pins the limits to at most their defaults."""
    return os.environ.get(PIN_LIMITS_ENV, "") not in ("", "0")


class Document:
    """A file's data plus where each value and key was written (1-based).

    ``positions`` maps the location of every value (a tuple of keys and indexes) to its (line, column),
    ``key_positions`` the location of every mapping key. Both are built only when first asked for: the loader
    keeps the marks of the file's values and keys as a flat array in document order, and walks the data once to
    give each its location. Data that came through the cache is kept as marshal bytes (``blob``) and turned into
    objects when first read; :meth:`release` drops the objects again once the data has been validated.
    """

    __slots__ = ("path", "_data", "_blob", "_marks", "_positions", "_key_positions")

    def __init__(
        self,
        path: str,
        data: dict[str, Any] | None,
        positions: dict[Loc, tuple[int, int]] | None = None,
        key_positions: dict[Loc, tuple[int, int]] | None = None,
        *,
        blob: bytes | None = None,
        marks: bytes | None = None,
    ) -> None:
        self.path = path
        self._data = data
        self._blob = blob
        self._marks = marks
        self._positions = positions if positions is not None or marks is not None else {}
        self._key_positions = key_positions if key_positions is not None or marks is not None else {}

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._data = marshal.loads(self._blob) if self._blob is not None else {}
        return self._data

    @data.setter
    def data(self, value: dict[str, Any]) -> None:
        if self._marks is not None:  # positions belong to the data they were read with
            self._materialise()
        self._data, self._blob = value, None

    def release(self) -> None:
        """Drop the data's objects when they can be made again from the bytes (a validated file's)."""
        if self._blob is not None:
            self._data = None

    @property
    def positions(self) -> dict[Loc, tuple[int, int]]:
        if self._positions is None:
            self._materialise()
        assert self._positions is not None
        return self._positions

    @property
    def key_positions(self) -> dict[Loc, tuple[int, int]]:
        if self._key_positions is None:
            self._materialise()
        assert self._key_positions is not None
        return self._key_positions

    def packed(self) -> tuple[bytes, bytes]:
        """The data as marshal bytes and the marks as bytes: what the cache keeps (see :meth:`from_packed`)."""
        blob = self._blob if self._blob is not None else marshal.dumps(self.data)
        marks = self._marks if self._marks is not None else pack_marks(
            marks_from_positions(self.data, self.positions, self.key_positions))
        return blob, marks

    @classmethod
    def from_packed(cls, path: str, blob: bytes, marks: bytes) -> Document:
        return cls(path, None, blob=blob, marks=marks)

    def _materialise(self) -> None:
        assert self._marks is not None
        self._positions, self._key_positions = positions_from_marks(self.data, self._marks)
        self._marks = None

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Position of ``loc`` or of its nearest written ancestor."""
        loc = tuple(loc)
        if key:
            key_positions = self.key_positions
            if loc in key_positions:
                return key_positions[loc]
        positions = self.positions
        while loc:
            if loc in positions:
                return positions[loc]
            loc = loc[:-1]
        return positions.get((), (1, 1))

    def may_hold(self, text: str) -> bool:
        """False when no string of the data can contain ``text``: a byte search in the cached data, if any."""
        if self._blob is not None:
            return text.encode("utf-8") in self._blob  # marshal keeps strings as UTF-8
        return True

    def __repr__(self) -> str:
        return f"Document({self.path!r}, {self.data!r})"


def pack_marks(marks: list[int]) -> bytes:
    """Line and column numbers as compact bytes: two bytes each while they fit, else four."""
    code = "H" if not marks or max(marks) < 65536 else "I"
    return code.encode() + array(code, marks).tobytes()


def marks_from_positions(
    data: Any, positions: dict[Loc, tuple[int, int]], key_positions: dict[Loc, tuple[int, int]]
) -> list[int]:
    """The inverse of :func:`positions_from_marks`: every value's and key's mark, in document order."""
    marks: list[int] = []
    stack: list[tuple[bool, Loc, Any]] = [(False, (), data)]
    while stack:
        keyed, loc, value = stack.pop()
        if keyed:
            marks.extend(key_positions[loc])
        marks.extend(positions[loc])
        if type(value) is dict:
            stack.extend([(True, (*loc, key), item) for key, item in reversed(value.items())])
        elif type(value) is list:
            stack.extend([(False, (*loc, index), item) for index, item in reversed(list(enumerate(value)))])
    return marks


def positions_from_marks(
    data: Any, packed: bytes
) -> tuple[dict[Loc, tuple[int, int]], dict[Loc, tuple[int, int]]]:
    """Give each value and key of ``data`` its mark, in the order the loader recorded them.

    The loader recorded, in document order, every value's (line, column), and before each mapping value its
    key's; mappings keep their keys' order (no key is written twice), so a walk in the same order meets them
    again one by one.
    """
    marks = array(packed[:1].decode(), packed[1:])
    positions: dict[Loc, tuple[int, int]] = {}
    key_positions: dict[Loc, tuple[int, int]] = {}
    at = 0
    stack: list[tuple[bool, Loc, Any]] = [(False, (), data)]  # (after a key?, location, value)
    while stack:
        keyed, loc, value = stack.pop()
        if keyed:
            key_positions[loc] = (marks[at], marks[at + 1])
            at += 2
        positions[loc] = (marks[at], marks[at + 1])
        at += 2
        if type(value) is dict:
            stack.extend([(True, (*loc, key), item) for key, item in reversed(value.items())])
        elif type(value) is list:
            stack.extend([(False, (*loc, index), item) for index, item in reversed(list(enumerate(value)))])
    return positions, key_positions


def load_document(
    path: Path, display: str, diags: Diagnostics, limits: Limits = Limits(), *, root: Path | None = None
) -> Document | None:
    """Read and compose ``path``; report problems into ``diags`` under ``display``.

    With ``root``, a file that is (or lies under) a symbolic link leading outside ``root`` is refused:
    a pull request must not make avr publish a file from elsewhere on the build machine.
    """
    try:
        if path.is_symlink() and not path.exists():
            diags.add(display, 0, 0, "E001", _("symbolic link loop") if _loops(path) else _("broken symbolic link"))
            return None
        if root is not None and not path.resolve().is_relative_to(root.resolve()):
            diags.add(display, 0, 0, "E010",
                      _("symbolic link to {target}, outside the repository; copy the file into the repository").format(
                          target=path.resolve()))
            return None
        if not path.is_file():
            diags.add(display, 0, 0, "E001", _("not a regular file"))
            return None
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            diags.add(
                display, 0, 0, "E001",
                _("file is {size} bytes, over the {limit}").format(
                    size=size, limit=limit_text("max_file_bytes", limits.max_file_bytes)),
            )
            return None
        with path.open("rb") as handle:  # never more than the limit, even if the file grows meanwhile
            raw = handle.read(limits.max_file_bytes + 1)
        if len(raw) > limits.max_file_bytes:
            diags.add(display, 0, 0, "E001", _("file is over the {limit}").format(
                limit=limit_text("max_file_bytes", limits.max_file_bytes)))
            return None
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop (Python 3.11)
        diags.add(display, 0, 0, "E001", _("cannot read file: {reason}").format(
            reason=getattr(exc, "strerror", None) or exc))
        return None
    return load_bytes(raw, display, diags, limits)


def _loops(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def load_bytes(raw: bytes, display: str, diags: Diagnostics, limits: Limits = Limits()) -> Document | None:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(raw):
        diags.add(display, 1, 1, "E001", _("file is UTF-16; save it as UTF-8"))
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a BOM some Windows editors add; harmless
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start:exc.start].decode("utf-8", errors="replace")) + 1  # characters, like libyaml
        diags.add(
            display, line, col, "E001",
            _("byte 0x{byte:02x} is not valid UTF-8; save the file as UTF-8").format(byte=raw[exc.start]),
        )
        return None
    return load_text(text, display, diags, limits)


def _looks_like_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte order mark: ASCII text with a NUL in every other byte."""
    head = raw[:64]
    half = len(head) // 2
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return half >= 2 and ((odd * 2 >= half and even == 0) or (even * 2 >= half and odd == 0))


def _line_col(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def load_text(text: str, display: str, diags: Diagnostics, limits: Limits = Limits()) -> Document | None:
    if "\x00" in text:
        line, col = _line_col(text, text.index("\x00"))
        diags.add(display, line, col, "E001", _("file contains NUL bytes; it is not a text file"))
        return None
    control = _CONTROL.search(text)
    if control:
        line, col = _line_col(text, control.start())
        diags.add(display, line, col, "E001",
                  _("control character U+{code:04X}; remove it (the file must be plain text)").format(
                      code=ord(control.group())))
        return None
    hidden = _HIDDEN.search(text)
    if hidden:
        line, col = _line_col(text, hidden.start())
        diags.add(display, line, col, "E012", _("{character}; remove it").format(character=describe_character(hidden.group())))
        return None
    if "\t" in text and _report_tabs(text, display, diags):
        return None
    if ("&" in text or "!" in text) and _report_anchors_and_tags(text, display, diags):
        return None
    if _may_exceed_nodes(text, limits.max_nodes) and _report_too_many_nodes(text, display, diags, limits):
        return None
    try:
        nodes = yaml.compose_all(text, Loader=_Loader)
        root = next(nodes, None)
        if root is not None:
            extra = next(nodes, None)
            if extra is not None:
                line, col = _mark(extra)
                diags.add(
                    display, line, col, "E006",
                    _("a second YAML document starts here; put one entity in each file"),
                )
                return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = exc.problem or str(exc)
        if "maximum nesting depth" in problem:  # libyaml's own bound (1000 levels)
            diags.add(display, line, col, "E009",
                      _("nesting deeper than {depth} levels ({limit})").format(
                      depth=limits.max_depth, limit=limit_text("max_depth", limits.max_depth)))
        else:
            diags.add(display, line, col, "E002", _explain(problem))
        return None
    except yaml.YAMLError as exc:
        diags.add(display, 0, 0, "E002", _("YAML syntax error: {problem}").format(problem=exc))
        return None
    except RecursionError:  # the pure-Python composer, without libyaml
        diags.add(display, 1, 1, "E009",
                  _("nesting deeper than {depth} levels ({limit})").format(
                      depth=limits.max_depth, limit=limit_text("max_depth", limits.max_depth)))
        return None
    if root is None:
        diags.add(display, 1, 1, "E007", _("file is empty; it must hold a mapping of fields"))
        return None
    if not isinstance(root, yaml.MappingNode):
        line, col = _mark(root)
        message = (_("file holds a list; it must hold a mapping of fields (key: value)")
                   if isinstance(root, yaml.SequenceNode) else
                   _("file holds a single value; it must hold a mapping of fields (key: value)"))
        diags.add(display, line, col, "E007", message)
        return None
    # the file itself holds none of the forbidden characters (checked above): only an escape in a double-quoted
    # value can make one, and only files with a backslash pay for the search
    escapes = "\\" in text
    try:
        data, marks = _build_fast(root, limits, aliases="&" in text)
        if escapes and _holds_forbidden(data):
            raise _Slow
        return Document(display, data, marks=pack_marks(marks))
    except (_Slow, RecursionError):
        pass  # something to report: the exact builder below finds it and says where
    doc = Document(display, {})
    builder = _Builder(doc, diags, limits, escapes=escapes)
    try:
        data = builder.build(root, (), 0)
    except RecursionError:  # only if Limits were made by hand deeper than avr.yaml allows
        diags.add(display, 1, 1, "E009",
                  _("nesting deeper than {depth} levels ({limit})").format(
                      depth=limits.max_depth, limit=limit_text("max_depth", limits.max_depth)))
        return None
    if builder.failed:
        return None
    doc.data = data
    return doc


def _report_anchors_and_tags(text: str, display: str, diags: Diagnostics) -> bool:
    """Anchors and explicit tags change what a value means, even unused: `title: &Co` would lose `&Co`.

    Only files containing `&` or `!` pay for this event scan.
    """
    found = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            anchor = getattr(event, "anchor", None)
            tag = getattr(event, "tag", None)
            mark = event.start_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
            reportable = isinstance(event, yaml.AliasEvent) or anchor is not None or (
                tag is not None and not _implicit(event)
            )
            if reportable and found >= _MAX_REPORTS_PER_FILE:
                diags.add(display, line, col, "E004", _("more anchors, aliases or tags follow; only the first are listed"))
                break
            if isinstance(event, yaml.AliasEvent):
                diags.add(display, line, col, "E004",
                          _("YAML alias `*{anchor}` reuses an anchor; write the value out instead").format(anchor=anchor))
                found += 1
                continue
            if anchor is not None:
                diags.add(display, line, col, "E004",
                          _("YAML anchor `&{anchor}`; anchors are not allowed — quote the value if `&` is text").format(
                              anchor=anchor))
                found += 1
            if tag is not None and not _implicit(event):
                diags.add(display, line, col, "E008",
                          _("tag `{tag}` is not allowed; write the plain value (quote it if `!` is text)").format(tag=tag))
                found += 1
    except yaml.YAMLError:
        return False  # syntax errors are reported by the composer with their own message
    return found > 0


def _may_exceed_nodes(text: str, limit: int) -> bool:
    """A cheap upper bound on the values in ``text``: every value needs one of these characters near it."""
    bound = (2 * (text.count(":") + text.count("?") + text.count("[") + text.count("{"))
             + text.count("-") + text.count(",") + 1)
    return bound > limit


def _report_too_many_nodes(text: str, display: str, diags: Diagnostics, limits: Limits) -> bool:
    """Count values while parsing, before libyaml composes them all (a 5 MB list of 1s is 1 GB of nodes)."""
    count = 0
    # one entry per open collection: None for a list, [next is a key] for a mapping; keys are not
    # counted, as the reader does not count them
    stack: list[list[bool] | None] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                mapping = stack[-1] if stack else None
                is_key = mapping is not None and mapping[0]
                if mapping is not None:
                    mapping[0] = not mapping[0]
                if not is_key:
                    count += 1
                    if count > limits.max_nodes:
                        mark = event.start_mark
                        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
                        diags.add(display, line, col, "E009",
                                  _("too many values in one file ({limit})").format(
                                      limit=limit_text("max_nodes", limits.max_nodes)))
                        return True
                if isinstance(event, yaml.SequenceStartEvent):
                    stack.append(None)
                elif isinstance(event, yaml.MappingStartEvent):
                    stack.append([True])
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                stack.pop()
    except yaml.YAMLError:
        return False  # the composer reports syntax errors with their own message
    return False


def _implicit(event: yaml.Event) -> bool:
    implicit = getattr(event, "implicit", True)
    return bool(any(implicit) if isinstance(implicit, tuple) else implicit)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _report_tabs(text: str, display: str, diags: Diagnostics) -> bool:
    found = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" -")
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith("\t") or "\t" in indent:
            col = len(indent) + 1 if stripped.startswith("\t") else indent.index("\t") + 1
            diags.add(display, number, col, "E005", _("tab used for indentation; indent with spaces"))
            found = True
    return found


def _libyaml_phrases() -> dict[str, str]:
    """libyaml's usual problems in the user's language; others are shown as libyaml words them."""
    return {
        "could not find expected ':'": _("could not find expected ':'"),
        "did not find expected key": _("did not find expected key"),
        "did not find expected '-' indicator": _("did not find expected '-' indicator"),
        "did not find expected node content": _("did not find expected node content"),
        "did not find expected ',' or ']'": _("did not find expected ',' or ']'"),
        "did not find expected ',' or '}'": _("did not find expected ',' or '}'"),
        "found unexpected end of stream": _("found unexpected end of stream"),
        "found unexpected ':'": _("found unexpected ':'"),
        "found character that cannot start any token": _("found character that cannot start any token"),
        "block sequence entries are not allowed in this context":
            _("block sequence entries are not allowed in this context"),
        "mapping values are not allowed in this context": _("mapping values are not allowed in this context"),
        "found unknown escape character": _("found unknown escape character"),
        "found a tab character that violates indentation": _("found a tab character that violates indentation"),
    }


def _explain(problem: str) -> str:
    hints = {
        "mapping values are not allowed": (
            _("a colon followed by a space inside a value; put the value in quotes")
        ),
        "found character '\\t' that cannot start any token": _("tab character; use spaces"),
        "found unacceptable character": _("control character; remove it or save as plain text"),
    }
    text = _libyaml_phrases().get(problem, problem)
    for needle, hint in hints.items():
        if needle in problem:
            return f"{text} ({hint})"
    return text


def _holds_forbidden(data: Any) -> bool:
    """Some key or value of ``data`` holds a character no value may hold."""
    stack = [data]
    while stack:
        value = stack.pop()
        if type(value) is str:
            if _FORBIDDEN_IN_VALUE.search(value):
                return True
        elif type(value) is dict:
            stack.extend(value)
            stack.extend(value.values())
        elif type(value) is list:
            stack.extend(value)
    return False


class _Slow(Exception):
    """The fast builder met something to report."""


def _build_fast(root: yaml.Node, limits: Limits, *, aliases: bool) -> tuple[dict[str, Any], list[int]]:
    """The data of a file with nothing to report, and its marks in document order (see positions_from_marks).

    Raises _Slow at anything :class:`_Builder` would report, which then reports it exactly: this path does only
    what a valid file needs, with no location tuples and no diagnostics.
    """
    marks: list[int] = []
    seen: set[int] | None = set() if aliases else None  # an alias needs an anchor, and an anchor a `&`
    data = _fast_value(root, 0, marks.append, seen, limits.max_depth)
    if len(marks) // 2 > limits.max_nodes:  # values and keys: at most as many values as _Builder counts
        raise _Slow
    return data, marks


def _fast_value(node: yaml.Node, depth: int, add: Any, seen: set[int] | None, max_depth: int) -> Any:
    # a module function, not a closure: a recursive closure is a reference cycle per file for the collector
    if depth > max_depth:
        raise _Slow
    if seen is not None:
        if id(node) in seen:
            raise _Slow
        seen.add(id(node))
    mark = node.start_mark
    add(mark.line + 1)
    add(mark.column + 1)
    kind = type(node)
    if kind is yaml.ScalarNode:
        if node.tag != _STR:
            raise _Slow
        value = node.value
        # short values repeat across thousands of files (periods, statuses, ids): one object each, also after
        # marshal, which keeps a string interned
        return intern(value) if len(value) <= 32 else value
    if kind is yaml.MappingNode and node.tag == _MAP:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode:
                raise _Slow
            key = intern(key_node.value)
            if key == "<<" or key in result:
                raise _Slow
            mark = key_node.start_mark
            add(mark.line + 1)
            add(mark.column + 1)
            result[key] = _fast_value(value_node, depth + 1, add, seen, max_depth)
        return result
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return [_fast_value(item, depth + 1, add, seen, max_depth) for item in node.value]
    raise _Slow


class _Builder:
    """Turns composed nodes into plain data, recording positions and reporting every problem (the exact path)."""

    def __init__(self, doc: Document, diags: Diagnostics, limits: Limits, *, escapes: bool = True) -> None:
        self.doc = doc
        self.escapes = escapes  # the file has escapes that may have made a forbidden character
        self.diags = diags
        self.limits = limits
        self.seen: set[int] = set()
        self.count = 0
        self.failed = False

    def error(self, node: yaml.Node, code: str, message: str) -> None:
        line, col = _mark(node)
        self.diags.add(self.doc.path, line, col, code, message)
        self.failed = True

    def check_characters(self, node: yaml.ScalarNode) -> None:
        char = forbidden_character(node.value) if self.escapes else None
        if char is not None:
            self.error(node, "E012", _("{character} in this value (written as an escape); remove it").format(
                character=describe_character(char)))

    def build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        # An alias makes libyaml hand back the node it points to, so a node seen
        # twice is an alias: refusing it stops "billion laughs" before any walk.
        if id(node) in self.seen:
            self.error(
                node, "E004",
                _("the anchor (&name) written here is reused by an alias (*name); write the value out instead"),
            )
            return None
        self.seen.add(id(node))
        self.count += 1
        if self.count > self.limits.max_nodes:
            if self.count == self.limits.max_nodes + 1:
                self.error(node, "E009", _("too many values in one file ({limit})").format(
                    limit=limit_text("max_nodes", self.limits.max_nodes)))
            return None
        if depth > self.limits.max_depth:
            self.error(node, "E009", _("nesting deeper than {depth} levels ({limit})").format(
                depth=self.limits.max_depth, limit=limit_text("max_depth", self.limits.max_depth)))
            return None
        self.doc.positions[loc] = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            if node.tag != _STR:
                self.error(node, "E008", _("tag {tag!r} is not allowed; write the plain value").format(tag=node.tag))
            self.check_characters(node)
            return node.value
        if node.tag not in (_SEQ, _MAP):
            self.error(node, "E008", _("tag {tag!r} is not allowed").format(tag=node.tag))
            return None
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, "E002", _("a key must be a plain word, not a list or mapping"))
                continue
            key = key_node.value
            self.check_characters(key_node)
            if key == "<<":
                self.error(key_node, "E004", _("merge keys (<<) are not allowed; write the fields out"))
                continue
            if key in result or key in first_line:
                self.error(
                    key_node, "E003",
                    _("duplicate key `{key}` (first written on line {line}); remove one of them").format(
                        key=key, line=first_line[key]),
                )
                continue
            first_line[key] = _mark(key_node)[0]
            self.doc.key_positions[(*loc, key)] = _mark(key_node)
            result[key] = self.build(value_node, (*loc, key), depth + 1)
        return result
