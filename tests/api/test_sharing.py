"""Sharing a dashboard within a team: the organization's team attribute, share and stop
sharing, teammates read it under their own rules (never the owner's rows) and cannot write,
duplicate it into their own; fail closed without the attribute; 404 across teams and
organizations; audited. SQLite and PostgreSQL stores (tests/api/conftest.py)."""

from __future__ import annotations

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


def _teams(org: Org, attribute: str = "team", kind: str = "string") -> None:
    r = org.admin("POST", "/token-attributes", json={"name": attribute, "type": kind})
    assert r.status_code == 201, r.text
    r = org.admin("PUT", "/organization", json={"team_attribute": attribute})
    assert r.status_code == 200, r.text
    assert r.json()["team_attribute"] == attribute


def _token(org: Org, user: str, team: Any = None, region: str = "North", **body: Any) -> str:
    attributes: dict[str, Any] = {"tier": 1, "region": region}
    if team is not None:
        attributes["team"] = team
    return org.token(user, attributes=attributes, **body)


def _create(org: Org, token: str, **body: Any) -> dict[str, Any]:
    r = org.embed(
        token, "POST", "/dashboards", json={"title": "Pipeline", "tiles": [REVENUE], **body}
    )
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def _share(org: Org, token: str, dashboard_id: str, on: bool = True, expect: int = 200) -> Any:
    r = org.embed(token, "PUT", f"/dashboards/{dashboard_id}/sharing", json={"team": on})
    assert r.status_code == expect, r.text
    return r.json()


def _listed(org: Org, token: str) -> dict[str, dict[str, Any]]:
    r = org.embed(token, "GET", "/dashboards")
    assert r.status_code == 200, r.text
    return {d["id"]: d for d in r.json()["dashboards"]}


