"""A newly connected database is closed to end users until the admin opens it.

Closed means absent, by every path an end user has: the catalog, a query spec (named or as the
organization's "only" source), raw SQL, the AI, a dashboard tile naming it. Its 404 reads like
that of a source that does not exist, and nothing connects to it (no timing to tell them apart).
The admin keeps working on it (tables, rules) and opens it; it is then seen under its rules.
The MCP tools are in `test_mcp.py`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plotboard.demo.data import generate_demo_database
from tests.api.conftest import Org

SALES_BY_REGION = {
    "table": "sales",
    "measures": [{"agg": "count"}],
    "dimensions": [{"column": "sales_region"}],
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("closed") / "demo.sqlite"
    generate_demo_database(path)
    return path


def _connect(org: Org, db: Path, name: str = "Shop", **body: Any) -> dict[str, Any]:
    """Connect through the admin API as an admin would: no `end_users` sent unless given (the
    test helper `Org.admin` would open it)."""
    r = org.client.post(
        "/api/v1/admin/sources",
        headers={"Authorization": f"Bearer {org.admin_key}"},
        json={"name": name, "connection": {"kind": "sqlite", "path": str(db)}, **body},
    )
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


def _without(body: dict[str, Any], *texts: str) -> dict[str, Any]:
    """The error body with the request id dropped and `texts` (ids) blanked out."""
    text = json.dumps({k: v for k, v in body.items() if k != "request_id"}, sort_keys=True)
    for t in texts:
        text = text.replace(t, "<id>")
    out: dict[str, Any] = json.loads(text)
    return out


def test_a_new_source_is_closed_by_every_path_then_opened_under_its_rules(
    org: Org, other_org: Org, demo_db: Path
) -> None:
    made = _connect(org, demo_db)
    source = made["id"]
    assert made["end_users"] == "closed"
    assert org.admin("GET", f"/sources/{source}").json()["end_users"] == "closed"
    listed = org.admin("GET", "/sources").json()["sources"]
    assert [s["end_users"] for s in listed] == ["closed"]

    user = org.token("alice", attributes={"tier": 1, "region": "North"}, permissions={"sql": True})
    nobody = other_org.token(  # an organization with no source at all
        "alice", attributes={"tier": 1, "region": "North"}, permissions={"sql": True}
    )

    # Catalog: nothing, as for an organization without a source.
    assert org.embed(user, "GET", "/catalog").json() == {"sources": []}
    assert other_org.embed(nobody, "GET", "/catalog").json() == {"sources": []}

    def both(body: dict[str, Any], missing_id: str = "0" * 32) -> None:
        """The closed source's answer is the answer for a source that does not exist."""
        closed = org.embed(user, "POST", "/query", json=body)
        absent_body = {**body, "source": missing_id} if "source" in body else body
        absent = other_org.embed(nobody, "POST", "/query", json=absent_body)
        assert closed.status_code == absent.status_code == 404, (closed.text, absent.text)
        assert _without(closed.json(), source) == _without(absent.json(), missing_id)
        assert "Shop" not in closed.text and "sales" not in closed.json().get("detail", "")

    both({"query": SALES_BY_REGION})  # the organization's "only" source: none
    both({"source": source, "query": SALES_BY_REGION})  # named
    both({"sql": "SELECT COUNT(*) FROM sales"})  # raw SQL, the only source
    both({"source": source, "sql": "SELECT COUNT(*) FROM sales"})  # raw SQL, named
    # The same organization, a source id that does not exist: the same words.
    missing = org.embed(user, "POST", "/query", json={"source": "f" * 32, "query": {}})
    named = org.embed(user, "POST", "/query", json={"source": source, "query": {}})
    assert missing.status_code == named.status_code == 404
    assert _without(missing.json(), "f" * 32) == _without(named.json(), source)

    # A dashboard may name it (any text may be saved); its tile's query is refused the same way.
    tile = {
        "title": "Sales",
        "source": source,
        "query": SALES_BY_REGION,
        "chart": {"type": "bar"},
        "layout": {"x": 0, "y": 0, "w": 6, "h": 4},
    }
    saved = org.embed(user, "POST", "/dashboards", json={"title": "Mine", "tiles": [tile]})
    assert saved.status_code == 201, saved.text
    both({"source": source, "query": SALES_BY_REGION})

    # The AI answers as it does without any database, naming none.
    asked = org.embed(user, "POST", "/ai/ask", json={"question": "sales by region"})
    alone = other_org.embed(nobody, "POST", "/ai/ask", json={"question": "sales by region"})
    assert asked.status_code == alone.status_code, (asked.text, alone.text)
    assert "Shop" not in asked.text and source not in asked.text
    assert _without(asked.json()) == _without(alone.json())

    # Nothing above connected to the database: no time spent there to tell it apart.
    assert source not in org.runtime.pool

    # The admin works on it meanwhile: its tables, a rule, the rules' list.
    assert len(org.admin("GET", f"/sources/{source}/tables").json()["tables"]) == 3
    rule = [{"column": "sales_region", "op": "eq", "attribute": "region"}]
    r = org.admin("PUT", f"/sources/{source}/rules/sales", json={"conditions": rule})
    assert r.status_code == 200, r.text
    assert org.embed(user, "GET", "/catalog").json() == {"sources": []}

    # Opened: seen under its rules, by spec, by raw SQL and in the catalog.
    opened = org.client.patch(
        f"/api/v1/admin/sources/{source}",
        headers={"Authorization": f"Bearer {org.admin_key}"},
        json={"end_users": "open"},
    )
    assert opened.status_code == 200 and opened.json()["end_users"] == "open", opened.text
    [catalog] = org.embed(user, "GET", "/catalog").json()["sources"]
    assert catalog["id"] == source
    rows = org.embed(user, "POST", "/query", json={"query": SALES_BY_REGION}).json()["rows"]
    assert [r[0] for r in rows] == ["North"]
    sql = org.embed(user, "POST", "/query", json={"sql": "SELECT sales_region FROM sales"})
    assert sql.status_code == 200 and {r[0] for r in sql.json()["rows"]} == {"North"}
    tile_rows = org.embed(user, "POST", "/query", json={"source": source, "query": SALES_BY_REGION})
    assert tile_rows.status_code == 200

    # Closed again: gone at once, cached answers and contexts included.
    closed = org.admin("PATCH", f"/sources/{source}", json={"end_users": "closed"})
    assert closed.status_code == 200 and closed.json()["end_users"] == "closed"
    assert org.embed(user, "GET", "/catalog").json() == {"sources": []}
    both({"source": source, "query": SALES_BY_REGION})
    both({"query": SALES_BY_REGION})


