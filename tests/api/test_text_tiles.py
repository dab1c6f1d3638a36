"""Text tiles (Dashboards v2): Markdown kept exactly as sent, beside chart tiles that keep their
v1 shape; bad text tiles get a 422 naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Org

CHART = {
    "id": "c",
    "title": "Headcount",
    "query": {"table": "employees", "measures": [{"agg": "count"}]},
    "chart": {"type": "kpi"},
    "layout": {"x": 0, "y": 0, "w": 3, "h": 3},
}
NOTE = {
    "id": "n",
    "kind": "text",
    "title": "",
    "text": "## How to read this\n\n- **Revenue** is net of refunds\n- [Glossary](https://example.com)",
    "chart": {},
    "layout": {"x": 3, "y": 0, "w": 6, "h": 3},
}


def _create(org: Org, token: str, **body: Any) -> Any:
    return org.embed(token, "POST", "/dashboards", json=body)


def test_text_tiles_round_trip_beside_chart_tiles_in_their_v1_shape(org: Org) -> None:
    token = org.token()
    r = _create(org, token, title="Notes", tiles=[CHART, NOTE])
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["tiles"] == [CHART, {**NOTE, "query": None}]
    assert "kind" not in created["tiles"][0] and "text" not in created["tiles"][0]
    # GET -> edit -> PUT of the same document works.
    got = org.embed(token, "GET", f"/dashboards/{created['id']}").json()
    got["tiles"][1]["text"] = "Edited **note**"
    r = org.embed(token, "PUT", f"/dashboards/{created['id']}", json=got)
    assert r.status_code == 200, r.text
    assert r.json()["tiles"][1]["text"] == "Edited **note**"
    history = org.embed(token, "GET", f"/dashboards/{created['id']}/versions").json()
    assert history[0]["summary"] == "edited a text tile"


def test_hostile_markdown_is_stored_as_text_not_interpreted(org: Org) -> None:
    """The server keeps what was sent; the editor sanitizes on render (tests/browser)."""
    token = org.token()
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">[x](javascript:alert(3))'
    r = _create(org, token, tiles=[{**NOTE, "text": hostile}])
    assert r.status_code == 201, r.text
    assert r.json()["tiles"][0]["text"] == hostile


@pytest.mark.parametrize(
    ("tile", "says"),
    [
        ({"kind": "text"}, "needs 'text'"),
        ({"kind": "text", "text": "x", "query": {"table": "sales"}}, "has no query"),
        ({"text": "a chart with text"}, "'text' is for text tiles"),
        ({"kind": "picture", "text": "x"}, "kind"),
        ({"kind": "text", "text": "x" * 20_001}, "20000"),
        ({"kind": "text", "text": 5}, "string"),
    ],
)
def test_bad_text_tiles_get_422_naming_the_problem(
    org: Org, tile: dict[str, Any], says: str
) -> None:
    token = org.token()
    r = _create(org, token, tiles=[tile])
    assert r.status_code == 422, r.text
    assert says in r.text
    assert org.embed(token, "GET", "/dashboards").json()["dashboards"] == []


def test_a_chart_tile_keeps_the_source_it_runs_on(org: Org) -> None:
    # With two databases that both have a `sales` table, a tile must say which one it reads:
    # `source` was refused (422, unknown field), so the editor could not keep it.
    token = org.token()
    on_shop = {**CHART, "id": "s", "source": "shop-source-id"}
    r = _create(org, token, title="Two databases", tiles=[CHART, on_shop])
    assert r.status_code == 201, r.text
    tiles = r.json()["tiles"]
    assert tiles == [CHART, on_shop]  # left out where it was left out (the v1 shape)
    got = org.embed(token, "GET", f"/dashboards/{r.json()['id']}").json()
    got["tiles"][1]["source"] = "other-source-id"
    r = org.embed(token, "PUT", f"/dashboards/{got['id']}", json=got)
    assert r.status_code == 200, r.text
    assert r.json()["tiles"][1]["source"] == "other-source-id"
    bad = _create(org, token, tiles=[{**NOTE, "source": "shop-source-id"}])
    assert bad.status_code == 422, bad.text
