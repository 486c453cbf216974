"""What each plan folder and each report depends on: keys over the content hashes of their input files.

The engine (avr/build/engine.py) compares them with the last build's, kept in the manifest, to decide which
plan folders to read and which reports to render.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from avr.build.scan import Folders, Stat, rel_path
from avr.errors import Problem
from avr.load.checked import file_hash
from avr.load.inputs import RefusedFile, read_regular
from avr.load.layout import organisation_file, plan_folder_of

if TYPE_CHECKING:
    from avr.render.build import ReportJob


def content_key(items: list[str]) -> str:
    return hashlib.blake2b("\n".join(items).encode(), digest_size=16).hexdigest()


def hashes_of(root: Path, files: dict[str, Stat], old_files: dict[str, Stat], old_hashes: dict[str, str],
              limit: int) -> dict[str, str]:
    """Content hash of every input, reading only files whose stat changed since the last build.

    Only regular files inside the repository of at most ``limit`` bytes are read (the scan refused the others;
    one swapped since is "unreadable")."""
    real_root = Path(os.path.realpath(root))
    hashes: dict[str, str] = {}
    for rel, st in files.items():
        if old_files.get(rel) == st and rel in old_hashes:
            hashes[rel] = old_hashes[rel]
            continue
        absolute = Path(rel).is_absolute()  # avr's own templates
        path = Path(rel) if absolute else root / rel
        try:
            hashes[rel] = file_hash(path.read_bytes() if absolute else read_regular(path, real_root, limit))
        except (OSError, RefusedFile):
            hashes[rel] = "unreadable"
    return hashes


@dataclass
class Layout:
    """Inputs sorted into plan folders (<plans_dir>/<org>/<plan>) and everything else ("outer")."""

    prefix: str  # "plans/"
    global_prefixes: tuple[str, ...]  # never in a plan folder: avr's own templates, templates_dir
    members: dict[str, list[str]] = field(default_factory=dict)  # plan folder -> its files, sorted
    outside: list[str] = field(default_factory=list)  # files outside plan folders, sorted
    global_key: str = ""  # avr's version, formats, avr.yaml, templates: what every report depends on
    outer_key: str = ""  # global_key, every file under plans_dir outside a plan folder, the list of plan folders
    keys: dict[str, str] = field(default_factory=dict)  # plan folder -> key over its files and organisation

    @classmethod
    def of(cls, folders: Folders, root: Path, rels: list[str]) -> Layout:
        plans = rel_path(root / folders.plans, root).rstrip("/")
        # with plans_dir `.` the plans folder holds everything: templates (and absolute paths) stay global
        templates = ("/", rel_path(root / folders.templates, root).rstrip("/") + "/") if folders.templates else ("/",)
        layout = cls("" if plans in ("", ".") else plans + "/", templates)
        for rel in sorted(rels):
            folder = layout.folder_of(rel)
            if folder is None:
                layout.outside.append(rel)
            else:
                layout.members.setdefault(folder, []).append(rel)
        return layout

    def is_global(self, rel: str) -> bool:
        return not rel.startswith(self.prefix) or rel.startswith(self.global_prefixes)

    def folder_of(self, rel: str) -> str | None:
        return None if self.is_global(rel) else plan_folder_of(rel, self.prefix)

    def plan_key(self, folder: str, hashes: dict[str, str]) -> str:
        return content_key([self.global_key, hashes.get(organisation_file(folder), ""),
                            *(f"{r}\0{hashes[r]}" for r in self.members[folder])])

    def outer_keys(self, hashes: dict[str, str], version: str) -> None:
        items = [version, hashes.get("avr.yaml", "")]
        self.global_key = content_key(items + [f"{rel}\0{hashes[rel]}" for rel in self.outside if self.is_global(rel)])
        outer = [f"{rel}\0{hashes[rel]}" for rel in self.outside if not self.is_global(rel)]
        self.outer_key = content_key([self.global_key, *outer, *sorted(self.members)])

    def by_folder(self, diagnostics: list[Problem]) -> dict[str, list[Problem]]:
        grouped: dict[str, list[Problem]] = {}
        for item in diagnostics:
            folder = self.folder_of(item[0])
            if folder is not None:
                grouped.setdefault(folder, []).append(item)
        return grouped


def report_keys(jobs: list[ReportJob], layout: Layout, hashes: dict[str, str], own_templates: bool) -> dict[str, str]:
    """A key per report over exactly what it is computed from, so one change re-renders only what it affects.

    With avr's own templates a report reads every file of its plan folder but those filed by period, and of
    these what :func:`avr.compute.results.period_reads` says. A repository's own templates may read anything
    of the plan: then every report of a plan depends on every file of it.
    """
    from avr.compute.results import period_reads

    keys: dict[str, str] = {}
    if own_templates:
        return {job.out_base: content_key([layout.keys[job.plan.path], job.report_id, repr(job.spec)]) for job in jobs}
    by_plan: dict[str, list[ReportJob]] = {}
    for job in jobs:
        by_plan.setdefault(job.plan.path, []).append(job)
    for folder, plan_jobs in by_plan.items():
        data, periods = plan_jobs[0].plan, plan_jobs[0].org.periods
        models = [*data.followups, *data.outcomes, *data.interim.control_results, *data.interim.audit_followups]
        dated = {id(model): data.docs[id(model)].path for model in models if id(model) in data.docs}
        dated_files = set(dated.values())
        common = [layout.global_key, hashes.get(organisation_file(folder), ""),
                  *(f"{rel}\0{hashes[rel]}" for rel in layout.members.get(folder, []) if rel not in dated_files)]
        for job in plan_jobs:
            reads = period_reads(data, periods, job.spec.period)
            parts = sorted(f"{dated[model]}\0{hashes.get(dated[model], '') if part is None else part}"
                           for model, part in reads.items() if model in dated)
            keys[job.out_base] = content_key([*common, job.report_id, repr(job.spec), *parts])
    return keys


def index_summary(jobs: list[ReportJob]) -> dict[str, Any]:
    """Per plan folder, what the site's index shows of it: a change here means the index is built again."""
    out: dict[str, Any] = {}
    for job in jobs:
        plan = job.plan.plan
        entry = out.setdefault(job.plan.path, [repr((job.org.id, plan.id, plan.title, plan.years_label))])
        entry.append(repr((job.out_base, job.spec)))
    return out
