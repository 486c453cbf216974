"""Economy tables ``<org>/<plan>/economy/<id>.yaml``: budgets, period follow-ups, income statements.

Amounts are exact decimals as written (`−118,4`, `381 886`). Totals and
deviations are computed (avr.compute.economy); a stated total or deviation is
checked against them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from avr.i18n import gettext as _
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

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Avvikelse mellan utfall (eller prognos) och budget",
        "en_description": "Deviation of an outcome (or forecast) from the budget",
    })

    actual: Id = Field(
        description="Kolumnen med utfall eller prognos", json_schema_extra={"en": "Column holding the outcome or forecast"})
    budget: Id = Field(
        description="Kolumnen med budgeten den jämförs med",
        json_schema_extra={"en": "Column holding the budget it is compared with"},
    )


class Column(Schema):
    """A column of amounts, e.g. Budget 2019 or Utfall."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "En kolumn med belopp, t.ex. Budget 2019 eller Utfall",
        "en_description": "A column of amounts, e.g. Budget 2019 or Utfall",
    })

    id: Id = Field(
        description="Kolumnens id, används i raderna, t.ex. budget-2019",
        json_schema_extra={"en": "Column id, used in the lines, e.g. budget-2019"},
    )
    label: str = Field(description="Som den skrivs, t.ex. Budget 2019", json_schema_extra={"en": "As printed, e.g. Budget 2019"})
    group: str | None = Field(
        default=None,
        description="Rubrik över flera kolumner, t.ex. Helår 2022",
        json_schema_extra={"en": "Heading over several columns, e.g. Helår 2022"},
    )
    deviation: Deviation | None = Field(
        default=None,
        description="Kolumnen räknas fram som avvikelse mellan två andra kolumner",
        json_schema_extra={"en": "The column is computed as the deviation of two other columns"},
    )


class Part(Schema):
    """A `varav` line: a part of the line above, shown but not added to the total."""

    model_config = ConfigDict(json_schema_extra={"sv_description": "En varav-rad", "en_description": "A varav-line (of which)"})

    label: str = Field(
        description="Som den skrivs, t.ex. varav intäkter", json_schema_extra={"en": "As printed, e.g. varav intäkter"})
    values: Amounts = Field(
        default_factory=dict, description="Belopp per kolumn-id", json_schema_extra={"en": "Amounts by column id"})
    kind: LineKind | None = Field(
        default=None,
        description="income eller cost: skrivs positiv; annars radens slag",
        json_schema_extra={"en": "income or cost: typed positive; default the kind of its line"},
    )
    note: str | None = Field(default=None, description="Fotnot", json_schema_extra={"en": "Footnote"})


