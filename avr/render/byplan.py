"""Build plan by plan: each plan folder is read, checked and rendered on its own, in parallel when many.

No check crosses plan folders (model/repository.py), so a plan folder loaded alone, with avr.yaml and its
organisation, gives exactly the diagnostics and models a whole load gives for it. The main process reads only
avr.yaml, the organisations and files outside plan folders; each plan folder is a task that loads the plan,
checks it, works out its report keys and renders the reports whose key changed. With ``--jobs`` above one a
task runs in a forked worker that exits after it (so a plan's memory is given back at once), which puts
validation on every core as well as parsing and rendering, and no process ever holds the whole repository.

Used with avr's own templates only: the site's index is rendered from each plan's report list, which is all
avr's index template reads of a plan; a repository's own templates may read anything (render/incremental.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from avr.errors import Diagnostics, InvalidInput, Problem
from avr.load.cache import DocStore, file_hash, no_collector
from avr.load.inputs import RefusedFile, read_regular
from avr.render.deps import Layout, index_summary, layout_outside, report_keys
from avr.render.incremental import (
    CACHE_DIR,
    BuildResult,
    Entry,
    Run,
    Step,
    _write_if_changed,
    configured_ignore,
    max_file_bytes,
    up_to_date_report,
)

_STATE: dict[str, Any] = {}  # what a forked task inherits: set by build_by_plan, cleared after


@dataclass
class PlanOutcome:
    """What one plan folder's task gives back (plain data and pickled models: it may cross processes)."""

    folder: str
    diagnostics: list[Problem]  # every diagnostic of a file in this folder
    hashes: dict[str, str]  # every file of the folder
    key: str
    jobs: list[tuple[str, Any, str, Any]] = field(default_factory=list)  # (org id, Plan, report id, ReportSpec)
    summary: list[str] | None = None
    report_keys: dict[str, str] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # reports refused (E701)
    rendered: int = 0
    parsed: int = 0
    plans: int = 0


def plan_task(folder: str) -> PlanOutcome:
    """Load, check and render one plan folder, as the state set by :func:`build_by_plan` says."""
    from avr.findings import repository_findings
    from avr.model.repository import load_repository
    from avr.render.build import render_outputs, report_jobs

    state = _STATE
    root: Path = state["root"]
    layout: Layout = state["layout"]
    start = folder + "/"
    store = DocStore(root, state["cache_dir"], state["parse_jobs"])

    def preload(paths: Iterable[Path], limits: Any) -> dict[Path, Any]:
        # organisation files and other folders' files are not this task's to cache
        return store.load_all([p for p in paths if store.display(p).startswith(start)], limits)

    with no_collector():  # validating makes no reference cycles either: the collector would only walk the models
        repo = load_repository(root, strict=False, preload=preload, skip=state["folders"] - {folder})
    store.flush()
    found = repository_findings(repo, folder)
    diagnostics = [d.as_problem() for d in found.items if d.path.startswith(start)]
    known: dict[str, str] = state["hashes"]
    hashes: dict[str, str] = {}
    for rel in layout.members[folder]:
        digest = known.get(rel) or store.hashes.get(rel)
        if digest is None:
            try:  # the scan refused special files, links leading out and big files; one swapped since is refused here
                digest = file_hash(read_regular(root / rel, state["real_root"], state["limit"]))
            except (OSError, RefusedFile):
                digest = "unreadable"
        hashes[rel] = digest
    everything = {**state["hashes"], **hashes}
    key = layout.plan_key(folder, layout.members[folder], everything)
    outcome = PlanOutcome(folder, diagnostics, hashes, key, parsed=store.parsed,
                          plans=sum(len(org.plans) for org in repo.orgs.values()))
    if found.errors:
        return outcome  # the build is refused: nothing to render
    jobs = report_jobs(repo)
    outcome.jobs = [(job.org.id, job.plan.plan, job.report_id, job.spec) for job in jobs]
    outcome.summary = index_summary(jobs).get(folder)
    layout.keys[folder] = key
    outcome.report_keys = report_keys(jobs, layout, everything, per_report=True)
    out_dir: Path = state["out_dir"]
    manifest: dict[str, Any] = state["manifest"]
    old_outputs: dict[str, Any] = manifest.get("outputs", {})
    for job in jobs:
        if up_to_date_report(out_dir, job.out_base, outcome.report_keys[job.out_base], state["formats"], manifest):
            continue
        outcome.rendered += 1
        try:
            contents = render_outputs(repo, job, state["formats"], state["env"])
        except InvalidInput as exc:
            outcome.problems += exc.diagnostics.problems()
            continue
        outcome.entries += [
            _write_if_changed(out_dir, f"{job.out_base}.{ext}", content, old_outputs, state["staging"])
            for ext, content in contents.items()
        ]
    return outcome


