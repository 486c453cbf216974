"""What changed in a plan's economy tables, internal control and audits (part of `avr diff`).

Matched by what identifies them, as the rest of the comparison: tables, control points and audits
by id, control results by period + control point, recommendation follow-ups by period + audit +
recommendation. An economy table's amounts are compared cell by cell as computed on each side
(stated where written, computed otherwise: sums and deviations), so a changed line shows with
the total and the deviation it moves: "Budget 2019, Försörjningsstöd: 100 → 120 tkr".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from avr.compute.changes import Change, FieldChange, compare_models, item_change
from avr.compute.economy import TableResult, compute_table
from avr.compute.interim import audit_results
from avr.compute.order import natural_key
from avr.model.audit import Audit, AuditFollowUp
from avr.model.control import ControlResult
from avr.model.repository import OrgData, PlanData

TOTAL = "\u0000total"  # key of a table's computed total when no total is stated (labelled by the renderer)


def _amounts(result: TableResult) -> dict[tuple[str, str], tuple[str, str, Decimal | None]]:
    """(row path, column id) → (column label, row label, amount as shown) for every cell of a table."""
    labels = {c.id: c.label for c in result.table.columns}
    out: dict[tuple[str, str], tuple[str, str, Decimal | None]] = {}
    path: list[str] = []
    seen: dict[str, int] = {}
    for row in result.rows:
        del path[row.level:]
        name = "/".join([*path, row.kind if row.kind in ("total", "subtotal") else "", row.label])
        seen[name] = seen.get(name, 0) + 1
        key = f"{name}#{seen[name]}"  # the same label twice in one place stays two rows
        if row.kind == "group":
            path.append(row.label)
        for col_id, cell in row.cells.items():
            out[(key, col_id)] = (labels.get(col_id, col_id), row.label, cell.value)
    if result.table.total is None:
        for col_id, cell in result.total.items():
            out[(TOTAL, col_id)] = (labels.get(col_id, col_id), TOTAL, cell.value)
    return out


def _amount_fields(a: TableResult, b: TableResult) -> list[FieldChange]:
    old, new = _amounts(a), _amounts(b)
    table = b.table
    unit, decimals = table.unit, table.printed_decimals
    fields = []
    keys = [*new, *(k for k in old if k not in new)]  # in the head side's order of rows and columns
    order = {c.id: i for i, c in enumerate(table.columns)}
    keys.sort(key=lambda k: order.get(k[1], len(order)))  # column by column, as one reads a budget
    for key in keys:
        before, after = old.get(key), new.get(key)
        value_a, value_b = before[2] if before else None, after[2] if after else None
        if value_a == value_b:
            continue
        column, row = (after or before)[:2]  # type: ignore[index]
        fields.append(FieldChange("amount", value_a, value_b, key=f"{column}, {row}", unit=unit, decimals=decimals))
    return fields


def _tables(old: PlanData, new: PlanData) -> list[Change]:
    changes = []
    a_tables, b_tables = old.interim.economy, new.interim.economy
    for key in sorted(a_tables.keys() | b_tables.keys(), key=natural_key):
        a, b = a_tables.get(key), b_tables.get(key)
        fields = compare_models(a, b, skip=("lines", "total", "references")) if a and b else []
        for f in fields:
            f.of = "economy"
        if a and b:
            fields += _amount_fields(compute_table(a), compute_table(b))
        change = item_change("economy", key, old, new, a, b, fields, title=(b or a).title)  # type: ignore[union-attr]
        if change:
            changes.append(change)
    return changes


def _keyed(items: Iterable[BaseModel], key: Callable[[Any], tuple[str, ...]]) -> dict[tuple[str, ...], Any]:
    return {key(item): item for item in items}


def _results(old: PlanData, new: PlanData) -> list[Change]:
    def key(r: ControlResult) -> tuple[str, ...]:
        return (r.period, r.control)

    a, b = _keyed(old.interim.control_results, key), _keyed(new.interim.control_results, key)
    changes = []
    for k in sorted(a.keys() | b.keys(), key=lambda k: (natural_key(k[0]), natural_key(k[1]))):
        ra, rb = a.get(k), b.get(k)
        point = new.interim.controls.get(k[1]) or old.interim.controls.get(k[1])
        change = item_change("control_result", k[1], old, new, ra, rb, _fields(ra, rb, "control_result"),
                              title=point.title if point else None, period=k[0])
        if change:
            changes.append(change)
    return changes


def _fields(a: BaseModel | None, b: BaseModel | None, of: str, headline: tuple[str, ...] = ("status",)) -> list[FieldChange]:
    """Changed fields; for an addition or removal its headline facts (the status), as follow-ups show."""
    if a is not None and b is not None:
        fields = compare_models(a, b)
    else:
        only = b or a
        fields = [FieldChange(name, None if a is None else getattr(only, name), getattr(only, name) if a is None else None)
                  for name in headline if getattr(only, name) is not None]
    for f in fields:
        f.of = of
    return fields


def _audits(old: PlanData, new: PlanData) -> list[Change]:
    changes = []
    for key in sorted(old.interim.audits.keys() | new.interim.audits.keys(), key=natural_key):
        a, b = old.interim.audits.get(key), new.interim.audits.get(key)
        fields = _audit_fields(a, b) if a and b else []
        change = item_change("audit", key, old, new, a, b, fields, title=(b or a).title)  # type: ignore[union-attr]
        if change:
            changes.append(change)
    return changes


def _audit_fields(a: Audit, b: Audit) -> list[FieldChange]:
    """The audit's own fields, then each control objective and recommendation by id, field by field."""
    fields = compare_models(a, b, skip=("objectives", "recommendations"))
    for f in fields:
        f.of = "audit"
    for what, old_items, new_items in (("objective", a.objectives, b.objectives),
                                        ("recommendation", a.recommendations, b.recommendations)):
        before = {item.id: item for item in old_items}
        after = {item.id: item for item in new_items}
        for item_id in [*after, *(i for i in before if i not in after)]:
            x, y = before.get(item_id), after.get(item_id)
            if x is None or y is None:  # added or removed: its text
                text = (y or x).text if what == "recommendation" else (y or x).question  # type: ignore[union-attr]
                fields.append(FieldChange(what, None if x is None else text, text if x is None else None, key=item_id,
                                          of="audit"))
                continue
            for f in compare_models(x, y):
                f.of, f.scope = what, (what, item_id)
                fields.append(f)
    return fields


