"""Query execution on real PostgreSQL, MariaDB, SQLite and DuckDB: values and types, row caps,
bind parameters, time limits and read-only enforcement by the databases themselves."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
import pytest

from plotboard.sources import SourceError, SourcePool
from plotboard.sources.execute import _MAX_BATCH, CHUNK_ROWS, LARGE_ANSWER_ROWS
from tests.sources.conftest import KINDS, Sources, sqlite_rows

EMPLOYEE_QUERY = (
    "SELECT e.employee_id, e.full_name, e.salary, e.hired_at, o.opened_on, e.is_remote, "
    "e.rating FROM employees e LEFT JOIN offices o ON o.office_id = e.office_id "
    "ORDER BY e.employee_id"
)


def run(
    pool: SourcePool, kind: str, sql: str, params: dict[str, object] | None = None, **kw: float
):
    options = {"timeout_s": 10.0, "row_cap": 1000, **kw}
    return pool.execute(
        kind, sql, params, timeout_s=options["timeout_s"], row_cap=int(options["row_cap"])
    )


def refused(pool: SourcePool, kind: str, sql: str, **kw: float) -> SourceError:
    with pytest.raises(SourceError) as info:
        run(pool, kind, sql, **kw)
    return info.value


# -- values and types ---------------------------------------------------------------------------


def test_values_are_json_ready_and_typed(pool: SourcePool, kind: str) -> None:
    result = run(pool, kind, EMPLOYEE_QUERY)
    types = dict(result.columns)
    assert [name for name, _ in result.columns] == [
        "employee_id", "full_name", "salary", "hired_at", "opened_on", "is_remote", "rating",
    ]  # fmt: skip
    assert types["employee_id"] == "integer"
    assert types["full_name"] == "string"
    assert types["salary"] == "number"
    assert types["rating"] == "number"
    first, last = result.rows[0], result.rows[-1]
    assert first[:3] == [1, "Aiko Sato", 5200.5]
    assert last == [5, "Louise Martin", None, None, None, None, None]
    if kind == "sqlite":
        # SQLite hands back what it stored: ISO text for dates, 0/1 for booleans.
        assert (types["hired_at"], types["opened_on"], types["is_remote"]) == (
            "string", "string", "integer",
        )  # fmt: skip
        assert first[3:6] == ["2016-01-04 09:30:00", "2015-04-01", 1]
    else:
        assert (types["hired_at"], types["opened_on"]) == ("datetime", "date")
        assert first[3:5] == ["2016-01-04T09:30:00", "2015-04-01"]
        # MySQL's BOOLEAN is TINYINT(1): 0/1 integers, like SQLite.
        assert first[5] == (1 if kind == "mysql" else True)
        assert types["is_remote"] == ("integer" if kind == "mysql" else "boolean")
    assert result.truncated is False
    assert result.elapsed_ms > 0
    json.dumps(result.as_dict(), allow_nan=False)


def test_aggregates(pool: SourcePool, kind: str) -> None:
    result = run(
        pool,
        kind,
        "SELECT count(*) AS n, sum(salary) AS total, min(opened_on) AS first_opened "
        "FROM employees e JOIN offices o ON o.office_id = e.office_id",
    )
    assert result.rows == [[4, 20201.5, "2015-04-01"]]
    assert dict(result.columns)["n"] == "integer"
    assert dict(result.columns)["total"] == "number"


def test_postgres_special_types(pool: SourcePool) -> None:
    result = run(
        pool,
        "postgresql",
        "SELECT CAST('1 day 2 hours' AS INTERVAL) AS span, "
        "CAST('{\"a\": [1, 2.5]}' AS JSONB) AS doc, "
        "CAST('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' AS UUID) AS id, CAST('hi' AS BYTEA) AS raw, "
        "CAST('2024-05-06 07:08:09+00' AS TIMESTAMPTZ) AS at, CAST('NaN' AS FLOAT8) AS nan, "
        "CAST(123456789012345678901234567890 AS NUMERIC) AS huge, CAST(10 AS NUMERIC) AS ten",
    )
    span, doc, uid, raw, at, nan, huge, ten = result.rows[0]
    assert span == 93600.0
    assert doc == {"a": [1, 2.5]}
    assert uid == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
    assert raw == "aGk="
    assert (at.startswith("2024-05-06T") and at[-6:] in ("+00:00",)) or at.endswith("Z")
    assert nan is None
    assert huge == pytest.approx(1.2345678901234568e29)
    assert ten == 10 and isinstance(ten, int)
    assert dict(result.columns)["id"] == "string" and dict(result.columns)["at"] == "datetime"
    json.dumps(result.as_dict(), allow_nan=False)


def test_postgres_decimals_are_numbers_whole_columns_ints_and_large_ones_exact(
    pool: SourcePool,
) -> None:
    # numeric arrives as floats from psycopg's C loader; a column of whole numbers becomes ints
    # again, and one too large for a float to hold exactly is read again from its text.
    sql = (
        "SELECT * FROM (VALUES (CAST(10 AS NUMERIC), CAST(1.25 AS NUMERIC), "
        "CAST(9007199254740993 AS NUMERIC), CAST('NaN' AS NUMERIC), CAST(2.50 AS NUMERIC)), "
        "(NULL, NULL, CAST(-18446744073709551615 AS NUMERIC), 1.5, 3)) AS t(a, b, c, d, e)"
    )
    for for_orjson in (False, True):
        result = pool.execute(
            "postgresql", sql, None, timeout_s=10.0, row_cap=10, for_orjson=for_orjson
        )
        assert [list(row) for row in result.rows] == [
            [10, 1.25, 9007199254740993, None, 2.5],
            [None, None, -18446744073709551615.0, 1.5, 3.0],
        ], for_orjson
        ten, _, exact, _, mixed = result.rows[0]
        assert type(ten) is int and type(exact) is int and type(mixed) is float
        assert dict(result.columns) == dict.fromkeys("abcde", "number")
        json.dumps(result.as_dict(), allow_nan=False)


@pytest.mark.parametrize("kind", KINDS)
def test_rows_for_orjson_are_the_converted_rows(pool: SourcePool, kind: str) -> None:
    # The answer's rows (for_orjson: the driver's rows where nothing needs converting, the
    # columns whose type the driver tells not looked at, decimals a column at a time) must
    # encode to the bytes of the rows converted value by value, on every engine; MariaDB's
    # streamed rows included (they once came back as SQLAlchemy rows, which orjson refuses).
    sql = (
        "SELECT e.employee_id, e.full_name, o.opened_on, e.salary, e.rating, "
        "e.salary * 2 AS twice FROM employees e LEFT JOIN offices o "
        "ON o.office_id = e.office_id ORDER BY e.employee_id"
    )
    fast = pool.execute(kind, sql, timeout_s=10.0, row_cap=100, for_orjson=True)
    slow = pool.execute(kind, sql, timeout_s=10.0, row_cap=100)
    assert orjson.dumps(fast.rows) == orjson.dumps(slow.rows)
    assert json.loads(orjson.dumps(fast.rows))[0][:2] == [1, "Aiko Sato"]
    assert [row[3] for row in slow.rows] == [5200.5, 4100, 4800.25, 6100.75, None]
    assert fast.columns == slow.columns


def test_duckdb_nested_and_huge_values(pool: SourcePool) -> None:
    result = run(
        pool,
        "duckdb",
        "SELECT [1, 2] AS xs, {'k': DATE '2024-01-02'} AS s, "
        "CAST(170141183460469231731687303715884105727 AS HUGEINT) AS h",
    )
    assert result.rows == [[[1, 2], {"k": "2024-01-02"}, 1.7014118346046923e38]]
    json.dumps(result.as_dict(), allow_nan=False)


# -- row cap -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("cap", "rows", "truncated"), [(3, 3, True), (5, 5, False), (0, 0, True)])
def test_row_cap(pool: SourcePool, kind: str, cap: int, rows: int, truncated: bool) -> None:
    result = run(pool, kind, "SELECT employee_id FROM employees ORDER BY employee_id", row_cap=cap)
    assert result.rows == [[i] for i in range(1, rows + 1)]
    assert result.truncated is truncated


HUGE = {  # about 10^8 rows each; only the first few may ever leave the database
    "postgresql": "SELECT a.i * 100000 + b.i AS n FROM generate_series(1, 1000) a(i), "
    "generate_series(1, 100000) b(i)",
    "mysql": "SELECT a.seq * 100000 + b.seq AS n FROM seq_1_to_1000 a, seq_1_to_100000 b",
    "sqlite": "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c",
    "duckdb": "SELECT range AS n FROM range(100000000)",
}


def test_row_cap_does_not_fetch_the_whole_result(pool: SourcePool, kind: str) -> None:
    sql = HUGE[kind]
    if kind == "postgresql":
        # PostgreSQL runs on a client-side cursor (parallel plans stay possible), so the cap
        # must be in the SQL: the query layer adds it as a LIMIT, as here.
        import sqlglot

        from plotboard.query.prepare import cap_rows

        sql = cap_rows(sqlglot.parse_one(sql, read="postgres"), 10).sql("postgres")
    started = time.monotonic()
    result = run(pool, kind, sql, row_cap=10, timeout_s=20)
    assert len(result.rows) == 10 and result.truncated
    assert time.monotonic() - started < 1.5


# -- parameters ---------------------------------------------------------------------------------


def test_scalar_and_list_parameters(pool: SourcePool, kind: str) -> None:
    sql = "SELECT city FROM offices WHERE office_id = :id"
    assert run(pool, kind, sql, {"id": 2}).rows == [["Paris"]]
    sql = "SELECT city FROM offices WHERE city IN :cities ORDER BY city"
    assert run(pool, kind, sql, {"cities": ["Tokyo", "Berlin", "Lima"]}).rows == [
        ["Berlin"],
        ["Tokyo"],
    ]
    assert run(pool, kind, sql, {"cities": []}).rows == []  # fails closed: no rows
    sql = "SELECT count(*) AS n FROM offices WHERE office_id IN :ids"
    assert run(pool, kind, sql, {"ids": ()}).rows == [[0]]
    assert run(pool, kind, sql, {"ids": (1, 3)}).rows == [[2]]


def test_colons_and_percents_in_literals(pool: SourcePool, kind: str) -> None:
    sql = (
        "SELECT '10:30' AS t, 'see :note here' AS w, city FROM offices "
        "WHERE office_id = :id AND city LIKE 'T%'"
    )
    assert run(pool, kind, sql, {"id": 1}).rows == [["10:30", "see :note here", "Tokyo"]]
    assert run(pool, kind, "SELECT city FROM offices WHERE city LIKE 'B%'").rows == [["Berlin"]]
    like = run(pool, kind, "SELECT city FROM offices WHERE city LIKE :p", {"p": "P%"})
    assert like.rows == [["Paris"]]


@pytest.mark.parametrize("kind", ["postgresql", "duckdb"])
def test_double_colon_casts(pool: SourcePool, kind: str) -> None:
    sql = "SELECT office_id::text AS t FROM offices WHERE office_id = :id"
    assert run(pool, kind, sql, {"id": 3}).rows == [["3"]]


def test_trailing_semicolon_is_fine(pool: SourcePool, kind: str) -> None:
    assert run(pool, kind, "SELECT 1 AS one;\n").rows == [[1]]


def test_missing_parameter_and_bad_sql_are_query_errors(pool: SourcePool, kind: str) -> None:
    err = refused(pool, kind, "SELECT city FROM offices WHERE office_id = :id")
    assert err.code == "query_failed" and err.status == 400
    err = refused(pool, kind, "SELECT no_such_column FROM offices")
    assert err.code == "query_failed"
    assert "no_such_column" in err.message and "Traceback" not in err.message


def test_bad_arguments(pool: SourcePool) -> None:
    with pytest.raises(SourceError) as info:
        pool.execute("sqlite", "SELECT 1", timeout_s=0, row_cap=10)
    assert info.value.code == "invalid"
    with pytest.raises(SourceError) as info:
        pool.execute("sqlite", "SELECT 1", timeout_s=1, row_cap=-1)
    assert info.value.code == "invalid"


# -- time limit ---------------------------------------------------------------------------------

SLOW = {
    "postgresql": [
        "SELECT pg_sleep(30)",
        "SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b",
    ],
    "mysql": [
        "SELECT SLEEP(30)",
        "SELECT sum(a.seq * b.seq) FROM seq_1_to_100000 a, seq_1_to_100000 b",
    ],
    "sqlite": [
        "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT max(n) FROM c",
        # Few rows, each one costly function call (15 MB, just under the value cap): the
        # progress handler, counting VM steps, saw no deadline for 15 s.
        "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c LIMIT 150) "
        "SELECT sum(l) FROM (SELECT length(printf('%.*c', 15000000, 'x' || n)) AS l FROM c) t",
    ],
    "duckdb": ["SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b"],
}


@pytest.mark.parametrize(
    ("kind", "sql"), [(kind, sql) for kind, queries in SLOW.items() for sql in queries]
)
def test_timeout_stops_the_query(pool: SourcePool, kind: str, sql: str) -> None:
    started = time.monotonic()
    err = refused(pool, kind, sql, timeout_s=1.0)
    elapsed = time.monotonic() - started
    assert err.code == "timeout" and err.status == 504
    assert err.message.startswith("The query took longer than 1 s and was stopped.")
    assert 0.9 < elapsed < 2.2  # the limit plus scheduling slack on a busy 2-core machine
    # The source is still usable straight afterwards.
    assert run(pool, kind, "SELECT count(*) AS n FROM offices").rows == [[3]]


def test_sqlite_caps_the_size_of_one_value(pool: SourcePool) -> None:
    started = time.monotonic()
    nine_mb = "printf('%.*c', 9000000, 'x')"
    err = refused(pool, "sqlite", f"SELECT length({nine_mb} || {nine_mb}) AS n")
    assert time.monotonic() - started < 1.0
    assert err.code == "too_large" and err.status == 400
    assert err.message == (
        "The query builds a value larger than 16 MB, which this database does not allow here. "
        "Ask for shorter values."
    )


@pytest.mark.parametrize("kind", ["sqlite", "duckdb", "mysql", "postgresql"])
def test_an_answer_over_max_bytes_is_refused_while_fetching(pool: SourcePool, kind: str) -> None:
    wide = {"sqlite": "printf('%.*c', 100000, 'x')", "duckdb": "repeat('x', 100000)"}.get(
        kind, "repeat('x', 100000)"
    )
    sql = f"SELECT {wide} AS w FROM employees a, employees b"  # 25 rows of 100 kB
    with pytest.raises(SourceError) as info:
        pool.execute(kind, sql, timeout_s=10, row_cap=1000, max_bytes=1_000_000)
    assert info.value.code == "answer_too_large" and info.value.status == 400
    assert info.value.message.startswith("This answer is larger than 1 MB; add filters or a limit")
    small = pool.execute(kind, sql, timeout_s=10, row_cap=5, max_bytes=1_000_000)
    assert len(small.rows) == 5 and small.truncated


@pytest.mark.parametrize("kind", ["sqlite", "duckdb", "postgresql"])
def test_stopping_the_pool_interrupts_running_queries(sources: Sources, kind: str) -> None:
    own = SourcePool(resolver=lambda k: sources[k] if k in KINDS else None)
    outcome: list[BaseException | object] = []

    def slow() -> None:
        try:
            outcome.append(own.execute(kind, SLOW[kind][0], timeout_s=60, row_cap=10))
        except BaseException as err:  # handed to the test's thread
            outcome.append(err)

    worker = threading.Thread(target=slow)
    worker.start()
    time.sleep(1.0)  # well into the query
    assert worker.is_alive()
    started = time.monotonic()
    assert own.stop_queries() == 1
    worker.join(timeout=5)
    assert not worker.is_alive() and time.monotonic() - started < 2.0
    [err] = outcome
    assert isinstance(err, SourceError) and err.code == "shutting_down", err
    assert err.status == 503
    assert err.message == (
        "The server is restarting, so the query was stopped; try again in a moment."
    )
    with pytest.raises(SourceError) as again:  # and nothing new starts
        own.execute(kind, "SELECT 1 AS one", timeout_s=5, row_cap=1)
    assert again.value.code == "shutting_down"
    own.close()


# -- read-only ----------------------------------------------------------------------------------

WRITES = [
    "INSERT INTO offices VALUES (50, 'Lima', NULL, NULL)",
    "UPDATE offices SET city = 'Kyoto' WHERE office_id = 1",
    "DELETE FROM employees",
    "CREATE TABLE scratch (a INTEGER)",
    "DROP TABLE employees",
]


@pytest.mark.parametrize("sql", WRITES)
def test_writes_are_refused_by_the_database(pool: SourcePool, kind: str, sql: str) -> None:
    err = refused(pool, kind, sql)
    assert err.code == "read_only", err.message
    assert err.status == 403
    assert "queries here can only read" in err.message
    # Nothing changed.
    assert run(pool, kind, "SELECT count(*) AS n FROM employees").rows == [[5]]
    assert run(pool, kind, "SELECT city FROM offices WHERE office_id = 1").rows == [["Tokyo"]]


def test_postgres_read_only_transaction_blocks_hidden_writes(pool: SourcePool) -> None:
    # Valid SELECTs that would write: the read-only transaction is what stops them.
    err = refused(pool, "postgresql", "SELECT nextval('invoice_numbers')")
    assert err.code == "read_only" and "read-only transaction" in err.message
    err = refused(pool, "postgresql", "SELECT sneaky_write()")
    assert err.code == "read_only" and "read-only transaction" in err.message
    assert run(pool, "postgresql", "SELECT count(*) AS n FROM offices").rows == [[3]]


@pytest.mark.parametrize("kind", ["postgresql", "mysql", "sqlite"])
def test_multiple_statements_are_refused(pool: SourcePool, kind: str) -> None:
    err = refused(pool, kind, "SELECT 1 AS one; DELETE FROM employees")
    assert err.code in ("query_failed", "read_only")
    assert run(pool, kind, "SELECT count(*) AS n FROM employees").rows == [[5]]


def test_sqlite_cannot_be_switched_back_to_writable(pool: SourcePool, sqlite_path: Path) -> None:
    err = refused(pool, "sqlite", "PRAGMA query_only = OFF")
    assert err.code == "not_a_query"
    assert refused(pool, "sqlite", WRITES[0]).code == "read_only"
    assert sqlite_rows(sqlite_path, "SELECT count(*) FROM offices") == [(3,)]


def test_sqlite_cannot_attach_other_files(pool: SourcePool, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    err = refused(pool, "sqlite", f"ATTACH DATABASE '{other}' AS other")
    assert err.code in ("query_failed", "not_a_query")
    assert not other.exists()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/hostname')",
        "ATTACH '/tmp/plotboard-other.duckdb' AS other",
        "SET enable_external_access = true",
        "INSTALL httpfs",
    ],
)
def test_duckdb_is_sealed_off_from_files_and_network(pool: SourcePool, sql: str) -> None:
    err = refused(pool, "duckdb", sql)
    assert err.code in ("query_failed", "read_only")
    assert not Path("/tmp/plotboard-other.duckdb").exists()


# -- a large answer a chunk at a time (sink) ----------------------------------------------------

SERIES = {  # 12,345 rows: a number, a text, a decimal with fractions in every chunk
    "postgresql": "SELECT i AS n, 'x' || i AS s, CAST(i AS NUMERIC(12, 2)) / 4 AS d "
    "FROM generate_series(1, 12345) AS g(i) ORDER BY i",
    "mysql": "SELECT seq AS n, CONCAT('x', seq) AS s, CAST(seq AS DECIMAL(12, 2)) / 4 AS d "
    "FROM seq_1_to_12345 ORDER BY seq",
    "sqlite": "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 12345) "
    "SELECT i AS n, 'x' || i AS s, i / 4.0 AS d FROM c",
    "duckdb": "SELECT i AS n, 'x' || i AS s, CAST(i AS DECIMAL(12, 2)) / 4 AS d "
    "FROM range(1, 12346) AS t(i) ORDER BY i",
}


@pytest.mark.parametrize(("cap", "count", "truncated"), [
    (20_000, 12_345, False), (12_345, 12_345, False), (10_000, 10_000, True),
    (CHUNK_ROWS, CHUNK_ROWS, True), (7, 7, True),
])  # fmt: skip
def test_a_sink_gets_the_rows_a_chunk_at_a_time(
    pool: SourcePool, kind: str, cap: int, count: int, truncated: bool
) -> None:
    # The embed answer's path: the rows go to the sink converted, CHUNK_ROWS at most at a
    # time (never all at once as Python values), and they are the rows (the same JSON, the
    # same columns) that the answer had when read whole; the row cap holds exactly.
    chunks: list[list[Any]] = []
    kinds: list[list[Any]] = []

    def sink(rows: Sequence[Sequence[Any]], columns: list[Any]) -> None:
        chunks.append(list(rows))
        kinds.append(columns)

    streamed = pool.execute(
        kind, SERIES[kind], timeout_s=30.0, row_cap=cap, for_orjson=True, sink=sink,
        max_bytes=50_000_000,
    )  # fmt: skip
    whole = pool.execute(
        kind, SERIES[kind], timeout_s=30.0, row_cap=cap, for_orjson=True, max_bytes=50_000_000
    )
    assert streamed.rows == []
    assert [len(c) for c in chunks] == [
        min(CHUNK_ROWS, count - at) for at in range(0, count, CHUNK_ROWS)
    ]
    assert (streamed.row_count, streamed.truncated) == (count, truncated)
    assert (whole.row_count, whole.truncated) == (count, truncated)
    assert orjson.dumps([row for chunk in chunks for row in chunk]) == orjson.dumps(whole.rows)
    assert streamed.columns == whole.columns == kinds[0]
    assert list(chunks[-1][-1][:2]) == [count, f"x{count}"]


def test_a_large_answer_holds_its_turn_before_its_first_chunk() -> None:
    # The turn is taken before a batch is fetched, once the answer has LARGE_ANSWER_ROWS: one
    # more batch must not fill a chunk, or the first chunk would be built outside the turns.
    assert LARGE_ANSWER_ROWS + _MAX_BATCH <= CHUNK_ROWS


def test_large_postgresql_answers_take_turns_at_building_rows(pool: SourcePool) -> None:
    # A driver that holds the whole result (PostgreSQL's client-side cursor): two large
    # answers at once fetch, convert and hand over their chunks in turns, one chunk at a time
    # and in the order they asked (never both at once: six at once left the small-object
    # arenas megabytes larger), and each gets its own rows, whole.
    active: list[str] = []
    overlaps: list[tuple[str, ...]] = []
    order: list[str] = []
    got: dict[str, list[Any]] = {"a": [], "b": []}

    def sink_of(name: str) -> Any:
        def sink(rows: Sequence[Sequence[Any]], columns: list[Any]) -> None:
            active.append(name)
            order.append(name)
            time.sleep(0.05)  # lets the other thread run: it must be waiting for its turn
            if len(active) > 1:
                overlaps.append(tuple(active))
            got[name].extend(rows)
            active.remove(name)

        return sink

    def answer(name: str) -> None:
        pool.execute(
            "postgresql", SERIES["postgresql"], timeout_s=30.0, row_cap=20_000,
            for_orjson=True, sink=sink_of(name), max_bytes=50_000_000,
        )  # fmt: skip

    run(pool, "postgresql", "SELECT 1 AS one")  # the database set up, before the threads
    threads = [threading.Thread(target=answer, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    assert overlaps == []
    chunks = -(-12_345 // CHUNK_ROWS)
    assert sorted(order) == ["a"] * chunks + ["b"] * chunks
    # In turns: once both are large, a chunk of one, then one of the other (ABABAB).
    switches = sum(x != y for x, y in itertools.pairwise(order))
    assert switches >= 3, order
    for rows in got.values():
        assert [row[0] for row in rows] == list(range(1, 12_346))


def test_turns_go_in_the_order_asked() -> None:
    # The thread that lets go and asks again at once waits behind the one already waiting
    # (a plain lock is usually taken back at once by the thread that released it).
    from plotboard.sources.execute import _Turns

    turns = _Turns()
    order: list[str] = []
    turns.acquire()

    def other() -> None:
        turns.acquire()
        order.append("waiting")
        turns.release()

    thread = threading.Thread(target=other)
    thread.start()
    deadline = time.monotonic() + 10
    while not turns._waiting and time.monotonic() < deadline:
        time.sleep(0.001)
    turns.release()
    turns.acquire()
    order.append("released and asked again")
    turns.release()
    thread.join(10)
    assert order == ["waiting", "released and asked again"]
    assert not turns._held and not turns._waiting


def test_a_refused_large_answer_gives_up_its_turn(pool: SourcePool) -> None:
    # A sink that refuses (the byte cap) ends the answer's turn: the next large answer runs.
    def refuse(rows: Sequence[Sequence[Any]], columns: list[Any]) -> None:
        raise SourceError(code="answer_too_large", message="too large")

    run(pool, "postgresql", "SELECT 1 AS one")  # the database set up, before the threads
    for _ in range(2):
        with pytest.raises(SourceError):
            pool.execute(
                "postgresql", SERIES["postgresql"], timeout_s=30.0, row_cap=20_000, sink=refuse
            )
    done: list[int] = []
    thread = threading.Thread(
        target=lambda: done.append(
            pool.execute(
                "postgresql", SERIES["postgresql"], timeout_s=30.0, row_cap=20_000,
                sink=lambda rows, columns: None,
            ).row_count
        )
    )  # fmt: skip
    thread.start()
    thread.join(30)
    assert done == [12_345]


def test_a_sink_learns_the_columns_of_an_empty_answer(pool: SourcePool, kind: str) -> None:
    calls: list[tuple[list[Any], list[Any]]] = []
    result = pool.execute(
        kind, "SELECT employee_id, full_name FROM employees WHERE employee_id < 0",
        timeout_s=10.0, row_cap=100, sink=lambda rows, cols: calls.append((list(rows), cols)),
    )  # fmt: skip
    assert calls == [([], result.columns)]
    assert [name for name, _ in result.columns] == ["employee_id", "full_name"]
    assert (result.row_count, result.truncated) == (0, False)


def test_sqlite_column_types_span_every_chunk(pool: SourcePool) -> None:
    # SQLite has no types in its answers: a column is typed from its values, all of them,
    # also when the integers are in one chunk and a fraction in the next.
    sql = (
        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 6000) "
        "SELECT CASE WHEN i > 5500 THEN i / 2.0 ELSE i END AS v, "
        "CASE WHEN i > 5500 THEN 'text' ELSE i END AS w FROM c"
    )
    streamed = pool.execute(
        "sqlite", sql, timeout_s=10.0, row_cap=10_000, sink=lambda rows, columns: None
    )
    whole = pool.execute("sqlite", sql, timeout_s=10.0, row_cap=10_000)
    assert streamed.columns == whole.columns == [("v", "number"), ("w", "other")]


def test_a_sink_that_refuses_stops_the_reading(pool: SourcePool, kind: str) -> None:
    # The answer's encoder counts its exact bytes as chunks come and refuses past the cap:
    # the query stops there, with that refusal.
    seen: list[int] = []

    def sink(rows: Sequence[Sequence[Any]], columns: list[Any]) -> None:
        seen.append(len(rows))
        raise SourceError(code="answer_too_large", message="too large")

    with pytest.raises(SourceError) as info:
        pool.execute(kind, SERIES[kind], timeout_s=30.0, row_cap=20_000, sink=sink)
    assert info.value.code == "answer_too_large" and seen == [CHUNK_ROWS]
    # The connection it used is fine for the next query.
    assert run(pool, kind, "SELECT 1 AS one").rows == [[1]]