class Subtotal(Schema):
    """A stated sum (Summa …): checked against the computed sum of the lines above it."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "En angiven summa (Summa …); kontrolleras mot raderna ovanför",
        "en_description": "A stated sum (Summa …); checked against the lines above it",
    })

    label: str = Field(
        description="Som den skrivs, t.ex. Summa nämndens internbudget",
        json_schema_extra={"en": "As printed, e.g. Summa nämndens internbudget"},
    )
    values: Amounts = Field(
        default_factory=dict,
        description="Angivna summor per kolumn-id; varje kontrolleras",
        json_schema_extra={"en": "Stated sums by column id; each is checked"},
    )
    parts: list[Part] = Field(
        default_factory=list,
        description="Varav-rader till summan (varav intäkter, varav kostnader)",
        json_schema_extra={"en": "Varav-lines of the sum (of which income, of which costs)"},
    )
    parts_complete: bool = Field(
        default=False,
        description="Varav-raderna tillsammans utgör summan; kontrolleras",
        json_schema_extra={"en": "The varav-lines together make up the sum; checked"},
    )


class Line(Schema):
    """A budget line (rad), or a group of lines with its own stated subtotal."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "En rad i tabellen, eller en grupp rader med egen delsumma",
        "en_description": "A line of the table, or a group of lines with its own subtotal",
    })

    id: Id | None = Field(default=None, description="Radens id (frivilligt)", json_schema_extra={"en": "Line id (optional)"})
    label: str = Field(
        description="Radens namn, t.ex. Försörjningsstöd", json_schema_extra={"en": "Name of the line, e.g. Försörjningsstöd"})
    kind: LineKind | None = Field(
        default=None,
        description="income (intäkter) eller cost (kostnader): beloppen skrivs positiva som i källan och får tabellens tecken",
        json_schema_extra={"en": "income or cost: amounts typed positive as printed, given the table's sign"},
    )
    values: Amounts = Field(
        default_factory=dict,
        description="Belopp per kolumn-id, som de skrivs: −118,4 eller 381 886",
        json_schema_extra={"en": "Amounts by column id, as written: −118,4 or 381 886"},
    )
    lines: list[Line] = Field(
        default_factory=list,
        description="Raderna i en grupp; gruppens värde är deras summa",
        json_schema_extra={"en": "Lines of a group; the group's value is their sum"},
    )
    total: Subtotal | None = Field(
        default=None,
        description="Gruppens angivna delsumma; kontrolleras",
        json_schema_extra={"en": "The group's stated subtotal; checked"},
    )
    parts: list[Part] = Field(
        default_factory=list,
        description="Varav-rader; visas men räknas inte med",
        json_schema_extra={"en": "Varav-lines; shown but not added"},
    )
    parts_complete: bool = Field(
        default=False,
        description="Varav-raderna tillsammans utgör raden; kontrolleras",
        json_schema_extra={"en": "The varav-lines together make up the line; checked"},
    )
    note: str | None = Field(default=None, description="Fotnot", json_schema_extra={"en": "Footnote"})

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

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "En rad efter summan, t.ex. budgetramen från kommunfullmäktige",
        "en_description": "A line after the total, e.g. the frame decided by the council",
    })

    label: str = Field(description="Som den skrivs, t.ex. Budgetram", json_schema_extra={"en": "As printed, e.g. Budgetram"})
    values: Amounts = Field(
        default_factory=dict, description="Belopp per kolumn-id", json_schema_extra={"en": "Amounts by column id"})
    kind: Literal["frame", "info"] = Field(
        default="info",
        description="frame: summan ska vara lika med den (varning annars); info: bara information",
        json_schema_extra={"en": "frame: the total should equal it (a warning otherwise); info: for information"},
    )


