"""Incremental, parallel builds: only reports whose inputs changed are computed, rendered and written.

Dependencies are tracked per plan folder and per report. A plan folder's key covers every file under it (whatever
its kind, so new file kinds need no change here), its organisation.yaml, avr.yaml, the templates and labels, and
avr's version. A report's key covers what it is computed from: with avr's own templates, a follow-up report of
period P reads the plan's follow-ups of P, and of the others only their periods and indicator outcomes
(``compute_plan``); a repository's own templates may read anything, so then a report depends on its whole plan.
The manifest under ``<out>/.avr-cache/`` records the stat and content hash of every input, the keys, each
output's hash, the diagnostics of the last build, and per plan folder its diagnostics and what the site's index
shows of it:

* nothing changed (same files, same stat, outputs untouched): the last diagnostics are printed and nothing is
  read, imported or written;
* only files inside plan folders changed: only those plans are read and checked (checks never cross plan
  folders), the others' diagnostics are taken from the manifest, so they stay complete; if what the index shows
  of a changed plan differs, every plan is read;
* otherwise every file is loaded (unchanged ones from the document cache, changed ones parsed, in parallel when
  many) and checked as a whole.

Either way only reports whose key changed, or whose outputs were touched, are rendered, and a rendered file
identical to the one on disk is not rewritten. The keys are worked out in render/deps.py; with avr's own
templates the plans are read, checked and rendered one plan folder at a time (render/byplan.py). The output
is byte-identical to a clean single-process build: the same functions render it.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from avr import __version__
from avr.errors import Diagnostics, InvalidInput, Problem
from avr.i18n import current as current_language
from avr.load.cache import DocStore, file_hash
from avr.load.inputs import Refusal, link_refusal, read_own, refusal
from avr.load.yamlfile import MAX_FILE_BYTES_CAP, Limits, limits_pinned, load_document

if TYPE_CHECKING:
    from avr.render.deps import Layout

CACHE_DIR = ".avr-cache"
MANIFEST_FORMAT = 3  # 3: per-plan diagnostics hold the computed warnings too
_MAGIC = b"AVRMAN1\n"
_RACY_SECONDS = 2.0
# Rendering a report costs ~0.1-1 s at scale; forking pays off from a few reports of real size.
PARALLEL_MIN_FILES = 2000

Stat = tuple[int, int]  # size, mtime_ns
Step = Callable[[str, int, int], None]  # stage, done, total
Entry = tuple[str, str, int, int, bool]  # rel, digest, size, mtime_ns, written


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


# ----------------------------------------------------------------- inputs


def raw_config(root: Path) -> dict[str, Any]:
    """avr.yaml read without validation: only to find folders before the full check (which validates it)."""
    doc = load_document(root / "avr.yaml", "avr.yaml", Diagnostics())
    return doc.data if doc is not None else {}


def configured_ignore(raw: dict[str, Any]) -> frozenset[str]:
    """avr.yaml's `ignore` (warning codes) as read; the full check validates it."""
    value = raw.get("ignore")
    return frozenset(v for v in value if isinstance(v, str)) if isinstance(value, list) else frozenset()


def _str(raw: dict[str, Any], key: str, default: str | None) -> str | None:
    value = raw.get(key, default)
    return value if isinstance(value, str) and value else default


