"""`avr build`: only reports whose inputs changed are read, rendered and written (see avr/build/__init__.py).

The manifest under ``<out>/.avr-cache/`` records the stat and content hash of every input, the keys of the
plan folders and reports, each output's hash and stat, and per plan folder its diagnostics and what the
site's index shows of it:

* nothing changed (same files, same stat, outputs untouched): the last diagnostics are printed and nothing is
  read, imported or written; avr.yaml is not validated either: while its stat is the one recorded, the folders
  the last build took from the validated config (kept in the manifest) are still its folders;
* only files inside plan folders changed: only those folders are read and checked (checks never cross plan
  folders), the others' diagnostics are taken from the manifest; if what the index shows of a changed plan
  differs, every plan folder is read;
* otherwise every plan folder is read.

Either way only reports whose key changed, or whose outputs were touched, are rendered, and a rendered file
identical to the one on disk is not rewritten.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from avr import __version__
from avr.build.scan import CACHE_DIR, Folders, Output, Stat, inputs, refused_problems
from avr.errors import Diagnostics, InvalidInput, Problem
from avr.i18n import current as current_language
from avr.load.checked import read_checked, recent, write_checked
from avr.load.inputs import Refusal
from avr.load.layout import CONFIG_FILE, OUTPUT_DIR, peek

if TYPE_CHECKING:  # the no-op check imports this module: what only a build needs is imported when it runs
    from avr.build.keys import Layout
    from avr.build.tasks import Step
    from avr.model.repository import ConfigFile

MANIFEST_FORMAT = 5  # 5: the folders of the validated avr.yaml kept; 4: one store format, diagnostics kept once


@dataclass
class Manifest:
    """What a build records for the next one (``<out>/.avr-cache/manifest``)."""

    files: dict[str, Stat]  # every input's stat; a file saved just before the build has size -1
    hashes: dict[str, str]  # every input's content hash
    global_key: str  # what every report depends on (Layout.global_key)
    outer_key: str  # what the plans folder holds outside plan folders (Layout.outer_key)
    plans: dict[str, str]  # plan folder -> key
    reports: dict[str, str]  # report (org/plan/report) -> key
    outputs: dict[str, Output]  # every file the build published, in the site's order
    info: dict[str, tuple[Any, list[Problem]]]  # plan folder -> (what the index shows of it, its diagnostics)
    outer: list[Problem]  # the diagnostics of files outside plan folders (and of refused inputs)
    folders: tuple[Any, ...]  # Folders.stored() of the validated avr.yaml whose stat `files` records

    def diagnostics(self) -> Diagnostics:
        return Diagnostics.of([*self.outer, *(item for _, found in self.info.values() for item in found)])

    @staticmethod
    def path(out_dir: Path) -> Path:
        return out_dir / CACHE_DIR / "manifest.marshal"

    @staticmethod
    def version(formats: tuple[str, ...]) -> tuple[Any, ...]:
        return (__version__, MANIFEST_FORMAT, formats, current_language())  # the kept findings are in that language

    @classmethod
    def read(cls, out_dir: Path, formats: tuple[str, ...]) -> Manifest | None:
        """The last build's manifest, or None when missing, damaged or of another avr version or formats."""
        data = read_checked(cls.path(out_dir), cls.version(formats))
        return cls(*data) if isinstance(data, tuple) and len(data) == len(_FIELDS) else None

    def write(self, out_dir: Path, formats: tuple[str, ...]) -> None:
        write_checked(self.path(out_dir), self.version(formats), tuple(getattr(self, f) for f in _FIELDS))
        Unchanged(files_digest(self.files), self.files.get(CONFIG_FILE), self.folders, self.outputs,
                  self.diagnostics().problems()).write(out_dir, formats)

    def outputs_intact(self, out_dir: Path, rels: Iterable[str] | None = None) -> bool:
        return outputs_intact(self.outputs, out_dir, rels)


_FIELDS = ("files", "hashes", "global_key", "outer_key", "plans", "reports", "outputs", "info", "outer", "folders")


