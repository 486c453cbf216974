"""Indicator results per period and goal verdicts.

Rules (also in docs/hur-resultat-raknas.md):

* An indicator is ``not_assessed`` for a period without a target, without a
  numeric outcome, with a target in words, or (for a direction target) without
  the value it compares with.
* A numeric target is ``met`` when the outcome satisfies it (``≥``, ``≤``,
  ``=``; a bare number means at least / at most by the indicator's ``better``).
  Otherwise it is ``partially_met`` per ``rules.partially_met``: ``improved``
  (the outcome is better than the comparison value), ``within`` (within
  ``tolerance_percent`` of the target), ``never``; else ``not_met``.
* A direction target (ska öka / minska / inte öka / inte minska) is ``met`` or
  ``not_met`` against baseline, previous period or same period last year
  (avr.compute.periods says which periods those are).
* A period shorter than its year without a target of its own (tertial 1, delår)
  shows the year's target beside its outcome; ``rules.subyear_targets`` decides
  how it is judged: ``not_assessed`` (default) until the year ends, or
  ``forecast``: judged as above and labelled a forecast (prognos).
* Ratios are compared exactly (numerator/denominator), never after rounding.
* A goal's verdict combines the assessed results of its indicators and the
  verdicts of its refinements: all met → met; all not met → not met;
  a mix → partially met; nothing assessed → not assessed. A manual verdict
  overrides it; both are kept so reports can show a disagreement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from avr.compute.periods import (
    is_sub_year,
    known_at,
    previous_period,
    previous_year,
    same_period_last_year,
    year_period,
)
from avr.model.common import Verdict
from avr.model.config import Rules
from avr.model.goal import Indicator, Target, Value
from avr.model.organisation import Period

HUNDRED = Decimal(100)


def amount(indicator: Indicator, value: Value | None) -> Decimal | None:
    """The number a value stands for; a percentage ratio is scaled to percent."""
    if value is None:
        return None
    if value.value is not None:
        return value.value
    if value.numerator is not None and value.denominator is not None:
        ratio = value.numerator / value.denominator
        return ratio * HUNDRED if indicator.unit == "percent" else ratio
    return None


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    period: str
    outcome: Value | None
    value: Decimal | None
    target: Target | None
    reference_period: str | None  # what the comparison used
    reference_value: Decimal | None
    result: Verdict
    previous_period: str | None
    change_previous: Decimal | None  # in the unit; percentage points for percent
    last_year_period: str | None
    change_last_year: Decimal | None
    target_period: str | None = None  # the period ``target`` is set for: this one, or its year's
    forecast: bool = False  # judged against the year's target before the year ended (rules.subyear_targets)
    year_period: str | None = None  # the full year containing the period
    year_target: Target | None = None  # that year's target (the delårsrapport's "Mål 2025")
    year_before_period: str | None = None  # the full year before ("Utfall 2024")
    year_before: Value | None = None  # its outcome
    kolada: bool = False  # a value shown comes from Kolada: the report must say "Källa: Kolada"
    # every period's outcome (history, outcome entries, follow-ups) and those from Kolada: for charts
    values: Mapping[str, Value] = field(default_factory=dict)
    kolada_periods: frozenset[str] = frozenset()


def values_by_period(
    indicator: Indicator, outcomes: Mapping[str, Value], periods: Mapping[str, Period] | None = None,
    until: Period | None = None,
) -> dict[str, Value]:
    """History from the plan, overlaid by outcomes reported in follow-ups; with ``until`` only periods ending
    on or before it ends (what a report of ``until`` may show)."""
    merged = dict(indicator.history)
    merged.update(outcomes)
    if until is not None and periods is not None:
        merged = {p: v for p, v in merged.items() if known_at(periods, p, until)}
    return merged


def indicator_result(
    indicator: Indicator,
    period: str,
    values: Mapping[str, Value],
    periods: Mapping[str, Period],
    rules: Rules,
) -> IndicatorResult:
    outcome = values.get(period)
    value = amount(indicator, outcome)
    year = year_period(periods, period)
    year_target = indicator.targets.get(year) if year is not None else None
    target = indicator.targets.get(period)
    target_period: str | None = period
    forecast = False
    if target is None and year_target is not None and is_sub_year(periods, period):
        target, target_period = year_target, year
        forecast = rules.subyear_targets == "forecast"
    elif target is None:
        target_period = None
    reported = [p for p, v in values.items() if amount(indicator, v) is not None]
    prev = previous_period(periods, period, reported)
    last = same_period_last_year(periods, period)
    prev_value = amount(indicator, values.get(prev)) if prev else None
    last_value = amount(indicator, values.get(last)) if last else None

    relative = (target.relative_to if target and target.relative_to else None) or indicator.compare_to
    if relative == "baseline":
        ref_period = indicator.baseline.period if indicator.baseline else None
        ref_value = amount(indicator, indicator.baseline.value) if indicator.baseline else None
    elif relative == "previous_period":
        ref_period, ref_value = prev, prev_value
    else:
        ref_period, ref_value = last, last_value

    if target_period is not None and target_period != period and not forecast:
        result = Verdict.NOT_ASSESSED  # a yearly target, the year not yet ended (rules.subyear_targets)
    else:
        result = _judge(indicator, target, value, ref_value, rules)
    before = previous_year(periods, period)
    return IndicatorResult(
        indicator=indicator,
        period=period,
        outcome=outcome,
        value=value,
        target=target,
        reference_period=ref_period,
        reference_value=ref_value,
        result=result,
        previous_period=prev,
        change_previous=value - prev_value if value is not None and prev_value is not None else None,
        last_year_period=last,
        change_last_year=value - last_value if value is not None and last_value is not None else None,
        target_period=target_period,
        forecast=forecast and result is not Verdict.NOT_ASSESSED,
        year_period=year,
        year_target=year_target,
        year_before_period=before,
        year_before=values.get(before) if before is not None else None,
    )


def target_op(indicator: Indicator, target: Target) -> str:
    """The comparison of a numeric target: as written, or for a bare number at least (``better: higher``)
    or at most (``better: lower``)."""
    return target.op or (">=" if indicator.better == "higher" else "<=")


def _judge(
    indicator: Indicator,
    target: Target | None,
    value: Decimal | None,
    reference: Decimal | None,
    rules: Rules,
) -> Verdict:
    if target is None or value is None or target.text is not None:
        return Verdict.NOT_ASSESSED
    if target.direction is not None:
        if reference is None:
            return Verdict.NOT_ASSESSED
        ok = {
            "increase": value > reference,
            "decrease": value < reference,
            "not_increase": value <= reference,
            "not_decrease": value >= reference,
        }[target.direction]
        return Verdict.MET if ok else Verdict.NOT_MET
    assert target.value is not None
    op = target_op(indicator, target)
    goal = target.value
    if (op == ">=" and value >= goal) or (op == "<=" and value <= goal) or (op == "=" and value == goal):
        return Verdict.MET
    if rules.partially_met == "within":
        if abs(value - goal) <= abs(goal) * Decimal(rules.tolerance_percent) / HUNDRED:
            return Verdict.PARTIALLY_MET
    elif rules.partially_met == "improved" and reference is not None:
        higher_better = indicator.better == "higher" if indicator.better else op == ">="
        if (value > reference) if higher_better else (value < reference):
            return Verdict.PARTIALLY_MET
    return Verdict.NOT_MET


def combine(verdicts: list[Verdict]) -> Verdict:
    """A goal's verdict from its parts' results (see module docstring)."""
    assessed = [v for v in verdicts if v is not Verdict.NOT_ASSESSED]
    if not assessed:
        return Verdict.NOT_ASSESSED
    if all(v is Verdict.MET for v in assessed):
        return Verdict.MET
    if all(v is Verdict.NOT_MET for v in assessed):
        return Verdict.NOT_MET
    return Verdict.PARTIALLY_MET
