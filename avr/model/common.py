"""Building blocks shared by the schemas: strict base model, ids, numbers.

Every value arrives as the string the editor wrote (see ``avr.load``); the
types here decide what such a string may mean.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

__all__ = [
    "CANONICAL_STATUSES",
    "Figure",
    "Id",
    "Markdown",
    "Number",
    "Schema",
    "Status",
    "Verdict",
    "Year",
    "YearOrOngoing",
    "parse_figure",
    "parse_number",
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

Markdown = Annotated[str, Field(description="Text in Markdown / text i Markdown")]

_NUMBER = re.compile(r"^[+\-−]?\d+(?:[.,]\d+)?$")


def parse_number(value: Any) -> Any:
    """Accept `33,9`, `33.9`, `1 040` and `−28,6` (Unicode minus) as exact decimals."""
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        if not _NUMBER.match(text):
            raise ValueError(f"`{value}` is not a number; write e.g. 33,9 or 1040")
        try:
            return Decimal(text.replace("−", "-").replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - regex guards this
            raise ValueError(f"`{value}` is not a number") from exc
    return value


Number = Annotated[Decimal, BeforeValidator(parse_number)]


def parse_figure(value: Any) -> Any:
    """A number as a document prints it, optionally with a percent sign: `19 %`, `33,9%`, `1 040`.

    The decimals written are kept (`39,0` stays 39.0): a stated figure's rounding is read from them.
    """
    if isinstance(value, str):
        return parse_number(value.strip().removesuffix("%").strip())
    return value


Figure = Annotated[Decimal, BeforeValidator(parse_figure)]


def _parse_year(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"\d{4}", value.strip()):
        raise ValueError(f"`{value}` is not a year; write four digits, e.g. 2021")
    if isinstance(value, (str, int)) and not 1900 <= int(value) <= 2200:
        raise ValueError(f"`{value}` is not a plausible year; write e.g. 2021")
    return value


Year = Annotated[int, BeforeValidator(_parse_year), Field(ge=1900, le=2200)]

_ONGOING = {"ongoing", "ständigt pågående", "pågår ständigt", "löpande"}


def _parse_year_or_ongoing(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in _ONGOING:
        return "ongoing"
    return _parse_year(value)


YearOrOngoing = Annotated[
    int | Literal["ongoing"],
    BeforeValidator(_parse_year_or_ongoing),
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
