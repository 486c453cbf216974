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

from avr import __version__
from avr.errors import AvrError, Diagnostics, InvalidInput, UsageError, printable

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="avr compiles goal follow-up reports (uppföljningsrapporter) from plans written as YAML.",
    pretty_exceptions_enable=False,
)

RepoOption = typer.Option(
    None, "--repo", "-C", help="Repository folder (default: the folder holding avr.yaml here or above)"
)
JobsOption = typer.Option(0, "--jobs", "-j", min=0, help="Processes for reading and rendering (default: all cores)")
QuietOption = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary line")
StrictOption = typer.Option(False, "--strict", help="Warnings fail too (exit 1); a build then writes nothing")
IgnoreOption = typer.Option(
    None, "--ignore", help="Warning codes not to report, e.g. W103; repeat or comma-separate (also avr.yaml's ignore)"
)


def _print_diagnostics(diags: Diagnostics, strict: bool = False) -> None:
    for line in diags.report(strict):
        typer.echo(line, err=True)


class _NoTemplateError(Exception):
    """Never raised: stands for jinja2's TemplateError while jinja2 is not imported."""


def _template_error() -> type[Exception]:
    """jinja2's TemplateError, without importing jinja2 for it: a command that never loaded it cannot raise one."""
    jinja2 = sys.modules.get("jinja2")
    return jinja2.TemplateError if jinja2 is not None else _NoTemplateError


