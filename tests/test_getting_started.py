"""The user pages cannot drift from the tool: *Kom igång* runs as written, the guides' commands and YAML are real.

How docs/kom-igang.md is written, so that this test does exactly what the page tells a reader to do:

- a ```sh block is run, in page order, by bash in a temporary folder, with the venv's `avr` first on PATH;
  a `cd` carries over to the next block, as in the reader's terminal;
- a ```yaml block whose first line is `# fil: PATH` is a whole file: it is written, as shown, at PATH (relative
  to the folder the previous ```sh block ended in) before the next block runs, as a reader saves it in the editor;
- a ```bash block is shown and not run: only the steps that need the network (installing avr, pushing to a
  remote); the test checks that such a block holds nothing else.

The guides En uppföljningsomgång and Delårsrapport med ekonomi go on with Kom igång's board; they are run the same
way after it, in the plan folder their paths are relative to.

In every page (Kom igång, docs/guider/*.md): each `avr …` in a shell block or an inline code span names a real
command and real options, and each ```yaml block that starts `# fil: PATH` (a whole file) or `# ur PATH` (part of
one) is loaded and validated by avr's own loader and models as the file kind of PATH.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT
from test_docs import commands

from avr.commands.schema import KINDS
from avr.errors import Diagnostics
from avr.load.yamlfile import load_text
from avr.model.validate import validate

DOCS = ROOT / "docs"
KOM_IGANG = DOCS / "kom-igang.md"
PAGES = [KOM_IGANG, DOCS / "index.md", *sorted((DOCS / "guider").glob("*.md"))]
FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
                   re.MULTILINE | re.DOTALL)
# what a ```bash block of Kom igång may hold: the steps a test cannot take (network)
NOT_RUN = ("pipx install ", "pip install ", "python3 -m pip install ", "git remote add ", "git push ")


@dataclass(frozen=True)
class Block:
    lang: str
    text: str
    line: int  # of the opening fence, 1-based

    @property
    def file(self) -> tuple[str, str] | None:
        """("fil" | "ur", PATH) from the block's first line, if it names a file."""
        first = self.text.split("\n", 1)[0]
        named = re.fullmatch(r"# (fil): (\S+)|# (ur) (\S+)", first.strip())
        if not named:
            return None
        return (named.group(1) or named.group(3), named.group(2) or named.group(4))


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a Markdown page, in order (a block indented in a list item unindented)."""
    text = page.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        indent = len(match.group("indent"))
        body = "".join(line[indent:] for line in match.group("body").splitlines(keepends=True))
        found.append(Block(match.group("lang"), body, text.count("\n", 0, match.start()) + 1))
    return found


# ---------------------------------------------------------------- Kom igång, run as written


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _environment(home: Path) -> dict[str, str]:
    """The reader's terminal: the venv's avr first on PATH, a git identity, no settings of this machine's user."""
    venv_bin = Path(sys.executable).parent
    assert (venv_bin / "avr").is_file(), f"no avr next to {sys.executable}: install avr in the venv (make .venv/.installed)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AVR_", "GIT_"))}
    env.update(PATH=f"{venv_bin}{os.pathsep}{env.get('PATH', '')}", HOME=str(home), LC_ALL="C.UTF-8",
               GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="Kim Andersson", GIT_AUTHOR_EMAIL="kim@example.se",
               GIT_COMMITTER_NAME="Kim Andersson", GIT_COMMITTER_EMAIL="kim@example.se")
    return env


def run_page(page: Path, start: Path, cwd: Path | None = None) -> tuple[Path, list[str]]:
    """Do what the page says, in ``cwd`` (default: a new empty folder in ``start``) with ``start`` holding the
    reader's home; the folder the reader ends in, and the commands run."""
    home = start / ".home"
    home.mkdir(exist_ok=True)
    env = _environment(home)
    if cwd is None:
        cwd = start / "work"
        cwd.mkdir()
    state = start / ".cwd"
    ran: list[str] = []
    for block in blocks(page):
        where = f"{page.name}:{block.line}"
        if block.lang == "sh":
            done = _bash(f"set -euo pipefail\n{block.text}\npwd > {shlex.quote(str(state))}\n", cwd, env)
            assert done.returncode == 0, f"{where}: the block failed ({done.returncode}):\n{block.text}\n" \
                                         f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
            cwd = Path(state.read_text(encoding="utf-8").strip())
            ran += [line.strip() for _, line in shell_lines(block) if line.strip()]
        elif block.lang == "yaml" and block.file and block.file[0] == "fil":
            target = cwd / block.file[1]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text, encoding="utf-8")
    return cwd, ran


