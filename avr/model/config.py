"""Repository configuration: ``avr.yaml`` at the repository root."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from avr.model.common import Id, Schema


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
    number_words_up_to: int = Field(
        default=10, ge=0, le=12, description="Counts up to this are written as words in sentences (en, två, …)"
    )


class LimitsConfig(Schema):
    """Bounds on input files; hitting one is an error naming the limit."""

    max_file_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    # at most 200: the reader walks the tree recursively (two frames a level), well inside Python's 1000
    max_depth: int = Field(default=50, ge=5, le=200)
    max_nodes: int = Field(default=200_000, ge=100)
    max_files: int = Field(default=20_000, ge=10, description="YAML files read in one repository")


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
    rules: Rules = Field(default_factory=Rules)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
