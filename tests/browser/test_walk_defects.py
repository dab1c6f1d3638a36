"""Defects found walking plotboard as a newcomer (end user in /demo, a front-end developer
embedding from another origin), each checked in Chromium the way a person meets it."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import HostSite, Plotboard
from tests.conftest import screenshot_dir

pytestmark = pytest.mark.browser
TIMEOUT = ui.TIMEOUT
IMAGES = screenshot_dir()

INPUT_BOX = """() => {
  const chat = document.getElementById('editor').shadowRoot.querySelector('pb-chat');
  const box = chat.shadowRoot.querySelector('textarea').getBoundingClientRect();
  const drawer = chat.getBoundingClientRect();
  return {top: box.top, bottom: box.bottom, scrollY: window.scrollY, height: innerHeight,
          drawerBottom: drawer.bottom};
}"""


def test_opening_the_chat_does_not_scroll_the_host_page(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # The chat drawer was as tall as the window, below the host's header: focusing its input
    # scrolled the whole host page, hiding the host's header and the dashboard's title bar.
    s = open_session("alice", width=1280, height=800)
    s.open(**{"ai-chat": ""})
    s.page.locator("[data-action='ask-ai']").click()
    s.page.get_by_label("Ask a question about your data").wait_for(timeout=TIMEOUT)
    s.page.wait_for_timeout(300)
    box = s.page.evaluate(INPUT_BOX)
    assert box["scrollY"] == 0, box
    assert box["top"] > 0 and box["bottom"] <= box["height"], box  # the input is in sight
    assert abs(box["drawerBottom"] - (box["height"] - 8)) <= 1, box  # the room there is
    # Scrolled down a little, the drawer grows with the room it gets.
    s.page.evaluate("document.body.style.minHeight = '3000px'; window.scrollTo(0, 50)")
    s.page.wait_for_timeout(300)
    box = s.page.evaluate(INPUT_BOX)
    assert box["scrollY"] == 50 and abs(box["drawerBottom"] - (box["height"] - 8)) <= 1, box


def test_a_chart_the_server_refuses_says_what_to_change_and_offers_no_retry(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # A comparison with a limit counted in each group: the preview said "'compare' and
    # 'limit_per' can't be used together" (spec keys) under a "Try again" that could only fail.
    s = open_session("alice", width=1440, height=900)
    s.open()
    ui.create_dashboard(s.page, "Refusals")
    s.page.locator("[data-action='add-chart']").first.click()
    d = ui.dialog(s.page)
    d.wait_for(timeout=TIMEOUT)
    d.locator(".table-card", has_text="Sales").click()
    d.get_by_label("Measure 1", exact=True).select_option(label="Total of…")
    d.get_by_label("Column for measure 1", exact=True).select_option(label="Amount")
    d.get_by_label("Break down by", exact=True).select_option(label="Sale date")
    d.locator("select[aria-label^='Date grouping']").first.select_option(label="Year")
    d.get_by_text("Split by another column").click()
    d.get_by_label("Split by", exact=True).select_option(label="Product")
    d.get_by_label("Show at most").fill("3")
    d.get_by_label("Show at most").press("Tab")
    d.get_by_label("Count the limit").select_option(index=1)
    d.get_by_label("Compare with").select_option(label="The same period a year before")
    preview = d.locator("pb-tile[preview][data-state='error']")
    preview.wait_for(timeout=TIMEOUT)
    text = preview.locator("[data-error]").inner_text()
    assert "Compare with" in text and "Count the limit" in text, text
    assert "limit_per" not in text and "'compare'" not in text, text
    assert "can't be drawn as it is" in preview.locator(".state.error").inner_text()
    assert preview.get_by_role("button", name="Try again").count() == 0


def test_a_reload_of_the_demo_brings_the_user_back_to_their_dashboard(
    browser: Any, plotboard: Plotboard
) -> None:
    # /demo went back to the dashboard list on every reload: the host page could not know
    # which dashboard was open. plotboard:view-changed tells it; the demo keeps it in its URL.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{plotboard.url}/demo")
        page.locator("[data-action='new-dashboard']").first.wait_for(timeout=TIMEOUT)
        page.evaluate(
            "window.__ready = 0; document.getElementById('editor')"
            ".addEventListener('plotboard:ready', () => window.__ready++)"
        )
        page.locator("#user").select_option("bob")
        # Bob's workspace is loaded (else the click may land on Alice's list, going away).
        page.wait_for_function("window.__ready >= 1", timeout=TIMEOUT)
        ui.create_dashboard(page, "Bob's pipeline")
        page.wait_for_function("location.hash.startsWith('#bob/')", timeout=TIMEOUT)
        page.reload()
        heading = page.get_by_role("heading", name="Bob's pipeline")
        heading.wait_for(timeout=TIMEOUT)
        assert page.locator("#user").input_value() == "bob"
        # Back to the list: the address forgets the dashboard.
        page.get_by_role("button", name="Dashboards").first.click()
        page.wait_for_function("location.hash === '#bob'", timeout=TIMEOUT)
    finally:
        context.close()


def test_the_browsers_back_and_forward_buttons_move_between_the_demos_views(
    browser: Any, plotboard: Plotboard
) -> None:
    # The demo kept the open dashboard in its address with replaceState only and never read
    # the address again: Back left the demo (or changed the address and nothing else).
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{plotboard.url}/demo")
        page.locator("[data-action='new-dashboard']").first.wait_for(timeout=TIMEOUT)
        page.wait_for_function("location.hash === '#alice'", timeout=TIMEOUT)
        ui.create_dashboard(page, "Back and forth")
        page.wait_for_function("location.hash.startsWith('#alice/')", timeout=TIMEOUT)
        opened = page.evaluate("location.hash")
        heading = page.get_by_role("heading", name="Back and forth")
        new_dashboard = page.locator("[data-action='new-dashboard']").first

        page.go_back()
        page.wait_for_function("location.hash === '#alice'", timeout=TIMEOUT)
        new_dashboard.wait_for(timeout=TIMEOUT)  # the list again
        assert heading.count() == 0
        page.go_forward()
        page.wait_for_function(f"location.hash === {opened!r}", timeout=TIMEOUT)
        heading.wait_for(timeout=TIMEOUT)

        # Another user is a step too: Back signs the previous one in, where they were.
        page.locator("#user").select_option("bob")
        page.wait_for_function("location.hash === '#bob'", timeout=TIMEOUT)
        page.wait_for_function(
            "document.getElementById('status').textContent.startsWith('Signed in as Bob')",
            timeout=TIMEOUT,
        )
        page.go_back()
        page.wait_for_function(f"location.hash === {opened!r}", timeout=TIMEOUT)
        heading.wait_for(timeout=TIMEOUT)
        assert page.locator("#user").input_value() == "alice"
        page.wait_for_function(
            "document.getElementById('status').textContent.startsWith('Signed in as Alice')",
            timeout=TIMEOUT,
        )
    finally:
        context.close()


def test_an_open_editor_sees_a_newly_connected_table_when_the_user_comes_back(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # The catalog was read once, when the editor started: a database the admin connected
    # meanwhile stayed out of the builder until the page was reloaded. Coming back to the
    # page (focus) now reads it again; the catalog is changed here on its way to the page,
    # so the shared server stays as it is.
    s = open_session("alice")
    added = {"on": False}

    def catalog(route: Any) -> None:
        body = route.fetch().json()
        if added["on"]:
            body["sources"][0]["tables"].append(
                {
                    "name": "parcels",
                    "display_name": "Parcels",
                    "columns": [{"name": "weight", "type": "number"}],
                }
            )
        route.fulfill(json=body)

    s.page.route("**/api/v1/embed/catalog", catalog)
    s.open()
    ui.create_dashboard(s.page, "Catalog refresh")
    calls = len([u for u in s.requests if u.endswith("/api/v1/embed/catalog")])
    added["on"] = True
    s.page.evaluate("window.dispatchEvent(new Event('focus'))")
    for _ in range(100):  # the catalog is read again
        if len([u for u in s.requests if u.endswith("/api/v1/embed/catalog")]) > calls:
            break
        s.page.wait_for_timeout(50)
    s.page.locator("[data-action='add-chart']").first.click()
    d = ui.dialog(s.page)
    d.wait_for(timeout=TIMEOUT)
    d.get_by_role("radio", name="Parcels").wait_for(timeout=TIMEOUT)
    # Focus again at once reads nothing more (at most one read in a while).
    before = len([u for u in s.requests if u.endswith("/api/v1/embed/catalog")])
    s.page.evaluate("window.dispatchEvent(new Event('focus'))")
    s.page.wait_for_timeout(500)
    assert len([u for u in s.requests if u.endswith("/api/v1/embed/catalog")]) == before


def test_the_host_hears_each_view_the_editor_shows(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    s = open_session("alice")
    s.open()
    ui.create_dashboard(s.page, "Heard")
    s.wait_event("plotboard:view-changed", count=2)
    seen = [e["detail"] for e in s.events("plotboard:view-changed")]
    assert seen[0] == {"view": "list", "id": None}
    assert seen[-1]["view"] == "dashboard" and seen[-1]["id"]


def test_a_date_range_past_the_data_says_which_dates_it_kept_and_where_the_data_ends(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # "Sales in the last 6 months" on data that ends in 2025 showed "No data in this date
    # range. If your data ends before today, ..." although the answer said both the dates the
    # range kept and where the user's data ends (`relative_dates[].data`, under their rules).
    s = open_session("alice", width=1360, height=940)
    s.open()
    ui.create_dashboard(s.page, "Past the data")
    s.page.locator("[data-action='add-chart']").first.click()
    d = ui.dialog(s.page)
    d.wait_for(timeout=TIMEOUT)
    d.locator(".table-card", has_text="Sales").click()
    d.get_by_label("Break down by", exact=True).select_option(label="Category")
    d.locator("[data-action='add-date-range']").click()
    row = d.locator("[data-date-filter='0']")
    row.get_by_label("Date column").select_option("sale_date")
    row.get_by_label("How many").fill("6")
    row.get_by_label("How many").press("Tab")
    empty = d.locator("pb-tile[preview][data-state='ready'] [data-empty]")
    empty.wait_for(timeout=TIMEOUT)
    s.page.wait_for_timeout(600)  # the preview follows the last change after a pause
    text = " ".join(empty.inner_text().split())
    assert "No data from " in text and "your sale date data runs from" in text.lower(), text
    assert "to Dec 31, 2025" in text, text  # the demo's sales end there (under alice's rules)
    assert "Count back from the latest date in the data" in text, text
    # Ticked, the range counts back from that last day and finds rows.
    row.get_by_label("Count back from the latest date in the data").check()
    d.locator("pb-tile[preview][data-state='ready'][data-drawn]").wait_for(timeout=TIMEOUT)
    # The tile's filter chip says the days the range resolved to, from the answer.
    # Complete months before the latest one (December 2025): June to November.
    chip = d.locator("pb-tile[preview] [data-own-filters] .badge").first
    chip.filter(has_text="Nov 30, 2025)").wait_for(timeout=TIMEOUT)
    assert "last 6 months as of the latest date (Jun 1, 2025\u2013Nov 30, 2025)" in (
        chip.inner_text()
    ), chip.inner_text()
    assert not s.errors, s.errors


def test_a_link_to_the_demo_with_user_bob_opens_as_bob(browser: Any, plotboard: Plotboard) -> None:
    # /demo?user=bob opened as Alice: the page read only its #hash. A link naming the user
    # (by id or first name, any case) now signs that user in; the #hash still wins.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        for address, expected in (("?user=bob", "bob"), ("?user=Carol", "carol"),
                                  ("?user=bob#carol", "carol"), ("?user=nobody", "alice")):
            page.goto(f"{plotboard.url}/demo{address}")
            page.wait_for_function(
                "document.getElementById('status').textContent.startsWith('Signed in as')",
                timeout=TIMEOUT,
            )
            assert page.locator("#user").input_value() == expected, address
            name = {"alice": "Alice", "bob": "Bob", "carol": "Carol"}[expected]
            assert f"Signed in as {name}" in page.locator("#status").inner_text(), address
    finally:
        context.close()


CHIP_FIT = """el => {
  const badge = el.getBoundingClientRect();
  const tile = el.closest('article, .tile') ?? el.getRootNode().host;
  const box = tile.getBoundingClientRect();
  const text = el.querySelector('.text');
  const icon = el.querySelector('svg').getBoundingClientRect();
  return {inside: badge.left >= box.left - 0.5 && badge.right <= box.right + 0.5,
          iconWidth: icon.width,
          ellipsis: !!text && getComputedStyle(text).textOverflow === 'ellipsis'
                    && text.scrollWidth > text.clientWidth,
          title: el.getAttribute('title')};
}"""


def test_a_narrow_kpi_tile_shortens_its_filter_chip_with_an_ellipsis(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # A KPI two columns wide cut its chip "Category: Software, H" mid-letter, with no ellipsis,
    # and the funnel icon squeezed to nothing: nothing said there was more to read.
    token = plotboard.token("narrow", attributes=plotboard.attributes("alice"))
    kpi = {"id": "k", "title": "Total amount", "chart": {"type": "kpi"},
           "query": {"table": "sales", "measures": [{"agg": "sum", "column": "amount"}],
                     "filters": [{"column": "category", "op": "in",
                                  "value": ["Software", "Hardware"]}]},
           "layout": {"x": 0, "y": 0, "w": 2, "h": 3}}  # fmt: skip
    body = {"title": "Narrow", "tiles": [kpi]}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("narrow", width=1280, height=900)
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 1)
    chip = ui.tile(s.page, "Total amount").locator("[data-own-filters] .badge")
    fit = chip.evaluate(CHIP_FIT)
    assert fit["inside"] and fit["iconWidth"] >= 10, fit
    assert fit["ellipsis"], fit  # the text ends in "…", not mid-letter
    assert fit["title"] == "Category: Software, Hardware", fit  # the whole text on hover
    assert chip.inner_text() == "Category: Software, Hardware"
    assert not s.errors, s.errors


def test_the_chat_keeps_the_newest_answer_in_sight_while_its_chart_loads(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # After a second question the log scrolled to its end when the answer's words arrived;
    # its chart, drawn a moment later, grew below the fold: the user saw the previous chart.
    s = open_session("alice", width=1280, height=900)
    s.open(**{"ai-chat": ""})
    box = ui.open_chat(s.page, "Chat scroll")
    answers = s.page.locator("pb-chat [data-answer]")
    for n, question in enumerate(("revenue by month last year", "headcount by department")):
        box.fill(question)
        box.press("Enter")
        answers.nth(n).locator("pb-tile[preview][data-state='ready']").wait_for(timeout=TIMEOUT)
    s.page.wait_for_timeout(800)  # the chart has drawn and the log has had its say
    log = s.page.locator("pb-chat .log").bounding_box()
    last = answers.nth(1).bounding_box()
    seen = {"log": log, "answer": last}
    # The whole answer (words, chart, buttons) fits in the log here, and shows.
    assert last["height"] < log["height"], seen
    assert last["y"] >= log["y"] - 1, seen
    assert last["y"] + last["height"] <= log["y"] + log["height"] + 1, seen
    assert not s.errors, s.errors


def _refresh_snippet() -> str:
    """The docs' "Refreshing the token from the page" example, as a newcomer pastes it: an
    HTML block as it is, a bare script in a <script> after the two lines of the component."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "embedding.md").read_text()
    after = docs.split("Refreshing the token from the page", 1)[1]
    block = re.search(r"```(\w+)\n(.*?)```", after, flags=re.DOTALL)
    assert block is not None
    kind, body = block.groups()
    if kind == "html":
        return body
    return (
        '<script type="module" src="https://analytics.example.com/embed/plotboard.js"></script>\n'
        "<plotboard-editor></plotboard-editor>\n"
        f"<script>\n{body}</script>\n"
    )


