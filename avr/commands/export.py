"""`avr export`: goals, indicators, outcomes, results, verdicts, activities and statuses as flat tables.

For Excel users and for publishing as open data: CSV (a header row, one file per table), one .xlsx
workbook with a sheet per table, or one JSON file. Column and sheet names come from the label
catalogue (`data:`) in Swedish or English; JSON uses the column keys. Codes (`not_met`) stand beside
their words in the report's language (`*_label` columns).

CSV comes in two forms: ``excel`` — as Excel reads it in the report's language (Swedish: semicolons,
decimal comma, UTF-8 with a byte order mark; English: commas and decimal points with the mark) — the
default for Swedish, and ``rfc4180`` (commas, decimal points, no mark), the default for English.
Computed numbers are rounded to the decimals the report prints (JSON and xlsx keep them exact).
Text is data: a cell that a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``, tab or
line break first) gets a leading apostrophe in CSV and is a text cell in xlsx; line breaks inside a
cell are quoted. The outcomes table is what `avr import outcomes` reads, so an export imports back
to the same outcomes.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from avr.compute.order import natural_key
from avr.compute.periods import sort_ids
from avr.compute.results import compute_plan
from avr.errors import UsageError
from avr.i18n import gettext as _
from avr.model.goal import Indicator, Target, Value
from avr.model.repository import OrgData, PlanData, Repository
from avr.render.format import amount_decimals, change_decimals, rounded
from avr.render.labels import Labels, load_labels

TABLES: dict[str, tuple[str, ...]] = {
    "goals": ("organisation", "plan", "goal", "kind", "kind_label", "parent", "area", "title", "text"),
    "indicators": ("organisation", "plan", "goal", "indicator", "indicator_title", "unit", "unit_label", "better",
                   "kpi", "municipality"),
    "outcomes": ("organisation", "plan", "goal", "indicator", "indicator_title", "unit", "unit_label", "period", "sex",
                 "value",
                 "numerator", "denominator", "outcome_text", "comment", "source", "kpi"),
    "results": ("organisation", "plan", "period", "goal", "indicator", "value", "target", "result", "result_label",
                "change_last_year"),
    "verdicts": ("organisation", "plan", "period", "goal", "verdict", "verdict_label", "computed_verdict",
                 "computed_verdict_label", "manual_verdict", "justification"),
    "activities": ("organisation", "plan", "activity", "point", "goals", "operation", "title", "responsible",
                   "expected_completion"),
    "statuses": ("organisation", "plan", "period", "activity", "status", "status_label", "completion",
                 "expected_completion", "date", "status_period"),
}
FORMATS = ("csv", "xlsx", "json")
CSV_FORMS = ("excel", "rfc4180")
# a label column: the code column it names in words, and the catalogue group of the words
LABELLED: dict[str, tuple[str, str]] = {
    "kind_label": ("kind", "goal_kind"),
    "result_label": ("result", "result"),
    "verdict_label": ("verdict", "verdict"),
    "computed_verdict_label": ("computed_verdict", "verdict"),
}
# A cell starting with one of these is a formula (or the start of one) to Excel, LibreOffice and Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
DECIMALS = "_decimals"  # a row's {column: decimals the report prints}, for CSV
Row = dict[str, Any]


def _target(target: Target | None, ind: Indicator) -> str | None:
    if target is None:
        return None
    if target.text is not None:
        return target.text
    if target.direction is not None:
        return target.direction + (f" ({target.relative_to})" if target.relative_to else "")
    op = target.op or (">=" if ind.better == "higher" else "<=")
    return f"{op} {_plain(target.value)}"


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def outcome_sources(plan: PlanData) -> dict[tuple[str, str], tuple[Value, str, str | None]]:
    """Every outcome by (indicator, period) with its source, in compute's precedence."""
    out: dict[tuple[str, str], tuple[Value, str, str | None]] = {}
    for goal in plan.goals.values():
        for ind in goal.indicators:
            for period, value in ind.history.items():
                out[(ind.id, period)] = (value, "plan", None)
    for entry in plan.outcomes:
        out[(entry.indicator, entry.period)] = (entry.as_value(), entry.source, entry.kpi)
    for fu in plan.followups:
        for ind_id, value in fu.outcomes.items():
            out[(ind_id, fu.period)] = (value, "followup", None)
    return out


