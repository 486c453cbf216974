"""The delårsrapport: trends, commitment counts and status table, internal control, audits, end to end."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_avr

from avr.compute.indicators import IndicatorResult
from avr.compute.interim import combine_trends, indicator_trend, status_table
from avr.compute.results import COUNT_KEYS, StatusCounts
from avr.model.common import Status, Verdict
from avr.model.goal import Indicator
from avr.model.organisation import Organisation

ESKILSTUNA = "eskilstuna-avn/verksamhetsplan-2022"
REPORT = f"{ESKILSTUNA}/delarsrapport-1-2022"
MARKS = "plans/marks-kommun/ekonomiskt-bistand-2011"
FIVE = Decimal(5)


def result(better: str | None, value: str | None, reference: str | None) -> IndicatorResult:
    indicator = Indicator.model_validate({"id": "i", "title": "I", "unit": "count", **({"better": better} if better else {})})
    return IndicatorResult(
        indicator=indicator, period="p", outcome=None, value=Decimal(value) if value else None, target=None,
        reference_period="r", reference_value=Decimal(reference) if reference else None, result=Verdict.NOT_ASSESSED,
        previous_period=None, change_previous=None, last_year_period=None, change_last_year=None,
    )


@pytest.mark.parametrize(("better", "value", "reference", "expected"), [
    ("lower", "2576", "2867", "improving"),  # fewer households on assistance is good news: ↗
    ("higher", "30", "74", "worsening"),  # fewer people into work: ↘
    ("lower", "6.2", "6.0", "stable"),  # sick leave up 3 %, within 5 %: →
    ("higher", "80.5", "70.91", "improving"),
    ("lower", "110", "100", "worsening"),
    ("higher", "105", "100", "stable"),  # exactly 5 % is still stable
    (None, "10", "5", None),  # no direction of improvement: no trend
    ("higher", "10", None, None),  # nothing to compare with
    ("higher", "0", "0", "stable"),
])
def test_indicator_trend(better: str | None, value: str, reference: str | None, expected: str | None) -> None:
    assert indicator_trend(result(better, value, reference), FIVE) == expected


def test_process_trend_combines_indicators() -> None:
    assert combine_trends(["improving", "improving", "worsening"]) == "improving"
    assert combine_trends(["improving", "worsening"]) == "stable"
    assert combine_trends(["stable", "worsening", None]) == "worsening"
    assert combine_trends([None, None]) is None
    assert combine_trends([]) is None


def organisation() -> Organisation:
    return Organisation.model_validate({
        "municipality": "K", "board": "Nämnd", "board_code": "N",
        "statuses": [{"label": "Ej påbörjad", "means": "not_started"}, {"label": "Pågår", "means": "on_track"},
                     {"label": "Klart, avslutat", "means": "done"}, {"label": "Försenat", "means": "off_track"}],
    })


def counts(*statuses: Status | None) -> StatusCounts:
    c = StatusCounts()
    for s in statuses:
        c.add(s)
    return c


def test_status_table_rows_columns_and_totals() -> None:
    a = counts(Status.NOT_STARTED, Status.ON_TRACK, Status.ON_TRACK, Status.DONE)
    b = counts(Status.ON_TRACK, Status.OFF_TRACK, None)
    table = status_table([("AVN", a), ("GN", b)], organisation())
    # columns in the organisation's order, then the unreported that occurs; stopped never occurs
    assert table.columns == ["not_started", "on_track", "done", "off_track", "unreported"]
    assert table.rows[0] == ("AVN", {"not_started": 1, "on_track": 2, "done": 1, "off_track": 0, "unreported": 0}, 4)
    assert table.rows[1][2] == 3
    assert table.totals == {"not_started": 1, "on_track": 3, "done": 1, "off_track": 1, "unreported": 1}
    assert table.total == 7


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    proc = run_avr("build", "--repo", ROOT, "--out", out)
    assert proc.returncode == 0, proc.stderr
    return out


def test_delarsrapport_economy_figures(built: Path) -> None:
    md = (built / f"{REPORT}.md").read_text(encoding="utf-8")
    row = next(line for line in md.splitlines() if line.startswith("| **Totalt**"))
    cells = [c.strip().strip("*") for c in row.split("|")[2:-1]]
    assert cells == ["-118,4", "-118,3", "-0,1", "-458,7", "-487,3", "-28,6"]
    html = (built / f"{REPORT}.html").read_text(encoding="utf-8")
    assert "-487,3" in html and "<caption>Resultaträkning" in html
    data = json.loads((built / f"{REPORT}.json").read_text(encoding="utf-8"))
    table = next(t for t in data["economy"] if t["id"] == "resultat-delar-1-2022")
    assert table["total"]["avvikelse-helar"] == {"value": -28.6, "stated": -28.6, "computed": -28.6}
    assert table["sign"] == "costs_negative"


def test_delarsrapport_processes_and_commitments(built: Path) -> None:
    data = json.loads((built / f"{REPORT}.json").read_text(encoding="utf-8"))
    trends = {p["title"]: p["trend"] for p in data["processes"]}
    # the seed's overview: Försörjningsstöd ↗, Arbetsmarknadsåtgärder ↘, Processkvalitet ↗, Medarbetare →
    assert trends["Tillhandahålla försörjningsstöd"] == "improving"
    assert trends["Tillhandahålla arbetsmarknadsåtgärder"] == "worsening"
    assert trends["Processkvalitet"] == "improving"
    assert trends["Medarbetare"] == "stable"
    assert trends["Ekonomi"] is None
    # 40 commitments; the statuses the text states: 4 done (✓), 2 on track (▶), 3 not started ("Ej påbörjat")
    assert data["commitment_counts"] == {"not_started": 3, "on_track": 2, "off_track": 0, "done": 4, "stopped": 0,
                                         "unreported": 31}
    shared = next(c for c in data["commitments"] if c["id"] == "1.a1")
    assert shared["shared_with"] == ["GSN", "FSN", "GN", "AVN", "KFN", "SN"] and shared["date"] == "2022-03-31"
    assert len(data["internal_control"]) == 6
    md = (built / f"{REPORT}.md").read_text(encoding="utf-8")
    assert "| Arbetsmarknads- och vuxenutbildningsnämnd | 3 | 2 | 4 | 0 | 31 | 40 |" in md
    assert ("Av de 40 åtagandena bedöms fyra som färdiga, två pågår enligt plan, tre har inte påbörjats "
            "och 31 saknar uppföljning.") in md
    html = (built / f"{REPORT}.html").read_text(encoding="utf-8")
    assert '<rect width="20" height="12"' in html and "20&nbsp;%" in html  # the completion bar and its number


def test_plan_document_shows_driftsammandrag(built: Path) -> None:
    md = (built / "linkoping-amn/internbudget-2019/internbudget-2019.md").read_text(encoding="utf-8")
    row = next(line for line in md.splitlines() if line.startswith("| **Summa nämndens internbudget**"))
    assert [c.strip().strip("*") for c in row.split("|")[2:-1]] == \
        ["381\u00a0886", "382\u00a0031", "372\u00a0031", "372\u00a0031"]
    assert "Förändringar utifrån kommunfullmäktiges beslut" in md


def test_audit_report_lists_open_recommendations(built: Path) -> None:
    md = (built / "marks-kommun/ekonomiskt-bistand-2011/revisionsuppfoljning-2011.md").read_text(encoding="utf-8")
    assert "Öppna rekommendationer: 3 av 3" in md
    assert md.count("| Tillfredsställande") + md.count("**Tillfredsställande.**") == 3
    assert "Inte tillfredsställande" in md


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_followups_of_controls_and_recommendations(example_copy: Path, tmp_path: Path) -> None:
    plan = example_copy / "plans/eskilstuna-avn/verksamhetsplan-2022"
    write(plan / "control-results/2022-T1/am-1.yaml",
          "period: 2022-T1\ncontrol: am-1\nstatus: Klart, avslutat\ndate: 2022-04-20\n"
          "finding: 61 av 75 genomförandeplaner var aktuella.\naction: Enhetscheferna följer upp.\n")
    write(example_copy / MARKS / "audit-followups/2011/r1.yaml",
          "period: \"2011\"\naudit: insatser-sjalvforsorjande\nrecommendation: R1\nstatus: Genomförd\n"
          "text: Samordning med LoAm är införd.\n")
    write(example_copy / MARKS / "audit-followups/2012/r3.yaml",
          "period: \"2012\"\naudit: insatser-sjalvforsorjande\nrecommendation: R3\nstatus: Genomförd\n")
    out = tmp_path / "out"
    proc = run_avr("build", "--repo", example_copy, "--out", out)
    assert proc.returncode == 0, proc.stderr
    md = (out / f"{REPORT}.md").read_text(encoding="utf-8")
    assert "61 av 75 genomförandeplaner var aktuella." in md and "Enhetscheferna följer upp." in md
    audit = (out / "marks-kommun/ekonomiskt-bistand-2011/revisionsuppfoljning-2011.md").read_text(encoding="utf-8")
    # R1 was done in 2011; R3's follow-up is in 2012, after the report's period, so it is still open
    assert "Öppna rekommendationer: 2 av 3" in audit
    data = json.loads((out / "marks-kommun/ekonomiskt-bistand-2011/revisionsuppfoljning-2011.json").read_text())
    assert [r["open"] for r in data["audits"][0]["recommendations"]] == [False, True, True]


def test_bad_control_and_audit_references(example_copy: Path) -> None:
    plan = example_copy / "plans/eskilstuna-avn/verksamhetsplan-2022"
    write(plan / "control-results/2022-T1/x.yaml", "period: 2022-T1\ncontrol: am-2\nstatus: Klar\n")
    write(example_copy / MARKS / "audit-followups/2011/x.yaml",
          "period: \"2011\"\naudit: insatser-sjalvforsorjande\nrecommendation: R9\nstatus: Genomförd\n")
    proc = run_avr("check", "--repo", example_copy)
    assert proc.returncode == 1
    assert "E202 unknown control point `am-2` — did you mean `am-1`?" in proc.stderr
    assert "E204 status `Klar`" in proc.stderr
    assert "E202 unknown recommendation of audit insatser-sjalvforsorjande `R9`" in proc.stderr


def test_status_json_gains_commitments_and_economy() -> None:
    proc = run_avr("status", "--repo", ROOT, "--json")
    assert proc.returncode == 0, proc.stderr
    plans: dict[str, Any] = {p["id"]: p for p in json.loads(proc.stdout)["plans"]}
    for plan in plans.values():
        assert set(plan["commitment_counts"]) == set(COUNT_KEYS) == set(plan["activity_counts"])
    eskilstuna = plans["verksamhetsplan-2022"]
    assert sum(eskilstuna["commitment_counts"].values()) == 40
    table = next(t for t in eskilstuna["economy"] if t["id"] == "resultat-delar-1-2022")
    assert table["total"]["avvikelse"]["computed"] == -0.1
    linkoping = plans["internbudget-2019"]
    drift = next(t for t in linkoping["economy"] if t["id"] == "driftsammandrag")
    assert [drift["total"][c]["computed"] for c in ("budget-2019", "plan-2020", "plan-2021", "plan-2022")] == \
        [381886, 382031, 372031, 372031]


def test_processes_without_area_are_still_reported(example_copy: Path, tmp_path: Path) -> None:
    goals = example_copy / "plans/eskilstuna-avn/verksamhetsplan-2022/goals"
    path = goals / "03.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("area: hallbar-utveckling\n", ""), encoding="utf-8")
    out = tmp_path / "out"
    assert run_avr("build", "--repo", example_copy, "--out", out).returncode == 0
    md = (out / f"{REPORT}.md").read_text(encoding="utf-8")
    overview = md.split("## Sammanställning av de viktigaste huvudprocesserna", 1)[1].split("\n## ", 1)[0]
    # under the plan's own word for its goals (Eskilstuna: huvudprocesser)
    assert "### Huvudprocesser\n" in overview and "| Tillhandahålla försörjningsstöd |" in overview
    assert "\n## Huvudprocesser\n" in md and "### Tillhandahålla försörjningsstöd" in md
