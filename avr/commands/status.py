"""`avr status`: a terminal summary, or the public JSON shape."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from avr.compute.results import COUNT_KEYS, compute_plan
from avr.errors import UsageError
from avr.model.repository import Repository
from avr.render.jsonout import counts_json, indicator_json
from avr.render.labels import Labels


def status_data(repo: Repository, period: str | None) -> dict[str, Any]:
    plans = []
    known_periods: set[str] = set()
    for org, plan in repo.all_plans():
        known_periods.update(org.periods)
        followed = sorted({f.period for f in plan.followups}, key=lambda p: org.periods[p].end if p in org.periods else p)
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
        })
    if period is not None and period not in known_periods:
        raise UsageError(f"unknown period `{period}`; known: {', '.join(sorted(known_periods))}")
    return {"plans": plans}


def print_status(data: dict[str, Any], labels: Labels) -> None:
    """Rich tables in the report language: each goal's verdict, then the status counts."""
    console = Console()
    for plan in data["plans"]:
        # rich reads [tags] in strings as markup: text from YAML is escaped (`[/]` would even crash)
        title = escape(f"{plan['title']} ({plan['organisation']}, {plan['period'] or '–'})")
        table = Table(title=title, title_justify="left")
        table.add_column(str(labels("column", "goal")))
        table.add_column(str(labels("column", "verdict")))
        for goal in plan["goals"]:
            verdict = goal["verdict"]
            table.add_row(escape(goal["id"]), f"{labels('verdict_symbol', verdict)} {labels('verdict', verdict)}")
        console.print(table)
        counts = plan["activity_counts"]
        if any(counts.values()):
            console.print("  " + ", ".join(escape(f"{labels('status', k)}: {counts[k]}") for k in COUNT_KEYS if counts[k]))