def _scan(folder: Path, into: dict[str, Stat], root: Path, skip: Path | None = None,
          refused: dict[str, Refusal] | None = None, limit: int = 0) -> None:
    """Every file under ``folder`` with its stat: os.scandir and plain strings, one stat per file.

    The files of a folder are stat'ed relative to its descriptor (fstatat: no walk down the whole path per
    file) and added to ``into`` in one go; the stat is that of DirEntry.stat() (links followed).

    With ``refused`` (the repository's folders, not avr's own templates), a file that is not a regular file,
    is over ``limit`` bytes or is a link leading outside the repository goes there instead (load/inputs.py),
    and a linked folder leading outside is not entered: nothing later reads or hashes either.
    """
    base = _rel(folder, root)
    skipped = str(skip) if skip is not None else None
    real_root = os.path.realpath(root)
    stack = [(str(folder), "" if base == "." else base + "/")]
    while stack:
        path, rel = stack.pop()
        try:
            entries = list(os.scandir(path))
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            names = []
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                try:
                    link = refused is not None and entry.is_symlink()
                    if link:  # rare: resolved only here
                        found = link_refusal(entry.path, real_root)
                        if found:
                            if refused is not None and os.path.exists(entry.path):  # a broken link reads nothing
                                refused[rel + name] = found
                            continue
                    if entry.is_dir():
                        if entry.path != skipped:
                            stack.append((entry.path, rel + name + "/"))
                        continue
                except OSError:
                    continue
                names.append(name)
            try:
                stats = list(map(partial(os.stat, dir_fd=fd), names))
            except OSError:  # a file gone since the listing, or a broken link: skip just those
                stats, kept = [], []
                for name in names:
                    try:
                        stats.append(os.stat(name, dir_fd=fd))
                    except OSError:
                        continue
                    kept.append(name)
                names = kept
            if refused is not None:
                for index in [i for i, st in enumerate(stats) if not S_ISREG(st.st_mode) or st.st_size > limit]:
                    found = refusal(stats[index], limit)
                    if found:
                        refused[rel + names[index]] = found
                if any(rel + name in refused for name in names):
                    kept_stats = [(n, st) for n, st in zip(names, stats, strict=True) if rel + n not in refused]
                    names, stats = [n for n, _ in kept_stats], [st for _, st in kept_stats]
            into.update(zip([rel + name for name in names], [(st.st_size, st.st_mtime_ns) for st in stats], strict=True))
        finally:
            os.close(fd)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def max_file_bytes(raw: dict[str, Any]) -> int:
    """limits.max_file_bytes as avr.yaml gives it (read unvalidated: its check reports a bad value)."""
    limits = raw.get("limits")
    value = limits.get("max_file_bytes") if isinstance(limits, dict) else None
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not text.isdigit():
        return Limits().max_file_bytes
    # never more than avr.yaml's check can accept (which reports a larger value)
    return min(int(text), Limits().max_file_bytes if limits_pinned() else MAX_FILE_BYTES_CAP)


def _inputs(root: Path, raw: dict[str, Any], out_dir: Path, refused: dict[str, Refusal] | None = None) -> dict[str, Stat]:
    from avr.render.labels import builtin_templates

    refused = {} if refused is None else refused
    limit = max_file_bytes(raw)
    files: dict[str, Stat] = {}
    for name in ("avr.yaml",):
        try:
            st = (root / name).stat()
            files[name] = (st.st_size, st.st_mtime_ns)
        except OSError:
            pass
    _scan(root / (_str(raw, "plans_dir", "plans") or "plans"), files, root, skip=out_dir, refused=refused, limit=limit)
    templates = _str(raw, "templates_dir", None)
    if templates:
        _scan(root / templates, files, root, skip=out_dir, refused=refused, limit=limit)
    _scan(builtin_templates(), files, root)
    return files


def refused_inputs(root: Path) -> list[Problem]:
    """Every file of the repository's plans and templates folders that avr would refuse to read or hash
    (E001, E010: see load/inputs.py), as diagnostics; `avr check` reports them like `avr build` does."""
    raw = raw_config(root)
    out_dir = root / (_str(raw, "output_dir", "build") or "build")
    refused: dict[str, Refusal] = {}
    _inputs(root, raw, out_dir, refused)
    return refused_problems(refused)


def refused_problems(refused: dict[str, Refusal]) -> list[Problem]:
    return [(rel, 0, 0, code, message) for rel, (code, message) in sorted(refused.items())]


# --------------------------------------------------------------- manifest


def _manifest_path(out_dir: Path) -> Path:
    return out_dir / CACHE_DIR / "manifest.marshal"


