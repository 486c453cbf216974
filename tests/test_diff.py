"""`avr diff` on real git repositories built from the mini fixture, in all three output formats."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from bounded import clean_exit, run_bounded
from conftest import FIXTURES, run_avr

PLAN = "plans/kommun-amn/handlingsplan"
NBSP = "\u00a0"


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return proc.stdout


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def init(repo: Path) -> None:
    """A repository of its own: branch main, a local identity, no signing whatever the global config says."""
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.org")
    git(repo, "config", "commit.gpgsign", "false")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The mini fixture committed on `main`, with a `feature` branch checked out."""
    target = tmp_path / "repo"
    shutil.copytree(FIXTURES / "mini", target)
    init(target)
    commit(target, "initial plans")
    git(target, "checkout", "-q", "-b", "feature")
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def three(repo: Path, *revs: str) -> tuple[str, str, dict[str, Any]]:
    """Terminal (in Swedish, the messages' language by default), Markdown and JSON output of the same comparison;
    each must exit 0."""
    outs = []
    for fmt in ("text", "markdown", "json"):
        proc = run_avr("diff", *revs, "--format", fmt, cwd=repo, lang="sv")
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        outs.append(proc.stdout)
    return outs[0], outs[1], json.loads(outs[2])


def changes(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for plan in data["plans"] for c in plan["changes"]]


def section(markdown: str, heading: str) -> str:
    """The text under a `#### heading`, up to the next heading."""
    return markdown.split(f"#### {heading}\n", 1)[1].split("\n#### ", 1)[0]


def test_status_change(repo: Path) -> None:
    edit(repo / PLAN / "followups/2021/1.yaml", "status: Pågår", "status: Klart")
    commit(repo, "activity 1 is done")
    term, md, data = three(repo, "main", "HEAD")
    assert "Uppföljning 2021, aktivitet 1 – Åtagande nummer 1" in term
    assert "Status: Pågår → Klart" in term
    changed = section(md, "Ändrat")
    assert "- **Uppföljning 2021, aktivitet 1 – Åtagande nummer 1**\n  - Status: Pågår → Klart" in changed
    [change] = changes(data)
    assert change["entity"] == "followup" and change["action"] == "changed"
    assert (change["id"], change["period"], change["subject"]) == ("1", "2021", "activity")
    assert change["fields"] == [{"field": "status", "key": None, "old": "Pågår", "new": "Klart",
                                 "old_text": "Pågår", "new_text": "Klart"}]
    assert data["summary"] == {"added": 0, "removed": 0, "changed": 1, "moved": 0, "verdicts": 0}
    assert data["base"]["rev"] == "main" and data["head"]["rev"] == "HEAD"
    # the status sentence of the period changes with it
    [counts] = data["plans"][0]["counts"]
    assert counts["period"] == "2021"
    assert (counts["old"]["on_track"], counts["new"]["on_track"], counts["new"]["done"]) == (1, 0, 1)
    assert "- 2021: Av de 3 åtagandena pågår ett enligt plan" in section(md, "Statusräkning")
    assert counts["old_text"].startswith("Av de 3 åtagandena pågår ett enligt plan")
    assert "Statusräkning" in term
    assert data["base"]["commit"] == git(repo, "rev-parse", "main").strip()


def test_target_change(repo: Path) -> None:
    edit(repo / PLAN / "goals/1.yaml", '"2022": 2800', '"2022": 2700')
    commit(repo, "lower target")
    term, md, data = three(repo, "main", "HEAD")
    expected = f"Målvärde 2022: ≤{NBSP}2{NBSP}800{NBSP}hushåll → ≤{NBSP}2{NBSP}700{NBSP}hushåll"  # a bare target prints its ≤
    assert expected in term
    assert f"- **Indikator hushall (Mål 1) – Hushåll med försörjningsstöd per månad**\n  - {expected}" in md
    [change] = changes(data)
    assert (change["entity"], change["id"], change["parent"]) == ("indicator", "hushall", "1")
    [fc] = change["fields"]
    assert (fc["field"], fc["key"], fc["old"], fc["new"]) == ("targets", "2022", {"value": 2800}, {"value": 2700})
    assert data["plans"][0]["verdicts"] == []  # 2 950 meets neither target
    assert "Bedömningar som ändras" not in md


