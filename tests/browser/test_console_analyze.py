"""The console's Analyze asks before its proposals replace text already in the catalog: the
admin's own description (or one applied before) goes only after "Replace", and Cancel leaves
everything as it was."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.server import Plotboard

pytestmark = pytest.mark.browser
TIMEOUT = 30_000
MINE = "What one line of an order sold, in my words"


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


def _product_description(plotboard: Plotboard) -> str:
    tables = plotboard.admin("GET", f"/sources/{plotboard.info.source_id}/tables").json()["tables"]
    sales = next(t for t in tables if t["name"] == "sales")
    column = next(c for c in sales["columns"] if c["name"] == "product")
    return str(column.get("description") or "")


def _set_product_description(plotboard: Plotboard, text: str | None) -> None:
    r = plotboard.admin(
        "PATCH",
        f"/sources/{plotboard.info.source_id}/tables/sales/columns/product",
        json={"description": text},
    )
    assert r.status_code == 200, r.text


def test_analyze_asks_before_replacing_a_description(
    admin_page: Any, plotboard: Plotboard
) -> None:
    page = admin_page
    before = _product_description(plotboard)
    _set_product_description(plotboard, MINE)
    try:
        page.goto(f"{plotboard.url}/admin/tables")
        analyze = page.locator("[data-analyze]")
        for box in analyze.locator("input[name='analyze_table']").all():
            box.set_checked(box.get_attribute("value") == "sales")
        analyze.get_by_label("Also propose over my own edits").check()
        analyze.get_by_role("button", name="Analyze", exact=True).click()
        rows = analyze.locator(".proposal[data-proposal]")
        rows.first.wait_for(timeout=TIMEOUT)
        # Only the product column: the shared demo's other names stay as the other tests expect.
        for row in rows.all():
            row.locator("input[type='checkbox']").set_checked(
                row.get_attribute("data-proposal") == "sales.product"
            )
        product = analyze.locator(".proposal[data-proposal='sales.product']")
        proposed = product.get_by_label("Description for sales.product").input_value()
        assert proposed and proposed != MINE

        analyze.get_by_role("button", name="Apply the ticked proposals").click()
        confirm = analyze.get_by_role("alertdialog")
        confirm.wait_for(timeout=TIMEOUT)
        assert "sales.product: description" in confirm.inner_text()
        assert _product_description(plotboard) == MINE  # nothing applied yet

        confirm.get_by_role("button", name="Cancel").click()
        assert confirm.count() == 0
        page.wait_for_timeout(300)
        assert _product_description(plotboard) == MINE

        analyze.get_by_role("button", name="Apply the ticked proposals").click()
        analyze.get_by_role("alertdialog").get_by_role("button", name="Replace it").click()
        page.get_by_text("Applied").wait_for(timeout=TIMEOUT)
        assert _product_description(plotboard) == proposed
    finally:
        _set_product_description(plotboard, before or None)


def test_analyze_proposals_come_back_after_a_reload_until_dismissed(
    admin_page: Any, plotboard: Plotboard
) -> None:
    # A reload (or a visit to another page and back) lost the proposals of a finished Analyze:
    # the admin had to run it again to review them.
    page = admin_page
    page.goto(f"{plotboard.url}/admin/tables")
    analyze = page.locator("[data-analyze]")
    for box in analyze.locator("input[name='analyze_table']").all():
        box.set_checked(box.get_attribute("value") == "offices")
    analyze.get_by_role("button", name="Analyze", exact=True).click()
    rows = analyze.locator(".proposal[data-proposal]")
    rows.first.wait_for(timeout=TIMEOUT)
    proposed = rows.evaluate_all("rows => rows.map(r => r.dataset.proposal)")
    city = analyze.get_by_label("Description for offices.city").input_value()
    assert "offices.city" in proposed and city

    page.reload()
    rows.first.wait_for(timeout=TIMEOUT)
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.proposal)") == proposed
    assert analyze.get_by_label("Description for offices.city").input_value() == city
    assert "not applied yet" in analyze.locator("[data-analyze-status]").inner_text()

    analyze.locator("[data-analyze-dismiss]").click()
    assert rows.count() == 0
    page.reload()
    page.wait_for_timeout(1500)  # what the page fetches on load has come back
    assert rows.count() == 0


def test_the_apply_button_stays_in_sight_below_a_long_list_of_proposals(
    admin_page: Any, plotboard: Plotboard
) -> None:
    # The proposals scroll inside their box; "Apply the ticked proposals" was the last thing
    # in it, below the fold of the box (half cut off by its edge) until one scrolled the list.
    page = admin_page
    page.goto(f"{plotboard.url}/admin/tables")
    analyze = page.locator("[data-analyze]")
    for box in analyze.locator("input[name='analyze_table']").all():
        box.set_checked(True)
    analyze.get_by_role("button", name="Analyze", exact=True).click()
    rows = analyze.locator(".proposal[data-proposal]")
    rows.first.wait_for(timeout=TIMEOUT)
    proposals = analyze.locator("form.proposals")
    assert proposals.evaluate("f => f.scrollHeight > f.clientHeight + 100")  # the list scrolls
    apply = analyze.get_by_role("button", name="Apply the ticked proposals")
    inside = """([f, b]) => { const box = f.getBoundingClientRect(), it = b.getBoundingClientRect();
                return it.top >= box.top && it.bottom <= box.bottom + 0.5; }"""
    assert page.evaluate(inside, [proposals.element_handle(), apply.element_handle()])
    page.reload()  # proposals not applied come back, with a way to dismiss them
    analyze.locator("[data-analyze-dismiss]").click()
    assert rows.count() == 0
