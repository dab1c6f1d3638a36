"""PostgreSQL (psycopg 3)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection

from plotboard.catalog.model import ColumnType
from plotboard.sources import values
from plotboard.sources.kinds.base import (
    BACKSTOP_GRACE_S,
    POSTGRES_LIKE_DATE_ADD,
    POSTGRES_LIKE_DATE_PARTS,
    POSTGRES_LIKE_GRAINS,
    Listener,
    QueryGuard,
    ServerKind,
)
from plotboard.sources.watchdog import WATCHDOG

# PostgreSQL built-in type OIDs.
_OIDS: dict[int, ColumnType] = {
    16: "boolean",
    20: "integer", 21: "integer", 23: "integer", 26: "integer",
    700: "number", 701: "number", 790: "number", 1700: "number",
    18: "string", 19: "string", 25: "string", 1042: "string", 1043: "string", 2950: "string",
    1082: "date",
    1114: "datetime", 1184: "datetime",
}  # fmt: skip

_NUMERIC = 1700
# What psycopg's loaders make of each type (numeric: the float loader registered below).
_VALUE_TYPES: dict[int, type] = {
    16: bool,
    20: int, 21: int, 23: int, 26: int,
    700: float, 701: float, 1700: float,
    18: str, 19: str, 25: str, 1042: str, 1043: str,
    1082: dt.date,
    1114: dt.datetime,
}  # fmt: skip
_DECIMALS = values.ColumnConverter(values.decimal_floats)

#: Sent with every connection request: each transaction of the session is read-only.
READ_ONLY_OPTION = "-c default_transaction_read_only=on"
_SETUP = sa.text(
    "SELECT set_config('transaction_read_only', 'on', true), "
    "set_config('statement_timeout', :ms, true)"
)
_SESSION_TIMEOUT = sa.text("SELECT set_config('statement_timeout', :ms, false)")
_TIMEOUT_KEY = "plotboard_statement_timeout_ms"  # in the pooled connection's info


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    """Autocommit for sessions the server reports read-only (PostgreSQL 14 and later report
    `default_transaction_read_only`, so the executor can check it after each query without a
    round trip); older servers keep a transaction per query, with read-only set in it."""
    import psycopg
    from psycopg.types.numeric import FloatLoader

    if not isinstance(dbapi_connection, psycopg.Connection):
        return
    # Decimals as floats, parsed in C (psycopg's own loader for float8's text), a fraction of
    # the cost of a Decimal; `values.decimal_floats` then makes a column of whole numbers
    # ints again, reading the text of any too large to be exact as a float.
    dbapi_connection.adapters.register_loader("numeric", FloatLoader)
    status = dbapi_connection.info.parameter_status("default_transaction_read_only")
    if status == "on":
        if dbapi_connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            dbapi_connection.rollback()
        dbapi_connection.autocommit = True


def _session_read_only(raw: Any) -> bool:
    """Whether this psycopg connection runs in autocommit on a session that the server reports
    read-only (set up by `_on_connect`); False means: use a read-only transaction per query."""
    info = getattr(raw, "info", None)
    return bool(
        getattr(raw, "autocommit", False)
        and info is not None
        and info.parameter_status("default_transaction_read_only") == "on"
    )


class PostgresKind(ServerKind):
    name = "postgresql"
    backends = ("postgresql",)
    sqlglot_dialect = "postgres"
    label = "PostgreSQL"

    options_example = "sslmode=require"
    reserved_options = frozenset()
    added_options = {}
    default_port = 5432
    drivers = {"postgresql": "postgresql+psycopg"}
    extra = None

    def server_version(self, connection: Connection) -> str:
        raw = connection.execute(sa.text("SHOW server_version")).scalar()
        return f"PostgreSQL {str(raw).split(' ')[0]}"

    def connect_args(self, url: URL, connect_timeout_s: float) -> dict[str, Any]:
        if url.get_driver_name() != "psycopg":
            return {}
        # libpq takes whole seconds and treats anything under 2 as 2.
        args: dict[str, Any] = {"connect_timeout": max(2, math.ceil(connect_timeout_s))}
        if "application_name" not in url.query:
            args["application_name"] = "plotboard"
        # Last, so it wins over anything the connection's own options say.
        given = url.query.get("options")
        given = given if isinstance(given, str) else " ".join(given or ())
        args["options"] = f"{given} {READ_ONLY_OPTION}".strip()
        return args

    def connect_listener(self, driver: str, pooled: bool) -> Listener | None:
        return _on_connect if driver == "psycopg" else None

    def guard_query(self, guard: QueryGuard, connection: Connection, raw: Any) -> None:
        ms = str(max(1, round(guard.timeout_s * 1000)))
        guard.session_read_only = _session_read_only(raw)
        # Set-ups a query could undo for the next one on this session: throw it away.
        guard.disposable = guard.session_read_only and "set_config" in guard.sql.lower()
        if not guard.session_read_only:
            connection.execute(_SETUP, {"ms": ms})
        elif connection.connection.info.get(_TIMEOUT_KEY) != ms:
            connection.connection.info.pop(_TIMEOUT_KEY, None)
            connection.execute(_SESSION_TIMEOUT, {"ms": ms})
            connection.connection.info[_TIMEOUT_KEY] = ms
        # A client-side cursor: PostgreSQL plans cursors (DECLARE) without parallel
        # workers, which made big aggregations ~20% slower. The query layer puts the
        # row cap into the SQL as a LIMIT, so the client never holds more than that.
        cancel = getattr(raw, "cancel_safe", None) or getattr(raw, "cancel", None)
        if cancel is not None:
            guard.alarm = WATCHDOG.arm(guard.timeout_s + BACKSTOP_GRACE_S, cancel)

    def session_read_only(self, raw: Any) -> bool:
        return _session_read_only(raw)

    template_dialect = "postgres"
    grains = POSTGRES_LIKE_GRAINS
    date_add = POSTGRES_LIKE_DATE_ADD
    date_parts = POSTGRES_LIKE_DATE_PARTS
    buffers_results = True  # a client-side cursor (see plotboard.sources.execute)
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

    catalog_schemas = frozenset({"information_schema", "pg_catalog", "pg_toast"})
    catalog_table_prefixes = ("pg_",)
    internal_schemas = frozenset()

    reflects_materialized_views = True

    def result_type(self, type_code: Any) -> ColumnType | None:
        return _OIDS.get(type_code) if isinstance(type_code, int) else None

    def result_converter(self, type_code: Any) -> values.ColumnConverter | None:
        return _DECIMALS if type_code == _NUMERIC else None

    def result_value_type(self, type_code: Any) -> type | None:
        return _VALUE_TYPES.get(type_code) if isinstance(type_code, int) else None

    def raw_texts(self, cursor: Any) -> values.RawTexts | None:
        result = getattr(cursor, "pgresult", None)
        return None if result is None else result.get_value


KIND = PostgresKind()
