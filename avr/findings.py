"""Every finding of a repository, errors and warnings, from one function that `check`, `build` and `serve` share.

The diagnostics of loading the repository through compute/checks.load_checked (errors and the warnings of
reading, and the figures checked once a plan is loaded: economy sums E301–E304 and W301, shares E305), then
what computing results finds: stated figures that differ (E306, E307), implausible outcomes (W803), verdicts
and statuses (W101, W102), and the publishing checks: placeholder text of new files (W104), an accessibility
statement without contact details (W105), targets that contradict their direction (W106). A plan folder with
an error is not computed (its models are incomplete); the others are, so a refused build and `avr check` list
the same findings whichever way the build read the plans (whole, or folder by folder).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from avr.compute.plausibility import outcome_findings
from avr.compute.results import Finding, positioned
from avr.compute.stated import plan_results
from avr.compute.targets import target_findings
from avr.errors import Diagnostics
from avr.i18n import gettext as _
from avr.load.yamlfile import Document
from avr.model.repository import OrgData, PlanData, Repository
from avr.render.labels import load_labels

LANGUAGES = ("sv", "en")


def repository_findings(repo: Repository, folder: str | None = None) -> Diagnostics:
    """The diagnostics of ``repo`` (as compute/checks.load_checked loads it) and every finding computed from it.

    ``folder`` (a plan folder as shown in diagnostics) limits the computed ones to the files in it: a build
    plan by plan asks each plan folder's load for its own findings and the outer load for the rest.
    """
    diags = Diagnostics.of(repo.diagnostics.items)
    found = _computed(repo, folder, {d.path for d in diags.errors})
    diags.items += [d for d in found.items if folder is None or d.path.startswith(folder + "/")]
    return diags


def _computed(repo: Repository, folder: str | None, failed: set[str]) -> Diagnostics:
    diags = Diagnostics()
    plans = [(org, plan) for org, plan in repo.all_plans() if folder is None or plan.path == folder]
    plans = [(org, plan) for org, plan in plans if not any(path.startswith(plan.path + "/") for path in failed)]
    if folder is None or not plans:  # the files outside plan folders belong to the outer load
        contact = repo.config.accessibility
        if not (contact.email or contact.phone):
            config = next((doc for doc in repo.docs.values() if doc.path == "avr.yaml"), None)
            line, col = config.position(("accessibility",), key=True) if config is not None else (0, 0)
            diags.add("avr.yaml", line, col, "W105",
                      _("the accessibility statement has no contact: set accessibility.email (or phone) in avr.yaml"))
    for org, plan in plans:
        diags.extend(positioned(plan_findings(org, plan, repo), plan.docs))
    docs = repo.docs.values() if folder is None else (d for d in repo.docs.values() if d.path.startswith(folder + "/"))
    for doc in docs:
        for loc, text in _placeholders(doc):
            diags.add(doc.path, *doc.position(loc), "W104",
                      _("`{text}` is the placeholder of a new file; write the real text (or remove the field)").format(
                          text=text))
    return diags


def plan_findings(org: OrgData, plan: PlanData, repo: Repository) -> list[Finding]:
    """Findings of one plan: implausible outcomes, those of computing each period it follows up or states
    figures for (stated figures that differ are errors, compute/stated.py), and targets against direction."""
    found: list[Finding] = outcome_findings(plan, org.periods)
    for result, stated in plan_results(org, plan, repo.config.rules):
        found += result.findings + stated
    for goal in plan.goals.values():
        found += target_findings(goal)
    return found


@cache
def placeholder_texts() -> frozenset[str]:
    """The placeholders `avr new` and `avr init` write, in every language (label catalogue, `new:`)."""
    texts: set[str] = set()
    for language in LANGUAGES:
        section = load_labels(language).get("new", default={})
        texts.update(str(value).strip() for value in section.values() if isinstance(value, str) and value.strip())
    return frozenset(texts)


def _placeholders(doc: Document) -> Iterator[tuple[tuple[Any, ...], str]]:
    texts = placeholder_texts()
    if not any(doc.may_hold(text) for text in texts):
        return
    stack: list[tuple[tuple[Any, ...], Any]] = [((), doc.data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, dict):
            stack += [((*loc, key), item) for key, item in value.items()]
        elif isinstance(value, list):
            stack += [((*loc, index), item) for index, item in enumerate(value)]
        elif isinstance(value, str) and value.strip() in texts:
            yield loc, value.strip()
