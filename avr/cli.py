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
from avr.i18n import current as current_language
from avr.i18n import gettext as _
from avr.i18n import ngettext


def _speak_in_typer() -> None:
    """typer's own words in --help and in usage errors (the panel titles, defaults) in avr's language.

    typer makes them with the standard library's global gettext() when it is imported, which follows the process
    locale, not AVR_LANG or avr.yaml: they are made again here. (The click that typer carries writes "Usage:",
    "Show this message and exit." and its usage errors in English, with no gettext call to translate them.)
    """
    import typer.rich_utils as rich

    rich.ARGUMENTS_PANEL_TITLE = _("Arguments")
    rich.OPTIONS_PANEL_TITLE = _("Options")
    rich.COMMANDS_PANEL_TITLE = _("Commands")
    rich.ERRORS_PANEL_TITLE = _("Error")
    rich.ABORTED_TEXT = _("Aborted.")
    rich.DEFAULT_STRING = _("[default: {}]")
    rich.REQUIRED_LONG_STRING = _("[required]")
    rich.RICH_HELP = _("Try [blue]'{command_path} {help_option}'[/] for help.")


_speak_in_typer()

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help=_("avr compiles goal follow-up reports (uppföljningsrapporter) from plans written as YAML."),
    pretty_exceptions_enable=False,
)

