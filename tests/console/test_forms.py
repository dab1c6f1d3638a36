"""Every console form: its errors name the field and the problem, keep what was typed, save
nothing half-way, and are 4xx — and its success does what the admin API would."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from plotboard.access.store import list_rules
from plotboard.ai.settings import read_settings, saved_api_key
from plotboard.auth.api_keys import list_api_keys
from plotboard.auth.attribute_store import list_attributes
from plotboard.console.forms import options_text
from plotboard.console.llm_probe import probe_endpoint
from plotboard.runtime import Runtime
from plotboard.store.models import AuditEntry, DataSource, Origin
from tests.console.conftest import Console
from tests.console.pages import attribute, field_error, text, value_of


def audit_actions(runtime: Runtime, org_id: str) -> list[str]:
    with runtime.store.session() as session:
        stmt = sa.select(AuditEntry.action).where(AuditEntry.org_id == org_id)
        return list(session.scalars(stmt.order_by(AuditEntry.id)))


def no_sources(session: Any, org_id: str) -> bool:
    return session.scalar(sa.select(DataSource.id).where(DataSource.org_id == org_id)) is None


def add_attributes(console: Console, *specs: tuple[str, str]) -> None:
    for name, kind in specs:
        answer = console.post("/admin/attributes", {"name": name, "type": kind})
        assert answer.status_code == 200, text(answer.text)


def connect(console: Console, path: Path, name: str = "Demo", *, open_to_users: bool = True) -> str:
    """Connect a database in the console; then, unless `open_to_users=False`, open it to end
    users with its page's button (a new database is closed to them), as the admin would once
    its rules are in place, so tests that query as a user see it."""
    answer = console.post(
        "/admin/databases",
        {"kind": "sqlite", "name": name, "path": str(path), "action": "connect"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, text(answer.text)
    source_id = answer.headers["location"].split("source=")[1]
    if open_to_users:
        opened = console.post(
            f"/admin/databases/{source_id}/end-users",
            {"end_users": "open"},
            follow_redirects=False,
        )
        assert opened.status_code == 303, text(opened.text)
    return source_id


def condition(column: str, op: str, attribute_name: str, g: int = 0, i: int = 0) -> dict[str, str]:
    return {
        f"c-{g}-{i}-column": column,
        f"c-{g}-{i}-op": op,
        f"c-{g}-{i}-attribute": attribute_name,
    }


# --- API keys ---------------------------------------------------------------------------------


def test_a_key_needs_a_name_and_a_scope(console: Console, runtime: Runtime) -> None:
    answer = console.post("/admin/keys", {"name": "", "scopes": "tokens"})
    assert answer.status_code == 422
    assert field_error(answer.text, "f-name") == "is required"
    answer = console.post("/admin/keys", {"name": "Backend"})
    assert answer.status_code == 422
    assert "choose at least one of: tokens, admin" in text(answer.text)
    assert value_of(answer.text, "f-name") == "Backend"
    with runtime.store.session() as session:
        assert list_api_keys(session, console.org_id) == []


def test_a_new_keys_secret_is_shown_once_with_a_warning(console: Console, runtime: Runtime) -> None:
    answer = console.post("/admin/keys", {"name": "Production backend", "scopes": "tokens"})
    assert answer.status_code == 201
    secret = attribute(answer.text, "data-secret")
    page = text(answer.text)
    assert "shown only this once" in page and "Never put it in a web page" in page
    assert "Copy key" in page
    secret_text = answer.text.split("data-secret>")[1].split("<")[0]
    assert (secret_text.startswith("pb_") and secret == [""]) or secret_text
    with runtime.store.session() as session:
        (key,) = list_api_keys(session, console.org_id)
    assert secret_text.startswith(key.id + "_")
    listing = console.get("/admin/keys").text
    assert key.id in listing and secret_text not in listing
    assert "mint tokens" in text(listing) and "never" in text(listing)


def test_revoking_a_key_says_what_stops(console: Console, runtime: Runtime) -> None:
    console.post("/admin/keys", {"name": "Old backend", "scopes": "tokens"})
    with runtime.store.session() as session:
        (key,) = list_api_keys(session, console.org_id)
    page = console.post(f"/admin/keys/{key.id}/revoke")
    assert page.status_code == 200
    assert f"({key.id}) is revoked" in text(page.text)
    assert "revoked" in text(page.text.split("data-keys")[1])
    assert audit_actions(runtime, console.org_id) == ["api_key.created", "api_key.revoked"]


# --- token attributes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "field", "problem"),
    [
        ({"name": "", "type": "string"}, "f-name", "is required"),
        ({"name": "Region", "type": "string"}, "f-name", "must start with a lower-case letter"),
        ({"name": "region", "type": "text"}, "f-type", "input should be 'string'"),
    ],
)
def test_attribute_form_errors(
    console: Console, form: dict[str, str], field: str, problem: str
) -> None:
    answer = console.post("/admin/attributes", {**form, "description": "kept"})
    assert answer.status_code == 422
    assert field_error(answer.text, field).startswith(problem), field_error(answer.text, field)
    assert ">kept</textarea>" in answer.text


def test_an_attribute_added_from_a_rule_page_leads_back_to_that_rule(
    console: Console, demo_database: Path
) -> None:
    # A rule page with no attribute to compare with links to "Add a token attribute"; once it
    # was added, the admin was left on the attributes page with no way back to the rule.
    source_id = connect(console, demo_database)
    rule = f"/admin/rules/{source_id}/sales"
    page = console.get(rule).text
    link = re.search(r'<a href="(/admin/attributes\?back=[^"]+)">Add a token attribute</a>', page)
    assert link is not None, text(page)
    form = console.get(html.unescape(link.group(1))).text
    back = re.search(r'<input type="hidden" name="back" value="([^"]+)">', form)
    assert back is not None and html.unescape(back.group(1)) == f"/rules/{source_id}/sales"
    answer = console.post(
        "/admin/attributes",
        {"name": "region", "type": "string", "back": html.unescape(back.group(1))},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == rule
    landed = console.get(rule).text
    assert "Added the token attribute “region”" in landed
    assert "Compare a column with it below." in landed
    assert "there are none yet" not in landed  # the rule can use it now
    # Anywhere else is not a place to go back to.
    for elsewhere in ("https://evil.example/", "//evil.example", "/keys", "/rules/x/../../keys"):
        answer = console.post(
            "/admin/attributes",
            {"name": f"a{len(elsewhere)}", "type": "string", "back": elsewhere},
            follow_redirects=False,
        )
        assert answer.headers["location"] == "/admin/attributes", elsewhere


def test_attributes_are_added_edited_and_duplicates_refused(
    console: Console, runtime: Runtime
) -> None:
    add_attributes(console, ("region", "string"))
    again = console.post("/admin/attributes", {"name": "region", "type": "number"})
    assert again.status_code == 422
    assert "already exists" in field_error(again.text, "f-name")
    edited = console.post(
        "/admin/attributes/region", {"type": "string_list", "required": "1", "description": "x"}
    )
    assert edited.status_code == 200
    with runtime.store.session() as session:
        (row,) = list_attributes(session, console.org_id)
    assert (row.type, row.required, row.description) == ("string_list", True, "x")
    bad = console.post("/admin/attributes/region", {"type": "colour"})
    assert bad.status_code == 422
    assert "input should be" in text(bad.text)
    assert console.post("/admin/attributes/nope", {"type": "string"}).status_code == 404


def test_an_attribute_a_rule_uses_cannot_be_deleted(
    console: Console, runtime: Runtime, demo_database: Path
) -> None:
    add_attributes(console, ("region", "string"))
    source_id = connect(console, demo_database)
    saved = console.post(
        f"/admin/rules/{source_id}/sales",
        {**condition("sales_region", "eq", "region"), "action": "save"},
    )
    assert saved.status_code == 200, text(saved.text)
    retyped = console.post("/admin/attributes/region", {"type": "number"})
    assert retyped.status_code == 409
    assert "cannot change while the access rules of sales use it" in text(retyped.text)
    assert 'id="e-region-type"' in retyped.text.split('<details class="confirm" open>')[1]
    refused = console.post("/admin/attributes/region/delete")
    assert refused.status_code == 409
    assert "used by the access rules of sales" in text(refused.text)
    with runtime.store.session() as session:
        assert [a.name for a in list_attributes(session, console.org_id)] == ["region"]
    console.post(f"/admin/rules/{source_id}/sales/delete")
    assert console.post("/admin/attributes/region/delete").status_code == 200
    with runtime.store.session() as session:
        assert list_attributes(session, console.org_id) == []


# --- databases --------------------------------------------------------------------------------


def test_test_connection_says_in_plain_words_what_happened(
    console: Console, demo_database: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.sqlite"
    answer = console.post(
        "/admin/databases",
        {"kind": "sqlite", "name": "X", "path": str(missing), "action": "test"},
    )
    assert answer.status_code == 200
    assert f"There is no file at {missing}." in text(answer.text)
    assert attribute(answer.text, "data-verdict") == ["failed"]
    assert value_of(answer.text, "f-path") == str(missing)
    good = console.post(
        "/admin/databases",
        {"kind": "sqlite", "name": "X", "path": str(demo_database), "action": "test"},
        headers={"X-Console-Fetch": "1"},
    )
    assert good.status_code == 200
    assert "<html" not in good.text  # just the verdict, for the page's script
    assert "Connected to SQLite" in text(good.text)


@pytest.mark.parametrize(
    ("form", "field", "problem"),
    [
        ({"kind": "sqlite", "path": ""}, "f-path", "required for sqlite sources"),
        ({"kind": "postgresql", "host": "db", "user": "u", "database": "d", "port": "x"},
         "f-port", "'x' is not a port number"),
        ({"kind": "postgresql", "user": "u", "database": "d"}, "f-host", "required"),
        ({"kind": "postgresql", "host": "db", "user": "u", "database": "d", "options": "nonsense"},
         "f-options", "is not name=value"),
        ({"kind": "url", "url": "not a url"}, "f-url", "not a database URL"),
        ({"kind": "sqlite", "path": "/x.sqlite", "row_cap": "0"}, "f-row_cap", "greater than"),
    ],
)  # fmt: skip
def test_database_form_errors_name_the_field(
    console: Console, runtime: Runtime, form: dict[str, str], field: str, problem: str
) -> None:
    answer = console.post(
        "/admin/databases", {"name": "Sales", "action": "connect", "password": "pw", **form}
    )
    assert answer.status_code == 422
    assert problem in field_error(answer.text, field), text(answer.text)
    assert value_of(answer.text, "f-name") == "Sales"
    assert 'value="pw"' not in answer.text  # a password is never sent back
    with runtime.store.session() as session:
        assert (
            session.scalar(sa.select(DataSource.id).where(DataSource.org_id == console.org_id))
            is None
        )


def test_a_database_that_does_not_answer_is_not_saved(
    console: Console, runtime: Runtime, tmp_path: Path
) -> None:
    answer = console.post(
        "/admin/databases",
        {
            "kind": "sqlite",
            "name": "Ghost",
            "path": str(tmp_path / "no.sqlite"),
            "action": "connect",
        },
    )
    assert answer.status_code == 422
    assert "Not connected: nothing was saved." in text(answer.text)
    assert attribute(answer.text, "data-verdict") == ["failed"]
    assert "There is no file at" in text(answer.text)
    with runtime.store.session() as session:
        assert (
            session.scalar(sa.select(DataSource.id).where(DataSource.org_id == console.org_id))
            is None
        )
    assert audit_actions(runtime, console.org_id) == []


def test_connect_edit_and_remove_a_database(
    console: Console, runtime: Runtime, demo_database: Path, tmp_path: Path
) -> None:
    source_id = connect(console, demo_database, open_to_users=False)  # its flash is read
    tables = console.get(f"/admin/tables?source={source_id}")
    assert "Connected “Demo”: 3 tables found." in text(tables.text)
    duplicate = console.post(
        "/admin/databases",
        {"kind": "sqlite", "name": "Demo", "path": str(demo_database), "action": "connect"},
    )
    assert duplicate.status_code == 422
    assert "already exists" in field_error(duplicate.text, "f-name")

    edit = console.get(f"/admin/databases/{source_id}")
    assert value_of(edit.text, "f-path") == str(demo_database)
    broken = console.post(
        f"/admin/databases/{source_id}",
        {"kind": "sqlite", "name": "Renamed", "path": str(tmp_path / "gone.sqlite")},
    )
    assert broken.status_code == 422
    assert "Not saved: nothing changed." in text(broken.text)
    assert "There is no file at" in text(broken.text)
    renamed = console.post(
        f"/admin/databases/{source_id}",
        {"kind": "sqlite", "name": "Renamed", "path": str(demo_database), "row_cap": "500"},
    )
    assert renamed.status_code == 200 and "Saved “Renamed”." in text(renamed.text)
    with runtime.store.session() as session:
        row = session.get(DataSource, source_id)
        assert row is not None and row.name == "Renamed" and row.settings["row_cap"] == 500
    # Its own pool sizing (empty: the server's, shown as the placeholder).
    edit = console.get(f"/admin/databases/{source_id}")
    assert value_of(edit.text, "f-pool_size") == ""
    sized = console.post(
        f"/admin/databases/{source_id}",
        {"kind": "sqlite", "name": "Renamed", "path": str(demo_database), "pool_size": "3",
         "max_overflow": "1"},
    )  # fmt: skip
    assert sized.status_code == 200, text(sized.text)
    assert value_of(console.get(f"/admin/databases/{source_id}").text, "f-pool_size") == "3"
    with runtime.store.session() as session:
        row = session.get(DataSource, source_id)
        assert row is not None
        assert (row.settings["pool_size"], row.settings["max_overflow"]) == (3, 1)
    refused = console.post(
        f"/admin/databases/{source_id}",
        {"kind": "sqlite", "name": "Renamed", "path": str(demo_database), "pool_size": "0"},
    )
    assert refused.status_code == 422
    assert field_error(refused.text, "f-pool_size")
    removed = console.post(f"/admin/databases/{source_id}/delete")
    assert "Removed “Renamed”" in text(removed.text)
    assert audit_actions(runtime, console.org_id) == [
        "source.created",
        "source.updated",
        "source.updated",
        "source.deleted",
    ]


def test_a_blank_password_keeps_the_saved_one(console: Console, runtime: Runtime) -> None:
    # Saved directly: no PostgreSQL needed to see what the edit form sends.
    from plotboard.sources import store as sources
    from plotboard.sources.dialects import SourceConnection

    with runtime.store.session() as session:
        row = sources.create_source(
            session,
            console.org_id,
            sources.SourceIn(
                name="Warehouse",
                connection=SourceConnection(
                    kind="postgresql", host="db", user="u", password="s3cret", database="w"
                ),
            ),
            runtime.secret_key,
        )
        source_id = row.id
    page = console.get(f"/admin/databases/{source_id}")
    assert "Leave blank to keep the saved password." in text(page.text)
    assert "s3cret" not in page.text
    answer = console.post(
        f"/admin/databases/{source_id}",
        {"kind": "postgresql", "name": "Warehouse 2", "host": "db", "user": "u", "database": "w"},
    )
    assert answer.status_code == 200, text(answer.text)
    with runtime.store.session() as session:
        saved = session.get(DataSource, source_id)
        assert saved is not None and saved.name == "Warehouse 2"
        assert sources.connection_of(saved, runtime.secret_key).password_value() == "s3cret"


# --- tables and columns ----------------------------------------------------------------------


def test_columns_and_tables_are_edited_in_place(
    console: Console, runtime: Runtime, demo_database: Path
) -> None:
    source_id = connect(console, demo_database)
    saved = console.post(
        f"/admin/tables/{source_id}/sales/columns/amount",
        {"display_name": "Amount", "description": "In euros", "semantic_type": "currency"},
        headers={"X-Console-Fetch": "1"},
    )
    assert saved.status_code == 200 and "Saved sales.amount." in text(saved.text)
    bad = console.post(
        f"/admin/tables/{source_id}/sales/columns/amount",
        {"semantic_type": "money"},
        headers={"X-Console-Fetch": "1"},
    )
    assert bad.status_code == 422
    assert "'money' is not a semantic type" in text(bad.text)
    too_long = console.post(
        f"/admin/tables/{source_id}/sales", {"display_name": "x" * 300, "description": "kept"}
    )
    assert too_long.status_code == 422
    assert "at most 200 characters" in text(too_long.text)
    assert 'value="kept"' in too_long.text
    hidden = console.post(f"/admin/tables/{source_id}/offices", {"hidden": "1"})
    assert hidden.status_code == 200
    context = runtime.source_context(console.org_id, source_id)
    amount = context.catalog.table("sales").column("amount")  # type: ignore[union-attr]
    assert amount is not None and amount.semantic_type == "currency"
    assert context.catalog.table("offices").hidden  # type: ignore[union-attr]
    assert console.post(f"/admin/tables/{source_id}/nope", {}).status_code == 404


# --- access rules -----------------------------------------------------------------------------


@pytest.fixture
def ruled(console: Console, demo_database: Path) -> str:
    add_attributes(console, ("region", "string"), ("location", "string_list"), ("tier", "number"))
    return connect(console, demo_database)


def demo_count(path: Path, sql: str) -> int:
    with sqlite3.connect(path) as db:
        value: int = db.execute(sql).fetchone()[0]
    return value


def test_the_preview_counts_what_a_user_would_see(
    console: Console, ruled: str, demo_database: Path
) -> None:
    answer = console.post(
        f"/admin/rules/{ruled}/sales",
        {**condition("sales_region", "eq", "region"), "attr-region": "North", "action": "preview"},
    )
    assert answer.status_code == 200, text(answer.text)
    north = demo_count(demo_database, "SELECT count(*) FROM sales WHERE sales_region = 'North'")
    total = demo_count(demo_database, "SELECT count(*) FROM sales")
    assert attribute(answer.text, "data-visible") == [str(north)]
    assert attribute(answer.text, "data-total") == [str(total)]
    assert f"would see {north:,} of {total:,} rows" in text(answer.text)
    # Nothing was saved by a preview.
    assert "This table has no rule yet" in text(answer.text)


def test_the_preview_fails_closed_without_the_attribute_and_takes_lists(
    console: Console, ruled: str, demo_database: Path
) -> None:
    nobody = console.post(
        f"/admin/rules/{ruled}/employees",
        {**condition("location", "in", "location"), "action": "preview"},
    )
    assert attribute(nobody.text, "data-visible") == ["0"]
    some = console.post(
        f"/admin/rules/{ruled}/employees",
        {
            **condition("location", "in", "location"),
            "attr-location": "Paris, London",
            "action": "preview",
        },
    )
    expected = demo_count(
        demo_database, "SELECT count(*) FROM employees WHERE location IN ('Paris', 'London')"
    )
    assert attribute(some.text, "data-visible") == [str(expected)]


def placeholder(page: str, input_id: str) -> str:
    found = re.search(rf'<input id="{re.escape(input_id)}"[^>]*>', page)
    assert found, input_id
    value = re.search(r'placeholder="([^"]*)"', found.group(0))
    return html.unescape(value.group(1)) if value else ""


def test_the_preview_examples_come_from_the_column_the_rule_compares(
    console: Console, ruled: str, demo_database: Path
) -> None:
    # Every text attribute's example said "North" (user.team included), every list's
    # "Paris, London": examples of a region for attributes that are no region.
    add_attributes(console, ("team", "string"))
    page = console.post(
        f"/admin/rules/{ruled}/sales",
        {**condition("sales_region", "eq", "region"), "action": "add-and"},
    ).text
    with sqlite3.connect(demo_database) as db:
        regions = {r for (r,) in db.execute("SELECT DISTINCT sales_region FROM sales")}
    example = placeholder(page, "p-attr-region")
    assert example.startswith("e.g. ") and example.removeprefix("e.g. ") in regions, example
    for name in ("team", "location", "tier"):
        assert placeholder(page, f"p-attr-{name}") == "", name
        assert "Not used by these conditions." in page.split(f'id="p-attr-{name}"')[1][:400]
    cities = console.post(
        f"/admin/rules/{ruled}/employees",
        {**condition("location", "in", "location"), "action": "add-and"},
    ).text
    with sqlite3.connect(demo_database) as db:
        locations = {r for (r,) in db.execute("SELECT DISTINCT location FROM employees")}
    shown = placeholder(cities, "p-attr-location").removeprefix("e.g. ").split(", ")
    assert len(shown) == 2 and set(shown) <= locations, shown
    assert placeholder(cities, "p-attr-region") == ""


def test_the_sandbox_and_the_snippet_suggest_values_of_the_columns_the_rules_compare(
    console: Console, ruled: str, demo_database: Path
) -> None:
    # The sandbox's list inputs all read "Paris, London" (grey, so a blank input looked filled)
    # and the snippet's mint call sent region "North" and location ["Paris", "London"] whatever
    # the organization's data. Now both take values of the column a saved rule compares.
    add_attributes(console, ("team", "string"))
    saved = console.post(
        f"/admin/rules/{ruled}/employees",
        {
            **condition("department", "eq", "team"),
            **condition("location", "in", "location", g=1),
            "action": "save",
        },
    )
    assert saved.status_code == 200, text(saved.text)
    with sqlite3.connect(demo_database) as db:
        departments = {r for (r,) in db.execute("SELECT DISTINCT department FROM employees")}
        locations = {r for (r,) in db.execute("SELECT DISTINCT location FROM employees")}
    sandbox = console.get("/admin/sandbox").text
    team = placeholder(sandbox, "s-attr-team")
    assert team.startswith("e.g. ") and team.removeprefix("e.g. ") in departments, team
    cities = placeholder(sandbox, "s-attr-location")
    assert cities.startswith("e.g. "), cities
    assert set(cities.removeprefix("e.g. ").split(", ")) <= locations, cities
    for name in ("region", "tier"):  # no rule compares them: no example to mistake for a value
        assert placeholder(sandbox, f"s-attr-{name}") == "", name
    embed = html.unescape(console.get("/admin/embed").text)
    body = json.loads(re.search(r"-d '(\{.*?\})'", embed).group(1))  # type: ignore[union-attr]
    attributes = body["attributes"]
    assert attributes["team"] in departments, attributes
    assert len(attributes["location"]) == 2 and set(attributes["location"]) <= locations
    assert attributes["region"] == "example" and attributes["tier"] == 1, attributes


def test_a_preview_with_no_rows_says_why(console: Console, ruled: str) -> None:
    # A blank input (its grey example looks like a value) or a value in other capitals showed
    # "0 of 50,000 rows" and nothing more.
    blank = console.post(
        f"/admin/rules/{ruled}/sales",
        {**condition("sales_region", "eq", "region"), "action": "preview"},
    ).text
    assert attribute(blank, "data-visible") == ["0"]
    assert "No rows, because user.region is blank" in text(blank)
    lower = console.post(
        f"/admin/rules/{ruled}/sales",
        {**condition("sales_region", "eq", "region"), "attr-region": "north", "action": "preview"},
    ).text
    assert attribute(lower, "data-visible") == ["0"]
    note = text(lower).split("No row matches.")[1]
    assert "sales_region holds values such as" in note and "North" in note, note
    assert "capitals included" in note
    some = console.post(
        f"/admin/rules/{ruled}/sales",
        {**condition("sales_region", "eq", "region"), "attr-region": "North", "action": "preview"},
    ).text
    assert "data-preview-note" not in some


def test_or_groups_are_added_and_kept_then_saved(
    console: Console, runtime: Runtime, ruled: str
) -> None:
    form = {**condition("sales_region", "eq", "region"), "action": "add-or-0"}
    grown = console.post(f"/admin/rules/{ruled}/sales", form)
    assert grown.status_code == 200
    assert 'id="c-0-1-column"' in grown.text
    assert 'value="sales_region" selected' in grown.text
    form = {
        **condition("sales_region", "eq", "region"),
        **condition("", "is_set", "tier", 0, 1),
        "action": "save",
    }
    saved = console.post(f"/admin/rules/{ruled}/sales", form)
    assert saved.status_code == 200, text(saved.text)
    assert "(sales_region = user.region OR user.tier is set)" in text(saved.text)
    with runtime.store.session() as session:
        (rule,) = list_rules(session, ruled)
    assert rule.conditions == [
        {
            "any": [
                {"column": "sales_region", "op": "eq", "attribute": "region"},
                {"op": "is_set", "attribute": "tier"},
            ]
        }
    ]
    assert "rule.saved" in audit_actions(runtime, console.org_id)


@pytest.mark.parametrize(
    ("form", "field", "problem"),
    [
        (condition("sales_region", "eq", "location"), "c-0-0-op", "is a list; use 'in'"),
        (condition("amount", "eq", "region"), "c-0-0-attribute", "cannot be compared with column"),
        (condition("", "eq", "region"), "c-0-0-column", "needs a column"),
        ({**condition("sales_region", "eq", "region"), **condition("product", "eq", "nope", 1)},
         "c-1-0-attribute", "'nope' is not a token attribute"),
    ],
)  # fmt: skip
def test_rule_errors_point_at_the_condition(
    console: Console, runtime: Runtime, ruled: str, form: dict[str, str], field: str, problem: str
) -> None:
    answer = console.post(f"/admin/rules/{ruled}/sales", {**form, "action": "save"})
    assert answer.status_code == 422
    found = answer.text.split(f'id="{field}"')[1].split("</div>")[0]
    assert problem in text(found), text(answer.text)
    with runtime.store.session() as session:
        assert list_rules(session, ruled) == []


def test_an_empty_rule_is_not_saved(console: Console, ruled: str) -> None:
    answer = console.post(
        f"/admin/rules/{ruled}/sales", {**condition("", "eq", ""), "action": "save"}
    )
    assert answer.status_code == 422
    assert "Add at least one condition" in text(answer.text)


def test_a_preview_value_of_the_wrong_type_is_named(console: Console, ruled: str) -> None:
    answer = console.post(
        f"/admin/rules/{ruled}/sales",
        {**condition("sales_region", "eq", "region"), "attr-tier": "many", "action": "preview"},
    )
    assert answer.status_code == 422
    assert field_error(answer.text, "p-attr-tier") == "'many' is not a number, e.g. 42 or 3.5"


def test_the_rules_page_lists_each_tables_rule(console: Console, ruled: str) -> None:
    console.post(
        f"/admin/rules/{ruled}/sales",
        {**condition("sales_region", "eq", "region"), "action": "save"},
    )
    page = text(console.get(f"/admin/rules?source={ruled}").text)
    assert "sales_region = user.region" in page
    assert "employees no rule every user sees every row" in page


# --- origins ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "problem"),
    [
        ("", "is empty"),
        ("app.example.com", "must start with http:// or https://"),
        ("https://app.example.com/dashboard", "must be an origin only"),
        ("https://*.example.com", "wildcards are not supported"),
    ],
)
def test_origin_errors(console: Console, runtime: Runtime, origin: str, problem: str) -> None:
    answer = console.post("/admin/origins", {"origin": origin})
    assert answer.status_code == 422
    assert problem in field_error(answer.text, "f-origin")
    assert value_of(answer.text, "f-origin") == origin
    with runtime.store.session() as session:
        assert session.scalar(sa.select(Origin.id).where(Origin.org_id == console.org_id)) is None


def test_origins_are_added_normalized_and_removed(console: Console, runtime: Runtime) -> None:
    added = console.post("/admin/origins", {"origin": "HTTPS://App.Example.com:443/"})
    assert "Authorized https://app.example.com" in text(added.text)
    twice = console.post("/admin/origins", {"origin": "https://app.example.com"})
    assert "already authorized" in field_error(twice.text, "f-origin")
    with runtime.store.session() as session:
        origin_id = session.scalar(sa.select(Origin.id).where(Origin.org_id == console.org_id))
    removed = console.post(f"/admin/origins/{origin_id}/delete")
    assert "Removed https://app.example.com" in text(removed.text)
    assert runtime.origins.is_authorized(console.org_id, "https://app.example.com") is False


# --- AI settings ------------------------------------------------------------------------------


def test_ai_settings_are_checked_saved_and_the_key_never_shown(
    console: Console, runtime: Runtime
) -> None:
    missing = console.post("/admin/ai", {"engine": "openai", "model": "m", "action": "save"})
    assert missing.status_code == 422
    assert "required for an OpenAI-compatible endpoint" in field_error(missing.text, "f-base_url")
    assert value_of(missing.text, "f-model") == "m"
    bad = console.post("/admin/ai", {"engine": "openai", "base_url": "ftp://x", "model": "m"})
    assert "must be an http:// or https:// URL" in field_error(bad.text, "f-base_url")
    no_model = console.post("/admin/ai", {"engine": "openai", "base_url": "http://llm.test/v1"})
    assert field_error(no_model.text, "f-model").startswith("required")
    form = {
        "engine": "openai",
        "base_url": "http://llm.test/v1",
        "model": "small-model",
        "api_key": "sk-very-secret",
        "context_clues": "We sell bikes.",
        "action": "save",
    }
    saved = console.post("/admin/ai", form)
    assert saved.status_code == 200
    assert "questions are now answered by small-model" in text(saved.text)
    assert "sk-very-secret" not in saved.text
    assert "A key is saved; leave blank to keep it." in text(saved.text)
    again = console.post("/admin/ai", {**form, "api_key": "", "context_clues": "Bikes."})
    assert again.status_code == 200
    with runtime.store.session() as session:
        view = read_settings(session, console.org_id)
        key = saved_api_key(session, console.org_id, runtime.secret_key)
    assert view is not None and view.context_clues == "Bikes." and key == "sk-very-secret"
    assert audit_actions(runtime, console.org_id) == ["ai_settings.saved", "ai_settings.saved"]
    page = console.get("/admin")
    assert "engine: small-model" in text(page.text)
    builtin = console.post("/admin/ai", {"engine": "builtin", "action": "test"})
    assert "runs inside plotboard, offline" in text(builtin.text)


def test_the_ai_test_button_reports_the_endpoint_in_plain_words() -> None:
    def answer(status: int, body: Any) -> httpx.MockTransport:
        return httpx.MockTransport(lambda request: httpx.Response(status, json=body))

    ok = {"choices": [{"message": {"content": '{"ok": true}'}}]}
    cases = [
        (answer(200, ok), True, "The model m at llm.test answered"),
        (answer(401, {"error": {"message": "bad key"}}), False, "refused the API key (HTTP 401)"),
        (answer(404, {}), False, "has no chat-completions endpoint"),
        (answer(500, {"error": {"message": "overloaded"}}), False, "(HTTP 500): overloaded"),
        (answer(200, {"hello": 1}), False, "not like an OpenAI-compatible"),
    ]
    for transport, ok_expected, words in cases:
        verdict = probe_endpoint("https://llm.test/v1", "m", "k", transport=transport)
        assert verdict.ok is ok_expected and words in verdict.message, verdict.message
        assert "k" not in verdict.message.split()

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route", request=request)

    verdict = probe_endpoint(
        "https://llm.test/v1", "m", None, transport=httpx.MockTransport(unreachable)
    )
    assert not verdict.ok and "Could not reach llm.test" in verdict.message


# --- token sandbox ----------------------------------------------------------------------------


@pytest.fixture
def minting(console: Console, runtime: Runtime) -> str:
    add_attributes(console, ("region", "string"), ("tier", "number"), ("offices", "string_list"))
    console.post("/admin/attributes/tier", {"type": "number", "required": "1"})
    console.post("/admin/keys", {"name": "Backend", "scopes": "tokens"})
    with runtime.store.session() as session:
        (key,) = list_api_keys(session, console.org_id)
    return key.id


def test_the_sandbox_names_keys_briefly_and_its_examples_read_as_examples(
    console: Console, runtime: Runtime, minting: str
) -> None:
    # The key select read "Demo host backend (pb_596ge2iw5e…" cut mid-id in its field, and the
    # context clues' grey "Alice is a sales lead in Europe; ..." looked like a filled-in value.
    page = console.get("/admin/sandbox").text
    option = re.search(
        r'<option value="([^"]+)"[^>]*>([^<]*)</option>', page.split('id="s-key_id"')[1]
    )
    assert option is not None and option.group(1) == minting
    assert option.group(2) == "Backend", option.group(2)
    console.post("/admin/keys", {"name": "Backend", "scopes": "tokens"})
    twice = console.get("/admin/sandbox").text.split('id="s-key_id"')[1].split("</select>")[0]
    assert f"Backend ({minting})" in html.unescape(twice)  # two keys of one name: the ids tell
    clues = re.search(r'<textarea[^>]*id="s-ai_context_clues"[^>]*>', page)
    assert clues is not None and 'placeholder="e.g. ' in clues.group(0), clues


def test_the_sandbox_hints_read_as_sentences(console: Console, runtime: Runtime) -> None:
    # An attribute described without a full stop ran into the list hint: "List of texts.
    # Countries the user covers Separate values with commas."
    console.post("/admin/attributes", {"name": "countries", "type": "string_list",
                                       "description": "Countries the user covers"})  # fmt: skip
    console.post("/admin/attributes", {"name": "region", "type": "string",
                                       "description": "The user's sales region."})  # fmt: skip
    console.post("/admin/attributes", {"name": "tier", "type": "number"})
    page = console.get("/admin/sandbox").text

    def hint(input_id: str) -> str:
        found = re.search(rf'<p class="hint" id="{input_id}-hint">([^<]*)</p>', page)
        assert found is not None, input_id
        return html.unescape(found.group(1))

    assert hint("s-attr-countries") == (
        "List of texts. Countries the user covers. Separate values with commas."
    )
    assert hint("s-attr-region") == "Text. The user's sales region."
    assert hint("s-attr-tier") == "Number."


def test_the_sandbox_mints_a_token_with_typed_attributes(
    console: Console, runtime: Runtime, minting: str
) -> None:
    answer = console.post(
        "/admin/sandbox",
        {
            "key_id": minting,
            "user_id": "alice",
            "attr-region": "North",
            "attr-tier": "2",
            "attr-offices": "Paris, London",
            "ai_context_clues": '{"tone": "short"}',
            "dashboards": "view",
            "expires_in": "900",
        },
    )
    assert answer.status_code == 201, text(answer.text)
    token = answer.text.split("data-minted-token>")[1].split("<")[0]
    claims = runtime.tokens.verify(token)
    assert claims.user_id == "alice"
    assert claims.attributes == {"region": "North", "tier": 2, "offices": ["Paris", "London"]}
    assert claims.ai_context_clues == {"tone": "short"}
    assert claims.permissions.dashboards == "view" and claims.permissions.ai is False
    assert "plotboard-editor" in answer.text or "data-bundle-missing" in answer.text
    with runtime.store.session() as session:
        (key,) = list_api_keys(session, console.org_id)
    assert key.tokens_minted == 1
    assert "token.minted_in_sandbox" in audit_actions(runtime, console.org_id)
    introspected = console.post("/admin/sandbox/introspect", {"token": token})
    assert attribute(introspected.text, "data-introspection") == ["valid"]
    assert "For user “alice”" in text(introspected.text)


@pytest.mark.parametrize(
    ("form", "field", "problem"),
    [
        ({"attr-tier": "two"}, "s-attr-tier", "'two' is not a number"),
        ({"attr-tier": ""}, "s-attr-tier", "is required"),
        ({"user_id": ""}, "s-user_id", "is required"),
        ({"user_id": " alice"}, "s-user_id", "surrounding spaces"),
        ({"key_id": "pb_nope"}, "s-key_id", "choose one of your API keys"),
        ({"api_key": "pb_abc_def"}, "s-api_key", "not valid"),
    ],
)
def test_sandbox_errors_name_the_field(
    console: Console, runtime: Runtime, minting: str, form: dict[str, str], field: str, problem: str
) -> None:
    body = {"key_id": minting, "user_id": "alice", "attr-tier": "1", "attr-region": "kept", **form}
    answer = console.post("/admin/sandbox", body)
    assert answer.status_code == 422
    shown = field_error(answer.text, field) or text(answer.text)
    assert problem in shown, shown
    assert value_of(answer.text, "s-attr-region") == "kept"
    with runtime.store.session() as session:
        (key,) = list_api_keys(session, console.org_id)
    assert key.tokens_minted == 0


def test_a_revoked_key_cannot_mint_in_the_sandbox(console: Console, minting: str) -> None:
    console.post(f"/admin/keys/{minting}/revoke")
    answer = console.post("/admin/sandbox", {"key_id": minting, "user_id": "a", "attr-tier": "1"})
    assert answer.status_code == 422
    assert "the key " + minting + " is revoked; choose a live one" in text(answer.text)


def test_introspecting_garbage_says_why(console: Console) -> None:
    answer = console.post("/admin/sandbox/introspect", {"token": "eyJnot.a.token"})
    assert attribute(answer.text, "data-introspection") == ["invalid"]
    assert "not valid" in text(answer.text)
    empty = console.post("/admin/sandbox/introspect", {"token": ""})
    assert empty.status_code == 422
    assert "paste an embed token" in field_error(empty.text, "i-token")


# --- embed snippet and audit log --------------------------------------------------------------


def test_the_embed_snippet_uses_this_servers_url_and_the_attribute_model(
    console: Console,
) -> None:
    add_attributes(console, ("region", "string"), ("team_ids", "number_list"))
    page = console.get("/admin/embed").text
    assert '<script type="module" src="http://plotboard.test/embed/plotboard.js">' in text(page)
    assert 'curl -X POST "http://plotboard.test/api/v1/embed/tokens"' in text(page)
    # No rule compares region with a column yet: a value of its type, not a made-up "North".
    assert '"attributes": {"region": "example", "team_ids": [1, 2]}' in text(page)
    assert "import httpx" in text(page)
    assert "create an API key" in text(page) and "authorize your app's origin" in text(page)


def test_the_audit_log_shows_who_did_what_and_tokens_per_key(
    console: Console, runtime: Runtime, minting: str
) -> None:
    console.post("/admin/sandbox", {"key_id": minting, "user_id": "a", "attr-tier": "1"})
    console.post("/admin/origins", {"origin": "https://app.example.com"})
    page = text(console.get("/admin/audit").text)
    assert f"{console.email} authorized an origin https://app.example.com" in page
    assert f"{console.email} created the API key Backend" in page
    assert f"{console.email} minted a test token with {minting}" in page
    assert f"Backend {minting} 1" in page


def test_the_overview_checks_off_each_step(
    console: Console, minting: str, demo_database: Path
) -> None:
    page = console.get("/admin").text
    assert dict(zip(attribute(page, "data-step"), attribute(page, "data-done"), strict=True)) == {
        "key": "yes",
        "attribute": "yes",
        "database": "no",
        "rule": "no",
        "origin": "no",
        "ai": "yes",
        "token": "no",
    }
    assert "3 of 7 steps done" in text(page)


def test_the_overview_names_the_authorized_origins_when_few(console: Console) -> None:
    # "✓ 1 origin" said nothing of which: on the demo it is the server's own, and a newcomer
    # embedding from their app's origin was still refused (found by a new-user walk).
    assert console.post("/admin/origins", {"origin": "https://shop.example.org"}).status_code < 400
    step = text(console.get("/admin").text).split("Authorize your app's origin")[1][:200]
    assert "https://shop.example.org" in step, step
    for origin in ("https://b.example.com", "https://c.example.com"):
        assert console.post("/admin/origins", {"origin": origin}).status_code < 400
    step = text(console.get("/admin").text).split("Authorize your app's origin")[1][:200]
    assert "3 origins" in step and "https://shop.example.org" not in step, step


@pytest.mark.clickhouse
def test_a_clickhouse_database_is_tested_and_connected_from_the_console(
    console: Console, clickhouse_database: str
) -> None:
    from tests.services import chdb_client, chdb_options

    client = chdb_client()
    client.command(
        f"CREATE TABLE IF NOT EXISTS {clickhouse_database}.events (id UInt64, kind String) "
        "ENGINE = MergeTree ORDER BY id"
    )
    client.close()
    page = console.get("/admin/databases?kind=clickhouse")
    assert page.status_code == 200
    assert ">ClickHouse<" in page.text and value_of(page.text, "f-port") in ("", "8123")
    form = {
        "kind": "clickhouse",
        "name": "Events",
        "host": "localhost",
        "user": "default",
        "database": clickhouse_database,
        "options": options_text(chdb_options()),
    }
    tested = console.post("/admin/databases", {**form, "action": "test"})
    assert tested.status_code == 200, text(tested.text)
    assert "Connected to ClickHouse" in text(tested.text)
    answer = console.post("/admin/databases", {**form, "action": "connect"}, follow_redirects=False)
    assert answer.status_code == 303, text(answer.text)
    source_id = answer.headers["location"].split("source=")[1]
    tables = console.get(f"/admin/tables?source={source_id}")
    assert "Connected “Events”:" in text(tables.text) and "events" in text(tables.text)

    refused = console.post("/admin/databases", {**form, "options": "readonly=0"})
    assert refused.status_code == 422
    assert "readonly" in text(refused.text)


def test_a_new_condition_asks_for_a_column(console: Console, ruled: str) -> None:
    # A new rule's first condition showed "(any — only with “when set”)" in its column: a
    # newcomer's first sight of the form was an option for managers' rules, not a choice.
    page = console.get(f"/admin/rules/{ruled}/sales").text
    first = page.split('id="c-0-0-column"')[1].split("</option>")[0]
    assert text(first).endswith("Choose…"), first
    # With "any row, when set" no column is needed, and the empty choice says so.
    answer = console.post(
        f"/admin/rules/{ruled}/sales", {**condition("", "is_set", "region"), "action": "preview"}
    )
    first = answer.text.split('id="c-0-0-column"')[1].split("</option>")[0]
    assert "any row" in text(first), first


def test_the_rule_form_names_columns_as_the_catalog_does(console: Console, ruled: str) -> None:
    # The column select listed raw names ("sales_region (string)") while the tables page, the
    # editor and the AI all say the catalog's label: an admin who had named a column could not
    # find it here. The label comes first, the database's name after it.
    saved = console.post(
        f"/admin/tables/{ruled}/sales/columns/sales_region",
        {"display_name": "Sales territory"},
        headers={"X-Console-Fetch": "1"},
    )
    assert saved.status_code == 200, text(saved.text)
    page = console.get(f"/admin/rules/{ruled}/sales").text
    select = page.split('id="c-0-0-column"')[1].split("</select>")[0]
    options = {
        value: text(words)
        for value, words in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select)
    }
    assert options["sales_region"] == "Sales territory — sales_region (string)", options
    # A column without a display name reads as its name in words.
    assert options["unit_price"].startswith("Unit price — unit_price ("), options


def test_the_rules_pages_name_tables_as_the_catalog_does(console: Console, ruled: str) -> None:
    # The access-rules list and the rule page's heading said the raw table name ("stores")
    # while the tables page and the editor say the catalog's label: the label comes first,
    # the database's name after it.
    saved = console.post(
        f"/admin/tables/{ruled}/sales",
        {"display_name": "Shop sales", "description": "", "hidden": ""},
        headers={"X-Console-Fetch": "1"},
    )
    assert saved.status_code == 200, text(saved.text)
    listing = console.get(f"/admin/rules?source={ruled}").text
    row = listing.split('data-table="sales"')[1].split("</tr>")[0]
    assert re.findall(r"data-table-label>(.*?)<", row) == ["Shop sales"], row
    assert "<code" in row and ">sales</code>" in row, row  # the raw name, secondary
    # A table without a display name reads as its name in words.
    other = listing.split('data-table="employees"')[1].split("</tr>")[0]
    assert re.findall(r"data-table-label>(.*?)<", other) == ["Employees"], other
    page = console.get(f"/admin/rules/{ruled}/sales").text
    heading = text(page.split("<h1>")[1].split("</h1>")[0])
    assert heading == "Who sees which rows of Shop sales sales", heading
    assert "<title>Rule for Shop sales" in page, page.split("<title>")[1][:80]


def test_the_embed_snippet_names_every_event_the_docs_list(console: Console) -> None:
    # The snippet page left out plotboard:view-changed, the event a host page needs to bring
    # a user back to their dashboard after a reload.
    docs = (Path(__file__).resolve().parents[2] / "docs" / "embedding.md").read_text()
    events = set(re.findall(r"^\| `(plotboard:[a-z-]+)`", docs, flags=re.MULTILINE))
    assert "plotboard:view-changed" in events
    page = text(console.get("/admin/embed").text)
    assert {e for e in events if e not in page} == set()


# --- a database's end users -----------------------------------------------------------------


def test_a_connected_database_is_closed_until_opened_and_the_sandbox_sees_what_users_see(
    console: Console, runtime: Runtime, demo_database: Path, minting: str
) -> None:
    source_id = connect(console, demo_database, open_to_users=False)
    tables = text(console.get(f"/admin/tables?source={source_id}").text)
    assert "It is closed to your users until you open it." in tables
    assert "add access rules, then open it to users" in tables
    # The overview's checklist says so beside the ticked step, and what comes after the rules.
    overview = text(console.get("/admin").text)
    assert "1 database, 1 closed to users" in overview, overview
    assert "Then open the database to your users on its page." in overview
    listed = console.get("/admin/databases").text
    assert attribute(listed, "data-end-users") == ["closed"]
    edit = console.get(f"/admin/databases/{source_id}").text
    assert "Closed to users" in text(edit)
    # No rule yet: the one button says what opening means.
    assert "every user sees every row" in text(edit)
    assert "Open to users: every user sees every row" in text(edit)

    # A sandbox token sees what a real user would: nothing of it.
    minted = console.post(
        "/admin/sandbox", {"key_id": minting, "user_id": "alice", "attr-region": "North",
                           "attr-tier": "1"},
    )  # fmt: skip
    assert minted.status_code == 201, text(minted.text)
    token = minted.text.split("data-minted-token>")[1].split("<")[0]
    bearer = {"Authorization": f"Bearer {token}"}
    assert console.client.get("/api/v1/embed/catalog", headers=bearer).json() == {"sources": []}
    assert attribute(minted.text, "data-closed-sources") == ["1"]
    assert "Closed to users, so not seen here either: Demo" in text(minted.text)

    # The access-rules pages, the step before opening, say it is still closed and link there.
    link = f'href="/admin/databases/{source_id}#end-users"'
    listing = console.get(f"/admin/rules?source={source_id}").text
    assert "data-source-closed" in listing and link in listing
    assert "“Demo” is closed to your users" in text(listing)

    # Under a rule the page names the tables still without one.
    saved = console.post(
        f"/admin/rules/{source_id}/sales", condition("sales_region", "eq", "region")
    )
    assert "Saved the access rule" in text(saved.text) and link in saved.text
    edit = text(console.get(f"/admin/databases/{source_id}").text)
    assert "1 of 3 visible tables have access rules" in edit, edit
    assert "Open to users: every user sees every row" not in edit

    opened = console.post(f"/admin/databases/{source_id}/end-users", {"end_users": "open"})
    assert opened.status_code == 200
    assert "“Demo” is open to your users" in text(opened.text)
    assert "Open to users" in text(opened.text) and "employees, offices" in text(opened.text)
    assert attribute(console.get("/admin/databases").text, "data-end-users") == ["open"]
    assert "data-source-closed" not in console.get(f"/admin/rules/{source_id}/sales").text
    assert "closed to users" not in text(console.get("/admin").text)
    [seen] = console.client.get("/api/v1/embed/catalog", headers=bearer).json()["sources"]
    assert seen["id"] == source_id
    rows = console.client.post(
        "/api/v1/embed/query", headers=bearer,
        json={"query": {"table": "sales", "measures": [{"agg": "count"}],
                        "dimensions": [{"column": "sales_region"}]}},
    ).json()["rows"]  # fmt: skip
    assert [r[0] for r in rows] == ["North"]
    assert audit_actions(runtime, console.org_id)[-1] == "source.opened"

    closed = console.post(f"/admin/databases/{source_id}/end-users", {"end_users": "closed"})
    assert "“Demo” is closed to your users" in text(closed.text)
    assert console.client.get("/api/v1/embed/catalog", headers=bearer).json() == {"sources": []}
    wrong = console.post(f"/admin/databases/{source_id}/end-users", {"end_users": "everyone"})
    assert wrong.status_code == 422


def test_the_sandbox_explains_the_star_only_when_a_field_has_one(console: Console) -> None:
    # The sandbox said "* required." under attribute fields none of which had a star.
    add_attributes(console, ("cities", "string_list"))
    plain = html.unescape(console.get("/admin/sandbox").text)
    assert "cities *" not in plain
    assert "* required" not in plain
    assert "A blank value is left out of the token" in plain
    console.post("/admin/attributes/cities", {"type": "string_list", "required": "1"})
    starred = html.unescape(console.get("/admin/sandbox").text)
    assert "cities *" in starred
    assert "* required." in starred
