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

Over HTTP, every read waits at most the connect timeout while connecting (a port that accepts
but never answers fails *Test connection* in seconds, not after the driver's 300 s); a pooled
connection then waits up to `IDLE_READ_TIMEOUT_S` between queries, and a query up to its own
time limit plus `BACKSTOP_GRACE_S`. Each query is tagged (`log_comment`), so that a `KILL QUERY`
sent beside it stops it: at its time limit plus the grace when the server's own limit did not
stop it, and at once when plotboard shuts down (`QueryStopper`).
"""

from __future__ import annotations

import math
import re
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine

from plotboard.catalog.model import Column, ColumnType, Table
from plotboard.sources.kinds.base import BACKSTOP_GRACE_S, Listener, QueryGuard, ServerKind
from plotboard.sources.watchdog import WATCHDOG

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
        "log_comment",
    }
)

#: How long a pooled connection's reads may wait outside a guarded query (introspection):
#: the driver's own default.
IDLE_READ_TIMEOUT_S = 300.0
#: How long sending the `KILL QUERY` that stops a query may take.
KILL_TIMEOUT_S = 5.0
#: The tag of a query plotboard runs (`log_comment`), followed by a random hex id.
_TAG = "plotboard-query-"

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


def _settings_clause(guard: QueryGuard, tag: str) -> str:
    # `limit` 0 would mean "no limit": the cap plus one row is at least one.
    result_bytes = guard.max_bytes * 2 if guard.max_bytes else DEFAULT_RESULT_BYTES
    return (
        f"SETTINGS readonly=1, max_execution_time={max(guard.timeout_s, 0.001):.3f}, "
        f"timeout_overflow_mode='throw', limit={guard.row_cap + 1}, "
        f"max_result_bytes={result_bytes}, result_overflow_mode='throw', "
        f"max_memory_usage={MAX_MEMORY_BYTES}, log_comment='{tag}'"
    )


def _http_client(raw: Any) -> Any | None:
    """The clickhouse-connect HTTP client of a DB-API connection (None for chDB)."""
    client = getattr(raw, "client", None)
    return client if type(client).__name__ == "HttpClient" else None


def _read_timeout(client: Any, read_s: float) -> None:
    from urllib3 import Timeout

    client.timeout = Timeout(connect=client.timeout.connect_timeout, read=read_s)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Connected: reads outside a query may wait as long as the driver's default again (each
    # query sets its own bound in guard_query).
    client = _http_client(dbapi_connection)
    if client is not None:
        _read_timeout(client, IDLE_READ_TIMEOUT_S)


def _kill(raw: Any, tag: str) -> None:
    """Stop the query tagged `tag` with a `KILL QUERY` sent beside it (the query's own
    connection is busy reading): a user may always stop their own queries."""
    sql = f"KILL QUERY WHERE Settings['log_comment'] = '{tag}' ASYNC"
    client = _http_client(raw)
    if client is not None:
        from urllib3 import Timeout

        response = client.http.request(
            "POST",
            f"{client.url}/",
            body=sql.encode(),
            headers=dict(client.headers),
            timeout=Timeout(total=KILL_TIMEOUT_S),
            retries=False,
        )
        response.drain_conn()
        return
    path = getattr(getattr(raw, "client", None), "path", None)
    if isinstance(path, str):  # chDB: a client of its own (a client runs one call at a time)
        import clickhouse_connect

        other = clickhouse_connect.get_client(interface="chdb", path=path)
        try:
            other.command(sql)
        finally:
            other.close()


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
        # The driver takes whole seconds. The read timeout bounds connecting too (the driver
        # asks the server for its version and settings): a port that accepts but never
        # answers. Pooled connections raise it after connecting (`connect_listener`).
        seconds = max(1, math.ceil(connect_timeout_s))
        # No session: a pooled connection's queries are independent (a session would also
        # make two queries on one user name wait for each other on the server).
        return {
            "connect_timeout": seconds,
            "send_receive_timeout": seconds,
            "autogenerate_session_id": False,
        }

    def connect_listener(self, driver: str, pooled: bool) -> Listener | None:
        # Unpooled engines (Test connection) keep the short read timeout for every step.
        return _on_connect if pooled else None

    def guard_query(self, guard: QueryGuard, connection: Connection, raw: Any) -> None:
        tag = f"{_TAG}{uuid.uuid4().hex}"
        # A newline first: the caller's SQL may end in a line comment.
        guard.sql = f"{guard.sql}\n{_settings_clause(guard, tag)}"
        client = _http_client(raw)
        if client is not None:  # the socket's read timeout: a backstop for a hung server
            _read_timeout(client, guard.timeout_s + BACKSTOP_GRACE_S)
        # The backstop when the server goes on past its own limit, and the stop at shutdown.
        guard.alarm = WATCHDOG.arm(guard.timeout_s + BACKSTOP_GRACE_S, lambda: _kill(raw, tag))

    def after_query(self, raw: Any) -> None:
        client = _http_client(raw)
        if client is not None:
            _read_timeout(client, IDLE_READ_TIMEOUT_S)

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
    buffers_results = False  # not relied on: reading may wait for the server
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
