"""What a change between two repositories is: an item added, removed, changed or moved, field by field.

The classes and helpers `avr diff` builds on (compute/diff.py for plans, goals and follow-ups;
compute/diff_interim.py for economy tables, internal control and audits).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from avr.model.goal import Indicator
from avr.model.repository import PlanData

ADDED, REMOVED, CHANGED, MOVED = "added", "removed", "changed", "moved"

# Fields shown as a short word diff plus a collapsible line diff rather than "old → new".
LONG_TEXT_CHARS = 80


@dataclass
class FieldChange:
    """One field that differs. ``key`` is the period of a target or outcome, or an indicator id."""

    field: str
    old: Any
    new: Any
    key: str | None = None
    indicator: Indicator | None = None  # formats targets and outcomes
    unit: str | None = None  # an economy amount's unit (kr, tkr, mnkr) …
    decimals: int | None = None  # … and its table's decimals
    of: str | None = None  # the entity whose field this is, when its label differs from the common one
    scope: tuple[str, str] | None = None  # (kind, id) of the part it belongs to, e.g. ("objective", "2")

    @property
    def is_text(self) -> bool:
        return any(isinstance(v, str) and ("\n" in v.strip() or len(v) > LONG_TEXT_CHARS) for v in (self.old, self.new))

    def text_lines(self) -> tuple[list[str], int, int]:
        """A unified diff of a long text, and how many lines it adds and removes."""
        old = (self.old or "").splitlines() if isinstance(self.old, str) or self.old is None else [str(self.old)]
        new = (self.new or "").splitlines() if isinstance(self.new, str) or self.new is None else [str(self.new)]
        lines = list(difflib.unified_diff(old, new, lineterm="", n=1))[2:]
        added = sum(1 for line in lines if line.startswith("+"))
        removed = sum(1 for line in lines if line.startswith("-"))
        return lines, added, removed

    def word_context(self, context: int = 3, limit: int = 12) -> list[tuple[str, str]]:
        """The first changed words with a few words around them: (equal|delete|insert, text) parts."""
        old = re.findall(r"\S+", self.old or "") if isinstance(self.old, str) or self.old is None else [str(self.old)]
        new = re.findall(r"\S+", self.new or "") if isinstance(self.new, str) or self.new is None else [str(self.new)]
        opcodes = [op for op in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes() if op[0] != "equal"]
        if not opcodes:
            return []
        _, i1, i2, j1, j2 = opcodes[0]
        parts: list[tuple[str, str]] = []
        if i1 > 0:
            parts.append(("equal", ("… " if i1 > context else "") + " ".join(old[max(0, i1 - context):i1])))
        if i2 > i1:
            parts.append(("delete", _cut(old[i1:i2], limit)))
        if j2 > j1:
            parts.append(("insert", _cut(new[j1:j2], limit)))
        if i2 < len(old):
            more = i2 + context < len(old) or len(opcodes) > 1
            parts.append(("equal", " ".join(old[i2:i2 + context]) + (" …" if more else "")))
        elif len(opcodes) > 1:
            parts.append(("equal", "…"))
        return parts


def _cut(words: list[str], limit: int) -> str:
    return " ".join(words[:limit]) + (" …" if len(words) > limit else "")


@dataclass
class Change:
    """An item added, removed, changed or moved."""

    entity: str  # config | organisation | plan | goal | indicator | activity | followup | report | economy | control
    #              | control_result | audit | audit_followup
    action: str  # added | removed | changed | moved
    id: str
    title: str | None = None
    path: str | None = None  # on the head side, or the base side if removed
    old_path: str | None = None  # set when the file moved
    kind: str | None = None  # a goal's kind
    parent: str | None = None  # the goal of an indicator
    period: str | None = None  # of a follow-up
    subject: str | None = None  # activity | goal, of a follow-up
    fields: list[FieldChange] = field(default_factory=list)


def compare_models(old: BaseModel, new: BaseModel, skip: Iterable[str] = ()) -> list[FieldChange]:
    """Field by field, in the schema's order; unknown to the schema means nothing here."""
    skipped = set(skip)
    return [
        FieldChange(name, getattr(old, name), getattr(new, name))
        for name in type(new).model_fields
        if name not in skipped and getattr(old, name) != getattr(new, name)
    ]


def doc_path(plan: PlanData, model: object) -> str | None:
    doc = plan.docs.get(id(model))
    return doc.path if doc else None


def item_change(entity: str, key: str, old_plan: PlanData, new_plan: PlanData, old: BaseModel | None,
                new: BaseModel | None, fields: list[FieldChange], **extra: Any) -> Change | None:
    if old is None and new is not None:
        return Change(entity, ADDED, key, path=doc_path(new_plan, new), fields=fields, **extra)
    if new is None and old is not None:
        return Change(entity, REMOVED, key, path=doc_path(old_plan, old), fields=fields, **extra)
    assert old is not None and new is not None
    old_path, new_path = doc_path(old_plan, old), doc_path(new_plan, new)
    moved = old_path != new_path
    if not fields and not moved:
        return None
    return Change(entity, CHANGED if fields else MOVED, key, path=new_path, old_path=old_path if moved else None,
                  fields=fields, **extra)
