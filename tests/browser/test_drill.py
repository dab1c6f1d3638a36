"""Drill-down, drill-through and cross-filtering (issue 13 items 6 and 7), embedded from another
origin: a click on a bar opens a menu; detail rows and the next date grain replace the tile's view
until the breadcrumb brings it back (the saved tile never changes); a table cell drills from the
keyboard; a cross-filter chip filters the other tiles (along foreign keys too), says so on the tiles
it cannot reach, and removing it restores them."""

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
ARROW = "\u203a"  # the breadcrumb's separator

REVENUE = {"agg": "sum", "column": "amount"}
TILES = [
    {"id": "cat", "title": "Revenue by category", "chart": {"type": "bar"},
     "query": {"table": "sales", "measures": [REVENUE], "dimensions": [{"column": "category"}],
               "order_by": [{"by": "sum_amount", "desc": True}]},
     "layout": {"x": 0, "y": 0, "w": 6, "h": 4}},
    {"id": "year", "title": "Revenue by year", "chart": {"type": "bar"},
     "query": {"table": "sales", "measures": [REVENUE],
               "dimensions": [{"column": "sale_date", "grain": "year"}]},
     "layout": {"x": 6, "y": 0, "w": 6, "h": 4}},
    {"id": "dept", "title": "Headcount by department", "chart": {"type": "table"},
     "query": {"table": "employees", "measures": [{"agg": "count"}],
               "dimensions": [{"column": "department"}], "order_by": [{"by": "department"}]},
     "layout": {"x": 0, "y": 4, "w": 6, "h": 5}},
    {"id": "offices", "title": "Offices by region", "chart": {"type": "bar"},
     "query": {"table": "offices", "measures": [{"agg": "count"}],
               "dimensions": [{"column": "region"}]},
     "layout": {"x": 6, "y": 4, "w": 6, "h": 4}},
]  # fmt: skip

# The pb-tile element titled `title`, through the editor's shadow roots.
TILE_JS = """title => {
  const dash = document.querySelector('plotboard-editor').shadowRoot.querySelector('pb-dashboard');
  const grid = dash.shadowRoot.querySelector('pb-grid');
  return [...grid.shadowRoot.querySelectorAll('pb-tile')]
    .find(t => t.shadowRoot.querySelector('h3')?.title === title);
}"""


def _bar_point(s: Session, title: str, category: str) -> tuple[float, float]:
    """Where the bar for `category` is on the page (the middle of the bar)."""
    s.page.wait_for_function(
        f"t => ({TILE_JS})(t)?.shadowRoot.querySelector('pb-chart')?.dataset.rendered", arg=title
    )
    point: list[float] = s.page.evaluate(
        f"""([title, name]) => {{
          const el = ({TILE_JS})(title).shadowRoot.querySelector('pb-chart');
          const chart = el.chart;
          const option = chart.getOption();
          const i = option.xAxis[0].data.indexOf(name);
          if (i < 0) throw new Error('no bar ' + name + ' in ' + option.xAxis[0].data);
          const d = option.series[0].data[i];
          const value = d !== null && typeof d === 'object' ? d.value : d;
          const [x, y] = chart.convertToPixel({{seriesIndex: 0}}, [i, value / 2]);
          const box = el.getBoundingClientRect();
          return [box.left + x, box.top + y];
        }}""",
        [title, category],
    )
    return point[0], point[1]


def _bars(s: Session, title: str) -> dict[str, float]:
    """The bars a chart tile draws now: category → value."""
    found: dict[str, float] = s.page.evaluate(
        f"""title => {{
          const chart = ({TILE_JS})(title).shadowRoot.querySelector('pb-chart').chart;
          const option = chart.getOption();
          const out = {{}};
          option.xAxis[0].data.forEach((name, i) => {{
            const d = option.series[0].data[i];
            out[name] = d !== null && typeof d === 'object' ? d.value : d;
          }});
          return out;
        }}""",
        title,
    )
    return found


def _wait_drawn(s: Session, title: str, rows: int | None = None) -> None:
    ui.tile(s.page, title).and_(s.page.locator("[data-state='ready']")).wait_for(timeout=ui.TIMEOUT)
    if rows is not None:
        ui.tile(s.page, title).and_(s.page.locator(f"[data-rows='{rows}']")).wait_for(
            timeout=ui.TIMEOUT
        )


