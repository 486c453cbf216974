"""Organisation file: ``<org>/organisation.yaml`` (nämnd, förvaltning, verksamheter)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from avr.model.common import Heading, Id, Schema, Status


class Unit(Schema):
    """An operation or unit that reports (verksamhet, enhet)."""

    id: Id
    name: Heading = Field(description="Name as printed / namn, t.ex. Arbetsmarknadsenheten")


PeriodKind = Literal["year", "half_year", "tertial", "quarter", "month", "interim", "annual_accounts"]


class Period(Schema):
    """A follow-up period (uppföljningsperiod): helår, halvår, tertial/delår, månad, bokslut."""

    id: Id = Field(description="e.g. 2013-H1, 2020, 2022-T1")
    label: Heading = Field(description="As printed / som den skrivs, t.ex. Första halvåret 2013")
    kind: PeriodKind
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self


class StatusLabel(Schema):
    """One of the organisation's own status labels and what it means."""

    label: Heading = Field(description="As the organisation writes it / etikett, t.ex. Påbörjad")
    means: Status = Field(description="Canonical status / kanonisk status")
    phrase: str | None = Field(
        default=None,
        description="Sentence part for several items, `{n}` is the count, e.g. `{n} som färdiga`",
    )
    phrase_one: str | None = Field(default=None, description="Sentence part for one item, e.g. `{n} som färdig`")


class Organisation(Schema):
    """A board and its administration (nämnd och förvaltning)."""

    municipality: Heading = Field(description="Kommun, e.g. Norrköpings kommun")
    municipality_code: str | None = Field(default=None, pattern=r"^[0-9]{4}$", description="Kommunkod, e.g. 0581")
    board: Heading = Field(description="Nämnd, e.g. Arbetsmarknadsnämnden")
    board_code: Heading = Field(description="Short code / förkortning, e.g. AMN")
    administration: Heading | None = Field(default=None, description="Förvaltning")
    units: list[Unit] = Field(default_factory=list, description="Verksamheter och enheter")
    statuses: list[StatusLabel] = Field(default_factory=list, description="Status vocabulary / statusord")
    periods: list[Period] = Field(default_factory=list, description="Follow-up periods / perioder")
    contact: str | None = Field(default=None, description="Contact for the reports / kontakt")

    def status_of(self, label: str) -> StatusLabel | None:
        wanted = label.strip().rstrip(".").casefold()
        for entry in self.statuses:
            if entry.label.casefold() == wanted:
                return entry
        return None
