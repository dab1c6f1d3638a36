"""The examples of docs/data-sources.md, run against `plotboard demo`.

The demo has one source (its SQLite database), its catalog and two access rules. Examples that
change the demo put it back as it was, so that the other pages' examples still hold: a second
source is deleted again (with two sources, embed queries must name one), catalog edits are
undone, and the `offices` rule and the `all_offices` attribute are removed.

Each test names the examples it covers with `@covers(...)`; tests/docs/test_reference.py fails
when an example has no test.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.docs.examples import covers, example, json_block, mint, run_bash
from tests.services import temporary_postgres_database

SOURCE_KEYS = {
    "id",
    "name",
    "kind",
    "connection",
    "has_password",
    "display",
    "settings",
    "routing",
    "end_users",
    "created_at",
    "updated_at",
}


def _source_id(env: dict[str, str]) -> str:
    return env["SOURCE_ID"]


def _delete_sources_named(admin_api: httpx.Client, *names: str) -> None:
    for source in admin_api.get("/api/v1/admin/sources").json()["sources"]:
        if source["name"] in names:
            answer = admin_api.delete(f"/api/v1/admin/sources/{source['id']}")
            assert answer.status_code == 204, answer.text


def _only_the_demo_source(admin_api: httpx.Client, env: dict[str, str]) -> None:
    ids = [s["id"] for s in admin_api.get("/api/v1/admin/sources").json()["sources"]]
    assert ids == [_source_id(env)], "a test left a second source behind"


@pytest.fixture
def archive(admin_api: httpx.Client, reader_env: dict[str, str]) -> Iterator[dict[str, Any]]:
    """A second source, 'Sales archive', over the demo database; removed afterwards."""
    _delete_sources_named(admin_api, "Sales archive", "Sales archive (2023)")
    created = admin_api.post(
        "/api/v1/admin/sources",
        json={
            "name": "Sales archive",
            "connection": {"kind": "sqlite", "path": reader_env["DEMO_DATABASE"]},
            "settings": {"timeout_seconds": 10, "row_cap": 5000, "cache_ttl_seconds": 600},
        },
    )
    assert created.status_code == 201, created.text
    try:
        yield created.json()
    finally:
        _delete_sources_named(admin_api, "Sales archive", "Sales archive (2023)")
        _only_the_demo_source(admin_api, reader_env)


# --- connecting ------------------------------------------------------------------------------


@covers("list-sources")
def test_list_sources(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("list-sources"), reader_env, workdir)
    assert run.answer.status == 200, run.stdout
    (source,) = run.answer.json()["sources"]
    assert set(source) == SOURCE_KEYS
    assert source["id"] == reader_env["SOURCE_ID"]
    assert source["kind"] == "sqlite" and source["has_password"] is False
    assert source["settings"] == {"timeout_seconds": 30, "row_cap": 10000, "cache_ttl_seconds": 300}


@covers("test-connection")
def test_test_connection(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("test-connection"), reader_env, workdir)
    assert run.answer.status == 200, run.stdout
    verdict = run.answer.json()
    documented = json_block("data-sources.md", '"ok": true')
    assert set(verdict) == set(documented)
    assert verdict["ok"] is True and verdict["code"] == "ok"
    assert verdict["server_version"].startswith("SQLite 3.")
    assert verdict["message"] == (
        f"Connected to {verdict['server_version']} at {reader_env['DEMO_DATABASE']}."
    )


@covers("test-connection-failed")
def test_test_connection_failed(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("test-connection-failed"), reader_env, workdir)
    assert run.answer.status == 200, run.stdout
    assert run.answer.json() == json_block("data-sources.md", '"file_not_found"')
    assert not Path("/srv/data/shop.sqlite").exists()  # testing never creates the file


def test_the_verdict_table_lists_every_code() -> None:
    from plotboard.sources import classify

    text = (Path(__file__).parents[2] / "docs" / "data-sources.md").read_text(encoding="utf-8")
    codes = {
        value
        for name, value in vars(classify).items()
        if name.isupper() and isinstance(value, str) and not name.startswith("_")
    }
    for code in codes | {"ok"}:
        assert f"| `{code}` |" in text, f"the verdict table does not explain `{code}`"


@covers("create-source", "open-source")
def test_create_source(reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client) -> None:
    _delete_sources_named(admin_api, "Sales archive")
    try:
        run = run_bash(example("create-source"), reader_env, workdir)
        assert run.answer.status == 201, run.stdout
        made = run.answer.json()
        assert set(made) == SOURCE_KEYS | {"tables"}
        assert made["name"] == "Sales archive" and made["tables"] == 3
        assert made["connection"]["path"] == reader_env["DEMO_DATABASE"]
        assert made["settings"] == {
            "timeout_seconds": 10,
            "row_cap": 5000,
            "cache_ttl_seconds": 600,
        }
        tables = admin_api.get(f"/api/v1/admin/sources/{made['id']}/tables").json()["tables"]
        assert [t["name"] for t in tables] == ["employees", "offices", "sales"]
        # Closed to end users: the demo source is still their only one, the new one unseen.
        assert made["end_users"] == "closed"
        token = mint(admin_api, "alice", attributes={"region": "North"})

        def offices(**body: Any) -> httpx.Response:
            return httpx.post(
                f"{reader_env['PLOTBOARD_URL']}/api/v1/embed/query",
                headers={"Authorization": f"Bearer {token}"},
                json={"query": {"table": "offices", "measures": [{"agg": "count"}]}, **body},
            )

        assert offices().status_code == 200
        hidden = offices(source=made["id"])
        assert hidden.status_code == 404 and made["id"] in hidden.json()["detail"]
        # Opened (the docs' example): with two open sources, an embed query must say which one.
        env = {**reader_env, "ARCHIVE_ID": made["id"]}
        opened = run_bash(example("open-source"), env, workdir)
        assert opened.answer.status == 200, opened.stdout
        assert opened.answer.json()["end_users"] == "open"
        answer = offices()
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "source"
        assert offices(source=made["id"]).json()["rows"] == [[10]]
        # Creating it again: the name is taken.
        again = run_bash(example("create-source"), reader_env, workdir)
        assert again.answer.status == 409 and again.answer.json()["code"] == "source_exists"
    finally:
        _delete_sources_named(admin_api, "Sales archive")
    _only_the_demo_source(admin_api, reader_env)


def test_a_failing_connection_saves_nothing(
    reader_env: dict[str, str], admin_api: httpx.Client
) -> None:
    answer = admin_api.post(
        "/api/v1/admin/sources",
        json={"name": "Shop", "connection": {"kind": "sqlite", "path": "/srv/data/shop.sqlite"}},
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body.pop("request_id") == answer.headers["x-request-id"]
    assert body == {
        "detail": "There is no file at /srv/data/shop.sqlite.",
        "code": "connection_file_not_found",
    }
    _only_the_demo_source(admin_api, reader_env)


@covers("update-source")
def test_update_source(reader_env: dict[str, str], workdir: Path, archive: dict[str, Any]) -> None:
    run = run_bash(example("update-source"), {**reader_env, "ARCHIVE_ID": archive["id"]}, workdir)
    assert run.answer.status == 200, run.stdout
    changed = run.answer.json()
    assert changed["name"] == "Sales archive (2023)"
    assert changed["settings"] == {
        "timeout_seconds": 20,
        "row_cap": 5000,
        "cache_ttl_seconds": 3600,
    }
    assert changed["connection"] == archive["connection"]


@covers("route-source", "unroute-source")
def test_route_source(reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client) -> None:
    source = reader_env["SOURCE_ID"]

    def count(region: object) -> httpx.Response:
        attributes = {} if region is None else {"region": region}
        token = mint(admin_api, f"routed-{region}", attributes=attributes)
        return httpx.post(
            f"{reader_env['PLOTBOARD_URL']}/api/v1/embed/query",
            headers={"Authorization": f"Bearer {token}"},
            json={"query": {"table": "sales", "measures": [{"agg": "count"}]}},
        )

    before = count("North").json()["rows"]
    try:
        run = run_bash(example("route-source"), reader_env, workdir)
        assert run.answer.status == 200, run.stdout
        assert run.answer.json()["routing"] == {
            "attribute": "region", "mode": "database",
            "map": {"North": "demo", "South": "demo"}, "max_pools": 16,
        }  # fmt: skip
        assert count("North").json()["rows"] == before  # demo.sqlite is North's database
        for region in ("East", None):  # not mapped, no attribute: 403 and no rows
            refused = count(region)
            assert refused.status_code == 403, refused.text
            body = refused.json()
            body.pop("request_id")
            assert body == json_block("data-sources.md", '"tenant_unknown"')
    finally:
        run = run_bash(example("unroute-source"), reader_env, workdir)
        assert run.answer.status == 200, run.stdout
        assert run.answer.json()["routing"] is None
    assert count("East").status_code == 200
    assert admin_api.get(f"/api/v1/admin/sources/{source}").json()["routing"] is None


@covers("refresh-source")
def test_refresh_source(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("refresh-source"), reader_env, workdir)
    assert run.answer.status == 200, run.stdout
    assert run.answer.json() == json_block("data-sources.md", '"added"')


@covers("test-saved-source")
def test_test_saved_source(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("test-saved-source"), reader_env, workdir)
    assert run.answer.status == 200, run.stdout
    assert run.answer.json()["ok"] is True


@covers("delete-source")
def test_delete_source(
    reader_env: dict[str, str], workdir: Path, archive: dict[str, Any], admin_api: httpx.Client
) -> None:
    env = {**reader_env, "ARCHIVE_ID": archive["id"]}
    run = run_bash(example("delete-source"), env, workdir)
    assert run.answer.status == 204, run.stdout
    assert admin_api.get(f"/api/v1/admin/sources/{archive['id']}").status_code == 404
    again = run_bash(example("delete-source"), env, workdir)
    assert again.answer.status == 404 and again.answer.json()["code"] == "not_found"


def test_passwords_are_never_shown() -> None:
    documented = json_block("data-sources.md", '"has_password": true')
    assert "s3cret" not in str(documented) and ":***@" in documented["display"]
    assert set(documented) == SOURCE_KEYS


# --- the catalog -----------------------------------------------------------------------------


def _column(admin_api: httpx.Client, env: dict[str, str], table: str, name: str) -> Any:
    tables = admin_api.get(f"/api/v1/admin/sources/{_source_id(env)}/tables").json()["tables"]
    columns = next(t for t in tables if t["name"] == table)["columns"]
    return next(c for c in columns if c["name"] == name)


def _patch_column(
    admin_api: httpx.Client, env: dict[str, str], table: str, name: str, **fields: Any
) -> None:
    answer = admin_api.patch(
        f"/api/v1/admin/sources/{_source_id(env)}/tables/{table}/columns/{name}", json=fields
    )
    assert answer.status_code == 200, answer.text


@covers("read-tables")
def test_read_tables(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("read-tables"), reader_env, workdir)
    assert run.answer.status == 200, run.stdout
    tables = {t["name"]: t for t in run.answer.json()["tables"]}
    assert set(tables) == {"employees", "offices", "sales"}
    sales = tables["sales"]
    assert set(sales) == {
        "name",
        "schema",
        "display_name",
        "description",
        "description_reviewed",
        "hidden",
        "primary_key",
        "foreign_keys",
        "columns",
        "edited",
        "refreshed_at",
    }
    assert sales["schema"] is None and sales["primary_key"] == ["sale_id"]
    assert sales["foreign_keys"] == [
        {
            "columns": ["employee_id"],
            "ref_table": "employees",
            "ref_columns": ["employee_id"],
            "ref_schema": None,
        }
    ]
    assert set(sales["columns"][0]) == {
        "name",
        "type",
        "native_type",
        "nullable",
        "display_name",
        "description",
        "semantic_type",
        "hidden",
        "edited",
    }


@covers("edit-column")
def test_edit_column_and_the_edit_survives_a_refresh(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    try:
        run = run_bash(example("edit-column"), reader_env, workdir)
        assert run.answer.status == 200, run.stdout
        column = run.answer.json()
        assert column["display_name"] == "Annual salary"
        assert column["semantic_type"] == "currency"
        assert column["edited"] == ["description", "display_name", "semantic_type"]
        refreshed = admin_api.post(f"/api/v1/admin/sources/{_source_id(reader_env)}/refresh")
        assert refreshed.status_code == 200
        after = _column(admin_api, reader_env, "employees", "salary")
        assert after["display_name"] == "Annual salary"
        assert after["description"] == "Gross yearly salary in US dollars."
        # The embed catalog shows it.
        catalog = httpx.get(
            f"{reader_env['PLOTBOARD_URL']}/api/v1/embed/catalog",
            headers={"Authorization": f"Bearer {reader_env['TOKEN']}"},
        ).json()
        employees = next(t for t in catalog["sources"][0]["tables"] if t["name"] == "employees")
        salary = next(c for c in employees["columns"] if c["name"] == "salary")
        assert salary["display_name"] == "Annual salary"
    finally:
        _patch_column(
            admin_api,
            reader_env,
            "employees",
            "salary",
            display_name=None,
            description=None,
            semantic_type=None,
        )


def test_the_semantic_types_are_the_documented_ones() -> None:
    from plotboard.catalog.store import SEMANTIC_TYPES

    text = (Path(__file__).parents[2] / "docs" / "data-sources.md").read_text(encoding="utf-8")
    listed = ", ".join(f"`{name}`" for name in SEMANTIC_TYPES)
    assert listed in text.replace("\n", " ")


@covers("hide-column")
def test_hide_column(reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client) -> None:
    url = reader_env["PLOTBOARD_URL"]
    headers = {"Authorization": f"Bearer {reader_env['TOKEN']}"}
    try:
        run = run_bash(example("hide-column"), reader_env, workdir)
        assert run.answer.status == 200, run.stdout
        assert run.answer.json()["hidden"] is True
        spec = {"table": "employees", "dimensions": [{"column": "email"}]}
        refused = httpx.post(f"{url}/api/v1/embed/query", headers=headers, json={"query": spec})
        assert refused.status_code == 422 and refused.json()["code"] == "hidden_column"
        catalog = httpx.get(f"{url}/api/v1/embed/catalog", headers=headers).json()
        employees = next(t for t in catalog["sources"][0]["tables"] if t["name"] == "employees")
        assert "email" not in {c["name"] for c in employees["columns"]}
        sql_token = mint(
            admin_api, "analyst", attributes={"location": ["Paris"]}, permissions={"sql": True}
        )
        star = httpx.post(
            f"{url}/api/v1/embed/query",
            headers={"Authorization": f"Bearer {sql_token}"},
            json={"sql": "SELECT * FROM employees LIMIT 1"},
        )
        assert star.status_code == 200, star.text
        assert "email" not in {c["name"] for c in star.json()["columns"]}
    finally:
        _patch_column(admin_api, reader_env, "employees", "email", hidden=False)


# --- access rules ----------------------------------------------------------------------------


def _rules(admin_api: httpx.Client, env: dict[str, str]) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = admin_api.get(
        f"/api/v1/admin/sources/{_source_id(env)}/rules"
    ).json()["rules"]
    return rules


def _remove_offices_rule(admin_api: httpx.Client, env: dict[str, str]) -> None:
    answer = admin_api.delete(f"/api/v1/admin/sources/{_source_id(env)}/rules/offices")
    assert answer.status_code in (204, 404), answer.text
    gone = admin_api.delete("/api/v1/admin/token-attributes/all_offices")
    assert gone.status_code in (204, 404), gone.text


def _count_offices(env: dict[str, str], token: str) -> tuple[int, list[str]]:
    answer = httpx.post(
        f"{env['PLOTBOARD_URL']}/api/v1/embed/query",
        headers={"Authorization": f"Bearer {token}"},
        json={"query": {"table": "offices", "measures": [{"agg": "count"}]}},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return body["rows"][0][0], body["security_filters"]


@covers("list-rules")
def test_list_rules(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("list-rules"), reader_env, workdir)
    assert run.answer.status == 200, run.stdout
    assert run.answer.json() == json_block("data-sources.md", '{"rules": [')


@covers("create-rule")
def test_create_rule(reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client) -> None:
    _remove_offices_rule(admin_api, reader_env)
    alice = {"region": "North", "location": ["Paris", "London", "Berlin"]}
    try:
        assert _count_offices(reader_env, mint(admin_api, "alice", attributes=alice)) == (10, [])
        run = run_bash(example("create-rule"), reader_env, workdir)
        attribute, rule = run.answers
        assert attribute.status == 201, attribute.text
        assert rule.status == 200, rule.text
        assert rule.json() == {
            "table": "offices",
            "conditions": [
                {
                    "any": [
                        {"column": "city", "op": "in", "attribute": "location"},
                        {"op": "is_set", "attribute": "all_offices"},
                    ]
                }
            ],
        }
        count, filters = _count_offices(reader_env, mint(admin_api, "alice", attributes=alice))
        assert count == 3
        assert filters == [
            "offices.city IN ('Paris', 'London', 'Berlin') OR user.all_offices is set (not set)"
        ]
        boss = mint(admin_api, "boss", attributes={"all_offices": True})
        assert _count_offices(reader_env, boss)[0] == 10
        # Fail closed: no attribute at all, no office.
        assert _count_offices(reader_env, mint(admin_api, "nobody"))[0] == 0
    finally:
        _remove_offices_rule(admin_api, reader_env)
    assert [r["table"] for r in _rules(admin_api, reader_env)] == ["employees", "sales"]


@covers("rule-refused")
def test_rule_refused(reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client) -> None:
    run = run_bash(example("rule-refused"), reader_env, workdir)
    assert run.answer.status == 422, run.stdout
    assert run.answer.json() == json_block("data-sources.md", "compares with one value")
    assert "offices" not in {r["table"] for r in _rules(admin_api, reader_env)}


@covers("delete-rule")
def test_delete_rule(reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client) -> None:
    saved = admin_api.put(
        f"/api/v1/admin/sources/{reader_env['SOURCE_ID']}/rules/offices",
        json={"conditions": [{"column": "city", "op": "in", "attribute": "location"}]},
    )
    assert saved.status_code == 200, saved.text
    try:
        run = run_bash(example("delete-rule"), reader_env, workdir)
        assert run.answer.status == 204, run.stdout
        again = run_bash(example("delete-rule"), reader_env, workdir)
        assert again.answer.status == 404 and again.answer.json()["code"] == "not_found"
    finally:
        _remove_offices_rule(admin_api, reader_env)
    # Without a rule, offices is not filtered at all.
    assert _count_offices(reader_env, mint(admin_api, "nobody"))[0] == 10


@covers("attribute-in-use")
def test_attribute_in_use(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("attribute-in-use"), reader_env, workdir)
    assert run.answer.status == 409, run.stdout
    assert run.answer.json() == json_block("data-sources.md", '"attribute_in_use"')


@covers("analyze-start")
def test_analyze_start(reader_env: dict[str, str], admin_api: httpx.Client, workdir: Path) -> None:
    import time

    answer = run_bash(example("analyze-start"), reader_env, workdir).answer
    assert answer.status == 202, answer.text
    job = answer.json()
    assert job["status"] in ("queued", "running", "done")
    deadline = time.monotonic() + 60
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = admin_api.get(f"/api/v1/admin/analyze/{job['id']}").json()
    assert job["status"] == "done", job
    proposals = {(p["table"], p.get("column")): p for p in job["proposals"]}
    assert proposals[("offices", "city")]["fields"]["semantic_type"] == "city"
    assert proposals[("employees", "salary")]["fields"]["semantic_type"] == "currency"


@covers("postgres-schema")
def test_postgres_schema_through_the_search_path(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    """The documented `options` really choose the schema whose tables plotboard reads."""
    with temporary_postgres_database() as url:
        engine = sa.create_engine(url)
        role = f"reader_{uuid.uuid4().hex[:8]}"
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE SCHEMA analytics"))
            conn.execute(sa.text("CREATE TABLE analytics.visits (visit_id int PRIMARY KEY)"))
            conn.execute(sa.text("CREATE TABLE public.users (user_id int PRIMARY KEY)"))
            conn.execute(sa.text(f"CREATE ROLE {role} LOGIN"))
            conn.execute(sa.text(f"GRANT USAGE ON SCHEMA analytics TO {role}"))
            conn.execute(sa.text(f"GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO {role}"))
        parsed = sa.engine.make_url(url)
        env = {**reader_env, "PG_HOST": str(parsed.host), "PG_DATABASE": str(parsed.database)}
        code = example("postgres-schema")
        # The reader's own account name; the test's is unique so parallel runs don't collide.
        code = dataclasses.replace(code, code=code.code.replace("plotboard_reader", role))
        _delete_sources_named(admin_api, "Analytics")
        try:
            run = run_bash(code, env, workdir)
            assert run.answer.status == 201, run.stdout
            made = run.answer.json()
            tables = admin_api.get(f"/api/v1/admin/sources/{made['id']}/tables").json()
            assert [t["name"] for t in tables["tables"]] == ["visits"]
        finally:
            _delete_sources_named(admin_api, "Analytics")
            with engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA analytics CASCADE"))
                conn.execute(sa.text(f"DROP ROLE {role}"))
            engine.dispose()


@covers("source-pool-settings")
def test_source_pool_settings(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    source_id = _source_id(reader_env)
    try:
        run = run_bash(example("source-pool-settings"), reader_env, workdir)
        assert run.answer.status == 200, run.stdout
        settings = run.answer.json()["settings"]
        assert (settings["pool_size"], settings["max_overflow"]) == (3, 2)
        refused = admin_api.patch(
            f"/api/v1/admin/sources/{source_id}", json={"settings": {"pool_size": 0}}
        )
        assert refused.status_code == 422 and "settings.pool_size" in refused.text
    finally:
        # Back to the server's sizing for the other examples (null: not set).
        admin_api.patch(
            f"/api/v1/admin/sources/{source_id}",
            json={"settings": {"pool_size": None, "max_overflow": None}},
        )
    shown = admin_api.get(f"/api/v1/admin/sources/{source_id}").json()["settings"]
    assert "pool_size" not in shown


_CLICKHOUSE_EVENTS = """
import sys
import clickhouse_connect

