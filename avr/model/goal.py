"""Goal files ``<org>/<plan>/goals/*.yaml``: goal-like items and their indicators."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from avr.i18n import gettext as _
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
    without_percent,
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
GOAL_KINDS: tuple[str, ...] = get_args(GoalKind)  # in the order reports list them

Unit = Literal[
    "percent", "count", "people", "households", "days", "kronor", "tkr", "mnkr", "index", "ratio", "score"
]

Direction = Literal["increase", "decrease", "not_increase", "not_decrease"]
Relative = Literal["baseline", "previous_period", "same_period_last_year"]

# A target in words, and a target's comparison (both read in any letter case; the editor schemas' patterns in
# avr/commands/schema.py are built from these)
DIRECTION_WORDS: dict[str, Direction] = {
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
COMPARISON_WORDS = {"≥": ">=", ">=": ">=", "minst": ">=", "lägst": ">=", "≤": "<=", "<=": "<=", "max": "<=",
        "högst": "<=", "=": "="}
# longest first, so that `>=` is not read as `>` followed by `=`
_OP_WORDS = sorted(COMPARISON_WORDS, key=len, reverse=True)


def parse_target(value: Any) -> Any:
    """A comparison and a number (`≥ 90`, `minst 70 %`), a direction, or a plain number.

    Parsed by hand, not by one regular expression: the number's spaces and the spaces around it made the old
    pattern backtrack quadratically (a 200 KB value took minutes).
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    direction = DIRECTION_WORDS.get(text.casefold().rstrip("."))
    if direction:
        return {"direction": direction}
    op = next((word for word in _OP_WORDS if text[:len(word)].casefold() == word), None)
    number = without_percent(text[len(op):] if op else text)
    if number:
        try:
            parse_number(number)
        except NumberTooLong:
            raise
        except ValueError:
            pass
        else:
            target = {"op": COMPARISON_WORDS.get(op or ""), "value": number}
            if op and op.isalpha():  # minst, max, högst: printed in the organisation's words
                target["word"] = text[:len(op)]
            return target
    raise ValueError(
        _("`{value}` is not a target; write a number (677), a comparison (≥ 90, ≤ 30), "
          "a direction (ska öka, ska minska, ska inte öka) or `text: …` for a target in words").format(value=shown(value))
    )


