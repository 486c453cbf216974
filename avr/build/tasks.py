"""The build's one task: read, check and render the reports of plan folders, here or in a forked worker.

No check crosses plan folders (model/repository.py), so a plan folder loaded alone, with avr.yaml and its
organisation, gives exactly the diagnostics and models a whole load gives for it. Each task loads its plan
folders (skipping every other), checks them, keys their reports and renders those whose key changed into the
staging folder. A full, an incremental and a parallel build all run these tasks; they differ only in which
folders they give them. Near the file limit one task takes every folder: only a whole load counts files the
way E011 does.

Workers are forked (they start in milliseconds and inherit the compiled templates); each gets the build's
TaskContext through the pool's initializer and exits after one task (maxtasksperchild=1), giving its memory
back at once.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from avr.build.keys import Layout, index_summary, report_keys
from avr.build.output import Entry, Staging, stat_of
from avr.build.scan import Output
from avr.errors import InvalidInput, Problem
from avr.load.cache import DocStore, no_collector
from avr.load.checked import file_hash
from avr.load.inputs import RefusedFile, read_regular

if TYPE_CHECKING:
    from avr.model.repository import ConfigFile

# Forking pays off from a few reports of real size (benchmarks/NOTES.md).
PARALLEL_MIN_FILES = 2000

Step = Callable[[str, int, int], None]  # stage, done, total


@dataclass
class TaskContext:
    """Everything a task needs, set up once by the engine (inherited by forked workers)."""

    root: Path
    config: ConfigFile  # avr.yaml, validated once by the engine
    layout: Layout
    hashes: dict[str, str]  # inputs whose hash is known (stat unchanged, or outside plan folders)
    cache_dir: Path
    parse_jobs: int
    limit: int  # max_file_bytes
    formats: tuple[str, ...]
    env: Any  # the compiled templates (jinja2 SandboxedEnvironment)
    staging: Staging
    old_reports: dict[str, str]  # the last build's report keys
    own_templates: bool  # a repository's own templates: every report depends on everything

    def up_to_date(self, out_base: str, key: str) -> bool:
        """The report's key is the last build's, and its files are as that build left them."""
        if self.old_reports.get(out_base) != key:
            return False
        old: dict[str, Output] = self.staging.old
        rels = [f"{out_base}.{ext}" for ext in self.formats]
        return all(rel in old and stat_of(self.staging.out_dir / rel) == tuple(old[rel][1:]) for rel in rels)


@dataclass
class Outcome:
    """What one task gives back, per plan folder (plain data and pickled models: it may cross processes)."""

    diagnostics: dict[str, list[Problem]] = field(default_factory=dict)  # every one of a file in the folder
    hashes: dict[str, str] = field(default_factory=dict)  # every file of its folders
    keys: dict[str, str] = field(default_factory=dict)  # plan folder -> key
    summaries: dict[str, Any] = field(default_factory=dict)  # plan folder -> what the index shows of it
    jobs: list[tuple[str, Any, str, Any]] = field(default_factory=list)  # (org id, PlanData, report id, ReportSpec)
    report_keys: dict[str, str] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # reports refused (E701)
    failed: bool = False  # errors: nothing rendered
    rendered: int = 0
    parsed: int = 0
    plans: int = 0


def plan_task(ctx: TaskContext, folders: tuple[str, ...]) -> Outcome:
    """Load, check, key and render the plan folders ``folders``."""
    from avr.compute.checks import load_checked
    from avr.findings import repository_findings
    from avr.model.repository import PlanData
    from avr.render.build import report_jobs

    layout = ctx.layout
    starts = tuple(folder + "/" for folder in folders)
    store = DocStore(ctx.root, ctx.cache_dir, ctx.parse_jobs)

    def preload(paths: Iterable[Path], limits: Any) -> dict[Path, Any]:
        # organisation files and other folders' files are not this task's to cache
        return store.load_all([p for p in paths if store.display(p).startswith(starts)], limits)

    skip = frozenset(layout.members) - frozenset(folders)
    with no_collector():  # validating makes no reference cycles either: the collector would only walk the models
        repo = load_checked(ctx.root, strict=False, preload=preload, skip=skip, config=ctx.config)
    store.flush()
    found = repository_findings(repo, folders[0] if len(folders) == 1 else None)
    outcome = Outcome(parsed=store.parsed, plans=sum(len(org.plans) for org in repo.orgs.values()))
    outcome.diagnostics = {folder: [] for folder in folders}
    for item in found.items:
        folder = layout.folder_of(item.path)
        if folder in outcome.diagnostics:
            outcome.diagnostics[folder].append(item.as_problem())
    real_root = ctx.root.resolve()
    for folder in folders:
        for rel in layout.members[folder]:
            digest = ctx.hashes.get(rel) or store.hashes.get(rel)
            if digest is None:
                try:  # the scan refused special files, links leading out and big files; one swapped since is too
                    digest = file_hash(read_regular(ctx.root / rel, real_root, ctx.limit))
                except (OSError, RefusedFile):
                    digest = "unreadable"
            outcome.hashes[rel] = digest
    everything = {**ctx.hashes, **outcome.hashes}
    for folder in folders:
        outcome.keys[folder] = layout.keys[folder] = layout.plan_key(folder, everything)
    if found.errors:
        outcome.failed = True
        return outcome  # the build is refused: nothing to render
    jobs = report_jobs(repo)
    # what the index reads of a plan: with a repository's own templates anything, with avr's its plan.yaml
    shown = {id(job.plan): dataclasses.replace(job.plan, docs={}) if ctx.own_templates else
             PlanData(job.org.id, job.plan.plan, job.plan.path) for job in jobs}
    outcome.jobs = [(job.org.id, shown[id(job.plan)], job.report_id, job.spec) for job in jobs]
    summaries = index_summary(jobs)
    outcome.summaries = {folder: summaries.get(folder) for folder in folders}
    outcome.report_keys = report_keys(jobs, layout, everything, ctx.own_templates)
    render_jobs(ctx, repo, jobs, outcome)
    return outcome


def render_jobs(ctx: TaskContext, repo: Any, jobs: list[Any], outcome: Outcome) -> None:
    """Render and stage the reports whose key changed; a report that may not be published (E701) gives its
    diagnostics instead, so one run reports them all."""
    from avr.render.build import render_outputs

    for job in jobs:
        if ctx.up_to_date(job.out_base, outcome.report_keys[job.out_base]):
            continue
        outcome.rendered += 1
        try:
            contents = render_outputs(repo, job, ctx.formats, ctx.env)
        except InvalidInput as exc:
            outcome.problems += exc.diagnostics.problems()
            continue
        outcome.entries += [ctx.staging.stage(f"{job.out_base}.{ext}", content) for ext, content in contents.items()]


class _Worker:
    """A forked worker's context, given by the pool's initializer (it exists only in the worker)."""

    context: TaskContext | None = None

    @classmethod
    def start(cls, ctx: TaskContext) -> None:
        cls.context = ctx

    @classmethod
    def run(cls, folders: tuple[str, ...]) -> Outcome:
        assert cls.context is not None
        return plan_task(cls.context, folders)


def run_tasks(ctx: TaskContext, groups: list[tuple[str, ...]], jobs: int, step: Step | None) -> list[Outcome]:
    """Every group's task: in forked workers when there are several and ``jobs`` allows, else here."""
    import multiprocessing

    outcomes: list[Outcome] = []
    size = {group: sum(len(ctx.layout.members[f]) for f in group) for group in groups}
    if jobs > 1 and len(groups) > 1 and sum(size.values()) >= PARALLEL_MIN_FILES and (
            "fork" in multiprocessing.get_all_start_methods()):
        ordered = sorted(groups, key=lambda g: -size[g])  # the biggest first: the last to finish is a small one
        gc.freeze()  # a worker's collector then leaves the inherited objects (and their pages) alone
        try:
            with multiprocessing.get_context("fork").Pool(min(jobs, len(groups)), initializer=_Worker.start,
                                                          initargs=(ctx,), maxtasksperchild=1) as pool:
                for done, outcome in enumerate(pool.imap_unordered(_Worker.run, ordered), start=1):
                    outcomes.append(outcome)
                    if step:
                        step("render", done, len(groups))
        finally:
            gc.unfreeze()
        return outcomes
    for done, group in enumerate(groups, start=1):
        outcomes.append(plan_task(ctx, group))
        if step:
            step("render", done, len(groups))
    return outcomes
