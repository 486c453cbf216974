"""`avr import outcomes FILE.xlsx|FILE.csv`: indicator outcomes from a spreadsheet, as outcome entries.

One row per indicator, period and sex (layout in docs/anvandning.md, "Kalkylblad"). Every row is checked
and every problem reported as ``FILE:row:col: CODE message``; if any row is bad nothing is written.
Entries are written under the same rules as `avr fetch kolada` (outcome_store).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from avr.commands.outcome_store import Decision, Proposal, decide, write
from avr.errors import Diagnostics, InvalidInput, UsageError
from avr.i18n import gettext as _
from avr.load.yamlfile import describe_character, forbidden_character
from avr.model.common import parse_figure
from avr.model.outcome import OutcomeEntry
from avr.model.repository import OrgData, PlanData, Repository
from avr.model.validate import error_message
from avr.render.labels import load_labels

USED = ("organisation", "plan", "indicator", "period", "sex", "value", "numerator", "denominator",
        "outcome_text", "comment")
# columns `avr export` writes next to the outcome: read past without a warning
INFORMATIONAL = ("goal", "indicator_title", "unit", "unit_label", "source", "kpi", "municipality")
SYNONYMS = {
    "indicator": ("indikator", "indikator-id", "indicator id", "id"),
    "value": ("utfall", "värde", "outcome", "total"),
    "sex": ("kön", "gender", "kon"),
    "comment": ("kommentar", "anmärkning", "note"),
    "outcome_text": ("text",),
    "organisation": ("organization",),
}
SEXES = {
    "": "T", "t": "T", "total": "T", "totalt": "T", "alla": "T", "all": "T", "both": "T", "båda": "T",
    "k": "K", "kvinnor": "K", "kvinna": "K", "women": "K", "woman": "K", "female": "K", "f": "K", "w": "K",
    "m": "M", "män": "M", "man": "M", "men": "M", "male": "M",
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().rstrip(":").casefold())


def header_names() -> dict[str, str]:
    """Every accepted header (casefolded) → column key: keys, sv and en names, synonyms."""
    names: dict[str, str] = {}
    for language in ("en", "sv"):
        for key, label in load_labels(language)("data", "columns").items():
            if key in USED or key in INFORMATIONAL:
                names[_norm(str(label))] = key
    for key in (*USED, *INFORMATIONAL):
        names[_norm(key)] = key
    for key, words in SYNONYMS.items():
        for word in words:
            names.setdefault(_norm(word), key)
    return names


def read_rows(path: Path, display: str, diags: Diagnostics) -> list[list[Any]]:
    suffix = path.suffix.casefold()
    if suffix == ".csv":
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            diags.add(display, 0, 0, "E814", _("not UTF-8 (byte {byte}); save it as “CSV UTF-8”").format(byte=exc.start))
            return []
        first = text.split("\n", 1)[0]
        delimiter = max(";,\t", key=first.count)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            return [list(row) for row in reader]
        except csv.Error as exc:  # e.g. a cell over the csv module's field limit (128 KiB)
            diags.add(display, reader.line_num, 0, "E814", _("cannot be read as CSV: {reason}").format(reason=exc))
            return []
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
            diags.add(display, 0, 0, "E814", _("cannot be read as an .xlsx workbook: {reason}").format(reason=exc))
            return []
        names = {_norm(str(load_labels(lang)("data", "tables", "outcomes"))) for lang in ("sv", "en")}
        sheet = next((s for s in book.worksheets if _norm(s.title) in names), book.worksheets[0])
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    raise UsageError(_("{file}: import reads .xlsx or .csv files").format(file=display))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    text = str(value).strip().replace("\r\n", "\n")  # a line break inside a quoted CSV cell, as Windows writes it
    # `avr export` puts an apostrophe before text a spreadsheet would run as a formula; take it off
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def _number(value: Any) -> Decimal:
    """A cell's number, by the rule of every number in avr (digits 0–9, at most 15 + 6 of them)."""
    if isinstance(value, bool):
        raise ValueError(_("`{value}` is not a number").format(value=value))
    if isinstance(value, int):
        value = str(value)
    elif isinstance(value, float):  # 1e30 and nan from a workbook: written out, then read like text
        value = format(Decimal(repr(value)), "f")
    number = parse_figure(_cell_text(value))  # 33,9 % as a report prints it: the one grammar of avr.model
    assert isinstance(number, Decimal)
    return number