def test_numerator_change_turns_verdict(repo: Path) -> None:
    edit(repo / PLAN / "followups/2022/goal-1-1.yaml", "353/1040", "300/1040")
    commit(repo, "corrected outcome")
    term, md, data = three(repo, "main", "HEAD")
    outcome = f"Utfall barnfamiljer: 33,9{NBSP}% (353 av 1{NBSP}040) → 28,8{NBSP}% (300 av 1{NBSP}040)"
    assert outcome in term and outcome in md
    verdicts = section(md, "Bedömningar som ändras")
    assert "| Precisering 1:1 | 2022 | ● uppfyllt | ○ inte uppfyllt |" in verdicts
    assert "| Indikator barnfamiljer | 2022 | ● uppfyllt | ○ inte uppfyllt |" in verdicts
    assert "Precisering 1:1" in term and "○ inte uppfyllt" in term
    plan = data["plans"][0]
    assert {"what": "goal", "id": "1:1", "title": None, "kind": "refinement", "period": "2022",
            "old": "met", "new": "not_met"} in plan["verdicts"]
    assert all(v["id"] != "1" for v in plan["verdicts"])  # goal 1 stays partially met
    [change] = changes(data)
    [fc] = change["fields"]
    assert fc["old"] == {"numerator": 353, "denominator": 1040} and fc["new"] == {"numerator": 300, "denominator": 1040}
    assert data["summary"]["verdicts"] == 2  # the refinement and its indicator: both rows count
    assert "2 ändrade bedömningar" in term and "2 ändrade bedömningar" in md


def test_move_keeps_identity(repo: Path) -> None:
    git(repo, "mv", f"{PLAN}/activities/3.yaml", f"{PLAN}/activities/tre.yaml")
    git(repo, "mv", f"{PLAN}/followups/2022/1.yaml", f"{PLAN}/followups/2022/aktivitet-1.yaml")
    commit(repo, "rename files")
    term, md, data = three(repo, "main", "HEAD")
    assert "Tillagt" not in term + md and "Borttaget" not in term + md
    assert (f"Aktivitet 3 – Åtagande nummer 3 (flyttad från {PLAN}/activities/3.yaml → {PLAN}/activities/tre.yaml)"
            in term)
    moved = section(md, "Flyttat")
    assert (f"- **Aktivitet 3 – Åtagande nummer 3** (flyttad från `{PLAN}/activities/3.yaml` → "
            f"`{PLAN}/activities/tre.yaml`)") in moved
    assert "Uppföljning 2022, aktivitet 1" in moved
    found = {(c["entity"], c["id"]): c for c in changes(data)}
    assert set(found) == {("activity", "3"), ("followup", "1")}
    assert all(c["action"] == "moved" and c["fields"] == [] for c in found.values())
    assert found[("activity", "3")]["old_path"] == f"{PLAN}/activities/3.yaml"
    assert found[("activity", "3")]["path"] == f"{PLAN}/activities/tre.yaml"
    assert data["summary"] == {"added": 0, "removed": 0, "changed": 0, "moved": 2, "verdicts": 0}


def test_delete_and_add(repo: Path) -> None:
    git(repo, "rm", "-q", f"{PLAN}/followups/2022/2.yaml")
    (repo / PLAN / "activities/4.yaml").write_text('id: "4"\ngoals: ["1"]\nunit: eb\ntitle: Nytt åtagande\n',
                                                   encoding="utf-8")
    commit(repo, "drop a follow-up, add an activity")
    term, md, data = three(repo, "main", "HEAD")
    assert "Uppföljning 2022, aktivitet 2 – Åtagande nummer 2" in section(md, "Borttaget")
    assert "  - Status: Försenat → –" in section(md, "Borttaget")
    assert f"- **Aktivitet 4 – Nytt åtagande** `{PLAN}/activities/4.yaml`" in section(md, "Tillagt")
    assert "Borttaget" in term and "Tillagt" in term and "Status: Försenat → –" in term
    found = {(c["entity"], c["id"]): c for c in changes(data)}
    assert found[("followup", "2")]["action"] == "removed"
    assert found[("followup", "2")]["path"] == f"{PLAN}/followups/2022/2.yaml"
    assert found[("activity", "4")]["action"] == "added"
    assert data["summary"]["removed"] == 1 and data["summary"]["added"] == 1