@pytest.fixture(scope="module")
def kom_igang(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The reader's folder after doing all Kom igång says, and the commands run (once for this module)."""
    return run_page(KOM_IGANG, tmp_path_factory.mktemp("kom-igang"))


def test_kom_igang_builds_the_boards_first_report(kom_igang: tuple[Path, list[str]]) -> None:
    repo, ran = kom_igang
    # the page's steps, in order: guards against a page trimmed down to a test that proves nothing
    steps = [" ".join(shlex.split(line)[:3]) for line in ran if line.startswith(("avr ", "git "))]
    wanted = ["avr init", "avr new goal", "avr new activity", "avr check", "avr followup start", "avr build",
              "git add .", "git commit -m"]
    assert all(any(s.startswith(w) for s in steps) for w in wanted), steps
    first = [next(i for i, s in enumerate(steps) if s.startswith(w)) for w in wanted]
    assert first == sorted(first), steps
    assert any(line.startswith("avr check --strict") for line in ran), "the page checks as publishing does"

    assert repo.name == "socialnamnden" and (repo / "avr.yaml").is_file()
    plan = repo / "build/exempelkommun-sn/verksamhetsplan-2026"
    report = (plan / "tertial-1-2026.html").read_text(encoding="utf-8")
    assert "Uppföljning tertial 1 2026" in report and "SN 2026/0123" in report
    assert "Fler i egen försörjning" in report
    assert "Fler hushåll med ekonomiskt bistånd ska bli självförsörjande" in report
    assert "Sommarjobb för unga" in report and "Avtal om 45 platser är klara." in report
    assert "38,1\u00a0%" in report  # computed from 118/310, as the page says
    markdown = (plan / "tertial-1-2026.md").read_text(encoding="utf-8")
    assert "Den enda aktiviteten pågår enligt plan." in markdown
    assert (plan / "tertial-1-2026.json").is_file()
    index = (repo / "build/index.html").read_text(encoding="utf-8")
    assert "exempelkommun-sn/verksamhetsplan-2026/tertial-1-2026.html" in index
    assert (repo / "build/tillganglighet.html").is_file()

    # committed, build/ left out, and the workflow that publishes is in the commit
    env = _environment(repo.parent.parent / ".home")
    log = _bash("git log --format=%s", repo, env)
    assert log.stdout.splitlines() == ["Verksamhetsplan 2026 och uppföljning tertial 1"], log.stdout + log.stderr
    assert _bash("git status --porcelain", repo, env).stdout == ""
    tracked = _bash("git ls-files", repo, env).stdout.splitlines()
    assert ".github/workflows/avr.yml" in tracked and not any(p.startswith("build/") for p in tracked)


def test_the_round_and_the_delarsrapport_guides_continue_kom_igang(kom_igang: tuple[Path, list[str]],
                                                                   tmp_path: Path) -> None:
    # the guides' story goes on from Kom igång: the next tertial, then the delårsrapport, run as written in
    # the plan folder (the guides' paths are relative to it)
    repo = tmp_path / "socialnamnden"
    shutil.copytree(kom_igang[0], repo, symlinks=True)
    plan_folder = repo / "plans/exempelkommun-sn/verksamhetsplan-2026"
    _, ran = run_page(DOCS / "guider/uppfoljningsomgang.md", tmp_path, plan_folder)
    assert "avr followup start 2026-T2" in ran and "avr build" in ran
    build = repo / "build/exempelkommun-sn/verksamhetsplan-2026"
    report = (build / "tertial-2-2026.html").read_text(encoding="utf-8")
    assert "58 ungdomar hade sommarjobb" in report and "39,3\u00a0%" in report

    _, ran = run_page(DOCS / "guider/delarsrapport.md", tmp_path, plan_folder)
    assert "avr build --format all" in ran
    assert {p.suffix for p in build.glob("delarsrapport-2026.*")} == {".md", ".html", ".json", ".pdf", ".docx"}
    interim = (build / "delarsrapport-2026.md").read_text(encoding="utf-8")
    for text in ("I augusti gjordes 84 procent av ansökningarna via e-tjänsten.", "Driftredovisning januari–augusti 2026",
                 "44 av 50 beslut fattades inom 14 dagar.", "Följ upp riktlinjerna minst en gång om året.",
                 "Sjukfrånvaron var 7,9 procent"):
        assert text in interim, text
    # the deviations are computed, not typed: period −107,9 − (−105,6), full year −162,6 − (−158,5)
    total = next(line for line in interim.splitlines() if line.startswith("| **Totalt**"))
    assert "**-2,3**" in total and "**-4,1**" in total, total


def test_kom_igang_is_written_by_the_conventions() -> None:
    page = blocks(KOM_IGANG)
    langs = {b.lang for b in page}
    # a shell block in another language would be shown and silently never run
    assert langs <= {"sh", "bash", "yaml", "text"}, langs
    assert sum(b.lang == "sh" for b in page) >= 8
    assert sum(b.lang == "yaml" and b.file is not None and b.file[0] == "fil" for b in page) >= 4
    for block in page:
        if block.lang == "bash":
            for line in filter(str.strip, block.text.splitlines()):
                assert line.startswith(NOT_RUN), f"kom-igang.md:{block.line}: `{line}` is shown but not run"


def test_a_failing_step_stops_the_run(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```sh\nmkdir a\ncd a\n```\n\n```yaml\n# fil: b/c.yaml\nx: 1\n```\n\n```sh\ntest -f b/c.yaml\n"
                    "avr check\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"page\.md:11: the block failed \(2\)"):
        run_page(page, tmp_path)
    assert (tmp_path / "work/a/b/c.yaml").read_text(encoding="utf-8") == "# fil: b/c.yaml\nx: 1\n"


# ---------------------------------------------------------------- every page: commands and YAML


COMMANDS = commands()  # every command and sub-command of `avr`, as tests/test_docs.py walks them
_STOP = {"|", "||", "&&", ";", ">", ">>", "2>", "<"}


def _options(command: Any) -> set[str]:
    names = {"--help"}
    for param in command.params:
        if param.param_type_name == "option":
            names.update(param.opts, param.secondary_opts)
    return names


def invocations(line: str) -> Iterator[list[str]]:
    """The arguments after each `avr` word of a shell line, up to a pipe, `;`, `&&`, a redirection or `#`."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        words = line.split()
    for i, word in enumerate(words):
        if word == "avr":
            args: list[str] = []
            for arg in words[i + 1:]:
                if arg in _STOP or arg == "avr":
                    break
                args.append(arg)
            yield args


def problems_of(line: str) -> list[str]:
    problems = []
    for args in invocations(line):
        if not args or not re.fullmatch(r"[a-z]+", args[0]):
            continue
        path: tuple[str, ...] = ()
        rest = args
        while rest and (*path, rest[0]) in COMMANDS:
            path, rest = (*path, rest[0]), rest[1:]
        if not path:
            problems.append(f"`avr {args[0]}` is not a command")
            continue
        if getattr(COMMANDS[path], "commands", None) and rest and not rest[0].startswith("-"):
            problems.append(f"`avr {' '.join(path)} {rest[0]}` is not a command")
            continue
        known = _options(COMMANDS[path])
        problems += [f"`avr {' '.join(path)}` has no option {arg.split('=', 1)[0]}"
                     for arg in rest if re.match(r"--?[A-Za-z]", arg) and arg.split("=", 1)[0] not in known]
    return problems


def shell_lines(block: Block) -> Iterator[tuple[int, str]]:
    """(line, command) of a shell block; a command continued with `\\` is read whole, at its first line."""
    pending: list[str] = []
    for number, line in enumerate(block.text.splitlines(), block.line + 1):
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        yield start, " ".join([*pending, line])
        pending = []


def command_lines(page: Path) -> list[tuple[int, str]]:
    """(line, text) of every shell-block line and inline code span of a page that runs avr."""
    found = []
    for block in blocks(page):
        if block.lang in ("sh", "bash"):
            found += [(n, line) for n, line in shell_lines(block) if re.search(r"(^|[\s;&|(])avr\s", line)]
    prose = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), page.read_text(encoding="utf-8"))
    for number, line in enumerate(prose.splitlines(), 1):
        found += [(number, span) for span in re.findall(r"`(avr [^`]+)`", line)]
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_every_avr_command_shown_is_real(page: Path) -> None:
    problems = [f"{page.name}:{n}: {p} (in: {line.strip()})" for n, line in command_lines(page)
                for p in problems_of(line)]
    assert problems == []


