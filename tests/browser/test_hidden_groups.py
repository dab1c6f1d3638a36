"""Rows the user may not see, and exports (issue 9, items 14 and 15), as Alice meets them.

Alice sees the North region's sales but only the employees of Paris, London and Berlin. Her
sales by employees > department used to show a large "(empty)" group; it now reads "Not
visible to you" in the chart, its legend, the table, the CSV and the map's note, and the
builder can leave it out. The CSV holds rounded numbers; the PNG carries the title, and a
map's PNG lists its values.
"""

from __future__ import annotations

import base64
import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import Plotboard

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots2")
HIDDEN = "Not visible to you"
BY_DEPARTMENT = {
    "table": "sales",
    "measures": [{"agg": "sum", "column": "amount"}],
    "dimensions": [{"column": "employees.department"}],
}
BY_YEAR_AND_DEPARTMENT = {
    "table": "sales",
    "measures": [{"agg": "sum", "column": "amount"}],
    "dimensions": [{"column": "sale_date", "grain": "year"}, {"column": "employees.department"}],
}
BY_CITY = {
    "table": "sales",
    "measures": [{"agg": "sum", "column": "amount"}],
    "dimensions": [{"column": "employees.location"}],
}
TITLE_BAND = 52  # CSS px above the chart in an exported PNG (frontend/src/export.ts)

# The pixels of a PNG file, decoded by the browser: size, and per row whether it holds
# anything but the background (the top-left pixel's colour).
PNG_ROWS = """async (b64) => {
  const img = new Image();
  await new Promise((ok, fail) => { img.onload = ok; img.onerror = fail;
                                    img.src = 'data:image/png;base64,' + b64; });
  const c = document.createElement('canvas');
  c.width = img.width; c.height = img.height;
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  const bg = [data[0], data[1], data[2]];
  const inked = [];
  for (let y = 0; y < img.height; y++) {
    let n = 0;
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 4;
      const d = Math.abs(data[i] - bg[0]) + Math.abs(data[i + 1] - bg[1])
        + Math.abs(data[i + 2] - bg[2]);
      if (d > 60) n++;
    }
    inked.push(n);
  }
  return { width: img.width, height: img.height, inked };
}"""

# The ECharts option a tile's chart was drawn with.
OPTION = """([title]) => {
  const grid = document.querySelector('plotboard-editor').shadowRoot
    .querySelector('pb-dashboard').shadowRoot.querySelector('pb-grid').shadowRoot;
  const tile = [...grid.querySelectorAll('pb-tile')]
    .find(t => t.shadowRoot.querySelector('h3').title === title);
  const chart = tile.shadowRoot.querySelector('pb-chart');
  const box = chart.shadowRoot.querySelector('.canvas').getBoundingClientRect();
  const o = chart.option.baseOption || chart.option;  // a pie's option may have media rules
  const pick = (axis) => (Array.isArray(axis) ? axis[0] : axis) || {};
  return { categories: pick(o.xAxis).data || pick(o.yAxis).data || [],
           series: (o.series || []).map(s => s.name),
           pie: ((o.series || [])[0]?.data || []).map(d => d.name),
           width: box.width, height: box.height };
}"""


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def tile(tile_id: str, title: str, query: dict[str, Any], chart: str, x: int, y: int) -> Any:
    return {"id": tile_id, "title": title, "query": query, "chart": {"type": chart},
            "layout": {"x": x, "y": y, "w": 6, "h": 4}}  # fmt: skip


def download(s: Session, title: str, item: str) -> bytes:
    with s.page.expect_download() as done:
        ui.tile_menu(s.page, title, item)
    data: bytes = Path(done.value.path()).read_bytes()
    return data


def png_rows(s: Session, data: bytes) -> dict[str, Any]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    decoded: dict[str, Any] = s.page.evaluate(PNG_ROWS, base64.b64encode(data).decode())
    return decoded


