"""`avr check`: every error of every file, and warnings from computing results."""

from __future__ import annotations

from pathlib import Path

from avr.compute.plausibility import outcome_findings
from avr.compute.stated import plan_results
from avr.errors import Diagnostics, InvalidInput
from avr.model.repository import Preload, find_root, load_repository
from avr.render.incremental import refused_inputs


def run_check(start: Path, preload: Preload | None = None) -> Diagnostics:
    root = find_root(start)
    try:
        repo = load_repository(root, strict=False, preload=preload)
    except InvalidInput as exc:
        return exc.diagnostics
    diags = repo.diagnostics
    # files avr build would refuse to hash (devices, FIFOs, links leading out, big files), whatever their kind
    reported = {d.path for d in diags.items}
    for item in refused_inputs(root):
        if item[0] not in reported:
            diags.add(*item)
    if diags.errors:
        return diags
    for org, plan in repo.all_plans():
        findings = outcome_findings(plan, org.periods)
        for result, stated in plan_results(org, plan, repo.config.rules):
            findings += result.findings + stated
        for finding in findings:
            doc = plan.docs.get(id(finding.model))
            if doc is None:
                continue
            line, col = doc.position(finding.loc)
            diags.add(doc.path, line, col, finding.code, finding.message)
    return diags
