"""ClickHouse (clickhouse-connect, the official driver, over HTTP).

Every query carries its limits in a trailing `SETTINGS` clause, applied by the server to that
query only: `readonly=1` (no write, no DDL, and no setting changed after it), the time limit
(`max_execution_time`, thrown, not a partial answer), the row cap (`limit`, which bounds the
outermost result as MariaDB's `sql_select_limit` does), a bound on the answer's bytes
(`max_result_bytes`, thrown), so that the driver, which reads a whole answer before handing
out rows, never holds much more than the caller takes, and on the query's memory
(`max_memory_usage`: the answer's size is checked only after a block is built).

The same driver runs ClickHouse's engine in process too (chDB, `interface=chdb` and `path=`
in the connection's options), which is how plotboard's tests run every query and access rule
on a current ClickHouse: see docs/data-sources.md.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine

from plotboard.catalog.model import Column, ColumnType, Table
from plotboard.sources.kinds.base import QueryGuard, ServerKind

#: The most bytes an answer may take in ClickHouse's memory when the caller sets no byte cap.
DEFAULT_RESULT_BYTES = 256_000_000

#: The most memory one query may use (ClickHouse builds a whole block before checking the
#: answer's size: 65,536 rows of a 100 kB value is 6 GB).
MAX_MEMORY_BYTES = 2_000_000_000

#: Settings plotboard sends with every query: an admin may not give them as options.
GUARD_SETTINGS = frozenset(
    {
        "readonly",
        "max_execution_time",
        "timeout_overflow_mode",
        "limit",
        "max_result_rows",
        "max_result_bytes",
        "result_overflow_mode",
        "max_memory_usage",
    }
)

_TABLES = sa.text(
    "SELECT name, engine FROM system.tables WHERE database = :db AND NOT is_temporary ORDER BY name"
)
_COLUMNS = sa.text(
    "SELECT table, name, type FROM system.columns WHERE database = :db ORDER BY table, position"
)
_SCHEMAS = sa.text("SELECT name FROM system.databases ORDER BY name")
_WRAPPER = re.compile(r"^(Nullable|LowCardinality)\((.*)\)$")


def _unwrap(type_name: str) -> tuple[str, bool]:
    """A ClickHouse type name without `Nullable(...)` and `LowCardinality(...)`, and whether
    it was nullable."""
    name, nullable = type_name.strip(), False
    while match := _WRAPPER.match(name):
        nullable = nullable or match.group(1) == "Nullable"
        name = match.group(2).strip()
    return name, nullable


def column_type(type_name: str) -> ColumnType:
    """The generic type of a ClickHouse type name (`Nullable(UInt32)`, `Decimal(10, 2)`,
    `DateTime64(3, 'UTC')`, `LowCardinality(String)`, `Enum8('a' = 1)` ...)."""
    name, _ = _unwrap(type_name)
    base = name.split("(", 1)[0]
    if base == "Bool":
        return "boolean"
    if base.startswith(("Int", "UInt")):
        return "integer"
    if base.startswith(("Float", "Decimal")):
        return "number"
    if base.startswith("DateTime"):
        return "datetime"
    if base in ("Date", "Date32"):
        return "date"
    if base in ("String", "FixedString", "UUID", "Enum8", "Enum16", "Enum"):
        return "string"
    return "other"


def _settings_clause(guard: QueryGuard) -> str:
    # `limit` 0 would mean "no limit": the cap plus one row is at least one.
    result_bytes = guard.max_bytes * 2 if guard.max_bytes else DEFAULT_RESULT_BYTES
    return (
        f"SETTINGS readonly=1, max_execution_time={max(guard.timeout_s, 0.001):.3f}, "
        f"timeout_overflow_mode='throw', limit={guard.row_cap + 1}, "
        f"max_result_bytes={result_bytes}, result_overflow_mode='throw', "
        f"max_memory_usage={MAX_MEMORY_BYTES}"
    )


class ClickHouseKind(ServerKind):
    name = "clickhouse"
    backends = ("clickhousedb",)
    sqlglot_dialect = "clickhouse"
    label = "ClickHouse"

    options_example = "secure=true"
    reserved_options = GUARD_SETTINGS | frozenset(f"ch_{name}" for name in GUARD_SETTINGS)
    # Outer joins give NULL for a missing row, as in SQL (ClickHouse's default is the type's
    # default value: 0, '').
    added_options = {"join_use_nulls": "1"}
    default_port = 8123
    drivers = {"clickhouse": "clickhousedb", "clickhousedb": "clickhousedb"}
    extra = "clickhouse"

    def server_version(self, connection: Connection) -> str:
        raw = connection.execute(sa.text("SELECT version()")).scalar()
        return f"ClickHouse {raw}"

    def connect_args(self, url: URL, connect_timeout_s: float) -> dict[str, Any]:
        if url.query.get("interface") == "chdb":
            return {}
        # No session: a pooled connection's queries are independent (a session would also
        # make two queries on one user name wait for each other on the server).
        return {"connect_timeout": connect_timeout_s, "autogenerate_session_id": False}

    def guard_query(self, guard: QueryGuard, connection: Connection, raw: Any) -> None:
        # A newline first: the caller's SQL may end in a line comment.
        guard.sql = f"{guard.sql}\n{_settings_clause(guard)}"

    template_dialect = "clickhouse"
    grains = {
        "day": "toDate({c})",
        "week": "toDate(toMonday({c}))",  # toDate keeps NULL (CAST to Date refuses it)
        "month": "toDate(toStartOfMonth({c}))",
        "quarter": "toDate(toStartOfQuarter({c}))",
        "year": "toDate(toStartOfYear({c}))",
    }
    date_add = "toDate({c} + INTERVAL {n} {unit})"
    date_parts = {
        "year": "toYear({c})",
        "quarter": "toQuarter({c})",
        "month": "toMonth({c})",
        "day": "toDayOfMonth({c})",
        "weekday_number": "toDayOfWeek({c})",  # 1 = Monday
        "hour": "toHour({c})",
    }
    dates_as_text = False
    round_needs_numeric = False

    anonymous_functions = frozenset(
        {"todate", "toyear", "toquarter", "tomonth", "todayofmonth", "tohour"}
    )
    backslash_escapes_quotes = True  # 'a\'b' is one literal in ClickHouse

    # A subquery with a LIMIT is not merged into the outer query, and no condition of the
    # outer query is pushed into it (tests/access/test_oracles.py).
    fence = "LIMIT 18446744073709551615"

    sample_method = "random"
    sample_fallback = "random"
    text_aggregates_cast = False

    catalog_schemas = frozenset({"system", "information_schema"})
    catalog_table_prefixes = ()
    internal_schemas = frozenset()

    reflects_materialized_views = True

    def read_schemas(self, engine: Engine) -> tuple[str | None, list[str]]:
        with engine.connect() as conn:
            default = conn.execute(sa.text("SELECT currentDatabase()")).scalar()
            names = [
                name
                for name in conn.execute(_SCHEMAS).scalars()
                if name.lower() not in self.catalog_schemas
            ]
        return default, names

    def read_tables(self, engine: Engine, schema: str | None) -> tuple[Table, ...]:
        with engine.connect() as conn:
            current = conn.execute(sa.text("SELECT currentDatabase()")).scalar()
            database = schema or current
            names = [name for name, _engine in conn.execute(_TABLES, {"db": database})]
            columns: dict[str, list[Column]] = {name: [] for name in names}
            for table, name, type_name in conn.execute(_COLUMNS, {"db": database}):
                if table not in columns:
                    continue
                _, nullable = _unwrap(type_name)
                columns[table].append(
                    Column(
                        name=name,
                        type=column_type(type_name),
                        nullable=nullable,
                        native_type=type_name,
                    )
                )
        label = None if database == current else schema
        # ClickHouse's primary key orders the table; it does not make rows unique.
        return tuple(
            Table(name=table, columns=tuple(cols), schema=label)
            for table, cols in columns.items()
            if cols
        )

    def result_type(self, type_code: Any) -> ColumnType | None:
        return column_type(type_code) if isinstance(type_code, str) else None


KIND = ClickHouseKind()
