"""The README and the pages under docs/ cannot drift from the tool.

Every command is documented, every diagnostic code is in the table of docs/anvandning.md (and only those),
every `avr …` written in the README or a page names options that exist, every command's help ends in an
example, the YAML examples of file kinds validate against the schemas avr generates from its own models,
the README stays one screen and links only to pages that exist. (tests/test_docs_site.py checks the
generated reference and that the site builds with --strict, broken links and anchors included.)
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from conftest import ROOT, run_avr
from jsonschema import Draft7Validator
from test_schema import avr_view

from avr.cli import app
from avr.commands.schema import KINDS, generate
from avr.errors import CODES

README = (ROOT / "README.md").read_text(encoding="utf-8")
# The hand-written documentation: the README and every page under docs/ (the Referens pages are generated
# at build time and are not in the repository).
DOCS = {"README.md": README} | {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
                                for p in sorted((ROOT / "docs").rglob("*.md"))}
ALL_DOCS = "\n".join(DOCS.values())
COMMANDS_PAGE = "docs/anvandning.md"
FILES_PAGE = "docs/filer.md"


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
def test_every_command_is_in_the_docs(path: tuple[str, ...]) -> None:
    documented = {resolve(args)[0] for line in docs_command_lines() for args in invocations(line)}
    assert any(shown[:len(path)] == path for shown in documented), (
        f"`avr {' '.join(path)}` is in neither README.md nor a page of docs/")


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


# ---------------------------------------------------------------- `avr …` written in the README and docs/

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


def docs_command_lines(text: str = ALL_DOCS) -> list[str]:
    """Lines of code blocks and inline code spans of the README and docs/ that run avr."""
    lines: list[str] = []
    in_block = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        if in_block:
            if re.search(r"(^|\s)avr\s", line):
                lines.append(line)
        else:
            lines += re.findall(r"`(avr [^`]+)`", line)
    return lines


def test_the_docs_run_avr_many_times() -> None:
    lines = docs_command_lines()
    assert len(lines) > 60
    assert any("--format github" in line for line in lines)
    assert any(line.startswith("avr init") for line in docs_command_lines(README))


def test_every_avr_command_in_the_docs_names_real_options() -> None:
    problems = [f"{name}: {problem}" for name, text in DOCS.items()
                for line in docs_command_lines(text) for problem in check_invocation(line)]
    assert problems == []


def test_a_wrong_option_is_caught() -> None:
    assert check_invocation("avr build --fromat pdf   # a comment --whatever") == [
        "`avr build` has no option --fromat (in: avr build --fromat pdf   # a comment --whatever)"]
    assert check_invocation("avr frobnicate") and not check_invocation("avr new goal --plan p --title T")


# ---------------------------------------------------------------- diagnostics table

def documented_codes() -> list[str]:
    """The codes of the detailed table under "Diagnostik" in docs/anvandning.md."""
    section = DOCS[COMMANDS_PAGE].split("\n## Diagnostik\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| ([EW]\d{3}) \|", section, flags=re.MULTILINE)


def test_diagnostics_table_lists_exactly_the_codes() -> None:
    codes = documented_codes()
    assert len(codes) == len(set(codes)), "a code is listed twice"
    assert sorted(set(codes) - set(CODES)) == [], f"in {COMMANDS_PAGE} but not in avr.errors.CODES"
    assert sorted(set(CODES) - set(codes)) == [], f"in avr.errors.CODES but not in {COMMANDS_PAGE}"


def test_diagnostics_table_is_in_code_order() -> None:
    codes = documented_codes()
    assert codes == sorted(codes)


# ---------------------------------------------------------------- YAML examples of file kinds

_FOLDER_KINDS = {"goals": "goal", "activities": "activity", "followups": "followup", "reports": "report",
                 "economy": "economy", "controls": "control", "control-results": "control-result",
                 "audits": "audit", "audit-followups": "audit-followup", "outcomes": "outcome"}
_KIND_PATH = re.compile(r"(?<![\w./-])(?:(avr|organisation|plan)\.yaml|(" + "|".join(_FOLDER_KINDS) + r")/)")


def kinds_named(text: str) -> set[str]:
    return {m.group(1) or _FOLDER_KINDS[m.group(2)] for m in _KIND_PATH.finditer(text)}


def yaml_examples() -> list[tuple[str, int, str, str]]:
    """(kind, page, line, text) of every ```yaml block of the README and docs/ whose first comment or, failing
    that, whose heading names one file kind, e.g. `# controls/am-1.yaml` or `## goals/&lt;id&gt;.yaml`."""
    found: list[tuple[str, int, str, str]] = []
    for name, text in DOCS.items():
        found += [(kind, name, line, block) for kind, line, block in yaml_examples_of(text)]
    return found


