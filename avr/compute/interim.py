"""What the delårsrapport computes besides goals: commitment counts, status table, trends, open recommendations.

Rules (also in docs/hur-resultat-raknas.md, "Trender och statustabellen"):

* Commitment counts: every goal of kind `commitment`, by its status in the
  period (avr.compute.status: done and stopped carry forward, open statuses do
  not) mapped through the organisation's vocabulary (same keys as `activity_counts`).
* Trend of an indicator: its outcome in the period against its comparison value
  (the indicator's `compare_to`). A change within `interim.stable_percent` of the
  comparison value is stable (→); otherwise it is improving (↗) or worsening (↘)
  by the indicator's direction of improvement (`better`), so fewer households on
  assistance is ↗. Without `better` or without both values there is no trend.
* Trend of a main process: from the trends of its own and its process goals'
  indicators: more improving than worsening → ↗, more worsening → ↘, otherwise →;
  none → no trend.
* A recommendation is open until its latest follow-up up to the period says `done`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from avr.compute.indicators import IndicatorResult
from avr.compute.results import COUNT_KEYS, GoalResult, PlanResult, StatusCounts
from avr.model.audit import Audit, AuditFollowUp, Recommendation
from avr.model.common import Status
from avr.model.control import ControlPoint, ControlResult
from avr.model.organisation import Organisation, Period

Trend = Literal["improving", "stable", "worsening"]
HUNDRED = Decimal(100)


def indicator_trend(ir: IndicatorResult, stable_percent: Decimal) -> Trend | None:
    """The direction of an indicator in the period, judged by its direction of improvement."""
    better = ir.indicator.better
    if better is None or ir.value is None or ir.reference_value is None:
        return None
    change = ir.value - ir.reference_value
    if abs(change) <= abs(ir.reference_value) * stable_percent / HUNDRED:
        return "stable"
    return "improving" if (change > 0) == (better == "higher") else "worsening"


def combine_trends(trends: list[Trend | None]) -> Trend | None:
    known = [t for t in trends if t is not None]
    if not known:
        return None
    balance = known.count("improving") - known.count("worsening")
    return "improving" if balance > 0 else "worsening" if balance < 0 else "stable"


def goal_indicators(g: GoalResult) -> list[IndicatorResult]:
    """A main process's indicators: its own and those of its process goals (not of commitments)."""
    found = list(g.indicators)
    for child in g.children:
        if child.goal.kind != "commitment":
            found.extend(goal_indicators(child))
    return found


@dataclass
class ProcessRow:
    goal: GoalResult
    trend: Trend | None
    indicator_trends: list[tuple[IndicatorResult, Trend | None]]


def process_overview(result: PlanResult, stable_percent: Decimal) -> list[ProcessRow]:
    """Each main process (a top-level goal) with its verdict and computed trend."""
    rows = []
    for g in result.goals:
        if g.goal.kind not in ("goal", "process_goal"):
            continue
        trends = [(ir, indicator_trend(ir, stable_percent)) for ir in goal_indicators(g)]
        rows.append(ProcessRow(g, combine_trends([t for _, t in trends]), trends))
    return rows


def commitments(result: PlanResult) -> list[GoalResult]:
    return [g for g in result.all_goals() if g.goal.kind == "commitment"]


def commitment_status(g: GoalResult, organisation: Organisation) -> Status | None:
    if g.state is not None:
        return g.state.status
    if g.followup is None or g.followup.status is None:
        return None
    entry = organisation.status_of(g.followup.status)
    return entry.means if entry else None


def commitment_counts(result: PlanResult) -> StatusCounts:
    counts = StatusCounts()
    for g in commitments(result):
        counts.add(commitment_status(g, result.organisation))
    return counts


@dataclass
class StatusTable:
    """Seed 003's "Status åtaganden": a row per board, a column per status, totals."""

    columns: list[str]  # canonical keys, in the organisation's vocabulary order
    rows: list[tuple[str, dict[str, int], int]]  # board, count per column, row total
    totals: dict[str, int]
    total: int


def status_table(rows: list[tuple[str, StatusCounts]], organisation: Organisation) -> StatusTable:
    """Columns are the organisation's statuses in its order, then any the vocabulary lacks that occur."""
    order: list[str] = []
    for entry in organisation.statuses:
        if entry.means.value not in order:
            order.append(entry.means.value)
    for key in COUNT_KEYS:
        if key not in order and any(c.counts[key] for _, c in rows):
            order.append(key)
    table_rows = [(board, {k: c.counts[k] for k in order}, c.total) for board, c in rows]
    totals = {k: sum(r[1][k] for r in table_rows) for k in order}
    return StatusTable(order, table_rows, totals, sum(r[2] for r in table_rows))


def _until(periods: dict[str, Period], period: Period | None, period_id: str) -> bool:
    """The entry's period ends no later than the report's period."""
    own = periods.get(period_id)
    return period is None or (own is not None and own.end <= period.end)


@dataclass
class ControlRow:
    control: ControlPoint
    result: ControlResult | None


def control_rows(
    controls: dict[str, ControlPoint], results: list[ControlResult], periods: dict[str, Period], period: Period | None
) -> list[ControlRow]:
    """Control points in plan order, each with its result for the report's period."""
    by_control = {r.control: r for r in results if period is not None and r.period == period.id}
    ordered = sorted(controls.values(), key=lambda c: (c.order if c.order is not None else 10**6, c.id))
    return [ControlRow(c, by_control.get(c.id)) for c in ordered]


@dataclass
class RecommendationRow:
    recommendation: Recommendation
    latest: AuditFollowUp | None
    status: Status | None

    @property
    def open(self) -> bool:
        return self.status is not Status.DONE


@dataclass
class AuditResult:
    audit: Audit
    recommendations: list[RecommendationRow]

    @property
    def open_count(self) -> int:
        return sum(r.open for r in self.recommendations)


def audit_results(
    audits: dict[str, Audit],
    followups: list[AuditFollowUp],
    organisation: Organisation,
    periods: dict[str, Period],
    period: Period | None,
) -> list[AuditResult]:
    out = []
    for audit in sorted(audits.values(), key=lambda a: a.id):
        rows = []
        for rec in audit.recommendations:
            mine = [f for f in followups if f.audit == audit.id and f.recommendation == rec.id
                    and _until(periods, period, f.period)]
            latest = max(mine, key=lambda f: periods[f.period].end, default=None)
            entry = organisation.status_of(latest.status) if latest else None
            rows.append(RecommendationRow(rec, latest, entry.means if entry else None))
        out.append(AuditResult(audit, rows))
    return out
