"""Defects a new user met in the editor (issue 9: tooltips, KPIs over dates, an origin not yet
authorized, an expired or broken token, and the polish items), each as the user meets it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import HostSite, Plotboard, _handler, free_port

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")

# All the text a person can see, shadow roots included (innerText stops at a shadow root).
DEEP_TEXT = """() => {
  const out = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) walk(el.shadowRoot);
    }
    if (root.host !== undefined) out.push(root.host.shadowRoot.textContent);
  };
  out.push(document.body.innerText);
  walk(document);
  return out.join('\\n');
}"""

# The focused element, through shadow roots.
DEEP_FOCUS = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el ? { tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim(),
                label: el.getAttribute('aria-label') || '' } : null;
}"""


ALICE = {"region": "North", "location": ["Paris", "London", "Berlin"]}


def user_token(plotboard: Plotboard, user: str) -> str:
    """A token for a user of these tests only (their own workspace), who sees what Alice sees."""
    return plotboard.token(user, attributes=ALICE)


def opening(dashboard_id: str) -> dict[str, Any]:
    """The host page's attributes that open a dashboard."""
    return {"dashboard-id": dashboard_id}


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def make_dashboard(
    plotboard: Plotboard, token: str, title: str, tiles: list[dict[str, Any]]
) -> str:
    body = {"title": title, "tiles": tiles}
    created = plotboard.embed(token, "POST", "/dashboards", json=body)
    assert created.status_code == 201, created.text
    dashboard_id: str = created.json()["id"]
    return dashboard_id


def tile(tile_id: str, title: str, query: dict[str, Any], chart: str, x: int = 0) -> dict[str, Any]:
    layout = {"x": x, "y": 0, "w": 6, "h": 4}
    chart_spec = {"type": chart}
    return {"id": tile_id, "title": title, "query": query, "chart": chart_spec, "layout": layout}