def _version(formats: tuple[str, ...]) -> tuple[Any, ...]:
    return (__version__, MANIFEST_FORMAT, formats, current_language())  # the kept findings are in that language


def read_manifest(out_dir: Path, formats: tuple[str, ...]) -> dict[str, Any]:
    """The last build's manifest, or {} when missing, damaged or from another avr version."""
    try:
        blob = read_own(_manifest_path(out_dir))
        if not blob.startswith(_MAGIC):
            return {}
        digest, payload = blob[len(_MAGIC):len(_MAGIC) + 16], blob[len(_MAGIC) + 16:]
        if hashlib.blake2b(payload, digest_size=16).digest() != digest:
            return {}
        data = marshal.loads(payload)
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not isinstance(data, dict) or data.get("version") != _version(formats):
        return {}
    return data


def _write_manifest(out_dir: Path, data: dict[str, Any]) -> None:
    payload = marshal.dumps(data)
    target = _manifest_path(out_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(_MAGIC + hashlib.blake2b(payload, digest_size=16).digest() + payload)
    os.replace(tmp, target)


def _outputs_intact(out_dir: Path, outputs: dict[str, Any]) -> bool:
    for rel, (_, size, mtime) in outputs.items():
        try:
            st = (out_dir / rel).stat()
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns) != (size, mtime):
            return False
    return True


# ---------------------------------------------------------------- no-op


@dataclass
class Scanned:
    """What the no-op check found: the last build's result when nothing changed, else what a build starts from."""

    result: BuildResult | None
    out_dir: Path
    files: dict[str, Stat]
    manifest: dict[str, Any]
    seconds: float = 0.0
    raw: dict[str, Any] = field(default_factory=dict)  # avr.yaml as read, unvalidated
    refused: dict[str, Refusal] = field(default_factory=dict)  # inputs not to read (load/inputs.py)


# A check made by avr.fastpath that found changes, for the one build the command line then runs in this process
# (keyed by its arguments): the repository is walked once per run, not twice.
HANDOFF: dict[tuple[Path, Path | None, tuple[str, ...]], Scanned] = {}


def up_to_date(root: Path, out: Path | None, formats: tuple[str, ...]) -> Scanned:
    """The no-op check of `avr build` (the fast path's and build_incremental's): the same files with the same
    stat as the manifest records (files written within 2 s of a build are recorded so that they never match)
    and every output as the last build left it."""
    start = time.perf_counter()
    collecting = gc.isenabled()
    gc.disable()  # ~10^5 new tuples and no cycles: the collector would only walk them, over and over
    try:
        raw = raw_config(root)
        out_dir = out if out is not None else root / (_str(raw, "output_dir", "build") or "build")
        if not out_dir.is_absolute():
            out_dir = Path.cwd() / out_dir
        refused: dict[str, Refusal] = {}
        files = _inputs(root, raw, out_dir, refused)
        manifest = read_manifest(out_dir, formats)
    finally:
        if collecting:
            gc.enable()
    result = None
    if manifest and not refused and manifest.get("files") == files and _outputs_intact(out_dir, manifest["outputs"]):
        outputs = [out_dir / rel for rel in manifest["outputs"]]
        result = BuildResult(outputs, Diagnostics.of(manifest["diagnostics"]), noop=True, out_dir=out_dir,
                             ignore=configured_ignore(raw))
    return Scanned(result, out_dir, files, manifest, time.perf_counter() - start, raw, refused)


# ------------------------------------------------------------------ build


