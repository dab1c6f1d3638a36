"""What the tuning tests (tests/ai/test_tuning_*.py) share: asking the built-in engine on the
demo catalog with a fixed "today", and reading the spec it wrote.

Each tuning file checks rules found while tuning on one blind batch, through the spec the
engine wrote; these helpers keep those files to their questions and expectations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from plotboard.ai.answers import EngineAnswer
from plotboard.ai.builtin import answer
from plotboard.catalog.model import Catalog

TODAY = dt.date(2025, 11, 20)
Values = dict[tuple[str, str], list[str]]


def ask(
    question: str, catalog: Catalog, values: Values, *, today: dt.date = TODAY, **kwargs: Any
) -> EngineAnswer:
    """The engine's answer to `question`, as if asked on `today`."""
    return answer(question, catalog, values, today=today, **kwargs)


def spec_of(reply: EngineAnswer) -> dict[str, Any]:
    """The tile's query spec as JSON, defaults left out; fails with the engine's reply when
    it gave no tile."""
    assert reply.tile is not None, reply.answer
    return reply.tile.query.model_dump(exclude_defaults=True, mode="json")


def filters_of(spec: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """The plain filters (column, op, value); groups are read with `any_of` / `without_of`."""
    return [(f["column"], f["op"], f.get("value")) for f in spec.get("filters", []) if "op" in f]


def any_of(spec: dict[str, Any]) -> list[list[tuple[str, str, Any]]]:
    """Each `any` group's options as (column, op, value), an `all` option flattened."""
    out = []
    for f in spec.get("filters", []):
        if "any" in f:
            out.append([
                (g["column"], g["op"], g.get("value")) if "op" in g
                else tuple((h["column"], h["op"], h.get("value")) for h in g.get("all", []))
                for g in f["any"]
            ])
    return out


def without_of(spec: dict[str, Any]) -> list[tuple[str, list[tuple[str, str, Any]]]]:
    """Each `without` filter: (related table, its `where` as (column, op, value))."""
    return [
        (f["without"], [(g["column"], g["op"], g.get("value")) for g in f.get("where", [])])
        for f in spec.get("filters", []) if "without" in f
    ]


def having_of(spec: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [(h["by"], h["op"], h["value"]) for h in spec.get("having", [])]


def dims_of(spec: dict[str, Any]) -> list[str]:
    return [d["column"] for d in spec.get("dimensions", [])]