@pytest.fixture(scope="module")
def stranger(plotboard: Plotboard) -> Iterator[HostSite]:
    """A host page on an origin nobody authorized (a developer's first try)."""
    port = free_port()
    site = HostSite(f"http://localhost:{port}")
    httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(plotboard.url, site.pages))
    thread = threading.Thread(target=httpd.serve_forever, name="stranger-site", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        httpd.shutdown()
        httpd.server_close()


class BarePage:
    """A host page whose app does not answer `plotboard:token-expired` (no token refresh)."""

    def __init__(self, browser: Any, width: int = 1280, height: int = 900) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))

    def open(self, url: str, token: str | None) -> None:
        self.page.goto(url)
        self.page.wait_for_function("customElements.get('plotboard-editor') !== undefined")
        if token is not None:
            self.page.evaluate(
                "t => document.getElementById('editor').setAttribute('auth-token', t)", token
            )

    def events(self, name: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.page.evaluate(
            "n => window.__events.filter(e => e.name === n)", name
        )
        return found

    def text(self) -> str:
        found: str = self.page.evaluate(DEEP_TEXT)
        return found


@pytest.fixture
def bare_page(browser: Any) -> Iterator[Callable[..., BarePage]]:
    pages: list[BarePage] = []

    def make(width: int = 1280, height: int = 900) -> BarePage:
        page = BarePage(browser, width, height)
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.context.close()


# --- 10: tooltips ---------------------------------------------------------------------------


def test_a_chart_tooltip_is_a_small_box_not_the_whole_chart(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = user_token(plotboard, "defects-tooltip")
    query = {"table": "employees", "measures": [{"agg": "count"}],
             "dimensions": [{"column": "department"}]}  # fmt: skip
    dashboard_id = make_dashboard(
        plotboard, token, "Tooltips", [tile("t1", "Headcount", query, "bar")]
    )
    s = open_session("defects-tooltip")
    s.open(token, **opening(dashboard_id))
    chart = ui.tile(s.page, "Headcount").locator("pb-chart[data-rendered='true']")
    chart.wait_for()
    box = chart.bounding_box()
    assert box is not None
    s.page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6)
    tip = None
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        tip = chart.evaluate(
            """el => {
                 const t = [...el.shadowRoot.querySelectorAll('div')]
                   .find(d => d.style.zIndex === '9999999' && d.style.display !== 'none'
                              && d.textContent.trim());
                 if (!t) return null;
                 const r = t.getBoundingClientRect();
                 return { width: r.width, height: r.height, text: t.textContent };
               }"""
        )
        if tip:
            break
        time.sleep(0.1)
    shot(s.page, "10-tooltip")
    assert tip, "no tooltip appeared over the bar"
    assert tip["width"] < box["width"] * 0.6 and tip["height"] < box["height"] * 0.6, (tip, box)


# --- 11: a KPI over a date --------------------------------------------------------------------


def test_a_kpi_over_a_date_or_a_name_shows_it_formatted(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = user_token(plotboard, "defects-kpi")
    latest = {"table": "sales", "measures": [{"agg": "max", "column": "sale_date"}]}
    first = {"table": "sales", "measures": [{"agg": "min", "column": "product"}]}
    dashboard_id = make_dashboard(
        plotboard,
        token,
        "Latest",
        [
            tile("k1", "Latest sale date", latest, "kpi"),
            tile("k2", "First product", first, "kpi", 6),
        ],
    )
    s = open_session("defects-kpi")
    s.open(token, **opening(dashboard_id))
    ui.wait_tiles_ready(s.page, 2)
    date = ui.tile(s.page, "Latest sale date").locator("[data-kpi-value]").inner_text()
    name = ui.tile(s.page, "First product").locator("[data-kpi-value]").inner_text()
    shot(s.page, "11-kpi-date")
    assert "2025" in date and "31" in date and "\u2013" not in date, date
    assert name == "4K Monitor 27"


# --- 12: an origin not yet authorized ---------------------------------------------------------


def test_an_origin_not_authorized_says_so_in_the_page_and_the_console(
    bare_page: Callable[..., BarePage], plotboard: Plotboard, stranger: HostSite
) -> None:
    p = bare_page()
    p.open(stranger.page_url(), user_token(plotboard, "defects-stranger"))
    message = p.page.locator("plotboard-editor [data-blocked]")
    message.wait_for(timeout=15_000)
    text = message.inner_text()
    shot(p.page, "12-origin-not-authorized")
    assert stranger.url in text and "not authorized" in text and "Authorized origins" in text
    assert any(stranger.url in line and "Authorized origins" in line for line in p.console), (
        p.console
    )
    errors = p.events("plotboard:error")
    assert errors and errors[0]["detail"]["code"] == "origin_not_authorized"
    # Shown once, not once per failed call.
    assert p.text().count("is not authorized") == 1


def test_the_origin_check_answers_any_page_and_carries_no_data(
    plotboard: Plotboard, host: HostSite
) -> None:
    url = f"{plotboard.url}/api/v1/embed/origin-check"
    evil = httpx.get(url, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 200
    assert evil.headers["access-control-allow-origin"] == "*"
    assert evil.json() == {"origin": "https://evil.example", "authorized": False}
    ok = httpx.get(url, headers={"Origin": host.url})
    assert ok.json() == {"origin": host.url, "authorized": True}
    # The script carries no data: any page may load it (and then learn why it is refused).
    script = httpx.get(f"{plotboard.url}/embed/plotboard.js", headers={"Origin": "https://evil.example"})
    assert script.status_code == 200 and script.headers["access-control-allow-origin"] == "*"
    refused = httpx.get(
        f"{plotboard.url}/api/v1/embed/catalog", headers={"Origin": "https://evil.example"}
    )
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers


# --- 13: an expired or broken token -----------------------------------------------------------


def test_an_expired_token_the_host_does_not_refresh_shows_session_expired(
    bare_page: Callable[..., BarePage], plotboard: Plotboard, host: HostSite
) -> None:
    p = bare_page()
    token = plotboard.short_token("defects-expired", seconds=1)
    time.sleep(2)
    started = time.monotonic()
    p.open(host.page_url(), token)
    expired = p.page.locator("plotboard-editor [data-blocked='expired']")
    expired.wait_for(timeout=15_000)
    assert time.monotonic() - started < 12
    shot(p.page, "13-session-expired")
    text = p.text()
    assert "session has expired" in expired.inner_text()
    assert "JWT" not in text and "token" not in text.lower()
    busy = p.page.locator("[aria-busy='true']").all()
    assert not [b for b in busy if b.is_visible()], "a loading skeleton still shows"
    assert p.events("plotboard:token-expired")
    # The host sets a fresh token after all: the editor carries on.
    p.page.evaluate(
        "t => document.getElementById('editor').setAttribute('auth-token', t)",
        plotboard.token("defects-expired"),
    )
    p.page.locator("pb-dashboard-list").get_by_text("No dashboards yet").wait_for()
    assert expired.count() == 0


def test_a_broken_token_says_so_once_in_plain_words(
    bare_page: Callable[..., BarePage], host: HostSite
) -> None:
    p = bare_page()
    p.open(host.page_url(), "not-a-token")
    invalid = p.page.locator("plotboard-editor [data-blocked='invalid']")
    invalid.wait_for(timeout=15_000)
    time.sleep(0.5)
    shot(p.page, "13-invalid-token")
    text = p.text()
    assert "This dashboard link isn't valid. Ask the app to sign you in again." in text
    assert text.count("isn't valid") == 1
    assert "JWT" not in text and "token" not in text.lower()
    # The developer gets the technical reason in the console and in the event.
    errors = p.events("plotboard:error")
    assert errors and errors[0]["detail"]["code"] == "invalid_token"
    assert "embed token" in errors[0]["detail"]["reason"]
    assert any("embed token" in line for line in p.console), p.console


# --- 17: polish -------------------------------------------------------------------------------


def test_the_builder_column_does_not_overflow_at_1440(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    s = open_session("defects-wide", width=1440, height=900)
    s.open(user_token(plotboard, "defects-wide"))
    ui.create_dashboard(s.page, "Wide")
    s.page.locator("[data-action='add-chart']").click()
    d = ui.dialog(s.page)
    d.wait_for()
    d.locator(".table-card", has_text="Sales").click()
    d.get_by_label("Measure 1", exact=True).select_option("sum")
    d.get_by_label("Column for measure 1", exact=True).select_option("amount")
    d.get_by_text("Add a second measure").click()
    d.get_by_label("Break down by", exact=True).select_option("employees.department")
    s.page.wait_for_timeout(300)
    shot(s.page, "17-builder-1440")
    sizes = d.locator("form").evaluate("f => [f.scrollWidth, f.clientWidth]")
    assert sizes[0] <= sizes[1], sizes
    title = d.locator(".title-input").input_value()
    assert "\u203a" not in title and title.endswith("by employee's department"), title


def test_the_favicon_is_served(plotboard: Plotboard) -> None:
    answer = httpx.get(f"{plotboard.url}/favicon.ico")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/")
    assert len(answer.content) > 0


def test_opening_a_dashboard_moves_focus_to_its_heading(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = user_token(plotboard, "defects-focus")
    make_dashboard(plotboard, token, "Focus here", [])
    s = open_session("defects-focus")
    s.open(token)
    s.page.locator("pb-dashboard-list button.open", has_text="Focus here").click()
    s.page.get_by_label("Dashboard title").wait_for()
    s.page.wait_for_function(f"() => ({DEEP_FOCUS})()?.tag === 'h2'", timeout=5000)
    focused = s.page.evaluate(DEEP_FOCUS)
    assert focused["text"] == "Focus here", focused


def test_on_a_phone_the_add_chart_button_has_a_name(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    s = open_session("defects-phone", width=390, height=844)
    s.open(user_token(plotboard, "defects-phone"))
    ui.create_dashboard(s.page, "Phone")
    button = s.page.get_by_role("button", name="Add chart", exact=True)
    button.wait_for()
    shot(s.page, "17-phone")
    assert button.is_visible()


def test_a_second_measure_is_not_the_first_one_again(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    s = open_session("defects-measures")
    s.open(user_token(plotboard, "defects-measures"))
    ui.create_dashboard(s.page, "Two measures")
    s.page.locator("[data-action='add-chart']").click()
    d = ui.dialog(s.page)
    d.wait_for()
    d.locator(".table-card", has_text="Employees").click()
    d.get_by_label("Measure 1", exact=True).select_option("avg")
    d.get_by_label("Break down by", exact=True).select_option("department")
    d.get_by_text("Add a second measure").click()
    first = d.get_by_label("Column for measure 1", exact=True).input_value()
    second = d.get_by_label("Column for measure 2", exact=True).input_value()
    assert first != second, (first, second)
    preview = d.locator("pb-tile[preview]")
    preview.locator("pb-chart[data-rendered='true']").wait_for()
    assert preview.get_attribute("data-state") == "ready"
