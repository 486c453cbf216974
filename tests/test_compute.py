"""Indicator results, goal verdicts and status counts, from small models and the fixture repo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from avr.compute.indicators import combine, indicator_result
from avr.compute.order import natural_key
from avr.compute.periods import open_round, previous_period, same_period_last_year
from avr.compute.results import compute_plan
from avr.model.common import Status, Verdict
from avr.model.config import Rules
from avr.model.goal import Indicator
from avr.model.organisation import Period
from avr.model.repository import load_repository

FIXTURES = Path(__file__).parent / "fixtures"


def period(pid: str, start: str, end: str, kind: str = "half_year") -> Period:
    return Period(id=pid, label=pid, kind=kind, start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end))


PERIODS = {
    p.id: p
    for p in [
        period("2012-H1", "2012-01-01", "2012-06-30"),
        period("2012-H2", "2012-07-01", "2012-12-31"),
        period("2013-H1", "2013-01-01", "2013-06-30"),
    ]
}


def indicator(**fields: object) -> Indicator:
    base: dict[str, object] = {"id": "i", "title": "t", "unit": "percent", "better": "higher"}
    base.update(fields)
    return Indicator.model_validate(base)


def result(ind: Indicator, outcome: str | None, rules: Rules = Rules()) -> Verdict:
    values = dict(ind.history)
    if outcome is not None:
        values["2013-H1"] = Indicator.model_validate(
            {"id": "x", "title": "x", "unit": ind.unit, "history": {"2013-H1": outcome}}
        ).history["2013-H1"]
    return indicator_result(ind, "2013-H1", values, PERIODS, rules).result


def test_periods_same_period_last_year_and_previous() -> None:
    assert same_period_last_year(PERIODS, "2013-H1") == "2012-H1"
    assert previous_period(PERIODS, "2013-H1", PERIODS) == "2012-H2"
    assert previous_period(PERIODS, "2013-H1", ["2012-H1", "2013-H1"]) == "2012-H1"  # the latest reported
    assert previous_period(PERIODS, "2012-H1", PERIODS) is None


def test_open_round_on_a_calendar_where_every_period_starts_in_january() -> None:
    # Tertial 1, delår and helår all start on 1 January: the round is the one being written, not the year.
    cal = [period("helar", "2025-01-01", "2025-12-31"), period("t1", "2025-01-01", "2025-04-30"),
           period("delar", "2025-01-01", "2025-08-31"), period("helar-2024", "2024-01-01", "2024-12-31")]
    day = dt.date.fromisoformat

    def round_id(on: str, written: set[str]) -> str | None:
        chosen = open_round(cal, written, day(on))
        return chosen.id if chosen else None

    assert round_id("2025-05-12", set()) == "t1"  # T1 ended in April: nearest end
    assert round_id("2025-02-01", set()) == "helar-2024"  # the year before ended a month ago
    assert round_id("2025-03-20", set()) == "t1"  # T1 ends in six weeks
    assert round_id("2025-09-15", {"helar-2024", "t1"}) == "t1"  # delår not yet started by anyone
    assert round_id("2025-09-15", {"helar-2024", "t1", "delar"}) == "delar"
    assert round_id("2025-09-15", {"helar-2024", "t1", "delar", "helar"}) == "helar"
    assert round_id("2023-06-01", set()) == "helar-2024"  # nothing started: the first period
    assert open_round([], set(), day("2025-01-01")) is None


def test_seed_000_goal_2_increase_from_ratios_is_met() -> None:
    # 295/878 = 33,6 % → 353/1 040 = 33,9 %: "ska öka" against the same period last year
    ind = indicator(history={"2012-H1": "295/878"}, targets={"2013-H1": "ska öka"})
    r = indicator_result(ind, "2013-H1", {**ind.history, "2013-H1": ind.history["2012-H1"].model_copy(
        update={"numerator": Decimal(353), "denominator": Decimal(1040)})}, PERIODS, Rules())
    assert r.result is Verdict.MET
    assert r.reference_period == "2012-H1"
    assert round(r.value, 1) == Decimal("33.9")
    assert round(r.change_last_year, 1) == Decimal("0.3")  # percentage points


def test_seed_000_goal_3_decrease_is_not_met() -> None:
    ind = indicator(history={"2012-H1": "298/878"}, targets={"2013-H1": "ska öka"})
    assert result(ind, "336/1040") is Verdict.NOT_MET


def test_ratios_are_compared_exactly_not_after_rounding() -> None:
    # 1/3 and 333/1000 both print as 33,3 % but 1/3 is larger
    ind = indicator(history={"2012-H1": "333/1000"}, targets={"2013-H1": "ska öka"})
    assert result(ind, "1/3") is Verdict.MET
    ind = indicator(history={"2012-H1": "1/3"}, targets={"2013-H1": "ska öka"})
    assert result(ind, "333/1000") is Verdict.NOT_MET


@pytest.mark.parametrize(
    ("target", "outcome", "expected"),
    [
        ("≥ 90", "90", Verdict.MET),
        ("≥ 90", "89,9", Verdict.PARTIALLY_MET),  # improved on last year's 80
        ("≥ 90", "70", Verdict.NOT_MET),
        ("90", "91", Verdict.MET),  # bare number with better: higher means at least
        ("= 85", "85", Verdict.MET),
    ],
)
def test_numeric_targets(target: str, outcome: str, expected: Verdict) -> None:
    ind = indicator(history={"2012-H1": "80"}, targets={"2013-H1": target})
    assert result(ind, outcome) is expected


def test_lower_is_better_bare_number_means_at_most() -> None:
    ind = indicator(unit="households", better="lower", history={"2012-H1": "3130"}, targets={"2013-H1": "2800"})
    assert result(ind, "2700") is Verdict.MET
    assert result(ind, "2950") is Verdict.PARTIALLY_MET
    assert result(ind, "3200") is Verdict.NOT_MET


def test_partially_met_rule_is_configurable() -> None:
    ind = indicator(history={"2012-H1": "80"}, targets={"2013-H1": "≥ 90"})
    assert result(ind, "89", Rules(partially_met="never")) is Verdict.NOT_MET
    assert result(ind, "86", Rules(partially_met="within", tolerance_percent=5)) is Verdict.PARTIALLY_MET
    assert result(ind, "85", Rules(partially_met="within", tolerance_percent=5)) is Verdict.NOT_MET


@pytest.mark.parametrize(
    ("direction", "outcome", "expected"),
    [
        ("ska minska", "4", Verdict.MET),
        ("ska minska", "5", Verdict.NOT_MET),
        ("ska inte öka", "5", Verdict.MET),
        ("ska inte öka", "5,1", Verdict.NOT_MET),
        ("ska inte minska", "5", Verdict.MET),
    ],
)
def test_direction_targets(direction: str, outcome: str, expected: Verdict) -> None:
    ind = indicator(better="lower", history={"2012-H1": "5"}, targets={"2013-H1": direction})
    assert result(ind, outcome) is expected


def test_direction_against_baseline() -> None:
    ind = indicator(
        unit="people",
        better="higher",
        baseline={"period": "2012-H2", "value": "182"},
        history={"2012-H1": "500"},
        targets={"2013-H1": {"direction": "increase", "relative_to": "baseline"}},
    )
    assert result(ind, "183") is Verdict.MET  # below last year's 500, above the baseline


@pytest.mark.parametrize(
    ("target", "outcome"),
    [(None, "5"), ("ska öka", None), ({"text": "Inga signifikanta skillnader"}, "5")],
)
def test_not_assessed(target: object, outcome: str | None) -> None:
    ind = indicator(history={"2012-H1": "4"}, targets={"2013-H1": target} if target else {})
    assert result(ind, outcome) is Verdict.NOT_ASSESSED


def test_direction_without_comparison_value_is_not_assessed() -> None:
    ind = indicator(targets={"2013-H1": "ska öka"})
    assert result(ind, "5") is Verdict.NOT_ASSESSED


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([Verdict.MET, Verdict.MET], Verdict.MET),
        ([Verdict.MET, Verdict.NOT_ASSESSED], Verdict.MET),
        ([Verdict.NOT_MET, Verdict.NOT_MET], Verdict.NOT_MET),
        ([Verdict.MET, Verdict.NOT_MET], Verdict.PARTIALLY_MET),
        ([Verdict.PARTIALLY_MET], Verdict.PARTIALLY_MET),
        ([Verdict.NOT_ASSESSED], Verdict.NOT_ASSESSED),
        ([], Verdict.NOT_ASSESSED),
    ],
)
def test_goal_verdict_combination(parts: list[Verdict], expected: Verdict) -> None:
    assert combine(parts) is expected


def test_natural_order_of_ids() -> None:
    ids = ["10", "2:1", "1b", "2", "1a", "S12", "S2"]
    assert sorted(ids, key=natural_key) == ["1a", "1b", "2", "2:1", "10", "S2", "S12"]


def test_fixture_plan_results() -> None:
    repo = load_repository(FIXTURES / "mini")
    org = repo.orgs["kommun-amn"]
    r = compute_plan(org, org.plans["handlingsplan"], "2022", repo.config.rules)
    goals = {g.goal.id: g for g in r.all_goals()}
    assert goals["1:1"].verdict is Verdict.MET
    assert goals["1"].indicators[0].result is Verdict.PARTIALLY_MET  # 3130 → 2950, target 2800
    assert goals["1"].verdict is Verdict.PARTIALLY_MET  # partially + refinement met
    assert r.counts.counts == {"not_started": 0, "on_track": 0, "off_track": 1, "done": 1, "stopped": 0,
                               "unreported": 1}
    assert r.counts_by_unit["vux"].counts["done"] == 1 and r.counts_by_unit["eb"].counts["unreported"] == 1
    assert [a.activity.id for a in r.missing] == ["3"]
    assert r.completion == Decimal(70)
    statuses = {a.activity.id: a.status for a in r.activities}
    assert statuses == {"1": Status.DONE, "2": Status.OFF_TRACK, "3": None}
    # the previous period is computed separately
    earlier = compute_plan(org, org.plans["handlingsplan"], "2021", repo.config.rules)
    assert earlier.counts.counts["on_track"] == 1 and earlier.counts.counts["unreported"] == 2


def test_manual_verdict_overrides_and_disagreement_is_a_finding(mini_copy: Path) -> None:
    goal_fu = mini_copy / "plans/kommun-amn/handlingsplan/followups/2022/goal-1-1.yaml"
    goal_fu.write_text(goal_fu.read_text(encoding="utf-8")
                       + "verdict:\n  verdict: not_met\n  justification: Osäkra siffror.\n", encoding="utf-8")
    repo = load_repository(mini_copy)
    org = repo.orgs["kommun-amn"]
    r = compute_plan(org, org.plans["handlingsplan"], "2022", repo.config.rules)
    g = next(g for g in r.all_goals() if g.goal.id == "1:1")
    assert g.verdict is Verdict.NOT_MET and g.computed is Verdict.MET and g.disagrees
    assert [f.code for f in r.findings] == ["W101"]


def test_point_counts_once_and_mixed_statuses_warn(mini_copy: Path) -> None:
    acts = mini_copy / "plans/kommun-amn/handlingsplan/activities"
    for name in ("1", "2"):
        path = acts / f"{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8") + 'point: "1"\n', encoding="utf-8")
    repo = load_repository(mini_copy)
    org = repo.orgs["kommun-amn"]
    r = compute_plan(org, org.plans["handlingsplan"], "2022", repo.config.rules)
    assert r.counts.total == 2  # points 1 (activities 1 and 2) and 3
    assert r.counts.counts["off_track"] == 1  # the least advanced of done and off track
    assert [f.code for f in r.findings] == ["W102"]


# ---------------------------------------------------------------- stated figures (compute/rounding.py, compute/stated.py)

STATED = FIXTURES / "stated"
STATED_PLAN = Path("plans/kommun-vn/vp-2022")


@pytest.mark.parametrize(
    ("stated", "computed", "agree"),
    [
        ("48", "47.593", True),  # 89/187 printed as 48 %
        ("19", "15.084", False),  # 27/179 printed as 19 %: Umeåregionen's
        ("33.9", "33.94", True),
        ("33.9", "33.96", False),
        ("48", "48.5", True),  # exactly half a unit: either rounding
        ("48", "48.51", False),
        ("39.0", "39.04", True),  # 39,0: one decimal, so ±0,05
        ("39.0", "39.06", False),
    ],
)
def test_a_stated_figure_agrees_within_half_a_unit_of_its_last_decimal(stated: str, computed: str, agree: bool) -> None:
    from avr.compute.rounding import agrees

    assert agrees(Decimal(stated), Decimal(computed)) is agree


def test_tolerance_follows_the_written_decimals() -> None:
    from avr.compute.rounding import rounding_tolerance

    assert rounding_tolerance(Decimal("48")) == Decimal("0.5")
    assert rounding_tolerance(Decimal("33.9")) == Decimal("0.05")
    assert rounding_tolerance(Decimal("0.25")) == Decimal("0.005")


def test_stated_share_problem_names_both_figures() -> None:
    from avr.compute.rounding import stated_value_problem
    from avr.model.goal import Value

    share = indicator()
    bad = Value(numerator=Decimal(27), denominator=Decimal(179), stated=Decimal(19))
    assert stated_value_problem(share, bad) == "stated 19 % but 27/179 is 15,1 %, which rounds to 15 %"
    good = Value(numerator=Decimal(89), denominator=Decimal(187), stated=Decimal(48))
    assert stated_value_problem(share, good) is None
    ratio = indicator(unit="ratio")  # not scaled to percent
    assert stated_value_problem(ratio, Value(numerator=Decimal(1), denominator=Decimal(4), stated=Decimal("0.4")))


def _stated_copy(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "stated"
    shutil.copytree(STATED, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_stated_fixture_checks_and_builds_with_stated_figures(tmp_path: Path) -> None:
    from conftest import run_avr

    repo = _stated_copy(tmp_path)
    done = run_avr("check", cwd=repo)
    assert done.returncode == 0, done.stderr
    built = run_avr("build", "-q", "-f", "md", cwd=repo)
    assert built.returncode == 0, built.stderr
    report = (repo / "build/kommun-vn/vp-2022/helar-2022.md").read_text(encoding="utf-8")
    assert "48\u00a0%" in report  # 89/187 with decimals: 0
    assert "47,6" not in report
    assert "15\u00a0%" in report  # 27/179 (15 %)
    assert "minst 15\u00a0%" in report and "högst 95\u00a0%" in report  # the organisation's words
    assert "39,0\u00a0% [K 38,5 / M 40]" in report  # as written: 39,0 stays 39,0


def test_a_stated_share_that_disagrees_fails_check_and_build_naming_both(tmp_path: Path) -> None:
    from conftest import run_avr

    repo = _stated_copy(tmp_path)
    _edit(repo / STATED_PLAN / "followups/2022/goal-1.yaml", "27/179 (15 %)", "27/179 (19 %)")
    _edit(repo / STATED_PLAN / "goals/1.yaml", "89/187 (48 %)", "89/187 (47 %)")
    _edit(repo / STATED_PLAN / "outcomes/2022/nojdhet.yaml", "stated: 80,7", "stated: 80,8")
    expected = [
        f"{STATED_PLAN}/followups/2022/goal-1.yaml:5:16: E305 indicator `andel-sjalv`: stated 19 % but 27/179 is "
        "15,1 %, which rounds to 15 %",
        f"{STATED_PLAN}/goals/1.yaml:11:15: E305 indicator `andel-sjalv`: stated 47 % but 89/187 is 47,6 %, "
        "which rounds to 48 %",
        f"{STATED_PLAN}/outcomes/2022/nojdhet.yaml:5:9: E305 indicator `nojdhet`: stated 80,8 % but 46/57 is "
        "80,70 %, which rounds to 80,7 %",
    ]
    for command in (("check",), ("build", "-q")):
        done = run_avr(*command, cwd=repo)
        assert done.returncode == 1, done.stderr
        assert [line for line in done.stderr.splitlines() if " E305 " in line] == expected
    assert not (repo / "build" / "kommun-vn").exists()


def test_stated_verdict_and_counts_that_disagree_fail_check_and_build(tmp_path: Path) -> None:
    from conftest import run_avr

    repo = _stated_copy(tmp_path)
    _edit(repo / STATED_PLAN / "followups/2022/goal-1.yaml", "verdict: met\n  met: 2", "verdict: not_met\n  met: 1")
    _edit(repo / STATED_PLAN / "reports/helar-2022.yaml", "done: 1", "done: 2")
    _edit(repo / STATED_PLAN / "reports/helar-2022.yaml", "total: 3", "total: 4")
    expected = [
        f"{STATED_PLAN}/followups/2022/goal-1.yaml:7:12: E306 goal 1: stated verdict `not_met` but its indicators "
        "and refinements give `met`",
        f"{STATED_PLAN}/followups/2022/goal-1.yaml:8:8: E306 goal 1: stated `met: 1` but 2 of its 2 indicators are "
        "met in 2022",
        f"{STATED_PLAN}/reports/helar-2022.yaml:7:11: E307 stated `done: 2` but 1 are counted as done in 2022",
        f"{STATED_PLAN}/reports/helar-2022.yaml:9:10: E307 stated `total: 4` but 3 are counted in 2022",
    ]
    for command in (("check",), ("build", "-q")):
        done = run_avr(*command, cwd=repo)
        assert done.returncode == 1, done.stderr
        assert [line for line in done.stderr.splitlines() if " E30" in line] == expected


def test_stated_goal_figures_follow_the_computed_results() -> None:
    from avr.compute.stated import goal_findings, report_findings

    repo = load_repository(STATED)
    org = repo.orgs["kommun-vn"]
    plan = org.plans["vp-2022"]
    result = compute_plan(org, plan, "2022", repo.config.rules)
    assert goal_findings(result) == []
    assert report_findings(result, plan.reports["helar-2022"]) == []
    plan.reports["helar-2022"].stated.counts["on_track"] = 1  # type: ignore[union-attr]
    assert [f.code for f in report_findings(result, plan.reports["helar-2022"])] == ["E307"]
