"""Running one read-only query against a customer database, with a time limit and a row cap.

What each database gets, per query:

- PostgreSQL: `transaction_read_only` and `statement_timeout` set for the transaction; a
  client-side cursor (parallel plans stay possible; callers cap rows with a LIMIT in the SQL,
  as the query layer does); a cancel request is the backstop if the server-side limit does not
  fire.
- MariaDB: `SET STATEMENT max_statement_time=N, tx_read_only=1, sql_select_limit=cap+1 FOR
  <query>` (one statement, no session state left behind); rows are streamed.
- MySQL: the same as session variables (`max_execution_time`, `transaction_read_only`).
  For both, the socket read timeout is the client-side backstop.
- SQLite: the file is opened `mode=ro` with `PRAGMA query_only`; a progress handler and the
  watchdog's `interrupt()` stop the query at the deadline. One function call is not
  interruptible, so values are capped at `MAX_VALUE_BYTES` (`SQLITE_LIMIT_LENGTH`): a
  `printf('%.*c', 20000000, x)` per row fails at once instead of running for minutes.
- DuckDB: the connection is opened `read_only`; the watchdog calls `interrupt()` at the deadline
  (DuckDB checks it between chunks; its `memory_limit` bounds what one chunk can build).
- Other SQLAlchemy dialects: no read-only guard (connect with a read-only account); the
  watchdog calls the driver's `cancel()` if it has one.

Rows are fetched one at a time while their size is estimated, so an answer over `max_bytes` is
refused before it is all in memory (PostgreSQL's client-side cursor holds the capped result
already; MariaDB's stream is read in small batches).

A `QueryStopper` stops running queries from outside, at shutdown (not MySQL/MariaDB, whose
server-side limit is the only stop).

The transaction is always rolled back. Blocking: call it from a worker thread, not the event
loop.
Safe to call from many threads at once (each call checks out its own pooled connection).
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import TextClause

from plotboard.catalog.model import ColumnType
from plotboard.sources.classify import classify_connect_error, driver_message, mysql_errno
from plotboard.sources.dialects import SourceConnection
from plotboard.sources.errors import SourceError
from plotboard.sources.values import JsonValue, convert_rows, describe_columns
from plotboard.sources.watchdog import WATCHDOG, Alarm

# A client-side backstop fires this long after the server-side limit should have.
BACKSTOP_GRACE_S = 2.0
_SQLITE_PROGRESS_STEPS = 10_000  # VM instructions between deadline checks (well under 1 ms)
#: The largest single value SQLite may build or read (`SQLITE_LIMIT_LENGTH`; SQLite's own
#: default is 1 GB). Building one value is a single, uninterruptible step: at this size it
#: takes milliseconds, so the time limit holds between steps.
MAX_VALUE_BYTES = 16_000_000
_MYSQL_ROW_BUFFER = 100  # rows read ahead from MariaDB's stream (not the row cap: see _fetch)

_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")  # SQLAlchemy's own pattern for :name
_WRITE_WORDS = frozenset(
    {
        "insert", "update", "delete", "merge", "upsert", "replace", "create", "drop", "alter",
        "truncate", "grant", "revoke", "comment", "copy", "vacuum", "analyze", "reindex",
        "cluster", "refresh", "lock", "call", "do", "set", "reset", "load", "install", "attach",
        "detach",
    }
)  # fmt: skip
_PG_SETUP = sa.text(
    "SELECT set_config('transaction_read_only', 'on', true), "
    "set_config('statement_timeout', :ms, true)"
)


@dataclass(frozen=True)
class ExecutionResult:
    """Rows of one query, ready for JSON.

    `columns` are (name, generic type) pairs; `rows` hold JSON-ready values (see
    `values.json_value`); `truncated` is True when the query had more than `row_cap` rows;
    `elapsed_ms` is the wall time of the whole call, pool checkout included.
    """

    columns: list[tuple[str, ColumnType]]
    rows: list[list[JsonValue]]
    truncated: bool
    elapsed_ms: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "columns": [{"name": name, "type": kind} for name, kind in self.columns],
            "rows": self.rows,
            "truncated": self.truncated,
            "elapsed_ms": self.elapsed_ms,
        }


def timeout_error(timeout_s: float) -> SourceError:
    return SourceError(
        code="timeout",
        message=(
            f"The query took longer than {timeout_s:g} s and was stopped. Ask a narrower "
            "question (fewer rows, a shorter date range) or ask an admin to raise the limit."
        ),
    )


def answer_too_large(max_bytes: int) -> SourceError:
    """The refusal of an answer over `max_bytes` of JSON."""
    size = f"{max_bytes / 1_000_000:.3g} MB" if max_bytes >= 1_000_000 else f"{max_bytes:,} bytes"
    return SourceError(
        code="answer_too_large",
        message=(
            f"This answer is larger than {size}; add filters or a limit so that it has fewer "
            "rows or shorter values."
        ),
    )


def shutting_down_error() -> SourceError:
    return SourceError(
        code="shutting_down",
        message="The server is restarting, so the query was stopped; try again in a moment.",
        status=503,
    )


class QueryStopper:
    """The queries running through one pool, so that shutdown can stop them (`stop_all`).

    After `stop_all`, new queries are refused. Thread-safe.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[Alarm] = set()
        self.stopping = False

    def add(self, alarm: Alarm) -> None:
        with self._lock:
            if self.stopping:
                raise shutting_down_error()
            self._running.add(alarm)

    def discard(self, alarm: Alarm) -> None:
        with self._lock:
            self._running.discard(alarm)

    def stop_all(self) -> int:
        """Interrupt every running query now (a PostgreSQL cancel makes a connection, so this
        may block briefly) and refuse new ones; returns how many were interrupted."""
        with self._lock:
            self.stopping = True
            running = list(self._running)
        return sum(alarm.fire_now() for alarm in running)


