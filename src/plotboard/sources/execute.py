"""Running one read-only query against a customer database, with a time limit and a row cap.

What each database gets, per query (its kind module's `guard_query`, `after_query` and
`session_read_only`, in `plotboard.sources.kinds`):

- PostgreSQL 14 and later: the session is read-only from its connection request
  (`default_transaction_read_only`, see `engines`) and in autocommit, and `statement_timeout`
  is set on the session once per connection (again only when a query asks for another limit),
  so a query is one round trip. After each query the server's own report of
  `default_transaction_read_only` (a parameter it sends whenever it changes, no round trip) is
  checked: a connection whose session is no longer read-only is thrown away, and so is one
  whose query called `set_config` (which the query checker never lets through; this is the
  second line), so no query can leave a longer time limit behind for the next one. Older servers:
  `transaction_read_only` and `statement_timeout` set in a transaction per query. Both: a
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
- ClickHouse: a trailing `SETTINGS readonly=1, max_execution_time=N, limit=cap+1,
  max_result_bytes=..., log_comment=<tag>` (the server's limits for that query only, thrown
  when passed); the socket read timeout and a `KILL QUERY` of the tag at the deadline plus a
  grace are the client-side backstop.
- Other SQLAlchemy dialects: no read-only guard (connect with a read-only account); the
  watchdog calls the driver's `cancel()` if it has one.

Rows are read from the driver's cursor (not through SQLAlchemy's row objects) in batches whose
size is estimated a column at a time, so an answer over `max_bytes` is refused before it is all
in memory (PostgreSQL's client-side cursor holds the capped result already; MariaDB's stream is
read in small batches); batches start small and grow while the answer stays small.

Connections are not pinged before use: a query that finds its connection dead (a database
restart) runs once more on a fresh connection, and the pool drops the other stale ones.

A `QueryStopper` stops running queries from outside, at shutdown (not MySQL/MariaDB, whose
server-side limit is the only stop).

Any transaction is rolled back. Blocking: call it from a worker thread, not the event
loop.
Safe to call from many threads at once (each call checks out its own pooled connection).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.cursor import CursorFetchStrategy
from sqlalchemy.sql.elements import TextClause

from plotboard.catalog.model import ColumnType
from plotboard.sources import kinds
from plotboard.sources.classify import (
    classify_connect_error,
    clickhouse_code,
    driver_message,
    mysql_errno,
)
from plotboard.sources.dialects import SourceConnection
from plotboard.sources.errors import SourceError
from plotboard.sources.kinds.base import (
    MAX_VALUE_BYTES,
    DatabaseKind,
    QueryGuard,
)
from plotboard.sources.values import (
    JsonValue,
    RawTexts,
    convert_rows,
    describe_columns,
    value_types,
)
from plotboard.sources.watchdog import Alarm

_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")  # SQLAlchemy's own pattern for :name
# ClickHouse's error numbers: TIMEOUT_EXCEEDED, QUERY_WAS_CANCELLED; MEMORY_LIMIT_EXCEEDED;
# READONLY.
_CLICKHOUSE_TIMEOUT = (159, 394)
_CLICKHOUSE_MEMORY = 241
_CLICKHOUSE_READONLY = 164
_WRITE_WORDS = frozenset(
    {
        "insert", "update", "delete", "merge", "upsert", "replace", "create", "drop", "alter",
        "truncate", "grant", "revoke", "comment", "copy", "vacuum", "analyze", "reindex",
        "cluster", "refresh", "lock", "call", "do", "set", "reset", "load", "install", "attach",
        "detach",
    }
)  # fmt: skip
_FIRST_BATCH = 16  # rows; later batches grow while the answer stays small
_MAX_BATCH = 500
#: Rows converted and handed to a `RowSink` at a time (`execute(sink=...)`). An answer of up to
#: this many rows is one chunk, converted as a whole as without a sink. 1,000 rather than
#: 5,000: a chunk's row tuples and values are small objects, and the fewer of them live at
#: once, the fewer of CPython's 1 MiB arenas a burst of large answers leaves behind (-2.8 MiB
#: after the load test; no slower: docs/benchmarks.md, "Memory").
CHUNK_ROWS = 1_000
#: An answer that reaches this many rows builds its rows in turns with the other large answers
#: of the process (`_TURNS`, see `_Stream.read`). With a batch of at most `_MAX_BATCH` rows,
#: a large answer holds its turn before its first chunk is full, so every chunk is built in
#: turns.
LARGE_ANSWER_ROWS = 500


class _Turns:
    """A lock handed over in the order it was asked for (`threading.Lock` is not: the thread
    that lets go usually takes it again at once, and the others may wait on and on)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held = False
        self._waiting: deque[threading.Lock] = deque()

    def acquire(self) -> None:
        with self._lock:
            if not self._held:
                self._held = True
                return
            mine = threading.Lock()
            mine.acquire()
            self._waiting.append(mine)
        mine.acquire()  # released by the holder's `release`: the turn is ours

    def release(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().release()  # still held, by the next in line
            else:
                self._held = False


_TURNS = _Turns()

#: Takes a chunk of converted rows and the columns' (name, generic type) as known from the
#: chunk (see `execute`'s `sink`).
RowSink = Callable[[Sequence[Sequence[JsonValue]], list[tuple[str, ColumnType]]], None]


@dataclass(frozen=True)
class ExecutionResult:
    """Rows of one query, ready for JSON.

    `columns` are (name, generic type) pairs; `rows` hold JSON-ready values (see
    `values.json_value`); `truncated` is True when the query had more than `row_cap` rows;
    `elapsed_ms` is the wall time of the whole call, pool checkout included.
    """

    columns: list[tuple[str, ColumnType]]
    rows: list[Sequence[JsonValue]]
    truncated: bool
    elapsed_ms: float
    #: Rows in the answer: `len(rows)`, or how many went to the `sink` (then `rows` is empty).
    row_count: int = -1

    def __post_init__(self) -> None:
        if self.row_count < 0:
            object.__setattr__(self, "row_count", len(self.rows))

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
    for_orjson: bool = False,
    sink: RowSink | None = None,
) -> ExecutionResult:
    """Run one read-only query and return at most `row_cap` rows.

    `sql` uses `:name` placeholders filled from `params`; list/tuple values expand for
    `IN :name`, and an empty list matches no rows (with `NOT IN` too: drop such a filter before
    calling if "exclude nothing" is meant). A `:word` that is not a key of `params` is left
    alone, so literals like `'10:30'` need no escaping.
    `source`, when given, words connection errors better ("nothing listening at host:port").
    `max_bytes` bounds the rows' size (an estimate of their JSON, counted while fetching).
    `stopper`, when given, can stop the query from another thread (shutdown).
    `for_orjson`: the rows are only for `orjson.dumps`, so they may be the driver's tuples and
    keep dates and naive datetimes, which orjson writes as `isoformat()` does (no copy of a
    large answer; see `values.convert_rows`).
    `sink`: the rows are not returned but handed to `sink(rows, columns)` as they are read, at
    most `CHUNK_ROWS` at a time, converted (so a large answer is never all in memory as
    Python values: docs/benchmarks.md, "Memory"). Column-wise conversions decide per chunk
    (a `numeric` chunk of whole numbers is ints); `ExecutionResult.columns` are the whole
    answer's. A sink may raise `SourceError` (say `answer_too_large`) to stop reading.

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
    for attempt in (1, 2):
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
            columns, rows, truncated, count = _run(
                connection,
                sql,
                params,
                timeout_s,
                row_cap,
                max_bytes,
                stopper,
                attempt == 1,
                for_orjson,
                sink,
            )
        except _Reconnect:
            continue  # the pooled connection was dead: once more, on a fresh one
        finally:
            connection.close()
        break
    elapsed = (time.perf_counter() - started) * 1000
    return ExecutionResult(columns, rows, truncated, elapsed, count)


class _Reconnect(Exception):
    """The connection was found dead before the query ran: run it again on another one."""


def _run(
    connection: Connection,
    sql: str,
    params: dict[str, Any],
    timeout_s: float,
    row_cap: int,
    max_bytes: int | None,
    stopper: QueryStopper | None,
    may_retry: bool = False,
    for_orjson: bool = False,
    sink: RowSink | None = None,
) -> tuple[list[tuple[str, ColumnType]], list[Sequence[JsonValue]], bool, int]:
    dialect = connection.dialect
    name = dialect.name
    kind = kinds.for_backend(name)
    raw: Any = connection.connection.dbapi_connection
    deadline = time.monotonic() + timeout_s
    fired = False
    # What is sent goes in guard.sql; `sql` stays the caller's text for error messages.
    guard = QueryGuard(
        sql, timeout_s=timeout_s, deadline=deadline, row_cap=row_cap, max_bytes=max_bytes
    )
    fetched: list[Sequence[Any]] = []
    streamed: _Stream | None = None
    texts = None
    types: list[type | None] = []
    try:
        try:
            # The read-only guard and the time limit: the kind's (see its module).
            kind.guard_query(guard, connection, raw)
            alarm = guard.alarm
            if alarm is not None and stopper is not None:
                stopper.add(alarm)
            names = frozenset(params)
            lists = frozenset(k for k, v in params.items() if isinstance(v, (list, tuple)))
            statement = _statement(guard.sql, names, lists)
            result = connection.execute(statement, params, execution_options=guard.options)
            if not result.returns_rows:
                raise SourceError(
                    code="not_a_query",
                    message="The statement returned no rows; only queries that read data run here.",
                )
            description = result.cursor.description if result.cursor is not None else None
            texts = kind.raw_texts(result.cursor) if result.cursor is not None else None
            try:
                types = value_types(name, description or [])
                batches = _batches(_fetchmany(result), row_cap, max_bytes, types)
                if sink is None:
                    fetched = [row for batch in batches for row in batch]
                else:
                    streamed = _Stream(
                        name, dialect.dbapi, description or [], row_cap, sink,
                        for_orjson, texts, types, kind.buffers_results,
                    )  # fmt: skip
                    streamed.read(batches)
            finally:
                with contextlib.suppress(Exception):
                    result.close()  # MariaDB: reads what is left of the capped stream
        finally:
            alarm = guard.alarm
            if alarm is not None and stopper is not None:
                stopper.discard(alarm)
            fired = alarm.disarm() if alarm is not None else False
            _reset(kind, raw)
    except SourceError:
        _end(connection, fired or guard.disposable, kind, guard.session_read_only)
        raise
    except Exception as err:
        _end(connection, fired or guard.disposable, kind, guard.session_read_only)
        if fired and stopper is not None and stopper.stopping:
            raise shutting_down_error() from None
        problem = _query_error(err, sql, timeout_s, fired or time.monotonic() >= deadline)
        if (
            may_retry
            and problem.code == "unavailable"
            and not fired
            and not fetched
            and (streamed is None or not streamed.count)
            and time.monotonic() < deadline
        ):
            raise _Reconnect from None
        raise problem from None
    _end(connection, fired or guard.disposable, kind, guard.session_read_only)
    if streamed is not None:
        return streamed.columns, [], streamed.truncated, streamed.count
    truncated = len(fetched) > row_cap
    if truncated:
        fetched = fetched[:row_cap]
    columns, converters = describe_columns(name, dialect.dbapi, description or [], fetched)
    rows = convert_rows(fetched, converters, for_orjson=for_orjson, texts=texts, types=types)
    return columns, rows, truncated, len(rows)


class _Stream:
    """Rows read in batches, handed to a sink converted, `CHUNK_ROWS` at a time."""

    def __init__(
        self,
        dialect: str,
        dbapi: Any,
        description: Sequence[Sequence[Any]],
        row_cap: int,
        sink: RowSink,
        for_orjson: bool,
        texts: RawTexts | None,
        types: Sequence[type | None],
        gate: bool = False,
    ) -> None:
        self._dialect = dialect
        self._gate = gate
        self._dbapi = dbapi
        self._description = description
        self._row_cap = row_cap
        self._sink = sink
        self._for_orjson = for_orjson
        self._texts = texts
        self._types = types
        self.columns: list[tuple[str, ColumnType]] = []
        self.count = 0  # rows handed over
        self.truncated = False

    def read(self, batches: Iterator[list[Sequence[Any]]]) -> None:
        """Hand the rows of `batches` to the sink, a chunk at a time.

        Large answers take turns when the driver holds the whole result already (`gate`:
        reading it then waits for neither the database nor the network): from
        `LARGE_ANSWER_ROWS` rows on, an answer fetches and converts its next chunk only in its
        turn (`_TURNS`), and passes the turn on once the chunk is handed over. Building rows
        is Python work under the GIL, so answers at once do not take longer for it in all; but
        six 100,000-row answers no longer hold six chunks of row tuples and values at the same
        moment, which left CPython's small-object arenas some megabytes larger for good
        (docs/benchmarks.md, "Memory")."""
        pending: list[Sequence[Any]] = []
        turns = _TURNS if self._gate else None
        mine = False  # this answer's turn
        try:
            while True:
                if (
                    turns is not None
                    and not mine
                    and self.count + len(pending) >= LARGE_ANSWER_ROWS
                ):
                    turns.acquire()
                    mine = True
                batch = next(batches, None)
                if batch is None:
                    break
                pending.extend(batch)
                while len(pending) > CHUNK_ROWS and self.count + CHUNK_ROWS <= self._row_cap:
                    self._hand(pending[:CHUNK_ROWS])
                    del pending[:CHUNK_ROWS]
                    if mine:
                        turns.release()  # type: ignore[union-attr]
                        mine = False
            left = self._row_cap - self.count
            self.truncated = len(pending) > left
            chunk = pending[:left] if self.truncated else pending
            if chunk or not self.count:  # no rows at all: the sink still learns the columns
                self._hand(chunk)
        finally:
            if mine:
                turns.release()  # type: ignore[union-attr]

    def _hand(self, chunk: list[Sequence[Any]]) -> None:
        columns, converters = describe_columns(self._dialect, self._dbapi, self._description, chunk)
        texts = self._texts
        if texts is not None and self.count:
            offset, whole = self.count, texts
            texts = lambda row, column: whole(offset + row, column)  # noqa: E731
        rows = convert_rows(
            chunk, converters, for_orjson=self._for_orjson, texts=texts, types=self._types
        )
        if self.count:
            columns = [
                (name, _merge_kind(kind, new))
                for (name, kind), (_, new) in zip(self.columns, columns, strict=True)
            ]
        self.columns = columns
        self.count += len(rows)
        self._sink(rows, columns)


def _merge_kind(seen: ColumnType, kind: ColumnType) -> ColumnType:
    """One column's generic type over two chunks, as `values._infer` makes it over both (a
    type from the driver's type code is the same in every chunk)."""
    if seen == kind:
        return seen
    if {seen, kind} == {"integer", "number"}:
        return "number"
    return "other"


