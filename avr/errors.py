"""Diagnostics and the few exceptions that cross layers.

Every problem with a user's files becomes a :class:`Diagnostic` with a stable
code. Layers collect diagnostics and keep going; only the CLI boundary turns
them (and the exceptions below) into messages and exit codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from avr.i18n import gettext as _
from avr.i18n import ngettext

__all__ = [
    "CODES",
    "Problem",
    "AvrError",
    "Diagnostic",
    "Diagnostics",
    "InvalidInput",
    "Severity",
    "UsageError",
    "printable",
    "severity_of",
]


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


# Stable codes. Never renumber: users search for them and silence warnings with `ignore` (avr.yaml, --ignore).
CODES: dict[str, str] = {
    # reading files (load)
    "E001": "file cannot be read (not UTF-8, not a regular file, too large)",
    "E002": "YAML syntax error",
    "E003": "duplicate key",
    "E004": "YAML anchors and aliases are not allowed",
    "E005": "tab used for indentation",
    "E006": "more than one YAML document in a file",
    "E007": "file must hold a mapping",
    "E008": "YAML tags are not allowed",
    "E009": "nesting too deep",
    "E010": "symbolic link or configured path leading outside the repository",
    "E011": "more files than the repository limit",
    "E012": "control character, bidirectional override or non-character in a value",
    # schema (model)
    "E101": "unknown field",
    "E102": "missing field",
    "E103": "invalid value",
    # cross-file (model.repository)
    "E201": "duplicate id",
    "E202": "unknown reference",
    "E203": "item followed up twice in one period",
    "E204": "status label not in the organisation's vocabulary",
    "E205": "manual verdict without justification",
    "E206": "plan id differs from its folder",
    "E207": "repository configuration missing",
    "E208": "report file name too long for the files built from it",
    # economy tables (compute.economy)
    "E301": "stated total differs from the sum of its lines",
    "E302": "stated deviation differs from the computed one",
    "E303": "varav-parts do not sum to their line",
    "E304": "changes table does not explain the difference between two versions",
    # stated figures beside computed ones (compute.rounding, compute.stated)
    "E305": "stated figure differs from its numerator/denominator beyond its rounding",
    "E306": "stated goal verdict or indicator count differs from the computed one",
    "E307": "stated status counts differ from the computed ones",
    # indicator data in and out (outcome entries, Kolada, spreadsheets)
    "E801": "indicator outcome given twice for one period",
    "E802": "indicator outcome given in two places with different values",
    "E803": "Kolada KPI without a municipality",
    "E810": "spreadsheet column missing or unknown",
    "E811": "spreadsheet cell invalid",
    "E812": "spreadsheet row names an unknown plan, indicator or period",
    "E813": "spreadsheet rows disagree",
    "E814": "spreadsheet cannot be read",
    # publishing (render)
    "E701": "a report would publish unsafe HTML (script, event handler, dangerous link)",
    "E702": "output folder not avr's alone: files tracked by git, or a symbolic link where avr writes",
    # warnings
    "W101": "manual verdict differs from the computed one",
    "W102": "activities of one point have different statuses",
    "W103": "YAML file that avr does not read",
    "W104": "placeholder text of a new file left in place",
    "W105": "accessibility statement without contact details",
    "W106": "indicator target that contradicts its direction (better)",
    "W301": "budget total differs from its frame (budgetram)",
    "W801": "outcome file filed under another period's folder",
    "W802": "spreadsheet column that import does not read",
    "W803": "indicator outcome looks mistyped (more than ten times off its neighbouring values)",
}


# What a terminal or a CI log would obey rather than show: control characters (an escape sequence can recolour,
# retitle, or write the clipboard; a line break starts a forged `::error` line in GitHub Actions), line and
# paragraph separators, and bidirectional overrides and isolates.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` safe to print on one line of a terminal or a CI log: what it would obey is shown as ``\\x1b``."""
    return _UNPRINTABLE.sub(_escaped, text)


Problem = tuple[str, int, int, str, str]  # a diagnostic as plain data: path, line, col, code, message


def severity_of(code: str) -> Severity:
    """The one rule: W-codes are warnings, every other code an error."""
    return Severity.WARNING if code.startswith("W") else Severity.ERROR


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, positioned in a user's file: ``path:line:col: CODE message``."""

    path: str
    line: int
    col: int
    code: str
    message: str

    @property
    def severity(self) -> Severity:
        return severity_of(self.code)

    def format(self) -> str:
        """One line, whatever a file name or a quoted value holds (see :func:`printable`)."""
        where = self.path
        if self.line:
            where += f":{self.line}:{self.col}"
        return printable(f"{where}: {self.code} {self.message}")

    def as_problem(self) -> Problem:
        """Its one serialisation (manifests, worker processes); :meth:`Diagnostics.of` reads it back."""
        return (self.path, self.line, self.col, self.code, self.message)


class Diagnostics:
    """Collects diagnostics of a whole run; never stops at the first."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    @classmethod
    def of(cls, items: Iterable[Problem | Diagnostic]) -> Diagnostics:
        diags = cls()
        diags.items = [d if isinstance(d, Diagnostic) else Diagnostic(*d) for d in items]
        return diags

    def add(
        self,
        path: str | Path,
        line: int,
        col: int,
        code: str,
        message: str,
    ) -> None:
        self.items.append(Diagnostic(str(path), line, col, code, message))

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)

    def problems(self) -> list[Problem]:
        return [d.as_problem() for d in self.items]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def without(self, codes: Iterable[str]) -> Diagnostics:
        """These diagnostics less the warnings of the ignored ``codes`` (errors are never ignored)."""
        ignored = frozenset(codes)
        return Diagnostics.of(d for d in self.items if not (d.code in ignored and d.severity is Severity.WARNING))

    def fails(self, strict: bool = False) -> bool:
        """Whether the run fails: on an error, or with ``strict`` on a warning too."""
        return bool(self.errors or (strict and self.warnings))

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.items))

    def summary(self, strict: bool = False) -> str:
        """The one summary line: the counts, or that there is nothing to report."""
        errors, warnings = len({d for d in self.items if d.severity is Severity.ERROR}), len(
            {d for d in self.items if d.severity is Severity.WARNING})
        if not errors and not warnings:
            return _("OK: no errors")
        text = _("{errors}, {warnings}").format(
            errors=ngettext("{count} error", "{count} errors", errors).format(count=errors),
            warnings=ngettext("{count} warning", "{count} warnings", warnings).format(count=warnings))
        return text + _(" (--strict: warnings fail)") if strict and warnings else text

    def report(self, strict: bool = False) -> list[str]:
        """The lines avr prints for them: sorted, without repeats, then the counts when there are any."""
        lines = [d.format() for d in self.sorted()]
        if lines:
            lines.append(self.summary(strict))
        return lines

    def __bool__(self) -> bool:
        return bool(self.items)


class AvrError(Exception):
    """Base of errors shown to the user as a message, never as a traceback."""

    exit_code = 1


class InvalidInput(AvrError):
    """The repository's files have errors; carries all of them."""

    def __init__(self, diagnostics: Diagnostics, strict: bool = False) -> None:
        count = len(diagnostics.errors)
        super().__init__(ngettext("{count} error", "{count} errors", count).format(count=count))
        self.diagnostics = diagnostics
        self.strict = strict  # refused for warnings too (--strict)


class UsageError(AvrError):
    """The command line asks for something impossible (unknown period, bad option)."""

    exit_code = 2
