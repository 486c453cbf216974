"""The build's view of the repository before anything is parsed: avr.yaml's folders, and every input file
with its stat.

A build takes its folders from avr.yaml as the config model validated it (:meth:`Folders.of`), and records
them in its manifest; a no-op check, which must not import pydantic, takes them from there while avr.yaml's
stat is the one recorded with them (avr/build/engine.py).
"""

from __future__ import annotations

import os
from dataclasses import astuple, dataclass
from functools import partial
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from avr.errors import Problem
from avr.load.inputs import Refusal, link_refusal, refusal
from avr.load.layout import CONFIG_FILE, builtin_templates

if TYPE_CHECKING:
    from avr.model.config import RepoConfig

Stat = tuple[int, int]  # size, mtime_ns
Output = tuple[str, int, int]  # content hash, size, mtime_ns of a published file
CACHE_DIR = ".avr-cache"  # inside the output folder: the manifest and the document cache


@dataclass(frozen=True)
class Folders:
    """What the build takes from the validated avr.yaml: where to look, and what it may read."""

    plans: str
    output: str
    templates: str | None
    max_file_bytes: int
    max_files: int
    ignore: frozenset[str]  # warning codes not to report

    @classmethod
    def of(cls, config: RepoConfig) -> Folders:
        return cls(config.plans_dir, config.output_dir, config.templates_dir, config.limits.max_file_bytes,
                   config.limits.max_files, frozenset(config.ignore))

    def stored(self) -> tuple[Any, ...]:
        """As the manifest keeps it (plain data for marshal)."""
        return (*astuple(self)[:5], tuple(sorted(self.ignore)))

    @classmethod
    def from_stored(cls, data: Any) -> Folders | None:
        try:
            plans, output, templates, max_file_bytes, max_files, ignore = data
            return cls(plans, output, templates, max_file_bytes, max_files, frozenset(ignore))
        except (TypeError, ValueError):
            return None


def rel_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def scan(folder: Path, into: dict[str, Stat], root: Path, skip: Path | None = None,
          refused: dict[str, Refusal] | None = None, limit: int = 0) -> None:
    """Every file under ``folder`` with its stat: os.scandir and plain strings, one stat per file.

    The files of a folder are stat'ed relative to its descriptor (fstatat: no walk down the whole path per
    file) and added to ``into`` in one go; the stat is that of DirEntry.stat() (links followed).

    With ``refused`` (the repository's folders, not avr's own templates), a file that is not a regular file,
    is over ``limit`` bytes or is a link leading outside the repository goes there instead (load/inputs.py),
    and a linked folder leading outside is not entered: nothing later reads or hashes either.
    """
    base = rel_path(folder, root)
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
            refused_here = False
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
                                refused_here = True
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
                        refused_here = True
                if refused_here:
                    kept_stats = [(n, st) for n, st in zip(names, stats, strict=True) if rel + n not in refused]
                    names, stats = [n for n, _ in kept_stats], [st for _, st in kept_stats]
            into.update(zip([rel + name for name in names], [(st.st_size, st.st_mtime_ns) for st in stats], strict=True))
        finally:
            os.close(fd)


def inputs(root: Path, folders: Folders, out_dir: Path, refused: dict[str, Refusal]) -> dict[str, Stat]:
    """Every input of a build with its stat: avr.yaml, the plans folder, templates_dir, avr's own templates."""
    files: dict[str, Stat] = {}
    try:
        st = (root / CONFIG_FILE).stat()
        files[CONFIG_FILE] = (st.st_size, st.st_mtime_ns)
    except OSError:
        pass
    limit = folders.max_file_bytes
    scan(root / folders.plans, files, root, skip=out_dir, refused=refused, limit=limit)
    if folders.templates:
        scan(root / folders.templates, files, root, skip=out_dir, refused=refused, limit=limit)
    scan(builtin_templates(), files, root)
    return files


def refused_problems(refused: dict[str, Refusal]) -> list[Problem]:
    return [(rel, 0, 0, code, message) for rel, (code, message) in sorted(refused.items())]


def refused_inputs(root: Path, folders: Folders) -> list[Problem]:
    """Every file of the repository's plans and templates folders that avr would refuse to read or hash
    (E001, E010: see load/inputs.py), as diagnostics; `avr check` reports them like `avr build` does."""
    refused: dict[str, Refusal] = {}
    inputs(root, folders, root / folders.output, refused)
    return refused_problems(refused)
