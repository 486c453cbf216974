"""The *Referens* pages of the documentation site, generated from the live code so they cannot drift.

`mkdocs build` calls :func:`pages` through ``scripts/mkdocs_hooks.py``: the command line from the typer app's
click tree, every diagnostic code from :data:`avr.errors.CODES`. Nothing here is committed as Markdown.
Each page is Swedish (the site's language); texts the code gives in the current message language (``--help``)
come as :mod:`avr.i18n` gives them, so the hook chooses Swedish before it imports the command line.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import types
import typing
from collections.abc import Iterator
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from typing_extensions import is_typeddict

from avr.commands.schema import KINDS
from avr.errors import CODES, Severity, severity_of
from avr.model import common

__all__ = [
    "COMMAND_PAGE", "DIAGNOSTICS_PAGE", "FIELDS_PAGE", "STATUS_PAGE", "cli_page", "commands", "diagnostics_page", "fields_page",
    "nested_models", "option_names", "pages", "required_fields", "required_table", "status_page", "typed_dicts",
]

COMMAND_PAGE = "referens/cli.md"
DIAGNOSTICS_PAGE = "referens/diagnostik.md"
FIELDS_PAGE = "referens/filer.md"
STATUS_PAGE = "referens/status-json.md"

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
    """What a code means, in the messages' language where its catalogue translates it."""
    from avr.i18n import gettext

    return gettext(CODES[code])


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


# ---------------------------------------------------------------------------------------------- file fields

def required_fields(model: type[BaseModel], prefix: str = "", within: tuple[type[BaseModel], ...] = ()) -> list[str]:
    """The fields a file of ``model`` must have, nested ones as `indicators[].id` (needed when the outer is there);
    a model inside itself (a row's `rows`) is listed once."""
    found: list[str] = []
    for name, field in model.model_fields.items():
        if field.is_required():
            found.append(prefix + name)
        for sub, suffix in nested_models(field.annotation):
            if sub not in within and sub is not model:
                found += required_fields(sub, f"{prefix}{name}{suffix}.", (*within, model))
    return found


