"""Defects found walking plotboard as a newcomer on 2026-12-07 (an end user asking the AI in
/demo, an admin setting up a fresh server), each checked in Chromium the way a person meets it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import Plotboard

pytestmark = pytest.mark.browser
TIMEOUT = ui.TIMEOUT


def saved_tiles(plotboard: Plotboard, token: str, title: str) -> list[dict[str, Any]]:
    listed = plotboard.embed(token, "GET", "/dashboards").json()["dashboards"]
    found = next(d for d in listed if d["title"] == title)
    tiles: list[dict[str, Any]] = plotboard.embed(
        token, "GET", f"/dashboards/{found['id']}"
    ).json()["tiles"]
    return tiles


def hire_dates(tile: Any) -> list[str]:
    """The Hire date column of a table tile, as shown."""
    heads = [h.strip() for h in tile.locator("pb-table thead th").all_inner_texts()]
    at = heads.index("Hire date")
    cells: list[str] = tile.locator(f"pb-table tbody tr td:nth-child({at + 1})").all_inner_texts()
    return cells


def test_an_ai_top_n_list_edited_in_the_builder_stays_that_top_n(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # "Show the 10 most recently hired employees" (select + order_by hire_date + limit 10, no
    # offset), opened with "Edit in builder" and saved, came back sorted by full name (the
    # builder sorted a list by its first column only) and paged ("Rows 1-10", Next) over every
    # employee, under the title "10 employees with the latest hire date".
    token = plotboard.token("alice")
    s = open_session("alice", width=1440, height=900)
    s.open(token, **{"ai-chat": ""})
    box = ui.open_chat(s.page, "Newest hires")
    box.fill("show the 10 most recently hired employees")
    box.press("Enter")
    answer = s.page.locator("pb-chat [data-answer]").first
    answer.locator("pb-tile[preview][data-state='ready']").wait_for(timeout=TIMEOUT)
    answer.locator("[data-action='chat-edit']").click()
    d = ui.dialog(s.page)
    d.wait_for(timeout=TIMEOUT)
    assert d.get_by_label("Sort by").input_value() == "hire_date"
    assert d.get_by_label("Order", exact=True).input_value() == "label_desc"  # newest first
    assert d.get_by_label("Show", exact=True).input_value() == "top"
    assert d.get_by_label("How many rows").input_value() == "10"
    preview = d.locator("pb-tile[preview][data-state='ready']")
    preview.wait_for(timeout=TIMEOUT)
    assert preview.locator("[data-page-range]").count() == 0
    d.get_by_label("Title", exact=True).fill("Newest hires")
    d.locator("[data-action='save-tile']").click()
    d.wait_for(state="hidden", timeout=TIMEOUT)
    ui.wait_tiles_ready(s.page, 1)
    ui.wait_saved(s.page)
    tile = ui.tile(s.page, "Newest hires")
    assert tile.locator("pb-table tbody tr").count() == 10
    assert tile.locator("[data-page-range]").count() == 0
    assert tile.get_by_role("button", name="Next").count() == 0
    query = saved_tiles(plotboard, token, "Newest hires")[0]["query"]
    assert query["order_by"] == [{"by": "hire_date", "desc": True}], query
    assert query["limit"] == 10 and "offset" not in query, query

    # Edited again from the tile's menu (only its title), it is the same list.
    ui.tile_menu(s.page, "Newest hires", "Edit chart")
    d.wait_for(timeout=TIMEOUT)
    d.get_by_label("Title", exact=True).fill("The ten newest")
    d.locator("pb-tile[preview][data-state='ready']").wait_for(timeout=TIMEOUT)
    d.locator("[data-action='save-tile']").click()
    d.wait_for(state="hidden", timeout=TIMEOUT)
    ui.wait_saved(s.page)
    assert saved_tiles(plotboard, token, "Newest hires")[0]["query"] == query

    # Asked for page by page instead, it pages, still by hire date.
    ui.tile_menu(s.page, "The ten newest", "Edit chart")
    d.wait_for(timeout=TIMEOUT)
    d.get_by_label("Show", exact=True).select_option("pages")
    d.get_by_label("Rows per page").fill("5")
    d.get_by_label("Rows per page").press("Tab")
    d.locator("[data-page-range]", has_text="Rows 1\u20135").wait_for(timeout=TIMEOUT)
    d.locator("[data-action='save-tile']").click()
    d.wait_for(state="hidden", timeout=TIMEOUT)
    ui.wait_saved(s.page)
    paged = ui.tile(s.page, "The ten newest")
    first = hire_dates(paged)
    paged.get_by_role("button", name="Next").click()
    paged.locator("[data-page-range]", has_text="Rows 6\u201310").wait_for(timeout=TIMEOUT)
    second = hire_dates(paged)
    assert len(first) == len(second) == 5
    query = saved_tiles(plotboard, token, "Newest hires")[0]["query"]
    assert query["order_by"] == [{"by": "hire_date", "desc": True}] and query["offset"] == 0
    assert not s.errors, s.errors


def test_a_top_fifty_listing_shows_fifty_rows_and_no_pager(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # "List the 50 biggest sales" (limit 50, no offset) showed "Rows 1-50" and a Next button
    # leading to rows 51-100: 50 was taken for the builder's page size.
    token = plotboard.token("alice")
    listing = {"table": "sales", "select": ["sale_id", "product", "amount"],
               "order_by": [{"by": "amount", "desc": True}], "limit": 50}  # fmt: skip
    tile = {"id": "top", "title": "50 sales with the highest amount", "chart": {"type": "table"},
            "query": listing, "layout": {"x": 0, "y": 0, "w": 6, "h": 6}}  # fmt: skip
    body = {"title": "Top fifty", "tiles": [tile]}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("alice", width=1280, height=900)
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 1)
    ranked = ui.tile(s.page, "50 sales with the highest amount")
    assert ranked.locator("pb-table tbody tr").count() == 50
    assert ranked.locator("[data-page-range]").count() == 0
    assert ranked.get_by_role("button", name="Next").count() == 0
    assert not s.errors, s.errors


def test_a_folded_answer_with_a_long_title_wraps_inside_the_chat(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # An answer older than the latest four folds into a button 'Show “<its title>”'. With a
    # long title ("Top 5 products by revenue in each sales region") the button ran past the
    # chat's width, and the whole conversation scrolled sideways under a horizontal scrollbar.
    s = open_session("alice", width=1366, height=900)
    s.open(**{"ai-chat": ""})
    box = ui.open_chat(s.page, "Long titles")
    answers = s.page.locator("pb-chat [data-answer]")
    questions = [
        "top 5 products by revenue in each region",
        "revenue by month",
        "headcount by office",
        "revenue by category",
        "average salary by department",
    ]
    for n, question in enumerate(questions):
        box.fill(question)
        box.press("Enter")
        answers.nth(n).wait_for(timeout=TIMEOUT)
        answers.nth(n).locator("pb-tile[preview][data-state='ready']").wait_for(timeout=TIMEOUT)
    folded = s.page.locator("pb-chat button.folded", has_text="in each sales region")
    folded.wait_for(timeout=TIMEOUT)
    log = s.page.locator("pb-chat .log")
    sizes = log.evaluate("el => ({scroll: el.scrollWidth, client: el.clientWidth})")
    assert sizes["scroll"] <= sizes["client"], sizes
    button, area = folded.bounding_box(), log.bounding_box()
    assert button["x"] + button["width"] <= area["x"] + area["width"], (button, area)
    assert not s.errors, s.errors


TICKS = """el => {
  const option = el.chart.getOption();
  const axis = el.chart.getModel().getComponent('yAxis', 0).axis;
  const coords = axis.getTicksCoords().map(t => t.coord);
  const gaps = coords.slice(1).map((c, i) => Math.abs(c - coords[i]));
  return {series: option.series.map(s => s.name), gap: Math.min(...gaps), ticks: coords.length};
}"""


def test_two_years_compared_in_the_chat_are_named_by_year_on_a_readable_axis(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # "Compare revenue in 2024 and 2025 by category": the legend read "Total amount" and
    # "Total amount (same pe…" (cut, on a second legend page); after "only Software" (a second
    # filter chip above the plot) the value axis printed "21M18M15M12M9M6M3M0" on top of
    # one another in the plot's 60 pixels.
    s = open_session("alice", width=1366, height=900)
    s.open(**{"ai-chat": ""})
    box = ui.open_chat(s.page, "Two years")
    answers = s.page.locator("pb-chat [data-answer]")
    for n, question in enumerate(["compare revenue in 2024 and 2025 by category", "only Software"]):
        box.fill(question)
        box.press("Enter")
        answers.nth(n).locator("pb-chart[data-rendered='true']").wait_for(timeout=TIMEOUT)
        s.page.wait_for_timeout(300)  # the resize observer's frame
        drawn = answers.nth(n).locator("pb-chart").evaluate(TICKS)
        assert drawn["series"] == ["Total amount (2025)", "Total amount (2024)"], drawn
        assert drawn["gap"] >= 14, drawn  # room for a line of 11px labels between ticks
    assert not s.errors, s.errors


def test_the_chip_of_a_top_n_in_each_group_says_in_each(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # "Top 5 products by revenue in each region": the limit's chip read "Top 5", as for five
    # products in all.
    s = open_session("alice", width=1366, height=900)
    s.open(**{"ai-chat": ""})
    box = ui.open_chat(s.page, "Per group")
    box.fill("top 5 products by revenue in each region")
    box.press("Enter")
    answer = s.page.locator("pb-chat [data-answer]").first
    answer.locator("pb-tile[preview][data-state='ready']").wait_for(timeout=TIMEOUT)
    chips = [c.strip() for c in answer.locator(".chip button:not(.x)").all_inner_texts()]
    assert "Top 5 in each sales region" in chips, chips
    assert not s.errors, s.errors


LEGEND_TEXT = """el => {
  const option = el.chart.getOption();
  return {legend: option.legend[0].textStyle.color, text: option.textStyle.color,
          orient: option.legend[0].orient};
}"""


def test_a_donuts_legend_is_written_in_the_themes_text_colour(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # On the dark theme a donut's legend names were ECharts' default dark grey (#54555a) on the
    # dark tile, wide or narrow: each media layout replaced the legend's colour.
    s, chart = ui.open_share_donut(open_session, plotboard, "Dark donut", theme="dark")
    wide = chart.evaluate(LEGEND_TEXT)
    assert wide["orient"] == "vertical" and wide["legend"] == wide["text"], wide
    # 900 px keeps the grid at 12 columns (one column below 700 px of grid, where the tile is
    # full width and wide again), so the half-width tile is narrower than the wide media's 460 px.
    s.page.set_viewport_size({"width": 900, "height": 900})
    s.page.wait_for_function(
        "el => el.clientWidth < 460 && el.chart.getWidth() === el.clientWidth"
        " && el.chart.getOption().legend[0].orient === 'horizontal'",
        arg=chart.element_handle(),
        timeout=TIMEOUT,
    )
    s.page.wait_for_timeout(500)  # the grid's own re-layout has settled: still the narrow media
    narrow = chart.evaluate(LEGEND_TEXT)
    assert narrow["orient"] == "horizontal" and narrow["legend"] == narrow["text"], narrow
    assert not s.errors, s.errors


def test_a_user_without_the_attribute_a_rule_needs_is_not_told_to_remove_a_filter(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # A token without `region` sees no sales (the rule fails closed), and the tile said "No
    # data matches this chart. Try removing a filter." to a user with no filter to remove.
    attributes = {k: v for k, v in plotboard.attributes("alice").items() if k != "region"}
    token = plotboard.token("noregion", attributes=attributes)
    by_category = {"table": "sales", "measures": [{"agg": "sum", "column": "amount"}],
                   "dimensions": [{"column": "category"}]}  # fmt: skip
    tiles = [{"id": "s", "title": "Revenue by category", "chart": {"type": "bar"},
              "query": by_category, "layout": {"x": 0, "y": 0, "w": 6, "h": 4}}]  # fmt: skip
    body = {"title": "No region", "tiles": tiles}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("noregion", width=1280, height=900)
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 1)
    empty = ui.tile(s.page, "Revenue by category").locator("[data-empty]")
    empty.wait_for(timeout=TIMEOUT)
    said = empty.inner_text()
    assert "Ask your administrator" in said and "removing a filter" not in said, said
    assert not s.errors, s.errors
