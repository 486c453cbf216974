"""Shared fixtures: the project's own example repository and the small fixture repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# avr speaks Swedish by default (avr/i18n.py); the tests that read its messages read the English ones,
# tests/test_i18n.py the Swedish. Set before avr is imported, so --help texts are English too.
os.environ["AVR_LANG"] = "en"

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run_avr(*args: str | Path, cwd: Path | None = None, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess, as a user would; ``lang`` sets AVR_LANG (the messages' language)."""
    return subprocess.run(
        [sys.executable, "-m", "avr", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, "AVR_LANG": lang} if lang else None,
    )


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A writable copy of the example repository (avr.yaml + plans/)."""
    target = tmp_path / "repo"
    target.mkdir()
    shutil.copy(ROOT / "avr.yaml", target / "avr.yaml")
    shutil.copytree(ROOT / "plans", target / "plans")
    return target


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", target)
    return target
