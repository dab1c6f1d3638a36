"""Defects found walking three journeys as newcomers would (an end user building tiles and
chatting in /demo, a front-end developer embedding from another origin, an admin starting from
an empty data directory), each checked in Chromium the way a person meets it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import Plotboard

pytestmark = pytest.mark.browser
TIMEOUT = ui.TIMEOUT

STEP_NUMBERS = "d => [...d.querySelectorAll('form h3 .n')].map(n => n.textContent.trim())"


def test_the_builder_numbers_its_steps_one_after_another_in_every_mode(
    open_session: Callable[..., Session],
) -> None:
    # A list of records numbered its steps 1, 2, 4, 6 (the steps of a numbers tile that it
    # has no use for were skipped in the count), and a KPI 1, 2, 3, 4, 5 then 7 (no sort).
    s = open_session("alice", width=1440, height=900)
    s.open()
    ui.create_dashboard(s.page, "Steps")
    s.page.locator("[data-action='add-chart']").first.click()
    d = ui.dialog(s.page)
    d.wait_for(timeout=TIMEOUT)
    d.locator(".table-card", has_text="Sales").click()
    d.locator("pb-tile[preview][data-state='ready']").wait_for(timeout=TIMEOUT)

    def numbers() -> list[str]:
        found: list[str] = d.evaluate(STEP_NUMBERS)
        return found

    def consecutive(found: list[str]) -> bool:
        return found == [str(n) for n in range(1, len(found) + 1)]

    kpi = numbers()
    assert consecutive(kpi), kpi
    d.get_by_label("Break down by", exact=True).select_option(label="Category")
    d.locator("[data-chart='bar']").click()
    bars = numbers()
    assert consecutive(bars) and len(bars) > len(kpi) - 1, bars
    d.get_by_text("A list of records").click()
    d.get_by_text("Columns to list").wait_for(timeout=TIMEOUT)
    records = numbers()
    assert consecutive(records), records
    headings = d.locator("form h3").all_inner_texts()
    assert [h.split("\n")[0].strip() for h in headings] == records, headings


LEGEND = """el => {
  const option = el.chart.getOption();
  return {orient: option.legend[0].orient, center: option.series[0].center};
}"""


def test_a_donut_that_narrows_puts_its_legend_back_below(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # A donut drawn wide (legend at its right) kept that layout when the tile narrowed (the
    # chat opened beside the dashboard): its share labels were cut to "3..." and written over
    # the legend.
    s, chart = ui.open_share_donut(open_session, plotboard, "Donut", **{"ai-chat": ""})
    assert chart.evaluate(LEGEND)["orient"] == "vertical"  # wide: beside the donut
    s.page.locator("[data-action='ask-ai']").first.click()
    s.page.get_by_label("Ask a question about your data").wait_for(timeout=TIMEOUT)
    s.page.wait_for_function(
        "el => el.getBoundingClientRect().width < 460", arg=chart.element_handle(), timeout=TIMEOUT
    )
    s.page.wait_for_timeout(500)  # the resize observer, then ECharts' media
    narrow = chart.evaluate(LEGEND)
    assert narrow == {"orient": "horizontal", "center": ["50%", "38%"]}, narrow


def test_a_plain_script_tag_loads_the_editor_too(open_session: Callable[..., Session]) -> None:
    # A host page with <script src=".../plotboard.js"> (no type="module", as most embed
    # snippets are written) stayed blank: the browser stopped at the module's first line
    # ("Cannot use 'import.meta' outside a module"). The server now answers such a load with a
    # small classic script that says so in the console and imports the module.
    s = open_session("alice")
    warnings: list[str] = []
    s.page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    s.open(**{"plain-script": "1"})
    assert s.page.locator("[data-action='new-dashboard']").first.is_visible()
    assert any('type="module"' in w for w in warnings), warnings
    assert not s.errors, s.errors