def nested_models(annotation: Any, suffix: str = "") -> list[tuple[type[BaseModel], str]]:
    """The models inside an annotation, each with how a path reaches it: `[]` for a list item, `.<key>` for a
    mapping's value."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, suffix)]
    origin = typing.get_origin(annotation)
    args: tuple[Any, ...] = typing.get_args(annotation)
    if origin is list:
        return [m for arg in args for m in nested_models(arg, suffix + "[]")]
    if origin is dict:
        return nested_models(args[-1], suffix + ".<key>") if args else []
    return [m for arg in args for m in nested_models(arg, suffix)]


def required_table() -> str:
    """The table of required fields per file kind."""
    rows = ["| Fil | Obligatoriska fält |", "| --- | --- |"]
    for kind, model in KINDS.items():
        fields = required_fields(model)
        rows.append(f"| [`{kind}`](#{kind}) | {', '.join(f'`{f}`' for f in fields) or '—'} |")
    return "\n".join(rows)


# The shared value types of avr/model/common.py, by what they are called on the page.
_ALIASES: list[tuple[Any, str]] = [
    (common.Id, "id"), (common.Markdown, "text (Markdown)"), (common.Heading, "text, en rad"),
    (common.Title, "text, en mening"), (common.Number, "tal"), (common.Figure, "tal"), (common.Year, "år"),
    (common.YearOrOngoing, "år eller `ongoing`"),
]
_PLAIN: dict[Any, str] = {str: "text", int: "heltal", float: "tal", Decimal: "tal", bool: "ja/nej",
                          dt.date: "datum (ÅÅÅÅ-MM-DD)", type(None): "inget"}


def _alias(annotation: Any, metadata: list[Any]) -> str | None:
    for alias, name in _ALIASES:
        info = FieldInfo.from_annotation(alias)
        if info.annotation == annotation and info.metadata == metadata:
            return name
    return None


Links = dict[Any, tuple[str, str]]  # a nested model or TypedDict → its section's anchor and path


def type_text(annotation: Any, metadata: list[Any] | None = None, links: Links | None = None) -> str:
    """What a field holds, in words: `lista av id`, `ett av met, not_met`, a link to a nested model's
    section (`tabell, se units[]`)."""
    links = links or {}
    name = _alias(annotation, metadata or [])
    if name:
        return name
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        info = FieldInfo.from_annotation(annotation)
        return type_text(info.annotation, info.metadata, links)
    if origin in (typing.Union, types.UnionType):
        shown = [type_text(a, None, links) for a in args if a is not type(None)]
        return " eller ".join(dict.fromkeys(shown))
    if origin is typing.Literal:
        return "ett av " + ", ".join(f"`{v}`" for v in args)
    if origin is list:
        return "lista av " + type_text(args[0], None, links)
    if origin is dict:
        return f"mappning från {type_text(args[0], None, links)} till {type_text(args[1], None, links)}"
    if is_typeddict(annotation) or isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in links:
            return str(annotation.__name__)
        target, path = links[annotation]
        return f"fält, se [`{path}`](#{target})"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "ett av " + ", ".join(f"`{m.value}`" for m in annotation)
    return _PLAIN.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _need(field: FieldInfo) -> str:
    if field.is_required():
        return "**ja**"
    value = field.default
    if value is None or value is PydanticUndefined:
        return "nej"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        value = str(value).lower()
    return f"nej (standard `{value}`)"


def model_texts(model: type[BaseModel]) -> tuple[str, str]:
    """A model's own Swedish and English description (its ``model_config``'s ``json_schema_extra``)."""
    extra = model.model_config.get("json_schema_extra")
    if isinstance(extra, dict):
        return str(extra.get("sv_description", "")), str(extra.get("en_description", ""))
    return "", ""


def _models_of(kind: str, model: type[BaseModel]) -> list[tuple[str, type[BaseModel]]]:
    """The models a file kind holds, each once with the first path that reaches it ("" for the file itself)."""
    found: dict[type[BaseModel], str] = {model: ""}
    queue = [(model, "")]
    while queue:
        current, path = queue.pop(0)
        for name, field in current.model_fields.items():
            for sub, suffix in nested_models(field.annotation):
                if sub not in found:
                    found[sub] = f"{path}{'.' if path else ''}{name}{suffix}"
                    queue.append((sub, found[sub]))
    return [(path, m) for m, path in found.items()]


def _slug(kind: str, path: str) -> str:
    return "-".join([kind, *re.findall(r"[a-z0-9_]+", path.replace("<key>", ""))]).replace("_", "-")


def fields_page() -> str:
    """The page of every file kind, its models and every field: type, whether required, description."""
    lines = [
        _GENERATED,
        "# Filernas fält",
        "",
        "Varje filsort och varje fält som avr läser, med typ, om fältet krävs och vad det betyder. Sidan genereras",
        "ur avr:s modeller, samma källa som kontrollen av filerna och redigerarnas JSON-scheman (`avr schema`),",
        "så den kan inte säga något annat än vad avr gör. Ett fält som inte står här är ett fel (E101).",
        "",
        "## Obligatoriska fält {#obligatoriska-falt}",
        "",
        "Fälten varje filsort måste ha (ett inre fält, som `indicators[].id`, när dess yttre fält finns med);",
        "alla andra får utelämnas. En aktivitets `goals` krävs också, utom i en plan av åtaganden",
        "(`item_noun: commitment`).",
        "",
        required_table(),
        "",
    ]
    for kind, model in KINDS.items():
        models = _models_of(kind, model)
        links = {m: (_slug(kind, path), path or kind) for path, m in models}
        for path, current in models:
            sv, _en = model_texts(current)
            heading = f"## `{kind}`" if not path else f"### `{kind}`: `{path}`"
            lines += [f"{heading} {{#{links[current][0]}}}", ""]
            if sv:
                lines += [inline(sv) + ".", ""]
            lines += ["| Fält | Typ | Krävs | Beskrivning |", "| --- | --- | --- | --- |"]
            for name, field in current.model_fields.items():
                kind_text = type_text(field.annotation, field.metadata, links).replace("|", "\\|")
                lines.append(f"| `{name}` | {kind_text} | {_need(field)} | "
                             f"{cell(field.description or '')} |")
            lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- avr status --json

def typed_dicts(root: Any) -> list[tuple[str, Any]]:
    """``root`` and every TypedDict inside it, each once with the first key path that reaches it."""
    found: dict[Any, str] = {root: ""}
    queue = [root]
    while queue:
        current = queue.pop(0)
        for key, hint in typing.get_type_hints(current).items():
            for inner in _typed_dicts_in(hint):
                if inner not in found:
                    found[inner] = _join(found[current], key, hint)
                    queue.append(inner)
    return [(path, td) for td, path in found.items()]


def _typed_dicts_in(hint: Any) -> list[Any]:
    if is_typeddict(hint):
        return [hint]
    return [t for arg in typing.get_args(hint) for t in _typed_dicts_in(arg)]


def _join(path: str, key: str, hint: Any) -> str:
    """`plans[].goals[]`: a key's path, with `[]` for a list's item and `.<id>` for a mapping's value."""
    suffix = ""
    while True:
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin is list:
            suffix, hint = suffix + "[]", args[0]
        elif origin is dict:
            suffix, hint = suffix + ".<id>", args[1]
        elif origin in (typing.Union, types.UnionType):
            hint = next(a for a in args if a is not type(None))
        else:
            return f"{path}{'.' if path else ''}{key}{suffix}"


