"""Validate a loaded document against a schema, turning pydantic errors into diagnostics."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from avr.errors import Diagnostics
from avr.i18n import gettext as _
from avr.i18n import ngettext
from avr.load.yamlfile import Document

M = TypeVar("M", bound=BaseModel)


def validate(doc: Document, schema: type[M], diags: Diagnostics) -> M | None:
    """Return the model, or None after adding one diagnostic per problem."""
    try:
        # what model_validate calls, without its frame (all options left at the model's own)
        model: M = schema.__pydantic_validator__.validate_python(doc.data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            _report(doc, schema, error, diags)
        return None
    # the model holds what is needed now; the data's objects can be made again from the document's bytes
    doc.release()
    _share_fields_set(model)
    return model


class _SharedFields(set[str]):
    """The written fields of many checked models, held once. It refuses to change: an assignment to one model
    would otherwise mark the field as written in all of them. A copy (``model_copy``) is a set of its own."""

    def _refuse(self, *args: Any) -> Any:
        raise TypeError("a checked model is not assigned to after loading (its fields set is shared)")

    add = discard = remove = pop = clear = update = _refuse
    difference_update = intersection_update = symmetric_difference_update = _refuse
    __ior__ = __iand__ = __isub__ = __ixor__ = _refuse

    def __copy__(self) -> set[str]:
        return set(self)


# One set object per distinct set of written fields, instead of a copy in every model (memory; benchmarks/NOTES.md).
_FIELDS_SETS: dict[frozenset[str], _SharedFields] = {}


def _share_fields_set(model: BaseModel) -> None:
    written = model.__pydantic_fields_set__
    key = frozenset(written)
    shared = _FIELDS_SETS.get(key)
    if shared is None:
        if len(_FIELDS_SETS) > 4096:  # bounded, whatever the files hold
            return
        shared = _FIELDS_SETS[key] = _SharedFields(written)
    object.__setattr__(model, "__pydantic_fields_set__", shared)


def _report(doc: Document, schema: type[BaseModel], error: Any, diags: Diagnostics) -> None:
    loc = _data_loc(doc, tuple(error["loc"]), keep_last=error["type"] in ("extra_forbidden", "missing"))
    kind = error["type"]
    dotted = ".".join(str(p) for p in loc) or "file"
    if kind == "extra_forbidden":
        line, col = doc.position(loc, key=True)
        field = str(loc[-1])
        allowed = _fields_at(schema, loc[:-1])
        close = difflib.get_close_matches(field, allowed, n=1, cutoff=0.6)
        if close:
            message = _("unknown field `{field}` — did you mean `{close}`?").format(field=field, close=close[0])
        elif allowed:
            message = _("unknown field `{field}`; allowed: {allowed}").format(field=field, allowed=", ".join(allowed))
        else:
            message = _("unknown field `{field}`").format(field=field)
        diags.add(doc.path, line, col, "E101", message)
    elif kind == "missing":
        line, col = doc.position(loc[:-1])
        diags.add(doc.path, line, col, "E102", _("missing field `{field}`").format(field=dotted))
    else:
        line, col = doc.position(loc)
        message = error_message(kind, error.get("ctx") or {})
        given = error.get("input")
        if isinstance(given, str) and given and given not in message and len(given) < 60:
            message = f"`{given}`: {message}"
        diags.add(doc.path, line, col, "E103", f"{dotted}: {message}")


def error_message(kind: str, ctx: dict[str, Any]) -> str:
    """A pydantic error of type ``kind`` in the user's language (pydantic's own text is English only).

    A validator of avr's models raises its message already translated (``value_error``); the types the models
    can meet have a message here, any other is named by its type.
    """
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", ""))
    bound = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt", "less_than_equal": "le"}
    if kind in bound:
        value = ctx.get(bound[kind])
        return {
            "greater_than": _("Input should be greater than {value}"),
            "greater_than_equal": _("Input should be greater than or equal to {value}"),
            "less_than": _("Input should be less than {value}"),
            "less_than_equal": _("Input should be less than or equal to {value}"),
        }[kind].format(value=value)
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        head, sep, last = expected.rpartition(" or ")  # pydantic lists the choices as `'a', 'b' or 'c'`
        if sep:
            expected = _("{choices} or {last}").format(choices=head, last=last)
        return _("Input should be {expected}").format(expected=expected)
    if kind in ("string_too_short", "too_short"):
        count = int(ctx.get("min_length", 0))
        return ngettext("should have at least {count} character", "should have at least {count} characters",
                        count).format(count=count) if kind == "string_too_short" else ngettext(
            "should have at least {count} item", "should have at least {count} items", count).format(count=count)
    if kind in ("string_too_long", "too_long"):
        count = int(ctx.get("max_length", 0))
        return ngettext("should have at most {count} character", "should have at most {count} characters",
                        count).format(count=count) if kind == "string_too_long" else ngettext(
            "should have at most {count} item", "should have at most {count} items", count).format(count=count)
    if kind == "string_pattern_mismatch":
        return _("does not have the expected form (pattern {pattern})").format(pattern=ctx.get("pattern", ""))
    plain = {
        "string_type": _("Input should be text"),
        "int_type": _("Input should be a whole number"),
        "int_parsing": _("Input should be a whole number"),
        "int_from_float": _("Input should be a whole number"),
        "int_parsing_size": _("Input should be a whole number of fewer digits"),
        "float_type": _("Input should be a number"),
        "float_parsing": _("Input should be a number"),
        "decimal_type": _("Input should be a number"),
        "decimal_parsing": _("Input should be a number"),
        "finite_number": _("Input should be a finite number"),
        "bool_type": _("Input should be true or false"),
        "bool_parsing": _("Input should be true or false"),
        "date_type": _("Input should be a date in the form YYYY-MM-DD"),
        "date_parsing": _("Input should be a date in the form YYYY-MM-DD"),
        "date_from_datetime_parsing": _("Input should be a date in the form YYYY-MM-DD"),
        "date_from_datetime_inexact": _("Input should be a date in the form YYYY-MM-DD"),
        "list_type": _("Input should be a list (lines starting with `- `)"),
        "tuple_type": _("Input should be a list (lines starting with `- `)"),
        "set_type": _("Input should be a list (lines starting with `- `)"),
        "dict_type": _("Input should be a mapping of fields (key: value)"),
        "model_type": _("Input should be a mapping of fields (key: value)"),
        "model_attributes_type": _("Input should be a mapping of fields (key: value)"),
        "none_required": _("Input should be empty"),
        "union_tag_invalid": _("Input does not name one of the known kinds"),
        "union_tag_not_found": _("Input does not say which kind it is"),
        "url_parsing": _("Input should be a web address (URL)"),
        "url_type": _("Input should be a web address (URL)"),
        "url_scheme": _("Input should be a web address (URL)"),
        "recursion_loop": _("Input refers to itself"),
    }
    return plain.get(kind) or _("invalid value ({kind})").format(kind=kind)


def _data_loc(doc: Document, raw: tuple[Any, ...], *, keep_last: bool) -> tuple[Any, ...]:
    """``raw`` without pydantic's own parts; a part written in the file (a key named `int`) is kept."""
    kept: tuple[Any, ...] = ()
    for index, part in enumerate(raw):
        written = (*kept, part) in doc.positions or (*kept, part) in doc.key_positions
        if written or not _is_internal(part) or (keep_last and index == len(raw) - 1):
            kept = (*kept, part)
    return kept


def _is_internal(part: Any) -> bool:
    # pydantic adds union/validator tags such as 'int' or 'function-before[...]' to locations
    return isinstance(part, str) and (
        "[" in part or part in {"int", "str", "literal['ongoing']", "function-after", "function-before"}
    )


def _fields_at(schema: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model found at ``loc`` inside ``schema``."""
    current: Any = schema
    for part in loc:
        current = _model_in(current, part)
        if current is None:
            return []
    model = _unwrap(current)
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def _model_in(annotation: Any, part: Any) -> Any:
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field else None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            models = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = models[0] if len(models) == 1 else annotation
            if len(models) != 1:
                return annotation
        else:
            return annotation
