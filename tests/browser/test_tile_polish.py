"""Tile polish (issue 13 item 8), embedded from another origin: a tile shows its own filters;
chart and text tiles are duplicated from the tile."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import Plotboard
from tests.conftest import screenshot_dir

pytestmark = pytest.mark.browser
IMAGES = screenshot_dir()


def test_a_tile_shows_its_own_filters_and_tiles_duplicate(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("polly", attributes=plotboard.attributes("alice"))
    filtered = {"id": "f", "title": "Front office", "chart": {"type": "bar"},
                "query": {"table": "employees", "measures": [{"agg": "count"}],
                          "dimensions": [{"column": "location"}],
                          "filters": [{"column": "department", "op": "in",
                                       "value": ["Sales", "Support"]},
                                      {"column": "salary", "op": "gte", "value": 50000}]},
                "layout": {"x": 0, "y": 0, "w": 6, "h": 4}}  # fmt: skip
    plain = {"id": "p", "title": "Everyone", "chart": {"type": "kpi"},
             "query": {"table": "employees", "measures": [{"agg": "count"}]},
             "layout": {"x": 6, "y": 0, "w": 3, "h": 3}}  # fmt: skip
    note = {"id": "n", "kind": "text", "text": "**Front office** means Sales and Support.",
            "layout": {"x": 9, "y": 0, "w": 3, "h": 3}}  # fmt: skip
    body = {"title": "Polish", "tiles": [filtered, plain, note]}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("polly")
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 2)

    chips = ui.tile(s.page, "Front office").locator("[data-own-filters] .badge")
    assert chips.all_inner_texts() == ["Department: Sales, Support", "Salary ≥ 50000"]
    assert ui.tile(s.page, "Everyone").locator("[data-own-filters]").count() == 0
    s.page.locator("plotboard-editor").screenshot(path=str(IMAGES / "tile-filters.png"))

    ui.tile_menu(s.page, "Front office", "Duplicate")
    ui.wait_saved(s.page)
    s.page.locator("pb-text-tile").get_by_label("Duplicate Text").click()
    ui.wait_saved(s.page)
    s.page.wait_for_function(
        "() => window.__events.filter(e => e.name === 'plotboard:dashboard-saved').length >= 2"
    )
    ui.wait_saved(s.page)
    saved = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()["tiles"]
    copies = [t for t in saved if t["id"] not in {"f", "p", "n"}]
    assert sorted(t.get("kind", "chart") for t in copies) == ["chart", "text"]
    chart_copy = next(t for t in copies if t.get("kind", "chart") == "chart")
    assert chart_copy["title"] == "Front office (copy)"
    assert chart_copy["query"] == filtered["query"]
    text_copy = next(t for t in copies if t.get("kind") == "text")
    assert text_copy["text"] == note["text"] and text_copy["title"] == ""
    assert s.page.locator("pb-text-tile").count() == 2
    assert not s.errors, s.errors
