"""Where things are in a repository's plans folder: ``<plans_dir>/<organisation>/<plan>/<sub-folder>/...``.

Every module that builds or takes apart such a path asks here: the loader (model/repository.py,
model/interim.py), the build engine's plan folders (avr/build/), the document cache's shards.
"""

from __future__ import annotations

ORGANISATION_FILE = "organisation.yaml"
PLAN_FILE = "plan.yaml"

# a plan folder's sub-folders (each holds one kind of file; model/ reads them)
GOALS = "goals"
ACTIVITIES = "activities"
FOLLOWUPS = "followups"  # followups/<period>/...
REPORTS = "reports"
OUTCOMES = "outcomes"  # outcomes/<period>/<indicator>.yaml
ECONOMY = "economy"
CONTROLS = "controls"
CONTROL_RESULTS = "control-results"
AUDITS = "audits"
AUDIT_FOLLOWUPS = "audit-followups"


def plan_folder_of(rel: str, prefix: str) -> str | None:
    """The plan folder (``<prefix><org>/<plan>``) holding the file ``rel`` (a path under ``prefix``, the plans
    folder with its slash), or None for a file not inside a plan folder."""
    parts = rel[len(prefix):].split("/")
    return prefix + "/".join(parts[:2]) if len(parts) >= 3 else None


def organisation_file(plan_folder: str) -> str:
    """The organisation.yaml of a plan folder's organisation."""
    return plan_folder.rsplit("/", 1)[0] + "/" + ORGANISATION_FILE
