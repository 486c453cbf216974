"""Audits (revisionsrapporter) ``audits/<id>.yaml`` and the board's follow-up ``audit-followups/<period>/*.yaml``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import ConfigDict, Field

from avr.model.common import Id, Markdown, Schema, Title

Grade = Literal["satisfactory", "partly_satisfactory", "unsatisfactory"]


class Objective(Schema):
    """A control objective (kontrollmål) with the auditor's assessment (bedömning)."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Ett kontrollmål med revisorns bedömning",
        "en_description": "A control objective with the auditor's assessment",
    })

    id: Id = Field(description="Kontrollmålets id, t.ex. 1", json_schema_extra={"en": "Control objective id, e.g. 1"})
    question: str = Field(
        description="Kontrollmålet, t.ex. Finns mål och riktlinjer …?",
        json_schema_extra={"en": "The control objective, e.g. Finns mål och riktlinjer …?"},
    )
    assessment: Markdown = Field(
        description="Bedömning som den skrivits (Markdown)", json_schema_extra={"en": "Assessment as written (Markdown)"})
    grade: Grade | None = Field(
        default=None,
        description="Gradering där texten anger den: satisfactory, partly_satisfactory, unsatisfactory",
        json_schema_extra={"en": "Grade where the text gives one: satisfactory, partly_satisfactory, unsatisfactory"},
    )


class Recommendation(Schema):
    """A recommendation (rekommendation) the board must follow up."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "En rekommendation som nämnden ska följa upp",
        "en_description": "A recommendation the board must follow up",
    })

    id: Id = Field(description="Rekommendationens id, t.ex. R1", json_schema_extra={"en": "Recommendation id, e.g. R1"})
    objective: Id | None = Field(
        default=None,
        description="Kontrollmålet den kommer från",
        json_schema_extra={"en": "The control objective it comes from"},
    )
    text: Markdown = Field(description="Rekommendationen (Markdown)", json_schema_extra={"en": "The recommendation (Markdown)"})


class Audit(Schema):
    """An audit report (revisionsrapport, granskning)."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "En revisionsrapport (audits/<id>.yaml)",
        "en_description": "An audit report (audits/<id>.yaml)",
    })

    id: Id = Field(description="Granskningens id", json_schema_extra={"en": "Audit id"})
    title: Title = Field(description="Rapportens titel", json_schema_extra={"en": "Title of the report"})
    auditor: str | None = Field(
        default=None, description="Revisor eller projektledare", json_schema_extra={"en": "Auditor or project leader"})
    date: dt.date | None = Field(default=None, description="Datum, ÅÅÅÅ-MM-DD", json_schema_extra={"en": "Date, YYYY-MM-DD"})
    year: int | None = Field(
        default=None,
        ge=1900,
        le=2200,
        description="Granskningens år när datum saknas",
        json_schema_extra={"en": "Year of the audit when no date is given"},
    )
    audited: list[str] = Field(default_factory=list, description="Granskade nämnder", json_schema_extra={"en": "Boards audited"})
    question: str = Field(description="Revisionsfråga", json_schema_extra={"en": "Audit question"})
    method: Markdown | None = Field(
        default=None, description="Revisionsmetod (Markdown)", json_schema_extra={"en": "Audit method (Markdown)"})
    summary: Markdown | None = Field(
        default=None,
        description="Sammanfattning och revisionell bedömning (Markdown)",
        json_schema_extra={"en": "Summary and the auditor's assessment (Markdown)"},
    )
    objectives: list[Objective] = Field(
        min_length=1, description="Kontrollmål med bedömning", json_schema_extra={"en": "Control objectives with assessments"})
    recommendations: list[Recommendation] = Field(
        default_factory=list,
        description="Rekommendationer som nämnden ska följa upp",
        json_schema_extra={"en": "Recommendations the board must follow up"},
    )


class AuditFollowUp(Schema):
    """The board's follow-up of one recommendation in one period."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Nämndens uppföljning av en rekommendation för en period (audit-followups/<period>/<id>.yaml)",
        "en_description": "The board's follow-up of one recommendation in a period (audit-followups/<period>/<id>.yaml)",
    })

    period: Id = Field(description="Periodens id", json_schema_extra={"en": "Period id"})
    audit: Id = Field(description="Granskningens id", json_schema_extra={"en": "The audit's id"})
    recommendation: Id = Field(description="Rekommendationens id", json_schema_extra={"en": "The recommendation's id"})
    status: str = Field(
        description="Status med organisationens ord, t.ex. Genomförd",
        json_schema_extra={"en": "Status in the organisation's words, e.g. Genomförd"},
    )
    date: dt.date | None = Field(default=None, description="Datum, ÅÅÅÅ-MM-DD", json_schema_extra={"en": "Date, YYYY-MM-DD"})
    text: Markdown | None = Field(
        default=None, description="Vad som gjorts (Markdown)", json_schema_extra={"en": "What has been done (Markdown)"})
