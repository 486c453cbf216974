"""`avr init` and the README's getting-started commands, run as written in an empty folder."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_avr

README = (ROOT / "README.md").read_text(encoding="utf-8")


def getting_started() -> list[list[str]]:
    """The commands of the README's getting-started block, each split as a shell would."""
    block = README.split("<!-- getting-started", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line) for line in block.splitlines() if line.strip()]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    assert args[0] == "avr"
    return subprocess.run([sys.executable, "-m", "avr", *args[1:]], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_readme_commands_build_a_report_in_an_empty_folder(tmp_path: Path) -> None:
    commands = getting_started()
    assert [c[:2] for c in commands] == [["avr", "init"], ["avr", "new"], ["avr", "new"], ["avr", "followup"],
                                         ["avr", "build"]]
    for args in commands:
        done = _run(args, tmp_path)
        assert done.returncode == 0, (args, done.stderr)
    plan = tmp_path / "build/exempelkommun-amn/verksamhetsplan-2025"
    assert (tmp_path / "build/index.html").is_file()
    reports = sorted(p.name for p in plan.iterdir())
    assert {"plan.html", "uppfoljning-2025-T1.html", "uppfoljning-2025-T1.md"} <= set(reports), reports
    html = (plan / "plan.html").read_text(encoding="utf-8")
    assert "Fler i egen försörjning" in html and "Sommarjobb för unga" in html
    # the goal's text is still the placeholder: the build said so, and --strict refuses to publish it
    assert "W104" in done.stderr
    strict = _run(["avr", "check", "--strict"], tmp_path)
    assert strict.returncode == 1 and re.search(r"goals/1\.yaml:\d+:\d+: W104", strict.stderr)


def test_init_twice_changes_nothing(tmp_path: Path) -> None:
    init = getting_started()[0]
    assert _run(init, tmp_path).returncode == 0
    before = _tree(tmp_path)
    again = _run(init, tmp_path)
    assert again.returncode == 1 and "nothing written" in again.stderr and "never overwrites" in again.stderr
    assert _tree(tmp_path) == before


def test_init_refuses_to_overwrite_any_of_its_files(tmp_path: Path) -> None:
    recipe = tmp_path / ".github/workflows/avr.yml"
    recipe.parent.mkdir(parents=True)
    recipe.write_text("# mine\n", encoding="utf-8")
    done = _run(getting_started()[0], tmp_path)
    assert done.returncode == 1 and ".github/workflows/avr.yml" in done.stderr
    assert _tree(tmp_path) == {".github/workflows/avr.yml": b"# mine\n"}


def test_init_leaves_a_git_repositorys_gitignore_alone(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.pyc\n", encoding="utf-8")
    done = run_avr("init", "--municipality", "Marks kommun", "--board", "Socialnämnden", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "*.pyc\n"
    assert "add build/ to .gitignore" in done.stderr
    assert (tmp_path / "plans/marks-soc/organisation.yaml").is_file()


def test_the_first_error_without_avr_yaml_says_to_run_init(tmp_path: Path) -> None:
    done = run_avr("check", cwd=tmp_path)
    assert done.returncode == 2 and "avr init" in done.stderr


@pytest.mark.parametrize(("calendar", "ends"), [
    ("year", ["2025-12-31"]),
    ("tertial", ["2025-04-30", "2025-08-31", "2025-12-31"]),
    ("delar", ["2025-08-31", "2025-12-31"]),
    ("quarter", ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]),
    ("month", [f"2025-{m:02d}-{d}" for m, d in zip(range(1, 12), (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30),
                                                    strict=True)] + ["2025-12-31"]),
])
def test_each_calendar_gives_its_periods_with_dates(tmp_path: Path, calendar: str, ends: list[str]) -> None:
    done = run_avr("init", "--municipality", "Exempelkommun", "--board", "Kultur- och fritidsnämnden", "--calendar",
                   calendar, "--year", "2025", "--email", "a@example.se", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "plans/exempelkommun-kf/organisation.yaml").read_text(encoding="utf-8")
    assert re.findall(r"end: (\S+)", text) == ends
    assert set(re.findall(r"start: (\S+)", text)) == {"2025-01-01"}  # cumulative from January
    check = run_avr("check", cwd=tmp_path)
    assert check.returncode == 0 and check.stderr.strip() == "OK: no errors", check.stderr


def test_init_refuses_a_bad_id_and_writes_nothing(tmp_path: Path) -> None:
    done = run_avr("init", "--municipality", "Exempelkommun", "--board", "Socialnämnden", "--org", "två ord", cwd=tmp_path)
    assert done.returncode == 2 and "--org" in done.stderr
    assert list(tmp_path.iterdir()) == []
