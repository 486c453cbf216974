"""`avr new` and `avr followup start`: created files pass `avr check`, nothing is ever overwritten."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import ROOT, run_avr
from jsonschema import Draft7Validator
from test_schema import editor_view

from avr.commands.schema import generate

PLAN = Path("plans/kommun-amn/handlingsplan")


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "plans").rglob("*")) if p.is_file()}


def _check(root: Path) -> None:
    done = run_avr("check", "--repo", root)
    assert done.returncode == 0, done.stderr


def _schema_ok(path: Path, kind: str) -> None:
    """The file names its schema relative to itself, and that schema accepts it."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    schema_path = (path.parent / first.split("=", 1)[1]).resolve()
    assert schema_path.parent.name == "schemas" and (schema_path.parent.parent / "avr.yaml").is_file()
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    assert schema == generate(kind)
    data = editor_view(path.read_text(encoding="utf-8"))
    assert list(Draft7Validator(schema).iter_errors(data)) == []


def test_new_creates_checked_files_and_refuses_to_overwrite(mini_copy: Path) -> None:
    root = mini_copy
    assert run_avr("schema", "--repo", root).returncode == 0
    done = run_avr("new", "goal", "--repo", root, "--title", "Fler i arbete")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"created {PLAN}/goals/2.yaml"
    goal = root / PLAN / "goals/2.yaml"
    assert 'id: "2"\nkind: goal\n' in goal.read_text(encoding="utf-8")

    done = run_avr("new", "activity", "--repo", root, "--goal", "1", "--goal", "2", "--unit", "eb",
                   "--title", "Sommarjobb: unga")
    assert done.returncode == 0, done.stderr
    activity = root / PLAN / "activities/4.yaml"
    text = activity.read_text(encoding="utf-8")
    assert 'id: "4"\ngoals: ["1", "2"]\nunit: eb\ntitle: "Sommarjobb: unga"\n' in text
    _schema_ok(activity, "activity")

    done = run_avr("new", "followup", "2022", "--activity", "3", "--repo", root)
    assert done.returncode == 0, done.stderr
    followup = root / PLAN / "followups/2022/3.yaml"
    assert f"date: {dt.date.today().isoformat()}\n" in followup.read_text(encoding="utf-8")
    _schema_ok(followup, "followup")

    done = run_avr("new", "followup", "2022", "--goal", "1:1", "--repo", root)
    assert done.returncode == 1 and "already has a follow-up for 2022" in done.stderr

    done = run_avr("new", "plan", "plan-2024", "--kind", "action_plan", "--repo", root)
    assert done.returncode == 0, done.stderr
    plan = root / "plans/kommun-amn/plan-2024/plan.yaml"
    assert plan.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../../schemas/plan.schema.json\nid: plan-2024\nkind: action_plan\n"
    )
    _check(root)

    # nothing is ever overwritten: an existing file, an existing id, an unknown reference
    before = _snapshot(root)
    done = run_avr("new", "plan", "plan-2024", "--repo", root)
    assert done.returncode == 1 and "already exists; not overwritten" in done.stderr
    done = run_avr("new", "goal", "--id", "1", "--plan", "handlingsplan", "--repo", root)
    assert done.returncode == 2 and "goal `1` already exists" in done.stderr
    done = run_avr("new", "activity", "--plan", "handlingsplan", "--goal", "9", "--unit", "eb", "--repo", root)
    assert done.returncode == 2 and "unknown goal `9`" in done.stderr
    assert _snapshot(root) == before


