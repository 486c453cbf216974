"""The output folder: only avr's, one build at a time, and `--clean` deletes only what avr wrote.

* A folder avr writes into holds the marker file ``.avr-output``. avr refuses to write into an
  existing folder that has other files but no marker (``--out .``, ``--out ~``): it would mix
  reports with a person's files and could overwrite them.
* The marker lists, one per line, every file avr has written there (the manifest). ``--clean``
  deletes the listed files that this build did not write again, and nothing else; a listed path
  that leads outside the folder or is not a plain file is left alone.
* A build holds an exclusive lock (``fcntl.flock`` on ``.avr-output.lock``) while it writes, so two
  builds at once write one after the other instead of interleaving.
* Files are written to a temporary name and renamed (see ``write_atomic``); temporary files a killed
  build left behind are removed by the next one.
"""

from __future__ import annotations

import fcntl
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from avr.errors import UsageError

MARKER = ".avr-output"
LOCK = ".avr-output.lock"
_HEADER = "# This folder is written by avr build; avr build --clean deletes only the files listed below.\n"
_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")  # write_atomic's temporary names: .<name>.<mkstemp's 8>.tmp


def read_manifest(folder: Path) -> set[str]:
    marker = folder / MARKER
    if not marker.is_file():
        return set()
    lines = marker.read_text(encoding="utf-8", errors="replace").splitlines()
    # the first marker avr wrote held one sentence and no list
    return {line for line in lines if line and not line.startswith(("#", "This folder is written by avr"))}


def _check_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder; choose another output folder")
    # the lock file and a temporary marker are another avr build starting in this folder right now
    if folder.is_dir() and not (folder / MARKER).is_file() and any(
        p.name != LOCK and not _TEMP.match(p.name) for p in folder.iterdir()
    ):
        raise UsageError(
            f"{folder} already holds files and was not written by avr (no {MARKER} in it); "
            "avr writes only into an empty folder or one it created — choose another output folder"
        )


@contextmanager
def output_folder(folder: Path) -> Iterator[Path]:
    """Check and lock ``folder`` for one build; yields it, created if needed."""
    _check_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / LOCK).open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"avr: waiting for another avr build writing to {folder}", file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            _check_folder(folder)  # the other build may have changed it
            if not (folder / MARKER).is_file():
                _write_manifest(folder, set())
            _remove_stale_temporaries(folder)
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def record(folder: Path, written: list[Path], *, clean: bool) -> list[Path]:
    """Update the manifest after a build; with ``clean``, delete listed files not written now."""
    new = {path.relative_to(folder).as_posix() for path in written}
    old = read_manifest(folder)
    removed: list[Path] = []
    if clean:
        for rel in sorted(old - new):
            path = folder / rel
            if _ours(folder, rel, path):
                path.unlink()
                removed.append(path)
                _remove_empty_parents(folder, path.parent)
        _write_manifest(folder, new)
    else:
        _write_manifest(folder, old | new)
    return removed


def _ours(folder: Path, rel: str, path: Path) -> bool:
    """A manifest entry avr may delete: a plain file (not a link) inside ``folder``."""
    parts = Path(rel).parts
    if not parts or Path(rel).is_absolute() or ".." in parts or rel in (MARKER, LOCK):
        return False
    if path.is_symlink() or not path.is_file():
        return False
    return path.parent.resolve().is_relative_to(folder.resolve())


def _remove_empty_parents(folder: Path, start: Path) -> None:
    current = start
    while current != folder and current.is_relative_to(folder):
        try:
            current.rmdir()  # only if empty
        except OSError:
            return
        current = current.parent


def _write_manifest(folder: Path, entries: set[str]) -> None:
    from avr.render.build import write_atomic

    text = _HEADER + "".join(f"{entry}\n" for entry in sorted(entries))
    marker = folder / MARKER
    try:
        if marker.read_text(encoding="utf-8") == text:
            return  # unchanged: a build that changed nothing touches nothing
    except (OSError, UnicodeDecodeError):
        pass
    write_atomic(marker, text)


def _remove_stale_temporaries(folder: Path) -> None:
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            if _TEMP.match(name):
                Path(dirpath, name).unlink(missing_ok=True)
