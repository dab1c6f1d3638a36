"""Starter dashboards and sharing within a team in the editor (issue 13 items 3, 4), embedded
from another origin: a starter's first edit makes the user's own copy while the starter stays
as it is for everyone else; a dashboard shared with a team is seen by a teammate read-only,
with the teammate's own rows, and duplicated into their own dashboards. The list shows the
three sections (screenshot docs/images/dashboard-sections.png)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import Plotboard
from tests.conftest import screenshot_dir

pytestmark = pytest.mark.browser
IMAGES = screenshot_dir()

REVENUE = {
    "id": "rev",
    "title": "Revenue by region",
    "query": {
        "table": "sales",
        "measures": [{"agg": "sum", "column": "amount"}],
        "dimensions": [{"column": "sales_region"}],
    },
    "chart": {"type": "table"},
    "layout": {"x": 0, "y": 0, "w": 6, "h": 4},
}
HEADCOUNT = {
    "id": "head",
    "title": "Headcount",
    "query": {"table": "employees", "measures": [{"agg": "count"}]},
    "chart": {"type": "kpi"},
    "layout": {"x": 6, "y": 0, "w": 3, "h": 3},
}


@pytest.fixture
def starters(plotboard: Plotboard) -> Iterator[Callable[..., dict[str, Any]]]:
    """Publish starters for the test; withdrawn afterwards (every user of the shared demo
    organization sees them, other tests' users included)."""
    published: list[str] = []

    def publish(title: str, tiles: list[dict[str, Any]]) -> dict[str, Any]:
        r = plotboard.admin(
            "POST", "/starters", json={"dashboard": {"title": title, "tiles": tiles}}
        )
        assert r.status_code == 201, r.text
        published.append(r.json()["id"])
        out: dict[str, Any] = r.json()
        return out

    yield publish
    for starter_id in published:
        plotboard.admin("DELETE", f"/starters/{starter_id}")


@pytest.fixture
def teams(plotboard: Plotboard) -> Iterator[Callable[..., str]]:
    """The demo organization's team attribute `team`, for this test only; `mint(user, like,
    team)` is a token with the demo user `like`'s attributes (so their rules) and a team."""
    r = plotboard.admin("POST", "/token-attributes", json={"name": "team", "type": "string"})
    assert r.status_code in (201, 409), r.text
    r = plotboard.admin("PUT", "/organization", json={"team_attribute": "team"})
    assert r.status_code == 200, r.text

    def mint(user: str, like: str, team: str) -> str:
        return plotboard.token(user, attributes={**plotboard.attributes(like), "team": team})

    yield mint
    plotboard.admin("PUT", "/organization", json={"team_attribute": None})


def _card(page: Any, section: str, title: str) -> Any:
    return page.locator(f"pb-dashboard-list ul[aria-label='{section}'] li.card").filter(
        has=page.get_by_role("button", name=title, exact=True)
    )


def _card_menu(page: Any, section: str, title: str, item: str) -> None:
    card = _card(page, section, title)
    card.get_by_label(f"Actions for {title}").click()
    card.get_by_role("menuitem", name=item).or_(
        card.get_by_role("menuitemcheckbox", name=item)
    ).click()


def _cells(page: Any, title: str) -> list[str]:
    texts: list[str] = ui.tile(page, title).locator("tbody td").all_inner_texts()
    return texts


def test_a_starters_first_edit_makes_a_copy_and_the_starter_stays_for_others(
    open_session: Callable[..., Session], plotboard: Plotboard, starters: Callable[..., Any]
) -> None:
    starter = starters("Sales starter", [REVENUE, HEADCOUNT])
    # Stella has Alice's rules (region North), Stan has Bob's (South).
    stella = plotboard.token("stella", attributes=plotboard.attributes("alice"))
    stan = plotboard.token("stan", attributes=plotboard.attributes("bob"))
    s = open_session("stella")
    s.open(stella)
    card = _card(s.page, "Starters", "Sales starter")
    card.wait_for()
    assert card.locator("[data-badge='starter']").inner_text().strip() == "Starter"
    card.get_by_role("button", name="Sales starter", exact=True).click()
    ui.wait_tiles_ready(s.page, 2)
    banner = s.page.locator("pb-dashboard-origin [data-origin='starter']")
    assert "Your first change saves your own copy" in banner.inner_text()
    assert s.page.locator("pb-dashboard [data-action='history']").count() == 0  # none yet
    # Her own rules: the starter shows her region only.
    assert "North" in _cells(s.page, "Revenue by region")
    assert not {"South", "East", "West"} & set(_cells(s.page, "Revenue by region"))

    # The first edit (a rename) saves her own copy.
    title = s.page.get_by_label("Dashboard title")
    title.fill("Stella's sales")
    title.press("Enter")
    s.page.wait_for_function(
        "id => window.__events.some(e => e.name === 'plotboard:dashboard-saved'"
        " && e.detail.id !== id)",
        arg=starter["id"],
        timeout=15_000,
    )
    ui.wait_saved(s.page)
    saved = [e["detail"] for e in s.events("plotboard:dashboard-saved")]
    copy_id = saved[-1]["id"]
    assert copy_id != starter["id"]
    banner.wait_for(state="detached")
    s.page.locator("pb-dashboard [data-action='history']").wait_for()  # her copy's history
    copy = plotboard.embed(stella, "GET", f"/dashboards/{copy_id}").json()
    assert copy["copied_from"] == starter["id"] and copy["title"] == "Stella's sales"
    # A second change goes to her copy too (not to the starter).
    ui.tile_menu(s.page, "Headcount", "Remove")
    s.page.wait_for_function(
        "id => window.__events.filter(e => e.name === 'plotboard:dashboard-saved'"
        " && e.detail.id === id).length >= 2",
        arg=copy_id,
        timeout=15_000,
    )
    ui.wait_saved(s.page)
    assert len(plotboard.embed(stella, "GET", f"/dashboards/{copy_id}").json()["tiles"]) == 1

    # Back in her list: the copy is hers, the starter is gone from her Starters.
    s.page.get_by_role("button", name="All dashboards").click()
    _card(s.page, "My dashboards", "Stella's sales").wait_for()
    assert _card(s.page, "Starters", "Sales starter").count() == 0
    assert _card(s.page, "My dashboards", "Stella's sales").locator("[data-badge='copy']").count()

    # Everyone else still has the starter as the admin published it, with their own rows.
    unchanged = plotboard.admin("GET", f"/starters/{starter['id']}").json()
    assert (unchanged["title"], len(unchanged["tiles"]), unchanged["version"]) == (
        "Sales starter",
        2,
        1,
    )
    t = open_session("stan")
    t.open(stan)
    _card(t.page, "Starters", "Sales starter").get_by_role(
        "button", name="Sales starter", exact=True
    ).click()
    ui.wait_tiles_ready(t.page, 2)
    assert "South" in _cells(t.page, "Revenue by region")
    assert "North" not in _cells(t.page, "Revenue by region")
    assert not s.errors and not t.errors, s.errors + t.errors


def test_a_teammate_sees_a_shared_dashboard_with_their_own_rows_and_duplicates_it(
    open_session: Callable[..., Session],
    plotboard: Plotboard,
    teams: Callable[..., str],
    starters: Callable[..., Any],
) -> None:
    starters("Company overview", [HEADCOUNT])
    owner = teams("sharon", like="alice", team="sales-team")  # region North
    mate = teams("tomas", like="bob", team="sales-team")  # region South
    outsider = teams("otto", like="carol", team="ops-team")
    made = plotboard.embed(
        owner, "POST", "/dashboards", json={"title": "Pipeline review", "tiles": [REVENUE]}
    ).json()

    # The owner shares it from her list.
    s = open_session("sharon")
    s.open(owner)
    _card_menu(s.page, "My dashboards", "Pipeline review", "Share with your team")
    shared_badge = _card(s.page, "My dashboards", "Pipeline review").locator(
        "[data-badge='shared']"
    )
    shared_badge.wait_for()
    assert plotboard.embed(owner, "GET", f"/dashboards/{made['id']}").json()["shared"] is True
    s.page.get_by_role("button", name="Pipeline review", exact=True).click()
    ui.wait_tiles_ready(s.page, 1)
    owner_rows = _cells(s.page, "Revenue by region")
    assert "North" in owner_rows and "South" not in owner_rows

    # The teammate finds it under "Shared with me" and opens it: read-only, his own rows.
    t = open_session("tomas")
    t.open(mate)
    card = _card(t.page, "Shared with me", "Pipeline review")
    card.wait_for()
    assert "read-only" in card.locator("[data-badge='team']").inner_text()
    card.get_by_role("button", name="Pipeline review", exact=True).click()
    ui.wait_tiles_ready(t.page, 1)
    mate_rows = _cells(t.page, "Revenue by region")
    assert "South" in mate_rows and "North" not in mate_rows
    assert mate_rows != owner_rows
    assert t.page.locator("pb-dashboard-origin [data-origin='team']").is_visible()
    assert t.page.locator("pb-dashboard [data-action='add-chart']").count() == 0
    assert t.page.get_by_label("Dashboard title").get_attribute("readonly") is not None
    assert t.page.locator("pb-dashboard .status").inner_text().strip() == "View only"
    assert t.page.locator("pb-dashboard [data-action='history']").count() == 0  # the owner's
    t.page.locator("plotboard-editor").screenshot(path=str(IMAGES / "shared-dashboard.png"))

    # Someone of another team sees no such dashboard.
    o = open_session("otto")
    o.open(outsider)
    o.page.locator("pb-dashboard-list [data-section='starters']").wait_for()
    assert o.page.locator("pb-dashboard-list [data-section='shared']").count() == 0

    # Duplicate: a dashboard of his own, editable, still his own rows.
    t.page.locator("[data-action='duplicate-shared']").click()
    t.page.locator("pb-dashboard [data-action='add-chart']").wait_for()
    ui.wait_tiles_ready(t.page, 1)
    assert "South" in _cells(t.page, "Revenue by region")
    t.page.get_by_role("button", name="All dashboards").click()
    _card(t.page, "My dashboards", "Pipeline review (copy)").wait_for()
    _card(t.page, "Starters", "Company overview").wait_for()
    _card(t.page, "Shared with me", "Pipeline review").wait_for()
    t.page.locator("plotboard-editor").screenshot(path=str(IMAGES / "dashboard-sections.png"))

    # The owner stops sharing: gone from the teammate's list.
    s.page.get_by_role("button", name="All dashboards").click()
    _card_menu(s.page, "My dashboards", "Pipeline review", "Shared with your team")
    shared_badge.wait_for(state="detached")
    t.open(mate)
    _card(t.page, "My dashboards", "Pipeline review (copy)").wait_for()
    assert t.page.locator("pb-dashboard-list [data-section='shared']").count() == 0
    assert not s.errors and not t.errors and not o.errors, s.errors + t.errors + o.errors