def _audit(org: Org, action: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = org.admin("GET", "/audit").json()["entries"]
    return [e for e in entries if e["action"] == action]


def test_a_teammate_sees_it_under_shared_and_reads_it(org: Org) -> None:
    _teams(org)
    alice, bob = _token(org, "alice", "sales"), _token(org, "bob", "sales")
    d = _create(org, alice)
    assert d["shared"] is False
    assert d["id"] not in _listed(org, bob)
    shared = _share(org, alice, d["id"])
    assert shared["shared"] is True and shared["version"] == d["version"]  # not a new version
    assert org.embed(bob, "GET", "/dashboards").json()["can_share"] is True
    seen = _listed(org, bob)[d["id"]]
    assert (seen["owner"], seen["shared"], seen["starter"]) == ("team", True, False)
    got = org.embed(bob, "GET", f"/dashboards/{d['id']}").json()
    assert got["owner"] == "team" and got["tiles"] == [REVENUE]
    # The owner still lists it as theirs, marked shared.
    mine = _listed(org, alice)[d["id"]]
    assert (mine["owner"], mine["shared"]) == ("me", True)
    [entry] = _audit(org, "dashboard.shared")
    assert entry["actor"] == "embed:alice" and entry["target_id"] == d["id"]
    assert entry["details"] == {"team_attribute": "team", "team": "sales"}


def test_teammates_cannot_write_but_may_duplicate(org: Org) -> None:
    _teams(org)
    alice, bob = _token(org, "alice", "sales"), _token(org, "bob", "sales")
    d = _create(org, alice)
    _share(org, alice, d["id"])
    body = {"title": "Bob was here", "tiles": [], "filters": [], "version": d["version"]}
    r = org.embed(bob, "PUT", f"/dashboards/{d['id']}", json=body)
    assert r.status_code == 403 and r.json()["code"] == "shared_read_only"
    assert "Duplicate" in r.json()["detail"]
    r = org.embed(bob, "DELETE", f"/dashboards/{d['id']}")
    assert r.status_code == 403 and r.json()["code"] == "shared_read_only"
    r = org.embed(bob, "PUT", f"/dashboards/{d['id']}/sharing", json={"team": False})
    assert r.status_code == 403 and r.json()["code"] == "shared_read_only"
    assert org.embed(bob, "GET", f"/dashboards/{d['id']}/versions").status_code == 404
    r = org.embed(bob, "POST", f"/dashboards/{d['id']}/versions/1/restore", json={})
    assert r.status_code == 404
    copy = org.embed(bob, "POST", f"/dashboards/{d['id']}/duplicate")
    assert copy.status_code == 201, copy.text
    mine = copy.json()
    assert mine["owner"] == "me" and mine["title"] == "Pipeline (copy)" and not mine["shared"]
    assert mine["tiles"] == [REVENUE]
    # Bob's copy is his to edit; Alice's dashboard is unchanged.
    body = {"title": "Bob's pipeline", "tiles": [], "filters": [], "version": 1}
    assert org.embed(bob, "PUT", f"/dashboards/{mine['id']}", json=body).status_code == 200
    again = org.embed(alice, "GET", f"/dashboards/{d['id']}").json()
    assert again["title"] == "Pipeline" and again["version"] == d["version"]


def test_the_owner_can_stop_sharing(org: Org) -> None:
    _teams(org)
    alice, bob = _token(org, "alice", "sales"), _token(org, "bob", "sales")
    d = _create(org, alice)
    _share(org, alice, d["id"])
    assert _share(org, alice, d["id"], on=False)["shared"] is False
    assert d["id"] not in _listed(org, bob)
    assert org.embed(bob, "GET", f"/dashboards/{d['id']}").status_code == 404
    assert org.embed(bob, "POST", f"/dashboards/{d['id']}/duplicate").status_code == 404
    # Stopping works even from a token that has lost its team.
    _share(org, alice, d["id"])
    assert _share(org, _token(org, "alice"), d["id"], on=False)["shared"] is False
    assert len(_audit(org, "dashboard.unshared")) == 2


def test_other_teams_and_organizations_get_404(org: Org, other_org: Org) -> None:
    _teams(org)
    _teams(other_org)
    alice, carol = _token(org, "alice", "sales"), _token(org, "carol", "support")
    d = _create(org, alice)
    _share(org, alice, d["id"])
    stranger = _token(other_org, "bob", "sales")  # same user id and team, other organization
    for o, token in ((org, carol), (other_org, stranger)):
        assert d["id"] not in _listed(o, token)
        for method, path in (
            ("GET", ""),
            ("PUT", "/sharing"),
            ("POST", "/duplicate"),
            ("DELETE", ""),
        ):
            kwargs: dict[str, Any] = {"json": {"team": True}} if path == "/sharing" else {}
            r = o.embed(token, method, f"/dashboards/{d['id']}{path}", **kwargs)
            assert r.status_code == 404, (method, path, r.text)
            assert r.json()["code"] == "not_found"


def test_fail_closed_without_the_team_attribute(org: Org) -> None:
    r = org.admin("POST", "/token-attributes", json={"name": "team", "type": "string"})
    assert r.status_code == 201, r.text
    alice = _token(org, "alice", "sales")
    d = _create(org, alice)
    # The organization has not chosen a team attribute: nobody can share.
    r = org.embed(alice, "PUT", f"/dashboards/{d['id']}/sharing", json={"team": True})
    assert r.status_code == 403 and r.json()["code"] == "sharing_off"
    assert org.admin("PUT", "/organization", json={"team_attribute": "team"}).status_code == 200
    _share(org, alice, d["id"])
    # A token without the attribute (or an empty one) neither sees shared dashboards nor shares.
    for token in (_token(org, "bob"), _token(org, "bob", ""), _token(org, "bob", "  ")):
        assert d["id"] not in _listed(org, token)
        assert org.embed(token, "GET", "/dashboards").json()["can_share"] is False
        assert org.embed(token, "GET", f"/dashboards/{d['id']}").status_code == 404
        own = _create(org, token)
        r = org.embed(token, "PUT", f"/dashboards/{own['id']}/sharing", json={"team": True})
        assert r.status_code == 403 and r.json()["code"] == "no_team"
        assert "'team'" in r.json()["detail"]


def test_view_only_tokens_see_shared_dashboards_but_cannot_share(org: Org) -> None:
    _teams(org)
    alice = _token(org, "alice", "sales")
    d = _create(org, alice)
    _share(org, alice, d["id"])
    viewer = _token(org, "vera", "sales", permissions={"dashboards": "view"})
    assert _listed(org, viewer)[d["id"]]["owner"] == "team"
    assert org.embed(viewer, "GET", "/dashboards").json()["can_share"] is False
    assert org.embed(viewer, "GET", f"/dashboards/{d['id']}").status_code == 200
    for method, path, body in (
        ("PUT", "/sharing", {"team": True}),
        ("POST", "/duplicate", {}),
    ):
        r = org.embed(viewer, method, f"/dashboards/{d['id']}{path}", json=body)
        assert r.status_code == 403 and r.json()["code"] == "read_only_token"
    viewer_own = _token(org, "alice", "sales", permissions={"dashboards": "view"})
    r = org.embed(viewer_own, "PUT", f"/dashboards/{d['id']}/sharing", json={"team": False})
    assert r.status_code == 403 and r.json()["code"] == "read_only_token"


def test_changing_the_team_attribute_hides_what_was_shared_by_the_old_one(org: Org) -> None:
    _teams(org)
    r = org.admin("POST", "/token-attributes", json={"name": "tenant", "type": "string"})
    assert r.status_code == 201, r.text
    alice = _token(org, "alice", "sales")
    d = _create(org, alice)
    _share(org, alice, d["id"])
    assert org.admin("PUT", "/organization", json={"team_attribute": "tenant"}).status_code == 200
    # Same value under the new attribute: still not the team it was shared with.
    bob = org.token("bob", attributes={"tier": 1, "team": "sales", "tenant": "sales"})
    assert d["id"] not in _listed(org, bob)
    assert org.embed(bob, "GET", f"/dashboards/{d['id']}").status_code == 404
    assert org.admin("PUT", "/organization", json={"team_attribute": None}).status_code == 200
    assert d["id"] not in _listed(org, bob)


def test_number_teams_match_by_value(org: Org) -> None:
    _teams(org, "team", "number")
    alice, bob, carol = (_token(org, "alice", 7), _token(org, "bob", 7.0), _token(org, "carol", 8))
    d = _create(org, alice)
    _share(org, alice, d["id"])
    assert d["id"] in _listed(org, bob)
    assert d["id"] not in _listed(org, carol)


def test_the_team_attribute_must_be_a_single_value_attribute(org: Org) -> None:
    for name, code in (("nope", "invalid_team_attribute"), ("location", "invalid_team_attribute")):
        r = org.admin("PUT", "/organization", json={"team_attribute": name})
        assert r.status_code == 422 and r.json()["code"] == code, r.text
        assert "team_attribute" in r.text
    assert org.admin("GET", "/organization").json()["team_attribute"] is None
    r = org.admin("PUT", "/organization", json={"team_attribute": "region"})
    assert r.status_code == 200 and r.json()["team_attribute"] == "region"
    # A PUT of another setting leaves it as it is.
    r = org.admin("PUT", "/organization", json={"time_zone": "Europe/Paris"})
    assert r.json()["team_attribute"] == "region"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sharing-demo") / "demo.sqlite"
    generate_demo_database(path)
    return path


def test_a_teammate_runs_the_tiles_under_their_own_rules(org: Org, demo_db: Path) -> None:
    """Tiles are specs: the owner's rows never reach a teammate, cached or not."""
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
    _teams(org)
    alice = _token(org, "alice", "sales", region="North")
    bob = _token(org, "bob", "sales", region="South")
    d = _create(org, alice)
    _share(org, alice, d["id"])

    def tile_rows(token: str) -> Any:
        tile = org.embed(token, "GET", f"/dashboards/{d['id']}").json()["tiles"][0]
        r = org.embed(token, "POST", "/query", json={"query": tile["query"]})
        assert r.status_code == 200, r.text
        return r.json()

    owner = tile_rows(alice)  # the owner runs it first: a cached answer exists for her rules
    teammate = tile_rows(bob)
    assert [row[0] for row in owner["rows"]] == ["North"]
    assert [row[0] for row in teammate["rows"]] == ["South"]
    assert teammate["cache"] == "miss"
    assert teammate["rows"] != owner["rows"]
