"""What end users read of the catalog never comes from rows a rule hides from them.

Analyze writes descriptions with value lists, row counts and ranges computed over every row;
an admin may quote values by hand. On a table with an access rule none of that may reach an
end user (the embed catalog, the AI's prompt), whichever came first, Analyze or the rule.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from plotboard.ai.prompt import system_prompt
from plotboard.analyze.catalog_text import format_number
from plotboard.analyze.disclosure import TableValues
from plotboard.auth.api_keys import create_api_key
from plotboard.sources.dialects import SourceConnection
from tests.analyze.conftest import Admin
from tests.analyze.test_jobs_api import column_of, tables_of, wait_for

RULES = {
    "employees": [{"column": "location", "op": "in", "attribute": "location"}],
    "offices": [{"column": "city", "op": "in", "attribute": "location"}],
}
RULED = ("employees", "offices")


@pytest.fixture
def demo(admin: Admin, demo_db: Path) -> str:
    admin.call("POST", "/token-attributes", 201, json={"name": "location", "type": "string_list"})
    return admin.add_source(SourceConnection(kind="sqlite", path=str(demo_db)))


def analyze(admin: Admin, source_id: str, **body: Any) -> dict[str, Any]:
    started = admin.call("POST", f"/sources/{source_id}/analyze", 202, json=body).json()
    job, _ = wait_for(admin, started["id"])
    assert job["status"] == "done", job["error"]
    return job


def add_rules(admin: Admin, source_id: str) -> None:
    for table, conditions in RULES.items():
        body = {"conditions": conditions}
        admin.call("PUT", f"/sources/{source_id}/rules/{table}", 200, json=body)


def embed_catalog(admin: Admin, source_id: str, location: list[str]) -> dict[str, Any]:
    """The embed catalog of `source_id` as a user allowed `location` reads it."""
    with admin.runtime.store.session() as session:
        _, key = create_api_key(session, admin.org_id, "backend", ["tokens"], "test")
    minted = admin.client.post(
        "/api/v1/embed/tokens",
        json={"user_id": "paris-only", "attributes": {"location": location}},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert minted.status_code == 201, minted.text
    answer = admin.client.get(
        "/api/v1/embed/catalog", headers={"Authorization": f"Bearer {minted.json()['token']}"}
    )
    assert answer.status_code == 200, answer.text
    source: dict[str, Any] = next(s for s in answer.json()["sources"] if s["id"] == source_id)
    return {t["name"]: t for t in source["tables"]}


def texts(table: dict[str, Any]) -> list[str]:
    """Every description of a served table, the table's own first."""
    found = [table["description"]] + [c["description"] for c in table["columns"]]
    return [t for t in found if t]


def profiled_forms(job: dict[str, Any], table: str, visible: set[str]) -> set[str]:
    """How the values profiling saw in `table` would be written in a sentence (leaving out
    those the user may see and one-character ones)."""
    profile = next(p for p in job["profiles"] if p["table"] == table)
    forms = {format_number(profile["row_count"]), str(profile["row_count"])}
    for column in profile["columns"]:
        values = [t["value"] for t in column["top_values"]] + column["samples"]
        values += [column["min"], column["max"]]
        for value in values:
            if isinstance(value, bool) or value is None:
                continue
            if isinstance(value, (int, float)):
                if abs(value) >= 10:
                    forms |= {format_number(float(value)), format_number(value, rounded=True)}
            elif str(value) not in visible and len(str(value)) > 1:
                forms.add(str(value)[:10] if column["type"] in ("date", "datetime") else str(value))
        if column["avg"] is not None and abs(column["avg"]) >= 10:
            forms.add(format_number(column["avg"], rounded=True))
    return forms


def leaks(text: str, forms: set[str]) -> list[str]:
    return [f for f in forms if re.search(rf"(?<![\w.,]){re.escape(f)}(?![\w]|,\d)", text)]


def assert_no_data(served: dict[str, dict[str, Any]], job: dict[str, Any]) -> None:
    for name in RULED:
        forms = profiled_forms(job, name, visible={"Paris", "France", "EMEA"})
        for text in texts(served[name]):
            assert not leaks(text, forms), f"{name}: {text!r} quotes {leaks(text, forms)}"
            assert not re.search(r"\brows\b|ranges from|values|average|from \S+ to", text), text


