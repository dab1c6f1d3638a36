"""Lists of records a page at a time: the AI's listings (no limit in their spec) and the
builder's, in the chat's preview and on the dashboard, each page asked for on its own."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import Plotboard

pytestmark = pytest.mark.browser
TIMEOUT = ui.TIMEOUT


def listing_queries(page: Any) -> list[dict[str, Any]]:
    """The query specs of the list-of-records requests the page sends, from now on."""
    seen: list[dict[str, Any]] = []

    def on_request(request: Any) -> None:
        if "/api/v1/embed/query" in request.url and request.method == "POST":
            body = json.loads(request.post_data or "{}")
            query = body.get("query") or {}
            if query.get("select"):
                seen.append(query)

    page.on("request", on_request)
    return seen


def page_range(tile: Any, text: str) -> None:
    """Wait for the pager to say exactly `text`."""
    exact = re.compile(f"^\\s*{re.escape(text)}\\s*$")
    tile.locator("[data-page-range]", has_text=exact).wait_for(timeout=TIMEOUT)


def rows(tile: Any) -> int:
    count: int = tile.locator("pb-table tbody tr").count()
    return count


def go_through_pages(tile: Any, total: int, size: int = 50) -> None:
    """Next from the first page to the last, each showing its rows; then back to the first."""
    page_range(tile, f"Rows 1\u2013{min(size, total)}")
    assert rows(tile) == size
    next_button = tile.get_by_role("button", name="Next")
    previous = tile.get_by_role("button", name="Previous")
    assert previous.is_disabled() and next_button.is_enabled()
    first = size + 1
    while first <= total:
        next_button.click()
        last = min(first + size - 1, total)
        page_range(tile, f"Rows {first:,}\u2013{last:,}")
        tile.locator("pb-table tbody tr").nth(last - first).wait_for(timeout=TIMEOUT)
        assert rows(tile) == last - first + 1
        assert previous.is_enabled()
        first += size
    assert next_button.is_disabled(), "Next on the last page"
    page_no = (total - 1) // size
    while page_no > 0:
        previous.click()
        page_no -= 1
        page_range(tile, f"Rows {page_no * size + 1:,}\u2013{(page_no + 1) * size:,}")
    assert previous.is_disabled() and next_button.is_enabled()


def test_an_ai_listing_pages_fifty_rows_at_a_time_in_the_chat_and_on_the_dashboard(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # "list the employees in Paris" (select, no limit, no offset) showed "Rows 1-152" with
    # Next enabled (every row loaded at once), then "Rows 51-152" over the same rows.
    token = plotboard.token("alice")
    s = open_session("alice", width=1400, height=900)
    s.open(token, **{"ai-chat": ""})
    queries = listing_queries(s.page)
    box = ui.open_chat(s.page, "Paris list")
    box.fill("list the employees in Paris")
    box.press("Enter")
    answer = s.page.locator("pb-chat [data-answer]").first
    preview = answer.locator("pb-tile[preview][data-state='ready']")
    preview.wait_for(timeout=TIMEOUT)
    assert queries, "no list query was sent"
    asked = queries[-1]
    assert asked.get("offset") == 0 and asked.get("limit") == 51, asked  # a page and one row
    whole = {k: v for k, v in asked.items() if k not in ("limit", "offset")}
    total = len(plotboard.embed(token, "POST", "/query", json={"query": whole}).json()["rows"])
    assert total > 100, total  # at least three pages
    go_through_pages(preview, total)
    assert all(q.get("limit") == 51 for q in queries), queries
    s.page.screenshot(path="/tmp/front-shots/paging-chat.png")

    # Added to the dashboard, the tile pages the same way.
    answer.locator("[data-action='chat-add']").click()
    ui.wait_saved(s.page)
    ui.wait_tiles_ready(s.page, 1)
    tile = s.page.locator("pb-grid pb-tile").first
    before = len(queries)
    go_through_pages(tile, total)
    assert all(q.get("limit") == 51 for q in queries[before:]), queries[before:]
    s.page.screenshot(path="/tmp/front-shots/paging-dashboard.png")
    # Its CSV is the whole list, not the page on screen.
    title = tile.get_attribute("data-title") or ""
    tile.get_by_label(re.compile(r"^Actions for ")).click()
    with s.page.expect_download() as csv_download:
        tile.get_by_role("menuitem", name="Download data (CSV)").click()
    with open(csv_download.value.path(), encoding="utf-8-sig") as f:
        lines = [line for line in f.read().splitlines() if line]
    assert len(lines) == total + 1, (title, len(lines), total)  # a header and every row
    assert not s.errors, s.errors


def test_a_listing_whose_last_page_is_full_has_no_next_and_a_top_n_has_no_pager(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # A full last page kept Next enabled (a full page was taken to mean "maybe more"), and
    # Next showed an empty page.
    token = plotboard.token("alice")
    base = {"table": "employees", "select": ["full_name", "location"],
            "order_by": [{"by": "full_name"}]}  # fmt: skip
    total = len(plotboard.embed(token, "POST", "/query", json={"query": base}).json()["rows"])
    size = next((d for d in range(2, total // 2 + 1) if total % d == 0 and total // d <= 4), None)
    # The demo's rows are fixed by its seed: a count with no such size is a changed demo, which
    # must fail here, not pass unseen.
    assert size is not None, f"{total} rows: no page size splits them into 2 to 4 full pages"
    layout = {"x": 0, "y": 0, "w": 12, "h": 8}
    whole = {"id": "whole", "title": "Everyone on one page", "chart": {"type": "table"},
             "query": {**base, "limit": total, "offset": 0}, "layout": layout}  # fmt: skip
    paged = {**base, "limit": size, "offset": 0}
    pages = {"id": "pages", "title": "Everyone in full pages", "chart": {"type": "table"},
             "query": paged, "layout": {**layout, "y": 8}}  # fmt: skip
    top = {"id": "top", "title": "The first ten", "chart": {"type": "table"},
           "query": {**base, "limit": 10}, "layout": {**layout, "y": 16}}  # fmt: skip
    body = {"title": "Full pages", "tiles": [whole, pages, top]}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("alice", width=1280, height=900)
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 3)
    one = ui.tile(s.page, "Everyone on one page")
    assert rows(one) == total
    assert one.locator(".pager").count() == 0
    go_through_pages(ui.tile(s.page, "Everyone in full pages"), total, size)
    ranked = ui.tile(s.page, "The first ten")
    assert rows(ranked) == 10
    assert ranked.locator(".pager").count() == 0
    assert not s.errors, s.errors