def build_incremental(
    root: Path,
    out: Path | None = None,
    *,
    jobs: int = 1,
    formats: tuple[str, ...] = ("md", "html", "json"),
    step: Step | None = None,
    clean: bool = False,
    strict: bool = False,
    ignore: Iterable[str] = (),
) -> BuildResult:
    """Build every report of the repository at ``root`` into ``out`` (default: its output_dir).

    A build with errors is refused (InvalidInput), and with ``strict`` one with warnings too, less the
    warnings of the codes ``ignore`` and avr.yaml's `ignore` name; the result keeps every diagnostic.
    """
    clock = time.perf_counter()
    scanned = HANDOFF.pop((root, out, formats), None)
    HANDOFF.clear()
    if scanned is None:
        scanned = up_to_date(root, out, formats)
    run = Run(root, scanned.out_dir, scanned.files, scanned.manifest, scanned.raw, jobs, formats, step, clean,
              {"scan": scanned.seconds}, clock, refused=scanned.refused, strict=strict,
              ignore=configured_ignore(scanned.raw) | frozenset(ignore))
    run.lap("scan")
    if scanned.result is not None and not clean:
        scanned.result.seconds = run.seconds
        return scanned.result
    return _build_changed(run)


@dataclass
class Run:
    """A build past its no-op check: what both ways of building (whole, or plan by plan) start from."""

    root: Path
    out_dir: Path
    files: dict[str, Stat]  # every input's stat, as scanned
    manifest: dict[str, Any]  # the last build's, or {}
    raw: dict[str, Any]  # avr.yaml as read, unvalidated
    jobs: int
    formats: tuple[str, ...]
    step: Step | None
    clean: bool
    seconds: dict[str, float] = field(default_factory=dict)  # per stage, for benchmarks and tests
    clock: float = field(default_factory=time.perf_counter)
    started: float = field(default_factory=time.time)  # wall clock, for files saved just before the build
    refused: dict[str, Refusal] = field(default_factory=dict)  # inputs the scan refused to read: errors
    strict: bool = False  # warnings refuse the build too
    ignore: frozenset[str] = frozenset()  # warning codes that count for nothing (avr.yaml's and the option's)

    def refuse(self, diagnostics: Diagnostics) -> None:
        """Raise InvalidInput when the build may not go on: an error, or with --strict a warning not ignored."""
        if diagnostics.without(self.ignore).fails(self.strict):
            raise InvalidInput(diagnostics, self.strict)

    def with_refused(self, problems: list[Problem]) -> list[Problem]:
        """``problems`` and a diagnostic for each refused input the loader did not already report."""
        reported = {item[0] for item in problems}
        return problems + [item for item in refused_problems(self.refused) if item[0] not in reported]

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self.clock
        self.clock = now

    def staging(self) -> Path:
        """This build's staging folder, after removing those a killed build left (the caller holds the lock).

        Reports are rendered into it and moved into place only when every one succeeded: a template error
        in one report leaves all published reports as they were."""
        for stale in (self.out_dir / CACHE_DIR).glob("staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
        return self.out_dir / CACHE_DIR / f"staging-{os.getpid()}"

    def publish(self, staging: Path, entries: list[Entry]) -> list[Path]:
        """Move the staged files into place; the files written."""
        from avr.render.output import real_folders

        real_folders(self.out_dir, [rel for rel, *_, wrote in entries if wrote])  # no link on the way, or nothing moves
        written = []
        for rel, *_, wrote in entries:
            if wrote:
                os.replace(staging / rel, self.out_dir / rel)  # keeps the inode, so the recorded stat stays true
                written.append(self.out_dir / rel)
        return written

    def save(self, state: dict[str, Any], layout: Layout, diagnostics: Diagnostics) -> None:
        """Write the manifest (``state``: hashes, reports, outputs, info) and the output folder's marker.

        A file saved within _RACY_SECONDS of the build is recorded with size -1, so that it never looks
        unchanged: its mtime cannot tell a later save in the same tick apart."""
        from avr.render.output import record

        racy = {rel: ((-1, st[1]) if self.started - st[1] / 1e9 < _RACY_SECONDS else st)
                for rel, st in self.files.items()}
        _write_manifest(self.out_dir, {
            "version": _version(self.formats), "files": racy, "plans": layout.keys, "global": layout.global_key,
            "outer": layout.outer_key, **state,
            "diagnostics": diagnostics.problems(),
        })
        record(self.out_dir, [self.out_dir / rel for rel in state["outputs"]], clean=self.clean)


_STATE: dict[str, Any] = {}  # what forked render workers inherit


def _build_changed(run: Run) -> BuildResult:
    from avr.findings import repository_findings
    from avr.model.repository import load_repository
    from avr.render.build import MARKER, report_env, report_jobs, site_pages
    from avr.render.output import guard

    guard(run.out_dir, run.root)  # before the cache in it is read or written
    from avr.render.deps import (
        by_folder,
        by_plan_allowed,
        changed_plans,
        hashes_of,
        index_summary,
        report_keys,
        whole_layout,
    )
    from avr.render.output import output_folder

    root, out_dir, files, manifest, formats, jobs, step = (
        run.root, run.out_dir, run.files, run.manifest, run.formats, run.jobs, run.step)
    if by_plan_allowed(run.raw, files):
        from avr.render.byplan import build_by_plan

        changed = None if run.clean else changed_plans(root, run.raw, out_dir, files, manifest, formats)
        return build_by_plan(run, changed)
    # a repository's own templates: the whole repository is loaded and checked in this process
    store = DocStore(root, out_dir / CACHE_DIR, jobs, (lambda n, total: step("read", n, total)) if step else None)
    repo = load_repository(root, strict=False, preload=store.load_all)
    hashes = hashes_of(root, files, manifest, store.hashes, max_file_bytes(run.raw))
    layout = whole_layout(root, run.raw, hashes, formats)
    run.lap("read+parse+validate")
    diagnostics = Diagnostics.of(run.with_refused(repository_findings(repo).problems()))
    fresh: list[Problem] = diagnostics.problems()
    if diagnostics.without(run.ignore).fails(run.strict):
        if (out_dir / MARKER).is_file():
            store.flush()  # an output folder of avr's may keep the cache; a refused build creates nothing
        run.refuse(diagnostics)
    old_outputs: dict[str, Any] = manifest.get("outputs", {})

    # only into a folder that is avr's, one build at a time (render.output); the cache lives inside it
    with output_folder(out_dir):
        store.flush()
        all_jobs = report_jobs(repo)
        keys = report_keys(all_jobs, layout, hashes, per_report=not repo.config.templates_dir)
        todo = [index for index, job in enumerate(all_jobs)
                if not up_to_date_report(out_dir, job.out_base, keys[job.out_base], formats, manifest)]
        env = report_env(repo)
        staging = run.staging()
        _STATE.update(repo=repo, jobs=all_jobs, out_dir=out_dir, formats=formats, old=old_outputs, env=env,
                      staging=staging)
        results: list[Entry] = []
        problems: list[Problem] = []
        files_in_todo = sum(len(all_jobs[i].plan.docs) for i in todo)
        try:
            if jobs > 1 and len(todo) > 1 and files_in_todo >= PARALLEL_MIN_FILES and _can_fork():
                more, found = _render_parallel(all_jobs, todo, jobs, step)
                results += more
                problems += found
            else:
                for done, index in enumerate(todo, start=1):
                    more, found = _render_one(index)
                    results += more
                    problems += found
                    if step:
                        step("render", done, len(todo))
            if problems:
                raise InvalidInput(Diagnostics.of(problems))
            pages = site_pages(repo, all_jobs, formats, env)
            page_results = [_write_if_changed(out_dir, name, page, old_outputs, staging) for name, page in pages.items()]
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            _STATE.clear()
        try:
            written = run.publish(staging, results + page_results)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        run.lap("compute+render+write")
        new_entries = {entry[0]: entry[1:4] for entry in results + page_results}
        order = [f"{job.out_base}.{ext}" for job in all_jobs for ext in formats] + list(pages)
        outputs = {rel: new_entries.get(rel, old_outputs.get(rel)) for rel in order}
        grouped = by_folder(layout, fresh)
        summaries = index_summary(all_jobs)
        info = {folder: (summaries.get(folder), grouped.get(folder, [])) for folder in layout.members}
        run.save({"hashes": hashes, "reports": keys, "outputs": outputs, "info": info}, layout, diagnostics)
    run.lap("write")
    return BuildResult(
        [out_dir / rel for rel in outputs], diagnostics, written, len(todo), store.parsed, False, run.seconds, out_dir,
        sum(len(org.plans) for org in repo.orgs.values()), configured_ignore(run.raw),
    )


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _render_parallel(
    all_jobs: list[Any], todo: list[int], jobs: int, step: Step | None
) -> tuple[list[Entry], list[Problem]]:
    """Render plan by plan in forked workers that inherit the checked repository.

    Each worker renders one plan and exits (maxtasksperchild=1): it copies only the pages of the objects it
    touches, and gives them back at once. gc.freeze keeps the collector in a worker from touching every object.
    """
    import gc
    import multiprocessing

    by_plan: dict[str, list[int]] = {}
    for index in todo:
        by_plan.setdefault(all_jobs[index].plan.path, []).append(index)
    tasks = sorted(by_plan.values(), key=len, reverse=True)
    results: list[Entry] = []
    problems: list[Problem] = []
    from avr.render.build import report_template

    env = _STATE["env"]
    for ext in ("md", "html"):  # compile once, here, not in every worker
        for name in sorted({report_template(all_jobs[i].spec, ext) for i in todo}):
            env.get_template(name)
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(tasks)), maxtasksperchild=1) as pool:
            for done, (part, found) in enumerate(pool.imap_unordered(_render_many, tasks), start=1):
                results.extend(part)
                problems.extend(found)
                if step:
                    step("render", done, len(tasks))
    finally:
        gc.unfreeze()
    return results, problems


