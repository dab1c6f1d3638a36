"""The AI chat in the editor (`ai-chat`), end to end: embedded in a host page on another origin,
against the real server, its built-in engine and the demo data with its access rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import Plotboard, free_port
from tests.conftest import screenshot_dir

pytestmark = pytest.mark.browser

IMAGES = screenshot_dir()
TIMEOUT = ui.TIMEOUT
CHAT = {"ai-chat": ""}

# The element that has the focus, through the shadow roots.
FOCUSED = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el ? (el.getAttribute('aria-label') || el.dataset.action || el.tagName) : null;
}"""


def open_chat(page: Any) -> Any:
    page.locator("[data-action='ask-ai']").click()
    box = page.get_by_label("Ask a question about your data")
    box.wait_for(timeout=TIMEOUT)
    return box


def ask(page: Any, question: str) -> Any:
    """Type a question, send it with Enter, and return the answer that comes back."""
    answers = page.locator("pb-chat [data-answer]")
    before = answers.count()
    box = page.get_by_label("Ask a question about your data")
    box.fill(question)
    box.press("Enter")
    answer = answers.nth(before)
    answer.wait_for(timeout=TIMEOUT)
    return answer


def preview(answer: Any) -> Any:
    """The answer's chart preview, once drawn."""
    tile = answer.locator("pb-tile[preview]").first
    answer.locator("pb-tile[preview][data-state='ready']").first.wait_for(timeout=TIMEOUT)
    return tile


def chips(answer: Any) -> list[str]:
    return [c.strip() for c in answer.locator(".chip button:not(.x)").all_inner_texts()]


def wait_chart(tile: Any, chart: str) -> None:
    tile.page.wait_for_function(
        "([el, chart]) => el.dataset.state === 'ready' && el.dataset.drawn === chart",
        arg=[tile.element_handle(), chart],
        timeout=TIMEOUT,
    )


def dashboards(plotboard: Plotboard, token: str) -> dict[str, Any]:
    listed = plotboard.embed(token, "GET", "/dashboards").json()["dashboards"]
    return {
        d["title"]: plotboard.embed(token, "GET", f"/dashboards/{d['id']}").json() for d in listed
    }