def test_long_text_is_summarised_and_collapsible(repo: Path) -> None:
    (repo / PLAN / "followups/2022/1.yaml").write_text(
        'period: "2022"\nactivity: "1"\nstatus: Klart\ncompletion: 100\ntext: |\n'
        "  Klart före plan tack vare ett gott samarbete.\n  Uppföljningen fortsätter under 2023.\n",
        encoding="utf-8")
    commit(repo, "longer report text")
    term, md, data = three(repo, "main", "HEAD")
    assert "Text: 2 rader tillagda, 1 borttagen Klart [-enligt plan.-] {+före plan tack vare" in term
    assert "  - Text: 2 rader tillagda, 1 borttagen: Klart ~~enligt plan.~~ **före plan tack vare" in md
    assert "<details><summary>Visa ändringen</summary>" in md
    assert "    -Klart enligt plan.\n    +Klart före plan tack vare ett gott samarbete.\n" in md
    [fc] = changes(data)[0]["fields"]
    assert fc["lines_added"] == 2 and fc["lines_removed"] == 1
    assert "-Klart enligt plan." in fc["diff"]


def test_default_base_is_merge_base_and_head_the_working_tree(repo: Path) -> None:
    git(repo, "checkout", "-q", "main")
    edit(repo / PLAN / "activities/2.yaml", "title: Åtagande nummer 2", "title: Ändrat på main")
    commit(repo, "later change on main")
    git(repo, "checkout", "-q", "feature")
    edit(repo / PLAN / "followups/2021/1.yaml", "status: Pågår", "status: Försenat")  # not committed
    term, md, data = three(repo)
    assert data["head"] == {"rev": None, "commit": None}
    assert data["base"]["commit"] == git(repo, "merge-base", "feature", "main").strip()
    assert "arbetskopian" in term and "arbetskopian" in md.splitlines()[0]
    assert [(c["entity"], c["id"]) for c in changes(data)] == [("followup", "1")]
    assert "Ändrat på main" not in term + md


def test_no_changes(repo: Path) -> None:
    term, md, data = three(repo, "main", "HEAD")
    assert "Inga ändringar i planerna." in term and "Inga ändringar i planerna." in md
    assert data["plans"] == [] and data["repository"] == []


def test_bad_revision_is_a_usage_error(repo: Path, tmp_path: Path) -> None:
    proc = run_avr("diff", "no-such-branch", cwd=repo)
    assert proc.returncode == 2 and "unknown revision `no-such-branch`" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run_avr("diff", "main", "--format", "html", cwd=repo)
    assert proc.returncode == 2 and "unknown format" in proc.stderr
    outside = tmp_path / "plain"
    shutil.copytree(FIXTURES / "mini", outside)
    proc = run_avr("diff", cwd=outside)
    assert proc.returncode == 2 and "not inside a git repository" in proc.stderr


def test_invalid_file_on_one_side(repo: Path) -> None:
    edit(repo / PLAN / "activities/1.yaml", "title: Åtagande nummer 1", "titel: Åtagande nummer 1")
    commit(repo, "broken field")
    proc = run_avr("diff", "main", "HEAD", "--format", "markdown", cwd=repo)
    assert proc.returncode == 1 and proc.stdout == ""
    short = git(repo, "rev-parse", "--short=7", "HEAD").strip()
    lines = proc.stderr.splitlines()
    assert lines[0] == f"avr diff: invalid files in HEAD (HEAD, {short}):"
    assert any(line.startswith(f"{PLAN}/activities/1.yaml:4:1: E101 unknown field `titel`") for line in lines)
    assert "invalid files in BASE" not in proc.stderr
    # the other way round, the broken side is BASE
    proc = run_avr("diff", "HEAD", "main", cwd=repo)
    assert proc.returncode == 1 and "avr diff: invalid files in BASE (HEAD, " in proc.stderr