@dataclass
class Unchanged:
    """The part of the manifest a no-op check reads (``<out>/.avr-cache/unchanged.marshal``): a digest of
    the inputs' stats instead of the stats, and what a no-op prints; a fiftieth of the whole at 50k files."""

    digest: bytes  # files_digest of the manifest's files
    config: Stat | None  # avr.yaml's stat as recorded
    folders: tuple[Any, ...]  # Folders.stored() of the validated avr.yaml
    outputs: dict[str, Output]
    diagnostics: list[Problem]

    @staticmethod
    def path(out_dir: Path) -> Path:
        return out_dir / CACHE_DIR / "unchanged.marshal"

    @classmethod
    def read(cls, out_dir: Path, formats: tuple[str, ...]) -> Unchanged | None:
        data = read_checked(cls.path(out_dir), Manifest.version(formats))
        return cls(*data) if isinstance(data, tuple) and len(data) == 5 else None

    def write(self, out_dir: Path, formats: tuple[str, ...]) -> None:
        write_checked(self.path(out_dir), Manifest.version(formats),
                      (self.digest, self.config, self.folders, self.outputs, self.diagnostics))


def files_digest(files: dict[str, Stat]) -> bytes:
    """A digest of every input's path and stat, in the scan's order (the same folders list in the same
    order): a folder listed in another order only costs a build that finds nothing to do. Marshal version 2:
    later versions share repeated objects by reference, so equal dicts could give different bytes."""
    return hashlib.blake2b(marshal.dumps(files, 2), digest_size=16).digest()


def outputs_intact(outputs: dict[str, Output], out_dir: Path, rels: Iterable[str] | None = None) -> bool:
    """Every output (or those of ``rels``) as the last build left it: same size and mtime."""
    for rel in outputs if rels is None else rels:
        _, size, mtime = outputs[rel]
        try:
            st = (out_dir / rel).stat()
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns) != (size, mtime):
            return False
    return True


@dataclass
class BuildResult:
    outputs: list[Path]
    diagnostics: Diagnostics
    written: list[Path] = field(default_factory=list)
    rendered_reports: int = 0
    parsed_files: int = 0
    noop: bool = False
    seconds: dict[str, float] = field(default_factory=dict)
    out_dir: Path = Path()
    plans_read: int = 0  # plans loaded and checked in this run (unchanged ones are skipped when possible)
    ignore: frozenset[str] = frozenset()  # warning codes avr.yaml's `ignore` silences

    def shown(self, ignore: Iterable[str] = ()) -> Diagnostics:
        """The diagnostics to print: without the warnings avr.yaml or the command line ignores."""
        return self.diagnostics.without(self.ignore | frozenset(ignore))


@dataclass
class Scanned:
    """What the no-op check found: the last build's result when nothing changed, else what a build starts from."""

    result: BuildResult | None
    out_dir: Path
    files: dict[str, Stat]
    manifest: Manifest | None
    folders: Folders
    refused: dict[str, Refusal]  # inputs not to read (load/inputs.py)
    key: tuple[Path, Path | None, tuple[str, ...]]  # the build it was made for: root, --out, formats
    taken: float  # wall clock when the stats were taken: files saved shortly before are not trusted (recent)
    seconds: float = 0.0


def output_dir(root: Path, out: Path | None, output: str) -> Path:
    """Where a build writes: ``--out``, else avr.yaml's ``output_dir`` (``output``), as an absolute path."""
    out_dir = out if out is not None else root / output
    return out_dir if out_dir.is_absolute() else Path.cwd() / out_dir