class Target(Schema):
    """A target for one period (målvärde): a number, a direction, or words."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Målvärde: ett tal, en riktning eller ord",
        "en_description": "Target: a number, a direction or words",
    })

    op: Literal[">=", "<=", "="] | None = Field(
        default=None, description="Jämförelse: >=, <= eller =", json_schema_extra={"en": "Comparison: >=, <= or ="})
    value: Number | None = Field(
        default=None, description="Målvärdet som tal", json_schema_extra={"en": "The target as a number"})
    direction: Direction | None = Field(
        default=None,
        description="Riktning: increase, decrease, not_increase, not_decrease",
        json_schema_extra={"en": "Direction: increase, decrease, not_increase, not_decrease"},
    )
    relative_to: Relative | None = Field(
        default=None, description="Vad riktningen jämförs med", json_schema_extra={"en": "What a direction compares with"})
    text: str | None = Field(
        default=None, description="Målvärde i ord (bedöms inte)", json_schema_extra={"en": "A target in words (not assessed)"})
    word: str | None = Field(
        default=None,
        description="Jämförelsen med organisationens ord (minst, lägst, max, högst), skrivs ut i stället för ≥/≤",
        json_schema_extra={"en": "The comparison in the organisation's words (minst, lägst, max, högst), printed instead of ≥/≤"},
    )

    @model_validator(mode="after")
    def _one_kind(self) -> Target:
        kinds = sum(x is not None for x in (self.value, self.direction, self.text))
        if kinds != 1:
            raise ValueError(_("a target is exactly one of: a number (`value`), a `direction`, or `text`"))
        if self.op and self.value is None:
            raise ValueError(_("`op` needs a `value`"))
        if self.word is not None and (COMPARISON_WORDS.get(self.word.casefold()) != self.op or self.op == "="):
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


def parse_value(value: Any) -> Any:
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

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Utfall: ett tal, täljare/nämnare eller ord",
        "en_description": "Outcome: a number, numerator/denominator or words",
    })

    value: Number | None = Field(
        default=None, description="Utfallet som tal", json_schema_extra={"en": "The outcome as a number"})
    numerator: Number | None = Field(
        default=None, description="Täljare, t.ex. 353", json_schema_extra={"en": "Numerator, e.g. 353"})
    denominator: Number | None = Field(
        default=None, description="Nämnare, t.ex. 1 040", json_schema_extra={"en": "Denominator, e.g. 1 040"})
    women: Number | None = Field(default=None, description="Utfall för kvinnor", json_schema_extra={"en": "Outcome for women"})
    men: Number | None = Field(default=None, description="Utfall för män", json_schema_extra={"en": "Outcome for men"})
    text: str | None = Field(default=None, description="Utfall i ord", json_schema_extra={"en": "Outcome in words"})
    comment: str | None = Field(
        default=None,
        description="Kort kommentar som skrivs ut med värdet",
        json_schema_extra={"en": "Short note printed with the value"},
    )
    stated: Figure | None = Field(
        default=None,
        description="Talet källan skriver bredvid täljare/nämnare, t.ex. 19 i 27/179 (19 %); kontrolleras inom sin avrundning",
        json_schema_extra={"en": "The figure the source prints beside numerator/denominator, e.g. 19 in 27/179 (19 %); "
                                 "checked within its rounding"},
    )

    @model_validator(mode="after")
    def _consistent(self) -> Value:
        if (self.numerator is None) != (self.denominator is None):
            raise ValueError(_("give both `numerator` and `denominator`, or neither"))
        if self.denominator is not None and self.denominator <= 0:
            raise ValueError(_("`denominator` must be greater than 0"))
        if self.value is not None and self.numerator is not None:
            raise ValueError(_("give either `value` or `numerator`/`denominator`, not both"))
        if self.value is None and self.numerator is None and self.text is None and self.women is None:
            raise ValueError(_("an outcome needs `value`, `numerator`/`denominator`, `women`/`men` or `text`"))
        if self.stated is not None and self.numerator is None:
            raise ValueError(_("`stated` is the figure printed beside `numerator`/`denominator`; give them too"))
        return self


ValueField = Annotated[Value, BeforeValidator(parse_value)]
TargetField = Annotated[Target, BeforeValidator(parse_target)]


class Baseline(Schema):
    """Basvärde: the value a direction target compares with."""

    model_config = ConfigDict(json_schema_extra={"sv_description": "Basvärde", "en_description": "Baseline"})

    period: Id = Field(description="Basvärdets period-id", json_schema_extra={"en": "Period id of the baseline"})
    value: ValueField = Field(description="Basvärdet", json_schema_extra={"en": "The baseline value"})


class KoladaRef(Schema):
    """Where an indicator's outcomes come from in Kolada (`avr fetch kolada`)."""

    model_config = ConfigDict(json_schema_extra={"sv_description": "Nyckeltal i Kolada", "en_description": "A KPI in Kolada"})

    kpi: str = Field(
        pattern=r"^[A-Z][0-9]{5}$",
        description="Koladas KPI-id, t.ex. N31807",
        json_schema_extra={"en": "Kolada KPI id, e.g. N31807"},
    )
    municipality: str | None = Field(
        default=None,
        pattern=r"^([0-9]{4}|G[0-9]+)$",
        description="Koladas kommun-id, t.ex. 0581; annars organisationens kommunkod",
        json_schema_extra={"en": "Kolada municipality id, e.g. 0581; default the organisation's municipality_code"},
    )


