"""Organisation file: ``<org>/organisation.yaml`` (nämnd, förvaltning, verksamheter)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, field_validator, model_validator

from avr.i18n import gettext as _
from avr.model.common import Heading, Id, Schema, Status


class Unit(Schema):
    """An operation or unit that reports (verksamhet, enhet)."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "En verksamhet eller enhet",
        "en_description": "An operation or unit",
    })

    id: Id = Field(description="Enhetens id, t.ex. vux", json_schema_extra={"en": "Unit id, e.g. vux"})
    name: Heading = Field(
        description="Namn som det skrivs, t.ex. Arbetsmarknadsenheten",
        json_schema_extra={"en": "Name as printed, e.g. Arbetsmarknadsenheten"},
    )


PeriodKind = Literal["year", "half_year", "tertial", "quarter", "month", "interim", "annual_accounts"]


class Period(Schema):
    """A follow-up period (uppföljningsperiod): helår, halvår, tertial/delår, månad, bokslut."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "En uppföljningsperiod: helår, halvår, tertial, delår, månad, bokslut",
        "en_description": "A follow-up period: year, half year, tertial, interim, month, annual accounts",
    })

    id: Id = Field(
        description="Periodens id, t.ex. 2013-H1, 2020, 2022-T1",
        json_schema_extra={"en": "Period id, e.g. 2013-H1, 2020, 2022-T1"},
    )
    label: Heading = Field(
        description="Som den skrivs, t.ex. Första halvåret 2013",
        json_schema_extra={"en": "As printed, e.g. Första halvåret 2013"},
    )
    kind: PeriodKind = Field(
        description="Slag: year, half_year, tertial, quarter, month, interim, annual_accounts",
        json_schema_extra={"en": "Kind: year, half_year, tertial, quarter, month, interim, annual_accounts"},
    )
    start: dt.date = Field(description="Första dag, ÅÅÅÅ-MM-DD", json_schema_extra={"en": "First day, YYYY-MM-DD"})
    end: dt.date = Field(description="Sista dag, ÅÅÅÅ-MM-DD", json_schema_extra={"en": "Last day, YYYY-MM-DD"})

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(_("period ends ({end}) before it starts ({start})").format(end=self.end, start=self.start))
        return self


def label_key(label: str) -> str:
    """What makes two status labels the same label: equal after NFKC normalisation (composed and decomposed
    `å`, fullwidth or ligature letters) and case folding, without surrounding spaces or a final full stop."""
    return unicodedata.normalize("NFKC", label).casefold().strip().rstrip(".")


def _visible_label(label: Any) -> Any:
    # an invisible character (zero-width space or joiner, soft hyphen, word joiner) would make two labels that
    # look the same mean different things
    if isinstance(label, str):
        hidden = next((c for c in label if unicodedata.category(c) == "Cf"), None)
        if hidden is not None:
            raise ValueError(_("status label holds the invisible character U+{code:04X}; remove it").format(code=ord(hidden)))
        return unicodedata.normalize("NFC", label)
    return label


class StatusLabel(Schema):
    """One of the organisation's own status labels and what it means."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Ett statusord och vad det betyder",
        "en_description": "A status word and what it means",
    })

    label: Annotated[Heading, BeforeValidator(_visible_label)] = Field(
        description="Statusordet, t.ex. Påbörjad", json_schema_extra={"en": "The status word, e.g. Påbörjad"})
    means: Status = Field(
        description="Betydelse: not_started, on_track, off_track, done, stopped",
        json_schema_extra={"en": "Meaning: not_started, on_track, off_track, done, stopped"},
    )
    phrase: str | None = Field(
        default=None,
        description="Meningsdel för flera, {n} är antalet, t.ex. {n} som färdiga",
        json_schema_extra={"en": "Sentence part for several, {n} is the count"},
    )
    phrase_one: str | None = Field(
        default=None,
        description="Meningsdel för en, t.ex. {n} som färdig",
        json_schema_extra={"en": "Sentence part for one item"},
    )

    @field_validator("phrase", "phrase_one")
    @classmethod
    def _fits_the_sentence(cls, phrase: str | None) -> str | None:
        # "Av de 26 aktiviteterna bedöms 13 som färdiga, 11 pågår enligt plan …": each part is the count and
        # then `som` or a verb, which the first part puts before the count ("pågår 11 enligt plan")
        if phrase is not None and not re.fullmatch(r"\{n\} \S.*", phrase, re.S):
            raise ValueError(_("a status phrase begins with `{n}` and then `som` or a verb, e.g. `{n} som färdiga`, "
                               "`{n} pågår enligt plan`, `{n} är stoppade`, so that it fits the status sentence "
                               "(\"Av de 26 aktiviteterna bedöms 13 som färdiga, 11 pågår enligt plan …\")"))
        return phrase


class Organisation(Schema):
    """A board and its administration (nämnd och förvaltning)."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Nämnd och förvaltning (organisation.yaml)",
        "en_description": "A board and its administration (organisation.yaml)",
    })

    municipality: Heading = Field(
        description="Kommun, t.ex. Norrköpings kommun", json_schema_extra={"en": "Municipality, e.g. Norrköpings kommun"})
    municipality_code: str | None = Field(
        default=None,
        pattern=r"^[0-9]{4}$",
        description="Kommunkod, fyra siffror, t.ex. 0581",
        json_schema_extra={"en": "Municipality code, four digits, e.g. 0581"},
    )
    board: Heading = Field(
        description="Nämnd, t.ex. Arbetsmarknadsnämnden", json_schema_extra={"en": "Board, e.g. Arbetsmarknadsnämnden"})
    board_code: Heading = Field(description="Förkortning, t.ex. AMN", json_schema_extra={"en": "Short code, e.g. AMN"})
    administration: Heading | None = Field(default=None, description="Förvaltning", json_schema_extra={"en": "Administration"})
    units: list[Unit] = Field(
        default_factory=list,
        description="Verksamheter och enheter som rapporterar",
        json_schema_extra={"en": "Operations and units that report"},
    )
    statuses: list[StatusLabel] = Field(
        default_factory=list,
        description="Organisationens egna statusord och vad de betyder",
        json_schema_extra={"en": "The organisation's status words and what they mean"},
    )
    periods: list[Period] = Field(
        default_factory=list, description="Uppföljningsperioder", json_schema_extra={"en": "Follow-up periods"})
    contact: str | None = Field(
        default=None, description="Kontakt för rapporterna", json_schema_extra={"en": "Contact for the reports"})

    def status_of(self, label: str) -> StatusLabel | None:
        wanted = label_key(label)
        for entry in self.statuses:
            if label_key(entry.label) == wanted:
                return entry
        return None

    def status_problem(self, status: str, org_id: str | None = None) -> str | None:
        """Why ``status`` is not a word of this organisation's vocabulary (E204), or None when it is; the message
        names the organisation by ``org_id`` when given."""
        if self.status_of(status) is not None:
            return None
        labels = [s.label for s in self.statuses]
        if labels:
            close = difflib.get_close_matches(status, labels, n=1, cutoff=0.5)
            hint = (_(" — did you mean `{close}`?").format(close=close[0]) if close
                    else _("; use one of: {labels}").format(labels=", ".join(labels)))
        else:
            hint = _("; the organisation has no status words (add `statuses:` to its organisation.yaml)")
        if org_id is None:
            return _("status `{status}` is not in the organisation's vocabulary").format(status=status) + hint
        return _("status `{status}` is not in {org}'s vocabulary").format(status=status, org=org_id) + hint
