"""Computed results as plain data: the JSON files next to each report and `avr status --json`.

The shape of `avr status --json` is a public interface (docs/anvandning.md, "JSON från avr status --json").
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import orjson

from avr.compute.indicators import IndicatorResult
from avr.compute.results import ActivityResult, GoalResult, PlanResult, StatusCounts

# orjson writes a float of |x| < 1e-4 as 0.0000… and exponents as 1e16, 1e-7 where Python writes
# 5e-05, 1e+16, 1e-07; its output is otherwise Python's (same shortest digits, same escapes).
_PYTHON_MAY_DIFFER = re.compile(rb"[0-9][eE]|0\.0000")
_ORJSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dumps(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)``, byte for byte, by orjson's C encoder when it can.

    `indent` makes the standard library use its pure-Python encoder (benchmarks/NOTES.md). Output
    that could differ (a float in exponent range, or something orjson refuses: an integer beyond 64 bits,
    a key that is not a string, a date or a dataclass, which Python refuses too) is encoded by Python.
    """
    try:
        encoded = orjson.dumps(data, option=_ORJSON_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        encoded = None
    if encoded is None or _PYTHON_MAY_DIFFER.search(encoded):
        return json.dumps(data, ensure_ascii=False, indent=2)
    return encoded.decode("utf-8")


def number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(round(value, 6))


def indicator_json(ir: IndicatorResult) -> dict[str, Any]:
    target: dict[str, Any] | None = None
    if ir.target is not None:
        target = {
            # a bare number means at least / at most by the indicator's direction of improvement
            "op": ir.target.op or (None if ir.target.value is None else (">=" if ir.indicator.better == "higher" else "<=")),
            "value": number(ir.target.value),
            "direction": ir.target.direction,
            "relative_to": ir.target.relative_to,
            "text": ir.target.text,
        }
        target = {k: v for k, v in target.items() if v is not None}
    outcome = ir.outcome
    return {
        "id": ir.indicator.id,
        "title": ir.indicator.title,
        "unit": ir.indicator.unit,
        "value": number(ir.value),
        "numerator": number(outcome.numerator) if outcome else None,
        "denominator": number(outcome.denominator) if outcome else None,
        "target": target,
        "result": ir.result.value,
        "reference_period": ir.reference_period,
        "reference_value": number(ir.reference_value),
        "change_previous_period": number(ir.change_previous),
        "change_same_period_last_year": number(ir.change_last_year),
        "previous_period": ir.previous_period,
        "same_period_last_year": ir.last_year_period,
        "target_period": ir.target_period,  # the year's, for a shorter period without a target of its own
        "forecast": ir.forecast,  # judged against the year's target before the year ended (prognos)
        "kolada": ir.kolada,  # a value comes from Kolada: "Källa: Kolada" wherever it is shown
    }


def activity_status_json(a: ActivityResult) -> dict[str, Any]:
    """An activity's status in the period: ``status_period`` is the period it was given in (an earlier one
    when a done or stopped status carries forward); ``last_status`` is the latest given, also when an open
    one from an earlier period no longer holds (then ``status`` is null: unreported)."""
    source = a.state.source if a.state is not None else a.followup
    return {
        "id": a.activity.id,
        "status": a.status.value if a.status else None,
        "status_label": a.status_label,
        "status_period": source.period if source is not None and source.status else None,
        "last_status": a.state.last_status.value if a.state is not None and a.state.last_status else None,
    }


def counts_json(counts: StatusCounts) -> dict[str, int]:
    return dict(counts.counts)


def goal_json(g: GoalResult) -> dict[str, Any]:
    manual = g.manual
    return {
        "id": g.goal.id,
        "kind": g.goal.kind,
        "title": g.goal.title or g.goal.text,
        "verdict": g.verdict.value,
        "computed_verdict": g.computed.value,
        "manual_verdict": manual.verdict.value if manual else None,
        "justification": manual.justification if manual else None,
        "indicators": [indicator_json(ir) for ir in g.indicators],
        "activity_counts": counts_json(g.counts),
    }


def plan_json(r: PlanResult) -> dict[str, Any]:
    return {
        "id": r.plan.id,
        "organisation": r.org.id,
        "board": r.organisation.board,
        "title": r.plan.plan.title,
        "kind": r.plan.plan.kind,
        "period": r.period.id if r.period else None,
        "goals": [goal_json(g) for g in r.all_goals()],
        "activity_counts": counts_json(r.counts),
        "activity_counts_by_unit": {unit: counts_json(c) for unit, c in sorted(r.counts_by_unit.items())},
        "activities": [
            {
                "id": a.activity.id,
                "point": a.activity.point or a.activity.id,
                "unit": a.activity.unit,
                "goals": a.activity.goals,
                "status": a.status.value if a.status else None,
                "status_label": a.status_label,
                "completion": a.followup.completion if a.followup else None,
                "expected_completion": a.expected_completion,
                "reported": a.followup is not None,
                **{k: v for k, v in activity_status_json(a).items() if k in ("status_period", "last_status")},
            }
            for a in r.activities
        ],
        "missing_followup": [a.activity.id for a in r.missing],
        "completion_mean": number(r.completion),
    }