def status_page() -> str:
    """The page of the public JSON of `avr status --json`, from its one definition (avr/commands/status.py)."""
    from avr.commands.status import StatusJson, status_shape

    shapes = typed_dicts(StatusJson)
    links = {td: ("status-" + ("-".join(re.findall(r"[a-z0-9_]+", path.replace("<id>", ""))) or "root")
                  .replace("_", "-"), path or "(hela svaret)") for path, td in shapes}
    lines = [
        _GENERATED,
        "# `avr status --json`",
        "",
        "Formen på det `avr status --json` skriver är ett publikt gränssnitt: nycklar kan läggas till i senare",
        "versioner, men ingen tas bort eller byter betydelse. Sidan genereras ur samma definition som `avr status`",
        "kontrollerar sitt svar mot, så den följer koden. JSON-filen bredvid varje rapport innehåller detsamma och",
        "mer.",
        "",
    ]
    for path, td in shapes:
        heading = "## Svaret" if not path else f"## `{path}`"
        lines += [f"{heading} {{#{links[td][0]}}}", ""]
        lines += [inline(" ".join((td.__doc__ or "").split())), ""]
        lines += ["| Nyckel | Typ | Alltid med | Beskrivning |", "| --- | --- | --- | --- |"]
        hints = typing.get_type_hints(td, include_extras=True)
        for key, hint in hints.items():
            info = FieldInfo.from_annotation(hint)
            kind_text = type_text(info.annotation, info.metadata, links).replace("fält, se", "objekt, se")
            if type(None) in typing.get_args(info.annotation):
                kind_text += " eller `null`"
            always = "ja" if key in td.__required_keys__ else "nej"
            lines.append(f"| `{key}` | {kind_text.replace('|', chr(92) + '|')} | {always} | {cell(info.description or '')} |")
        lines.append("")
    schema = json.dumps(status_shape().json_schema(), ensure_ascii=False, indent=2)
    lines += ["## JSON Schema", "", "Samma form som JSON Schema, för den som vill validera svaret:", "",
              '??? note "JSON Schema för `avr status --json`"', "", "    ```json"]
    lines += [f"    {line}" for line in schema.splitlines()]
    lines += ["    ```", ""]
    return "\n".join(lines)


def pages() -> dict[str, str]:
    """Every generated page by its path under docs/."""
    from avr.cli import app

    return {COMMAND_PAGE: cli_page(app), FIELDS_PAGE: fields_page(), DIAGNOSTICS_PAGE: diagnostics_page(),
            STATUS_PAGE: status_page()}
