"""/livez, /readyz, /metrics and request ids, on the in-process app over a real store."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from plotboard import __version__
from plotboard.app import create_app
from plotboard.config import Settings
from plotboard.demo.data import generate_demo_database
from plotboard.runtime import Runtime
from tests.api.conftest import TEST_SECRET, Org
from tests.services import redis_url_or_fail

METRICS_TOKEN = "metrics-" + "m" * 30


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def _value(text: str, name: str, **labels: str) -> float:
    return _samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def metrics_token(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(runtime.settings, "metrics_token", METRICS_TOKEN)
    return METRICS_TOKEN


def _scrape(client: TestClient) -> str:
    r = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return r.text


def test_livez_says_the_version_without_touching_the_store(client: TestClient) -> None:
    r = client.get("/livez")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "version": __version__}


def test_readyz_checks_the_store_and_says_redis_is_not_configured(client: TestClient) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "status": "ready",
        "version": __version__,
        "checks": {"store": "ok", "cache": "not configured"},
    }


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _runtime(tmp_path: Path, **settings: object) -> Runtime:
    return Runtime(
        Settings(
            data_dir=tmp_path,
            secret_key=TEST_SECRET,
            **settings,  # type: ignore[arg-type]
        )
    )


def test_readyz_answers_503_naming_redis_when_it_is_down_without_its_address(
    tmp_path: Path,
) -> None:
    port = _closed_port()
    runtime = _runtime(tmp_path, redis_url=f"redis://:hunter2@127.0.0.1:{port}/0")
    try:
        with TestClient(create_app(runtime=runtime)) as client:
            r = client.get("/readyz")
            assert client.get("/livez").status_code == 200  # alive, only not ready
    finally:
        runtime.close()
    assert r.status_code == 503
    body = r.json()
    assert body["code"] == "not_ready"
    assert body["checks"] == {"store": "ok", "cache": "unreachable"}
    assert body["detail"] == "Not ready: the shared cache (Redis) is not reachable."
    assert body["request_id"] == r.headers["X-Request-ID"]
    assert str(port) not in r.text and "hunter2" not in r.text and "127.0.0.1" not in r.text


def test_readyz_is_ready_with_a_live_redis(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path, redis_url=redis_url_or_fail())
    try:
        with TestClient(create_app(runtime=runtime)) as client:
            r = client.get("/readyz")
    finally:
        runtime.close()
    assert r.status_code == 200, r.text
    assert r.json()["checks"] == {"store": "ok", "cache": "ok"}


@pytest.mark.postgres
def test_readyz_answers_503_when_the_store_is_gone(tmp_path: Path) -> None:
    from tests.services import temporary_postgres_database

    with temporary_postgres_database() as url:
        runtime = _runtime(tmp_path, database_url=url)
        client = TestClient(create_app(runtime=runtime))
        assert client.get("/readyz").status_code == 200
    # The database is dropped now (its connections ended by force).
    try:
        r = client.get("/readyz")
        legacy = client.get("/healthz")
    finally:
        runtime.close()
    assert r.status_code == 503, r.text
    assert r.json()["checks"]["store"] == "unreachable"
    assert r.json()["detail"] == "Not ready: the metadata store is not reachable."
    assert "pb_test_" not in r.text and "5432" not in r.text
    assert legacy.status_code == 503
    assert client.get("/livez").status_code == 200


def test_every_answer_has_a_request_id_and_errors_repeat_it(client: TestClient) -> None:
    ok = client.get("/livez")
    assert re.fullmatch(r"[0-9a-f]{32}", ok.headers["X-Request-ID"])
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.json()["request_id"] == missing.headers["X-Request-ID"]
    refused = client.get("/api/v1/embed/catalog", headers={"Authorization": "Bearer nonsense"})
    assert refused.status_code == 401
    assert refused.json()["request_id"] == refused.headers["X-Request-ID"]
    invalid = client.post(
        "/api/v1/embed/tokens", headers={"Authorization": "Bearer x"}, content=b"{"
    )
    assert invalid.json()["request_id"] == invalid.headers["X-Request-ID"]
    assert len({ok.headers["X-Request-ID"], missing.headers["X-Request-ID"]}) == 2


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("req-42.abc:7_x", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("has space", False),
        ("<script>", False),
        ("-starts-with-dash", False),
    ],
)
def test_a_safe_incoming_request_id_is_kept_an_unsafe_one_replaced(
    client: TestClient, incoming: str, kept: bool
) -> None:
    r = client.get("/api/v1/nothing-here", headers={"X-Request-ID": incoming})
    assert (r.headers["X-Request-ID"] == incoming) is kept
    assert r.json()["request_id"] == r.headers["X-Request-ID"]
    if not kept:
        assert re.fullmatch(r"[0-9a-f]{32}", r.headers["X-Request-ID"])


def test_an_unexpected_error_carries_the_request_id_too(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path)
    app = create_app(runtime=runtime)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug, with a secret inside: hunter2")

    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            r = client.get("/boom", headers={"X-Request-ID": "incident-check-1"})
            text = _scrape_locally(runtime, client)
    finally:
        runtime.close()
    assert r.status_code == 500
    assert r.headers["X-Request-ID"] == "incident-check-1"
    assert r.json()["request_id"] == "incident-check-1"
    assert r.json()["code"] == "internal_error"
    assert "hunter2" not in r.text
    assert _value(text, "plotboard_http_requests_total", method="GET", route="/boom", status="500")


def _scrape_locally(runtime: Runtime, client: TestClient) -> str:
    runtime.settings.metrics_token = METRICS_TOKEN
    return _scrape(client)


def test_metrics_need_the_token_or_a_local_caller(client: TestClient, metrics_token: str) -> None:
    anonymous = client.get("/metrics")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "metrics_token_required"
    wrong = client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 38})
    assert wrong.status_code == 401
    assert "plotboard_build_info" in _scrape(client)


def test_without_a_token_metrics_refuse_a_remote_caller(
    client: TestClient, runtime: Runtime
) -> None:
    assert runtime.settings.metrics_token is None
    r = client.get("/metrics")  # the test client's address is not loopback
    assert r.status_code == 403
    assert r.json()["code"] == "metrics_local_only"
    assert "PLOTBOARD_METRICS_TOKEN" in r.json()["detail"]


def test_metrics_count_requests_by_route_template(client: TestClient, metrics_token: str) -> None:
    before = _scrape(client)
    client.get("/api/v1/embed/dashboards/abc", headers={"Authorization": "Bearer nonsense"})
    client.get("/api/v1/embed/dashboards/def", headers={"Authorization": "Bearer nonsense"})
    client.get("/no/such/path/123")
    after = _scrape(client)
    route = "/api/v1/embed/dashboards/{dashboard_id}"
    labels = {"method": "GET", "route": route, "status": "401"}
    counted = _value(after, "plotboard_http_requests_total", **labels)
    assert counted - _value(before, "plotboard_http_requests_total", **labels) == 2
    assert (
        _value(
            after, "plotboard_http_requests_total", method="GET", route="unmatched", status="404"
        )
        >= 1
    )
    assert "/no/such/path/123" not in after and "/dashboards/abc" not in after
    assert _value(after, "plotboard_build_info", version=__version__) == 1


def test_metrics_count_queries_cache_hits_and_errors_by_source(
    org: Org, client: TestClient, metrics_token: str, tmp_path: Path
) -> None:
    db = tmp_path / "demo.sqlite"
    generate_demo_database(db)
    r = org.admin(
        "POST", "/sources", json={"name": "D", "connection": {"kind": "sqlite", "path": str(db)}}
    )
    assert r.status_code == 201, r.text
    source = r.json()["id"]
    token = org.token()
    spec = {"table": "employees", "measures": [{"agg": "count"}]}
    before = _scrape(client)
    for _ in range(3):
        assert (
            org.embed(token, "POST", "/query", json={"query": spec, "source": source}).status_code
            == 200
        )
    bad = org.embed(
        token, "POST", "/query", json={"query": {**spec, "table": "nope"}, "source": source}
    )
    assert bad.status_code in (400, 404, 422), bad.text
    after = _scrape(client)

    def delta(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert delta("plotboard_queries_total", source=source, outcome="ran") == 1
    assert delta("plotboard_queries_total", source=source, outcome="cache_hit") == 2
    assert delta("plotboard_query_cache_total", result="hit") >= 2
    assert delta("plotboard_query_duration_seconds_count", source=source) == 1
    assert delta("plotboard_queries_total", source=source, outcome=bad.json()["code"]) == 1


def test_metrics_show_each_pools_connections(
    org: Org, client: TestClient, metrics_token: str, tmp_path: Path
) -> None:
    db = tmp_path / "demo.sqlite"
    generate_demo_database(db)
    r = org.admin(
        "POST", "/sources", json={"name": "D", "connection": {"kind": "sqlite", "path": str(db)}}
    )
    assert r.status_code == 201, r.text
    source = r.json()["id"]
    spec = {"table": "employees", "measures": [{"agg": "count"}]}
    token = org.token()
    assert org.embed(token, "POST", "/query", json={"query": spec, "source": source}).is_success
    text = _scrape(client)
    # The query's connection went back to its pool and stays open for the next one.
    assert _value(text, "plotboard_db_connections", pool=source, state="open") >= 1
    assert _value(text, "plotboard_db_connections", pool=source, state="in_use") == 0
    assert _value(text, "plotboard_db_connections", pool="store", state="open") >= 1
    # Held while a request uses it: the scrape's own store session is not open during the
    # scrape, so checking one out here shows it.
    runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    with runtime.pool.engine(source).connect():
        held = _scrape(client)
    assert _value(held, "plotboard_db_connections", pool=source, state="in_use") == 1
    # Removing the source closes its idle connections.
    assert org.admin("DELETE", f"/sources/{source}").status_code == 204
    gone = _scrape(client)
    assert _value(gone, "plotboard_db_connections", pool=source, state="open") == 0
