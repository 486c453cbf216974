"""Template context and JSON of the delårsrapport: economy tables, processes, commitments, control, audits."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from avr.compute.economy import Cell, TableResult
from avr.compute.indicators import IndicatorResult
from avr.compute.interim import (
    commitment_status,
    status_table,
)
from avr.compute.results import PlanResult
from avr.compute.sections import InterimResults, ProcessArea
from avr.model.config import RepoConfig
from avr.model.economy import EconomyTable
from avr.model.goal import Value
from avr.model.repository import PlanData
from avr.render.format import number
from avr.render.jsonout import counts_json
from avr.render.jsonout import number as json_number
from avr.render.labels import Labels
from avr.render.terms import Words


def amount(value: Decimal | None, table: EconomyTable, locale: str) -> str:
    """An amount in the table's unit with the locale's separators: `−118,4`, `381 886`."""
    return number(value, locale, table.printed_decimals)


def titled(areas: list[ProcessArea], plan: PlanData, labels: Labels) -> list[ProcessArea]:
    """The areas as printed: the catch-all titled like the plan's list of goals."""
    heading = Words(plan.plan, labels).label("heading", "goals")
    return [area if area.title is not None else replace(area, title=heading) for area in areas]


def interim_context(
    plan: PlanData, result: PlanResult, config: RepoConfig, labels: Labels, computed: InterimResults | None = None
) -> dict[str, Any]:
    """What the sections of the delårsrapport need: economy tables, processes, commitments, control, audits.

    Pass the report's ``computed`` results to share them with `interim_json`, so each is computed once.
    """
    org = result.organisation
    computed = computed or InterimResults(plan, result, config.interim.stable_percent)
    counts = computed.commitment_counts
    processes = computed.processes
    return {
        "economy": computed.economy,
        "amount": lambda value, table: amount(value, table, labels.locale),
        "column_groups": column_groups,
        "reference_value": reference_value,
        "processes": processes,
        "process_areas": titled(computed.areas, plan, labels),
        "indicator_trend": {ir.indicator.id: trend for row in processes for ir, trend in row.indicator_trends},
        "commitments": computed.commitments,
        "commitment_counts": counts,
        "commitment_status": lambda g: commitment_status(g, org),
        "status_table": status_table([(org.board, counts)], org),
        "controls": computed.controls,
        "audits": computed.audits,
    }


def _cells(cells: dict[str, Cell]) -> dict[str, Any]:
    return {
        col: {"value": json_number(c.value), "stated": json_number(c.stated), "computed": json_number(c.computed)}
        for col, c in cells.items()
    }


def table_json(t: TableResult) -> dict[str, Any]:
    table = t.table
    return {
        "id": table.id,
        "title": table.title,
        "kind": table.kind,
        "unit": table.unit,
        "sign": table.sign,
        "period": table.period,
        "columns": [
            {"id": c.id, "label": c.label, "group": c.group,
             "deviation": c.deviation.model_dump() if c.deviation else None}
            for c in table.columns
        ],
        "convention": t.convention,  # as stated under the table: sign, `_by_kind` when lines are income/cost
        # side: income or cost for a line typed positive as printed (its cells as typed), else null
        "rows": [{"label": r.label, "kind": r.kind, "side": r.side, "level": r.level, "cells": _cells(r.cells)}
                 for r in t.rows],
        "total": _cells(t.total),
    }


def interim_json(
    plan: PlanData, result: PlanResult, config: RepoConfig, interim: bool, computed: InterimResults | None = None
) -> dict[str, Any]:
    """Keys added to a report's JSON: commitment counts, economy tables, and with ``interim`` (a report with a
    section of the delårsrapport's folders) processes, commitments, control and audits."""
    org = result.organisation
    computed = computed or InterimResults(plan, result, config.interim.stable_percent)
    data: dict[str, Any] = {
        "commitment_counts": counts_json(computed.commitment_counts),
        "economy": [table_json(t) for t in computed.economy],
    }
    if not interim:
        return data
    data["processes"] = [
        {"id": row.goal.goal.id, "title": row.goal.goal.title or row.goal.goal.text, "verdict": row.goal.verdict.value,
         "trend": row.trend,
         "indicator_trends": {ir.indicator.id: trend for ir, trend in row.indicator_trends}}
        for row in computed.processes
    ]
    data["commitments"] = [
        {"id": g.goal.id, "title": g.goal.title or g.goal.text, "parent": g.goal.parent,
         "shared_with": g.goal.shared_with,
         "status": (s.value if (s := commitment_status(g, org)) else None),
         "status_label": g.followup.status if g.followup else None,
         "completion": g.followup.completion if g.followup else None,
         "date": g.followup.date.isoformat() if g.followup and g.followup.date else None}
        for g in computed.commitments
    ]
    data["internal_control"] = [
        {"id": row.control.id, "area": row.control.area, "title": row.control.title,
         "status": row.result.status if row.result else None}
        for row in computed.controls
    ]
    data["audits"] = [
        {"id": a.audit.id, "title": a.audit.title, "open_recommendations": a.open_count,
         "recommendations": [
             {"id": r.recommendation.id, "status": r.status.value if r.status else None, "open": r.open,
              "period": r.latest.period if r.latest else None}
             for r in a.recommendations
         ]}
        for a in computed.audits
    ]
    return data


def reference_value(ir: IndicatorResult) -> Value | None:
    """The outcome a trend compares with, as written (with women/men and comment)."""
    ind = ir.indicator
    if ir.reference_period is None:
        return None
    if ind.baseline is not None and ind.baseline.period == ir.reference_period:
        return ind.baseline.value
    return ir.values.get(ir.reference_period)


def column_groups(table: EconomyTable) -> list[tuple[str | None, int]]:
    """Consecutive columns under one heading: [(Utfall januari-mars 2022, 3), (Helår 2022, 3)]."""
    groups: list[tuple[str | None, int]] = []
    for col in table.columns:
        if groups and groups[-1][0] == col.group and col.group is not None:
            groups[-1] = (col.group, groups[-1][1] + 1)
        else:
            groups.append((col.group, 1))
    return groups
