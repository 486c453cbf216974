"""`avr schema`: JSON Schemas for editors, generated from the pydantic models.

avr reads every scalar as the string that was written and lets the models decide what it means
(`2:1`, `33,9`, `1 040`, `ongoing`). An editor's YAML language server instead types plain scalars
itself (YAML 1.2: `2020` is an integer, `2013-06-30` a string). So the schemas describe each file
*as written*: an id may be a number or a string, a number may be a Swedish-style string, an outcome
may be `353/1040`. Unknown fields stay forbidden (``additionalProperties: false``), which is what
catches a misspelt `titel:` as the user types.

The Swedish and English descriptions of every field come from the models themselves (the one source, shared
with the documentation site's file reference): a field's ``description`` is Swedish and its
``json_schema_extra={"en": …}`` English; a model's own texts are ``json_schema_extra={"sv": …, "en": …}`` in
its ``model_config``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from avr.model import common, goal
from avr.model.activity import Activity
from avr.model.audit import Audit, AuditFollowUp
from avr.model.config import RepoConfig
from avr.model.control import ControlPoint, ControlResult
from avr.model.economy import EconomyTable
from avr.model.followup import FollowUp
from avr.model.organisation import Organisation
from avr.model.outcome import OutcomeEntry
from avr.model.plan import Plan, ReportSpec

DRAFT = "http://json-schema.org/draft-07/schema#"

# File kind → (schema file name, model). `avr new` and the README refer to these names.
KINDS: dict[str, type[BaseModel]] = {
    "avr": RepoConfig,
    "organisation": Organisation,
    "plan": Plan,
    "goal": goal.Goal,
    "activity": Activity,
    "followup": FollowUp,
    "report": ReportSpec,
    "economy": EconomyTable,
    "control": ControlPoint,
    "control-result": ControlResult,
    "audit": Audit,
    "audit-followup": AuditFollowUp,
    "outcome": OutcomeEntry,
}

# Scalar forms as an editor sees them (JSON Schema regexes are ECMAScript: no inline flags, so any letter case is
# spelt out). Built from the characters and words the models read (avr/model/common.py, goal.py), so an editor
# accepts what avr accepts.
_METACHARACTERS = set("\\^$.|?*+()[]{}/-")


def _js_escape(text: str) -> str:
    return "".join("\\" + c if c in _METACHARACTERS else c for c in text)


def _js_class(chars: str) -> str:
    return f"[{_js_escape(chars)}]"


def _any_case(word: str) -> str:
    """``word`` in any letter case, as avr reads it (`Minst`, `MINST`, `minst`)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.lower() != c.upper() else _js_escape(c) for c in word)


def _one_of(words: Any) -> str:
    return "|".join(_any_case(w) for w in sorted(words, key=lambda w: (-len(w), w)))  # longest first


_SIGN = _js_class(common.SIGNS)
_SPACE = _js_class(common.THOUSANDS_SPACES)
_NUM = rf"\d(?:\d|{_SPACE})*(?:{_js_class(common.DECIMAL_SIGNS)}\d+)?"
NUMBER = rf"^{_SIGN}?{_NUM}$"
INTEGER = r"^[+\-−]?\d+$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
# a number (33,9 %), or numerator/denominator with the figure the source prints beside it: 27/179 (19 %)
VALUE = (rf"^(?:{_SIGN}?{_NUM}{_SPACE}*%?|{_NUM}{_SPACE}*/{_SPACE}*{_NUM}"
         rf"(?:{_SPACE}*\({_SPACE}*{_SIGN}?{_NUM}{_SPACE}*%?{_SPACE}*\))?)$")
TARGET = (rf"^(?:(?:{_one_of(goal.COMPARISON_WORDS)})?{_SPACE}*{_SIGN}?{_NUM}{_SPACE}*%?"
          rf"|(?:{_one_of(goal.DIRECTION_WORDS)})\.*)$")
YEAR_OR_ONGOING = rf"^(?:\d{{4}}|{_one_of(common.ONGOING_WORDS)})$"
BOOLEANS = [True, False, "true", "false", "True", "False", "yes", "no", "on", "off"]


def _as_written_value(inner: JsonSchemaValue) -> JsonSchemaValue:
    return {"anyOf": [{"type": "number"}, {"type": "string", "pattern": VALUE}, inner]}


def _as_written_target(inner: JsonSchemaValue) -> JsonSchemaValue:
    return {"anyOf": [{"type": "number"}, {"type": "string", "pattern": TARGET}, inner]}


def _as_written_year_or_ongoing(inner: JsonSchemaValue) -> JsonSchemaValue:
    return {"type": ["integer", "string"], "minimum": 1900, "maximum": 2200, "pattern": YEAR_OR_ONGOING}


