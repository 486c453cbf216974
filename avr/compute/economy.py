"""Economy tables: totals, subtotals and deviations computed from the lines, and checks of stated sums.

Rules (also in docs/hur-resultat-raknas.md, "Ekonomi"):

* Amounts are summed exactly as written (Decimal, never float): with costs
  negative (seed 003) or net costs positive (seed 004) alike.
* A deviation column is `actual − budget` when costs are negative and
  `budget − actual` when costs are positive, so a positive deviation is always
  favourable (an underspend or a surplus).
* A group's value is the sum of its lines; the table's total is the sum of its
  top-level lines and groups. `varav`-parts are shown, never added.
* A line of a `kind` (income, cost) is typed positive as printed; it counts
  with the table's sign: income is subtracted and costs added when costs are
  positive (net = costs − income), the other way round when costs are negative.
  Its deviation is computed from the signed amounts, so it too is favourable
  when positive (more income, lower costs).
* A stated sum (total, subtotal) or stated deviation must equal the computed one
  within the table's `tolerance` (default 0).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from avr.compute.rounding import written
from avr.i18n import gettext as _
from avr.model.economy import Amounts, Column, EconomyTable, Line, LineKind, Part, Subtotal

RowKind = Literal["line", "group", "subtotal", "part", "total", "reference"]


def deviation(actual: Decimal, budget: Decimal, sign: str) -> Decimal:
    """The favourable-positive deviation of `actual` from `budget` under the table's sign convention."""
    return actual - budget if sign == "costs_negative" else budget - actual


def factor(kind: LineKind | None, sign: str) -> Decimal:
    """What a line's typed amounts are multiplied by to count in the table: ±1 by its kind and the table's sign."""
    if kind is None:
        return Decimal(1)
    negative = (kind == "income") == (sign == "costs_positive")
    return Decimal(-1) if negative else Decimal(1)


def total(values: Iterable[Decimal | None]) -> Decimal | None:
    """Exact sum of the given amounts; None when there are none."""
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


@dataclass
class Cell:
    stated: Decimal | None = None
    computed: Decimal | None = None

    @property
    def value(self) -> Decimal | None:
        """What is printed: the stated amount when there is one (it may be more precise than its rounded lines)."""
        return self.stated if self.stated is not None else self.computed

    @property
    def difference(self) -> Decimal | None:
        if self.stated is None or self.computed is None:
            return None
        return self.stated - self.computed


@dataclass
class Row:
    label: str
    kind: RowKind
    level: int
    cells: dict[str, Cell]
    note: str | None = None
    side: LineKind | None = None  # income or cost: typed positive as printed


@dataclass
class Issue:
    """A problem found in a table, positioned by location in its file."""

    loc: tuple[Any, ...]
    code: str
    message: str


@dataclass
class TableResult:
    table: EconomyTable
    rows: list[Row] = field(default_factory=list)
    total: dict[str, Cell] = field(default_factory=dict)  # computed total of every column
    issues: list[Issue] = field(default_factory=list)

    def column(self, column_id: str) -> Column:
        return next(c for c in self.table.columns if c.id == column_id)

    @property
    def convention(self) -> str:
        """The sign convention printed under the table (a label key): the table's sign, `_by_kind` with kinds."""
        by_kind = any(row.side is not None for row in self.rows)
        return self.table.sign + ("_by_kind" if by_kind else "")


def compute_table(table: EconomyTable) -> TableResult:
    """Every row of the table with its stated and computed amounts, and the issues found."""
    return _Computer(table).run()


