"""Fixtures for the Analyze tests: the demo database on SQLite, PostgreSQL and MariaDB, and an
in-process app over a SQLite metadata store with an organization and its admin key."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlglot import exp

from plotboard.analyze.profile import ProfileSettings, TableProfile, profile_table
from plotboard.app import create_app
from plotboard.auth.api_keys import create_api_key
from plotboard.config import Settings
from plotboard.demo.data import generate_demo_database
from plotboard.orgs import create_organization
from plotboard.query.render import render
from plotboard.runtime import Runtime
from plotboard.sources import SourcePool
from plotboard.sources.dialects import SourceConnection
from tests.analyze.databases import copy_demo, copy_demo_clickhouse
from tests.open_sources import open_if_created
from tests.services import (
    chdb_options,
    chdb_url,
    temporary_clickhouse_database,
    temporary_mariadb_database,
    temporary_postgres_database,
)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("analyze-demo") / "demo.db"
    generate_demo_database(path)
    return path


@pytest.fixture(scope="session")
def demo_postgres(demo_db: Path) -> Iterator[str]:
    with temporary_postgres_database() as url:
        copy_demo(demo_db, url)
        yield url


@pytest.fixture(scope="session")
def demo_mariadb(demo_db: Path) -> Iterator[str]:
    with temporary_mariadb_database() as url:
        copy_demo(demo_db, url)
        yield url


@pytest.fixture(scope="session")
def demo_clickhouse(demo_db: Path) -> Iterator[SourceConnection]:
    with temporary_clickhouse_database() as name:
        copy_demo_clickhouse(demo_db, name)
        yield SourceConnection(
            kind="clickhouse", host="localhost", user="default", database=name,
            options=chdb_options(),
        )  # fmt: skip


@dataclass(frozen=True)
class DemoSource:
    """The demo data on one database: how to reach it, and its SQLAlchemy URL."""

    name: str
    connection: SourceConnection
    url: str


@pytest.fixture(
    scope="session",
    params=[
        "sqlite",
        "postgres",
        "mariadb",
        pytest.param("clickhouse", marks=pytest.mark.clickhouse),
    ],
)
def demo_source(request: pytest.FixtureRequest, demo_db: Path) -> DemoSource:
    if request.param == "sqlite":
        return DemoSource(
            "sqlite", SourceConnection(kind="sqlite", path=str(demo_db)), f"sqlite:///{demo_db}"
        )
    if request.param == "clickhouse":
        conn: SourceConnection = request.getfixturevalue("demo_clickhouse")
        return DemoSource("clickhouse", conn, chdb_url(str(conn.database)))
    url: str = request.getfixturevalue(f"demo_{request.param}")
    return DemoSource(request.param, SourceConnection(kind="url", url=url), url)


# -- the app ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    data = tmp_path_factory.mktemp("analyze-store")
    rt = Runtime(
        Settings(
            database_url=f"sqlite:///{data / 'plotboard.db'}",
            secret_key="analyze-" + secrets.token_urlsafe(40),
            data_dir=data,
            # The app's own worker thread runs the jobs (jobs_in_web, the default); a failed
            # attempt is retried once, soon.
            job_max_attempts=2,
            job_retry_seconds=0.1,
            job_poll_seconds=0.1,
        )
    )
    yield rt
    rt.close()


@pytest.fixture(scope="session")
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=runtime), base_url="http://plotboard.test") as c:
        yield c


@dataclass
class Admin:
    """An organization's admin, calling the admin API with an admin-scoped key."""

    org_id: str
    key: str
    client: TestClient
    runtime: Runtime

    def call(self, method: str, path: str, expect: int | None = None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.key}"}
        response = self.client.request(method, f"/api/v1/admin{path}", headers=headers, **kwargs)
        open_if_created(
            method,
            path,
            kwargs.get("json"),
            response,
            lambda p, body: self.client.request(
                "PATCH", f"/api/v1/admin{p}", headers=headers, json=body
            ),
        )
        if expect is not None:
            assert response.status_code == expect, response.text
        return response

    def add_source(self, connection: SourceConnection | dict[str, Any]) -> str:
        body = connection if isinstance(connection, dict) else connection.model_dump(mode="json")
        if isinstance(connection, SourceConnection) and connection.password is not None:
            body["password"] = connection.password_value()
        created = self.call(
            "POST", "/sources", 201, json={"name": uuid.uuid4().hex[:8], "connection": body}
        )
        source_id: str = created.json()["id"]
        return source_id


@pytest.fixture
def admin(runtime: Runtime, client: TestClient) -> Admin:
    with runtime.store.session() as session:
        org = create_organization(session, runtime.secret_key, f"Org {uuid.uuid4().hex[:6]}")
        _, key = create_api_key(session, org.id, "ops", ["admin"], "test")
    return Admin(org.id, key, client, runtime)


# -- profiling without the app ----------------------------------------------------------------


@pytest.fixture(scope="session")
def pool() -> Iterator[SourcePool]:
    p = SourcePool()
    yield p
    p.close()


def profile_on(
    pool: SourcePool, source: DemoSource, table: str, settings: ProfileSettings | None = None
) -> TableProfile:
    """Profile one demo table on `source` through the read-only pool, as a job does."""
    pool.register(source.name, source.connection)
    found = next(t for t in pool.introspect(source.name) if t.name == table)
    dialect = pool.dialect(source.name)

    def run(query: exp.Select, row_cap: int) -> list[list[Any]]:
        sql = render(query, dialect)
        return pool.execute(source.name, sql, {}, timeout_s=60, row_cap=row_cap).rows

    return profile_table(found, dialect, run, settings)
