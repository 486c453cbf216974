"""`avr status`: a terminal summary, or the public JSON shape."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from avr.compute.periods import sort_ids
from avr.compute.results import COUNT_KEYS, compute_plan
from avr.errors import UsageError
from avr.i18n import _
from avr.model.repository import Repository
from avr.render.env import status_label
from avr.render.interim import interim_json
from avr.render.jsonout import activity_status_json, counts_json, indicator_json
from avr.render.labels import Labels
from avr.render.terms import Words


def status_data(repo: Repository, period: str | None) -> dict[str, Any]:
    plans = []
    known_periods: set[str] = set()
    for org, plan in repo.all_plans():
        known_periods.update(org.periods)
        followed = sort_ids({f.period for f in plan.followups}, org.periods)
        chosen = period if period is not None else (followed[-1] if followed else None)
        if chosen is not None and chosen not in org.periods:
            continue
        result = compute_plan(org, plan, chosen, repo.config.rules)
        plans.append({
            "id": plan.id,
            "organisation": org.id,
            "title": plan.plan.title,
            "period": chosen,
            "goals": [
                {
                    "id": g.goal.id,
                    "title": g.goal.title or g.goal.text,
                    "verdict": g.verdict.value,
                    "indicators": [
                        {k: v for k, v in indicator_json(ir).items() if k in ("id", "title", "value", "target", "result")}
                        for ir in g.indicators
                    ],
                }
                for g in result.all_goals()
            ],
            "activity_counts": counts_json(result.counts),
            "activities": [activity_status_json(a) for a in result.activities],
            **interim_json(plan, result, repo.config, interim=False),
        })
    if period is not None and period not in known_periods:
        raise UsageError(_("unknown period `{period}`; known: {known}").format(
            period=period, known=", ".join(sorted(known_periods))))
    return {"plans": plans}


def print_status(repo: Repository, data: dict[str, Any], labels: Labels) -> None:
    """Rich tables in the report language: each goal's verdict, then the status counts in the organisation's words."""
    console = Console()
    for plan in data["plans"]:
        org = repo.orgs[plan["organisation"]]
        organisation = org.organisation
        words = Words(org.plans[plan["id"]].plan, labels)
        # A heading line rather than a table title: a long plan title then wraps at the terminal, not the table.
        console.print(f"[bold]{escape(plan['title'])}[/bold] ({plan['organisation']}, {plan['period'] or '–'})")
        rows = [
            (goal["id"], " ".join((goal["title"] or "").split()),
             f"{labels('verdict_symbol', goal['verdict'])} {labels('verdict', goal['verdict'])}")
            for goal in plan["goals"]
        ]
        # Ids and verdicts are kept whole; the title gives way on a narrow terminal.
        id_width = max((len(r[0]) for r in rows), default=1)
        verdict_width = max((len(r[2]) for r in rows), default=1)
        room = max(console.width - id_width - verdict_width - 10, 10)
        table = Table()
        table.add_column(words.label("column", "goal"), no_wrap=True)
        table.add_column(str(labels("column", "name")), no_wrap=True)
        table.add_column(str(labels("column", "verdict")), no_wrap=True)
        for goal_id, title, verdict in rows:
            short = title if len(title) <= room else title[: room - 1] + "…"
            table.add_row(escape(goal_id), escape(short), verdict)
        console.print(table)
        counts = plan["activity_counts"]
        if any(counts[k] for k in COUNT_KEYS if k != "unreported"):
            parts = (f"{status_label(organisation, k, labels)}: {counts[k]}" for k in COUNT_KEYS if counts[k])
            console.print("  " + ", ".join(parts))
        commitments = plan.get("commitment_counts", {})
        if any(commitments[k] for k in COUNT_KEYS if k != "unreported"):
            parts = (f"{status_label(organisation, k, labels)}: {commitments[k]}" for k in COUNT_KEYS if commitments[k])
            console.print(f"  {words.label('interim', 'status_commitments')}: " + ", ".join(parts))
        console.print()