def run_tasks(folders: list[str], jobs: int, step: Step | None) -> list[PlanOutcome]:
    """Every folder's task: in forked workers when there are several and ``jobs`` allows, else here."""
    import multiprocessing

    import avr.render.incremental as incremental

    outcomes: list[PlanOutcome] = []
    files = sum(len(_STATE["layout"].members[f]) for f in folders)
    if jobs > 1 and len(folders) > 1 and files >= incremental.PARALLEL_MIN_FILES and (
            "fork" in multiprocessing.get_all_start_methods()):
        import gc

        # the biggest first, so that the last task to finish is a small one
        ordered = sorted(folders, key=lambda f: -len(_STATE["layout"].members[f]))
        gc.freeze()  # a worker's collector then leaves the inherited objects (and their pages) alone
        try:
            with multiprocessing.get_context("fork").Pool(min(jobs, len(folders)), maxtasksperchild=1) as pool:
                for done, outcome in enumerate(pool.imap_unordered(plan_task, ordered), start=1):
                    outcomes.append(outcome)
                    if step:
                        step("render", done, len(folders))
        finally:
            gc.unfreeze()
        return outcomes
    for done, folder in enumerate(folders, start=1):
        outcomes.append(plan_task(folder))
        if step:
            step("render", done, len(folders))
    return outcomes


def undo_output_folder(out_dir: Path, created: bool, had_marker: bool) -> None:
    """A refused build leaves the output folder as it found it: absent, or without avr's marker and cache."""
    from avr.render.output import LOCK, MARKER

    if created:
        shutil.rmtree(out_dir, ignore_errors=True)
    elif not had_marker:
        shutil.rmtree(out_dir / CACHE_DIR, ignore_errors=True)
        for name in (MARKER, LOCK):
            (out_dir / name).unlink(missing_ok=True)