@lru_cache(maxsize=1024)
def _statement(sql: str, names: frozenset[str], lists: frozenset[str]) -> TextClause:
    """`sql` as a text() clause whose only bind parameters are the given names.

    A `:word` that is not a parameter (say inside a string literal, `'10:30'` aside) is escaped
    so SQLAlchemy leaves it alone. List values become expanding parameters: `IN :regions`.
    """
    escaped = _BIND.sub(lambda m: m.group(0) if m.group(1) in names else "\\" + m.group(0), sql)
    clause = sa.text(escaped)
    present = {m.group(1) for m in _BIND.finditer(sql)}
    expanding = sorted(lists & present)
    if expanding:
        clause = clause.bindparams(*(sa.bindparam(name, expanding=True) for name in expanding))
    return clause


def _strip(sql: str) -> str:
    sql = sql.strip()
    while sql.endswith(";"):
        sql = sql[:-1].rstrip()
    return sql


def execute(
    engine: Engine,
    sql: str,
    params: Mapping[str, Any] | None = None,
    *,
    timeout_s: float,
    row_cap: int,
    source: SourceConnection | None = None,
    max_bytes: int | None = None,
    stopper: QueryStopper | None = None,
) -> ExecutionResult:
    """Run one read-only query and return at most `row_cap` rows.

    `sql` uses `:name` placeholders filled from `params`; list/tuple values expand for
    `IN :name`, and an empty list matches no rows (with `NOT IN` too: drop such a filter before
    calling if "exclude nothing" is meant). A `:word` that is not a key of `params` is left
    alone, so literals like `'10:30'` need no escaping.
    `source`, when given, words connection errors better ("nothing listening at host:port").
    `max_bytes` bounds the rows' size (an estimate of their JSON, counted while fetching).
    `stopper`, when given, can stop the query from another thread (shutdown).

    Raises `SourceError` with code `timeout`, `unavailable`, `busy`, `read_only`,
    `query_failed`, `not_a_query`, `too_large` (a value over what the database may build),
    `answer_too_large` (over `max_bytes`), `shutting_down` (503, stopped by `stopper`) or
    `invalid`.
    """
    if not timeout_s > 0:
        raise SourceError(code="invalid", message="timeout_s must be a positive number of seconds.")
    if row_cap < 0:
        raise SourceError(code="invalid", message="row_cap must not be negative.")
    started = time.perf_counter()
    # An empty list becomes [NULL]: `x IN (NULL)` matches nothing whatever x's type is, where
    # SQLAlchemy's empty-set rendering casts to INTEGER and breaks on text columns in
    # PostgreSQL and DuckDB. Note that `x NOT IN (NULL)` matches nothing too (fails closed).
    params = {
        k: [None] if isinstance(v, (list, tuple)) and not v else v
        for k, v in (params or {}).items()
    }
    sql = _strip(sql)
    try:
        connection = engine.connect()
    except sa_exc.TimeoutError:
        raise SourceError(
            code="busy",
            message="Every connection to this database is in use; try again in a moment.",
        ) from None
    except Exception as err:
        raise _unavailable(err, engine, source) from None
    try:
        columns, rows, truncated = _run(
            connection, sql, params, timeout_s, row_cap, max_bytes, stopper
        )
    finally:
        connection.close()
    return ExecutionResult(columns, rows, truncated, (time.perf_counter() - started) * 1000)


