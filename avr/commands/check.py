"""`avr check`: every error of every file, and every warning (avr.findings, shared with `avr build`)."""

from __future__ import annotations

from pathlib import Path

from avr.build.scan import refused_inputs
from avr.compute.checks import load_checked
from avr.errors import Diagnostics, InvalidInput
from avr.findings import repository_findings
from avr.model.repository import Preload, find_root


def run_check(start: Path, preload: Preload | None = None, ignore: frozenset[str] = frozenset()) -> Diagnostics:
    """Every finding of the repository at or above ``start``, less the warnings of ``ignore`` and avr.yaml's."""
    root = find_root(start)
    try:
        repo = load_checked(root, strict=False, preload=preload)
    except InvalidInput as exc:
        return exc.diagnostics.without(ignore)
    diags = repository_findings(repo)
    # files avr build would refuse to hash (devices, FIFOs, links leading out, big files), whatever their kind
    reported = {d.path for d in diags.items}
    for item in refused_inputs(root):
        if item[0] not in reported:
            diags.add(*item)
    return diags.without(ignore | frozenset(repo.config.ignore))
