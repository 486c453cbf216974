"""Hostile values through the real CLI, each run under a memory limit and a timeout.

What a user depends on: a value built to be slow, huge, invisible or misleading ends as a diagnostic
naming its file (exit 1) or as safe output (exit 0) — never a traceback, an internal error (exit 70),
a hang, or text on the terminal that the terminal obeys.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT

PLAN = "plans/kommun-amn/handlingsplan"
ACTIVITY = f"{PLAN}/activities/1.yaml"
GOAL = f"{PLAN}/goals/1.yaml"
MEMORY = 1536 * 1024 * 1024  # address space; Python and pydantic start at about 300 MB of it


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_bounded(*args: str | Path, timeout: float = 60, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess with at most MEMORY of address space and ``timeout`` seconds."""
    return subprocess.run(
        [sys.executable, "-m", "avr", *map(str, args)],
        capture_output=True, text=True, cwd=cwd or ROOT, timeout=timeout, preexec_fn=_limit_memory,
    )


def refused(proc: subprocess.CompletedProcess[str], path: str, code: str, *, contains: str = "") -> str:
    """Exit 1 with ``path[:line:col]: CODE …`` and no traceback; the message of the first such line
    containing ``contains``."""
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output[-3000:]
    assert "Traceback" not in output and "internal error" not in output, output[-3000:]
    messages = re.findall(rf"^{re.escape(path)}(?::\d+:\d+)?: {code} (.*)$", proc.stderr, re.M)
    found = [message for message in messages if contains in message]
    assert found, f"{path} {code} {contains!r} missing in:\n{proc.stderr[-3000:]}"
    return str(found[0])


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def check_and_build(repo: Path, timeout: float = 60) -> tuple[subprocess.CompletedProcess[str], ...]:
    site = repo.parent / "site"
    checked = run_bounded("check", "--repo", repo, timeout=timeout)
    built = run_bounded("build", "--repo", repo, "--out", site, timeout=timeout)
    assert not site.exists() or not any(site.iterdir()), "output written despite errors"
    return checked, built


# ------------------------------------------------------------------ value grammars: linear, bounded


def test_a_200_kb_target_of_spaces_is_refused_in_seconds(mini_copy: Path) -> None:
    # `1`, 200 000 spaces, `x`: the old target pattern backtracked over the spaces quadratically (minutes)
    edit(mini_copy, GOAL, '"2022": 2800', '"2022": "≥ 1' + " " * 200_000 + 'x"')
    start = time.perf_counter()
    for proc in check_and_build(mini_copy, timeout=20):
        message = refused(proc, GOAL, "E103", contains="is not a target")
        assert len(message) < 400, "the diagnostic quotes the whole value"
    assert time.perf_counter() - start < 40


def test_200_kb_numbers_of_every_shape_are_refused_in_seconds(mini_copy: Path) -> None:
    shapes = {
        "history": ("1" + "\u00a0" * 200_000 + "x", "is not a number"),
        "targets": ("minst " + "1 " * 100_000 + "%%", "is not a target"),
    }
    edit(mini_copy, GOAL, '"2021": 3130', f'"2021": "{shapes["history"][0]}"')
    edit(mini_copy, GOAL, '"2022": 2800', f'"2022": "{shapes["targets"][0]}"')
    proc = run_bounded("check", "--repo", mini_copy, timeout=20)
    for _, contains in shapes.values():
        refused(proc, GOAL, "E103", contains=contains)


def test_a_200_kb_ratio_is_refused_in_seconds(mini_copy: Path) -> None:
    edit(mini_copy, GOAL, '"2021": 3130', '"2021": "' + "1" * 100_000 + "/" + "2" * 100_000 + '"')
    proc = run_bounded("check", "--repo", mini_copy, timeout=20)
    refused(proc, GOAL, "E103", contains="more digits than avr reads")


def test_a_number_of_thirty_digits_is_refused_by_check_and_build(mini_copy: Path) -> None:
    # it passed `avr check` and crashed `avr build` with decimal.InvalidOperation (exit 70)
    edit(mini_copy, GOAL, '"2021": 3130', '"2021": 313000000000000000000000000000')
    for proc in check_and_build(mini_copy):
        refused(proc, GOAL, "E103", contains="at most 15 before the decimal sign and 6 after")


def test_the_largest_number_avr_reads_is_built(mini_copy: Path) -> None:
    edit(mini_copy, GOAL, '"2021": 3130', '"2021": "999 999 999 999 999,999999"')
    proc = run_bounded("build", "--repo", mini_copy, "--out", mini_copy.parent / "site")
    assert proc.returncode == 0, proc.stderr


def test_an_economy_total_beyond_28_digits_is_refused_not_rounded(mini_copy: Path) -> None:
    # Decimal sums in 28 digits: 10^27 + 1 - 10^27 came out as 0, so a wrong stated total passed
    table = mini_copy / PLAN / "economy/drift.yaml"
    table.parent.mkdir()
    table.write_text(
        "id: drift\ntitle: Driftredovisning\nkind: operating_budget\nunit: tkr\nsign: costs_positive\n"
        "columns:\n  - id: budget\n    label: Budget\n"
        "lines:\n  - label: A\n    values: {budget: 1000000000000000000000000000}\n"
        "  - label: B\n    values: {budget: 1}\n"
        "total:\n  label: Summa\n  values: {budget: 1000000000000000000000000000}\n",
        encoding="utf-8",
    )
    proc = run_bounded("check", "--repo", mini_copy)
    refused(proc, f"{PLAN}/economy/drift.yaml", "E103", contains="more digits than avr reads")


def test_arabic_indic_and_fullwidth_digits_are_not_numbers(mini_copy: Path) -> None:
    edit(mini_copy, GOAL, '"2021": 3130', '"2021": "٣١٣٠"')
    edit(mini_copy, GOAL, '"2022": 2800', '"2022": "≥ ２８００"')
    proc = run_bounded("check", "--repo", mini_copy)
    refused(proc, GOAL, "E103", contains="`٣١٣٠` is not a number")
    refused(proc, GOAL, "E103", contains="`≥ ２８００` is not a target")