def _fetchmany(result: Any) -> Any:
    """The driver cursor's own `fetchmany` (plain tuples, no SQLAlchemy row objects), after
    the rows SQLAlchemy read ahead (a streamed result, MariaDB's: its first row), which are
    the driver's tuples too. Any other strategy: the result's rows, as tuples (orjson does not
    take SQLAlchemy's `Row`)."""
    strategy = result.cursor_strategy
    cursor = result.cursor
    if cursor is not None and type(strategy) is CursorFetchStrategy:
        return cursor.fetchmany
    ahead = getattr(strategy, "_rowbuffer", None)
    if cursor is not None and isinstance(ahead, deque):
        fetch = cursor.fetchmany

        def fetchmany(size: int) -> list[Any]:
            if not ahead:
                return list(fetch(size))
            rows = [ahead.popleft() for _ in range(min(size, len(ahead)))]
            return rows + list(fetch(size - len(rows))) if size > len(rows) else rows

        return fetchmany
    return lambda size: list(map(tuple, result.fetchmany(size)))


def _batches(
    fetchmany: Any, row_cap: int, max_bytes: int | None, types: Sequence[type | None] = ()
) -> Iterator[list[Sequence[Any]]]:
    """Up to `row_cap + 1` rows, in batches, stopping with `answer_too_large` as soon as their
    estimated size passes `max_bytes` (so a 100 GB answer is never held). A batch is at most
    a quarter of what is left of `max_bytes` at the rows' average size so far. `types`: the
    columns' value types where known (`values.value_types`)."""
    if max_bytes is None:
        yield list(fetchmany(row_cap + 1))
        return
    count = 0
    size = 0
    batch = _FIRST_BATCH
    while count <= row_cap:
        got = fetchmany(min(batch, row_cap + 1 - count))
        if not got:
            break
        size += _size(got, types)
        if size > max_bytes:
            raise answer_too_large(max_bytes)
        count += len(got)
        yield got
        average = size / count
        batch = max(1, min(_MAX_BATCH, int((max_bytes - size) / average / 4)))


