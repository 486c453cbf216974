"""`avr build` with nothing changed, answered before the command line's libraries are imported.

Importing typer (which brings pydantic), Jinja2 and the schemas takes longer than checking that nothing changed.
The console script and ``python -m avr`` enter here. An ``avr build`` whose arguments this module reads exactly
as the typer command reads them, and whose inputs and outputs are as the last build left them (the no-op check
of avr.render.incremental, the one both paths use), prints what the command would print and exits 0. Anything
else goes to avr.cli untouched: another command, --help, --clean, an option or value not read here, no
manifest, any change, any error. A build that follows reuses the scan made here instead of walking the
repository a second time.

AVR_NO_FASTPATH=1 always goes to avr.cli (the tests compare both paths with it).
"""

from __future__ import annotations

import codecs
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from avr.render.incremental import Scanned

    Handoff = tuple[tuple[Path, Path | None, tuple[str, ...]], Scanned]

_VALUED = {"--repo": "repo", "-C": "repo", "--out": "out", "-o": "out", "--format": "format", "-f": "format",
           "--jobs": "jobs", "-j": "jobs", "--ignore": "ignore"}
_QUIET = ("--quiet", "-q")
_STRICT = "--strict"


class BuildArgs:
    """The options of `avr build` (see avr.cli.build)."""

    def __init__(self) -> None:
        self.repo: str | None = None
        self.out: str | None = None
        self.formats: list[str] = []
        self.jobs = 0
        self.quiet = False
        self.strict = False
        self.ignore: list[str] = []


def parse_build(args: list[str]) -> BuildArgs | None:
    """``avr ARGS`` as typer reads it when ARGS is `build` with the options read here, else None.

    Read: --quiet/-q, --strict; --repo/-C, --out/-o, --jobs/-j (the last one given wins) and --format/-f and
    --ignore (repeatable) as ``--opt VALUE``, ``--opt=VALUE`` or ``-xVALUE``. A value must be non-empty and must
    not start with "-"; a job count must be digits. Everything else, --clean and --help included, is left to typer.
    """
    if not args or args[0] != "build":
        return None
    parsed = BuildArgs()
    rest = iter(args[1:])
    for arg in rest:
        if arg in _QUIET:
            parsed.quiet = True
            continue
        if arg == _STRICT:
            parsed.strict = True
            continue
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            if not eq:
                value = next(rest, "")
        elif len(arg) > 2 and arg[0] == "-":
            name, value = arg[:2], arg[2:]  # -oVALUE; click reads -o=VALUE as "=VALUE" and -qj2 as -q -j2
            if value.startswith("="):
                return None
        else:
            name, value = arg, next(rest, "")
        key = _VALUED.get(name)
        if key is None or not value or value.startswith("-"):
            return None
        if key == "format":
            parsed.formats.append(value)
        elif key == "ignore":
            parsed.ignore.append(value)
        elif key == "jobs":
            if not (value.isascii() and value.isdigit() and len(value) <= 6):  # what typer's int (min 0) surely takes
                return None
            parsed.jobs = int(value)
        else:
            setattr(parsed, key, value)
    return parsed


def _plain(args: list[str]) -> bool:
    """No argument the command line would decode or print otherwise, no shell completion asked for, stderr UTF-8."""
    try:
        for arg in args:
            arg.encode("utf-8")  # an argument of undecodable bytes (surrogate escapes) is left to typer
        encoding = codecs.lookup(sys.stderr.encoding).name
    except (UnicodeError, LookupError, AttributeError, TypeError):
        return False
    return encoding == "utf-8" and not any(name.endswith("_COMPLETE") for name in os.environ)


def noop_build(args: list[str]) -> tuple[str | None, Handoff | None]:
    """What `avr ARGS` prints on stderr when it is an `avr build` with nothing to do, else None.

    The second value is the check's findings for the build that follows (a key and an
    avr.render.incremental.Scanned), or None when no check was made.
    """
    parsed = parse_build(args) if _plain(args) else None
    if parsed is None:
        return None, None
    from avr.commands.build import parse_ignore, root_above, summary
    from avr.errors import UsageError
    from avr.render.incremental import up_to_date
    from avr.render.publish import parse_formats

    try:
        formats = parse_formats(parsed.formats)
        ignore = parse_ignore(parsed.ignore)
    except UsageError:
        return None, None
    root = root_above(Path(parsed.repo) if parsed.repo else Path.cwd())
    if root is None:
        return None, None
    out = Path(parsed.out).expanduser() if parsed.out else None
    scanned = up_to_date(root, out, formats)
    if scanned.result is None:
        return None, ((root, out, formats), scanned)
    shown = scanned.result.shown(ignore)
    if shown.fails(parsed.strict):  # a failing run is the command line's to report
        return None, ((root, out, formats), scanned)
    lines = shown.report(parsed.strict)
    if not parsed.quiet:
        lines.append(summary(scanned.result))
    text = "".join(line + "\n" for line in lines)
    if "\x1b" in text:  # typer strips terminal escapes when stderr is no terminal: leave that to it
        return None, ((root, out, formats), scanned)
    return text, None


def main() -> None:
    """The console script: the no-op answered here, everything else by avr.cli."""
    args = sys.argv[1:]
    from avr.i18n import setup

    setup(argv=args)  # before avr.cli builds its --help texts, and for the no-op's summary
    if not os.environ.get("AVR_NO_FASTPATH"):
        gc.disable()  # the check makes no cycles; a process that answers here exits right after
        try:
            text, handoff = noop_build(args)
        except KeyboardInterrupt:
            sys.stderr.write("avr: interrupted\n")
            raise SystemExit(130) from None
        except Exception:  # whatever it is, avr.cli meets it again and reports it
            text, handoff = None, None
        if text is not None:
            sys.stderr.write(text)
            sys.stderr.flush()
            sys.stdout.flush()
            os._exit(0)  # nothing to clean up (no atexit handler, no file open): skip freeing 10^5 objects
        gc.enable()
        if handoff is not None:
            from avr.render.incremental import HANDOFF

            HANDOFF[handoff[0]] = handoff[1]
    from avr.cli import main as cli

    cli()
