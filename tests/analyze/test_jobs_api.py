"""Analyze through the admin API: start, progress, proposals, apply, and what goes wrong."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.catalog.model import Column, Table
from plotboard.catalog.store import refresh_catalog
from plotboard.sources.dialects import SourceConnection
from plotboard.sources.store import SourceIn, create_source
from plotboard.store.models import AnalyzeJob, utcnow
from tests.analyze.conftest import Admin
from tests.services import temporary_postgres_database


def wait_for(
    admin: Admin, job_id: str, timeout_s: float = 30
) -> tuple[dict[str, Any], list[float]]:
    """Poll the job until it is done or failed; returns it (in full) and the progress seen."""
    seen: list[float] = []
    deadline = time.monotonic() + timeout_s
    while True:
        job = admin.call("GET", f"/analyze/{job_id}?detail=false", 200).json()
        seen.append(job["progress"])
        if job["status"] not in ("queued", "running"):
            return admin.call("GET", f"/analyze/{job_id}", 200).json(), seen
        assert time.monotonic() < deadline, f"job still {job['status']} after {timeout_s} s"
        time.sleep(0.05)


def tables_of(admin: Admin, source_id: str) -> dict[str, dict[str, Any]]:
    tables = admin.call("GET", f"/sources/{source_id}/tables", 200).json()["tables"]
    return {t["name"]: t for t in tables}


def column_of(admin: Admin, source_id: str, table: str, column: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        c for c in tables_of(admin, source_id)[table]["columns"] if c["name"] == column
    )
    return found


@pytest.fixture
def demo(admin: Admin, demo_db: Path) -> str:
    return admin.add_source(SourceConnection(kind="sqlite", path=str(demo_db)))


def test_start_poll_review_apply_keeping_admin_edits(admin: Admin, demo: str) -> None:
    admin.call(
        "PATCH",
        f"/sources/{demo}/tables/employees/columns/salary",
        200,
        json={"description": "Annual pay in US dollars.", "semantic_type": "measure"},
    )
    admin.call("PATCH", f"/sources/{demo}/tables/offices", 200, json={"display_name": "Sites"})
    started = admin.call("POST", f"/sources/{demo}/analyze", 202, json={})
    assert started.json()["status"] in ("queued", "running")
    assert started.json()["options"]["tables"] == ["employees", "offices", "sales"]
    job, progress = wait_for(admin, started.json()["id"])
    assert job["status"] == "done" and job["error"] is None and job["progress"] == 1
    assert progress == sorted(progress)  # never goes backwards
    assert job["counts"] == {
        "tables_total": 3, "tables_done": 3, "columns_profiled": 27, "sampled_tables": 0,
        "proposals": 30,
    }  # fmt: skip
    assert [p["table"] for p in job["profiles"]] == ["employees", "offices", "sales"]
    proposals = {(p["table"], p["column"]): p for p in job["proposals"]}
    salary = proposals[("employees", "salary")]
    assert salary["fields"]["semantic_type"] == "currency"
    assert salary["edited"] == ["description", "semantic_type"]
    assert salary["current"]["description"] == "Annual pay in US dollars."
    assert proposals[("offices", None)]["edited"] == ["display_name"]

    applied = admin.call("POST", f"/analyze/{job['id']}/apply", 200).json()
    kept = {(k["table"], k["column"], k["field"]) for k in applied["kept"]}
    assert kept == {
        ("employees", "salary", "description"),
        ("employees", "salary", "semantic_type"),
        ("offices", None, "display_name"),
    }
    assert applied["applied"] == 87 - 3 and applied["skipped"] == []
    tables = tables_of(admin, demo)
    columns = {c["name"]: c for c in tables["employees"]["columns"]}
    assert columns["salary"]["description"] == "Annual pay in US dollars."
    assert columns["salary"]["semantic_type"] == "measure"
    assert columns["salary"]["display_name"] == "Salary"  # not edited: Analyze's
    assert columns["location"]["semantic_type"] == "city"
    assert columns["hire_date"]["display_name"] == "Hire date"
    assert columns["department"]["edited"] == []  # Analyze's values are not admin edits
    assert tables["offices"]["display_name"] == "Sites"
    assert tables["offices"]["description"] == "One row per office (10 rows)."
    # The query engine sees the new catalog at once (the runtime forgot its cached copy).
    context = admin.runtime.source_context(admin.org_id, demo)
    location = context.catalog.table("employees").column("location")  # type: ignore[union-attr]
    assert location is not None and location.semantic_type == "city"

    forced = admin.call("POST", f"/analyze/{job['id']}/apply", 200, json={"overwrite": True})
    assert forced.json()["kept"] == []
    salary_now = column_of(admin, demo, "employees", "salary")
    assert salary_now["semantic_type"] == "currency"
    assert salary_now["description"].startswith("Salary of the employee, an amount of money;")
    assert salary_now["edited"] == []  # overwritten: no longer the admin's words

    listed = admin.call("GET", f"/sources/{demo}/analyze", 200).json()["jobs"]
    assert listed[0]["id"] == job["id"] and listed[0]["applied_at"] is not None
    assert "proposals" not in listed[0]
    actions = [e["action"] for e in admin.call("GET", "/audit", 200).json()["entries"]]
    assert actions[:3] == ["analyze.applied", "analyze.applied", "analyze.started"]


def test_apply_some_proposals_only(admin: Admin, demo: str) -> None:
    body = {"tables": ["offices"], "overwrite": False}
    job, _ = wait_for(
        admin, admin.call("POST", f"/sources/{demo}/analyze", 202, json=body).json()["id"]
    )
    assert {p["table"] for p in job["proposals"]} == {"offices"}
    accept = [{"table": "offices", "column": "city", "fields": ["semantic_type"]}]
    result = admin.call("POST", f"/analyze/{job['id']}/apply", 200, json={"accept": accept})
    assert result.json()["applied"] == 1
    city = column_of(admin, demo, "offices", "city")
    assert city["semantic_type"] == "city" and city["description"] is None
    # Reworded while reviewing: the admin's own words, written and kept from then on.
    own = [{"table": "offices", "column": "region", "description": "Sales area of the office."}]
    admin.call("POST", f"/analyze/{job['id']}/apply", 200, json={"accept": own})
    region = column_of(admin, demo, "offices", "region")
    assert region["description"] == "Sales area of the office."
    assert region["edited"] == ["description"] and region["semantic_type"] == "category"
    again = admin.call("POST", f"/analyze/{job['id']}/apply", 200).json()
    assert {"table": "offices", "column": "region", "field": "description"} in again["kept"]
    assert column_of(admin, demo, "offices", "region")["description"] == "Sales area of the office."
    bad_type = [{"table": "offices", "column": "region", "semantic_type": "galaxy"}]
    refused = admin.call("POST", f"/analyze/{job['id']}/apply", 422, json={"accept": bad_type})
    assert refused.json()["detail"].startswith("accept[0].semantic_type: 'galaxy' is not")
    wrong = admin.call(
        "POST", f"/analyze/{job['id']}/apply", 422, json={"accept": [{"table": "nope"}]}
    )
    assert "accept[0]" in wrong.json()["detail"] and "nope" in wrong.json()["detail"]
    bad_field = admin.call(
        "POST",
        f"/analyze/{job['id']}/apply",
        422,
        json={"accept": [{"table": "offices", "fields": ["semantic_type"]}]},
    )
    assert "accept[0].fields" in bad_field.json()["detail"]


def test_descriptions_quote_data_only_for_tables_without_access_rules(
    admin: Admin, demo: str
) -> None:
    admin.call("POST", "/token-attributes", 201, json={"name": "region", "type": "string"})
    rule = [{"column": "sales_region", "op": "eq", "attribute": "region"}]
    admin.call("PUT", f"/sources/{demo}/rules/sales", 200, json={"conditions": rule})
    admin.call("PATCH", f"/sources/{demo}/tables/offices/columns/city", 200, json={"hidden": True})
    body = {"tables": ["sales", "offices"], "apply": True}
    job, _ = wait_for(
        admin, admin.call("POST", f"/sources/{demo}/analyze", 202, json=body).json()["id"]
    )
    assert job["counts"]["applied"] > 0
    amount = column_of(admin, demo, "sales", "amount")
    assert amount["description"] == "Amount of the sale, an amount of money."
    region = column_of(admin, demo, "offices", "region")
    assert region["description"] == "Region of the office; 3 values: APAC, AMER, EMEA."
    city = column_of(admin, demo, "offices", "city")  # hidden: described, no values quoted
    assert city["description"] == "City of the office." and city["semantic_type"] == "city"
    # Asked for, values are quoted on a table with rules too (never for hidden columns).
    body = {"tables": ["sales"], "quote_values": True}
    job, _ = wait_for(
        admin, admin.call("POST", f"/sources/{demo}/analyze", 202, json=body).json()["id"]
    )
    amount = next(p for p in job["proposals"] if p["column"] == "amount")
    assert "ranges from" in amount["fields"]["description"]


def test_clear_errors_for_unknown_things(admin: Admin, demo: str) -> None:
    missing = admin.call("POST", "/sources/nope/analyze", 404, json={})
    assert "nope" in missing.json()["detail"]
    table = admin.call("POST", f"/sources/{demo}/analyze", 422, json={"tables": ["offices", "x"]})
    assert table.json()["detail"] == "tables[1]: this source has no table 'x'."
    llm = admin.call("POST", f"/sources/{demo}/analyze", 422, json={"use_llm": True})
    assert "no LLM is configured" in llm.json()["detail"]
    admin.call("POST", f"/sources/{demo}/analyze", 422, json={"tables": []})
    admin.call("POST", f"/sources/{demo}/analyze", 422, json={"colour": "red"})
    admin.call("GET", "/analyze/nope", 404)
    admin.call("POST", "/analyze/nope/apply", 404)


def test_another_organization_sees_nothing(
    admin: Admin, demo: str, runtime: Any, client: Any
) -> None:
    job, _ = wait_for(
        admin, admin.call("POST", f"/sources/{demo}/analyze", 202, json={}).json()["id"]
    )
    with runtime.store.session() as session:
        from plotboard.auth.api_keys import create_api_key
        from plotboard.orgs import create_organization

        org = create_organization(session, runtime.secret_key, "Other")
        _, key = create_api_key(session, org.id, "ops", ["admin"], "test")
    other = Admin(org.id, key, client, runtime)
    other.call("GET", f"/analyze/{job['id']}", 404)
    other.call("POST", f"/analyze/{job['id']}/apply", 404)
    other.call("GET", f"/sources/{demo}/analyze", 404)
    other.call("POST", f"/sources/{demo}/analyze", 404, json={})


# -- one job per source, cancel, restarts, a database that is down ----------------------------


@pytest.fixture(scope="module")
def slow_postgres() -> Iterator[str]:
    """A PostgreSQL database with a view that takes about a second per query."""
    with temporary_postgres_database() as url:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "CREATE VIEW slow AS SELECT g AS n, pg_sleep(0.4)::text AS pause "
                    "FROM generate_series(1, 2) AS g"
                )
            )
        engine.dispose()
        yield url


def test_one_job_per_source_and_cancel(admin: Admin, slow_postgres: str) -> None:
    source = admin.add_source(SourceConnection(kind="url", url=slow_postgres))
    first = admin.call("POST", f"/sources/{source}/analyze", 202, json={}).json()
    second = admin.call("POST", f"/sources/{source}/analyze", 409, json={})
    assert second.json()["code"] == "analyze_running"
    assert first["id"] in second.json()["detail"]
    while admin.call("GET", f"/analyze/{first['id']}?detail=false").json()["status"] == "queued":
        time.sleep(0.05)
    running = admin.call("GET", f"/analyze/{first['id']}?detail=false", 200).json()
    assert running["status"] == "running" and running["current_table"] == "slow"
    admin.call("POST", f"/analyze/{first['id']}/apply", 409)
    admin.call("POST", f"/analyze/{first['id']}/cancel", 200)
    job, _ = wait_for(admin, first["id"])
    assert job["status"] == "failed" and job["error"].startswith("Cancelled by api-key:")
    again = admin.call("POST", f"/sources/{source}/analyze", 202, json={"tables": ["slow"]})
    admin.call("POST", f"/analyze/{again.json()['id']}/cancel", 200)
    wait_for(admin, again.json()["id"])


def test_the_store_allows_one_active_job_per_source(admin: Admin, demo: str) -> None:
    with admin.runtime.store.session() as session:
        session.add(_job(admin, demo, runner="elsewhere:1:boot"))
    with pytest.raises(sa.exc.IntegrityError), admin.runtime.store.session() as session:
        session.add(_job(admin, demo, runner="elsewhere:1:boot"))
    with admin.runtime.store.session() as session:
        session.execute(sa.delete(AnalyzeJob).where(AnalyzeJob.source_id == demo))


def _job(
    admin: Admin, source_id: str, *, runner: str, lease_s: float = 60, attempts: int = 1
) -> AnalyzeJob:
    now = utcnow()
    return AnalyzeJob(
        org_id=admin.org_id, source_id=source_id, status="running", active_source_id=source_id,
        options={"tables": ["offices", "sales"]}, notes=[], profiles=[], proposals=[],
        counts={"tables_total": 2, "tables_done": 0}, runner=runner, heartbeat_at=now,
        lease_expires_at=now + timedelta(seconds=lease_s), attempts=attempts, max_attempts=2,
        created_at=now, created_by="test",
    )  # fmt: skip


def test_a_job_whose_worker_stopped_answering_is_taken_over(admin: Admin, demo: str) -> None:
    # Another server's worker holds the job and its lease is live: left alone.
    with admin.runtime.store.session() as session:
        job = _job(admin, demo, runner="elsewhere:4242:boot", lease_s=1.0)
        session.add(job)
    refused = admin.call("POST", f"/sources/{demo}/analyze", 409, json={})
    assert job.id in refused.json()["detail"]
    assert admin.call("GET", f"/analyze/{job.id}", 200).json()["status"] == "running"
    # Its lease runs out (the worker was killed): this server's worker takes it over and
    # finishes it, as its second and last attempt.
    done, _ = wait_for(admin, job.id)
    assert done["status"] == "done" and done["attempts"] == 2, done
    assert [p["table"] for p in done["profiles"]] == ["offices", "sales"]
    with admin.runtime.store.session() as session:
        row = session.get(AnalyzeJob, job.id)
        assert row is not None and row.runner != "elsewhere:4242:boot"
        assert row.active_source_id is None


def test_a_job_lost_on_its_last_attempt_fails_clearly(admin: Admin, demo: str) -> None:
    with admin.runtime.store.session() as session:
        job = _job(admin, demo, runner="elsewhere:4242:boot", lease_s=-1, attempts=2)
        session.add(job)
    failed, _ = wait_for(admin, job.id)
    assert failed["status"] == "failed" and failed["attempts"] == 2
    assert failed["error"].startswith("Failed after every attempt: the worker running it ")
    admin.call("POST", f"/sources/{demo}/analyze", 202, json={"tables": ["offices"]})


def test_a_database_that_is_down_fails_the_job_in_plain_words(admin: Admin) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    with admin.runtime.store.session() as session:
        conn = SourceConnection(
            kind="postgresql", host="127.0.0.1", port=port, user="x", database="y"
        )
        row = create_source(session, admin.org_id, SourceIn(name="down", connection=conn), "k" * 48)
        refresh_catalog(session, row.id, [Table("t", (Column("a", "integer"),))])
        source_id = row.id
    job, _ = wait_for(admin, admin.call("POST", f"/sources/{source_id}/analyze", 202).json()["id"])
    assert job["status"] == "failed" and job["attempts"] == 2  # retried once, then given up
    assert job["error"].startswith(
        f"Failed after 2 attempts: Nothing is accepting connections at 127.0.0.1:{port}."
    )
    assert job["proposals"] == [] and job["finished_at"] is not None


@pytest.mark.parametrize(
    "database", ["postgres", "mariadb", pytest.param("clickhouse", marks=pytest.mark.clickhouse)]
)
def test_the_demo_on_postgres_mariadb_and_clickhouse(
    admin: Admin, database: str, request: Any
) -> None:
    demo = request.getfixturevalue(f"demo_{database}")
    connection = (
        demo if isinstance(demo, SourceConnection) else SourceConnection(kind="url", url=demo)
    )
    source = admin.add_source(connection)
    job, _ = wait_for(
        admin,
        admin.call("POST", f"/sources/{source}/analyze", 202, json={"apply": True}).json()["id"],
    )
    assert job["status"] == "done", job["error"]
    assert job["counts"]["applied"] > 60
    types = {
        (t, c["name"]): c["semantic_type"]
        for t, table in tables_of(admin, source).items()
        for c in table["columns"]
    }
    assert types[("employees", "location")] == "city"
    assert types[("employees", "salary")] == "currency"
    assert types[("employees", "is_remote")] == "boolean"
    assert types[("offices", "country")] == "country"
    assert types[("sales", "sale_date")] == "date"


def test_stored_messages_hold_no_credentials(admin: Admin, demo: str) -> None:
    """Whatever a failure's words, the job's stored message masks credentials (last guard)."""
    from plotboard.store import queue

    with admin.runtime.store.session() as session:
        job = _job(admin, demo, runner="w:1:x", attempts=1)
        job.max_attempts = 1
        session.add(job)
    said = (
        "could not reach postgresql+psycopg://admin:hunter2@10.1.2.3:5432/app "
        "(dsn password=hunter2 api_key: sk-live-123)"
    )
    with admin.runtime.store.session() as session:
        assert queue.retry_or_fail(session, AnalyzeJob, job.id, "w:1:x", said, 0)
    stored = admin.call("GET", f"/analyze/{job.id}", 200).json()
    assert stored["status"] == "failed"
    assert stored["error"] == (
        "could not reach postgresql+psycopg://***@10.1.2.3:5432/app (dsn password=*** api_key: ***)"
    )
    # Another worker's name writes nothing (fencing).
    with admin.runtime.store.session() as session:
        assert not queue.retry_or_fail(session, AnalyzeJob, job.id, "other:2:y", "x", 0)
