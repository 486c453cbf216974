"""Organisation file: ``<org>/organisation.yaml`` (nämnd, förvaltning, verksamheter)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from avr.i18n import _
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
            raise ValueError(_("period ends ({end}) before it starts ({start})").format(end=self.end, start=self.start))
        return self


def label_key(label: str) -> str:
    """What makes two status labels the same label: equal after NFKC normalisation (composed and decomposed
    `å`, fullwidth or ligature letters) and case folding, without surrounding spaces or a final full stop."""
    return unicodedata.normalize("NFKC", label).casefold().strip().rstrip(".")


def _visible_label(label: Any) -> Any:
    # an invisible character (zero-width space or joiner, soft hyphen, word joiner) would make two labels that
    # look the same mean different things
    if isinstance(label, str):
        hidden = next((c for c in label if unicodedata.category(c) == "Cf"), None)
        if hidden is not None:
            raise ValueError(_("status label holds the invisible character U+{code:04X}; remove it").format(code=ord(hidden)))
        return unicodedata.normalize("NFC", label)
    return label


class StatusLabel(Schema):
    """One of the organisation's own status labels and what it means."""

    label: Annotated[Heading, BeforeValidator(_visible_label)] = Field(
        description="As the organisation writes it / etikett, t.ex. Påbörjad")
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
            raise ValueError(_("a status phrase begins with `{n}` and then `som` or a verb, e.g. `{n} som färdiga`, "
                               "`{n} pågår enligt plan`, `{n} är stoppade`, so that it fits the status sentence "
                               "(\"Av de 26 aktiviteterna bedöms 13 som färdiga, 11 pågår enligt plan …\")"))
        return phrase


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
        wanted = label_key(label)
        for entry in self.statuses:
            if label_key(entry.label) == wanted:
                return entry
        return None
