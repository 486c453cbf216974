"""`avr init`: a new plan repository in the current folder — avr.yaml, one organisation, one plan.

Also `.gitignore` (the output folder), the editor schemas and a CI recipe. Nothing is ever overwritten:
when a file it would write is there already, nothing at all is written. The plan is written by `avr new
plan` (commands/new.py), the other files the same way (commands/create.py: exclusive and atomic).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from avr.commands.create import create_exclusive, scalar, schema_comment
from avr.errors import AvrError, UsageError
from avr.i18n import gettext as _
from avr.load import layout
from avr.load.layout import builtin_templates
from avr.render.labels import Labels, load_labels

CALENDARS = ("year", "tertial", "delar", "quarter", "month")
_KIND = {"year": "year", "tertial": "tertial", "delar": "interim", "quarter": "quarter", "month": "month"}
# the last month of each period of a calendar, before the full year (periods are cumulative from January)
_ENDS = {"year": (), "tertial": (4, 8), "delar": (8,), "quarter": (3, 6, 9), "month": tuple(range(1, 12))}
CI_RECIPE = Path(".github") / "workflows" / "avr.yml"


@dataclass
class InitOptions:
    municipality: str
    board: str
    board_code: str | None = None
    org_id: str | None = None
    administration: str | None = None
    calendar: str = "year"
    year: int = field(default_factory=lambda: dt.date.today().year)
    kind: str = "operational_plan"
    plan_id: str | None = None
    email: str | None = None
    language: str = "sv"


def slug(text: str) -> str:
    """An id from a name: `Uppsala kommun` → `uppsala`, `Kultur- och fritidsnämnden` → `kultur-och-fritidsnamnden`."""
    text = re.sub(r"\s+(kommun|kommuns|region)$", "", text.strip(), flags=re.IGNORECASE)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def board_code(board: str) -> str:
    """A first guess at the board's short code (AMN): the initials of its words, or its first three letters."""
    words = [w for w in re.split(r"[\s-]+", board) if w and w.lower() not in ("och", "and")]
    initials = "".join(w[0] for w in words).upper()
    return initials if len(initials) > 1 else board.replace(" ", "")[:3].upper()


def periods(cal: str, year: int, labels: Labels) -> list[dict[str, str]]:
    """The periods of a calendar for one year, cumulative from January, ending with the full year."""
    if cal not in CALENDARS:
        raise UsageError(_("unknown calendar `{calendar}`; use one of: {known}").format(
            calendar=cal, known=", ".join(CALENDARS)))
    months: list[str] = labels("init", "months")
    out = []
    suffix = {"tertial": "T", "quarter": "Q"}
    for n, month in enumerate(_ENDS[cal], start=1):
        last = calendar.monthrange(year, month)[1]
        pid = f"{year}-{suffix[cal]}{n}" if cal in suffix else f"{year}-{month:02d}"
        pattern = labels("init", "period", "month_first" if month == 1 else _KIND[cal])
        label = str(pattern).format(n=n, year=year, month=months[month - 1])
        out.append({"id": pid, "label": label, "kind": _KIND[cal], "start": f"{year}-01-01",
                    "end": f"{year}-{month:02d}-{last:02d}"})
    out.append({"id": str(year), "label": str(labels("init", "period", "year")).format(year=year), "kind": "year",
                "start": f"{year}-01-01", "end": f"{year}-12-31"})
    return out


def _id(value: str, what: str) -> str:
    """``value`` when it is a valid id (model.common.Id), else a usage error naming the option that sets it."""
    from pydantic import TypeAdapter, ValidationError

    from avr.model.common import Id

    try:
        TypeAdapter(Id).validate_python(value)
    except ValidationError:
        raise UsageError(_("`{value}` is not a valid {what} id: give one with --{what} (letters, digits, : . _ -)").format(
            value=value, what=what)) from None
    return value


