"""What each plan folder and each report depends on: keys over the content hashes of their input files.

The incremental build (render/incremental.py, render/byplan.py) compares these keys with the last build's
(kept in the manifest) to decide which plans to read and which reports to render; see incremental.py's
docstring for the rules.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from avr.compute.periods import known_at
from avr.compute.status import read_later
from avr.errors import Problem
from avr.load.cache import file_hash
from avr.load.inputs import RefusedFile, read_regular
from avr.load.yamlfile import Limits
from avr.render.incremental import Stat, _outputs_intact, _rel, _stat_of, _str, _version, max_file_bytes


def hashes_of(
    root: Path, files: dict[str, Stat], manifest: dict[str, Any], known: dict[str, str], limit: int
) -> dict[str, str]:
    """Content hash of every input, reading only files whose stat changed and that the loader did not read.

    Only regular files inside the repository of at most ``limit`` bytes are read (the scan refused the others;
    one swapped since is "unreadable")."""
    real_root = Path(os.path.realpath(root))
    old_files: dict[str, Stat] = manifest.get("files", {})
    old_hashes: dict[str, str] = manifest.get("hashes", {})
    hashes: dict[str, str] = {}
    for rel, st in files.items():
        if old_files.get(rel) == st and rel in old_hashes:
            hashes[rel] = old_hashes[rel]
            continue
        if rel in known:
            hashes[rel] = known[rel]
            continue
        path = Path(rel) if Path(rel).is_absolute() else root / rel
        try:
            hashes[rel] = file_hash(path.read_bytes() if Path(rel).is_absolute() else read_regular(path, real_root, limit))
        except (OSError, RefusedFile):
            hashes[rel] = "unreadable"
    return hashes


def content_key(items: list[str]) -> str:
    return hashlib.blake2b("\n".join(items).encode(), digest_size=16).hexdigest()


@dataclass
class Layout:
    """Inputs sorted into plan folders (<plans_dir>/<org>/<plan>) and everything else ("outer")."""

    prefix: str  # "plans/"
    global_prefixes: tuple[str, ...]  # never in a plan folder: avr's own templates, templates_dir
    members: dict[str, list[str]]  # plan folder -> its files, sorted (every folder, or the ones a rebuild reads)
    global_key: str  # avr's version, formats, avr.yaml, templates: what every report depends on
    outer_key: str  # global_key, every file under plans_dir outside a plan folder, and the list of plan folders
    keys: dict[str, str]  # plan folder -> key over every file in it and its organisation.yaml

    def is_global(self, rel: str) -> bool:
        return not rel.startswith(self.prefix) or rel.startswith(self.global_prefixes)

    def folder_of(self, rel: str) -> str | None:
        if self.is_global(rel):
            return None
        parts = rel[len(self.prefix):].split("/")
        return self.prefix + "/".join(parts[:2]) if len(parts) >= 3 else None

    def plan_key(self, folder: str, rels: list[str], hashes: dict[str, str]) -> str:
        org_file = folder.rsplit("/", 1)[0] + "/organisation.yaml"
        return content_key([self.global_key, hashes.get(org_file, ""), *(f"{r}\0{hashes[r]}" for r in rels)])


def prefixes(root: Path, raw: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    plans_rel = _rel(root / (_str(raw, "plans_dir", "plans") or "plans"), root).rstrip("/")
    templates = _str(raw, "templates_dir", None)
    # with plans_dir `.` the plans folder holds everything: templates (and absolute paths) stay global
    global_prefixes = ("/", _rel(root / templates, root).rstrip("/") + "/") if templates else ("/",)
    return ("" if plans_rel in ("", ".") else plans_rel + "/"), global_prefixes


def split(root: Path, raw: dict[str, Any], rels: Iterable[str]) -> tuple[Layout, list[str]]:
    """A layout with every plan folder's members (sorted), and the files outside plan folders (sorted)."""
    layout = Layout(*prefixes(root, raw), {}, "", "", {})
    outside: list[str] = []
    for rel in sorted(rels):
        folder = layout.folder_of(rel)
        if folder is None:
            outside.append(rel)
        else:
            layout.members.setdefault(folder, []).append(rel)
    return layout, outside


