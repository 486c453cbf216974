"""An output folder shaped by a pull request (issue: a committed `build/.avr-output` with links inside `build/`
made avr write reports elsewhere, publish a committed page, write and delete through a linked cache and create a
file through a linked lock). avr refuses such a folder (E702, exit 1) before it reads or writes anything there, and
nothing outside the output folder changes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from bounded import run_limited

MARKER_TEXT = "# This folder is written by avr build; avr build --clean deletes only the files listed below.\n"


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder`` (links as their target, not followed), to compare before and after."""
    out: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        out[rel] = f"-> {os.readlink(path)}" if path.is_symlink() else "dir" if path.is_dir() else path.read_bytes()
    return out


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   check=True, capture_output=True)


def refused_build(repo: Path, out: Path | None, *names: str, clean: bool = False) -> str:
    args = ["build", "--repo", str(repo)] + (["--out", str(out)] if out else []) + (["--clean"] if clean else [])
    proc = run_limited(*args, timeout=90)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    for name in names:
        assert f"{name}: E702" in proc.stderr, proc.stderr
    return proc.stderr


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    (folder / "staging-1").mkdir(parents=True)
    (folder / "staging-1" / "keep.txt").write_text("a person's file\n", encoding="utf-8")
    (folder / "docs").mkdir()
    return folder


def test_a_committed_output_folder_is_refused(mini_copy: Path) -> None:
    build = mini_copy / "build"
    build.mkdir()
    (build / ".avr-output").write_text(MARKER_TEXT, encoding="utf-8")
    (build / "evil.html").write_text("<script>alert(1)</script>\n", encoding="utf-8")
    git(mini_copy, "init", "-q")
    git(mini_copy, "add", "-A", "-f")
    git(mini_copy, "commit", "-q", "-m", "pull request")
    refused_build(mini_copy, None, "build/evil.html", "build/.avr-output")
    assert sorted(p.name for p in build.iterdir()) == [".avr-output", "evil.html"]  # nothing built, nothing deleted


def test_a_committed_link_as_output_folder_is_refused(mini_copy: Path) -> None:
    (mini_copy / "docs").mkdir()
    (mini_copy / "docs" / "evil.html").write_text("<script>alert(1)</script>\n", encoding="utf-8")
    (mini_copy / "docs" / ".avr-output").write_text(MARKER_TEXT, encoding="utf-8")
    (mini_copy / "build").symlink_to("docs")
    git(mini_copy, "init", "-q")
    git(mini_copy, "add", "-A", "-f")
    git(mini_copy, "commit", "-q", "-m", "pull request")
    refused_build(mini_copy, None, "build", "docs/evil.html")


def test_a_linked_report_folder_receives_nothing(mini_copy: Path, outside: Path) -> None:
    site = mini_copy.parent / "site"
    assert run_limited("build", "--repo", mini_copy, "--out", site).returncode == 0
    for path in sorted((site / "kommun-amn").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (site / "kommun-amn").rmdir()
    (site / "kommun-amn").symlink_to(outside)
    before = snapshot(outside)
    refused_build(mini_copy, site, f"{site.as_posix()}/kommun-amn")
    assert snapshot(outside) == before


@pytest.mark.parametrize("name", [".avr-cache", ".avr-output.lock", ".avr-output"])
def test_a_link_as_avrs_own_file_is_refused(mini_copy: Path, outside: Path, name: str) -> None:
    site = mini_copy.parent / "site"
    assert run_limited("build", "--repo", mini_copy, "--out", site).returncode == 0
    target = site / name
    if target.is_dir():
        for path in sorted(target.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        target.rmdir()
    else:
        target.unlink(missing_ok=True)
    target.symlink_to(outside if name == ".avr-cache" else outside / "created-by-avr")
    before = snapshot(outside)
    for clean in (False, True):
        (mini_copy / "plans" / "kommun-amn" / "handlingsplan" / "plan.yaml").touch()  # not a no-op
        refused_build(mini_copy, site, target.as_posix(), clean=clean)
    assert snapshot(outside) == before  # nothing written, nothing deleted: keep.txt is there, no lock file


def test_a_link_inside_the_cache_is_refused(mini_copy: Path) -> None:
    site = mini_copy.parent / "site"
    assert run_limited("build", "--repo", mini_copy, "--out", site).returncode == 0
    manifest = site / ".avr-cache" / "manifest.marshal"
    manifest.unlink()
    manifest.symlink_to("/dev/zero")
    (mini_copy / "plans" / "kommun-amn" / "handlingsplan" / "plan.yaml").touch()  # not a no-op
    refused_build(mini_copy, site, manifest.as_posix())


def test_an_ordinary_git_repository_with_an_ignored_output_folder_builds(mini_copy: Path) -> None:
    (mini_copy / ".gitignore").write_text("build/\n", encoding="utf-8")
    git(mini_copy, "init", "-q")
    git(mini_copy, "add", "-A")
    git(mini_copy, "commit", "-q", "-m", "plans")
    for _ in range(2):
        proc = run_limited("build", "--repo", mini_copy)
        assert proc.returncode == 0, proc.stderr
    assert (mini_copy / "build" / "index.html").is_file()
