"""Checks of a loaded repository that need a computed figure, and the one load that runs them.

The model validates each file and the references between files; it computes nothing. What needs a
computed figure is checked here, once the plan is loaded: the stated sums and deviations of economy tables
(E301–E303; E202 for an unknown column, W301 for a budget off its frame; compute/economy.py), a changes
table against the two versions it explains (E304), and a share stated beside its numerator/denominator
(E305; compute/rounding.py). They are findings positioned like every other (results.positioned).

Every command that reads a repository to report on it or refuse it loads through :func:`load_checked`, so
`check` and `build` (their findings start from these diagnostics, avr/findings.py), `serve` (a build),
`diff`, `status`, `todo`, `export`, `fetch` and `import` report and refuse such a file alike.
"""

from __future__ import annotations

from pathlib import Path

from avr.compute.economy import TableResult, check_explains, compute_table
from avr.compute.results import Finding, positioned
from avr.compute.rounding import stated_value_problem
from avr.errors import InvalidInput
from avr.i18n import gettext as _
from avr.model.goal import Indicator, Value
from avr.model.repository import ConfigFile, PlanData, Preload, Repository, load_repository


def load_checked(
    root: Path, *, strict: bool = True, preload: Preload | None = None, skip: frozenset[str] = frozenset(),
    config: ConfigFile | None = None,
) -> Repository:
    """The repository as :func:`~avr.model.repository.load_repository` reads it (same arguments), with the
    findings of :func:`plan_checks` of every plan read added to its diagnostics; with ``strict``, InvalidInput
    carrying all of them if there is any error."""
    repo = load_repository(root, strict=False, preload=preload, skip=skip, config=config)
    for _org, plan in repo.all_plans():
        repo.diagnostics.extend(positioned(plan_checks(plan), plan.docs))
    if strict and repo.diagnostics.errors:
        raise InvalidInput(repo.diagnostics)
    return repo


def plan_checks(plan: PlanData) -> list[Finding]:
    """What is wrong with the figures a plan's files state beside those avr computes."""
    return economy_findings(plan) + stated_share_findings(plan)


def economy_findings(plan: PlanData) -> list[Finding]:
    """Each economy table's issues, and each changes table against the versions it explains."""
    tables: dict[str, TableResult] = {key: compute_table(table) for key, table in plan.interim.economy.items()}
    found = [Finding(result.table, issue.loc, issue.code, issue.message)
             for result in tables.values() for issue in result.issues]
    for result in tables.values():
        explains = result.table.explains
        # an unknown table in `explains` is the model's to report (E202)
        if explains is None or explains.previous not in tables or explains.current not in tables:
            continue
        issue = check_explains(result, tables[explains.previous], tables[explains.current])
        if issue is not None:
            found.append(Finding(result.table, issue.loc, issue.code, issue.message))
    return found


def stated_share_findings(plan: PlanData) -> list[Finding]:
    """E305 for every figure stated beside its numerator/denominator that disagrees with them: in goals'
    history and baseline, goal follow-ups' outcomes and outcome files. Only values of a known indicator are
    checked, and of an outcome given twice only the first: the model reports the others (E202, E801)."""
    found: list[Finding] = []

    def check(model: object, loc: tuple[str | int, ...], indicator: Indicator, value: Value) -> None:
        # at `stated:` when written as a field, else at the value `27/179 (19 %)`
        problem = stated_value_problem(indicator, value)
        if problem:
            found.append(Finding(model, (*loc, "stated"), "E305", _("indicator `{indicator}`: {problem}").format(
                indicator=indicator.id, problem=problem)))

    for goal in plan.goals.values():
        for i, indicator in enumerate(goal.indicators):
            for period, value in indicator.history.items():
                check(goal, ("indicators", i, "history", period), indicator, value)
            if indicator.baseline:
                check(goal, ("indicators", i, "baseline", "value"), indicator, indicator.baseline.value)
    for followup in plan.followups:
        if followup.activity is not None or followup.goal not in plan.goals:
            continue
        own = {indicator.id: indicator for indicator in plan.goals[followup.goal].indicators}
        for indicator_id, value in followup.outcomes.items():
            if indicator_id in own:
                check(followup, ("outcomes", indicator_id), own[indicator_id], value)
    indicators = plan.indicators()
    seen: set[tuple[str, str]] = set()
    for entry in plan.outcomes:
        key = (entry.indicator, entry.period)
        if key in seen:
            continue
        seen.add(key)
        if entry.indicator in indicators:
            check(entry, (), indicators[entry.indicator][1], entry.as_value())
    return found
