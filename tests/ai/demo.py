"""The demo database for AI tests: its catalog, its low-cardinality values, and running specs.

The catalog comes from the real introspection (`plotboard.sources.introspect`), and the values
are read with plain SQL here; in the product they come through the secured query engine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from plotboard.access.rules import EMPTY_RULES
from plotboard.catalog.model import Catalog
from plotboard.query.latest import latest_anchors
from plotboard.query.prepare import PreparedQuery, prepare_query
from plotboard.query.spec import QuerySpec
from plotboard.sources import introspect

MAX_VALUES = 50
"""Columns with at most this many distinct values feed the vocabulary (job titles: 43)."""


def demo_catalog(engine: sa.Engine) -> Catalog:
    return Catalog(dialect="sqlite", tables=introspect(engine))


def demo_values(engine: sa.Engine, catalog: Catalog) -> dict[tuple[str, str], list[str]]:
    values: dict[tuple[str, str], list[str]] = {}
    with engine.connect() as conn:
        for table in catalog.tables:
            for column in table.columns:
                if column.type != "string":
                    continue
                q = sa.text(
                    f'SELECT DISTINCT "{column.name}" FROM "{table.name}" '
                    f'WHERE "{column.name}" IS NOT NULL ORDER BY 1 LIMIT {MAX_VALUES + 1}'
                )
                found = [row[0] for row in conn.execute(q)]
                if len(found) <= MAX_VALUES:
                    values[(table.name, column.name)] = found
    return values


def run_spec(engine: sa.Engine, catalog: Catalog, spec: QuerySpec) -> list[tuple[Any, ...]]:
    """Rows of `spec` on the demo database, through the real compile-and-check path."""

    def run(prepared: PreparedQuery) -> list[tuple[Any, ...]]:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(prepared.sql), dict(prepared.params))
            return [tuple(row) for row in rows]

    # Filters counted from the latest date in the data get it as the query endpoint does.
    anchors = latest_anchors(spec, catalog, EMPTY_RULES, {}, run) if spec.latest_anchored else None
    return run(prepare_query(spec, catalog, EMPTY_RULES, {}, anchors=anchors))


def readings(engine: sa.Engine, catalog: Catalog, spec: QuerySpec) -> list[list[tuple[Any, ...]]]:
    """The tile's rows, and when a dimension has a `key` (grouped by, never shown: people by
    name, grouped by their id) also the rows with each key shown as its own dimension before
    its label, and with the key in place of its label. A truth written with the id as the
    label (namesakes kept apart) is the same grouping; the key only leaves the id off the
    screen."""
    shown = [run_spec(engine, catalog, spec)]
    if not any(d.key for d in spec.dimensions):
        return shown
    both: list[Any] = []
    alone: list[Any] = []
    for d in spec.dimensions:
        if d.key:
            both.append({"column": d.key})
            both.append(d.model_dump(exclude_none=True, exclude={"key"}))
            alone.append({"column": d.key})
        else:
            both.append(d.model_dump(exclude_none=True))
            alone.append(d.model_dump(exclude_none=True))
    data = spec.model_dump(exclude_none=True)
    keyed = QuerySpec.model_validate({**data, "dimensions": both})
    shown.append(run_spec(engine, catalog, keyed))
    try:  # the key in place of its label: a truth with the id as the label and no name
        by_key = QuerySpec.model_validate({**data, "dimensions": alone})
        shown.append(run_spec(engine, catalog, by_key))
    except Exception:  # a limit per the keyed dimension: no such reading
        pass
    return shown


def run_sql(engine: sa.Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def _key(row: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(
        (0, "")
        if v is None
        else (1, round(float(v), 4))
        if isinstance(v, int | float)
        else (2, str(v))
        for v in row
    )


def same_rows(
    actual: Sequence[Sequence[Any]], expected: Sequence[Sequence[Any]], *, ordered: bool
) -> bool:
    """Equal result sets; numbers with a relative tolerance; order ignored unless `ordered`."""
    left, right = list(actual), list(expected)
    if not ordered:
        left, right = sorted(left, key=_key), sorted(right, key=_key)
    if len(left) != len(right):
        return False
    for a_row, e_row in zip(left, right, strict=True):
        if len(a_row) != len(e_row):
            return False
        for a, e in zip(a_row, e_row, strict=True):
            if isinstance(a, int | float) and isinstance(e, int | float):
                if not math.isclose(a, e, rel_tol=1e-9, abs_tol=1e-6):
                    return False
            elif a != e:
                return False
    return True


def describe(spec: QuerySpec | None, chart: Mapping[str, Any] | None) -> str:
    if spec is None:
        return "no tile"
    return f"{spec.model_dump_json(exclude_defaults=True)} chart={dict(chart or {})}"
