"""Repository configuration: ``avr.yaml`` at the repository root."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from avr.load import layout
from avr.load.yamlfile import MAX_FILE_BYTES_CAP, MAX_FILES_CAP, MAX_NODES_CAP
from avr.model.common import Heading, Id, Number, Schema

WarningCode = Annotated[str, StringConstraints(pattern=r"^W[0-9]{3}$")]


class Rules(Schema):
    """How results and verdicts are computed (documented in docs/hur-resultat-raknas.md)."""

    model_config = ConfigDict(json_schema_extra={"sv_description": "Beräkningsregler", "en_description": "Computing rules"})

    partially_met: Literal["improved", "within", "never"] = Field(
        default="improved",
        description="När en indikator som missat sitt målvärde räknas som delvis uppfylld: improved, within eller never",
        json_schema_extra={"en": "When an indicator that missed its numeric target counts as partially met: improved, within "
                                 "or never"},
    )
    tolerance_percent: int = Field(
        default=5,
        ge=0,
        le=100,
        description="Tolerans i procent för regeln within",
        json_schema_extra={"en": "Tolerance in percent for the rule within"},
    )
    subyear_targets: Literal["not_assessed", "forecast"] = Field(
        default="not_assessed",
        description="Hur utfallet för en kortare period (tertial, delår) bedöms mot årets mål: not_assessed (bedöms inte "
                    "förrän året är slut) eller forecast (bedöms, märkt prognos)",
        json_schema_extra={"en": "How the outcome of a shorter period (tertial, delår) is judged against the year's target: "
                                 "not_assessed (not until the year ends) or forecast (judged, labelled forecast)"},
    )
    number_words_up_to: int = Field(
        default=10,
        ge=0,
        le=12,
        description="Antal upp till detta skrivs med ord i meningar (en, två, …)",
        json_schema_extra={"en": "Counts up to this are written as words (en, två, …)"},
    )


class LimitsConfig(Schema):
    """Bounds on input files; hitting one is an error naming the limit."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Gränser för indatafilerna",
        "en_description": "Bounds on input files",
    })

    max_file_bytes: int = Field(
        default=5 * 1024 * 1024,
        ge=1024,
        le=MAX_FILE_BYTES_CAP,
        description="Största filstorlek i byte",
        json_schema_extra={"en": "Largest file size in bytes"},
    )
    # at most 200: the reader walks the tree recursively (two frames a level), well inside Python's 1000
    max_depth: int = Field(
        default=50, ge=5, le=200, description="Största nästlingsdjup", json_schema_extra={"en": "Deepest nesting"})
    max_nodes: int = Field(
        default=200_000,
        ge=100,
        le=MAX_NODES_CAP,
        description="Största antal värden i en fil",
        json_schema_extra={"en": "Most values in one file"},
    )
    max_files: int = Field(
        default=500_000,
        ge=10,
        le=MAX_FILES_CAP,
        description="Största antal YAML-filer i förrådet; över det byggs inget",
        json_schema_extra={"en": "Most YAML files in one repository; over it nothing is built"},
    )


class InterimRules(Schema):
    """How the delårsrapport judges trends (docs/hur-resultat-raknas.md, "Trender och statustabellen")."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Hur delårsrapporten bedömer trender",
        "en_description": "How the interim report judges trends",
    })

    stable_percent: Number = Field(
        default=Decimal(5),
        ge=0,
        le=100,
        description="En förändring inom så många procent av jämförelsevärdet är oförändrad (→), t.ex. 5",
        json_schema_extra={"en": "A change within this percentage of the comparison value is stable (→), e.g. 5"},
    )


class KoladaConfig(Schema):
    """Where `avr fetch kolada` asks, and how patiently (docs/anvandning.md, "Kolada")."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Inställningar för avr fetch kolada",
        "en_description": "Settings of avr fetch kolada",
    })

    base_url: str = Field(
        default="https://api.kolada.se/v3",
        pattern=r"^https?://",
        description="Koladas API (v3) eller en spegel av det",
        json_schema_extra={"en": "Kolada's API (v3), or a mirror of it"},
    )
    fallback_url: str | None = Field(
        default="http://api.kolada.se/v2",
        pattern=r"^https?://",
        description="Frågas bara om base_url svarar 404/410; tomt för ingen",
        json_schema_extra={"en": "Asked only if base_url answers 404/410; empty for none"},
    )
    timeout_seconds: float = Field(
        default=30,
        gt=0,
        le=600,
        description="Tidsgräns per anrop i sekunder",
        json_schema_extra={"en": "Timeout per request in seconds"},
    )
    attempts: int = Field(
        default=4,
        ge=1,
        le=10,
        description="Försök per anrop vid tidsgräns, 429 och 5xx",
        json_schema_extra={"en": "Tries per request on timeouts, 429 and 5xx"},
    )
    backoff_seconds: float = Field(
        default=1,
        ge=0,
        le=60,
        description="Första väntetiden; fördubblas efter varje försök",
        json_schema_extra={"en": "First wait; doubles after each try"},
    )
    per_page: int = Field(
        default=5000,
        ge=1,
        le=5000,
        description="Värden per sida (högst 5000)",
        json_schema_extra={"en": "Values per page (at most 5000)"},
    )
    min_interval_seconds: float = Field(
        default=0.2,
        ge=0,
        le=10,
        description="Minsta tid mellan anrop; Kolada ber om högst cirka 5 per sekund",
        json_schema_extra={"en": "Least time between requests; Kolada asks for about 5 per second at most"},
    )


