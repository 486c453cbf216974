"""Load every YAML file of a repository at once: from a cache when unchanged, in parallel when many changed.

The cache holds plain data only (marshal of dicts, lists, tuples, strings and bytes): each file's data as marshal
bytes, the marks of its values and keys (Document.packed), and the diagnostics reading it produced, so errors stay
complete and exact when a build reuses it. Workers send documents back in the same form, and documents keep it:
their objects are made when first read and dropped again once validated. The cache is keyed by content hash
(BLAKE2b) with a stat shortcut (size, mtime_ns), sharded by the folder directly under the plans folder's
organisations (one shard per plan), and versioned by avr's version, the cache format and the configured limits.
Each shard carries a checksum: a damaged, foreign or stale shard is ignored and
rewritten, never trusted.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from avr import __version__
from avr.errors import Diagnostic, Diagnostics, Problem
from avr.i18n import current as current_language
from avr.load.checked import file_hash, read_checked, recent, write_checked
from avr.load.yamlfile import Document, Limits, load_bytes, load_document

FORMAT = 5  # 5: shards in the one checked format (write_checked); 4: values with E012 no longer valid
# Below this many files a process pool costs more than it saves (benchmarks/NOTES.md).
PARALLEL_MIN_FILES = 400

Loaded = tuple[Document | None, list[Diagnostic]]
Progress = Callable[[int, int], None]  # files done, files in all


def _diagnostics(items: list[Problem]) -> list[Diagnostic]:
    return Diagnostics.of(items).items if items else []


def _pack_doc(doc: Document | None) -> Any:
    """A document as two byte strings (its data in marshal, its marks): cheap to send, keep and cache."""
    return None if doc is None else doc.packed()


def _unpack_doc(display: str, packed: Any) -> Document | None:
    return None if packed is None else Document.from_packed(display, *packed)


def _parse(raw: bytes, display: str, limits: Limits) -> tuple[Any, list[Problem]]:
    diags = Diagnostics()
    doc = load_bytes(raw, display, diags, limits)
    return _pack_doc(doc), diags.problems()


Parsed = tuple[str, str | None, Any, Any, int, int]  # path, content hash (None: unusual), packed, diagnostics, stat


def _parse_files(items: list[tuple[str, str]], limits: Limits) -> list[Parsed]:
    """Read, hash and parse each file, with its size and mtime (the stat is done here, in the worker).

    A file that cannot be read, or is not a regular file, or is too big, comes back with no hash: the main process
    reports it through load_document, as it would have after its own stat.
    """
    out: list[Parsed] = []
    for path, display in items:
        try:
            st = os.stat(path)  # follows links, like load_document
            if not stat.S_ISREG(st.st_mode) or st.st_size > limits.max_file_bytes:
                raise OSError
            raw = _read(path, st.st_size, limits.max_file_bytes)
        except OSError:
            out.append((path, None, None, None, 0, 0))
            continue
        packed, diags = _parse(raw, display, limits)
        out.append((path, file_hash(raw), packed, diags, st.st_size, st.st_mtime_ns))
    return out


def _read(path: str, size: int, limit: int) -> bytes:
    """The file's bytes, read in one call when its size is as stat said; OSError past ``limit`` bytes.

    (A buffered ``read(limit + 1)`` would allocate the whole limit for every file.)
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        parts: list[bytes] = []
        total = 0
        want = size + 1
        while True:
            chunk = os.read(fd, want)
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
            if total > limit:
                raise OSError("over the limit")
            # fewer bytes than asked: the end, confirmed by one more (empty) read; more: the file grew, read on
            want = 1 if len(chunk) < want else 65536
    finally:
        os.close(fd)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _parse_chunk(args: tuple[list[tuple[str, str]], Limits]) -> bytes:
    """Worker: read, hash and parse files; marshal is the cheapest way to send plain data back."""
    with no_collector():
        return marshal.dumps(_parse_files(*args))


