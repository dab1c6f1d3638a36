"""`plotboard demo`, end to end: a real server in a subprocess, used the way the docs say."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from plotboard.client import PlotboardClient
from tests.live_server import DemoServer, clean_env, describe, run_plotboard

# What DESIGN.md promises in demo.json, plus what `plotboard demo` adds for convenience.
DESIGN_FIELDS = {"url", "api_key", "admin_email", "admin_password", "source_id", "demo_database"}
EXTRA_FIELDS = {"org_id", "users"}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _mint(demo_server: DemoServer, user_id: str, **body: Any) -> str:
    with PlotboardClient(demo_server.url, demo_server.info["api_key"]) as client:
        return client.create_embed_token(user_id, **body).token


def test_demo_json_has_every_documented_field(demo_server: DemoServer) -> None:
    info = demo_server.info
    assert set(info) >= DESIGN_FIELDS | EXTRA_FIELDS
    for name in DESIGN_FIELDS | {"org_id"}:
        assert isinstance(info[name], str) and info[name], name
    assert info["url"] == demo_server.url
    assert info["api_key"].startswith("pb_")
    assert "@" in info["admin_email"] and len(info["admin_password"]) >= 10
    assert {u["user_id"] for u in info["users"]} == {"alice", "bob", "carol"}
    # It holds an API key and a password: only its owner may read it.
    assert (demo_server.data_dir / "demo.json").stat().st_mode & 0o777 == 0o600


def test_the_demo_keeps_its_store_and_secrets_private(demo_server: DemoServer) -> None:
    data = demo_server.data_dir
    # The store holds password hashes, session hashes and encrypted secrets, like secret_key.
    assert data.stat().st_mode & 0o777 == 0o700
    files = {p.name: p.stat().st_mode & 0o777 for p in data.iterdir()}
    assert {"plotboard.db", "secret_key", "demo.json"} <= set(files)
    for name, mode in files.items():
        if name.startswith("plotboard.db") or name in ("secret_key", "demo.json"):
            assert mode == 0o600, (name, oct(mode))


def test_an_older_demo_folder_is_made_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = run_plotboard("demo", "--data-dir", str(data_dir), "--no-serve", env=clean_env())
    assert first.returncode == 0, describe(first)
    # As an earlier plotboard left it.
    data_dir.chmod(0o755)
    (data_dir / "plotboard.db").chmod(0o644)
    again = run_plotboard("demo", "--data-dir", str(data_dir), "--no-serve", env=clean_env())
    assert again.returncode == 0, describe(again)
    assert data_dir.stat().st_mode & 0o777 == 0o700
    assert (data_dir / "plotboard.db").stat().st_mode & 0o777 == 0o600


def test_demo_database_has_the_sample_tables(demo_server: DemoServer) -> None:
    path = Path(demo_server.info["demo_database"])
    assert path.is_file() and path.parent == demo_server.data_dir
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("offices", "employees", "sales")
        }
    assert counts["offices"] == 10
    assert 1500 <= counts["employees"] <= 2500
    assert 40_000 <= counts["sales"] <= 60_000


def test_the_python_client_mints_a_one_hour_token(demo_server: DemoServer) -> None:
    before = datetime.now(UTC)
    with PlotboardClient(demo_server.url, demo_server.info["api_key"]) as client:
        minted = client.create_embed_token("alice", attributes={"region": "North"})
        claims = client.introspect_token(minted.token)
    assert minted.token.count(".") == 2  # a JWT
    assert minted.expires_at.tzinfo is not None
    expected = before + timedelta(hours=1)
    assert expected - timedelta(seconds=30) <= minted.expires_at <= expected + timedelta(seconds=30)
    assert claims["valid"] is True and claims["user_id"] == "alice"
    assert claims["attributes"] == {"region": "North"}


def test_a_token_creates_and_lists_its_own_dashboards(demo_server: DemoServer) -> None:
    token = _mint(demo_server, "dana")
    base = f"{demo_server.url}/api/v1/embed/dashboards"
    created = httpx.post(base, headers=_bearer(token), json={"title": "Pipeline"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["title"] == "Pipeline" and body["version"] == 1 and body["tiles"] == []
    listed = httpx.get(base, headers=_bearer(token))
    assert listed.status_code == 200, listed.text
    # Their own, then the demo's starter, which every user lists.
    assert [(d["id"], d["starter"]) for d in listed.json()["dashboards"]][:1] == [
        (body["id"], False)
    ]
    assert [d["title"] for d in listed.json()["dashboards"][1:]] == ["Sales at a glance"]
    # Another user's workspace does not see it.
    erin = _bearer(_mint(demo_server, "erin"))
    assert [d["title"] for d in httpx.get(base, headers=erin).json()["dashboards"]] == [
        "Sales at a glance"
    ]
    assert httpx.get(f"{base}/{body['id']}", headers=erin).status_code == 404


def test_the_demo_host_page_lists_the_sample_users(demo_server: DemoServer) -> None:
    page = httpx.get(f"{demo_server.url}/demo")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for user in demo_server.info["users"]:
        assert user["name"] in page.text


def test_the_demo_backend_mints_a_token_for_bob(demo_server: DemoServer) -> None:
    answer = httpx.post(f"{demo_server.url}/demo/token", json={"user": "bob"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["user"] == "bob" and body["source_id"] == demo_server.info["source_id"]
    with PlotboardClient(demo_server.url, demo_server.info["api_key"]) as client:
        claims = client.introspect_token(body["token"])
    bob = next(u for u in demo_server.info["users"] if u["user_id"] == "bob")
    assert claims["valid"] is True and claims["user_id"] == "bob"
    assert (
        claims["attributes"]
        == bob["attributes"]
        == {
            "region": "South",
            "location": ["New York", "Toronto", "São Paulo"],
            "team": "Sales",
        }
    )
    unknown = httpx.post(f"{demo_server.url}/demo/token", json={"user": "mallory"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "user"


def test_the_admin_signs_in_with_the_demo_credentials(demo_server: DemoServer) -> None:
    info = demo_server.info
    with httpx.Client(base_url=demo_server.url) as http:
        signed_in = http.post(
            "/api/v1/admin/session",
            json={"email": info["admin_email"], "password": info["admin_password"]},
        )
        assert signed_in.status_code == 200, signed_in.text
        assert signed_in.json()["email"] == info["admin_email"]
        assert signed_in.json()["org_id"] == info["org_id"]
        assert signed_in.json()["csrf_token"]
        assert "plotboard_session" in http.cookies
        keys = http.get("/api/v1/admin/api-keys")
        assert keys.status_code == 200, keys.text
        assert info["api_key"].rsplit("_", 1)[0] in {k["id"] for k in keys.json()["api_keys"]}
    wrong = httpx.post(
        f"{demo_server.url}/api/v1/admin/session",
        json={"email": info["admin_email"], "password": "not-the-password"},
    )
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_credentials"


def test_demo_setup_is_idempotent(tmp_path: Path) -> None:
    """A second run on the same data dir keeps the organization, admin and API key."""
    data_dir = tmp_path / "data"
    runs = []
    for _ in range(2):
        result = run_plotboard("demo", "--data-dir", str(data_dir), "--no-serve", env=clean_env())
        assert result.returncode == 0, describe(result)
        assert "plotboard demo is ready" in result.stdout
        runs.append(json.loads((data_dir / "demo.json").read_text(encoding="utf-8")))
    first, second = runs
    for name in ("api_key", "admin_email", "admin_password", "org_id", "source_id"):
        assert first[name] == second[name], name
    assert first["api_key"] in result.stdout  # printed for the newcomer, as documented


def test_the_banner_says_where_to_go(demo_server: DemoServer) -> None:
    output = demo_server.output()
    info = demo_server.info
    assert f"{demo_server.url}/demo" in output
    for value in (info["admin_email"], info["admin_password"], info["api_key"]):
        assert value in output
    assert str(demo_server.data_dir / "demo.json") in output
