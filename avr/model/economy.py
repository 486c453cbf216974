"""Economy tables ``<org>/<plan>/economy/<id>.yaml``: budgets, period follow-ups, income statements.

Amounts are exact decimals as written (`−118,4`, `381 886`). Totals and
deviations are computed (avr.compute.economy); a stated total or deviation is
checked against them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from avr.i18n import _
from avr.model.common import Id, Markdown, Number, Schema, Title

TableKind = Literal[
    "operating_budget",  # driftsammandrag / driftbudget med plan
    "period_followup",  # ekonomisk uppföljning: utfall, budget, prognos, avvikelse
    "income_statement",  # resultaträkning
    "investments",  # investeringsredovisning / investeringsbudget
    "changes",  # förändringar mellan två versioner av en budget
]

Amounts = dict[Id, Number]

# An amount typed positive as printed, income or cost; avr gives it the table's sign (net = costs − income).
LineKind = Literal["income", "cost"]


class Deviation(Schema):
    """A computed column: the deviation of `actual` (utfall, prognos) from `budget`."""

    actual: Id = Field(description="Column holding the outcome or forecast")
    budget: Id = Field(description="Column holding the budget it is compared with")


class Column(Schema):
    """A column of amounts, e.g. Budget 2019 or Utfall."""

    id: Id
    label: str = Field(description="As printed, e.g. Budget 2019")
    group: str | None = Field(default=None, description="Heading over several columns, e.g. Helår 2022")
    deviation: Deviation | None = Field(default=None, description="Computed as a deviation of two other columns")


class Part(Schema):
    """A `varav` line: a part of the line above, shown but not added to the total."""

    label: str
    values: Amounts = Field(default_factory=dict)
    kind: LineKind | None = Field(
        default=None, description="income | cost: typed positive as printed; default the kind of its line"
    )
    note: str | None = None


class Subtotal(Schema):
    """A stated sum (Summa …): checked against the computed sum of the lines above it."""

    label: str
    values: Amounts = Field(default_factory=dict, description="Stated sums by column; each is checked")
    parts: list[Part] = Field(default_factory=list, description="varav-lines of the sum")
    parts_complete: bool = Field(
        default=False, description="The parts together make up the sum (varav intäkter + varav kostnader): checked"
    )


class Line(Schema):
    """A budget line (rad), or a group of lines with its own stated subtotal."""

    id: Id | None = None
    label: str
    kind: LineKind | None = Field(
        default=None, description="income (intäkter) | cost (kostnader): amounts typed positive as printed, "
        "subtracted or added by the table's sign; a group's kind is its lines' and its subtotal's"
    )
    values: Amounts = Field(default_factory=dict, description="Amounts by column id")
    lines: list[Line] = Field(default_factory=list, description="Lines of a group; the group's value is their sum")
    total: Subtotal | None = Field(default=None, description="The group's stated subtotal")
    parts: list[Part] = Field(default_factory=list, description="varav-lines")
    parts_complete: bool = False
    note: str | None = Field(default=None, description="Footnote / fotnot")

    @model_validator(mode="after")
    def _group(self) -> Line:
        if self.lines and self.values:
            raise ValueError(_("a line with `lines` is a group: its value is their sum; put a stated sum under `total`"))
        if self.lines and self.parts:
            raise ValueError(_("a group's varav-lines belong under its `total`"))
        if self.total is not None and not self.lines:
            raise ValueError(_("`total` belongs to a group with `lines`"))
        if self.kind is not None and any(line.kind not in (None, self.kind) for line in self.lines):
            raise ValueError(_("a group of kind `{kind}` holds only lines of that kind").format(kind=self.kind))
        return self


class Reference(Schema):
    """A line after the total compared with it, e.g. the frame decided by the council (budgetram)."""

    label: str
    values: Amounts = Field(default_factory=dict)
    kind: Literal["frame", "info"] = Field(
        default="info", description="`frame`: the total should equal it (a warning otherwise)"
    )


class Explains(Schema):
    """A changes table explains the difference between two versions of a table, in one column."""

    previous: Id = Field(description="Table id of the earlier version")
    current: Id = Field(description="Table id of the later version")
    column: Id = Field(description="Column of both versions that changed, e.g. budget-2019")


class EconomyTable(Schema):
    """One economy table of a plan or a report period."""

    id: Id
    title: Title = Field(description="Caption, e.g. Driftsammandrag")
    kind: TableKind
    unit: Literal["kr", "tkr", "mnkr"] = Field(description="Unit of every amount")
    unit_label: str | None = Field(default=None, description="Unit as printed, e.g. Mkr, Belopp tkr")
    sign: Literal["costs_negative", "costs_positive"] = Field(
        description="costs_negative: costs are written with minus (seed 003); costs_positive: net costs are "
        "positive and income negative (seed 004). Lines of a `kind` are typed positive and take this sign. "
        "A positive deviation is always favourable."
    )
    period: Id | None = Field(default=None, description="Period the table follows up (for interim reports)")
    version: str | None = Field(default=None, description="Which version, e.g. internbudget 2018-10-25 § 138")
    date: dt.date | None = None
    decimals: int | None = Field(default=None, ge=0, le=3, description="Decimals printed; default by unit")
    tolerance: Number = Field(
        default=Decimal(0), description="Largest accepted difference between a stated sum and the computed one "
        "(rounding in the source), e.g. 0,1"
    )
    row_heading: str | None = Field(default=None, description="Heading of the label column, e.g. Nettokostnad")
    columns: list[Column] = Field(min_length=1)
    lines: list[Line] = Field(min_length=1)
    total: Subtotal | None = Field(default=None, description="The table's stated total (Summa, Totalt)")
    references: list[Reference] = Field(default_factory=list, description="Lines after the total (budgetram)")
    explains: Explains | None = None
    order: int | None = Field(default=None, description="Place among the plan's tables; default by kind, then id")
    source: str | None = Field(default=None, description="Källa, e.g. hypergene")
    comment: Markdown | None = Field(default=None, description="Kommentar")

    @property
    def printed_decimals(self) -> int:
        if self.decimals is not None:
            return self.decimals
        return 1 if self.unit == "mnkr" else 0
