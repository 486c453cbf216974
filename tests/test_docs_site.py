"""The documentation site builds with --strict, and its generated Referens has everything the code has.

The completeness checks walk the live code themselves (the click tree behind the typer app, CODES) rather than
trusting avr/reference.py's own walk, and each is shown to fail on a page with one entry taken out.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from conftest import FIXTURES, ROOT, run_avr
from pydantic import BaseModel

from avr.cli import app
from avr.commands.schema import KINDS
from avr.errors import CODES
from avr.reference import COMMAND_PAGE, DIAGNOSTICS_PAGE, FIELDS_PAGE, STATUS_PAGE, cell, pages


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return pages()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as `make docs` builds it, into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    return out


def test_the_site_builds_strictly_with_the_reference(site: Path) -> None:
    assert (site / "index.html").is_file()
    for page in (COMMAND_PAGE, FIELDS_PAGE, STATUS_PAGE, DIAGNOSTICS_PAGE):
        built = site / page.removesuffix(".md") / "index.html"
        assert built.is_file(), page
    text = (site / "referens" / "diagnostik" / "index.html").read_text(encoding="utf-8")
    assert all(f'id="{code.lower()}"' in text for code in CODES)
    cli = (site / "referens" / "cli" / "index.html").read_text(encoding="utf-8")
    assert "--format" in cli and "avr build" in cli
    # the help texts in Swedish, whatever language the test runs in (the hook chooses Swedish)
    from avr import i18n

    before = i18n.current()
    try:
        i18n.setup("sv")
        swedish = i18n.gettext("Repository folder (default: the folder holding avr.yaml here or above)")
    finally:
        i18n.setup(before)
    assert swedish != "Repository folder (default: the folder holding avr.yaml here or above)"
    assert swedish in cli


def test_a_broken_link_fails_the_build(tmp_path: Path) -> None:
    """--strict is on: a page linking to a page that does not exist fails (as `make docs` then does)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Start\n\n[Saknas](finns-inte.md)\n", encoding="utf-8")
    # the project's settings (strict, validation), with this one page and without the generated reference
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?ms)^nav:.*", "nav:\n  - index.md\n", config)
    config = re.sub(r"(?m)^(hooks|watch):\n(  - .*\n)+", "", config)
    assert "strict: true" in config and "\nhooks:" not in config
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode != 0
    assert "finns-inte.md" in done.stdout + done.stderr
    (docs / "index.md").write_text("# Start\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr  # and fixed, it builds: the failure was the link


# ---------------------------------------------------------------------------------------------- commands

def click_tree() -> dict[tuple[str, ...], Any]:
    """Every command under `avr`, by its path, walked here independently of avr/reference.py."""
    found: dict[tuple[str, ...], Any] = {}

    def walk(command: Any, path: tuple[str, ...]) -> None:
        if path:
            found[path] = command
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


def sections(page: str) -> dict[str, str]:
    """The text under each command heading (`## \\`avr build\\``) of the command page, by the command."""
    parts = re.split(r"^#{2,6} `(avr[^`]*)`\s*$", page, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def missing_commands(page: str) -> list[str]:
    problems = []
    by_command = sections(page)
    for path, command in click_tree().items():
        name = " ".join(("avr", *path))
        if name not in by_command:
            problems.append(f"{name}: no section")
            continue
        rows = [line for line in by_command[name].splitlines() if line.startswith("| `")]
        for param in command.params:
            if getattr(param, "hidden", False):
                continue
            spellings = [param.name.upper()] if param.param_type_name == "argument" else [*param.opts, *param.secondary_opts]
            help_text = " ".join((getattr(param, "help", None) or "").split())
            row = next((r for r in rows if all(f"`{s}`" in r.split("|")[1] for s in spellings)), None)
            if row is None:
                problems.append(f"{name} {spellings[0]}: no row")
            elif cell(help_text) not in row:
                problems.append(f"{name} {spellings[0]}: help text missing")
    return problems


def test_the_command_tree_is_walked() -> None:
    # guards the walk itself: if it found nothing, the completeness test would pass vacuously
    tree = click_tree()
    assert {("build",), ("check",), ("new", "goal"), ("fetch", "kolada"), ("followup", "start")} <= set(tree)
    assert sum(len(c.params) for c in tree.values()) > 60


def test_every_command_and_option_is_in_the_reference(generated: dict[str, str]) -> None:
    assert missing_commands(generated[COMMAND_PAGE]) == []


def test_an_option_left_out_is_found(generated: dict[str, str]) -> None:
    page = generated[COMMAND_PAGE]
    without_option = re.sub(r"^\| `--clean`.*\n", "", page, count=1, flags=re.MULTILINE)
    assert without_option != page
    assert missing_commands(without_option) == ["avr build --clean: no row"]
    without_command = page.replace("## `avr todo`", "## `avr todo-x`")
    assert "avr todo: no section" in missing_commands(without_command)


def test_commands_are_shown_with_their_examples(generated: dict[str, str]) -> None:
    build = sections(generated[COMMAND_PAGE])["avr build"]
    assert "```sh\navr build --format" in build
    assert "| `--format`, `-f` |" in build


# ---------------------------------------------------------------------------------------------- diagnostics

def missing_codes(page: str) -> list[str]:
    problems = []
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\|[^|]*`([EW]\d{3})` \|.*$", page, flags=re.MULTILINE)}
    for code in CODES:
        row = rows.get(code)
        if row is None:
            problems.append(f"{code}: no row")
            continue
        severity = "varning" if code.startswith("W") else "fel"
        if f"| {severity} |" not in row:
            problems.append(f"{code}: not marked {severity}")
    problems += [f"{code}: not a code" for code in rows if code not in CODES]
    return problems


def test_every_diagnostic_code_is_in_the_reference(generated: dict[str, str]) -> None:
    page = generated[DIAGNOSTICS_PAGE]
    assert missing_codes(page) == []
    assert len(re.findall(r"^\|[^|]*`[EW]\d{3}` \|", page, flags=re.MULTILINE)) == len(CODES)
    assert "| <span id=\"e101\"></span>`E101` | fel |" in page


def test_a_code_left_out_is_found(generated: dict[str, str]) -> None:
    page = generated[DIAGNOSTICS_PAGE]
    without = re.sub(r"^\|.*`W103`.*\n", "", page, count=1, flags=re.MULTILINE)
    assert missing_codes(without) == ["W103: no row"]


# ---------------------------------------------------------------------------------------------- file fields

def models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", None) or () for m in models_in(arg)]


def reachable(model: type[BaseModel]) -> list[type[BaseModel]]:
    """The model of a file kind and every model nested in it, walked here independently of avr/reference.py."""
    found: list[type[BaseModel]] = []

    def visit(current: type[BaseModel]) -> None:
        if current in found:
            return
        found.append(current)
        for field in current.model_fields.values():
            for sub in models_in(field.annotation):
                visit(sub)

    visit(model)
    return found


def tables_of(page: str, kind: str) -> list[dict[str, str]]:
    """The field tables of a kind's part of the page (from its kind heading to the next `## `): field → row."""
    part = re.split(r"^## ", page, flags=re.MULTILINE)
    text = next(p for p in part if p.startswith(f"`{kind}`"))
    tables = []
    for block in re.split(r"^#{3} ", text, flags=re.MULTILINE):
        rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z_0-9]+)` \|.*$", block, flags=re.MULTILINE)}
        if rows:
            tables.append(rows)
    return tables


def missing_fields(page: str) -> list[str]:
    problems = []
    for kind, model in KINDS.items():
        tables = tables_of(page, kind)
        for current in reachable(model):
            fields = current.model_fields
            table = next((t for t in tables if set(t) == set(fields)), None)
            if table is None:
                problems.append(f"{kind}: no table of {current.__name__} ({', '.join(fields)})")
                continue
            for name, field in fields.items():
                row = table[name]
                if not field.description or cell(field.description) not in row:
                    problems.append(f"{kind}: {current.__name__}.{name} without its description")
                if ("| **ja** |" in row) != field.is_required():
                    problems.append(f"{kind}: {current.__name__}.{name} required or not, wrongly")
    return problems


def test_the_models_are_walked() -> None:
    assert {"Indicator", "Baseline", "KoladaRef", "Decision", "Section", "Line", "Subtotal"} <= {
        m.__name__ for model in KINDS.values() for m in reachable(model)}
    assert sum(len(m.model_fields) for model in KINDS.values() for m in reachable(model)) > 250


def test_every_field_of_every_file_kind_is_in_the_reference(generated: dict[str, str]) -> None:
    assert missing_fields(generated[FIELDS_PAGE]) == []


def test_a_field_left_out_is_found(generated: dict[str, str]) -> None:
    page = generated[FIELDS_PAGE]
    # the baseline's `period` row of goal files taken out
    start = page.index("### `goal`: `indicators[].baseline`")
    row = re.search(r"^\| `period` \|.*\n", page[start:], flags=re.MULTILINE)
    assert row is not None
    without = page[:start + row.start()] + page[start + row.end():]
    assert missing_fields(without) == ["goal: no table of Baseline (period, value)"]
    undescribed = page.replace("| Beslutsdatum, ÅÅÅÅ-MM-DD |", "|  |")
    assert missing_fields(undescribed) == ["plan: Decision.date without its description"]


def test_the_required_fields_table(generated: dict[str, str]) -> None:
    page = generated[FIELDS_PAGE]
    for kind, model in KINDS.items():
        row = re.search(rf"^\| \[`{re.escape(kind)}`\]\(#{re.escape(kind)}\) \|(.*)\|$", page, flags=re.MULTILINE)
        assert row is not None, kind
        listed = set(re.findall(r"`([^`]+)`", row.group(1)))
        assert {n for n, f in model.model_fields.items() if f.is_required()} <= listed, kind
    assert "| [`goal`](#goal) | `id`, `text`, `indicators[].id`," in page
    assert "`decision.date`" in page  # a nested required field, needed when its outer one is written


# ---------------------------------------------------------------------------------------------- avr status --json

def documented_keys(page: str) -> set[str]:
    """Every key path the status page documents: `plans[].goals[].verdict`, `plans[].economy[].total.<id>`; a key
    whose value is an object documented elsewhere (`commitment_counts`, as `activity_counts`) has its keys too."""
    keys: set[str] = set()
    paths: dict[str, str] = {}  # a section's anchor → its path
    links: list[tuple[str, str]] = []  # a key → the anchor of its value's section
    for part in re.split(r"^## ", page, flags=re.MULTILINE)[1:]:
        heading = part.splitlines()[0]
        path = "" if heading.startswith("Svaret") else re.sub(r"^`([^`]+)`.*", r"\1", heading)
        anchor = re.search(r"\{#([\w-]+)\}", heading)
        if anchor:
            paths[anchor.group(1)] = path
        for row in re.finditer(r"^\| `([a-z_]+)` \|([^|]*)\|", part, flags=re.MULTILINE):
            key = f"{path}.{row.group(1)}" if path else row.group(1)
            keys.add(key)
            target = re.search(r"\]\(#([\w-]+)\)", row.group(2))
            if target:
                kind = row.group(2)
                links.append((key + "[]" * kind.count("lista av") + ".<id>" * kind.count("mappning"), target.group(1)))
    while True:  # until no link adds a key (a link may lead to a section reached through a link)
        before = len(keys)
        for key, anchor in links:
            section = paths[anchor]
            keys |= {key + k[len(section):] for k in list(keys) if k.startswith(section + ".")}
        if len(keys) == before:
            return keys


def output_keys(data: Any, documented: set[str], path: str = "") -> set[str]:
    """Every key path of a real answer; a mapping keyed by ids (an economy row's cells) counts as `<id>`."""
    found: set[str] = set()
    if isinstance(data, dict):
        mapping = any(k.startswith(f"{path}.<id>") for k in documented) if path else False
        for key, value in data.items():
            name = f"{path}.<id>" if mapping else (f"{path}.{key}" if path else key)
            if not mapping:
                found.add(name)
            found |= output_keys(value, documented, name)
    elif isinstance(data, list):
        for item in data:
            found |= output_keys(item, documented, path + "[]")
    return found


@pytest.fixture(scope="module")
def answers() -> list[Any]:
    import json

    out = []
    for args in (("--repo", str(ROOT)), ("--repo", str(ROOT), "--period", "2020"), ("--repo", str(FIXTURES / "interim"))):
        done = run_avr("status", *args, "--json")
        assert done.returncode == 0, done.stderr
        out.append(json.loads(done.stdout))
    return out


def test_every_key_of_avr_status_json_is_documented(generated: dict[str, str], answers: list[Any]) -> None:
    page = generated[STATUS_PAGE]
    documented = documented_keys(page)
    assert {"plans", "plans[].goals[].indicators[].target.op", "plans[].activity_counts.unreported",
            "plans[].economy[].rows[].cells.<id>.stated"} <= documented
    seen = set().union(*(output_keys(a, documented) for a in answers))
    assert len(seen) > 40
    assert sorted(seen - documented) == []
    assert sorted(documented - seen) == []  # and the page promises nothing that avr does not write


def test_a_key_left_out_of_the_status_page_is_found(generated: dict[str, str], answers: list[Any]) -> None:
    page = generated[STATUS_PAGE]
    without = re.sub(r"^\| `last_status` \|.*\n", "", page, count=1, flags=re.MULTILINE)
    documented = documented_keys(without)
    seen = set().union(*(output_keys(a, documented) for a in answers))
    assert sorted(seen - documented) == ["plans[].activities[].last_status"]


def test_the_status_answer_is_checked_against_its_definition() -> None:
    from pydantic import ValidationError

    from avr.commands.status import status_shape

    good = {"plans": []}
    status_shape().validate_python(good, strict=True)
    with pytest.raises(ValidationError):
        status_shape().validate_python({"plans": [], "extra": 1}, strict=True)


def test_make_test_builds_the_site_strictly() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_target = re.search(r"^test:(.*)$", makefile, flags=re.MULTILINE)
    assert test_target is not None and "docs" in test_target.group(1).split()
    docs_recipe = re.search(r"^docs:.*\n\t(.*)$", makefile, flags=re.MULTILINE)
    assert docs_recipe is not None and "mkdocs build --strict" in docs_recipe.group(1)
    assert "/site/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
