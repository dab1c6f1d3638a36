"""Servers re-read what they cache from the store only when it changed (plotboard.store.changes).

On the test stores (SQLite and PostgreSQL): every kind of admin write moves the store's
generation on, minting and key use do not; a change through a server is seen by its next
request however long its check interval; another server sees it after its interval; and with
no change a request reads nothing but, once per interval, the generation row.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from plotboard.app import create_app
from plotboard.config import Settings
from plotboard.demo.data import generate_demo_database
from plotboard.runtime import Runtime
from plotboard.store.changes import Generation
from plotboard.store.models import ApiKey
from tests.api.conftest import TEST_SECRET, Org, make_org

APP = "https://app.example.com"
SPEC = {
    "table": "employees",
    "measures": [{"agg": "count"}],
    "dimensions": [{"column": "location"}],
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("changes") / "demo.sqlite"
    generate_demo_database(path)
    return path


def stored_generation(runtime: Runtime) -> int:
    with runtime.store.engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT generation FROM store_changes")).scalar_one())


def connect_demo(org: Org, db: Path) -> str:
    r = org.admin(
        "POST", "/sources", json={"name": "Demo", "connection": {"kind": "sqlite", "path": str(db)}}
    )
    assert r.status_code == 201, r.text
    source_id: str = r.json()["id"]
    return source_id


def test_each_kind_of_admin_write_moves_the_generation_on(org: Org, demo_db: Path) -> None:
    source = connect_demo(org, demo_db)
    writes: list[tuple[str, str, dict[str, Any] | None, int]] = [
        ("POST", "/api-keys", {"name": "CI", "scopes": ["tokens"]}, 201),
        ("POST", "/origins", {"origin": APP}, 201),
        ("PATCH", f"/sources/{source}", {"settings": {"row_cap": 500}}, 200),
        ("PATCH", f"/sources/{source}/tables/offices", {"hidden": True}, 200),
        (
            "PUT",
            f"/sources/{source}/rules/employees",
            {"conditions": [{"column": "location", "op": "eq", "attribute": "region"}]},
            200,
        ),
        ("DELETE", f"/sources/{source}/rules/employees", None, 204),
        ("PATCH", "/limits", {"query_per_user_per_minute": 100}, 200),
        ("PUT", "/organization", {"time_zone": "Europe/Paris"}, 200),
        ("POST", "/token-attributes", {"name": "department", "type": "string"}, 201),
        ("PATCH", "/token-attributes/department", {"required": True}, 200),
        ("PUT", "/ai-settings", {"engine": "builtin"}, 200),
    ]
    for method, path, body, status in writes:
        before = stored_generation(org.runtime)
        r = org.admin(method, path, json=body) if body is not None else org.admin(method, path)
        assert r.status_code == status, (method, path, r.text)
        assert stored_generation(org.runtime) > before, (method, path)
    key_id = org.admin("GET", "/api-keys").json()["api_keys"][0]["id"]
    origin_id = org.admin("GET", "/origins").json()["origins"][0]["id"]
    for method, path in (
        ("POST", f"/api-keys/{key_id}/revoke"),
        ("DELETE", f"/origins/{origin_id}"),
        ("DELETE", "/token-attributes/department"),
        ("DELETE", f"/sources/{source}"),
    ):
        before = stored_generation(org.runtime)
        assert org.admin(method, path).status_code in (200, 204), (method, path)
        assert stored_generation(org.runtime) > before, (method, path)


def test_minting_and_using_a_key_leave_the_generation_alone(org: Org) -> None:
    before = stored_generation(org.runtime)
    for user in ("alice", "bob", "carol"):
        org.token(user)
    assert org.embed(org.token(), "GET", "/dashboards").status_code == 200
    with org.runtime.store.session() as session:
        key = session.get(ApiKey, org.tokens_key_id)
        assert key is not None
        # Both bookkeeping columns were written, and neither moved the generation on.
        assert key.tokens_minted == 4 and key.last_used_at is not None
    assert stored_generation(org.runtime) == before


def test_changes_through_this_server_apply_to_its_next_request(org: Org, demo_db: Path) -> None:
    """The session's runtime checks the store only every 30 s: what this server changed must
    not wait for that."""
    assert org.runtime.settings.store_change_check_seconds >= 30
    assert org.admin("POST", "/origins", json={"origin": APP}).status_code == 201
    source = connect_demo(org, demo_db)
    token = org.token(attributes={"region": "Paris", "tier": 1})

    def query() -> Any:
        return org.embed(token, "POST", "/query", json={"query": SPEC}, headers={"Origin": APP})

    first = query()
    assert first.status_code == 200, first.text
    assert len(first.json()["rows"]) > 1
    # A rule: the next query is filtered.
    rule = {"conditions": [{"column": "location", "op": "eq", "attribute": "region"}]}
    assert org.admin("PUT", f"/sources/{source}/rules/employees", json=rule).status_code == 200
    assert [row[0] for row in query().json()["rows"]] == ["Paris"]
    # The origin removed: the next request from it is refused.
    origin_id = org.admin("GET", "/origins").json()["origins"][0]["id"]
    assert org.admin("DELETE", f"/origins/{origin_id}").status_code == 204
    assert query().status_code == 403
    # The key revoked: its tokens stop at once.
    assert org.admin("POST", f"/api-keys/{org.tokens_key_id}/revoke").status_code == 200
    r = org.embed(token, "GET", "/dashboards")
    assert r.status_code == 401 and r.json()["code"] == "token_revoked"


@pytest.fixture
def checking_server(org: Org) -> Iterator[tuple[Runtime, TestClient]]:
    """Another app server on the same store (its own engine, so it learns of changes only by
    asking the store), checking every 0.2 s."""
    settings = org.runtime.settings.model_copy(update={"store_change_check_seconds": 0.2})
    other = Runtime(settings, run_migrations=False)
    try:
        yield other, TestClient(create_app(runtime=other), base_url="http://plotboard.test")
    finally:
        other.close()


class StoreReads:
    """The statements a runtime sends its store, by the table they read."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def __enter__(self) -> StoreReads:
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(" ".join(statement.split()))

    def of(self, table: str) -> list[str]:
        return [s for s in self.statements if f"FROM {table}" in s]


