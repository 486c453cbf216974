"""Internal control (intern kontroll): ``controls/<id>.yaml`` and ``control-results/<period>/<id>.yaml``."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from avr.model.common import Id, Markdown, Schema, Title


class ControlPoint(Schema):
    """A control point of the board's internal-control plan (internkontrollplan)."""

    id: Id
    area: str = Field(description="Område, e.g. Ekonomiskt bistånd")
    title: Title = Field(description="What is checked / kontrollmoment")
    risk: Markdown | None = Field(default=None, description="Risk and why it matters / riskbeskrivning")
    frequency: str | None = Field(default=None, description="Frekvens, e.g. En gång – oktober 2022")
    method: Markdown | None = Field(default=None, description="Metod")
    performer: str | None = Field(default=None, description="Kontrollgenomförare (roll)")
    order: int | None = Field(default=None, description="Place in the plan, when not the id's order")


class ControlResult(Schema):
    """The result of one control point in one period."""

    period: Id
    control: Id = Field(description="The control point's id")
    status: str | None = Field(default=None, description="Status in the organisation's words")
    date: dt.date | None = None
    finding: Markdown | None = Field(default=None, description="Iakttagelse / resultat")
    action: Markdown | None = Field(default=None, description="Åtgärd")
