"""Organisation file: ``<org>/organisation.yaml`` (nämnd, förvaltning, verksamheter)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from avr.model.common import Id, Schema, Status


class Unit(Schema):
    """An operation or unit that reports (verksamhet, enhet)."""

    id: Id
    name: str = Field(description="Name as printed / namn, t.ex. Arbetsmarknadsenheten")


PeriodKind = Literal["year", "half_year", "tertial", "quarter", "month", "interim", "annual_accounts"]


class Period(Schema):
    """A follow-up period (uppföljningsperiod): helår, halvår, tertial/delår, månad, bokslut."""

    id: Id = Field(description="e.g. 2013-H1, 2020, 2022-T1")
    label: str = Field(description="As printed / som den skrivs, t.ex. Första halvåret 2013")
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

    label: str = Field(description="As the organisation writes it / etikett, t.ex. Påbörjad")
    means: Status = Field(description="Canonical status / kanonisk status")
    phrase: str | None = Field(
        default=None,
        description="Sentence part for several items, `{n}` is the count, e.g. `{n} som färdiga`",
    )
    phrase_one: str | None = Field(default=None, description="Sentence part for one item, e.g. `{n} som färdig`")

    @field_validator("phrase", "phrase_one")
    @classmethod
    def _fits_the_sentence(cls, phrase: str | None) -> str | None:
        # "Av de 26 aktiviteterna bedöms 13 som färdiga, 11 pågår enligt plan …": each part is the count and
        # then `som` or a verb, which the first part puts before the count ("pågår 11 enligt plan")
        if phrase is not None and not re.fullmatch(r"\{n\} \S.*", phrase, re.S):
            raise ValueError("a status phrase begins with `{n}` and then `som` or a verb, e.g. `{n} som färdiga`, "
                             "`{n} pågår enligt plan`, `{n} är stoppade`, so that it fits the status sentence "
                             "(\"Av de 26 aktiviteterna bedöms 13 som färdiga, 11 pågår enligt plan …\")")
        return phrase


class Organisation(Schema):
    """A board and its administration (nämnd och förvaltning)."""

    municipality: str = Field(description="Kommun, e.g. Norrköpings kommun")
    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$", description="Kommunkod, e.g. 0581")
    board: str = Field(description="Nämnd, e.g. Arbetsmarknadsnämnden")
    board_code: str = Field(description="Short code / förkortning, e.g. AMN")
    administration: str | None = Field(default=None, description="Förvaltning")
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
