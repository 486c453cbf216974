"""Outcome entry files ``<org>/<plan>/outcomes/<period>/<indicator>.yaml`` (utfall).

One file per indicator and period, written by `avr fetch kolada` and `avr import outcomes`, or by a
person. ``source`` says where the value came from; fetch and import never replace an entry whose
source is not theirs to change (see README, "Indicator data in and out").
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from avr.i18n import _
from avr.model.common import Figure, Id, Number, Schema
from avr.model.goal import Value
from avr.model.validate import error_message

OutcomeSource = Literal["kolada", "import", "manual"]


class OutcomeEntry(Schema):
    """One indicator's outcome for one period, with its source."""

    indicator: Id = Field(description="Indicator id of the plan")
    period: Id = Field(description="Period id of the organisation")
    value: Number | None = Field(default=None, description="Utfall, total")
    numerator: Number | None = Field(default=None, description="Täljare")
    denominator: Number | None = Field(default=None, description="Nämnare")
    women: Number | None = Field(default=None, description="Kvinnor")
    men: Number | None = Field(default=None, description="Män")
    text: str | None = Field(default=None, description="An outcome in words")
    comment: str | None = Field(default=None, description="Short note printed with the value")
    stated: Figure | None = Field(
        default=None, description="The figure the source prints beside numerator/denominator (19 for 19 %); checked"
    )
    source: OutcomeSource = Field(default="manual", description="kolada | import | manual")
    fetched: dt.date | None = Field(default=None, description="Date fetched from Kolada")
    imported: dt.date | None = Field(default=None, description="Date imported from a spreadsheet")
    kpi: str | None = Field(default=None, description="Kolada KPI id the value came from")
    municipality: str | None = Field(default=None, description="Kolada municipality id the value came from")
    file: str | None = Field(default=None, description="Spreadsheet the value was imported from")

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