def _run(action: Callable[[], int | None]) -> None:
    """The one exception → exit-code mapper."""
    try:
        code = action() or 0
    except InvalidInput as exc:
        _print_diagnostics(exc.diagnostics, exc.strict)
        raise typer.Exit(1) from None
    except UsageError as exc:
        typer.echo(printable(f"avr: {exc}"), err=True)
        raise typer.Exit(2) from None
    except AvrError as exc:
        typer.echo(printable(f"avr: {exc}"), err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("avr: interrupted", err=True)
        raise typer.Exit(130) from None
    except _template_error() as exc:  # evaluated only when an exception gets here; before OSError (TemplateNotFound)
        name, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
        where = f"{name}:{line}: " if name else ""
        typer.echo(printable(f"avr: template error: {where}{getattr(exc, 'message', None) or exc}"), err=True)
        raise typer.Exit(1) from None
    except OSError as exc:
        typer.echo(printable(f"avr: {exc.filename or ''}: {exc.strerror or exc}"), err=True)
        raise typer.Exit(1) from None
    except Exception as exc:  # a bug in avr: say so briefly; AVR_DEBUG=1 shows the traceback
        if os.environ.get("AVR_DEBUG"):
            raise
        typer.echo(printable(f"avr: internal error: {type(exc).__name__}: {exc} (run with AVR_DEBUG=1 for details "
                             "and report it)"), err=True)
        raise typer.Exit(70) from None
    raise typer.Exit(code)


def _repo(repo: Path | None) -> Any:
    from avr.model.repository import find_root, load_repository

    return load_repository(find_root(repo or Path.cwd()))


@app.command()
def check(
    repo: Path | None = RepoOption,
    fmt: str = typer.Option("text", "--format", "-f", help="text (default), github (Actions annotations) or json"),
    jobs: int = JobsOption,
    strict: bool = StrictOption,
    ignore: list[str] | None = IgnoreOption,
) -> None:
    """Validate every file and every reference between files; report all problems at once, warnings too.

    Example: avr check --strict --format github
    """

    def action() -> int:
        from avr.build.options import parse_ignore
        from avr.commands.build import check_store, default_jobs
        from avr.commands.check import run_check
        from avr.model.repository import find_root

        if fmt not in ("text", "github", "json"):
            raise UsageError(f"unknown format `{fmt}`; use text, github or json")
        ignored = parse_ignore(ignore)
        root = find_root(repo or Path.cwd())
        store = check_store(root, jobs or default_jobs())
        diags = run_check(root, store.load_all, ignored)
        store.flush()
        if fmt != "text":
            return _print_check_report(diags, repo, fmt, strict)
        _print_diagnostics(diags, strict)
        if not diags:
            typer.echo(diags.summary(), err=True)
        return 1 if diags.fails(strict) else 0

    _run(action)


def _build_option(name: str, default: Any) -> Any:
    from avr.build.options import BUILD_OPTIONS

    option = BUILD_OPTIONS[name]
    return typer.Option(default, *option.flags, help=option.help, min=0 if option.takes == "count" else None)


@app.command()
def build(
    ctx: typer.Context,
    repo: Path | None = _build_option("repo", None),
    out: Path | None = _build_option("out", None),
    formats: list[str] | None = _build_option("formats", None),
    jobs: int = _build_option("jobs", 0),
    quiet: bool = _build_option("quiet", False),
    clean: bool = _build_option("clean", False),
    strict: bool = _build_option("strict", False),
    ignore: list[str] | None = _build_option("ignore", None),
) -> None:
    """Compile every report into build/: Markdown, HTML and JSON, or the formats --format names; only what changed.

    Example: avr build --format md,html,json,pdf,docx --clean
    """

    def action() -> int:
        from avr.build.options import parse_formats, parse_ignore
        from avr.commands.build import default_jobs, find_root, run_build, summary

        chosen = parse_formats(formats)
        ignored = parse_ignore(ignore)
        target = out.expanduser() if out else None
        result = run_build(find_root(repo or Path.cwd()), target, jobs or default_jobs(), quiet, chosen, clean,
                           strict, ignored, scanned=ctx.obj)
        shown = result.shown(ignored)
        _print_diagnostics(shown, strict)
        if not quiet:
            typer.echo(summary(result), err=True)
        return 1 if shown.fails(strict) else 0

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
            print_status(repository, data, load_labels(repository.config.language))
        return 0

    _run(action)


def _print_check_report(diags: Diagnostics, repo: Path | None, fmt: str, strict: bool) -> int:
    from avr.model.repository import find_root
    from avr.render.annotations import git_prefix, github_lines, json_report

    if fmt == "json":
        sys.stdout.write(json.dumps(json_report(diags, strict), ensure_ascii=False, indent=2) + "\n")
    else:
        for line in github_lines(diags, git_prefix(find_root(repo or Path.cwd()))):
            typer.echo(line)
        typer.echo(diags.summary(strict), err=True)
    return 1 if diags.fails(strict) else 0


@app.command()
def diff(
    base: str | None = typer.Argument(None, help="Revision to compare from (default: merge base with the default branch)"),
    head: str | None = typer.Argument(None, help="Revision to compare to (default: the working tree)"),
    repo: Path | None = RepoOption,
    fmt: str = typer.Option(
        "text", "--format", "-f", help="text (default, for a terminal), markdown (a pull-request comment) or json"
    ),
) -> None:
    """Show what changed between two git revisions in plan terms: items, statuses, targets, verdicts.

    Example: avr diff origin/main --format markdown
    """

    def action() -> int:
        from avr.commands.diff import run_diff
        from avr.render import diff as render
        from avr.render.labels import load_labels

        if fmt not in ("text", "terminal", "markdown", "json"):  # `terminal`: its first name, still accepted
            raise UsageError(f"unknown format `{fmt}`; use text, markdown or json")
        result = run_diff(repo or Path.cwd(), base, head)
        if result.diff is None:
            for side in result.invalid or [result.base, result.head]:
                rev = side.revision
                where = (rev.short if rev.commit and rev.commit.startswith(rev.name) else f"{rev.name}, {rev.short}") \
                    if rev.commit else "working tree"
                typer.echo(f"avr diff: invalid files in {side.role} ({where}):", err=True)
                errors = Diagnostics()
                errors.items = side.diagnostics.errors
                _print_diagnostics(errors)
            return 1
        assert result.head.repository is not None
        labels = load_labels(result.head.repository.config.language)
        if fmt == "json":
            data = render.to_json(result.diff, result.sides, labels)
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        elif fmt == "markdown":
            sys.stdout.write(render.markdown(result.diff, result.sides, labels))
        else:
            render.terminal(result.diff, result.sides, labels)
        return 0

    _run(action)


fetch_app = typer.Typer(no_args_is_help=True, help="Fetch indicator outcomes from outside sources.")
import_app = typer.Typer(no_args_is_help=True, help="Import indicator outcomes from files.")
app.add_typer(fetch_app, name="fetch")
app.add_typer(import_app, name="import")


@fetch_app.command("kolada")
def fetch_kolada(
    repo: Path | None = RepoOption,
    plan: str | None = typer.Option(None, "--plan", help="Only this plan (id or organisation/plan)"),
    years: str | None = typer.Option(None, "--years", help="Years, e.g. 2021 or 2019-2022 (default: the year periods)"),
    update: bool = typer.Option(False, "--update", help="Replace stored Kolada values that Kolada now gives otherwise"),
    base_url: str | None = typer.Option(None, "--base-url", help="Kolada API base URL (default: kolada.base_url)"),
) -> None:
    """Fetch Kolada values of indicators naming a KPI and store them as outcome entries.

    Example: avr fetch kolada --years 2019-2022
    """

    def action() -> int:
        from avr.commands.fetch import parse_years, run_fetch

        repository = _repo(repo)
        result = run_fetch(repository, plan=plan, years=parse_years(years), update=update, base_url=base_url)
        for note in result.notes + result.decision.notes:
            typer.echo(note, err=True)
        if result.asked:
            _report_written(result.decision, "Kolada", repository.root)
        return 0

    _run(action)


@import_app.command("outcomes")
def import_outcomes(
    file: Path = typer.Argument(..., help="A .xlsx or .csv file (layout in the README)"),
    repo: Path | None = RepoOption,
    update: bool = typer.Option(False, "--update", help="Replace earlier imported values that the file gives otherwise"),
) -> None:
    """Import indicator outcomes from a spreadsheet (.xlsx) or CSV file as outcome entries.

    Example: avr import outcomes utfall-2022.xlsx
    """

    def action() -> int:
        from avr.commands.importer import run_import

        repository = _repo(repo)
        decision, warnings = run_import(repository, file, update=update)
        _print_diagnostics(warnings)
        for note in decision.notes:
            typer.echo(note, err=True)
        _report_written(decision, str(file), repository.root)
        return 0

    _run(action)


def _report_written(decision: Any, source: str, root: Path) -> None:
    for change in decision.changes:
        typer.echo(f"{'updated' if change.action == 'update' else 'wrote'} {change.path.relative_to(root)}", err=True)
    if decision.changes:
        typer.echo(f"wrote {len(decision.changes)} outcome file(s); {decision.unchanged} already up to date", err=True)
    else:
        typer.echo(f"nothing to write: {decision.unchanged} value(s) from {source} already stored"
                   + (f", {decision.differing} differ (see above; --update replaces them)" if decision.differing else ""),
                   err=True)


@app.command("export")
def export(
    repo: Path | None = RepoOption,
    fmt: str = typer.Option("csv", "--format", "-f", help="csv (one file per table), xlsx (one workbook) or json"),
    period: str | None = typer.Option(None, "--period", "-p", help="Only this period's outcomes, verdicts and statuses"),
    out: Path | None = typer.Option(None, "--out", "-o", help="Folder to write into (default: output_dir/export)"),
    language: str | None = typer.Option(None, "--language", help="Column names: sv or en (default: avr.yaml's)"),
    force: bool = typer.Option(False, "--force", help="Replace files already there"),
    csv_form: str | None = typer.Option(None, "--csv", help="excel (as Excel reads it in the language; "
                                        "default for sv: ; and decimal comma) or rfc4180 (default for en)"),
) -> None:
    """Export goals, indicator outcomes, results, verdicts, activities and statuses as flat tables.

    Example: avr export --format xlsx --period 2020
    """

    def action() -> int:
        from avr.commands.export import run_export

        repository = _repo(repo)
        target = out or repository.output_dir / "export"
        for path in run_export(repository, target, fmt=fmt, period=period, language=language, force=force,
                               csv_form=csv_form):
            typer.echo(f"wrote {path}", err=True)
        return 0

    _run(action)


@app.command()
def schema(
    repo: Path | None = RepoOption,
    out: Path | None = typer.Option(None, "--out", "-o", help="Folder for the schemas (default: schemas/ next to avr.yaml)"),
) -> None:
    """Write a JSON Schema per file kind, for editors (VS Code's YAML extension).

    Example: avr schema
    """

    def action() -> int:
        from avr.commands.schema import write_schemas
        from avr.model.repository import find_root

        target = out or find_root(repo or Path.cwd()) / "schemas"
        written = write_schemas(target)
        typer.echo(f"wrote {len(written)} schemas to {target}", err=True)
        return 0

    _run(action)


@app.command()
def init(
    municipality: str = typer.Option(..., "--municipality", help="Kommun, e.g. \"Uppsala kommun\""),
    board: str = typer.Option(..., "--board", help="Nämnd, e.g. Arbetsmarknadsnämnden"),
    board_code: str | None = typer.Option(None, "--board-code", help="Short code, e.g. AMN (default: from --board)"),
    administration: str | None = typer.Option(None, "--administration", help="Förvaltning (also the first unit's name)"),
    org: str | None = typer.Option(None, "--org", help="Organisation id and folder (default: municipality-boardcode)"),
    cal: str = typer.Option("year", "--calendar", help="Periods: year, tertial, delar, quarter or month"),
    year: int | None = typer.Option(None, "--year", help="The plan's year and its periods' (default: this year)"),
    kind: str = typer.Option("operational_plan", "--kind", help="assignment_plan|operational_plan|internal_budget|action_plan"),
    plan_id: str | None = typer.Option(None, "--plan", help="Plan id (default: e.g. verksamhetsplan-2025)"),
    email: str | None = typer.Option(None, "--email", help="Contact of the accessibility statement"),
    language: str = typer.Option("sv", "--language", help="sv or en"),
) -> None:
    """Start a plan repository here: avr.yaml, one organisation and one plan, .gitignore, schemas, a CI recipe.

    Never overwrites: if any of its files is there already, nothing is written.

    Example: avr init --municipality "Uppsala kommun" --board Arbetsmarknadsnämnden --calendar tertial --year 2025
    """

    def action() -> int:
        import datetime as dt

        from avr.commands.init import InitOptions, run_init

        if language not in ("sv", "en"):
            raise UsageError(f"unknown language `{language}`; use sv or en")
        options = InitOptions(municipality, board, board_code, org, administration, cal, year or dt.date.today().year,
                              kind, plan_id, email, language)
        for line in run_init(Path.cwd(), options):
            typer.echo(line, err=True)
        return 0

    _run(action)


new_app = typer.Typer(no_args_is_help=True, help="Create a pre-filled file: plan, goal, activity or follow-up.")
app.add_typer(new_app, name="new")
PlanOption = typer.Option(None, "--plan", help="ORG/PLAN or PLAN (default: the plan folder you are in, or the only plan)")


def _created(path: str) -> int:
    typer.echo(f"created {path}", err=True)
    return 0


@new_app.command("plan")
def new_plan(
    plan_id: str = typer.Argument(..., metavar="ID", help="Plan id, also its folder name"),
    org: str | None = typer.Option(None, "--org", help="Organisation id (default: the only one)"),
    kind: str = typer.Option("operational_plan", "--kind", help="assignment_plan|operational_plan|internal_budget|action_plan"),
    title: str | None = typer.Option(None, "--title"),
    year: int | None = typer.Option(None, "--year", help="The plan's year (default: the years its title names, else this year)"),
    repo: Path | None = RepoOption,
) -> None:
    """Create <org>/<id>/plan.yaml (to start a repository: avr init).

    Example: avr new plan handlingsplan-2025 --org uppsala-amn --kind action_plan
    """
    from avr.commands.new import new_plan as create

    _run(lambda: _created(create(_repo_lenient(repo), plan_id, org, kind, title, year)))


@new_app.command("goal")
def new_goal(
    plan: str | None = PlanOption,
    goal_id: str | None = typer.Option(None, "--id", help="Goal id (default: the next free number)"),
    kind: str = typer.Option("goal", "--kind", help="goal | refinement | development_area | … | commitment"),
    parent: str | None = typer.Option(None, "--parent", help="Goal it belongs under (refinement, commitment)"),
    title: str | None = typer.Option(None, "--title"),
    area: str | None = typer.Option(None, "--area", help="Goal area (målområde) it belongs to, an id of the plan's goal_areas"),
    repo: Path | None = RepoOption,
) -> None:
    """Create goals/<id>.yaml with the next free id.

    Example: avr new goal --plan uppsala-amn/26-punktsplan --title Barnfamiljer
    """
    from avr.commands.new import new_goal as create

    _run(lambda: _created(create(_repo_lenient(repo), Path.cwd(), plan, goal_id, kind, parent, title, area)))


@new_app.command("activity")
def new_activity(
    plan: str | None = PlanOption,
    activity_id: str | None = typer.Option(None, "--id", help="Activity id (default: the next free number)"),
    goal: list[str] = typer.Option([], "--goal", help="Goal it serves; repeat for several (default: the only goal)"),
    unit: str | None = typer.Option(None, "--unit", help="Unit that reports it (default: the only unit)"),
    title: str | None = typer.Option(None, "--title"),
    repo: Path | None = RepoOption,
) -> None:
    """Create activities/<id>.yaml with the next free id.

    Example: avr new activity --plan 26-punktsplan --goal 1 --unit amv --title "Sommarjobb för unga"
    """
    from avr.commands.new import new_activity as create

    _run(lambda: _created(create(_repo_lenient(repo), Path.cwd(), plan, activity_id, goal, unit, title)))


@new_app.command("followup")
def new_followup(
    period: str = typer.Argument(..., help="Period id, e.g. 2021 or 2013-H1"),
    activity: str | None = typer.Option(None, "--activity", help="Activity to follow up"),
    goal: str | None = typer.Option(None, "--goal", help="Goal to follow up (outcomes)"),
    plan: str | None = PlanOption,
    repo: Path | None = RepoOption,
) -> None:
    """Create followups/<period>/<id>.yaml, pre-filled from the last follow-up, dated today.

    Example: avr new followup 2020 --activity 6 --plan 26-punktsplan
    """
    from avr.commands.new import new_followup as create

    _run(lambda: _created(create(_repo_lenient(repo), Path.cwd(), plan, period, activity, goal)))


followup_app = typer.Typer(no_args_is_help=True, help="Follow-up rounds: create the skeletons operations fill in.")
app.add_typer(followup_app, name="followup")


@followup_app.command("start")
def followup_start(
    period: str = typer.Argument(..., help="Period id, e.g. 2021 or 2013-H1"),
    plan: str | None = typer.Option(None, "--plan", help="ORG/PLAN or PLAN (default: every plan with the period)"),
    repo: Path | None = RepoOption,
) -> None:
    """Create a follow-up skeleton for every open activity; never overwrites, a second run creates nothing.

    Example: avr followup start 2021 --plan 26-punktsplan
    """

    def action() -> int:
        from avr.commands.followup_start import run_start

        for line in run_start(_repo_lenient(repo), period, plan, Path.cwd()):
            typer.echo(line, err=True)
        return 0

    _run(action)


def _repo_lenient(repo: Path | None) -> Any:
    """The repository even when some files have errors: creating files must not wait for a clean check."""
    from avr.model.repository import find_root, load_repository

    return load_repository(find_root(repo or Path.cwd()), strict=False)


@app.command()
def todo(
    period: str | None = typer.Argument(None, help="Period id (default: each organisation's latest started period)"),
    plan: str | None = typer.Option(None, "--plan", help="ORG/PLAN or PLAN (default: every plan)"),
    fmt: str = typer.Option("text", "--format", "-f", help="text | markdown | json"),
    repo: Path | None = RepoOption,
) -> None:
    """Who still owes what: missing, unwritten and stale follow-ups and outcomes, per unit and role.

    Example: avr todo 2020 --format markdown
    """

    def action() -> int:
        from avr.commands.todo import print_todo, to_json, to_markdown, todo_data
        from avr.render.labels import load_labels

        if fmt not in ("text", "markdown", "json"):
            raise UsageError(f"unknown format `{fmt}`; use text, markdown or json")
        repository = _repo(repo)
        todos = todo_data(repository, period, plan)
        labels = load_labels(repository.config.language)
        if fmt == "json":
            sys.stdout.write(to_json(todos))
        elif fmt == "markdown":
            sys.stdout.write(to_markdown(todos, labels))
        else:
            print_todo(todos, labels)
        return 0

    _run(action)


@app.command()
def serve(
    repo: Path | None = RepoOption,
    port: int = typer.Option(8000, "--port", "-p", help="Port on 127.0.0.1 (0: any free port)"),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default: output_dir of avr.yaml, build/)"),
) -> None:
    """Build, serve the reports on 127.0.0.1, rebuild on every save and reload the browser.

    Example: avr serve --port 8000
    """

    def action() -> int:
        from avr.commands.serve import serve as run_server
        from avr.model.repository import find_root

        return run_server(find_root(repo or Path.cwd()), out, port, lambda line: typer.echo(line, err=True))

    _run(action)


@app.command()
def version() -> None:
    """Print avr's version.

    Example: avr version
    """
    typer.echo(__version__)


def command() -> Callable[..., Any]:
    """The command behind the app, with flags shown as flags in --help.

    Typer labels a flag `<bool>` as if it took a value; an empty metavar shows it bare, as click does.
    (Typer's command classes come from its private copy of click, hence `Any` below.)
    """
    root = typer.main.get_command(app)
    pending: list[tuple[Any, Any]] = [(root, None)]
    while pending:
        cmd, parent = pending.pop()
        ctx = typer.Context(cmd, parent=parent)
        for param in [*cmd.params, cmd.get_help_option(ctx)]:
            if param is not None and getattr(param, "is_flag", False):
                param.metavar = ""
        pending += [(sub, ctx) for sub in getattr(cmd, "commands", {}).values()]
    return root


def main(scanned: Any = None) -> None:
    """The command line; ``scanned`` is the no-op check avr.fastpath made (avr.build.engine.Scanned), handed to
    `avr build` as the context object so that it does not walk the repository again."""
    command()(obj=scanned)
