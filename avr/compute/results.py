"""Results of one plan for one period: goals with verdicts, activities with status, counts.

Everything a report or ``avr status`` prints is computed here, never typed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from avr.compute.indicators import IndicatorResult, combine, indicator_result, values_by_period
from avr.compute.order import natural_key
from avr.compute.periods import known_at
from avr.compute.status import FollowUpIndex, StatusInPeriod, read_later
from avr.errors import Diagnostics
from avr.i18n import gettext as _
from avr.load.yamlfile import Document
from avr.model.activity import Activity
from avr.model.common import CANONICAL_STATUSES, Status, Verdict
from avr.model.config import Rules
from avr.model.followup import FollowUp, ManualVerdict
from avr.model.goal import GOAL_KINDS, Goal
from avr.model.organisation import Organisation, Period
from avr.model.repository import OrgData, PlanData

UNREPORTED = "unreported"
COUNT_KEYS: tuple[str, ...] = (*CANONICAL_STATUSES, UNREPORTED)

KIND_ORDER = GOAL_KINDS  # goals of one kind together, in the order the kinds are declared
# When activities of one point disagree, the point counts as the least advanced.
_LEAST_ADVANCED = (Status.OFF_TRACK, Status.STOPPED, Status.NOT_STARTED, Status.ON_TRACK, Status.DONE)


@dataclass
class StatusCounts:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))

    def add(self, status: Status | None) -> None:
        self.counts[status.value if status else UNREPORTED] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def reported(self) -> int:
        return self.total - self.counts[UNREPORTED]


@dataclass
class ActivityResult:
    activity: Activity
    followup: FollowUp | None  # of the period itself
    status: Status | None  # in the period (avr.compute.status): None is unreported
    status_label: str | None  # the organisation's word for ``status``
    state: StatusInPeriod | None = None  # where the status comes from: carried, or lapsed with its last status

    @property
    def since(self) -> str | None:
        """The earlier period a carried (done, stopped) or lapsed (open, now unreported) status was given in."""
        return self.state.since if self.state is not None else None

    @property
    def last_label(self) -> str | None:
        """The latest status word given, also when it no longer holds (lapsed)."""
        return self.state.label if self.state is not None else self.status_label

    @property
    def expected_completion(self) -> int | str | None:
        for fu in (self.followup, self.state.source if self.state else None):
            if fu is not None and fu.expected_completion is not None:
                return fu.expected_completion
        return self.activity.expected_completion


@dataclass
class GoalResult:
    goal: Goal
    followup: FollowUp | None
    indicators: list[IndicatorResult]
    children: list[GoalResult]
    computed: Verdict
    activities: list[ActivityResult]
    counts: StatusCounts
    state: StatusInPeriod | None = None  # a commitment's status in the period (avr.compute.status)

    @property
    def status_label(self) -> str | None:
        """A commitment's status word in the period (None: unreported)."""
        if self.state is not None:
            return self.state.label if self.state.status is not None else None
        return self.followup.status if self.followup else None

    @property
    def since(self) -> str | None:
        return self.state.since if self.state is not None else None

    @property
    def last_label(self) -> str | None:
        return self.state.label if self.state is not None else self.status_label

    @property
    def manual(self) -> ManualVerdict | None:
        return self.followup.verdict if self.followup else None

    @property
    def verdict(self) -> Verdict:
        return self.manual.verdict if self.manual else self.computed

    @property
    def disagrees(self) -> bool:
        """A manual verdict differs from an assessed computed one."""
        return bool(self.manual) and self.computed is not Verdict.NOT_ASSESSED and self.verdict != self.computed


@dataclass
class Finding:
    """A problem found while computing (a warning, or an error of a stated figure), positioned by model and
    location."""

    model: object
    loc: tuple[str | int, ...]
    code: str
    message: str


def positioned(findings: Iterable[Finding], docs: Mapping[int, Document]) -> Diagnostics:
    """The findings as diagnostics at their place in their files (``docs``: id(model) -> its file, as
    PlanData.docs); a finding whose model has no file is left out."""
    diags = Diagnostics()
    for finding in findings:
        doc = docs.get(id(finding.model))
        if doc is not None:
            diags.add(doc.path, *doc.position(finding.loc), finding.code, finding.message)
    return diags


