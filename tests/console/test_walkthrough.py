"""The whole set-up in a browser, from an empty server, as a newcomer would do it — and the
screenshots the README shows (docs/images/console-*.png)."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plotboard.api.routes.embed_assets import BUNDLE_DIR, ENTRY
from tests.conftest import screenshot_dir
from tests.console.browser import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    Server,
    empty_server,
)

pytestmark = pytest.mark.browser

IMAGES = screenshot_dir()
TIMEOUT = 15_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with empty_server(tmp_path_factory.mktemp("walkthrough") / "data") as running:
        yield running


@pytest.fixture(scope="module")
def chromium(chromium_browser: Any) -> Any:
    return chromium_browser


@pytest.fixture
def crm_database(tmp_path: Path) -> Path:
    """A second, small database: accounts of a CRM, two per sales region."""
    path = tmp_path / "crm.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE accounts (account_id INTEGER PRIMARY KEY, name TEXT, region TEXT)")
        db.executemany(
            "INSERT INTO accounts (name, region) VALUES (?, ?)",
            [(f"Account {i}", r) for i, r in enumerate(["North", "South", "East", "West"] * 2)],
        )
    return path


def shot(page: Any, name: str, full_page: bool = True) -> None:
    """Save a screenshot of a page (from its top) or of one element."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    path = str(IMAGES / f"console-{name}.png")
    if hasattr(page, "goto"):
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=path, full_page=full_page)
    else:
        page.screenshot(path=path)


def nav(page: Any, label: str) -> None:
    page.locator("nav.side").get_by_role("link", name=label).click()
    page.wait_for_load_state()


def flash(page: Any) -> str:
    text: str = page.locator("[data-flash]").inner_text(timeout=TIMEOUT)
    return text


