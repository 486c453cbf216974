"""`avr followup start PERIOD`: a follow-up skeleton for every open entry of a plan.

What is open is decided in avr/compute/rounds.py (the follow-up round): activities and commitments not
done or stopped earlier, every control point, and audit recommendations not done. Each skeleton carries
the last status and expected completion; the text fields are left empty for the operation to write.
Files are created exclusively, so a second run creates only what is missing and never touches a file
someone has already written in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from avr.commands.create import create_exclusive, display, file_stem, find_plan, plan_folder, scalar, schema_comment
from avr.compute.rounds import CLOSED_BEFORE, EXISTING, Opening, expected_completion, round_openings
from avr.errors import UsageError
from avr.i18n import gettext as _
from avr.i18n import ngettext
from avr.model.activity import Activity
from avr.model.followup import FollowUp
from avr.model.organisation import Period
from avr.model.repository import OrgData, PlanData, Repository


@dataclass
class StartResult:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)  # open entries already followed up
    closed: list[str] = field(default_factory=list)  # done or stopped earlier: no skeleton


def period_of(org: OrgData, period_id: str) -> Period:
    period = org.periods.get(period_id)
    if period is None:
        known = ", ".join(org.periods) or "none"
        raise UsageError(_("unknown period `{period}` for {org}; known: {known} (add it to organisation.yaml)").format(
            period=period_id, org=org.id, known=known))
    return period


def activity_skeleton(
    repo: Repository, target: Path, period: Period, activity: Activity, last: FollowUp | None, date: dt.date | None
) -> str:
    lines = [
        schema_comment(repo.root, target, "followup").rstrip("\n"),
        f"period: {scalar(period.id)}",
        f"activity: {scalar(activity.id)}",
        f"status: {scalar(last.status if last else None)}",
        "completion:",
        f"expected_completion: {scalar(expected_completion(activity, last))}",
        f"date: {date.isoformat() if date else ''}",
        "text:",
        "remaining:",
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _skeleton(repo: Repository, folder: Path, period: Period, entry: Opening) -> tuple[Path, str]:
    """Where the open entry's skeleton goes, and its text."""
    if entry.kind == "activity":
        assert entry.activity is not None
        target = folder / "followups" / period.id / f"{file_stem(entry.id)}.yaml"
        return target, activity_skeleton(repo, target, period, entry.activity, entry.last, None)
    if entry.kind == "commitment":
        target = folder / "followups" / period.id / f"goal-{file_stem(entry.id)}.yaml"
        kind = "followup"
        lines = [f"period: {scalar(period.id)}", f"goal: {scalar(entry.id)}",
                 f"status: {scalar(entry.last.status if entry.last else None)}", "completion:", "date:", "text:"]
    elif entry.kind == "control":
        target = folder / "control-results" / period.id / f"{file_stem(entry.id)}.yaml"
        kind = "control-result"
        lines = [f"period: {scalar(period.id)}", f"control: {scalar(entry.id)}", "status:", "date:", "finding:",
                 "action:"]
    else:
        assert entry.audit is not None
        target = folder / "audit-followups" / period.id / f"{file_stem(entry.audit)}-{file_stem(entry.id)}.yaml"
        kind = "audit-followup"
        lines = [f"period: {scalar(period.id)}", f"audit: {scalar(entry.audit)}", f"recommendation: {scalar(entry.id)}",
                 f"status: {scalar(entry.status)}", "date:", "text:"]
    return target, schema_comment(repo.root, target, kind) + "\n".join(line.rstrip() for line in lines) + "\n"


def start_plan(repo: Repository, org: OrgData, plan: PlanData, period_id: str) -> StartResult:
    period = period_of(org, period_id)
    result = StartResult()
    folder = plan_folder(repo, plan)
    for entry in round_openings(org, plan, period):
        if entry.state == CLOSED_BEFORE:
            result.closed.append(entry.id)
        elif entry.state == EXISTING:
            result.existing.append(entry.id)
        else:
            target, text = _skeleton(repo, folder, period, entry)
            if create_exclusive(target, text):
                result.created.append(display(repo, target))
            else:  # a file of that name that avr could not read as this entry: leave it alone
                result.existing.append(entry.id)
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
