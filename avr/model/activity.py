"""Activity card files ``<org>/<plan>/activities/*.yaml`` (aktivitetskort)."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from avr.model.common import Id, Markdown, Schema, Title, YearOrOngoing


class Activity(Schema):
    """An activity an operation carries out to reach one or several goals."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Ett aktivitetskort (activities/<id>.yaml)",
        "en_description": "An activity card (activities/<id>.yaml)",
    })

    id: Id = Field(description="Aktivitetsnummer, t.ex. 1a", json_schema_extra={"en": "Activity number, e.g. 1a"})
    point: Id | None = Field(
        default=None,
        description="Planens punkt när flera aktiviteter delar den (1a, 1b → 1)",
        json_schema_extra={"en": "Plan point when several activities share one (1a, 1b → 1)"},
    )
    goals: list[Id] = Field(
        default_factory=list,
        description="Målen (uppdragen) aktiviteten tjänar; krävs utom i en plan med åtaganden (item_noun: commitment)",
        json_schema_extra={"en": "Goals it serves; required unless the plan counts commitments (item_noun: commitment)"},
    )
    unit: Id = Field(
        description="Verksamheten som rapporterar (enhetens id)", json_schema_extra={"en": "The reporting operation (a unit id)"})
    title: Title = Field(description="Namn på aktiviteten", json_schema_extra={"en": "Name of the activity"})
    summary: str | None = Field(
        default=None,
        description="Förkortad beskrivning (översiktstabellen)",
        json_schema_extra={"en": "Short description (overview table)"},
    )
    responsible: str | None = Field(
        default=None, description="Ansvarig enhet/er", json_schema_extra={"en": "Responsible unit(s)"})
    how: Markdown | None = Field(
        default=None,
        description="Hur ska aktiviteten genomföras? (Markdown)",
        json_schema_extra={"en": "How is it carried out? (Markdown)"},
    )
    when: str | None = Field(
        default=None, description="När ska aktiviteten genomföras?", json_schema_extra={"en": "When is it carried out?"})
    accountable: str | None = Field(
        default=None, description="Vem ansvarar för genomförandet?", json_schema_extra={"en": "Who is accountable?"})
    expected_completion: YearOrOngoing | None = Field(
        default=None,
        description="Bedöms bli färdig: år, eller ongoing (ständigt pågående)",
        json_schema_extra={"en": "Expected completion: a year, or ongoing"},
    )
