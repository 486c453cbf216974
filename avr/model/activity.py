"""Activity card files ``<org>/<plan>/activities/*.yaml`` (aktivitetskort)."""

from __future__ import annotations

from pydantic import Field

from avr.model.common import Id, Markdown, Schema, YearOrOngoing


class Activity(Schema):
    """An activity an operation carries out to reach one or several goals."""

    id: Id = Field(description="Short number or id, e.g. 1a / aktivitetsnummer")
    point: Id | None = Field(
        default=None, description="Plan point it belongs to when several activities share one (1a, 1b → 1)"
    )
    goals: list[Id] = Field(
        default_factory=list,
        description="Goals it serves / uppdrag; required unless the plan counts commitments (item_noun: commitment)",
    )
    unit: Id = Field(description="Reporting operation / verksamhet som rapporterar")
    title: str = Field(description="Namn på aktiviteten")
    summary: str | None = Field(default=None, description="Förkortad beskrivning, for overview tables")
    responsible: str | None = Field(default=None, description="Ansvarig enhet/er")
    how: Markdown | None = Field(default=None, description="Hur ska aktiviteten genomföras?")
    when: str | None = Field(default=None, description="När ska aktiviteten genomföras?")
    accountable: str | None = Field(default=None, description="Vem ansvarar för genomförandet?")
    expected_completion: YearOrOngoing | None = Field(default=None, description="Bedöms bli färdig")
