"""Any other database SQLAlchemy can reach, connected by URL (kind `url`): what plotboard does
when it knows nothing particular about the engine.

Queries are compiled for the backend's sqlglot dialect; the SQL templates are written in
PostgreSQL's spelling and transpiled by sqlglot.
"""

from __future__ import annotations

from plotboard.sources.kinds.base import (
    POSTGRES_LIKE_DATE_ADD,
    POSTGRES_LIKE_DATE_PARTS,
    POSTGRES_LIKE_GRAINS,
    DatabaseKind,
)


class GenericKind(DatabaseKind):
    name = "url"
    backends = ()
    sqlglot_dialect = ""  # the backend's: see `plotboard.sources.kinds.sqlglot_dialect_for_backend`

    template_dialect = "postgres"
    grains = POSTGRES_LIKE_GRAINS
    date_add = POSTGRES_LIKE_DATE_ADD
    date_parts = POSTGRES_LIKE_DATE_PARTS
    dates_as_text = False
    round_needs_numeric = False

    anonymous_functions = frozenset()
    backslash_escapes_quotes = False

    fence = None  # no known fence: see docs/security.md

    sample_method = "first"
    sample_fallback = "first"
    text_aggregates_cast = False

    reflects_materialized_views = False


KIND = GenericKind()
