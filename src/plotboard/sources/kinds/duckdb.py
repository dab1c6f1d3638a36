"""DuckDB (duckdb-engine), a database file opened read-only and sealed off."""

from __future__ import annotations

from plotboard.sources.kinds.base import (
    POSTGRES_LIKE_DATE_ADD,
    POSTGRES_LIKE_DATE_PARTS,
    POSTGRES_LIKE_GRAINS,
    DatabaseKind,
)


class DuckDBKind(DatabaseKind):
    name = "duckdb"
    backends = ("duckdb",)
    sqlglot_dialect = "duckdb"

    template_dialect = "duckdb"
    grains = POSTGRES_LIKE_GRAINS
    date_add = POSTGRES_LIKE_DATE_ADD
    date_parts = POSTGRES_LIKE_DATE_PARTS
    dates_as_text = False
    round_needs_numeric = False

    anonymous_functions = frozenset()
    backslash_escapes_quotes = False

    # It stays a streaming limit operator, which filter pushdown does not cross (a huge
    # `LIMIT` is optimized away).
    fence = "OFFSET 0"

    sample_method = "tablesample"
    sample_fallback = "random"
    text_aggregates_cast = True


KIND = DuckDBKind()
