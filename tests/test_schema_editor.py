"""The schemas in VS Code's own YAML language server (yaml-language-server), driven over stdio.

`make editor-test` installs the server from npm into .venv/node and runs this file; without it the
test is skipped (the `jsonschema` tests in test_schema.py always run). It shows that the editor,
with its own YAML 1.2 typing and JSON Schema engine, accepts every file of plans/ and underlines a
misspelt field.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from test_schema import kind_of, repo_files

SERVER = Path(os.environ.get("AVR_YAML_LANGUAGE_SERVER", ROOT / ".venv/node/node_modules/.bin/yaml-language-server"))
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    not (SERVER.exists() and NODE), reason="yaml-language-server not installed (`make editor-test` installs it)"
)


def test_yaml_language_server_accepts_the_repository_and_flags_misspelt_fields(tmp_path: Path) -> None:
    files: list[list[str]] = [[str(p), kind_of(p)] for p in repo_files()]
    activity = (ROOT / "plans/uppsala-amn/26-punktsplan/activities/6.yaml").read_text(encoding="utf-8")
    goal = (FIXTURES / "mini/plans/kommun-amn/handlingsplan/goals/1.yaml").read_text(encoding="utf-8")
    files += [
        ["/bad/titel.yaml", "activity", activity.replace("\ntitle:", "\ntitel:")],
        ["/bad/malvarden.yaml", "goal", goal.replace("    targets:", "    malvarden:")],
        ["/good/new-goal.yaml", "goal", 'id: "3"\nkind: goal\nparent:\ntitle:\ntext: Skriv.\narea:\nindicators:\n'],
    ]
    listing = tmp_path / "files.json"
    listing.write_text(json.dumps(files), encoding="utf-8")
    assert NODE is not None
    done = subprocess.run([NODE, str(Path(__file__).with_name("yls_check.js")), str(SERVER), str(listing),
                           str(ROOT / "schemas")], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    *lines, summary = done.stdout.strip().splitlines()
    assert json.loads(summary)["published"] == len(files)
    found = sorted((uri.split("/")[-1], line, message) for uri, line, message in map(json.loads, lines))
    assert found == [
        ("malvarden.yaml", 11, "Property malvarden is not allowed."),
        ("titel.yaml", 1, 'Missing property "title".'),
        ("titel.yaml", 4, "Property titel is not allowed."),
    ]
