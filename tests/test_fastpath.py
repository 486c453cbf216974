"""The no-op fast path (avr.fastpath) against the typer command it stands in for, through real processes."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import avr.commands.build as build_command
from avr.build.options import parse_formats, parse_ignore
from avr.build.output import CACHE_DIR
from avr.cli import app
from avr.commands.build import default_jobs, find_root
from avr.errors import UsageError
from avr.fastpath import parse_build

ROOT = Path(__file__).resolve().parent.parent
AVR = Path(sys.executable).with_name("avr")  # the installed console script
DAY = 86400 * 10**9
HEAVY = ("typer", "click", "pydantic", "jinja2", "rich", "avr.model.repository", "avr.render.build", "avr.cli")
STRAYS = ("plans/uppsala-amn/notes.yaml", "plans/uppsala-amn/26-punktsplan/anteckningar.yaml")  # W103 each


def _age(root: Path) -> None:
    """Every file written long ago, as in a real working tree (files written within 2 s of a build never match)."""
    old = os.stat(root).st_mtime_ns - 30 * DAY
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(Path(folder) / name, ns=(old, old))


def _make_repo(target: Path, warnings: bool) -> Path:
    target.mkdir(parents=True)
    shutil.copy(ROOT / "avr.yaml", target / "avr.yaml")
    shutil.copytree(ROOT / "plans", target / "plans")
    if warnings:
        for rel in STRAYS:
            (target / rel).write_text("anteckning: ja\n", encoding="utf-8")
    _age(target)
    return target


@pytest.fixture(params=[False, True], ids=["clean", "warnings"])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return _make_repo(tmp_path / "repo", request.param)


def _env(fast: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "AVR_NO_FASTPATH"}
    if not fast:
        env["AVR_NO_FASTPATH"] = "1"
    return env


def avr(*args: str | Path, cwd: Path, fast: bool = True, module: bool = False) -> tuple[int, str, str]:
    """A real run of the installed `avr` (or `python -m avr`); AVR_NO_FASTPATH=1 makes it the typer command."""
    command = [sys.executable, "-m", "avr"] if module else [str(AVR)]
    done = subprocess.run([*command, *map(str, args)], cwd=cwd, env=_env(fast), capture_output=True, text=True,
                          timeout=300)
    return done.returncode, done.stdout, done.stderr


# The fast path's main with the modules loaded printed on stdout at exit (avr prints nothing there on a build).
PROBE = """
import os, sys
sys.argv = ["avr", *sys.argv[1:]]
real_exit = os._exit
def report(code):
    print(" ".join(sorted(sys.modules)), flush=True)
    real_exit(code)
os._exit = report
from avr.fastpath import main
try:
    main()
finally:
    print(" ".join(sorted(sys.modules)))
"""


def probe(*args: str | Path, cwd: Path) -> tuple[int, set[str], str]:
    """Run avr's entry point; the modules it imported tell which path answered."""
    done = subprocess.run([sys.executable, "-c", PROBE, *map(str, args)], cwd=cwd, env=_env(True),
                          capture_output=True, text=True, timeout=300)
    return done.returncode, set(done.stdout.split()), done.stderr


def _fast_answered(modules: set[str]) -> bool:
    assert "avr.fastpath" in modules, "the probe reported no modules"
    return not any(name == heavy or name.startswith(heavy + ".") for name in modules for heavy in HEAVY)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and CACHE_DIR not in p.parts}


NOOP_ARGS = [
    [],
    ["--quiet"],
    ["-q", "--jobs", "1"],
    ["--out", "elsewhere"],
    ["-o", "elsewhere", "--out=../ut", "-j2"],  # the last --out wins, as in click
    ["--format", "md,html"],
    ["-f", "json", "--format=MD", "-f", "html"],
    ["--format", "md,json", "-q"],
    ["--ignore", "W103"],  # the warnings printed less those ignored
    ["--ignore=W101,W103", "--strict", "-q"],
]


