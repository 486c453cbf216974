"""The language of avr's own messages (diagnostics, summaries, --help, command output): gettext catalogues.

Messages are written in English in the code, wrapped in ``_()`` (:func:`gettext`) or :func:`ngettext`; ``pybabel extract``
collects them into ``avr/locale/avr.pot`` and the Swedish catalogue ``avr/locale/sv/LC_MESSAGES/avr.po``
translates them (compiled to ``avr.mo`` at build). English needs no catalogue: the msgids are the English text.

The language: ``AVR_LANG`` in the environment, else ``language:`` of the repository's avr.yaml (the folder of
``--repo``/``-C`` or the current one, or a folder above), else Swedish. It is chosen once, before the command
line builds its --help texts, by :func:`setup`; reading avr.yaml here is a line scan, not a YAML load, so the
no-op build answered in avr.fastpath stays fast. Stdlib gettext only: Babel is needed to compile, not to run.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import os
import re
from pathlib import Path

__all__ = ["DEFAULT", "LANGUAGES", "N_", "choose", "current", "gettext", "ngettext", "setup"]

LANGUAGES = ("sv", "en")
DEFAULT = "sv"
DOMAIN = "avr"
LOCALE_DIR = Path(__file__).parent / "locale"

_REPO_OPTIONS = ("--repo", "-C")

_language = DEFAULT
_catalogue: stdlib_gettext.NullTranslations = stdlib_gettext.NullTranslations()


def _known(value: str | None) -> str | None:
    """``value`` as one of LANGUAGES (``en_GB.UTF-8`` reads as en), or None."""
    if not value:
        return None
    code = re.split(r"[_.@-]", value.strip().lower(), maxsplit=1)[0]
    return code if code in LANGUAGES else None


def _repo_arg(argv: list[str]) -> str | None:
    """The value of the last --repo/-C in ``argv`` (``--repo X``, ``--repo=X``, ``-CX``), as typer reads it."""
    found: str | None = None
    args = iter(argv)
    for arg in args:
        if arg == "--":
            break
        if arg in _REPO_OPTIONS:
            found = next(args, None)
        elif arg.startswith("--repo="):
            found = arg.partition("=")[2]
        elif arg.startswith("-C") and len(arg) > 2:
            found = arg[2:]
    return found


def configured(start: Path) -> str | None:
    """``language:`` of the avr.yaml at or above ``start``, or None (no file, unreadable, no such line)."""
    from avr.load.layout import CONFIG_FILE, peek  # in here: avr.load's modules import this one

    try:
        start = start.resolve()
        for folder in (start, *start.parents):
            config = folder / CONFIG_FILE
            if config.is_file():
                return _known(peek(config, "language"))
    except (OSError, RuntimeError):
        return None
    return None


def choose(argv: list[str] | None = None, cwd: Path | None = None) -> str:
    """The language of messages for a command run with ``argv``: AVR_LANG > avr.yaml's ``language:`` > sv."""
    from_env = _known(os.environ.get("AVR_LANG"))
    if from_env:
        return from_env
    repo = _repo_arg(argv or [])
    start = Path(repo).expanduser() if repo else (cwd or Path.cwd())
    return configured(start) or DEFAULT


def setup(language: str | None = None, argv: list[str] | None = None) -> str:
    """Speak ``language`` (or the one :func:`choose` finds for ``argv``) from now on; returns it."""
    global _language, _catalogue
    chosen = _known(language) or choose(argv)
    if chosen == "en":
        _catalogue = stdlib_gettext.NullTranslations()
    else:
        _catalogue = stdlib_gettext.translation(DOMAIN, LOCALE_DIR, languages=[chosen], fallback=True)
    _language = chosen
    return chosen


def current() -> str:
    """The language messages are given in now."""
    return _language


def gettext(message: str) -> str:
    """``message`` (English) in the current language; imported as ``_`` (``from avr.i18n import gettext as _``)."""
    return _catalogue.gettext(message)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for it, which pybabel extract knows
    """``message`` unchanged: marks an English text kept in a table and translated where it is shown (``_(text)``)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` (English) for ``n`` in the current language (Swedish has two too)."""
    return _catalogue.ngettext(singular, plural, n)


setup(argv=[])