def test_from_an_empty_server_to_a_secured_embedded_editor(
    server: Server,
    chromium: Any,
    demo_database: Path,
    crm_database: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    context = chromium.new_context(
        viewport={"width": 1280, "height": 860},
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    problems: list[str] = []
    page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    base = server.url

    # A stranger is sent to sign in, and comes back where they were going.
    page.goto(f"{base}/admin/keys")
    assert page.url == f"{base}/admin?next=/admin/keys"
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("The email or password is wrong.").is_visible()
    assert page.get_by_label("Email").input_value() == ADMIN_EMAIL
    shot(page, "sign-in")
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/admin/keys")

    # 1. API key: an error first, then the key, shown once, copied with one click.
    page.get_by_role("button", name="Create key").click()
    assert page.locator("#f-name-error").inner_text() == "is required"
    page.get_by_label("Name").fill("Production backend")
    page.get_by_role("button", name="Create key").click()
    secret = page.locator("[data-secret]").inner_text()
    assert re.fullmatch(r"pb_[a-z0-9]{10}_[A-Za-z0-9]{40}", secret)
    assert page.get_by_text("it is shown only this once").is_visible()
    assert page.url == f"{base}/admin/keys"  # a reload will not post the form again
    page.get_by_role("button", name="Copy key").click()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    shot(page, "api-key")

    # 2. Token attributes.
    nav(page, "Token attributes")
    for name, kind, description in (
        ("region", "Text", "The sales region the user covers."),
        ("location", "List of texts", "The office cities whose employees the user may see."),
    ):
        add = page.get_by_role("region", name="Add an attribute")
        add.get_by_label("Name").fill(name)
        add.get_by_label("Type").select_option(label=kind)
        add.get_by_label("Description").fill(description)
        add.get_by_role("button", name="Add attribute").click()
        assert f"Added the token attribute “{name}”" in flash(page)
    shot(page, "attributes")

    # 3. Database: a wrong path gets a plain-words verdict, the right one connects.
    nav(page, "Databases")
    page.get_by_role("link", name="SQLite").click()
    page.get_by_label("Name").fill("Company data")
    page.get_by_label("Database file").fill("/nowhere/company.sqlite")
    page.get_by_role("button", name="Test connection").click()
    verdict = page.locator("[data-verdict='failed']")
    assert "There is no file at /nowhere/company.sqlite." in verdict.inner_text()
    page.get_by_label("Database file").fill(str(demo_database))
    page.get_by_role("button", name="Test connection").click()
    assert "Connected to SQLite" in page.locator("[data-verdict='ok']").inner_text()
    shot(page, "databases")
    page.get_by_role("button", name="Connect", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/tables\?source=\w+"))
    assert "3 tables found" in flash(page)

    # 4. Tables and columns: edited in place, saved as you go.
    amount = page.locator("form[data-column='amount']").filter(has_text="amount")
    amount.get_by_label("Display name of amount").fill("Amount (EUR)")
    amount.get_by_label("Semantic type of amount").select_option("currency")
    assert amount.locator(".save-state.ok").inner_text() == "Saved ✓"
    page.reload()
    assert page.get_by_label("Display name of amount").input_value() == "Amount (EUR)"
    shot(page, "tables", full_page=False)
    if page.locator("[data-analyze]").count():
        _analyze_sales(page)

    # 5. Access rule on sales, with a preview before saving.
    nav(page, "Access rules")
    page.locator("tr[data-table='sales']").get_by_role("link", name="Add rule").click()
    page.get_by_label("Column").select_option("sales_region")
    page.get_by_label("Compared how").select_option("eq")
    page.get_by_label("With the user's attribute").select_option("region")
    page.get_by_label("user.region").fill("North")
    page.get_by_role("button", name="Preview", exact=True).click()
    preview = page.locator("[data-preview]")
    north = _count(demo_database, "SELECT count(*) FROM sales WHERE sales_region = 'North'")
    total = _count(demo_database, "SELECT count(*) FROM sales")
    assert f"would see {north:,} of {total:,} rows" in preview.inner_text()
    shot(page, "rules")
    page.get_by_role("button", name="Save rule").click()
    assert "Saved the access rule of sales: sales_region = user.region." in flash(page)

    # A second database with its own rule, as a newcomer would add it.
    nav(page, "Databases")
    page.get_by_role("link", name="SQLite").click()
    page.get_by_label("Name").fill("CRM")
    page.get_by_label("Database file").fill(str(crm_database))
    page.get_by_role("button", name="Connect", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/tables\?source=\w+"))
    nav(page, "Access rules")
    page.locator("nav.tabs").get_by_role("link", name="CRM").click()
    page.locator("tr[data-table='accounts']").get_by_role("link", name="Add rule").click()
    page.get_by_label("Column").select_option("region")
    page.get_by_label("With the user's attribute").select_option("region")
    page.get_by_role("button", name="Save rule").click()
    assert "Saved the access rule of accounts" in flash(page)

    # Both databases are closed to users until opened, each from its page.
    for name in ("Company data", "CRM"):
        nav(page, "Databases")
        row = page.locator("tr[data-source]").filter(has_text=name)
        assert row.locator("[data-end-users]").inner_text().startswith("Closed")
        row.get_by_role("link", name="open it…").click()
        card = page.locator("#end-users")
        assert "Closed to users" in card.inner_text()
        card.get_by_role("button", name="Open to users", exact=True).click()
        assert f"“{name}” is open to your users" in flash(page)

    # 6. Origins: a malformed one is explained; then the app's origin.
    nav(page, "Authorized origins")
    page.get_by_role("textbox", name="Origin").fill("app.example.com")
    page.get_by_role("button", name="Authorize").click()
    assert "must start with http:// or https://" in page.locator("#f-origin-error").inner_text()
    assert page.get_by_role("textbox", name="Origin").input_value() == "app.example.com"
    page.get_by_role("textbox", name="Origin").fill("https://app.example.com")
    page.get_by_role("button", name="Authorize").click()
    assert "Authorized https://app.example.com" in flash(page)
    shot(page, "origins")

    # A form whose CSRF token is not the session's is refused, and nothing changes.
    page.get_by_role("textbox", name="Origin").fill("https://evil.example.com")
    page.evaluate(
        "document.querySelector('form[action=\"/admin/origins\"] [name=csrf_token]').value = 'x'"
    )
    with page.expect_response(lambda r: r.url.endswith("/admin/origins")) as refused:
        page.get_by_role("button", name="Authorize").click()
    assert refused.value.status == 403
    assert page.get_by_role("heading", name="This form has expired").is_visible()
    page.goto(f"{base}/admin/origins")
    assert page.locator("tr[data-origin]").count() == 1

    # 7. AI settings: the built-in engine needs nothing; the page says what cannot be saved.
    nav(page, "AI settings")
    page.get_by_role("button", name="Test", exact=True).click()
    assert "runs inside plotboard, offline" in page.locator("[data-verdict='ok']").inner_text()
    shot(page, "ai")

    # 8. Token sandbox: mint as Alice and see only what Alice may see.
    nav(page, "Token sandbox")
    page.get_by_label("User id").fill("alice")
    page.get_by_label("region").fill("North")
    page.get_by_label("location").fill("Paris, London")
    page.get_by_role("button", name="Generate token").click()
    token = page.locator("[data-minted-token]").input_value()
    assert token.startswith("eyJ")
    peek = page.locator("[data-peek-rows]")
    assert peek.locator(".peek-row[data-table='sales'] strong").inner_text() == f"{north:,} rows"
    assert "sales_region = 'North'" in peek.locator(".peek-row[data-table='sales']").inner_text()
    assert peek.locator(".peek-row[data-table='accounts'] strong").inner_text() == "2 rows"
    everyone = _count(demo_database, "SELECT count(*) FROM employees")
    employees = peek.locator(".peek-row[data-table='employees']")
    assert employees.locator("strong").inner_text() == f"{everyone:,} rows"
    assert "no access rule" in employees.inner_text()
    if (BUNDLE_DIR / ENTRY).is_file():
        _editor_shows_only_north(page)
        for toast in page.locator("pb-toasts").get_by_role("button", name="Dismiss").all():
            toast.click()  # a fixed toast would sit over the screenshot's top
    else:
        assert page.locator("[data-bundle-missing]").is_visible()
    shot(page, "sandbox")

    page.locator("#i-token").fill(token)
    page.get_by_role("button", name="Introspect").click()
    assert "For user “alice”" in page.locator("[data-introspection='valid']").inner_text()

    # 9. The snippet to paste, with this server's address.
    nav(page, "Embed snippet")
    snippet = page.locator("[data-snippet='html']").inner_text()
    assert f'<script type="module" src="{base}/embed/plotboard.js"></script>' in snippet
    shot(page, "embed")
    # The backend snippets work as pasted, with the key in the environment.
    monkeypatch.setenv("PLOTBOARD_API_KEY", secret)
    namespace: dict[str, Any] = {}
    exec(
        compile(page.locator("[data-snippet='python']").inner_text(), "snippet", "exec"), namespace
    )
    bob = server.runtime.tokens.verify(namespace["plotboard_token"]("bob"))
    # region: a value of the column the rule compares it with; location (no rule): its type's.
    assert bob.attributes == {"region": bob.attributes["region"], "location": ["first", "second"]}
    assert bob.attributes["region"] in {"North", "South", "East", "West"}
    minted = 2
    if shutil.which("curl"):
        command = page.locator("[data-snippet='curl']").inner_text()
        answer = subprocess.run(
            ["sh", "-c", command], capture_output=True, text=True, timeout=30, check=True
        )
        assert '"token":"eyJ' in answer.stdout.replace(" ", "")
        minted = 3

    # 10. The audit log, and every step checked off.
    nav(page, "Audit log")
    log = page.locator("[data-audit]").inner_text()
    for words in ("created the API key", "saved the access rule of", "minted a test token"):
        assert words in log
    assert page.locator("[data-minted] [data-count]").inner_text() == str(minted)
    shot(page, "audit")
    nav(page, "Overview")
    assert page.get_by_text("7 of 7 steps done").is_visible()
    assert page.locator("[data-step][data-done='yes']").count() == 7
    shot(page, "overview")

    mobile = context.new_page()
    mobile.set_viewport_size({"width": 390, "height": 844})
    mobile.goto(f"{base}/admin")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    shot(mobile, "mobile", full_page=False)
    mobile.close()

    # Sign out: the console is closed again.
    page.locator("nav.side").get_by_role("button", name="Sign out").click()
    assert page.get_by_text("You are signed out.").is_visible()
    page.goto(f"{base}/admin/audit")
    assert page.url == f"{base}/admin?next=/admin/audit"
    assert problems == []
    context.close()


def _count(path: Path, sql: str) -> int:
    with sqlite3.connect(path) as db:
        value: int = db.execute(sql).fetchone()[0]
    return value


def _analyze_sales(page: Any) -> None:
    """Analyze the sales table, keep the admin's own edit, apply the rest."""
    section = page.locator("[data-analyze]")
    for box in section.locator("input[name='analyze_table']").all():
        box.set_checked(box.get_attribute("value") == "sales")
    section.get_by_role("button", name="Analyze", exact=True).click()
    section.locator(".proposal[data-proposal='sales.amount']").wait_for(timeout=30_000)
    amount = section.locator(".proposal[data-proposal='sales.amount']")
    assert not amount.locator("input[type=checkbox]").is_checked()  # the admin edited it
    assert "you edited display name" in amount.inner_text()
    assert section.get_by_role("progressbar").get_attribute("aria-valuenow") == "100"
    shot(page.locator("[data-analyze]"), "analyze", full_page=False)
    date = section.locator(".proposal[data-proposal='sales.sale_date']")
    assert date.locator("input[type=checkbox]").is_checked()
    proposed = date.get_by_label("Description for sales.sale_date").input_value()
    with page.expect_navigation():  # applied, then the page reloads with the new values
        section.get_by_role("button", name="Apply the ticked proposals").click()
    assert page.get_by_label("Description of sale_date").input_value() == proposed
    assert page.get_by_label("Display name of amount").input_value() == "Amount (EUR)"


def _editor_shows_only_north(page: Any) -> None:
    """Build a table of sales by region in the live editor: Alice's token shows North only."""
    from tests.browser import ui

    # Locators, not wait_for_function: the console's CSP forbids the eval that one needs.
    page.locator("[data-editor-status]", has_text="ready").wait_for()
    ui.create_dashboard(page, "Alice's check")
    ui.build_tile(
        page,
        ui.TilePlan(
            "table",
            table="Sales",
            measure=("count", None),
            breakdown="sales_region",
            title="Sales by region",
        ),
    )
    cells = ui.tile(page, "Sales by region").locator("pb-table tbody tr td:first-child")
    cells.first.wait_for()
    assert {c.strip() for c in cells.all_inner_texts()} == {"North"}
