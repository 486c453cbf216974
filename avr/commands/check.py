"""`avr check`: every error of every file, and every warning (avr.findings, shared with `avr build`)."""

from __future__ import annotations

from pathlib import Path

from avr.build.output import MARKER
from avr.build.scan import CACHE_DIR, Folders, refused_inputs
from avr.compute.checks import load_checked
from avr.errors import Diagnostics, InvalidInput
from avr.findings import repository_findings
from avr.load.cache import DocStore
from avr.model.repository import find_root, read_config


def check_store(root: Path, jobs: int, output_dir: str) -> DocStore:
    """The build's document cache for `avr check`; written only where a build already made the output folder
    (``output_dir``, avr.yaml's)."""
    out_dir = root / output_dir
    # the cache is kept only in a folder of avr's (one holding its marker)
    return DocStore(root, out_dir / CACHE_DIR if (out_dir / MARKER).is_file() else None, max(1, jobs))


def run_check(start: Path, jobs: int = 1, ignore: frozenset[str] = frozenset()) -> Diagnostics:
    """Every finding of the repository at or above ``start``, less the warnings of ``ignore`` and avr.yaml's.

    Files are read through the build's document cache (``jobs`` processes for the ones not in it)."""
    root = find_root(start)
    try:
        config = read_config(root)
    except InvalidInput as exc:
        return exc.diagnostics.without(ignore)
    store = check_store(root, jobs, config.config.output_dir)
    try:
        repo = load_checked(root, strict=False, preload=store.load_all, config=config)
    except InvalidInput as exc:
        return exc.diagnostics.without(ignore)
    finally:
        store.flush()
    diags = repository_findings(repo)
    # files avr build would refuse to hash (devices, FIFOs, links leading out, big files), whatever their kind
    reported = {d.path for d in diags.items}
    for item in refused_inputs(root, Folders.of(repo.config)):
        if item[0] not in reported:
            diags.add(*item)
    return diags.without(ignore | frozenset(repo.config.ignore))