# Before-validators that turn a written string into a structure: the string form is valid input too.
_BEFORE: dict[Callable[..., Any], Callable[[JsonSchemaValue], JsonSchemaValue]] = {
    goal.parse_value: _as_written_value,
    goal.parse_target: _as_written_target,
    common.parse_year_or_ongoing: _as_written_year_or_ongoing,
}


class AsWritten(GenerateJsonSchema):
    """pydantic's generator, with scalars typed the way a YAML 1.2 editor sees the file."""

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        out = super().str_schema(schema)
        out["type"] = ["string", "number", "boolean"]  # `title: 2021` or `paragraph: 45` is read as text
        return out

    def int_schema(self, schema: core_schema.IntSchema) -> JsonSchemaValue:
        out = super().int_schema(schema)
        out["type"] = ["integer", "string"]
        out["pattern"] = INTEGER
        return out

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        return {"type": ["number", "string"], "pattern": NUMBER}

    def bool_schema(self, schema: core_schema.BoolSchema) -> JsonSchemaValue:
        return {"enum": list(BOOLEANS)}

    def date_schema(self, schema: core_schema.DateSchema) -> JsonSchemaValue:
        return {"type": "string", "format": "date", "pattern": DATE}

    def function_before_schema(self, schema: core_schema.BeforeValidatorFunctionSchema) -> JsonSchemaValue:
        inner = super().function_before_schema(schema)
        function = schema["function"]["function"]
        widen = _BEFORE.get(function)
        return widen(inner) if widen else inner


def _describe(node: dict[str, Any]) -> None:
    """Turn the models' texts into an editor's hover help: the model's (``sv_description``/``en_description``)
    and each property's (``description`` Swedish, ``en`` English)."""
    for branch in node.get("anyOf", []):  # a model that also takes a short form (a Section's bare name)
        if "properties" in branch:
            node.update({k: branch.pop(k) for k in ("sv_description", "en_description") if k in branch})
            _describe(branch)
    if "sv_description" in node:
        _set_text(node, node.pop("sv_description"), node.pop("en_description", ""))
    for prop in node.get("properties", {}).values():
        if "en" not in prop:
            continue
        for branch in prop.get("anyOf", []):
            branch.pop("description", None)  # the shared `Id` text would hide the field's own on hover
        _set_text(prop, prop.get("description", ""), prop.pop("en"))


def _allow_empty(node: dict[str, Any]) -> None:
    """`key:` with nothing after it is null to an editor and "not filled in" to avr: fine unless required."""
    required = set(node.get("required", []))
    for name, prop in node.get("properties", {}).items():
        if name in required:
            continue
        branches = prop.get("anyOf")
        if branches is not None:
            if {"type": "null"} not in branches:
                branches.append({"type": "null"})
            continue
        meta = {k: prop.pop(k) for k in ("title", "description", "markdownDescription", "default") if k in prop}
        node["properties"][name] = {"anyOf": [prop, {"type": "null"}], **meta}


def _set_text(node: dict[str, Any], sv: str, en: str) -> None:
    node["description"] = f"{sv}\n\n{en}" if en else sv
    node["markdownDescription"] = f"{sv}\n\n*{en}*" if en else sv


def generate(kind: str) -> dict[str, Any]:
    """The JSON Schema of one file kind, with descriptions merged in."""
    model = KINDS[kind]
    schema = model.model_json_schema(schema_generator=AsWritten, mode="validation")
    for definition in schema.get("$defs", {}).values():
        _describe(definition)
        _allow_empty(definition)
    _describe(schema)
    _allow_empty(schema)
    return {"$schema": DRAFT, **schema}


def schema_text(kind: str) -> str:
    return json.dumps(generate(kind), ensure_ascii=False, indent=2) + "\n"


def undescribed() -> list[str]:
    """`Model.field` names without a Swedish and English description (kept empty by a test)."""
    missing: list[str] = []
    seen: set[type[BaseModel]] = set()

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, field in model.model_fields.items():
            extra = field.json_schema_extra
            if not (field.description and isinstance(extra, dict) and extra.get("en")):
                missing.append(f"{model.__name__}.{name}")
            for sub in _models_in(field.annotation):
                visit(sub)

    for model in KINDS.values():
        visit(model)
    return missing


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) or () for m in _models_in(arg)]


def write_schemas(out_dir: Path) -> list[Path]:
    """Write ``<kind>.schema.json`` for every file kind; return the files written."""
    from avr.build.output import write_atomic

    written = []
    for kind in KINDS:
        target = out_dir / f"{kind}.schema.json"
        write_atomic(target, schema_text(kind))
        written.append(target)
    return written