def outer_keys(layout: Layout, outside: list[str], hashes: dict[str, str], formats: tuple[str, ...]) -> None:
    global_items = [repr(_version(formats)), hashes.get("avr.yaml", "")]
    global_items += [f"{rel}\0{hashes[rel]}" for rel in outside if layout.is_global(rel)]
    layout.global_key = content_key(global_items)
    outer = [f"{rel}\0{hashes[rel]}" for rel in outside if not layout.is_global(rel)]
    layout.outer_key = content_key([layout.global_key, *outer, *sorted(layout.members)])


def whole_layout(root: Path, raw: dict[str, Any], hashes: dict[str, str], formats: tuple[str, ...]) -> Layout:
    """The whole layout, every plan folder's key included."""
    layout, outside = split(root, raw, hashes)
    outer_keys(layout, outside, hashes, formats)
    for folder, rels in layout.members.items():
        layout.keys[folder] = layout.plan_key(folder, rels, hashes)
    return layout


def report_keys(
    jobs: list[Any], layout: Layout, hashes: dict[str, str], per_report: bool
) -> dict[str, str]:
    """A key per report over exactly what it is computed from, so one change re-renders only what it affects.

    With avr's own templates a report of period P reads only data of periods ending on or before P ends
    (avr.compute.periods): the follow-ups of those periods in full (statuses carry forward, outcomes), and of
    the files filed by period (outcome entries, control results, audit follow-ups) those of such periods;
    every other file of the plan folder counts in full. A later period's files never change P's key. The plan
    document (no period) reads of the follow-ups only their periods and indicator outcomes. A repository's own
    templates may read anything in the plan: then every report of a plan depends on every file of it.
    """
    keys: dict[str, str] = {}
    by_plan: dict[str, list[Any]] = {}
    for job in jobs:
        by_plan.setdefault(job.plan.path, []).append(job)
    for folder, plan_jobs in by_plan.items():
        plan_key = layout.keys.get(folder, "")
        if not per_report:
            for job in plan_jobs:
                keys[job.out_base] = content_key([plan_key, job.report_id, repr(job.spec)])
            continue
        data = plan_jobs[0].plan
        periods = plan_jobs[0].org.periods
        org_file = folder.rsplit("/", 1)[0] + "/organisation.yaml"
        followup_periods: set[str] = set()
        outcomes: list[str] = []
        dated: dict[str, str] = {}  # a file filed by period (follow-up, outcome entry, …) -> its period
        earlier: dict[str, str] = {}  # a follow-up file -> what a later period's report reads of it
        for fu in data.followups:
            path = data.docs[id(fu)].path
            dated[path] = fu.period
            earlier[path] = repr(read_later(fu))
            followup_periods.add(fu.period)
            outcomes.append(f"{path}\0{fu.period}\0{fu.outcomes!r}")
        followup_files = set(dated)
        for model in [*data.outcomes, *data.interim.control_results, *data.interim.audit_followups]:
            doc = data.docs.get(id(model))
            if doc is not None:
                dated[doc.path] = model.period
        members = layout.members.get(folder, [])
        common = [layout.global_key, hashes.get(org_file, ""), *(f"{rel}\0{hashes[rel]}" for rel in members
                                                                  if rel not in dated)]
        # the plan document: of the follow-ups their periods and outcomes, every other file in full
        plan_doc = [*common, *outcomes, repr(sorted(followup_periods)),
                    *(f"{rel}\0{hashes[rel]}" for rel in members if rel in dated and rel not in followup_files)]
        for job in plan_jobs:
            if job.spec.period is None:
                keys[job.out_base] = content_key([*plan_doc, job.report_id, repr(job.spec)])
                continue
            period = periods.get(job.spec.period)
            read = sorted(rel for rel, p in dated.items() if period is None or known_at(periods, p, period))
            keys[job.out_base] = content_key([
                *common, job.report_id, repr(job.spec),
                *(f"{rel}\0{hashes.get(rel, '')}" if dated[rel] == job.spec.period or rel not in earlier
                  else f"{rel}\0{earlier[rel]}" for rel in read)])
    return keys


def index_summary(jobs: list[Any]) -> dict[str, Any]:
    """Per plan folder, what the site's index shows of it: a change here means the index is built again."""
    out: dict[str, Any] = {}
    for job in jobs:
        plan = job.plan.plan
        entry = out.setdefault(job.plan.path, [repr((job.org.id, plan.id, plan.title, plan.years_label))])
        entry.append(repr((job.out_base, job.spec)))
    return out


