"""Dashboard history in the editor (issue 13 item 2), embedded from another origin: the list of
saved versions in words, a read-only preview of an old one, restore as a new version, and a
restore from a stale view refused (409) without overwriting the other tab's save."""

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

HEADCOUNT = {
    "id": "head",
    "title": "Headcount",
    "query": {"table": "employees", "measures": [{"agg": "count"}]},
    "chart": {"type": "kpi"},
    "layout": {"x": 0, "y": 0, "w": 3, "h": 3},
}
SALARY = {
    "id": "salary",
    "title": "Salary by office",
    "query": {
        "table": "employees",
        "measures": [{"agg": "avg", "column": "salary"}],
        "dimensions": [{"column": "location"}],
    },
    "chart": {"type": "bar"},
    "layout": {"x": 3, "y": 0, "w": 6, "h": 4},
}


def _history_entries(page: Any) -> list[str]:
    buttons = page.locator("pb-history li button")
    buttons.first.wait_for()
    texts: list[str] = buttons.evaluate_all("bs => bs.map(b => b.innerText.replace(/\\s+/g, ' '))")
    return texts


def _wait_history(page: Any, newest: int) -> None:
    page.locator(f"pb-history button[data-version='{newest}']").wait_for()


def test_history_lists_changes_previews_and_restores_an_old_version(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # Alice's offices, so the tiles show her rows.
    token = plotboard.token("hilda", attributes=plotboard.attributes("alice"))
    created = plotboard.embed(
        token, "POST", "/dashboards", json={"title": "Team KPIs", "tiles": [HEADCOUNT]}
    ).json()
    dashboard_id = created["id"]
    put = plotboard.embed(
        token,
        "PUT",
        f"/dashboards/{dashboard_id}",
        json={"title": "Team KPIs", "tiles": [HEADCOUNT, SALARY], "version": 1},
    )
    assert put.status_code == 200, put.text
    s = open_session("hilda")
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 2)

    # Two edits in the editor, each autosaved: a tile removed, then a new title.
    ui.tile_menu(s.page, "Salary by office", "Remove")
    ui.wait_saved(s.page)
    title = s.page.get_by_label("Dashboard title")
    title.fill("Team KPIs (lean)")
    title.press("Enter")
    ui.wait_saved(s.page)
    s.page.wait_for_function(
        "() => window.__events.filter(e => e.name === 'plotboard:dashboard-saved')"
        ".some(e => e.detail.version === 4)"
    )

    s.page.locator("[data-action='history']").click()
    _wait_history(s.page, 4)
    entries = _history_entries(s.page)
    assert len(entries) == 4, entries
    assert "Version 4" in entries[0] and "Current" in entries[0]
    assert "Renamed to 'Team KPIs (lean)'" in entries[0]
    assert "Removed 'Salary by office'" in entries[1]
    assert "Added 'Salary by office'" in entries[2]
    assert "Created" in entries[3]

    # Preview version 2: read-only, both tiles, its title; nothing saved.
    s.page.locator("pb-history button[data-version='2']").click()
    banner = s.page.locator("[data-preview='2']")
    banner.wait_for()
    assert "read-only" in banner.inner_text()
    ui.wait_tiles_ready(s.page, 2)
    assert title.input_value() == "Team KPIs"
    assert title.get_attribute("readonly") is not None
    assert s.page.locator("[data-action='add-chart']").count() == 0
    s.page.locator("plotboard-editor").screenshot(path=str(IMAGES / "history.png"))
    now = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()
    assert now["version"] == 4 and [t["title"] for t in now["tiles"]] == ["Headcount"]

    # Restore it: a new version 5 with version 2's content; history says so.
    s.page.locator("[data-action='restore']").click()
    s.page.get_by_text("Version 2 restored; it is now version 5.").wait_for()
    assert banner.count() == 0
    ui.wait_tiles_ready(s.page, 2)
    assert title.input_value() == "Team KPIs"
    now = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()
    assert now["version"] == 5 and now["title"] == "Team KPIs"
    assert [t["title"] for t in now["tiles"]] == ["Headcount", "Salary by office"]
    _wait_history(s.page, 5)
    entries = _history_entries(s.page)
    assert entries[0].startswith("Version 5") and "Restored version 2" in entries[0], entries
    assert not s.errors, s.errors


def test_a_restore_from_a_stale_view_is_refused_and_keeps_the_other_save(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("hilda")
    created = plotboard.embed(
        token, "POST", "/dashboards", json={"title": "Stale view", "tiles": [HEADCOUNT]}
    ).json()
    dashboard_id = created["id"]
    plotboard.embed(
        token,
        "PUT",
        f"/dashboards/{dashboard_id}",
        json={"title": "Stale view", "tiles": [], "version": 1},
    )
    s = open_session("hilda")
    s.open(token, **{"dashboard-id": dashboard_id})
    s.page.locator("[data-action='history']").click()
    _wait_history(s.page, 2)
    s.page.locator("pb-history button[data-version='1']").click()
    s.page.locator("[data-preview='1']").wait_for()

    # Meanwhile another tab saves version 3.
    other = plotboard.embed(
        token,
        "PUT",
        f"/dashboards/{dashboard_id}",
        json={"title": "Saved in another tab", "tiles": [], "version": 2},
    )
    assert other.status_code == 200, other.text
    s.page.locator("[data-action='restore']").click()
    notice = s.page.locator(".notice", has_text="nothing was restored")
    notice.wait_for()
    now = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()
    assert now["version"] == 3 and now["title"] == "Saved in another tab"
    _wait_history(s.page, 3)

    # Restoring again, now from the newest version, works.
    s.page.locator("[data-action='restore']").click()
    s.page.get_by_text("Version 1 restored; it is now version 4.").wait_for()
    now = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()
    assert now["title"] == "Stale view" and [t["title"] for t in now["tiles"]] == ["Headcount"]
    assert not s.errors, s.errors