def up_to_date(root: Path, out: Path | None, formats: tuple[str, ...], folders: Folders | None = None) -> Scanned | None:
    """The no-op check of `avr build` (the fast path's and build's): the same files with the same stat as the
    last build recorded (files saved just before a build are recorded so that they never match) and every
    output as that build left it. It reads only the manifest's small part (:class:`Unchanged`); the whole
    manifest is read when something changed, for the build that follows.

    ``folders`` are those of the validated avr.yaml. Without them (the fast path, before pydantic is imported)
    the record is looked for where avr.yaml's ``output_dir`` line points, and the folders it holds are
    taken while avr.yaml's stat is the one recorded with them; else None: only a build can tell.
    """
    start = time.perf_counter()
    collecting = gc.isenabled()
    gc.disable()  # many new tuples and no cycles: the collector would only walk them, over and over
    try:
        looked = folders.output if folders is not None else peek(root / CONFIG_FILE, "output_dir") or OUTPUT_DIR
        out_dir = output_dir(root, out, looked)
        record = Unchanged.read(out_dir, formats)
        if folders is None:
            try:
                st = (root / CONFIG_FILE).stat()
            except OSError:
                return None
            folders = Folders.from_stored(record.folders) if record is not None else None
            if (record is None or folders is None or record.config != (st.st_size, st.st_mtime_ns)
                    or output_dir(root, out, folders.output) != out_dir):
                return None
        refused: dict[str, Refusal] = {}
        taken = time.time()
        files = inputs(root, folders, out_dir, refused)
        result = manifest = None
        if (record is not None and not refused and record.digest == files_digest(files)
                and outputs_intact(record.outputs, out_dir)):
            result = BuildResult([out_dir / rel for rel in record.outputs], Diagnostics.of(record.diagnostics),
                                 noop=True, out_dir=out_dir, ignore=folders.ignore)
        else:
            manifest = Manifest.read(out_dir, formats)
    finally:
        if collecting:
            gc.enable()
    return Scanned(result, out_dir, files, manifest, folders, refused, (root, out, formats), taken,
                   time.perf_counter() - start)


def build(
    root: Path,
    out: Path | None = None,
    *,
    jobs: int = 1,
    formats: tuple[str, ...] = ("md", "html", "json"),
    step: Step | None = None,
    clean: bool = False,
    strict: bool = False,
    ignore: Iterable[str] = (),
    scanned: Scanned | None = None,
) -> BuildResult:
    """Build every report of the repository at ``root`` into ``out`` (default: its output_dir).

    avr.yaml is read and validated here, once, and handed to every load of the build. ``scanned`` is a no-op
    check already made for this build (avr.fastpath's): the repository is then not walked again. A build with
    errors is refused (InvalidInput), and with ``strict`` one with warnings too, less the warnings of the codes
    ``ignore`` and avr.yaml's `ignore` name; the result keeps every diagnostic.
    """
    from avr.model.repository import read_config

    clock = time.perf_counter()
    config = read_config(root)
    folders = Folders.of(config.config)
    if scanned is None or scanned.key != (root, out, formats) or scanned.folders != folders:
        scanned = up_to_date(root, out, formats, folders)
        assert scanned is not None
    if scanned.result is not None:
        if not clean:
            scanned.result.seconds = {"scan": scanned.seconds + time.perf_counter() - clock}
            return scanned.result
        scanned.manifest = Manifest.read(scanned.out_dir, formats)  # what --clean removes is what it lists
    return Engine(root, config, scanned, jobs, formats, step, clean, strict, folders.ignore | frozenset(ignore)).run()


