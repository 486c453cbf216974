"""`avr todo` and `avr followup start` for commitments, control points and audit recommendations.

On the interim fixture: commitment 1.a1 is under way (Pågår) in 2019 and 1.a2 done (Genomförd);
control point eb-1 has a result for 2019; recommendation R1 of audit `bistand` is followed up in
2019 (Pågår), R2 never.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, run_avr
from test_new import _check, _schema_ok, _snapshot

PLAN = Path("plans/kommun-sn/budget-2019")


@pytest.fixture
def interim_copy(tmp_path: Path) -> Path:
    target = tmp_path / "interim"
    shutil.copytree(FIXTURES / "interim", target)
    assert run_avr("schema", "--repo", target).returncode == 0
    return target


def _rows(root: Path, period: str) -> list[tuple[object, ...]]:
    done = run_avr("todo", period, "--format", "json", "--repo", root)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    return [(g["accountable"], i["kind"], i["id"], i["reason"], i["file"])
            for p in data["plans"] for g in p["groups"] for i in g["items"]]


def test_todo_lists_commitments_controls_and_open_recommendations(interim_copy: Path) -> None:
    root = interim_copy
    # 2020 has nothing yet: the open commitment, the control point and both open recommendations are owed
    assert _rows(root, "2020") == [
        (None, "commitment", "1.a1", "missing", None),
        (None, "recommendation", "bistand R1", "missing", None),
        (None, "recommendation", "bistand R2", "missing", None),
        ("Controller", "control", "eb-1", "missing", None),  # grouped by the control's performer
    ]
    # 2019: only R2 was never followed up; a result without a finding is unwritten
    result = root / PLAN / "control-results/2019/eb-1.yaml"
    result.write_text(result.read_text(encoding="utf-8").replace("finding: 48 av 50 utbetalningar var beslutade.\n",
                                                                  ""), encoding="utf-8")
    assert _rows(root, "2019") == [
        (None, "recommendation", "bistand R2", "missing", None),
        ("Controller", "control", "eb-1", "unwritten", f"{PLAN}/control-results/2019/eb-1.yaml"),
    ]
    # a commitment follow-up copied forward with its old date is stale, and listed once
    old = (root / PLAN / "followups/2019/1.a1.yaml").read_text(encoding="utf-8")
    (root / PLAN / "followups/2020").mkdir()
    (root / PLAN / "followups/2020/1.a1.yaml").write_text(old.replace('period: "2019"', 'period: "2020"'),
                                                          encoding="utf-8")
    rows = [r for r in _rows(root, "2020") if r[1] in ("commitment", "followup")]
    assert rows == [(None, "commitment", "1.a1", "stale", f"{PLAN}/followups/2020/1.a1.yaml")]
    done = run_avr("todo", "2020", "--format", "markdown", "--repo", root)
    assert "- Åtagande 1.a1: Alla nya sökande ska erbjudas ett samtal om arbete inom en vecka. — daterad 2019-12-10" in (
        done.stdout)
    assert "### Nämnd och förvaltning – Controller" in done.stdout
    assert "- Rekommendation bistand R2: Följ upp insatserna. — uppföljning saknas" in done.stdout


def test_followup_start_creates_skeletons_once(interim_copy: Path) -> None:
    root = interim_copy
    done = run_avr("followup", "start", "2020", "--repo", root)
    assert done.returncode == 0, done.stderr
    plan = root / PLAN
    assert (plan / "followups/2020/goal-1.a1.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../../../../schemas/followup.schema.json\n"
        'period: "2020"\ngoal: 1.a1\nstatus: Pågår\ncompletion:\ndate:\ntext:\n')
    assert not (plan / "followups/2020/goal-1.a2.yaml").exists()  # done in 2019
    assert (plan / "control-results/2020/eb-1.yaml").read_text(encoding="utf-8").endswith(
        'period: "2020"\ncontrol: eb-1\nstatus:\ndate:\nfinding:\naction:\n')
    # a recommendation follow-up needs a status: the last one, or the organisation's word for not started
    assert "recommendation: R1\nstatus: Pågår\n" in (plan / "audit-followups/2020/bistand-R1.yaml").read_text(
        encoding="utf-8")
    assert "recommendation: R2\nstatus: Ej påbörjad\n" in (plan / "audit-followups/2020/bistand-R2.yaml").read_text(
        encoding="utf-8")
    assert "created 4 follow-ups for 2020; 1 done or stopped" in done.stderr
    _check(root)
    _schema_ok(plan / "followups/2020/goal-1.a1.yaml", "followup")
    _schema_ok(plan / "control-results/2020/eb-1.yaml", "control-result")
    _schema_ok(plan / "audit-followups/2020/bistand-R2.yaml", "audit-followup")
    # the skeletons are what todo lists as unwritten
    assert {r[3] for r in _rows(root, "2020")} == {"unwritten"}

    snapshot = _snapshot(root)
    again = run_avr("followup", "start", "2020", "--repo", root)
    assert again.returncode == 0 and "nothing to create" in again.stderr
    assert _snapshot(root) == snapshot
    # someone writes the result and renames the file: a third run leaves it alone
    written = (plan / "control-results/2020/eb-1.yaml").read_text(encoding="utf-8").replace(
        "finding:", "finding: Alla 50 var beslutade.")
    (plan / "control-results/2020/eb-1.yaml").unlink()
    (plan / "control-results/2020/kontroll-eb-1.yaml").write_text(written, encoding="utf-8")
    snapshot = _snapshot(root)
    third = run_avr("followup", "start", "2020", "--repo", root)
    assert third.returncode == 0 and "nothing to create" in third.stderr
    assert _snapshot(root) == snapshot
    _check(root)