CACHED = ("api_keys", "origins", "data_sources", "catalog_tables", "access_rules", "organizations")


def test_with_no_change_a_request_reloads_nothing(
    org: Org, demo_db: Path, checking_server: tuple[Runtime, TestClient]
) -> None:
    other, client = checking_server
    assert org.admin("POST", "/origins", json={"origin": APP}).status_code == 201
    connect_demo(org, demo_db)
    token = org.token(attributes={"region": "Paris", "tier": 1})
    headers = {"Authorization": f"Bearer {token}", "Origin": APP}

    def query() -> None:
        r = client.post("/api/v1/embed/query", json={"query": SPEC}, headers=headers)
        assert r.status_code == 200, r.text

    query()  # loads the key, the origins, the source's context, the limits, the time zone
    query()
    started = time.monotonic()
    with StoreReads(other.store.engine) as reads:
        for _ in range(20):
            query()
        time.sleep(0.25)  # past the check interval: the next request asks for the generation
        for _ in range(5):
            query()
    took = time.monotonic() - started
    assert {table: reads.of(table) for table in CACHED} == {table: [] for table in CACHED}
    # At most one read of the generation per interval begun (a busy machine is slower).
    checks = len(reads.of("store_changes"))
    assert 1 <= checks <= 1 + took / 0.2, (checks, took)
    # A change through the other server: this one re-reads after its interval, once.
    assert (
        org.admin("PATCH", "/limits", json={"query_per_user_per_minute": 1000}).status_code == 200
    )
    time.sleep(0.25)
    with StoreReads(other.store.engine) as reads:
        for _ in range(5):
            query()
    assert len(reads.of("api_keys")) == 1
    assert len(reads.of("origins")) == 1
    assert len(reads.of("catalog_tables")) == 1  # the source's context, loaded once


def test_a_revocation_reaches_the_other_server_after_its_interval(
    org: Org, checking_server: tuple[Runtime, TestClient]
) -> None:
    _, client = checking_server
    token = org.token()
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/embed/dashboards", headers=auth).status_code == 200
    assert org.admin("POST", f"/api-keys/{org.tokens_key_id}/revoke").status_code == 200
    time.sleep(0.25)
    r = client.get("/api/v1/embed/dashboards", headers=auth)
    assert r.status_code == 401 and r.json()["code"] == "token_revoked"


def test_two_servers_on_one_postgresql_store(postgres_url: str, tmp_path: Path) -> None:
    """Two app servers, each with its own pool to one PostgreSQL store: an origin added and a
    key revoked through one are seen by the other once it checked (0.2 s)."""
    settings = Settings(
        database_url=postgres_url,
        secret_key=TEST_SECRET,
        data_dir=tmp_path,
        store_change_check_seconds=0.2,
    )
    one, two = Runtime(settings), Runtime(settings, run_migrations=False)
    try:
        c1 = TestClient(create_app(runtime=one), base_url="http://plotboard.test")
        c2 = TestClient(create_app(runtime=two), base_url="http://plotboard.test")
        org = make_org(one, c1)
        token = org.token()
        headers = {"Authorization": f"Bearer {token}", "Origin": APP}
        assert c2.get("/api/v1/embed/dashboards", headers=headers).status_code == 403
        assert org.admin("POST", "/origins", json={"origin": APP}).status_code == 201
        time.sleep(0.25)
        assert c2.get("/api/v1/embed/dashboards", headers=headers).status_code == 200
        assert org.admin("POST", f"/api-keys/{org.tokens_key_id}/revoke").status_code == 200
        time.sleep(0.25)
        r = c2.get("/api/v1/embed/dashboards", headers=headers)
        assert r.status_code == 401 and r.json()["code"] == "token_revoked"
    finally:
        one.close()
        two.close()


def test_the_generation_is_read_once_per_interval(org: Org) -> None:
    engine = org.runtime.store.engine
    changes = Generation(engine, 0.2)
    first = changes.current()
    assert changes.peek() == first
    for _ in range(50):
        assert changes.current() == first
    assert changes.reads == 1
    time.sleep(0.25)
    assert changes.peek() is None  # from memory: too old, must be read (off the event loop)
    assert changes.current() == stored_generation(org.runtime)
    assert changes.reads == 2
    # A change committed through the same engine: known at once, without waiting.
    assert org.admin("PUT", "/organization", json={"time_zone": "Asia/Tokyo"}).status_code == 200
    assert changes.peek() is None
    assert changes.current() == stored_generation(org.runtime) > first
