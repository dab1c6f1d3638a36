"""A tile's PNG carries its number format (issue 11 item 8: "used by every chart, table, KPI,
tooltip, CSV and PNG"), embedded on another origin as Alice.

Two bar charts, one in euros and one in percent (a calculation whose values are plain numbers,
so without its format the axis would read "20", not "20.0%"), are exported with "Download image
(PNG)". Each file is decoded by the browser: a real picture twice the size of the chart on
screen plus the title band, with the title and the chart inked (not a blank canvas). The text
ECharts painted on that canvas (its display list, which `getDataURL` paints again for the PNG)
holds the formatted axis labels, and the same labels do not hold the format's mark when the
format is taken away, so the test fails if a chart, or its export, drops the format.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import Plotboard
from tests.browser.test_hidden_groups import OPTION, TITLE_BAND, download, png_rows

pytestmark = pytest.mark.browser

EUROS = {
    "table": "sales",
    "measures": [{"agg": "sum", "column": "amount",
                  "format": {"type": "currency", "currency": "EUR", "decimals": 0}}],
    "dimensions": [{"column": "category"}],
}
REMOTE_PCT = {
    "table": "employees",
    "measures": [{"expr": "count_if(is_remote) * 100 / count()", "name": "remote_pct",
                  "format": {"type": "percent", "decimals": 1}}],
    "dimensions": [{"column": "department"}],
}

# The texts ECharts painted on a tile's canvas: axis labels, legend, names. `getDataURL` (the
# PNG export) paints this same display list again at twice the resolution.
PAINTED = """([title]) => {
  const grid = document.querySelector('plotboard-editor').shadowRoot
    .querySelector('pb-dashboard').shadowRoot.querySelector('pb-grid').shadowRoot;
  const tile = [...grid.querySelectorAll('pb-tile')]
    .find(t => t.shadowRoot.querySelector('h3').title === title);
  const chart = tile.shadowRoot.querySelector('pb-chart').chart;
  return chart.getZr().storage.getDisplayList(true)
    .map(el => el.style && el.style.text).filter(t => typeof t === 'string' && t.length);
}"""


def tile(tile_id: str, title: str, query: dict[str, Any], y: int) -> dict[str, Any]:
    return {"id": tile_id, "title": title, "query": query, "chart": {"type": "bar"},
            "layout": {"x": 0, "y": y, "w": 6, "h": 4}}  # fmt: skip


def without_format(query: dict[str, Any]) -> dict[str, Any]:
    measures = [{k: v for k, v in m.items() if k != "format"} for m in query["measures"]]
    return {**query, "measures": measures}


def check_png(s: Session, title: str) -> None:
    """The exported PNG is the chart: its size, the title's ink and the chart's ink."""
    drawn = s.page.evaluate(OPTION, [title])
    data = download(s, title, "Download image (PNG)")
    picture = png_rows(s, data)
    scale = picture["width"] / drawn["width"]
    assert scale == pytest.approx(2, abs=0.05), (picture["width"], drawn)
    assert picture["height"] == pytest.approx((drawn["height"] + TITLE_BAND) * scale, abs=2)
    band = int(TITLE_BAND * scale)
    title_rows = picture["inked"][:band]
    assert sum(1 for n in title_rows if n > 0) >= 12  # the title's glyphs, 18px high at 2x
    chart_rows = picture["inked"][band:]
    inked = [n for n in chart_rows if n > 0]
    # Bars, axis labels and grid lines: most rows of the chart hold something, and the bars
    # fill a good part of some of them.
    assert len(inked) > 0.5 * len(chart_rows), (len(inked), len(chart_rows))
    assert max(chart_rows) > 0.2 * picture["width"], max(chart_rows)


def test_png_export_of_charts_carries_currency_and_percent_formats(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("alice")
    tiles = [
        tile("eur", "Sales in euros", EUROS, 0),
        tile("pct", "Remote people", REMOTE_PCT, 4),
        tile("eur_plain", "Sales, no format", without_format(EUROS), 8),
        tile("pct_plain", "Remote people, no format", without_format(REMOTE_PCT), 12),
    ]
    body = {"title": "Formats", "tiles": tiles}
    created = plotboard.embed(token, "POST", "/dashboards", json=body)
    assert created.status_code == 201, created.text
    s = open_session("alice", width=1360, height=1000)
    s.open(token, **{"dashboard-id": created.json()["id"]})
    ui.wait_tiles_ready(s.page, 4)
    s.page.wait_for_timeout(600)  # the charts' entry animation

    euros = s.page.evaluate(PAINTED, ["Sales in euros"])
    plain = s.page.evaluate(PAINTED, ["Sales, no format"])
    money = [t for t in euros if re.search(r"\d", t) and "€" in t]
    assert len(money) >= 3, euros  # the value axis's labels: €0, €200K, ...
    assert not any("€" in t for t in plain), plain
    check_png(s, "Sales in euros")

    percents = s.page.evaluate(PAINTED, ["Remote people"])
    bare = s.page.evaluate(PAINTED, ["Remote people, no format"])
    labelled = [t for t in percents if re.fullmatch(r"\d+[.,]0%", t)]
    assert len(labelled) >= 3, percents  # 0.0%, 10.0%, 20.0%, ...
    assert not any(t.endswith("%") for t in bare), bare
    check_png(s, "Remote people")
    assert not s.errors, s.errors