def _run(
    connection: Connection,
    sql: str,
    params: dict[str, Any],
    timeout_s: float,
    row_cap: int,
    max_bytes: int | None,
    stopper: QueryStopper | None,
) -> tuple[list[tuple[str, ColumnType]], list[list[JsonValue]], bool]:
    dialect = connection.dialect
    name = dialect.name
    raw: Any = connection.connection.dbapi_connection
    alarm: Alarm | None = None
    options: dict[str, Any] = {}
    deadline = time.monotonic() + timeout_s
    fired = False
    run_sql = sql  # what is sent; `sql` stays the caller's text for error messages
    try:
        try:
            if name == "postgresql":
                connection.execute(_PG_SETUP, {"ms": str(max(1, round(timeout_s * 1000)))})
                # A client-side cursor: PostgreSQL plans cursors (DECLARE) without parallel
                # workers, which made big aggregations ~20% slower. The query layer puts the
                # row cap into the SQL as a LIMIT, so the client never holds more than that.
                cancel = getattr(raw, "cancel_safe", None) or getattr(raw, "cancel", None)
                if cancel is not None:
                    alarm = WATCHDOG.arm(timeout_s + BACKSTOP_GRACE_S, cancel)
            elif name in ("mysql", "mariadb"):
                run_sql = _mysql_prepare(connection, sql, timeout_s, row_cap)
                options = {"stream_results": True, "max_row_buffer": _MYSQL_ROW_BUFFER}
                if hasattr(raw, "_read_timeout"):  # PyMySQL: socket read timeout as backstop
                    raw._read_timeout = timeout_s + BACKSTOP_GRACE_S
            elif name == "sqlite" and isinstance(raw, sqlite3.Connection):
                raw.execute("PRAGMA query_only = ON")  # re-asserted: a query may have reset it
                raw.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
                raw.set_progress_handler(
                    lambda: 1 if time.monotonic() > deadline else 0, _SQLITE_PROGRESS_STEPS
                )
                # The progress handler counts VM steps: a few costly rows take seconds between
                # two checks. interrupt() is seen at the next step.
                alarm = WATCHDOG.arm(timeout_s, raw.interrupt)
            elif name == "duckdb":
                alarm = WATCHDOG.arm(timeout_s, raw.interrupt)
            elif callable(getattr(raw, "cancel", None)):
                alarm = WATCHDOG.arm(timeout_s, raw.cancel)

            if alarm is not None and stopper is not None:
                stopper.add(alarm)
            names = frozenset(params)
            lists = frozenset(k for k, v in params.items() if isinstance(v, (list, tuple)))
            statement = _statement(run_sql, names, lists)
            result = connection.execute(statement, params, execution_options=options)
            if not result.returns_rows:
                raise SourceError(
                    code="not_a_query",
                    message="The statement returned no rows; only queries that read data run here.",
                )
            description = result.cursor.description if result.cursor is not None else None
            fetched = _fetch(result, row_cap, max_bytes)
            result.close()
        finally:
            if alarm is not None and stopper is not None:
                stopper.discard(alarm)
            fired = alarm.disarm() if alarm is not None else False
            _reset(name, raw)
    except SourceError:
        _end(connection, fired)
        raise
    except Exception as err:
        _end(connection, fired)
        if fired and stopper is not None and stopper.stopping:
            raise shutting_down_error() from None
        raise _query_error(err, sql, timeout_s, fired or time.monotonic() >= deadline) from None
    _end(connection, fired)
    truncated = len(fetched) > row_cap
    if truncated:
        fetched = fetched[:row_cap]
    columns, converters = describe_columns(name, dialect.dbapi, description or [], fetched)
    return columns, convert_rows(fetched, converters), truncated


