"""One natural order of identifiers: `avr todo` and `avr followup start` list items as the reports do."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_avr

from avr.compute.order import natural_key

PLAN = Path("plans/kommun-amn/handlingsplan")
NEW = ("10", "S1", "a")  # beside the fixture's activities 1, 2 (Vuxenutbildning) and 3 (Ekonomiskt bistånd)


def test_natural_key_numbers_before_letters() -> None:
    assert sorted(["a", "S1", "10", "2", "1"], key=natural_key) == ["1", "2", "10", "S1", "a"]
    assert sorted(["S12", "1b", "2:1", "S2", "10", "1a", "2"], key=natural_key) == ["1a", "1b", "2", "2:1", "10", "S2", "S12"]


def _with_activities(root: Path) -> Path:
    for ident in NEW:
        (root / PLAN / f"activities/{ident}.yaml").write_text(
            f'id: "{ident}"\ngoals: ["1"]\nunit: vux\ntitle: Åtagande {ident}\n', encoding="utf-8")
    assert run_avr("check", "--repo", root).returncode == 0
    return root


def _report_order(root: Path) -> list[str]:
    done = run_avr("build", "--format", "json", "--repo", root)
    assert done.returncode == 0, done.stderr
    report = json.loads((root / "build/kommun-amn/handlingsplan/uppfoljning-2021.json").read_text(encoding="utf-8"))
    return [a["id"] for a in report["activities"]]


def test_todo_and_followup_start_order_as_reports(mini_copy: Path) -> None:
    root = _with_activities(mini_copy)
    assert _report_order(root) == ["1", "2", "3", "10", "S1", "a"]

    todo = run_avr("todo", "2021", "--format", "json", "--repo", root)
    assert todo.returncode == 0, todo.stderr
    groups = json.loads(todo.stdout)["plans"][0]["groups"]
    vux = next(g for g in groups if g["unit"] == "vux")
    # 1 has a follow-up without text, the rest none
    assert [i["id"] for i in vux["items"]] == ["1", "2", "10", "S1", "a"]

    start = run_avr("followup", "start", "2021", "--repo", root)
    assert start.returncode == 0, start.stderr
    lines = (start.stdout + start.stderr).splitlines()
    created = [line.removeprefix("created ") for line in lines if line.startswith("created ")]
    # 1 is followed up already; the rest get a skeleton, in the reports' order
    assert created == [f"{PLAN}/followups/2021/{ident}.yaml" for ident in ("2", "3", "10", "S1", "a")]
