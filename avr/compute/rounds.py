"""A follow-up round (uppföljningsomgång): what a period owes and what `avr followup start` opens.

* an activity owes a follow-up every period until one says it is done or stopped (the one status rule,
  avr.compute.status: done and stopped carry forward);
* a commitment (goal of kind `commitment`) owes a goal follow-up every period until one says it is
  done or stopped, like an activity;
* a control point owes a result (`control-results/<period>/`) every period;
* a recommendation of an audit owes a follow-up (`audit-followups/<period>/`) every period until one
  says it is done.

An entry that exists is still owed when it has no text yet (unwritten) or is dated before the period
starts (stale: copied forward, not rewritten). `avr todo` lists what is owed; `avr followup start`
writes a skeleton for each open entry (avr/commands/followup_start.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from avr.compute.order import natural_key
from avr.compute.status import CLOSED, FollowUpIndex
from avr.model.activity import Activity
from avr.model.audit import Audit, AuditFollowUp, Recommendation
from avr.model.common import Status, YearOrOngoing
from avr.model.followup import FollowUp
from avr.model.goal import Goal
from avr.model.organisation import Period
from avr.model.repository import OrgData, PlanData

OPEN, EXISTING, CLOSED_BEFORE = "open", "existing", "closed"


def followup_index(org: OrgData, plan: PlanData, *, goals: bool = False) -> FollowUpIndex:
    """The plan's follow-ups of activities (or goals) by subject, for the status rule."""
    return FollowUpIndex(plan.followups, org.periods, org.organisation, goals=goals)


def latest_before(org: OrgData, plan: PlanData, subject: str, period: Period, *, goal: bool = False) -> FollowUp | None:
    """The subject's follow-up of the latest period that ends before ``period`` ends."""
    return followup_index(org, plan, goals=goal).earlier(subject, period)


def followed_up(plan: PlanData, period: str, *, activity: str | None = None, goal: str | None = None) -> bool:
    return any(
        f.period == period and ((activity is not None and f.activity == activity) or (goal is not None and f.goal == goal))
        for f in plan.followups
    )


def expected_completion(activity: Activity, last: FollowUp | None) -> YearOrOngoing | None:
    """What a new follow-up of the activity expects: the last follow-up's expectation, else the card's."""
    if last is not None and last.expected_completion is not None:
        return last.expected_completion
    return activity.expected_completion


def commitments(plan: PlanData) -> list[Goal]:
    return sorted((g for g in plan.goals.values() if g.kind == "commitment"), key=lambda g: natural_key(g.id))


def latest_recommendation_followup(
    org: OrgData, plan: PlanData, audit: Audit, rec: Recommendation, period: Period
) -> AuditFollowUp | None:
    """The recommendation's follow-up of the latest period that ends before ``period`` ends."""
    earlier = [(org.periods[f.period].end, f) for f in plan.interim.audit_followups
               if f.audit == audit.id and f.recommendation == rec.id and f.period in org.periods
               and f.period != period.id and org.periods[f.period].end < period.end]
    return max(earlier, key=lambda pair: pair[0])[1] if earlier else None


def recommendation_closed(org: OrgData, last: AuditFollowUp | None) -> bool:
    label = org.organisation.status_of(last.status) if last is not None else None
    return label is not None and label.means in CLOSED


OpenRecommendation = tuple[Audit, Recommendation, AuditFollowUp | None]


def open_recommendations(org: OrgData, plan: PlanData, period: Period) -> list[OpenRecommendation]:
    """Recommendations not done in their latest follow-up before the period, with that follow-up."""
    out = []
    for audit in sorted(plan.interim.audits.values(), key=lambda a: natural_key(a.id)):
        for rec in audit.recommendations:
            last = latest_recommendation_followup(org, plan, audit, rec, period)
            if not recommendation_closed(org, last):
                out.append((audit, rec, last))
    return out


def owed(text: str | None, date: dt.date | None, period: Period) -> tuple[str, str | None] | None:
    """Why an entry that exists is still owed: (`unwritten`, None) or (`stale`, its date), else None."""
    if not (text or "").strip():
        return "unwritten", None
    if date is not None and date < period.start:
        return "stale", date.isoformat()
    return None