def test_a_closed_source_is_never_the_default_nor_named_beside_an_open_one(
    org: Org, demo_db: Path
) -> None:
    shop = _connect(org, demo_db, "Shop", end_users="open")
    archive = _connect(org, demo_db, "Archive")  # the same tables, closed
    assert shop["end_users"] == "open" and archive["end_users"] == "closed"
    user = org.token("alice", attributes={"tier": 1, "region": "North"})
    # With one open source, a query without a source goes there: no "say which one" naming
    # the closed one.
    r = org.embed(user, "POST", "/query", json={"query": SALES_BY_REGION})
    assert r.status_code == 200, r.text
    assert "Archive" not in r.text and archive["id"] not in r.text
    asked = org.embed(user, "POST", "/ai/ask", json={"question": "how many sales by region"})
    assert asked.status_code == 200 and "Archive" not in asked.text
    assert archive["id"] not in asked.text
    [listed] = org.embed(user, "GET", "/catalog").json()["sources"]
    assert listed["id"] == shop["id"]


def test_end_users_is_open_or_closed(org: Org, demo_db: Path) -> None:
    r = org.client.post(
        "/api/v1/admin/sources",
        headers={"Authorization": f"Bearer {org.admin_key}"},
        json={
            "name": "X",
            "connection": {"kind": "sqlite", "path": str(demo_db)},
            "end_users": "everyone",
        },
    )
    assert r.status_code == 422 and "end_users" in r.text
    source = _connect(org, demo_db)["id"]
    r = org.admin("PATCH", f"/sources/{source}", json={"end_users": "yes"})
    assert r.status_code == 422 and "end_users" in r.text
    assert org.admin("GET", f"/sources/{source}").json()["end_users"] == "closed"
    # Opening and closing are audited as such.
    assert org.admin("PATCH", f"/sources/{source}", json={"end_users": "open"}).status_code == 200
    assert org.admin("PATCH", f"/sources/{source}", json={"end_users": "closed"}).status_code == 200
    actions = [e["action"] for e in org.admin("GET", "/audit").json()["entries"]]
    assert actions[:3] == ["source.closed", "source.opened", "source.created"], actions
