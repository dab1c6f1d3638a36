"""Which chart a query gets: the one asked for when it fits, else a sensible default.

The rules are data, in ``chart_rules.json`` beside this module, which the builder's
front end (``frontend/src/model.ts``) reads too, so the AI and the builder's "Best" choice
agree. A query is reduced to its `Shape` (how many measures and breakdowns, what the first
breakdown holds, how many groups it has), and the rules are matched against that.

Defaults: a single number -> kpi; over time -> line (one line per group when split); places
-> map; one category -> bar (a horizontal bar past 12 groups, since long lists read better
sideways); a true/false breakdown -> donut; two categories -> stacked bar; more -> table.

A wish that does not fit the query (a pie with no breakdown, a map of departments) is not
followed: the default is used and `choose_chart` says why, for the answer text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from plotboard.catalog.model import NUMERIC_TYPES, TEMPORAL_TYPES

if TYPE_CHECKING:  # the built-in engine imports this module: no names of its own at import time
    from plotboard.ai.builtin.draft import Draft
    from plotboard.ai.builtin.vocabulary import Vocabulary

Kind = Literal["time", "place", "boolean", "number", "category"]
# What a query shows beyond plain values (query spec v2), as the rules file's "about" says.
Special = Literal["records", "share", "share_within", "compare", "running", "bins", "top_per"]

# The AI's value lists leave out columns with many values (and all columns of a source it
# could not reach), so a breakdown with no list counts as a long one.
UNLISTED = 10_000


@dataclass(frozen=True)
class Shape:
    """What the chart rules look at; `first` is None without a breakdown, `categories` None
    when the number of groups is not known."""

    measures: int
    dims: int
    first: Kind | None = None
    categories: int | None = None
    special: Special | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Shape:
        return cls(
            data["measures"],
            data["dims"],
            data.get("first"),
            data.get("categories"),
            data.get("special"),
        )


@cache
def rules() -> dict[str, Any]:
    """The rules table (``chart_rules.json``), as the front end reads it too."""
    text = resources.files("plotboard.ai").joinpath("chart_rules.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _count_holds(want: Any, value: int) -> bool:
    if isinstance(want, int):
        return value == want
    return bool(want.get("min", value) <= value <= want.get("max", value))


def holds(condition: dict[str, Any], shape: Shape) -> bool:
    """Whether `shape` meets a rule's condition (see the rules file's "about")."""
    for key, want in condition.items():
        if key == "any":
            if not any(holds(c, shape) for c in want):
                return False
        elif key in ("measures", "dims"):
            if not _count_holds(want, getattr(shape, key)):
                return False
        elif key == "first":
            if shape.first not in want:
                return False
        elif key == "categories":
            if shape.categories is None or not _count_holds(want, shape.categories):
                return False
        elif key == "special":
            if shape.special not in want:
                return False
        else:
            raise ValueError(f"unknown chart rule condition {key!r}")
    return True


def chart_for(shape: Shape) -> str:
    """The default chart for a query of this shape."""
    for rule in rules()["default"]:
        if holds(rule["when"], shape):
            chart: str = rule["chart"]
            return chart
    return "table"


def problem_with(shape: Shape, chart: str) -> str | None:
    """None when `chart` can draw a query of this shape, else the reason it can't."""
    for need in rules()["fits"].get(chart, []):
        if not holds(need["needs"], shape):
            problem: str = need["problem"]
            return problem
    return None


def shape_of(vocab: Vocabulary | None, draft: Draft) -> Shape:
    """The draft as the chart rules see it; without `vocab` the number of groups is unknown
    (it matters to the default only, not to what a chart can draw)."""
    dims, measures = draft.dims, draft.measures
    special: Special | None = None
    if draft.compare is not None:
        special = "compare"
    elif draft.limit_per is not None and draft.limit and len(dims) >= 2:
        special = "top_per"  # the top N in each group: no pick folded into Other
    elif any(d.bin is not None for d in dims):
        special = "bins"
    if not dims:
        return Shape(len(measures), 0, special=special)
    first = dims[0]
    column = first.column
    kind: Kind
    size: int | None = None
    if first.grain is not None or column.type in TEMPORAL_TYPES:
        kind = "time"
    elif _location_kind(column) is not None:
        kind = "place"
    elif column.type == "boolean":
        kind = "boolean"
    elif column.type in NUMERIC_TYPES:
        kind = "number"
    else:
        kind = "category"
        if vocab is not None:
            size = vocab.cardinality(first.table, column)
            if size is None:
                size = UNLISTED
    if draft.limit is not None:
        size = draft.limit if size is None else min(size, draft.limit)
    return Shape(len(measures), len(dims), kind, size, special)


def default_chart(vocab: Vocabulary, draft: Draft) -> str:
    """The chart a person would most likely want for `draft` (see module docstring)."""
    return chart_for(shape_of(vocab, draft))


def fits(draft: Draft, chart: str) -> str | None:
    """None when `chart` can draw `draft`, else the reason it can't (for the answer)."""
    return problem_with(shape_of(None, draft), chart)


def choose_chart(vocab: Vocabulary, draft: Draft, wish: str | None) -> tuple[str, str | None]:
    """(chart type, why the wish was not followed or None)."""
    if wish is not None:
        problem = fits(draft, wish)
        if problem is None:
            return wish, None
        return default_chart(vocab, draft), problem
    return default_chart(vocab, draft), None


def _location_kind(column: Any) -> str | None:
    from plotboard.ai.builtin.vocabulary import location_kind  # see the imports above

    return location_kind(column)
