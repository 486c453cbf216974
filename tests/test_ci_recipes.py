"""The CI recipes under examples/ and the pre-commit hook: valid for their systems, and every
avr command in them runs as written on a real git repository."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, ROOT, run_avr

GITHUB = [ROOT / "examples/github/avr-pr.yml", ROOT / "examples/github/avr-publish.yml"]
GITLAB = ROOT / "examples/gitlab/.gitlab-ci.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
INIT = ROOT / "templates/init/avr.yml"  # the recipe `avr init` writes into a new repository


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def shell_lines(path: Path) -> list[str]:
    """Every shell line of a workflow's `run:` steps or a GitLab job's `script:`."""
    data = load(path)
    lines: list[str] = []
    if path in GITHUB or path == INIT:
        for job in data["jobs"].values():
            lines += [line for step in job.get("steps", []) for line in str(step.get("run", "")).splitlines()]
    else:
        for job in data.values():
            if isinstance(job, dict) and "script" in job:
                lines += [line for entry in job["script"] for line in str(entry).splitlines()]
    return [line.strip() for line in lines if line.strip()]


def avr_commands(path: Path) -> list[list[str]]:
    """The avr invocations, with the base branch variable standing for the previous commit."""
    commands = []
    for line in shell_lines(path):
        if not line.startswith("avr "):
            continue
        words = shlex.split(line.replace("origin/$BASE_REF", "HEAD~1")
                            .replace("origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "HEAD~1"))
        cut = next((i for i, w in enumerate(words) if w in (">", "||", "&&", "|")), len(words))
        commands.append(words[1:cut])
    return commands


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "plans-repo"
    shutil.copytree(FIXTURES / "mini", repo)
    for args in (["init", "-q", "-b", "main"], ["config", "user.name", "Test"],
                 ["config", "user.email", "test@example.org"], ["config", "commit.gpgsign", "false"],
                 ["add", "-A"], ["commit", "-q", "-m", "one"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    followup = repo / "plans/kommun-amn/handlingsplan/followups/2021/1.yaml"
    followup.write_text(followup.read_text(encoding="utf-8").replace("Pågår", "Klart"), encoding="utf-8")
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-am", "two"], check=True, capture_output=True)
    return repo


@pytest.mark.parametrize(("schema", "files"), [("vendor.github-workflows", [*GITHUB, INIT]),
                                                     ("vendor.gitlab-ci", [GITLAB])])
def test_recipes_match_their_ci_schema(schema: str, files: list[Path]) -> None:
    # check-jsonschema ships the GitHub and GitLab schemas: no network needed
    proc = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_recipes_do_what_the_readme_says() -> None:
    pr, publish = (load(p) for p in GITHUB)
    assert pr["permissions"]["pull-requests"] == "write"
    assert any(s.get("with", {}).get("fetch-depth") == 0 for s in pr["jobs"]["review"]["steps"])
    assert publish["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in publish["jobs"]["deploy"]["steps"])
    gitlab = load(GITLAB)
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert [c[0] for c in avr_commands(GITHUB[0])] == ["check", "diff"]
    assert [c[0] for c in avr_commands(GITHUB[1])] == ["check", "build"]
    assert sorted({c[0] for c in avr_commands(GITLAB)}) == ["build", "check", "diff"]
    assert [c[:2] for c in avr_commands(INIT)] == [["check", "--strict"], ["build", "--strict"]]


@pytest.mark.parametrize("path", [*GITHUB, GITLAB, INIT], ids=lambda p: p.name)
def test_every_avr_command_in_a_recipe_runs(path: Path, git_repo: Path) -> None:
    commands = avr_commands(path)
    assert commands
    for args in commands:
        proc = run_avr(*args, cwd=git_repo)
        assert proc.returncode == 0, (args, proc.stderr)
        if args[0] == "diff" and "markdown" in args:
            assert "Status: Pågår → Klart" in proc.stdout
        if args[0] == "check" and "github" in args:
            assert proc.stdout == ""  # valid: no annotations


def test_pre_commit_hook_runs_a_real_command(git_repo: Path) -> None:
    [hook] = load(HOOKS)
    assert hook["id"] == "avr-check" and hook["language"] == "python"
    assert hook["entry"] == "avr check" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("plans/kommun-amn/organisation.yaml") and files.search("avr.yml")
    assert not files.search("README.md") and not files.search("plans/x.yaml.bak")
    # pre-commit installs this project into the hook's environment: the entry is its console script
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    executable, *args = hook["entry"].split()
    assert scripts[executable] == "avr.fastpath:main"  # a no-op build answered there, all else by avr.cli:main
    assert run_avr(*args, cwd=git_repo).returncode == 0
    broken = git_repo / "plans/kommun-amn/handlingsplan/activities/1.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "extra: 1\n", encoding="utf-8")
    proc = run_avr(*args, cwd=git_repo)
    assert proc.returncode == 1 and "E101 unknown field `extra`" in proc.stderr
