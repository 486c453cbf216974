"""atheris fuzz target for the loader and the schemas: any bytes give a model or clean diagnostics.

    make fuzz         # ten minutes; new inputs kept in .fuzz-work/, crashes written to fuzz/crashes/
    make fuzz-short   # what `make test` runs first: 20 seconds

fuzz/corpus/ holds the seeds (read only: libFuzzer adds its finds to the first folder it is given,
.fuzz-work/).

A crash found here becomes a regression case: save the input in fuzz/corpus/ (tests/test_fuzz_corpus.py
runs every file there through `check` on each test run) and fix the cause.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":  # instrument avr's modules for coverage before anything imports them
    import atheris

    with atheris.instrument_imports(include=["avr"]):
        import avr.load.yamlfile
        import avr.model.repository
        import avr.model.validate  # noqa: F401

from avr.errors import CODES, Diagnostics
from avr.load.yamlfile import Limits, load_bytes
from avr.model.activity import Activity
from avr.model.config import RepoConfig
from avr.model.followup import FollowUp
from avr.model.goal import Goal
from avr.model.organisation import Organisation
from avr.model.plan import Plan, ReportSpec
from avr.model.validate import validate

SCHEMAS = (Goal, Activity, FollowUp, Plan, Organisation, RepoConfig, ReportSpec)
LIMITS = Limits(max_file_bytes=1 << 20, max_depth=200, max_nodes=20_000)  # the deepest avr.yaml allows


def check(data: bytes) -> None:
    """Load ``data`` and validate it against every schema; anything but diagnostics is a failure."""
    diags = Diagnostics()
    doc = load_bytes(data, "fuzz.yaml", diags, LIMITS)
    if (doc is None) != bool(diags.errors):
        raise AssertionError("a document with errors, or no document and no error")
    if doc is not None:
        for schema in SCHEMAS:
            validate(doc, schema, diags)
    for item in diags.items:
        if item.code not in CODES or item.line < 0 or item.col < 0:
            raise AssertionError(f"malformed diagnostic: {item.format()}")


def main() -> None:
    import atheris

    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
