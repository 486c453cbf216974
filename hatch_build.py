"""Build hook: the Swedish message catalogue (avr/locale/*/LC_MESSAGES/avr.po) compiled into the .mo that
gettext reads at run time, so `pip install .` gives a Swedish avr from a clean clone (the .mo is not in git)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogues(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(Path(self.root, "avr", "locale").glob("*/LC_MESSAGES/avr.po")):
            with po.open("rb") as source:
                catalogue = read_po(source)
            with po.with_suffix(".mo").open("wb") as target:
                write_mo(target, catalogue, use_fuzzy=True)
            if version != "editable":  # an editable install reads the .mo beside the .po
                build_data["force_include"][str(po.with_suffix(".mo"))] = str(po.with_suffix(".mo").relative_to(self.root))