def test_analyze_applied_then_a_rule_added(admin: Admin, demo: str) -> None:
    job = analyze(admin, demo, apply=True)
    before = embed_catalog(admin, demo, ["Paris"])
    # Without rules every user may read every row: the data-derived wording is served.
    assert before["offices"]["description"] == "One row per office (10 rows)."
    location = next(c for c in before["employees"]["columns"] if c["name"] == "location")
    assert "New York" in location["description"]

    add_rules(admin, demo)
    served = embed_catalog(admin, demo, ["Paris"])
    assert_no_data(served, job)
    # What is served instead is Analyze's wording without data, not nothing.
    assert served["offices"]["description"] == "One row per office."
    location = next(c for c in served["employees"]["columns"] if c["name"] == "location")
    assert location["description"] == "Location of the employee, a city."
    # The admin still reads (and may edit) everything Analyze wrote.
    assert tables_of(admin, demo)["offices"]["description"] == "One row per office (10 rows)."
    # The table without a rule keeps its data-derived descriptions.
    assert served["sales"]["description"] == (
        "One row per sale (50,000 rows); linked to employees through employee_id."
    )
    amount = next(c for c in served["sales"]["columns"] if c["name"] == "amount")
    assert "ranges from" in amount["description"]
    # Nor does the prompt the AI engine sends to the organization's LLM quote them.
    context = admin.runtime.source_context(admin.org_id, demo)
    prompt = system_prompt(context.catalog, {}, context_clues=None, today=dt.date(2026, 1, 1))
    for name in RULED:
        block = re.search(rf"^Table {name}\b.*?(?=\n\n|\Z)", prompt, re.M | re.S)
        assert block is not None, prompt
        forms = profiled_forms(job, name, visible={"Paris", "France", "EMEA"})
        forms -= {"Employees", "Offices", "Sales"}  # table names, not data
        assert not leaks(block.group(0), forms), block.group(0)
        assert "rows" not in block.group(0)

    # Removing the rule serves the data-derived wording again.
    admin.call("DELETE", f"/sources/{demo}/rules/offices", 204)
    again = embed_catalog(admin, demo, ["Paris"])
    assert again["offices"]["description"] == "One row per office (10 rows)."


def test_a_rule_first_then_analyze_asked_to_quote_values(admin: Admin, demo: str) -> None:
    add_rules(admin, demo)
    job = analyze(admin, demo, apply=True, quote_values=True)
    # The admin asked for values: the catalog holds them, for the admin's eyes ...
    city = column_of(admin, demo, "offices", "city")
    assert "distinct values such as" in city["description"]
    # ... but no end user of a ruled table is served them.
    assert_no_data(embed_catalog(admin, demo, ["Paris"]), job)


def test_hand_written_text_quoting_hidden_values(admin: Admin, demo: str) -> None:
    job = analyze(admin, demo)  # profiled, nothing applied
    add_rules(admin, demo)
    path = f"/sources/{demo}/tables/employees"
    admin.call("PATCH", path, 200, json={"description": "Staff of the Tokyo and Paris offices."})
    admin.call(
        "PATCH",
        f"{path}/columns/location",
        200,
        json={
            "description": "Where the employee works: Paris, São Paulo or new york.",
            "display_name": "Office (Tokyo, Paris…)",
        },
    )
    admin.call(
        "PATCH", f"{path}/columns/department", 200, json={"description": "The team they are in."}
    )
    admin.call(
        "PATCH",
        f"/sources/{demo}/tables/sales/columns/sales_region",
        200,
        json={"description": "North, South, East or West."},
    )
    served = embed_catalog(admin, demo, ["Paris"])
    employees = served["employees"]
    columns = {c["name"]: c["description"] for c in employees["columns"]}
    assert employees["description"] == (
        "One row per employee; linked to employees through manager_id and offices through "
        "office_id."
    )
    assert columns["location"] == "Location of the employee."
    names = {c["name"]: c["display_name"] for c in employees["columns"]}
    assert names["location"] == "Location"  # the admin's name quoted Tokyo
    assert columns["department"] == "The team they are in."  # quotes nothing: the admin's own
    assert_no_data(served, job)
    # A table without a rule is served what the admin wrote, values and all.
    sales = {c["name"]: c["description"] for c in served["sales"]["columns"]}
    assert sales["sales_region"] == "North, South, East or West."



