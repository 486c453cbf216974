"""Import contracts of the package: no cycles, layers imported one way, no private names across modules,
and every module importable on its own.

Layers, lowest first: load → model → compute → render → build → commands → cli. A module may import
from its own layer and those below it, never from one above. The graph comes from grimp (imports inside
functions count too); private names from an AST scan.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "avr"
LAYERS = ("load", "model", "compute", "render", "build", "commands", "cli")

KNOWN_CYCLES: tuple[frozenset[str], ...] = ()
KNOWN_PRIVATE: frozenset[tuple[str, str, str]] = frozenset()
KNOWN_UPWARD: frozenset[tuple[str, str]] = frozenset()


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("avr", cache_dir=None)


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def cycles(graph: grimp.ImportGraph) -> list[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def test_the_graph_sees_every_module(graph: grimp.ImportGraph) -> None:
    # a folder without __init__.py is a namespace package that grimp does not descend into
    assert set(modules()) - {"avr.__main__"} <= set(graph.modules)


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    unknown = [sorted(c) for c in cycles(graph) if c not in KNOWN_CYCLES]
    assert unknown == []


def test_cycle_detection_finds_a_cycle() -> None:
    made = grimp.ImportGraph()
    for name in ("a", "a.x", "a.y", "a.z"):
        made.add_module(name)
    made.add_import(importer="a.x", imported="a.y")
    made.add_import(importer="a.y", imported="a.x")
    made.add_import(importer="a.z", imported="a.x")
    assert cycles(made) == [frozenset({"a.x", "a.y"})]


def test_layers_are_imported_one_way(graph: grimp.ImportGraph) -> None:
    upward = []
    for importer in sorted(graph.modules):
        low = layer_of(importer)
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            high = layer_of(imported)
            if low is not None and high is not None and high > low and (importer, imported) not in KNOWN_UPWARD:
                lines = [d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)]
                upward.append(f"{importer} (line {', '.join(map(str, lines))}) imports {imported}")
    assert upward == []


def private(name: str) -> bool:
    """`_x` is private; `__x__` is Python's, and `_` alone is gettext's translation function."""
    return name.startswith("_") and not name.startswith("__") and name != "_"


def private_uses(name: str, path: Path, known: dict[str, Path]) -> Iterator[tuple[str, str, int]]:
    """(module, private name, line) of every `from m import _x` and `m._x` that reaches into another module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    aliases: dict[str, str] = {}  # local name -> module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            for alias in node.names:
                if private(alias.name) and base != name:
                    yield base, alias.name, node.lineno
                if f"{base}.{alias.name}" in known:
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    aliases[alias.name.split(".")[0]] = alias.name.split(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr):
            chain, value = [], node.value
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in aliases:
                target = ".".join([aliases[value.id], *reversed(chain)])
                if target in known and target != name:
                    yield target, node.attr, node.lineno


def test_no_private_name_is_imported_across_modules() -> None:
    known = modules()
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {target}.{private}"
        for name, path in known.items()
        for target, private, line in private_uses(name, path, known)
        if (name, target, private) not in KNOWN_PRIVATE
    ]
    assert found == []


def test_private_scan_finds_both_forms(tmp_path: Path) -> None:
    source = tmp_path / "b.py"
    source.write_text("from pkg.a import _hidden, shown, _\nimport pkg.a as a\nfrom pkg import a as other\n"
                      "a._helper()\nother._more\n_own = 1\na.__doc__\n", encoding="utf-8")
    uses = sorted(private_uses("pkg.b", source, {"pkg.a": tmp_path / "a.py", "pkg.b": source}))
    assert uses == [("pkg.a", "_helper", 4), ("pkg.a", "_hidden", 1), ("pkg.a", "_more", 5)]


# Run in a fresh interpreter: the parent imports the third-party libraries avr uses (so each child does not
# pay for them again) but nothing of avr; each module is imported in a child forked from that parent.
ISOLATED = r"""
import importlib, json, os, sys, traceback
names, libraries = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for library in libraries:
    try:
        importlib.import_module(library)
    except Exception:
        pass
assert not any(m == "avr" or m.startswith("avr.") for m in sys.modules)
failed = {}
running = []  # (pid, pipe, name), a few at a time


def reap(pid, read, name):
    with os.fdopen(read, "rb") as pipe:
        message = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    if status != 0:
        failed[name] = message or f"exit status {status}"


for name in names:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            importlib.import_module(name)
            code = 0
        except BaseException:
            os.write(write, traceback.format_exc().encode()[:60000])
            code = 1
        os._exit(code)
    os.close(write)
    running.append((pid, read, name))
    if len(running) >= (os.cpu_count() or 1) + 1:
        reap(*running.pop(0))
for child in running:
    reap(*child)
print(json.dumps(failed))
"""


def third_party(known: dict[str, Path]) -> list[str]:
    """Top-level libraries the package imports, other than the standard library and avr itself."""
    names: set[str] = set()
    for path in known.values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return sorted(n for n in names if n != "avr" and n not in sys.stdlib_module_names)


def import_each(names: list[str], libraries: list[str]) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-c", ISOLATED, json.dumps(names), json.dumps(libraries)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    failed: dict[str, str] = json.loads(done.stdout)
    return failed


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_every_module_imports_on_its_own() -> None:
    known = modules()
    names = [name for name in known if name != "avr.__main__"]  # __main__ runs the command line
    assert import_each(names, third_party(known)) == {}


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_import_check_reports_a_module_that_fails(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "pkg/a.py").write_text("from pkg.b import B\nA = 1\n", encoding="utf-8")
    (tmp_path / "pkg/b.py").write_text("from pkg.a import A\nB = 2\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tmp_path)!r}); "
                           f"exec(compile({ISOLATED!r}, 'isolated', 'exec'))", '["pkg.a", "pkg.b"]', "[]"],
                          capture_output=True, text=True, timeout=60)
    failed = json.loads(done.stdout)
    assert sorted(failed) == ["pkg.a", "pkg.b"] and "ImportError" in failed["pkg.a"]