def _fetch(result: Any, row_cap: int, max_bytes: int | None) -> list[Sequence[Any]]:
    """Up to `row_cap + 1` rows, one at a time, stopping with `answer_too_large` as soon as
    their estimated size passes `max_bytes` (so a 100 GB answer is never held)."""
    if max_bytes is None:
        rows: list[Sequence[Any]] = result.fetchmany(row_cap + 1)
        return rows
    rows = []
    size = 0
    fetchone = result.fetchone
    while len(rows) <= row_cap:
        row = fetchone()
        if row is None:
            break
        size += _size(row)
        if size > max_bytes:
            raise answer_too_large(max_bytes)
        rows.append(row)
    return rows


def _size(row: Sequence[Any]) -> int:
    """At most the bytes `row` takes as JSON, roughly: text and bytes by length, nested values
    by their text, anything else (numbers, dates, NULL) as 8."""
    size = 8 * len(row)
    for value in row:
        if isinstance(value, (str, bytes, bytearray, memoryview)):
            size += len(value)
        elif isinstance(value, (list, tuple, dict)):
            size += len(str(value))
    return size


def _mysql_prepare(connection: Connection, sql: str, timeout_s: float, row_cap: int) -> str:
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


def _reset(dialect_name: str, raw: Any) -> None:
    try:
        if dialect_name == "sqlite" and isinstance(raw, sqlite3.Connection):
            raw.set_progress_handler(None, 0)
        elif dialect_name in ("mysql", "mariadb") and hasattr(raw, "_read_timeout"):
            raw._read_timeout = None
    except Exception:
        pass


def _end(connection: Connection, fired: bool) -> None:
    """Roll back; a connection that an interrupt or cancel may have hit is thrown away."""
    try:
        if fired:
            connection.invalidate()
        else:
            connection.rollback()
    except Exception:
        connection.invalidate()


def _unavailable(
    err: BaseException, engine: Engine, source: SourceConnection | None
) -> SourceError:
    if source is not None:
        problem = classify_connect_error(err, source)
        return SourceError(code="unavailable", message=problem.message)
    where = engine.url.render_as_string(hide_password=True)
    return SourceError(
        code="unavailable",
        message=f"The database at {where} could not be reached: {driver_message(err)}",
    )


def _sqlstate(err: BaseException) -> str | None:
    orig = err.orig if isinstance(err, sa_exc.DBAPIError) else err
    state = getattr(orig, "sqlstate", None)
    return state if isinstance(state, str) else None


def _query_error(err: BaseException, sql: str, timeout_s: float, late: bool) -> SourceError:
    text = driver_message(err)
    lowered = text.lower()
    state = _sqlstate(err)
    errno = mysql_errno(err)
    orig = err.orig if isinstance(err, sa_exc.DBAPIError) else err
    if (
        state == "57014"
        or errno in (1969, 3024, 1317)
        or (errno == 2013 and "timed out" in lowered)
        or type(orig).__name__ == "InterruptException"
        or (late and "interrupt" in lowered)
        or (late and state is None and errno is None and "cancel" in lowered)
    ):
        return timeout_error(timeout_s)
    first = sql.split(None, 1)[0].lower() if sql.strip() else ""
    if "string or blob too big" in lowered:  # SQLite, past SQLITE_LIMIT_LENGTH
        return SourceError(
            code="too_large",
            message=(
                f"The query builds a value larger than {MAX_VALUE_BYTES // 1_000_000} MB, which "
                "this database does not allow here. Ask for shorter values."
            ),
        )
    if type(orig).__name__ == "OutOfMemoryException" or "out of memory error" in lowered:
        return SourceError(
            code="too_large",
            message=(
                "The query needs more memory than this database may use for it. Ask for fewer "
                "rows or shorter values, or group the rows first."
            ),
        )
    if (
        state == "25006"
        or errno in (1792, 1290)
        or "readonly database" in lowered
        or "read-only" in lowered
        or (state == "42601" and first in _WRITE_WORDS)
    ):
        return SourceError(
            code="read_only",
            message=f"The database refused to change data: queries here can only read. ({text})",
        )
    if isinstance(err, sa_exc.DBAPIError) and err.connection_invalidated:
        return SourceError(
            code="unavailable", message=f"The connection to the database was lost: {text}"
        )
    if isinstance(err, sa_exc.StatementError) and not isinstance(err, sa_exc.DBAPIError):
        return SourceError(code="query_failed", message=f"The query is incomplete: {text}")
    return SourceError(code="query_failed", message=f"The database could not run the query: {text}")
