"""Follow-up entry files ``<org>/<plan>/followups/<period>/*.yaml`` (uppföljning)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from avr.i18n import _
from avr.model.common import Id, Markdown, Schema, Verdict, YearOrOngoing
from avr.model.goal import ValueField


class ManualVerdict(Schema):
    """A verdict set by hand (bedömning); needs a justification (motivering)."""

    verdict: Verdict
    justification: Markdown | None = Field(default=None, description="Motivering")


class StatedGoal(Schema):
    """What the source states about a goal beside its indicators; checked against what avr computes."""

    verdict: Verdict | None = Field(
        default=None, description="The verdict printed (Målet är uppfyllt): must equal the computed one"
    )
    met: int | None = Field(default=None, ge=0, description="Number of indicators printed as met (3 av 4 uppfyllda)")
    indicators: int | None = Field(default=None, ge=0, description="Number of indicators printed (the 4 of 3 av 4)")


class FollowUp(Schema):
    """One follow-up of an activity or a goal for one period."""

    period: Id
    activity: Id | None = Field(default=None, description="Activity followed up")
    goal: Id | None = Field(default=None, description="Goal followed up (for outcomes and verdict)")
    status: str | None = Field(default=None, description="Status in the organisation's words")
    completion: int | None = Field(default=None, ge=0, le=100, description="Färdiggrad in percent")
    expected_completion: YearOrOngoing | None = Field(default=None, description="Bedöms bli färdig")
    text: Markdown | None = Field(default=None, description="Återrapportering / utfall / kommentar")
    remaining: Markdown | None = Field(default=None, description="Plan för återstående arbete")
    date: dt.date | None = Field(default=None, description="Date of the comment / datum")
    author: str | None = None
    outcomes: dict[Id, ValueField] = Field(default_factory=dict, description="Indicator outcomes / utfall")
    verdict: ManualVerdict | None = Field(default=None, description="Manual verdict / manuell bedömning")
    stated: StatedGoal | None = Field(
        default=None, description="A goal's verdict and indicator count as the source prints them; checked"
    )

    @model_validator(mode="after")
    def _subject(self) -> FollowUp:
        if (self.activity is None) == (self.goal is None):
            raise ValueError(_("a follow-up names exactly one of `activity` or `goal`"))
        if self.activity is not None and (self.outcomes or self.verdict or self.stated):
            raise ValueError(_("`outcomes`, `verdict` and `stated` belong in a goal's follow-up, not an activity's"))
        if self.verdict is not None and self.stated is not None and self.stated.verdict is not None:
            raise ValueError(_("give a manual `verdict` (it overrides the computed one) or a `stated` verdict (it "
                               "must equal the computed one), not both"))
        return self

    @property
    def subject(self) -> str:
        return self.activity or self.goal or ""
