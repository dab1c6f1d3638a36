"""Which chart a query gets: the one asked for when it fits, else a sensible default.

Defaults: a single number -> kpi; a breakdown over time -> line; one category -> bar (a
horizontal bar when it has more than 12 values or an unknown number of them, since long
lists read better sideways); places -> bar as well, a map only when asked; a true/false
breakdown -> donut; two categories -> stacked bar; more -> table.

A wish that does not fit the query (a pie with no breakdown, a map of departments) is not
followed: the default is used and `choose_chart` says why, for the answer text.
"""

from __future__ import annotations

from plotboard.ai.draft import Draft
from plotboard.ai.vocabulary import Vocabulary, location_kind
from plotboard.catalog.model import NUMERIC_TYPES

MAX_BAR_CATEGORIES = 12
MAX_PIE_CATEGORIES = 8


def default_chart(vocab: Vocabulary, draft: Draft) -> str:
    """The chart a person would most likely want for `draft` (see module docstring)."""
    dims, measures = draft.dims, draft.measures
    if not dims:
        return "kpi" if len(measures) == 1 else "table"
    if len(dims) > 2:
        return "table"
    first = dims[0]
    if first.grain is not None:
        return "line"
    if len(dims) == 2:
        return "bar_stacked"
    if first.column.type == "boolean":
        return "donut"
    if first.column.type in NUMERIC_TYPES:
        return "bar"
    size = vocab.cardinality(first.table, first.column)
    if draft.limit is not None and draft.limit <= MAX_BAR_CATEGORIES:
        size = min(size, draft.limit) if size is not None else draft.limit
    if size is None or size > MAX_BAR_CATEGORIES:
        return "bar_horizontal"
    return "bar"


def fits(draft: Draft, chart: str) -> str | None:
    """None when `chart` can draw `draft`, else the reason it can't (for the answer)."""
    dims, measures = draft.dims, draft.measures
    if chart == "table":
        return None
    if not measures:
        return "it needs something to measure"
    if chart == "kpi":
        if dims and not (len(dims) == 1 and dims[0].grain):
            return "a single number can't show a breakdown"
        return None
    if chart in ("pie", "donut"):
        if len(dims) != 1:
            return "a pie needs exactly one breakdown"
        return None
    if chart == "map":
        if len(dims) != 1 or location_kind(dims[0].column) is None:
            return "a map needs a breakdown by city or country"
        return None
    if chart == "scatter":
        if len(measures) >= 2 and dims:
            return None
        if len(dims) == 1 and dims[0].column.type in NUMERIC_TYPES:
            return None
        return "a scatter plot needs two measures"
    if not dims:
        return f"a {chart.replace('_', ' ')} chart needs a breakdown"
    if chart == "bar_stacked" and len(dims) != 2 and len(measures) < 2:
        return "a stacked bar needs two breakdowns"
    if len(dims) > 2:
        return f"a {chart.replace('_', ' ')} chart shows at most two breakdowns"
    return None


def choose_chart(vocab: Vocabulary, draft: Draft, wish: str | None) -> tuple[str, str | None]:
    """(chart type, why the wish was not followed or None)."""
    if wish is not None:
        problem = fits(draft, wish)
        if problem is None:
            return wish, None
        return default_chart(vocab, draft), problem
    return default_chart(vocab, draft), None