class Explains(Schema):
    """A changes table explains the difference between two versions of a table, in one column."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Skillnaden mellan två versioner av en tabell som förändringstabellen förklarar",
        "en_description": "The difference between two versions of a table that a changes table explains",
    })

    previous: Id = Field(
        description="Tabell-id för den tidigare versionen", json_schema_extra={"en": "Table id of the earlier version"})
    current: Id = Field(
        description="Tabell-id för den senare versionen", json_schema_extra={"en": "Table id of the later version"})
    column: Id = Field(
        description="Kolumnen som ändrats i båda versionerna, t.ex. budget-2019",
        json_schema_extra={"en": "Column of both versions that changed, e.g. budget-2019"},
    )


class EconomyTable(Schema):
    """One economy table of a plan or a report period."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "En ekonomisk tabell: driftsammandrag, ekonomisk uppföljning, resultaträkning, investeringar, "
                          "förändringar (economy/<id>.yaml)",
        "en_description": "An economy table: operating budget, period follow-up, income statement, investments, changes "
                          "(economy/<id>.yaml)",
    })

    id: Id = Field(description="Tabellens id, t.ex. driftsammandrag", json_schema_extra={"en": "Table id, e.g. driftsammandrag"})
    title: Title = Field(description="Rubrik, t.ex. Driftsammandrag", json_schema_extra={"en": "Caption, e.g. Driftsammandrag"})
    kind: TableKind = Field(
        description="Slag: operating_budget (driftsammandrag), period_followup (utfall, budget, prognos), income_statement "
                    "(resultaträkning), investments (investeringar), changes (förändringar mellan två versioner)",
        json_schema_extra={"en": "Kind: operating_budget, period_followup, income_statement, investments, changes (between "
                                 "two versions)"},
    )
    unit: Literal["kr", "tkr", "mnkr"] = Field(
        description="Enhet för alla belopp: kr, tkr eller mnkr",
        json_schema_extra={"en": "Unit of every amount: kr, tkr or mnkr"},
    )
    unit_label: str | None = Field(
        default=None,
        description="Enheten som den skrivs, t.ex. Mkr, Belopp tkr",
        json_schema_extra={"en": "Unit as printed, e.g. Mkr, Belopp tkr"},
    )
    sign: Literal["costs_negative", "costs_positive"] = Field(
        description="Teckenkonvention: costs_negative (kostnader med minustecken) eller costs_positive (nettokostnader "
                    "positiva); positiv avvikelse är alltid gynnsam",
        json_schema_extra={"en": "Sign convention: costs_negative (costs with a minus) or costs_positive (net costs "
                                 "positive); a positive deviation is always favourable"},
    )
    period: Id | None = Field(
        default=None,
        description="Perioden tabellen följer upp (delårsrapport)",
        json_schema_extra={"en": "Period the table follows up (interim report)"},
    )
    version: str | None = Field(
        default=None,
        description="Vilken version, t.ex. internbudget 2018-10-25 § 138",
        json_schema_extra={"en": "Which version, e.g. internbudget 2018-10-25 § 138"},
    )
    date: dt.date | None = Field(default=None, description="Datum, ÅÅÅÅ-MM-DD", json_schema_extra={"en": "Date, YYYY-MM-DD"})
    decimals: int | None = Field(
        default=None,
        ge=0,
        le=3,
        description="Antal decimaler som skrivs ut; annars 1 för mnkr och 0 för övriga",
        json_schema_extra={"en": "Decimals printed; otherwise 1 for mnkr and 0 for the others"},
    )
    tolerance: Number = Field(
        default=Decimal(0),
        description="Största godtagna skillnad mellan en angiven och en beräknad summa (avrundning i källan), t.ex. 0,1",
        json_schema_extra={"en": "Largest accepted difference between a stated and a computed sum (rounding in the source), "
                                 "e.g. 0,1"},
    )
    row_heading: str | None = Field(
        default=None,
        description="Rubrik över radnamnen, t.ex. Nettokostnad",
        json_schema_extra={"en": "Heading of the label column, e.g. Nettokostnad"},
    )
    columns: list[Column] = Field(
        min_length=1, description="Kolumnerna med belopp", json_schema_extra={"en": "The columns of amounts"})
    lines: list[Line] = Field(
        min_length=1,
        description="Raderna (eller grupper av rader med egen delsumma)",
        json_schema_extra={"en": "The lines (or groups of lines with their own subtotal)"},
    )
    total: Subtotal | None = Field(
        default=None,
        description="Angiven summa (Summa, Totalt); kontrolleras mot raderna",
        json_schema_extra={"en": "Stated total (Summa, Totalt); checked against the lines"},
    )
    references: list[Reference] = Field(
        default_factory=list,
        description="Rader efter summan, t.ex. budgetram",
        json_schema_extra={"en": "Lines after the total, e.g. the frame (budgetram)"},
    )
    explains: Explains | None = Field(
        default=None,
        description="Vilken skillnad mellan två versioner av en tabell förändringstabellen förklarar",
        json_schema_extra={"en": "Which difference between two versions of a table this changes table explains"},
    )
    order: int | None = Field(
        default=None, description="Plats bland planens tabeller", json_schema_extra={"en": "Place among the plan's tables"})
    source: str | None = Field(
        default=None, description="Källa, t.ex. hypergene", json_schema_extra={"en": "Source, e.g. hypergene"})
    comment: Markdown | None = Field(
        default=None, description="Kommentar (Markdown)", json_schema_extra={"en": "Comment (Markdown)"})

    @property
    def printed_decimals(self) -> int:
        if self.decimals is not None:
            return self.decimals
        return 1 if self.unit == "mnkr" else 0
