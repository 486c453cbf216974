"""avr.load: the strict YAML reader (every scalar a string, every value positioned, no YAML tricks)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from avr.errors import Diagnostic, Diagnostics
from avr.load.yamlfile import Document, Limits, load_bytes, load_document, load_text

NAME = "plans/org/plan/goals/2.yaml"


def load(source: str | bytes, limits: Limits = Limits()) -> tuple[Document | None, list[Diagnostic]]:
    diags = Diagnostics()
    doc = load_bytes(source, NAME, diags, limits) if isinstance(source, bytes) else load_text(source, NAME, diags, limits)
    return doc, diags.items


def where(items: list[Diagnostic]) -> list[tuple[str, int, int]]:
    """(code, line, col) of every diagnostic, in the order reported."""
    return [(d.code, d.line, d.col) for d in items]


def only(items: list[Diagnostic]) -> Diagnostic:
    assert len(items) == 1, [d.format() for d in items]
    (item,) = items
    assert item.path == NAME
    return item


def refused(source: str | bytes, limits: Limits = Limits()) -> Diagnostic:
    """Load ``source``, expecting no document and exactly one diagnostic."""
    doc, items = load(source, limits)
    assert doc is None
    return only(items)


# ------------------------------------------------------------------ scalars as written


def test_scalars_stay_strings_exactly_as_written() -> None:
    doc, items = load(
        "id: 2:1\n"
        "ok: no\n"
        "yes_word: yes\n"
        "x: 0755\n"
        "v: 1.10\n"
        "d: 2013-06\n"
        "d2: 2024-03-01\n"
        "hex: 0x1F\n"
        "inf: .inf\n"
        "tilde: ~\n"
        "null_word: null\n"
        "quoted: '007'\n"
        "empty:\n"
    )
    assert items == []
    assert doc is not None
    assert doc.data == {
        "id": "2:1",
        "ok": "no",
        "yes_word": "yes",
        "x": "0755",
        "v": "1.10",
        "d": "2013-06",
        "d2": "2024-03-01",
        "hex": "0x1F",
        "inf": ".inf",
        "tilde": "~",
        "null_word": "null",
        "quoted": "007",
        "empty": "",
    }
    assert all(type(v) is str for v in doc.data.values())


def test_nested_scalars_are_strings_too() -> None:
    doc, items = load("history:\n  2012-H1: 295/878\n  2013: 33,9\nlist: [1, 2.0, true]\n")
    assert items == []
    assert doc is not None
    assert doc.data == {"history": {"2012-H1": "295/878", "2013": "33,9"}, "list": ["1", "2.0", "true"]}


# ------------------------------------------------------------------ duplicate keys


def test_duplicate_key_is_reported_at_the_second_key_naming_the_first_line() -> None:
    item = refused("id: 1\ntitle: Första\ntext: x\ntitle: Andra\n")
    assert where([item]) == [("E003", 4, 1)]
    assert "`title`" in item.message
    assert "line 2" in item.message


def test_duplicate_key_in_a_nested_mapping() -> None:
    item = refused("indicators:\n  - id: a\n    title: T\n    id: b\n")
    assert where([item]) == [("E003", 4, 5)]
    assert "line 2" in item.message


def test_duplicate_key_quoted_and_plain_are_the_same_key() -> None:
    item = refused('"2013": x\n2013: y\n')
    assert where([item]) == [("E003", 2, 1)]
    assert "line 1" in item.message


# ------------------------------------------------------------------ anchors, aliases, merge keys


def test_anchor_and_alias_are_refused_where_written() -> None:
    doc, items = load("a: &x 1\nb: *x\n")
    assert doc is None
    assert where(items) == [("E004", 1, 4), ("E004", 2, 4)]
    assert "&x" in items[0].message
    assert "*x" in items[1].message


def test_billion_laughs_is_refused_quickly_without_expansion() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):  # 9 ** 10 "lol"s if expanded
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    bomb = "\n".join(lines) + "\n"
    start = time.perf_counter()
    doc, items = load(bomb)
    elapsed = time.perf_counter() - start
    assert doc is None
    assert elapsed < 2.0
    assert {d.code for d in items} == {"E004"}
    # the first anchor is reported where it is written; the list of reports is bounded
    assert (items[0].line, items[0].col) == (1, 4)
    assert len(items) <= 21
    assert all(1 <= d.line <= 10 or (d.line, d.col) == (0, 0) for d in items)


def test_many_aliases_are_listed_up_to_a_bound() -> None:
    text = "a: &a x\n" + "".join(f"k{i}: *a\n" for i in range(40))
    doc, items = load(text)
    assert doc is None
    assert where(items)[:3] == [("E004", 1, 4), ("E004", 2, 5), ("E004", 3, 5)]
    assert len(items) == 21
    assert where(items)[-1] == ("E004", 21, 6)  # the note sits where the unlisted ones begin
    assert "only the first" in items[-1].message


def test_exactly_twenty_aliases_get_no_more_follow_note() -> None:
    text = "a: &a x\n" + "".join(f"k{i}: *a\n" for i in range(19))  # 1 anchor + 19 aliases = 20
    doc, items = load(text)
    assert doc is None
    assert len(items) == 20
    assert all(d.line > 0 for d in items)


def test_merge_key_is_refused() -> None:
    item = refused("base: {x: 1}\nc:\n  <<: {x: 2}\n  y: 3\n")
    assert where([item]) == [("E004", 3, 3)]
    assert "<<" in item.message


def test_merge_key_with_alias_is_refused() -> None:
    doc, items = load("base: &b {x: 1}\nc:\n  <<: *b\n")
    assert doc is None
    assert {d.code for d in items} == {"E004"}
    assert where(items)[0] == ("E004", 1, 7)  # the anchor
    assert any(d.line == 3 for d in items)  # the merge line


def test_unused_anchor_is_refused() -> None:
    item = refused("a: &x 1\n")
    assert where([item]) == [("E004", 1, 4)]


# ------------------------------------------------------------------ tags


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("n: !!int 3\n", "tag:yaml.org,2002:int"),
        ("cmd: !!python/object:os.system x\n", "tag:yaml.org,2002:python/object:os.system"),
        ("x: !foo bar\n", "!foo"),
    ],
)
def test_explicit_tags_are_refused(text: str, tag: str) -> None:
    item = refused(text)
    assert item.code == "E008"
    assert (item.line, item.col) == (1, text.index("!") + 1)
    assert tag in item.message


def test_tag_on_a_mapping_is_refused() -> None:
    item = refused("x: !!python/object/apply:os.system {args: [ls]}\n")
    assert where([item]) == [("E008", 1, 4)]


def test_tag_on_a_nested_value_is_refused_at_its_position() -> None:
    item = refused("indicators:\n  - id: a\n    baseline: !!float 3\n")
    assert where([item]) == [("E008", 3, 15)]


@pytest.mark.parametrize("text", ["x: !!str bar\n", "x: !!map {a: 1}\n", "x: !!seq [a]\n"])
def test_explicit_default_tags_are_refused_too(text: str) -> None:
    item = refused(text)
    assert where([item]) == [("E008", 1, 4)]


@pytest.mark.parametrize("text", ["title: Svensson & Co\n", "title: Hej!\n", "a: 'x &y !z'\n"])
def test_ampersand_and_bang_inside_values_are_text(text: str) -> None:
    doc, items = load(text)
    assert items == []
    assert doc is not None


# ------------------------------------------------------------------ tabs


def test_tab_indentation_is_reported_with_line_and_column() -> None:
    item = refused("id: 1\ntext:\n\tfoo: 1\n")
    assert where([item]) == [("E005", 3, 1)]


def test_tab_after_spaces_is_reported_at_the_tab() -> None:
    item = refused("a:\n  b: 1\n  \tc: 2\n")
    assert where([item]) == [("E005", 3, 3)]


def test_tab_after_a_list_dash_is_reported_at_the_tab() -> None:
    item = refused("goals:\n- \t2\n")
    assert where([item]) == [("E005", 2, 3)]


def test_every_tab_indented_line_is_reported() -> None:
    doc, items = load("a:\n\tb: 1\nc:\n\td: 2\n")
    assert doc is None
    assert where(items) == [("E005", 2, 1), ("E005", 4, 1)]


def test_tab_inside_a_value_is_not_indentation() -> None:
    doc, items = load("title: a\tb\ntext: |\n  x\ty\n")
    assert items == []
    assert doc is not None
    assert doc.data == {"title": "a\tb", "text": "x\ty\n"}


# ------------------------------------------------------------------ documents and shape


def test_several_documents_are_refused_at_the_second() -> None:
    item = refused("id: 1\n---\nid: 2\n")
    assert where([item]) == [("E006", 3, 1)]


def test_single_document_with_markers_is_fine() -> None:
    doc, items = load("---\nid: 1\n...\n")
    assert items == []
    assert doc is not None and doc.data == {"id": "1"}


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(text: str) -> None:
    item = refused(text)
    assert where([item]) == [("E007", 1, 1)]
    assert "empty" in item.message


def test_top_level_list() -> None:
    item = refused("\n- a\n- b\n")
    assert where([item]) == [("E007", 2, 1)]
    assert "a list" in item.message


def test_bare_scalar() -> None:
    item = refused("just words\n")
    assert where([item]) == [("E007", 1, 1)]
    assert "a single value" in item.message


def test_syntax_error_has_a_hint() -> None:
    item = refused("id: 1\ntitle: Mål: barn\n")
    assert where([item]) == [("E002", 2, 11)]
    assert "quotes" in item.message


def test_non_scalar_key_is_refused() -> None:
    item = refused("? [a, b]\n: 1\n")
    assert where([item]) == [("E002", 1, 3)]


# ------------------------------------------------------------------ bytes and encodings


def test_latin1_byte_is_reported_at_its_line_and_column() -> None:
    item = refused(b"id: 1\ntitle: Bar" + b"\xe5n\n")  # "Barån" saved as Latin-1
    assert where([item]) == [("E001", 2, 11)]
    assert "0xe5" in item.message
    assert "UTF-8" in item.message


def test_bad_byte_on_first_column() -> None:
    item = refused(b"id: 1\n\xff: x\n")
    assert where([item]) == [("E001", 2, 1)]


def test_bad_byte_column_counts_characters_not_bytes() -> None:
    item = refused("id: 1\ntitle: Bärån ".encode() + b"\xff\n")  # ä and å are two bytes each in UTF-8
    assert where([item]) == [("E001", 2, 14)]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_bom_is_refused(encoding: str) -> None:
    raw = "id: 1\ntitle: Barn\n".encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    item = refused(raw)
    assert where([item]) == [("E001", 1, 1)]
    assert "UTF-16" in item.message


def test_utf16_without_bom_is_refused() -> None:
    item = refused("id: 1\n".encode("utf-16-le"))
    assert item.code == "E001"
    assert (item.line, item.col) == (1, 1)


def test_utf8_bom_is_tolerated_and_positions_unchanged() -> None:
    doc, items = load(b"\xef\xbb\xbf" + b"id: 1\ntitle: Barnfamiljer\n")
    assert items == []
    assert doc is not None
    assert doc.data == {"id": "1", "title": "Barnfamiljer"}
    assert doc.position(("title",)) == (2, 8)
    assert doc.position(("id",), key=True) == (1, 1)


def test_utf8_bom_does_not_hide_later_errors() -> None:
    item = refused(b"\xef\xbb\xbfid: 1\nid: 2\n")
    assert where([item]) == [("E003", 2, 1)]


def test_nul_byte_is_refused() -> None:
    item = refused(b"id: 1\ntitle: a\x00b\n")
    # avr reports where the first NUL is
    assert where([item]) == [("E001", 2, 9)]
    assert "NUL" in item.message


def test_nul_byte_in_text() -> None:
    item = refused("\x00id: 1\n")
    assert where([item]) == [("E001", 1, 1)]


def test_crlf_line_endings_are_accepted_with_correct_positions() -> None:
    doc, items = load(b"id: 1\r\ntitle: Barn\r\nindicators:\r\n  - id: a\r\n    title: T\r\n")
    assert items == []
    assert doc is not None
    assert doc.data == {"id": "1", "title": "Barn", "indicators": [{"id": "a", "title": "T"}]}
    assert "\r" not in repr(doc.data)
    assert doc.position(("title",)) == (2, 8)
    assert doc.position(("indicators", 0, "title")) == (5, 12)
    assert doc.position(("indicators", 0, "title"), key=True) == (5, 5)


def test_crlf_line_numbers_in_diagnostics() -> None:
    item = refused(b"id: 1\r\ntitle: a\r\n\r\ntitle: b\r\n")
    assert where([item]) == [("E003", 4, 1)]
    assert "line 2" in item.message


def test_crlf_tab_indentation_line() -> None:
    item = refused("a: x\r\nb:\r\n\tc: 1\r\n")
    assert where([item]) == [("E005", 3, 1)]


def test_bad_byte_after_crlf_lines() -> None:
    item = refused(b"id: 1\r\ntitle: Bar\xe5n\r\n")
    assert where([item]) == [("E001", 2, 11)]


# ------------------------------------------------------------------ files on disk


def load_file(path: Path, limits: Limits = Limits()) -> tuple[Document | None, list[Diagnostic]]:
    diags = Diagnostics()
    doc = load_document(path, "shown/name.yaml", diags, limits)
    return doc, diags.items


def test_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("id: 2:1\n", encoding="utf-8")
    doc, items = load_file(path)
    assert items == []
    assert doc is not None
    assert doc.path == "shown/name.yaml"
    assert doc.data == {"id": "2:1"}


def test_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "goals.yaml"
    folder.mkdir()
    doc, items = load_file(folder)
    assert doc is None
    assert [(d.path, d.code, d.line, d.col) for d in items] == [("shown/name.yaml", "E001", 0, 0)]
    assert "not a regular file" in items[0].message


def test_broken_symlink_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "g.yaml"
    link.symlink_to(tmp_path / "nowhere.yaml")
    doc, items = load_file(link)
    assert doc is None
    assert where(items) == [("E001", 0, 0)]
    assert "broken" in items[0].message


def test_symlink_loop_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "loop.yaml"
    link.symlink_to(link)
    doc, items = load_file(link)
    assert doc is None
    assert where(items) == [("E001", 0, 0)]


def test_working_symlink_is_read(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text("id: 1\n", encoding="utf-8")
    link = tmp_path / "g.yaml"
    link.symlink_to(tmp_path / "real.yaml")
    doc, items = load_file(link)
    assert items == []
    assert doc is not None and doc.data == {"id": "1"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "g.yaml"
    os.mkfifo(fifo)
    doc, items = load_file(fifo)
    assert doc is None
    assert where(items) == [("E001", 0, 0)]


def test_missing_file(tmp_path: Path) -> None:
    doc, items = load_file(tmp_path / "absent.yaml")
    assert doc is None
    assert where(items) == [("E001", 0, 0)]


def test_file_over_max_file_bytes_is_refused_naming_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("text: " + "x" * 2000 + "\n", encoding="utf-8")
    doc, items = load_file(path, Limits(max_file_bytes=1024))
    assert doc is None
    assert where(items) == [("E001", 0, 0)]
    assert "max_file_bytes" in items[0].message
    assert "1024" in items[0].message
    assert "2007" in items[0].message  # the file's size


def test_file_at_max_file_bytes_is_read(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    text = "text: " + "x" * (1024 - 7) + "\n"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size == 1024
    doc, items = load_file(path, Limits(max_file_bytes=1024))
    assert items == []
    assert doc is not None


def test_file_with_bad_bytes_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_bytes(b"id: 1\ntitle: Bar\xe5n\n")
    doc, items = load_file(path)
    assert doc is None
    assert [(d.path, d.code, d.line, d.col) for d in items] == [("shown/name.yaml", "E001", 2, 11)]


# ------------------------------------------------------------------ limits


def test_nesting_deeper_than_max_depth() -> None:
    # root = depth 0; the value of `f` is depth 6
    item = refused("a:\n  b:\n    c:\n      d:\n        e:\n          f: 1\n", Limits(max_depth=5))
    assert where([item]) == [("E009", 6, 14)]
    assert "max_depth" in item.message


def test_nesting_at_max_depth_is_fine() -> None:
    doc, items = load("a:\n  b:\n    c:\n      d:\n        e: 1\n", Limits(max_depth=5))
    assert items == []
    assert doc is not None
    assert doc.data == {"a": {"b": {"c": {"d": {"e": "1"}}}}}


def test_nesting_of_flow_lists_deeper_than_max_depth() -> None:
    item = refused("a: [[[[[1]]]]]\n", Limits(max_depth=5))
    assert where([item]) == [("E009", 1, 9)]


def test_very_deep_nesting_is_a_diagnostic_not_a_crash() -> None:
    start = time.perf_counter()
    doc, items = load("a: " + "[" * 20000 + "]" * 20000 + "\n")
    assert time.perf_counter() - start < 5.0
    assert doc is None
    assert len(items) == 1
    assert items[0].code in {"E009", "E002"}


def test_more_values_than_max_nodes() -> None:
    item = refused("a: [1, 2, 3]\n", Limits(max_nodes=3))
    # nodes: root mapping, the list, 1 -> the 4th value, `2`, is over the limit
    assert where([item]) == [("E009", 1, 8)]
    assert "max_nodes" in item.message


# ------------------------------------------------------------------ positions


GOAL = """\
id: "2"
title: Barnfamiljer
indicators:
  - id: andel-barnfamiljer
    title: Andel barnfamiljer
    history:
      2012-H1: 295/878
  - id: antal
    title:    Antal hushåll
