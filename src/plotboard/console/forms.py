"""Reading console forms, and saying what is wrong with them field by field.

Services raise `PlotboardError` (with `FieldError`s) and pydantic raises `ValidationError`; both
become a `Problems`: one sentence for the top of the form and a message per form field, so the
form is shown again with the admin's input and the problem next to the field at fault.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from plotboard.api.errors import validation_error_body
from plotboard.auth.attribute_values import AttributeSpec
from plotboard.errors import PlotboardError

_PREFIXED = re.compile(r"^([a-z_]+(?:\.[a-z_]+)*): (.+)$", re.S)


@dataclass
class Problems:
    """What is wrong with a form: `summary` for the top, `fields` for each input."""

    summary: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.summary or self.fields)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, message)
        if not self.summary:
            self.summary = "Please correct the highlighted field."

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


def problems_of(
    err: PlotboardError | ValidationError,
    rename: Callable[[str], str] | Mapping[str, str] | None = None,
) -> Problems:
    """The problems of a failed service call or model validation.

    `rename` maps an API field name (`connection.host`, `attributes.region`) to the form
    input that holds it; unknown names are kept as they are.
    """
    if isinstance(err, ValidationError):
        details = [
            # An empty required text field: say "is required", not "at least 1 character".
            {**e, "type": "missing"}
            if e["type"] == "string_too_short" and e.get("ctx", {}).get("min_length") == 1
            else e
            for e in err.errors()
        ]
        body = validation_error_body(RequestValidationError(details))
        err = PlotboardError(
            str(body["detail"]),
            "invalid_request",
            422,
        )
        errors = body.get("errors")
        items = errors if isinstance(errors, list) else []
    else:
        items = [{"field": e.field, "message": e.message} for e in err.errors]

    def name_of(api_name: str) -> str:
        if rename is None:
            return api_name
        if callable(rename):
            return rename(api_name)
        return rename.get(api_name, api_name)

    out = Problems(summary=err.message)
    for item in items:
        name, message = str(item["field"]), str(item["message"])
        prefixed = _PREFIXED.match(message)
        if name in ("body", "connection") and prefixed:
            # A check of the whole form names its field in the message: "base_url: required".
            name, message = prefixed.group(1), prefixed.group(2)
        out.fields.setdefault(name_of(name), message)
    if len(out.fields) == 1 and err.message.endswith(next(iter(out.fields.values()))):
        # "name: give the key a name..." — the field shows the message; the top says less.
        out.summary = "Please correct the highlighted field."
    return out


# --- typed attribute values (token sandbox, rule preview) -------------------------------------


def attribute_input(name: str) -> str:
    """The form input of a token attribute's value."""
    return f"attr-{name}"


def _number(text: str) -> int | float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return int(value) if value.is_integer() and "." not in text and "e" not in text else value


def _items(text: str) -> list[str]:
    parts = text.splitlines() if "\n" in text else text.split(",")
    return [p.strip() for p in parts if p.strip()]


def parse_attribute_values(
    model: list[AttributeSpec], fields: Mapping[str, str]
) -> tuple[dict[str, Any], Problems]:
    """Attribute values typed into a form, one input per attribute of the model.

    A blank input means "not set". Lists are comma-separated, or one value per line (for
    values holding commas). Returns the values and the problems of the inputs that did not
    parse; the values are then checked against the model by the service that uses them.
    """
    values: dict[str, Any] = {}
    problems = Problems()
    for spec in model:
        name = attribute_input(spec.name)
        raw = fields.get(name, "").strip()
        if raw == "":
            continue
        try:
            if spec.type == "string":
                values[spec.name] = raw
            elif spec.type == "number":
                values[spec.name] = _number(raw)
            elif spec.type == "boolean":
                if raw not in ("true", "false"):
                    raise ValueError(raw)
                values[spec.name] = raw == "true"
            elif spec.type == "string_list":
                values[spec.name] = _items(raw)
            else:
                values[spec.name] = [_number(item) for item in _items(raw)]
        except ValueError:
            expected = {
                "number": "a number, e.g. 42 or 3.5",
                "boolean": "true or false",
                "number_list": "numbers separated by commas, e.g. 1, 2, 3",
            }.get(spec.type, "a value")
            problems.add(name, f"'{raw}' is not {expected}")
    return values, problems


def attribute_rename(api_name: str) -> str:
    """`attributes.region` (the mint API's name) -> the form input `attr-region`."""
    if api_name.startswith("attributes."):
        return attribute_input(api_name.removeprefix("attributes."))
    return api_name


def context_clues(text: str) -> str | dict[str, str] | None:
    """Context clues as typed: plain text, or a JSON object of named strings."""
    text = text.strip()
    if not text:
        return None
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return text
        if isinstance(data, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            return data
    return text


def options_of(text: str) -> tuple[dict[str, str], str | None]:
    """Connection options written one `name=value` per line; or the line that is not."""
    options: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            return {}, f"'{line}' is not name=value (one option per line, e.g. sslmode=require)"
        options[name.strip()] = value.strip()
    return options, None


def options_text(options: Mapping[str, Any]) -> str:
    return "\n".join(f"{k}={v}" for k, v in options.items())


@dataclass
class FormState:
    """A form as shown: the values to put back in its inputs and the problems to show."""

    values: Mapping[str, str] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def error(self, name: str) -> str:
        return self.problems.get(name)

    def checked(self, name: str, default: bool = False) -> bool:
        if not self.values:
            return default
        return self.values.get(name) not in (None, "", "0", "false", "off")
