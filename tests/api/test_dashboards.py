"""Personal dashboards: ownership, the dashboard shape, versioning and atomic saves."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.api.conftest import Org

TILE = {
    "id": "t1",
    "title": "Average salary by location",
    "query": {"table": "employees", "measures": [{"agg": "avg", "column": "salary"}]},
    "chart": {"type": "bar"},
    "layout": {"x": 0, "y": 0, "w": 6, "h": 4},
}


def _create(org: Org, token: str, **body: Any) -> dict[str, Any]:
    r = org.embed(token, "POST", "/dashboards", json=body)
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


def test_create_read_update_delete_round_trip(org: Org) -> None:
    token = org.token("alice")
    created = _create(org, token, title="Sales overview", tiles=[TILE])
    assert set(created) == {
        "id",
        "title",
        "tiles",
        "filters",
        "version",
        "created_at",
        "updated_at",
        "owner",
        "starter",
        "copied_from",
        "shared",
    }
    assert created["version"] == 1 and created["tiles"] == [TILE]
    assert (created["owner"], created["starter"], created["copied_from"]) == ("me", False, None)
    assert created["shared"] is False
    got = org.embed(token, "GET", f"/dashboards/{created['id']}").json()
    assert got == created
    moved = {**TILE, "layout": {"x": 6, "y": 0, "w": 6, "h": 3}}
    r = org.embed(
        token,
        "PUT",
        f"/dashboards/{created['id']}",
        json={
            "title": "Renamed",
            "tiles": [moved],
            "filters": [{"column": "region"}],
            "version": 1,
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.json()["title"] == "Renamed"
    assert r.json()["tiles"][0]["layout"]["x"] == 6
    listed = org.embed(token, "GET", "/dashboards").json()["dashboards"]
    assert [(d["id"], d["tile_count"], d["version"]) for d in listed] == [(created["id"], 1, 2)]
    assert org.embed(token, "DELETE", f"/dashboards/{created['id']}").status_code == 204
    assert org.embed(token, "GET", f"/dashboards/{created['id']}").status_code == 404
    assert org.embed(token, "DELETE", f"/dashboards/{created['id']}").status_code == 404


def test_empty_body_makes_an_empty_dashboard(org: Org) -> None:
    created = _create(org, org.token())
    assert created["title"] == "Untitled dashboard" and created["tiles"] == []


def test_tiles_get_ids_and_default_layout_when_left_out(org: Org) -> None:
    created = _create(org, org.token(), tiles=[{"title": "A"}, {"title": "B"}])
    ids = [t["id"] for t in created["tiles"]]
    assert len(set(ids)) == 2 and all(ids)
    assert created["tiles"][0]["layout"] == {"x": 0, "y": 0, "w": 6, "h": 4}


def test_each_user_sees_only_their_own(org: Org, other_org: Org) -> None:
    alice, bob = org.token("alice"), org.token("bob")
    mine = _create(org, alice, title="Alice's")
    assert org.embed(bob, "GET", "/dashboards").json()["dashboards"] == []
    for method, body in (("GET", None), ("PUT", {"title": "x", "version": 1}), ("DELETE", None)):
        r = org.embed(bob, method, f"/dashboards/{mine['id']}", json=body)
        assert r.status_code == 404, (method, r.text)
        assert r.json()["code"] == "not_found"
    # Same user id in another organization is another person.
    stranger = other_org.token("alice")
    assert other_org.embed(stranger, "GET", f"/dashboards/{mine['id']}").status_code == 404
    assert other_org.embed(stranger, "GET", "/dashboards").json()["dashboards"] == []
    # And nothing was changed by the attempts.
    again = org.embed(alice, "GET", f"/dashboards/{mine['id']}").json()
    assert again["title"] == "Alice's" and again["version"] == 1


def test_stale_version_gets_409_with_the_current_dashboard(org: Org) -> None:
    token = org.token()
    d = _create(org, token, title="v1")
    first = org.embed(token, "PUT", f"/dashboards/{d['id']}", json={"title": "tab A", "version": 1})
    assert first.status_code == 200
    second = org.embed(
        token, "PUT", f"/dashboards/{d['id']}", json={"title": "tab B", "version": 1}
    )
    assert second.status_code == 409
    body = second.json()
    assert body["code"] == "version_conflict"
    assert body["current"]["title"] == "tab A" and body["current"]["version"] == 2
    assert org.embed(token, "GET", f"/dashboards/{d['id']}").json()["title"] == "tab A"


def test_concurrent_saves_of_one_version_have_exactly_one_winner(org: Org) -> None:
    token = org.token()
    d = _create(org, token)
    results: list[int] = []

    def save(i: int) -> None:
        r = org.embed(token, "PUT", f"/dashboards/{d['id']}", json={"title": f"w{i}", "version": 1})
        results.append(r.status_code)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200] + [409] * 7
    assert org.embed(token, "GET", f"/dashboards/{d['id']}").json()["version"] == 2


def test_view_only_token_can_read_but_not_write(org: Org) -> None:
    editor = org.token("alice")
    d = _create(org, editor)
    viewer = org.token("alice", permissions={"dashboards": "view"})
    assert org.embed(viewer, "GET", f"/dashboards/{d['id']}").status_code == 200
    for method, path, body in (
        ("POST", "/dashboards", {}),
        ("PUT", f"/dashboards/{d['id']}", {"title": "x", "version": 1}),
        ("DELETE", f"/dashboards/{d['id']}", None),
    ):
        r = org.embed(viewer, method, path, json=body)
        assert r.status_code == 403 and r.json()["code"] == "read_only_token", method


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"tiles": "nope"}, "tiles"),
        ({"tiles": [{**TILE, "layout": {"x": 10, "y": 0, "w": 6, "h": 4}}]}, "tiles.0.layout"),
        ({"tiles": [{**TILE, "layout": {"x": -1, "y": 0, "w": 6, "h": 4}}]}, "tiles.0.layout.x"),
        ({"tiles": [{**TILE, "colour": "red"}]}, "tiles.0.colour"),
        ({"tiles": [TILE, TILE]}, "body"),
        ({"tiles": [{"title": str(i)} for i in range(101)]}, "tiles"),
        ({"owner": "bob"}, "owner"),
    ],
)
def test_bad_dashboards_get_422_and_nothing_is_written(
    org: Org, body: dict[str, Any], field: str
) -> None:
    token = org.token()
    r = org.embed(token, "POST", "/dashboards", json=body)
    assert r.status_code == 422, r.text
    fields = [e["field"] for e in r.json()["errors"]]
    assert any(f == field or f.startswith(field) for f in fields), fields
    assert org.embed(token, "GET", "/dashboards").json()["dashboards"] == []


def test_put_without_version_is_refused(org: Org) -> None:
    token = org.token()
    d = _create(org, token)
    r = org.embed(token, "PUT", f"/dashboards/{d['id']}", json={"title": "x"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "version"