RepoOption = typer.Option(
    None, "--repo", "-C", help=_("Repository folder (default: the folder holding avr.yaml here or above)")
)
JobsOption = typer.Option(0, "--jobs", "-j", min=0, help=_("Processes for reading and rendering (default: all cores)"))
QuietOption = typer.Option(False, "--quiet", "-q", help=_("No progress bar and no summary line"))
StrictOption = typer.Option(False, "--strict", help=_("Warnings fail too (exit 1); a build then writes nothing"))
IgnoreOption = typer.Option(
    None, "--ignore", help=_("Warning codes not to report, e.g. W103; repeat or comma-separate (also avr.yaml's ignore)")
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
        typer.echo(_("avr: interrupted"), err=True)
        raise typer.Exit(130) from None
    except _template_error() as exc:  # evaluated only when an exception gets here; before OSError (TemplateNotFound)
        name, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
        where = f"{name}:{line}: " if name else ""
        typer.echo(printable(_("avr: template error: {where}{message}").format(
            where=where, message=getattr(exc, "message", None) or exc)), err=True)
        raise typer.Exit(1) from None
    except OSError as exc:
        typer.echo(printable(f"avr: {exc.filename or ''}: {exc.strerror or exc}"), err=True)
        raise typer.Exit(1) from None
    except Exception as exc:  # a bug in avr: say so briefly; AVR_DEBUG=1 shows the traceback
        if os.environ.get("AVR_DEBUG"):
            raise
        typer.echo(printable(_("avr: internal error: {kind}: {error} (run with AVR_DEBUG=1 for details "
                               "and report it)").format(kind=type(exc).__name__, error=exc)), err=True)
        raise typer.Exit(70) from None
    raise typer.Exit(code)


def _repo(repo: Path | None) -> Any:
    from avr.compute.checks import load_checked
    from avr.model.repository import find_root

    return load_checked(find_root(repo or Path.cwd()))


@app.command(help=_(
    "Validate every file and every reference between files; report all problems at once, warnings too.\n\n"
    "Example: avr check --strict --format github"
))
def check(
    repo: Path | None = RepoOption,
    fmt: str = typer.Option("text", "--format", "-f", help=_("text (default), github (Actions annotations) or json")),
    jobs: int = JobsOption,
    strict: bool = StrictOption,
    ignore: list[str] | None = IgnoreOption,
) -> None:
    def action() -> int:
        from avr.build.options import parse_ignore
        from avr.commands.build import default_jobs
        from avr.commands.check import run_check
        from avr.model.repository import find_root

        if fmt not in ("text", "github", "json"):
            raise UsageError(_("unknown format `{format}`; use text, github or json").format(format=fmt))
        ignored = parse_ignore(ignore)
        root = find_root(repo or Path.cwd())
        diags = run_check(root, jobs or default_jobs(), ignored)
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
    return typer.Option(default, *option.flags, help=_(option.help), min=0 if option.takes == "count" else None)


@app.command(help=_(
    "Compile every report into build/: Markdown, HTML and JSON, or the formats --format names; only what changed.\n\n"
    "Example: avr build --format md,html,json,pdf,docx --clean"
))
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


@app.command(help=_(
    "Show where every plan stands: goal verdicts and activity status counts.\n\n"
    "Example: avr status --period 2020 --json"
))
def status(
    repo: Path | None = RepoOption,
    period: str | None = typer.Option(
        None, "--period", "-p", help=_("Period id (default: each plan's latest followed-up period)")),
    as_json: bool = typer.Option(False, "--json", help=_("Print JSON (a public interface, see README)")),
) -> None:
    def action() -> int:
        from avr.commands.status import print_status, status_data
        from avr.render.labels import load_labels

        repository = _repo(repo)
        data = status_data(repository, period)
        if as_json:
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        else:
            print_status(repository, data, load_labels(current_language()))  # the terminal speaks the messages' language
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


@app.command(help=_(
    "Show what changed between two git revisions in plan terms: items, statuses, targets, verdicts.\n\n"
    "Example: avr diff origin/main --format markdown"
))
def diff(
    base: str | None = typer.Argument(None, help=_("Revision to compare from (default: merge base with the default branch)")),
    head: str | None = typer.Argument(None, help=_("Revision to compare to (default: the working tree)")),
    repo: Path | None = RepoOption,
    fmt: str = typer.Option(
        "text", "--format", "-f", help=_("text (default, for a terminal), markdown (a pull-request comment) or json")
    ),
) -> None:
    def action() -> int:
        from avr.commands.diff import run_diff
        from avr.render import diff as render
        from avr.render.labels import load_labels

        if fmt not in ("text", "terminal", "markdown", "json"):  # `terminal`: its first name, still accepted
            raise UsageError(_("unknown format `{format}`; use text, markdown or json").format(format=fmt))
        result = run_diff(repo or Path.cwd(), base, head)
        if result.diff is None:
            for side in result.invalid or [result.base, result.head]:
                rev = side.revision
                where = (rev.short if rev.commit and rev.commit.startswith(rev.name) else f"{rev.name}, {rev.short}") \
                    if rev.commit else _("working tree")
                typer.echo(_("avr diff: invalid files in {side} ({where}):").format(side=side.role, where=where), err=True)
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
        else:  # the terminal speaks the messages' language; a pull-request comment the report's
            render.terminal(result.diff, result.sides, load_labels(current_language()))
        return 0

    _run(action)


fetch_app = typer.Typer(no_args_is_help=True, help=_("Fetch indicator outcomes from outside sources."))
import_app = typer.Typer(no_args_is_help=True, help=_("Import indicator outcomes from files."))
app.add_typer(fetch_app, name="fetch")
app.add_typer(import_app, name="import")


@fetch_app.command("kolada", help=_(
    "Fetch Kolada values of indicators naming a KPI and store them as outcome entries.\n\n"
    "Example: avr fetch kolada --years 2019-2022"
))
def fetch_kolada(
    repo: Path | None = RepoOption,
    plan: str | None = typer.Option(None, "--plan", help=_("Only this plan (id or organisation/plan)")),
    years: str | None = typer.Option(None, "--years", help=_("Years, e.g. 2021 or 2019-2022 (default: the year periods)")),
    update: bool = typer.Option(False, "--update", help=_("Replace stored Kolada values that Kolada now gives otherwise")),
    base_url: str | None = typer.Option(None, "--base-url", help=_("Kolada API base URL (default: kolada.base_url)")),
) -> None:
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


@import_app.command("outcomes", help=_(
    "Import indicator outcomes from a spreadsheet (.xlsx) or CSV file as outcome entries.\n\n"
    "Example: avr import outcomes utfall-2022.xlsx"
))
def import_outcomes(
    file: Path = typer.Argument(..., help=_("A .xlsx or .csv file (layout in the README)")),
    repo: Path | None = RepoOption,
    update: bool = typer.Option(False, "--update", help=_("Replace earlier imported values that the file gives otherwise")),
) -> None:
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
        done = _("updated {path}") if change.action == "update" else _("wrote {path}")
        typer.echo(done.format(path=change.path.relative_to(root)), err=True)
    if decision.changes:
        count = len(decision.changes)
        typer.echo(ngettext("wrote {count} outcome file; {unchanged} already up to date",
                            "wrote {count} outcome files; {unchanged} already up to date", count).format(
            count=count, unchanged=decision.unchanged), err=True)
    else:
        text = ngettext("nothing to write: {count} value from {source} already stored",
                        "nothing to write: {count} values from {source} already stored", decision.unchanged).format(
            count=decision.unchanged, source=source)
        if decision.differing:
            text += _(", {count} differ (see above; --update replaces them)").format(count=decision.differing)
        typer.echo(text, err=True)


@app.command("export", help=_(
    "Export goals, indicator outcomes, results, verdicts, activities and statuses as flat tables.\n\n"
    "Example: avr export --format xlsx --period 2020"
))
def export(
    repo: Path | None = RepoOption,
    fmt: str = typer.Option("csv", "--format", "-f", help=_("csv (one file per table), xlsx (one workbook) or json")),
    period: str | None = typer.Option(None, "--period", "-p", help=_("Only this period's outcomes, verdicts and statuses")),
    out: Path | None = typer.Option(None, "--out", "-o", help=_("Folder to write into (default: output_dir/export)")),
    language: str | None = typer.Option(None, "--language", help=_("Column names: sv or en (default: avr.yaml's)")),
    force: bool = typer.Option(False, "--force", help=_("Replace files already there")),
    csv_form: str | None = typer.Option(None, "--csv", help=_(
        "excel (as Excel reads it in the language; default for sv: ; and decimal comma) or rfc4180 (default for en)")),
) -> None:
    def action() -> int:
        from avr.commands.export import run_export

        repository = _repo(repo)
        target = out or repository.output_dir / "export"
        for path in run_export(repository, target, fmt=fmt, period=period, language=language, force=force,
                               csv_form=csv_form):
            typer.echo(_("wrote {path}").format(path=path), err=True)
        return 0

    _run(action)


@app.command(help=_(
    "Write a JSON Schema per file kind, for editors (VS Code's YAML extension).\n\n"
    "Example: avr schema"
))
def schema(
    repo: Path | None = RepoOption,
    out: Path | None = typer.Option(None, "--out", "-o", help=_("Folder for the schemas (default: schemas/ next to avr.yaml)")),
) -> None:
    def action() -> int:
        from avr.commands.schema import write_schemas
        from avr.model.repository import find_root

        target = out or find_root(repo or Path.cwd()) / "schemas"
        written = write_schemas(target)
        typer.echo(ngettext("wrote {count} schema to {folder}", "wrote {count} schemas to {folder}", len(written)).format(
            count=len(written), folder=target), err=True)
        return 0

    _run(action)


@app.command(help=_(
    "Start a plan repository here: avr.yaml, one organisation and one plan, .gitignore, schemas, a CI recipe.\n\n"
    "Never overwrites: if any of its files is there already, nothing is written.\n\n"
    'Example: avr init --municipality "Uppsala kommun" --board Arbetsmarknadsnämnden --calendar tertial --year 2025'
))
def init(
    municipality: str = typer.Option(..., "--municipality", help=_("Kommun, e.g. \"Uppsala kommun\"")),
    board: str = typer.Option(..., "--board", help=_("Nämnd, e.g. Arbetsmarknadsnämnden")),
    board_code: str | None = typer.Option(None, "--board-code", help=_("Short code, e.g. AMN (default: from --board)")),
    administration: str | None = typer.Option(None, "--administration", help=_("Förvaltning (also the first unit's name)")),
    org: str | None = typer.Option(None, "--org", help=_("Organisation id and folder (default: municipality-boardcode)")),
    cal: str = typer.Option("year", "--calendar", help=_("Periods: year, tertial, delar, quarter or month")),
    year: int | None = typer.Option(None, "--year", help=_("The plan's year and its periods' (default: this year)")),
    kind: str = typer.Option("operational_plan", "--kind", help="assignment_plan|operational_plan|internal_budget|action_plan"),
    plan_id: str | None = typer.Option(None, "--plan", help=_("Plan id (default: e.g. verksamhetsplan-2025)")),
    email: str | None = typer.Option(None, "--email", help=_("Contact of the accessibility statement")),
    language: str = typer.Option("sv", "--language", help=_("sv or en")),
) -> None:
    def action() -> int:
        import datetime as dt

        from avr.commands.init import InitOptions, run_init

        if language not in ("sv", "en"):
            raise UsageError(_("unknown language `{language}`; use sv or en").format(language=language))
        options = InitOptions(municipality, board, board_code, org, administration, cal, year or dt.date.today().year,
                              kind, plan_id, email, language)
        for line in run_init(Path.cwd(), options):
            typer.echo(line, err=True)
        return 0

    _run(action)


new_app = typer.Typer(no_args_is_help=True, help=_("Create a pre-filled file: plan, goal, activity or follow-up."))
app.add_typer(new_app, name="new")
PlanOption = typer.Option(None, "--plan", help=_("ORG/PLAN or PLAN (default: the plan folder you are in, or the only plan)"))


def _created(path: str) -> int:
    typer.echo(_("created {path}").format(path=path), err=True)
    return 0


@new_app.command("plan", help=_(
    "Create <org>/<id>/plan.yaml (to start a repository: avr init).\n\n"
    "Example: avr new plan handlingsplan-2025 --org uppsala-amn --kind action_plan"
))
def new_plan(
    plan_id: str = typer.Argument(..., metavar="ID", help=_("Plan id, also its folder name")),
    org: str | None = typer.Option(None, "--org", help=_("Organisation id (default: the only one)")),
    kind: str = typer.Option("operational_plan", "--kind", help="assignment_plan|operational_plan|internal_budget|action_plan"),
    title: str | None = typer.Option(None, "--title"),
    year: int | None = typer.Option(
        None, "--year", help=_("The plan's year (default: the years its title names, else this year)")),
    repo: Path | None = RepoOption,
) -> None:
    from avr.commands.new import new_plan as create

    _run(lambda: _created(create(_repo_lenient(repo), plan_id, org, kind, title, year)))


@new_app.command("goal", help=_(
    "Create goals/<id>.yaml with the next free id.\n\n"
    "Example: avr new goal --plan uppsala-amn/26-punktsplan --title Barnfamiljer"
))
def new_goal(
    plan: str | None = PlanOption,
    goal_id: str | None = typer.Option(None, "--id", help=_("Goal id (default: the next free number)")),
    kind: str = typer.Option("goal", "--kind", help=_("goal | refinement | development_area | … | commitment")),
    parent: str | None = typer.Option(None, "--parent", help=_("Goal it belongs under (refinement, commitment)")),
    title: str | None = typer.Option(None, "--title"),
    area: str | None = typer.Option(
        None, "--area", help=_("Goal area (målområde) it belongs to, an id of the plan's goal_areas")),
    repo: Path | None = RepoOption,
) -> None:
    from avr.commands.new import new_goal as create

    _run(lambda: _created(create(_repo_lenient(repo), Path.cwd(), plan, goal_id, kind, parent, title, area)))


@new_app.command("activity", help=_(
    "Create activities/<id>.yaml with the next free id.\n\n"
    'Example: avr new activity --plan 26-punktsplan --goal 1 --unit amv --title "Sommarjobb för unga"'
))
def new_activity(
    plan: str | None = PlanOption,
    activity_id: str | None = typer.Option(None, "--id", help=_("Activity id (default: the next free number)")),
    goal: list[str] = typer.Option([], "--goal", help=_("Goal it serves; repeat for several (default: the only goal)")),
    unit: str | None = typer.Option(None, "--unit", help=_("Unit that reports it (default: the only unit)")),
    title: str | None = typer.Option(None, "--title"),
    repo: Path | None = RepoOption,
) -> None:
    from avr.commands.new import new_activity as create

    _run(lambda: _created(create(_repo_lenient(repo), Path.cwd(), plan, activity_id, goal, unit, title)))


@new_app.command("followup", help=_(
    "Create followups/<period>/<id>.yaml, pre-filled from the last follow-up, dated today.\n\n"
    "Example: avr new followup 2020 --activity 6 --plan 26-punktsplan"
))
def new_followup(
    period: str = typer.Argument(..., help=_("Period id, e.g. 2021 or 2013-H1")),
    activity: str | None = typer.Option(None, "--activity", help=_("Activity to follow up")),
    goal: str | None = typer.Option(None, "--goal", help=_("Goal to follow up (outcomes)")),
    plan: str | None = PlanOption,
    repo: Path | None = RepoOption,
) -> None:
    from avr.commands.new import new_followup as create

    _run(lambda: _created(create(_repo_lenient(repo), Path.cwd(), plan, period, activity, goal)))


followup_app = typer.Typer(no_args_is_help=True, help=_("Follow-up rounds: create the skeletons operations fill in."))
app.add_typer(followup_app, name="followup")


@followup_app.command("start", help=_(
    "Create a follow-up skeleton for every open activity; never overwrites, a second run creates nothing.\n\n"
    "Example: avr followup start 2021 --plan 26-punktsplan"
))
def followup_start(
    period: str = typer.Argument(..., help=_("Period id, e.g. 2021 or 2013-H1")),
    plan: str | None = typer.Option(None, "--plan", help=_("ORG/PLAN or PLAN (default: every plan with the period)")),
    repo: Path | None = RepoOption,
) -> None:
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


@app.command(help=_(
    "Who still owes what: missing, unwritten and stale follow-ups and outcomes, per unit and role.\n\n"
    "Example: avr todo 2020 --format markdown"
))
def todo(
    period: str | None = typer.Argument(None, help=_("Period id (default: each organisation's latest started period)")),
    plan: str | None = typer.Option(None, "--plan", help=_("ORG/PLAN or PLAN (default: every plan)")),
    fmt: str = typer.Option("text", "--format", "-f", help=_("text | markdown | json")),
    repo: Path | None = RepoOption,
) -> None:
    def action() -> int:
        from avr.commands.todo import print_todo, to_json, to_markdown, todo_data
        from avr.render.labels import load_labels

        if fmt not in ("text", "markdown", "json"):
            raise UsageError(_("unknown format `{format}`; use text, markdown or json").format(format=fmt))
        repository = _repo(repo)
        todos = todo_data(repository, period, plan)
        labels = load_labels(repository.config.language)
        if fmt == "json":
            sys.stdout.write(to_json(todos))
        elif fmt == "markdown":
            sys.stdout.write(to_markdown(todos, labels))
        else:
            print_todo(todos, load_labels(current_language()))
        return 0

    _run(action)


@app.command(help=_(
    "Build, serve the reports on 127.0.0.1, rebuild on every save and reload the browser.\n\n"
    "Example: avr serve --port 8000"
))
def serve(
    repo: Path | None = RepoOption,
    port: int = typer.Option(8000, "--port", "-p", help=_("Port on 127.0.0.1 (0: any free port)")),
    out: Path | None = typer.Option(None, "--out", "-o", help=_("Output folder (default: output_dir of avr.yaml, build/)")),
) -> None:
    def action() -> int:
        from avr.commands.serve import serve as run_server
        from avr.model.repository import find_root

        return run_server(find_root(repo or Path.cwd()), out, port, lambda line: typer.echo(line, err=True))

    _run(action)


@app.command(help=_(
    "Print avr's version.\n\n"
    "Example: avr version"
))
def version() -> None:
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
