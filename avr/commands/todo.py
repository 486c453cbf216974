"""`avr todo [PERIOD]`: who still owes what for a period — the list a controller sends out.

Per reporting unit and accountable role: activities with no follow-up for the period, follow-ups
that exist but have no text yet (a skeleton from `avr followup start`), indicators with no outcome,
and follow-ups dated before the period starts (stale: copied forward, not rewritten). Activities
done or stopped in an earlier follow-up owe nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from avr.commands.create import today
from avr.commands.followup_start import followup_index
from avr.commands.round_interim import commitments, interim_due
from avr.compute.order import natural_key
from avr.compute.periods import in_order
from avr.errors import UsageError
from avr.i18n import _
from avr.model.organisation import Period
from avr.model.repository import OrgData, PlanData, Repository
from avr.render.labels import Labels

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


def default_period(org: OrgData, on: dt.date) -> Period | None:
    """The latest period (in date order: end, then start) that has started; else the first one."""
    periods = in_order(org.organisation.periods)
    started = [p for p in periods if p.start <= on]
    return started[-1] if started else (periods[0] if periods else None)


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
        elif not (fu.text or "").strip():
            item.reason = "unwritten"
        elif fu.date is not None and fu.date < period.start:
            item.reason, item.date = "stale", fu.date.isoformat()
        else:
            continue
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


def todo_data(repo: Repository, period_id: str | None, plan_name: str | None = None) -> list[PlanTodo]:
    out = []
    known: set[str] = set()
    for org, plan in repo.all_plans():
        if plan_name is not None and plan_name not in (plan.id, f"{org.id}/{plan.id}"):
            continue
        known.update(org.periods)
        period = org.periods.get(period_id) if period_id else default_period(org, today())
        if period is not None:
            out.append(plan_todo(org, plan, period))
    if period_id is not None and period_id not in known:
        raise UsageError(_("unknown period `{period}`; known: {known}").format(
            period=period_id, known=", ".join(sorted(known)) or _("none")))
    if plan_name is not None and not known:
        raise UsageError(_("unknown plan `{plan}`").format(plan=plan_name))
    return out


def to_json(todos: list[PlanTodo]) -> str:
    return json.dumps({"plans": [asdict(t) for t in todos]}, ensure_ascii=False, indent=2) + "\n"


def _who(group: Group, labels: Labels) -> str:
    unit = group.unit_name or str(labels("todo", "no_unit"))
    return f"{unit} – {group.accountable}" if group.accountable else unit


def _what(item: Owed, labels: Labels) -> str:
    return f"{labels('todo', 'kind', item.kind)} {item.id}: {item.title}"


def _why(item: Owed, labels: Labels) -> str:
    return str(labels("todo", "reason", item.reason)).format(date=item.date or "", file=item.file or "")


def to_markdown(todos: list[PlanTodo], labels: Labels) -> str:
    lines: list[str] = []
    for todo in todos:
        lines.append(f"## {labels('todo', 'heading')}: {todo.title} – {todo.period_label}")
        lines.append("")
        if not todo.groups:
            lines += [str(labels("todo", "nothing")), ""]
        for group in todo.groups:
            lines += [f"### {_who(group, labels)}", ""]
            lines += [f"- {_what(i, labels)} — {_why(i, labels)}" for i in group.items]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def print_todo(todos: list[PlanTodo], labels: Labels, console: Console | None = None) -> None:
    console = console or Console()
    for todo in todos:
        title = f"{labels('todo', 'heading')}: {todo.title} ({todo.organisation}, {todo.period_label})"
        if not todo.groups:
            console.print(f"[bold]{escape(title)}[/bold]\n  {escape(str(labels('todo', 'nothing')))}")
            continue
        table = Table(title=escape(title), title_justify="left")
        for column in ("who", "what", "why"):
            table.add_column(str(labels("todo", "column", column)))
        for group in todo.groups:
            for index, item in enumerate(group.items):
                who = _who(group, labels) if index == 0 else ""
                table.add_row(escape(who), escape(_what(item, labels)), escape(_why(item, labels)))
        console.print(table)
