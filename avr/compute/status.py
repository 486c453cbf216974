"""An activity's (or commitment's) status in a period: one rule for every report and command.

Rule (also in docs/hur-resultat-raknas.md):

* The status in period P comes from the latest follow-up with a status at or before P: P's own
  follow-up when it gives one, else the latest of the periods ending on or before P ends
  (date order, avr.compute.periods).
* `done` and `stopped` carry forward: an item reported `Klar` in tertial 1 and not mentioned in
  the delår is done in the delår, shown with the period it was reported ("Klar (Tertial 1 2025)"),
  until a later follow-up changes it.
* An open status (not started, on track, off track) does not carry: an item whose latest status is
  open and from an earlier period is unreported in P; reports show its last status and when it
  was given.

Reports, ``avr status``, ``avr todo``, ``avr followup start``, ``avr diff`` and ``avr export`` all ask
this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from avr.compute.periods import period_key
from avr.model.common import Status
from avr.model.followup import FollowUp
from avr.model.organisation import Organisation, Period

CLOSED = frozenset({Status.DONE, Status.STOPPED})


@dataclass(frozen=True)
class StatusInPeriod:
    """What a report of one period says of one item's status."""

    followup: FollowUp | None  # the item's follow-up of the period itself
    source: FollowUp | None  # the latest follow-up with a status at or before the period
    status: Status | None  # the status in the period; None is unreported
    label: str | None  # the organisation's word for the latest status given, as written in ``source``
    last_status: Status | None  # what that word means, whether or not it holds in the period

    @property
    def carried(self) -> bool:
        """A done or stopped status reported in an earlier period."""
        return self.status is not None and self.source is not None and self.source is not self.followup

    @property
    def lapsed(self) -> bool:
        """An open status from an earlier period: unreported now, its last status shown with its period."""
        return self.status is None and self.source is not None and self.source is not self.followup

    @property
    def since(self) -> str | None:
        """The period the shown status was reported in, when it is not the report's own."""
        return self.source.period if self.source is not None and self.source is not self.followup else None

    @property
    def closed(self) -> bool:
        return self.status in CLOSED


def _means(organisation: Organisation | None, fu: FollowUp) -> Status | None:
    if organisation is None or fu.status is None:
        return None
    entry = organisation.status_of(fu.status)
    return entry.means if entry else None


def read_later(fu: FollowUp) -> tuple[object, ...]:
    """What a report of a later period reads of this follow-up (a report's dependency key: compute.results.period_reads):
    the status and where it was given (carried or lapsed), its färdiggrad and expected completion (of a
    carried status), and indicator outcomes (history, comparisons). Its text shows only in its own period."""
    return (fu.period, fu.activity, fu.goal, fu.status, fu.completion, fu.expected_completion, fu.outcomes)


class FollowUpIndex:
    """A plan's follow-ups by subject in date order, built once and asked per item and period."""

    def __init__(self, followups: Iterable[FollowUp], periods: Mapping[str, Period], organisation: Organisation,
                 *, goals: bool = False) -> None:
        self.periods = periods
        self.organisation = organisation
        self.by_subject: dict[str, list[FollowUp]] = {}
        for fu in followups:
            subject = fu.goal if goals else fu.activity
            if subject is not None and fu.period in periods:
                self.by_subject.setdefault(subject, []).append(fu)
        for items in self.by_subject.values():
            items.sort(key=lambda f: period_key(periods[f.period]))

    def status(self, subject: str, period: Period) -> StatusInPeriod:
        items = self.by_subject.get(subject, [])
        own = next((f for f in items if f.period == period.id), None)
        source: FollowUp | None = None
        if own is not None and _means(self.organisation, own) is not None:
            source = own
        else:
            for fu in reversed(items):
                if fu is own or self.periods[fu.period].end > period.end:
                    continue
                if _means(self.organisation, fu) is not None:
                    source = fu
                    break
        meaning = _means(self.organisation, source) if source is not None else None
        label = source.status if source is not None else None
        if source is not None and source is not own and meaning not in CLOSED:
            return StatusInPeriod(own, source, None, label, meaning)
        return StatusInPeriod(own, source, meaning, label, meaning)

    def earlier(self, subject: str, period: Period) -> FollowUp | None:
        """The latest follow-up of a period ending before ``period`` ends (what a new round starts from)."""
        found = [f for f in self.by_subject.get(subject, [])
                 if f.period != period.id and self.periods[f.period].end < period.end]
        return found[-1] if found else None
