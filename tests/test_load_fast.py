"""The loader's fast paths against its exact ones, on real files and random YAML.

A file with nothing to report is built by ``_build_fast`` (no location tuples, marks kept as bytes, positions made
when first asked for); anything else goes through ``_Builder``, which reports every problem. Both must give the same
data, positions and key positions, and the document cache (marshal bytes, released data) must give them back the
same again.
"""

from __future__ import annotations

import gc
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import EXAMPLES, mappings

from avr.errors import Diagnostics
from avr.load import yamlfile
from avr.load.cache import DocStore
from avr.load.yamlfile import (
    Document,
    Limits,
    load_bytes,
    load_document,
    load_text,
    marks_from_positions,
    pack_marks,
    positions_from_marks,
)
from avr.model.activity import Activity
from avr.model.validate import validate

SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REAL_FILES = sorted([*(ROOT / "plans").rglob("*.yaml"), *FIXTURES.rglob("*.yaml"), *(ROOT / "fuzz").rglob("*.yaml")])
LIMITS = [Limits(), Limits(max_depth=3, max_nodes=12)]


def exact(text: str, limits: Limits = Limits()) -> tuple[Document | None, list[Any]]:
    """``load_text`` with the fast builder switched off: every file goes through ``_Builder``."""
    original = yamlfile._build_fast

    def never(*args: Any, **kwargs: Any) -> Any:
        raise yamlfile._Slow

    yamlfile._build_fast = never  # type: ignore[assignment]
    try:
        diags = Diagnostics()
        doc = load_text(text, "x.yaml", diags, limits)
    finally:
        yamlfile._build_fast = original
    return doc, diags.items


def fast(text: str, limits: Limits = Limits()) -> tuple[Document | None, list[Any]]:
    diags = Diagnostics()
    return load_text(text, "x.yaml", diags, limits), diags.items


def assert_same(text: str, limits: Limits = Limits()) -> Document | None:
    slow_doc, slow_items = exact(text, limits)
    fast_doc, fast_items = fast(text, limits)
    assert fast_items == slow_items
    assert (fast_doc is None) == (slow_doc is None)
    if fast_doc is None or slow_doc is None:
        return None
    assert fast_doc.path == slow_doc.path
    assert fast_doc.data == slow_doc.data
    assert fast_doc.positions == slow_doc.positions
    assert fast_doc.key_positions == slow_doc.key_positions
    # through the cache: marshal bytes and marks, data released after validation and made again
    for doc in (fast_doc, slow_doc):
        cached = Document.from_packed(doc.path, *doc.packed())
        assert cached.data == slow_doc.data
        cached.release()
        assert cached.positions == slow_doc.positions
        assert cached.key_positions == slow_doc.key_positions
        cached.release()
        assert cached.data == slow_doc.data
    return fast_doc


# ----------------------------------------------------------------- real files


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_real_files_fast_and_exact_paths_agree(path: Path) -> None:
    raw = path.read_bytes()
    try:
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: refused before any YAML is read")
    for limits in LIMITS:
        assert_same(text, limits)


def test_the_fast_path_is_taken_for_valid_files_only() -> None:
    calls: list[bool] = []
    original = yamlfile._Builder.build

    def counting(self: Any, *args: Any) -> Any:
        calls.append(True)
        return original(self, *args)

    yamlfile._Builder.build = counting  # type: ignore[method-assign]
    try:
        assert fast("id: '1'\ntitle: Barn & unga\nlist: [a, b, {c: d}]\n")[0] is not None
        assert calls == []
        assert fast("a: 1\na: 2\n")[0] is None
        assert calls  # the duplicate key is reported by the exact builder
    finally:
        yamlfile._Builder.build = original  # type: ignore[method-assign]


