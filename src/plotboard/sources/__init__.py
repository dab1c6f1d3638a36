"""Connecting to customers' databases: dialects, test connection, introspection, execution.

What plotboard knows about each kind of database (PostgreSQL, MySQL/MariaDB, SQLite, DuckDB,
and any other by URL) is one module in `plotboard.sources.kinds`, behind `DatabaseKind`.

Public API:

- `SourceConnection` — how to reach a database (kinds postgresql, mysql, sqlite, duckdb, url);
  `.to_url()`, `.redacted()`, `.dialect` (sqlglot name).
- `test_connection(conn, timeout_s=5) -> ConnectionVerdict` — a plain-word verdict.
- `introspect(engine, schema=None) -> tuple[Table, ...]`, `list_schemas(engine)`.
- `execute(engine, sql, params, *, timeout_s, row_cap) -> ExecutionResult` — read-only,
  time-limited, row-capped.
- `SourcePool` — one engine per source id; `.register`, `.remove`, `.execute`, `.introspect`.
- `SourceError` — what every failure raises, with a stable `code`.
"""

from plotboard.sources.dialects import (
    KINDS,
    SourceConnection,
    SourceKind,
    UnknownDialectError,
    sqlglot_dialect_for_backend,
)
from plotboard.sources.engines import PoolSettings, create_source_engine
from plotboard.sources.errors import SourceError
from plotboard.sources.execute import ExecutionResult, execute
from plotboard.sources.introspect import generic_type, introspect, list_schemas
from plotboard.sources.pool import SourcePool
from plotboard.sources.values import JsonValue, json_value
from plotboard.sources.verdict import ConnectionVerdict, test_connection

__all__ = [
    "KINDS",
    "ConnectionVerdict",
    "ExecutionResult",
    "JsonValue",
    "PoolSettings",
    "SourceConnection",
    "SourceError",
    "SourceKind",
    "SourcePool",
    "UnknownDialectError",
    "create_source_engine",
    "execute",
    "generic_type",
    "introspect",
    "json_value",
    "list_schemas",
    "sqlglot_dialect_for_backend",
    "test_connection",
]