def test_a_newcomer_asks_for_a_map_and_the_top_products_and_keeps_them(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("alice")
    s = open_session("alice", width=1280, height=860)
    s.open(token, **CHAT)
    ui.create_dashboard(s.page, "Asked, not built")
    dashboard_id = s.events("plotboard:dashboard-saved")[-1]["detail"]["id"]

    # The chat opens beside the dashboard, with the focus in its text box and example questions.
    open_chat(s.page)
    assert s.page.evaluate(FOCUSED) == "Ask a question about your data"
    assert s.page.locator("[data-action='ask-ai']").get_attribute("aria-expanded") == "true"
    starters = s.page.locator("pb-chat [data-action='starter']").all_inner_texts()
    assert "Average salary by location as a map" in starters
    assert any(q.startswith("Build me a dashboard") for q in starters)

    answer = ask(s.page, "average salary by location as a map")
    assert "average salary by location" in answer.locator(".bubble").inner_text().lower()
    tile = preview(answer)
    wait_chart(tile, "map")
    tile.locator("pb-chart[data-rendered='true']").wait_for(timeout=TIMEOUT)
    assert tile.get_attribute("data-rows") == "3"  # alice sees Paris, London and Berlin
    assert chips(answer) == ["Average salary", "by Location", "Map", "Filter"]

    answer.locator("[data-action='chat-add']").click()
    added = ui.tile(s.page, "Average salary by location")
    added.locator("pb-chart[data-rendered='true']").wait_for()
    assert answer.locator("[data-action='chat-add']").inner_text().strip() == "Added"
    ui.wait_saved(s.page)
    saved = plotboard.embed(token, "GET", f"/dashboards/{dashboard_id}").json()
    assert [(t["title"], t["chart"]["type"]) for t in saved["tiles"]] == [
        ("Average salary by location", "map")
    ]
    assert saved["tiles"][0]["query"]["measures"] == [{"agg": "avg", "column": "salary"}]

    answer = ask(s.page, "top 5 products by revenue in 2024")
    tile = preview(answer)
    wait_chart(tile, "bar")
    assert tile.get_attribute("data-rows") == "5"
    assert chips(answer) == [
        "Total amount", "by Product", "Sale date: 2024", "Top 5", "Bar", "Filter"
    ]  # fmt: skip
    tile.locator("pb-chart[data-rendered='true']").wait_for(timeout=TIMEOUT)
    s.page.locator("pb-toasts [data-toast]").wait_for(state="detached", timeout=TIMEOUT)
    s.page.wait_for_timeout(400)  # the charts' entry animation
    IMAGES.mkdir(parents=True, exist_ok=True)
    s.page.locator("plotboard-editor").screenshot(path=str(IMAGES / "chat.png"))

    # A follow-up refines the last answer: the same conversation, now a pie.
    with s.page.expect_request("**/api/v1/embed/ai/ask") as sent:
        answer = ask(s.page, "as a pie")
    conversation_id = sent.value.post_data_json["conversation_id"]
    assert conversation_id
    tile = preview(answer)
    wait_chart(tile, "pie")
    assert tile.get_attribute("data-rows") == "5"
    assert "Pie" in chips(answer)

    # Reload: the dashboard has its tile, and the chat its conversation.
    s.page.reload()
    s.open(token, **{**CHAT, "dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 1)
    open_chat(s.page)
    answers = s.page.locator("pb-chat [data-answer]")
    answers.nth(2).wait_for(timeout=TIMEOUT)
    assert answers.count() == 3
    questions = s.page.locator("pb-chat .user").all_inner_texts()
    assert questions == [
        "average salary by location as a map",
        "top 5 products by revenue in 2024",
        "as a pie",
    ]
    wait_chart(preview(answers.nth(2)), "pie")
    with s.page.expect_request("**/api/v1/embed/ai/ask") as sent:
        answer = ask(s.page, "top 3")
    assert sent.value.post_data_json["conversation_id"] == conversation_id
    assert preview(answer).get_attribute("data-rows") == "3"
    assert not s.errors, s.errors


def test_chips_change_the_answer_and_it_goes_to_a_new_dashboard_or_the_builder(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("bob")
    s = open_session("bob")
    s.open(token, **CHAT)  # the dashboard list: no dashboard open
    open_chat(s.page)
    answer = ask(s.page, "top 5 products by revenue in 2024")
    tile = preview(answer)
    wait_chart(tile, "bar")

    # The chart chip opens a menu of chart types; a horizontal bar keeps the same query.
    answer.locator("[data-chip='chart'] button").click()
    menu = answer.get_by_role("radiogroup", name="Chart type")
    assert menu.locator("[data-chart='bar']").get_attribute("aria-checked") == "true"
    menu.locator("[data-chart='bar_horizontal']").click()
    wait_chart(tile, "bar_horizontal")
    assert menu.count() == 0
    assert "Horizontal bar" in chips(answer)
    assert tile.locator("h3").inner_text() == "Top 5 products by revenue (2024)"

    # Remove the limit: every product; the title follows the query.
    answer.get_by_role("button", name="Remove Top 5").click()
    s.page.wait_for_function(
        "el => el.dataset.state === 'ready' && Number(el.dataset.rows) > 5",
        arg=tile.element_handle(),
        timeout=TIMEOUT,
    )
    assert "Top 5" not in chips(answer)
    assert tile.locator("h3").inner_text() == "Total amount by product"

    # The year filter opens in the filter row; a measure chip changes what is measured.
    answer.locator("[data-chip='filter'] button:not(.x)").click()
    row = answer.locator("pb-filter-row")
    row.wait_for()
    assert row.get_by_label("From").input_value() == "2024-01-01"
    row.get_by_label("To").fill("2024-06-30")
    row.get_by_label("To").press("Tab")
    dates = "2024-01-01 \u2013 2024-06-30"  # an en dash between them
    answer.locator("[data-chip='filter']", has_text=dates).wait_for()
    answer.locator("[data-action='chip-done']").click()
    answer.locator("[data-chip='measure'] button").click()
    answer.get_by_label("Measure", exact=True).select_option("avg")
    answer.get_by_label("Measure column").select_option("unit_price")
    answer.locator("[data-chip='measure']", has_text="Average unit price").wait_for()
    answer.locator("[data-action='chip-done']").click()
    wait_chart(tile, "bar_horizontal")

    # No dashboard is open: "Add to a new dashboard" makes one and opens it.
    add = answer.locator("[data-action='chat-add']")
    assert add.inner_text().strip() == "Add to a new dashboard"
    add.click()
    ui.wait_tiles_ready(s.page, 1)
    title = "Average unit price by product"
    ui.tile(s.page, title).wait_for()
    saved = dashboards(plotboard, token)[title]
    query = saved["tiles"][0]["query"]
    assert saved["tiles"][0]["chart"] == {"type": "bar_horizontal"}
    assert query["measures"] == [{"agg": "avg", "column": "unit_price"}]
    assert query["filters"] == [
        {"column": "sale_date", "op": "between", "value": ["2024-01-01", "2024-06-30"]}
    ]
    assert "limit" not in query

    # "Edit in builder": the builder opens on the chart as a new one; saving adds it.
    answer.locator("[data-action='chat-edit']").click()
    d = ui.dialog(s.page)
    d.wait_for(timeout=TIMEOUT)
    assert d.locator("#builder-title").inner_text() == "Add a chart"
    assert d.locator("[data-chart='bar_horizontal']").get_attribute("aria-checked") == "true"
    assert d.get_by_label("Break down by", exact=True).input_value() == "product"
    d.get_by_label("Title").fill("Unit prices")
    d.locator("pb-tile[preview][data-state='ready']").wait_for(timeout=TIMEOUT)
    d.locator("[data-action='save-tile']").click()
    d.wait_for(state="hidden", timeout=TIMEOUT)
    ui.wait_tiles_ready(s.page, 2)
    ui.wait_saved(s.page)
    saved = dashboards(plotboard, token)[title]
    assert sorted(t["title"] for t in saved["tiles"]) == [title, "Unit prices"]
    assert not s.errors, s.errors


def test_unanswerable_questions_get_suggestions_and_a_dashboard_comes_as_a_gallery(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("carol")
    s = open_session("carol")
    s.open(token, **CHAT)
    ui.create_dashboard(s.page, "Carol asks")
    open_chat(s.page)

    answer = ask(s.page, "what is the weather on mars")
    assert "can't answer" in answer.locator(".bubble").inner_text()
    assert answer.locator("pb-tile").count() == 0
    suggestions = answer.locator("[data-action='suggestion']")
    assert suggestions.count() >= 2
    first = suggestions.first.inner_text().strip()
    suggestions.first.click()
    answer = s.page.locator("pb-chat [data-answer]").nth(1)
    answer.wait_for(timeout=TIMEOUT)
    assert s.page.locator("pb-chat .user").last.inner_text() == first
    preview(answer)

    answer = ask(s.page, "Build me a dashboard about sales")
    gallery = answer.locator(".gallery pb-tile[preview]")
    assert gallery.count() == 6
    s.page.wait_for_function(
        "el => [...el.querySelectorAll('pb-tile')]"
        ".every(t => ['ready', 'error'].includes(t.dataset.state))",
        arg=answer.locator(".gallery").element_handle(),
        timeout=TIMEOUT * 2,
    )
    answer.locator("[data-action='chat-add-one']").first.click()
    ui.wait_tiles_ready(s.page, 1)
    answer.locator("[data-action='chat-add-all']").click()
    ui.wait_tiles_ready(s.page, 6)
    ui.wait_saved(s.page)
    assert answer.locator("[data-action='chat-add-all']").inner_text().strip() == "All added"
    saved = dashboards(plotboard, token)["Carol asks"]
    assert len(saved["tiles"]) == 6
    assert {t["chart"]["type"] for t in saved["tiles"]} >= {"kpi", "line"}
    assert all(t["query"]["table"] == "sales" for t in saved["tiles"])
    assert not s.errors, s.errors


def test_no_chat_without_the_attribute_or_the_permission(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    s = open_session("chat-nobody")
    s.open(plotboard.token("chat-nobody"))  # no ai-chat attribute
    ui.create_dashboard(s.page, "No AI here")
    assert s.page.locator("[data-action='ask-ai']").count() == 0

    s.open(plotboard.token("chat-nobody", permissions={"ai": False}), **CHAT)
    s.page.locator("pb-dashboard-list h2").wait_for()
    s.page.locator("pb-dashboard-list button.open").first.click()
    s.page.get_by_label("Dashboard title").wait_for()
    assert s.page.locator("[data-action='ask-ai']").count() == 0
    assert s.page.locator("pb-chat").count() == 0
    assert not [u for u in s.requests if "/embed/chunks/chat-" in u or "/ai/" in u]

    # The same page with a token that allows the AI has the chat.
    s.open(plotboard.token("chat-nobody"), **CHAT)
    s.page.locator("[data-action='ask-ai']").wait_for()
    assert not s.errors, s.errors


def test_errors_show_in_the_panel_and_the_dashboard_keeps_working(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("alice")
    query = {"table": "employees", "measures": [{"agg": "count"}]}
    body = {"title": "Still here", "tiles": [{"id": "k", "title": "Headcount", "query": query,
            "chart": {"type": "kpi"}, "layout": {"x": 0, "y": 0, "w": 3, "h": 3}}]}  # fmt: skip
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("alice")
    s.open(token, **{**CHAT, "dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 1)
    open_chat(s.page)

    # While the server thinks, the panel says so.
    held: list[Any] = []
    s.page.route("**/api/v1/embed/ai/ask", lambda route: held.append(route))
    box = s.page.get_by_label("Ask a question about your data")
    box.fill("headcount by department")
    box.press("Enter")
    s.page.locator("pb-chat [data-thinking]").wait_for(timeout=TIMEOUT)
    assert s.page.locator("[data-action='chat-send']").is_disabled()
    for _ in range(100):  # the route handler runs while Playwright waits
        if held:
            break
        s.page.wait_for_timeout(50)
    held[0].abort()
    error = s.page.locator("pb-chat [data-chat-error]")
    error.wait_for(timeout=TIMEOUT)
    assert "Can't reach the analytics server" in error.inner_text()
    assert s.page.locator("pb-chat [data-thinking]").count() == 0
    s.page.unroute("**/api/v1/embed/ai/ask")

    # A 4xx answer: its message, in the panel; the host hears about it.
    origin = s.host.url

    def refuse(route: Any) -> None:
        route.fulfill(
            status=422,
            headers={"Access-Control-Allow-Origin": origin, "Content-Type": "application/json"},
            body=json.dumps({"detail": "The question is too long.", "code": "invalid_request"}),
        )

    s.page.route("**/api/v1/embed/ai/ask", refuse)
    box.fill("headcount by department")
    box.press("Enter")
    error.nth(1).wait_for(timeout=TIMEOUT)
    assert "The question is too long." in error.nth(1).inner_text()
    reported = [e["detail"] for e in s.events("plotboard:error")]
    assert any(e["status"] == 422 and e["context"] == "asking the AI" for e in reported)
    s.page.unroute("**/api/v1/embed/ai/ask")

    # The dashboard never broke; "Try again" asks once more and gets the chart.
    assert ui.tile(s.page, "Headcount").get_attribute("data-state") == "ready"
    error.nth(1).get_by_role("button", name="Try again").click()
    answer = s.page.locator("pb-chat [data-answer]").first
    answer.wait_for(timeout=TIMEOUT)
    wait_chart(preview(answer), "bar")
    assert error.count() == 1
    assert not s.errors, s.errors


def test_on_a_phone_the_chat_is_a_sheet_used_with_the_keyboard(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("alice")
    query = {"table": "employees", "measures": [{"agg": "count"}]}
    body = {"title": "Pocket", "tiles": [{"id": "k", "title": "Headcount", "query": query,
            "chart": {"type": "kpi"}, "layout": {"x": 0, "y": 0, "w": 3, "h": 3}}]}  # fmt: skip
    dashboard_id = plotboard.embed(token, "POST", "/dashboards", json=body).json()["id"]
    s = open_session("alice", width=390, height=800)
    s.open(token, **{**CHAT, "dashboard-id": dashboard_id})
    ui.wait_tiles_ready(s.page, 1)
    toggle = s.page.locator("[data-action='ask-ai']")
    toggle.focus()
    s.page.keyboard.press("Enter")
    sheet = s.page.locator("pb-chat dialog")
    sheet.wait_for(timeout=TIMEOUT)
    s.page.wait_for_function(f"() => ({FOCUSED})() === 'Ask a question about your data'")
    box = sheet.bounding_box()
    assert box and box["width"] == 390 and box["height"] > 600  # the full width, most of the height
    assert s.page.evaluate("document.documentElement.scrollWidth") <= 390

    s.page.keyboard.type("average salary by department")
    s.page.keyboard.press("Enter")
    answer = s.page.locator("pb-chat [data-answer]").first
    answer.wait_for(timeout=TIMEOUT)
    preview(answer)
    answer.locator("[data-action='chat-add']").click()
    sheet.wait_for(state="hidden", timeout=TIMEOUT)  # the sheet gives way to the dashboard
    ui.wait_tiles_ready(s.page, 2)
    ui.wait_saved(s.page)

    s.page.locator("[data-action='ask-ai']").click()
    sheet.wait_for(timeout=TIMEOUT)
    assert s.page.locator("pb-chat [data-answer]").count() == 1  # the same conversation
    s.page.keyboard.press("Escape")
    sheet.wait_for(state="hidden", timeout=TIMEOUT)
    s.page.wait_for_function(f"() => ({FOCUSED})() === 'Ask AI'")
    assert not s.errors, s.errors


def test_when_the_llm_fails_the_built_in_engine_answers_and_the_chat_says_so(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # An LLM endpoint where nothing listens: the built-in engine answers, with the reason.
    closed = free_port()
    settings = {"engine": "openai", "base_url": f"http://127.0.0.1:{closed}/v1", "model": "m"}
    assert plotboard.admin("PUT", "/ai-settings", json=settings).status_code == 200
    try:
        s = open_session("bob")
        s.open(plotboard.token("bob"), **CHAT)
        open_chat(s.page)
        answer = ask(s.page, "number of sales by category")
        note = answer.locator("[data-fallback]")
        assert note.inner_text().strip()
        wait_chart(preview(answer), "bar")
        assert not s.errors, s.errors
    finally:
        plotboard.admin("PUT", "/ai-settings", json={"engine": "builtin"})


# Every element of the newest answer, through the light-DOM answer and chips, whose right edge
# passes the chat panel's (a px of rounding allowed): [tag.class, right, panel right].
OVERFLOWING = """() => {
  const chat = document.querySelector('plotboard-editor').shadowRoot.querySelector('pb-chat');
  const panel = chat.getBoundingClientRect();
  const answer = [...chat.shadowRoot.querySelectorAll('[data-answer]')].pop();
  const out = [];
  for (const el of answer.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > panel.right + 1) {
      out.push([el.tagName + '.' + el.getAttribute('class'), box.right, panel.right]);
    }
  }
  return out;
}"""


def test_a_long_filter_chip_does_not_push_the_answer_out_of_the_chat_panel(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # A comparison with a year filter and two breakdowns: its chips include a long date-range
    # chip. The answer's grid had an auto column, which grew to that chip's whole width, so
    # the preview, the chips and the buttons ran past the panel's right edge (cut off there).
    s = open_session("alice", width=1400, height=1000)
    s.open(plotboard.token("alice"), **CHAT)
    ui.create_dashboard(s.page, "Chat width")
    open_chat(s.page)
    question = "total amount of sales by product and category in 2025 compared with 2024, top 3"
    answer = ask(s.page, question)
    preview(answer).locator("pb-chart[data-rendered='true']").wait_for(timeout=TIMEOUT)
    assert answer.locator(".chip").count() >= 5
    assert s.page.evaluate(OVERFLOWING) == []
    # The chips wrap and a long one is cut with an ellipsis, inside the panel.
    widest = max(c.bounding_box()["width"] for c in answer.locator(".chip").all())
    card = answer.locator(".card").bounding_box()
    assert widest <= card["width"]
    assert not s.errors, s.errors


def test_a_listing_previews_enough_rows_to_read_in_the_chat(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # The preview of an answer is 230px high whatever its chart: a listing of records (its
    # filter chips, header and pager included) showed one row and a half, cut mid-row.
    s = open_session("alice", width=1400, height=1000)
    s.open(plotboard.token("alice"), **CHAT)
    ui.create_dashboard(s.page, "Chat listing")
    open_chat(s.page)
    answer = ask(s.page, "List the 10 biggest sales with product and amount")
    tile = preview(answer)
    wait_chart(tile, "table")
    rows = tile.locator("pb-table tbody tr")
    rows.first.wait_for(timeout=TIMEOUT)
    seen = tile.evaluate(
        """tile => {
          const box = tile.getBoundingClientRect();
          const chart = tile.shadowRoot.querySelector('pb-chart');
          const table = chart?.shadowRoot?.querySelector('pb-table')
            ?? tile.shadowRoot.querySelector('pb-table');
          const body = table.shadowRoot.querySelector('tbody');
          const scroller = body.closest('.wrap, .scroll, div') ?? table;
          const view = scroller.getBoundingClientRect();
          const bottom = Math.min(box.bottom, view.bottom);
          return [...table.shadowRoot.querySelectorAll('tbody tr')]
            .filter(r => r.getBoundingClientRect().bottom <= bottom + 0.5).length;
        }"""
    )
    assert seen >= 4, seen
    assert not s.errors, s.errors
