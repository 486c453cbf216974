"""`avr followup start PERIOD`: a follow-up skeleton for every open activity of a plan.

Open means: not done or stopped in the period by the one status rule (avr.compute.status: done and
stopped carry forward from earlier periods). Each skeleton carries the last status and expected
completion; the text fields are left empty for the operation to write. Files
are created exclusively, so a second run creates only what is missing and never touches a file
someone has already written in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from avr.commands.create import create_exclusive, display, file_stem, find_plan, plan_folder, scalar, schema_comment
from avr.compute.order import natural_key
from avr.compute.status import FollowUpIndex
from avr.errors import UsageError
from avr.i18n import _, ngettext
from avr.model.activity import Activity
from avr.model.followup import FollowUp
from avr.model.organisation import Period
from avr.model.repository import OrgData, PlanData, Repository


@dataclass
class StartResult:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)  # open activities already followed up
    closed: list[str] = field(default_factory=list)  # done or stopped earlier: no skeleton


def period_of(org: OrgData, period_id: str) -> Period:
    period = org.periods.get(period_id)
    if period is None:
        known = ", ".join(org.periods) or "none"
        raise UsageError(_("unknown period `{period}` for {org}; known: {known} (add it to organisation.yaml)").format(
            period=period_id, org=org.id, known=known))
    return period


def followup_index(org: OrgData, plan: PlanData, *, goals: bool = False) -> FollowUpIndex:
    """The plan's follow-ups of activities (or goals) by subject, for the status rule."""
    return FollowUpIndex(plan.followups, org.periods, org.organisation, goals=goals)


def latest_before(org: OrgData, plan: PlanData, subject: str, period: Period, *, goal: bool = False) -> FollowUp | None:
    """The subject's follow-up of the latest period that ends before ``period`` ends."""
    return followup_index(org, plan, goals=goal).earlier(subject, period)


def activity_skeleton(
    repo: Repository, target: Path, period: Period, activity: Activity, last: FollowUp | None, date: dt.date | None
) -> str:
    expected = last.expected_completion if last and last.expected_completion is not None else activity.expected_completion
    lines = [
        schema_comment(repo.root, target, "followup").rstrip("\n"),
        f"period: {scalar(period.id)}",
        f"activity: {scalar(activity.id)}",
        f"status: {scalar(last.status if last else None)}",
        "completion:",
        f"expected_completion: {scalar(expected)}",
        f"date: {date.isoformat() if date else ''}",
        "text:",
        "remaining:",
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def followed_up(plan: PlanData, period: str, *, activity: str | None = None, goal: str | None = None) -> bool:
    return any(
        f.period == period and ((activity is not None and f.activity == activity) or (goal is not None and f.goal == goal))
        for f in plan.followups
    )


def start_plan(repo: Repository, org: OrgData, plan: PlanData, period_id: str) -> StartResult:
    period = period_of(org, period_id)
    result = StartResult()
    folder = plan_folder(repo, plan) / "followups" / period.id
    index = followup_index(org, plan)
    for activity in sorted(plan.activities.values(), key=lambda a: natural_key(a.id)):
        last = index.earlier(activity.id, period)
        if index.status(activity.id, period).carried:  # done or stopped earlier, not reopened in the period
            result.closed.append(activity.id)
            continue
        if followed_up(plan, period.id, activity=activity.id):
            result.existing.append(activity.id)
            continue
        target = folder / f"{file_stem(activity.id)}.yaml"
        if create_exclusive(target, activity_skeleton(repo, target, period, activity, last, None)):
            result.created.append(display(repo, target))
        else:  # a file of that name that avr could not read as this activity's follow-up: leave it alone
            result.existing.append(activity.id)
    from avr.commands.round_interim import start_interim  # it builds on this module

    start_interim(repo, org, plan, period, result.created.append, result.existing.append, result.closed.append)
    return result


def run_start(repo: Repository, period_id: str, plan_name: str | None, cwd: Path) -> list[str]:
    """Start the period for one plan or every plan that has it; the lines to tell the user."""
    if plan_name is not None:
        targets = [find_plan(repo, plan_name, cwd)]
    else:
        targets = [(o, p) for o, p in repo.all_plans() if period_id in o.periods]
        if not targets:
            raise UsageError(_("no organisation has the period `{period}`").format(period=period_id))
    lines = []
    for org, plan in targets:
        result = start_plan(repo, org, plan, period_id)
        lines += [_("created {path}").format(path=path) for path in result.created]
        count = len(result.created)
        note = ngettext("{plan}: created {count} follow-up for {period}", "{plan}: created {count} follow-ups for {period}",
                        count).format(plan=f"{org.id}/{plan.id}", count=count, period=period_id)
        if result.existing:
            note += ngettext("; {count} already existed and was left as it is",
                             "; {count} already existed and were left as they are", len(result.existing)).format(
                count=len(result.existing))
        if result.closed:
            note += _("; {count} done or stopped").format(count=len(result.closed))
        if not result.created:
            note += _(" — nothing to create")
        lines.append(note)
    return lines