def test_repository_in_a_subfolder(tmp_path: Path) -> None:
    top = tmp_path / "top"
    shutil.copytree(FIXTURES / "mini", top / "uppfoljning")
    (top / "README.md").write_text("other content\n", encoding="utf-8")
    init(top)
    commit(top, "initial")
    edit(top / "uppfoljning" / PLAN / "followups/2021/1.yaml", "status: Pågår", "status: Klart")
    commit(top, "done")
    proc = run_avr("diff", "HEAD~1", "HEAD", "--format", "json", cwd=top / "uppfoljning")
    assert proc.returncode == 0, proc.stderr
    [change] = changes(json.loads(proc.stdout))
    assert change["fields"][0]["new"] == "Klart" and change["path"] == f"{PLAN}/followups/2021/1.yaml"


def test_first_pull_request_adds_the_plans(tmp_path: Path) -> None:
    repo = tmp_path / "new"
    repo.mkdir()
    (repo / "README.md").write_text("plans to come\n", encoding="utf-8")
    init(repo)
    commit(repo, "empty")
    shutil.copytree(FIXTURES / "mini", repo, dirs_exist_ok=True)
    commit(repo, "add avr")
    term, md, data = three(repo, "HEAD~1", "HEAD")
    assert [(p["id"], p["action"]) for p in data["plans"]] == [("handlingsplan", "added")]
    assert [(c["entity"], c["action"], c["id"]) for c in data["repository"]] == [("organisation", "added", "kommun-amn")]
    assert "— **Ny plan**" in md and "Ny plan" in term
    back = run_avr("diff", "HEAD", "HEAD~1", "--format", "json", cwd=repo)
    assert back.returncode == 0 and json.loads(back.stdout)["plans"][0]["action"] == "removed"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_schema_field_has_a_diff_label(language: str) -> None:
    from avr.model.activity import Activity
    from avr.model.audit import Audit, AuditFollowUp, Objective, Recommendation
    from avr.model.config import RepoConfig
    from avr.model.control import ControlPoint, ControlResult
    from avr.model.economy import EconomyTable
    from avr.model.followup import FollowUp
    from avr.model.goal import Goal, Indicator
    from avr.model.organisation import Organisation
    from avr.model.plan import Plan, ReportSpec
    from avr.render.labels import load_labels

    models = (RepoConfig, Organisation, Plan, ReportSpec, Goal, Indicator, Activity, FollowUp,
              EconomyTable, ControlPoint, ControlResult, Audit, Objective, Recommendation, AuditFollowUp)
    names = {name for model in models for name in model.model_fields}
    # ids and a follow-up's activity identify things: they never show as a changed field
    assert names - set(load_labels(language)("diff", "field")) == {"id", "indicators", "activity"}


def test_markdown_fits_a_comment(repo: Path) -> None:
    from avr.commands.diff import run_diff
    from avr.render.diff import markdown
    from avr.render.labels import load_labels

    (repo / PLAN / "followups/2022/1.yaml").write_text(
        'period: "2022"\nactivity: "1"\nstatus: Klart\ntext: |\n' + "".join(f"  Rad {i} av en lång text.\n" for i in range(200)),
        encoding="utf-8")
    edit(repo / PLAN / "followups/2021/1.yaml", "status: Pågår", "status: Klart")
    commit(repo, "long text")
    run = run_diff(repo, "main", "HEAD")
    assert run.diff is not None
    labels = load_labels("sv")
    full = markdown(run.diff, run.sides, labels)
    assert "<details>" in full and "+Rad 199 av en lång text." in full
    # too long for the limit: the line diffs go, the short summaries stay
    shorter = markdown(run.diff, run.sides, labels, limit=len(full) - 1)
    assert "<details>" not in shorter and "Text: 200 rader tillagda, 1 borttagen" in shorter
    assert "Status: Pågår → Klart" in shorter
    # still too long: cut at a line, with a note saying so
    cut = markdown(run.diff, run.sides, labels, limit=300)
    assert len(cut) <= 300 and cut.startswith("## Ändringar i planerna: main (")
    assert cut.endswith("\n_Jämförelsen är för lång för en kommentar och slutar här; kör avr diff för resten._\n")


