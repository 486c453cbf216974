"""Read a repository's files at a git revision without touching the work tree.

`avr diff` compares two revisions; each is written into a temporary folder and loaded like any
repository, so both sides are checked exactly as `avr check` checks the work tree. Works in a
shallow CI clone as long as the revisions were fetched.

The files are read from the revision's tree as committed (``git ls-tree`` and one
``git cat-file --batch``), not through ``git archive``: a pull request's ``.gitattributes`` must not
change what is compared (``export-ignore`` would hide a file, ``export-subst``, ``eol`` or a filter
would change one). Blobs are streamed to disk, never held whole in memory; one over
`BIG_BLOB` bytes is written as a sparse file of its size, which the loader refuses as too large.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from avr.errors import UsageError
from avr.i18n import gettext as _

# Tried in order when BASE is not given: the remote's default branch, then the usual names.
DEFAULT_BRANCHES = ("origin/HEAD", "main", "master", "origin/main", "origin/master")
BIG_BLOB = 64 * 2**20  # larger than any limits.max_file_bytes a repository sensibly sets
CHUNK = 2**20


@dataclass(frozen=True)
class Revision:
    """A side of a comparison: what the user wrote and the commit it names (None: the work tree)."""

    name: str
    commit: str | None

    @property
    def short(self) -> str:
        return self.commit[:7] if self.commit else ""


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError(_("git is not installed; avr diff reads revisions with git")) from None


def toplevel(root: Path) -> Path:
    """The work tree holding ``root``; a usage error outside git."""
    proc = _git(root, "rev-parse", "--show-toplevel")
    if proc.returncode != 0:
        raise UsageError(_("{folder} is not inside a git repository; avr diff compares git revisions").format(folder=root))
    return Path(proc.stdout.decode("utf-8").strip()).resolve()


def resolve(root: Path, rev: str) -> Revision:
    """The commit ``rev`` names; a usage error if it names none."""
    if not rev or rev.startswith("-"):
        raise UsageError(_("`{revision}` is not a revision").format(revision=rev))
    proc = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if proc.returncode != 0:
        raise UsageError(_("unknown revision `{revision}`; give a branch, tag or commit (git log shows them)").format(
            revision=rev))
    return Revision(rev, proc.stdout.decode("ascii").strip())


def default_base(root: Path) -> Revision:
    """The merge base of HEAD with the default branch: what a pull request would be compared with."""
    for branch in DEFAULT_BRANCHES:
        if _git(root, "rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}").returncode != 0:
            continue
        proc = _git(root, "merge-base", "HEAD", branch)
        if proc.returncode == 0:
            return Revision(f"merge-base({branch})", proc.stdout.decode("ascii").strip())
    raise UsageError(_("no default branch found (origin/HEAD, main or master); give BASE, e.g. avr diff origin/main"))


@dataclass(frozen=True)
class Entry:
    mode: str
    oid: str
    size: int
    path: str


def tree(top: Path, commit: str) -> list[Entry]:
    """Every file of ``commit`` as committed; submodules are left out, as ``git archive`` leaves them."""
    proc = _git(top, "ls-tree", "-r", "-z", "-l", "--full-tree", commit)
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", errors="replace").strip()
        raise UsageError(f"cannot read revision `{commit[:7]}`: {message}")
    entries = []
    for record in proc.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, oid, size = meta.split()
        if kind != b"blob":
            continue
        path = raw_path.decode("utf-8", errors="surrogateescape")
        entries.append(Entry(mode.decode(), oid.decode(), int(size), path))
    return entries


def _inside(dest: Path, path: str) -> Path | None:
    """Where a tree path goes in ``dest``; None for a path no checkout would write (``..``, absolute)."""
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return dest.joinpath(*parts)


def _blobs(top: Path, oids: list[str]) -> Iterator[tuple[str, IO[bytes], int]]:
    """(oid, stream, size) per object, in order, from one ``git cat-file --batch``: read ``size`` bytes each."""
    if not oids:
        return
    proc = subprocess.Popen(["git", "-C", str(top), "cat-file", "--batch"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdin is not None and proc.stdout is not None
    stdin, stdout = proc.stdin, proc.stdout

    def ask() -> None:  # in a thread: git's answers are read while the questions are written
        try:
            for oid in oids:
                stdin.write(oid.encode("ascii") + b"\n")
        except BrokenPipeError:
            pass
        finally:
            with contextlib.suppress(BrokenPipeError):
                stdin.close()

    writer = threading.Thread(target=ask, daemon=True)
    writer.start()
    try:
        for oid in oids:
            header = stdout.readline().split()
            if len(header) != 3 or header[1] != b"blob":
                raise UsageError(f"cannot read object {oid} of the revision (git cat-file: "
                                 f"{b' '.join(header).decode('ascii', errors='replace')})")
            yield oid, stdout, int(header[2])
            stdout.read(1)  # the newline after each object
    finally:
        stdout.close()
        proc.kill()
        proc.wait()
        writer.join()


def _copy(source: IO[bytes], size: int, target: Path) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as handle:
        left = size
        while left:
            chunk = source.read(min(CHUNK, left))
            if not chunk:
                raise UsageError(f"git cat-file ended early while writing {target.name}")
            handle.write(chunk)
            left -= len(chunk)


def export(root: Path, revision: Revision, dest: Path) -> Path:
    """Write the files of ``revision`` into ``dest``; return where ``root`` lies in that copy."""
    assert revision.commit is not None
    top = toplevel(root)
    dest.mkdir(parents=True, exist_ok=True)
    wanted: list[tuple[Entry, Path]] = []
    links: list[tuple[Entry, Path]] = []
    for entry in tree(top, revision.commit):
        target = _inside(dest, entry.path)
        if target is None:
            continue
        if entry.mode == "120000":
            links.append((entry, target))
        elif entry.size > BIG_BLOB:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("xb") as handle:
                handle.truncate(entry.size)  # a sparse file: its size without its bytes
        else:
            wanted.append((entry, target))
    targets: dict[str, list[Path]] = {}
    for entry, target in wanted:
        targets.setdefault(entry.oid, []).append(target)
    link_oids = {e.oid for e, _ in links if e.size <= 4096}  # a link's blob is its target path
    texts: dict[str, bytes] = {}
    for oid, stream, size in _blobs(top, list(dict.fromkeys([*targets, *sorted(link_oids - targets.keys())]))):
        if oid not in targets:
            texts[oid] = stream.read(size)
            continue
        first, *others = targets[oid]
        first.parent.mkdir(parents=True, exist_ok=True)
        _copy(stream, size, first)
        for other in others:  # the same content under other names
            other.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(first, other)
        if oid in link_oids:
            texts[oid] = first.read_bytes()
    # links last, and only those staying inside the copy (as tarfile's "data" filter did)
    for entry, target in links:
        link = texts.get(entry.oid, b"").decode("utf-8", errors="surrogateescape")
        resolved = os.path.normpath(os.path.join(os.path.dirname(entry.path), link))
        if not link or os.path.isabs(link) or resolved == ".." or resolved.startswith("../"):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.symlink(link, target)
        except OSError:
            continue
    inside = dest / root.resolve().relative_to(top)
    inside.mkdir(parents=True, exist_ok=True)
    return inside
