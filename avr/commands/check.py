"""`avr check`: every error of every file, and warnings from computing results."""

from __future__ import annotations

from pathlib import Path

from avr.compute.periods import sort_ids
from avr.compute.plausibility import outcome_findings
from avr.compute.results import compute_plan
from avr.errors import Diagnostics, InvalidInput
from avr.model.repository import Preload, find_root, load_repository


def run_check(start: Path, preload: Preload | None = None) -> Diagnostics:
    try:
        repo = load_repository(find_root(start), strict=False, preload=preload)
    except InvalidInput as exc:
        return exc.diagnostics
    diags = repo.diagnostics
    if diags.errors:
        return diags
    for org, plan in repo.all_plans():
        findings = outcome_findings(plan, org.periods)
        for period in sort_ids({f.period for f in plan.followups}, org.periods):
            findings += compute_plan(org, plan, period, repo.config.rules).findings
        for finding in findings:
            doc = plan.docs.get(id(finding.model))
            if doc is None:
                continue
            line, col = doc.position(finding.loc)
            diags.add(doc.path, line, col, finding.code, finding.message)
    return diags
