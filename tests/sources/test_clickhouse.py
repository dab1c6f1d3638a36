"""ClickHouse, end to end: connection verdicts, the catalog, the read-only guard, the limits.

The queries run on ClickHouse's engine in this process (chDB, a current release) through the
driver users run against a server (clickhouse-connect); the verdicts about the network, the
user name, the password and the database come from a real clickhouse-server on 127.0.0.1
(see tests/services.py for why both).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, Literal

import pytest
from pydantic import ValidationError

from plotboard.access.rules import EMPTY_RULES
from plotboard.query.errors import QueryError
from plotboard.query.prepare import prepare_sql
from plotboard.sources import SourceConnection, SourceError, test_connection
from plotboard.sources.engines import create_source_engine
from plotboard.sources.execute import execute
from plotboard.sources.introspect import introspect, list_schemas
from tests.query.dataset import build_catalog
from tests.services import (
    chdb_client,
    chdb_options,
    chdb_path,
    clickhouse_server,
    temporary_clickhouse_database,
)

pytestmark = pytest.mark.clickhouse

PASSWORD = "Wr0ng-Horse-Battery"


@pytest.fixture(scope="module")
def shop() -> Iterator[SourceConnection]:
    with temporary_clickhouse_database() as name:
        client = chdb_client()
        client.command(
            f"CREATE TABLE {name}.orders (order_id UInt32, customer LowCardinality(String), "
            "placed_on Date, placed_at DateTime('UTC'), amount Decimal(10, 2), "
            "discount Nullable(Float64), is_gift Bool, note Nullable(String)) "
            "ENGINE = MergeTree ORDER BY order_id"
        )
        client.command(
            f"INSERT INTO {name}.orders SELECT number + 1, ['ann', 'bob', 'cy'][number % 3 + 1], "
            "toDate('2024-01-01') + number, toDateTime('2024-01-01 08:00:00', 'UTC') + number * "
            "3600, (number + 1) * 1.25, if(number % 4 = 0, NULL, number / 10), number % 5 = 0, "
            "NULL FROM numbers(500)"
        )
        client.command(
            f"CREATE VIEW {name}.big_orders AS SELECT order_id, amount FROM {name}.orders "
            "WHERE amount > 100"
        )
        client.close()
        yield SourceConnection(
            kind="clickhouse",
            host="localhost",
            user="default",
            database=name,
            options=chdb_options(),
        )


def _run(conn: SourceConnection, sql: str, **limits: object) -> object:
    engine = create_source_engine(conn)
    try:
        options: dict[str, Any] = {"timeout_s": 10.0, "row_cap": 1000, **limits}
        return execute(engine, sql, source=conn, **options)
    finally:
        engine.dispose()


def _count(conn: SourceConnection) -> int:
    client = chdb_client(conn.database)
    try:
        return int(client.command("SELECT count() FROM orders"))
    finally:
        client.close()


# -- connecting -------------------------------------------------------------------------------


def test_test_connection_names_the_release(shop: SourceConnection) -> None:
    verdict = test_connection(shop)
    assert verdict.ok and verdict.code == "ok", verdict
    assert verdict.server_version is not None
    major = verdict.server_version.removeprefix("ClickHouse ").split(".")[0]
    assert verdict.server_version.startswith("ClickHouse ") and int(major) >= 24


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    with clickhouse_server(PASSWORD) as port:
        yield port


def _server_conn(port: int, **changes: object) -> SourceConnection:
    fields: dict[str, Any] = {
        "kind": "clickhouse",
        "host": "127.0.0.1",
        "port": port,
        "user": "plotboard",
        "password": PASSWORD,
        "database": "default",
        **changes,
    }
    return SourceConnection(**fields)


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        (
            {"password": "not-" + PASSWORD},
            "access_denied",
            'The database refused the user name or password (user "plotboard").',
        ),
        (
            {"user": "nobody"},
            "access_denied",
            'The database refused the user name or password (user "nobody").',
        ),
        (
            {"database": "warehouse"},
            "database_not_found",
            'The server has no database called "warehouse".',
        ),
        ({"host": "plotboard-no-such-host.invalid"}, "unknown_host", "could not be found"),
    ],
    ids=["wrong password", "unknown user", "unknown database", "unknown host"],
)
def test_verdicts_from_a_real_server(
    server: int, changes: dict[str, Any], code: str, message: str
) -> None:
    verdict = test_connection(_server_conn(server, **changes), timeout_s=5)
    assert verdict.code == code, verdict
    assert message in verdict.message
    assert PASSWORD not in verdict.message and "Traceback" not in verdict.message


def test_the_right_password_gets_past_the_server(server: int) -> None:
    # Debian's release is too old for the driver's first query, so the verdict is a plain
    # error: but not the refusals above, which therefore come from the wrong values.
    verdict = test_connection(_server_conn(server), timeout_s=5)
    assert verdict.code not in ("access_denied", "database_not_found", "connection_refused")


def test_a_closed_port_is_refused(server: int) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    verdict = test_connection(_server_conn(closed), timeout_s=5)
    assert verdict.code == "connection_refused", verdict
    assert f"127.0.0.1:{closed}" in verdict.message


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A real TCP server on 127.0.0.1 that accepts connections and never answers."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:  # closed at the end of the test
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        for sock in held:
            sock.close()
        thread.join(timeout=5)


def test_a_server_that_never_answers_times_out_promptly(silent_port: int) -> None:
    # The driver's read timeout is 300 s unless plotboard bounds connecting by its timeout.
    started = time.monotonic()
    verdict = test_connection(_server_conn(silent_port), timeout_s=1)
    assert time.monotonic() - started < 10
    assert verdict.code == "timeout", verdict
    assert verdict.message == (
        f"The server at 127.0.0.1:{silent_port} did not answer within 1 s. It may be down, "
        "overloaded, or behind a firewall that drops the connection."
    )
    assert "http" not in verdict.message.lower() and PASSWORD not in verdict.message


def test_plotboards_own_settings_are_not_options() -> None:
    with pytest.raises(ValidationError, match="readonly"):
        SourceConnection(
            kind="clickhouse",
            host="db",
            user="u",
            database="d",
            options={"readonly": 0},
        )


# -- the catalog ------------------------------------------------------------------------------


def test_tables_views_and_types(shop: SourceConnection) -> None:
    engine = create_source_engine(shop)
    try:
        tables = {t.name: t for t in introspect(engine)}
        schemas = list_schemas(engine)
    finally:
        engine.dispose()
    assert set(tables) == {"orders", "big_orders"}
    columns = {c.name: c for c in tables["orders"].columns}
    assert {name: c.type for name, c in columns.items()} == {
        "order_id": "integer",
        "customer": "string",
        "placed_on": "date",
        "placed_at": "datetime",
        "amount": "number",
        "discount": "number",
        "is_gift": "boolean",
        "note": "string",
    }
    assert columns["discount"].nullable and not columns["amount"].nullable
    assert columns["customer"].native_type == "LowCardinality(String)"
    assert [c.name for c in tables["big_orders"].columns] == ["order_id", "amount"]
    assert shop.database in schemas and "system" not in schemas
    assert "information_schema" not in {s.lower() for s in schemas}


# -- the read-only guard and the limits -------------------------------------------------------


def test_values_and_types_of_an_answer(shop: SourceConnection) -> None:
    result = _run(
        shop,
        "SELECT order_id, customer, placed_on, placed_at, amount, discount, is_gift, note "
        "FROM orders ORDER BY order_id LIMIT 2",
    )
    answer = result.as_dict()  # type: ignore[attr-defined]
    assert [c["type"] for c in answer["columns"]] == [
        "integer", "string", "date", "datetime", "number", "number", "boolean", "string",
    ]  # fmt: skip
    assert answer["rows"][0] == [1, "ann", "2024-01-01", "2024-01-01T08:00:00", 1.25, None,
                                 True, None]  # fmt: skip


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO orders SELECT * FROM orders",
        "INSERT INTO orders SELECT * FROM orders -- a comment cannot hide the settings",
        "CREATE TABLE copied ENGINE = Memory AS SELECT * FROM orders",
    ],
)
def test_writes_are_refused_by_the_server(shop: SourceConnection, sql: str) -> None:
    before = _count(shop)
    with pytest.raises(SourceError) as caught:
        _run(shop, sql)
    assert caught.value.code in ("read_only", "not_a_query", "query_failed"), caught.value
    assert caught.value.code == "read_only" or "readonly" in caught.value.message.lower()
    assert _count(shop) == before


def test_a_query_cannot_lift_the_settings(shop: SourceConnection) -> None:
    with pytest.raises(SourceError):
        _run(shop, "SELECT 1 SETTINGS readonly = 0")


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        # Stopped by the server at its time limit (half a second here).
        ("SELECT count() FROM numbers(1000000000000)", "timeout"),
        # One block of 65,536 values of 100 kB: refused by the memory limit, not built.
        ("SELECT repeat('x', 100000) FROM numbers(100000)", "too_large"),
    ],
    ids=["time limit", "memory limit"],
)
def test_a_runaway_query_is_stopped_at_once(shop: SourceConnection, sql: str, code: str) -> None:
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        _run(shop, sql, timeout_s=0.5, row_cap=100000)
    assert caught.value.code == code, caught.value
    assert time.monotonic() - started < 5


def test_a_query_the_server_does_not_stop_is_killed_at_the_backstop(
    shop: SourceConnection,
) -> None:
    from plotboard.sources.kinds.base import BACKSTOP_GRACE_S, QueryGuard
    from plotboard.sources.kinds.clickhouse import KIND

    engine = create_source_engine(shop)
    try:
        with engine.connect() as connection:
            guard = QueryGuard(
                "SELECT count() FROM numbers(1000000000000)",
                timeout_s=0.5,
                deadline=time.monotonic() + 0.5,
                row_cap=10,
            )
            KIND.guard_query(guard, connection, connection.connection.dbapi_connection)
            assert guard.alarm is not None
            # A server that does not hold to the limit: the same query, allowed a minute.
            sql = guard.sql.replace("max_execution_time=0.500", "max_execution_time=60")
            assert sql != guard.sql
            started = time.monotonic()
            with pytest.raises(Exception, match="QUERY_WAS_CANCELLED"):
                connection.exec_driver_sql(sql)
            assert time.monotonic() - started < 0.5 + BACKSTOP_GRACE_S + 5
            assert guard.alarm.disarm()  # it had fired
    finally:
        engine.dispose()


def test_shutdown_stops_a_running_query(shop: SourceConnection) -> None:
    import threading

    from plotboard.sources.execute import QueryStopper

    stopper = QueryStopper()
    engine = create_source_engine(shop)
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            execute(engine, "SELECT count() FROM numbers(1000000000000)", timeout_s=60,
                    row_cap=10, stopper=stopper)  # fmt: skip
        except BaseException as err:
            outcome.append(err)

    thread = threading.Thread(target=run)
    try:
        thread.start()
        deadline = time.monotonic() + 10
        stopped = 0
        while not stopped and time.monotonic() < deadline:  # once the query has started
            time.sleep(0.05)
            with stopper._lock:
                started = bool(stopper._running)
            if started:
                time.sleep(0.3)
                stopped = stopper.stop_all()
        assert stopped == 1
        thread.join(timeout=10)
        assert not thread.is_alive()
    finally:
        stopper.stop_all()
        thread.join(timeout=60)
        engine.dispose()
    assert len(outcome) == 1 and isinstance(outcome[0], SourceError), outcome
    assert outcome[0].code == "shutting_down" and outcome[0].status == 503


def test_rows_are_capped_by_the_server(shop: SourceConnection) -> None:
    result = _run(shop, "SELECT number FROM numbers(100000) LIMIT 50000", row_cap=10)
    answer = result.as_dict()  # type: ignore[attr-defined]
    assert answer["truncated"] is True
    assert answer["rows"] == [[n] for n in range(10)]


def test_a_large_answer_is_refused(shop: SourceConnection) -> None:
    with pytest.raises(SourceError) as caught:
        _run(shop, "SELECT repeat('x', 1000) FROM numbers(100000)", row_cap=100000,
             max_bytes=1_000_000)  # fmt: skip
    assert caught.value.code == "answer_too_large", caught.value


def _url_source(database: str, **query: str) -> SourceConnection:
    import sqlalchemy as sa

    url = sa.engine.URL.create(
        "clickhousedb",
        username="default",
        host="localhost",
        database=database,
        query={"interface": "chdb", "path": chdb_path(), **query},
    )
    return SourceConnection(kind="url", url=url.render_as_string(hide_password=False))


_OUTER_JOIN = (
    "SELECT o.order_id, b.amount FROM orders AS o LEFT JOIN big_orders AS b "
    "ON o.order_id = b.order_id ORDER BY o.order_id LIMIT 1"
)


def test_a_url_source_gets_outer_joins_with_null_too(shop: SourceConnection) -> None:
    # Order 1 (1.25) is not a big order: NULL, not ClickHouse's default 0.
    source = _url_source(str(shop.database))
    assert source.to_url().query["join_use_nulls"] == "1"
    assert "join_use_nulls" not in source.redacted()  # plotboard's own, as for kind clickhouse
    assert _run(source, _OUTER_JOIN).as_dict()["rows"] == [[1, None]]  # type: ignore[attr-defined]
    # The admin's own choice stands, and shows.
    own = _url_source(str(shop.database), join_use_nulls="0")
    assert own.to_url().query["join_use_nulls"] == "0" and "join_use_nulls=0" in own.redacted()
    assert _run(own, _OUTER_JOIN).as_dict()["rows"] == [[1, 0.0]]  # type: ignore[attr-defined]


# -- raw SQL ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM url('http://127.0.0.1:1/', CSV, 'a String')",
        "SELECT * FROM file('/etc/passwd', CSV, 'a String')",
        "SELECT * FROM remote('127.0.0.1', system.one)",
        "SELECT name FROM system.users",
        "SELECT * FROM numbers(10)",
        "SELECT sleep(3) FROM offices",
    ],
)
def test_raw_sql_cannot_reach_outside_the_catalog(sql: str) -> None:
    with pytest.raises(QueryError):
        prepare_sql(sql, build_catalog("clickhouse"), EMPTY_RULES, {})


# -- per-tenant routing -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def tenants() -> Iterator[tuple[str, str, str]]:
    """A base ClickHouse database and two tenants' with the same table and other rows."""
    with (
        temporary_clickhouse_database() as base,
        temporary_clickhouse_database() as one,
        temporary_clickhouse_database() as two,
    ):
        client = chdb_client()
        try:
            for name, n in ((base, 1), (one, 2), (two, 3)):
                client.command(
                    f"CREATE TABLE {name}.sales (id UInt32, amount Float64) "
                    "ENGINE = MergeTree ORDER BY id"
                )
                client.command(f"INSERT INTO {name}.sales SELECT number, number * 10 "
                               f"FROM numbers({n})")  # fmt: skip
        finally:
            client.close()
        yield base, one, two