def test_a_wrong_command_or_option_is_caught() -> None:
    assert problems_of("avr build --fromat pdf  # --whatever") == ["`avr build` has no option --fromat"]
    assert problems_of("avr new gaol --title T") == ["`avr new gaol` is not a command"]
    assert problems_of("avr frobnicate") == ["`avr frobnicate` is not a command"]
    assert problems_of("avr new goal --title T && avr check --strict") == []
    continued = Block("sh", "avr init --board B \\\n  --kalender tertial\navr check\n", 1)
    assert list(shell_lines(continued)) == [(2, "avr init --board B    --kalender tertial"), (4, "avr check")]
    assert problems_of(next(shell_lines(continued))[1]) == ["`avr init` has no option --kalender"]


# file kind of a path: its name, or the plan folder it sits in
_FOLDERS = {"goals": "goal", "activities": "activity", "followups": "followup", "reports": "report",
            "economy": "economy", "controls": "control", "control-results": "control-result", "audits": "audit",
            "audit-followups": "audit-followup", "outcomes": "outcome"}


def kind_of(path: str) -> str | None:
    parts = path.split("/")
    if parts[-1] in ("avr.yaml", "organisation.yaml", "plan.yaml"):
        return parts[-1].removesuffix(".yaml")
    return next((_FOLDERS[p] for p in reversed(parts[:-1]) if p in _FOLDERS), None)


