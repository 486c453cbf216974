"""A follow-up round beyond activities: commitments, internal control and audit recommendations.

What `avr todo` lists and `avr followup start` creates for the delårsrapport's own entries:

* a commitment (goal of kind `commitment`) owes a goal follow-up every period until one says it is
  done or stopped, like an activity;
* a control point owes a result (`control-results/<period>/`) every period;
* a recommendation of an audit owes a follow-up (`audit-followups/<period>/`) every period until one
  says it is done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from avr.commands.create import create_exclusive, display, file_stem, plan_folder, scalar, schema_comment
from avr.commands.followup_start import followed_up, followup_index
from avr.compute.order import natural_key
from avr.compute.status import CLOSED
from avr.model.audit import Audit, AuditFollowUp, Recommendation
from avr.model.common import Status
from avr.model.goal import Goal
from avr.model.organisation import Period
from avr.model.repository import OrgData, PlanData, Repository


@dataclass
class Due:
    """One entry the period is owed: what, who, and the file that holds it if any."""

    kind: str  # commitment | control | recommendation
    id: str
    title: str
    accountable: str | None
    reason: str  # missing | unwritten | stale
    date: str | None = None
    file: str | None = None


def commitments(plan: PlanData) -> list[Goal]:
    return sorted((g for g in plan.goals.values() if g.kind == "commitment"), key=lambda g: natural_key(g.id))


def _latest_rec(org: OrgData, plan: PlanData, audit: Audit, rec: Recommendation, period: Period) -> AuditFollowUp | None:
    earlier = [(org.periods[f.period].end, f) for f in plan.interim.audit_followups
               if f.audit == audit.id and f.recommendation == rec.id and f.period in org.periods
               and f.period != period.id and org.periods[f.period].end < period.end]
    return max(earlier, key=lambda pair: pair[0])[1] if earlier else None


def _rec_closed(org: OrgData, last: AuditFollowUp | None) -> bool:
    label = org.organisation.status_of(last.status) if last is not None else None
    return label is not None and label.means in CLOSED


OpenRecommendation = tuple[Audit, Recommendation, AuditFollowUp | None]


def open_recommendations(org: OrgData, plan: PlanData, period: Period) -> list[OpenRecommendation]:
    """Recommendations not done in their latest follow-up before the period, with that follow-up."""
    out = []
    for audit in sorted(plan.interim.audits.values(), key=lambda a: natural_key(a.id)):
        for rec in audit.recommendations:
            last = _latest_rec(org, plan, audit, rec, period)
            if not _rec_closed(org, last):
                out.append((audit, rec, last))
    return out


def _first_line(text: str) -> str:
    return " ".join(text.split())


def interim_due(org: OrgData, plan: PlanData, period: Period) -> list[Due]:
    """What the period still owes of commitments, control results and recommendation follow-ups."""
    due: list[Due] = []

    def judge(item: Due, text: str | None, date: dt.date | None, path: str | None) -> None:
        item.file = path
        if not (text or "").strip():
            item.reason = "unwritten"
        elif date is not None and date < period.start:
            item.reason, item.date = "stale", date.isoformat()
        else:
            return
        due.append(item)

    index = followup_index(org, plan, goals=True)
    for goal in commitments(plan):
        fu = next((f for f in plan.followups if f.period == period.id and f.goal == goal.id), None)
        item = Due("commitment", goal.id, _first_line(goal.title or goal.text), None, "missing")
        if fu is None:
            if not index.status(goal.id, period).closed:
                due.append(item)
            continue
        judge(item, fu.text, fu.date, _path(plan, fu))
    results = {r.control: r for r in plan.interim.control_results if r.period == period.id}
    for control in sorted(plan.interim.controls.values(), key=lambda c: natural_key(c.id)):
        item = Due("control", control.id, _first_line(control.title), control.performer, "missing")
        result = results.get(control.id)
        if result is None:
            due.append(item)
        else:
            judge(item, result.finding, result.date, _path(plan, result))
    this = {(f.audit, f.recommendation): f for f in plan.interim.audit_followups if f.period == period.id}
    for audit, rec, _ in open_recommendations(org, plan, period):
        item = Due("recommendation", f"{audit.id} {rec.id}", _first_line(rec.text), None, "missing")
        answer = this.get((audit.id, rec.id))
        if answer is None:
            due.append(item)
        else:
            judge(item, answer.text, answer.date, _path(plan, answer))
    return due


def _path(plan: PlanData, model: object) -> str | None:
    doc = plan.docs.get(id(model))
    return doc.path if doc else None


# ------------------------------------------------------------------ skeletons for `avr followup start`


def _write(repo: Repository, target: Path, lines: list[str], kind: str) -> str | None:
    text = schema_comment(repo.root, target, kind) + "\n".join(line.rstrip() for line in lines) + "\n"
    return display(repo, target) if create_exclusive(target, text) else None


def start_interim(
    repo: Repository, org: OrgData, plan: PlanData, period: Period,
    created: Callable[[str], None], existing: Callable[[str], None], closed: Callable[[str], None],
) -> None:
    """Skeletons for open commitments, every control point and open recommendations; never overwriting."""
    folder = plan_folder(repo, plan)
    index = followup_index(org, plan, goals=True)
    for goal in commitments(plan):
        last = index.earlier(goal.id, period)
        if index.status(goal.id, period).carried:
            closed(goal.id)
            continue
        if followed_up(plan, period.id, goal=goal.id):
            existing(goal.id)
            continue
        target = folder / "followups" / period.id / f"goal-{file_stem(goal.id)}.yaml"
        lines = [f"period: {scalar(period.id)}", f"goal: {scalar(goal.id)}",
                 f"status: {scalar(last.status if last else None)}", "completion:", "date:", "text:"]
        _report(_write(repo, target, lines, "followup"), goal.id, created, existing)
    reported = {r.control for r in plan.interim.control_results if r.period == period.id}
    for control in sorted(plan.interim.controls.values(), key=lambda c: natural_key(c.id)):
        if control.id in reported:
            existing(control.id)
            continue
        target = folder / "control-results" / period.id / f"{file_stem(control.id)}.yaml"
        lines = [f"period: {scalar(period.id)}", f"control: {scalar(control.id)}", "status:", "date:", "finding:",
                 "action:"]
        _report(_write(repo, target, lines, "control-result"), control.id, created, existing)
    this = {(f.audit, f.recommendation) for f in plan.interim.audit_followups if f.period == period.id}
    first = next((s.label for s in org.organisation.statuses if s.means == Status.NOT_STARTED), None)
    for audit, rec, previous in open_recommendations(org, plan, period):
        if (audit.id, rec.id) in this:
            existing(rec.id)
            continue
        status = previous.status if previous is not None else first
        if status is None:  # `status` is required and the organisation has no word for "not started"
            existing(rec.id)
            continue
        target = folder / "audit-followups" / period.id / f"{file_stem(audit.id)}-{file_stem(rec.id)}.yaml"
        lines = [f"period: {scalar(period.id)}", f"audit: {scalar(audit.id)}", f"recommendation: {scalar(rec.id)}",
                 f"status: {scalar(status)}", "date:", "text:"]
        _report(_write(repo, target, lines, "audit-followup"), rec.id, created, existing)
    # recommendations already done count as closed, like done activities
    for audit in plan.interim.audits.values():
        for rec in audit.recommendations:
            if _rec_closed(org, _latest_rec(org, plan, audit, rec, period)):
                closed(rec.id)


def _report(path: str | None, item: str, created: Callable[[str], None], existing: Callable[[str], None]) -> None:
    if path is not None:
        created(path)
    else:  # a file of that name that avr could not read as this entry: leave it alone
        existing(item)