class AccessibilityConfig(Schema):
    """The site's accessibility statement (tillgänglighetsredogörelse), as the law on accessible
    digital public services (lagen om tillgänglighet till digital offentlig service) requires."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Tillgänglighetsredogörelsen enligt lagen om tillgänglighet till digital offentlig service",
        "en_description": "The accessibility statement the law on accessible digital public services requires",
    })

    organisation: str | None = Field(
        default=None,
        description="Vem som publicerar rapporterna, t.ex. Uppsala kommun",
        json_schema_extra={"en": "Who publishes the reports, e.g. Uppsala kommun"},
    )
    compliance: Literal["full", "partial", "none"] = Field(
        default="partial",
        description="Förenlighet med lagen (WCAG 2.1 AA): full, partial eller none",
        json_schema_extra={"en": "Compliance with the law (WCAG 2.1 AA): full, partial or none"},
    )
    email: str | None = Field(
        default=None,
        description="E-post för att begära en tillgänglig version och rapportera brister",
        json_schema_extra={"en": "Email to ask for an accessible version and report problems"},
    )
    phone: str | None = Field(
        default=None, description="Telefonnummer för samma ärenden", json_schema_extra={"en": "Phone number for the same"})
    response_days: int | None = Field(
        default=None,
        ge=1,
        le=90,
        description="Normal svarstid i arbetsdagar",
        json_schema_extra={"en": "Usual answer time in working days"},
    )
    limitations: list[str] = Field(
        default_factory=list,
        description="Kända brister utöver dem avr själv listar",
        json_schema_extra={"en": "Known limitations beyond those avr lists"},
    )
    assessed: dt.date | None = Field(
        default=None,
        description="Datum då redogörelsen senast sågs över",
        json_schema_extra={"en": "Date the statement was last reviewed"},
    )
    tested: dt.date | None = Field(
        default=None,
        description="Datum då sidorna senast testades med axe-core; utan datum säger redogörelsen inget om det",
        json_schema_extra={"en": "Date the pages were last checked with axe-core; without it the statement says nothing of it"},
    )


class RepoConfig(Schema):
    """The repository: which organisations it holds and where things are."""

    model_config = ConfigDict(json_schema_extra={
        "sv_description": "Rapportförrådets inställningar (avr.yaml)",
        "en_description": "Repository configuration (avr.yaml)",
    })

    title: Heading = Field(
        default="Uppföljningsrapporter",
        description="Rapportwebbplatsens titel",
        json_schema_extra={"en": "Title of the report site"},
    )
    language: Literal["sv", "en"] = Field(
        default="sv", description="Rapportspråk: sv eller en", json_schema_extra={"en": "Report language: sv or en"})
    plans_dir: str = Field(
        default=layout.PLANS_DIR,
        description="Mappen med organisationerna, relativt avr.yaml",
        json_schema_extra={"en": "Folder holding the organisations, relative to avr.yaml"},
    )
    output_dir: str = Field(
        default=layout.OUTPUT_DIR, description="Mappen dit rapporterna skrivs",
        json_schema_extra={"en": "Where reports are written"})
    templates_dir: str | None = Field(
        default=None,
        description="Egna mallar som ersätter avr:s, relativt avr.yaml",
        json_schema_extra={"en": "Templates overriding avr's own, relative to avr.yaml"},
    )
    organisations: list[Id] = Field(
        min_length=1,
        description="Organisationernas mappar under plans_dir",
        json_schema_extra={"en": "Organisation folders under plans_dir"},
    )
    decimals: int = Field(
        default=1,
        ge=0,
        le=3,
        description="Decimaler för andelar ur täljare/nämnare (33,9 %) och deras förändring, när indikatorn inte anger egna",
        json_schema_extra={"en": "Decimals of shares from numerator/denominator (33,9 %) and their changes, for indicators "
                                 "without their own"},
    )
    rules: Rules = Field(
        default_factory=Rules,
        description="Hur resultat och bedömningar räknas fram",
        json_schema_extra={"en": "How results and verdicts are computed"},
    )
    limits: LimitsConfig = Field(
        default_factory=LimitsConfig, description="Gränser för indatafilerna", json_schema_extra={"en": "Bounds on input files"})
    interim: InterimRules = Field(
        default_factory=InterimRules,
        description="Delårsrapportens inställningar",
        json_schema_extra={"en": "Settings of the interim report"},
    )
    kolada: KoladaConfig = Field(
        default_factory=KoladaConfig,
        description="Var avr fetch kolada hämtar och hur tåligt",
        json_schema_extra={"en": "Where avr fetch kolada asks, and how patiently"},
    )
    accessibility: AccessibilityConfig = Field(
        default_factory=AccessibilityConfig,
        description="Webbplatsens tillgänglighetsredogörelse (tillganglighet.html)",
        json_schema_extra={"en": "The site's accessibility statement (tillganglighet.html)"},
    )
    ignore: list[WarningCode] = Field(
        default_factory=list,
        description="Varningskoder som avr check och avr build inte rapporterar, t.ex. [W103]; fel kan inte tystas",
        json_schema_extra={"en": "Warning codes avr check and avr build do not report, e.g. [W103]; errors cannot be ignored"},
    )