def _periods(org: OrgData, plan: PlanData, period: str | None) -> list[str]:
    if period is not None:
        return [period] if period in org.periods else []
    used = {f.period for f in plan.followups} | {e.period for e in plan.outcomes}
    return sort_ids((p for p in used if p in org.periods), org.periods)


def tables(repo: Repository, period: str | None) -> dict[str, list[Row]]:
    if period is not None and not any(period in org.periods for org in repo.orgs.values()):
        raise UsageError(_("--period `{period}`: no organisation has this period").format(period=period))
    out: dict[str, list[Row]] = {name: [] for name in TABLES}
    for org, plan in repo.all_plans():
        base = {"organisation": org.id, "plan": plan.id}
        indicators = plan.indicators()
        for goal in sorted(plan.goals.values(), key=lambda g: natural_key(g.id)):
            out["goals"].append({**base, "goal": goal.id, "kind": goal.kind, "parent": goal.parent, "area": goal.area,
                                 "title": goal.title, "text": goal.text})
            for ind in goal.indicators:
                out["indicators"].append({
                    **base, "goal": goal.id, "indicator": ind.id, "indicator_title": ind.title, "unit": ind.unit,
                    "unit_label": ind.unit_label,
                    "better": ind.better, "kpi": ind.kolada.kpi if ind.kolada else None,
                    "municipality": (ind.kolada.municipality or org.organisation.municipality_code) if ind.kolada else None,
                })
        order = {p: i for i, p in enumerate(sort_ids(org.periods, org.periods))}  # date order
        for (ind_id, p), (value, source, kpi) in sorted(outcome_sources(plan).items(),
                                                        key=lambda kv: (kv[0][0], order.get(kv[0][1], 0), kv[0][1])):
            if (period is not None and p != period) or ind_id not in indicators:
                continue
            goal, ind = indicators[ind_id]
            common = {**base, "goal": goal.id, "indicator": ind_id, "indicator_title": ind.title, "unit": ind.unit,
                      "unit_label": ind.unit_label, "period": p, "source": source, "kpi": kpi}
            if value.value is not None or value.numerator is not None or value.text is not None:
                out["outcomes"].append({**common, "sex": "T", "value": value.value, "numerator": value.numerator,
                                        "denominator": value.denominator, "outcome_text": value.text,
                                        "comment": value.comment})
            for sex, number in (("K", value.women), ("M", value.men)):
                if number is not None:
                    out["outcomes"].append({**common, "sex": sex, "value": number})
        for act in sorted(plan.activities.values(), key=lambda a: natural_key(a.id)):
            out["activities"].append({**base, "activity": act.id, "point": act.point or act.id,
                                      "goals": ", ".join(act.goals), "operation": act.unit, "title": act.title,
                                      "responsible": act.responsible, "expected_completion": act.expected_completion})
        for p in _periods(org, plan, period):
            result = compute_plan(org, plan, p, repo.config.rules)
            for g in result.all_goals():
                manual = g.manual
                out["verdicts"].append({**base, "period": p, "goal": g.goal.id, "verdict": g.verdict.value,
                                        "computed_verdict": g.computed.value,
                                        "manual_verdict": manual.verdict.value if manual else None,
                                        "justification": manual.justification if manual else None})
                for ir in g.indicators:
                    out["results"].append({**base, "period": p, "goal": g.goal.id, "indicator": ir.indicator.id,
                                           "value": ir.value, "target": _target(ir.target, ir.indicator),
                                           "result": ir.result.value, "change_last_year": ir.change_last_year,
                                           DECIMALS: {
                                               "value": amount_decimals(ir.indicator, ir.outcome) if ir.outcome else None,
                                               "change_last_year": change_decimals(ir.indicator)}})
            for a in result.activities:
                # the period's own follow-up, or a done/stopped status carried from an earlier one (compute.status)
                given = a.state.source if a.state is not None and a.status is not None else a.followup
                if given is None:
                    continue
                out["statuses"].append({**base, "period": p, "activity": a.activity.id,
                                        "status": a.status.value if a.status else None, "status_label": a.status_label,
                                        "completion": given.completion,
                                        "expected_completion": a.expected_completion, "date": given.date,
                                        "status_period": given.period if a.status is not None else None})
    return out


