"""Verdicts and counts a source states beside those avr computes for a period: each must be the computed one.

Rules (also in docs/hur-resultat-raknas.md):

* A goal follow-up's `stated.verdict` must equal the goal's computed verdict, `stated.met` the number of its
  indicators met in the period, `stated.indicators` the number of its indicators.
* A report's `stated.counts` must equal the status counts its status sentence is made from (activities by
  point; commitments in a delårsrapport), key by key for the keys given, and `stated.total` their total.

Counts are whole numbers: there is no rounding to allow for. Outcomes' stated shares are checked when the
files are read (compute/rounding.py), because they need no period's results.
"""

from __future__ import annotations

from collections.abc import Iterator

from avr.compute.periods import sort_ids
from avr.compute.results import Finding, PlanResult, StatusCounts, compute_plan
from avr.compute.sections import counted_items
from avr.i18n import gettext as _
from avr.model.common import Verdict
from avr.model.config import Rules
from avr.model.plan import ReportSpec
from avr.model.repository import OrgData, PlanData


def report_counts(result: PlanResult, report: ReportSpec) -> StatusCounts:
    """What a report's status sentence counts (compute/sections.py): commitments in a delårsrapport's status
    table, activities by point otherwise."""
    return counted_items(report.section_list, result)


def plan_results(org: OrgData, plan: PlanData, rules: Rules) -> Iterator[tuple[PlanResult, list[Finding]]]:
    """Each period the plan follows up or states counts for: its results, and its stated figures that differ.

    `avr check` and `avr build` both check a plan through this, so they report the same."""
    reports = [spec for spec in plan.reports.values() if spec.stated is not None]
    for period in sort_ids({f.period for f in plan.followups} | {r.period for r in reports if r.period}, org.periods):
        result = compute_plan(org, plan, period, rules)
        yield result, goal_findings(result) + [
            finding for spec in reports if spec.period == period for finding in report_findings(result, spec)]


def stated_findings(result: PlanResult, report: ReportSpec | None = None) -> list[Finding]:
    """Every stated verdict or count of the period's goal follow-ups (E306) and of ``report`` (E307) that differs."""
    return goal_findings(result) + (report_findings(result, report) if report is not None else [])


def goal_findings(result: PlanResult) -> list[Finding]:
    """The period's goal follow-ups whose stated verdict or indicator counts differ from the computed (E306)."""
    findings: list[Finding] = []
    for goal in result.all_goals():
        stated = goal.followup.stated if goal.followup is not None else None
        if stated is None:
            continue
        what = _("goal {goal}").format(goal=goal.goal.id)
        period = result.period.id if result.period else _("the plan")
        if stated.verdict is not None and stated.verdict is not goal.computed:
            findings.append(Finding(goal.followup, ("stated", "verdict"), "E306",
                                    _("{what}: stated verdict `{stated}` but its indicators and "
                                      "refinements give `{computed}`").format(
                                        what=what, stated=stated.verdict.value, computed=goal.computed.value)))
        met = sum(1 for ir in goal.indicators if ir.result is Verdict.MET)
        if stated.met is not None and stated.met != met:
            findings.append(Finding(goal.followup, ("stated", "met"), "E306",
                                    _("{what}: stated `met: {stated}` but {met} of its "
                                      "{count} indicators are met in {period}").format(
                                        what=what, stated=stated.met, met=met, count=len(goal.indicators), period=period)))
        if stated.indicators is not None and stated.indicators != len(goal.indicators):
            findings.append(Finding(goal.followup, ("stated", "indicators"), "E306",
                                    _("{what}: stated `indicators: {stated}` but the goal has {count}").format(
                                        what=what, stated=stated.indicators, count=len(goal.indicators))))
    return findings


def report_findings(result: PlanResult, report: ReportSpec) -> list[Finding]:
    """The report's stated status counts that differ from those its status sentence is made from (E307)."""
    findings: list[Finding] = []
    if report.stated is not None:
        counts = report_counts(result, report)
        for key, stated_count in report.stated.counts.items():
            if counts.counts[key] != stated_count:
                findings.append(Finding(report, ("stated", "counts", key), "E307",
                                        _("stated `{key}: {stated}` but {count} are counted as {key} in {period}").format(
                                            key=key, stated=stated_count, count=counts.counts[key], period=report.period)))
        if report.stated.total is not None and report.stated.total != counts.total:
            findings.append(Finding(report, ("stated", "total"), "E307",
                                    _("stated `total: {stated}` but {count} are counted in {period}").format(
                                        stated=report.stated.total, count=counts.total, period=report.period)))
    return findings
