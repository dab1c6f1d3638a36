"""Token attributes: the typed model of the host app's users, and validation against it.

The model's vocabulary (`AttributeSpec`, `AttributeType`) lives in `plotboard.access.attributes`,
below both access rules and auth; it is imported here under the same names."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from plotboard.access.attributes import ATTRIBUTE_TYPES as ATTRIBUTE_TYPES
from plotboard.access.attributes import AttributeSpec as AttributeSpec
from plotboard.access.attributes import AttributeType as AttributeType
from plotboard.errors import FieldError, PlotboardError
from plotboard.inputs import number_problem, shown, text_problem

NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MAX_STRING = 1000
MAX_LIST = 1000


def name_problem(name: str) -> str | None:
    if not NAME_PATTERN.match(name):
        return (
            "must start with a lower-case letter or underscore and hold only lower-case "
            "letters, digits and underscores (at most 63 characters), e.g. 'region'"
        )
    return None


def _is_number(value: Any) -> bool:
    # bool is an int in Python, but `true` is not a number to a host backend. A number no
    # database parameter can hold (10**22, 1e400 read as infinity) would fail every query.
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and not (isinstance(value, float) and not math.isfinite(value))
        and number_problem(value) is None
    )


def _number_problem(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_problem(value) or "must be a number"
    return f"must be a number, got {_json_type(value)}"


def _type_problem(spec: AttributeSpec, value: Any) -> str | None:
    kind = spec.type
    if kind == "string":
        if not isinstance(value, str):
            return f"must be a string, got {_json_type(value)}"
        if len(value) > MAX_STRING:
            return f"must be at most {MAX_STRING} characters"
        return text_problem(value)
    if kind == "number":
        return None if _is_number(value) else _number_problem(value)
    if kind == "boolean":
        return (
            None if isinstance(value, bool) else f"must be true or false, got {_json_type(value)}"
        )
    # list types
    item_kind = "string" if kind == "string_list" else "number"
    if not isinstance(value, list):
        return f"must be a list of {item_kind}s, got {_json_type(value)}"
    if len(value) > MAX_LIST:
        return f"must hold at most {MAX_LIST} items"
    for i, item in enumerate(value):
        if item_kind == "number":
            if not _is_number(item):
                return f"item {i} {_number_problem(item)}"
            continue
        if not isinstance(item, str):
            return f"item {i} must be a string, got {_json_type(item)}"
        problem = (
            f"must be at most {MAX_STRING} characters"
            if len(item) > MAX_STRING
            else text_problem(item)
        )
        if problem:
            return f"item {i} {problem}"
    return None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def validate_attributes(
    model: Sequence[AttributeSpec], given: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Check token attributes against the organization's model; 422 naming each bad attribute.

    Unknown attributes are refused (a typo would otherwise silently mean "no rows"), every
    required attribute must be present, and each value must have its declared type.
    """
    given = dict(given or {})
    by_name = {spec.name: spec for spec in model}
    problems: list[FieldError] = []
    for name, value in given.items():
        spec = by_name.get(name)
        if spec is None:
            known = ", ".join(sorted(by_name)) or "none are defined yet"
            # The name is the client's: quoted safely (it may hold a lone surrogate) and short.
            problems.append(
                FieldError(
                    f"attributes.{shown(name)}",
                    f"unknown attribute '{shown(name)}' (known attributes: {known}). An admin "
                    "can add it under Token attributes.",
                )
            )
            continue
        if value is None and not spec.required:
            continue
        problem = _type_problem(spec, value)
        if problem:
            problems.append(FieldError(f"attributes.{name}", problem))
    for spec in model:
        if spec.required and given.get(spec.name) is None:
            problems.append(FieldError(f"attributes.{spec.name}", "is required"))
    if problems:
        first = problems[0]
        extra = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise PlotboardError(
            f"{first.field}: {first.message}{extra}", "invalid_attribute", 422, problems
        )
    return {k: v for k, v in given.items() if v is not None}
