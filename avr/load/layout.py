"""Where things are in a repository: avr.yaml at its root, ``<plans_dir>/<organisation>/<plan>/<sub-folder>/...``.

Every module that builds or takes apart such a path asks here: the loader (model/repository.py,
model/interim.py), the build engine's plan folders (avr/build/), the document cache's shards. The config
model (model/config.py) takes its folder defaults from here.

:func:`peek` is the one look at avr.yaml before it is validated, for what must be known before pydantic is
imported: the messages' language (avr/i18n.py, before --help is built) and where a no-op build finds its
manifest (avr/build/engine.py). Neither trusts it further: the no-op holds it against the validated config
the last build recorded, and every other run validates avr.yaml (model/repository.read_config).
"""

from __future__ import annotations

import re
from pathlib import Path

CONFIG_FILE = "avr.yaml"
PLANS_DIR = "plans"  # default of avr.yaml's plans_dir
OUTPUT_DIR = "build"  # default of avr.yaml's output_dir

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


def peek(config: Path, key: str) -> str | None:
    """The plain value of ``key: value`` at the top level of the YAML file ``config`` (quotes and a comment
    after it allowed), by a line scan of its first 64 KiB; None when the file or the line is missing, or the
    value is not a plain word or path. A hint, never validated here: see the module's docstring."""
    try:
        with config.open("rb") as handle:
            text = handle.read(65536).decode("utf-8", errors="replace")
    except (OSError, RuntimeError, ValueError):  # RuntimeError: a loop of symbolic links
        return None
    match = re.search(rf"""^{re.escape(key)}[ \t]*:[ \t]*(["']?)([\w./-]+)\1[ \t]*(?:#.*)?$""", text, re.MULTILINE)
    return match.group(2) if match else None