def doc_path(plan: PlanData, model: object) -> str | None:
    doc = plan.docs.get(id(model))
    return doc.path if doc else None


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


def _first_line(text: str) -> str:
    return " ".join(text.split())


def interim_due(org: OrgData, plan: PlanData, period: Period) -> list[Due]:
    """What the period still owes of commitments, control results and recommendation follow-ups."""
    due: list[Due] = []

    def judge(item: Due, text: str | None, date: dt.date | None, path: str | None) -> None:
        item.file = path
        why = owed(text, date, period)
        if why is not None:
            item.reason, item.date = why
            due.append(item)

    index = followup_index(org, plan, goals=True)
    for goal in commitments(plan):
        fu = next((f for f in plan.followups if f.period == period.id and f.goal == goal.id), None)
        item = Due("commitment", goal.id, _first_line(goal.title or goal.text), None, "missing")
        if fu is None:
            if not index.status(goal.id, period).closed:
                due.append(item)
            continue
        judge(item, fu.text, fu.date, doc_path(plan, fu))
    results = {r.control: r for r in plan.interim.control_results if r.period == period.id}
    for control in sorted(plan.interim.controls.values(), key=lambda c: natural_key(c.id)):
        item = Due("control", control.id, _first_line(control.title), control.performer, "missing")
        result = results.get(control.id)
        if result is None:
            due.append(item)
        else:
            judge(item, result.finding, result.date, doc_path(plan, result))
    this = {(f.audit, f.recommendation): f for f in plan.interim.audit_followups if f.period == period.id}
    for audit, rec, _ in open_recommendations(org, plan, period):
        item = Due("recommendation", f"{audit.id} {rec.id}", _first_line(rec.text), None, "missing")
        answer = this.get((audit.id, rec.id))
        if answer is None:
            due.append(item)
        else:
            judge(item, answer.text, answer.date, doc_path(plan, answer))
    return due


@dataclass(frozen=True)
class Opening:
    """An entry of the round `avr followup start` opens, or why it opens none.

    ``state`` is `open` (a skeleton is owed), `existing` (already followed up in the period) or `closed`
    (done or stopped earlier). An open entry carries what its skeleton starts from: the last follow-up
    (activities, commitments) and the status to prefill (recommendations).
    """

    kind: str  # activity | commitment | control | recommendation
    id: str
    state: str
    activity: Activity | None = None
    last: FollowUp | None = None
    audit: str | None = None  # of a recommendation
    status: str | None = None


def round_openings(org: OrgData, plan: PlanData, period: Period) -> list[Opening]:
    """Every activity, commitment, control point and audit recommendation of the plan, in the reports' order."""
    out: list[Opening] = []
    index = followup_index(org, plan)
    for activity in sorted(plan.activities.values(), key=lambda a: natural_key(a.id)):
        last = index.earlier(activity.id, period)
        if index.status(activity.id, period).carried:  # done or stopped earlier, not reopened in the period
            out.append(Opening("activity", activity.id, CLOSED_BEFORE))
        elif followed_up(plan, period.id, activity=activity.id):
            out.append(Opening("activity", activity.id, EXISTING))
        else:
            out.append(Opening("activity", activity.id, OPEN, activity=activity, last=last))
    goals = followup_index(org, plan, goals=True)
    for goal in commitments(plan):
        last = goals.earlier(goal.id, period)
        if goals.status(goal.id, period).carried:
            out.append(Opening("commitment", goal.id, CLOSED_BEFORE))
        elif followed_up(plan, period.id, goal=goal.id):
            out.append(Opening("commitment", goal.id, EXISTING))
        else:
            out.append(Opening("commitment", goal.id, OPEN, last=last))
    reported = {r.control for r in plan.interim.control_results if r.period == period.id}
    for control in sorted(plan.interim.controls.values(), key=lambda c: natural_key(c.id)):
        out.append(Opening("control", control.id, EXISTING if control.id in reported else OPEN))
    this = {(f.audit, f.recommendation) for f in plan.interim.audit_followups if f.period == period.id}
    first = next((s.label for s in org.organisation.statuses if s.means == Status.NOT_STARTED), None)
    for audit, rec, previous in open_recommendations(org, plan, period):
        status = previous.status if previous is not None else first
        # `status` is required, so without a word for "not started" there is nothing to open
        state = EXISTING if (audit.id, rec.id) in this or status is None else OPEN
        out.append(Opening("recommendation", rec.id, state, audit=audit.id, status=status))
    # recommendations already done count as closed, like done activities
    for audit in plan.interim.audits.values():
        for rec in audit.recommendations:
            if recommendation_closed(org, latest_recommendation_followup(org, plan, audit, rec, period)):
                out.append(Opening("recommendation", rec.id, CLOSED_BEFORE, audit=audit.id))
    return out


