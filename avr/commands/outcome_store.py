"""Writing outcome entries for `avr fetch kolada` and `avr import outcomes`, under one set of rules.

* An outcome a person wrote is never replaced: a goal follow-up's `outcomes:`, the plan's
  `history:`, or an entry whose `source` is another than the writer's (`manual`, or `kolada` for an
  import). Where the new value differs, the difference is shown and the old value kept.
* An entry of the writer's own source that differs is shown and replaced only with ``--update``.
* The same value again writes nothing, so a second run changes nothing.
* Everything is decided first; then every file is written atomically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from avr.build.output import write_atomic
from avr.errors import AvrError
from avr.i18n import gettext as _
from avr.load import layout
from avr.model.goal import Value
from avr.model.outcome import OutcomeEntry, differences, same_fields
from avr.model.repository import OrgData, PlanData, Repository

FIELD_ORDER = ("indicator", "period", "value", "numerator", "denominator", "women", "men", "text", "comment",
               "source", "kpi", "municipality", "fetched", "imported", "file")
HEADER = {
    "kolada": "# Fetched from Kolada by `avr fetch kolada`; it replaces this file only with --update.\n"
              "# To keep a value of your own, set `source: manual`.\n",
    "import": "# Imported by `avr import outcomes`; it replaces this file only with --update.\n"
              "# To keep a value of your own, set `source: manual`.\n",
    "manual": "",
}


@dataclass
class Proposal:
    org: OrgData
    plan: PlanData
    entry: OutcomeEntry
    origin: str  # where the value comes from, for messages: "Kolada N31807/0581/2023", "x.csv:4"


@dataclass
class Change:
    path: Path
    text: str
    action: str  # "new" | "update"
    origin: str


@dataclass
class Decision:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    differing: int = 0  # own-source entries that differ, left alone without --update
    notes: list[str] = field(default_factory=list)


def _num(value: object) -> str:
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def describe(diff: list[tuple[str, object, object]]) -> str:
    return ", ".join(f"{name} {_num(old)} → {_num(new)}" for name, old, new in diff)


def entry_yaml(entry: OutcomeEntry) -> str:
    """The entry as YAML that avr's strict reader reads back exactly (JSON strings are YAML strings)."""
    lines = [HEADER[entry.source]]
    data = entry.model_dump(exclude_none=True)
    for key in FIELD_ORDER:
        if key not in data:
            continue
        value: Any = data[key]
        if isinstance(value, Decimal):
            lines.append(f"{key}: {_num(value)}\n")
        elif key in ("fetched", "imported"):
            lines.append(f"{key}: {value.isoformat()}\n")
        else:
            lines.append(f"{key}: {json.dumps(str(value), ensure_ascii=False)}\n")
    return "".join(lines)


def decide(repo: Repository, proposals: list[Proposal], *, update: bool) -> Decision:
    decision = Decision()
    person: dict[tuple[str, str, str, str], tuple[str, Value]] = {}
    entries: dict[tuple[str, str, str, str], tuple[str, OutcomeEntry]] = {}
    for org, plan in repo.all_plans():
        for goal in plan.goals.values():
            for ind in goal.indicators:
                for period, value in ind.history.items():
                    person[(org.id, plan.id, ind.id, period)] = (plan.docs[id(goal)].path, value)
        for fu in plan.followups:
            for ind_id, value in fu.outcomes.items():
                person[(org.id, plan.id, ind_id, fu.period)] = (plan.docs[id(fu)].path, value)
        for entry in plan.outcomes:
            entries[(org.id, plan.id, entry.indicator, entry.period)] = (plan.docs[id(entry)].path, entry)
    planned: set[Path] = set()
    for prop in proposals:
        new = prop.entry
        key = (prop.org.id, prop.plan.id, new.indicator, new.period)
        what = f"{new.indicator} {new.period}"
        if key in person:
            where, value = person[key]
            diff = differences(value, new.as_value())
            if diff:
                decision.notes.append(_("{file}: {what}: kept the value written there; {origin} says otherwise "
                                        "({differences})").format(file=where, what=what, origin=prop.origin,
                                                                  differences=describe(diff)))
            else:
                decision.unchanged += 1
            continue
        if key in entries:
            where, old = entries[key]
            if same_fields(old.as_value(), new.as_value()):
                decision.unchanged += 1
                continue
            diff = differences(old.as_value(), new.as_value()) or [("fields", "…", "…")]
            if old.source != new.source:
                decision.notes.append(_("{file}: {what}: kept (source: {source}); {origin} says otherwise "
                                        "({differences})").format(file=where, what=what, source=old.source,
                                                                  origin=prop.origin, differences=describe(diff)))
                continue
            if not update:
                decision.differing += 1
                decision.notes.append(_("{file}: {what}: {origin} now differs ({differences}); "
                                        "run with --update to replace it").format(
                    file=where, what=what, origin=prop.origin, differences=describe(diff)))
                continue
            path = repo.root / where
            decision.changes.append(Change(path, entry_yaml(new), "update", prop.origin))
        else:
            path = repo.root / prop.plan.path / layout.OUTCOMES / new.period / f"{new.indicator}.yaml"
            if path.exists() or path in planned:
                raise AvrError(_("{file} exists but is not the outcome of {what}; nothing was written").format(
                    file=path.relative_to(repo.root), what=what))
            decision.changes.append(Change(path, entry_yaml(new), "new", prop.origin))
        planned.add(path)
    return decision


def write(decision: Decision) -> None:
    for change in decision.changes:
        write_atomic(change.path, change.text)