_FIXED_SIZE = frozenset(
    {type(None), bool, int, float, Decimal, dt.date, dt.datetime, dt.time, dt.timedelta, UUID}
)
_SIZED = frozenset({str, bytes, bytearray, type(None)})


def _size(rows: Sequence[Sequence[Any]], types: Sequence[type | None] = ()) -> int:
    """At most the bytes `rows` take as JSON, roughly: text and bytes by length, nested values
    by their text, anything else (numbers, dates, NULL) as 8. A column at a time: a column of
    numbers, dates or text costs a C-level pass or two, and none when its type is known
    (`types`) to be of fixed size."""
    size = 8 * sum(map(len, rows))
    for index in range(len(rows[0]) if rows else 0):
        known = types[index] if index < len(types) else None
        if known in _FIXED_SIZE:
            continue
        column = map(itemgetter(index), rows)
        if known is str:
            size += sum(map(len, filter(None, column)))
            continue
        values = list(column)
        kinds = set(map(type, values))
        if kinds <= _FIXED_SIZE:
            continue
        if kinds <= _SIZED:
            size += sum(map(len, filter(None, values)))
        else:
            size += sum(map(_value_size, values))
    return size


def _value_size(value: Any) -> int:
    if isinstance(value, (str, bytes, bytearray, memoryview)):
        return len(value)
    if isinstance(value, (list, tuple, dict)):
        return len(str(value))
    return 0


def _reset(kind: DatabaseKind, raw: Any) -> None:
    with contextlib.suppress(Exception):
        kind.after_query(raw)


def _end(
    connection: Connection, fired: bool, kind: DatabaseKind, session_read_only: bool = False
) -> None:
    """Roll back; a connection that an interrupt or cancel may have hit is thrown away, and so
    is a session read-only by its settings (PostgreSQL) that no longer reports itself
    read-only (fail closed: the next query on it would not be)."""
    try:
        if fired or (
            session_read_only
            and not connection.invalidated
            and not kind.session_read_only(connection.connection.dbapi_connection)
        ):
            connection.invalidate()
        else:
            connection.rollback()  # no round trip in autocommit (nothing is open)
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
    ch_code = clickhouse_code(err)
    if (
        state == "57014"
        or errno in (1969, 3024, 1317)
        or ch_code in _CLICKHOUSE_TIMEOUT
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
    if (
        type(orig).__name__ == "OutOfMemoryException"
        or "out of memory error" in lowered
        or ch_code == _CLICKHOUSE_MEMORY
    ):
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
        or ch_code == _CLICKHOUSE_READONLY
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