def test_the_docs_token_refresh_example_runs_as_written(
    browser: Any, plotboard: Plotboard, host: HostSite
) -> None:
    # The example awaited at the top level of a bare script: pasted into a page as it stood,
    # it was a SyntaxError ("await is only valid in async functions"), and the editor never
    # got a token.
    snippet = _refresh_snippet().replace("https://analytics.example.com", plotboard.url)
    page_html = f"<!doctype html><meta charset='utf-8'><body>{snippet}</body>"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        # Served by the host site itself: a page Playwright made up has no address, and
        # Chromium then refuses it the loopback plotboard (Private Network Access).
        host.pages["/refresh.html"] = page_html
        page.route(
            f"{host.url}/plotboard-token",
            lambda route: route.fulfill(json={"token": plotboard.token("alice")}),
        )
        page.goto(f"{host.url}/refresh.html")
        try:
            page.locator("[data-action='new-dashboard']").first.wait_for(timeout=TIMEOUT)
        except Exception:
            raise AssertionError(errors) from None
        assert not errors, errors
    finally:
        context.close()


def test_a_table_named_like_one_of_another_database_is_reachable_in_the_builder(
    open_session: Callable[..., Session], plotboard: Plotboard, tmp_path: Path
) -> None:
    # An admin connected a second database that also has a `sales` table: the builder showed
    # two "Sales" cards, a click on the second ticked both, and the chart (and the saved tile)
    # ran on the first database's sales. A tile now keeps the source it was built on.
    shop = tmp_path / "shop.sqlite"
    with sqlite3.connect(shop) as db:
        db.execute("CREATE TABLE sales (sale_id INTEGER PRIMARY KEY, amount REAL)")
        db.executemany("INSERT INTO sales VALUES (?, ?)", [(1, 10.0), (2, 20.0), (3, 30.0)])
    connection = {"kind": "sqlite", "path": str(shop)}
    added = plotboard.admin("POST", "/sources", json={"name": "Shop", "connection": connection})
    assert added.status_code == 201, added.text
    shop_id = added.json()["id"]
    try:
        token = plotboard.token("two-dbs", attributes=plotboard.attributes("alice"))
        s = open_session("two-dbs", width=1440, height=900)
        s.open(token)
        ui.create_dashboard(s.page, "Two databases")
        s.page.locator("[data-action='add-chart']").first.click()
        d = ui.dialog(s.page)
        d.wait_for(timeout=TIMEOUT)
        cards = d.locator(".table-card", has_text="Sales")
        assert cards.count() == 2
        # Each database's tables under its name: the two "Sales" cards looked the same.
        shop_group = d.get_by_role("group", name="Shop")
        assert shop_group.locator(".table-card").all_inner_texts() == ["Sales"]
        assert d.locator(".source-name").all_inner_texts()[-1] == "Shop"
        shop_group.locator(".table-card", has_text="Sales").click()
        assert d.locator(".table-card.on").count() == 1
        d.locator("pb-tile[preview] h3", has_text="Number of sales").wait_for(timeout=TIMEOUT)
        kpi = d.locator("pb-tile[preview][data-state='ready'] [data-kpi-value]")
        kpi.wait_for(timeout=TIMEOUT)
        assert kpi.inner_text() == "3"  # the shop's three sales, not the demo's thousands
        d.locator("[data-action='save-tile']").click()
        d.wait_for(state="hidden", timeout=TIMEOUT)
        ui.wait_saved(s.page)
        ui.wait_tiles_ready(s.page, 1)
        assert ui.tiles(s.page).first.locator("[data-kpi-value]").inner_text() == "3"
        listed = plotboard.embed(token, "GET", "/dashboards").json()["dashboards"]
        mine = next(x for x in listed if x["title"] == "Two databases")
        saved = plotboard.embed(token, "GET", f"/dashboards/{mine['id']}").json()
        (tile,) = saved["tiles"]
        assert tile["source"] == shop_id and tile["query"]["table"] == "sales", tile
        # Opened again, the tile stays on the shop.
        s.open(token, **{"dashboard-id": mine["id"]})
        ui.wait_tiles_ready(s.page, 1)
        assert ui.tiles(s.page).first.locator("[data-kpi-value]").inner_text() == "3"
        # Edited in the builder, it is still the shop's sales that is ticked and saved.
        ui.tile_menu(s.page, "Number of sales", "Edit chart")
        d.wait_for(timeout=TIMEOUT)
        on = d.locator(".table-card.on")
        assert on.count() == 1 and on.get_by_role("radio").is_checked()
        assert cards.nth(1).get_by_role("radio").is_checked()
        d.get_by_label("Title", exact=True).fill("Shop sales")
        d.locator("[data-action='save-tile']").click()
        d.wait_for(state="hidden", timeout=TIMEOUT)
        ui.wait_saved(s.page)
        (tile,) = plotboard.embed(token, "GET", f"/dashboards/{mine['id']}").json()["tiles"]
        assert tile["source"] == shop_id and tile["title"] == "Shop sales", tile
        assert not s.errors, s.errors
    finally:
        plotboard.admin("DELETE", f"/sources/{shop_id}")