@dataclass
class _Group:
    org: OrgData
    plan: PlanData
    indicator: str
    period: str
    row: int
    fields: dict[str, Any] = field(default_factory=dict)
    sexes: dict[str, int] = field(default_factory=dict)


def parse_file(repo: Repository, path: Path, display: str) -> tuple[list[Proposal], Diagnostics]:
    diags = Diagnostics()
    rows = read_rows(path, display, diags)
    if diags.errors:
        return [], diags
    rows = [r for r in rows if any(_cell_text(c) for c in r)]
    if not rows:
        diags.add(display, 0, 0, "E814", _("the file holds no rows"))
        return [], diags
    names = header_names()
    columns: dict[str, int] = {}
    for index, title in enumerate(rows[0]):
        key = names.get(_norm(_cell_text(title)))
        if key is None:
            if _cell_text(title):
                diags.add(display, 1, index + 1, "W802", _("column `{column}` is not read").format(column=_cell_text(title)))
        elif key in columns:
            diags.add(display, 1, index + 1, "E810", _("column `{column}` repeats column {number}").format(
                column=_cell_text(title), number=columns[key] + 1))
        else:
            columns[key] = index
    for needed in ("indicator", "period"):
        if needed not in columns:
            diags.add(display, 1, 1, "E810", _("no `{column}` column; the first row names the columns").format(column=needed))
    if not {"value", "numerator", "outcome_text"} & columns.keys():
        diags.add(display, 1, 1, "E810", _("no `value` (or `numerator`/`denominator`) column"))
    if ("numerator" in columns) != ("denominator" in columns):
        diags.add(display, 1, 1, "E810", _("give both `numerator` and `denominator` columns, or neither"))
    if diags.errors:
        return [], diags

    plans = list(repo.all_plans())
    groups: dict[tuple[str, str, str, str], _Group] = {}
    for number, raw in enumerate(rows[1:], start=2):
        if not any(_cell_text(c) for c in raw):
            continue

        def cell(key: str, row: list[Any] = raw) -> Any:
            index = columns.get(key)
            return row[index] if index is not None and index < len(row) else None

        def err(key: str, code: str, message: str, row: int = number) -> None:
            diags.add(display, row, columns.get(key, 0) + 1, code, message)

        hidden = [(index, char) for index, c in enumerate(raw) if isinstance(c, str)
                  and (char := forbidden_character(_cell_text(c))) is not None]
        for index, char in hidden:  # the rule of every value in avr's files (E012), which these cells become
            diags.add(display, number, index + 1, "E811", _("cell holds {character}; remove it").format(
                character=describe_character(char)))
        if hidden:
            continue

        ind_id, period = _cell_text(cell("indicator")), _cell_text(cell("period"))
        if not ind_id:
            err("indicator", "E811", _("indicator is empty"))
            continue
        if not period:
            err("period", "E811", _("period is empty"))
            continue
        org_name, plan_name = _cell_text(cell("organisation")), _cell_text(cell("plan"))
        found = [(o, p) for o, p in plans if ind_id in p.indicators()
                 and (not plan_name or plan_name in (p.id, f"{o.id}/{p.id}")) and (not org_name or org_name == o.id)]
        if not found:
            message = (_("unknown indicator `{indicator}` in plan `{plan}`") if plan_name
                       else _("unknown indicator `{indicator}`")).format(indicator=ind_id, plan=plan_name)
            ids = sorted({i for _org, p in plans for i in p.indicators()})
            close = difflib.get_close_matches(ind_id, ids, n=1, cutoff=0.6)
            hint = _(" — did you mean `{close}`?").format(close=close[0]) if close else ""
            err("indicator", "E812", message + hint)
            continue
        if len(found) > 1:
            err("indicator", "E812", _("indicator `{indicator}` is in several plans ({plans}); add a `plan` column").format(
                indicator=ind_id, plans=", ".join(f"{o.id}/{p.id}" for o, p in found)))
            continue
        org, plan = found[0]
        if period not in org.periods:
            err("period", "E812", _("unknown period `{period}` of {org}; known: {known}").format(
                period=period, org=org.id, known=", ".join(list(org.periods)[:12])))
            continue
        sex = SEXES.get(_norm(_cell_text(cell("sex"))))
        if sex is None:
            err("sex", "E811", _("sex `{sex}`: write T, K or M (totalt, kvinnor, män)").format(sex=_cell_text(cell("sex"))))
            continue
        values: dict[str, Any] = {}
        bad = False
        for key in ("value", "numerator", "denominator"):
            if _cell_text(cell(key)):
                try:
                    values[key] = _number(cell(key))
                except ValueError as exc:
                    err(key, "E811", str(exc).removeprefix("Value error, "))
                    bad = True
        if bad:
            continue
        text = _cell_text(cell("outcome_text"))
        if not values and not text:
            err("value", "E811", _("no value: give `value`, `numerator` and `denominator`, or an outcome in words"))
            continue
        if sex != "T" and ("numerator" in values or "denominator" in values or text):
            err("numerator", "E811", _("women's and men's outcomes are given as `value` only"))
            continue
        group_key = (org.id, plan.id, ind_id, period)
        group = groups.setdefault(group_key, _Group(org, plan, ind_id, period, number))
        if sex in group.sexes:
            err("sex", "E813", _("{indicator} {period} sex {sex} is already given on row {row}").format(
                indicator=ind_id, period=period, sex=sex, row=group.sexes[sex]))
            continue
        group.sexes[sex] = number
        if sex == "T":
            group.fields.update(values)
            if text:
                group.fields["text"] = text
        else:
            group.fields["women" if sex == "K" else "men"] = values.get("value")
        comment = _cell_text(cell("comment"))
        if comment and "comment" not in group.fields:
            group.fields["comment"] = comment

    proposals = []
    today = dt.date.today()
    for group in groups.values():
        try:
            entry = OutcomeEntry(indicator=group.indicator, period=group.period, source="import", imported=today,
                                 file=path.name, **group.fields)
        except ValidationError as exc:
            first = exc.errors()[0]
            message = error_message(first["type"], dict(first.get("ctx") or {}))
            diags.add(display, group.row, 1, "E811", f"{group.indicator} {group.period}: {message}")
            continue
        indicator = group.plan.indicators()[group.indicator][1]
        if indicator.unit == "percent":
            if entry.numerator is not None and entry.denominator is not None and entry.numerator > entry.denominator:
                diags.add(display, group.row, columns.get("numerator", 0) + 1, "E811",
                          _("numerator {numerator} is larger than denominator {denominator} in a percentage").format(
                              numerator=entry.numerator, denominator=entry.denominator))
                continue
            if entry.value is not None and not Decimal(0) <= entry.value <= Decimal(100):
                diags.add(display, group.row, columns["value"] + 1, "E811", _("percentage {number} is outside 0–100").format(
                    number=entry.value))
                continue
        proposals.append(Proposal(group.org, group.plan, entry, f"{display}:{group.row}"))
    return proposals, diags


def run_import(repo: Repository, path: Path, *, update: bool = False) -> tuple[Decision, Diagnostics]:
    if not path.is_file():
        raise UsageError(_("{file}: no such file").format(file=path))
    display = str(path)
    proposals, diags = parse_file(repo, path, display)
    if diags.errors:
        raise InvalidInput(diags)
    decision = decide(repo, proposals, update=update)
    write(decision)
    return decision, diags
