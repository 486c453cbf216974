"""`avr status`: a terminal summary, or the public JSON shape.

The JSON shape is defined once, by the TypedDicts below: `status_data` checks what it built against them (an
undeclared or missing key is a bug, caught by the tests that run `avr status --json`), and the documentation
site's *avr status --json* page is generated from them (avr/reference.py). Descriptions are Swedish, as the
site is.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, TypeAdapter, with_config
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typing_extensions import TypedDict

from avr.compute.periods import sort_ids
from avr.compute.results import COUNT_KEYS, compute_plan
from avr.errors import UsageError
from avr.i18n import gettext as _
from avr.model.repository import Repository
from avr.render.env import status_label
from avr.render.interim import interim_json
from avr.render.jsonout import activity_status_json, counts_json, indicator_json
from avr.render.labels import Labels
from avr.render.terms import Words

Number = int | float
VerdictValue = Literal["met", "partially_met", "not_met", "not_assessed"]
StatusValue = Literal["not_started", "on_track", "off_track", "done", "stopped"]
_CLOSED = ConfigDict(extra="forbid")


@with_config(_CLOSED)
class TargetJson(TypedDict, total=False):
    """Indikatorns målvärde för perioden: ett tal med jämförelse, en riktning eller en text."""

    op: Annotated[str, Field(description="Jämförelsen: `>=`, `<=`, `>`, `<` eller `=` (ett tal utan jämförelse får "
                                         "`>=` eller `<=` efter indikatorns `better`)")]
    value: Annotated[Number, Field(description="Målvärdet")]
    direction: Annotated[str, Field(description="Riktningen: `increase`, `decrease`, `not_increase` eller "
                                                "`not_decrease`")]
    relative_to: Annotated[str, Field(description="Vad riktningen jämförs med: `baseline`, `previous_period` eller "
                                                  "`same_period_last_year`")]
    text: Annotated[str, Field(description="Ett mål i ord, som inte bedöms")]


@with_config(_CLOSED)
class IndicatorStatusJson(TypedDict):
    """En indikator under ett mål."""

    id: Annotated[str, Field(description="Indikatorns id")]
    title: Annotated[str, Field(description="Indikatorns namn")]
    value: Annotated[Number | None, Field(description="Utfallet som tal (en kvot skalad till procent för andelar), "
                                                      "`null` utan utfall")]
    target: Annotated[TargetJson | None, Field(description="Målvärdet, `null` utan mål för perioden")]
    result: Annotated[VerdictValue, Field(description="Indikatorns resultat mot målet")]


@with_config(_CLOSED)
class GoalStatusJson(TypedDict):
    """Ett mål (eller annan målliknande post) och dess bedömning."""

    id: Annotated[str, Field(description="Målets id, t.ex. `2:1`")]
    title: Annotated[str, Field(description="Målets titel, annars dess text")]
    verdict: Annotated[VerdictValue, Field(description="Måluppfyllelsen i perioden (en manuell bedömning om den finns)")]
    indicators: Annotated[list[IndicatorStatusJson], Field(description="Målets indikatorer")]


@with_config(_CLOSED)
class CountsJson(TypedDict):
    """Antal per status; alltid exakt dessa nycklar."""

    not_started: Annotated[int, Field(description="Ej påbörjade")]
    on_track: Annotated[int, Field(description="Pågår enligt plan")]
    off_track: Annotated[int, Field(description="Avviker från plan")]
    done: Annotated[int, Field(description="Färdiga")]
    stopped: Annotated[int, Field(description="Stoppade")]
    unreported: Annotated[int, Field(description="Utan status i perioden")]


@with_config(_CLOSED)
class ActivityStatusJson(TypedDict):
    """En aktivitets status i perioden."""

    id: Annotated[str, Field(description="Aktivitetens id")]
    status: Annotated[StatusValue | None, Field(description="Status i perioden; `null`: ej rapporterad")]
    status_label: Annotated[str | None, Field(description="Statusordet som organisationen skrev det")]
    status_period: Annotated[str | None, Field(description="Perioden då statusen gavs: en tidigare när `done` eller "
                                                           "`stopped` följer med")]
    last_status: Annotated[StatusValue | None, Field(description="Den senast givna statusen, även när den inte "
                                                                 "gäller längre")]


@with_config(_CLOSED)
class CellJson(TypedDict):
    """Ett belopp i en ekonomisk tabell."""

    value: Annotated[Number | None, Field(description="Beloppet som rapporten visar")]
    stated: Annotated[Number | None, Field(description="Beloppet som det står i filen, `null` om det inte står där")]
    computed: Annotated[Number | None, Field(description="Beloppet som avr räknar fram (summa, avvikelse), `null` om "
                                                         "det inte räknas")]


@with_config(_CLOSED)
class DeviationJson(TypedDict):
    """En avvikelsekolumn räknas ur två andra kolumner."""

    actual: Annotated[str, Field(description="Kolumnen med utfall eller prognos")]
    budget: Annotated[str, Field(description="Kolumnen med budgeten den jämförs med")]


@with_config(_CLOSED)
class ColumnJson(TypedDict):
    """En kolumn i en ekonomisk tabell."""

    id: Annotated[str, Field(description="Kolumnens id, t.ex. `budget-2019`")]
    label: Annotated[str, Field(description="Kolumnens rubrik")]
    group: Annotated[str | None, Field(description="Gruppen av kolumner den står under, om någon")]
    deviation: Annotated[DeviationJson | None, Field(description="För en avvikelsekolumn: vilka kolumner den räknas "
                                                                 "ur; annars `null`")]


@with_config(_CLOSED)
class RowJson(TypedDict):
    """En rad i en ekonomisk tabell."""

    label: Annotated[str, Field(description="Radens text")]
    kind: Annotated[str, Field(description="Radens slag: en rad, en delsumma eller en rubrik")]
    side: Annotated[str | None, Field(description="`income` eller `cost` för en rad med tecken som tryckt, annars "
                                                  "`null`")]
    level: Annotated[int, Field(description="Nivå i tabellen (0 överst)")]
    cells: Annotated[dict[str, CellJson], Field(description="Radens belopp per kolumn-id")]


@with_config(_CLOSED)
class EconomyTableJson(TypedDict):
    """En av planens ekonomiska tabeller."""

    id: Annotated[str, Field(description="Tabellens id")]
    title: Annotated[str, Field(description="Tabellens rubrik")]
    kind: Annotated[str, Field(description="Tabellens slag, t.ex. `operating_budget`")]
    unit: Annotated[str, Field(description="Enhet: `kr`, `tkr` eller `mnkr`")]
    sign: Annotated[str, Field(description="Teckenkonventionen i filen")]
    period: Annotated[str | None, Field(description="Perioden tabellen gäller, `null` för planens egna")]
    columns: Annotated[list[ColumnJson], Field(description="Kolumnerna i ordning")]
    convention: Annotated[str, Field(description="Teckenkonventionen som den anges under tabellen")]
    rows: Annotated[list[RowJson], Field(description="Raderna i ordning")]
    total: Annotated[dict[str, CellJson], Field(description="Totalen per kolumn-id")]


@with_config(_CLOSED)
class PlanStatusJson(TypedDict):
    """En plan i en period."""

    id: Annotated[str, Field(description="Planens id (dess mapp)")]
    organisation: Annotated[str, Field(description="Organisationens id (dess mapp)")]
    title: Annotated[str, Field(description="Planens titel")]
    period: Annotated[str | None, Field(description="`--period`, annars planens senaste period med uppföljningar; "
                                                    "`null` om ingen")]
    goals: Annotated[list[GoalStatusJson], Field(description="Planens mål i ordning")]
    activity_counts: Annotated[CountsJson, Field(description="Aktiviteterna per status i perioden")]
    activities: Annotated[list[ActivityStatusJson], Field(description="Varje aktivitets status")]
    commitment_counts: Annotated[CountsJson, Field(description="Målen av slaget `commitment` (åtaganden) per status")]
    economy: Annotated[list[EconomyTableJson], Field(description="Planens ekonomiska tabeller: de utan period och "
                                                                 "periodens")]


@with_config(_CLOSED)
class StatusJson(TypedDict):
    """Det `avr status --json` skriver. Med `--period` utelämnas planer vars organisation saknar perioden; en
    period som ingen organisation har är ett användningsfel (slutkod 2)."""

    plans: Annotated[list[PlanStatusJson], Field(description="Varje plan, i förrådets ordning")]


@cache
def status_shape() -> TypeAdapter[StatusJson]:
    """The validator of the public shape (built once; pydantic compiles it)."""
    return TypeAdapter(StatusJson)


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
    data = {"plans": plans}
    status_shape().validate_python(data, strict=True)  # the public shape: a key added without its definition fails
    return data


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
