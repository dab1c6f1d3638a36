"""Undo and redo in the editor (issue 13 item 1), embedded from another origin: moves,
resizes, removals and renames are taken back and done again with Ctrl+Z / Shift+Ctrl+Z and the
buttons, across autosaves, and an undo made after another tab saved keeps that tab's work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import Plotboard
from tests.conftest import screenshot_dir

pytestmark = pytest.mark.browser
IMAGES = screenshot_dir()

QUERY = {"table": "employees", "measures": [{"agg": "count"}]}
TILES = [
    {"id": "head", "title": "Headcount", "query": QUERY, "chart": {"type": "kpi"},
     "layout": {"x": 0, "y": 0, "w": 3, "h": 3}},
    {"id": "dept", "title": "Teams", "chart": {"type": "bar"},
     "query": {**QUERY, "dimensions": [{"column": "department"}]},
     "layout": {"x": 3, "y": 0, "w": 6, "h": 4}},
]  # fmt: skip


def _saved(plotboard: Plotboard, token: str, dashboard_id: str) -> dict[str, Any]:
    body: dict[str, Any] = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()
    return body


def _settle(s: Session, version: int) -> None:
    """Wait for the autosave that makes `version`."""
    s.page.wait_for_function(
        "v => window.__events.filter(e => e.name === 'plotboard:dashboard-saved')"
        ".some(e => e.detail.version === v)",
        arg=version,
        timeout=15_000,
    )
    ui.wait_saved(s.page)


def _layout(plotboard: Plotboard, token: str, dashboard_id: str, tile: str) -> dict[str, int]:
    tiles = _saved(plotboard, token, dashboard_id)["tiles"]
    found: dict[str, int] = next(t["layout"] for t in tiles if t["title"] == tile)
    return found


def test_every_kind_of_change_is_undone_and_redone_across_autosaves(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("ulla", attributes=plotboard.attributes("alice"))
    body = {"title": "Undo me", "tiles": TILES}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("ulla")
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 2)
    undo = s.page.locator("[data-action='undo']")
    redo = s.page.locator("[data-action='redo']")
    assert undo.is_disabled() and redo.is_disabled()

    # 1. move right (v2), 2. resize (v3), 3. remove (v4), 4. rename (v5): each autosaved.
    grip = ui.tile(s.page, "Teams").get_by_role("button", name="Move Teams")
    grip.focus()
    s.page.keyboard.press("ArrowRight")
    _settle(s, 2)
    s.page.keyboard.press("Shift+ArrowRight")
    _settle(s, 3)
    assert _layout(plotboard, token, dashboard_id, "Teams") == {"x": 4, "y": 0, "w": 7, "h": 4}
    ui.tile_menu(s.page, "Headcount", "Remove")
    _settle(s, 4)
    title = s.page.get_by_label("Dashboard title")
    title.fill("Renamed")
    title.press("Enter")
    _settle(s, 5)

    # Undo the rename with the button, the removal with Ctrl+Z (focus outside any text field).
    assert undo.get_attribute("aria-label") == "Undo rename"
    undo.click()
    _settle(s, 6)
    assert title.input_value() == "Undo me"
    assert _saved(plotboard, token, dashboard_id)["title"] == "Undo me"
    assert undo.get_attribute("aria-label") == "Undo remove “Headcount”"
    s.page.keyboard.press("Control+z")
    _settle(s, 7)
    ui.wait_tiles_ready(s.page, 2)
    assert [t["title"] for t in _saved(plotboard, token, dashboard_id)["tiles"]] == [
        "Headcount",
        "Teams",
    ]
    # The resize and the move, back to where the tile started.
    s.page.keyboard.press("Control+z")
    _settle(s, 8)
    s.page.keyboard.press("Control+z")
    _settle(s, 9)
    assert _layout(plotboard, token, dashboard_id, "Teams") == TILES[1]["layout"]
    assert ui.item(s.page, "Teams").get_attribute("gs-x") == "3"  # on screen too

    # Redo: Shift+Ctrl+Z does the move again; the button the resize.
    s.page.keyboard.press("Control+Shift+z")
    _settle(s, 10)
    assert _layout(plotboard, token, dashboard_id, "Teams")["x"] == 4
    assert redo.get_attribute("aria-label") == "Redo resize a chart"
    s.page.locator("plotboard-editor").screenshot(path=str(IMAGES / "undo.png"))
    redo.click()
    _settle(s, 11)
    assert _layout(plotboard, token, dashboard_id, "Teams") == {"x": 4, "y": 0, "w": 7, "h": 4}
    # A new change forgets what was undone.
    ui.tile_menu(s.page, "Teams", "Duplicate")
    _settle(s, 12)
    assert redo.is_disabled()
    assert not s.errors, s.errors


def test_an_undo_after_another_tab_saved_keeps_that_tabs_work(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("ulla", attributes=plotboard.attributes("alice"))
    body = {"title": "Two tabs", "tiles": TILES}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("ulla")
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 2)
    ui.tile_menu(s.page, "Teams", "Remove")
    _settle(s, 2)

    # Another tab renames the dashboard and adds a tile (version 3).
    theirs = {**TILES[0], "id": "theirs", "title": "From the other tab",
              "layout": {"x": 6, "y": 4, "w": 3, "h": 3}}  # fmt: skip
    other = plotboard.embed(
        token,
        "PUT",
        f"/dashboards/{dashboard_id}",
        json={"title": "Renamed elsewhere", "tiles": [TILES[0], theirs], "version": 2},
    )
    assert other.status_code == 200, other.text

    # Undo here: the save meets a 409, the merge keeps the other tab's work, then saves.
    s.page.locator("[data-action='undo']").click()
    _settle(s, 4)
    final = _saved(plotboard, token, dashboard_id)
    assert final["title"] == "Renamed elsewhere"
    assert sorted(t["title"] for t in final["tiles"]) == [
        "From the other tab",
        "Headcount",
        "Teams",
    ]
    assert "also changed" in s.page.locator(".notice").inner_text()
    assert not s.errors, s.errors