def build_by_plan(run: Run, partial: tuple[dict[str, str], Layout, frozenset[str]] | None) -> BuildResult:
    """The build of render/incremental.py, plan folder by plan folder (with avr's own templates)."""
    from avr.findings import repository_findings
    from avr.model.repository import PlanData, load_repository
    from avr.render.build import MARKER, ReportJob, report_env, site_pages
    from avr.render.output import output_folder

    root, out_dir, files, manifest, formats, jobs = run.root, run.out_dir, run.files, run.manifest, run.formats, run.jobs
    old_info: dict[str, Any] = manifest.get("info", {})
    if partial is not None:
        hashes, layout, unchanged = partial
    else:
        hashes, layout = layout_outside(root, run.raw, files, manifest, formats)
        unchanged = frozenset()
    every_folder = frozenset(layout.keys) | frozenset(layout.members)
    store = DocStore(root, out_dir / CACHE_DIR, 1)
    main = load_repository(root, strict=False, preload=store.load_all, skip=every_folder)
    outer = repository_findings(main).problems()
    load = sorted(every_folder - unchanged)
    created, had_marker = not out_dir.exists(), (out_dir / MARKER).is_file()
    old_outputs: dict[str, Any] = manifest.get("outputs", {})
    try:
        with output_folder(out_dir):
            store.flush()
            env = report_env(main)
            if jobs > 1 and len(load) > 1:  # compile once, here, not in every worker
                for name in env.list_templates(filter_func=lambda n: n.endswith((".md.j2", ".html.j2"))):
                    env.get_template(name)
            staging = run.staging()
            _STATE.update(real_root=root.resolve(), limit=max_file_bytes(run.raw))
            _STATE.update(root=root, layout=layout, folders=every_folder, cache_dir=out_dir / CACHE_DIR,
                          parse_jobs=jobs if len(load) == 1 else 1, hashes=hashes, out_dir=out_dir,
                          formats=formats, manifest=manifest, env=env, staging=staging)
            try:
                outcomes = {o.folder: o for o in run_tasks(load, jobs, run.step)}
                if unchanged and any(o.summary != old_info[o.folder][0] for o in outcomes.values()):
                    # the index lists every plan: a changed entry needs every plan's list (their reports stay)
                    for folder in unchanged:
                        layout.members[folder] = sorted(r for r in hashes if r.startswith(folder + "/"))
                    outcomes.update((o.folder, o) for o in run_tasks(sorted(unchanged), jobs, run.step))
                    unchanged = frozenset()
                kept = [item for folder in sorted(unchanged) for item in old_info[folder][1]]
                diagnostics = Diagnostics.of(run.with_refused(
                    outer + [item for o in outcomes.values() for item in o.diagnostics] + kept))
                run.refuse(diagnostics)
                problems = [item for o in outcomes.values() for item in o.problems]
                if problems:
                    raise InvalidInput(Diagnostics.of(problems))
                site_jobs: list[Any] = []
                pages: dict[str, str] = {}
                if not unchanged:  # every plan's report list is at hand, in the order of a whole load
                    order = {org_id: index for index, org_id in enumerate(main.orgs)}
                    listed = sorted((o for o in outcomes.values() if o.jobs),
                                    key=lambda o: (order.get(o.jobs[0][0], len(order)), o.folder))
                    site_jobs = [ReportJob(main.orgs[org_id], PlanData(org_id, plan, o.folder), report_id, spec)
                                 for o in listed for org_id, plan, report_id, spec in o.jobs]
                    pages = site_pages(main, site_jobs, formats, env)
                entries = [entry for o in outcomes.values() for entry in o.entries]
                entries += [_write_if_changed(out_dir, name, page, old_outputs, staging) for name, page in pages.items()]
                written = run.publish(staging, entries)
            finally:
                _STATE.clear()
                shutil.rmtree(staging, ignore_errors=True)
            run.lap("read+check+render")
            for o in outcomes.values():
                hashes.update(o.hashes)
                layout.keys[o.folder] = o.key
            new_entries = {entry[0]: entry[1:4] for entry in entries}
            report_keys = {base: key for o in outcomes.values() for base, key in o.report_keys.items()}
            if unchanged:  # the same reports as last time: the kept plans' entries as they were
                outputs = {rel: new_entries.get(rel, value) for rel, value in old_outputs.items()}
                reports = {base: report_keys.get(base, key) for base, key in manifest.get("reports", {}).items()}
            else:
                rels = [f"{job.out_base}.{ext}" for job in site_jobs for ext in formats] + list(pages)
                outputs = {rel: new_entries.get(rel, old_outputs.get(rel)) for rel in rels}
                reports = report_keys
            info = {folder: old_info[folder] for folder in unchanged}
            for o in outcomes.values():
                info[o.folder] = (o.summary, o.diagnostics)
            run.save({"hashes": hashes, "reports": reports, "outputs": outputs, "info": info}, layout, diagnostics)
    except InvalidInput:
        undo_output_folder(out_dir, created, had_marker)
        raise
    run.lap("write")
    return BuildResult(
        [out_dir / rel for rel in outputs], diagnostics, written,
        sum(o.rendered for o in outcomes.values()), store.parsed + sum(o.parsed for o in outcomes.values()),
        False, run.seconds, out_dir, sum(o.plans for o in outcomes.values()), configured_ignore(run.raw),
    )