EDGE_CASES = [
    "a: 1\n",
    "a: 1\na: 2\n",
    "a: {b: 1, b: 2}\n",
    "? [a]\n: b\n",
    "? {a: 1}\n: b\n",
    "<<: {a: 1}\n",
    "a: !!int 1\n",
    "a: !x 1\n",
    "!!map {a: 1}\n",
    "a: !!seq [1]\n",
    "a: !!str 1\n",
    "a: ! 1\n",
    "? !!int 1\n: x\n",
    "a: &x 1\nb: *x\n",
    "a: &x [1, *x]\n",
    "a: [[[[[[1]]]]]]\n",
    "a: {b: {c: {d: {e: 1}}}}\n",
    "a:\n  - 1\n  - 2\n  -\n    - 3\n",
    "a: [" + ", ".join(str(i) for i in range(30)) + "]\n",
    "a: Barn & unga\nb: '*'\nc: \"!\"\n",
    "\"\": tomt\n'': igen\n",
    "a:\r\n  b: 1\r\n  c: [x, y]\r\n",
    "å: Ö\nx:\n  - ä: 1\n",
    "a: |\n  text\n  more\nb: >\n  folded\n",
    "a: 1\n---\nb: 2\n",
    "- 1\n- 2\n",
    "just text\n",
    "",
    "a: 1\n\tb: 2\n",
    "a: " + "x" * 40 + "\n" + "b: " + "x" * 40 + "\n",
    "a:\n" + "".join(f"  k{i}: v\n" for i in range(20)),
    "a: [1, 2\n",
    "a: b: c\n",
    "' a ': 1\n'a': 2\n\"a \": [' x', 'x ']\n",
    "a:\n  ' b': 1\n  b: 2\n",
    "' x ': 1\nlist:\n  - ' y': 2\n",
    'a: "\\e[31m"\nb: "tab\\there\\nline"\n',  # an escape making a forbidden character (E012), and allowed ones
    '"k\\u202E": 1\nlist: ["\\uFFFE", ok]\n',
    "a: x\u202eb\n",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_fast_and_exact_paths_agree(text: str) -> None:
    for limits in LIMITS:
        assert_same(text, limits)


# ----------------------------------------------------------------- random YAML

STYLES = [
    {"default_flow_style": False},
    {"default_flow_style": True},
    {"default_flow_style": None, "indent": 4},
    {"default_flow_style": False, "default_style": '"'},
    {"default_flow_style": False, "width": 20},
]


@SETTINGS
@given(mappings(), st.sampled_from(STYLES), st.sampled_from(LIMITS))
def test_random_trees_fast_and_exact_paths_agree(tree: dict[str, Any], style: dict[str, Any], limits: Limits) -> None:
    text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, **style)
    doc = assert_same(text, limits)
    if limits == Limits():
        assert doc is not None and doc.data == tree


@SETTINGS
@given(mappings(), st.lists(st.tuples(st.integers(0, 400), st.sampled_from(
    ["&a ", "*a", "!!int ", "!x ", "<<: ", "\t", "\n", "- ", ": ", "{", "[", "? ", "a: 1\n", "'", "#", ",", "&"])),
    max_size=4))
def test_damaged_trees_fast_and_exact_paths_agree(tree: dict[str, Any], damage: list[tuple[int, str]]) -> None:
    text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)
    for at, piece in damage:
        at = min(at, len(text))
        text = text[:at] + piece + text[at:]
    for limits in LIMITS:
        assert_same(text, limits)


@SETTINGS
@given(st.text(alphabet="[]{}-:,?&*!|>'\"#\n \t%@`abc12åö", max_size=120), st.sampled_from(LIMITS))
def test_punctuation_soup_fast_and_exact_paths_agree(text: str, limits: Limits) -> None:
    assert_same(text, limits)


# ----------------------------------------------------------------- marks


@SETTINGS
@given(mappings())
def test_marks_and_positions_are_inverse(tree: dict[str, Any]) -> None:
    text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)
    doc, _ = exact(text)
    assert doc is not None
    marks = marks_from_positions(doc.data, doc.positions, doc.key_positions)
    assert len(marks) == 2 * (len(doc.positions) + len(doc.key_positions))
    assert positions_from_marks(doc.data, pack_marks(marks)) == (doc.positions, doc.key_positions)


@given(st.lists(st.tuples(st.integers(1, 2**32 - 1), st.integers(1, 2**32 - 1)), min_size=1, max_size=10))
def test_packed_marks_keep_large_line_numbers(pairs: list[tuple[int, int]]) -> None:
    data = ["x"] * (len(pairs) - 1)  # the list itself, then each item
    positions, keys = positions_from_marks(data, pack_marks([n for pair in pairs for n in pair]))
    assert positions == {(): pairs[0], **{(i,): pair for i, pair in enumerate(pairs[1:])}}
    assert keys == {}


# ----------------------------------------------------------------- memory and the cache


