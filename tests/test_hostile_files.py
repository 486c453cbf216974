"""Special files a pull request can commit into the repository (issue: a link to /dev/zero hashed until memory ran
out, a FIFO hung the build): every file avr reads or hashes is a regular file inside the repository under the size
limit, else `avr check` and `avr build` exit 1 naming it, fast and small, with nothing written."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from bounded import run_limited

PLAN = "plans/kommun-amn/handlingsplan"


def refused(repo: Path, rel: str, code: str, contains: str = "") -> None:
    """`avr check` and `avr build` both exit 1 with ``rel: CODE``; the build wrote nothing."""
    site = repo.parent / "site"
    for args in (("check",), ("build", "--out", site)):
        proc = run_limited(*args, "--repo", repo, timeout=60)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        match = re.search(rf"^{re.escape(rel)}: {code} (.*)$", proc.stdout + proc.stderr, re.M)
        assert match, proc.stdout + proc.stderr
        assert contains in match[1]
    assert not site.exists() or not any(p.name not in (".avr-output", ".avr-output.lock") for p in site.iterdir())


def test_a_link_to_dev_zero_under_any_name(mini_copy: Path) -> None:
    (mini_copy / PLAN / "bilaga.txt").symlink_to("/dev/zero")
    refused(mini_copy, f"{PLAN}/bilaga.txt", "E010", contains="/dev/zero")


def test_a_fifo_does_not_hang(mini_copy: Path) -> None:
    os.mkfifo(mini_copy / PLAN / "protokoll.pdf")
    refused(mini_copy, f"{PLAN}/protokoll.pdf", "E001", contains="not a regular file")


def test_a_link_to_a_file_outside_the_repository(mini_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("lösenord\n", encoding="utf-8")
    (mini_copy / PLAN / "notes").mkdir()
    (mini_copy / PLAN / "notes" / "bilaga.txt").symlink_to(secret)
    refused(mini_copy, f"{PLAN}/notes/bilaga.txt", "E010")


def test_a_linked_folder_leading_outside_is_not_walked(mini_copy: Path) -> None:
    (mini_copy / PLAN / "bilagor").symlink_to("/dev")
    refused(mini_copy, f"{PLAN}/bilagor", "E010")


def test_a_big_attachment_is_refused_by_the_size_limit(mini_copy: Path) -> None:
    config = mini_copy / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "limits:\n  max_file_bytes: 1024\n", encoding="utf-8")
    (mini_copy / PLAN / "bilaga.bin").write_bytes(b"x" * 5000)
    refused(mini_copy, f"{PLAN}/bilaga.bin", "E001", contains="max_file_bytes = 1024")


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_template_that_is_a_device_or_fifo(mini_copy: Path, target: str) -> None:
    config = mini_copy / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "templates_dir: mallar\n", encoding="utf-8")
    (mini_copy / "mallar").mkdir()
    template = mini_copy / "mallar" / "followup.html.j2"
    if target == "fifo":
        os.mkfifo(template)
    else:
        template.symlink_to(target)
    refused(mini_copy, "mallar/followup.html.j2", "E001" if target == "fifo" else "E010")


def test_a_link_added_after_a_build_is_refused_by_the_next(mini_copy: Path) -> None:
    """The no-op and incremental paths must not skip the check: the next build sees the new link."""
    site = mini_copy.parent / "site"
    assert run_limited("build", "--repo", mini_copy, "--out", site).returncode == 0
    before = {p: p.read_bytes() for p in site.rglob("*.html")}
    (mini_copy / PLAN / "bilaga.txt").symlink_to("/dev/zero")
    proc = run_limited("build", "--repo", mini_copy, "--out", site, timeout=60)
    assert proc.returncode == 1 and f"{PLAN}/bilaga.txt: E010" in proc.stderr, proc.stderr
    assert {p: p.read_bytes() for p in site.rglob("*.html")} == before  # the published site as it was


def test_a_link_inside_the_repository_is_fine(mini_copy: Path) -> None:
    (mini_copy / PLAN / "kopia.txt").write_text("bilaga\n", encoding="utf-8")
    (mini_copy / PLAN / "bilaga.txt").symlink_to("kopia.txt")
    assert run_limited("check", "--repo", mini_copy).returncode == 0
    assert run_limited("build", "--repo", mini_copy, "--out", mini_copy.parent / "site").returncode == 0
