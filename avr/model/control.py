"""Internal control (intern kontroll): ``controls/<id>.yaml`` and ``control-results/<period>/<id>.yaml``."""

from __future__ import annotations

import datetime as dt

from pydantic import ConfigDict, Field

from avr.model.common import Id, Markdown, Schema, Title


class ControlPoint(Schema):
    """A control point of the board's internal-control plan (internkontrollplan)."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "En kontrollpunkt i internkontrollplanen (controls/<id>.yaml)",
        "en_description": "A point of the internal-control plan (controls/<id>.yaml)",
    })

    id: Id = Field(description="Kontrollpunktens id, t.ex. am-1", json_schema_extra={"en": "Control point id, e.g. am-1"})
    area: str = Field(description="Område, t.ex. Ekonomiskt bistånd", json_schema_extra={"en": "Area, e.g. Ekonomiskt bistånd"})
    title: Title = Field(description="Kontrollmoment, vad som kontrolleras", json_schema_extra={"en": "What is checked"})
    risk: Markdown | None = Field(
        default=None,
        description="Riskbeskrivning (Markdown)",
        json_schema_extra={"en": "The risk and why it matters (Markdown)"},
    )
    frequency: str | None = Field(
        default=None,
        description="Frekvens, t.ex. En gång – oktober 2022",
        json_schema_extra={"en": "Frequency, e.g. En gång – oktober 2022"},
    )
    method: Markdown | None = Field(default=None, description="Metod (Markdown)", json_schema_extra={"en": "Method (Markdown)"})
    performer: str | None = Field(
        default=None, description="Kontrollgenomförare (roll)", json_schema_extra={"en": "Who performs the control (a role)"})
    order: int | None = Field(
        default=None,
        description="Plats i planen när den inte följer id",
        json_schema_extra={"en": "Place in the plan, when not the id's order"},
    )


class ControlResult(Schema):
    """The result of one control point in one period."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Resultatet av en kontrollpunkt för en period (control-results/<period>/<id>.yaml)",
        "en_description": "The result of a control point in a period (control-results/<period>/<id>.yaml)",
    })

    period: Id = Field(description="Periodens id", json_schema_extra={"en": "Period id"})
    control: Id = Field(description="Kontrollpunktens id", json_schema_extra={"en": "The control point's id"})
    status: str | None = Field(
        default=None,
        description="Status med organisationens ord, t.ex. Klart, avslutat",
        json_schema_extra={"en": "Status in the organisation's words, e.g. Klart, avslutat"},
    )
    date: dt.date | None = Field(default=None, description="Datum, ÅÅÅÅ-MM-DD", json_schema_extra={"en": "Date, YYYY-MM-DD"})
    finding: Markdown | None = Field(
        default=None, description="Iakttagelse eller resultat (Markdown)", json_schema_extra={"en": "Finding (Markdown)"})
    action: Markdown | None = Field(
        default=None, description="Åtgärd (Markdown)", json_schema_extra={"en": "Action taken (Markdown)"})
