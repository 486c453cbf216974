"""Plan file ``<org>/<plan>/plan.yaml`` and report files ``<org>/<plan>/reports/*.yaml``."""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import ConfigDict, Field, model_validator

from avr.i18n import gettext as _
from avr.model.common import MAX_HEADING, Heading, Id, Markdown, Schema, Year
from avr.model.sections import NEEDS_PERIOD, PRESETS, Section


class Decision(Schema):
    """The decision that adopted the plan (beslut)."""

    model_config = ConfigDict(json_schema_extra={"sv_description": "Beslut", "en_description": "Decision"})

    body: str | None = Field(default=None, description="Beslutande organ", json_schema_extra={"en": "Who decided"})
    date: dt.date = Field(description="Beslutsdatum, ÅÅÅÅ-MM-DD", json_schema_extra={"en": "Date of decision, YYYY-MM-DD"})
    paragraph: str | None = Field(
        default=None, description="Paragraf, t.ex. § 45", json_schema_extra={"en": "Paragraph, e.g. § 45"})
    case_number: str | None = Field(
        default=None,
        description="Diarienummer, t.ex. AMN-2020-00406",
        json_schema_extra={"en": "Case number, e.g. AMN-2020-00406"},
    )


class GoalArea(Schema):
    """Målområde, e.g. Medborgare."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Målområde, t.ex. Medborgare",
        "en_description": "Goal area, e.g. Medborgare",
    })

    id: Id = Field(description="Målområdets id", json_schema_extra={"en": "Goal area id"})
    title: Heading = Field(description="Målområdets namn", json_schema_extra={"en": "Title of the goal area"})
    description: Markdown | None = Field(
        default=None, description="Beskrivning (Markdown)", json_schema_extra={"en": "Description (Markdown)"})


class Noun(Schema):
    """What the plan calls a kind of item, in the forms Swedish needs: nämndmål, nämndmål, nämndmålet,
    nämndmålen; its gender picks "ett"/"en" and the participles ("ett som färdigt")."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Vad planen kallar ett slags post, i de former svenskan behöver",
        "en_description": "What the plan calls a kind of item, in the forms Swedish needs",
    })

    singular: str = Field(
        description="Singular, t.ex. nämndmål, aktivitet", json_schema_extra={"en": "Singular, e.g. nämndmål, aktivitet"})
    plural: str = Field(
        description="Plural, t.ex. nämndmål, aktiviteter", json_schema_extra={"en": "Plural, e.g. nämndmål, aktiviteter"})
    definite: str = Field(
        description="Bestämd form singular, t.ex. nämndmålet, aktiviteten",
        json_schema_extra={"en": "Definite singular, e.g. nämndmålet, aktiviteten"},
    )
    definite_plural: str = Field(
        description="Bestämd form plural, t.ex. nämndmålen, aktiviteterna",
        json_schema_extra={"en": "Definite plural, e.g. nämndmålen, aktiviteterna"},
    )
    gender: Literal["common", "neuter"] = Field(
        default="common",
        description="Genus: common (en) eller neuter (ett)",
        json_schema_extra={"en": "Gender: common (en) or neuter (ett)"},
    )


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
PLAN_KINDS: tuple[str, ...] = get_args(PlanKind)


