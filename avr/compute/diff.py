"""What changed between two loaded repositories, in plan terms (pure; `avr diff` renders it).

Things are matched by what identifies them, never by file name: goals, indicators and
activities by id, follow-ups by period + activity/goal, plans by organisation + id. A file
renamed or moved that keeps its id is therefore a move, not a removal and an addition.
Verdicts and indicator results are computed on both sides, so a corrected outcome shows
as the verdict it changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from avr.compute.changes import ADDED, CHANGED, MOVED, REMOVED, Change, FieldChange, compare_models, doc_path, item_change
from avr.compute.diff_interim import interim_changes
from avr.compute.order import natural_key
from avr.compute.periods import sort_ids
from avr.compute.results import PlanResult, StatusCounts, compute_plan
from avr.model.common import Verdict
from avr.model.followup import FollowUp
from avr.model.goal import Indicator
from avr.model.organisation import Organisation
from avr.model.repository import OrgData, PlanData, Repository


@dataclass
class VerdictChange:
    """A computed (or manual) result that differs between the sides for one period."""

    what: str  # goal | indicator
    id: str
    title: str | None
    period: str
    old: Verdict | None
    new: Verdict | None
    kind: str | None = None  # goal kind


@dataclass
class CountsChange:
    """The status counts of a period differ: the status sentence changes."""

    period: str
    old: StatusCounts
    new: StatusCounts
    old_org: Organisation
    new_org: Organisation
    old_noun: str
    new_noun: str
    words_up_to: int


@dataclass
class PlanDiff:
    org: str
    id: str
    title: str
    action: str
    path: str
    changes: list[Change] = field(default_factory=list)
    verdicts: list[VerdictChange] = field(default_factory=list)
    counts: list[CountsChange] = field(default_factory=list)


@dataclass
class RepoDiff:
    repository: list[Change]  # avr.yaml and organisation files
    plans: list[PlanDiff]

    @property
    def empty(self) -> bool:
        return not self.repository and not any(p.changes or p.verdicts or p.counts or p.action != CHANGED
                                               for p in self.plans)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys((ADDED, REMOVED, CHANGED, MOVED), 0)
        for change in [*self.repository, *(c for p in self.plans for c in p.changes)]:
            out[change.action] += 1
        # Every row of the verdict table counts: goals and indicators alike.
        out["verdicts"] = sum(len(p.verdicts) for p in self.plans)
        return out


def _by_period(name: str, old: dict[str, Any], new: dict[str, Any], indicator: Indicator) -> list[FieldChange]:
    return [
        FieldChange(name, old.get(key), new.get(key), key=key, indicator=indicator)
        for key in sorted(old.keys() | new.keys(), key=natural_key)
        if old.get(key) != new.get(key)
    ]


def _indicator_fields(old: Indicator, new: Indicator) -> list[FieldChange]:
    fields = compare_models(old, new, skip=("history", "targets"))
    for f in fields:
        f.indicator = new
    return [*fields, *_by_period("targets", old.targets, new.targets, new), *_by_period("history", old.history, new.history, new)]


def _goal_changes(old: PlanData, new: PlanData) -> list[Change]:
    changes: list[Change] = []
    for key in sorted(old.goals.keys() | new.goals.keys(), key=natural_key):
        a, b = old.goals.get(key), new.goals.get(key)
        fields = compare_models(a, b, skip=("indicators",)) if a and b else []
        either = b or a
        assert either is not None
        change = item_change("goal", key, old, new, a, b, fields, title=either.title, kind=either.kind)
        if change:
            changes.append(change)
    old_ind, new_ind = old.indicators(), new.indicators()
    for key in sorted(old_ind.keys() | new_ind.keys(), key=natural_key):
        a_pair, b_pair = old_ind.get(key), new_ind.get(key)
        goal, indicator = b_pair or a_pair  # type: ignore[misc]
        if a_pair and b_pair:
            fields = _indicator_fields(a_pair[1], b_pair[1])
            if a_pair[0].id != b_pair[0].id:
                fields.insert(0, FieldChange("goal", a_pair[0].id, b_pair[0].id))
            if fields:
                changes.append(Change("indicator", CHANGED, key, indicator.title, doc_path(new, goal),
                                      parent=goal.id, fields=fields))
        elif goal.id in old.goals and goal.id in new.goals:  # the goal's own addition or removal says enough otherwise
            side = new if b_pair else old
            changes.append(Change("indicator", ADDED if b_pair else REMOVED, key, indicator.title,
                                  doc_path(side, goal), parent=goal.id))
    return changes


def _followup_key(fu: FollowUp) -> tuple[str, str, str]:
    return (fu.period, "activity" if fu.activity else "goal", fu.subject)


def _followup_fields(old: FollowUp | None, new: FollowUp | None, plan: PlanData, old_plan: PlanData) -> list[FieldChange]:
    indicators = {**{k: v[1] for k, v in old_plan.indicators().items()}, **{k: v[1] for k, v in plan.indicators().items()}}
    if old is None or new is None:  # added or removed: the headline facts
        only = new or old
        assert only is not None
        fields = [FieldChange(name, None if old is None else getattr(only, name), getattr(only, name) if old is None else None)
                  for name in ("status", "completion") if getattr(only, name) is not None]
        return fields + [FieldChange("outcomes", None if old is None else value, value if old is None else None, key=key,
                                     indicator=indicators.get(key)) for key, value in only.outcomes.items()]
    fields = compare_models(old, new, skip=("outcomes",))
    for key in sorted(old.outcomes.keys() | new.outcomes.keys(), key=natural_key):
        if old.outcomes.get(key) != new.outcomes.get(key):
            fields.append(FieldChange("outcomes", old.outcomes.get(key), new.outcomes.get(key), key=key,
                                      indicator=indicators.get(key)))
    return fields


def _followup_changes(old: PlanData, new: PlanData) -> list[Change]:
    a = {_followup_key(f): f for f in old.followups}
    b = {_followup_key(f): f for f in new.followups}
    changes = []
    for key in sorted(a.keys() | b.keys(), key=lambda k: (natural_key(k[0]), k[1], natural_key(k[2]))):
        fa, fb = a.get(key), b.get(key)
        subject = (new.activities.get(key[2]) or old.activities.get(key[2])) if key[1] == "activity" else \
            (new.goals.get(key[2]) or old.goals.get(key[2]))
        change = item_change("followup", key[2], old, new, fa, fb, _followup_fields(fa, fb, new, old),
                              title=getattr(subject, "title", None), period=key[0], subject=key[1])
        if change:
            changes.append(change)
    return changes


def _simple_changes(entity: str, old_items: dict[str, Any], new_items: dict[str, Any], old: PlanData,
                    new: PlanData) -> list[Change]:
    changes = []
    for key in sorted(old_items.keys() | new_items.keys(), key=natural_key):
        a, b = old_items.get(key), new_items.get(key)
        change = item_change(entity, key, old, new, a, b, compare_models(a, b) if a and b else [],
                              title=getattr(b or a, "title", None))
        if change:
            changes.append(change)
    return changes


def _results(org: OrgData, plan: PlanData, repo: Repository) -> dict[str, PlanResult]:
    periods = {p for p in [*(f.period for f in plan.followups), *(e.period for e in plan.outcomes)] if p in org.periods}
    return {p: compute_plan(org, plan, p, repo.config.rules) for p in periods}


def _in_order(results: dict[str, PlanResult], ids: set[str]) -> list[str]:
    """Periods in date order (avr.compute.periods), by the side that has them."""
    periods = {pid: r.period for pid, r in results.items() if r.period is not None}
    return sort_ids(ids, periods)


def _verdict_changes(old: dict[str, PlanResult], new: dict[str, PlanResult]) -> list[VerdictChange]:
    out: list[VerdictChange] = []
    for period in _in_order({**old, **new}, old.keys() | new.keys()):
        before, after = old.get(period), new.get(period)
        goals_a = {g.goal.id: g for g in before.all_goals()} if before else {}
        goals_b = {g.goal.id: g for g in after.all_goals()} if after else {}
        for key in sorted(goals_a.keys() & goals_b.keys(), key=natural_key):
            ga, gb = goals_a[key], goals_b[key]
            if ga.verdict != gb.verdict:
                out.append(VerdictChange("goal", key, gb.goal.title, period, ga.verdict, gb.verdict, gb.goal.kind))
            ia = {r.indicator.id: r.result for r in ga.indicators}
            for r in gb.indicators:
                if r.indicator.id in ia and ia[r.indicator.id] != r.result:
                    out.append(VerdictChange("indicator", r.indicator.id, r.indicator.title, period,
                                             ia[r.indicator.id], r.result))
    return out


def diff_plans(old_org: OrgData, old: PlanData, new_org: OrgData, new: PlanData,
               old_repo: Repository, new_repo: Repository) -> PlanDiff:
    result = PlanDiff(new_org.id, new.id, new.plan.title, CHANGED, new.path)
    plan_fields = compare_models(old.plan, new.plan)
    old_path, new_path = doc_path(old, old.plan), doc_path(new, new.plan)
    if plan_fields or old_path != new_path:
        result.changes.append(Change("plan", CHANGED if plan_fields else MOVED, new.id, new.plan.title, new_path,
                                     old_path if old_path != new_path else None, fields=plan_fields))
    result.changes += _goal_changes(old, new)
    result.changes += _simple_changes("activity", old.activities, new.activities, old, new)
    result.changes += _followup_changes(old, new)
    result.changes += _simple_changes("report", old.reports, new.reports, old, new)
    result.changes += _simple_changes("outcome", {f"{e.indicator} {e.period}": e for e in old.outcomes},
                                      {f"{e.indicator} {e.period}": e for e in new.outcomes}, old, new)
    result.changes += interim_changes(old_org, old, new_org, new)
    before, after = _results(old_org, old, old_repo), _results(new_org, new, new_repo)
    result.verdicts = _verdict_changes(before, after)
    for period in _in_order(after, before.keys() & after.keys()):
        a, b = before[period].counts, after[period].counts
        if a.counts != b.counts:
            result.counts.append(CountsChange(period, a, b, old_org.organisation, new_org.organisation, old.plan.item_noun,
                                              new.plan.item_noun, new_repo.config.rules.number_words_up_to))
    return result


def diff_repositories(old: Repository, new: Repository) -> RepoDiff:
    """Every change between two valid repositories, plans in the order of the head side."""
    repository: list[Change] = []
    config_fields = compare_models(old.config, new.config)
    if config_fields:
        repository.append(Change("config", CHANGED, "avr.yaml", path="avr.yaml", fields=config_fields))
    for org_id in [*new.orgs, *(o for o in old.orgs if o not in new.orgs)]:
        a, b = old.orgs.get(org_id), new.orgs.get(org_id)
        path = f"{(new if b else old).config.plans_dir}/{org_id}/organisation.yaml"
        if a is None or b is None:
            only = b or a
            assert only is not None
            repository.append(Change("organisation", ADDED if b else REMOVED, org_id, only.organisation.board, path))
            continue
        fields = compare_models(a.organisation, b.organisation)
        if fields:
            repository.append(Change("organisation", CHANGED, org_id, b.organisation.board, path, fields=fields))
    plans: list[PlanDiff] = []
    old_plans = {(o.id, p.id): (o, p) for o, p in old.all_plans()}
    new_plans = {(o.id, p.id): (o, p) for o, p in new.all_plans()}
    for key in [*new_plans, *(k for k in old_plans if k not in new_plans)]:
        if key in old_plans and key in new_plans:
            diff = diff_plans(*old_plans[key], *new_plans[key], old, new)
            if diff.changes or diff.verdicts or diff.counts:
                plans.append(diff)
        else:
            org, plan = new_plans.get(key) or old_plans[key]
            plans.append(PlanDiff(org.id, plan.id, plan.plan.title, ADDED if key in new_plans else REMOVED, plan.path))
    return RepoDiff(repository, plans)
