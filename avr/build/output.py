"""The output folder: only avr's, one build at a time, and `--clean` deletes only what avr wrote.

* A folder avr writes into holds the marker file ``.avr-output``. avr refuses to write into an
  existing folder that has other files but no marker (``--out .``, ``--out ~``): it would mix
  reports with a person's files and could overwrite them.
* The marker lists, one per line, every file avr has written there. ``--clean``
  deletes the listed files that this build did not write again, and nothing else; a listed path
  that leads outside the folder or is not a plain file is left alone.
* A build holds an exclusive lock (``fcntl.flock`` on ``.avr-output.lock``) while it writes, so two
  builds at once write one after the other instead of interleaving.
* Files are written to a temporary name and renamed (see ``write_atomic``); temporary files a killed
  build left behind are removed by the next one.
* A pull request can commit the output folder itself: a marker, a page of its own, links. So a build
  refuses (E702) an output folder holding files tracked by git (a marker there proves nothing) or a
  symbolic link where avr writes, reads or deletes (its marker, lock, cache, the cache's entries, the
  folders of the reports): avr never follows a link inside its output folder (:func:`guard`,
  :func:`real_folders`).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from avr.build.scan import CACHE_DIR, Output
from avr.errors import AvrError, Diagnostics, InvalidInput, UsageError
from avr.i18n import gettext as _
from avr.load.checked import file_hash
from avr.load.inputs import read_own

MARKER = ".avr-output"
LOCK = ".avr-output.lock"
_HEADER = "# This folder is written by avr build; avr build --clean deletes only the files listed below.\n"
_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")  # write_atomic's temporary names: .<name>.<mkstemp's 8>.tmp


def written_list(folder: Path) -> set[str]:
    """The files the marker lists: every file avr has written into ``folder``."""
    try:
        lines = read_own(folder / MARKER).decode("utf-8", errors="replace").splitlines()
    except OSError:
        return set()
    # the first marker avr wrote held one sentence and no list
    return {line for line in lines if line and not line.startswith(("#", "This folder is written by avr"))}


def _check_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UsageError(_("{folder} is a file, not a folder; choose another output folder").format(folder=folder))
    # the lock file and a temporary marker are another avr build starting in this folder right now
    if folder.is_dir() and not (folder / MARKER).is_file() and any(
        p.name != LOCK and not _TEMP.match(p.name) for p in folder.iterdir()
    ):
        raise UsageError(
            _("{folder} already holds files and was not written by avr (no {marker} in it); "
              "avr writes only into an empty folder or one it created — choose another output folder").format(
                folder=folder, marker=MARKER)
        )


@contextmanager
def output_folder(folder: Path) -> Iterator[Path]:
    """Check and lock ``folder`` for one build; yields it, created if needed."""
    _check_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    try:  # never through a link: a committed `.avr-output.lock -> /elsewhere` would create a file there
        descriptor = os.open(folder / LOCK, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise AvrError(_("cannot open the lock file {file}: {reason}").format(
            file=folder / LOCK, reason=exc.strerror or exc)) from None
    with os.fdopen(descriptor, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"avr: waiting for another avr build writing to {folder}", file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            _check_folder(folder)  # the other build may have changed it
            if not (folder / MARKER).is_file():
                _write_list(folder, set())
            _remove_stale_temporaries(folder)
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def record(folder: Path, written: list[Path], *, clean: bool) -> list[Path]:
    """Update the marker's list after a build; with ``clean``, delete listed files not written now."""
    new = {path.relative_to(folder).as_posix() for path in written}
    old = written_list(folder)
    removed: list[Path] = []
    if clean:
        for rel in sorted(old - new):
            path = folder / rel
            if _ours(folder, rel, path):
                path.unlink()
                removed.append(path)
                _remove_empty_parents(folder, path.parent)
        _write_list(folder, new)
    else:
        _write_list(folder, old | new)
    return removed


def _ours(folder: Path, rel: str, path: Path) -> bool:
    """A listed file avr may delete: a plain file (not a link) inside ``folder``."""
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


def _write_list(folder: Path, entries: set[str]) -> None:
    text = _HEADER + "".join(f"{entry}\n" for entry in sorted(entries))
    marker = folder / MARKER
    try:
        if read_own(marker).decode("utf-8") == text:
            return  # unchanged: a build that changed nothing touches nothing
    except (OSError, UnicodeDecodeError):
        pass
    write_atomic(marker, text)


