"""Audits (revisionsrapporter) ``audits/<id>.yaml`` and the board's follow-up ``audit-followups/<period>/*.yaml``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from avr.model.common import Id, Markdown, Schema, Title

Grade = Literal["satisfactory", "partly_satisfactory", "unsatisfactory"]


class Objective(Schema):
    """A control objective (kontrollmål) with the auditor's assessment (bedömning)."""

    id: Id
    question: str = Field(description="Kontrollmålet, e.g. Finns mål och riktlinjer …?")
    assessment: Markdown = Field(description="Bedömning, as written")
    grade: Grade | None = Field(
        default=None, description="Only where the text grades it: tillfredsställande, delvis, inte tillfredsställande"
    )


class Recommendation(Schema):
    """A recommendation (rekommendation) the board must follow up."""

    id: Id
    objective: Id | None = Field(default=None, description="The control objective it comes from")
    text: Markdown


class Audit(Schema):
    """An audit report (revisionsrapport, granskning)."""

    id: Id
    title: Title
    auditor: str | None = Field(default=None, description="Revisor / projektledare")
    date: dt.date | None = None
    year: int | None = Field(default=None, ge=1900, le=2200, description="Year of the audit when no date is given")
    audited: list[str] = Field(default_factory=list, description="Granskade nämnder")
    question: str = Field(description="Revisionsfråga")
    method: Markdown | None = Field(default=None, description="Revisionsmetod")
    summary: Markdown | None = Field(default=None, description="Sammanfattning och revisionell bedömning")
    objectives: list[Objective] = Field(min_length=1, description="Kontrollmål")
    recommendations: list[Recommendation] = Field(default_factory=list)


class AuditFollowUp(Schema):
    """The board's follow-up of one recommendation in one period."""

    period: Id
    audit: Id
    recommendation: Id
    status: str = Field(description="Status in the organisation's words")
    date: dt.date | None = None
    text: Markdown | None = Field(default=None, description="Vad har gjorts / kommentar")
