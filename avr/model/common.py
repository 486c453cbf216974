"""Building blocks shared by the schemas: strict base model, ids, numbers.

Every value arrives as the string the editor wrote (see ``avr.load``); the
types here decide what such a string may mean.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from avr.i18n import gettext as _

__all__ = [
    "CANONICAL_STATUSES",
    "DECIMAL_SIGNS",
    "kind_name",
    "Figure",
    "Heading",
    "Id",
    "Markdown",
    "Number",
    "NumberTooLong",
    "ONGOING_WORDS",
    "SIGNS",
    "Schema",
    "Status",
    "THOUSANDS_SPACES",
    "Title",
    "Verdict",
    "Year",
    "YearOrOngoing",
    "parse_figure",
    "parse_number",
    "shown",
]


class Schema(BaseModel):
    """Base of every file schema: unknown fields are errors, empty values are absent."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False, use_attribute_docstrings=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_empty(cls, data: Any) -> Any:
        # `key:` with nothing after it means "not filled in", as in a blank form.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v != ""}
        return data


Id = Annotated[
    str,
    Field(
        pattern=r"^[0-9A-Za-zÅÄÖåäöÉé][0-9A-Za-zÅÄÖåäöÉé:._\-]*$",
        max_length=80,
        description="Identifier as users write it (`2`, `2:1`, `1a`, `AVN-3`) / id som den skrivs",
    ),
]

# Markdown: lists and quotes nested deeper than this would lose text in the reports (markdown-it stops reading a
# block nested 20 token levels deep, and a list takes two); refused instead (E103).
MAX_MARKDOWN_NESTING = 8
# A line opening the n-th nested list or quote carries n markers or indents before its text: only a line with a
# prefix this wide can, and only then is the text parsed (a tab counts four columns).
_PREFIX = re.compile(r"^[ \t>*+\-0-9.)]{3,}", re.M)
_OPEN = {"blockquote_open", "bullet_list_open", "ordered_list_open"}
_CLOSE = {"blockquote_close", "bullet_list_close", "ordered_list_close"}


@cache
def _block_parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def markdown_nesting(text: str) -> int:
    """How many lists and quotes ``text`` nests inside each other at its deepest (CommonMark)."""
    depth = deepest = 0
    for token in _block_parser().parse(text):
        if token.type in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif token.type in _CLOSE:
            depth -= 1
    return deepest


def _shallow_markdown(text: Any) -> Any:
    wide = isinstance(text, str) and any(len(m.group()) + 3 * m.group().count("\t") > MAX_MARKDOWN_NESTING
                                         for m in _PREFIX.finditer(text))
    if wide and markdown_nesting(text) > MAX_MARKDOWN_NESTING:
        raise ValueError(
            _("lists and quotes nested more than {depth} levels deep; the reports would lose "
              "the text inside them — nest less deeply").format(depth=MAX_MARKDOWN_NESTING)
        )
    return text


Markdown = Annotated[
    str, AfterValidator(_shallow_markdown), Field(description="Text in Markdown / text i Markdown")
]


# Text printed in page headers, the site's navigation and the documents' properties (report and plan titles, the
# board, period labels): bounded, as PDF layout time grows faster than a header's length. The longest in the
# example reports has 90 characters.
MAX_HEADING = 200
Heading = Annotated[str, Field(max_length=MAX_HEADING, description="One line, at most 200 characters")]
# The title of a goal, activity or indicator: a sentence, at most 1 000 characters (the longest example has 369).
MAX_TITLE = 1000
Title = Annotated[str, Field(max_length=MAX_TITLE, description="One sentence, at most 1 000 characters")]

# Digits are ASCII only (Python's \d and Decimal also take Arabic-Indic or fullwidth digits, which no
# report means). Bounded so that any sum over a repository stays exact in Decimal's 28 digits and every
# number can be printed: 15 digits before the decimal sign (a municipality's budget has 11) and 6 after.
# The signs, decimal signs and thousands spaces a number may be written with; the editor schemas' patterns
# (avr/commands/schema.py) are built from these too.
SIGNS = "+-−"
DECIMAL_SIGNS = ".,"
# Spaces people write between thousands: space, no-break space, thin space, narrow no-break space.
THOUSANDS_SPACES = " \u00a0\u2009\u202f"
_NUMBER = re.compile(f"[{re.escape(SIGNS)}]?([0-9]+)(?:[{re.escape(DECIMAL_SIGNS)}]([0-9]+))?")
MAX_INTEGER_DIGITS = 15
MAX_DECIMALS = 6
_THOUSANDS = str.maketrans("", "", THOUSANDS_SPACES)


