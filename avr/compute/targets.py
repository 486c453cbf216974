"""Targets that contradict their indicator's direction (målvärde mot `better`)."""

from __future__ import annotations

from avr.compute.results import Finding
from avr.i18n import gettext as _
from avr.model.goal import Goal

# What a target asks for, against what `better` says is an improvement: a ceiling (≤, ska minska, ska inte öka)
# where higher is better, or a floor where lower is better, is almost always a slip of the pen.
_CONTRARY: dict[str, tuple[str, ...]] = {
    "higher": ("<=", "decrease", "not_increase"),
    "lower": (">=", "increase", "not_decrease"),
}


def target_findings(goal: Goal) -> list[Finding]:
    """W106 for each target of the goal's indicators that asks for the opposite of `better`."""
    found: list[Finding] = []
    for index, ind in enumerate(goal.indicators):
        if ind.better is None:
            continue
        for period, target in ind.targets.items():
            asks = target.op or target.direction
            if asks in _CONTRARY[ind.better]:
                found.append(Finding(goal, ("indicators", index, "targets", period), "W106",
                                     _("target for {period} of indicator {indicator} asks for `{asks}` while "
                                       "`better: {better}`; change the target or `better`").format(
                                         period=period, indicator=ind.id, asks=asks, better=ind.better)))
    return found
