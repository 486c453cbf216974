"""Plan file ``<org>/<plan>/plan.yaml`` and report files ``<org>/<plan>/reports/*.yaml``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from avr.model.common import Id, Markdown, Schema, Year


class Decision(Schema):
    """The decision that adopted the plan (beslut)."""

    body: str | None = Field(default=None, description="Who decided / beslutande organ")
    date: dt.date = Field(description="Beslutsdatum")
    paragraph: str | None = Field(default=None, description="Paragraf, e.g. § 45")
    case_number: str | None = Field(default=None, description="Diarienummer, e.g. AMN-2020-00406")


class GoalArea(Schema):
    """Målområde, e.g. Medborgare."""

    id: Id
    title: str
    description: Markdown | None = None


PlanKind = Literal[
    "assignment_plan",  # uppdragsplan
    "operational_plan",  # verksamhetsplan
    "internal_budget",  # internbudget
    "action_plan",  # handlingsplan, t.ex. 26-punktsplan
]


class Plan(Schema):
    """A plan decided by a board, with goals, indicators and activities in sibling folders."""

    id: Id
    kind: PlanKind
    title: str
    first_year: Year = Field(description="First year covered / första år")
    last_year: Year | None = Field(default=None, description="Last year covered, if several / sista år")
    decision: Decision | None = None
    goal_areas: list[GoalArea] = Field(default_factory=list, description="Målområden")
    description: Markdown | None = Field(default=None, description="Introduction / inledning")
    item_noun: Literal["activity", "commitment"] = Field(
        default="activity", description="What the status sentence counts: aktiviteter or åtaganden"
    )

    @model_validator(mode="after")
    def _years(self) -> Plan:
        if self.last_year is not None and self.last_year < self.first_year:
            raise ValueError("last_year is before first_year")
        return self

    @property
    def years_label(self) -> str:
        if self.last_year and self.last_year != self.first_year:
            return f"{self.first_year}–{self.last_year}"
        return str(self.first_year)


CountKey = Literal["not_started", "on_track", "off_track", "done", "stopped", "unreported"]


class StatedCounts(Schema):
    """The status counts a source prints (Av de 26 aktiviteterna bedöms 13 som färdiga …); checked."""

    counts: dict[CountKey, int] = Field(
        default_factory=dict, description="Count per canonical status (done: 13, on_track: 11); each is checked"
    )
    total: int | None = Field(default=None, ge=0, description="The number counted (the 26 of Av de 26)")


ReportKind = Literal["followup", "status", "plan", "interim", "audit"]


class ReportSpec(Schema):
    """A report to build: which kind, which period, and the cover facts."""

    kind: ReportKind = Field(
        description="followup (uppföljning, as seed 000), status (handlingsplan, seed 001), plan (the plan), "
        "interim (delårsrapport, seed 003), audit (uppföljning av revisionsrapporter, seed 002)"
    )
    period: Id | None = Field(default=None, description="Period id; required for followup and status")
    title: str
    case_number: str | None = Field(default=None, description="Diarienummer")
    date: dt.date | None = None
    author: str | None = Field(default=None, description="Handläggare / författare")
    introduction: Markdown | None = Field(default=None, description="Inledning")
    summary: Markdown | None = Field(default=None, description="Sammanfattning")
    stated: StatedCounts | None = Field(
        default=None, description="Status counts as the source's status sentence or table prints them; checked"
    )

    @model_validator(mode="after")
    def _period(self) -> ReportSpec:
        if self.kind in ("followup", "status", "interim") and self.period is None:
            raise ValueError(f"a {self.kind} report needs `period`")
        return self