def test_hidden_rows_are_named_in_chart_legend_table_csv_and_map(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("alice")
    answer = plotboard.embed(token, "POST", "/query", json={"query": BY_DEPARTMENT}).json()
    assert answer["columns"][0].get("null_means") == "hidden"
    hidden_total = next(r[1] for r in answer["rows"] if r[0] is None)
    # The raw answer carries binary noise (the cause of the long CSV numbers).
    decimals = [len(repr(r[1]).split(".")[-1]) for r in answer["rows"] if isinstance(r[1], float)]
    assert max(decimals) > 2
    tiles = [
        tile("bar", "Sales by department", BY_DEPARTMENT, "bar", 0, 0),
        tile("stack", "Sales by year and department", BY_YEAR_AND_DEPARTMENT, "bar_stacked", 6, 0),
        tile("table", "Sales by department, table", BY_DEPARTMENT, "table", 0, 4),
        tile("map", "Sales by office city", BY_CITY, "map", 6, 4),
        tile("pie", "Share by department", BY_DEPARTMENT, "donut", 0, 8),
    ]
    body = {"title": "Hidden", "tiles": tiles}
    created = plotboard.embed(token, "POST", "/dashboards", json=body)
    assert created.status_code == 201, created.text
    s = open_session("alice", width=1440, height=1000)
    s.open(token, **{"dashboard-id": created.json()["id"]})
    ui.wait_tiles_ready(s.page, 5)
    s.page.wait_for_timeout(600)  # let the charts finish their entry animation
    shot(s.page, "01-dashboard-hidden-groups")

    bar = s.page.evaluate(OPTION, ["Sales by department"])
    assert HIDDEN in bar["categories"] and "(empty)" not in bar["categories"]
    stacked = s.page.evaluate(OPTION, ["Sales by year and department"])
    assert HIDDEN in stacked["series"]  # the legend names the series
    assert HIDDEN in s.page.evaluate(OPTION, ["Share by department"])["pie"]  # and the slices
    cells = ui.tile(s.page, "Sales by department, table").locator("pb-table td").all_inner_texts()
    assert HIDDEN in [c.strip() for c in cells]
    notes = ui.tile(s.page, "Sales by office city").locator(".notes").inner_text()
    assert "Not on the map" in notes and HIDDEN.lower() in notes
    assert "place not recognised" not in notes  # hidden rows are not an unknown place

    # CSV: the label in words, numbers without float noise.
    text = download(s, "Sales by department", "Download data (CSV)").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][1] == "Total amount"
    by_name = {r[0]: r[1] for r in rows[1:]}
    assert HIDDEN in by_name and "" not in by_name
    assert all(re.fullmatch(r"-?\d+(\.\d{1,2})?", v) for v in by_name.values()), by_name
    assert float(by_name[HIDDEN]) == pytest.approx(hidden_total, abs=0.005)

    # PNG of a chart: the title band above the chart holds the title's ink.
    bar_png = download(s, "Sales by department", "Download image (PNG)")
    (SHOTS / "02-export-bar.png").write_bytes(bar_png)
    picture = png_rows(s, bar_png)
    scale = picture["width"] / bar["width"]
    assert scale == pytest.approx(2, abs=0.05)
    assert picture["height"] == pytest.approx((bar["height"] + TITLE_BAND) * scale, abs=2)
    title_rows = picture["inked"][: int(TITLE_BAND * scale)]
    assert sum(1 for n in title_rows if n > 0) >= 12  # glyphs 18px high at 2x
    assert max(title_rows) >= 20

    # PNG of a map: title, map, then a list of values (with the hidden rows' total).
    map_option = s.page.evaluate(OPTION, ["Sales by office city"])
    map_png = download(s, "Sales by office city", "Download image (PNG)")
    (SHOTS / "03-export-map.png").write_bytes(map_png)
    picture = png_rows(s, map_png)
    chart_bottom = int((TITLE_BAND + map_option["height"]) * scale)
    assert picture["height"] > chart_bottom + 40
    listed = picture["inked"][chart_bottom + 4 :]
    assert sum(1 for n in listed if n > 0) >= 3 * 12  # several lines of text
    assert not s.errors, s.errors


def test_the_builder_leaves_out_the_hidden_group(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("alice")
    tiles = [tile("bar", "Sales by department", BY_DEPARTMENT, "bar", 0, 0)]
    body = {"title": "Leave out", "tiles": tiles}
    created = plotboard.embed(token, "POST", "/dashboards", json=body)
    dashboard_id = created.json()["id"]
    s = open_session("alice", width=1440, height=900)
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 1)
    ui.tile_menu(s.page, "Sales by department", "Edit chart")
    d = ui.dialog(s.page)
    d.locator("pb-tile[preview][data-state='ready']").wait_for(timeout=ui.TIMEOUT)
    toggle = d.get_by_label(f"Leave out “{HIDDEN}”")
    toggle.wait_for(timeout=ui.TIMEOUT)
    s.page.wait_for_timeout(400)
    shot(s.page, "04-builder-toggle-off")
    toggle.check()
    s.page.wait_for_function(
        """() => {
          const b = document.querySelector('plotboard-editor').shadowRoot
            .querySelector('pb-dashboard').shadowRoot.querySelector('pb-builder').shadowRoot;
          const t = b.querySelector('pb-tile[preview]');
          const chart = t && t.dataset.state === 'ready' && t.shadowRoot.querySelector('pb-chart');
          return chart && !chart.option.xAxis.data.includes('Not visible to you');
        }""",
        timeout=ui.TIMEOUT,
    )
    assert d.get_by_label(f"Leave out “{HIDDEN}”").is_checked()  # still there, to undo it
    assert d.locator("pb-filter-row").count() == 1  # the same filter, listed under Filters
    s.page.wait_for_timeout(400)
    shot(s.page, "05-builder-toggle-on")
    d.locator("[data-action='save-tile']").click()
    d.wait_for(state="hidden", timeout=ui.TIMEOUT)
    ui.wait_saved(s.page)
    saved = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()
    assert saved["tiles"][0]["query"]["filters"] == [
        {"column": "employees.department", "op": "is_not_null"}
    ]
    ui.wait_tiles_ready(s.page, 1)
    bar = s.page.evaluate(OPTION, ["Sales by department"])
    assert HIDDEN not in bar["categories"] and "(empty)" not in bar["categories"]
    assert not s.errors, s.errors
