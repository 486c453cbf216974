"""`avr new plan|goal|activity|followup`: a correctly named, pre-filled file that passes `avr check`.

Each file starts with the line that gives VS Code's YAML extension its schema. Placeholder text
comes from the label catalogue (`new:`), so it is in the repository's language.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from avr.commands.create import (
    create_exclusive,
    display,
    file_stem,
    find_plan,
    next_id,
    plan_folder,
    scalar,
    schema_comment,
    today,
)
from avr.commands.followup_start import activity_skeleton, period_of
from avr.compute.rounds import followed_up, latest_before
from avr.errors import AvrError, UsageError
from avr.i18n import gettext as _
from avr.load import layout
from avr.model.common import Id
from avr.model.goal import GOAL_KINDS
from avr.model.plan import PLAN_KINDS
from avr.model.repository import OrgData, PlanData, Repository
from avr.render.labels import Labels, load_labels


def _labels(repo: Repository) -> Labels:
    return load_labels(repo.config.language)


def _write(repo: Repository, target: Path, lines: list[str], kind: str) -> str:
    text = schema_comment(repo.root, target, kind) + "\n".join(line.rstrip() for line in lines) + "\n"
    if not create_exclusive(target, text):
        raise AvrError(_("{file} already exists; not overwritten").format(file=display(repo, target)))
    return display(repo, target)


def _check_id(value: str) -> str:
    from pydantic import TypeAdapter, ValidationError

    try:
        TypeAdapter(Id).validate_python(value)
    except ValidationError:
        raise UsageError(_("`{value}` is not a valid id: use letters, digits and : . _ -").format(value=value)) from None
    return value


def plan_years(title: str | None, year: int | None) -> tuple[int, int]:
    """The years a new plan covers: ``--year``, else the years its title names, else this year.

    "Verksamhetsplan 2025" covers 2025 even when written in December 2026; "Verksamhetsplan 2024–2025"
    covers 2024 to 2025.
    """
    if year is not None:
        return year, year
    named = [int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", title or "")]
    if named:
        return min(named), max(named)
    return today().year, today().year


def new_plan(repo: Repository, plan_id: str, org_id: str | None, kind: str, title: str | None,
             year: int | None = None) -> str:
    _check_id(plan_id)
    if kind not in PLAN_KINDS:
        raise UsageError(_("unknown plan kind `{kind}`; use one of: {kinds}").format(kind=kind, kinds=", ".join(PLAN_KINDS)))
    if org_id is None:
        if len(repo.orgs) != 1:
            raise UsageError(_("say which organisation with --org; organisations: {known}").format(
                known=", ".join(repo.orgs) or _("none")))
        org_id = next(iter(repo.orgs))
    if org_id not in repo.orgs:
        raise UsageError(_("unknown organisation `{org}`; organisations: {known}").format(
            org=org_id, known=", ".join(repo.orgs)))
    first, last = plan_years(title, year)
    target = repo.plans_root / org_id / plan_id / layout.PLAN_FILE
    return _write(repo, target, [
        f"id: {scalar(plan_id)}",
        f"kind: {kind}",
        f"title: {scalar(title or _labels(repo)('new', 'plan_title'))}",
        f"first_year: {first}",
        f"last_year: {last if last != first else ''}",
        "description:",
        "item_noun: activity",
    ], "plan")


def new_goal(repo: Repository, cwd: Path, plan_name: str | None, goal_id: str | None, kind: str,
             parent: str | None, title: str | None, area: str | None = None) -> str:
    org, plan = find_plan(repo, plan_name, cwd)
    areas = [a.id for a in plan.plan.goal_areas]
    if area is not None and area not in areas:
        raise UsageError(_("unknown goal area `{area}` in {plan}; goal areas: {known}").format(
            area=area, plan=f"{org.id}/{plan.id}", known=", ".join(areas) or _("none")))
    if kind not in GOAL_KINDS:
        raise UsageError(_("unknown goal kind `{kind}`; use one of: {kinds}").format(kind=kind, kinds=", ".join(GOAL_KINDS)))
    if kind in ("refinement", "commitment") and parent is None:
        raise UsageError(_("a {kind} needs --parent GOAL, the goal it belongs under").format(kind=kind))
    if parent is not None:
        _known_goal(org, plan, parent)
    goal_id = _check_id(goal_id) if goal_id else next_id(list(plan.goals))
    if goal_id in plan.goals:
        raise UsageError(_("goal `{goal}` already exists in {plan}").format(goal=goal_id, plan=f"{org.id}/{plan.id}"))
    target = plan_folder(repo, plan) / layout.GOALS / f"{file_stem(goal_id)}.yaml"
    return _write(repo, target, [
        f"id: {scalar(goal_id)}",
        f"kind: {kind}",
        f"parent: {scalar(parent)}",
        f"title: {scalar(title)}",
        f"text: {scalar(_labels(repo)('new', 'goal_text'))}",
        f"area: {scalar(area)}",
        "indicators:",
    ], "goal")


def _known_goal(org: OrgData, plan: PlanData, goal: str) -> None:
    if goal not in plan.goals:
        raise UsageError(_("unknown goal `{goal}` in {plan}; goals: {known}").format(
            goal=goal, plan=f"{org.id}/{plan.id}", known=", ".join(plan.goals) or _("none")))


def new_activity(repo: Repository, cwd: Path, plan_name: str | None, activity_id: str | None,
                 goals: list[str], unit: str | None, title: str | None) -> str:
    org, plan = find_plan(repo, plan_name, cwd)
    if not goals and not (plan.goals or plan.plan.item_noun != "commitment"):
        pass  # a plan of commitments may list them without goals
    elif not goals:
        if len(plan.goals) != 1:
            raise UsageError(_("say which goal(s) it serves with --goal; goals: {known}").format(
                known=", ".join(plan.goals) or _("none")))
        goals = list(plan.goals)
    for goal in goals:
        _known_goal(org, plan, goal)
    units = [u.id for u in org.organisation.units]
    if unit is None:
        if len(units) != 1:
            raise UsageError(_("say which unit reports it with --unit; units: {known}").format(
                known=", ".join(units) or _("none")))
        unit = units[0]
    if unit not in units:
        raise UsageError(_("unknown unit `{unit}` of {org}; units: {known}").format(
            unit=unit, org=org.id, known=", ".join(units) or _("none")))
    activity_id = _check_id(activity_id) if activity_id else next_id(list(plan.activities))
    if activity_id in plan.activities:
        raise UsageError(_("activity `{activity}` already exists in {plan}").format(
            activity=activity_id, plan=f"{org.id}/{plan.id}"))
    target = plan_folder(repo, plan) / layout.ACTIVITIES / f"{file_stem(activity_id)}.yaml"
    return _write(repo, target, [
        f"id: {scalar(activity_id)}",
        f"goals: [{', '.join(json.dumps(g, ensure_ascii=False) for g in goals)}]",
        f"unit: {scalar(unit)}",
        f"title: {scalar(title or _labels(repo)('new', 'activity_title'))}",
        "summary:",
        "responsible:",
        "how:",
        "when:",
        "accountable:",
        "expected_completion:",
    ], "activity")


def new_followup(repo: Repository, cwd: Path, plan_name: str | None, period_id: str,
                 activity_id: str | None, goal_id: str | None) -> str:
    org, plan = find_plan(repo, plan_name, cwd)
    period = period_of(org, period_id)
    if (activity_id is None) == (goal_id is None):
        raise UsageError(_("name exactly one of --activity or --goal"))
    folder = plan_folder(repo, plan) / layout.FOLLOWUPS / period.id
    if activity_id is not None:
        activity = plan.activities.get(activity_id)
        if activity is None:
            raise UsageError(_("unknown activity `{activity}` in {plan}").format(
                activity=activity_id, plan=f"{org.id}/{plan.id}"))
        if followed_up(plan, period.id, activity=activity_id):
            raise AvrError(_("activity `{activity}` already has a follow-up for {period}; not overwritten").format(
                activity=activity_id, period=period.id))
        target = folder / f"{file_stem(activity_id)}.yaml"
        last = latest_before(org, plan, activity_id, period)
        text = activity_skeleton(repo, target, period, activity, last, today())
        if not create_exclusive(target, text):
            raise AvrError(_("{file} already exists; not overwritten").format(file=display(repo, target)))
        return display(repo, target)
    assert goal_id is not None
    goal = plan.goals.get(goal_id)
    if goal is None:
        raise UsageError(_("unknown goal `{goal}` in {plan}").format(goal=goal_id, plan=f"{org.id}/{plan.id}"))
    if followed_up(plan, period.id, goal=goal_id):
        raise AvrError(_("goal `{goal}` already has a follow-up for {period}; not overwritten").format(
            goal=goal_id, period=period.id))
    target = folder / f"goal-{file_stem(goal_id)}.yaml"
    lines = [f"period: {scalar(period.id)}", f"goal: {scalar(goal_id)}", f"date: {today().isoformat()}", "text:",
             "outcomes:"]
    # indicator ids as comments: an empty outcome would be an error, a comment is a form to fill in
    lines += [f"  # {ind.id}:   # {ind.title}" for ind in goal.indicators]
    return _write(repo, target, lines, "followup")
