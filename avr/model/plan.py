"""Plan file ``<org>/<plan>/plan.yaml`` and report files ``<org>/<plan>/reports/*.yaml``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from avr.i18n import _
from avr.model.common import MAX_HEADING, Heading, Id, Markdown, Schema, Year
from avr.model.sections import NEEDS_PERIOD, PRESETS, Section


class Decision(Schema):
    """The decision that adopted the plan (beslut)."""

    body: str | None = Field(default=None, description="Who decided / beslutande organ")
    date: dt.date = Field(description="Beslutsdatum")
    paragraph: str | None = Field(default=None, description="Paragraf, e.g. § 45")
    case_number: str | None = Field(default=None, description="Diarienummer, e.g. AMN-2020-00406")


class GoalArea(Schema):
    """Målområde, e.g. Medborgare."""

    id: Id
    title: Heading
    description: Markdown | None = None


class Noun(Schema):
    """What the plan calls a kind of item, in the forms Swedish needs: nämndmål, nämndmål, nämndmålet,
    nämndmålen; its gender picks "ett"/"en" and the participles ("ett som färdigt")."""

    singular: str = Field(description="Singular, e.g. nämndmål, aktivitet")
    plural: str = Field(description="Plural, e.g. nämndmål, aktiviteter")
    definite: str = Field(description="Definite singular, e.g. nämndmålet, aktiviteten")
    definite_plural: str = Field(description="Definite plural, e.g. nämndmålen, aktiviteterna")
    gender: Literal["common", "neuter"] = Field(default="common", description="common (en) or neuter (ett)")


# What `terms:` may name: the goal-like kinds and the work items (activity files).
TermKey = Literal[
    "goal", "refinement", "development_area", "special_assignment", "quality_work", "process_goal",
    "commitment", "development_assignment", "activity",
]


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
    title: Heading
    first_year: Year = Field(description="First year covered / första år")
    last_year: Year | None = Field(default=None, description="Last year covered, if several / sista år")
    decision: Decision | None = None
    goal_areas: list[GoalArea] = Field(default_factory=list, description="Målområden")
    description: Markdown | None = Field(default=None, description="Introduction / inledning")
    item_noun: Literal["activity", "commitment"] = Field(
        default="activity", description="What the status sentence counts: aktiviteter or åtaganden"
    )
    terms: dict[TermKey, Noun] = Field(
        default_factory=dict, description="The plan's own words for its items (goal, process_goal, commitment, "
        "activity, …); the label catalogue's otherwise")

    @model_validator(mode="after")
    def _years(self) -> Plan:
        if self.last_year is not None and self.last_year < self.first_year:
            raise ValueError(_("last_year is before first_year"))
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

    kind: ReportKind | None = Field(
        default=None,
        description="A preset list of sections: followup (uppföljning, as seed 000), status (handlingsplan, "
        "seed 001), plan (the plan), interim (delårsrapport, seed 003), audit (uppföljning av "
        "revisionsrapporter, seed 002)",
    )
    sections: list[Section] | None = Field(
        default=None, description="The report's sections in order (instead of a preset's); each a name or "
        "{name:, options…}")
    period: Id | None = Field(default=None, description="Period id; required for followup and status")
    # room for the title avr gives a report nobody described: the plan's title, a dash and a period's label
    title: str = Field(max_length=2 * MAX_HEADING + 10, description="Title of the report, printed in page headers")
    case_number: Heading | None = Field(default=None, description="Diarienummer")
    date: dt.date | None = None
    author: Heading | None = Field(default=None, description="Handläggare / författare")
    introduction: Markdown | None = Field(default=None, description="Inledning")
    summary: Markdown | None = Field(default=None, description="Sammanfattning")
    stated: StatedCounts | None = Field(
        default=None, description="Status counts as the source's status sentence or table prints them; checked"
    )

    @model_validator(mode="after")
    def _period(self) -> ReportSpec:
        if self.kind is None and self.sections is None:
            raise ValueError(_("a report needs `kind` (a preset: {presets}) or `sections`").format(presets=", ".join(PRESETS)))
        if self.period is None:
            if self.sections is None and self.kind in ("followup", "status", "interim"):
                raise ValueError(_("a {kind} report needs `period`").format(kind=self.kind))
            needing = [s.name for s in self.section_list if s.name in NEEDS_PERIOD]
            if needing:
                raise ValueError(_("section `{section}` needs the report's `period`").format(section=needing[0]))
        return self

    @property
    def section_list(self) -> tuple[Section, ...]:
        """The sections to build: those listed, else the preset's."""
        if self.sections is not None:
            return tuple(self.sections)
        return PRESETS[self.kind or "plan"]