# ------------------------------------------------------------------ economy, internal control, audits

IPLAN = "plans/kommun-sn/budget-2019"


@pytest.fixture
def interim_repo(tmp_path: Path) -> Path:
    """The interim fixture (economy tables, a control point, an audit) committed on `main`, on a `feature` branch."""
    target = tmp_path / "interim"
    shutil.copytree(FIXTURES / "interim", target)
    init(target)
    commit(target, "initial plans")
    git(target, "checkout", "-q", "-b", "feature")
    return target


def test_economy_amount_change(interim_repo: Path) -> None:
    table = interim_repo / IPLAN / "economy/driftbudget.yaml"
    edit(table, "budget-2019: 100, plan-2020: 110", "budget-2019: 120, plan-2020: 110")
    edit(table, "budget-2019: 2 000,", "budget-2019: 2 020,")
    edit(interim_repo / IPLAN / "economy/uppfoljning.yaml", "utfall: −56,2", "utfall: −57,2")
    commit(interim_repo, "more for försörjningsstöd")
    term, md, data = three(interim_repo, "main", "HEAD")
    amount = f"Budget 2019, Försörjningsstöd: 100{NBSP}tkr → 120{NBSP}tkr"
    total = f"Budget 2019, Summa: 2{NBSP}000{NBSP}tkr → 2{NBSP}020{NBSP}tkr"
    assert amount in term and total in term
    assert f"- **Ekonomisk tabell driftbudget – Driftbudget**\n  - {amount}\n  - {total}\n" in section(md, "Ändrat")
    # the period table has no stated total: its computed total and the deviations move with the line
    for line in (f"Utfall, Försörjningsstöd: -56,2{NBSP}mnkr → -57,2{NBSP}mnkr",
                 f"Utfall, Summa (beräknad): -76,2{NBSP}mnkr → -77,2{NBSP}mnkr",
                 f"Avvikelse, Försörjningsstöd: -6,2{NBSP}mnkr → -7,2{NBSP}mnkr"):
        assert line in term and line in md
    assert "Plan 2020" not in term + md  # unchanged columns stay silent
    found = {c["id"]: c for c in changes(data)}
    assert set(found) == {"driftbudget", "uppfoljning"}
    budget = found["driftbudget"]
    assert (budget["entity"], budget["action"], budget["title"]) == ("economy", "changed", "Driftbudget")
    assert budget["fields"] == [
        {"field": "amount", "key": "Budget 2019, Försörjningsstöd", "old": 100, "new": 120,
         "old_text": f"100{NBSP}tkr", "new_text": f"120{NBSP}tkr"},
        {"field": "amount", "key": "Budget 2019, Summa", "old": 2000, "new": 2020,
         "old_text": f"2{NBSP}000{NBSP}tkr", "new_text": f"2{NBSP}020{NBSP}tkr"},
    ]
    assert found["uppfoljning"]["fields"][0]["old"] == -56.2
    total_key = [f["key"] for f in found["uppfoljning"]["fields"] if f["field"] == "amount"]
    assert total_key == ["Utfall, Försörjningsstöd", "Utfall, Summa (beräknad)", "Avvikelse, Försörjningsstöd",
                         "Avvikelse, Summa (beräknad)"]
    assert data["summary"] == {"added": 0, "removed": 0, "changed": 2, "moved": 0, "verdicts": 0}
    # in English (the working tree's avr.yaml), the same change in English words and number format
    (interim_repo / "avr.yaml").write_text("title: T\nlanguage: en\norganisations: [kommun-sn]\n", encoding="utf-8")
    proc = run_avr("diff", "main", cwd=interim_repo)
    assert proc.returncode == 0, proc.stderr
    assert "Economy table driftbudget – Driftbudget" in proc.stdout
    assert f"Utfall, Total (computed): -76.2{NBSP}MSEK → -77.2{NBSP}MSEK" in proc.stdout