def yaml_examples_of(text: str) -> list[tuple[str, int, str]]:
    found: list[tuple[str, int, str]] = []
    heading, start = "", 0
    block: list[str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
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
    assert {kind for kind, name, _, _ in examples if name == FILES_PAGE} == set(KINDS), (
        f"a file kind has no identifiable example in {FILES_PAGE}")
    validators = {kind: Draft7Validator(generate(kind)) for kind in KINDS}
    problems = []
    for kind, name, line, text in examples:
        for error in validators[kind].iter_errors(avr_view(text)):
            if error.validator == "required":
                continue  # examples may show only part of a file (`# avr.yaml` with its `kolada:` settings)
            problems.append(f"{name}:{line}: {kind} example, {list(error.path)}: {error.message}")
    assert problems == []


# ---------------------------------------------------------------- the README: one screen, links into docs/

def test_the_readme_is_one_screen() -> None:
    assert len(README.splitlines()) < 150


def test_every_link_of_the_readme_leads_to_a_page_that_exists() -> None:
    links = [link.split("#", 1)[0] for link in re.findall(r"\]\(([^)\s]+)\)", README)
             if not re.match(r"[a-z]+:", link)]
    assert len(links) > 8
    assert sorted(link for link in links if not (ROOT / link).is_file()) == []
    for page in ("docs/hur-resultat-raknas.md", "docs/filer.md", "docs/rapporter.md", "docs/anvandning.md",
                 "docs/utveckling/index.md"):
        assert page in links, f"the README does not link to {page}"


def test_every_project_file_named_exists() -> None:
    # the benchmark pages name files their benchmark run generates; they are left out
    generated_pages = {"docs/utveckling/bygge.md", "docs/utveckling/benchmarks.md"}
    text = "\n".join(body for name, body in DOCS.items() if name not in generated_pages)
    prefixes = ("avr/", "tests/", "templates/", "examples/", "scripts/", "fuzz/", "benchmarks/", "schemas/", ".vscode/")
    # made by the fuzzer when an input fails; by avr when Python writes bytecode (avr's compiled templates)
    generated = {"fuzz/crashes/", "avr/__pycache__/templates/"}
    named = {m for m in re.findall(r"`([\w./-]+)`", text) if m.startswith(prefixes)} - generated
    assert len(named) > 15
    assert sorted(n for n in named if not (ROOT / n).exists()) == []


def test_the_make_targets_table_matches_the_makefile() -> None:
    page = DOCS["docs/utveckling/index.md"]
    documented = re.findall(r"^\| `make ([\w-]+)` \|", page, flags=re.MULTILINE)
    assert len(documented) > 5
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", makefile, flags=re.MULTILINE))
    assert sorted(set(documented) - targets) == []



# ---------------------------------------------------------------- worked examples of Hur resultat räknas

RULES_PAGE = "docs/hur-resultat-raknas.md"
# Figures the page quotes in its prose, each as the report built from plans/ prints it.
_QUOTED_IN_PROSE = [
    "Av de 26 aktiviteterna bedöms 13 som färdiga, 11 pågår enligt plan, en avviker från plan och en är stoppad.",
    "74 personer (Januari–mars 2021)",
    "≤ 2 800 hushåll",
    "≥ 900 st",
    "**Målet är delvis uppfyllt.** Manuell bedömning.",
    "| Andel ungdomshushåll av hushåll som avslutas inom ekonomiskt bistånd | 33,9 % (298 av 878) | 32,3 % (336 av 1 040) |",
    "| Antal hushåll som har erhållit bistånd |  | 2 576 hushåll |  | 2 867 hushåll (Januari–mars 2021) | ↗ förbättras |",
    "| Försörjningsstödstagare till egen försörjning |  | 30 personer |  | 74 personer (Januari–mars 2021) | ↘ försämras |",
    "| Andel utrikesfödda barnfamiljer av hushåll som avslutas inom ekonomiskt bistånd | 16 % | 19 % (nästan 19 procent) |",
]


def report_lines_quoted(page: str) -> list[str]:
    """The lines of the page's plain code blocks that quote a report: table rows and status sentences."""
    lines: list[str] = []
    fence: str | None = None  # the info string of the open code block, "" for a plain one
    for line in page.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = stripped[3:] if fence is None else None
        elif fence == "" and line.startswith(("| ", "Av de ")):
            lines.append(line)
    return lines


def test_the_worked_examples_are_what_the_reports_print(tmp_path: Path) -> None:
    page = DOCS[RULES_PAGE]
    quoted = report_lines_quoted(page)
    assert len(quoted) >= 4
    done = run_avr("build", "--repo", ROOT, "--out", tmp_path / "out", "--format", "md", "--quiet")
    assert done.returncode == 0, done.stderr
    built = spaces("\n".join(p.read_text(encoding="utf-8") for p in sorted((tmp_path / "out").rglob("*.md"))))
    words = " ".join(spaces(page).split())
    for fragment in _QUOTED_IN_PROSE:
        # the page says it (its own line breaks aside), and a report prints it
        assert fragment.startswith("|") or " ".join(fragment.split()) in words, fragment
        assert fragment in built, fragment
    assert [line for line in quoted if spaces(line) not in built] == []


def spaces(text: str) -> str:
    """Reports bind a number to its unit with a no-break space; the page may write a plain one."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_the_stated_size_of_the_build_engine_is_its_size() -> None:
    """README's development section and the build engine's page state the engine's lines and modules
    (issue 14 asks for them); they must not go stale when the engine changes."""
    files = sorted((ROOT / "avr" / "build").glob("*.py"))  # `wc -l avr/build/*.py`, __init__.py too
    lines = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in files)
    modules = [path for path in files if path.name != "__init__.py"]
    stated = f"{lines:,}".replace(",", " ")
    words = {6: "sex", 7: "sju", 8: "åtta"}
    assert f"är {stated} rader i {words[len(modules)]} moduler" in (ROOT / "README.md").read_text(encoding="utf-8")
    english = {6: "six", 7: "seven", 8: "eight"}
    page = (ROOT / "docs" / "utveckling" / "bygge.md").read_text(encoding="utf-8")
    assert f"({stated} lines in {english[len(modules)]} modules;" in page
