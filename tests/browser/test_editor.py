"""The editor end to end, as its users meet it: embedded in a host page on another origin,
against the real server and the demo data with its access rules."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import Plotboard
from tests.browser.ui import TilePlan

pytestmark = pytest.mark.browser

EVERY_CHART = [
    TilePlan("kpi", table="Sales", measure=("sum", "amount"), compare=True, title="Sales"),
    TilePlan("bar", breakdown="department", title="Headcount by department"),
    TilePlan(
        "bar_horizontal",
        measure=("avg", "salary"),
        breakdown="job_title",
        limit=8,
        title="Salary by job title",
    ),
    TilePlan(
        "bar_stacked",
        table="Sales",
        measure=("sum", "amount"),
        breakdown="sale_date",
        grain="year",
        split="category",
        title="Sales by year and category",
    ),
    TilePlan(
        "line",
        table="Sales",
        measure=("sum", "amount"),
        breakdown="sale_date",
        grain="month",
        title="Monthly sales",
    ),
    TilePlan("area", breakdown="hire_date", grain="year", title="Hires per year"),
    TilePlan(
        "pie",
        breakdown="department",
        filters=[("department", ["Sales", "Support", "Engineering"])],
        title="Three departments",
    ),
    TilePlan("donut", breakdown="is_remote", title="Remote or on site"),
    TilePlan("table", measure=("avg", "salary"), breakdown="location", title="Salary by office"),
    TilePlan(
        "scatter",
        measure=("avg", "salary"),
        second_measure=("avg", "performance_rating"),
        breakdown="department",
        title="Salary against rating",
    ),
    TilePlan("map", breakdown="location", title="Employees on the map"),
]

OFFICES = {
    "alice": {"Paris", "London", "Berlin"},
    "bob": {"New York", "Toronto", "São Paulo"},
}
ALL_CITIES = {
    "Tokyo", "Paris", "New York", "London", "Berlin", "São Paulo", "Sydney", "Toronto",
    "Singapore", "Mumbai",
}  # fmt: skip


def layouts(plotboard: Plotboard, token: str, dashboard_id: str) -> dict[str, dict[str, int]]:
    body = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()
    return {t["title"]: t["layout"] for t in body["tiles"]}


def open_dashboard(session: Session, title: str) -> None:
    session.page.locator("pb-dashboard-list button.open", has_text=title).click()
    session.page.get_by_label("Dashboard title").wait_for()


def current_dashboard_id(session: Session) -> str:
    saved = session.events("plotboard:dashboard-saved")
    assert saved, "no dashboard was saved"
    dashboard_id: str = saved[-1]["detail"]["id"]
    return dashboard_id


def table_cities(session: Session, title: str) -> set[str]:
    cells = ui.tile(session.page, title).locator("pb-table tbody tr td:first-child")
    return {c.strip() for c in cells.all_inner_texts()}


def drag_by(page: Any, locator: Any, dx: float, dy: float) -> None:
    box = locator.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    steps = 12
    for i in range(1, steps + 1):
        page.mouse.move(x + dx * i / steps, y + dy * i / steps)
        time.sleep(0.02)
    page.mouse.up()


def test_two_users_build_dashboards_with_every_chart_and_find_them_again(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    dashboards: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for user in ("alice", "bob"):
        s = open_session(user)
        tokens[user] = plotboard.token(user)
        s.open(tokens[user])
        ui.create_dashboard(s.page, f"{user.title()}'s numbers")
        for plan in EVERY_CHART:
            ui.build_tile(s.page, plan)
        ui.wait_tiles_ready(s.page, len(EVERY_CHART))
        ui.wait_saved(s.page)
        failed = s.page.locator("pb-grid pb-tile[data-state='error'] [data-error]")
        assert failed.count() == 0, failed.all_inner_texts()
        charts = "pb-grid pb-tile pb-chart[data-rendered='true']"
        s.page.locator(charts).nth(len(EVERY_CHART) - 3).wait_for()  # KPI, table: no canvas
        assert s.page.locator(charts).count() == len(EVERY_CHART) - 2
        kpi = ui.tile(s.page, "Sales").locator("[data-kpi-value]")
        assert kpi.inner_text().strip() not in ("", "\u2013")  # an en dash: no number
        assert "vs" in ui.tile(s.page, "Sales").locator(".change").inner_text()
        # Row-level security: each sees only the offices their token allows.
        assert table_cities(s, "Salary by office") == OFFICES[user]
        dashboards[user] = current_dashboard_id(s)

        # Drag a chart to the right and make the KPI wider; both save by themselves.
        before = layouts(plotboard, tokens[user], dashboards[user])
        header = ui.tile(s.page, "Headcount by department").locator("h3")
        drag_by(s.page, header, 500, 0)
        kpi_tile = ui.item(s.page, "Sales")
        kpi_tile.hover()
        drag_by(s.page, kpi_tile.locator(".ui-resizable-se"), 220, 70)
        s.page.wait_for_timeout(300)
        ui.wait_saved(s.page)
        after = layouts(plotboard, tokens[user], dashboards[user])
        assert after["Headcount by department"]["x"] > before["Headcount by department"]["x"]
        assert after["Sales"]["w"] > before["Sales"]["w"]
        assert after["Sales"]["h"] > before["Sales"]["h"]

        # Reload: everything is where it was left.
        s.page.reload()
        s.open(tokens[user])
        open_dashboard(s, f"{user.title()}'s numbers")
        ui.wait_tiles_ready(s.page, len(EVERY_CHART))
        titles = set(s.page.locator("pb-grid pb-tile h3").all_inner_texts())
        assert titles == {p.title for p in EVERY_CHART}
        assert layouts(plotboard, tokens[user], dashboards[user]) == after
        for plan in EVERY_CHART:
            item = ui.item(s.page, plan.title)
            layout = after[plan.title]
            assert item.get_attribute("gs-x") == str(layout["x"]), plan.title
            assert item.get_attribute("gs-w") == str(layout["w"]), plan.title
        assert not s.errors, s.errors

    # Personal workspaces: neither sees the other's dashboard, in the UI or through the API.
    for user, other in (("alice", "bob"), ("bob", "alice")):
        s = open_session(user)
        s.open(tokens[user])
        names = s.page.locator("pb-dashboard-list button.open").all_inner_texts()
        assert f"{user.title()}'s numbers" in names
        assert f"{other.title()}'s numbers" not in names
        peek = plotboard.embed(tokens[user], "GET", f"/dashboards/{dashboards[other]}")
        assert peek.status_code == 404


def test_switching_the_token_to_another_user_switches_workspace_without_reload(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    s = open_session("carol")
    s.open()
    ui.create_dashboard(s.page, "Carol only")
    marker = s.page.evaluate("window.__marker")
    s.user = "dave"
    s.set_token(plotboard.token("dave"))
    s.wait_event("plotboard:ready", count=2)
    assert s.page.evaluate("window.__marker") == marker
    assert s.page.locator("pb-dashboard-list").get_by_text("No dashboards yet").is_visible()
    assert "Carol only" not in s.page.locator("pb-dashboard-list button.open").all_inner_texts()


def test_an_expired_token_is_announced_and_a_fresh_one_carries_on(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    s = open_session("erin")
    s.open(plotboard.short_token("erin", seconds=3))
    marker = s.page.evaluate("window.__marker")
    time.sleep(4)
    # The token has expired: the next action waits, the host sets a fresh token, it goes on.
    s.page.locator("[data-action='new-dashboard']").click()
    s.wait_event("plotboard:token-expired")
    s.page.get_by_label("Dashboard title").wait_for()
    assert s.page.get_by_label("Dashboard title").input_value() == "Untitled dashboard"
    assert s.page.evaluate("window.__marker") == marker  # no reload
    assert not s.events("plotboard:error")
    listed = plotboard.embed(plotboard.token("erin"), "GET", "/dashboards").json()
    assert len(listed["dashboards"]) == 1


def test_a_failing_tile_says_why_while_the_others_work(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("carol")
    good = {"table": "employees", "measures": [{"agg": "count"}]}
    bad = {"table": "employees", "measures": [{"agg": "sum", "column": "no_such_column"}]}
    body = {
        "title": "Mixed",
        "tiles": [
            {"id": "good1", "title": "Good number", "query": good, "chart": {"type": "kpi"},
             "layout": {"x": 0, "y": 0, "w": 4, "h": 3}},
            {"id": "bad1", "title": "Broken chart", "query": bad, "chart": {"type": "bar"},
             "layout": {"x": 4, "y": 0, "w": 4, "h": 3}},
            {"id": "good2", "title": "By department",
             "query": {**good, "dimensions": [{"column": "department"}]},
             "chart": {"type": "bar"}, "layout": {"x": 8, "y": 0, "w": 4, "h": 3}},
        ],
    }  # fmt: skip
    created = plotboard.embed(token, "POST", "/dashboards", json=body)
    assert created.status_code == 201, created.text
    s = open_session("carol")
    s.open(token, **{"dashboard-id": created.json()["id"]})
    ui.wait_tiles_ready(s.page, 3)
    broken = ui.tile(s.page, "Broken chart")
    assert broken.get_attribute("data-state") == "error"
    assert "no_such_column" in broken.locator("[data-error]").inner_text()
    # Refused as asked (a 4xx): asking again can't help, editing it can.
    assert broken.get_by_role("button", name="Try again").count() == 0
    assert broken.get_by_role("button", name="Edit chart").is_visible()
    assert ui.tile(s.page, "Good number").get_attribute("data-state") == "ready"
    ui.tile(s.page, "By department").locator("pb-chart[data-rendered='true']").wait_for()
    assert s.events("plotboard:error"), "the host hears about the failure"


def test_narrow_screens_stack_tiles_without_changing_the_saved_layout(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("gina")
    query = {"table": "employees", "measures": [{"agg": "count"}]}
    tiles = [
        {"id": f"t{i}", "title": f"Tile {i}", "query": query, "chart": {"type": "kpi"},
         "layout": {"x": (i % 3) * 4, "y": (i // 3) * 3, "w": 4, "h": 3}}
        for i in range(6)
    ]  # fmt: skip
    created = plotboard.embed(token, "POST", "/dashboards", json={"title": "Six", "tiles": tiles})
    dashboard_id = created.json()["id"]
    s = open_session("gina", width=360, height=780)
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 6)
    deadline = time.monotonic() + 5  # the grid animates into one column
    while True:
        boxes = [ui.tile(s.page, f"Tile {i}").bounding_box() for i in range(6)]
        lefts = {round(b["x"]) for b in boxes if b}
        if len(lefts) == 1 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(lefts) == 1, "one column"
    tops = [b["y"] for b in boxes if b]
    assert tops == sorted(tops), "in reading order"
    assert all(b and b["width"] > 250 for b in boxes)
    assert s.page.evaluate("document.documentElement.scrollWidth") <= 360
    s.page.get_by_label("Dashboard title").fill("Six, renamed on a phone")
    ui.wait_saved(s.page)
    saved = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()
    assert [t["layout"] for t in saved["tiles"]] == [t["layout"] for t in tiles]


def test_two_tabs_editing_at_once_keep_both_sides_work(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("hana")
    query = {"table": "employees", "measures": [{"agg": "count"}]}
    body = {"title": "Shared", "tiles": [
        {"id": "a", "title": "Headcount", "query": query, "chart": {"type": "kpi"},
         "layout": {"x": 0, "y": 0, "w": 3, "h": 3}}]}  # fmt: skip
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    first, second = open_session("hana"), open_session("hana")
    for tab in (first, second):
        tab.open(token, **{"dashboard-id": dashboard_id})
        ui.wait_tiles_ready(tab.page, 1)
    first.page.get_by_label("Dashboard title").fill("Shared, renamed in tab one")
    ui.wait_saved(first.page)
    ui.tile_menu(second.page, "Headcount", "Duplicate")
    second.page.locator(".notice").wait_for()
    assert "also changed" in second.page.locator(".notice").inner_text()
    ui.wait_saved(second.page)
    final = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()
    assert final["title"] == "Shared, renamed in tab one"
    assert sorted(t["title"] for t in final["tiles"]) == ["Headcount", "Headcount (copy)"]
    assert second.page.get_by_label("Dashboard title").input_value() == final["title"]


def test_dashboards_are_renamed_duplicated_and_deleted_with_undo(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("ivan")
    plotboard.embed(token, "POST", "/dashboards", json={"title": "Quarterly"})
    s = open_session("ivan")
    s.open(token)
    cards = s.page.locator("pb-dashboard-list li.card")
    card = cards.filter(has_text="Quarterly")
    card.get_by_label("Actions for Quarterly").click()
    card.get_by_role("menuitem", name="Rename").click()
    s.page.get_by_label("New title").fill("Quarterly review")
    s.page.get_by_label("New title").press("Enter")
    s.page.get_by_text("Dashboard renamed.").wait_for()
    card = cards.filter(has_text="Quarterly review")
    card.get_by_label("Actions for Quarterly review").click()
    card.get_by_role("menuitem", name="Duplicate").click()
    cards.filter(has_text="Quarterly review (copy)").wait_for()

    def titles() -> list[str]:
        listed = plotboard.embed(token, "GET", "/dashboards").json()["dashboards"]
        return sorted(d["title"] for d in listed)

    assert titles() == ["Quarterly review", "Quarterly review (copy)"]

    copy = cards.filter(has_text="Quarterly review (copy)")
    copy.get_by_label("Actions for Quarterly review (copy)").click()
    copy.get_by_role("menuitem", name="Delete").click()
    assert cards.count() == 1
    s.page.locator("pb-toasts").get_by_role("button", name="Undo").click()
    cards.filter(has_text="Quarterly review (copy)").wait_for()
    assert titles() == ["Quarterly review", "Quarterly review (copy)"]

    copy = cards.filter(has_text="Quarterly review (copy)")
    copy.get_by_label("Actions for Quarterly review (copy)").click()
    copy.get_by_role("menuitem", name="Delete").click()
    deleted = s.page.locator("pb-toasts [data-toast]", has_text="deleted")
    deleted.get_by_role("button", name="Dismiss").click()
    s.page.wait_for_function("1", timeout=2000)
    deadline = time.monotonic() + 5
    while titles() != ["Quarterly review"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert titles() == ["Quarterly review"]


def test_tiles_export_csv_and_png_and_dashboard_filters_apply(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("alice")
    query = {"table": "employees", "measures": [{"agg": "count"}],
             "dimensions": [{"column": "department"}]}  # fmt: skip
    body = {"title": "Exports", "tiles": [
        {"id": "d", "title": "By department", "query": query, "chart": {"type": "bar"},
         "layout": {"x": 0, "y": 0, "w": 6, "h": 4}},
        {"id": "k", "title": "Headcount", "query": {"table": "employees",
         "measures": [{"agg": "count"}]}, "chart": {"type": "kpi"},
         "layout": {"x": 6, "y": 0, "w": 3, "h": 3}}]}  # fmt: skip
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("alice")
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 2)
    with s.page.expect_download() as csv_download:
        ui.tile_menu(s.page, "By department", "Download data (CSV)")
    with open(csv_download.value.path(), encoding="utf-8-sig") as f:
        csv = f.read().splitlines()
    assert csv[0] == "Department,Number of employees"
    assert len(csv) == 8 and any(line.startswith("Engineering,") for line in csv)
    assert csv_download.value.suggested_filename == "by-department.csv"
    for title in ("By department", "Headcount"):
        with s.page.expect_download() as png_download:
            ui.tile_menu(s.page, title, "Download image (PNG)")
        with open(png_download.value.path(), "rb") as png:
            assert png.read(8) == b"\x89PNG\r\n\x1a\n"

    before = ui.tile(s.page, "Headcount").locator("[data-kpi-value]").inner_text()
    s.page.get_by_role("button", name="Add filter").click()
    pop = s.page.locator("pb-filter-bar .pop")
    pop.locator("select").first.select_option("department")
    pop.locator("label.opt", has_text="Engineering").locator("input").check()
    pop.get_by_role("button", name="Apply").click()
    ui.wait_saved(s.page)
    ui.wait_tiles_ready(s.page, 2)
    s.page.wait_for_function(
        "b => document.querySelector('plotboard-editor').shadowRoot.querySelector('pb-dashboard')"
        ".shadowRoot.querySelector('pb-grid').shadowRoot.querySelectorAll('pb-tile')[1]"
        ".shadowRoot.querySelector('pb-kpi').shadowRoot.querySelector('[data-kpi-value]')"
        ".textContent !== b",
        arg=before,
    )
    saved = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()
    assert saved["filters"][0]["column"] == "department"
    assert saved["filters"][0]["value"] == ["Engineering"]


def test_the_script_and_its_map_chunk_load_cross_origin_with_no_other_host(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("bob")
    query = {"table": "employees", "measures": [{"agg": "count"}],
             "dimensions": [{"column": "location"}]}  # fmt: skip
    body = {"title": "Map", "tiles": [{"id": "m", "title": "Where", "query": query,
            "chart": {"type": "map"}, "layout": {"x": 0, "y": 0, "w": 8, "h": 5}}]}  # fmt: skip
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("bob")
    s.open(token, theme="dark", **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 1)
    ui.tile(s.page, "Where").locator("pb-chart[data-rendered='true']").wait_for()
    assert "Not on the map" not in ui.tile(s.page, "Where").inner_text()
    chunks = [u for u in s.requests if "/embed/chunks/" in u]
    assert chunks and all(u.startswith(f"{plotboard.url}/embed/chunks/") for u in chunks)
    hosts = {u.split("/")[2] for u in s.requests if u.startswith("http")}
    assert hosts <= {plotboard.url.split("/")[2], s.host.url.split("/")[2]}, hosts
    # The host page's loud CSS (pink 30px buttons) does not reach inside the editor.
    size = s.page.locator("[data-action='add-chart']").evaluate("b => getComputedStyle(b).fontSize")
    assert size != "30px"
    background = s.page.locator("plotboard-editor").evaluate(
        "e => getComputedStyle(e).getPropertyValue('--pb-bg').trim()"
    )
    assert background == "#12151c"  # the dark theme


def test_keyboard_moves_and_resizes_a_tile_and_edits_reuse_the_builder(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("alice")
    query = {"table": "employees", "measures": [{"agg": "count"}],
             "dimensions": [{"column": "department"}]}  # fmt: skip
    body = {"title": "Keys", "tiles": [{"id": "k", "title": "Teams", "query": query,
            "chart": {"type": "bar"}, "layout": {"x": 0, "y": 0, "w": 4, "h": 4}}]}  # fmt: skip
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("alice")
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 1)
    grip = ui.tile(s.page, "Teams").get_by_role("button", name="Move Teams")
    grip.focus()
    s.page.keyboard.press("ArrowRight")
    s.page.keyboard.press("ArrowRight")
    s.page.keyboard.press("Shift+ArrowRight")
    s.page.keyboard.press("Shift+ArrowDown")
    ui.wait_saved(s.page)
    s.page.wait_for_timeout(200)
    ui.wait_saved(s.page)
    layout = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()["tiles"][0]
    assert layout["layout"] == {"x": 2, "y": 0, "w": 5, "h": 5}

    # Sortable table, then edit the tile in the builder: it opens with the tile's settings.
    ui.tile_menu(s.page, "Teams", "Edit chart")
    d = ui.dialog(s.page)
    assert d.get_by_label("Break down by", exact=True).input_value() == "department"
    d.locator("[data-chart='table']").click()
    d.locator("pb-tile[preview][data-state='ready']").wait_for()
    d.locator("[data-action='save-tile']").click()
    d.wait_for(state="hidden")
    ui.wait_saved(s.page)
    saved = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()["tiles"][0]
    assert saved["chart"] == {"type": "table"} and saved["query"]["table"] == "employees"
    table = ui.tile(s.page, "Teams").locator("pb-table")
    table.get_by_role("button", name="Department").click()
    first = table.locator("tbody tr td:first-child").first.inner_text()
    assert first == "Engineering"  # A to Z
    table.get_by_role("button", name="Department").click()
    assert table.locator("tbody tr td:first-child").first.inner_text() == "Support"


def test_the_demo_page_switches_user_and_workspace_without_reload(
    browser: Any, plotboard: Plotboard
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{plotboard.url}/demo")
        page.locator("pb-dashboard-list").wait_for()
        page.locator("[data-action='new-dashboard']").wait_for()
        page.locator("[data-action='new-dashboard']").click()
        title = page.get_by_label("Dashboard title")
        title.fill("Alice on the demo page")
        ui.wait_saved(page)
        page.evaluate("window.__stay = 1")
        page.get_by_label("Switch sample user").select_option("bob")
        page.get_by_text("Signed in as Bob Chen").wait_for()
        page.locator("pb-dashboard-list").wait_for()
        page.locator("pb-dashboard-list h2").wait_for()
        page.wait_for_timeout(500)
        names = page.locator("pb-dashboard-list button.open").all_inner_texts()
        assert "Alice on the demo page" not in names
        assert page.evaluate("window.__stay") == 1
        page.get_by_label("Switch sample user").select_option("alice")
        page.locator("pb-dashboard-list button.open", has_text="Alice on the demo page").wait_for()
    finally:
        context.close()
