"""`avr diff [BASE] [HEAD]`: load both sides from git, check them like `avr check`, compare."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from avr.compute.checks import load_checked
from avr.compute.diff import RepoDiff, diff_repositories
from avr.errors import Diagnostics, InvalidInput, UsageError
from avr.gitread import Revision, default_base, export, resolve, toplevel
from avr.i18n import gettext as _
from avr.model.repository import CONFIG_NAME, Repository, find_root
from avr.render.diff import Sides


@dataclass
class Side:
    role: str  # BASE | HEAD
    revision: Revision
    repository: Repository | None
    diagnostics: Diagnostics
    absent: bool = False  # the revision has no avr.yaml


@dataclass
class DiffRun:
    sides: Sides
    base: Side
    head: Side
    diff: RepoDiff | None  # None when a side has errors

    @property
    def invalid(self) -> list[Side]:
        return [s for s in (self.base, self.head) if s.diagnostics.errors]


def _load(root: Path, role: str, revision: Revision) -> Side:
    if not (root / CONFIG_NAME).exists():  # e.g. the pull request that adds avr: nothing to compare on this side
        return Side(role, revision, None, Diagnostics(), absent=True)
    try:
        repo = load_checked(root, strict=False)
    except InvalidInput as exc:  # avr.yaml missing or unreadable on that side
        return Side(role, revision, None, exc.diagnostics)
    return Side(role, revision, repo, repo.diagnostics)


def run_diff(start: Path, base: str | None, head: str | None) -> DiffRun:
    """Compare BASE (default: merge base with the default branch) with HEAD (default: the work tree)."""
    work_root = find_root(start) if head is None else _repo_root(start)
    toplevel(work_root)  # a usage error outside git, before anything else
    base_rev = resolve(work_root, base) if base is not None else default_base(work_root)
    head_rev = resolve(work_root, head) if head is not None else Revision("", None)
    with tempfile.TemporaryDirectory(prefix="avr-diff-") as tmp:
        base_root = export(work_root, base_rev, Path(tmp) / "base")
        head_root = export(work_root, head_rev, Path(tmp) / "head") if head_rev.commit else work_root
        old, new = _load(base_root, "BASE", base_rev), _load(head_root, "HEAD", head_rev)
        sides = Sides(base_rev.name, base_rev.commit, head_rev.name, head_rev.commit)
        if old.absent and new.absent:
            raise UsageError(_("neither revision has {config} in {folder}").format(config=CONFIG_NAME, folder=work_root))
        for side, other in ((old, new), (new, old)):
            if side.absent and other.repository is not None:
                side.repository = Repository(other.repository.root, other.repository.config, {},
                                             Diagnostics())
        if old.diagnostics.errors or new.diagnostics.errors or old.repository is None or new.repository is None:
            return DiffRun(sides, old, new, None)
        # computing is done while the files exist; the result holds no paths into tmp
        return DiffRun(sides, old, new, diff_repositories(old.repository, new.repository))


def _repo_root(start: Path) -> Path:
    """With both sides from git, the work tree need not hold avr.yaml (e.g. it was deleted)."""
    try:
        return find_root(start)
    except UsageError:
        return start.resolve()
