"""The README cannot drift from the tool.

Every command is documented, every diagnostic code is in the table (and only those), every `avr …`
written in the README names options that exist, every command's help ends in an example, and the
YAML examples of file kinds validate against the schemas avr generates from its own models.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from conftest import ROOT
from jsonschema import Draft7Validator
from test_schema import avr_view

from avr.cli import app
from avr.commands.schema import KINDS, generate
from avr.errors import CODES

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands() -> dict[tuple[str, ...], Any]:
    """Every command and sub-command of `avr`, by its path (`("new", "goal")`), from typer's click tree."""
    found: dict[tuple[str, ...], Any] = {}

    def walk(command: Any, path: tuple[str, ...]) -> None:
        found[path] = command
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = commands()


def options(command: Any) -> set[str]:
    names = {"--help"}
    for param in command.params:
        if param.param_type_name == "option":
            names.update(param.opts, param.secondary_opts)
    return names


def test_the_command_tree_is_read() -> None:
    # guards the introspection itself: if it found nothing, the tests below would pass vacuously
    assert {("build",), ("check",), ("new", "goal"), ("fetch", "kolada"), ("followup", "start")} <= set(COMMANDS)
    assert "--format" in options(COMMANDS[("build",)])


@pytest.mark.parametrize("path", sorted(p for p in COMMANDS if p), ids=" ".join)
def test_every_command_is_in_the_readme(path: tuple[str, ...]) -> None:
    documented = {resolve(args)[0] for line in readme_command_lines() for args in invocations(line)}
    assert any(shown[:len(path)] == path for shown in documented), f"`avr {' '.join(path)}` is not in README.md"


@pytest.mark.parametrize("path", sorted(p for p, c in COMMANDS.items() if p and not getattr(c, "commands", None)),
                         ids=" ".join)
def test_every_command_help_has_an_example(path: tuple[str, ...]) -> None:
    help_text = COMMANDS[path].help or ""
    examples = re.findall(r"^Example: (avr .+)$", help_text, flags=re.MULTILINE)
    assert examples, f"`avr {' '.join(path)} --help` has no `Example:` line"
    for example in examples:
        assert list(invocations(example)), example
        for problem in check_invocation(example):
            pytest.fail(f"the example of `avr {' '.join(path)}`: {problem}")


# ---------------------------------------------------------------- `avr …` written in the README

_SHELL_STOP = {"|", "||", "&&", ";", ">", ">>", "2>", "<"}


