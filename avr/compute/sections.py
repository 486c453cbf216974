"""Which of a report's sections have something to show, and what each section's data is.

A section without data says so in one sentence or is left out (its `empty` option); it never prints an
empty table of zeros.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from avr.compute.economy import TableResult, compute_table
from avr.compute.interim import (
    AuditResult,
    ControlRow,
    ProcessRow,
    audit_results,
    commitment_counts,
    commitments,
    control_rows,
    process_overview,
)
from avr.compute.results import GoalResult, PlanResult, StatusCounts
from avr.model.economy import EconomyTable
from avr.model.repository import PlanData
from avr.model.sections import Section

ECONOMY_KIND_ORDER = ("period_followup", "operating_budget", "changes", "income_statement", "investments")
# Sections whose data come from the delårsrapport's folders: a report with one of them has those keys in its JSON.
INTERIM_SECTIONS = frozenset({"process_overview", "processes", "internal_control", "audits"})
# Sections drawn with the economy tables' and commitments' styles.
STYLED_SECTIONS = frozenset({"economy", "process_overview", "processes"})


@dataclass(frozen=True)
class SectionView:
    """A section of one report as the templates use it: its options and whether it has data."""

    section: Section
    has_data: bool

    @property
    def name(self) -> str:
        return self.section.name


@dataclass(frozen=True)
class ProcessArea:
    """A goal area of the delårsrapport (huvudprocess, målområde) with what is filed under it, in the report's
    order. Goals whose `area` the plan does not declare go under one catch-all area, with no title of its own
    (the report titles it from its labels)."""

    id: str
    title: str | None  # None: the catch-all
    description: str | None
    goals: list[GoalResult]
    rows: list[ProcessRow]  # the goals' rows of the process overview


def process_areas(plan: PlanData, result: PlanResult, rows: list[ProcessRow]) -> list[ProcessArea]:
    """The plan's declared goal areas, then the catch-all if any goal's area is not one of them."""
    declared = {a.id for a in plan.plan.goal_areas}
    groups: list[tuple[str, str | None, str | None, set[str | None]]] = [
        (a.id, a.title, a.description, {a.id}) for a in plan.plan.goal_areas]
    others = {g.goal.area for g in result.goals if g.goal.area not in declared}
    if others:
        groups.append(("other", None, None, others))
    return [ProcessArea(id_, title, description, [g for g in result.goals if g.goal.area in members],
                        [row for row in rows if row.goal.goal.area in members])
            for id_, title, description, members in groups]


def economy_for(plan: PlanData, period_id: str | None) -> list[EconomyTable]:
    """The economy tables of a report, in their order: those without a period, and those of the report's period."""
    wanted = {None, period_id}
    tables = [t for t in plan.interim.economy.values() if t.period in wanted]
    return sorted(tables, key=lambda t: (t.order if t.order is not None else 1000, ECONOMY_KIND_ORDER.index(t.kind), t.id))


def tables_for(plan: PlanData, period_id: str | None) -> list[TableResult]:
    """The economy tables of a report (:func:`economy_for`), computed."""
    return [compute_table(table) for table in economy_for(plan, period_id)]


class InterimResults:
    """What the delårsrapport's sections show for one report, each part computed once, when first asked for:
    the report's Markdown/HTML context and its JSON share one of these."""

    def __init__(self, plan: PlanData, result: PlanResult, stable_percent: Decimal) -> None:
        self.plan = plan
        self.result = result
        self.stable_percent = stable_percent

    @cached_property
    def economy(self) -> list[TableResult]:
        return tables_for(self.plan, self.result.period.id if self.result.period else None)

    @cached_property
    def commitment_counts(self) -> StatusCounts:
        return commitment_counts(self.result)

    @cached_property
    def commitments(self) -> list[GoalResult]:
        return commitments(self.result)

    @cached_property
    def processes(self) -> list[ProcessRow]:
        return process_overview(self.result, self.stable_percent)

    @cached_property
    def areas(self) -> list[ProcessArea]:
        return process_areas(self.plan, self.result, self.processes)

    @cached_property
    def controls(self) -> list[ControlRow]:
        interim = self.plan.interim
        return control_rows(interim.controls, interim.control_results, self.result.org.periods, self.result.period)

    @cached_property
    def audits(self) -> list[AuditResult]:
        interim, result = self.plan.interim, self.result
        return audit_results(interim.audits, interim.audit_followups, result.organisation, result.org.periods,
                             result.period)


def counts_commitments(sections: tuple[Section, ...], result: PlanResult) -> bool:
    """True if the report's status sentence counts commitments (goal files of kind commitment), as the
    delårsrapport's status table does, rather than the plan's activities: a report with `process_overview`
    for a plan that has commitments."""
    return any(s.name == "process_overview" for s in sections) and commitment_counts(result).total > 0


def counted_items(sections: tuple[Section, ...], result: PlanResult) -> StatusCounts:
    """What the report's status sentence counts."""
    return commitment_counts(result) if counts_commitments(sections, result) else result.counts


def has_data(section: Section, data: PlanData, result: PlanResult, report_text: dict[str, str | None]) -> bool:
    """True if ``section`` has something to show in this report."""
    plan = data.plan
    name = section.name
    goals = result.all_goals()
    if name in ("introduction", "summary"):
        return bool(report_text.get(name))
    if name == "text":
        return True
    if name == "decision":
        return plan.decision is not None
    if name == "plan_introduction":
        return bool(plan.description)
    if name == "goal_areas":
        return bool(plan.goal_areas)
    if name in ("plan_goals", "goals", "processes"):
        return bool(result.goals)
    if name == "fulfilment":
        return any(g.goal.kind in ("goal", "process_goal") or (g.goal.kind == "refinement" and g.indicators)
                   for g in goals)
    if name == "goal_indicators":
        return any(g.indicators for g in goals)
    if name in ("status_sentence", "overview"):
        return result.counts.total > 0
    if name in ("activities", "plan_activities"):
        return bool(result.activities)
    if name == "process_overview":
        return bool(result.goals) or commitment_counts(result).total > 0
    if name == "economy":
        return bool(economy_for(data, result.period.id if result.period else None))
    if name == "internal_control":
        return bool(data.interim.controls)
    if name == "audits":
        return bool(data.interim.audits)
    if name == "missing":
        return bool(result.missing)
    raise AssertionError(name)  # the model admits only the names above


def section_views(sections: tuple[Section, ...], data: PlanData, result: PlanResult,
                  report_text: dict[str, str | None]) -> list[SectionView]:
    """The report's sections with their data flag, those to leave out already left out."""
    views = [SectionView(s, has_data(s, data, result, report_text)) for s in sections]
    return [v for v in views if v.has_data or v.section.empty == "note"]