def by_folder(layout: Layout, diagnostics: list[Problem]) -> dict[str, list[Problem]]:
    grouped: dict[str, list[Problem]] = {}
    for item in diagnostics:
        folder = layout.folder_of(item[0])
        if folder is not None:
            grouped.setdefault(folder, []).append(item)
    return grouped


def by_plan_allowed(raw: dict[str, Any], files: dict[str, Stat]) -> bool:
    """Whether the build may go plan folder by plan folder (render/byplan.py).

    Not with a repository's own templates (they may show anything of any plan on any page), nor near the file
    limit: every file counts towards it (E011), and only a whole load knows where it stops.
    """
    if _str(raw, "templates_dir", None):
        return False
    limits = raw.get("limits", {})
    max_files = limits.get("max_files", str(Limits().max_files)) if isinstance(limits, dict) else None
    return isinstance(max_files, str) and max_files.isdigit() and len(files) + 1 < int(max_files)


def layout_outside(
    root: Path, raw: dict[str, Any], files: dict[str, Stat], manifest: dict[str, Any], formats: tuple[str, ...]
) -> tuple[dict[str, str], Layout]:
    """The layout without the plan folders' keys (left to whoever reads them), and the hashes of every file
    outside the plan folders and of those the stat vouches for."""
    layout, outside = split(root, raw, files)
    old_files: dict[str, Stat] = manifest.get("files", {})
    old_hashes: dict[str, str] = manifest.get("hashes", {})
    hashes = {rel: old_hashes[rel] for rel, st in files.items() if rel in old_hashes and old_files.get(rel) == st}
    hashes.update(hashes_of(root, {rel: files[rel] for rel in outside}, manifest, {}, max_file_bytes(raw)))
    outer_keys(layout, outside, hashes, formats)
    return hashes, layout


def changed_plans(
    root: Path, raw: dict[str, Any], out_dir: Path, files: dict[str, Stat], manifest: dict[str, Any],
    formats: tuple[str, ...],
) -> tuple[dict[str, str], Layout, frozenset[str]] | None:
    """When only plan folders changed: hashes, layout and the unchanged plan folders not to read at all.

    None when every plan folder must be read: no usable manifest, a changed avr.yaml, template, organisation
    file or set of plan folders, or touched site pages.
    """
    if not manifest:
        return None
    old_outputs: dict[str, Any] = manifest["outputs"]
    if not _outputs_intact(out_dir, {rel: v for rel, v in old_outputs.items() if "/" not in rel}):
        return None  # the site's own pages
    hashes = hashes_of(root, files, manifest, {}, max_file_bytes(raw))
    old_files: dict[str, Stat] = manifest["files"]
    changed = [rel for rel, st in files.items() if old_files.get(rel) != st]
    changed += [rel for rel in old_files if rel not in files]
    old_keys: dict[str, str] = manifest.get("plans", {})
    layout = Layout(*prefixes(root, raw), {}, manifest["global"], manifest["outer"], dict(old_keys))
    # a report's output is <org>/<plan>/<report>.<ext>, from the plan folder <plans_dir>/<org>/<plan>
    touched = {layout.prefix + "/".join(rel.split("/")[:2]) for rel, (_, size, mtime) in old_outputs.items()
               if "/" in rel and _stat_of(out_dir / rel) != (size, mtime)}
    folders = [layout.folder_of(rel) for rel in changed]
    dirty = {folder for folder in folders if folder is not None}
    if None in folders or len(dirty | touched) > 8:  # outside plan folders, or many: work it all out
        layout = whole_layout(root, raw, hashes, formats)
        if layout.outer_key != manifest["outer"]:
            return None
    else:  # only these plan folders can have changed: the other keys stand
        for folder in dirty | touched:
            start = folder + "/"
            rels = sorted(rel for rel in hashes if rel.startswith(start))
            if not rels or folder not in old_keys:
                return None  # a plan folder added or removed: the list of plans changes
            layout.members[folder] = rels
            layout.keys[folder] = layout.plan_key(folder, rels, hashes)
    unchanged = frozenset(folder for folder, key in layout.keys.items()
                          if old_keys.get(folder) == key and folder not in touched)
    return hashes, layout, unchanged
