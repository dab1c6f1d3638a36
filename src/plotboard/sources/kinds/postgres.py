"""PostgreSQL (psycopg 3)."""

from __future__ import annotations

from plotboard.sources.kinds.base import (
    POSTGRES_LIKE_DATE_ADD,
    POSTGRES_LIKE_DATE_PARTS,
    POSTGRES_LIKE_GRAINS,
    DatabaseKind,
)


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


KIND = PostgresKind()