# ------------------------------------------------------------------ `avr todo`: what the period owes, by who owes it

KIND_RANK = {"activity": 0, "commitment": 1, "control": 2, "recommendation": 3}  # then goals' follow-ups, indicators


@dataclass
class Owed:
    kind: str  # activity | indicator | followup | commitment | control | recommendation
    id: str
    title: str
    reason: str  # missing | unwritten | stale | no_outcome
    date: str | None = None
    file: str | None = None


@dataclass
class Group:
    unit: str | None
    unit_name: str | None
    accountable: str | None
    items: list[Owed] = field(default_factory=list)


@dataclass
class PlanTodo:
    organisation: str
    plan: str
    title: str
    period: str
    period_label: str
    groups: list[Group] = field(default_factory=list)


def plan_todo(org: OrgData, plan: PlanData, period: Period) -> PlanTodo:
    units = {u.id: u.name for u in org.organisation.units}
    groups: dict[tuple[str | None, str | None], Group] = {}

    def add(unit: str | None, accountable: str | None, item: Owed) -> None:
        key = (unit, accountable)
        if key not in groups:
            groups[key] = Group(unit, units.get(unit, unit) if unit else None, accountable)
        groups[key].items.append(item)

    this_period = {f.activity: f for f in plan.followups if f.period == period.id and f.activity is not None}
    index = followup_index(org, plan)
    for activity in plan.activities.values():
        fu = this_period.get(activity.id)
        doc = plan.docs.get(id(fu)) if fu is not None else None
        item = Owed("activity", activity.id, activity.summary or activity.title, "missing",
                    file=doc.path if doc else None)
        if fu is None:
            if index.status(activity.id, period).closed:  # done or stopped earlier: carries forward
                continue
        else:
            why = owed(fu.text, fu.date, period)
            if why is None:
                continue
            item.reason, item.date = why
        add(activity.unit, activity.accountable, item)

    for due in interim_due(org, plan, period):  # commitments, control points, audit recommendations
        add(None, due.accountable, Owed(due.kind, due.id, due.title, due.reason, due.date, due.file))

    reported: set[str] = {e.indicator for e in plan.outcomes if e.period == period.id}  # outcomes/<period>/
    commitment_ids = {g.id for g in commitments(plan)}  # their follow-ups are judged above
    for fu in plan.followups:
        if fu.period != period.id or fu.goal is None:
            continue
        reported.update(fu.outcomes)
        if fu.goal in commitment_ids:
            continue
        doc = plan.docs.get(id(fu))
        if fu.date is not None and fu.date < period.start:
            add(None, None, Owed("followup", fu.goal, f"{fu.goal}", "stale", fu.date.isoformat(), doc.path if doc else None))
    for goal in plan.goals.values():
        for ind in goal.indicators:
            if ind.id not in reported and period.id not in ind.history:
                add(None, None, Owed("indicator", ind.id, ind.title, "no_outcome"))

    ordered = sorted(groups.values(), key=lambda g: (g.unit is None, g.unit_name or "", g.accountable or ""))
    for group in ordered:
        group.items.sort(key=lambda i: (KIND_RANK.get(i.kind, len(KIND_RANK)), natural_key(i.id)))
    return PlanTodo(org.id, plan.id, plan.plan.title, period.id, period.label, ordered)


def written(org: OrgData) -> set[str]:
    """The periods an organisation's plans already have follow-ups or outcomes for."""
    return ({f.period for plan in org.plans.values() for f in plan.followups}
            | {e.period for plan in org.plans.values() for e in plan.outcomes})