def test_loading_makes_no_reference_cycles() -> None:
    """The document cache switches the cyclic collector off while it loads: that is only safe without cycles."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        docs = []
        for path in REAL_FILES:
            docs.append(load_document(path, path.name, Diagnostics()))
        for text in EDGE_CASES:
            docs.append(load_text(text, "x.yaml", Diagnostics(), Limits(max_depth=3, max_nodes=12)))
        for doc in docs:
            if doc is not None:
                doc.positions  # noqa: B018 - made on first use
                Document.from_packed(doc.path, *doc.packed()).key_positions  # noqa: B018
        del docs
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()


def test_cache_gives_the_documents_load_document_gives(tmp_path: Path) -> None:
    files = [p for p in (ROOT / "plans").rglob("*.yaml")]
    for cache in (None, tmp_path / "cache"):
        for _ in range(2):  # cold, then warm from the cache when there is one
            store = DocStore(ROOT, cache, jobs=1)
            loaded = store.load_all(files, Limits())
            store.flush()
            for path in files:
                doc, items = loaded[path]
                diags = Diagnostics()
                expected = load_document(path, store.display(path), diags, Limits())
                assert items == diags.items
                assert doc is not None and expected is not None
                assert doc.path == expected.path and doc.data == expected.data
                assert doc.positions == expected.positions and doc.key_positions == expected.key_positions
                assert doc.position(("nothing", "here")) == expected.position(("nothing", "here"))


def test_validated_documents_release_their_data_and_share_written_fields() -> None:
    texts = [f"id: a{i}\ngoals: ['1']\nunit: u\ntitle: T{i}\n" for i in range(3)]
    models = []
    for text in texts:
        doc = Document.from_packed("x.yaml", *load_text(text, "x.yaml", Diagnostics()).packed())  # type: ignore[union-attr]
        model = validate(doc, Activity, Diagnostics())
        assert model is not None
        assert doc._data is None  # released: the model holds the values
        assert doc.data["id"] == model.id and doc.position(("title",)) == (4, 8)
        models.append(model)
    assert models[0].model_fields_set == {"id", "goals", "unit", "title"}
    assert models[0].__pydantic_fields_set__ is models[2].__pydantic_fields_set__
    assert [m.id for m in models] == ["a0", "a1", "a2"]


def test_resolver_shortcut_composes_the_same_tags() -> None:
    text = "a: 1\nb: [x, 'y', \"z\"]\nc: {d: ~, e: true}\nf: ! 2\ng: !!str 3\n"
    plain = yaml.compose(text, Loader=yaml.CBaseLoader if yaml.__with_libyaml__ else yaml.BaseLoader)
    ours = yaml.compose(text, Loader=yamlfile._Loader)

    def tags(node: Any) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return (node.tag, node.value)
        if isinstance(node, yaml.SequenceNode):
            return (node.tag, [tags(n) for n in node.value])
        return (node.tag, [(tags(k), tags(v)) for k, v in node.value])

    assert tags(ours) == tags(plain)


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes_fast_and_exact_paths_agree(raw: bytes) -> None:
    diags = Diagnostics()
    doc = load_bytes(raw, "x.yaml", diags)
    if doc is None:
        return
    text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    assert_same(text)


def test_keys_alphabet_covers_the_fast_path() -> None:
    """Keys that look like numbers or indexes stay strings, distinct from list indexes in locations."""
    doc = assert_same("'0': a\nlist: [b]\n" + "".join(f"{c}: {c}\n" for c in string.ascii_lowercase[:5]))
    assert doc is not None
    assert doc.position(("0",)) == (1, 6) and doc.position(("list", 0)) == (2, 8)


def test_unusual_files_are_reported_as_load_document_reports_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a cache the workers stat each file; FIFOs, folders, links and big files still reach load_document."""
    import os

    from avr.load.yamlfile import cache as cache_module

    root = tmp_path / "repo"
    folder = root / "plans" / "org" / "plan" / "goals"
    folder.mkdir(parents=True)
    for i in range(6):
        (folder / f"{i}.yaml").write_text(f"id: '{i}'\ntitle: Mål {i}\n", encoding="utf-8")
    (folder / "bad.yaml").write_text("a: 1\na: 2\n", encoding="utf-8")
    (folder / "big.yaml").write_text("a: " + "x" * 300 + "\n", encoding="utf-8")
    (folder / "dir.yaml").mkdir()
    os.mkfifo(folder / "fifo.yaml")
    (folder / "broken.yaml").symlink_to(folder / "missing.yaml")
    (folder / "link.yaml").symlink_to(folder / "1.yaml")
    files = sorted(folder.iterdir())
    limits = Limits(max_file_bytes=200)
    monkeypatch.setattr(cache_module, "PARALLEL_MIN_FILES", 1)
    for jobs in (1, 2):
        for cache in (None, tmp_path / f"cache{jobs}"):
            for _ in range(2):
                store = DocStore(root, cache, jobs=jobs)
                loaded = store.load_all(files, limits)
                store.flush()
                for path in files:
                    doc, items = loaded[path]
                    diags = Diagnostics()
                    expected = load_document(path, store.display(path), diags, limits)
                    assert [d.format() for d in items] == [d.format() for d in diags.items], path.name
                    assert (doc is None) == (expected is None), path.name
                    if doc is not None and expected is not None:
                        assert doc.data == expected.data and doc.positions == expected.positions


@pytest.mark.parametrize("length", [0, 1, 100, 65535, 65536, 65537, 300_000])
def test_reading_a_file_whatever_its_stat_said(tmp_path: Path, length: int) -> None:
    """Workers read with the size stat gave; a file that grew or shrank since is read whole, never past the limit."""
    from avr.load.cache import _read

    path = tmp_path / "x.yaml"
    content = bytes(range(256)) * (length // 256) + b"a" * (length % 256)
    path.write_bytes(content)
    for hint in (0, 1, length // 2, length, length + 1, length * 2 + 10):
        assert _read(str(path), hint, 10**6) == content
        if length > 100:
            with pytest.raises(OSError):
                _read(str(path), hint, 100)