def _remove_stale_temporaries(folder: Path) -> None:
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            if _TEMP.match(name):
                Path(dirpath, name).unlink(missing_ok=True)


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def guard(folder: Path, root: Path) -> None:
    """Refuse (E702, exit 1) an output folder a pull request could have shaped, before anything is read or written
    there: files in it tracked by git, or a link as avr's marker, lock, cache or an entry of the cache."""
    diags = Diagnostics()
    for name in tracked_files(folder, root):
        diags.add(name, 0, 0, "E702", _("tracked by git inside the output folder {folder}: a committed "
                                        "output folder could publish files avr did not write; remove it from git "
                                        "(git rm -r --cached) or build into another folder").format(
                                          folder=_display(folder, root)))
    if not diags.items:
        links = [folder / name for name in (MARKER, LOCK, CACHE_DIR) if os.path.islink(folder / name)]
        cache = folder / CACHE_DIR
        if cache.is_dir() and not os.path.islink(cache):
            with os.scandir(cache) as entries:
                links += [cache / entry.name for entry in entries if entry.is_symlink()]
        for link in sorted(links):
            diags.add(_display(link, root), 0, 0, "E702", _("symbolic link inside the output folder; avr never writes, "
                                                            "reads or deletes through a link there: remove it"))
    if diags.items:
        raise InvalidInput(diags)


def tracked_files(folder: Path, root: Path) -> list[str]:
    """Files git tracks inside ``folder`` (paths from ``root``), at most 20; none outside a git work tree."""
    # the folder itself may be a (committed) link: git answers for the link and, separately, for where it leads
    specs = [str(folder), str(folder.resolve())] if os.path.islink(folder) else [str(folder)]
    names: list[str] = []
    for spec in specs:
        try:
            proc = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", spec],
                                  capture_output=True, check=False, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return []
        if proc.returncode == 0:  # else not a git work tree, or the folder lies outside it
            # paths relative to git's -C folder: the repository root
            names += [name for name in proc.stdout.decode("utf-8", errors="replace").split("\0") if name]
    return sorted(set(names))[:20]


def real_folders(folder: Path, rels: list[str]) -> None:
    """Create the folders of ``rels`` inside ``folder``, each a real folder: a link, or a file in the way, is
    E702 naming it, before anything is moved (a committed `build/org -> /elsewhere` would receive reports)."""
    known: set[str] = set()
    problems: set[str] = set()
    for rel in rels:
        parts = rel.split("/")[:-1]
        current = folder
        for index, part in enumerate(parts):
            key = "/".join(parts[:index + 1])
            current = current / part
            if key in known:
                continue
            try:
                mode = os.lstat(current).st_mode
            except FileNotFoundError:
                current.mkdir()
                mode = os.lstat(current).st_mode
            if not stat.S_ISDIR(mode):  # a link (lstat does not follow it) or a file
                problems.add(key)
                break
            known.add(key)
    if problems:
        diags = Diagnostics()
        for key in sorted(problems):
            diags.add((folder / key).as_posix(), 0, 0, "E702", _("symbolic link or file where avr writes a folder of "
                                                                 "reports, inside the output folder; avr never writes "
                                                                 "through a link there: remove it"))
        raise InvalidInput(diags)


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write ``path`` through a temporary file in its folder and a rename: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as raw:
                raw.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        # mkstemp creates the file 0600; published reports must be readable like any file the user writes
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


Entry = tuple[str, str, int, int, bool]  # rel, content hash, size, mtime_ns, staged (to be published)


def stat_of(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


class Staging:
    """A build's staging folder: reports are rendered into it and moved into place only when every one
    succeeded, so a template error in one report leaves all published reports as they were."""

    def __init__(self, out_dir: Path, old: dict[str, Output]) -> None:
        self.out_dir = out_dir
        self.old = old  # the last build's outputs
        for stale in (out_dir / CACHE_DIR).glob("staging-*"):  # a killed build's (the caller holds the lock)
            shutil.rmtree(stale, ignore_errors=True)
        self.folder = out_dir / CACHE_DIR / f"staging-{os.getpid()}"

    def stage(self, rel: str, text: str | bytes) -> Entry:
        """Stage ``rel`` unless the published file already holds exactly this; its hash and stat either way."""
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        digest = file_hash(data)
        previous = self.old.get(rel)
        if previous is not None and previous[0] == digest:
            st = stat_of(self.out_dir / rel)
            if st is not None and st == tuple(previous[1:]):
                return rel, digest, st[0], st[1], False
        staged = self.folder / rel
        write_atomic(staged, text)
        after = staged.stat()
        return rel, digest, after.st_size, after.st_mtime_ns, True

    def publish(self, entries: list[Entry]) -> list[Path]:
        """Move the staged files into place; the files written."""
        real_folders(self.out_dir, [rel for rel, *_, staged in entries if staged])  # no link on the way
        written = []
        for rel, *_rest, staged in entries:
            if staged:
                os.replace(self.folder / rel, self.out_dir / rel)  # keeps the inode: the recorded stat stays true
                written.append(self.out_dir / rel)
        return written

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def undo_output_folder(out_dir: Path, created: bool, had_marker: bool) -> None:
    """A refused build leaves the output folder as it found it: absent, or without avr's marker and cache."""
    if created:
        shutil.rmtree(out_dir, ignore_errors=True)
    elif not had_marker:
        shutil.rmtree(out_dir / CACHE_DIR, ignore_errors=True)
        for name in (MARKER, LOCK):
            (out_dir / name).unlink(missing_ok=True)
