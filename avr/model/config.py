"""Repository configuration: ``avr.yaml`` at the repository root."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from avr.model.common import Id, Number, Schema

WarningCode = Annotated[str, StringConstraints(pattern=r"^W[0-9]{3}$")]


class Rules(Schema):
    """How results and verdicts are computed (documented in the README)."""

    partially_met: Literal["improved", "within", "never"] = Field(
        default="improved",
        description=(
            "When an indicator that missed its numeric target counts as partially met: "
            "`improved` (better than its comparison value), `within` (within "
            "`tolerance_percent` of the target), `never`"
        ),
    )
    tolerance_percent: int = Field(default=5, ge=0, le=100)
    subyear_targets: Literal["not_assessed", "forecast"] = Field(
        default="not_assessed",
        description=(
            "How an outcome of a period shorter than its year (tertial, delår) is judged against the year's "
            "target when the period has none of its own: `not_assessed` until the year ends, or `forecast` "
            "(judged, labelled prognos)"
        ),
    )
    number_words_up_to: int = Field(
        default=10, ge=0, le=12, description="Counts up to this are written as words in sentences (en, två, …)"
    )


class LimitsConfig(Schema):
    """Bounds on input files; hitting one is an error naming the limit."""

    max_file_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    # at most 200: the reader walks the tree recursively (two frames a level), well inside Python's 1000
    max_depth: int = Field(default=50, ge=5, le=200)
    max_nodes: int = Field(default=200_000, ge=100)
    max_files: int = Field(default=500_000, ge=10, description="YAML files read in one repository")


class InterimRules(Schema):
    """How the delårsrapport judges trends (README, "The delårsrapport")."""

    stable_percent: Number = Field(
        default=Decimal(5), ge=0, le=100,
        description="A change within this percentage of the comparison value is stable (→)",
    )


class KoladaConfig(Schema):
    """Where `avr fetch kolada` asks, and how patiently (README, "Kolada")."""

    base_url: str = Field(
        default="https://api.kolada.se/v3", pattern=r"^https?://",
        description="Kolada's API (v3), or a mirror of it",
    )
    fallback_url: str | None = Field(
        default="http://api.kolada.se/v2", pattern=r"^https?://",
        description="Asked only if base_url answers 404/410 (the version is not there); empty for none",
    )
    timeout_seconds: float = Field(default=30, gt=0, le=600, description="Per request")
    attempts: int = Field(default=4, ge=1, le=10, description="Tries per request on timeouts, 429 and 5xx")
    backoff_seconds: float = Field(default=1, ge=0, le=60, description="First wait; doubles after each try")
    per_page: int = Field(default=5000, ge=1, le=5000)
    min_interval_seconds: float = Field(
        default=0.2, ge=0, le=10, description="Least time between requests; Kolada asks for about 5 per second at most"
    )


class AccessibilityConfig(Schema):
    """The site's accessibility statement (tillgänglighetsredogörelse), as the law on accessible
    digital public services (lagen om tillgänglighet till digital offentlig service) requires."""

    organisation: str | None = Field(default=None, description="Who publishes the reports, e.g. Uppsala kommun")
    compliance: Literal["full", "partial", "none"] = Field(
        default="partial", description="Helt, delvis or inte förenlig med lagen (WCAG 2.1 AA)"
    )
    email: str | None = Field(default=None, description="Where to ask for an accessible version and report problems")
    phone: str | None = None
    response_days: int | None = Field(default=None, ge=1, le=90, description="Expected answer time in working days")
    limitations: list[str] = Field(default_factory=list, description="Known limitations beyond those avr lists")
    assessed: dt.date | None = Field(default=None, description="When the statement was last reviewed")
    tested: dt.date | None = Field(
        default=None, description="When the pages were last checked with axe-core; absent, the statement says nothing of it"
    )


class RepoConfig(Schema):
    """The repository: which organisations it holds and where things are."""

    title: str = Field(default="Uppföljningsrapporter", description="Title of the report site")
    language: Literal["sv", "en"] = Field(default="sv", description="Report language / rapportspråk")
    plans_dir: str = Field(default="plans", description="Folder holding the organisations, relative to avr.yaml")
    output_dir: str = Field(default="build", description="Where reports are written")
    templates_dir: str | None = Field(
        default=None, description="Folder with templates overriding avr's own, relative to avr.yaml"
    )
    organisations: list[Id] = Field(min_length=1, description="Organisation folders under plans_dir")
    decimals: int = Field(
        default=1, ge=0, le=3, description="Decimals of a share computed from numerator/denominator (33,9 %) and of "
        "its changes in procentenheter, for indicators that set no `decimals` of their own"
    )
    rules: Rules = Field(default_factory=Rules)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    interim: InterimRules = Field(default_factory=InterimRules)
    kolada: KoladaConfig = Field(default_factory=KoladaConfig)
    accessibility: AccessibilityConfig = Field(default_factory=AccessibilityConfig)
    ignore: list[WarningCode] = Field(
        default_factory=list,
        description="Warning codes `avr check` and `avr build` do not report, e.g. [W103]; errors cannot be ignored",
    )
