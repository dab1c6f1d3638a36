"""Front-end benchmarks: the editor's bundle size (gzipped), and the time from page load to a
12-tile dashboard fully drawn in headless Chromium, with the editor embedded cross-origin.

Run with `make bench` (or `.venv/bin/python bench/bench_frontend.py [--runs N]`). It starts the
real server on a free port with the demo data, like the browser tests.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.server import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    host_site,
    running_plotboard,
)

from plotboard.api.routes.embed_assets import BUNDLE_DIR  # noqa: E402

INITIAL_TARGET_KB = 250  # plotboard.js, what loads before anything shows (issue 16)
BUNDLE_TARGET_KB = 350
RENDER_TARGET_MS = 1000  # a 12-tile dashboard drawn after navigation (issue 16)

SIX_TILES: list[dict[str, Any]] = [
    {"title": "Headcount", "chart": {"type": "kpi"}, "layout": {"x": 0, "y": 0, "w": 3, "h": 3},
     "query": {"table": "employees", "measures": [{"agg": "count"}]}},
    {"title": "Sales by month", "chart": {"type": "line"},
     "layout": {"x": 3, "y": 0, "w": 9, "h": 4},
     "query": {"table": "sales", "measures": [{"agg": "sum", "column": "amount"}],
               "dimensions": [{"column": "sale_date", "grain": "month"}]}},
    {"title": "By department", "chart": {"type": "bar"}, "layout": {"x": 0, "y": 4, "w": 6, "h": 4},
     "query": {"table": "employees", "measures": [{"agg": "count"}],
               "dimensions": [{"column": "department"}],
               "order_by": [{"by": "count", "desc": True}]}},
    {"title": "Sales by category", "chart": {"type": "donut"},
     "layout": {"x": 6, "y": 4, "w": 6, "h": 4},
     "query": {"table": "sales", "measures": [{"agg": "sum", "column": "amount"}],
               "dimensions": [{"column": "category"}]}},
    {"title": "Where people work", "chart": {"type": "map"},
     "layout": {"x": 0, "y": 8, "w": 6, "h": 5},
     "query": {"table": "employees", "measures": [{"agg": "count"}],
               "dimensions": [{"column": "location"}]}},
    {"title": "Salaries by office", "chart": {"type": "table"},
     "layout": {"x": 6, "y": 8, "w": 6, "h": 5},
     "query": {"table": "employees", "measures": [{"agg": "avg", "column": "salary"}],
               "dimensions": [{"column": "location"}]}},
]  # fmt: skip


def _below(tile: dict[str, Any], rows: int) -> dict[str, Any]:
    layout = {**tile["layout"], "y": tile["layout"]["y"] + rows}
    return {**tile, "title": f"{tile['title']} (2)", "layout": layout}


# Issue 16's dashboard: twelve tiles, the six above twice (the second six further down).
TWELVE_TILES: list[dict[str, Any]] = SIX_TILES + [_below(t, 13) for t in SIX_TILES]

# Every tile settled (drawn or failed), and every chart canvas drawn: the user sees it all.
ALL_DRAWN = """n => {
  const grid = document.querySelector('plotboard-editor')?.shadowRoot
    ?.querySelector('pb-dashboard')?.shadowRoot?.querySelector('pb-grid');
  const tiles = grid ? [...grid.shadowRoot.querySelectorAll('pb-tile')] : [];
  if (tiles.length !== n) return false;
  return tiles.every(t => {
    if (t.dataset.state === 'error') return true;
    if (t.dataset.state !== 'ready') return false;
    const chart = t.shadowRoot.querySelector('pb-chart');
    return !chart || chart.dataset.rendered === 'true';
  });
}"""


def bundle_sizes() -> tuple[int, int, int]:
    """(entry bytes gzipped, all JS gzipped, number of files)."""
    files = sorted(BUNDLE_DIR.rglob("*.js"))
    zipped = {f: len(gzip.compress(f.read_bytes(), 9)) for f in files}
    return zipped[BUNDLE_DIR / "plotboard.js"], sum(zipped.values()), len(files)


def time_to_drawn(runs: int) -> tuple[list[float], list[str]]:
    from playwright.sync_api import sync_playwright

    timings: list[float] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, running_plotboard(Path(tmp) / "data") as pb:
        token = pb.token("alice")
        created = pb.embed(
            token, "POST", "/dashboards", json={"title": "Bench", "tiles": TWELVE_TILES}
        )
        created.raise_for_status()
        dashboard_id = created.json()["id"]
        with host_site(pb) as host, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            url = host.page_url(**{"dashboard-id": dashboard_id, "auth-token": token})
            for run in range(runs + 1):
                # A fresh context each time: nothing in the browser's cache (a first visit).
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(url, wait_until="commit")
                n = len(TWELVE_TILES)
                page.wait_for_function(ALL_DRAWN, arg=n, polling="raf", timeout=30_000)
                elapsed = float(page.evaluate("performance.now()"))
                errors = page.evaluate(
                    "() => [...document.querySelector('plotboard-editor').shadowRoot"
                    ".querySelector('pb-dashboard').shadowRoot.querySelector('pb-grid')"
                    ".shadowRoot.querySelectorAll('pb-tile[data-state=error]')].length"
                )
                if errors:
                    failures.append(f"run {run}: {errors} tile(s) failed")
                if run > 0:  # the first run warms the server's caches and the gazetteer
                    timings.append(elapsed)
                context.close()
            browser.close()
    return timings, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="timed page loads (default 7)")
    args = parser.parse_args()
    if not (BUNDLE_DIR / "plotboard.js").exists():
        print("The editor's bundle is not built: run `make frontend` first.", file=sys.stderr)
        return 1
    entry, total, count = bundle_sizes()
    rows = [
        (
            "initial script plotboard.js, gzipped",
            f"{entry / 1024:.1f} KB",
            f"<= {INITIAL_TARGET_KB} KB",
        ),
        (
            f"all {count} script files (with lazy chunks), gzipped",
            f"{total / 1024:.1f} KB",
            f"<= {BUNDLE_TARGET_KB} KB",
        ),
    ]
    if not CHROMIUM.exists():
        print(f"Chromium is not at {CHROMIUM}: skipping the render timing.", file=sys.stderr)
    else:
        timings, failures = time_to_drawn(args.runs)
        median = statistics.median(timings)
        rows.append(
            (
                f"page load -> {len(TWELVE_TILES)} tiles drawn, median of {len(timings)} (cold)",
                f"{median:.0f} ms",
                f"<= {RENDER_TARGET_MS} ms",
            )
        )
        rows.append(("  fastest / slowest", f"{min(timings):.0f} / {max(timings):.0f} ms", ""))
        for failure in failures:
            print(f"warning: {failure}", file=sys.stderr)
    width = max(len(r[0]) for r in rows)
    print(f"{'front end':<{width}}  {'measured':>14}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>14}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
