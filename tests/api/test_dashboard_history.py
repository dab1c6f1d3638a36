"""Dashboard history: every save kept with what changed in words, old versions read-only, a
restore is a new version, retention, and the 409 of a stale save still holds for restores."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from plotboard.runtime import Runtime
from tests.api.conftest import Org

REVENUE = {
    "id": "rev",
    "title": "Revenue by month",
    "query": {"table": "sales", "measures": [{"agg": "sum", "column": "amount"}]},
    "chart": {"type": "line"},
    "layout": {"x": 0, "y": 0, "w": 6, "h": 4},
}
HEADCOUNT = {
    "id": "head",
    "title": "Headcount",
    "query": {"table": "employees", "measures": [{"agg": "count"}]},
    "chart": {"type": "kpi"},
    "layout": {"x": 6, "y": 0, "w": 3, "h": 3},
}


def _create(org: Org, token: str, **body: Any) -> dict[str, Any]:
    r = org.embed(token, "POST", "/dashboards", json=body)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def _put(org: Org, token: str, d: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body = {"title": d["title"], "tiles": d["tiles"], "filters": d["filters"], **changes}
    body["version"] = d["version"]
    r = org.embed(token, "PUT", f"/dashboards/{d['id']}", json=body)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def _history(org: Org, token: str, dashboard_id: str) -> list[dict[str, Any]]:
    r = org.embed(token, "GET", f"/dashboards/{dashboard_id}/versions")
    assert r.status_code == 200, r.text
    out: list[dict[str, Any]] = r.json()
    return out


def _moved(tile: dict[str, Any], **layout: int) -> dict[str, Any]:
    return {**tile, "layout": {**tile["layout"], **layout}}


def test_every_save_is_listed_newest_first_with_what_changed_in_words(org: Org) -> None:
    token = org.token()
    d = _create(org, token, title="Sales")
    d = _put(org, token, d, tiles=[REVENUE])
    d = _put(org, token, d, tiles=[REVENUE, HEADCOUNT])
    d = _put(org, token, d, tiles=[_moved(REVENUE, y=4), _moved(HEADCOUNT, x=0)])
    d = _put(org, token, d, tiles=[d["tiles"][0], _moved(d["tiles"][1], w=6)])
    d = _put(org, token, d, title="Sales 2025", filters=[{"id": "f", "column": "region"}])
    d = _put(org, token, d, tiles=[{**d["tiles"][0], "title": "Revenue"}])
    history = _history(org, token, d["id"])
    assert [(h["version"], h["summary"]) for h in history] == [
        (7, "removed 'Headcount', edited 'Revenue'"),
        (6, "renamed to 'Sales 2025', added a filter"),
        (5, "resized 1 tile"),
        (4, "moved 2 tiles"),
        (3, "added 'Headcount'"),
        (2, "added 'Revenue by month'"),
        (1, "created"),
    ]
    assert set(history[0]) == {"version", "updated_at", "summary", "restored_from", "tile_count"}
    assert history[0]["updated_at"] == d["updated_at"]
    assert [h["tile_count"] for h in history] == [1, 2, 2, 2, 2, 1, 0]


def test_an_old_version_reads_as_it_was_and_changes_nothing(org: Org) -> None:
    token = org.token()
    d = _create(org, token, title="First", tiles=[REVENUE])
    d = _put(org, token, d, title="Second", tiles=[HEADCOUNT])
    old = org.embed(token, "GET", f"/dashboards/{d['id']}/versions/1")
    assert old.status_code == 200, old.text
    body = old.json()
    assert (body["title"], body["tiles"], body["version"]) == ("First", [REVENUE], 1)
    assert body["current_version"] == 2 and body["summary"] == "created"
    assert body["id"] == d["id"]
    now = org.embed(token, "GET", f"/dashboards/{d['id']}").json()
    assert (now["title"], now["version"]) == ("Second", 2)


def test_restore_is_a_new_version_and_history_keeps_everything(org: Org) -> None:
    token = org.token()
    d = _create(org, token, title="Good", tiles=[REVENUE, HEADCOUNT])
    d = _put(org, token, d, title="Broken", tiles=[])
    r = org.embed(token, "POST", f"/dashboards/{d['id']}/versions/1/restore", json={"version": 2})
    assert r.status_code == 200, r.text
    restored = r.json()
    assert (restored["version"], restored["title"]) == (3, "Good")
    assert restored["tiles"] == [REVENUE, HEADCOUNT]
    assert org.embed(token, "GET", f"/dashboards/{d['id']}").json() == restored
    history = _history(org, token, d["id"])
    assert [(h["version"], h["restored_from"]) for h in history] == [(3, 1), (2, None), (1, None)]
    assert history[0]["summary"] == (
        "restored version 1: renamed to 'Good', added 'Revenue by month' and 'Headcount'"
    )
    # The restored version can be edited like any other, from its new version number.
    assert _put(org, token, restored, title="Good again")["version"] == 4


def test_a_restore_from_a_stale_view_gets_409_and_overwrites_nothing(org: Org) -> None:
    token = org.token()
    d = _create(org, token, title="v1")
    _put(org, token, d, title="saved in another tab")  # now version 2
    r = org.embed(token, "POST", f"/dashboards/{d['id']}/versions/1/restore", json={"version": 1})
    assert r.status_code == 409
    assert r.json()["code"] == "version_conflict"
    assert r.json()["current"]["title"] == "saved in another tab"
    assert len(_history(org, token, d["id"])) == 2
    # Without a version the restore goes on top of whatever is current.
    r = org.embed(token, "POST", f"/dashboards/{d['id']}/versions/1/restore")
    assert r.status_code == 200 and r.json()["version"] == 3 and r.json()["title"] == "v1"


def test_a_save_and_a_restore_racing_on_one_version_have_one_winner(org: Org) -> None:
    token = org.token()
    d = _create(org, token, title="v1")
    d = _put(org, token, d, title="v2")
    results: list[tuple[str, int]] = []

    def save(i: int) -> None:
        body = {"title": f"w{i}", "version": 2}
        r = org.embed(token, "PUT", f"/dashboards/{d['id']}", json=body)
        results.append(("put", r.status_code))

    def restore() -> None:
        path = f"/dashboards/{d['id']}/versions/1/restore"
        r = org.embed(token, "POST", path, json={"version": 2})
        results.append(("restore", r.status_code))

    threads = [threading.Thread(target=save, args=(i,)) for i in range(4)]
    threads += [threading.Thread(target=restore) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(code for _, code in results) == [200] + [409] * 7
    history = _history(org, token, d["id"])
    assert [h["version"] for h in history] == [3, 2, 1]
    winner = org.embed(token, "GET", f"/dashboards/{d['id']}").json()
    newest = org.embed(token, "GET", f"/dashboards/{d['id']}/versions/3").json()
    assert newest["title"] == winner["title"] and winner["version"] == 3


def test_retention_keeps_the_newest_versions(
    org: Org, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime.settings, "dashboard_versions_kept", 3)
    token = org.token()
    d = _create(org, token, title="t0")
    for i in range(1, 6):
        d = _put(org, token, d, title=f"t{i}")
    assert [h["version"] for h in _history(org, token, d["id"])] == [6, 5, 4]
    gone = org.embed(token, "GET", f"/dashboards/{d['id']}/versions/2")
    assert gone.status_code == 404
    assert (
        "not kept" in gone.json()["detail"] and "oldest version kept is 4" in gone.json()["detail"]
    )
    r = org.embed(token, "POST", f"/dashboards/{d['id']}/versions/2/restore")
    assert r.status_code == 404
    assert org.embed(token, "GET", f"/dashboards/{d['id']}").json()["version"] == 6


def test_history_is_the_owners_only_and_restore_needs_edit(org: Org, other_org: Org) -> None:
    alice = org.token("alice")
    d = _create(org, alice, title="Alice's")
    _put(org, alice, d, title="Alice's v2")
    bob = org.token("bob")
    stranger = other_org.token("alice")
    for who, o in ((bob, org), (stranger, other_org)):
        for method, path in (
            ("GET", f"/dashboards/{d['id']}/versions"),
            ("GET", f"/dashboards/{d['id']}/versions/1"),
            ("POST", f"/dashboards/{d['id']}/versions/1/restore"),
        ):
            r = o.embed(who, method, path)
            assert r.status_code == 404, (method, path, r.text)
    viewer = org.token("alice", permissions={"dashboards": "view"})
    assert len(_history(org, viewer, d["id"])) == 2
    assert org.embed(viewer, "GET", f"/dashboards/{d['id']}/versions/1").status_code == 200
    r = org.embed(viewer, "POST", f"/dashboards/{d['id']}/versions/1/restore")
    assert r.status_code == 403
    assert org.embed(alice, "GET", f"/dashboards/{d['id']}").json()["version"] == 2


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "99999999999"])
def test_bad_version_numbers_get_a_clear_422(org: Org, bad: str) -> None:
    token = org.token()
    d = _create(org, token)
    r = org.embed(token, "GET", f"/dashboards/{d['id']}/versions/{bad}")
    assert r.status_code == 422, r.text
    assert "version" in r.text


def test_deleting_a_dashboard_deletes_its_history(org: Org) -> None:
    token = org.token()
    d = _create(org, token)
    _put(org, token, d, title="x")
    assert org.embed(token, "DELETE", f"/dashboards/{d['id']}").status_code == 204
    assert org.embed(token, "GET", f"/dashboards/{d['id']}/versions").status_code == 404
    with org.runtime.store.session() as session:
        from sqlalchemy import func, select

        from plotboard.store.models import DashboardVersion

        left = session.scalar(select(func.count()).where(DashboardVersion.dashboard_id == d["id"]))
    assert left == 0
