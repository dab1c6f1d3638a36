"""The query engine: query specs, compilation to SQL with sqlglot, raw-SQL validation.

Typical use (the memoized pipeline, which also applies access rules)::

    from plotboard.query.prepare import prepare_query, prepare_sql

The pieces, for callers that need them one by one, are exported here. `prepare_query` and
`prepare_sql` live in `plotboard.query.prepare` (not re-exported, because that module depends
on `plotboard.access`, which itself builds on this package).
"""

from plotboard.query.compile import CompiledQuery, ResultColumn, compile_query
from plotboard.query.errors import QueryError
from plotboard.query.render import render
from plotboard.query.spec import (
    Dimension,
    Filter,
    Measure,
    OrderBy,
    QuerySpec,
    parse_spec,
)
from plotboard.query.sql import parse_read_only_sql, validate_query

__all__ = [
    "CompiledQuery",
    "Dimension",
    "Filter",
    "Measure",
    "OrderBy",
    "QueryError",
    "QuerySpec",
    "ResultColumn",
    "compile_query",
    "parse_read_only_sql",
    "parse_spec",
    "render",
    "validate_query",
]