class Indicator(Schema):
    """An indicator (indikator, nyckeltal) of a goal."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "En indikator eller ett nyckeltal",
        "en_description": "An indicator",
    })

    id: Id = Field(description="Indikatorns id, unikt i planen", json_schema_extra={"en": "Indicator id, unique in the plan"})
    title: Title = Field(description="Indikatorns namn", json_schema_extra={"en": "Title of the indicator"})
    unit: Unit = Field(
        description="Enhet: percent, count, people, households, days, kronor, tkr, mnkr, index, ratio, score",
        json_schema_extra={"en": "Unit: percent, count, people, households, days, kronor, tkr, mnkr, index, ratio, score"},
    )
    unit_label: str | None = Field(
        default=None,
        description="Enheten som den skrivs, t.ex. personer",
        json_schema_extra={"en": "Unit as printed, e.g. personer"},
    )
    source: str | None = Field(
        default=None, description="Källa, t.ex. Kolada, Procapita", json_schema_extra={"en": "Source, e.g. Kolada, Procapita"})
    better: Literal["higher", "lower"] | None = Field(
        default=None,
        description="Vilket håll som är bättre: higher eller lower",
        json_schema_extra={"en": "Direction of improvement: higher or lower"},
    )
    compare_to: Relative = Field(
        default="same_period_last_year",
        description="Jämförelse för riktningsmål: baseline, previous_period, same_period_last_year",
        json_schema_extra={"en": "Comparison for direction targets: baseline, previous_period, same_period_last_year"},
    )
    baseline: Baseline | None = Field(default=None, description="Basvärde", json_schema_extra={"en": "Baseline"})
    history: dict[Id, ValueField] = Field(
        default_factory=dict,
        description="Utfall per period-id: 33,9 eller 353/1040 eller {value:, text:}",
        json_schema_extra={"en": "Outcomes by period id: 33,9 or 353/1040 or {value:, text:}"},
    )
    targets: dict[Id, TargetField] = Field(
        default_factory=dict,
        description="Målvärden per period-id: 677, ≥ 90, ska öka, {text: …}",
        json_schema_extra={"en": "Targets by period id: 677, ≥ 90, ska öka, {text: …}"},
    )
    by_sex: bool = Field(
        default=False,
        description="Utfall redovisas för kvinnor och män",
        json_schema_extra={"en": "Outcomes are given for women and men"},
    )
    decimals: int | None = Field(
        default=None,
        ge=0,
        le=3,
        description="Decimaler för indikatorns alla utfall och förändringar; annars andelar enligt avr.yaml och inskrivna "
                    "värden som de skrivs",
        json_schema_extra={"en": "Decimals of every outcome and change of the indicator; default: shares as avr.yaml says, "
                                 "typed values as written"},
    )
    note: str | None = Field(default=None, description="Fotnot", json_schema_extra={"en": "Footnote"})
    kolada: KoladaRef | None = Field(
        default=None,
        description="Indikatorns nyckeltal i Kolada (avr fetch kolada): kpi och kommun",
        json_schema_extra={"en": "The indicator's KPI in Kolada (avr fetch kolada): kpi and municipality"},
    )
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

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Ett mål, en precisering, ett utvecklingsområde, uppdrag eller åtagande (goals/<id>.yaml)",
        "en_description": "A goal, refinement, development area, assignment or commitment (goals/<id>.yaml)",
    })

    id: Id = Field(
        description="Som det skrivs i planen: 2, 2:1, 1a", json_schema_extra={"en": "As written in the plan: 2, 2:1, 1a"})
    kind: GoalKind = Field(
        default="goal",
        description="Slag: goal, refinement, development_area, special_assignment, quality_work, process_goal, commitment, "
                    "development_assignment",
        json_schema_extra={"en": "Kind: goal, refinement, development_area, special_assignment, quality_work, process_goal, "
                                 "commitment, development_assignment"},
    )
    number: Id | None = Field(
        default=None,
        description="Nummer i rubriker (Mål 2) när id är ett namn",
        json_schema_extra={"en": "Number printed in headings (Mål 2) when the id is a name"},
    )
    parent: Id | None = Field(
        default=None,
        description="Målet det hör till (krävs för precisering och åtagande)",
        json_schema_extra={"en": "Goal it belongs under (required for refinement and commitment)"},
    )
    title: Title | None = Field(
        default=None, description="Kort rubrik, t.ex. Barnfamiljer", json_schema_extra={"en": "Short title, e.g. Barnfamiljer"})
    focus_area: str | None = Field(
        default=None, description="Fokusområde, t.ex. Fokusområde 2", json_schema_extra={"en": "Focus area, e.g. Fokusområde 2"})
    text: Markdown = Field(
        description="Målformuleringen som den beslutats (Markdown)", json_schema_extra={"en": "The goal as decided (Markdown)"})
    area: Id | None = Field(
        default=None, description="Målområdets id i planen", json_schema_extra={"en": "Goal area id of the plan"})
    principal: str | None = Field(
        default=None,
        description="Uppdragsgivare (särskilda uppdrag)",
        json_schema_extra={"en": "Principal (special assignments)"},
    )
    shared_with: list[str] = Field(
        default_factory=list,
        description="Nämnder som delar åtagandet, t.ex. [GSN, FSN]",
        json_schema_extra={"en": "Boards sharing the commitment, e.g. [GSN, FSN]"},
    )
    report_back: str | None = Field(
        default=None,
        description="Återrapport, t.ex. under kvartal 2 2019",
        json_schema_extra={"en": "When to report back, e.g. under kvartal 2 2019"},
    )
    indicators: list[Indicator] = Field(
        default_factory=list, description="Indikatorer och nyckeltal", json_schema_extra={"en": "Indicators"})

    @model_validator(mode="after")
    def _parent(self) -> Goal:
        if self.kind in ("refinement", "commitment") and self.parent is None:
            raise ValueError(_("a {kind} needs `parent`, the goal it belongs under").format(kind=self.kind))
        return self
