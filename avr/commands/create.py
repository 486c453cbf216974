"""Creating files for people to edit: exclusive, atomic, and written the way avr reads them.

Shared by `avr new` and `avr followup start`. A file is written to a temporary name in its folder
and hard-linked to its final name: the link fails if the name exists, so a file a person wrote
is never replaced, and a reader never sees half a file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path

from avr.errors import UsageError
from avr.i18n import gettext as _
from avr.model.repository import OrgData, PlanData, Repository

_PLAIN = re.compile(r"^[0-9A-Za-zÅÄÖåäöÉé][0-9A-Za-zÅÄÖåäöÉé:._\- ]*$")
_LOOKS_TYPED = re.compile(
    r"^(?:[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|true|false|yes|no|on|off|null|~|\d{4}-\d\d-\d\d)$", re.I
)


def create_exclusive(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` unless it exists; True if this call created it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        Path(tmp).unlink(missing_ok=True)


def scalar(value: str | int | None) -> str:
    """A YAML scalar that avr reads back as written and an editor sees as a string when it is an id."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, int):
        return text
    if _PLAIN.match(text) and not _LOOKS_TYPED.match(text) and ": " not in text and not text.endswith(":"):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def schema_comment(root: Path, target: Path, kind: str) -> str:
    """The line that points VS Code's YAML extension at the file's schema, relative to the file."""
    schema = root / "schemas" / f"{kind}.schema.json"
    return f"# yaml-language-server: $schema={Path(os.path.relpath(schema, target.parent)).as_posix()}\n"


def file_stem(item_id: str) -> str:
    """A file name for an id: `2:1` → `2-1` (colons are not allowed in Windows file names)."""
    return item_id.replace(":", "-").replace("/", "-")


def today() -> dt.date:
    return dt.date.today()


def next_id(used: list[str]) -> str:
    """One more than the largest numeric id, else the first free number."""
    numbers = [int(u) for u in used if u.isdigit()]
    candidate = max(numbers) + 1 if numbers else 1
    while str(candidate) in used:
        candidate += 1
    return str(candidate)


def find_plan(repo: Repository, wanted: str | None, cwd: Path) -> tuple[OrgData, PlanData]:
    """The plan named ``org/plan`` or ``plan``; else the plan folder we are in; else the only plan."""
    plans = list(repo.all_plans())
    names = ", ".join(f"{o.id}/{p.id}" for o, p in plans) or _("none")
    if wanted:
        found = [(o, p) for o, p in plans if wanted in (p.id, f"{o.id}/{p.id}")]
        if len(found) == 1:
            return found[0]
        message = _("plan `{plan}` is ambiguous; plans: {known}") if found else _("plan `{plan}` is unknown; plans: {known}")
        raise UsageError(message.format(plan=wanted, known=names))
    here = cwd.resolve()
    for org, plan in plans:
        folder = (repo.root / plan.path).resolve()
        if here == folder or folder in here.parents:
            return org, plan
    if len(plans) == 1:
        return plans[0]
    raise UsageError(_("say which plan with --plan ORG/PLAN; plans: {known}").format(known=names))


def plan_folder(repo: Repository, plan: PlanData) -> Path:
    return repo.root / plan.path


def display(repo: Repository, path: Path) -> str:
    try:
        return path.relative_to(repo.root).as_posix()
    except ValueError:
        return path.as_posix()
