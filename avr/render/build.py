"""Decide which reports a repository has and render each to Markdown, HTML and JSON (and PDF, Word).

Output is deterministic (sorted input, no timestamps unless SOURCE_DATE_EPOCH asks for one). Writing it is
the build engine's (avr/build/).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from avr.compute.periods import sort_ids
from avr.compute.results import PlanResult, compute_plan
from avr.compute.sections import (
    INTERIM_SECTIONS,
    STYLED_SECTIONS,
    InterimResults,
    counted_items,
    counts_commitments,
    section_views,
)
from avr.errors import Diagnostics, InvalidInput
from avr.i18n import gettext as _
from avr.model.plan import ReportSpec
from avr.model.repository import OrgData, PlanData, Repository
from avr.render.env import make_env, status_label
from avr.render.interim import interim_context, interim_json
from avr.render.jsonout import dumps, plan_json
from avr.render.labels import load_labels
from avr.render.safety import html_problems, neutralise_markdown
from avr.render.sentence import status_sentence
from avr.render.terms import Words

__all__ = ["ReportJob", "render_job", "render_outputs", "report_jobs", "site_pages"]


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
            # the plan document first, then by period in date order (the site's index lists them so)
            order = {pid: i for i, pid in enumerate(sort_ids(org.periods, org.periods))}
            for report_id, spec in sorted(plan.reports.items(), key=lambda kv: (
                    -1 if kv[1].period is None else order.get(kv[1].period, len(order)), kv[0])):
                jobs.append(ReportJob(org, plan, report_id, spec))
            continue
        kind = "status" if plan.plan.kind == "action_plan" else "followup"
        jobs.append(ReportJob(org, plan, "plan", ReportSpec(kind="plan", title=plan.plan.title)))
        for period in sort_ids({f.period for f in plan.followups}, org.periods):
            label = org.periods[period].label if period in org.periods else period
            spec = ReportSpec(kind=kind, period=period, title=f"{plan.plan.title} – {label}")
            jobs.append(ReportJob(org, plan, f"uppfoljning-{period}", spec))
    return jobs


def render_job(repo: Repository, job: ReportJob, env: SandboxedEnvironment | None = None,
               formats: tuple[str, ...] = ("md", "html", "json")) -> dict[str, str]:
    """The report's text in each of the text ``formats``, and always its HTML (which is checked, and which PDF
    and Word are made from); pass ``env`` to share compiled templates between reports."""
    env = env or report_env(repo)
    result = compute_plan(job.org, job.plan, job.spec.period, repo.config.rules)
    context = _context(repo, job, result)
    labels = load_labels(repo.config.language, _templates_dir(repo))  # cached
    computed = InterimResults(job.plan, result, repo.config.interim.stable_percent)  # shared by context and JSON
    context.update(interim_context(job.plan, result, repo.config, labels, computed))
    out = {"html": env.get_template(report_template(job.spec, "html")).render(context)}
    if "md" in formats:  # GitHub renders it: user text must not carry HTML or links
        out["md"] = neutralise_markdown(env.get_template(report_template(job.spec, "md")).render(context))
    if "json" not in formats:
        return out
    interim = any(s.name in INTERIM_SECTIONS for s in job.spec.section_list)
    data = {"report": {"id": job.report_id, "kind": job.spec.kind, "title": job.spec.title,
                       "period": job.spec.period, "case_number": job.spec.case_number},
            "sentence": context["sentence"], **plan_json(result),
            **interim_json(job.plan, result, repo.config, interim, computed)}
    # `<` escaped: the JSON stays inert even if a page embeds it or a server sends it as HTML
    out["json"] = dumps(data).replace("<", "\\u003c") + "\n"
    return out


def report_template(spec: ReportSpec, ext: str) -> str:
    """A preset report renders through its kind's template (a repository may replace it); a report with its
    own list of sections through the plain one."""
    return f"{spec.kind}.{ext}.j2" if spec.sections is None and spec.kind else f"report.{ext}.j2"


def render_index(repo: Repository, jobs: list[ReportJob], formats: tuple[str, ...], env: SandboxedEnvironment) -> str:
    return env.get_template("index.html.j2").render(
        site_title=repo.config.title, jobs=jobs, formats=formats, language=repo.config.language,
        periods={org.id: org.periods for org in repo.orgs.values()},
    )


def report_env(repo: Repository) -> SandboxedEnvironment:
    return make_env(load_labels(repo.config.language, _templates_dir(repo)), _templates_dir(repo))


def _templates_dir(repo: Repository) -> Path | None:
    return repo.root / repo.config.templates_dir if repo.config.templates_dir else None


def _context(repo: Repository, job: ReportJob, result: PlanResult) -> dict[str, Any]:
    labels = load_labels(repo.config.language, _templates_dir(repo))
    organisation = job.org.organisation
    plan = job.plan.plan
    words = Words(plan, labels)
    noun = words.noun("commitment" if counts_commitments(job.spec.section_list, result) else "item")
    sentence = status_sentence(
        counted_items(job.spec.section_list, result), organisation, noun, labels, repo.config.rules.number_words_up_to
    )
    sections = section_views(job.spec.section_list, job.plan, result,
                             {"introduction": job.spec.introduction, "summary": job.spec.summary})
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
        "sections": sections,
        # the plan's own nouns in headings, captions and sentences (plan.yaml `terms:`)
        "W": words.label,
        "noun": lambda key, form="plural": words.noun(key)[form],
        "kind_label": words.goal_label,
        "kind_heading": words.kind_heading,
        "verdict_text": lambda verdict, goal=None: words.verdict_sentence(verdict.value, goal),
        "economy_style": any(v.name in STYLED_SECTIONS for v in sections),
        # a status given in the period or carried into it (or lapsed: its last one is shown)
        "has_status": any((a.followup and a.followup.status) or a.since for a in result.activities),
        "status_name": lambda s: status_label(organisation, s, labels),
        "unit_name": {u.id: u.name for u in organisation.units},
        "completion_years": years,
        "periods": job.org.periods,
        "site_title": repo.config.title,
        "site_root": "../" * job.out_base.count("/"),
    }


def render_outputs(
    repo: Repository, job: ReportJob, formats: tuple[str, ...], env: SandboxedEnvironment | None = None
) -> dict[str, str | bytes]:
    """The report in each of ``formats``: text formats from the templates, PDF and Word from its HTML page.

    The HTML is checked before anything is made from it: a page that would publish a script, an event
    handler or a dangerous link is refused (E701), and so are its PDF and Word versions.
    """
    texts = render_job(repo, job, env, formats)
    refuse_unsafe_html({f"{job.out_base}.html": texts["html"]})
    out: dict[str, str | bytes] = {}
    for ext in formats:
        if ext in texts:
            out[ext] = texts[ext]
        else:
            from avr.render.pdf import UnsafePdf

            try:
                out[ext] = render_binary(repo, job, ext, texts["html"])
            except UnsafePdf as exc:
                diags = Diagnostics()
                diags.add(f"{job.out_base}.{ext}", 0, 0, "E701", _(
                    "not published: {problem} (check the templates in templates_dir)").format(problem=exc.problem))
                raise InvalidInput(diags) from None
    return out


def site_pages(
    repo: Repository, jobs: list[ReportJob], formats: tuple[str, ...], env: SandboxedEnvironment
) -> dict[str, str]:
    """The pages of the report site besides the reports: the index and the accessibility statement."""
    statement = env.get_template("accessibility.html.j2").render(
        site_title=repo.config.title, language=repo.config.language, accessibility=repo.config.accessibility)
    pages = {"index.html": render_index(repo, jobs, formats, env), "tillganglighet.html": statement}
    refuse_unsafe_html(pages)
    return pages


def refuse_unsafe_html(files: dict[str, str]) -> None:
    """A last look before publishing: only a repository's own templates can trip this."""
    diags = Diagnostics()
    for rel, text in files.items():
        if rel.endswith(".html"):
            for line, col, problem in html_problems(text)[:20]:
                diags.add(rel, line, col, "E701", _(
                    "not published: {problem} (check the templates in templates_dir)").format(problem=problem))
    if diags:
        raise InvalidInput(diags)


def render_binary(repo: Repository, job: ReportJob, ext: str, html: str) -> bytes:
    """The report as PDF or Word, from its HTML page."""
    # imported here: only a build that asks for PDF or Word pays for them
    from avr.render.docx import render_docx
    from avr.render.pdf import render_pdf

    organisation = job.org.organisation
    if ext == "pdf":
        return render_pdf(html, report_env(repo), {"org": organisation, "report": job.spec})
    if ext == "docx":
        return render_docx(html, job.spec.title, repo.config.language, job.spec.author or organisation.board)
    raise ValueError(f"not a binary format: {ext}")