def invocations(line: str) -> Iterator[list[str]]:
    """The argument lists following each `avr` word of a shell line (up to a pipe, `;`, `&&`, `>` or `#`)."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError:  # an unbalanced quote in prose
        words = line.split()
    for i, word in enumerate(words):
        if word != "avr":
            continue
        args: list[str] = []
        for arg in words[i + 1:]:
            if arg in _SHELL_STOP or arg == "avr":
                break
            args.append(arg.strip("[]"))
        yield args


def resolve(args: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """The longest command path that `args` start with, and the arguments after it."""
    path: tuple[str, ...] = ()
    while args and (*path, args[0]) in COMMANDS:
        path, args = (*path, args[0]), args[1:]
    return path, args


def check_invocation(line: str) -> list[str]:
    problems = []
    for args in invocations(line):
        if not args or not re.fullmatch(r"[a-z]+", args[0]):
            continue  # `avr` on its own, or prose such as "avr diff: invalid files"
        path, rest = resolve(args)
        if not path:
            problems.append(f"`avr {args[0]}` is not a command (in: {line.strip()})")
            continue
        known = options(COMMANDS[path])
        for arg in rest:
            if re.match(r"--?[A-Za-z]", arg):
                name = arg.split("=", 1)[0]
                if name not in known:
                    problems.append(f"`avr {' '.join(path)}` has no option {name} (in: {line.strip()})")
    return problems


def readme_command_lines() -> list[str]:
    """Lines of code blocks and inline code spans of the README that run avr."""
    lines: list[str] = []
    in_block = False
    for line in README.splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        if in_block:
            if re.search(r"(^|\s)avr\s", line):
                lines.append(line)
        else:
            lines += re.findall(r"`(avr [^`]+)`", line)
    return lines


def test_readme_runs_avr_many_times() -> None:
    lines = readme_command_lines()
    assert len(lines) > 60
    assert any("--format github" in line for line in lines)


def test_every_avr_command_in_the_readme_names_real_options() -> None:
    problems = [problem for line in readme_command_lines() for problem in check_invocation(line)]
    assert problems == []


def test_a_wrong_option_is_caught() -> None:
    assert check_invocation("avr build --fromat pdf   # a comment --whatever") == [
        "`avr build` has no option --fromat (in: avr build --fromat pdf   # a comment --whatever)"]
    assert check_invocation("avr frobnicate") and not check_invocation("avr new goal --plan p --title T")


# ---------------------------------------------------------------- diagnostics table

def readme_codes() -> list[str]:
    section = README.split("\n## Diagnostics\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| ([EW]\d{3}) \|", section, flags=re.MULTILINE)


def test_diagnostics_table_lists_exactly_the_codes() -> None:
    codes = readme_codes()
    assert len(codes) == len(set(codes)), "a code is listed twice"
    assert sorted(set(codes) - set(CODES)) == [], "in README.md but not in avr.errors.CODES"
    assert sorted(set(CODES) - set(codes)) == [], "in avr.errors.CODES but not in README.md"


def test_diagnostics_table_is_in_code_order() -> None:
    codes = readme_codes()
    assert codes == sorted(codes)


# ---------------------------------------------------------------- YAML examples of file kinds

_FOLDER_KINDS = {"goals": "goal", "activities": "activity", "followups": "followup", "reports": "report",
                 "economy": "economy", "controls": "control", "control-results": "control-result",
                 "audits": "audit", "audit-followups": "audit-followup", "outcomes": "outcome"}
_KIND_PATH = re.compile(r"(?<![\w./-])(?:(avr|organisation|plan)\.yaml|(" + "|".join(_FOLDER_KINDS) + r")/)")


def kinds_named(text: str) -> set[str]:
    return {m.group(1) or _FOLDER_KINDS[m.group(2)] for m in _KIND_PATH.finditer(text)}


def yaml_examples() -> list[tuple[str, int, str]]:
    """(kind, line, text) of every ```yaml block whose first comment or, failing that, whose heading names
    one file kind, e.g. `# controls/am-1.yaml` or `### goals/<id>.yaml`."""
    found: list[tuple[str, int, str]] = []
    heading, start = "", 0
    block: list[str] | None = None
    for number, line in enumerate(README.splitlines(), 1):
        if block is None:
            if line.startswith("#"):
                heading = line
            elif line == "```yaml":
                block, start = [], number + 1
        elif line == "```":
            first = block[0] if block and block[0].startswith("#") else ""
            kinds = kinds_named(first) or kinds_named(heading)
            if len(kinds) == 1:
                found.append((kinds.pop(), start, "\n".join(block)))
            block = None
        else:
            block.append(line)
    return found


def test_yaml_examples_validate_against_the_schemas() -> None:
    examples = yaml_examples()
    assert {kind for kind, _, _ in examples} == set(KINDS), "a file kind has no identifiable example"
    validators = {kind: Draft7Validator(generate(kind)) for kind in KINDS}
    problems = []
    for kind, line, text in examples:
        for error in validators[kind].iter_errors(avr_view(text)):
            if error.validator == "required":
                continue  # examples may show only part of a file (`# avr.yaml` with its `kolada:` settings)
            problems.append(f"README.md:{line}: {kind} example, {list(error.path)}: {error.message}")
    assert problems == []


# ---------------------------------------------------------------- links inside the README

def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped (hyphens kept), spaces → hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_to_a_heading_exists() -> None:
    text = re.sub(r"(?ms)^```.*?^```", "", README)  # `# comments` in code blocks are not headings
    anchors = {slug(h) for h in re.findall(r"^#{1,6} (.+)$", text, flags=re.MULTILINE)}
    links = re.findall(r"\]\(#([^)]+)\)", README)
    assert len(links) > 20
    assert sorted(set(links) - anchors) == []


def test_contents_lists_every_section() -> None:
    contents = README.split("**Contents:**", 1)[1].split("\n\n", 1)[0]
    sections = re.findall(r"^## (.+)$", re.sub(r"(?ms)^```.*?^```", "", README), flags=re.MULTILINE)
    assert [slug(s) for s in sections] == re.findall(r"\]\(#([^)]+)\)", contents)


def test_every_project_file_named_exists() -> None:
    # the Performance section names files its benchmark run generates; it is left out
    text = re.sub(r"(?ms)^## Performance.*?^(?=## )", "", README)
    prefixes = ("avr/", "tests/", "templates/", "examples/", "scripts/", "fuzz/", "benchmarks/", "schemas/", ".vscode/")
    generated = {"fuzz/crashes/"}  # made by the fuzzer when an input fails
    named = {m for m in re.findall(r"`([\w./-]+)`", text) if m.startswith(prefixes)} - generated
    assert len(named) > 15
    assert sorted(n for n in named if not (ROOT / n).exists()) == []
