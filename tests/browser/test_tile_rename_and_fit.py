"""A tile renamed in place (its menu's Rename, a double click on its title), the Edit chart
dialog with a long title, and the dashboard's toolbar on one line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import Plotboard

pytestmark = pytest.mark.browser
TIMEOUT = ui.TIMEOUT
SHOTS = "/tmp/front-shots"

LONG = (
    "Average salary by department (Junior Software Engineer, Senior Software Engineer and "
    "Software Engineer)"
)
SALARIES = {
    "id": "salaries",
    "title": LONG,
    "chart": {"type": "bar"},
    "query": {
        "table": "employees",
        "measures": [{"agg": "avg", "column": "salary"}],
        "dimensions": [{"column": "department"}],
    },
    "layout": {"x": 0, "y": 0, "w": 6, "h": 4},
}
HEADCOUNT = {
    "id": "headcount",
    "title": "Headcount",
    "chart": {"type": "bar"},
    "query": {
        "table": "employees",
        "measures": [{"agg": "count"}],
        "dimensions": [{"column": "location"}],
    },
    "layout": {"x": 6, "y": 0, "w": 6, "h": 4},
}


def saved(plotboard: Plotboard, token: str, dashboard_id: str) -> dict[str, Any]:
    answer: dict[str, Any] = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()
    return answer


def titles(plotboard: Plotboard, token: str, dashboard_id: str) -> list[str]:
    return sorted(t["title"] for t in saved(plotboard, token, dashboard_id)["tiles"])


@pytest.mark.parametrize("width", [1280, 1400])
def test_the_edit_chart_dialog_keeps_a_long_title_inside_it(
    open_session: Callable[..., Session], plotboard: Plotboard, width: int
) -> None:
    # With that title, the right-hand panel ran past the dialog's edge: "Table" cut, "Scatter"
    # off-screen, the title field and the preview clipped.
    token = plotboard.token("alice")
    body = {"title": "Long titles", "tiles": [SALARIES]}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("alice", width=width, height=900)
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 1)
    ui.tile_menu(s.page, LONG, "Edit chart")
    d = ui.dialog(s.page)
    d.wait_for(timeout=TIMEOUT)
    d.locator("pb-tile[preview][data-state='ready']").wait_for(timeout=TIMEOUT)
    panel = d.locator(".preview").first
    right = d.bounding_box()["x"] + d.bounding_box()["width"]
    for part in [
        panel,
        d.locator("[data-chart='table']"),
        d.locator("[data-chart='scatter']"),
        d.get_by_label("Title", exact=True),
        d.locator("pb-tile[preview]"),
    ]:
        box = part.bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= right + 0.5, (box, right)
    assert d.get_by_label("Title", exact=True).input_value() == LONG
    s.page.screenshot(path=f"{SHOTS}/edit-chart-long-title-{width}.png")
    assert not s.errors, s.errors


def test_a_tile_is_renamed_from_its_menu_or_by_double_clicking_its_title(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # The tile's menu had no Rename and a double click on the title did nothing: renaming
    # meant finding the title field inside Edit chart.
    token = plotboard.token("alice")
    body = {"title": "Renaming", "tiles": [SALARIES, HEADCOUNT]}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("alice", width=1400, height=900)
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 2)

    # Rename from the menu: the title becomes a field, Enter saves.
    ui.tile_menu(s.page, "Headcount", "Rename")
    field = s.page.locator("pb-grid pb-tile").get_by_label("Chart title")
    field.wait_for(timeout=TIMEOUT)
    assert field.evaluate("el => el === el.getRootNode().activeElement")
    assert field.input_value() == "Headcount"
    s.page.screenshot(path=f"{SHOTS}/rename-field.png")
    field.fill("People per office")
    field.press("Enter")
    ui.tile(s.page, "People per office").wait_for(timeout=TIMEOUT)
    ui.wait_saved(s.page)
    assert titles(plotboard, token, dashboard_id) == [LONG, "People per office"]

    # Escape cancels.
    ui.tile_menu(s.page, "People per office", "Rename")
    field.wait_for(timeout=TIMEOUT)
    field.fill("Not this")
    field.press("Escape")
    field.wait_for(state="detached", timeout=TIMEOUT)
    ui.tile(s.page, "People per office").wait_for(timeout=TIMEOUT)
    s.page.wait_for_timeout(1500)  # longer than the save's debounce
    assert titles(plotboard, token, dashboard_id) == [LONG, "People per office"]

    # A double click on the title renames too; it is undone like any other change.
    ui.tile(s.page, LONG).locator(f"h3[title='{LONG}']").dblclick()
    field.wait_for(timeout=TIMEOUT)
    field.fill("Software salaries")
    field.press("Enter")
    ui.wait_saved(s.page)
    assert titles(plotboard, token, dashboard_id) == ["People per office", "Software salaries"]
    s.page.locator("[data-action='undo']").click()
    ui.tile(s.page, LONG).wait_for(timeout=TIMEOUT)
    ui.wait_saved(s.page)
    assert titles(plotboard, token, dashboard_id) == [LONG, "People per office"]
    assert not s.errors, s.errors


def test_a_rename_meets_a_concurrent_edit_through_the_dashboards_save(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # The rename is saved like every other change: over another tab's newer version the save
    # gets its 409, and the merge keeps both the other tab's work and the new title.
    token = plotboard.token("alice")
    body = {"title": "Two tabs", "tiles": [HEADCOUNT]}
    made = plotboard.embed(token, "POST", "/dashboards", json=body).json()
    s = open_session("alice", width=1400, height=900)
    s.open(token, **{"dashboard-id": made["id"]})
    ui.wait_tiles_ready(s.page, 1)
    theirs = {**SALARIES, "id": "theirs", "title": "From the other tab"}
    other = plotboard.embed(
        token,
        "PUT",
        f"/dashboards/{made['id']}",
        json={
            "title": "Renamed elsewhere",
            "tiles": [HEADCOUNT, theirs],
            "version": made["version"],
        },
    )
    assert other.status_code == 200, other.text
    conflicts: list[int] = []
    s.page.on(
        "response",
        lambda r: (
            conflicts.append(r.status)
            if f"/dashboards/{made['id']}" in r.url and r.request.method == "PUT"
            else None
        ),
    )
    ui.tile_menu(s.page, "Headcount", "Rename")
    field = s.page.locator("pb-grid pb-tile").get_by_label("Chart title")
    field.fill("People per office")
    field.press("Enter")
    final = saved(plotboard, token, made["id"])
    for _ in range(100):
        if "People per office" in [t["title"] for t in final["tiles"]]:
            break
        s.page.wait_for_timeout(100)
        final = saved(plotboard, token, made["id"])
    ui.wait_saved(s.page)
    assert 409 in conflicts, conflicts
    assert final["title"] == "Renamed elsewhere"
    assert sorted(t["title"] for t in final["tiles"]) == ["From the other tab", "People per office"]
    assert not s.errors, s.errors


def test_a_view_only_dashboard_offers_no_rename_and_its_toolbar_sits_together(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    owner = plotboard.token("alice")
    body = {"title": "Read only", "tiles": [HEADCOUNT]}
    dashboard_id = plotboard.embed(owner, "POST", "/dashboards", json=body).json()["id"]
    viewer = plotboard.token("alice", permissions={"dashboards": "view"})
    s = open_session("alice", width=1400, height=900)
    s.open(viewer, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 1)
    tile = ui.tile(s.page, "Headcount")
    tile.get_by_label("Actions for Headcount").click()
    menu = tile.get_by_role("menu")
    menu.wait_for(timeout=TIMEOUT)
    assert menu.get_by_role("menuitem", name="Rename").count() == 0
    s.page.keyboard.press("Escape")
    tile.locator("h3[title='Headcount']").dblclick()
    s.page.wait_for_timeout(300)
    assert s.page.locator("pb-grid pb-tile").get_by_label("Chart title").count() == 0
    # "View only" sits beside the toolbar's buttons, not in a gap of its own.
    label = s.page.locator("pb-dashboard [data-view-only]")
    refresh = s.page.locator("pb-dashboard .bar").get_by_role("button", name="Refresh")
    lb, rb = label.bounding_box(), refresh.bounding_box()
    assert 0 <= rb["x"] - (lb["x"] + lb["width"]) <= 16, (lb, rb)
    assert abs((lb["y"] + lb["height"] / 2) - (rb["y"] + rb["height"] / 2)) <= 2, (lb, rb)
    s.page.screenshot(path=f"{SHOTS}/view-only-toolbar.png")
    assert not s.errors, s.errors


@pytest.mark.parametrize("width", [1280, 1400])
def test_the_toolbar_keeps_add_chart_on_the_title_line(
    open_session: Callable[..., Session], plotboard: Plotboard, width: int
) -> None:
    # At 1400 px "Add chart" wrapped onto a line of its own under the dashboard's title, in
    # the demo's page, whose sidebar and margins leave the editor about 1,100 px of its width.
    s = open_session("alice", width=width, height=900)
    s.open(**{"ai-chat": ""})  # Ask AI in the toolbar too, as in the demo
    editor_width = width - 300
    s.page.evaluate(
        f"document.getElementById('editor').style.cssText = 'display:block;width:{editor_width}px'"
    )
    ui.create_dashboard(s.page, "Untitled dashboard")
    bar = s.page.locator("pb-dashboard .bar")
    title = bar.get_by_label("Dashboard title").bounding_box()
    add = bar.locator("[data-action='add-chart']").bounding_box()
    # At 1280 px (the editor about 980 px wide) the title was cut to "Untitled das…" and
    # "Add chart" wrapped: the quiet buttons now keep only their icons there.
    s.page.screenshot(path=f"{SHOTS}/toolbar-{width}.png")
    assert abs((title["y"] + title["height"] / 2) - (add["y"] + add["height"] / 2)) <= 4
    shown = bar.get_by_label("Dashboard title")
    assert shown.evaluate("e => e.scrollWidth <= e.clientWidth"), "the title is cut"
    assert not s.errors, s.errors