@dataclass
class Engine:
    """One build past its no-op check."""

    root: Path
    config: ConfigFile  # avr.yaml, validated
    scanned: Scanned
    jobs: int
    formats: tuple[str, ...]
    step: Step | None
    clean: bool
    strict: bool
    ignore: frozenset[str]  # warning codes that count for nothing (avr.yaml's and the option's)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage, for benchmarks and tests
    clock: float = field(default_factory=time.perf_counter)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self.clock
        self.clock = now

    def refuse(self, diagnostics: Diagnostics) -> None:
        """Raise InvalidInput when the build may not go on: an error, or with --strict a warning not ignored."""
        shown = diagnostics.without(self.ignore)
        if shown.fails(self.strict):
            raise InvalidInput(shown, self.strict)

    def run(self) -> BuildResult:
        from avr.build.output import MARKER, guard, output_folder, undo_output_folder

        scanned = self.scanned
        out_dir = scanned.out_dir
        guard(out_dir, self.root)  # before the cache in it is read or written
        self.seconds["scan"] = scanned.seconds
        created, had_marker = not out_dir.exists(), (out_dir / MARKER).is_file()
        try:
            with output_folder(out_dir):
                return self.run_locked()
        except InvalidInput:
            undo_output_folder(out_dir, created, had_marker)
            raise

    def plan(self) -> tuple[Layout, dict[str, str], list[tuple[str, ...]], frozenset[str]]:
        """The layout with its outer keys, the hashes known before any plan folder is read, the groups of plan
        folders to read (one task each) and the plan folders not to read at all."""
        from avr.build.keys import Layout, hashes_of

        scanned, folders = self.scanned, self.scanned.folders
        files, old = scanned.files, scanned.manifest
        layout = Layout.of(folders, self.root, list(files))
        old_files = old.files if old is not None else {}
        old_hashes = old.hashes if old is not None else {}
        own_templates = folders.templates is not None  # the index may show anything of any plan: read them all
        # every file counts towards the file limit (E011): near it, only a whole load knows where it stops
        whole = len(files) + 1 >= folders.max_files
        hashes = {rel: old_hashes[rel] for rel, st in files.items() if rel in old_hashes and old_files.get(rel) == st}
        hashes.update(hashes_of(self.root, {rel: files[rel] for rel in layout.outside}, old_files, old_hashes,
                                folders.max_file_bytes))
        layout.outer_keys(hashes, repr(Manifest.version(self.formats)))
        unchanged: frozenset[str] = frozenset()
        if old is not None and not self.clean and not own_templates and not whole and (
                old.outer_key == layout.outer_key and old.global_key == layout.global_key
                and old.outputs_intact(scanned.out_dir, [rel for rel in old.outputs if "/" not in rel])):
            changed = {layout.folder_of(rel) for rel, st in files.items() if old_files.get(rel) != st}
            changed |= {layout.folder_of(rel) for rel in old_files if rel not in files}
            # a report's output is <org>/<plan>/<report>.<ext>, from the plan folder <plans_dir>/<org>/<plan>
            touched = {layout.prefix + "/".join(rel.split("/")[:2]) for rel in old.outputs
                       if "/" in rel and not old.outputs_intact(scanned.out_dir, [rel])}
            kept = []
            for folder in layout.members:
                if folder in touched or folder not in old.plans or folder not in old.info:
                    continue
                if folder in changed:  # a file saved again, or changed and changed back: its content decides
                    hashes.update(hashes_of(self.root, {rel: files[rel] for rel in layout.members[folder]},
                                            old_files, old_hashes, folders.max_file_bytes))
                    if layout.plan_key(folder, hashes) != old.plans[folder]:
                        continue
                kept.append(folder)
            unchanged = frozenset(kept)
            for folder in unchanged:
                layout.keys[folder] = old.plans[folder]
        load = sorted(frozenset(layout.members) - unchanged)
        groups: list[tuple[str, ...]] = [tuple(load)] if whole and load else [(folder,) for folder in load]
        return layout, hashes, groups, unchanged

    def run_locked(self) -> BuildResult:
        from avr.build.output import Staging, record
        from avr.build.tasks import TaskContext, run_tasks
        from avr.compute.checks import load_checked
        from avr.findings import repository_findings
        from avr.load.cache import DocStore
        from avr.render.build import ReportJob, report_env, site_pages

        scanned, formats, out_dir = self.scanned, self.formats, self.scanned.out_dir
        old = scanned.manifest
        layout, hashes, groups, unchanged = self.plan()
        old_info = old.info if old is not None else {}
        old_outputs = old.outputs if old is not None else {}
        store = DocStore(self.root, out_dir / CACHE_DIR, 1)
        main = load_checked(self.root, strict=False, preload=store.load_all, skip=frozenset(layout.members),
                            config=self.config)
        store.flush()
        outer = repository_findings(main).problems()
        env = report_env(main)
        if self.jobs > 1 and len(groups) > 1:  # compile once, here, not in every worker
            for name in env.list_templates(filter_func=lambda n: n.endswith((".md.j2", ".html.j2"))):
                env.get_template(name)
        staging = Staging(out_dir, old_outputs)
        ctx = TaskContext(self.root, self.config, layout, hashes, out_dir / CACHE_DIR, self.jobs if len(groups) == 1 else 1,
                          scanned.folders.max_file_bytes, formats, env, staging,
                          old.reports if old is not None else {}, scanned.folders.templates is not None)
        try:
            outcomes = run_tasks(ctx, groups, self.jobs, self.step)
            if unchanged and any(o.summaries[f] != old_info[f][0] for o in outcomes for f in o.summaries):
                # the index lists every plan: a changed entry needs every plan's list (their reports stay)
                outcomes += run_tasks(ctx, [(folder,) for folder in sorted(unchanged)], self.jobs, self.step)
                unchanged = frozenset()
            info = {folder: old_info[folder] for folder in unchanged}
            for o in outcomes:
                info.update((f, (o.summaries.get(f), found)) for f, found in o.diagnostics.items())
            found_in_plans = [item for _, found in info.values() for item in found]
            reported = {item[0] for item in [*outer, *found_in_plans]}
            outer += [item for item in refused_problems(scanned.refused) if item[0] not in reported]
            diagnostics = Diagnostics.of([*outer, *found_in_plans])
            self.refuse(diagnostics)
            problems = [item for o in outcomes for item in o.problems]
            if problems:
                raise InvalidInput(Diagnostics.of(problems))
            site_jobs: list[ReportJob] = []
            pages: dict[str, str] = {}
            if not unchanged:  # every plan's report list is at hand, in the order of a whole load
                order = {org_id: index for index, org_id in enumerate(main.orgs)}
                listed = sorted(((org_id, data.path, data, report_id, spec) for o in outcomes
                                 for org_id, data, report_id, spec in o.jobs),
                                key=lambda j: (order.get(j[0], len(order)), j[1]))
                for org_id, _, data, report_id, spec in listed:
                    if ctx.own_templates:  # its templates may read every plan of an organisation
                        main.orgs[org_id].plans[data.id] = data
                    site_jobs.append(ReportJob(main.orgs[org_id], data, report_id, spec))
                pages = site_pages(main, site_jobs, formats, env)
            entries = [entry for o in outcomes for entry in o.entries]
            entries += [staging.stage(name, page) for name, page in pages.items()]
            written = staging.publish(entries)
        finally:
            staging.remove()
        self.lap("read+check+render")
        for o in outcomes:
            hashes.update(o.hashes)
            layout.keys.update(o.keys)
        new_entries = {entry[0]: entry[1:4] for entry in entries}
        report_keys = {base: key for o in outcomes for base, key in o.report_keys.items()}
        if unchanged:  # the same reports as last time: the kept plans' entries as they were
            outputs = {rel: new_entries.get(rel, value) for rel, value in old_outputs.items()}
            reports = {base: report_keys.get(base, key) for base, key in (old.reports if old else {}).items()}
        else:
            rels = [f"{job.out_base}.{ext}" for job in site_jobs for ext in formats] + list(pages)
            outputs = {rel: new_entries.get(rel, old_outputs.get(rel)) for rel in rels}  # type: ignore[misc]
            reports = report_keys
        files = {rel: ((-1, st[1]) if recent(st[1], scanned.taken) else st) for rel, st in scanned.files.items()}
        Manifest(files, hashes, layout.global_key, layout.outer_key, layout.keys, reports, outputs, info,
                 outer, scanned.folders.stored()).write(out_dir, formats)
        record(out_dir, [out_dir / rel for rel in outputs], clean=self.clean)
        self.lap("write")
        return BuildResult(
            [out_dir / rel for rel in outputs], diagnostics, written, sum(o.rendered for o in outcomes),
            store.parsed + sum(o.parsed for o in outcomes), False, self.seconds, out_dir,
            sum(o.plans for o in outcomes), scanned.folders.ignore,
        )