def test_new_finds_the_plan_from_the_folder_it_runs_in(example_copy: Path) -> None:
    folder = example_copy / "plans/uppsala-amn/26-punktsplan/activities"
    done = run_avr("new", "activity", "--goal", "1", "--unit", "amv", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "created plans/uppsala-amn/26-punktsplan/activities/27.yaml"
    done = run_avr("new", "activity", "--goal", "1", "--unit", "amv", cwd=example_copy)
    assert done.returncode == 2 and "--plan" in done.stderr


def _add_period(root: Path, period: str) -> None:
    org = root / "plans/kommun-amn/organisation.yaml"
    org.write_text(org.read_text(encoding="utf-8") + (
        f'  - id: "{period}"\n    label: Helår {period}\n    kind: year\n'
        f"    start: {period}-01-01\n    end: {period}-12-31\n"), encoding="utf-8")


def test_followup_start_twice_changes_nothing_and_keeps_written_text(mini_copy: Path) -> None:
    root = mini_copy
    _add_period(root, "2023")
    done = run_avr("followup", "start", "2023", "--repo", root)
    assert done.returncode == 0, done.stderr
    folder = root / PLAN / "followups/2023"
    # 1 is done (Klart in 2022): no skeleton; 2 is late (Försenat) and 3 has never been followed up
    assert sorted(p.name for p in folder.iterdir()) == ["2.yaml", "3.yaml"]
    assert (folder / "2.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../../../../schemas/followup.schema.json\n"
        'period: "2023"\nactivity: "2"\nstatus: Försenat\ncompletion:\nexpected_completion: 2023\n'
        "date:\ntext:\nremaining:\n"
    )
    assert 'activity: "3"\nstatus:\n' in (folder / "3.yaml").read_text(encoding="utf-8")
    assert "created 2 follow-ups for 2023; 1 done or stopped" in done.stderr
    _check(root)

    snapshot = _snapshot(root)
    again = run_avr("followup", "start", "2023", "--repo", root)
    assert again.returncode == 0, again.stderr
    assert "created 0 follow-ups" in again.stderr and "nothing to create" in again.stderr
    assert _snapshot(root) == snapshot

    # an operation writes its text (and renames the file); a third run leaves it byte-identical
    written = (folder / "2.yaml").read_text(encoding="utf-8").replace("text:\n", "text: |\n  Klart i mars.\n")
    (folder / "2.yaml").unlink()
    (folder / "aktivitet-2.yaml").write_text(written, encoding="utf-8")
    (folder / "3.yaml").write_text((folder / "3.yaml").read_text(encoding="utf-8") + "# utkast\n", encoding="utf-8")
    snapshot = _snapshot(root)
    third = run_avr("followup", "start", "2023", "--repo", root)
    assert third.returncode == 0, third.stderr
    assert _snapshot(root) == snapshot
    assert "nothing to create" in third.stderr
    _check(root)


def test_followup_start_on_the_example_plans(example_copy: Path) -> None:
    done = run_avr("followup", "start", "2020", "--plan", "uppsala-amn/26-punktsplan", "--repo", example_copy)
    assert done.returncode == 0, done.stderr
    # 27 activity files (1a and 1b share point 1), every one followed up for 2020 already
    assert "created 0 follow-ups for 2020; 27 already existed" in done.stderr
    done = run_avr("followup", "start", "2099", "--repo", example_copy)
    assert done.returncode == 2 and "no organisation has the period `2099`" in done.stderr
    assert not (ROOT / "plans/uppsala-amn/26-punktsplan/followups/2099").exists()


def test_new_plan_takes_its_years_from_the_title(example_copy: Path) -> None:
    root = example_copy
    org = root / "plans/eskilstuna-avn"
    cases = [("vp-2025", ["--title", "Verksamhetsplan 2025"], "first_year: 2025\nlast_year:\n"),
             ("vp-2024-2025", ["--title", "Verksamhetsplan 2024–2025"], "first_year: 2024\nlast_year: 2025\n"),
             ("vp-given", ["--title", "Verksamhetsplan 2025", "--year", "2027"], "first_year: 2027\nlast_year:\n"),
             ("vp-untitled", [], f"first_year: {dt.date.today().year}\nlast_year:\n")]
    for plan_id, args, years in cases:
        done = run_avr("new", "plan", plan_id, "--org", "eskilstuna-avn", *args, "--repo", root)
        assert done.returncode == 0, done.stderr
        assert years in (org / plan_id / "plan.yaml").read_text(encoding="utf-8")
    _check(root)


def test_new_goal_with_a_goal_area(example_copy: Path) -> None:
    root = example_copy
    plan = "eskilstuna-avn/verksamhetsplan-2022"
    done = run_avr("new", "goal", "--plan", plan, "--id", "99", "--area", "effektiv-organisation",
                   "--title", "Kortare handläggningstider", "--repo", root)
    assert done.returncode == 0, done.stderr
    goal = root / "plans" / plan / "goals/99.yaml"
    assert "area: effektiv-organisation\n" in goal.read_text(encoding="utf-8")
    _check(root)
    before = _snapshot(root)
    done = run_avr("new", "goal", "--plan", plan, "--area", "hallbar", "--repo", root)
    assert done.returncode == 2 and "unknown goal area `hallbar`" in done.stderr and "hallbar-utveckling" in done.stderr
    assert _snapshot(root) == before
