"""Dashboards: GET → edit → PUT round trips (#9.16), and every part of a saved dashboard is
bounded, with nothing half-written (#9.5)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Org

TILE: dict[str, Any] = {
    "id": "t1",
    "title": "Average salary by location",
    "query": {"table": "employees", "measures": [{"agg": "avg", "column": "salary"}]},
    "chart": {"type": "bar", "options": {"colors": ["#123456"]}},
    "layout": {"x": 0, "y": 0, "w": 6, "h": 4},
}


def _create(org: Org, token: str, **body: Any) -> dict[str, Any]:
    r = org.embed(token, "POST", "/dashboards", json=body)
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


def test_the_body_get_returned_can_be_edited_and_put_back(org: Org) -> None:
    token = org.token()
    made = _create(org, token, title="Sales", tiles=[TILE])
    got = org.embed(token, "GET", f"/dashboards/{made['id']}").json()
    edited = {**got, "title": "Sales, renamed"}
    r = org.embed(token, "PUT", f"/dashboards/{made['id']}", json=edited)
    assert r.status_code == 200, r.text
    saved = r.json()
    assert saved["title"] == "Sales, renamed" and saved["version"] == 2
    assert saved["tiles"] == [TILE]
    # Read-only fields are ignored, not stored: the creation time is the server's.
    assert saved["created_at"] == got["created_at"]
    again = org.embed(token, "GET", f"/dashboards/{made['id']}").json()
    assert again["title"] == "Sales, renamed" and again["version"] == 2
    # The same body again is a stale version: 409, as always.
    stale = org.embed(token, "PUT", f"/dashboards/{made['id']}", json=edited)
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    # The 409's `current`, edited, can be put back too.
    merged = {**stale.json()["current"], "title": "Merged"}
    r = org.embed(token, "PUT", f"/dashboards/{made['id']}", json=merged)
    assert r.status_code == 200 and r.json()["version"] == 3, r.text


def test_read_only_fields_are_ignored_whatever_they_say(org: Org) -> None:
    token = org.token()
    made = _create(org, token)
    body = {
        "title": "x",
        "version": 1,
        "created_at": "1999-01-01T00:00:00Z",
        "updated_at": None,
    }
    r = org.embed(token, "PUT", f"/dashboards/{made['id']}", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["created_at"] == made["created_at"]


def test_an_id_naming_another_dashboard_is_refused(org: Org) -> None:
    token = org.token()
    first, second = _create(org, token, title="first"), _create(org, token, title="second")
    body = {**first, "title": "moved?"}
    r = org.embed(token, "PUT", f"/dashboards/{second['id']}", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "id"
    assert second["id"] in r.json()["detail"]
    for d in (first, second):
        got = org.embed(token, "GET", f"/dashboards/{d['id']}").json()
        assert got["title"] == d["title"] and got["version"] == 1


def test_a_huge_string_in_chart_options_is_refused(org: Org) -> None:
    token = org.token()
    # Within the request size limit, the field is named.
    bomb = {**TILE, "chart": {"type": "bar", "note": "x" * 1_500_000}}
    r = org.embed(token, "POST", "/dashboards", json={"tiles": [bomb]})
    assert r.status_code == 422, r.text[:300]
    assert r.json()["errors"][0]["field"] == "tiles.0.chart"
    assert "too long" in r.json()["detail"]
    # Past it (5 MB), the body is refused before it is read.
    bomb = {**TILE, "chart": {"type": "bar", "note": "x" * 5_000_000}}
    r = org.embed(token, "POST", "/dashboards", json={"tiles": [bomb]})
    assert r.status_code == 413, r.text[:300]
    assert r.json()["code"] == "request_too_large"
    assert org.embed(token, "GET", "/dashboards").json()["dashboards"] == []


def test_a_dashboard_over_the_byte_limit_is_a_413_and_nothing_is_written(org: Org) -> None:
    token = org.token()
    made = _create(org, token, title="small")
    # Each tile is within every per-field bound; together they pass 1 MB.
    fat = [
        {**TILE, "id": f"t{i}", "chart": {"type": "bar", "notes": ["y" * 9_000] * 2}}
        for i in range(60)
    ]
    r = org.embed(token, "POST", "/dashboards", json={"tiles": fat})
    assert r.status_code == 413, r.text[:300]
    body = r.json()
    assert body["code"] == "dashboard_too_large"
    assert "1.1 MB" in body["detail"] and "1.0 MB" in body["detail"]
    r = org.embed(
        token, "PUT", f"/dashboards/{made['id']}", json={"tiles": fat, "version": 1}
    )
    assert r.status_code == 413, r.text[:300]
    listed = org.embed(token, "GET", "/dashboards").json()["dashboards"]
    assert [(d["title"], d["version"], d["tile_count"]) for d in listed] == [("small", 1, 0)]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"tiles": [{"chart": {"type": "bar", "a": [[[[[[[[[[[[[1]]]]]]]]]]]]]}}]}, "tiles.0.chart",
         "nested too deeply"),
        # 11 levels: one past the saved-query bound (10, which filter groups 3 deep need).
        ({"tiles": [{"query": {"filters": [{"value": [{"a": [[[[[[1]]]]]]}]}]}}]},
         "tiles.0.query", "nested too deeply"),
        ({"filters": [{"column": "region", "value": "z" * 10_001}]}, "filters.0", "too long"),
        ({"tiles": [{"title": "t" * 201}]}, "tiles.0.title", "200"),
        ({"tiles": [{"chart": {"k" * 10_001: 1}}]}, "tiles.0.chart", "too long"),
        ({"tiles": [{"chart": {"points": list(range(6_000))}}]}, "tiles.0.chart",
         "too many entries"),
        ({"tiles": [{"title": str(i)} for i in range(101)]}, "tiles", "100"),
        ({"tiles": [{"layout": {"y": 10**22}}]}, "tiles.0.layout.y", "10000"),
    ],
)
def test_each_part_of_a_dashboard_is_bounded(
    org: Org, body: dict[str, Any], field: str, words: str
) -> None:
    token = org.token()
    r = org.embed(token, "POST", "/dashboards", json=body)
    assert r.status_code == 422, r.text[:300]
    problem = r.json()["errors"][0]
    assert problem["field"] == field and words in problem["message"], problem
    assert org.embed(token, "GET", "/dashboards").json()["dashboards"] == []


def test_the_byte_limit_is_a_setting(org: Org) -> None:
    settings = org.runtime.settings
    assert settings.max_dashboard_bytes == 1_000_000
    token = org.token()
    notes = {"type": "bar", "notes": ["y" * 9_000] * 2}
    tiles = [{**TILE, "id": f"t{i}", "chart": notes} for i in range(3)]  # about 55 kB
    before = settings.max_dashboard_bytes
    try:
        settings.max_dashboard_bytes = 50_000
        assert org.embed(token, "POST", "/dashboards", json={"tiles": tiles}).status_code == 413
    finally:
        settings.max_dashboard_bytes = before
    assert org.embed(token, "POST", "/dashboards", json={"tiles": tiles}).status_code == 201


def test_a_query_with_filter_groups_nested_as_deep_as_a_spec_may_is_saved(org: Org) -> None:
    # Three levels of groups (the spec's own bound) with a list value inside: 9 levels of JSON.
    deepest = {
        "table": "offices",
        "measures": [{"agg": "count"}],
        "filters": [{"any": [{"all": [{"without": "employees", "where": [
            {"column": "department", "op": "in", "value": ["Sales", "Finance"]},
            {"column": "hire_date", "op": "last", "value": {"n": 6, "unit": "month"}},
        ]}]}, {"column": "region", "op": "eq", "value": "EMEA"}]}],
    }
    token = org.token()
    made = _create(org, token, tiles=[{**TILE, "query": deepest}])
    assert made["tiles"][0]["query"] == deepest
    one_more = {**deepest, "filters": [{"any": [{"all": [{"any": [{"without": "employees"}]}]}]}]}
    r = org.embed(token, "POST", "/dashboards", json={"tiles": [{**TILE, "query": one_more}]})
    # Within the saved-query bound; the spec's own limit refuses it when it runs.
    assert r.status_code == 201, r.text
