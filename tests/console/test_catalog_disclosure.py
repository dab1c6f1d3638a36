"""The tables page warns the admin when end users won't read a description as written: it
quotes values of a table with an access rule, or it is Analyze's wording with data."""

from __future__ import annotations

import re
import time
from pathlib import Path

from plotboard.analyze import AnalyzeRequest, analyze_service, start_worker
from plotboard.runtime import Runtime
from tests.console.conftest import Console
from tests.console.pages import text
from tests.console.test_forms import add_attributes, condition, connect


def analyze(runtime: Runtime, console: Console, source_id: str, **options: object) -> None:
    service = analyze_service(runtime)
    job = service.start(
        console.org_id, source_id, AnalyzeRequest.model_validate(options), console.email
    )
    # The console's test client runs no lifespan, so no worker thread of the app's: one here.
    worker = start_worker(runtime, threads=1)
    try:
        deadline = time.monotonic() + 60
        while service.job(console.org_id, job["id"], detail=False)["status"] in (
            "queued",
            "running",
        ):
            assert time.monotonic() < deadline, "Analyze did not finish"
            time.sleep(0.05)
    finally:
        worker.stop()
    assert service.job(console.org_id, job["id"], detail=False)["status"] == "done"


def served_description(
    runtime: Runtime, console: Console, source_id: str, table: str, column: str
) -> str | None:
    """The column's description as end users (and the AI) read it."""
    found = runtime.source_context(console.org_id, source_id).catalog.table(table)
    assert found is not None
    described = found.column(column)
    assert described is not None
    return described.description


def notes(page: str) -> list[str]:
    found = re.findall(r"<p [^>]*data-end-user-note[^>]*>(.*?)</p>", page, re.S)
    return [text(n) for n in found if text(n)]


def test_the_admin_is_warned_when_a_description_quotes_values_of_a_ruled_table(
    console: Console, runtime: Runtime, demo_database: Path
) -> None:
    add_attributes(console, ("location", "string_list"))
    source_id = connect(console, demo_database)
    analyze(runtime, console, source_id, tables=["employees", "sales"], apply=True)
    # No rule yet: Analyze's values are for everyone, and nothing is flagged.
    assert notes(console.get(f"/admin/tables?source={source_id}").text) == []

    saved = console.post(
        f"/admin/rules/{source_id}/employees",
        {**condition("location", "in", "location"), "action": "save"},
    )
    assert saved.status_code == 200, text(saved.text)
    answer = console.post(
        f"/admin/tables/{source_id}/employees/columns/location",
        {"description": "Where they work: Tokyo, Paris or Berlin.", "semantic_type": "city"},
        headers={"X-Console-Fetch": "1"},
    )
    assert answer.status_code == 200
    said = text(answer.text)
    assert 'class="notice warn"' in answer.text
    assert "Saved employees.location." in said
    assert "quotes values from its data (Tokyo, Paris, Berlin): end users won't see it" in said
    # An admin's text that quotes nothing is served as written, without a warning.
    plain = console.post(
        f"/admin/tables/{source_id}/employees/columns/department",
        {"description": "The team the employee is in."},
        headers={"X-Console-Fetch": "1"},
    )
    assert 'class="notice ok"' in plain.text

    page = text(console.get(f"/admin/tables?source={source_id}").text)
    assert (
        "This table has an access rule, and this description quotes values from its data "
        "(Tokyo, Paris, Berlin): end users won't see it; they read “Location of the employee, "
        "a city.” instead." in page
    )
    # Analyze's own wording with data: end users read it without the data.
    assert (
        "End users read “One row per employee; linked to employees through manager_id and "
        "offices through office_id.”: the values, counts and ranges Analyze found in the data "
        "are left out" in page
    )
    assert "This table has an access rule, so end users never read its data" in page
    # The page shows no warning for the table without a rule.
    sales = console.get(f"/admin/tables?source={source_id}").text.split('id="t-sales"')[1]
    assert notes(sales) == []
    # The end users' catalog follows the same decision.
    context = runtime.source_context(console.org_id, source_id)
    employees = context.catalog.table("employees")
    assert employees is not None
    location = employees.column("location")
    assert location is not None and location.description == "Location of the employee, a city."
    department = employees.column("department")
    assert department is not None and department.description == "The team the employee is in."


def test_a_ruled_table_never_profiled_asks_for_analyze(
    console: Console, runtime: Runtime, demo_database: Path
) -> None:
    add_attributes(console, ("location", "string_list"))
    source_id = connect(console, demo_database)
    console.post(
        f"/admin/rules/{source_id}/employees",
        {**condition("location", "in", "location"), "action": "save"},
    )
    answer = console.post(
        f"/admin/tables/{source_id}/employees",
        {"description": "Our staff in Tokyo."},
        headers={"X-Console-Fetch": "1"},
    )
    said = text(answer.text)
    assert "has not profiled its data yet, so end users read “One row per employee;" in said
    assert "run Analyze so that it can check the text" in said
    context = runtime.source_context(console.org_id, source_id)
    employees = context.catalog.table("employees")
    assert employees is not None and "Tokyo" not in (employees.description or "")
    # Once profiled, the text is checked (and here it quotes a city).
    analyze(runtime, console, source_id, tables=["employees"])
    page = text(console.get(f"/admin/tables?source={source_id}").text)
    assert "quotes values from its data (Tokyo)" in page


def test_the_admin_confirms_a_description_safe_for_every_user(
    console: Console, runtime: Runtime, demo_database: Path
) -> None:
    add_attributes(console, ("location", "string_list"))
    source_id = connect(console, demo_database)
    analyze(runtime, console, source_id, tables=["offices"])
    console.post(
        f"/admin/rules/{source_id}/offices",
        {**condition("city", "in", "location"), "action": "save"},
    )
    path = f"/admin/tables/{source_id}/offices/columns/country"
    words = "Country of the office: Japan, France or Brazil."
    console.post(path, {"description": words}, headers={"X-Console-Fetch": "1"})
    page = console.get(f"/admin/tables?source={source_id}").text
    form = page.split('id="c-offices-country"')[1].split("</form>")[0]
    assert 'name="description_reviewed"' in form and " checked" not in form.split("reviewed")[1]

    confirmed = console.post(
        path, {"description": words, "description_reviewed": "1"}, headers={"X-Console-Fetch": "1"}
    )
    assert "you confirmed that every user may see what this description says" in text(
        confirmed.text
    )
    assert served_description(runtime, console, source_id, "offices", "country") == words

    # The box still ticked while the text changes: the new text is checked again, not confirmed.
    changed = console.post(
        path,
        {"description": "Japan, France, Brazil and more.", "description_reviewed": "1"},
        headers={"X-Console-Fetch": "1"},
    )
    assert "end users won't see it" in text(changed.text)
    served = served_description(runtime, console, source_id, "offices", "country")
    assert served == "Country of the office."
