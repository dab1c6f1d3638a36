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
    admin = {"Authorization": f"Bearer {info.api_key}"}
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
