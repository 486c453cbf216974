"""The formats made from the HTML report for publishing and circulation: PDF and Word.

`avr build --format` takes formats repeated or comma-separated (`--format pdf --format docx`,
`--format md,html,json,pdf,docx`, `--format all`); without it avr writes md, html and json.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from avr.errors import UsageError

if TYPE_CHECKING:
    from avr.model.repository import Repository
    from avr.render.build import ReportJob

TEXT_FORMATS = ("md", "html", "json")
BINARY_FORMATS = ("pdf", "docx")
ALL_FORMATS = (*TEXT_FORMATS, *BINARY_FORMATS)


def parse_formats(values: list[str] | None) -> tuple[str, ...]:
    """The formats asked for, in avr's order; an unknown one is a usage error."""
    if not values:
        return TEXT_FORMATS
    asked = {part.strip().lower() for value in values for part in value.split(",") if part.strip()}
    if "all" in asked:
        return ALL_FORMATS
    unknown = sorted(asked - set(ALL_FORMATS))
    if unknown or not asked:
        raise UsageError(f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(ALL_FORMATS)} or all")
    return tuple(f for f in ALL_FORMATS if f in asked)


def render_binary(repo: Repository, job: ReportJob, ext: str, html: str) -> bytes:
    """The report as PDF or Word, from its HTML page."""
    # imported here: `avr build` reads parse_formats before it knows whether anything needs rendering,
    # and a no-op build must not pay for the templates and schemas
    from avr.render.docx import render_docx
    from avr.render.env import make_env
    from avr.render.labels import load_labels
    from avr.render.pdf import render_pdf

    templates = repo.root / repo.config.templates_dir if repo.config.templates_dir else None
    organisation = job.org.organisation
    if ext == "pdf":
        env = make_env(load_labels(repo.config.language, templates), templates)
        return render_pdf(html, env, {"org": organisation, "report": job.spec})
    if ext == "docx":
        return render_docx(html, job.spec.title, repo.config.language, job.spec.author or organisation.board)
    raise ValueError(f"not a binary format: {ext}")