class _Computer:
    def __init__(self, table: EconomyTable) -> None:
        self.table = table
        self.result = TableResult(table)
        self.plain = [c for c in table.columns if c.deviation is None]
        self.derived = [c for c in table.columns if c.deviation is not None]
        self.known = {c.id for c in table.columns}

    def run(self) -> TableResult:
        for col in self.derived:
            assert col.deviation is not None
            for ref in (col.deviation.actual, col.deviation.budget):
                if ref not in self.known or ref == col.id:
                    message = _("column `{column}` computes a deviation of unknown column `{other}`")
                    self.issue(("columns",), "E202", message.format(column=col.id, other=ref))
        sums = [self.line(line, ("lines", i), 0) for i, line in enumerate(self.table.lines)]
        computed = {c.id: total(s[c.id] for s in sums) for c in self.plain}
        stated = self.table.total
        if stated is not None:
            cells = self.check_sum(stated, ("total",), computed, "total", 0)
        else:
            cells = self.cells({}, computed, ("total",), None)
        self.result.total = cells
        for i, reference in enumerate(self.table.references):
            self.check_columns(reference.values, ("references", i, "values"))
            ref_cells = self.cells(reference.values, {}, ("references", i, "values"), reference.label)
            self.result.rows.append(Row(reference.label, "reference", 0, ref_cells))
            if reference.kind == "frame":
                for col in self.plain:
                    frame, tot = reference.values.get(col.id), cells[col.id].value
                    if frame is not None and tot is not None and frame != tot:
                        self.issue(("references", i, "values", col.id), "W301",
                                   _("table `{table}`, column `{column}`: the total {total} differs from "
                                     "`{reference}` {frame} by {difference}").format(
                                       table=self.table.id, column=col.label, total=written(tot),
                                       reference=reference.label, frame=written(frame), difference=written(tot - frame)))
        return self.result

    def issue(self, loc: tuple[Any, ...], code: str, message: str) -> None:
        self.result.issues.append(Issue(loc, code, message))

    def check_columns(self, values: Amounts, loc: tuple[Any, ...]) -> None:
        for key in values:
            if key not in self.known:
                self.issue((*loc, key), "E202", _("unknown column `{column}` in table `{table}`; columns: {columns}").format(
                    column=key, table=self.table.id, columns=", ".join(sorted(self.known))))

    def cells(
        self, stated: Amounts, computed: dict[str, Decimal | None], loc: tuple[Any, ...], label: str | None,
        sign: Decimal = Decimal(1),
    ) -> dict[str, Cell]:
        """Plain columns as given; deviation columns computed (from amounts times ``sign``) and, where stated, checked."""
        out = {c.id: Cell(stated.get(c.id), computed.get(c.id)) for c in self.plain}
        for col in self.derived:
            assert col.deviation is not None
            actual = out.get(col.deviation.actual, Cell()).value
            budget = out.get(col.deviation.budget, Cell()).value
            dev = (deviation(actual * sign, budget * sign, self.table.sign)
                   if actual is not None and budget is not None else None)
            cell = Cell(stated.get(col.id), dev)
            out[col.id] = cell
            diff = cell.difference
            if label is not None and diff is not None and abs(diff) > self.table.tolerance:
                self.issue((*loc, col.id), "E302",
                           _("table `{table}`, row `{row}`, column `{column}`: stated deviation "
                             "{stated} but {actual} and {budget} give {computed}").format(
                               table=self.table.id, row=label, column=col.label, stated=written(cell.stated),
                               actual=col.deviation.actual, budget=col.deviation.budget, computed=written(dev)))
        return out

    def line(
        self, line: Line, loc: tuple[Any, ...], level: int, inherited: LineKind | None = None
    ) -> dict[str, Decimal | None]:
        """Add the line (or group) to the rows; return its signed value per plain column, for the sum above it."""
        kind = line.kind or inherited
        sign = factor(kind, self.table.sign)
        if line.lines:
            self.result.rows.append(Row(line.label, "group", level, {}, line.note, kind))
            sums = [self.line(child, (*loc, "lines", i), level + 1, kind) for i, child in enumerate(line.lines)]
            # the group's amounts as printed: its lines' signed sum, turned back by its own kind
            computed = {c.id: _times(total(s[c.id] for s in sums), sign) for c in self.plain}
            if line.total is not None:
                cells = self.check_sum(line.total, (*loc, "total"), computed, "subtotal", level, kind)
                return {c.id: _times(cells[c.id].value, sign) for c in self.plain}
            return {c.id: _times(computed[c.id], sign) for c in self.plain}
        self.check_columns(line.values, (*loc, "values"))
        cells = self.cells(line.values, {}, (*loc, "values"), line.label, sign)
        self.result.rows.append(Row(line.label, "line", level, cells, line.note, kind))
        self.parts(line.parts, line.parts_complete, cells, loc, line.label, level, kind)
        return {c.id: _times(line.values.get(c.id), sign) for c in self.plain}

    def check_sum(
        self, stated: Subtotal, loc: tuple[Any, ...], computed: dict[str, Decimal | None], kind: RowKind, level: int,
        side: LineKind | None = None,
    ) -> dict[str, Cell]:
        self.check_columns(stated.values, (*loc, "values"))
        cells = self.cells(stated.values, computed, (*loc, "values"), stated.label, factor(side, self.table.sign))
        for col in self.plain:
            cell = cells[col.id]
            if cell.stated is None:
                continue
            got = cell.computed if cell.computed is not None else Decimal(0)
            if abs(cell.stated - got) > self.table.tolerance:
                self.issue((*loc, "values", col.id), "E301",
                           _("table `{table}`, row `{row}`, column `{column}`: stated {stated} "
                             "but the lines sum to {computed} (difference {difference})").format(
                               table=self.table.id, row=stated.label, column=col.label, stated=written(cell.stated),
                               computed=written(got), difference=written(cell.stated - got)))
        self.result.rows.append(Row(stated.label, kind, level, cells, side=side))
        self.parts(stated.parts, stated.parts_complete, cells, loc, stated.label, level, side)
        return cells

    def parts(
        self, parts: list[Part], complete: bool, whole: dict[str, Cell], loc: tuple[Any, ...], label: str, level: int,
        side: LineKind | None = None,
    ) -> None:
        for i, part in enumerate(parts):
            self.check_columns(part.values, (*loc, "parts", i, "values"))
            part_side = part.kind or side
            cells = self.cells(part.values, {}, (*loc, "parts", i, "values"), part.label,
                               factor(part_side, self.table.sign))
            self.result.rows.append(Row(part.label, "part", level + 1, cells, part.note, part_side))
        if not (complete and parts):
            return
        sign = factor(side, self.table.sign)
        for col in self.plain:
            # in the whole's terms: varav intäkter 49 and varav kostnader 142 make a net of 93
            sum_parts = _times(total(_times(p.values.get(col.id), factor(p.kind or side, self.table.sign))
                                     for p in parts), sign)
            value = whole[col.id].value
            if sum_parts is not None and value is not None and abs(sum_parts - value) > self.table.tolerance:
                self.issue((*loc, "parts"), "E303",
                           _("table `{table}`, row `{row}`, column `{column}`: the varav-parts sum to "
                             "{parts} but the row is {value}").format(
                               table=self.table.id, row=label, column=col.label, parts=written(sum_parts),
                               value=written(value)))


def _times(value: Decimal | None, sign: Decimal) -> Decimal | None:
    return value * sign + 0 if value is not None else None  # + 0: never a printed -0


def check_explains(changes: TableResult, previous: TableResult, current: TableResult) -> Issue | None:
    """A changes table's total must equal the difference between the two versions it explains."""
    explains = changes.table.explains
    assert explains is not None
    plain = [c for c in changes.table.columns if c.deviation is None]
    if not plain:
        return None
    change = changes.total.get(plain[0].id, Cell()).value
    before = previous.total.get(explains.column, Cell()).value
    after = current.total.get(explains.column, Cell()).value
    if change is None or before is None or after is None:
        return Issue(("explains", "column"), "E202",
                     _("column `{column}` has no total in `{previous}` or `{current}`").format(
                         column=explains.column, previous=explains.previous, current=explains.current))
    if after - before != change:
        return Issue(("explains",), "E304",
                     _("table `{table}` sums to {change} but `{current}` − `{previous}` in `{column}` is {difference} "
                       "({after} − {before})").format(
                         table=changes.table.id, change=written(change), current=explains.current,
                         previous=explains.previous, column=explains.column, difference=written(after - before),
                         after=written(after), before=written(before)))
    return None