def planned_files(root: Path, opts: InitOptions) -> dict[Path, str]:
    """What init writes, by path (the plan itself comes after, from `avr new plan`)."""
    labels = load_labels(opts.language)
    code = opts.board_code or board_code(opts.board)
    org = _id(opts.org_id or f"{slug(opts.municipality)}-{slug(code)}", "org")
    config = [
        f"title: {scalar(str(labels('init', 'title')).format(board=opts.board))}",
        f"language: {opts.language}",
        "plans_dir: plans",
        "output_dir: build",
        "organisations:",
        f"  - {scalar(org)}",
        "accessibility:                # the site's accessibility statement (avr docs: rapporter.md, \"Rapportsajten\")",
        f"  organisation: {scalar(opts.municipality)}",
        "  compliance: partial",
        f"  email: {scalar(opts.email)}" if opts.email else "  email:                       # who answers about accessibility",
    ]
    organisation = [
        f"municipality: {scalar(opts.municipality)}",
        f"board: {scalar(opts.board)}",
        f"board_code: {scalar(code)}",
        f"administration: {scalar(opts.administration)}",
        "units:",
        "  - id: forvaltning",
        f"    name: {scalar(opts.administration or opts.board)}",
        "statuses:",
    ]
    for entry in labels("init", "statuses"):
        organisation.append(f"  - label: {scalar(entry['label'])}")
        organisation.append(f"    means: {entry['means']}")
        for key in ("phrase", "phrase_one"):
            if entry.get(key):
                organisation.append(f"    {key}: {scalar(entry[key])}")
    organisation.append("periods:")
    for period in periods(opts.calendar, opts.year, labels):
        organisation += [f"  - id: {scalar(period['id'])}", f"    label: {scalar(period['label'])}",
                         f"    kind: {period['kind']}", f"    start: {period['start']}", f"    end: {period['end']}"]
    org_file = root / "plans" / org / layout.ORGANISATION_FILE
    files = {
        root / "avr.yaml": schema_comment(root, root / "avr.yaml", "avr") + _text(config),
        org_file: schema_comment(root, org_file, "organisation") + _text(organisation),
        root / ".gitignore": "build/\n",
        root / CI_RECIPE: (builtin_templates() / "init" / "avr.yml").read_text(encoding="utf-8"),
    }
    return files


def _text(lines: list[str]) -> str:
    return "\n".join(line.rstrip() for line in lines) + "\n"


def run_init(root: Path, opts: InitOptions) -> list[str]:
    """Write the new repository's files into ``root``; the lines to print (what was written, what next)."""
    from avr.commands.new import new_plan
    from avr.commands.schema import KINDS, schema_text
    from avr.model.plan import PLAN_KINDS
    from avr.model.repository import load_repository

    if opts.kind not in PLAN_KINDS:
        raise UsageError(_("unknown plan kind `{kind}`; use one of: {kinds}").format(kind=opts.kind, kinds=", ".join(PLAN_KINDS)))
    if not 1900 <= opts.year <= 2200:
        raise UsageError(_("--year {year} is not a year avr can plan for").format(year=opts.year))
    files = planned_files(root, opts)
    schemas = {root / "schemas" / f"{kind}.schema.json": schema_text(kind) for kind in KINDS}
    labels = load_labels(opts.language)
    plan_id = _id(opts.plan_id or f"{labels('init', 'plan_id', opts.kind)}-{opts.year}", "plan")
    org_id = files_org(files, root)
    plan_file = root / "plans" / org_id / plan_id / layout.PLAN_FILE
    ignore_file = root / ".gitignore"
    notes = []
    if ignore_file.exists():  # a git repository's own: left alone
        files.pop(ignore_file)
        if "build/" not in ignore_file.read_text(encoding="utf-8", errors="replace").split():
            notes.append(_("note: add build/ to .gitignore (avr's output is built, not committed)"))
    there = sorted(p.relative_to(root).as_posix() for p in [*files, *schemas, plan_file] if p.exists())
    if there:
        raise AvrError(_("{files} already there: nothing written (avr init never overwrites; "
                         "in a repository that has avr.yaml, `avr new` adds plans, goals and activities)").format(
                           files=", ".join(there)))
    created = []
    for path, text in {**files, **schemas}.items():
        if not create_exclusive(path, text):  # appeared meanwhile: stop, keep what is there
            raise AvrError(_("{file} appeared while avr init ran; not overwritten").format(
                file=path.relative_to(root).as_posix()))
        created.append(path.relative_to(root).as_posix())
    repo = load_repository(root, strict=False)
    title = f"{str(labels('init', 'plan_id', opts.kind)).capitalize()} {opts.year}"
    created.append(new_plan(repo, plan_id, org_id, opts.kind, title, year=opts.year))
    first = periods(opts.calendar, opts.year, labels)[0]["id"]
    return [*(_("created {path}").format(path=name) for name in created), *notes, _("next:"),
            '  avr new goal --title "…"          # ' + _("a goal of the plan (goals/1.yaml)"),
            '  avr new activity --title "…"      # ' + _("an activity serving it (activities/1.yaml)"),
            f"  avr followup start {first}       # " + _("follow-up files to fill in, then: avr build")]


def files_org(files: dict[Path, str], root: Path) -> str:
    """The organisation id of the planned files (the folder of organisation.yaml)."""
    return next(p.parent.name for p in files if p.name == layout.ORGANISATION_FILE)