@pytest.mark.parametrize("args", NOOP_ARGS, ids=lambda a: " ".join(a) or "plain")
def test_noop_prints_exactly_what_typer_prints(repo: Path, args: list[str]) -> None:
    first = avr("build", *args, cwd=repo, fast=False)
    assert first[0] == 0, first
    typer_noop = avr("build", *args, cwd=repo, fast=False)
    assert "nothing changed" in typer_noop[2] or "-q" in args or "--quiet" in args
    assert avr("build", *args, cwd=repo) == typer_noop
    assert avr("build", *args, cwd=repo, module=True) == typer_noop
    code, modules, err = probe("build", *args, cwd=repo)
    assert (code, err) == (0, typer_noop[2])
    assert _fast_answered(modules), sorted(m for m in modules if m.split(".")[0] in ("typer", "pydantic", "jinja2"))
    assert ("W103" in typer_noop[2]) == ((repo / STRAYS[0]).exists() and not any("--ignore" in a for a in args))


def test_noop_from_another_folder_with_repo_option(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert avr("build", "-C", repo, cwd=elsewhere, fast=False)[0] == 0
    for args in (["-C", repo], [f"--repo={repo}", "-q"], ["--repo", "../repo/plans"]):
        typer_noop = avr("build", *args, cwd=elsewhere, fast=False)
        assert avr("build", *args, cwd=elsewhere) == typer_noop
        code, modules, err = probe("build", *args, cwd=elsewhere)
        assert (code, err) == (0, typer_noop[2]) and _fast_answered(modules)


def test_fast_path_imports_nothing_heavy(repo: Path) -> None:
    assert avr("build", cwd=repo, fast=False)[0] == 0
    code, modules, err = probe("build", cwd=repo)
    assert code == 0 and "nothing changed" in err
    for heavy in ("typer", "click", "pydantic", "pydantic_core", "jinja2", "markupsafe", "rich", "babel",
                  "markdown_it", "avr.model.repository", "avr.render.build", "avr.cli"):
        assert heavy not in modules, heavy


# --------------------------------------------------------- changes fall through to a real build


def _rewrite(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _change_followup(repo: Path) -> None:
    target = sorted(repo.glob("plans/*/*/followups/*/*.yaml"))[0]
    _rewrite(target, target.read_text(encoding="utf-8") + "# ändrad i efterhand\n")


def _touch_output(repo: Path) -> None:
    report = sorted((repo / "build").rglob("*.html"))[0]
    report.write_bytes(report.read_bytes() + b"\n")


def _new_file(repo: Path) -> None:
    _rewrite(repo / "plans/uppsala-amn/ny-anteckning.yaml", "ny: ja\n")


def _delete_file(repo: Path) -> None:
    sorted(repo.glob("plans/*/*/followups/*/*.yaml"))[-1].unlink()


def _edit_config(repo: Path) -> None:
    config = repo / "avr.yaml"
    _rewrite(config, config.read_text(encoding="utf-8") + "# en kommentar\n")


CHANGES = {"changed-file": _change_followup, "touched-output": _touch_output, "new-file": _new_file,
           "deleted-file": _delete_file, "avr.yaml": _edit_config}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_falls_through_to_the_same_real_build(tmp_path: Path, change: str) -> None:
    fast, slow = _make_repo(tmp_path / "a" / "repo", True), _make_repo(tmp_path / "b" / "repo", True)
    for repo in (fast, slow):
        assert avr("build", cwd=repo, fast=False)[0] == 0
        CHANGES[change](repo)
    code, modules, err = probe("build", cwd=fast)
    assert not _fast_answered(modules), "a changed repository must be built"
    expected = avr("build", cwd=slow, fast=False)
    assert (code, err.replace(str(tmp_path / "a"), "X")) == (expected[0], expected[2].replace(str(tmp_path / "b"), "X"))
    assert "wrote" in err
    assert _tree(fast / "build") == _tree(slow / "build")
    # and the build it fell through to left a state the fast path then recognises
    _age_inputs_only(fast)
    assert avr("build", cwd=fast, fast=False)[0] == 0
    code, modules, err = probe("build", cwd=fast)
    assert code == 0 and "nothing changed" in err and _fast_answered(modules)


def _age_inputs_only(repo: Path) -> None:
    old = os.stat(repo).st_mtime_ns - 30 * DAY
    for path in [repo / "avr.yaml", *(p for p in (repo / "plans").rglob("*") if p.is_file())]:
        os.utime(path, ns=(old, old))


def test_another_format_falls_through(repo: Path) -> None:
    assert avr("build", cwd=repo, fast=False)[0] == 0
    code, modules, err = probe("build", "--format", "md", cwd=repo)
    assert code == 0 and "wrote" in err and not _fast_answered(modules)


def test_racy_edit_with_the_same_size_and_mtime_is_still_seen(tmp_path: Path) -> None:
    """A file written within 2 s of a build's scan is recorded so that it never matches: an edit that keeps its
    size and mtime is rebuilt all the same (the fast path uses the same check). The file's time is set a minute
    ahead (as a clock a little off would), so that a slow start of the build cannot age it past the 2 s."""
    repo = _make_repo(tmp_path / "repo", False)
    target = sorted(repo.glob("plans/*/*/followups/*/*.yaml"))[0]
    text = target.read_text(encoding="utf-8")
    _rewrite(target, text)
    ahead = time.time_ns() + 60 * 10**9
    os.utime(target, ns=(ahead, ahead))
    assert avr("build", cwd=repo, fast=False)[0] == 0
    before = os.stat(target)
    index = text.index("status:") if "status:" in text else 0
    edited = text[:index] + ("X" if text[index] != "X" else "Y") + text[index + 1:]
    assert len(edited.encode()) == len(text.encode())
    _rewrite(target, edited)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(target).st_size == before.st_size
    code, modules, err = probe("build", cwd=repo)
    assert not _fast_answered(modules) and "nothing changed" not in err


# --------------------------------------------------------- arguments the fast path leaves to typer


ODD_ARGS = [
    ["build", "--help"],
    ["build", "--bogus"],
    ["build", "--jobs", "x"],
    ["build", "--jobs", "-1"],
    ["build", "--format", "gif"],
    ["build", "--format", ""],
    ["build", "--out"],
    ["build", "extra"],
    ["build", "--", "-q"],
    ["build", "-qj1"],
    ["build", "--quiet=yes"],
    ["build", "--clean"],
    ["bild"],
    ["--help"],
    [],
]


@pytest.mark.parametrize("args", ODD_ARGS, ids=lambda a: " ".join(a) or "no-args")
def test_odd_arguments_get_typers_answer(tmp_path: Path, args: list[str]) -> None:
    fast, slow = _make_repo(tmp_path / "a" / "repo", False), _make_repo(tmp_path / "b" / "repo", False)
    for repo in (fast, slow):
        assert avr("build", cwd=repo, fast=False)[0] == 0
    answer = avr(*args, cwd=fast)
    expected = avr(*args, cwd=slow, fast=False)
    assert (answer[0], answer[1], answer[2].replace(str(tmp_path / "a"), "X")) == \
        (expected[0], expected[1], expected[2].replace(str(tmp_path / "b"), "X"))


def test_outside_a_repository_gets_typers_error(tmp_path: Path) -> None:
    assert avr("build", cwd=tmp_path) == avr("build", cwd=tmp_path, fast=False)
    assert avr("build", cwd=tmp_path)[0] == 2


# --------------------------------------------------------- the option reader against typer's, random argv


TOKENS = ["-q", "--quiet", "-C", "{repo}", "--repo", "--repo={repo}", "-C{repo}", "-o", "out", "--out", "--out=x",
          "-ox", "-o=x", "~/ut", "-f", "md", "html,json", "--format", "--format=pdf", "-fall", "-j", "2", "--jobs",
          "--jobs=3", "-j4", "007", "x", "", "-", "--", "--clean", "-qj2", "--quiet=1", "-v", " md", "MD,,Html",
          "--strict", "--strict=1", "--ignore", "W103", "--ignore=W101,W104", "E101", "--ignore=W1"]


def test_parse_build_reads_what_typer_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _make_repo(tmp_path / "repo", False)
    monkeypatch.chdir(repo)
    seen: list[tuple[Any, ...]] = []

    def record(root: Path, out: Path | None, jobs: int, quiet: bool, formats: tuple[str, ...], clean: bool,
               strict: bool, ignore: frozenset[str], scanned: Any = None) -> Any:
        seen.append((root, out, jobs, quiet, formats, clean, strict, ignore))
        raise UsageError("recorded")

    monkeypatch.setattr(build_command, "run_build", record)
    runner = CliRunner()
    rng = random.Random(6)
    read = 0
    for _ in range(600):
        argv = ["build"] + [rng.choice(TOKENS).replace("{repo}", str(repo)) for _ in range(rng.randrange(0, 6))]
        parsed = parse_build(argv)
        seen.clear()
        result = runner.invoke(app, argv)
        if parsed is None:
            continue
        read += 1
        try:
            formats = parse_formats(parsed.formats)
            ignore = parse_ignore(parsed.ignore)
        except UsageError:
            assert result.exit_code == 2 and not seen, argv
            continue
        expected = (find_root(Path(parsed.repo) if parsed.repo else Path.cwd()),
                    Path(parsed.out).expanduser() if parsed.out else None,
                    parsed.jobs or default_jobs(), parsed.quiet, formats, False, parsed.strict, ignore)
        assert seen == [expected], (argv, result.output)
    assert read > 100  # the random argv exercise the reader, not only its refusals


def test_a_build_after_the_check_reuses_its_scan_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import avr.build.engine as engine

    repo = _make_repo(tmp_path / "repo", False)
    assert avr("build", cwd=repo, fast=False)[0] == 0
    _new_file(repo)
    formats = ("md", "html", "json")
    scanned = engine.up_to_date(repo, None, formats)
    assert scanned.result is None and "plans/uppsala-amn/ny-anteckning.yaml" in scanned.files
    real = engine.up_to_date
    monkeypatch.setattr(engine, "up_to_date", lambda *a: pytest.fail("walked the repository again"))
    result = engine.build(repo, None, formats=formats, scanned=scanned)
    assert not result.noop and result.diagnostics.warnings
    monkeypatch.setattr(engine, "up_to_date", real)
    assert not engine.build(repo, None, formats=formats).noop  # the new file is recent: read again


COUNTING = """
import sys
import avr.build.engine as engine
calls = []
real = engine.up_to_date
engine.up_to_date = lambda *a, **k: calls.append(a) or real(*a, **k)
sys.argv = ["avr", *sys.argv[1:]]
from avr.fastpath import main
try:
    main()
finally:
    print(len(calls))
"""


@pytest.mark.parametrize("args", [[], ["-C", "repo/plans", "--out", "ut", "-f", "html,md", "-q"]], ids=["plain", "options"])
def test_a_changed_repository_is_walked_once_per_run(tmp_path: Path, args: list[str]) -> None:
    repo = _make_repo(tmp_path / "repo", False)
    assert avr("build", *args, cwd=tmp_path if args else repo, fast=False)[0] == 0
    _new_file(repo)
    done = subprocess.run([sys.executable, "-c", COUNTING, "build", *args], cwd=tmp_path if args else repo,
                          env=_env(True), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stderr or "-q" in args
    assert done.stdout.split() == ["1"], "the build after the fast path's check walked the repository again"
