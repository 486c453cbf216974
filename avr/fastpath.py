"""`avr build` with nothing changed, answered before the command line's libraries are imported.

Importing typer (which brings pydantic), Jinja2 and the schemas takes longer than checking that nothing changed.
The console script and ``python -m avr`` enter here. An ``avr build`` whose arguments this module reads exactly
as the typer command reads them, and whose inputs and outputs are as the last build left them (the no-op check
of avr.build.engine, the one both paths use), prints what the command would print and exits 0. The command
line is read with the typer command's own option table (avr.build.options). Anything else goes to avr.cli
untouched: another command, --help, --clean, an option or value not read here, no manifest, any change, any
error. A build that follows is handed the scan made here (as the command's context object) instead of walking
the repository a second time.

AVR_NO_FASTPATH=1 always goes to avr.cli (the tests compare both paths with it).
"""

from __future__ import annotations

import codecs
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from avr.build.options import parse_build

if TYPE_CHECKING:
    from avr.build.engine import Scanned


def _plain(args: list[str]) -> bool:
    """No argument the command line would decode or print otherwise, no shell completion asked for, stderr UTF-8."""
    try:
        for arg in args:
            arg.encode("utf-8")  # an argument of undecodable bytes (surrogate escapes) is left to typer
        encoding = codecs.lookup(sys.stderr.encoding).name
    except (UnicodeError, LookupError, AttributeError, TypeError):
        return False
    return encoding == "utf-8" and not any(name.endswith("_COMPLETE") for name in os.environ)


def noop_build(args: list[str]) -> tuple[str | None, Scanned | None]:
    """What `avr ARGS` prints on stderr when it is an `avr build` with nothing to do, else None.

    The second value is the check's findings for the build that follows, or None when no check was made.
    """
    parsed = parse_build(args) if _plain(args) else None
    if parsed is None:
        return None, None
    from avr.build import engine
    from avr.build.options import parse_formats, parse_ignore
    from avr.commands.build import root_above, summary
    from avr.errors import UsageError

    try:
        formats = parse_formats(parsed.formats)
        ignore = parse_ignore(parsed.ignore)
    except UsageError:
        return None, None
    root = root_above(Path(parsed.repo) if parsed.repo else Path.cwd())
    if root is None:
        return None, None
    out = Path(parsed.out).expanduser() if parsed.out else None
    scanned = engine.up_to_date(root, out, formats)
    if scanned is None:  # avr.yaml changed, or no build yet: the build validates it
        return None, None
    if scanned.result is None:
        return None, scanned
    shown = scanned.result.shown(ignore)
    if shown.fails(parsed.strict):  # a failing run is the command line's to report
        return None, scanned
    lines = shown.report(parsed.strict)
    if not parsed.quiet:
        lines.append(summary(scanned.result))
    text = "".join(line + "\n" for line in lines)
    if "\x1b" in text:  # typer strips terminal escapes when stderr is no terminal: leave that to it
        return None, scanned
    return text, None


def main() -> None:
    """The console script: the no-op answered here, everything else by avr.cli."""
    args = sys.argv[1:]
    from avr.i18n import setup

    setup(argv=args)  # before avr.cli builds its --help texts, and for the no-op's summary
    handoff: Scanned | None = None
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
    from avr.cli import main as cli

    cli(handoff)