@contextmanager
def no_collector() -> Iterator[None]:
    """Loading makes no reference cycles (tests/test_load_fast.py checks it), only many objects that live on:
    the cyclic collector would walk them over and over. It runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class DocStore:
    """Positioned documents of many files, cached under ``cache_dir`` (None: no cache)."""

    def __init__(self, root: Path, cache_dir: Path | None, jobs: int = 1, progress: Progress | None = None) -> None:
        self.root = root
        self.cache_dir = cache_dir
        self.jobs = max(1, jobs)
        self.progress = progress
        self.parsed = 0  # files parsed in this run (not served from the cache)
        self.total = 0
        self._prefix = root.as_posix().rstrip("/") + "/"
        self.hashes: dict[str, str] = {}  # display path -> content hash of every file read in this run
        self.pending: list[tuple[str, Limits, dict[str, Any]]] = []  # shards to write on flush()

    def display(self, path: Path) -> str:
        """As the loader shows it: relative to the root (plain string work; pathlib's is slow at 50 000 files)."""
        text = path.as_posix()
        return text[len(self._prefix):] if text.startswith(self._prefix) else text

    def shard_of(self, display: str) -> str:
        parts = display.split("/")
        return "/".join(parts[:3]) if len(parts) > 3 else "/".join(parts[:-1]) or "."

    # ---------------------------------------------------------------- shards

    def _shard_path(self, shard: str) -> Path:
        assert self.cache_dir is not None
        return self.cache_dir / "docs" / (hashlib.blake2b(shard.encode(), digest_size=10).hexdigest() + ".marshal")

    def _version(self, limits: Limits) -> tuple[Any, ...]:
        # the language too: the diagnostics kept are in the language they were made in
        return (__version__, FORMAT, limits.max_file_bytes, limits.max_depth, limits.max_nodes, current_language())

    def _read_shard(self, shard: str, limits: Limits) -> dict[str, Any]:
        """The shard's entries, or {} if missing, damaged or of another version."""
        if self.cache_dir is None:
            return {}
        entries = read_checked(self._shard_path(shard), (self._version(limits), shard))
        return entries if isinstance(entries, dict) else {}

    def _write_shard(self, shard: str, limits: Limits, entries: dict[str, Any]) -> None:
        if self.cache_dir is not None:
            write_checked(self._shard_path(shard), (self._version(limits), shard), entries)

    # ------------------------------------------------------------------ load

    def load_all(self, paths: Iterable[Path], limits: Limits) -> dict[Path, Loaded]:
        """Every file's document and diagnostics, exactly as :func:`load_document` would give them."""
        with no_collector():
            return self._load_all(paths, limits)

    def _load_all(self, paths: Iterable[Path], limits: Limits) -> dict[Path, Loaded]:
        now = time.time()
        by_shard: dict[str, list[tuple[Path, str]]] = {}
        paths = list(paths)
        self.total = len(paths)
        for path in paths:
            display = self.display(path)
            by_shard.setdefault(self.shard_of(display), []).append((path, display))
        result: dict[Path, Loaded] = {}
        fresh: dict[str, dict[str, Any]] = {}
        todo: list[tuple[Path, str, str, tuple[int, int] | None]] = []  # (path, display, shard, size and mtime)
        done = 0
        olds: dict[str, dict[str, Any]] = {}
        for shard, files in by_shard.items():
            old = olds[shard] = self._read_shard(shard, limits)
            new: dict[str, Any] = {}
            fresh[shard] = new
            changed = len(old) != len(files)
            if not old:  # nothing cached to compare with: the workers stat each file as they read it
                todo.extend((path, display, shard, None) for path, display in files)
                files = []
            for path, display in files:
                try:
                    st: os.stat_result | None = path.stat()  # follows links, like load_document
                except OSError:
                    st = None
                if st is None or not stat.S_ISREG(st.st_mode) or st.st_size > limits.max_file_bytes:
                    # unusual files are never cached: load_document reports exactly what is wrong
                    diags = Diagnostics()
                    result[path] = (load_document(path, display, diags, limits), diags.items)
                    changed = True
                    continue
                entry = old.get(display)
                if entry is not None and entry[0] == st.st_size and entry[1] == st.st_mtime_ns:
                    result[path] = (_unpack_doc(display, entry[3]), _diagnostics(entry[4]))
                    self.hashes[display] = entry[2]  # as the stat vouches for the entry, it does for its hash
                    new[display] = entry
                    done += 1
                    continue
                changed = True
                todo.append((path, display, shard, (st.st_size, st.st_mtime_ns)))
            if not changed:
                fresh.pop(shard)  # nothing to rewrite
            if self.progress:
                self.progress(done, self.total)
        self._parse_all(todo, limits, old_entries=olds,
                        fresh=fresh, result=result, now=now)
        self.pending = [(shard, limits, entries) for shard, entries in fresh.items()]
        return result

    def flush(self) -> None:
        """Write the shards that changed (a build that refuses invalid input may choose not to)."""
        for shard, limits, entries in self.pending:
            self._write_shard(shard, limits, entries)
        self.pending = []

    def _parse_all(
        self,
        todo: list[tuple[Path, str, str, tuple[int, int] | None]],
        limits: Limits,
        old_entries: dict[str, dict[str, Any]],
        fresh: dict[str, dict[str, Any]],
        result: dict[Path, Loaded],
        now: float,
    ) -> None:
        names = [(str(path), display) for path, display, _, _ in todo]
        info = {name: item for (name, _), item in zip(names, todo, strict=True)}
        parsed: Iterable[Parsed]
        if self.jobs > 1 and len(todo) >= PARALLEL_MIN_FILES:
            parsed = self._parse_parallel(names, limits)
        else:
            parsed = _parse_files(names, limits)
        for count, (key, digest, packed, diags, size, mtime) in enumerate(parsed, start=1):
            path, display, shard, known = info[key]
            if digest is not None:
                self.hashes[display] = digest
            if digest is None:
                loaded = Diagnostics()
                result[path] = (load_document(path, display, loaded, limits), loaded.items)
                continue
            old = old_entries.get(shard, {}).get(display)
            if old is not None and old[2] == digest:
                packed, diags = old[3], old[4]  # same content, new mtime: keep the cached parse
            else:
                self.parsed += 1
            if known is not None:
                size, mtime = known  # the stat compared with the cache
            fresh[shard][display] = (-1 if recent(mtime, now) else size, mtime, digest, packed, diags)
            result[path] = (_unpack_doc(display, packed), _diagnostics(diags))
            if self.progress and (count % 500 == 0 or count == len(todo)):
                self.progress(len(result), self.total)

    def _parse_parallel(self, items: list[tuple[str, str]], limits: Limits) -> Iterable[Parsed]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        size = max(50, len(items) // (self.jobs * 8))
        chunks = [(items[i:i + size], limits) for i in range(0, len(items), size)]
        # fork: workers start in milliseconds and need nothing sent but paths
        ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=self.jobs, mp_context=ctx) as pool:
            for blob in pool.map(_parse_chunk, chunks):
                yield from marshal.loads(blob)
