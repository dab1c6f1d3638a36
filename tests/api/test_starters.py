"""Starter dashboards: the admin publishes, every end user reads them under their own rules,
the first save makes the user's own copy (the starter never changes through the embed API),
updates reach the users who never edited, a withdrawn starter goes away for them. SQLite and
PostgreSQL stores (tests/api/conftest.py)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from plotboard.demo.data import generate_demo_database
from tests.api.conftest import Org

REVENUE = {
    "id": "rev",
    "title": "Revenue by region",
    "query": {
        "table": "sales",
        "measures": [{"agg": "sum", "column": "amount"}],
        "dimensions": [{"column": "sales_region"}],
    },
    "chart": {"type": "bar"},
    "layout": {"x": 0, "y": 0, "w": 6, "h": 4},
}
HEADCOUNT = {
    "id": "head",
    "title": "Headcount",
    "query": {"table": "employees", "measures": [{"agg": "count"}]},
    "chart": {"type": "kpi"},
    "layout": {"x": 6, "y": 0, "w": 3, "h": 3},
}
SALES = {"title": "Sales overview", "tiles": [REVENUE], "filters": []}


def _publish(org: Org, expect: int = 201, **body: Any) -> Any:
    r = org.admin("POST", "/starters", json=body)
    assert r.status_code == expect, r.text
    return r.json()


def _list(org: Org, token: str) -> list[dict[str, Any]]:
    r = org.embed(token, "GET", "/dashboards")
    assert r.status_code == 200, r.text
    out: list[dict[str, Any]] = r.json()["dashboards"]
    return out


def _get(org: Org, token: str, dashboard_id: str, expect: int = 200) -> Any:
    r = org.embed(token, "GET", f"/dashboards/{dashboard_id}")
    assert r.status_code == expect, r.text
    return r.json()


def _put(org: Org, token: str, d: dict[str, Any], expect: int = 200, **changes: Any) -> Any:
    body = {"title": d["title"], "tiles": d["tiles"], "filters": d["filters"], **changes}
    body.setdefault("version", d["version"])
    r = org.embed(token, "PUT", f"/dashboards/{d['id']}", json=body)
    assert r.status_code == expect, r.text
    return r.json()


def _audit(org: Org, action: str) -> list[dict[str, Any]]:
    r = org.admin("GET", "/audit")
    assert r.status_code == 200, r.text
    entries = r.json()
    entries = entries.get("entries", entries) if isinstance(entries, dict) else entries
    return [e for e in entries if e["action"] == action]


def test_every_user_lists_a_published_starter_marked_as_one(org: Org, other_org: Org) -> None:
    starter = _publish(org, dashboard=SALES)
    assert starter["title"] == "Sales overview" and starter["version"] == 1
    assert starter["copies"] == 0 and starter["published_by"].startswith("api-key:")
    alice, bob = org.token("alice"), org.token("bob")
    for token in (alice, bob):
        listed = [d for d in _list(org, token) if d["id"] == starter["id"]]
        assert len(listed) == 1
        assert listed[0]["starter"] is True and listed[0]["owner"] == "me"
        assert listed[0]["tile_count"] == 1 and listed[0]["copied_from"] is None
        got = _get(org, token, starter["id"])
        assert got["starter"] is True and got["tiles"][0]["query"] == REVENUE["query"]
        # Who asks decides the answer: no cache on the way may keep or share it.
        r = org.embed(token, "GET", f"/dashboards/{starter['id']}")
        assert r.headers["cache-control"] == "private, no-store"
        assert "Authorization" in r.headers["vary"]
    # Another organization neither lists nor reads it, users nor admin.
    stranger = other_org.token("alice")
    assert all(d["id"] != starter["id"] for d in _list(other_org, stranger))
    _get(other_org, stranger, starter["id"], expect=404)
    assert other_org.admin("GET", f"/starters/{starter['id']}").status_code == 404
    assert [s["id"] for s in org.admin("GET", "/starters").json()["starters"]] == [starter["id"]]
    assert [e["target_id"] for e in _audit(org, "starter.published")] == [starter["id"]]


def test_first_save_makes_the_users_copy_and_never_changes_the_starter(org: Org) -> None:
    starter = _publish(org, dashboard=SALES)
    alice, bob = org.token("alice"), org.token("bob")
    seen = _get(org, alice, starter["id"])
    saved = _put(org, alice, seen, title="My sales", tiles=[REVENUE, HEADCOUNT])
    assert saved["id"] != starter["id"]
    assert saved["copied_from"] == starter["id"] and saved["starter"] is False
    assert saved["title"] == "My sales" and saved["version"] == 2
    # The starter is unchanged for everyone else, and for the admin.
    assert _get(org, bob, starter["id"])["title"] == "Sales overview"
    assert len(_get(org, bob, starter["id"])["tiles"]) == 1
    admin_view = org.admin("GET", f"/starters/{starter['id']}").json()
    assert admin_view["version"] == 1 and admin_view["title"] == "Sales overview"
    assert admin_view["copies"] == 1
    # Alice lists her copy instead of the starter; the starter's id now names her copy.
    mine = _list(org, alice)
    assert [d["id"] for d in mine if d["starter"]] == []
    assert [(d["id"], d["copied_from"]) for d in mine] == [(saved["id"], starter["id"])]
    assert _get(org, alice, starter["id"])["id"] == saved["id"]
    # Her further saves go to her copy, by either id; the history says where it came from.
    again = _put(org, alice, {**saved, "id": starter["id"]}, title="My sales 2")
    assert again["id"] == saved["id"] and again["version"] == 3
    history = org.embed(alice, "GET", f"/dashboards/{saved['id']}/versions").json()
    assert [h["summary"] for h in history] == [
        "renamed to 'My sales 2'",
        "renamed to 'My sales', added 'Headcount'",
        "copied from the starter 'Sales overview'",
    ]
    assert _get(org, bob, starter["id"])["title"] == "Sales overview"


def test_admin_updates_reach_users_who_never_edited(org: Org) -> None:
    starter = _publish(org, dashboard=SALES)
    alice, bob = org.token("alice"), org.token("bob")
    bob_saw = _get(org, bob, starter["id"])
    copy = _put(org, alice, _get(org, alice, starter["id"]), title="Alice's")
    r = org.admin(
        "PUT",
        f"/starters/{starter['id']}",
        json={"version": 1, "dashboard": {"title": "Sales 2026", "tiles": [REVENUE, HEADCOUNT]}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.json()["copies"] == 1
    # Bob never edited: he sees the update. Alice's copy is hers, unchanged.
    now = _get(org, bob, starter["id"])
    assert now["title"] == "Sales 2026" and len(now["tiles"]) == 2 and now["version"] == 2
    assert _get(org, alice, copy["id"])["title"] == "Alice's"
    # Bob's save of the version he read before the update is refused, with the new one.
    r = org.embed(
        bob,
        "PUT",
        f"/dashboards/{starter['id']}",
        json={"title": "Bob's", "tiles": bob_saw["tiles"], "filters": [], "version": 1},
    )
    assert r.status_code == 409, r.text
    assert r.json()["current"]["title"] == "Sales 2026" and r.json()["current"]["starter"] is True
    assert all(not d["copied_from"] for d in _list(org, bob))  # no copy was made
    # A stale admin update is refused too.
    r = org.admin("PUT", f"/starters/{starter['id']}", json={"version": 1, "dashboard": SALES})
    assert r.status_code == 409 and r.json()["code"] == "version_conflict"
    assert len(_audit(org, "starter.updated")) == 1


def test_a_withdrawn_starter_goes_away_but_copies_stay(org: Org) -> None:
    starter = _publish(org, dashboard=SALES)
    alice, bob = org.token("alice"), org.token("bob")
    copy = _put(org, alice, _get(org, alice, starter["id"]), title="Kept")
    r = org.admin("DELETE", f"/starters/{starter['id']}")
    assert r.status_code == 204, r.text
    assert all(d["id"] != starter["id"] for d in _list(org, bob))
    _get(org, bob, starter["id"], expect=404)
    assert _get(org, alice, copy["id"])["title"] == "Kept"
    assert [d["id"] for d in _list(org, alice)] == [copy["id"]]
    assert org.admin("GET", "/starters").json()["starters"] == []
    assert org.admin("DELETE", f"/starters/{starter['id']}").status_code == 404
    [entry] = _audit(org, "starter.withdrawn")
    assert entry["details"]["copies_kept"] == 1


def test_publish_from_a_users_dashboard(org: Org, other_org: Org) -> None:
    sandbox = org.token("test-user")
    r = org.embed(sandbox, "POST", "/dashboards", json={"title": "Built in the sandbox"})
    built = _put(org, sandbox, r.json(), tiles=[REVENUE, HEADCOUNT])
    starter = _publish(org, dashboard_id=built["id"], title="Team overview")
    assert starter["title"] == "Team overview" and len(starter["tiles"]) == 2
    assert starter["source_dashboard_id"] == built["id"]
    # Later edits of the sandbox dashboard do not change the starter until the admin updates.
    _put(org, sandbox, built, tiles=[HEADCOUNT])
    assert len(_get(org, org.token("bob"), starter["id"])["tiles"]) == 2
    r = org.admin("PUT", f"/starters/{starter['id']}", json={"dashboard_id": built["id"]})
    assert r.status_code == 200 and len(r.json()["tiles"]) == 1
    assert r.json()["title"] == "Built in the sandbox"
    # A dashboard of another organization, both sources or none: refused, nothing published.
    theirs = other_org.embed(other_org.token("x"), "POST", "/dashboards", json={}).json()
    assert _publish(org, expect=404, dashboard_id=theirs["id"])["code"] == "not_found"
    _publish(org, expect=422, dashboard_id=built["id"], dashboard=SALES)
    _publish(org, expect=422)
    _publish(org, expect=422, dashboard={"title": "x", "tiles": [{"kind": "text"}]})
    assert len(org.admin("GET", "/starters").json()["starters"]) == 1


def test_end_users_cannot_delete_share_or_change_a_starter(org: Org) -> None:
    starter = _publish(org, dashboard=SALES)
    alice = org.token("alice")
    r = org.embed(alice, "DELETE", f"/dashboards/{starter['id']}")
    assert r.status_code == 403 and r.json()["code"] == "starter_read_only"
    r = org.embed(alice, "PUT", f"/dashboards/{starter['id']}/sharing", json={"team": True})
    assert r.status_code == 403 and r.json()["code"] == "starter_not_shareable"
    viewer = org.token("vera", permissions={"dashboards": "view"})
    assert any(d["id"] == starter["id"] for d in _list(org, viewer))
    _put(org, viewer, _get(org, viewer, starter["id"]), expect=403, title="Nope")
    r = org.embed(alice, "POST", f"/dashboards/{starter['id']}/duplicate", json={})
    assert r.status_code == 201 and r.json()["title"] == "Sales overview (copy)"
    assert r.json()["copied_from"] is None  # a duplicate is a dashboard of its own
    # None of it changed the starter.
    got = org.admin("GET", f"/starters/{starter['id']}").json()
    assert (got["version"], got["title"], got["copies"]) == (1, "Sales overview", 0)


def test_two_first_saves_at_once_make_one_copy(org: Org) -> None:
    starter = _publish(org, dashboard=SALES)
    alice = org.token("alice")
    seen = _get(org, alice, starter["id"])
    codes: list[int] = []

    def save(i: int) -> None:
        body = {"title": f"Mine {i}", "tiles": seen["tiles"], "filters": [], "version": 1}
        codes.append(org.embed(alice, "PUT", f"/dashboards/{starter['id']}", json=body).status_code)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409, 409, 409]
    assert [d["copied_from"] for d in _list(org, alice)] == [starter["id"]]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("starters-demo") / "demo.sqlite"
    generate_demo_database(path)
    return path


def test_a_starters_tiles_run_under_each_users_own_rules(org: Org, demo_db: Path) -> None:
    r = org.admin(
        "POST",
        "/sources",
        json={"name": "Demo", "connection": {"kind": "sqlite", "path": str(demo_db)}},
    )
    assert r.status_code == 201, r.text
    r = org.admin(
        "PUT",
        f"/sources/{r.json()['id']}/rules/sales",
        json={"conditions": [{"column": "sales_region", "op": "eq", "attribute": "region"}]},
    )
    assert r.status_code == 200, r.text
    starter = _publish(org, dashboard=SALES)
    rows = {}
    for user, region in (("alice", "North"), ("bob", "South")):
        token = org.token(user, attributes={"tier": 1, "region": region})
        tile = _get(org, token, starter["id"])["tiles"][0]
        r = org.embed(token, "POST", "/query", json={"query": tile["query"]})
        assert r.status_code == 200, r.text
        rows[user] = r.json()["rows"]
    assert [row[0] for row in rows["alice"]] == ["North"]
    assert [row[0] for row in rows["bob"]] == ["South"]
