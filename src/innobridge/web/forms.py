"""Form presentation: fields built from the registry schemas, and errors placed next to their fields."""

from __future__ import annotations

import enum
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from starlette.datastructures import FormData

from innobridge.core.errors import FieldError
from innobridge.core.i18n import Lang, t

FORM_ERROR = "__form__"
# Fields that users never type: set by the system or by imports.
HIDDEN_FIELDS = frozenset({"source", "external_id"})
LONG_TEXT = frozenset({"description", "abstract", "profile", "sharing_terms"})


def message(err: FieldError, lang: Lang) -> str:
    text = t(err.code, lang, **err.params)
    if text == err.code:  # not in the catalogue (e.g. a pydantic error): its own words
        return str(err.params.get("detail") or err.code)
    return text


def errors_by_field(errors: list[FieldError], lang: Lang) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for err in errors:
        name = err.field.split(".")[0] if err.field and err.field != "__row__" else FORM_ERROR
        out.setdefault(name, []).append(message(err, lang))
    return out


def pydantic_errors(exc: ValidationError) -> list[FieldError]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        out.append(
            FieldError(loc[0] if loc else FORM_ERROR, f"pydantic.{err['type']}", {"detail": err["msg"]})
        )
    return out


@dataclass
class FieldView:
    name: str
    label: str
    widget: str  # text, textarea, number, date, select, checkbox, list
    value: Any = ""
    required: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)
    help: str = ""
    errors: list[str] = field(default_factory=list)
    step: str = ""


def _base_type(annotation: Any) -> tuple[Any, bool]:
    """(innermost type, is_list), unwrapping Annotated and Optional."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        elif origin is list:
            inner, _ = _base_type(typing.get_args(annotation)[0])
            return inner, True
        else:
            return annotation, False


def field_label(info: FieldInfo, name: str, lang: Lang) -> str:
    if lang == "en" and info.description:
        return info.description.split("(")[0].strip()
    return info.title or name


def schema_fields(
    schema: type[BaseModel],
    lang: Lang,
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    skip: frozenset[str] = HIDDEN_FIELDS,
) -> list[FieldView]:
    values = values or {}
    errors = errors or {}
    out = []
    for name, info in schema.model_fields.items():
        if name in skip:
            continue
        base, is_list = _base_type(info.annotation)
        value = values.get(name, None if info.is_required() else info.get_default(call_default_factory=True))
        view = FieldView(
            name=name,
            label=field_label(info, name, lang),
            widget="text",
            required=info.is_required(),
            errors=errors.get(name, []),
        )
        if is_list:
            view.widget = "list"
            view.value = ", ".join(str(v) for v in value) if isinstance(value, list) else (value or "")
            view.help = t("ui.record.list_hint", lang)
        elif isinstance(base, type) and issubclass(base, enum.Enum):
            view.widget = "select"
            view.options = [(str(e.value), t(f"enum.{base.__name__}.{e.value}", lang)) for e in base]
            view.value = value.value if isinstance(value, enum.Enum) else (value or "")
        elif base is bool:
            view.widget = "checkbox"
            view.value = bool(value) and value not in ("false", "0", "")
        elif base is int or base is Decimal:
            view.widget = "number"
            view.step = "1" if base is int else "0.01"
            view.value = "" if value is None else str(value)
        elif base is date:
            view.widget = "date"
            view.value = value.isoformat() if isinstance(value, date) else (value or "")
        else:
            view.widget = "textarea" if name in LONG_TEXT else "text"
            view.value = "" if value is None else str(value)
        if name != "visibility" and info.description and lang == "zh":
            view.help = view.help or ""
        out.append(view)
    return out


def form_to_input(
    schema: type[BaseModel], form: FormData, skip: frozenset[str] = HIDDEN_FIELDS
) -> dict[str, Any]:
    """Submitted strings as the schema's raw input (checkboxes: present or not)."""
    data: dict[str, Any] = {}
    for name, info in schema.model_fields.items():
        if name in skip:
            continue
        base, _ = _base_type(info.annotation)
        raw = form.get(name)
        if base is bool:
            data[name] = raw is not None
        elif isinstance(raw, str):
            data[name] = raw
    return data