def yaml_problems(page: Path) -> Iterator[str]:
    for block in blocks(page):
        if block.lang != "yaml":
            continue
        try:
            yaml.safe_load(block.text)
        except yaml.YAMLError as exc:
            yield f"{page.name}:{block.line}: not YAML: {exc}"
            continue
        kind = kind_of(block.file[1]) if block.file else None
        if block.file is None or kind is None:
            continue  # an excerpt without a file, or another tool's file (a CI workflow): YAML is all we know
        how = block.file[0]
        diags = Diagnostics()
        doc = load_text(block.text, page.name, diags)
        if doc is not None:
            validate(doc, KINDS[kind], diags)
        for d in diags.items:
            if how == "ur" and d.code == "E102":
                continue  # part of a file: the fields it leaves out are not missing
            yield f"{page.name}:{block.line + d.line}:{d.col}: {d.code} {d.message} ({kind})"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_yaml_of_file_kinds_validates(page: Path) -> None:
    assert list(yaml_problems(page)) == []


def test_a_wrong_field_in_a_shown_file_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("```yaml\n# fil: plans/o/p/activities/1.yaml\nid: 1\nunit: u\ntitel: T\n```\n\n"
                    "```yaml\n# ur avr.yaml\ndecimals: många\n```\n\n"
                    "```yaml\n# fil: .github/workflows/x.yml\non: [push\n```\n", encoding="utf-8")
    found = list(yaml_problems(page))
    assert [f.split(" ", 2)[:2] for f in found[:3]] == [["p.md:3:1:", "E102"], ["p.md:5:1:", "E101"],
                                                         ["p.md:10:11:", "E103"]]
    assert len(found) == 4 and found[3].startswith("p.md:13: not YAML"), found
    assert kind_of("followups/2026-T1/goal-1.yaml") == "followup" and kind_of("README.md") is None


def test_the_pages_show_yaml_of_every_kind_they_teach() -> None:
    named = {kind_of(b.file[1]) for page in PAGES for b in blocks(page) if b.lang == "yaml" and b.file}
    assert {"goal", "activity", "followup", "report"} <= named, named
