"""MySQL and MariaDB (PyMySQL)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection
from sqlglot import exp

from plotboard.catalog.model import ColumnType
from plotboard.sources import values
from plotboard.sources.kinds.base import (
    BACKSTOP_GRACE_S,
    Converter,
    Listener,
    QueryGuard,
    ServerKind,
)

# MySQL protocol field types (pymysql.constants.FIELD_TYPE).
_FIELDS: dict[int, ColumnType] = {
    0: "number", 246: "number", 4: "number", 5: "number",
    1: "integer", 2: "integer", 3: "integer", 8: "integer", 9: "integer", 13: "integer",
    16: "integer",
    10: "date", 14: "date",
    7: "datetime", 12: "datetime",
    15: "string", 253: "string", 254: "string", 247: "string", 248: "string",
}  # fmt: skip
_BIT = 16  # BIT(n) arrives as bytes: converted to a number
# What PyMySQL makes of each field type when every value is ready for JSON as it is: the
# integers (up to BIGINT UNSIGNED, within 64 bits) and floats (never NaN in MySQL). Not text
# (binary collations arrive as bytes) nor dates (a zero date arrives as text).
_VALUE_TYPES: dict[int, type] = {
    1: int,
    2: int,
    3: int,
    8: int,
    9: int,
    13: int,
    4: float,
    5: float,
}


_ROW_BUFFER = 100  # rows read ahead from MariaDB's stream (not the row cap)


def _conversions() -> dict[Any, Any]:
    from pymysql.constants import FIELD_TYPE
    from pymysql.converters import conversions

    return {
        **conversions,
        FIELD_TYPE.DECIMAL: values.numeric_from_text,
        FIELD_TYPE.NEWDECIMAL: values.numeric_from_text,
    }


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # After the handshake, reads wait as long as the query may run; the executor sets a
    # per-query read timeout as a backstop to the server-side statement timeout.
    if hasattr(dbapi_connection, "_read_timeout"):
        dbapi_connection._read_timeout = None


def _prepare(connection: Connection, sql: str, timeout_s: float, row_cap: int) -> str:
    dialect: Any = connection.dialect
    version = tuple(p for p in (dialect.server_version_info or ()) if isinstance(p, int))
    if getattr(dialect, "is_mariadb", False):
        # One statement, no session state left behind: the limits hold for this query only.
        read_only = "transaction_read_only" if version >= (11, 1) else "tx_read_only"
        return (
            # max_statement_time=0 would mean "no limit": never round down to it.
            f"SET STATEMENT max_statement_time={max(timeout_s, 0.001):.3f}, {read_only}=1, "
            f"sql_select_limit={row_cap + 1} FOR {sql}"
        )
    read_only = "transaction_read_only" if version >= (5, 7, 20) else "tx_read_only"
    connection.exec_driver_sql(
        f"SET SESSION max_execution_time = {max(1, round(timeout_s * 1000))}, "
        f"SESSION sql_select_limit = {row_cap + 1}, SESSION {read_only} = 1"
    )
    return sql


class MySQLKind(ServerKind):
    name = "mysql"
    backends = ("mysql", "mariadb")
    sqlglot_dialect = "mysql"
    label = "MySQL / MariaDB"

    options_example = "name=value"
    reserved_options = frozenset()
    added_options = {"charset": "utf8mb4"}
    default_port = 3306
    drivers = {"mysql": "mysql+pymysql", "mariadb": "mariadb+pymysql"}
    extra = "mysql"

    def backend_label(self, backend: str) -> str:
        return "MariaDB" if backend == "mariadb" else "MySQL"

    def server_version(self, connection: Connection) -> str:
        raw = str(connection.execute(sa.text("SELECT VERSION()")).scalar())
        number = raw.split("-")[0]
        return f"MariaDB {number}" if "mariadb" in raw.lower() else f"MySQL {number}"

    def connect_args(self, url: URL, connect_timeout_s: float) -> dict[str, Any]:
        if url.get_driver_name() != "pymysql":
            return {}
        # read_timeout bounds the handshake too (a port that accepts but never answers);
        # it is lifted after connecting and set per query by the executor.
        return {
            "connect_timeout": connect_timeout_s,
            "read_timeout": connect_timeout_s,
            "conv": _conversions(),
        }

    def engine_options(self, driver: str) -> dict[str, Any]:
        # Autocommit (MariaDB's and MySQL's default, so no statement on connect), and no
        # ROLLBACK after each query and at each check-in while the server's status flag says
        # autocommit (read from the last reply, no round trip): each query is its own
        # read-only transaction (`SET STATEMENT ... FOR`, or the session variables). A session
        # a query switched out of autocommit would still be rolled back.
        if driver != "pymysql":
            return {}
        return {"isolation_level": "AUTOCOMMIT", "skip_autocommit_rollback": True}

    def connect_listener(self, driver: str, pooled: bool) -> Listener | None:
        # Unpooled engines (Test connection) keep the read timeout, so every step is bounded.
        return _on_connect if pooled and driver == "pymysql" else None

    def guard_query(self, guard: QueryGuard, connection: Connection, raw: Any) -> None:
        guard.sql = _prepare(connection, guard.sql, guard.timeout_s, guard.row_cap)
        guard.options = {"stream_results": True, "max_row_buffer": _ROW_BUFFER}
        if hasattr(raw, "_read_timeout"):  # PyMySQL: socket read timeout as backstop
            raw._read_timeout = guard.timeout_s + BACKSTOP_GRACE_S

    def after_query(self, raw: Any) -> None:
        if hasattr(raw, "_read_timeout"):
            raw._read_timeout = None

    template_dialect = "mysql"
    grains = {
        "day": "CAST({c} AS DATE)",
        "week": "CAST(DATE_SUB({c}, INTERVAL WEEKDAY({c}) DAY) AS DATE)",
        "month": "CAST(DATE_FORMAT({c}, '%Y-%m-01') AS DATE)",
        "quarter": "MAKEDATE(YEAR({c}), 1) + INTERVAL (QUARTER({c}) - 1) QUARTER",
        "year": "MAKEDATE(YEAR({c}), 1)",
    }
    date_add = "CAST(DATE_ADD({c}, INTERVAL {n} {unit}) AS DATE)"
    date_parts = {
        "year": "YEAR({c})",
        "quarter": "QUARTER({c})",
        "month": "MONTH({c})",
        "day": "DAYOFMONTH({c})",
        "weekday_number": "WEEKDAY({c}) + 1",
        "hour": "HOUR({c})",
    }
    buffers_results = False  # rows are streamed from the server
    dates_as_text = False
    round_needs_numeric = False

    anonymous_functions = frozenset({"makedate", "weekday"})
    backslash_escapes_quotes = False

    # All rows: a derived table with a LIMIT is materialized, not merged, and conditions are
    # not pushed into it (MySQL and MariaDB).
    fence = "LIMIT 18446744073709551615"

    sample_method = "random"
    sample_fallback = "first"
    text_aggregates_cast = False

    def random_filter(self, fraction: float, seed: int) -> exp.Expr:
        # RAND(seed): a repeatable sequence.
        return exp.LT(
            this=exp.Rand(this=exp.Literal.number(seed)),
            expression=exp.Literal.number(f"{fraction:.8f}"),
        )

    catalog_schemas = frozenset({"information_schema", "mysql", "performance_schema", "sys"})
    catalog_table_prefixes = ()
    internal_schemas = frozenset()

    reflects_materialized_views = False

    def result_type(self, type_code: Any) -> ColumnType | None:
        return _FIELDS.get(type_code) if isinstance(type_code, int) else None

    def result_converter(self, type_code: Any) -> Converter | None:
        return values.bit_to_int if type_code == _BIT else None

    def result_value_type(self, type_code: Any) -> type | None:
        return _VALUE_TYPES.get(type_code) if isinstance(type_code, int) else None


KIND = MySQLKind()
