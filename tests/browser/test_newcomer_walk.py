"""Defects a newcomer met walking the editor (the chat's answer table, the sidebar, the
organization's name, the builder's break-down list), and how a dashboard with map tiles loads."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import Plotboard

pytestmark = pytest.mark.browser
TIMEOUT = ui.TIMEOUT


def test_two_map_tiles_share_one_place_lookup_and_the_outline_loads_early(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # Two map tiles of the same places each asked the gazetteer for them; and the world
    # outline (a lazy chunk, the longest path of the first draw) was asked for only when the
    # map tile ran its query, after the tiles before it had sent theirs.
    count = {"table": "employees", "measures": [{"agg": "count"}]}
    by_office = {**count, "dimensions": [{"column": "location"}]}
    tiles = [
        {"id": "kpi", "title": "Headcount", "chart": {"type": "kpi"}, "query": count,
         "layout": {"x": 0, "y": 0, "w": 3, "h": 3}},
        {"id": "m1", "title": "Offices", "chart": {"type": "map"}, "query": by_office,
         "layout": {"x": 0, "y": 3, "w": 6, "h": 5}},
        {"id": "m2", "title": "Offices again", "chart": {"type": "map"}, "query": by_office,
         "layout": {"x": 6, "y": 3, "w": 6, "h": 5}},
    ]  # fmt: skip
    token = plotboard.token("alice")
    body = {"title": "Two maps", "tiles": tiles}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("alice")
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 3)
    s.page.locator("pb-chart[data-rendered='true'][aria-label^='Offices']").nth(1).wait_for(
        timeout=TIMEOUT
    )
    lookups = [u for u in s.requests if "/api/v1/embed/geo" in u]
    assert len(lookups) == 1, lookups
    world = next(i for i, u in enumerate(s.requests) if "/chunks/world-" in u)
    first_query = next(i for i, u in enumerate(s.requests) if "/api/v1/embed/query" in u)
    assert world < first_query, s.requests
    assert not s.errors, s.errors
