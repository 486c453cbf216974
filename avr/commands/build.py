"""`avr build` over the cache: jobs, a progress bar on long runs, the summary line."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from avr.build.engine import BuildResult, Scanned, build
from avr.errors import InvalidInput
from avr.i18n import ngettext

PROGRESS_AFTER_SECONDS = 1.0
_STAGES = {"read": "reading files", "render": "rendering plans"}


def find_root(start: Path) -> Path:
    """model.repository.find_root without importing the schemas: a no-op build must start in milliseconds."""
    root = root_above(start)
    if root is not None:
        return root
    from avr.model.repository import find_root as full

    return full(start.resolve())  # raises the usage error


def root_above(start: Path) -> Path | None:
    """The folder holding avr.yaml at or above ``start``, or None."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "avr.yaml").is_file():
            return folder
    return None


def default_jobs() -> int:
    return os.cpu_count() or 1


class ProgressBar:
    """A rich progress bar on stderr, shown only once a run has taken about a second, and only on a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.start = time.monotonic()
        self.progress: Any = None
        self.tasks: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.start < PROGRESS_AFTER_SECONDS:
            return
        if self.progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self.progress.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(_STAGES.get(stage, stage), total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def run_build(
    root: Path, out: Path | None, jobs: int, quiet: bool, formats: tuple[str, ...] = ("md", "html", "json"),
    clean: bool = False, strict: bool = False, ignore: frozenset[str] = frozenset(), scanned: Scanned | None = None,
) -> BuildResult:
    bar = ProgressBar(not quiet)
    try:
        return build(root, out, jobs=max(1, jobs), formats=formats, step=bar, clean=clean, strict=strict,
                     ignore=ignore, scanned=scanned)
    except InvalidInput as exc:  # printed without the warnings --ignore silences (the build left out avr.yaml's)
        raise InvalidInput(exc.diagnostics.without(ignore), exc.strict) from None
    finally:
        bar.stop()


def summary(result: BuildResult) -> str:
    target = result.out_dir
    if result.noop:
        count = len(result.outputs)
        return ngettext("nothing changed; {count} file in {folder} is up to date",
                        "nothing changed; {count} files in {folder} are up to date", count).format(count=count, folder=target)
    unchanged = len(result.outputs) - len(result.written)
    count = len(result.written)
    return ngettext("wrote {count} file to {folder} ({unchanged} unchanged)",
                    "wrote {count} files to {folder} ({unchanged} unchanged)", count).format(
        count=count, folder=target, unchanged=unchanged)