def test_economy_total_that_no_longer_adds_up_is_an_invalid_file(interim_repo: Path) -> None:
    edit(interim_repo / IPLAN / "economy/driftbudget.yaml", "budget-2019: 100, plan-2020: 110",
         "budget-2019: 120, plan-2020: 110")
    commit(interim_repo, "a line changed, the total not")
    proc = run_avr("diff", "main", "HEAD", "--format", "json", cwd=interim_repo)
    assert proc.returncode == 1 and proc.stdout == ""
    assert "avr diff: invalid files in HEAD (HEAD, " in proc.stderr
    assert (f"{IPLAN}/economy/driftbudget.yaml:18:25: E301 table `driftbudget`, row `Summa`, column `Budget 2019`: "
            "stated 2 000 but the lines sum to 2 020") in proc.stderr


def test_audit_followup_status_change(interim_repo: Path) -> None:
    edit(interim_repo / IPLAN / "audit-followups/2019/r1.yaml", "status: Pågår", "status: Genomförd")
    (interim_repo / IPLAN / "audit-followups/2019/r2.yaml").write_text(
        'period: "2019"\naudit: bistand\nrecommendation: R2\nstatus: Ej påbörjad\n', encoding="utf-8")
    edit(interim_repo / IPLAN / "audits/bistand.yaml", "grade: partly_satisfactory", "grade: satisfactory")
    git(interim_repo, "mv", f"{IPLAN}/control-results/2019/eb-1.yaml", f"{IPLAN}/control-results/2019/kontroll.yaml")
    commit(interim_repo, "R1 done, R2 followed up")
    term, md, data = three(interim_repo, "main", "HEAD")
    head = "Uppföljning av rekommendation 2019, R1 (Revisionsrapport bistand) – Ta fram riktlinjer för samverkan."
    assert head in term and "Status: Pågår → Genomförd" in term
    # the recommendation closes with it, as the audit report computes it
    assert f"- **{head}**\n  - Status: Pågår → Genomförd\n  - Rekommendationen: Öppen → Stängd" in section(md, "Ändrat")
    assert "Rekommendationen: Öppen → Stängd" in term
    assert "Kontrollmål 1, gradering: Delvis tillfredsställande → Tillfredsställande" in term
    assert "Kontrollmål 1, gradering: Delvis tillfredsställande → Tillfredsställande" in md
    added = section(md, "Tillagt")
    assert "Uppföljning av rekommendation 2019, R2 (Revisionsrapport bistand) – Följ upp insatserna." in added
    assert "  - Status: – → Ej påbörjad" in added
    assert (f"Kontrollresultat 2019, eb-1 – Kontroll av att utbetalningar är beslutade** (flyttad från "
            f"`{IPLAN}/control-results/2019/eb-1.yaml` → `{IPLAN}/control-results/2019/kontroll.yaml`)") in md
    found = {(c["entity"], c["id"]): c for c in changes(data)}
    assert set(found) == {("audit", "bistand"), ("audit_followup", "R1"), ("audit_followup", "R2"),
                          ("control_result", "eb-1")}
    r1 = found[("audit_followup", "R1")]
    assert (r1["action"], r1["period"], r1["parent"]) == ("changed", "2019", "bistand")
    assert r1["fields"] == [{"field": "status", "key": None, "old": "Pågår", "new": "Genomförd",
                             "old_text": "Pågår", "new_text": "Genomförd"},
                            {"field": "open", "key": None, "old": True, "new": False,
                             "old_text": "Öppen", "new_text": "Stängd"}]
    assert [f["field"] for f in found[("audit_followup", "R2")]["fields"]] == ["status"]  # R2 stays open
    assert found[("audit_followup", "R2")]["action"] == "added"
    assert found[("control_result", "eb-1")]["action"] == "moved"
    [grade] = found[("audit", "bistand")]["fields"]
    assert (grade["field"], grade["old"], grade["new"]) == ("grade", "partly_satisfactory", "satisfactory")
    assert grade["part"] == {"kind": "objective", "id": "1"}
    assert data["summary"] == {"added": 1, "removed": 0, "changed": 2, "moved": 1, "verdicts": 0}


# ------------------------------------------------------------------ hostile pull requests