def _open(org: OrgData, plan: PlanData, period: str) -> dict[tuple[str, str], bool]:
    """(audit, recommendation) → open after the period's follow-ups, as the audit report computes it."""
    if period not in org.periods:
        return {}
    results = audit_results(plan.interim.audits, plan.interim.audit_followups, org.organisation, org.periods,
                            org.periods[period])
    return {(r.audit.id, row.recommendation.id): row.open for r in results for row in r.recommendations}


def _audit_followups(old_org: OrgData, old: PlanData, new_org: OrgData, new: PlanData) -> list[Change]:
    def key(f: AuditFollowUp) -> tuple[str, ...]:
        return (f.period, f.audit, f.recommendation)

    a, b = _keyed(old.interim.audit_followups, key), _keyed(new.interim.audit_followups, key)
    changes = []
    for k in sorted(a.keys() | b.keys(), key=lambda k: tuple(natural_key(p) for p in k)):
        fa, fb = a.get(k), b.get(k)
        audit = new.interim.audits.get(k[1]) or old.interim.audits.get(k[1])
        rec = next((r for r in audit.recommendations if r.id == k[2]), None) if audit else None
        fields = _fields(fa, fb, "audit_followup")
        was, now = _open(old_org, old, k[0]).get((k[1], k[2])), _open(new_org, new, k[0]).get((k[1], k[2]))
        if was is not None and now is not None and was != now:  # the recommendation opens or closes with it
            fields.append(FieldChange("open", was, now, of="audit_followup"))
        change = item_change("audit_followup", k[2], old, new, fa, fb, fields,
                              title=rec.text if rec else None, period=k[0], parent=k[1])
        if change:
            changes.append(change)
    return changes


def interim_changes(old_org: OrgData, old: PlanData, new_org: OrgData, new: PlanData) -> list[Change]:
    """Economy tables, control points and results, audits and recommendation follow-ups that differ."""
    changes = _tables(old, new)
    changes += _controls(old, new)
    changes += _results(old, new)
    changes += _audits(old, new)
    changes += _audit_followups(old_org, old, new_org, new)
    return changes


def _controls(old: PlanData, new: PlanData) -> list[Change]:
    a, b = old.interim.controls, new.interim.controls
    changes = []
    for key in sorted(a.keys() | b.keys(), key=natural_key):
        x, y = a.get(key), b.get(key)
        fields = _fields(x, y, "control") if x and y else []
        change = item_change("control", key, old, new, x, y, fields, title=(y or x).title)  # type: ignore[union-attr]
        if change:
            changes.append(change)
    return changes
