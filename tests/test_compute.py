"""Indicator results, goal verdicts and status counts, from small models and the fixture repo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from avr.compute.indicators import combine, indicator_result
from avr.compute.periods import previous_period, same_period_last_year
from avr.compute.results import compute_plan, natural_key
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
