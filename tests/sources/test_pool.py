"""SourcePool: one engine per source, thread safety, and sources that are down."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from plotboard.sources import PoolSettings, SourceConnection, SourceError, SourcePool
from tests.sources.conftest import Sources

CITIES = {1: "Tokyo", 2: "Paris", 3: "Berlin"}


def replace(conn: SourceConnection, **changes: object) -> SourceConnection:
    return SourceConnection(**{**conn.model_dump(), "password": conn.password_value(), **changes})


def test_engines_are_created_lazily_and_reused(sources: Sources) -> None:
    pool = SourcePool()
    pool.register("s", sources["sqlite"])
    assert "s" in pool and pool.ids() == ("s",)
    engine = pool.engine("s")
    assert pool.engine("s") is engine
    pool.register("s", replace(sources["sqlite"]))  # same settings: same pool
    assert pool.engine("s") is engine
    pool.register("s", sources["duckdb"])  # new settings: a new engine
    assert pool.engine("s") is not engine
    assert pool.dialect("s") == "duckdb"
    pool.remove("s")
    with pytest.raises(SourceError) as info:
        pool.execute("s", "SELECT 1", timeout_s=1, row_cap=1)
    assert info.value.code == "unknown_source" and info.value.status == 404
    pool.remove("s")  # removing twice is fine
    pool.close()


def test_pool_settings_suit_a_small_app_server(pool: SourcePool) -> None:
    engine = pool.engine("postgresql")
    assert engine.pool.size() == 5  # type: ignore[attr-defined]
    assert engine.pool._max_overflow == 5  # type: ignore[attr-defined]
    assert engine.pool._pre_ping is False  # a dead connection is retried instead
    assert engine.pool._recycle == 1800


def test_dialect_names(pool: SourcePool) -> None:
    names = {k: pool.dialect(k) for k in ("postgresql", "mysql", "sqlite", "duckdb")}
    assert names == {
        "postgresql": "postgres",
        "mysql": "mysql",
        "sqlite": "sqlite",
        "duckdb": "duckdb",
    }


def test_many_threads_at_once(pool: SourcePool) -> None:
    kinds = ["postgresql", "mysql", "sqlite", "duckdb"]
    for kind in kinds:
        pool.engine(kind)  # set up here, not in a worker thread (a missing server skips)
    jobs = [(random.choice(kinds), random.choice(list(CITIES))) for _ in range(160)]

    def one(job: tuple[str, int]) -> tuple[str, int, str]:
        kind, office = job
        result = pool.execute(
            kind,
            "SELECT city FROM offices WHERE office_id = :id",
            {"id": office},
            timeout_s=10,
            row_cap=10,
        )
        return kind, office, result.rows[0][0]

    with ThreadPoolExecutor(max_workers=16) as executor:
        results = list(executor.map(one, jobs))
    assert all(city == CITIES[office] for _, office, city in results)
    assert len(results) == len(jobs)


def test_a_slow_query_does_not_hold_up_the_others(pool: SourcePool) -> None:
    for kind in ("postgresql", "mysql", "sqlite", "duckdb"):
        pool.engine(kind)  # set up here, not in a worker thread (a missing server skips)
    outcome: dict[str, object] = {}

    def slow() -> None:
        try:
            pool.execute("postgresql", "SELECT pg_sleep(30)", timeout_s=2, row_cap=1)
        except SourceError as err:
            outcome["code"] = err.code

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.1)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as executor:
        counts = list(
            executor.map(
                lambda kind: (
                    pool.execute(
                        kind, "SELECT count(*) FROM employees", timeout_s=5, row_cap=1
                    ).rows
                ),
                ["postgresql", "mysql", "sqlite", "duckdb"] * 10,
            )
        )
    assert time.monotonic() - started < 1.5  # well before the slow query's 2 s limit
    assert all(rows == [[5]] for rows in counts)
    thread.join()
    assert outcome["code"] == "timeout"


def test_a_refused_source_fails_fast_and_others_keep_working(
    sources: Sources, closed_port: int
) -> None:
    pool = SourcePool(down_cooldown_s=30)
    down = replace(sources["postgresql"], port=closed_port)
    pool.register("down", down)
    pool.register("up", sources["sqlite"])
    started = time.monotonic()
    with pytest.raises(SourceError) as info:
        pool.execute("down", "SELECT 1", timeout_s=5, row_cap=1)
    assert time.monotonic() - started < 1.0
    err = info.value
    assert err.code == "unavailable" and err.status == 503
    assert err.message.startswith(f"Nothing is accepting connections at 127.0.0.1:{closed_port}.")
    assert pool.execute("up", "SELECT 1 AS one", timeout_s=5, row_cap=1).rows == [[1]]
    # While it is known to be down, callers are told at once instead of waiting again.
    started = time.monotonic()
    with pytest.raises(SourceError) as again:
        pool.execute("down", "SELECT 1", timeout_s=5, row_cap=1)
    assert again.value.code == "unavailable" and time.monotonic() - started < 0.05
    # Fixing the settings clears the verdict.
    pool.register("down", sources["postgresql"])
    assert pool.execute("down", "SELECT 1 AS one", timeout_s=5, row_cap=1).rows == [[1]]
    pool.close()


def test_a_hanging_source_times_out_while_others_answer(sources: Sources, silent_port: int) -> None:
    pool = SourcePool(PoolSettings(connect_timeout_s=2))
    pool.register("hang", replace(sources["mysql"], host="127.0.0.1", port=silent_port))
    for kind, conn in sources.items():
        pool.register(kind, conn)
    errors: list[SourceError] = []
    elapsed: list[float] = []

    def hang() -> None:
        started = time.monotonic()
        try:
            pool.execute("hang", "SELECT 1", timeout_s=5, row_cap=1)
        except SourceError as err:
            errors.append(err)
        elapsed.append(time.monotonic() - started)

    thread = threading.Thread(target=hang)
    thread.start()
    started = time.monotonic()
    for kind in sources:
        assert pool.execute(kind, "SELECT count(*) FROM offices", timeout_s=5, row_cap=1).rows == [
            [3]
        ]
    assert time.monotonic() - started < 1.5
    assert thread.is_alive()  # the hanging connect is still waiting meanwhile
    thread.join()
    assert errors and errors[0].code == "unavailable"
    assert "did not answer" in errors[0].message
    assert 1.9 < elapsed[0] < 3.5
    pool.close()


def test_driver_not_installed_is_unavailable_with_a_clear_message() -> None:
    pool = SourcePool()
    pool.register(
        "mssql", SourceConnection(kind="url", url="mssql+pyodbc://sa:Zebra-Secret-9@127.0.0.1/db")
    )
    with pytest.raises(SourceError) as info:
        pool.execute("mssql", "SELECT 1", timeout_s=1, row_cap=1)
    assert info.value.code == "unavailable"
    assert "not installed" in info.value.message and "Zebra-Secret-9" not in info.value.message
    pool.close()


def test_url_kind_sqlite_is_read_only_too(sources: Sources) -> None:
    pool = SourcePool()
    pool.register("u", SourceConnection(kind="url", url=f"sqlite:///{sources['sqlite'].path}"))
    assert pool.execute("u", "SELECT count(*) FROM offices", timeout_s=5, row_cap=1).rows == [[3]]
    with pytest.raises(SourceError) as info:
        pool.execute("u", "DELETE FROM offices", timeout_s=5, row_cap=1)
    assert info.value.code == "read_only"
    pool.close()


def test_busy_when_every_connection_is_taken(sources: Sources) -> None:
    pool = SourcePool(PoolSettings(pool_size=1, max_overflow=0, pool_timeout_s=0.2))
    pool.register("pg", sources["postgresql"])
    holder = threading.Thread(
        target=pool.execute,
        args=("pg", "SELECT pg_sleep(0.8)"),
        kwargs={"timeout_s": 5, "row_cap": 1},
    )
    holder.start()
    time.sleep(0.2)
    with pytest.raises(SourceError) as info:
        pool.execute("pg", "SELECT 1", timeout_s=5, row_cap=1)
    assert info.value.code == "busy" and info.value.status == 503
    holder.join()
    assert pool.execute("pg", "SELECT 1 AS one", timeout_s=5, row_cap=1).rows == [[1]]
    pool.close()
