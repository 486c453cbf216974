"""The *Referens* pages of the documentation site, generated from the live code so they cannot drift.

`mkdocs build` calls :func:`pages` through ``scripts/mkdocs_hooks.py``: the command line from the typer app's
click tree, every diagnostic code from :data:`avr.errors.CODES`. Nothing here is committed as Markdown.
Each page is Swedish (the site's language); texts the code gives in the current message language (``--help``)
come as :mod:`avr.i18n` gives them, so the hook chooses Swedish before it imports the command line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

from avr.errors import CODES, Severity, severity_of

__all__ = ["COMMAND_PAGE", "DIAGNOSTICS_PAGE", "cli_page", "commands", "diagnostics_page", "option_names", "pages"]

COMMAND_PAGE = "referens/cli.md"
DIAGNOSTICS_PAGE = "referens/diagnostik.md"

_GENERATED = "<!-- Genererad av avr/reference.py när webbplatsen byggs; ändra i koden, inte här. -->"


def cell(text: str) -> str:
    """``text`` safe inside one Markdown table cell: one line, no column break, no HTML."""
    return html.escape(" ".join(text.split()), quote=False).replace("|", "\\|")


def inline(text: str) -> str:
    """``text`` as prose: no HTML (a `<bool>` in a help text is text, not a tag)."""
    return html.escape(text, quote=False)


def anchor(code: str) -> str:
    """The fragment of a diagnostic code's row, e.g. ``e101`` (lower case, as links are written by hand)."""
    return code.lower()


# ---------------------------------------------------------------------------------------------- diagnostics

# The hundreds of the codes, by the layer that reports them (see avr/errors.py); a code in a hundred not named
# here still gets a row, under "Övriga".
_GROUPS: dict[str, str] = {
    "E0": "Läsa filer",
    "E1": "Filernas fält och värden",
    "E2": "Mellan filer",
    "E3": "Ekonomi och angivna siffror",
    "E7": "Publicering",
    "E8": "Indikatordata: utfall, Kolada, kalkylblad",
    "W1": "Varningar om filerna",
    "W3": "Varningar om ekonomi",
    "W8": "Varningar om indikatordata",
}
_SEVERITY = {Severity.ERROR: "fel", Severity.WARNING: "varning"}


def diagnostics_page() -> str:
    lines = [
        _GENERATED,
        "# Diagnostikkoder",
        "",
        "`avr check`, `avr build` och de andra kommandona som läser filerna skriver varje problem på en rad:",
        "",
        "```text",
        "sökväg:rad:kolumn: KOD meddelande",
        "```",
        "",
        "Alla problem rapporteras på en gång. Ett **fel** (E-kod) gör att kommandot avslutas med status 1 och att",
        "ingen rapport byggs. En **varning** (W-kod) stoppar inget, utom med `--strict`; den kan tystas med",
        "`ignore: [W103]` i `avr.yaml` eller med `--ignore W103`. Koderna byter aldrig betydelse, så de går att",
        "söka efter och att använda i CI.",
        "",
    ]
    by_group: dict[str, list[str]] = {}
    for code in sorted(CODES):
        group = _GROUPS.get(code[:2], "Övriga")
        by_group.setdefault(group, []).append(code)
    order = [*_GROUPS.values(), "Övriga"]
    for group in sorted(by_group, key=order.index):
        codes = by_group[group]
        lines += [f"## {group} ({codes[0]}–{codes[-1]})" if len(codes) > 1 else f"## {group} ({codes[0]})", ""]
        lines += ["| Kod | Slag | Betydelse |", "| --- | --- | --- |"]
        for code in codes:
            kind = _SEVERITY[severity_of(code)]
            lines.append(f'| <span id="{anchor(code)}"></span>`{code}` | {kind} | {cell(meaning(code))} |')
        lines.append("")
    return "\n".join(lines)


def meaning(code: str) -> str:
    """What a code means."""
    return CODES[code]


# ---------------------------------------------------------------------------------------------- command line

