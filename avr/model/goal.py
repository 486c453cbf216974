"""Goal files ``<org>/<plan>/goals/*.yaml``: goal-like items and their indicators."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PrivateAttr, model_validator

from avr.i18n import _
from avr.model.common import (
    Figure,
    Id,
    Markdown,
    Number,
    NumberTooLong,
    Schema,
    Title,
    parse_figure,
    parse_number,
    shown,
)

GoalKind = Literal[
    "goal",  # nämndmål / mål, ofta också fokusområde
    "refinement",  # precisering av ett mål
    "development_area",  # utvecklingsområde
    "special_assignment",  # särskilt uppdrag från annan uppdragsgivare
    "quality_work",  # systematiskt kvalitetsarbete
    "process_goal",  # processmål (4 år)
    "commitment",  # åtagande (1 år)
    "development_assignment",  # strategiskt utvecklingsuppdrag med återrapport
]

Unit = Literal[
    "percent", "count", "people", "households", "days", "kronor", "tkr", "mnkr", "index", "ratio", "score"
]

Direction = Literal["increase", "decrease", "not_increase", "not_decrease"]
Relative = Literal["baseline", "previous_period", "same_period_last_year"]

_DIRECTIONS: dict[str, Direction] = {
    "ska öka": "increase",
    "öka": "increase",
    "increase": "increase",
    "ska minska": "decrease",
    "minska": "decrease",
    "decrease": "decrease",
    "ska inte öka": "not_increase",
    "inte öka": "not_increase",
    "not_increase": "not_increase",
    "ska inte minska": "not_decrease",
    "inte minska": "not_decrease",
    "not_decrease": "not_decrease",
}
_OPS = {"≥": ">=", ">=": ">=", "minst": ">=", "lägst": ">=", "≤": "<=", "<=": "<=", "max": "<=",
        "högst": "<=", "=": "="}
# longest first, so that `>=` is not read as `>` followed by `=`
_OP_WORDS = sorted(_OPS, key=len, reverse=True)


def _parse_target(value: Any) -> Any:
    """A comparison and a number (`≥ 90`, `minst 70 %`), a direction, or a plain number.

    Parsed by hand, not by one regular expression: the number's spaces and the spaces around it made the old
    pattern backtrack quadratically (a 200 KB value took minutes).
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    direction = _DIRECTIONS.get(text.casefold().rstrip("."))
    if direction:
        return {"direction": direction}
    op = next((word for word in _OP_WORDS if text[:len(word)].casefold() == word), None)
    number = (text[len(op):] if op else text).strip().removesuffix("%").rstrip()
    if number:
        try:
            parse_number(number)
        except NumberTooLong:
            raise
        except ValueError:
            pass
        else:
            target = {"op": _OPS.get(op or ""), "value": number}
            if op and op.isalpha():  # minst, max, högst: printed in the organisation's words
                target["word"] = text[:len(op)]
            return target
    raise ValueError(
        _("`{value}` is not a target; write a number (677), a comparison (≥ 90, ≤ 30), "
          "a direction (ska öka, ska minska, ska inte öka) or `text: …` for a target in words").format(value=shown(value))
    )


class Target(Schema):
    """A target for one period (målvärde): a number, a direction, or words."""

    op: Literal[">=", "<=", "="] | None = Field(
        default=None, description="Comparison; absent means 'at least' or 'at most' by the indicator's `better`"
    )
    value: Number | None = None
    direction: Direction | None = Field(default=None, description="ska öka / ska minska / ska inte öka")
    relative_to: Relative | None = Field(
        default=None, description="What a direction compares with; default is the indicator's `compare_to`"
    )
    text: str | None = Field(default=None, description="A target in words that avr cannot assess")
    word: str | None = Field(
        default=None, description="The comparison in the organisation's words (minst, lägst, max, högst), printed "
        "instead of ≥/≤; set by itself when the target is written `minst 70`"
    )

    @model_validator(mode="after")
    def _one_kind(self) -> Target:
        kinds = sum(x is not None for x in (self.value, self.direction, self.text))
        if kinds != 1:
            raise ValueError(_("a target is exactly one of: a number (`value`), a `direction`, or `text`"))
        if self.op and self.value is None:
            raise ValueError(_("`op` needs a `value`"))
        if self.word is not None and (_OPS.get(self.word.casefold()) != self.op or self.op == "="):
            raise ValueError(_("`word: {word}` does not say `op: {op}`; minst and lägst mean >=, "
                               "max and högst mean <=").format(word=self.word, op=self.op))
        return self


