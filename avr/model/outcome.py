"""Outcome entry files ``<org>/<plan>/outcomes/<period>/<indicator>.yaml`` (utfall).

One file per indicator and period, written by `avr fetch kolada` and `avr import outcomes`, or by a
person. ``source`` says where the value came from; fetch and import never replace an entry whose
source is not theirs to change (see docs/filer.md, "outcomes/").
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import ConfigDict, Field, ValidationError, model_validator

from avr.i18n import gettext as _
from avr.model.common import Figure, Id, Number, Schema
from avr.model.goal import Value
from avr.model.validate import error_message

OutcomeSource = Literal["kolada", "import", "manual"]


class OutcomeEntry(Schema):
    """One indicator's outcome for one period, with its source."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Ett utfall för en indikator och period (outcomes/<period>/<indikator>.yaml)",
        "en_description": "One indicator outcome for a period (outcomes/<period>/<indicator>.yaml)",
    })

    indicator: Id = Field(description="Indikatorns id i planen", json_schema_extra={"en": "Indicator id of the plan"})
    period: Id = Field(description="Organisationens period-id", json_schema_extra={"en": "Period id of the organisation"})
    value: Number | None = Field(default=None, description="Utfall totalt", json_schema_extra={"en": "Outcome in total"})
    numerator: Number | None = Field(default=None, description="Täljare", json_schema_extra={"en": "Numerator"})
    denominator: Number | None = Field(default=None, description="Nämnare", json_schema_extra={"en": "Denominator"})
    women: Number | None = Field(default=None, description="Utfall för kvinnor", json_schema_extra={"en": "Outcome for women"})
    men: Number | None = Field(default=None, description="Utfall för män", json_schema_extra={"en": "Outcome for men"})
    text: str | None = Field(default=None, description="Ett utfall i ord", json_schema_extra={"en": "An outcome in words"})
    comment: str | None = Field(
        default=None,
        description="Kort anmärkning som skrivs ut med värdet",
        json_schema_extra={"en": "Short note printed with the value"},
    )
    stated: Figure | None = Field(
        default=None,
        description="Talet källan skriver bredvid täljare/nämnare (19 för 19 %); kontrolleras",
        json_schema_extra={"en": "The figure the source prints beside numerator/denominator (19 for 19 %); checked"},
    )
    source: OutcomeSource = Field(
        default="manual",
        description="Källa: kolada, import eller manual",
        json_schema_extra={"en": "Source: kolada, import or manual"},
    )
    fetched: dt.date | None = Field(
        default=None, description="Datum då värdet hämtades från Kolada", json_schema_extra={"en": "Date fetched from Kolada"})
    imported: dt.date | None = Field(
        default=None,
        description="Datum då värdet importerades från ett kalkylark",
        json_schema_extra={"en": "Date imported from a spreadsheet"},
    )
    kpi: str | None = Field(
        default=None,
        description="Koladas KPI-id som värdet kom från",
        json_schema_extra={"en": "Kolada KPI id the value came from"},
    )
    municipality: str | None = Field(
        default=None,
        description="Koladas kommun-id som värdet kom från",
        json_schema_extra={"en": "Kolada municipality id the value came from"},
    )
    file: str | None = Field(
        default=None,
        description="Kalkylarket som värdet importerades från",
        json_schema_extra={"en": "Spreadsheet the value was imported from"},
    )

    @model_validator(mode="after")
    def _consistent(self) -> OutcomeEntry:
        try:
            self.as_value()  # the same rules as an outcome written in a plan or follow-up
        except ValidationError as exc:
            first = exc.errors()[0]
            raise ValueError(error_message(first["type"], dict(first.get("ctx") or {}))) from None
        if self.source == "kolada" and self.kpi is None:
            raise ValueError(_("an outcome with `source: kolada` names its `kpi`"))
        return self

    def as_value(self) -> Value:
        return Value(value=self.value, numerator=self.numerator, denominator=self.denominator,
                     women=self.women, men=self.men, text=self.text, comment=self.comment, stated=self.stated)


COMPARED = ("value", "numerator", "denominator", "women", "men", "text")


def differences(old: Value, new: Value) -> list[tuple[str, object, object]]:
    """Fields two outcomes both give with different values: (field, old, new).

    A field given in only one of them is no difference: Kolada may add women/men to a total
    typed by hand, and a person may leave out the breakdown. A ratio (353/1 040) and a plain
    number (33,9) are different ways of writing and are not compared.
    """
    out = []
    for name in COMPARED:
        a, b = getattr(old, name), getattr(new, name)
        if a is not None and b is not None and a != b:
            out.append((name, a, b))
    return out


def same_fields(old: Value, new: Value) -> bool:
    """Exactly the same fields with the same values (what makes a rewrite unnecessary)."""
    return all(getattr(old, n) == getattr(new, n) for n in COMPARED)