TITLE_ROOM = """tile => {
  const root = tile.shadowRoot;
  const header = root.querySelector('header').getBoundingClientRect();
  const h3 = root.querySelector('h3');
  const title = h3.getBoundingClientRect();
  const badge = root.querySelector('header .badge').getBoundingClientRect();
  const grip = root.querySelector('.grip').getBoundingClientRect();
  return {titleLeft: title.left - header.left, titleWidth: title.width,
          needed: h3.scrollWidth, badgeWidth: badge.width, gripWidth: grip.width,
          headerWidth: header.width};
}"""


def test_a_narrow_filtered_tile_gives_its_title_the_room(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # A KPI two columns wide under a dashboard filter showed "Tot…": the drag grip (invisible
    # until hovered) took 18 px of the header and the "▽ 1" pill another 40 px.
    token = plotboard.token("roomy", attributes=plotboard.attributes("alice"))
    kpi = {"id": "k", "title": "Total amount", "chart": {"type": "kpi"},
           "query": {"table": "sales", "measures": [{"agg": "sum", "column": "amount"}]},
           "layout": {"x": 0, "y": 0, "w": 2, "h": 3}}  # fmt: skip
    wide = {"id": "w", "title": "Total amount by category", "chart": {"type": "bar"},
            "query": {"table": "sales", "measures": [{"agg": "sum", "column": "amount"}],
                      "dimensions": [{"column": "category"}]},
            "layout": {"x": 2, "y": 0, "w": 6, "h": 4}}  # fmt: skip
    flt = {"id": "f1", "column": "category", "table": "sales", "label": "Category",
           "op": "in", "value": ["Software", "Hardware"]}  # fmt: skip
    body = {"title": "Room", "tiles": [kpi, wide], "filters": [flt]}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("roomy", width=1040, height=900)
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 2)
    tile = ui.tile(s.page, "Total amount")
    tile.hover()
    room = tile.evaluate(TITLE_ROOM)
    tile.screenshot(path=str(IMAGES / "narrow-filtered-tile.png"))
    # The grip shows on hover over the header's padding, taking none of its width.
    assert room["titleLeft"] <= 11, room
    assert room["badgeWidth"] <= 28 and room["gripWidth"] > 0, room  # "▽ 1" compact
    assert room["titleWidth"] >= 66, room  # "Total a…" (45 px before: "Tot…")
    # A wide tile's title is whole, the badge after it.
    assert ui.tile(s.page, "Total amount by category").evaluate(TITLE_ROOM)["needed"] <= (
        ui.tile(s.page, "Total amount by category").evaluate(TITLE_ROOM)["titleWidth"] + 0.5
    )
    assert not s.errors, s.errors