def shown(value: str, limit: int = 60) -> str:
    """``value`` as a diagnostic quotes it: a long value is cut, so a 200 KB value is not printed whole."""
    return value if len(value) <= limit else value[:limit] + "…"


class NumberTooLong(ValueError):
    """A number with more digits than avr reads."""


def parse_number(value: Any) -> Any:
    """Accept `33,9`, `33.9`, `1 040` and `−28,6` (Unicode minus) as exact decimals.

    One anchored pattern without nested or overlapping repetition: linear in the value's length.
    """
    if isinstance(value, str):
        text = value.strip().translate(_THOUSANDS)
        match = _NUMBER.fullmatch(text)
        if not match:
            raise ValueError(_("`{value}` is not a number; write e.g. 33,9 or 1040").format(value=shown(value)))
        if len(match[1]) > MAX_INTEGER_DIGITS or len(match[2] or "") > MAX_DECIMALS:
            raise NumberTooLong(
                _("`{value}` has more digits than avr reads: at most {before} before "
                  "the decimal sign and {after} after").format(value=shown(value), before=MAX_INTEGER_DIGITS,
                                                                after=MAX_DECIMALS)
            )
        try:
            return Decimal(text.replace("−", "-").replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - regex guards this
            raise ValueError(_("`{value}` is not a number").format(value=shown(value))) from exc
    return value


Number = Annotated[Decimal, BeforeValidator(parse_number)]


def without_percent(text: str) -> str:
    """`33,9 %` and `33,9%` → `33,9`: a figure may carry the percent sign it is printed with (the one place that says so)."""
    return text.strip().removesuffix("%").strip()


def parse_figure(value: Any) -> Any:
    """A number as a document prints it, optionally with a percent sign: `19 %`, `33,9%`, `1 040`.

    The decimals written are kept (`39,0` stays 39.0): a stated figure's rounding is read from them.
    """
    if isinstance(value, str):
        return parse_number(without_percent(value))
    return value


Figure = Annotated[Decimal, BeforeValidator(parse_figure)]


def _parse_year(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}", value.strip()):
        raise ValueError(_("`{value}` is not a year; write four digits, e.g. 2021").format(value=shown(value)))
    if isinstance(value, (str, int)) and not 1900 <= int(value) <= 2200:
        raise ValueError(_("`{value}` is not a plausible year; write e.g. 2021").format(value=shown(str(value))))
    return value


Year = Annotated[int, BeforeValidator(_parse_year), Field(ge=1900, le=2200)]

# What `expected_completion` may say instead of a year (any letter case)
ONGOING_WORDS = frozenset({"ongoing", "ständigt pågående", "pågår ständigt", "löpande"})


def parse_year_or_ongoing(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ONGOING_WORDS:
        return "ongoing"
    return _parse_year(value)


YearOrOngoing = Annotated[
    int | Literal["ongoing"],
    BeforeValidator(parse_year_or_ongoing),
    Field(description="Year, or `ongoing` (ständigt pågående)"),
]


class Status(str, Enum):
    """Canonical statuses every organisation's own labels map onto."""

    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    DONE = "done"
    STOPPED = "stopped"


CANONICAL_STATUSES: tuple[str, ...] = tuple(s.value for s in Status)


class Verdict(str, Enum):
    """Result of an indicator or verdict on a goal (måluppfyllelse)."""

    MET = "met"
    PARTIALLY_MET = "partially_met"
    NOT_MET = "not_met"
    NOT_ASSESSED = "not_assessed"


def kind_name(what: str) -> str:
    """How a message names a kind of item (``what`` of a reference check) in the user's language."""
    names = {
        "activity": _("activity"), "audit": _("audit"), "control point": _("control point"),
        "economy table": _("economy table"), "goal area": _("goal area"), "goal": _("goal"),
        "indicator": _("indicator"), "objective": _("objective"), "period": _("period"), "unit": _("unit"),
        "recommendation": _("recommendation"), "column": _("column"), "control objective": _("control objective"),
        "control": _("control point"),
    }
    if what.startswith("indicator of goal "):
        return _("indicator of goal {goal}").format(goal=what.removeprefix("indicator of goal "))
    if what.startswith("recommendation of audit "):
        return _("recommendation of audit {audit}").format(audit=what.removeprefix("recommendation of audit "))
    return names.get(what, what)
