"""Input types shared by the API models: text that is valid Unicode, numbers every database can
hold, and free-form JSON (chart options, saved filters, token claims) of bounded depth and size.

Python's `json` reads `"\\udfff"` (a lone UTF-16 surrogate, which is no character at all),
`1e400` (infinity), `NaN` and integers of any size, and pydantic's `str`, `int` and `Any` take
them as they are. None of them can be written as UTF-8, bound to a BIGINT parameter or encoded
back to JSON, so, let through, they fail far from where they came in: as a 500 on a later save,
query or answer. These types refuse them at the edge, with a message a person can act on.

>>> text_problem("Paris") is None
True
>>> text_problem("Par\\udfffis")
'holds a character that is not valid text (a lone surrogate, \\\\udfff); send UTF-8 text'
>>> json_problem({"series": [{"name": "\\ud800"}]}, JsonLimits())[0]
'series[0].name'
>>> json_problem({"max": 10**22}, JsonLimits())
('max', 'is too large a number (at most 9223372036854775807 in size)')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, Field

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1

Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]
"""An integer a BIGINT column or parameter can hold, on every engine."""


def text_problem(value: str) -> str | None:
    """Why `value` is not text that can be stored and sent back, or None when it is."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        return (
            "holds a character that is not valid text (a lone surrogate, "
            f"\\u{ord(value[err.start]):04x}); send UTF-8 text"
        )
    return None


def check_text(value: str) -> str:
    """A pydantic after-validator: `value` unchanged, or ValueError saying why it is not text."""
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


Text = Annotated[str, AfterValidator(check_text)]
"""A string of Unicode characters only (no lone surrogates): it can be stored and sent back."""


def number_problem(value: int | float) -> str | None:
    """Why a JSON number cannot be stored or queried (too big, infinite, NaN), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            return f"is too large a number (at most {INT64_MAX} in size)"
        return None
    if not math.isfinite(value):
        return "must be a finite number (not NaN or infinity)"
    return None


def shown(value: object, limit: int = 60) -> str:
    """`value` as text safe to quote in an error message: lone surrogates escaped, and cut to
    `limit` characters, so a hostile key can neither break the answer's JSON nor bloat it."""
    text = value if isinstance(value, str) else str(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class JsonLimits:
    """Bounds on a free-form JSON value: nesting depth, characters per string or key, and
    entries (object members and list items, counted all the way down)."""

    max_depth: int = 16
    max_string: int = 10_000
    max_entries: int = 10_000


def _step(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{shown(key, 40)}" if path else shown(key, 40)


def json_problem(value: Any, limits: JsonLimits, where: str = "") -> tuple[str, str] | None:
    """The first place in `value` (a path such as ``series[0].name``, relative to `where`) that
    is not plain, bounded JSON, and what is wrong there; None when all of it is fine.

    Walks without recursion, so a value nested thousands deep is answered, not crashed on.
    """
    stack: list[tuple[Any, str, int]] = [(value, where, 0)]
    entries = 0
    while stack:
        item, path, depth = stack.pop()
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, int | float):
            problem = number_problem(item)
            if problem:
                return path, problem
            continue
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return path, problem
            if len(item) > limits.max_string:
                return path, f"is too long (at most {limits.max_string} characters)"
            continue
        if not isinstance(item, dict | list):
            return path, "must be text, a number, true/false, null, a list or an object"
        if depth >= limits.max_depth:
            return path, f"is nested too deeply (at most {limits.max_depth} levels)"
        entries += len(item)
        if entries > limits.max_entries:
            return path or "body", f"has too many entries (at most {limits.max_entries} in all)"
        if isinstance(item, dict):
            for key, inner in reversed(item.items()):
                if not isinstance(key, str):
                    return path, "must have text keys"
                key_problem = text_problem(key)
                if key_problem or len(key) > limits.max_string:
                    return _step(path, key), "has a name that " + (
                        key_problem or f"is too long (at most {limits.max_string} characters)"
                    )
                stack.append((inner, _step(path, key), depth + 1))
        else:
            for i in reversed(range(len(item))):
                stack.append((item[i], _step(path, i), depth + 1))
    return None


def json_checker(limits: JsonLimits) -> Any:
    """A pydantic after-validator refusing a value `json_problem` finds fault with."""

    def check(value: Any) -> Any:
        found = json_problem(value, limits)
        if found:
            path, problem = found
            raise ValueError(f"{path}: {problem}" if path else problem)
        return value

    return AfterValidator(check)


DEFAULT_JSON_LIMITS = JsonLimits()

JsonObject = Annotated[dict[str, Any], json_checker(DEFAULT_JSON_LIMITS)]
"""A free-form JSON object (chart options, a saved filter): valid text, storable numbers, at
most 16 levels deep, strings of at most 10,000 characters, 10,000 entries in all."""
