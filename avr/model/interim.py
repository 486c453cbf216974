"""The plan sub-folders of the delårsrapport: economy tables, internal control, audits.

Layout (docs/filer.md, "Delårsrapportens filer"):

    <plan>/economy/<id>.yaml                         an economy table
    <plan>/controls/<id>.yaml                        a control point
    <plan>/control-results/<period>/<id>.yaml        its result in a period
    <plan>/audits/<id>.yaml                          an audit report
    <plan>/audit-followups/<period>/<id>.yaml        the follow-up of one recommendation
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from avr.errors import Diagnostics
from avr.i18n import gettext as _
from avr.load import layout
from avr.model.audit import Audit, AuditFollowUp
from avr.model.common import kind_name
from avr.model.control import ControlPoint, ControlResult
from avr.model.economy import EconomyTable
from avr.model.organisation import Organisation

M = TypeVar("M", bound=BaseModel)

SUBFOLDERS: tuple[tuple[str, type[BaseModel], str], ...] = (
    (layout.ECONOMY, EconomyTable, "*.yaml"),
    (layout.CONTROLS, ControlPoint, "*.yaml"),
    (layout.CONTROL_RESULTS, ControlResult, "**/*.yaml"),
    (layout.AUDITS, Audit, "*.yaml"),
    (layout.AUDIT_FOLLOWUPS, AuditFollowUp, "**/*.yaml"),
)


@dataclass
class InterimData:
    """Everything a plan holds besides goals and activities, for the delårsrapport."""

    economy: dict[str, EconomyTable] = field(default_factory=dict)  # computed by compute/economy.py
    controls: dict[str, ControlPoint] = field(default_factory=dict)
    control_results: list[ControlResult] = field(default_factory=list)
    audits: dict[str, Audit] = field(default_factory=dict)
    audit_followups: list[AuditFollowUp] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.economy or self.controls or self.audits)


class Loader(Protocol):
    """What this module needs of the repository loader."""

    diags: Diagnostics

    def read(self, path: Path, schema: type[M]) -> M | None: ...

    def at(self, model: BaseModel, loc: tuple[Any, ...], code: str, message: str, *, key: bool = False) -> None: ...

    def ref(self, model: BaseModel, loc: tuple[Any, ...], value: str, known: Iterable[str], what: str) -> bool: ...

    def add_unique(self, table: dict[str, Any], key: str, model: BaseModel, what: str) -> None: ...

    def read_folders(
        self, folder: Path, subfolders: Iterable[tuple[str, type[BaseModel], str]], seen: set[str],
        docs: dict[int, Any],
    ) -> Iterable[tuple[Path, BaseModel]]: ...


def load_interim(
    loader: Loader, folder: Path, organisation: Organisation, docs: dict[int, Any], seen: set[str]
) -> InterimData:
    """Read the sub-folders of one plan and check them; `docs` gets each model's file for positions."""
    data = InterimData()
    for _path, model in loader.read_folders(folder, SUBFOLDERS, seen, docs):
        if isinstance(model, EconomyTable):
            loader.add_unique(data.economy, model.id, model, "economy table")
        elif isinstance(model, ControlPoint):
            loader.add_unique(data.controls, model.id, model, "control point")
        elif isinstance(model, ControlResult):
            data.control_results.append(model)
        elif isinstance(model, Audit):
            loader.add_unique(data.audits, model.id, model, "audit")
        elif isinstance(model, AuditFollowUp):
            data.audit_followups.append(model)
    _check(loader, data, organisation)
    return data


def _check(loader: Loader, data: InterimData, organisation: Organisation) -> None:
    periods = [p.id for p in organisation.periods]
    # the stated sums, and a changes table against the versions it explains, are compute's (compute/checks.py)
    for table in data.economy.values():
        _unique(loader, table, [c.id for c in table.columns], "columns", "column")
        if table.period is not None:
            loader.ref(table, ("period",), table.period, periods, "period")
        for key in ("previous", "current") if table.explains is not None else ():
            loader.ref(table, ("explains", key), getattr(table.explains, key), data.economy, "economy table")
    seen: dict[tuple[str, ...], BaseModel] = {}
    for control in data.control_results:
        loader.ref(control, ("period",), control.period, periods, "period")
        loader.ref(control, ("control",), control.control, data.controls, "control point")
        _status(loader, control, control.status, organisation)
        _once(loader, seen, control, ("control", control.control, control.period))
    for audit in data.audits.values():
        _unique(loader, audit, [o.id for o in audit.objectives], "objectives", "control objective")
        _unique(loader, audit, [r.id for r in audit.recommendations], "recommendations", "recommendation")
        for i, rec in enumerate(audit.recommendations):
            if rec.objective is not None:
                loader.ref(audit, ("recommendations", i, "objective"), rec.objective,
                           [o.id for o in audit.objectives], "control objective")
    for fu in data.audit_followups:
        loader.ref(fu, ("period",), fu.period, periods, "period")
        if loader.ref(fu, ("audit",), fu.audit, data.audits, "audit"):
            loader.ref(fu, ("recommendation",), fu.recommendation,
                       [r.id for r in data.audits[fu.audit].recommendations], f"recommendation of audit {fu.audit}")
        _status(loader, fu, fu.status, organisation)
        _once(loader, seen, fu, ("recommendation", fu.audit, fu.recommendation, fu.period))


def _unique(loader: Loader, model: BaseModel, ids: list[str], key: str, what: str) -> None:
    found: set[str] = set()
    for i, item_id in enumerate(ids):
        if item_id in found:
            loader.at(model, (key, i, "id"), "E201", _("{what} id `{key}` is used twice").format(
                what=kind_name(what), key=item_id))
        found.add(item_id)


def _once(loader: Loader, seen: dict[tuple[str, ...], BaseModel], model: BaseModel, key: tuple[str, ...]) -> None:
    if key in seen:
        loader.at(model, ("period",), "E203", _("{what} `{key}` is already followed up for period {period}").format(
            what=kind_name(key[0]), key=" ".join(key[1:-1]), period=key[-1]))
    else:
        seen[key] = model


def _status(loader: Loader, model: BaseModel, status: str | None, organisation: Organisation) -> None:
    problem = organisation.status_problem(status) if status is not None else None
    if problem is not None:
        loader.at(model, ("status",), "E204", problem)