def test_the_admin_may_confirm_a_text_safe_for_everyone(admin: Admin, demo: str) -> None:
    analyze(admin, demo, tables=["offices"], apply=True)
    add_rules(admin, demo)
    path = f"/sources/{demo}/tables/offices"
    assert embed_catalog(admin, demo, ["Paris"])["offices"]["description"] == (
        "One row per office."
    )
    # Analyze's own text, confirmed as it is: served as written.
    table = admin.call("PATCH", path, 200, json={"description_reviewed": True}).json()
    assert table["description_reviewed"] == "One row per office (10 rows)."
    assert "description" not in table["edited"]  # a confirmation is not an edit of the text
    region = f"{path}/columns/region"
    admin.call(
        "PATCH",
        region,
        200,
        json={"description": "Sales area: APAC, AMER or EMEA.", "description_reviewed": True},
    )
    served = embed_catalog(admin, demo, ["Paris"])["offices"]
    columns = {c["name"]: c["description"] for c in served["columns"]}
    assert served["description"] == "One row per office (10 rows)."
    assert columns["region"] == "Sales area: APAC, AMER or EMEA."
    # Re-reading the tables from the database keeps the confirmations ...
    admin.call("POST", f"/sources/{demo}/refresh", 200)
    served = embed_catalog(admin, demo, ["Paris"])["offices"]
    assert [c["description"] for c in served["columns"] if c["name"] == "region"] == [
        "Sales area: APAC, AMER or EMEA."
    ]
    # ... but a new text needs a new one, and a confirmation can be withdrawn.
    admin.call("PATCH", region, 200, json={"description": "Sales area: APAC or AMER."})
    admin.call("PATCH", path, 200, json={"description_reviewed": False})
    served = embed_catalog(admin, demo, ["Paris"])["offices"]
    columns = {c["name"]: c["description"] for c in served["columns"]}
    assert served["description"] == "One row per office."
    assert columns["region"] == "Region of the office."


def test_what_counts_as_quoting_a_profiled_value() -> None:
    values = TableValues.from_profile(
        {
            "table": "offices",
            "row_count": 2000,
            "columns": [
                {
                    "name": "city",
                    "type": "string",
                    "top_values": [{"value": "Paris"}, {"value": "São Paulo"}, {"value": "A"}],
                    "samples": ["New York"],
                    "min": None,
                    "max": None,
                    "avg": None,
                },
                {
                    "name": "salary",
                    "type": "number",
                    "top_values": [],
                    "samples": [],
                    "min": 13400,
                    "max": 347512.5,
                    "avg": 81651.05,
                },
                {"name": "opened_on", "type": "date", "top_values": [], "samples": [],
                 "min": "2012-03-05", "max": "2021-07-01T00:00:00", "avg": None},
            ],
        }
    )
    assert values.quoted_in("Offices in paris and SÃO PAULO") == ["paris", "SÃO PAULO"]
    assert values.quoted_in("Parisian style; new yorker") == []
    assert values.quoted_in("Lyon,Paris.") == ["Paris"]
    assert values.quoted_in("2,000 staff; pay from 13,400 to 350,000, about 82,000") == [
        "2,000", "13,400", "350,000", "82,000"
    ]  # fmt: skip
    assert values.quoted_in("opened since 2012-03-05, last 2021-07-01") == [
        "2012-03-05", "2021-07-01"
    ]  # fmt: skip
    # One letter, small numbers and numbers inside others are not quotes.
    assert values.quoted_in("Plan A, 1 to 5 stars, 12,000 or 2,0001 or 2000.5 or 1.2000") == []
    assert TableValues([]).quoted_in("anything") == []
