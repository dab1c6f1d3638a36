"""Driving the editor the way a person does: buttons, selects and drags, by their labels.

Playwright's CSS and role locators pierce open shadow roots, so these read like the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TIMEOUT = 15_000


@dataclass
class TilePlan:
    """One chart to build with the builder."""

    chart: str
    table: str = "Employees"
    measure: tuple[str, str | None] = ("count", None)
    second_measure: tuple[str, str] | None = None
    breakdown: str | None = None
    grain: str | None = None
    split: str | None = None
    compare: bool = False
    filters: list[tuple[str, list[str]]] = field(default_factory=list)
    limit: int | None = None
    title: str = ""


def dialog(page: Any) -> Any:
    return page.locator("pb-builder dialog")


def create_dashboard(page: Any, title: str) -> None:
    page.locator("[data-action='new-dashboard']").click()
    title_input = page.get_by_label("Dashboard title")
    title_input.wait_for(timeout=TIMEOUT)
    title_input.fill(title)
    title_input.press("Enter")
    wait_saved(page)


def open_chat(page: Any, dashboard: str) -> Any:
    """A new dashboard named `dashboard`, its AI chat opened; the question box."""
    create_dashboard(page, dashboard)
    page.locator("[data-action='ask-ai']").click()
    return page.get_by_label("Ask a question about your data")


def wait_saved(page: Any) -> None:
    page.locator("[data-save-state='saved']").wait_for(timeout=TIMEOUT)


def build_tile(page: Any, plan: TilePlan) -> None:
    """Open the builder, make the chart, check the live preview drew it, add it."""
    page.locator("[data-action='add-chart']").click()
    d = dialog(page)
    d.wait_for(timeout=TIMEOUT)
    d.locator(".table-card", has_text=plan.table).click()
    agg, column = plan.measure
    d.get_by_label("Measure 1", exact=True).select_option(agg)
    if column:
        d.get_by_label("Column for measure 1", exact=True).select_option(column)
    if plan.second_measure:
        d.get_by_text("Add a second measure").click()
        d.get_by_label("Measure 2", exact=True).select_option(plan.second_measure[0])
        d.get_by_label("Column for measure 2", exact=True).select_option(plan.second_measure[1])
    if plan.breakdown:
        d.get_by_label("Break down by", exact=True).select_option(plan.breakdown)
        if plan.grain:
            d.locator("select[aria-label^='Date grouping']").first.select_option(plan.grain)
    if plan.split:
        d.get_by_text("Split by another column").click()
        d.get_by_label("Split by", exact=True).select_option(plan.split)
    for column_ref, values in plan.filters:
        d.get_by_text("Add a filter").click()
        row = d.locator("pb-filter-row").last
        row.get_by_label("Filter column").select_option(column_ref)
        for value in values:
            row.locator("label.opt", has_text=value).locator("input").check(timeout=TIMEOUT)
    if plan.limit:
        d.get_by_label("Show at most").fill(str(plan.limit))
        d.get_by_label("Show at most").press("Tab")
    d.locator(f"[data-chart='{plan.chart}']").click()
    if plan.compare:
        d.get_by_text("Show the latest period").click()
    assert d.locator(f"[data-chart='{plan.chart}']").get_attribute("aria-checked") == "true"
    if plan.title:
        d.get_by_label("Title", exact=True).fill(plan.title)
    d.locator("pb-tile[preview][data-state='ready']").wait_for(timeout=TIMEOUT)
    d.locator("[data-action='save-tile']").click()
    d.wait_for(state="hidden", timeout=TIMEOUT)


def tiles(page: Any) -> Any:
    return page.locator("pb-grid pb-tile")


def wait_tiles_ready(page: Any, count: int) -> None:
    page.wait_for_function(
        """n => {
          const grid = document.querySelector('plotboard-editor')?.shadowRoot
            ?.querySelector('pb-dashboard')?.shadowRoot?.querySelector('pb-grid');
          const tiles = grid ? [...grid.shadowRoot.querySelectorAll('pb-tile')] : [];
          const settled = t => ['ready', 'error'].includes(t.dataset.state);
          return tiles.length === n && tiles.every(settled);
        }""",
        arg=count,
        timeout=TIMEOUT * 2,
    )


def tile(page: Any, title: str) -> Any:
    return page.locator("pb-grid pb-tile", has=page.locator(f"h3[title='{title}']"))


def item(page: Any, title: str) -> Any:
    """The grid item (gridstack's element) holding the tile called `title`."""
    return page.locator("pb-grid .grid-stack-item").filter(has=page.locator(f"h3[title='{title}']"))


def tile_menu(page: Any, title: str, item: str) -> None:
    tile(page, title).get_by_label(f"Actions for {title}").click()
    tile(page, title).get_by_role("menuitem", name=item).click()


def open_share_donut(open_session: Any, plotboard: Any, title: str, **attributes: str) -> Any:
    """alice's dashboard of one donut (revenue share by category, 6 columns wide) opened at
    1440 by 900 with the editor's `attributes`; the session and its drawn chart."""
    share = {"table": "sales", "measures": [{"agg": "sum", "column": "amount", "share": True}],
             "dimensions": [{"column": "category"}]}  # fmt: skip
    tiles = [{"id": "d", "title": "Share by category", "chart": {"type": "donut"},
              "query": share, "layout": {"x": 0, "y": 0, "w": 6, "h": 4}}]  # fmt: skip
    token = plotboard.token("alice")
    body = {"title": title, "tiles": tiles}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("alice", width=1440, height=900)
    s.open(token, **{"dashboard-id": dashboard_id, **attributes})
    wait_tiles_ready(s.page, 1)
    chart = s.page.locator("pb-chart[data-rendered='true']").first
    chart.wait_for(timeout=TIMEOUT)
    return s, chart
