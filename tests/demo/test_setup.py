"""`plotboard demo` shows starters and sharing within a team: the sample users' tokens carry a
team (Alice and Bob in Sales, Carol in Operations), the organization shares by it, and a
starter is published whose every tile runs for each user under their own rules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from plotboard.app import create_app
from plotboard.config import Settings
from plotboard.demo.setup import STARTER_TITLE, DemoInfo, prepare_demo, read_demo_info
from plotboard.runtime import Runtime
from plotboard.store.models import ApiKey


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, DemoInfo, Runtime]]:
    tmp_path = tmp_path_factory.mktemp("demo")
    settings = Settings(
        data_dir=tmp_path, demo_mode=True, database_url=None, secret_key=None, redis_url=None
    )
    runtime = Runtime(settings)
    info = prepare_demo(runtime, tmp_path, "http://plotboard.test")
    try:
        with TestClient(create_app(settings, runtime=runtime), base_url=info.url) as client:
            yield client, info, runtime
    finally:
        runtime.close()


def _signed_in(client: TestClient, info: DemoInfo) -> dict[str, str]:
    """The admin's way in: the printed email and password (a session; CSRF header for writes)."""
    r = client.post(
        "/api/v1/admin/session", json={"email": info.admin_email, "password": info.admin_password}
    )
    assert r.status_code == 200, r.text
    return {"X-CSRF-Token": r.json()["csrf_token"]}


def _token(client: TestClient, info: DemoInfo, user_id: str) -> dict[str, str]:
    user = next(u for u in info.users if u["user_id"] == user_id)
    r = client.post(
        "/api/v1/embed/tokens",
        headers={"Authorization": f"Bearer {info.api_key}"},
        json={"user_id": user_id, "attributes": user["attributes"]},
    )
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_every_sample_user_sees_the_starter_with_their_own_rows(
    demo: tuple[TestClient, DemoInfo, Runtime],
) -> None:
    client, info, _ = demo
    regions: dict[str, set[str]] = {}
    for user_id in ("alice", "bob", "carol"):
        auth = _token(client, info, user_id)
        listed = client.get("/api/v1/embed/dashboards", headers=auth).json()
        starters = [d for d in listed["dashboards"] if d.get("starter")]
        assert [d["title"] for d in starters] == [STARTER_TITLE], listed
        assert listed["can_share"] is True
        board = client.get(f"/api/v1/embed/dashboards/{starters[0]['id']}", headers=auth).json()
        for tile in board["tiles"]:
            answer = client.post("/api/v1/embed/query", headers=auth, json={"query": tile["query"]})
            assert answer.status_code == 200, (tile["title"], answer.text)
            assert answer.json()["rows"], tile["title"]
        # The starter's question, the user's rows: revenue by region shows only their region.
        by_region = {"table": "sales", "measures": [{"agg": "count"}],
                     "dimensions": [{"column": "sales_region"}]}  # fmt: skip
        rows = client.post("/api/v1/embed/query", headers=auth, json={"query": by_region}).json()[
            "rows"
        ]
        regions[user_id] = {r[0] for r in rows}
    assert regions == {"alice": {"North"}, "bob": {"South"}, "carol": {"East"}}


def test_a_dashboard_shared_by_alice_reaches_bob_not_carol(
    demo: tuple[TestClient, DemoInfo, Runtime],
) -> None:
    client, info, _ = demo
    alice = _token(client, info, "alice")
    made = client.post("/api/v1/embed/dashboards", headers=alice, json={"title": "Pipeline"})
    assert made.status_code == 201, made.text
    shared = client.put(
        f"/api/v1/embed/dashboards/{made.json()['id']}/sharing", headers=alice, json={"team": True}
    )
    assert shared.status_code == 200, shared.text

    def team_boards(user_id: str) -> list[str]:
        listed = client.get("/api/v1/embed/dashboards", headers=_token(client, info, user_id))
        return [d["title"] for d in listed.json()["dashboards"] if d.get("owner") == "team"]

    assert team_boards("bob") == ["Pipeline"]
    assert team_boards("carol") == []


def test_a_demo_made_before_the_showcase_gets_it_once(
    demo: tuple[TestClient, DemoInfo, Runtime],
) -> None:
    client, info, runtime = demo  # last: it withdraws the starter
    tmp_path = Path(info.demo_database).parent
    # The admin withdraws the starter: starting the demo again does not bring it back.
    admin = _signed_in(client, info)
    starters: list[dict[str, Any]] = client.get("/api/v1/admin/starters", headers=admin).json()[
        "starters"
    ]
    assert client.delete(f"/api/v1/admin/starters/{starters[0]['id']}", headers=admin).is_success
    again = prepare_demo(runtime, tmp_path, info.url)
    assert (
        again.showcase
        and client.get("/api/v1/admin/starters", headers=admin).json()["starters"] == []
    )
    # demo.json of an older demo (no showcase yet): the next start adds it.
    saved = read_demo_info(tmp_path)
    assert saved is not None and saved.showcase
    (tmp_path / "demo.json").write_text(
        (tmp_path / "demo.json").read_text().replace('"showcase": true', '"showcase": false')
    )
    prepare_demo(runtime, tmp_path, info.url)
    titles = [
        s["title"] for s in client.get("/api/v1/admin/starters", headers=admin).json()["starters"]
    ]
    assert titles == [STARTER_TITLE]


def test_the_printed_key_only_mints_tokens_and_the_admin_signs_in(
    demo: tuple[TestClient, DemoInfo, Runtime],
) -> None:
    """The key printed for the host backend mints tokens; it can't use the admin API (a leaked
    backend key must not hand over the organization). The admin works through a session."""
    client, info, _ = demo
    _token(client, info, "alice")
    key = {"Authorization": f"Bearer {info.api_key}"}
    for method, path in (("GET", "/api/v1/admin/api-keys"), ("GET", "/api/v1/admin/sources")):
        r = client.request(method, path, headers=key)
        assert r.status_code == 403, (path, r.status_code, r.text)
    with TestClient(client.app, base_url=info.url) as browser:
        csrf = _signed_in(browser, info)
        keys = browser.get("/api/v1/admin/api-keys").json()["api_keys"]
        mine = next(k for k in keys if info.api_key.startswith(k["id"] + "_"))
        assert mine["scopes"] == ["tokens"]
        made = browser.post("/api/v1/admin/api-keys", headers=csrf,
                            json={"name": "Set-up scripts", "scopes": ["admin"]})
        assert made.status_code == 201, made.text


def test_an_older_demos_admin_key_is_narrowed_to_tokens_on_start(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, demo_mode=True, database_url=None, secret_key=None, redis_url=None
    )
    runtime = Runtime(settings)
    try:
        info = prepare_demo(runtime, tmp_path, "http://plotboard.test", showcase=False)
        with runtime.store.session() as session:  # as a demo made before made its key
            key = session.get(ApiKey, info.api_key.rsplit("_", 1)[0])
            assert key is not None and key.scopes == ["tokens"]
            key.scopes = ["admin", "tokens"]
        again = prepare_demo(runtime, tmp_path, "http://plotboard.test", showcase=False)
        assert again.api_key == info.api_key  # the host backend's key keeps working
        with TestClient(create_app(settings, runtime=runtime), base_url=info.url) as client:
            _token(client, again, "alice")
            denied = client.get("/api/v1/admin/sources",
                                headers={"Authorization": f"Bearer {again.api_key}"})
            assert denied.status_code == 403, denied.text
    finally:
        runtime.close()
