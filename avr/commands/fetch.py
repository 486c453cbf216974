"""`avr fetch kolada`: Kolada values of the indicators that name a KPI, stored as outcome entries.

Kolada's years map to the organisation's periods of kind `year`: year 2023 goes to the period whose
id is `2023`, else to the one year-period that starts and ends in 2023. Years without such a period
are reported and skipped. Everything is fetched and checked before anything is written
(outcome_store), so a network error, a malformed answer or an unknown KPI leaves the repo untouched.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from avr.commands.outcome_store import Decision, Proposal, decide, write
from avr.errors import UsageError
from avr.i18n import gettext as _
from avr.kolada import DataRow, KoladaClient, KoladaError
from avr.model.goal import Indicator
from avr.model.organisation import Period
from avr.model.outcome import OutcomeEntry
from avr.model.repository import CONFIG_NAME, OrgData, PlanData, Repository


@dataclass
class Target:
    org: OrgData
    plan: PlanData
    indicator: Indicator
    kpi: str
    municipality: str
    where: str  # the goal file naming the KPI


@dataclass
class FetchResult:
    decision: Decision
    notes: list[str] = field(default_factory=list)
    asked: bool = False  # some indicator names a KPI
    fetched: int = 0  # Kolada values received that belong to an indicator and period


def parse_years(text: str | None) -> list[int] | None:
    """`2021`, `2019,2021` or `2019-2022` (also with an en dash)."""
    if text is None:
        return None
    years: set[int] = set()
    for part in text.replace(" ", "").split(","):
        match = re.fullmatch(r"(\d{4})(?:[-–](\d{4}))?", part)
        if not match:
            raise UsageError(_("--years `{years}`: write years as 2021, 2019,2021 or 2019-2022").format(years=text))
        first, last = int(match[1]), int(match[2] or match[1])
        if last < first or last - first > 100:
            raise UsageError(_("--years `{years}`: the range is backwards or too long").format(years=part))
        years.update(range(first, last + 1))
    return sorted(years)


def year_period(org: OrgData, year: int) -> Period | None:
    periods = [p for p in org.organisation.periods if p.kind == "year"]
    for p in periods:
        if p.id == str(year):
            return p
    spanning = [p for p in periods if p.start.year == p.end.year == year]
    return spanning[0] if len(spanning) == 1 else None


def targets(repo: Repository, plan_filter: str | None) -> list[Target]:
    found: list[Target] = []
    plans = list(repo.all_plans())
    if plan_filter is not None:
        plans = [(o, p) for o, p in plans if plan_filter in (p.id, f"{o.id}/{p.id}")]
        if not plans:
            known = ", ".join(f"{o.id}/{p.id}" for o, p in repo.all_plans())
            raise UsageError(_("--plan `{plan}`: no such plan; known: {known}").format(plan=plan_filter, known=known))
    for org, plan in plans:
        for goal in plan.goals.values():
            for ind in goal.indicators:
                if ind.kolada is None:
                    continue
                municipality = ind.kolada.municipality or org.organisation.municipality_code
                assert municipality is not None  # `avr check` refuses it otherwise (E803)
                found.append(Target(org, plan, ind, ind.kolada.kpi, municipality, plan.docs[id(goal)].path))
    return found


def fetch_kolada(
    repo: Repository,
    *,
    plan: str | None = None,
    years: list[int] | None = None,
    update: bool = False,
    base_url: str | None = None,
    today: dt.date | None = None,
    sleep: Callable[[float], None] | None = None,
) -> FetchResult:
    """Decide what to write (nothing is written here; see `run_fetch`)."""
    today = today or dt.date.today()
    wanted = targets(repo, plan)
    result = FetchResult(Decision(), asked=bool(wanted))
    if not wanted:
        result.notes.append(_("no indicator names a Kolada KPI (`kolada: {kpi: …}`); nothing to fetch"))
        return result
    # which years, and which period each year is, per organisation
    by_org: dict[str, dict[int, Period]] = {}
    for t in wanted:
        if t.org.id in by_org:
            continue
        chosen = years if years is not None else sorted(
            {p.start.year for p in t.org.organisation.periods if p.kind == "year" and p.start.year == p.end.year})
        mapping: dict[int, Period] = {}
        for year in chosen:
            period = year_period(t.org, year)
            if period is None:
                result.notes.append(_("{org}: no period of kind `year` for {year} in organisation.yaml; "
                                      "Kolada's {year} values are skipped").format(org=t.org.id, year=year))
            else:
                mapping[year] = period
        by_org[t.org.id] = mapping

    client_kwargs = {"sleep": sleep} if sleep is not None else {}
    with KoladaClient(repo.config.kolada, base_url=base_url, **client_kwargs) as client:  # type: ignore[arg-type]
        known = client.kpis(t.kpi for t in wanted)
        unknown = [t for t in wanted if t.kpi not in known]
        if unknown:
            raise KoladaError(_("unknown Kolada KPI id(s), {nothing}: {kpis}").format(
                nothing=_("nothing was written"),
                kpis="; ".join(_("{kpi} (indicator `{indicator}` in {where})").format(
                    kpi=t.kpi, indicator=t.indicator.id, where=t.where) for t in unknown)))
        rows: list[DataRow] = []
        groups: dict[tuple[str, tuple[int, ...]], set[str]] = {}
        for t in wanted:
            year_list = tuple(sorted(by_org[t.org.id]))
            if year_list:
                groups.setdefault((t.municipality, year_list), set()).add(t.kpi)
        for (municipality, year_list), kpis in sorted(groups.items()):
            rows.extend(client.data(sorted(kpis), municipality, year_list))
        result.notes.extend(client.notes)

    proposals: list[Proposal] = []
    seen: set[tuple[str, str, str, str]] = set()
    for row in rows:
        for t in wanted:
            if (t.kpi, t.municipality) != (row.kpi, row.municipality):
                continue
            period = by_org[t.org.id].get(row.year)
            key = (t.org.id, t.plan.id, t.indicator.id, period.id if period else "")
            if period is None or key in seen:
                continue
            seen.add(key)
            fields = {}
            for gv in row.values:
                if gv.value is None:
                    status = f" ({gv.status})" if gv.status else ""
                    result.notes.append(_("Kolada has no value for {kpi} {municipality} {year} gender {gender}{status}; "
                                          "skipped").format(kpi=row.kpi, municipality=row.municipality, year=row.year,
                                                            gender=gv.gender, status=status))
                    continue
                fields[{"T": "value", "K": "women", "M": "men"}[gv.gender]] = gv.value
            if t.indicator.unit == "percent" and any(not 0 <= v <= 100 for v in fields.values()):
                result.notes.append(_("Kolada's {kpi} {municipality} {year} is outside 0–100 but `{indicator}` is a "
                                      "percentage; skipped (is it the right KPI?)").format(
                    kpi=row.kpi, municipality=row.municipality, year=row.year, indicator=t.indicator.id))
                continue
            if not fields:
                continue
            result.fetched += 1
            entry = OutcomeEntry(indicator=t.indicator.id, period=period.id, source="kolada", kpi=row.kpi,
                                 municipality=row.municipality, fetched=today, **fields)
            proposals.append(Proposal(t.org, t.plan, entry, f"Kolada {row.kpi}/{row.municipality}/{row.year}"))
    result.decision = decide(repo, proposals, update=update)
    return result


def run_fetch(repo: Repository, **kwargs: object) -> FetchResult:
    try:
        result = fetch_kolada(repo, **kwargs)  # type: ignore[arg-type]
    except KoladaError as exc:
        text = str(exc)
        if _("nothing was written") in text:
            raise KoladaError(text) from None
        if kwargs.get("base_url") is None:  # an answer from the repository's address: say where it is set
            text += _(" (Kolada's address: kolada.base_url in {config})").format(config=CONFIG_NAME)
        raise KoladaError(f"{text}; {_('nothing was written')}") from None
    write(result.decision)
    return result