_NOT_IN_RATIO = frozenset("/()")


def _ratio(text: str) -> dict[str, str] | None:
    """`353/1040`, or with the figure the source prints beside it: `27/179 (19 %)`; None if not of that form.

    Split by hand, not by a pattern: a lazy denominator followed by optional spaces backtracked quadratically.
    """
    numerator, slash, rest = text.partition("/")
    stated = None
    if rest.endswith(")") and "(" in rest:
        open_at = rest.rfind("(")
        rest, stated = rest[:open_at], rest[open_at + 1:-1]
        if "(" in stated or ")" in stated:
            return None
    if not slash or not numerator or not rest or _NOT_IN_RATIO & (set(numerator) | set(rest)):
        return None
    parsed = {"numerator": numerator.strip(), "denominator": rest.strip()}
    if stated is not None:
        parsed["stated"] = stated
    return parsed


def _parse_value(value: Any) -> Any:
    if isinstance(value, str):
        parsed = _ratio(value.strip())
        if parsed is not None:
            return parsed
        if "/" in value:
            numerator, _, denominator = value.partition("/")
            return {"numerator": numerator.strip(), "denominator": denominator.strip()}
        return {"value": parse_figure(value)}
    return value


class Value(Schema):
    """An outcome (utfall): a number, a numerator/denominator, or words; optionally by sex."""

    value: Number | None = None
    numerator: Number | None = Field(default=None, description="Täljare, e.g. 353")
    denominator: Number | None = Field(default=None, description="Nämnare, e.g. 1 040")
    women: Number | None = Field(default=None, description="Kvinnor")
    men: Number | None = Field(default=None, description="Män")
    text: str | None = Field(default=None, description="An outcome in words / utfall i ord")
    comment: str | None = Field(default=None, description="Short note printed with the value")
    stated: Figure | None = Field(
        default=None, description="The figure the source prints beside numerator/denominator, e.g. 19 in "
        "`27/179 (19 %)`; checked against the ratio within the rounding of its decimals"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Value:
        if (self.numerator is None) != (self.denominator is None):
            raise ValueError("give both `numerator` and `denominator`, or neither")
        if self.denominator is not None and self.denominator <= 0:
            raise ValueError("`denominator` must be greater than 0")
        if self.value is not None and self.numerator is not None:
            raise ValueError("give either `value` or `numerator`/`denominator`, not both")
        if self.value is None and self.numerator is None and self.text is None and self.women is None:
            raise ValueError("an outcome needs `value`, `numerator`/`denominator`, `women`/`men` or `text`")
        if self.stated is not None and self.numerator is None:
            raise ValueError("`stated` is the figure printed beside `numerator`/`denominator`; give them too")
        return self


ValueField = Annotated[Value, BeforeValidator(_parse_value)]
TargetField = Annotated[Target, BeforeValidator(_parse_target)]


class Baseline(Schema):
    """Basvärde: the value a direction target compares with."""

    period: Id
    value: ValueField


class KoladaRef(Schema):
    """Where an indicator's outcomes come from in Kolada (`avr fetch kolada`)."""

    kpi: str = Field(pattern=r"^[A-Z][0-9]{5}$", description="Kolada KPI id, e.g. N31807")
    municipality: str | None = Field(
        default=None, pattern=r"^([0-9]{4}|G[0-9]+)$",
        description="Kolada municipality id, e.g. 0581; default the organisation's `municipality_code`",
    )


class Indicator(Schema):
    """An indicator (indikator, nyckeltal) of a goal."""

    id: Id
    title: Title
    unit: Unit
    unit_label: str | None = Field(default=None, description="Unit as printed, e.g. personer, hushåll")
    source: str | None = Field(default=None, description="Källa, e.g. Kolada, Procapita")
    better: Literal["higher", "lower"] | None = Field(
        default=None, description="Direction of improvement: higher or lower is better"
    )
    compare_to: Relative = Field(
        default="same_period_last_year", description="Default comparison for direction targets"
    )
    baseline: Baseline | None = Field(default=None, description="Basvärde")
    history: dict[Id, ValueField] = Field(default_factory=dict, description="Outcomes by period id / historik")
    targets: dict[Id, TargetField] = Field(default_factory=dict, description="Targets by period id / målvärden")
    by_sex: bool = Field(default=False, description="Outcomes are given for women and men")
    decimals: int | None = Field(
        default=None, ge=0, le=3, description="Decimals every outcome and change of the indicator prints with; "
        "default: a share from numerator/denominator with avr.yaml's `decimals`, a typed value as written"
    )
    note: str | None = Field(default=None, description="Footnote / fotnot")
    kolada: KoladaRef | None = Field(default=None, description="Kolada KPI whose values `avr fetch kolada` stores")
    _default_decimals: int = PrivateAttr(default=1)

    def use_default_decimals(self, decimals: int) -> None:
        """Take the repository's `decimals` (avr.yaml): what a share prints with when the indicator sets none."""
        self._default_decimals = decimals

    @property
    def share_decimals(self) -> int:
        """Decimals a share computed from numerator/denominator prints with (33,9 %)."""
        return self.decimals if self.decimals is not None else self._default_decimals

    @model_validator(mode="after")
    def _targets_need_direction(self) -> Indicator:
        for period, target in self.targets.items():
            if target.value is not None and target.op is None and self.better is None:
                raise ValueError(
                    _("target for {period} is a bare number; set `better: higher` or `better: lower`, "
                      "or write the target with ≥ or ≤").format(period=period)
                )
        values = [(_("history {period}").format(period=p), v) for p, v in self.history.items()]
        if self.baseline:
            values.append((_("baseline {period}").format(period=self.baseline.period), self.baseline.value))
        for where, value in values:
            problem = value_problem(self.unit, value)
            if problem:
                raise ValueError(f"{where}: {problem}")
        for period, target in self.targets.items():
            problem = number_problem(self.unit, target.value)
            if problem:
                raise ValueError(_("target {period}: {problem}").format(period=period, problem=problem))
        return self


# Units that cannot be negative; kronor, index, ratio and score can (a deficit, a fall).
_NOT_NEGATIVE = {"percent", "count", "people", "households", "days"}


def number_problem(unit: str, number: Decimal | None) -> str | None:
    """Why ``number`` cannot be a value of an indicator in ``unit``, or None."""
    if number is None:
        return None
    if unit == "percent" and not (Decimal(0) <= number <= Decimal(100)):
        return _("percentage {number} is outside 0–100").format(number=number)
    if unit in _NOT_NEGATIVE and number < 0:
        return _("{number} is negative; a {unit} value cannot be").format(number=number, unit=unit)
    return None


def value_problem(unit: str, value: Value) -> str | None:
    """Why an outcome cannot belong to an indicator in ``unit`` (a share over 100 %, a negative count)."""
    if unit == "percent" and value.numerator is not None and value.denominator is not None \
            and value.numerator > value.denominator:
        return _("numerator {numerator} is larger than denominator {denominator} in a percentage").format(
            numerator=value.numerator, denominator=value.denominator)
    if unit in _NOT_NEGATIVE and value.numerator is not None and value.numerator < 0:
        return _("numerator {numerator} is negative").format(numerator=value.numerator)
    for number in (value.value, value.women, value.men):
        problem = number_problem(unit, number)
        if problem:
            return problem
    return None


class Goal(Schema):
    """A goal-like item of a plan: goal, refinement, development area, assignment, commitment."""

    id: Id = Field(description="As written in the plan: `2`, `2:1`, `1a`")
    kind: GoalKind = "goal"
    number: Id | None = Field(default=None, description="Number printed in headings (Mål 2), when the id is a name")
    parent: Id | None = Field(default=None, description="Goal this refines or belongs under")
    title: Title | None = Field(default=None, description="Short title, e.g. Barnfamiljer")
    focus_area: str | None = Field(default=None, description="Fokusområde, e.g. Fokusområde 2")
    text: Markdown = Field(description="The goal as decided / målformulering")
    area: Id | None = Field(default=None, description="Goal area id / målområde")
    principal: str | None = Field(default=None, description="Uppdragsgivare, for special assignments")
    shared_with: list[str] = Field(default_factory=list, description="Board codes sharing a commitment")
    report_back: str | None = Field(default=None, description="Återrapport, e.g. under kvartal 2 2019")
    indicators: list[Indicator] = Field(default_factory=list)

    @model_validator(mode="after")
    def _parent(self) -> Goal:
        if self.kind in ("refinement", "commitment") and self.parent is None:
            raise ValueError(_("a {kind} needs `parent`, the goal it belongs under").format(kind=self.kind))
        return self
