"""Connection pools: sized per server (settings) and per data source (its settings), and a
full pool answers 503 `busy` in plain words after `pool_timeout_seconds`, never a stack
trace. On a real PostgreSQL store and data source."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from plotboard.app import create_app
from plotboard.config import Settings
from plotboard.runtime import Runtime
from plotboard.store.db import migrate
from tests.api.conftest import TEST_SECRET, Org, make_org
from tests.services import temporary_postgres_database

SPEC = {"table": "sales", "measures": [{"agg": "count"}]}


@pytest.fixture(scope="module")
def sales_url() -> Iterator[str]:
    with temporary_postgres_database() as url:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE sales (id int PRIMARY KEY, amount numeric)"))
            conn.execute(sa.text("INSERT INTO sales VALUES (1, 10), (2, 20)"))
        engine.dispose()
        yield url


def _connection(url: str) -> dict[str, object]:
    u = sa.make_url(url)
    return {"kind": "postgresql", "host": u.host, "port": u.port or 5432,
            "database": u.database, "user": u.username}  # fmt: skip


@pytest.fixture
def small(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    """A server with small pools (store 2, each source 1), waiting half a second for one."""
    settings = Settings(
        database_url=postgres_url,
        secret_key=TEST_SECRET,
        data_dir=tmp_path_factory.mktemp("data"),
        store_pool_size=2,
        store_max_overflow=0,
        source_pool_size=1,
        source_max_overflow=0,
        pool_timeout_seconds=0.5,
    )
    migrate(postgres_url)
    rt = Runtime(settings, run_migrations=False)
    yield rt
    rt.close()


@pytest.fixture
def small_org(small: Runtime) -> Org:
    return make_org(small, TestClient(create_app(runtime=small), base_url="http://plotboard.test"))


def _source(org: Org, url: str, **settings: int) -> str:
    body = {"name": "Sales", "connection": _connection(url), "settings": settings}
    r = org.admin("POST", "/sources", json=body)
    assert r.status_code == 201, r.text
    source_id: str = r.json()["id"]
    return source_id


def test_the_server_settings_size_the_pools(small: Runtime, small_org: Org, sales_url: str) -> None:
    store_pool = small.store.engine.pool
    assert isinstance(store_pool, sa.pool.QueuePool)
    assert (store_pool.size(), store_pool._max_overflow) == (2, 0)
    source_id = _source(small_org, sales_url)
    engine = small.pool.engine(source_id)
    assert isinstance(engine.pool, sa.pool.QueuePool)
    assert (engine.pool.size(), engine.pool._max_overflow) == (1, 0)


def test_a_source_can_have_its_own_pool(small: Runtime, small_org: Org, sales_url: str) -> None:
    source_id = _source(small_org, sales_url, pool_size=3, max_overflow=2)
    shown = small_org.admin("GET", f"/sources/{source_id}").json()["settings"]
    assert (shown["pool_size"], shown["max_overflow"]) == (3, 2)
    pool = small.pool.engine(source_id).pool
    assert isinstance(pool, sa.pool.QueuePool)
    assert (pool.size(), pool._max_overflow) == (3, 2)
    # A change reopens the pool with the new size.
    r = small_org.admin("PATCH", f"/sources/{source_id}", json={"settings": {"pool_size": 4}})
    assert r.status_code == 200, r.text
    pool = small.pool.engine(source_id).pool
    assert isinstance(pool, sa.pool.QueuePool)
    assert (pool.size(), pool._max_overflow) == (4, 2)


@pytest.mark.parametrize("bad", [{"pool_size": 0}, {"max_overflow": -1}, {"pool_size": "many"}])
def test_a_bad_pool_setting_is_refused(
    small_org: Org, sales_url: str, bad: dict[str, object]
) -> None:
    body = {"name": "Sales", "connection": _connection(sales_url), "settings": bad}
    r = small_org.admin("POST", "/sources", json=body)
    assert r.status_code == 422
    assert f"settings.{next(iter(bad))}" in r.text


def test_a_full_source_pool_answers_503_busy(
    small: Runtime, small_org: Org, sales_url: str
) -> None:
    source_id = _source(small_org, sales_url)
    token = small_org.token("alice")
    ask = {"source": source_id, "query": SPEC, "refresh": True}
    assert small_org.embed(token, "POST", "/query", json=ask).status_code == 200
    held = small.pool.engine(source_id).connect()  # the pool's only connection, busy
    try:
        started = time.monotonic()
        r = small_org.embed(token, "POST", "/query", json=ask)
        waited = time.monotonic() - started
    finally:
        held.close()
    assert r.status_code == 503, r.text
    assert r.json()["code"] == "busy"
    assert "in use" in r.json()["detail"] and "Traceback" not in r.text
    assert 0.5 <= waited < 10
    assert small_org.embed(token, "POST", "/query", json=ask).status_code == 200  # freed


def test_a_full_store_pool_answers_503_busy(small: Runtime, small_org: Org) -> None:
    held = [small.store.engine.connect() for _ in range(2)]  # the store pool's all, busy
    try:
        r = small_org.admin("GET", "/limits")
    finally:
        for conn in held:
            conn.close()
    assert r.status_code == 503, r.text
    assert r.json()["code"] == "busy"
    assert r.json()["detail"].startswith("The server is busy")
    assert r.headers["Retry-After"] == "1"
    assert small_org.admin("GET", "/limits").status_code == 200  # freed
