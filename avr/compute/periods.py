"""Periods are dates: their order, what a period's report may read, and what it compares with.

Rules (also in docs/hur-resultat-raknas.md):

* Periods are ordered by end date, then start date (then id, only to break a tie of identical
  dates): never by id or label. Cumulative periods (tertial 1 Jan–Apr, delår Jan–Aug, helår
  Jan–Dec) thus come in the order they are closed.
* A report of period P reads only data of periods that end on or before P ends: rebuilt later,
  when later periods have data, it says what it said the day it was published.
* Same period last year: the period covering the same months one year earlier, of the same kind
  when there is one (by dates, never by an id pattern).
* Previous period: the latest period that ends before P ends and is reported (for an indicator:
  has an outcome of it). Periods may overlap, so "ends before P ends" rather than "ends before P
  starts": the delår's previous period is tertial 1, the helår's the delår, tertial 1's last year's
  helår; a period without a value (a month in which a yearly indicator is not measured) is skipped.
* The year of P: the full-year period (kind `year`, else `annual_accounts`) containing P.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping

from avr.model.organisation import Period

YEAR_KINDS = ("year", "annual_accounts")


def period_key(period: Period) -> tuple[dt.date, dt.date, str]:
    """Date order: end, then start (the id only breaks a tie of identical dates)."""
    return (period.end, period.start, period.id)


def in_order(periods: Iterable[Period]) -> list[Period]:
    return sorted(periods, key=period_key)


def sort_ids(ids: Iterable[str], periods: Mapping[str, Period]) -> list[str]:
    """Period ids in date order; ids no period defines (an error elsewhere) last, by id."""
    far = dt.date.max
    return sorted(ids, key=lambda pid: (0, *period_key(periods[pid])) if pid in periods else (1, far, far, pid))


def open_round(periods: Iterable[Period], written: Collection[str], on: dt.date) -> Period | None:
    """The follow-up round going on at ``on`` (uppföljningsomgång): the period a plain `avr todo` is about.

    Of the periods that have started, the latest (in date order) that already has follow-ups or outcomes
    written (``written``): a round is open once its first entries exist. Before any, the period whose end
    is nearest to ``on``, so that in May the tertial that ended in April is chosen, not the year that
    started with it in January (on a tertial/delår/helår calendar every period starts on 1 January).
    """
    started = [p for p in in_order(periods) if p.start <= on]
    with_entries = [p for p in started if p.id in written]
    if with_entries:
        return with_entries[-1]
    if started:
        return min(started, key=lambda p: (abs((p.end - on).days), period_key(p)))
    upcoming = in_order(periods)
    return upcoming[0] if upcoming else None


def known_at(periods: Mapping[str, Period], period_id: str, until: Period | None) -> bool:
    """The period ends on or before ``until`` ends: its data belongs to ``until``'s report.

    Without ``until`` (the plan document) everything counts; an id no period defines never does
    in a period's report (``avr check`` refuses it, E202).
    """
    if until is None:
        return True
    other = periods.get(period_id)
    return other is not None and other.end <= until.end


def _months(day: dt.date) -> int:
    return day.year * 12 + day.month


def same_period_last_year(periods: Mapping[str, Period], period_id: str) -> str | None:
    """The period covering the same months one year earlier, of the same kind when there is one."""
    current = periods.get(period_id)
    if current is None:
        return None
    start, end = _months(current.start) - 12, _months(current.end) - 12
    found = [p for p in periods.values() if _months(p.start) == start and _months(p.end) == end]
    found.sort(key=lambda p: (p.kind != current.kind, p.start != _year_back(current.start), p.id))
    return found[0].id if found else None


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def previous_period(periods: Mapping[str, Period], period_id: str, reported: Collection[str]) -> str | None:
    """The latest period that ends before this one ends and is in ``reported`` (see the module's rules)."""
    current = periods.get(period_id)
    if current is None:
        return None
    earlier = [periods[p] for p in reported if p in periods and periods[p].end < current.end]
    return max(earlier, key=period_key).id if earlier else None


def year_period(periods: Mapping[str, Period], period_id: str) -> str | None:
    """The full year containing the period (the period itself when it is one)."""
    current = periods.get(period_id)
    if current is None:
        return None
    years = [p for p in periods.values() if p.kind in YEAR_KINDS and p.start <= current.start and current.end <= p.end]
    years.sort(key=lambda p: (YEAR_KINDS.index(p.kind), p.end - p.start, p.id))
    return years[0].id if years else None


def is_sub_year(periods: Mapping[str, Period], period_id: str) -> bool:
    """A period shorter than its year (tertial, delår, halvår): its year's target is not its own."""
    year = year_period(periods, period_id)
    return year is not None and year != period_id and not (
        periods[year].start == periods[period_id].start and periods[year].end == periods[period_id].end)


def previous_year(periods: Mapping[str, Period], period_id: str) -> str | None:
    """The full year before the one containing the period ("Utfall 2024" beside a 2025 report)."""
    year = year_period(periods, period_id)
    return same_period_last_year(periods, year) if year is not None else None
