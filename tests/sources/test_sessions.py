"""Per-connection session state on real servers: what is set once per connection must hold for
every query, a query must not be able to leave a weaker session behind for the next one, and a
dead pooled connection costs a retry, not a failed query.

Each test uses a pool of exactly one connection, so the next query is known to reuse it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from plotboard.sources import PoolSettings, SourceError, SourcePool
from tests.sources.conftest import Sources


@pytest.fixture
def one(sources: Sources) -> Iterator[SourcePool]:
    """A pool that keeps a single connection per source."""
    pool = SourcePool(
        PoolSettings(pool_size=1, max_overflow=0),
        resolver=lambda kind: sources[kind] if kind in ("postgresql", "mysql") else None,
    )
    yield pool
    pool.close()


def backend_pid(pool: SourcePool) -> int:
    pid = pool.execute("postgresql", "SELECT pg_backend_pid() AS p", timeout_s=5, row_cap=1)
    value = pid.rows[0][0]
    assert isinstance(value, int)
    return value


@pytest.mark.parametrize(
    "switch",
    [
        "SELECT set_config('default_transaction_read_only', 'off', false) AS s",
        "SET default_transaction_read_only = off",  # refused as not a query, after it ran
    ],
)
def test_a_session_switched_to_read_write_is_thrown_away(one: SourcePool, switch: str) -> None:
    # The query checker lets neither through; the executor must fail closed anyway.
    first = backend_pid(one)
    with contextlib.suppress(SourceError):
        one.execute("postgresql", switch, timeout_s=5, row_cap=1)
    with pytest.raises(SourceError) as info:
        one.execute("postgresql", "SELECT nextval('invoice_numbers')", timeout_s=5, row_cap=1)
    assert info.value.code == "read_only"
    assert backend_pid(one) != first  # a new connection, read-only from its start


def test_a_read_only_session_is_kept(one: SourcePool) -> None:
    first = backend_pid(one)
    for _ in range(3):
        one.execute("postgresql", "SELECT count(*) AS n FROM offices", timeout_s=5, row_cap=1)
    assert backend_pid(one) == first  # no reconnect per query


def test_each_query_gets_its_own_time_limit_on_a_reused_connection(one: SourcePool) -> None:
    first = backend_pid(one)
    started = time.monotonic()
    with pytest.raises(SourceError) as info:
        one.execute("postgresql", "SELECT pg_sleep(3)", timeout_s=0.5, row_cap=1)
    assert info.value.code == "timeout"
    assert time.monotonic() - started < 2.0  # the server's limit, not the 2.5 s backstop
    # A longer limit on the same connection: the shorter one must not linger.
    slept = one.execute("postgresql", "SELECT pg_sleep(0.8) AS s", timeout_s=10, row_cap=1)
    assert slept.rows == [[""]]
    assert backend_pid(one) == first
    # A query may not lift the limit for the next one (the checker refuses set_config; the
    # executor throws such a session away as well).
    one.execute(
        "postgresql",
        "SELECT set_config('statement_timeout', '0', false) AS s",
        timeout_s=0.5,
        row_cap=1,
    )
    started = time.monotonic()
    with pytest.raises(SourceError) as info:
        one.execute("postgresql", "SELECT pg_sleep(3)", timeout_s=0.5, row_cap=1)
    assert info.value.code == "timeout"
    assert time.monotonic() - started < 2.0


def test_a_dead_connection_is_retried_on_a_fresh_one(one: SourcePool, sources: Sources) -> None:
    first = backend_pid(one)
    conn = sources["postgresql"]
    admin = sa.create_engine(conn.to_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        assert c.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": first}).scalar()
    admin.dispose()
    time.sleep(0.2)
    result = one.execute("postgresql", "SELECT count(*) AS n FROM offices", timeout_s=5, row_cap=1)
    assert result.rows == [[3]]
    assert backend_pid(one) != first


def test_a_dead_mariadb_connection_is_retried_on_a_fresh_one(
    one: SourcePool, sources: Sources
) -> None:
    def connection_id() -> int:
        value = one.execute("mysql", "SELECT CONNECTION_ID() AS c", timeout_s=5, row_cap=1)
        cid = value.rows[0][0]
        assert isinstance(cid, int)
        return cid

    first = connection_id()
    admin = sa.create_engine(sources["mysql"].to_url())
    with admin.connect() as c:
        c.execute(sa.text(f"KILL CONNECTION {first}"))
    admin.dispose()
    time.sleep(0.2)
    result = one.execute("mysql", "SELECT count(*) AS n FROM offices", timeout_s=5, row_cap=1)
    assert result.rows == [[3]]
    assert connection_id() != first


def test_decimals_keep_their_shape(one: SourcePool) -> None:
    # Read from the text without a Decimal: integral -> int, with a scale -> float, NaN -> None.
    for kind, sql in {
        "postgresql": "SELECT CAST(10 AS NUMERIC) AS a, CAST(5200.50 AS NUMERIC(10,2)) AS b, "
        "CAST('NaN' AS NUMERIC) AS c, CAST(1e30 AS NUMERIC) AS d, CAST(NULL AS NUMERIC) AS e",
        "mysql": "SELECT CAST(10 AS DECIMAL(10,0)) AS a, CAST(5200.50 AS DECIMAL(10,2)) AS b, "
        "NULL AS c, CAST(1e30 AS DECIMAL(40,0)) AS d, CAST(NULL AS DECIMAL(5,1)) AS e",
    }.items():
        rows = one.execute(kind, sql, timeout_s=5, row_cap=1).rows
        assert rows == [[10, 5200.5, None, 1e30, None]], kind
        a, b, _, d, _ = rows[0]
        assert type(a) is int and type(b) is float and type(d) is float, kind