@dataclass
class PlanResult:
    org: OrgData
    plan: PlanData
    period: Period | None
    goals: list[GoalResult]  # top level, children nested
    activities: list[ActivityResult]
    counts: StatusCounts  # by point (what the status sentence counts)
    counts_by_unit: dict[str, StatusCounts]
    missing: list[ActivityResult]
    completion: Decimal | None  # mean färdiggrad of reported activities
    findings: list[Finding]

    @property
    def organisation(self) -> Organisation:
        return self.org.organisation

    def all_goals(self) -> list[GoalResult]:
        out: list[GoalResult] = []

        def walk(items: list[GoalResult]) -> None:
            for item in items:
                out.append(item)
                walk(item.children)

        walk(self.goals)
        return out

    @property
    def kolada(self) -> bool:
        """Some indicator value of the report comes from Kolada."""
        return any(ir.kolada for g in self.all_goals() for ir in g.indicators)


def goal_sort_key(goal: Goal) -> tuple[int, tuple[tuple[int, int | str], ...]]:
    return (KIND_ORDER.index(goal.kind), natural_key(goal.id))


def period_reads(data: PlanData, periods: dict[str, Period], period_id: str | None) -> dict[int, str | None]:
    """What :func:`compute_plan` for ``period_id`` reads of the plan's files filed by period (follow-ups,
    outcome entries, control results, audit follow-ups), by ``id`` of their model: None for the whole file,
    else a text standing for the part it reads; a model missing from the answer is not read. Every other file
    of the plan is read in full. The build keys each report by this (avr/build/keys.py).

    A report of period P reads the data of periods ending on or before P ends (an unknown P: everything);
    of an earlier period's follow-up only what a later report shows of it (status, outcomes). The plan
    document reads of the follow-ups only their periods and indicator outcomes.
    """
    until = periods.get(period_id) if period_id is not None else None
    reads: dict[int, str | None] = {}
    for fu in data.followups:
        if period_id is None:
            reads[id(fu)] = f"{fu.period}\0{fu.outcomes!r}"
        elif until is None or known_at(periods, fu.period, until):
            reads[id(fu)] = None if fu.period == period_id else repr(read_later(fu))
    dated = [(id(m), m.period) for m in data.outcomes]
    dated += [(id(m), m.period) for m in data.interim.control_results]
    dated += [(id(m), m.period) for m in data.interim.audit_followups]
    for key, period in dated:
        if period_id is None or until is None or known_at(periods, period, until):
            reads[key] = None
    return reads