def test_gitattributes_cannot_hide_or_change_a_file(repo: Path) -> None:
    """`export-ignore` hid a new activity from `git archive`; `export-subst` rewrote a title."""
    (repo / PLAN / "activities/4.yaml").write_text('id: "4"\ngoals: ["1"]\nunit: eb\ntitle: Dolt åtagande\n',
                                                   encoding="utf-8")
    edit(repo / PLAN / "activities/2.yaml", "title: Åtagande nummer 2", "title: Åtagande $Format:%H$")
    (repo / ".gitattributes").write_text(f"{PLAN}/activities/4.yaml export-ignore\n"
                                         f"{PLAN}/activities/2.yaml export-subst\n*.yaml eol=crlf\n", encoding="utf-8")
    commit(repo, "a hidden activity")
    proc, _ = run_bounded("diff", "main", "HEAD", "--format", "json", cwd=repo)
    clean_exit(proc)
    found = {(c["entity"], c["id"]): c for c in changes(json.loads(proc.stdout))}
    assert found[("activity", "4")]["action"] == "added"
    assert found[("activity", "4")]["title"] == "Dolt åtagande"
    assert [f["new"] for f in found[("activity", "2")]["fields"]] == ["Åtagande $Format:%H$"]


def test_a_huge_file_in_a_revision_is_not_read_into_memory(repo: Path) -> None:
    """`git archive` put every revision in memory at once; now files are streamed, a huge one not read."""
    with (repo / "data.bin").open("wb") as handle:
        handle.truncate(200 * 2**20)
    (repo / PLAN / "activities/4.yaml").write_text('id: "4"\ngoals: ["1"]\nunit: eb\ntitle: Nytt\n', encoding="utf-8")
    commit(repo, "a large file")
    proc, took = run_bounded("diff", "main", "HEAD", "--format", "json", cwd=repo, memory=400 * 2**20)
    clean_exit(proc)
    assert [(c["entity"], c["id"]) for c in changes(json.loads(proc.stdout))] == [("activity", "4")]
    assert took < 60


def test_a_link_out_of_the_repository_is_left_out(repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text('id: "9"\ngoals: ["1"]\nunit: eb\ntitle: Hemlig\n', encoding="utf-8")
    (repo / PLAN / "activities/9.yaml").symlink_to(secret)
    (repo / PLAN / "activities/4.yaml").write_text('id: "4"\ngoals: ["1"]\nunit: eb\ntitle: Nytt\n', encoding="utf-8")
    commit(repo, "links")
    proc, _ = run_bounded("diff", "main", "HEAD", "--format", "json", cwd=repo)
    output = clean_exit(proc)
    assert "Hemlig" not in output
    assert [(c["entity"], c["id"]) for c in changes(json.loads(proc.stdout))] == [("activity", "4")]


def test_markdown_comment_keeps_file_names_and_titles_inert(repo: Path) -> None:
    from markdown_it import MarkdownIt

    name = "6` <h1>rubrik ![x](https:evil.example) <img src=https:evil.example> @everyone ``.yaml"
    (repo / PLAN / "activities" / name).write_text(
        'id: "6"\ngoals: ["1"]\nunit: eb\ntitle: "Rad\\n# Injicerad rubrik\\n[länk](https://evil.example) '
        '![bild](https://evil.example/i.png) @everyone @org/team"\n', encoding="utf-8")
    commit(repo, "hostile names")
    proc, _ = run_bounded("diff", "main", "HEAD", "--format", "markdown", cwd=repo)
    clean_exit(proc)
    assert proc.returncode == 0
    html = MarkdownIt("commonmark", {"html": True}).render(proc.stdout)
    assert "<h1>" not in html and "<img" not in html and "<a " not in html
    assert html.count("<h2>") == 1 and "<h4>" in html  # the comment's own headings only
    outside_code = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    assert not re.search(r"@(everyone|org)", outside_code), outside_code
    assert "Injicerad rubrik" in html  # the text itself is shown
    assert ("<code>6` &lt;h1&gt;rubrik ![x](https:evil.example) &lt;img src=https:evil.example&gt; @everyone "
            "``.yaml</code>") in html.replace(
        f"<code>{PLAN}/activities/", "<code>")
