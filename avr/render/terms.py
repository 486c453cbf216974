"""The plan's own words for its items (plan.yaml `terms:`), else the label catalogue's.

Headings, captions and sentences name goals and work items through these nouns, so a board that says
"nämndmål" and "insats" never reads another municipality's "huvudprocess" or "åtagande". Catalogue labels
name them with places such as ``{goal_plural}`` or ``{Item_definite}`` (capital first letter: capitalised).
"""

from __future__ import annotations

import re
from typing import Any

from avr.model.goal import Goal
from avr.model.plan import Noun, Plan
from avr.render.labels import Labels

FORMS = ("singular", "plural", "definite", "definite_plural")
_PLACE = re.compile(r"\{([A-Za-z_]+?)(?:_(plural|definite_plural|definite))?\}")
# An id written as a name, not a number: `egenforsorjning`, `max-fyra-procent` (while `2:1`, `U4`, `SKA` are printed)
_SLUG = re.compile(r"[a-zåäö]+(?:[-_][a-zåäö0-9]+)*")
_ITEM = "activity"  # `{item}` in a label: the plan's work items (activity files)


def capfirst(text: str) -> str:
    """First letter upper case, the rest as written ("KS-uppdrag" stays, unlike str.capitalize)."""
    return text[:1].upper() + text[1:]


class Words:
    """Nouns of one plan: ``noun("goal")`` gives its forms and gender."""

    def __init__(self, plan: Plan, labels: Labels) -> None:
        self.plan = plan
        self.labels = labels
        self._labels: dict[tuple[str, ...], str] = {}  # label(): the same few on every activity card

    def noun(self, key: str) -> dict[str, str]:
        """The forms and gender of ``key`` (a goal kind, `activity`, or `item` for the plan's work items)."""
        key = _ITEM if key == "item" else key
        own = self._own(key)
        if own is not None:
            return {k: str(v) for k, v in own.model_dump().items()}
        if key == _ITEM:
            key = self.plan.item_noun
        found = self.labels.get("nouns", key)
        if isinstance(found, dict):
            return {k: str(v) for k, v in found.items()}
        # a goal kind the catalogue has no nouns for: its heading words
        singular, plural = str(self.labels("goal_kind", key)), str(self.labels("goal_kind_plural", key))
        return {"singular": singular.lower(), "plural": plural.lower(), "definite": singular.lower(),
                "definite_plural": plural.lower(), "gender": "common"}

    def fill(self, text: Any) -> str:
        """``text`` with its noun places filled: `{goal_plural}` → nämndmål, `{Item_plural}` → Insatser."""
        def one(match: re.Match[str]) -> str:
            name, form = match[1], match[2] or "singular"
            key = name.lower()
            if key not in ("goal", "item", "commitment", "process_goal", "refinement") and not self._known(key):
                return match[0]
            word = self.noun(key)[form]
            return capfirst(word) if name[0].isupper() else word

        return _PLACE.sub(one, str(text))

    def _own(self, key: str | None) -> Noun | None:
        for name, noun in self.plan.terms.items():
            if name == key:
                return noun
        return None

    def _known(self, key: str) -> bool:
        return key in self.plan.terms or self.labels.get("goal_kind", key) is not None

    def label(self, *path: str) -> str:
        """A catalogue label with its noun places filled."""
        found = self._labels.get(path)
        if found is None:
            found = self._labels[path] = self.fill(self.labels(*path))
        return found

    def kind_heading(self, kind: str) -> str:
        """The heading over the plan's items of ``kind``: "Nämndmål", else the catalogue's "Mål"."""
        own = self._own(kind)
        return capfirst(own.plural) if own is not None else str(self.labels("goal_kind_plural", kind))

    def goal_label(self, goal: Goal) -> str:
        """"Mål 2/ Fokusområde 2 – Barnfamiljer", "Nämndmål 1 – Fler hushåll …"; an id that is a name (a file
        slug such as `egenforsorjning`) is never printed: the goal's `number`, else no number."""
        own = self._own(goal.kind)
        text = capfirst(own.singular) if own is not None else str(self.labels("goal_kind", goal.kind))
        number = goal.number or (None if _is_slug(goal.id) else goal.id)
        if number:
            text += f" {number}"
        if goal.focus_area:
            text += f"/ {goal.focus_area}"
        if goal.title:
            text += f" – {goal.title}"
        return text

    def verdict_sentence(self, verdict: str, goal: Goal | None = None) -> str:
        """"Målet är uppfyllt", "Huvudprocessen är uppfylld", "Nämndmålet kan inte bedömas"."""
        own = self._own(goal.kind if goal is not None else None)
        noun = own.model_dump() if own is not None else self.noun("goal")
        gender = noun["gender"]
        text = self.labels.get(f"verdict_sentence_{gender}", verdict) or self.labels("verdict_sentence", verdict)
        return re.sub(r"\{([Nn])oun\}", lambda m: capfirst(noun["definite"]) if m[1] == "N" else noun["definite"], str(text))


def _is_slug(text: str) -> bool:
    return bool(_SLUG.fullmatch(text)) and ("-" in text or "_" in text or len(text) > 3)
