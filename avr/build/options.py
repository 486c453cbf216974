"""The options of `avr build`, declared once: the typer command (avr.cli) and the no-op check (avr.fastpath)
both read this table, so the two can never read a command line differently.

`--format` takes formats repeated or comma-separated (`--format pdf --format docx`, `--format md,html,json,pdf,docx`,
`--format all`); without it avr writes md, html and json.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from avr.errors import UsageError
from avr.i18n import N_
from avr.i18n import gettext as _

TEXT_FORMATS = ("md", "html", "json")
BINARY_FORMATS = ("pdf", "docx")
ALL_FORMATS = (*TEXT_FORMATS, *BINARY_FORMATS)
_WARNING_CODE = re.compile(r"^W[0-9]{3}$")


@dataclass(frozen=True)
class Option:
    """One option: its flags, its help, what it takes, and whether the no-op check may answer a command line
    that gives it (--clean always builds)."""

    flags: tuple[str, ...]
    help: str  # English, translated where it is shown (avr.cli)
    takes: Literal["flag", "value", "values", "count"]
    noop: bool = True


BUILD_OPTIONS: dict[str, Option] = {
    "repo": Option(("--repo", "-C"), N_("Repository folder (default: the folder holding avr.yaml here or above)"), "value"),
    "out": Option(("--out", "-o"), N_("Output folder (default: output_dir of avr.yaml, build/)"), "value"),
    "formats": Option(("--format", "-f"),
                      N_("md, html, json, pdf, docx or all; repeat or comma-separate (default: md,html,json)"), "values"),
    "jobs": Option(("--jobs", "-j"), N_("Processes for reading and rendering (default: all cores)"), "count"),
    "quiet": Option(("--quiet", "-q"), N_("No progress bar and no summary line"), "flag"),
    "clean": Option(("--clean",), N_("Also delete files an earlier avr build wrote there that this one does not "
                       "(never others)"), "flag", noop=False),
    "strict": Option(("--strict",), N_("Warnings fail too (exit 1); a build then writes nothing"), "flag"),
    "ignore": Option(("--ignore",), N_("Warning codes not to report, e.g. W103; repeat or comma-separate "
                        "(also avr.yaml's ignore)"), "values"),
}


@dataclass
class BuildArgs:
    """`avr build`'s options as the no-op check read them (names as in BUILD_OPTIONS)."""

    repo: str | None = None
    out: str | None = None
    formats: list[str] = field(default_factory=list)
    jobs: int = 0
    quiet: bool = False
    strict: bool = False
    ignore: list[str] = field(default_factory=list)


_BY_FLAG = {flag: (name, option) for name, option in BUILD_OPTIONS.items() for flag in option.flags}


def parse_build(args: list[str]) -> BuildArgs | None:
    """``avr ARGS`` as typer reads it when ARGS is `build` with options of BUILD_OPTIONS the no-op check
    answers, else None.

    Flags as given; a value as ``--opt VALUE``, ``--opt=VALUE`` or ``-xVALUE`` (the last one given wins, or
    repeatable). A value must be non-empty and must not start with "-"; a count must be digits. Anything else,
    --help and options not answered here included, is left to typer.
    """
    if not args or args[0] != "build":
        return None
    parsed = BuildArgs()
    rest = iter(args[1:])
    for arg in rest:
        found = _BY_FLAG.get(arg)
        if found is not None and found[1].takes == "flag":
            if not found[1].noop:
                return None
            setattr(parsed, found[0], True)
            continue
        if arg.startswith("--"):
            flag, eq, value = arg.partition("=")
            if not eq:
                value = next(rest, "")
        elif len(arg) > 2 and arg[0] == "-":
            flag, value = arg[:2], arg[2:]  # -oVALUE; click reads -o=VALUE as "=VALUE" and -qj2 as -q -j2
            if value.startswith("="):
                return None
        else:
            flag, value = arg, next(rest, "")
        found = _BY_FLAG.get(flag)
        if found is None or found[1].takes == "flag" or not found[1].noop or not value or value.startswith("-"):
            return None
        name, option = found
        if option.takes == "values":
            getattr(parsed, name).append(value)
        elif option.takes == "count":
            if not (value.isascii() and value.isdigit() and len(value) <= 6):  # what typer's int (min 0) surely takes
                return None
            setattr(parsed, name, int(value))
        else:
            setattr(parsed, name, value)
    return parsed


def parse_formats(values: list[str] | None) -> tuple[str, ...]:
    """The formats asked for, in avr's order; an unknown one is a usage error."""
    if not values:
        return TEXT_FORMATS
    asked = {part.strip().lower() for value in values for part in value.split(",") if part.strip()}
    if "all" in asked:
        return ALL_FORMATS
    unknown = sorted(asked - set(ALL_FORMATS))
    if unknown or not asked:
        raise UsageError(_("unknown format {formats}; choose from {known} or all").format(
            formats=", ".join(unknown) or _("(none)"), known=", ".join(ALL_FORMATS)))
    return tuple(f for f in ALL_FORMATS if f in asked)


def parse_ignore(values: list[str] | None) -> frozenset[str]:
    """--ignore W103 --ignore W101,W104: warning codes (errors cannot be ignored)."""
    codes = frozenset(code.strip() for value in values or () for code in value.split(",") if code.strip())
    wrong = sorted(code for code in codes if not _WARNING_CODE.match(code))
    if wrong:
        raise UsageError(_("--ignore takes warning codes such as W103, not {codes}").format(codes=", ".join(wrong)))
    return codes
