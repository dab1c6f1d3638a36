"""Text tiles in the editor (issue 13 item 5), embedded from another origin: Markdown shown as
headings, lists, links and bold; hostile Markdown shown without running anything (no script, no
event handler, no javascript: link); links open in a new tab with rel="noopener noreferrer"."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import Plotboard
from tests.conftest import screenshot_dir

pytestmark = pytest.mark.browser
IMAGES = screenshot_dir()

HOSTILE = """## Read me first

Revenue is **net of refunds**. See the [glossary](https://example.com/glossary).

- one
- two

<script>window.__pwned = 'script'</script>
<img src=x onerror="window.__pwned = 'img'">
<a href="javascript:window.__pwned='link'" onclick="window.__pwned='click'">click me</a>
[also me](javascript:window.__pwned='md')
<iframe src="javascript:window.__pwned='frame'"></iframe>
<div style="position:fixed;inset:0" onmouseover="window.__pwned='hover'">cover</div>
<svg><script>window.__pwned='svg'</script></svg>
"""


def test_a_text_tile_renders_markdown_and_nothing_hostile_runs(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("tess", attributes=plotboard.attributes("alice"))
    chart = {"id": "c", "title": "Headcount", "chart": {"type": "kpi"},
             "query": {"table": "employees", "measures": [{"agg": "count"}]},
             "layout": {"x": 0, "y": 0, "w": 3, "h": 3}}  # fmt: skip
    body = {"title": "Notes", "tiles": [chart]}
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("tess")
    s.open(token, **{"dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 1)

    # Add a text tile: it opens for typing; Done saves it.
    s.page.locator("[data-action='add-text']").click()
    box = s.page.get_by_label("Text (Markdown)")
    box.fill(HOSTILE)
    s.page.locator("[data-action='text-done']").click()
    ui.wait_saved(s.page)
    saved = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()
    text_tiles = [t for t in saved["tiles"] if t.get("kind") == "text"]
    assert len(text_tiles) == 1 and text_tiles[0]["text"] == HOSTILE

    md = s.page.locator("pb-text-tile [data-markdown]")
    md.wait_for()
    assert md.locator("h2").inner_text() == "Read me first"
    assert md.locator("strong").inner_text() == "net of refunds"
    assert md.locator("li").all_inner_texts() == ["one", "two"]
    link = md.locator("a", has_text="glossary")
    assert link.get_attribute("href") == "https://example.com/glossary"
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener noreferrer"

    # Nothing hostile survived, and nothing ran, even when hovered and clicked.
    inner = md.inner_html().lower()
    for bad in ("<script", "<img", "<iframe", "<svg", "onerror=", "onclick=", "onmouseover=",
                'href="javascript', "style="):  # fmt: skip
        assert bad not in inner, bad
    for a in md.locator("a").all():
        assert a.get_attribute("rel") == "noopener noreferrer"
        assert not (a.get_attribute("href") or "").lower().startswith("javascript")
    s.page.locator("plotboard-editor").screenshot(path=str(IMAGES / "text-tile.png"))
    md.get_by_text("cover").hover()
    md.get_by_text("click me").click()
    md.get_by_text("also me").click()
    assert s.page.evaluate("window.__pwned") is None

    # Reopened, the saved tile renders the same way (sanitized on render, not only on save).
    s.page.reload()
    s.open(token, **{"dashboard-id": dashboard_id})
    s.page.locator("pb-text-tile [data-markdown] h2").wait_for()
    assert s.page.evaluate("window.__pwned") is None
    assert not s.errors, s.errors
