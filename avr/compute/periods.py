"""Which period to compare with: the previous one, or the same one last year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from avr.model.organisation import Period


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def same_period_last_year(periods: Mapping[str, Period], period_id: str) -> str | None:
    current = periods.get(period_id)
    if current is None:
        return None
    start, end = _year_back(current.start), _year_back(current.end)
    for candidate in periods.values():
        if candidate.start == start and candidate.end == end:
            return candidate.id
    return None


def previous_period(periods: Mapping[str, Period], period_id: str) -> str | None:
    """The latest period of the same kind that ends before this one starts."""
    current = periods.get(period_id)
    if current is None:
        return None
    earlier = [p for p in periods.values() if p.kind == current.kind and p.end < current.start]
    return max(earlier, key=lambda p: p.end).id if earlier else None


def year_of(periods: Mapping[str, Period], period_id: str) -> int | None:
    period = periods.get(period_id)
    return period.end.year if period else None
