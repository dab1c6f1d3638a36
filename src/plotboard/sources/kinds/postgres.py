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


KIND = PostgresKind()
