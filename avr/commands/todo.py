"""`avr todo [PERIOD]`: who still owes what for a period — the list a controller sends out.

What is owed is computed in avr/compute/rounds.py (`plan_todo`); this module picks the plans and period and
prints the list. Per reporting unit and accountable role: activities with no follow-up for the period, follow-ups
that exist but have no text yet (a skeleton from `avr followup start`), indicators with no outcome,
and follow-ups dated before the period starts (stale: copied forward, not rewritten). Activities
done or stopped in an earlier follow-up owe nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from avr.commands.create import today
from avr.compute.periods import open_round
from avr.compute.rounds import Group, Owed, PlanTodo, plan_todo, written
from avr.errors import UsageError
from avr.i18n import gettext as _
from avr.model.repository import Repository
from avr.render.labels import Labels


def todo_data(repo: Repository, period_id: str | None, plan_name: str | None = None) -> list[PlanTodo]:
    out = []
    known: set[str] = set()
    for org, plan in repo.all_plans():
        if plan_name is not None and plan_name not in (plan.id, f"{org.id}/{plan.id}"):
            continue
        known.update(org.periods)
        period = org.periods.get(period_id) if period_id else open_round(org.periods.values(), written(org), today())
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


def _named(item: Owed, labels: Labels) -> str:
    return f"{labels('todo', 'kind', item.kind)} {item.id}"


def _what(item: Owed, labels: Labels) -> str:
    return f"{_named(item, labels)}: {item.title}"


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
        # Ids are what people search the files for: a long one folds onto the next line, never cut short.
        for column in ("who", "what", "why"):
            table.add_column(str(labels("todo", "column", column)), overflow="fold", ratio=2 if column == "what" else 1)
        for group in todo.groups:
            for index, item in enumerate(group.items):
                who = _who(group, labels) if index == 0 else ""
                what = f"{_named(item, labels)}\n{item.title}" if item.title else _named(item, labels)
                table.add_row(escape(who), escape(what), escape(_why(item, labels)))
        console.print(table)
