"""The query path through HTTP: sources, catalog edits, access rules, and embed queries."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from plotboard.demo.data import generate_demo_database
from tests.api.conftest import Org
from tests.live_server import DemoServer, running_demo

SALARY_BY_LOCATION = {
    "table": "employees",
    "measures": [{"agg": "avg", "column": "salary"}],
    "dimensions": [{"column": "location"}],
}


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    generate_demo_database(path)
    return path


def _sql(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute(sql, params)]


def _connect(org: Org, db: Path, name: str = "Demo") -> str:
    r = org.admin(
        "POST", "/sources", json={"name": name, "connection": {"kind": "sqlite", "path": str(db)}}
    )
    assert r.status_code == 201, r.text
    assert r.json()["tables"] == 3
    source_id: str = r.json()["id"]
    return source_id


def _rule(
    org: Org, source: str, table: str, conditions: list[dict[str, Any]], expect: int = 200
) -> Any:
    r = org.admin("PUT", f"/sources/{source}/rules/{table}", json={"conditions": conditions})
    assert r.status_code == expect, r.text
    return r.json()


def _query(org: Org, token: str, spec: dict[str, Any], expect: int = 200, **extra: Any) -> Any:
    r = org.embed(token, "POST", "/query", json={"query": spec, **extra})
    assert r.status_code == expect, r.text
    return r.json()


@pytest.fixture
def secured(org: Org, demo_db: Path) -> tuple[Org, str]:
    source = _connect(org, demo_db)
    _rule(org, source, "sales", [{"column": "sales_region", "op": "eq", "attribute": "region"}])
    _rule(org, source, "employees", [{"column": "location", "op": "in", "attribute": "location"}])
    return org, source


def test_rules_cut_rows_to_what_the_user_may_see(secured: tuple[Org, str], demo_db: Path) -> None:
    org, _ = secured
    token = org.token(
        "alice", attributes={"tier": 1, "region": "North", "location": ["Paris", "Tokyo"]}
    )
    body = _query(org, token, SALARY_BY_LOCATION)
    assert body["columns"] == [
        {"name": "location", "type": "string"},
        {"name": "avg_salary", "type": "number"},
    ]
    expected = _sql(
        demo_db,
        "SELECT location, AVG(salary) FROM employees"
        " WHERE location IN ('Paris','Tokyo') GROUP BY 1 ORDER BY 1",
    )
    assert [r[0] for r in body["rows"]] == [e[0] for e in expected]
    assert [r[1] for r in body["rows"]] == pytest.approx([e[1] for e in expected])
    assert body["security_filters"] == ["employees.location IN ('Paris', 'Tokyo')"]
    assert "Paris" not in body["sql"]  # values are bound, never inlined


def test_users_never_share_cache_entries(secured: tuple[Org, str]) -> None:
    org, _ = secured
    spec = {"table": "sales", "measures": [{"agg": "sum", "column": "amount"}]}
    north = org.token("alice", attributes={"tier": 1, "region": "North"})
    south = org.token("bob", attributes={"tier": 1, "region": "South"})
    first = _query(org, north, spec)
    other = _query(org, south, spec)
    again = _query(org, north, spec)
    assert first["cache"] == "miss" and other["cache"] == "miss" and again["cache"] == "hit"
    assert first["rows"] == again["rows"] != other["rows"]


def test_missing_attribute_means_no_rows(secured: tuple[Org, str]) -> None:
    org, _ = secured
    token = org.token("eve", attributes={"tier": 1})
    body = _query(org, token, {"table": "sales", "measures": [{"agg": "count"}]})
    assert body["rows"] == [[0]]


def test_joined_table_is_filtered_too(secured: tuple[Org, str], demo_db: Path) -> None:
    org, _ = secured
    token = org.token("alice", attributes={"tier": 1, "region": "North", "location": ["Paris"]})
    spec = {
        "table": "sales",
        "measures": [{"agg": "count"}],
        "dimensions": [{"column": "employees.location"}],
    }
    rows = {r[0]: r[1] for r in _query(org, token, spec)["rows"]}
    assert set(rows) <= {"Paris", None}
    total = _sql(demo_db, "SELECT COUNT(*) FROM sales WHERE sales_region = 'North'")[0][0]
    assert sum(rows.values()) == total


def test_raw_sql_needs_permission_and_is_secured(secured: tuple[Org, str], demo_db: Path) -> None:
    org, _ = secured
    plain = org.token("alice", attributes={"tier": 1, "region": "North"})
    r = org.embed(plain, "POST", "/query", json={"sql": "SELECT COUNT(*) FROM sales"})
    assert r.status_code == 403 and r.json()["code"] == "sql_not_permitted"
    analyst = org.token(
        "alice", attributes={"tier": 1, "region": "North"}, permissions={"sql": True}
    )
    r = org.embed(
        analyst, "POST", "/query", json={"sql": "select count(*) as n from SALES s where 1=1"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["rows"] == [
        list(_sql(demo_db, "SELECT COUNT(*) FROM sales WHERE sales_region='North'")[0])
    ]
    for hostile in (
        "DROP TABLE sales",
        "SELECT 1; DELETE FROM sales",
        "SELECT * FROM sqlite_master",
    ):
        r = org.embed(analyst, "POST", "/query", json={"sql": hostile})
        assert r.status_code == 400, (hostile, r.text)
        assert "Traceback" not in r.text
    assert _sql(demo_db, "SELECT COUNT(*) FROM sales")[0][0] == 50_000


def test_hidden_columns_and_tables_are_gone_for_end_users(secured: tuple[Org, str]) -> None:
    org, source = secured
    r = org.admin(
        "PATCH", f"/sources/{source}/tables/employees/columns/salary", json={"hidden": True}
    )
    assert r.status_code == 200
    assert (
        org.admin("PATCH", f"/sources/{source}/tables/offices", json={"hidden": True}).status_code
        == 200
    )
    token = org.token("alice", attributes={"tier": 1, "location": ["Paris"]})
    catalog = org.embed(token, "GET", "/catalog").json()["sources"][0]
    tables = {t["name"]: t for t in catalog["tables"]}
    assert "offices" not in tables
    assert "salary" not in {c["name"] for c in tables["employees"]["columns"]}
    assert all(rel["ref_table"] != "offices" for rel in tables["employees"]["relations"])
    body = _query(org, token, SALARY_BY_LOCATION, expect=422)
    assert body["code"] == "hidden_column"
    body = _query(org, token, {"table": "offices", "measures": [{"agg": "count"}]}, expect=422)
    assert body["code"] == "hidden_table"


def test_catalog_edits_survive_a_refresh(secured: tuple[Org, str]) -> None:
    org, source = secured
    org.admin(
        "PATCH",
        f"/sources/{source}/tables/employees",
        json={"display_name": "People", "description": "Staff"},
    )
    org.admin(
        "PATCH",
        f"/sources/{source}/tables/employees/columns/salary",
        json={"display_name": "Pay", "semantic_type": "currency"},
    )
    r = org.admin("POST", f"/sources/{source}/refresh")
    assert r.status_code == 200 and r.json() == {"tables": 3, "added": []}
    tables = {t["name"]: t for t in org.admin("GET", f"/sources/{source}/tables").json()["tables"]}
    assert tables["employees"]["display_name"] == "People"
    salary = next(c for c in tables["employees"]["columns"] if c["name"] == "salary")
    assert salary["display_name"] == "Pay" and salary["semantic_type"] == "currency"
    assert salary["edited"] == ["display_name", "semantic_type"]
    r = org.admin(
        "PATCH",
        f"/sources/{source}/tables/employees/columns/salary",
        json={"semantic_type": "money"},
    )
    assert r.status_code == 422 and "not a semantic type" in r.json()["detail"]


@pytest.mark.parametrize(
    ("table", "conditions", "field", "words"),
    [
        (
            "nope",
            [{"column": "x", "op": "eq", "attribute": "region"}],
            "table",
            "not in the catalog",
        ),
        (
            "sales",
            [{"column": "regio", "op": "eq", "attribute": "region"}],
            "conditions.0.column",
            "does not exist",
        ),
        (
            "sales",
            [{"column": "sales_region", "op": "eq", "attribute": "nope"}],
            "conditions.0.attribute",
            "not a token attribute",
        ),
        (
            "sales",
            [{"column": "quantity", "op": "eq", "attribute": "region"}],
            "conditions.0.attribute",
            "cannot be compared",
        ),
        (
            "employees",
            [{"column": "location", "op": "eq", "attribute": "location"}],
            "conditions.0.op",
            "is a list",
        ),
        (
            "sales",
            [{"column": "sales_region", "op": "like", "attribute": "region"}],
            "conditions",
            "op",
        ),
        (
            "sales",
            [
                {
                    "any": [
                        {"column": "sales_region", "op": "eq", "attribute": "region"},
                        {"column": "zzz", "op": "eq", "attribute": "region"},
                    ]
                }
            ],
            "conditions.0.any.1.column",
            "does not exist",
        ),
    ],
)
def test_bad_rules_are_refused_with_the_culprit_named(
    org: Org, demo_db: Path, table: str, conditions: list[dict[str, Any]], field: str, words: str
) -> None:
    source = _connect(org, demo_db)
    body = _rule(org, source, table, conditions, expect=422)
    assert body["errors"][0]["field"].startswith(field), body
    assert words in body["detail"]
    assert org.admin("GET", f"/sources/{source}/rules").json()["rules"] == []


def test_an_attribute_used_by_a_rule_cannot_be_deleted(secured: tuple[Org, str]) -> None:
    org, _ = secured
    r = org.admin("DELETE", "/token-attributes/region")
    assert r.status_code == 409 and "sales" in r.json()["detail"]


def test_deleting_a_rule_opens_the_table(secured: tuple[Org, str], demo_db: Path) -> None:
    org, source = secured
    assert org.admin("DELETE", f"/sources/{source}/rules/sales").status_code == 204
    token = org.token("eve", attributes={"tier": 1})
    rows = _query(org, token, {"table": "sales", "measures": [{"agg": "count"}]})["rows"]
    assert rows == [[50_000]]


def test_row_cap_is_said_in_the_answer(secured: tuple[Org, str]) -> None:
    org, source = secured
    r = org.admin("PATCH", f"/sources/{source}", json={"settings": {"row_cap": 3}})
    assert r.status_code == 200
    token = org.token("alice", attributes={"tier": 1, "region": "North"})
    body = _query(org, token, {"table": "sales", "dimensions": [{"column": "product"}]})
    assert body["truncated"] is True and body["row_count"] == 3 and body["row_cap"] == 3


def test_connection_problems_are_said_plainly_and_nothing_is_saved(
    org: Org, tmp_path: Path
) -> None:
    r = org.admin(
        "POST",
        "/sources",
        json={"name": "x", "connection": {"kind": "sqlite", "path": str(tmp_path / "none.db")}},
    )
    assert r.status_code == 422 and r.json()["code"] == "connection_file_not_found"
    r = org.admin(
        "POST",
        "/sources",
        json={
            "name": "x",
            "connection": {
                "kind": "postgresql",
                "host": "127.0.0.1",
                "port": 1,
                "user": "u",
                "password": "hunter2",
                "database": "d",
            },
        },
    )
    assert r.status_code == 422 and "hunter2" not in r.text
    r = org.admin("POST", "/sources", json={"name": "x", "connection": {"kind": "oracle9"}})
    assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith("connection")
    assert org.admin("GET", "/sources").json()["sources"] == []


def test_postgres_source_with_password_never_returned(org: Org, postgres_url: str) -> None:
    import sqlalchemy as sa

    url = sa.make_url(postgres_url)
    conn = {
        "kind": "postgresql",
        "host": url.host,
        "port": url.port,
        "user": url.username,
        "password": "s3cret-pw",
        "database": url.database,
    }
    verdict = org.admin("POST", "/sources/test", json=conn).json()
    assert verdict["ok"] is True and verdict["server_version"]
    created = org.admin("POST", "/sources", json={"name": "Warehouse", "connection": conn})
    assert created.status_code == 201, created.text
    assert "s3cret-pw" not in created.text and created.json()["has_password"] is True
    listed = org.admin("GET", "/sources").text
    assert "s3cret-pw" not in listed
    missing = {**conn, "database": "no_such_db_here"}
    verdict = org.admin("POST", "/sources/test", json=missing).json()
    assert verdict["ok"] is False and verdict["code"] == "database_not_found"


def test_no_source_or_several_sources(org: Org, demo_db: Path) -> None:
    token = org.token()
    r = org.embed(token, "POST", "/query", json={"query": SALARY_BY_LOCATION})
    assert r.status_code == 404 and r.json()["code"] == "no_source"
    first = _connect(org, demo_db, "One")
    _connect(org, demo_db, "Two")
    r = org.embed(token, "POST", "/query", json={"query": SALARY_BY_LOCATION})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "source"
    assert (
        org.embed(
            token, "POST", "/query", json={"source": first, "query": SALARY_BY_LOCATION}
        ).status_code
        == 200
    )


def test_another_orgs_source_is_not_found(secured: tuple[Org, str], other_org: Org) -> None:
    _, source = secured
    token = other_org.token()
    r = other_org.embed(
        token, "POST", "/query", json={"source": source, "query": SALARY_BY_LOCATION}
    )
    assert r.status_code == 404
    assert other_org.admin("GET", f"/sources/{source}").status_code == 404
    assert other_org.admin("GET", f"/sources/{source}/rules").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"query": SALARY_BY_LOCATION, "sql": "SELECT 1"}, "body"),
        ({"query": {"table": "employees"}}, "query"),
        ({"query": {**SALARY_BY_LOCATION, "limit": 0}}, "limit"),
        ({"query": SALARY_BY_LOCATION, "rules": []}, "rules"),
    ],
)
def test_bad_query_requests(secured: tuple[Org, str], body: dict[str, Any], field: str) -> None:
    org, _ = secured
    r = org.embed(org.token(), "POST", "/query", json=body)
    assert r.status_code == 422, r.text
    assert field in r.json()["errors"][0]["field"] or field == "body", r.json()


def test_redis_cache_is_shared_by_two_app_servers(tmp_path: Path, demo_db: Path) -> None:
    from fastapi.testclient import TestClient

    from plotboard.app import create_app
    from plotboard.config import Settings
    from plotboard.runtime import Runtime
    from tests.api.conftest import TEST_SECRET, make_org
    from tests.services import redis_url_or_fail

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'store.db'}",
        secret_key=TEST_SECRET,
        redis_url=redis_url_or_fail(),
    )
    one, two = Runtime(settings), Runtime(settings, run_migrations=False)
    one.cache.clear()
    try:
        with (
            TestClient(create_app(runtime=one), base_url="http://plotboard.test") as c1,
            TestClient(create_app(runtime=two), base_url="http://plotboard.test") as c2,
        ):
            org = make_org(one, c1)
            _connect(org, demo_db)
            token = org.token()
            headers = {"Authorization": f"Bearer {token}"}
            body = {"query": SALARY_BY_LOCATION}
            first = c1.post("/api/v1/embed/query", json=body, headers=headers)
            second = c2.post("/api/v1/embed/query", json=body, headers=headers)
            assert first.headers["x-plotboard-cache"] == "miss"
            assert second.headers["x-plotboard-cache"] == "hit"
            assert first.json()["rows"] == second.json()["rows"]
    finally:
        one.cache.clear()
        one.close()
        two.close()


def test_partial_settings_update_keeps_the_others(org: Org, demo_db: Path) -> None:
    source = _connect(org, demo_db)
    org.admin("PATCH", f"/sources/{source}", json={"settings": {"timeout_seconds": 10}})
    r = org.admin("PATCH", f"/sources/{source}", json={"settings": {"row_cap": 100}})
    assert r.json()["settings"] == {"timeout_seconds": 10, "row_cap": 100, "cache_ttl_seconds": 300}
    r = org.admin("PATCH", f"/sources/{source}", json={"settings": {"row_cap": 0}})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "settings.row_cap"


def test_a_source_can_move_to_another_kind(org: Org, demo_db: Path, postgres_url: str) -> None:
    import sqlalchemy as sa

    url = sa.make_url(postgres_url)
    conn = {
        "kind": "postgresql",
        "host": url.host,
        "port": url.port,
        "user": url.username,
        "password": "pw",
        "database": url.database,
    }
    created = org.admin("POST", "/sources", json={"name": "Moving", "connection": conn})
    assert created.status_code == 201, created.text
    moved = org.admin(
        "PATCH",
        f"/sources/{created.json()['id']}",
        json={"connection": {"kind": "sqlite", "path": str(demo_db)}},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["kind"] == "sqlite" and moved.json()["has_password"] is False


def test_attribute_type_cannot_change_under_a_rule(secured: tuple[Org, str]) -> None:
    org, _ = secured
    r = org.admin("PATCH", "/token-attributes/region", json={"type": "number"})
    assert r.status_code == 409 and "sales" in r.json()["detail"]
    assert (
        org.admin("PATCH", "/token-attributes/region", json={"description": "x"}).status_code == 200
    )


@pytest.mark.parametrize(
    ("conditions", "field", "words"),
    [
        (
            [{"column": "sales_region", "op": "like", "attribute": "region"}],
            "conditions.0.op",
            "the operator must be one of eq",
        ),
        ([{"any": []}], "conditions.0.any", "at least 1"),
        (
            [{"column": "sales_region", "op": "eq", "attribute": "region", "x": 1}],
            "conditions.0.x",
            "not part of a rule",
        ),
    ],
)
def test_rule_shape_errors_speak_plainly(
    org: Org, demo_db: Path, conditions: list[dict[str, Any]], field: str, words: str
) -> None:
    source = _connect(org, demo_db)
    body = _rule(org, source, "sales", conditions, expect=422)
    assert body["errors"][0]["field"] == field, body
    assert words in body["detail"] and "function-after" not in body["detail"]
    assert "Value error" not in body["detail"]


def test_sql_syntax_errors_hide_parser_internals(secured: tuple[Org, str]) -> None:
    org, _ = secured
    token = org.token(permissions={"sql": True})
    r = org.embed(token, "POST", "/query", json={"sql": "SELECT 1 FROM"})
    assert r.status_code == 400 and "<Token" not in r.text and "could not be read" in r.text


def test_pointing_a_source_elsewhere_does_not_serve_old_answers(
    secured: tuple[Org, str], tmp_path: Path, demo_db: Path
) -> None:
    org, source = secured
    token = org.token("eve", attributes={"tier": 1, "region": "North"})
    spec = {"table": "sales", "measures": [{"agg": "count"}]}
    before = _query(org, token, spec)["rows"]
    other = tmp_path / "other.sqlite"
    other.write_bytes(demo_db.read_bytes())
    with sqlite3.connect(other) as conn:
        conn.execute("DELETE FROM sales WHERE sale_id % 2 = 0")
    r = org.admin("PATCH", f"/sources/{source}", json={"connection": {"path": str(other)}})
    assert r.status_code == 200, r.text
    after = _query(org, token, spec)
    assert after["cache"] == "miss" and after["rows"] != before


def test_refresh_runs_on_the_database_and_renews_the_cache(secured: tuple[Org, str]) -> None:
    org, _ = secured
    token = org.token("alice", attributes={"tier": 1, "region": "North"})
    spec = {"table": "sales", "measures": [{"agg": "max", "column": "amount"}]}
    assert _query(org, token, spec)["cache"] == "miss"
    assert _query(org, token, spec)["cache"] == "hit"
    assert _query(org, token, spec, refresh=True)["cache"] == "miss"
    assert _query(org, token, spec)["cache"] == "hit"


def test_a_cte_named_like_a_table_runs_on_sqlite_and_stays_filtered(
    secured: tuple[Org, str], demo_db: Path
) -> None:
    org, _ = secured
    token = org.token("alice", attributes={"tier": 1, "region": "North"}, permissions={"sql": True})
    sql = (
        "WITH sales AS (SELECT * FROM sales WHERE amount > 0) "
        "SELECT s.sales_region, COUNT(*) AS n FROM sales AS s GROUP BY s.sales_region"
    )
    r = org.embed(token, "POST", "/query", json={"sql": sql})
    assert r.status_code == 200, r.text
    north = _sql(demo_db, "SELECT COUNT(*) FROM sales WHERE sales_region = 'North' AND amount > 0")
    assert r.json()["rows"] == [["North", north[0][0]]]


# -- size and time bombs --------------------------------------------------------------------------

HUGE_UNION = " UNION ALL ".join(["SELECT 1"] * 1_000)  # 19 kB; seconds of checking before


def test_sql_too_big_to_check_is_refused_with_the_limit_named(secured: tuple[Org, str]) -> None:
    org, _ = secured
    token = org.token("alice", attributes={"tier": 1, "region": "North"}, permissions={"sql": True})
    r = org.embed(token, "POST", "/query", json={"sql": HUGE_UNION})
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "sql_too_complex"
    assert r.json()["detail"] == (
        "The SQL is too complex: it has more than 50 SELECTs (UNION parts and subqueries count). "
        "Combine them, or split the query."
    )


def test_a_huge_answer_is_refused_by_its_size(secured: tuple[Org, str]) -> None:
    org, _ = secured
    token = org.token("alice", attributes={"tier": 1, "region": "North"}, permissions={"sql": True})
    # The shape: 10 MB per row in one printf call. Refused before it runs.
    bomb = "SELECT printf('%.*c', 10000000, 'x') AS x FROM sales"
    r = org.embed(token, "POST", "/query", json={"sql": bomb})
    assert r.status_code == 400 and "PRINTF()" in r.json()["detail"], r.text
    # 10 kB per row, 10,000 rows: 100 MB, over the 20 MB default.
    wide = "SELECT '" + "x" * 9_990 + "' || product AS x FROM sales"
    r = org.embed(token, "POST", "/query", json={"sql": wide})
    assert r.status_code == 400, r.text[:300]
    assert r.json()["code"] == "answer_too_large"
    assert r.json()["detail"] == (
        "This answer is larger than 20 MB; add filters or a limit so that it has fewer rows or "
        "shorter values."
    )
    r = org.embed(token, "POST", "/query", json={"sql": wide + " LIMIT 100"})
    assert r.status_code == 200 and len(r.json()["rows"]) == 100


@pytest.fixture(scope="module")
def live_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with running_demo(tmp_path_factory.mktemp("limits-demo") / "data") as server:
        yield server


def _live_token(server: DemoServer, **permissions: bool) -> dict[str, str]:
    carol = {"region": "East", "location": ["Tokyo", "Singapore", "Sydney", "Mumbai"]}
    r = httpx.post(
        f"{server.url}/api/v1/embed/tokens",
        headers={"Authorization": f"Bearer {server.info['api_key']}"},
        json={"user_id": "carol", "attributes": carol, "permissions": permissions},
        timeout=10,
    )
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_huge_sql_does_not_stall_other_requests(live_demo: DemoServer) -> None:
    url = live_demo.url
    headers = _live_token(live_demo, sql=True)
    tile = {"query": SALARY_BY_LOCATION}
    for _ in range(2):  # the second is served from the cache: the fast path to keep fast
        r = httpx.post(f"{url}/api/v1/embed/query", json=tile, headers=headers, timeout=30)
        assert r.status_code == 200, r.text
    assert r.headers["X-Plotboard-Cache"] == "hit"

    stop = threading.Event()
    refusals: list[httpx.Response] = []
    answers: list[httpx.Response] = []

    def attack(worker: int) -> None:
        with httpx.Client(timeout=60) as client:
            i = 0
            while not stop.is_set():
                i += 1
                refusals.append(client.post(
                    f"{url}/api/v1/embed/query", json={"sql": HUGE_UNION}, headers=headers
                ))
                # Allowed but costly to check: 50 SELECTs, each under the access rule; a new
                # text each time, so it is never memoized.
                big = " UNION ALL ".join(
                    f"SELECT amount FROM sales WHERE amount > {worker * 10_000 + i * 50 + k}"
                    for k in range(50)
                )
                answers.append(
                    client.post(f"{url}/api/v1/embed/query", json={"sql": big}, headers=headers)
                )

    attackers = [threading.Thread(target=attack, args=(n,)) for n in range(3)]
    for thread in attackers:
        thread.start()
    slowest = 0.0
    try:
        with httpx.Client(timeout=30) as client:
            until = time.monotonic() + 6
            while time.monotonic() < until:
                for method, path, body in (
                    ("GET", "/healthz", None),
                    ("POST", "/api/v1/embed/query", tile),
                ):
                    started = time.monotonic()
                    r = client.request(method, f"{url}{path}", json=body, headers=headers)
                    slowest = max(slowest, time.monotonic() - started)
                    assert r.status_code == 200, r.text
                    if body is not None:
                        assert r.headers["X-Plotboard-Cache"] == "hit"
                time.sleep(0.05)
    finally:
        stop.set()
        for thread in attackers:
            thread.join(timeout=60)
    assert refusals and answers, "the attack did not run"
    # Health and cached tiles answered while the attack ran (it took 4-6 s each before the
    # checks moved off the event loop). The bound allows for the usage limits' counting, which
    # without Redis writes to the metadata store on every query (0.85 s worst case here on a
    # quiet machine; the store-backed counters are to get cheaper, issues 15 and 16).
    assert slowest < 2.0, f"a health check or cached tile took {slowest:.2f} s"
    for r in refusals:
        assert r.status_code == 400 and r.json()["code"] == "sql_too_complex", r.text[:300]
        assert "more than 50 SELECTs" in r.json()["detail"]
    assert all(r.status_code == 200 for r in answers), {r.status_code for r in answers}


def test_sigterm_stops_a_running_query(tmp_path: Path) -> None:
    with running_demo(tmp_path / "data") as server:
        headers = _live_token(server, sql=True)
        slow = {"sql": "SELECT count(*) AS n FROM sales a, sales b WHERE a.amount > b.amount"}
        outcome: list[object] = []

        def run() -> None:
            try:
                outcome.append(
                    httpx.post(f"{server.url}/api/v1/embed/query", json=slow, headers=headers,
                               timeout=60)
                )
            except httpx.HTTPError as err:
                outcome.append(err)

        client = threading.Thread(target=run)
        client.start()
        time.sleep(2.0)  # checked and running (it runs for far longer than this)
        assert client.is_alive() and not outcome, outcome
        started = time.monotonic()
        server.process.terminate()
        server.process.wait(timeout=15)
        stopped_after = time.monotonic() - started
        client.join(timeout=10)
    # The query's limit is 30 s; before, the server waited for it (400 rows kept a core busy
    # for 6 minutes after SIGTERM).
    assert stopped_after < 3.0, f"the server took {stopped_after:.1f} s to stop"
    [answer] = outcome
    if isinstance(answer, httpx.Response):
        assert answer.status_code == 503, answer.text
        assert answer.json()["detail"] == (
            "The server is restarting, so the query was stopped; try again in a moment."
        )
