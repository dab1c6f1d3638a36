"""A data source that is down: the end user is told so in plain words, with no host, port,
database or file name; the admin's API keeps the detailed verdict."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.store.models import DataSource
from tests.api.conftest import Org
from tests.live_server import free_port
from tests.services import temporary_postgres_database

END_USER = "The data cannot be reached right now."
SPEC = {"table": "sales", "measures": [{"agg": "count"}]}


@pytest.fixture
def sales_db() -> Iterator[str]:
    with temporary_postgres_database() as url:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE sales (id int PRIMARY KEY, amount numeric)"))
            conn.execute(sa.text("INSERT INTO sales VALUES (1, 10), (2, 20)"))
        engine.dispose()
        yield url


def _add_source(org: Org, connection: dict[str, Any]) -> str:
    r = org.admin("POST", "/sources", json={"name": "Sales", "connection": connection})
    assert r.status_code == 201, r.text
    source_id: str = r.json()["id"]
    return source_id


def _move(org: Org, source_id: str, **changes: Any) -> None:
    """Change the stored connection behind plotboard's back, as when a server moves."""
    with org.runtime.store.session() as session:
        row = session.get(DataSource, source_id)
        assert row is not None
        row.connection = {**row.connection, **changes}
    org.runtime.pool.remove(source_id)
    org.runtime.forget_source(source_id)


def _assert_plain(answer: Any, *internals: str) -> None:
    assert answer.status_code == 503, answer.text
    body = answer.json()
    assert body["code"] == "unavailable"
    assert body["detail"].startswith(END_USER)
    for word in internals:
        assert word not in answer.text


def test_a_database_that_is_down_is_named_only_to_the_admin(org: Org, sales_db: str) -> None:
    url = sa.make_url(sales_db)
    source = _add_source(
        org,
        {
            "kind": "postgresql",
            "host": url.host,
            "port": url.port,
            "user": url.username,
            "database": url.database,
        },
    )
    token = org.token(permissions={"sql": True})
    ok = org.embed(token, "POST", "/query", json={"query": SPEC})
    assert ok.status_code == 200 and ok.json()["rows"] == [[2]]

    port = free_port()  # nothing listens there
    _move(org, source, port=port)
    for body in ({"query": SPEC}, {"sql": "SELECT count(*) FROM sales"}):
        answer = org.embed(token, "POST", "/query", json={**body, "refresh": True})
        _assert_plain(answer, "127.0.0.1", str(port), str(url.database), "accepting")

    # The admin is told where and what.
    verdict = org.admin("POST", f"/sources/{source}/test").json()
    assert not verdict["ok"] and f"127.0.0.1:{port}" in verdict["message"]
    refresh = org.admin("POST", f"/sources/{source}/refresh")
    assert refresh.status_code == 422 and f"127.0.0.1:{port}" in refresh.json()["detail"]


def test_a_database_file_that_is_gone_is_not_named_to_the_end_user(
    org: Org, tmp_path: Path
) -> None:
    copy = tmp_path / "secret-location" / "company.sqlite"
    copy.parent.mkdir()
    with sqlite3.connect(copy) as conn:
        conn.execute("CREATE TABLE sales (id integer PRIMARY KEY, amount real)")
        conn.execute("INSERT INTO sales VALUES (1, 10), (2, 20)")
    conn.close()
    source = _add_source(org, {"kind": "sqlite", "path": str(copy)})
    token = org.token()
    assert org.embed(token, "POST", "/query", json={"query": SPEC}).status_code == 200
    shutil.rmtree(copy.parent)
    org.runtime.pool.remove(source)
    answer = org.embed(token, "POST", "/query", json={"query": SPEC, "refresh": True})
    _assert_plain(answer, "secret-location", "company.sqlite")
    verdict = org.admin("POST", f"/sources/{source}/test").json()
    assert not verdict["ok"] and str(copy) in verdict["message"]