def _csv_cell(value: Any, decimals: int | None, comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        text = format(rounded(number, decimals), "f") if decimals is not None else _plain(number)
        return text.replace(".", ",") if comma else text
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    # text from YAML is data: an apostrophe first keeps a spreadsheet from running it as a formula
    return "'" + text if text.startswith(FORMULA_START) else text


def _with_labels(row: Row, labels: Labels) -> Row:
    out = dict(row)
    if row.get("unit") is not None and row.get("unit_label") is None:  # the indicator's own word wins
        out["unit_label"] = str(labels.get("unit", str(row["unit"]), default="")) or None
    for column, (code, group) in LABELLED.items():
        if row.get(code) is not None:
            out[column] = str(labels(group, str(row[code])))
    return out


def _json_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    return str(value)


def _write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render(data: dict[str, list[Row]], fmt: str, language: str, suffix: str,
           csv_form: str | None = None) -> dict[str, bytes]:
    """File name → content."""
    labels = load_labels(language)
    header: Callable[[str], str] = lambda key: str(labels("data", "columns", key))  # noqa: E731
    data = {name: [_with_labels(row, labels) for row in rows] for name, rows in data.items()}
    if fmt == "json":
        doc = {name: [{k: _json_cell(row.get(k)) for k in TABLES[name]} for row in rows] for name, rows in data.items()}
        return {f"avr-export{suffix}.json": (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")}
    if fmt == "csv":
        import csv

        form = csv_form or ("excel" if language == "sv" else "rfc4180")
        comma = form == "excel" and language == "sv"  # Excel in Sweden: decimal comma, so `;` between cells
        files = {}
        for name, rows in data.items():
            buffer = io.StringIO(newline="")
            # CRLF as RFC 4180 says; a cell holding a line break is quoted, so it never splits a row
            writer = csv.writer(buffer, delimiter=";" if comma else ",", lineterminator="\r\n")
            writer.writerow([header(k) for k in TABLES[name]])
            for row in rows:
                decimals = row.get(DECIMALS, {})
                writer.writerow([_csv_cell(row.get(k), decimals.get(k), comma) for k in TABLES[name]])
            # the byte order mark tells Excel the file is UTF-8 (without it, å ä ö come out wrong)
            files[f"{name}{suffix}.csv"] = ("\ufeff" if form == "excel" else "").encode("utf-8") + \
                buffer.getvalue().encode("utf-8")
        return files
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in data.items():
        sheet = book.create_sheet(str(labels("data", "tables", name))[:31])
        sheet.append([header(k) for k in TABLES[name]])
        for row in rows:
            sheet.append([_json_cell(row.get(k)) for k in TABLES[name]])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    cell.data_type = "s"  # text from YAML is data: never a formula Excel would run
    binary = io.BytesIO()
    book.save(binary)
    return {f"avr-export{suffix}.xlsx": binary.getvalue()}


def run_export(repo: Repository, out: Path, *, fmt: str = "csv", period: str | None = None,
               language: str | None = None, force: bool = False, csv_form: str | None = None) -> list[Path]:
    if fmt not in FORMATS:
        raise UsageError(_("--format `{format}`: use one of {known}").format(format=fmt, known=", ".join(FORMATS)))
    if csv_form is not None and csv_form not in CSV_FORMS:
        raise UsageError(_("--csv `{form}`: use one of {known}").format(form=csv_form, known=", ".join(CSV_FORMS)))
    language = language or repo.config.language
    if language not in ("sv", "en"):
        raise UsageError(_("--language `{language}`: use sv or en").format(language=language))
    files = render(tables(repo, period), fmt, language, f"-{period}" if period else "", csv_form)
    targets = {out / name: content for name, content in files.items()}
    existing = [str(p) for p in targets if p.exists()]
    if existing and not force:
        raise UsageError(_("{files} already exist(s); nothing was written (--force replaces)").format(
            files=", ".join(existing)))
    for path, content in targets.items():
        _write_bytes_atomic(path, content)
    return list(targets)
