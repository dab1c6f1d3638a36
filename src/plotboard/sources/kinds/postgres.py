"""PostgreSQL (psycopg 3)."""

from __future__ import annotations

from typing import Any

from plotboard.catalog.model import ColumnType
from plotboard.sources.kinds.base import (
    POSTGRES_LIKE_DATE_ADD,
    POSTGRES_LIKE_DATE_PARTS,
    POSTGRES_LIKE_GRAINS,
    DatabaseKind,
)

# PostgreSQL built-in type OIDs.
_OIDS: dict[int, ColumnType] = {
    16: "boolean",
    20: "integer", 21: "integer", 23: "integer", 26: "integer",
    700: "number", 701: "number", 790: "number", 1700: "number",
    18: "string", 19: "string", 25: "string", 1042: "string", 1043: "string", 2950: "string",
    1082: "date",
    1114: "datetime", 1184: "datetime",
}  # fmt: skip


class PostgresKind(DatabaseKind):
    name = "postgresql"
    backends = ("postgresql",)
    sqlglot_dialect = "postgres"

    template_dialect = "postgres"
    grains = POSTGRES_LIKE_GRAINS
    date_add = POSTGRES_LIKE_DATE_ADD
    date_parts = POSTGRES_LIKE_DATE_PARTS
    dates_as_text = False
    round_needs_numeric = True

    anonymous_functions = frozenset()
    backslash_escapes_quotes = True

    # A subquery with a LIMIT clause is neither pulled up nor given the outer conditions
    # (`is_simple_subquery`, `subquery_is_pushdown_safe`); unlike `OFFSET 0` it still lets the
    # outer query aggregate in parallel workers (measured: a whole-table tile lost its workers
    # and took 1.7 times as long with `OFFSET 0`).
    fence = "LIMIT ALL"

    sample_method = "tablesample"
    sample_fallback = "random"
    text_aggregates_cast = True

    reflects_materialized_views = True

    def result_type(self, type_code: Any) -> ColumnType | None:
        return _OIDS.get(type_code) if isinstance(type_code, int) else None


KIND = PostgresKind()
