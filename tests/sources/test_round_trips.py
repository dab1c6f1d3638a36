"""One round trip per query on each engine: no ping per checkout, no BEGIN, ROLLBACK or session
set-up per query. Counted on real databases by what the database itself saw:

- PostgreSQL: libpq's protocol trace of the pooled connection (one `ReadyForQuery` per round
  trip);
- MariaDB: the server's own per-session counters (`Questions`, and `Com_admin_commands` for
  pings), read on the same pooled connection;
- SQLite: `sqlite3`'s trace callback (each statement SQLite runs);
- DuckDB: the calls made on the DuckDB connection under duckdb-engine's wrapper (each runs a
  statement: execute, begin, commit, rollback).

Each pool keeps exactly one connection, so every query reuses the one being watched.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from plotboard.sources import PoolSettings, SourcePool
from tests.sources.conftest import KINDS, Sources

QUERY = "SELECT office_id, city FROM offices WHERE office_id <= :n ORDER BY office_id"
RUNS = 5


@pytest.fixture
def one(sources: Sources) -> Iterator[SourcePool]:
    pool = SourcePool(
        PoolSettings(pool_size=1, max_overflow=0),
        resolver=lambda kind: sources[kind] if kind in KINDS else None,
    )
    yield pool
    pool.close()


def run(pool: SourcePool, kind: str) -> None:
    result = pool.execute(kind, QUERY, {"n": 2}, timeout_s=5, row_cap=100)
    assert [row[1] for row in result.rows] == ["Tokyo", "Paris"]


def warm(pool: SourcePool, kind: str) -> None:
    """The connection, its once-per-connection set-up and, on PostgreSQL, the statement's
    server-side preparation (psycopg prepares a statement on its fifth run) are done."""
    for _ in range(6):
        run(pool, kind)


def driver_connection(pool: SourcePool, kind: str) -> Any:
    """The pool's one DB-API connection (checked out and straight back in)."""
    proxied = pool.engine(kind).raw_connection()
    try:
        return proxied.driver_connection
    finally:
        proxied.close()


def postgres_round_trips(pool: SourcePool, queries: Callable[[], None]) -> int:
    from psycopg import pq

    pg = driver_connection(pool, "postgresql")
    with tempfile.TemporaryFile() as trace:
        pg.pgconn.trace(trace.fileno())
        pg.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            queries()
        finally:
            pg.pgconn.untrace()
        trace.seek(0)
        lines = trace.read().decode("utf-8", "replace").splitlines()
    # The server ends the answer to each round trip with ReadyForQuery (a cancel would be a
    # connection of its own, not traced here: none is expected).
    return sum(1 for line in lines if line.startswith("B\t") and "\tReadyForQuery" in line)


_STATUS = (
    "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
    "WHERE VARIABLE_NAME IN ('QUESTIONS', 'COM_ADMIN_COMMANDS')"
)


def mariadb_round_trips(pool: SourcePool, queries: Callable[[], None]) -> int:
    def status() -> Counter[str]:
        rows = pool.execute("mysql", _STATUS, timeout_s=5, row_cap=10).rows
        return Counter({str(name).lower(): int(str(value)) for name, value in rows})

    before = status()
    queries()
    after = status()
    seen = after - before
    # Questions counts every statement the client sent (the second status read included);
    # Com_admin_commands counts pings and the like, which Questions leaves out.
    return seen["questions"] - 1 + seen["com_admin_commands"]


def sqlite_round_trips(pool: SourcePool, queries: Callable[[], None]) -> int:
    lite = driver_connection(pool, "sqlite")
    statements: list[str] = []
    lite.set_trace_callback(statements.append)
    try:
        queries()
    finally:
        lite.set_trace_callback(None)
    return len(statements)


class _Counting:
    """Counts the statement-running calls made on a DuckDB connection, passing all through."""

    CALLS = frozenset({"execute", "executemany", "begin", "commit", "rollback", "sql", "query"})

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.connection, name)
        if name in self.CALLS:

            def counted(*args: Any, **kwargs: Any) -> Any:
                self.calls.append(name)
                return value(*args, **kwargs)

            return counted
        return value


def duckdb_round_trips(pool: SourcePool, queries: Callable[[], None]) -> int:
    wrapper = driver_connection(pool, "duckdb")  # duckdb-engine's ConnectionWrapper
    inner = "_ConnectionWrapper__c"
    counting = _Counting(getattr(wrapper, inner))
    setattr(wrapper, inner, counting)
    try:
        queries()
    finally:
        setattr(wrapper, inner, counting.connection)
    return len(counting.calls)


COUNTERS: dict[str, Callable[[SourcePool, Callable[[], None]], int]] = {
    "postgresql": postgres_round_trips,
    "mysql": mariadb_round_trips,
    "sqlite": sqlite_round_trips,
    "duckdb": duckdb_round_trips,
}


@pytest.mark.parametrize("kind", KINDS)
def test_one_round_trip_per_query(one: SourcePool, kind: str) -> None:
    warm(one, kind)

    def queries() -> None:
        for _ in range(RUNS):
            run(one, kind)

    assert COUNTERS[kind](one, queries) == RUNS


@pytest.mark.parametrize("kind", KINDS)
def test_the_count_sees_an_extra_statement(one: SourcePool, kind: str) -> None:
    # The counting itself can fail: a second statement per query is seen.
    warm(one, kind)

    def twice() -> None:
        for _ in range(RUNS):
            run(one, kind)
            run(one, kind)

    assert COUNTERS[kind](one, twice) == 2 * RUNS