class Plan(Schema):
    """A plan decided by a board, with goals, indicators and activities in sibling folders."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "En plan beslutad av nämnden (plan.yaml)",
        "en_description": "A plan decided by a board (plan.yaml)",
    })

    id: Id = Field(
        description="Planens id, samma som mappens namn", json_schema_extra={"en": "Plan id, the same as its folder's name"})
    kind: PlanKind = Field(
        description="Slag: assignment_plan (uppdragsplan), operational_plan (verksamhetsplan), internal_budget (internbudget), "
                    "action_plan (handlingsplan)",
        json_schema_extra={"en": "Kind: assignment_plan, operational_plan, internal_budget, action_plan"},
    )
    title: Heading = Field(description="Planens titel", json_schema_extra={"en": "Title of the plan"})
    first_year: Year = Field(description="Första år planen gäller", json_schema_extra={"en": "First year covered"})
    last_year: Year | None = Field(
        default=None, description="Sista år planen gäller, om flera", json_schema_extra={"en": "Last year covered, if several"})
    decision: Decision | None = Field(
        default=None, description="Beslutet som antog planen", json_schema_extra={"en": "The decision that adopted the plan"})
    goal_areas: list[GoalArea] = Field(default_factory=list, description="Målområden", json_schema_extra={"en": "Goal areas"})
    description: Markdown | None = Field(
        default=None, description="Inledning (Markdown)", json_schema_extra={"en": "Introduction (Markdown)"})
    item_noun: Literal["activity", "commitment"] = Field(
        default="activity",
        description="Vad statusmeningen räknar: activity (aktiviteter) eller commitment (åtaganden)",
        json_schema_extra={"en": "What the status sentence counts: activity or commitment"},
    )
    terms: dict[TermKey, Noun] = Field(
        default_factory=dict,
        description="Planens egna ord för sina poster (goal, process_goal, commitment, activity …); annars etikettkatalogens",
        json_schema_extra={"en": "The plan's own words for its items (goal, process_goal, commitment, activity, …); the label "
                                 "catalogue's otherwise"},
    )

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

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Statusräkningen som källan skriver den (Av de 26 aktiviteterna bedöms 13 som färdiga …); kontrolleras",
        "en_description": "The status counts a source prints (Av de 26 aktiviteterna bedöms 13 som färdiga …); checked",
    })

    counts: dict[CountKey, int] = Field(
        default_factory=dict,
        description="Antal per status: not_started, on_track, off_track, done, stopped, unreported",
        json_schema_extra={"en": "Count per status: not_started, on_track, off_track, done, stopped, unreported"},
    )
    total: int | None = Field(
        default=None,
        ge=0,
        description="Antalet som räknas (26 i Av de 26)",
        json_schema_extra={"en": "The number counted (the 26 of Av de 26)"},
    )


ReportKind = Literal["followup", "status", "plan", "interim", "audit"]


class ReportSpec(Schema):
    """A report to build: which kind, which period, and the cover facts."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "En rapport att bygga (reports/<id>.yaml)",
        "en_description": "A report to build (reports/<id>.yaml)",
    })

    kind: ReportKind | None = Field(
        default=None,
        description="Förval av avsnitt: followup (uppföljning), status (handlingsplan), plan (planen), interim "
                    "(delårsrapport), audit (uppföljning av revisionsrapporter)",
        json_schema_extra={"en": "Preset of sections: followup, status (action plan), plan, interim (interim report), audit "
                                 "(follow-up of audits)"},
    )
    sections: list[Section] | None = Field(
        default=None,
        description="Rapportens avsnitt i ordning (i stället för ett förval); vart och ett ett namn eller {name:, alternativ}",
        json_schema_extra={"en": "The report's sections in order (instead of a preset); each a name or {name:, options}"},
    )
    period: Id | None = Field(
        default=None,
        description="Periodens id; krävs för followup, status och interim och för avsnitt om en periods uppföljning",
        json_schema_extra={"en": "Period id; required for followup, status and interim, and for sections on a period's "
                                 "follow-up"},
    )
    # room for the title avr gives a report nobody described: the plan's title, a dash and a period's label
    title: str = Field(
        max_length=2 * MAX_HEADING + 10, description="Rapportens titel", json_schema_extra={"en": "Title of the report"})
    case_number: Heading | None = Field(default=None, description="Diarienummer", json_schema_extra={"en": "Case number"})
    date: dt.date | None = Field(default=None, description="Datum, ÅÅÅÅ-MM-DD", json_schema_extra={"en": "Date, YYYY-MM-DD"})
    author: Heading | None = Field(default=None, description="Handläggare eller författare", json_schema_extra={"en": "Author"})
    introduction: Markdown | None = Field(
        default=None, description="Inledning (Markdown)", json_schema_extra={"en": "Introduction (Markdown)"})
    summary: Markdown | None = Field(
        default=None, description="Sammanfattning (Markdown)", json_schema_extra={"en": "Summary (Markdown)"})
    stated: StatedCounts | None = Field(
        default=None,
        description="Statusräkningen som källans statusmening eller tabell skriver den; kontrolleras",
        json_schema_extra={"en": "Status counts as the source's status sentence or table prints them; checked"},
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
