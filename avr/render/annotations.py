"""`avr check --format github|json`: diagnostics for CI systems.

GitHub Actions turns ``::error file=…,line=…,col=…,title=…::message`` lines on stdout into
annotations on the changed lines of a pull request; the file must be relative to the
checkout, which is the git work tree, not necessarily the folder holding avr.yaml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from avr.errors import Diagnostic, Diagnostics, Severity


def git_prefix(root: Path) -> str:
    """Where ``root`` lies inside its git work tree (`docs/plans/`), or "" at the top or outside git."""
    root = root.resolve()
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            rel = root.relative_to(folder).as_posix()
            return "" if rel == "." else rel + "/"
    return ""


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(d: Diagnostic, prefix: str = "") -> str:
    command = "error" if d.severity is Severity.ERROR else "warning"
    props = [f"file={_escape_property(prefix + d.path)}"]
    if d.line:
        props += [f"line={d.line}", f"col={d.col}"]
    props.append(f"title={_escape_property(d.code)}")
    return f"::{command} {','.join(props)}::{_escape_data(d.message)}"


def github_lines(diags: Diagnostics, prefix: str = "") -> list[str]:
    return [github_line(d, prefix) for d in diags.sorted()]


def json_report(diags: Diagnostics, strict: bool = False) -> dict[str, Any]:
    items = diags.sorted()
    return {
        "ok": not diags.fails(strict),
        "diagnostics": [
            {"path": d.path, "line": d.line or None, "col": d.col or None, "code": d.code,
             "severity": d.severity.value, "message": d.message}
            for d in items
        ],
        "summary": {"errors": sum(d.severity is Severity.ERROR for d in items),
                    "warnings": sum(d.severity is Severity.WARNING for d in items),
                    "files": len({d.path for d in items})},
    }
