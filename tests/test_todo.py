"""`avr todo`: who still owes what, on a fixture where each kind of gap is made on purpose."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_avr

PLAN = Path("plans/kommun-amn/handlingsplan")


@pytest.fixture
def owing(mini_copy: Path) -> Path:
    """The mini repository with: 3 missing, 2 stale, 4 unwritten, indicator `hushall` unreported for 2022."""
    root = mini_copy
    plan = root / PLAN
    card = plan / "activities/3.yaml"
    card.write_text(card.read_text(encoding="utf-8") + "accountable: Enhetschef\n", encoding="utf-8")
    (plan / "activities/4.yaml").write_text(
        'id: "4"\ngoals: ["1"]\nunit: vux\ntitle: Åtagande nummer 4\naccountable: Rektor\n', encoding="utf-8")
    (plan / "followups/2022/4.yaml").write_text('period: "2022"\nactivity: "4"\nstatus: Pågår\ntext:\n', encoding="utf-8")
    late = plan / "followups/2022/2.yaml"
    late.write_text(late.read_text(encoding="utf-8") + "date: 2021-12-01\n", encoding="utf-8")
    (plan / "followups/2022/goal-1.yaml").unlink()
    org = root / "plans/kommun-amn/organisation.yaml"
    org.write_text(org.read_text(encoding="utf-8") + (
        '  - id: "2023"\n    label: Helår 2023\n    kind: year\n    start: 2023-01-01\n    end: 2023-12-31\n'),
        encoding="utf-8")
    assert run_avr("check", "--repo", root).returncode == 0
    return root


def _todo(root: Path, *args: str) -> dict[str, object]:
    done = run_avr("todo", *args, "--format", "json", "--repo", root)
    assert done.returncode == 0, done.stderr
    data: dict[str, object] = json.loads(done.stdout)
    return data


def _rows(data: dict[str, object]) -> list[tuple[object, ...]]:
    return [
        (g["unit"], g["accountable"], i["kind"], i["id"], i["reason"], i["date"], i["file"])
        for p in data["plans"] for g in p["groups"] for i in g["items"]  # type: ignore[attr-defined]
    ]


def test_todo_lists_missing_unwritten_stale_and_unreported(owing: Path) -> None:
    rows = _rows(_todo(owing, "2022"))
    assert rows == [
        # grouped by unit name (Ekonomiskt bistånd < Vuxenutbildning), then accountable role
        ("eb", "Enhetschef", "activity", "3", "missing", None, None),
        ("vux", None, "activity", "2", "stale", "2021-12-01", f"{PLAN}/followups/2022/2.yaml"),
        ("vux", "Rektor", "activity", "4", "unwritten", None, f"{PLAN}/followups/2022/4.yaml"),
        (None, None, "indicator", "hushall", "no_outcome", None, None),
    ]


def test_todo_other_periods(owing: Path) -> None:
    # 2021: activity 1 has a follow-up without text; both indicators have outcomes in their history
    assert [(r[3], r[4]) for r in _rows(_todo(owing, "2021"))] == [
        ("3", "missing"), ("1", "unwritten"), ("2", "missing"), ("4", "missing")]
    # 2023: activity 1 was done (Klart) in 2022, so it owes nothing
    assert [(r[3], r[4]) for r in _rows(_todo(owing, "2023"))] == [
        ("3", "missing"), ("2", "missing"), ("4", "missing"), ("barnfamiljer", "no_outcome"), ("hushall", "no_outcome")]


def test_todo_markdown_and_text(owing: Path) -> None:
    done = run_avr("todo", "2022", "--format", "markdown", "--repo", owing)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "## Att rapportera: Handlingsplan för egen försörjning – Helår 2022\n\n"
        "### Ekonomiskt bistånd – Enhetschef\n\n"
        "- Aktivitet 3: Åtagande nummer 3 — uppföljning saknas\n\n"
        "### Vuxenutbildning\n\n"
        f"- Aktivitet 2: Åtagande nummer 2 — daterad 2021-12-01, före periodens början ({PLAN}/followups/2022/2.yaml)\n\n"
        "### Vuxenutbildning – Rektor\n\n"
        f"- Aktivitet 4: Åtagande nummer 4 — uppföljningen saknar text ({PLAN}/followups/2022/4.yaml)\n\n"
        "### Nämnd och förvaltning\n\n"
        "- Indikator hushall: Hushåll med försörjningsstöd per månad — utfall saknas\n"
    )
    text = run_avr("todo", "2022", "--repo", owing, lang="sv")  # the terminal speaks the messages' language
    assert text.returncode == 0, text.stderr
    for expected in ("Att rapportera", "Enhetschef", "Rektor", "uppföljning saknas", "utfall saknas"):
        assert expected in text.stdout


def test_todo_everything_reported_and_bad_input(mini_copy: Path) -> None:
    org = mini_copy / "plans/kommun-amn/organisation.yaml"
    done = run_avr("todo", "2099", "--repo", mini_copy)
    assert done.returncode == 2 and "unknown period `2099`" in done.stderr
    done = run_avr("todo", "--format", "xml", "--repo", mini_copy)
    assert done.returncode == 2 and "unknown format" in done.stderr
    # fill the only gap of 2022 in the mini repository: nothing is owed
    (mini_copy / PLAN / "followups/2022/3.yaml").write_text(
        'period: "2022"\nactivity: "3"\nstatus: Pågår\ntext: Påbörjat.\n', encoding="utf-8")
    assert org.is_file()
    assert _rows(_todo(mini_copy, "2022")) == []
    done = run_avr("todo", "2022", "--format", "markdown", "--repo", mini_copy)
    assert "Allt är rapporterat." in done.stdout


def test_todo_without_period_takes_the_open_round(tmp_path: Path) -> None:
    # The calendar fixture's periods all start on 1 January; delår and helår 2025 not yet written:
    # a plain `avr todo` is about tertial 1 2025 (the round under way), not helår 2025.
    root = tmp_path / "calendar"
    shutil.copytree(Path(__file__).parent / "fixtures/calendar", root)
    plan = root / "plans/sundby-sn/verksamhetsplan-2024-2025"
    for kind in ("followups", "outcomes"):
        for period in ("delar-2025", "helar-2025"):
            shutil.rmtree(plan / kind / period)
    data = _todo(root)
    assert [p["period"] for p in data["plans"]] == ["t1-2025"]  # type: ignore[index]
    assert _todo(root, "helar-2025")["plans"][0]["period"] == "helar-2025"  # type: ignore[index]


def test_todo_table_never_cuts_a_long_id(tmp_path: Path) -> None:
    root = tmp_path / "calendar"
    shutil.copytree(Path(__file__).parent / "fixtures/calendar", root)
    plan = root / "plans/sundby-sn/verksamhetsplan-2024-2025"
    long_id = "a1-utveckla-samverkan-med-civilsamhallet-och-foreningslivet-2025"
    for path in [plan / "activities/a1.yaml", *plan.glob("followups/*/a1.yaml")]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("id: a1\n", f"id: {long_id}\n").replace("activity: a1\n", f"activity: {long_id}\n"),
                        encoding="utf-8")
    (plan / "followups/t1-2025/a1.yaml").unlink()
    done = subprocess.run([sys.executable, "-m", "avr", "todo", "t1-2025", "--repo", str(root)],
                          capture_output=True, text=True, env={**os.environ, "COLUMNS": "60"}, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = [line.split("│") for line in done.stdout.splitlines() if line.startswith("│")]
    what = "".join(cells[2].strip() for cells in rows)  # the "what" column, its folded lines joined
    assert long_id in what and "…" not in done.stdout