client = clickhouse_connect.get_client(interface="chdb", path=sys.argv[1])
client.command("CREATE DATABASE events")
client.command(
    "CREATE TABLE events.page_views (viewed_at DateTime, page LowCardinality(String), "
    "user_id UInt64, duration_ms Nullable(UInt32)) ENGINE = MergeTree ORDER BY viewed_at"
)
client.command(
    "INSERT INTO events.page_views SELECT toDateTime('2024-01-01 00:00:00') + number * 60, "
    "['/home', '/pricing', '/docs'][number % 3 + 1], number % 97, number % 1000 "
    "FROM numbers(10000)"
)
"""


@pytest.mark.clickhouse
@covers("clickhouse-source")
def test_clickhouse_source(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    """The documented source, on ClickHouse's engine in the demo server's process (chDB):
    the connection's server fields are swapped for the options that reach it (see the text)."""
    import json
    import subprocess
    import sys

    from tests.services import chdb_path

    chdb_path()  # chDB and clickhouse-connect are installed (fails under CI=true otherwise)
    folder = workdir / "clickhouse"
    # Filled by a process of its own: one chDB engine per process, and the demo server's is
    # the one that reads this folder.
    subprocess.run([sys.executable, "-c", _CLICKHOUSE_EVENTS, str(folder)], check=True)
    code = example("clickhouse-source")
    server_fields = (
        '"host": "$CH_HOST", "port": 8443, "user": "plotboard_reader",\n'
        '                "password": "$CH_PASSWORD", "database": "events", '
        '"options": {"secure": true}'
    )
    assert server_fields in code.code
    chdb = json.dumps({"interface": "chdb", "path": str(folder)})
    swapped = f'"host": "localhost", "user": "default", "database": "events", "options": {chdb}'
    code = dataclasses.replace(code, code=code.code.replace(server_fields, swapped))
    _delete_sources_named(admin_api, "Events")
    try:
        run = run_bash(code, reader_env, workdir)
        assert run.answer.status == 201, run.stdout
        made = run.answer.json()
        assert made["kind"] == "clickhouse"
        tables = admin_api.get(f"/api/v1/admin/sources/{made['id']}/tables").json()["tables"]
        assert [t["name"] for t in tables] == ["page_views"]
        types = {c["name"]: c["type"] for c in tables[0]["columns"]}
        assert types == {
            "viewed_at": "datetime",
            "page": "string",
            "user_id": "integer",
            "duration_ms": "integer",
        }
        asked = admin_api.post(
            f"/api/v1/admin/sources/{made['id']}/test",
        )
        assert asked.status_code == 200 and asked.json()["ok"] is True, asked.text
        assert asked.json()["server_version"].startswith("ClickHouse ")
    finally:
        _delete_sources_named(admin_api, "Events")
        _only_the_demo_source(admin_api, reader_env)
