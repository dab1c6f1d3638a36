"""Defects a newcomer met walking the editor (the chat's answer table, the sidebar, the
organization's name, the builder's break-down list), and how a dashboard with map tiles loads."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import Plotboard

pytestmark = pytest.mark.browser
TIMEOUT = ui.TIMEOUT
# Screenshots of what each test saw, for a person to look at (not compared).
SHOTS = Path(tempfile.gettempdir()) / "plotboard-walk"
SHOTS.mkdir(exist_ok=True)


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


def test_the_demo_chat_calls_the_company_by_the_host_page_s_name(
    browser: Any, plotboard: Plotboard
) -> None:
    # /demo is the "Acme Ops" app, yet the chat answered "Here is Demo Company's headcount":
    # the demo's token named a company of its own. Both now come from the organization.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{plotboard.url}/demo")
        page.locator("[data-action='new-dashboard']").first.wait_for(timeout=TIMEOUT)
        logo = page.locator(".logo").inner_text()
        assert logo == "Acme Ops" and page.title().startswith("Acme Ops"), logo
        page.locator("[data-action='ask-ai']").click()
        box = page.get_by_label("Ask a question about your data")
        box.fill("headcount by department")
        box.press("Enter")
        answer = page.locator("pb-chat [data-answer]").first
        answer.wait_for(timeout=TIMEOUT)
        text = answer.inner_text()
        assert "Acme Ops's headcount" in text, text
        assert "Demo Company" not in text, text
        page.screenshot(path=str(SHOTS / "demo-chat-company.png"))
    finally:
        context.close()


TABLE_GEOMETRY = """table => {
  const box = table.getBoundingClientRect();
  const heads = [...table.shadowRoot.querySelectorAll('th')].map(th => {
    const r = th.getBoundingClientRect();
    return {text: th.innerText.trim(), left: r.left, right: r.right,
            numeric: th.classList.contains('num'),
            clipped: th.scrollWidth > th.clientWidth + 1};
  });
  return {left: box.left, right: box.right, scrollWidth: table.scrollWidth,
          clientWidth: table.clientWidth, heads,
          background: getComputedStyle(table).backgroundImage};
}"""


def test_a_wide_answer_table_in_the_chat_shows_its_columns(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # Five columns in the chat's narrow preview: the table ran on past the card's edge
    # ("Cat…" and then nothing), with nothing to say more was there (scrollbars hidden
    # until used). Now headers and words wrap so that the names fit, and the numbers past
    # the edge are reached by scrolling, the edge shadowed while there is more.
    s = open_session("alice", width=1280, height=860)
    s.open(**{"ai-chat": ""})
    s.page.locator("[data-action='ask-ai']").click()
    box = s.page.get_by_label("Ask a question about your data")
    box.wait_for(timeout=TIMEOUT)
    box.fill("total amount and total quantity by product, region and category as a table")
    box.press("Enter")
    answer = s.page.locator("pb-chat [data-answer]").first
    answer.locator("pb-tile[preview][data-state='ready']").wait_for(timeout=TIMEOUT)
    table = answer.locator("pb-tile[preview] pb-table")
    g = table.evaluate(TABLE_GEOMETRY)
    assert len(g["heads"]) == 5, g
    for head in g["heads"]:
        assert not head["clipped"], head
        if not head["numeric"]:  # every name column is in sight, whole
            assert g["left"] <= head["left"] and head["right"] <= g["right"] + 0.5, (head, g)
    # What is past the edge is a short scroll away, and the edge says so.
    assert g["scrollWidth"] - g["clientWidth"] < g["clientWidth"] / 2, g
    assert g["background"].count("gradient") == 4, g["background"]
    answer.scroll_into_view_if_needed()
    s.page.screenshot(path=str(SHOTS / "chat-wide-table.png"))
    table.evaluate("t => { t.scrollLeft = t.scrollWidth; }")
    g = table.evaluate(TABLE_GEOMETRY)
    last = g["heads"][-1]
    assert g["left"] <= last["left"] and last["right"] <= g["right"] + 0.5, (last, g)
    s.page.screenshot(path=str(SHOTS / "chat-wide-table-scrolled.png"))
    assert not s.errors, s.errors


SIDEBAR = """() => [...document.querySelectorAll('nav.side .nav > li')].map(li => ({
  heading: li.classList.contains('nav-heading') ? li.textContent.trim() : null,
  mark: li.querySelector('.mark')?.innerText.trim() ?? null,
  label: li.querySelector('a')?.innerText.trim() ?? null,
}))"""


def test_the_console_sidebar_has_no_stray_dots(browser: Any, plotboard: Plotboard) -> None:
    # Pages that are not set-up steps had a "·" in place of a step number: stray-looking
    # dots down the sidebar. They now have no mark, and those after the set-up sit under a
    # "More" heading, so the numbered steps read as the set-up and the rest as the rest.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{plotboard.url}/admin")
        page.get_by_label("Email").fill(plotboard.info.admin_email)
        page.get_by_label("Password").fill(plotboard.info.admin_password)
        page.keyboard.press("Enter")
        page.get_by_text("Signed in as").wait_for(timeout=TIMEOUT)
        page.locator("nav.side").screenshot(path=str(SHOTS / "console-sidebar.png"))
        items = page.evaluate(SIDEBAR)
        marks = [i["mark"] for i in items if i["mark"]]
        assert all(m.isdigit() or m == "✓" for m in marks), items
        headings = [n for n, i in enumerate(items) if i["heading"]]
        assert [items[n]["heading"] for n in headings] == ["More"], items
        below = [i["label"] for i in items[headings[0] + 1 :]]
        assert "Audit log" in below and "Jobs" in below, items
        assert all(not i["mark"] for i in items[headings[0] + 1 :]), items
    finally:
        context.close()


BREAKDOWN_OPTIONS = """select => [...select.options].map(o => ({
  label: o.label, group: o.parentElement.tagName === 'OPTGROUP' ? o.parentElement.label : ''
}))"""


def test_the_builder_offers_dates_and_categories_to_break_down_by_not_ids_and_amounts(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # "Break down by" on Sales listed Sale id, Employee id, Amount and Quantity among the
    # first choices, in the column order. Now dates and categories lead; ids and amounts
    # are under "More ... columns", still there for whoever wants them.
    # Its labels were in three forms: the table's own columns under no heading, a related
    # table's under its name ("Department" under "Employees"), and the related ones among ids
    # and amounts as "Employees \u203a Email"; the date's grouping read "By year" where the
    # Compare section's read "Year". Now every column is under its table's name, by its
    # friendly name, and a grain reads the same in both places.
    s = open_session("alice", width=1440, height=900)
    s.open()
    ui.create_dashboard(s.page, "Break-downs")
    s.page.locator("[data-action='add-chart']").first.click()
    d = ui.dialog(s.page)
    d.wait_for(timeout=TIMEOUT)
    d.locator(".table-card", has_text="Sales").click()
    select = d.get_by_label("Break down by", exact=True)
    options = select.evaluate(BREAKDOWN_OPTIONS)
    assert options[0] == {"label": "Nothing: one total", "group": ""}, options
    options = options[1:]
    assert all(o["group"] for o in options), options  # every column under its table
    groups = list(dict.fromkeys(o["group"] for o in options))
    assert groups == [
        "Sales",
        "Employees",
        "More Sales columns (ids, amounts)",
        "More Employees columns (ids, amounts)",
    ], groups
    own = [o["label"] for o in options if o["group"] == "Sales"]
    assert own[0] == "Sale date", options
    assert "Product" in own and "Category" in own, options
    more = {o["label"] for o in options if o["group"].startswith("More")}
    for label in ("Sale id", "Employee id", "Amount", "Quantity", "Email"):
        assert label in more, (label, options)
        assert label not in [o["label"] for o in options if not o["group"].startswith("More")]
    assert not [o for o in options if "\u203a" in o["label"]], options  # one form everywhere
    # Still reachable: an amount picked from "More" draws.
    drawn = "pb-tile[preview][data-state='ready'][data-drawn='bar']"
    select.select_option(label="Quantity")
    d.locator(f"{drawn}[data-rows='{_quantities(plotboard)}']").wait_for(timeout=TIMEOUT)
    select.select_option(label="Product")
    d.locator(drawn, has_text="Number of sales by product").wait_for(timeout=TIMEOUT)
    d.screenshot(path=str(SHOTS / "builder-breakdown.png"))
    select.evaluate("s => { s.size = 28; }")  # the list open, for a look (a native popup isn't)
    select.screenshot(path=str(SHOTS / "builder-breakdown-list.png"))
    select.evaluate("s => { s.size = 0; }")
    # A date's grouping reads as the Compare section's period does.
    select.select_option(label="Sale date")
    grains = d.locator("select[aria-label^='Date grouping']").first
    grain_labels = grains.evaluate("s => [...s.options].map(o => o.label)")
    assert grain_labels == ["Day", "Week", "Month", "Quarter", "Year"], grain_labels
    select.select_option(index=0)
    d.locator("[data-chart='kpi']").click()
    d.get_by_text("Show the latest period").click()
    period = d.get_by_label("Period", exact=True).evaluate("s => [...s.options].map(o => o.label)")
    assert period == grain_labels, period
    assert not s.errors, s.errors


def _quantities(plotboard: Plotboard) -> int:
    """How many distinct quantities Alice's sales have (the bars of a break-down by it)."""
    token = plotboard.token("alice")
    spec = {
        "table": "sales",
        "measures": [{"agg": "count"}],
        "dimensions": [{"column": "quantity"}],
    }
    answer = plotboard.embed(token, "POST", "/query", json={"query": spec})
    assert answer.status_code == 200, answer.text
    return len(answer.json()["rows"])
