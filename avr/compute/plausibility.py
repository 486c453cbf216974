"""Indicator outcomes that look mistyped: a misplaced decimal comma.

Rule (also in docs/anvandning.md, "Diagnostik"; `avr check` warns W803 at the value): a value more than ten
times as large or as small as both its neighbouring values in date order: the previous and the next
period with a value, or at either end the two nearest on its one side (so the neighbour of a slip is
not suspected itself). `3,05` between 328 and 305 is one; zero is never compared (a count may well
start from nothing). A percentage outside 0–100 is not a
suspicion but an error, found when the value is read (E103).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from avr.compute.indicators import amount
from avr.compute.periods import sort_ids
from avr.compute.results import Finding
from avr.i18n import gettext as _
from avr.model.goal import Indicator, Value
from avr.model.organisation import Period
from avr.model.repository import PlanData

FACTOR = Decimal(10)


def _text(value: Decimal) -> str:
    """A number as a Swedish user writes it: `3,05`."""
    return format(value.normalize(), "f").replace(".", ",")


def _far(value: Decimal, other: Decimal) -> bool:
    if value == 0 or other == 0:
        return False
    ratio = abs(value) / abs(other)
    return ratio > FACTOR or ratio * FACTOR < 1


def suspicious(indicator: Indicator, values: Mapping[str, Value], periods: Mapping[str, Period]) -> dict[str, str]:
    """Period -> why its outcome looks mistyped (see the module's rules)."""
    found: dict[str, str] = {}
    numbers = [(p, n) for p in sort_ids((p for p in values if p in periods), periods)
               if (n := amount(indicator, values[p])) is not None]
    for i, (period, value) in enumerate(numbers):
        near = (i - 1, i + 1) if 0 < i < len(numbers) - 1 else ((i + 1, i + 2) if i == 0 else (i - 1, i - 2))
        neighbours = [numbers[j] for j in near if 0 <= j < len(numbers)]
        if neighbours and all(_far(value, other) for _, other in neighbours):
            among = _(" and ").join(_text(other) for _period, other in neighbours)
            found[period] = _("{value} is more than ten times off its neighbouring values ({among}); "
                              "a misplaced decimal comma?").format(value=_text(value), among=among)
    return found


def outcome_findings(plan: PlanData, periods: Mapping[str, Period]) -> list[Finding]:
    """W803 for every suspicious outcome of the plan, at the place it is written (the last of the plan's
    history, an outcome entry and a goal follow-up, as compute_plan reads them)."""
    findings: list[Finding] = []
    for goal in plan.goals.values():
        for i, ind in enumerate(goal.indicators):
            written: dict[str, tuple[object, tuple[str | int, ...], Value]] = {
                p: (goal, ("indicators", i, "history", p), v) for p, v in ind.history.items()}
            for entry in plan.outcomes:
                if entry.indicator == ind.id:
                    field = "value" if entry.value is not None else "numerator"
                    written[entry.period] = (entry, (field,), entry.as_value())
            for fu in plan.followups:
                if ind.id in fu.outcomes:
                    written[fu.period] = (fu, ("outcomes", ind.id), fu.outcomes[ind.id])
            why = suspicious(ind, {p: v for p, (_, _, v) in written.items()}, periods)
            for period, reason in why.items():
                model, loc, _value = written[period]
                label = periods[period].label if period in periods else period
                findings.append(Finding(model, loc, "W803",
                                        _("outcome of `{indicator}` for {period}: {reason}").format(
                                            indicator=ind.id, period=label, reason=reason)))
    return findings
