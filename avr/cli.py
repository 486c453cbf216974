"""The command line: thin typer commands over load → model → compute → render.

All errors become messages and exit codes in one place, `_run`: 0 valid,
1 invalid input, 2 usage error. No traceback reaches the user.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from jinja2 import TemplateError

from avr import __version__
from avr.errors import AvrError, Diagnostics, InvalidInput, UsageError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="avr compiles goal follow-up reports (uppföljningsrapporter) from plans written as YAML.",
    pretty_exceptions_enable=False,
)

RepoOption = typer.Option(
    None, "--repo", "-C", help="Repository folder (default: the folder holding avr.yaml here or above)"
)


def _print_diagnostics(diags: Diagnostics) -> None:
    for d in diags.sorted():
        typer.echo(d.format(), err=True)
    errors, warnings = len(diags.errors), len(diags.warnings)
    if errors or warnings:
        typer.echo(f"{errors} error(s), {warnings} warning(s)", err=True)


def _run(action: Callable[[], int | None]) -> None:
    """The one exception → exit-code mapper."""
    try:
        code = action() or 0
    except InvalidInput as exc:
        _print_diagnostics(exc.diagnostics)
        raise typer.Exit(1) from None
    except UsageError as exc:
        typer.echo(f"avr: {exc}", err=True)
        raise typer.Exit(2) from None
    except AvrError as exc:
        typer.echo(f"avr: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("avr: interrupted", err=True)
        raise typer.Exit(130) from None
    except TemplateError as exc:
        name, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
        where = f"{name}:{line}: " if name else ""
        typer.echo(f"avr: template error: {where}{exc.message or exc}", err=True)
        raise typer.Exit(1) from None
    except OSError as exc:
        typer.echo(f"avr: {exc.filename or ''}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from None
    except Exception as exc:  # a bug in avr: say so briefly; AVR_DEBUG=1 shows the traceback
        if os.environ.get("AVR_DEBUG"):
            raise
        typer.echo(f"avr: internal error: {type(exc).__name__}: {exc} (run with AVR_DEBUG=1 for details "
                   "and report it)", err=True)
        raise typer.Exit(70) from None
    raise typer.Exit(code)


def _repo(repo: Path | None) -> Any:
    from avr.model.repository import find_root, load_repository

    return load_repository(find_root(repo or Path.cwd()))


@app.command()
def check(repo: Path | None = RepoOption) -> None:
    """Validate every file and every reference between files; report all problems at once.

    Example: avr check
    """

    def action() -> int:
        from avr.commands.check import run_check

        diags = run_check(repo or Path.cwd())
        _print_diagnostics(diags)
        if diags.errors:
            return 1
        typer.echo("OK: no errors", err=True)
        return 0

    _run(action)


@app.command()
def build(
    repo: Path | None = RepoOption,
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default: output_dir of avr.yaml, build/)"),
    clean: bool = typer.Option(
        False, "--clean", help="Also delete files an earlier avr build wrote there that this one does not (never others)"
    ),
) -> None:
    """Compile every report to Markdown, HTML and JSON in build/.

    Example: avr build --clean
    """

    def action() -> int:
        from avr.render.build import build as build_reports

        repository = _repo(repo)
        target = out.expanduser() if out else repository.output_dir
        written = build_reports(repository, target, clean=clean)
        _print_diagnostics(repository.diagnostics)
        typer.echo(f"wrote {len(written)} files to {target}", err=True)
        return 0

    _run(action)


@app.command()
def status(
    repo: Path | None = RepoOption,
    period: str | None = typer.Option(None, "--period", "-p", help="Period id (default: each plan's latest followed-up period)"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (a public interface, see README)"),
) -> None:
    """Show where every plan stands: goal verdicts and activity status counts.

    Example: avr status --period 2020 --json
    """

    def action() -> int:
        from avr.commands.status import print_status, status_data
        from avr.render.labels import load_labels

        repository = _repo(repo)
        data = status_data(repository, period)
        if as_json:
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        else:
            print_status(data, load_labels(repository.config.language))
        return 0

    _run(action)


@app.command()
def version() -> None:
    """Print avr's version."""
    typer.echo(__version__)


def main() -> None:
    app()
