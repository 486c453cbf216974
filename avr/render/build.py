"""Build: decide which reports a repository has, render each to Markdown, HTML and JSON, write them.

Output is deterministic (sorted input, no timestamps unless SOURCE_DATE_EPOCH
asks for one) and written atomically: a file is written to a temporary name in
the same folder and renamed, so an interrupted build leaves the previous
reports intact.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from avr.compute.results import PlanResult, compute_plan
from avr.errors import Diagnostics, InvalidInput
from avr.model.plan import ReportSpec
from avr.model.repository import OrgData, PlanData, Repository
from avr.render.env import make_env, status_label
from avr.render.jsonout import plan_json
from avr.render.labels import load_labels
from avr.render.output import MARKER, output_folder, record
from avr.render.safety import html_problems, neutralise_markdown
from avr.render.sentence import status_sentence

__all__ = ["MARKER", "FORMATS", "ReportJob", "build", "render_job", "report_jobs", "write_atomic"]
FORMATS = ("md", "html", "json")


@dataclass
class ReportJob:
    org: OrgData
    plan: PlanData
    report_id: str
    spec: ReportSpec

    @property
    def out_base(self) -> str:
        return f"{self.org.id}/{self.plan.id}/{self.report_id}"


def report_jobs(repo: Repository) -> list[ReportJob]:
    """Declared reports, or by default the plan document and one report per followed-up period."""
    jobs = []
    for org, plan in repo.all_plans():
        if plan.reports:
            for report_id, spec in sorted(plan.reports.items()):
                jobs.append(ReportJob(org, plan, report_id, spec))
            continue
        kind = "status" if plan.plan.kind == "action_plan" else "followup"
        jobs.append(ReportJob(org, plan, "plan", ReportSpec(kind="plan", title=plan.plan.title)))
        for period in sorted({f.period for f in plan.followups}):
            label = org.periods[period].label if period in org.periods else period
            spec = ReportSpec(kind=kind, period=period, title=f"{plan.plan.title} – {label}")
            jobs.append(ReportJob(org, plan, f"uppfoljning-{period}", spec))
    return jobs


def render_job(repo: Repository, job: ReportJob) -> dict[str, str]:
    """The report's text in each format."""
    labels = load_labels(repo.config.language, _templates_dir(repo))
    env = make_env(labels, _templates_dir(repo))
    result = compute_plan(job.org, job.plan, job.spec.period, repo.config.rules)
    context = _context(repo, job, result)
    out = {}
    for ext in ("md", "html"):
        out[ext] = env.get_template(f"{job.spec.kind}.{ext}.j2").render(context)
    out["md"] = neutralise_markdown(out["md"])  # GitHub renders it: user text must not carry HTML or links
    data = {"report": {"id": job.report_id, "kind": job.spec.kind, "title": job.spec.title,
                       "period": job.spec.period, "case_number": job.spec.case_number},
            "sentence": context["sentence"], **plan_json(result)}
    # `<` escaped: the JSON stays inert even if a page embeds it or a server sends it as HTML
    out["json"] = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).replace("<", "\\u003c") + "\n"
    return out


def _templates_dir(repo: Repository) -> Path | None:
    return repo.root / repo.config.templates_dir if repo.config.templates_dir else None


def _context(repo: Repository, job: ReportJob, result: PlanResult) -> dict[str, Any]:
    labels = load_labels(repo.config.language, _templates_dir(repo))
    organisation = job.org.organisation
    sentence = status_sentence(
        result.counts, organisation, job.plan.plan.item_noun, labels, repo.config.rules.number_words_up_to
    )
    years: list[int] = []
    if result.period is not None:
        last = job.plan.plan.last_year or job.plan.plan.first_year
        years = list(range(result.period.end.year, max(last, result.period.end.year) + 1))
    return {
        "report": job.spec,
        "r": result,
        "org": organisation,
        "plan": job.plan.plan,
        "period": result.period,
        "language": repo.config.language,
        "sentence": sentence,
        "has_status": any(a.followup and a.followup.status for a in result.activities),
        "status_name": lambda s: status_label(organisation, s, labels),
        "unit_name": {u.id: u.name for u in organisation.units},
        "completion_years": years,
        "periods": job.org.periods,
        "site_title": repo.config.title,
    }


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build(repo: Repository, out_dir: Path, formats: tuple[str, ...] = FORMATS, *, clean: bool = False) -> list[Path]:
    """Render every report and the index page into ``out_dir``; return the files written.

    Everything is rendered and checked before the first file is written, under the output folder's
    lock; with ``clean``, files of earlier builds that this one did not write again are deleted.
    """
    files: dict[str, str] = {}
    jobs = report_jobs(repo)
    for job in jobs:
        texts = render_job(repo, job)
        for ext in formats:
            files[f"{job.out_base}.{ext}"] = texts[ext]
    labels = load_labels(repo.config.language, _templates_dir(repo))
    env = make_env(labels, _templates_dir(repo))
    files["index.html"] = env.get_template("index.html.j2").render(
        site_title=repo.config.title, jobs=jobs, formats=formats, language=repo.config.language,
        periods={org.id: org.periods for org in repo.orgs.values()},
    )
    _refuse_unsafe_html(files)
    written: list[Path] = []
    with output_folder(out_dir):
        for rel, text in files.items():
            write_atomic(out_dir / rel, text)
            written.append(out_dir / rel)
        record(out_dir, written, clean=clean)
    return written


def _refuse_unsafe_html(files: dict[str, str]) -> None:
    """A last look before publishing: only a repository's own templates can trip this."""
    diags = Diagnostics()
    for rel, text in files.items():
        if rel.endswith(".html"):
            for line, col, problem in html_problems(text)[:20]:
                diags.add(rel, line, col, "E701", f"not published: {problem} (check the templates in templates_dir)")
    if diags:
        raise InvalidInput(diags)