def test_a_cards_menu_button_sits_beside_its_title_not_on_its_preview(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # The ⋯ button of a card in the list sat on the top right corner of the card's preview,
    # over its last block; the title keeps room beside it for the button.
    s = open_session("alice")
    s.open()
    ui.create_dashboard(s.page, "Menu in place")
    s.page.get_by_role("button", name="All dashboards").click()
    card = s.page.locator(".card", has_text="Menu in place").first
    card.wait_for(timeout=TIMEOUT)
    boxes = card.evaluate(
        """card => {
          const r = (el) => el.getBoundingClientRect();
          const [more, thumb, title] = ['.more', '.thumb', '.open']
            .map((s) => r(card.querySelector(s)));
          return {more: [more.top, more.bottom, more.left, more.right],
                  thumb: [thumb.top, thumb.bottom], title: [title.top, title.bottom, title.right]};
        }"""
    )
    more, thumb, title = boxes["more"], boxes["thumb"], boxes["title"]
    assert more[0] >= thumb[1], boxes  # below the preview
    middle = (more[0] + more[1]) / 2
    assert title[0] <= middle <= title[1], boxes  # level with the title
    # Its menu opens below it, over the card.
    card.get_by_label("Actions for Menu in place").click()
    menu = card.get_by_role("menu")
    menu.wait_for(timeout=TIMEOUT)
    assert menu.bounding_box()["y"] >= more[1] - 1


def test_a_top_n_listing_shows_its_n_rows_and_no_page_past_them(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # "The 10 biggest sales" (select + order_by + limit 10, as the AI writes it) showed a pager
    # whose Next asked for offset 10: "Rows 11-20" under the title "10 sales with the highest
    # amount". A listing pages only when its spec has an offset (the builder writes 0).
    token = plotboard.token("topn", attributes=plotboard.attributes("alice"))
    listing = {"table": "sales", "select": ["sale_id", "product", "amount"],
               "order_by": [{"by": "amount", "desc": True}], "limit": 10}  # fmt: skip
    top = {"id": "top", "title": "10 sales with the highest amount", "chart": {"type": "table"},
           "query": listing, "layout": {"x": 0, "y": 0, "w": 6, "h": 6}}  # fmt: skip
    paged = {"id": "paged", "title": "Sales, ten a page", "chart": {"type": "table"},
             "query": {**listing, "offset": 0},
             "layout": {"x": 6, "y": 0, "w": 6, "h": 6}}  # fmt: skip
    body = {"title": "Top N", "tiles": [top, paged]}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("topn", width=1280, height=900)
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 2)
    ranked = ui.tile(s.page, "10 sales with the highest amount")
    assert ranked.locator("pb-table tbody tr").count() == 10
    assert ranked.locator(".pager").count() == 0
    assert ranked.get_by_role("button", name="Next").count() == 0
    # The same rows asked for as pages keep their pager.
    pages = ui.tile(s.page, "Sales, ten a page")
    assert "Rows 1\u201310" in pages.locator("[data-page-range]").inner_text()
    pages.get_by_role("button", name="Next").click()
    pages.locator("[data-page-range]", has_text="Rows 11\u201320").wait_for(timeout=TIMEOUT)
    assert not s.errors, s.errors


def test_the_top_n_in_each_group_shows_every_pick_none_grouped_as_other(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # "Top 3 products per category" drew stacked bars of 12 series with the note "Showing the
    # 10 largest of 12 product values; the rest are grouped as Other": picks folded away.
    s = open_session("alice", width=1280, height=900)
    s.open(**{"ai-chat": ""})
    box = ui.open_chat(s.page, "Top per group")
    box.fill("Top 3 products per category")
    box.press("Enter")
    answer = s.page.locator("pb-chat [data-answer]").first
    tile = answer.locator("pb-tile[preview][data-state='ready']")
    tile.wait_for(timeout=TIMEOUT)
    assert tile.get_attribute("data-drawn") == "table"
    assert tile.get_attribute("data-rows") == "12"  # 4 categories, 3 picks each
    assert "Other" not in tile.inner_text()
    # Said as a sentence, in the plural (it read "Here is: Top 3 products by ...").
    assert "Here are the top 3 products by revenue in each category" in answer.inner_text()
    assert not s.errors, s.errors


def test_a_new_chart_of_many_bars_gets_room_for_them(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # "Revenue by product" as horizontal bars (17 products) was added in the usual 4 rows of
    # the grid: the bars were slivers and their labels touched. A few bars keep the usual size.
    token = plotboard.token("alice")
    s = open_session("alice", width=1440, height=900)
    s.open(token)
    ui.create_dashboard(s.page, "Many bars")
    for title, breakdown in (("By product", "product"), ("By region", "sales_region")):
        s.page.locator("[data-action='add-chart']").click()
        d = ui.dialog(s.page)
        d.wait_for(timeout=TIMEOUT)
        d.locator(".table-card", has_text="Sales").click()
        d.get_by_label("Measure 1", exact=True).select_option("sum")
        d.get_by_label("Break down by", exact=True).select_option(breakdown)
        d.locator("[data-chart='bar_horizontal']").click()
        d.get_by_label("Title", exact=True).fill(title)
        d.locator(
            "pb-tile[preview][data-state='ready'][data-drawn='bar_horizontal']"
        ).wait_for(timeout=TIMEOUT)
        d.locator("[data-action='save-tile']").click()
        d.wait_for(state="hidden", timeout=TIMEOUT)
    ui.wait_saved(s.page)
    dashboard = s.events("plotboard:dashboard-saved")[-1]["detail"]["id"]
    tiles = plotboard.embed(token, "GET", f"/dashboards/{dashboard}").json()["tiles"]
    size = {t["title"]: t["layout"]["h"] for t in tiles}
    assert size["By product"] >= 6, size
    assert size["By region"] == 4, size
    assert not s.errors, s.errors