def _query(plotboard: Plotboard, token: str, spec: dict[str, Any]) -> list[list[Any]]:
    response = plotboard.embed(token, "POST", "/query", json={"query": spec})
    assert response.status_code == 200, response.text
    rows: list[list[Any]] = response.json()["rows"]
    return rows


def _open(s: Session, plotboard: Plotboard, token: str, title: str) -> str:
    body = {"title": title, "tiles": TILES}
    dashboard_id: str = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 4)
    return dashboard_id


def test_drill_to_detail_rows_and_the_next_grain_and_back(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("dora", attributes=plotboard.attributes("alice"))
    s = open_session("dora")
    dashboard_id = _open(s, plotboard, token, "Drill")
    saved_before = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()

    # A click on the Software bar opens the menu.
    s.page.mouse.click(*_bar_point(s, "Revenue by category", "Software"))
    menu = ui.tile(s.page, "Revenue by category").locator(".drill-menu")
    menu.wait_for(timeout=ui.TIMEOUT)
    assert menu.locator(".head").inner_text() == "Software"
    items = menu.get_by_role("menuitem").all_inner_texts()
    assert items == [
        "Filter dashboard to Software",
        "Break down by…",
        "See the rows",
    ], items
    # Its columns read as the builder's 'Break down by' does: "Department" under "Employees",
    # never "Employees \u203a Department".
    menu.get_by_role("menuitem", name="Break down by…").click()
    menu.locator("[data-drill-by='employees.department']").wait_for(timeout=ui.TIMEOUT)
    columns = menu.locator("[data-drill-by]").all_inner_texts()
    assert columns and not [c for c in columns if "\u203a" in c], columns
    assert menu.locator("[data-drill-by='employees.department']").inner_text() == "Department"
    assert "Employees" in menu.locator(".head").all_inner_texts()
    menu.get_by_role("menuitem", name="Back").click()
    menu.get_by_role("menuitem", name="See the rows").wait_for(timeout=ui.TIMEOUT)
    s.page.wait_for_timeout(400)  # the chart's tooltip fades out under the menu
    s.page.locator("plotboard-editor").screenshot(path=str(IMAGES / "drill-menu.png"))

    # The detail rows: a paged list of Software sales under the user's rules.
    menu.get_by_role("menuitem", name="See the rows").click()
    tile = ui.tile(s.page, "Revenue by category")
    tile.and_(s.page.locator("[data-drawn='table'][data-state='ready']")).wait_for(
        timeout=ui.TIMEOUT
    )
    crumbs = tile.locator("[data-crumbs]")
    assert crumbs.inner_text().replace("\n", " ").split() == [
        *["Revenue", "by", "category"],
        ARROW,
        "Software",
        ARROW,
        "rows",
    ]
    headers = tile.locator("pb-table th").all_inner_texts()
    assert "Category" in headers and "Amount" in headers, headers
    at = headers.index("Category")
    cells = tile.locator(f"pb-table tbody td:nth-child({at + 1})").all_inner_texts()
    assert len(cells) == 50 and set(cells) == {"Software"}, cells[:5]
    regions = tile.locator(
        f"pb-table tbody td:nth-child({headers.index('Sales region') + 1})"
    ).all_inner_texts()
    assert set(regions) == {plotboard.attributes("alice")["region"]}  # the user's rules hold
    tile.get_by_role("button", name="Next").click()
    tile.locator("[data-page-range]").filter(has_text="Rows 51\u2013100").wait_for(
        timeout=ui.TIMEOUT
    )

    # Back through the breadcrumb: the saved chart again.
    crumbs.get_by_role("button", name="Revenue by category").click()
    tile.and_(s.page.locator("[data-drawn='bar'][data-state='ready']")).wait_for(timeout=ui.TIMEOUT)
    assert tile.locator("[data-crumbs]").count() == 0

    # The next grain: 2024 by quarter, then back one step.
    s.page.mouse.click(*_bar_point(s, "Revenue by year", "2024"))
    year_menu = ui.tile(s.page, "Revenue by year").locator(".drill-menu")
    year_menu.get_by_role("menuitem", name="Show 2024 by quarter").click()
    _wait_drawn(s, "Revenue by year", rows=4)
    quarters = _bars(s, "Revenue by year")
    assert list(quarters) == ["Q1 2024", "Q2 2024", "Q3 2024", "Q4 2024"], quarters
    expected = _query(plotboard, token, {
        "table": "sales", "measures": [REVENUE],
        "dimensions": [{"column": "sale_date", "grain": "quarter"}],
        "filters": [{"column": "sale_date", "op": "between",
                     "value": ["2024-01-01", "2024-12-31"]}]})  # fmt: skip
    assert list(quarters.values()) == pytest.approx([r[1] for r in expected])
    ui.tile(s.page, "Revenue by year").get_by_role("button", name="Back one step").click()
    _wait_drawn(s, "Revenue by year", rows=3)

    # Drilling never changed the saved dashboard.
    ui.wait_saved(s.page)
    saved = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()
    assert saved["tiles"] == saved_before["tiles"] and saved["version"] == saved_before["version"]
    assert not s.errors, s.errors


def test_a_table_cell_drills_from_the_keyboard(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("dora", attributes=plotboard.attributes("alice"))
    s = open_session("dora")
    _open(s, plotboard, token, "Cells")
    tile = ui.tile(s.page, "Headcount by department")
    first = tile.locator("pb-table tbody td").first
    department = first.inner_text()
    first.focus()
    s.page.keyboard.press("Enter")
    menu = tile.locator(".drill-menu")
    menu.wait_for(timeout=ui.TIMEOUT)
    assert menu.locator(".head").inner_text() == department
    # Escape closes the menu and gives focus back to the cell.
    s.page.keyboard.press("Escape")
    menu.wait_for(state="detached", timeout=ui.TIMEOUT)
    assert (
        s.page.evaluate(
            f"() => ({TILE_JS})('Headcount by department').shadowRoot.querySelector('pb-table')"
            ".shadowRoot.activeElement?.textContent.trim()"
        )
        == department
    )

    # Enter again, then down to "Break down by…" and into its columns, all from the keyboard.
    s.page.keyboard.press("Enter")
    menu.wait_for(timeout=ui.TIMEOUT)
    s.page.keyboard.press("ArrowDown")
    s.page.keyboard.press("Enter")
    menu.locator("[data-drill-by='location']").wait_for(timeout=ui.TIMEOUT)
    menu.locator("[data-drill-by='location']").focus()
    s.page.keyboard.press("Enter")
    tile.locator("[data-crumbs]").wait_for(timeout=ui.TIMEOUT)
    assert "by location" in tile.locator("[data-crumbs]").inner_text()
    _wait_drawn(s, "Headcount by department")
    expected = _query(plotboard, token, {
        "table": "employees", "measures": [{"agg": "count"}],
        "dimensions": [{"column": "location"}],
        "filters": [{"column": "department", "op": "eq", "value": department}]})  # fmt: skip
    shown = tile.locator("pb-table tbody tr").count()
    assert shown == len(expected) and shown >= 1
    tile.get_by_role("button", name="Back one step").click()
    tile.locator("[data-crumbs]").wait_for(state="detached", timeout=ui.TIMEOUT)

    # A chart from the keyboard: its menu lists the values to drill into.
    chart = ui.tile(s.page, "Revenue by year")
    chart.get_by_label("Actions for Revenue by year").focus()
    s.page.keyboard.press("Enter")
    chart.get_by_role("menuitem", name="Drill into a value…").focus()
    s.page.keyboard.press("Enter")
    values = chart.locator(".drill-menu [data-drill-value]")
    assert values.all_inner_texts() == ["2023", "2024", "2025"]
    s.page.keyboard.press("ArrowDown")  # from 2023 to 2024
    s.page.keyboard.press("Enter")
    chart.locator(".drill-menu .head").filter(has_text="2024").wait_for(timeout=ui.TIMEOUT)
    s.page.keyboard.press("Escape")  # closes, focus back on the tile's menu button
    chart.locator(".drill-menu").wait_for(state="detached", timeout=ui.TIMEOUT)
    assert (
        s.page.evaluate(
            f"() => ({TILE_JS})('Revenue by year').shadowRoot.activeElement"
            "?.getAttribute('aria-label')"
        )
        == "Actions for Revenue by year"
    )
    assert not s.errors, s.errors


def test_a_cross_filter_chip_filters_other_tiles_and_removing_it_restores(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("dora", attributes=plotboard.attributes("alice"))
    s = open_session("dora")
    dashboard_id = _open(s, plotboard, token, "Cross")
    by_year = _bars(s, "Revenue by year")
    by_category = _bars(s, "Revenue by category")

    s.page.mouse.click(*_bar_point(s, "Revenue by category", "Software"))
    ui.tile(s.page, "Revenue by category").get_by_role(
        "menuitem", name="Filter dashboard to Software"
    ).click()
    chip = s.page.locator("pb-filter-bar .chip").filter(has_text="Software")
    chip.wait_for(timeout=ui.TIMEOUT)
    ui.wait_saved(s.page)
    saved = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()
    assert saved["filters"] == [{
        "id": saved["filters"][0]["id"], "column": "category", "table": "sales",
        "label": "Category", "op": "in", "value": ["Software"], "from_tile": "cat"}]  # fmt: skip

    # The other sales tile shows Software only; the tile clicked keeps all its bars.
    software = {
        r[0][:4]: r[1]
        for r in _query(plotboard, token, {
            "table": "sales", "measures": [REVENUE],
            "dimensions": [{"column": "sale_date", "grain": "year"}],
            "filters": [{"column": "category", "op": "in", "value": ["Software"]}]})
    }  # fmt: skip
    s.page.wait_for_function(
        f"([t, v]) => {{ const c = ({TILE_JS})(t).shadowRoot.querySelector('pb-chart').chart;"
        " return Math.abs(c.getOption().series[0].data[0] - v) < 0.01; }",
        arg=["Revenue by year", min(software.items())[1]],
        timeout=ui.TIMEOUT,
    )
    assert list(_bars(s, "Revenue by year").values()) == pytest.approx(list(software.values()))
    assert _bars(s, "Revenue by category") == by_category
    source = ui.tile(s.page, "Revenue by category").locator("[data-filter-source]")
    assert source.inner_text() == "Filtering by Software"
    # Tiles without a category column say they are not filtered.
    for title in ("Headcount by department", "Offices by region"):
        hint = ui.tile(s.page, title).locator("[data-not-filtered]")
        hint.wait_for(timeout=ui.TIMEOUT)
        assert hint.inner_text() == "Not filtered by Category"
    assert ui.tile(s.page, "Revenue by year").locator("[data-not-filtered]").count() == 0
    s.page.locator("plotboard-editor").screenshot(path=str(IMAGES / "cross-filter.png"))

    # Removing the chip restores every tile; undo brings the filter back.
    chip.get_by_role("button", name="Remove filter").click()
    chip.wait_for(state="detached", timeout=ui.TIMEOUT)
    s.page.wait_for_function(
        f"([t, n]) => {{ const c = ({TILE_JS})(t).shadowRoot.querySelector('pb-chart')?.chart;"
        " return c && Math.abs(c.getOption().series[0].data[0] - n) < 0.01; }",
        arg=["Revenue by year", by_year["2023"]],
        timeout=ui.TIMEOUT,
    )
    assert _bars(s, "Revenue by year") == pytest.approx(by_year)
    assert ui.tile(s.page, "Offices by region").locator("[data-not-filtered]").count() == 0
    s.page.locator("[data-action='undo']").click()
    chip.wait_for(timeout=ui.TIMEOUT)

    # A department clicked in the employees table reaches the sales tiles along the foreign key.
    tile = ui.tile(s.page, "Headcount by department")
    department = "Sales"  # the people who make sales
    cell = tile.locator("pb-table tbody td").filter(has_text=department).first
    cell.click()
    tile.get_by_role("menuitem", name=f"Filter dashboard to {department}").click()
    s.page.locator("pb-filter-bar .chip").filter(has_text=department).wait_for(timeout=ui.TIMEOUT)
    hint = ui.tile(s.page, "Offices by region").locator("[data-not-filtered]")
    hint.filter(has_text="Department").wait_for(timeout=ui.TIMEOUT)
    both = {
        r[0][:4]: r[1]
        for r in _query(plotboard, token, {
            "table": "sales", "measures": [REVENUE],
            "dimensions": [{"column": "sale_date", "grain": "year"}],
            "filters": [{"column": "category", "op": "in", "value": ["Software"]},
                        {"column": "employees.department", "op": "in", "value": [department]}]})
    }  # fmt: skip
    s.page.wait_for_function(
        f"([t, n]) => {{ const c = ({TILE_JS})(t).shadowRoot.querySelector('pb-chart')?.chart;"
        " const sum = c?.getOption().series[0].data.reduce((a, b) => a + b, 0);"
        " return c && Math.abs(sum - n) < 0.01; }",
        arg=["Revenue by year", sum(both.values())],
        timeout=ui.TIMEOUT,
    )
    assert sum(both.values()) < sum(software.values())  # a real narrowing, not all rows
    assert not s.errors, s.errors


def test_a_map_bubble_and_a_country_drill(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("dora", attributes=plotboard.attributes("alice"))
    count = {"table": "employees", "measures": [{"agg": "count"}]}
    tiles = [
        {"id": "city", "title": "People by office", "chart": {"type": "map"},
         "query": {**count, "dimensions": [{"column": "location"}]},
         "layout": {"x": 0, "y": 0, "w": 6, "h": 5}},
        {"id": "land", "title": "People by country", "chart": {"type": "map"},
         "query": {**count, "dimensions": [{"column": "country"}]},
         "layout": {"x": 6, "y": 0, "w": 6, "h": 5}},
    ]  # fmt: skip
    body = {"title": "Maps", "tiles": tiles}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("dora")
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 2)

    def place(title: str, name: str, series: str) -> list[float]:
        s.page.wait_for_function(
            f"t => ({TILE_JS})(t)?.shadowRoot.querySelector('pb-chart')?.dataset.rendered",
            arg=title,
        )
        # The place's spot, once the map has stopped moving (two reads alike).
        last: list[float] = []
        for _ in range(40):
            s.page.wait_for_timeout(150)
            point = spot_of(title, name, series)
            if point == last:
                return point
            last = point
        return last

    def spot_of(title: str, name: str, series: str) -> list[float]:
        point: list[float] = s.page.evaluate(
            f"""([title, name, series]) => {{
              const el = ({TILE_JS})(title).shadowRoot.querySelector('pb-chart');
              const chart = el.chart;
              const option = chart.getOption();
              const at = option.series.findIndex(x => x.type === series);
              const item = option.series[at].data.find(d => (d.label ?? d.name) === name);
              const lonlat = series === 'scatter'
                ? item.value.slice(0, 2) : [2.35, 46.6];  // inland France
              const [x, y] = chart.convertToPixel(series === 'scatter'
                ? {{seriesIndex: at}} : {{geoIndex: 0}}, lonlat);
              const box = el.getBoundingClientRect();
              return [box.left + x, box.top + y];
            }}""",
            [title, name, series],
        )
        return point

    # A city's bubble: the rows behind it are that office's people.
    s.page.mouse.click(*place("People by office", "Paris", "scatter"))
    menu = ui.tile(s.page, "People by office").locator(".drill-menu")
    menu.wait_for(timeout=ui.TIMEOUT)
    assert menu.locator(".head").inner_text() == "Paris"
    menu.get_by_role("menuitem", name="See the rows").click()
    tile = ui.tile(s.page, "People by office")
    tile.and_(s.page.locator("[data-drawn='table'][data-state='ready']")).wait_for(
        timeout=ui.TIMEOUT
    )
    headers = tile.locator("pb-table th").all_inner_texts()
    at = headers.index("Location") + 1
    assert set(tile.locator(f"pb-table tbody td:nth-child({at})").all_inner_texts()) == {"Paris"}

    # A shaded country: the menu is about it, and it filters the city map to it.
    s.page.mouse.click(*place("People by country", "France", "map"))
    menu = ui.tile(s.page, "People by country").locator(".drill-menu")
    menu.wait_for(timeout=ui.TIMEOUT)
    assert menu.locator(".head").inner_text() == "France"
    menu.get_by_role("menuitem", name="Filter dashboard to France").click()
    s.page.locator("pb-filter-bar .chip").filter(has_text="France").wait_for(timeout=ui.TIMEOUT)
    assert not s.errors, s.errors


def test_a_viewer_cross_filters_for_the_visit_without_changing_the_dashboard(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    editor = plotboard.token("vera", attributes=plotboard.attributes("alice"))
    body = {"title": "For viewers", "tiles": TILES}
    dashboard_id = plotboard.embed(editor, "POST", "/dashboards", json=body).json()["id"]
    viewer = plotboard.token(
        "vera", attributes=plotboard.attributes("alice"), permissions={"dashboards": "view"}
    )
    s = open_session("vera")
    s.open(viewer, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 4)
    by_year = _bars(s, "Revenue by year")

    s.page.mouse.click(*_bar_point(s, "Revenue by category", "Software"))
    ui.tile(s.page, "Revenue by category").get_by_role(
        "menuitem", name="Filter dashboard to Software"
    ).click()
    chip = s.page.locator("pb-filter-bar [data-session-filter]").filter(has_text="Software")
    chip.wait_for(timeout=ui.TIMEOUT)
    s.page.wait_for_function(
        f"([t, n]) => {{ const c = ({TILE_JS})(t).shadowRoot.querySelector('pb-chart')?.chart;"
        " return c && c.getOption().series[0].data[0] < n; }",
        arg=["Revenue by year", by_year["2023"]],
        timeout=ui.TIMEOUT,
    )
    assert ui.tile(s.page, "Offices by region").locator("[data-not-filtered]").count() == 1
    # Nothing was saved: the dashboard is as it was.
    saved = plotboard.embed(editor, "GET", f"/dashboards/{dashboard_id}").json()
    assert saved["filters"] == [] and saved["version"] == 1

    chip.get_by_role("button", name="Remove filter").click()
    chip.wait_for(state="detached", timeout=ui.TIMEOUT)
    s.page.wait_for_function(
        f"([t, n]) => {{ const c = ({TILE_JS})(t).shadowRoot.querySelector('pb-chart')?.chart;"
        " return c && c.getOption().series[0].data[0] === n; }",
        arg=["Revenue by year", by_year["2023"]],
        timeout=ui.TIMEOUT,
    )
    assert not s.errors, s.errors


def test_a_click_on_a_line_drills_into_the_month_under_it(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("dora", attributes=plotboard.attributes("alice"))
    line = {"id": "line", "title": "Revenue by month", "chart": {"type": "line"},
            "query": {"table": "sales", "measures": [REVENUE],
                      "dimensions": [{"column": "sale_date", "grain": "month"}]},
            "layout": {"x": 0, "y": 0, "w": 12, "h": 5}}  # fmt: skip
    body = {"title": "Line", "tiles": [line]}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("dora")
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 1)
    s.page.wait_for_timeout(600)  # the line draws itself in
    # On the line itself, at its 14th month (36 months: no dots are drawn).
    x, y = s.page.evaluate(
        f"""() => {{
          const el = ({TILE_JS})('Revenue by month').shadowRoot.querySelector('pb-chart');
          const value = el.chart.getOption().series[0].data[13];
          const [x, y] = el.chart.convertToPixel({{seriesIndex: 0}}, [13, value]);
          const box = el.getBoundingClientRect();
          return [box.left + x, box.top + y];
        }}"""
    )
    s.page.mouse.click(x, y)
    menu = ui.tile(s.page, "Revenue by month").locator(".drill-menu")
    menu.wait_for(timeout=ui.TIMEOUT)
    assert menu.locator(".head").inner_text() == "Feb 2024"
    menu.get_by_role("menuitem", name="Show Feb 2024 by week").click()
    crumbs = ui.tile(s.page, "Revenue by month").locator("[data-crumbs]")
    crumbs.filter(has_text="by week").wait_for(timeout=ui.TIMEOUT)
    assert not s.errors, s.errors