def commands(root: Any) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and group under ``root`` (a click command), depth first in the order `avr --help` lists them."""
    yield (), root
    for name, sub in getattr(root, "commands", {}).items():
        for path, command in commands(sub):
            yield (name, *path), command


def documented_params(command: Any) -> list[Any]:
    """The parameters a user can give (hidden ones left out), `--help` aside."""
    return [p for p in command.params if not getattr(p, "hidden", False)]


def option_names(command: Any) -> set[str]:
    """Every spelling of every option of ``command`` (``--format``, ``-f``, ``--no-x``)."""
    names: set[str] = set()
    for param in documented_params(command):
        if param.param_type_name == "option":
            names.update(param.opts, param.secondary_opts)
    return names


_TYPES = {"str": "text", "text": "text", "int": "heltal", "integer": "heltal", "path": "sökväg", "file": "fil",
          "directory": "mapp", "float": "tal", "bool": "ja/nej", "boolean": "ja/nej"}


def _value_kind(param: Any, ctx: Any) -> str:
    if getattr(param, "is_flag", False):
        return ""
    shown = param.display_type(ctx) if hasattr(param, "display_type") else param.make_metavar(ctx)
    name = str(shown).strip().removeprefix("<").removesuffix(">").removesuffix("...").lower()
    repeated = re.fullmatch(r"list\[(.*)\]", name)
    if repeated:
        name = repeated.group(1)
    name = name.removesuffix(" range")
    kind = _TYPES.get(name, name)
    return f"{kind} (kan upprepas)" if repeated or getattr(param, "multiple", False) else kind


def _default(param: Any) -> str:
    value = param.default
    if value is None or value is False or value == () or value == [] or callable(value):
        return ""
    if getattr(param, "is_flag", False):
        return ""
    return f"`{value}`"


def _spelling(param: Any) -> str:
    if param.param_type_name == "argument":
        return f"`{param.name.upper()}`"
    return ", ".join(f"`{name}`" for name in (*param.opts, *param.secondary_opts))


def _help_blocks(text: str) -> list[str]:
    """A command's help as Markdown: its paragraphs, and an `Example:` line (in any language) as a code block."""
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        example = re.match(r"^\s*\w+: (avr .+)$", paragraph, flags=re.DOTALL)
        if example and "\n" not in example.group(1):
            out += ["```sh", example.group(1), "```", ""]
        else:
            out += [inline(" ".join(paragraph.split())), ""]
    return out


def cli_page(app: Any) -> str:
    """The page of every command, argument and option of ``app`` (the typer app of :mod:`avr.cli`)."""
    import typer.main

    root = typer.main.get_command(app)
    lines = [
        _GENERATED,
        "# Kommandon",
        "",
        "Alla kommandon och val, som `avr KOMMANDO --help` visar dem. Varje kommando tar även `--help`.",
        "",
    ]
    lines += _help_blocks(root.help or "")
    for path, command in commands(root):
        if not path:
            continue
        name = " ".join(("avr", *path))
        lines += [f"{'#' * min(len(path) + 1, 4)} `{name}`", ""]
        lines += _help_blocks(command.help or "")
        params = documented_params(command)
        subs = getattr(command, "commands", None)
        if subs:
            lines += ["Underkommandon: " + ", ".join(f"`{name} {sub}`" for sub in subs), ""]
        if not params:
            continue
        ctx = command.context_class(command, info_name=name)  # typer's own click, whichever it ships
        lines += ["| Argument eller val | Värde | Standard | Beskrivning |", "| --- | --- | --- | --- |"]
        for param in params:
            required = " (krävs)" if param.required else ""
            lines.append(f"| {_spelling(param)}{required} | {cell(_value_kind(param, ctx))} | {_default(param)} | "
                         f"{cell(getattr(param, 'help', None) or '')} |")
        lines.append("")
    return "\n".join(lines)


def pages() -> dict[str, str]:
    """Every generated page by its path under docs/."""
    from avr.cli import app

    return {COMMAND_PAGE: cli_page(app), DIAGNOSTICS_PAGE: diagnostics_page()}
