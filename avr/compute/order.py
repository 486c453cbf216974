"""The one order of identifiers (ordning): how every report, export and command lists goals, activities and the rest."""

from __future__ import annotations

import re


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort `2` < `2:1` < `10` and `1a` < `1b` < `2`, as people number things; numbers before letters (`10` < `S1` < `a`)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", text))