def _render_many(indices: list[int]) -> tuple[list[Entry], list[Problem]]:
    entries: list[Entry] = []
    problems: list[Problem] = []
    for index in indices:
        more, found = _render_one(index)
        entries += more
        problems += found
    return entries, problems


def _stat_of(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _render_one(index: int) -> tuple[list[Entry], list[Problem]]:
    """Render one report (in a worker or in-process) and stage the files that differ from the last build's.

    A report that may not be published (E701) gives its diagnostics instead, so one run reports them all.
    """
    from avr.render.build import render_outputs

    repo, job, out_dir = _STATE["repo"], _STATE["jobs"][index], _STATE["out_dir"]
    try:
        contents = render_outputs(repo, job, _STATE["formats"], _STATE["env"])
    except InvalidInput as exc:
        return [], exc.diagnostics.problems()
    return [
        _write_if_changed(out_dir, f"{job.out_base}.{ext}", content, _STATE["old"], _STATE["staging"])
        for ext, content in contents.items()
    ], []


def up_to_date_report(out_dir: Path, out_base: str, key: str, formats: tuple[str, ...], manifest: dict[str, Any]) -> bool:
    """The report's key is the last build's, and its files are as that build left them."""
    outputs: dict[str, Any] = manifest.get("outputs", {})
    if manifest.get("reports", {}).get(out_base) != key:
        return False
    rels = [f"{out_base}.{ext}" for ext in formats]
    return all(rel in outputs and _stat_of(out_dir / rel) == tuple(outputs[rel][1:]) for rel in rels)


def _write_if_changed(
    out_dir: Path, rel: str, text: str | bytes, old: dict[str, Any], staging: Path
) -> tuple[str, str, int, int, bool]:
    """Write ``rel`` into ``staging`` unless the published file already holds exactly this; its stat either way."""
    from avr.render.build import write_atomic

    data = text if isinstance(text, bytes) else text.encode("utf-8")
    digest = file_hash(data)
    target = out_dir / rel
    previous = old.get(rel)
    if previous is not None and previous[0] == digest:
        st = _stat_of(target)
        if st is not None and st == tuple(previous[1:]):
            return rel, digest, st[0], st[1], False
    staged = staging / rel
    write_atomic(staged, text)
    after = staged.stat()
    return rel, digest, after.st_size, after.st_mtime_ns, True
