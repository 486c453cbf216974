"""One diagnostics path: `avr check` and `avr build` report the same findings; --strict, --ignore, `ignore:`;
the publishing warnings (placeholders W104, accessibility contact W105, targets against `better` W106)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from conftest import run_avr

from avr.errors import Diagnostic, Diagnostics

GOAL_1 = "plans/kommun-amn/handlingsplan/followups/2022/goal-1.yaml"
# goal 1's indicator: 2 950 households against a target of at most 2 800 (better: lower) — computed not met
DISAGREEING = 'period: "2022"\ngoal: "1"\ntext: Antalet hushåll minskade.\noutcomes:\n  hushall: 2950\n' \
              "verdict:\n  verdict: met\n  justification: Nämnden bedömer målet som uppfyllt.\n"
W101_LINE = f"{GOAL_1}:7:12: W101"


def _avr(*args: str, cwd: Path, fast: bool = False) -> tuple[int, str]:
    env_before = os.environ.get("AVR_NO_FASTPATH")
    os.environ["AVR_NO_FASTPATH"] = "" if fast else "1"
    try:
        done = run_avr(*args, cwd=cwd)
    finally:
        if env_before is None:
            del os.environ["AVR_NO_FASTPATH"]
        else:
            os.environ["AVR_NO_FASTPATH"] = env_before
    return done.returncode, done.stderr


def _disagreeing(repo: Path) -> Path:
    (repo / GOAL_1).write_text(DISAGREEING, encoding="utf-8")
    return repo


def test_build_prints_the_warning_check_prints(mini_copy: Path) -> None:
    repo = _disagreeing(mini_copy)
    code, check = _avr("check", cwd=repo)
    assert code == 0 and W101_LINE in check
    assert check.strip().splitlines()[-1] == "0 errors, 1 warning"  # one summary line, no "OK" after it
    code, build = _avr("build", cwd=repo)
    assert code == 0 and W101_LINE in build
    assert [line for line in build.splitlines() if ": W" in line] == [line for line in check.splitlines() if ": W" in line]
    # an unchanged build prints it again, from the manifest: the typer command and the fast path alike
    for fast in (False, True):
        code, again = _avr("build", cwd=repo, fast=fast)
        assert code == 0 and W101_LINE in again


def test_strict_fails_on_a_warning_and_a_strict_build_writes_nothing(mini_copy: Path) -> None:
    repo = _disagreeing(mini_copy)
    code, check = _avr("check", "--strict", cwd=repo)
    assert code == 1 and W101_LINE in check and "--strict" in check.splitlines()[-1]
    code, build = _avr("build", "--strict", cwd=repo)
    assert code == 1 and W101_LINE in build
    assert not (repo / "build").exists()
    assert _avr("build", cwd=repo)[0] == 0  # without --strict the same repository builds
    for fast in (False, True):  # and an unchanged strict build still fails on it
        code, again = _avr("build", "--strict", cwd=repo, fast=fast)
        assert code == 1 and W101_LINE in again


def test_an_ignored_code_is_not_printed(mini_copy: Path) -> None:
    repo = _disagreeing(mini_copy)
    for command in (["check"], ["build"]):
        code, out = _avr(*command, "--strict", "--ignore", "W101", cwd=repo)
        assert code == 0 and "W101" not in out, out
    config = repo / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "ignore: [W101]\n", encoding="utf-8")
    for command in (["check"], ["build"], ["build"]):
        code, out = _avr(*command, "--strict", cwd=repo, fast=True)
        assert code == 0 and "W101" not in out, out


def test_errors_cannot_be_ignored(mini_copy: Path) -> None:
    code, out = _avr("check", "--ignore", "E101", cwd=mini_copy)
    assert code == 2 and "--ignore takes warning codes" in out
    config = mini_copy / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "ignore: [E101]\n", encoding="utf-8")
    code, out = _avr("check", cwd=mini_copy)
    assert code == 1 and re.search(r"^avr\.yaml:\d+:\d+: E103 ", out, re.M), out


def test_a_placeholder_left_in_a_file_warns_and_fails_strict(mini_copy: Path) -> None:
    assert run_avr("new", "goal", cwd=mini_copy).returncode == 0
    code, out = _avr("check", cwd=mini_copy)
    assert code == 0
    assert re.search(r"^plans/kommun-amn/handlingsplan/goals/2\.yaml:\d+:\d+: W104 `Skriv målformuleringen här\.`",
                     out, re.M), out
    code, out = _avr("check", "--strict", cwd=mini_copy)
    assert code == 1 and "W104" in out


def test_a_missing_accessibility_contact_warns_and_fails_strict(mini_copy: Path) -> None:
    config = mini_copy / "avr.yaml"
    config.write_text("title: Testrapporter\norganisations: [kommun-amn]\naccessibility:\n  organisation: Kommunen\n",
                      encoding="utf-8")
    code, out = _avr("check", cwd=mini_copy)
    assert code == 0 and re.search(r"^avr\.yaml:3:1: W105 ", out, re.M), out
    code, out = _avr("check", "--strict", cwd=mini_copy)
    assert code == 1 and "avr.yaml:3:1: W105" in out


def test_a_target_against_better_warns(mini_copy: Path) -> None:
    goal = mini_copy / "plans/kommun-amn/handlingsplan/goals/1-1.yaml"
    text = goal.read_text(encoding="utf-8")
    goal.write_text(text.replace('"2022": ska öka', '"2022": ska minska'), encoding="utf-8")
    code, out = _avr("check", cwd=mini_copy)
    assert code == 0 and re.search(r"goals/1-1\.yaml:\d+:\d+: W106 target for 2022 of indicator barnfamiljer", out), out


def test_one_serialisation_round_trips() -> None:
    items = [Diagnostic("a.yaml", 1, 2, "W101", "x"), Diagnostic("b.yaml", 0, 0, "E102", "y")]
    again = Diagnostics.of(Diagnostics.of(items).problems())
    assert again.items == items and [d.severity.value for d in again.items] == ["warning", "error"]
    assert Diagnostics.of(items).without(["W101", "E102"]).items == items[1:]  # errors are never ignored


ACTIVITY = "plans/kommun-amn/handlingsplan/activities/3.yaml"


def _without_goals(repo: Path) -> None:
    path = repo / ACTIVITY
    path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith("goals:")), encoding="utf-8")


def test_an_activity_needs_goals_except_in_a_plan_of_commitments(mini_copy: Path) -> None:
    _without_goals(mini_copy)  # the plan counts commitments (item_noun: commitment)
    code, out = _avr("check", cwd=mini_copy)
    assert code == 0 and "E102" not in out, out
    assert _avr("build", cwd=mini_copy)[0] == 0
    plan = mini_copy / "plans/kommun-amn/handlingsplan/plan.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("item_noun: commitment", "item_noun: activity"), encoding="utf-8")
    code, out = _avr("check", cwd=mini_copy)
    assert code == 1 and re.search(rf"^{ACTIVITY}:1:1: E102 `goals` is required", out, re.M), out
    plan.write_text(text, encoding="utf-8")
    code, out = _avr("check", cwd=mini_copy)
    assert code == 0 and "E102" not in out, out
    assert _avr("build", cwd=mini_copy)[0] == 0


def test_an_invalid_organisation_gives_its_errors_and_no_w103(mini_copy: Path) -> None:
    org = mini_copy / "plans/kommun-amn/organisation.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("board_code:", "board_kod:"), encoding="utf-8")
    code, out = _avr("check", cwd=mini_copy)
    assert code == 1 and "W103" not in out, out
    problems = [line for line in out.splitlines() if ": E" in line or ": W" in line]
    assert problems and all(line.startswith("plans/kommun-amn/organisation.yaml:") for line in problems), out
