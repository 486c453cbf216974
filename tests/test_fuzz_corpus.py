"""Every input kept in fuzz/corpus/ (seeds and crashes found by `make fuzz`) stays a clean outcome."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from conftest import ROOT

CORPUS = sorted((ROOT / "fuzz" / "corpus").iterdir())
_spec = importlib.util.spec_from_file_location("fuzz_loader", ROOT / "fuzz" / "fuzz_loader.py")
assert _spec is not None and _spec.loader is not None
fuzz_loader = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz_loader)


def test_corpus_is_there() -> None:
    assert len(CORPUS) >= 10


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_input_gives_a_model_or_clean_diagnostics(path: Path) -> None:
    fuzz_loader.check(path.read_bytes())
