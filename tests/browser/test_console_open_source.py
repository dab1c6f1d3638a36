"""Connecting a database in the console leaves it closed to end users; the admin opens it from
its page with one button that says what opening means. A user's token sees it only then."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.server import Plotboard

pytestmark = pytest.mark.browser
TIMEOUT = 30_000
NAME = "Warehouse copy"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "images"


@pytest.fixture
def admin_page(browser: Any, plotboard: Plotboard) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{plotboard.url}/admin")
    page.get_by_label("Email").fill(plotboard.info.admin_email)
    page.get_by_label("Password").fill(plotboard.info.admin_password)
    page.keyboard.press("Enter")
    page.get_by_text("Signed in as").wait_for(timeout=TIMEOUT)
    yield page
    context.close()


def _catalog_ids(plotboard: Plotboard) -> list[str]:
    answer = httpx.get(
        f"{plotboard.url}/api/v1/embed/catalog",
        headers={"Authorization": f"Bearer {plotboard.token('alice')}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return [s["id"] for s in answer.json()["sources"]]


def _remove(plotboard: Plotboard) -> None:
    for source in plotboard.admin("GET", "/sources").json()["sources"]:
        if source["name"] == NAME:
            assert plotboard.admin("DELETE", f"/sources/{source['id']}").status_code == 204


def test_connect_then_open_a_database_to_users(admin_page: Any, plotboard: Plotboard) -> None:
    page = admin_page
    _remove(plotboard)
    try:
        page.goto(f"{plotboard.url}/admin/databases?kind=sqlite")
        page.locator("#f-name").fill(NAME)
        page.locator("#f-path").fill(str(plotboard.info.demo_database))
        page.get_by_role("button", name="Connect", exact=True).click()
        flash = page.get_by_text("It is closed to your users until you open it.")
        flash.wait_for(timeout=TIMEOUT)
        assert "add access rules, then open it to users" in page.content()
        source_id = page.url.split("source=")[1]
        assert source_id not in _catalog_ids(plotboard)  # a user's token does not see it

        page.goto(f"{plotboard.url}/admin/databases")
        row = page.locator(f"tr[data-source='{source_id}']")
        assert row.locator("[data-end-users]").inner_text().startswith("Closed")
        row.get_by_role("link", name="open it…").click()
        card = page.locator("#end-users")
        card.wait_for(timeout=TIMEOUT)
        assert "Closed to users" in card.inner_text()
        assert "every user sees every row" in card.inner_text()
        if os.environ.get("PLOTBOARD_UPDATE_SCREENSHOTS") == "1":
            card.screenshot(path=str(SHOTS / "console-open-source.png"))
        card.get_by_role("button", name="Open to users: every user sees every row").click()
        page.get_by_text(f"“{NAME}” is open to your users").wait_for(timeout=TIMEOUT)
        assert "Open to users" in page.locator("#end-users").inner_text()
        assert source_id in _catalog_ids(plotboard)

        page.locator("#end-users").get_by_role("button", name="Close to users").click()
        page.get_by_text(f"“{NAME}” is closed to your users").wait_for(timeout=TIMEOUT)
        assert source_id not in _catalog_ids(plotboard)
    finally:
        _remove(plotboard)