def compute_plan(org: OrgData, data: PlanData, period_id: str | None, rules: Rules) -> PlanResult:
    periods = org.periods
    period = periods.get(period_id) if period_id else None
    followups = data.followups_for(period_id) if period_id else []
    by_activity = {f.activity: f for f in followups if f.activity}
    by_goal = {f.goal: f for f in followups if f.goal}
    findings: list[Finding] = []
    # Only data of periods ending on or before the report's period (avr.compute.periods): a report of
    # record says the same when rebuilt after later periods have data.
    known = [f for f in data.followups if known_at(periods, f.period, period)] if period_id else []
    activity_index = FollowUpIndex(known, periods, org.organisation)

    activities = []
    for act in sorted(data.activities.values(), key=lambda a: natural_key(a.id)):
        fu = by_activity.get(act.id)
        if period is not None:
            state = activity_index.status(act.id, period)
            label = state.label if state.status is not None else None
            activities.append(ActivityResult(act, fu, state.status, label, state))
            continue
        word = org.organisation.status_of(fu.status) if fu and fu.status else None
        activities.append(ActivityResult(act, fu, word.means if word else None, word.label if word else None))

    # The plan's history, then outcome entries (outcomes/), then goal follow-ups' `outcomes:`, each
    # overriding the one before; `avr check` refuses two places giving different values (E802).
    outcomes_by_indicator: dict[str, dict[str, object]] = {}
    from_kolada: set[tuple[str, str]] = set()
    for entry in data.outcomes:
        if not known_at(periods, entry.period, period):
            continue
        outcomes_by_indicator.setdefault(entry.indicator, {})[entry.period] = entry.as_value()
        if entry.source == "kolada":
            from_kolada.add((entry.indicator, entry.period))
    for fu in data.followups:
        if not known_at(periods, fu.period, period):
            continue
        for ind_id, value in fu.outcomes.items():
            outcomes_by_indicator.setdefault(ind_id, {})[fu.period] = value
            from_kolada.discard((ind_id, fu.period))

    goal_index = FollowUpIndex(known, periods, org.organisation, goals=True)
    children_of: dict[str | None, list[Goal]] = {}
    for goal in data.goals.values():
        parent = goal.parent if goal.parent in data.goals else None
        children_of.setdefault(parent, []).append(goal)

    def build(goal: Goal) -> GoalResult:
        children = [build(c) for c in sorted(children_of.get(goal.id, []), key=goal_sort_key)]
        results = []
        if period_id:
            for ind in goal.indicators:
                values = values_by_period(ind, outcomes_by_indicator.get(ind.id, {}), periods, period)  # type: ignore[arg-type]
                res = indicator_result(ind, period_id, values, periods, rules)
                shown = (period_id, res.reference_period, res.previous_period, res.last_year_period)
                if any((ind.id, p) in from_kolada for p in shown):
                    res = dataclasses.replace(res, kolada=True)
                res = dataclasses.replace(res, values=values, kolada_periods=frozenset(
                    p for p in values if (ind.id, p) in from_kolada))
                results.append(res)
        parts = [r.result for r in results] + [c.verdict for c in children if c.goal.kind == "refinement"]
        serving = [a for a in activities if goal.id in a.activity.goals]
        counts = StatusCounts()
        for a in serving:
            counts.add(a.status)
        state = goal_index.status(goal.id, period) if period is not None and goal.kind == "commitment" else None
        result = GoalResult(goal, by_goal.get(goal.id), results, children, combine(parts), serving, counts, state)
        if result.disagrees and result.followup is not None:
            findings.append(Finding(result.followup, ("verdict", "verdict"), "W101",
                                    _("manual verdict `{manual}` for goal {goal} differs from the computed `{computed}`").format(
                                        manual=result.verdict.value, goal=goal.id, computed=result.computed.value)))
        return result

    goals = [build(g) for g in sorted(children_of.get(None, []), key=goal_sort_key)]

    counts = StatusCounts()
    points: dict[str, list[ActivityResult]] = {}
    for a in activities:
        points.setdefault(a.activity.point or a.activity.id, []).append(a)
    for point, members in points.items():
        statuses = {m.status for m in members}
        if len(statuses) > 1 and period_id:
            status = next((s for s in _LEAST_ADVANCED if s in statuses), None)
            first = members[0]
            if first.followup is not None:
                findings.append(Finding(first.followup, ("status",), "W102",
                                        _("activities of point {point} have different statuses; "
                                          "the point counts as {status}").format(
                                            point=point, status=status.value if status else UNREPORTED)))
        else:
            status = members[0].status
        counts.add(status)

    by_unit: dict[str, StatusCounts] = {}
    for a in activities:
        by_unit.setdefault(a.activity.unit, StatusCounts()).add(a.status)

    # färdiggrad of the follow-up each status comes from: a done item carried from tertial 1 counts as reported
    sources = [a.state.source if a.state and a.status is not None else a.followup for a in activities]
    done = [Decimal(fu.completion) for fu in sources if fu is not None and fu.completion is not None]
    completion = sum(done, Decimal(0)) / len(done) if done else None
    # without a follow-up in the period and not closed earlier (done and stopped carry forward)
    missing = [a for a in activities if a.followup is None and a.status is None] if period_id else []
    return PlanResult(org, data, period, goals, activities, counts, by_unit, missing, completion, findings)
