"""`avr check`: every error of every file, and every warning (avr.findings, shared with `avr build`)."""

from __future__ import annotations

from pathlib import Path

from avr.errors import Diagnostics, InvalidInput
from avr.findings import repository_findings
from avr.model.repository import Preload, find_root, load_repository


def run_check(start: Path, preload: Preload | None = None, ignore: frozenset[str] = frozenset()) -> Diagnostics:
    """Every finding of the repository at or above ``start``, less the warnings of ``ignore`` and avr.yaml's."""
    try:
        repo = load_repository(find_root(start), strict=False, preload=preload)
    except InvalidInput as exc:
        return exc.diagnostics.without(ignore)
    return repository_findings(repo).without(ignore | frozenset(repo.config.ignore))
