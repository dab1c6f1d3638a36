"""Dates found in the data, under the user's access rules: the anchor of ``anchor: "latest"``
relative date filters, and where the data of a column starts and ends (said when a relative
filter leaves no rows).

Both are asked with an ordinary spec (``max`` / ``min`` of the column) through
`prepare_query`, so the access rules rewrite them like any other query: a date of a row the
user may not see is never used nor reported. The spec's other filters do not apply (the
latest date *of the data the user can see*, not of the answer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from plotboard.access.rules import RuleSet
from plotboard.catalog.model import Catalog
from plotboard.query.prepare import PreparedQuery, prepare_query
from plotboard.query.spec import Filter, Measure, QuerySpec

Run = Callable[[PreparedQuery], Sequence[Sequence[Any]]]
"""Runs a prepared query and returns its rows (the caller's executor and result cache)."""


def _as_date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.datetime.fromisoformat(str(value).strip()).date()
    except ValueError:
        return None


def bounds_spec(spec: QuerySpec, column: str) -> QuerySpec:
    """``min`` and ``max`` of `column` over the table of `spec` (its custom columns kept, its
    filters not)."""
    return QuerySpec(
        table=spec.table,
        columns=spec.columns,
        measures=(Measure(agg="min", column=column), Measure(agg="max", column=column)),
    )


def column_bounds(
    spec: QuerySpec,
    column: str,
    catalog: Catalog,
    rules: RuleSet,
    attributes: Mapping[str, object],
    run: Run,
) -> tuple[dt.date | None, dt.date | None]:
    """The first and last date of `column` among the rows the user can see."""
    prepared = prepare_query(bounds_spec(spec, column), catalog, rules, attributes)
    rows = run(prepared)
    if not rows:
        return None, None
    return _as_date(rows[0][0]), _as_date(rows[0][1])


def latest_anchors(
    spec: QuerySpec,
    catalog: Catalog,
    rules: RuleSet,
    attributes: Mapping[str, object],
    run: Run,
) -> dict[int, dt.date | None]:
    """For each filter anchored to ``"latest"``, the latest date of its column the user can
    see (None when they see none). One query per distinct column."""
    found: dict[str, dt.date | None] = {}
    anchors: dict[int, dt.date | None] = {}
    for index in spec.latest_anchored:
        spec_filter = spec.filters[index]
        assert isinstance(spec_filter, Filter)  # `latest_anchored` lists plain filters only
        column = spec_filter.column
        if column.lower() not in found:
            found[column.lower()] = column_bounds(spec, column, catalog, rules, attributes, run)[1]
        anchors[index] = found[column.lower()]
    return anchors


def where_data_ends(
    spec: QuerySpec,
    notes: Mapping[str, Any],
    catalog: Catalog,
    rules: RuleSet,
    attributes: Mapping[str, object],
    run: Run,
) -> list[dict[str, Any]]:
    """`notes["relative_dates"]` with ``"data": {"from", "to"}`` added to each entry: where
    the data of that column the user can see starts and ends (``null``s when they see none).
    For an answer without rows: it says whether the range missed the data or there is none."""
    entries = [dict(entry) for entry in notes.get("relative_dates", ())]
    bounds: dict[str, tuple[dt.date | None, dt.date | None]] = {}
    for entry in entries:
        column = str(entry["column"])
        if column.lower() not in bounds:
            bounds[column.lower()] = column_bounds(spec, column, catalog, rules, attributes, run)
        first, last = bounds[column.lower()]
        entry["data"] = {
            "from": first.isoformat() if first else None,
            "to": last.isoformat() if last else None,
        }
    return entries