"""


def test_positions_of_nested_values() -> None:
    doc, items = load(GOAL)
    assert items == []
    assert doc is not None
    assert doc.position(()) == (1, 1)
    assert doc.position(("id",)) == (1, 5)
    assert doc.position(("title",)) == (2, 8)
    assert doc.position(("indicators",)) == (4, 3)  # the list starts at its first dash
    assert doc.position(("indicators", 0)) == (4, 5)
    assert doc.position(("indicators", 0, "title")) == (5, 12)
    assert doc.position(("indicators", 0, "history", "2012-H1")) == (7, 16)
    assert doc.position(("indicators", 1, "title")) == (9, 15)


def test_positions_of_keys() -> None:
    doc, _ = load(GOAL)
    assert doc is not None
    assert doc.position(("title",), key=True) == (2, 1)
    assert doc.position(("indicators",), key=True) == (3, 1)
    assert doc.position(("indicators", 0, "title"), key=True) == (5, 5)
    assert doc.position(("indicators", 0, "history", "2012-H1"), key=True) == (7, 7)
    assert doc.key_positions[("indicators", 1, "title")] == (9, 5)


def test_position_of_an_unwritten_path_falls_back_to_the_nearest_ancestor() -> None:
    doc, _ = load(GOAL)
    assert doc is not None
    assert doc.position(("indicators", 1, "unit")) == (8, 5)
    assert doc.position(("indicators", 1, "unit"), key=True) == (8, 5)
    assert doc.position(("nothing", "here")) == (1, 1)


def test_positions_count_characters_not_bytes() -> None:
    doc, _ = load("åäö: Östergötland\nx: y\n")
    assert doc is not None
    assert doc.position(("åäö",)) == (1, 6)
    assert doc.position(("x",)) == (2, 4)
