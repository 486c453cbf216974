"""Follow-up entry files ``<org>/<plan>/followups/<period>/*.yaml`` (uppföljning)."""

from __future__ import annotations

import datetime as dt

from pydantic import ConfigDict, Field, model_validator

from avr.i18n import gettext as _
from avr.model.common import Id, Markdown, Schema, Verdict, YearOrOngoing
from avr.model.goal import ValueField


class ManualVerdict(Schema):
    """A verdict set by hand (bedömning); needs a justification (motivering)."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Manuell bedömning; kräver motivering",
        "en_description": "A verdict set by hand; needs a justification",
    })

    verdict: Verdict = Field(
        description="Bedömning: met, partially_met, not_met, not_assessed",
        json_schema_extra={"en": "Verdict: met, partially_met, not_met, not_assessed"},
    )
    justification: Markdown | None = Field(default=None, description="Motivering", json_schema_extra={"en": "Justification"})


class StatedGoal(Schema):
    """What the source states about a goal beside its indicators; checked against what avr computes."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Vad källan skriver om ett mål bredvid indikatorerna; kontrolleras mot det uträknade",
        "en_description": "What the source states about a goal beside its indicators; checked against what avr computes",
    })

    verdict: Verdict | None = Field(
        default=None,
        description="Bedömningen som den skrivs (Målet är uppfyllt); ska vara den uträknade",
        json_schema_extra={"en": "The verdict printed (Målet är uppfyllt); must be the computed one"},
    )
    met: int | None = Field(
        default=None,
        ge=0,
        description="Antal uppfyllda indikatorer (3 av 4 uppfyllda)",
        json_schema_extra={"en": "Number of indicators met (3 of 4 met)"},
    )
    indicators: int | None = Field(
        default=None,
        ge=0,
        description="Antal indikatorer (4 i 3 av 4)",
        json_schema_extra={"en": "Number of indicators (the 4 of 3 of 4)"},
    )


class FollowUp(Schema):
    """One follow-up of an activity or a goal for one period."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "En uppföljning av en aktivitet eller ett mål för en period (followups/<period>/<id>.yaml)",
        "en_description": "A follow-up of an activity or a goal for one period (followups/<period>/<id>.yaml)",
    })

    period: Id = Field(description="Periodens id", json_schema_extra={"en": "Period id"})
    activity: Id | None = Field(
        default=None, description="Aktiviteten som följs upp", json_schema_extra={"en": "Activity followed up"})
    goal: Id | None = Field(
        default=None,
        description="Målet som följs upp (utfall och bedömning)",
        json_schema_extra={"en": "Goal followed up (outcomes and verdict)"},
    )
    status: str | None = Field(
        default=None,
        description="Status med organisationens ord, t.ex. Påbörjad",
        json_schema_extra={"en": "Status in the organisation's words, e.g. Påbörjad"},
    )
    completion: int | None = Field(
        default=None, ge=0, le=100, description="Färdiggrad i procent", json_schema_extra={"en": "Completion in percent"})
    expected_completion: YearOrOngoing | None = Field(
        default=None,
        description="Bedöms bli färdig: år, eller ongoing",
        json_schema_extra={"en": "Expected completion: a year, or ongoing"},
    )
    text: Markdown | None = Field(
        default=None, description="Återrapportering (Markdown)", json_schema_extra={"en": "Report text (Markdown)"})
    remaining: Markdown | None = Field(
        default=None,
        description="Plan för återstående arbete (Markdown)",
        json_schema_extra={"en": "Plan for remaining work (Markdown)"},
    )
    date: dt.date | None = Field(
        default=None,
        description="Datum för kommentaren, ÅÅÅÅ-MM-DD",
        json_schema_extra={"en": "Date of the comment, YYYY-MM-DD"},
    )
    author: str | None = Field(default=None, description="Vem som skrivit", json_schema_extra={"en": "Author"})
    outcomes: dict[Id, ValueField] = Field(
        default_factory=dict,
        description="Utfall per indikator-id: 33,9 eller 353/1040",
        json_schema_extra={"en": "Outcomes by indicator id: 33,9 or 353/1040"},
    )
    verdict: ManualVerdict | None = Field(
        default=None, description="Manuell bedömning av måluppfyllelsen", json_schema_extra={"en": "Manual verdict"})
    stated: StatedGoal | None = Field(
        default=None,
        description="Målets bedömning och antal indikatorer som källan skriver dem; kontrolleras",
        json_schema_extra={"en": "The goal's verdict and indicator counts as the source prints them; checked"},
    )

    @model_validator(mode="after")
    def _subject(self) -> FollowUp:
        if (self.activity is None) == (self.goal is None):
            raise ValueError(_("a follow-up names exactly one of `activity` or `goal`"))
        if self.activity is not None and (self.outcomes or self.verdict or self.stated):
            raise ValueError(_("`outcomes`, `verdict` and `stated` belong in a goal's follow-up, not an activity's"))
        if self.verdict is not None and self.stated is not None and self.stated.verdict is not None:
            raise ValueError(_("give a manual `verdict` (it overrides the computed one) or a `stated` verdict (it "
                               "must equal the computed one), not both"))
        return self

    @property
    def subject(self) -> str:
        return self.activity or self.goal or ""
