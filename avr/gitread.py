"""Read a repository's files at a git revision without touching the work tree.

`avr diff` compares two revisions; each is exported with ``git archive`` into a
temporary folder and loaded like any repository, so both sides are checked
exactly as `avr check` checks the work tree. Works in a shallow CI clone as long
as the revisions were fetched.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from avr.errors import UsageError

# Tried in order when BASE is not given: the remote's default branch, then the usual names.
DEFAULT_BRANCHES = ("origin/HEAD", "main", "master", "origin/main", "origin/master")


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
        raise UsageError("git is not installed; avr diff reads revisions with git") from None


def toplevel(root: Path) -> Path:
    """The work tree holding ``root``; a usage error outside git."""
    proc = _git(root, "rev-parse", "--show-toplevel")
    if proc.returncode != 0:
        raise UsageError(f"{root} is not inside a git repository; avr diff compares git revisions")
    return Path(proc.stdout.decode("utf-8").strip()).resolve()


def resolve(root: Path, rev: str) -> Revision:
    """The commit ``rev`` names; a usage error if it names none."""
    if not rev or rev.startswith("-"):
        raise UsageError(f"`{rev}` is not a revision")
    proc = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if proc.returncode != 0:
        raise UsageError(f"unknown revision `{rev}`; give a branch, tag or commit (git log shows them)")
    return Revision(rev, proc.stdout.decode("ascii").strip())


def default_base(root: Path) -> Revision:
    """The merge base of HEAD with the default branch: what a pull request would be compared with."""
    for branch in DEFAULT_BRANCHES:
        if _git(root, "rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}").returncode != 0:
            continue
        proc = _git(root, "merge-base", "HEAD", branch)
        if proc.returncode == 0:
            return Revision(f"merge-base({branch})", proc.stdout.decode("ascii").strip())
    raise UsageError("no default branch found (origin/HEAD, main or master); give BASE, e.g. avr diff origin/main")


def export(root: Path, revision: Revision, dest: Path) -> Path:
    """Write the files of ``revision`` into ``dest``; return where ``root`` lies in that copy."""
    assert revision.commit is not None
    top = toplevel(root)
    proc = _git(top, "archive", "--format=tar", revision.commit)
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", errors="replace").strip()
        raise UsageError(f"cannot read revision `{revision.name}`: {message}")
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as archive:
        for member in archive:
            try:
                # the "data" filter refuses links and paths that point outside dest: such a file is left out
                archive.extract(member, dest, filter="data")
            except tarfile.FilterError:
                continue
    inside = dest / root.resolve().relative_to(top)
    inside.mkdir(parents=True, exist_ok=True)
    return inside
