"""The parts a report is made of (avsnitt) and the five presets that reproduce the seed reports.

A report file lists its sections in order (`sections:`); `kind:` names a preset, which is such a list.
"""

from __future__ import annotations

import difflib
from typing import Any, Literal

from pydantic import ConfigDict, Field, GetJsonSchemaHandler, field_validator, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from avr.i18n import gettext as _
from avr.model.common import Markdown, Schema

# Each section and the options it takes besides `name`; `empty` and `title` apply to every section.
SECTION_OPTIONS: dict[str, tuple[str, ...]] = {
    "introduction": (),  # the report's `introduction` (inledning)
    "summary": (),  # the report's `summary` (sammanfattning)
    "text": ("text",),  # a free Markdown section: `title` and `text`
    "decision": (),  # the plan's decision (beslut)
    "plan_introduction": (),  # the plan's own description
    "goal_areas": (),  # the plan's goal areas (målområden)
    "plan_goals": (),  # the plan's goals with indicators, history, baseline and targets
    "plan_activities": (),  # the plan's work items as one table
    "fulfilment": ("status",),  # goal fulfilment: each goal, its outcome and verdict (måluppfyllelse)
    "goals": ("activities",),  # each goal with text, indicators, charts, verdict (and its work items)
    "goal_indicators": (),  # goals that have indicators: indicator table and verdict, briefly
    "status_sentence": (),  # the status sentence alone
    "overview": (),  # status counts and the expected-completion overview (seed 001)
    "activities": ("group_by", "card"),  # the work items with their follow-up
    "process_overview": (),  # goals per goal area with verdict and trend, status table and sentence
    "processes": (),  # each goal per area with follow-up, indicators, trends and its commitments
    "economy": (),  # the plan's economy tables of the report's period
    "internal_control": (),  # internal-control points with their results for the period
    "audits": ("heading",),  # audits, their control objectives and recommendations
    "missing": (),  # work items without follow-up in the period
}
COMMON_OPTIONS = ("empty", "title")
# Sections that speak of a period's follow-up: a report that lists one needs `period`.
NEEDS_PERIOD = frozenset({"fulfilment", "goals", "goal_indicators", "status_sentence", "overview", "activities",
                          "process_overview", "processes", "missing"})


class Section(Schema):
    """One section of a report: its name and its few options."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Ett avsnitt av rapporten: ett namn, eller name: och dess alternativ",
        "en_description": "A section of the report: a name, or name: and its options",
    })

    name: str = Field(
        description="Avsnittet: introduction, summary, text, decision, plan_introduction, goal_areas, plan_goals, "
                    "plan_activities, fulfilment, goals, goal_indicators, status_sentence, overview, activities, "
                    "process_overview, processes, economy, internal_control, audits, missing",
        json_schema_extra={"en": "The section: introduction, summary, text, decision, plan_introduction, goal_areas, "
                                 "plan_goals, plan_activities, fulfilment, goals, goal_indicators, status_sentence, overview, "
                                 "activities, process_overview, processes, economy, internal_control, audits, missing"},
    )
    title: str | None = Field(
        default=None,
        description="Rubrik i stället för standardrubriken",
        json_schema_extra={"en": "Heading instead of the default one"},
    )
    empty: Literal["note", "omit"] = Field(
        default="note",
        description="Utan uppgifter för perioden: note säger det i en mening, omit utelämnar avsnittet",
        json_schema_extra={"en": "Without data for the period: note says so in one sentence, omit leaves the section out"},
    )
    text: Markdown | None = Field(
        default=None, description="Avsnittet text: dess Markdown", json_schema_extra={"en": "Section text: its Markdown"})
    status: bool | None = Field(
        default=None,
        description="fulfilment: även statusmeningen och antal per status när status rapporteras (standard true)",
        json_schema_extra={"en": "fulfilment: also the status sentence and counts when statuses are reported (default true)"},
    )
    activities: Literal["by_unit", "none"] | None = Field(
        default=None,
        description="goals: målets aktiviteter per enhet (by_unit, standard) eller inga (none)",
        json_schema_extra={"en": "goals: each goal's work items by unit (by_unit, default) or none"},
    )
    group_by: Literal["unit", "goal", "none"] | None = Field(
        default=None,
        description="activities: per enhet (unit, standard), per mål (goal) eller en lista (none)",
        json_schema_extra={"en": "activities: by unit (unit, default), by goal (goal) or one list (none)"},
    )
    card: Literal["full", "brief"] | None = Field(
        default=None,
        description="activities: alla kortets fält (full, standard) eller status, färdiggrad och återrapportering (brief)",
        json_schema_extra={"en": "activities: every card field (full, default) or status, completion and report text (brief)"},
    )
    heading: bool | None = Field(
        default=None,
        description="audits: under en rubrik (standard true) eller varje granskning som eget huvudavsnitt",
        json_schema_extra={"en": "audits: under one heading (default true) or each audit as a top-level section"},
    )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # an entry is a bare name or a mapping: the editor should accept both
        own = handler(schema)
        return {"anyOf": [{"type": "string", "enum": list(SECTION_OPTIONS)}, own]}

    @model_validator(mode="before")
    @classmethod
    def _bare_name(cls, data: Any) -> Any:
        # `- economy` is short for `- name: economy`
        return {"name": data} if isinstance(data, str) else data

    @field_validator("name")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in SECTION_OPTIONS:
            close = difflib.get_close_matches(name, list(SECTION_OPTIONS), n=1, cutoff=0.6)
            if close:
                raise ValueError(_("unknown section `{name}`; did you mean `{close}`?").format(name=name, close=close[0]))
            raise ValueError(_("unknown section `{name}`; sections: {known}").format(
                name=name, known=", ".join(SECTION_OPTIONS)))
        return name

    @model_validator(mode="after")
    def _options(self) -> Section:
        allowed = (*SECTION_OPTIONS[self.name], *COMMON_OPTIONS)
        wrong = sorted(set(self.model_fields_set) - {"name", *allowed})
        if wrong:
            raise ValueError(_("option `{option}` does not apply to section `{section}`; its options: {options}").format(
                option=wrong[0], section=self.name, options=", ".join(allowed)))
        if self.name == "text" and (not self.title or not self.text):
            raise ValueError(_("a `text` section needs `title` and `text`"))
        return self


def _preset(*entries: str | dict[str, Any]) -> tuple[Section, ...]:
    # presets leave out what has no data, as the seed documents do
    return tuple(Section.model_validate({"empty": "omit", **({"name": e} if isinstance(e, str) else e)})
                 for e in entries)


PRESETS: dict[str, tuple[Section, ...]] = {
    "followup": _preset("introduction", "summary", "fulfilment", "goals", "economy", "missing"),
    "status": _preset("status_sentence", "introduction", "overview", {"name": "activities", "group_by": "none",
                      "card": "brief"}, "goal_indicators", "summary"),
    "plan": _preset("decision", "plan_introduction", "goal_areas", "plan_goals", "plan_activities", "economy"),
    "interim": _preset("summary", "introduction", "process_overview", "processes", "activities", "economy",
                       "internal_control", "audits"),
    "audit": _preset("introduction", {"name": "audits", "heading": False}, "internal_control"),
}