@pytest.mark.parametrize("mode", ["database", "schema"])
def test_each_tenant_reads_its_own_database(
    tenants: tuple[str, str, str], mode: Literal["database", "schema"]
) -> None:
    from plotboard.query.tenant import qualify_tables
    from plotboard.sources import SourcePool
    from plotboard.sources.routing import TenantTarget

    base, one, two = tenants
    pool = SourcePool()
    pool.register(
        "s",
        SourceConnection(kind="clickhouse", host="localhost", user="default", database=base,
                         options=chdb_options()),
    )  # fmt: skip

    def count(tenant: TenantTarget | None) -> object:
        sql = "SELECT count(*) FROM sales"
        if tenant is not None and tenant.mode == "schema":  # as the query layer does
            sql = qualify_tables(sql, "clickhouse", tenant.name)
        return pool.execute("s", sql, timeout_s=5, row_cap=10, tenant=tenant).rows[0][0]

    try:
        assert count(None) == 1
        assert count(TenantTarget(mode, one, 2)) == 2
        assert count(TenantTarget(mode, two, 2)) == 3
        # A tenant whose database does not exist fails: never the base database's rows.
        with pytest.raises(SourceError) as caught:
            count(TenantTarget(mode, "pb_no_such_tenant", 2))
        # (the server's refusal: no such database to connect to, or to read the table from)
        expected = "unavailable" if mode == "database" else "query_failed"
        assert isinstance(caught.value, SourceError) and caught.value.code == expected
    finally:
        pool.close()
