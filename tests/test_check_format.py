"""`avr check --format github|json`: annotations for GitHub Actions and data for other CI systems."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from conftest import FIXTURES, run_avr

from avr.errors import Diagnostic
from avr.render.annotations import github_line

PLAN = "plans/kommun-amn/handlingsplan"


def break_repo(root: Path) -> None:
    """An unknown field, a status outside the vocabulary and a stray file."""
    activity = root / PLAN / "activities/1.yaml"
    activity.write_text(activity.read_text(encoding="utf-8").replace("title:", "titel:"), encoding="utf-8")
    followup = root / PLAN / "followups/2021/1.yaml"
    followup.write_text(followup.read_text(encoding="utf-8").replace("Pågår", "Pågående"), encoding="utf-8")
    (root / "plans/kommun-amn/stray.yaml").write_text("x: 1\n", encoding="utf-8")


EXPECTED = [
    f"::error file={{p}}{PLAN}/activities/1.yaml,line=1,col=1,title=E102::missing field `title`",
    f"::error file={{p}}{PLAN}/activities/1.yaml,line=4,col=1,title=E101::unknown field `titel` — did you mean `title`?",
    f"::error file={{p}}{PLAN}/followups/2021/1.yaml,line=3,col=9,title=E204::status `Pågående` is not in "
    "kommun-amn's vocabulary — did you mean `Pågår`?",
    "::warning file={p}plans/kommun-amn/stray.yaml,title=W103::avr does not read this file "
    "(not in a known folder or organisation)",
]


def test_github_annotations(mini_copy: Path) -> None:
    break_repo(mini_copy)
    proc = run_avr("check", "--format", "github", cwd=mini_copy)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [line.replace("{p}", "") for line in EXPECTED]
    assert proc.stderr.strip() == "3 errors, 1 warning"


def test_github_paths_are_relative_to_the_git_checkout(tmp_path: Path) -> None:
    top = tmp_path / "checkout"
    shutil.copytree(FIXTURES / "mini", top / "uppfoljning")
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    break_repo(top / "uppfoljning")
    proc = run_avr("check", "--format", "github", "--repo", top / "uppfoljning")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [line.replace("{p}", "uppfoljning/") for line in EXPECTED]


def test_github_escapes_what_would_break_a_command() -> None:
    d = Diagnostic("a,b:c.yaml", 2, 3, "E103", "100% sure\nsecond line")
    assert github_line(d) == "::error file=a%2Cb%3Ac.yaml,line=2,col=3,title=E103::100%25 sure%0Asecond line"
    w = Diagnostic("x.yaml", 0, 0, "W103", "stray")
    assert github_line(w, "sub/") == "::warning file=sub/x.yaml,title=W103::stray"


def test_json_report(mini_copy: Path) -> None:
    break_repo(mini_copy)
    proc = run_avr("check", "--format", "json", cwd=mini_copy)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["ok"] is False
    assert data["summary"] == {"errors": 3, "warnings": 1, "files": 3}
    assert data["diagnostics"][1] == {"path": f"{PLAN}/activities/1.yaml", "line": 4, "col": 1, "code": "E101",
                                      "severity": "error", "message": "unknown field `titel` — did you mean `title`?"}
    assert data["diagnostics"][3]["line"] is None and data["diagnostics"][3]["severity"] == "warning"


def test_valid_repository_in_every_format(mini_copy: Path) -> None:
    github = run_avr("check", "--format", "github", cwd=mini_copy)
    assert github.returncode == 0 and github.stdout == "" and "OK: no errors" in github.stderr
    data = json.loads(run_avr("check", "--format", "json", cwd=mini_copy).stdout)
    assert data == {"ok": True, "diagnostics": [], "summary": {"errors": 0, "warnings": 0, "files": 0}}
    text = run_avr("check", cwd=mini_copy)
    assert text.returncode == 0 and text.stdout == "" and "OK: no errors" in text.stderr


def test_text_format_unchanged_and_unknown_format(mini_copy: Path) -> None:
    break_repo(mini_copy)
    text = run_avr("check", cwd=mini_copy)
    assert text.returncode == 1 and text.stdout == ""
    assert f"{PLAN}/activities/1.yaml:4:1: E101 unknown field `titel` — did you mean `title`?" in text.stderr
    bad = run_avr("check", "--format", "xml", cwd=mini_copy)
    assert bad.returncode == 2 and "unknown format `xml`" in bad.stderr
