"""Per-tenant routing through HTTP, on real databases: PostgreSQL databases per tenant,
PostgreSQL schemas per tenant, SQLite files per tenant. Each token sees its tenant's rows only,
under the access rules; a token without a tenant gets a 403 and no rows; the result cache never
crosses tenants; the admin API validates routing; MCP and the AI's values go the same way."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.ai.ask import column_values
from plotboard.api.mcp_tools import _rows
from plotboard.auth.attribute_store import AttributeIn, create_attribute
from plotboard.query.run import QueryRequest
from tests.api.conftest import Org
from tests.services import temporary_postgres_database

COUNT = {"table": "sales", "measures": [{"agg": "count"}]}
BY_REGION = {"table": "sales", "dimensions": [{"column": "region"}], "measures": [{"agg": "count"}]}

# Rows per database: (North, South). The base database has rows no tenant may ever see.
BASE, ACME, GLOBEX = (5, 5), (2, 1), (3, 4)


def _fill(conn: sa.Connection, schema: str | None, rows: tuple[int, int]) -> None:
    table = f"{schema}.sales" if schema else "sales"
    conn.execute(sa.text(f"CREATE TABLE {table} (id int PRIMARY KEY, region text, amount int)"))
    values = [("North", i) for i in range(rows[0])] + [("South", i) for i in range(rows[1])]
    for i, (region, n) in enumerate(values):
        conn.execute(
            sa.text(f"INSERT INTO {table} VALUES (:i, :r, :a)"), {"i": i, "r": region, "a": n}
        )


@pytest.fixture(scope="module")
def pg_databases() -> Iterator[tuple[str, str, str]]:
    """A base database and the databases of tenants acme and globex: same table, other rows."""
    with (
        temporary_postgres_database() as base,
        temporary_postgres_database() as acme,
        temporary_postgres_database() as globex,
    ):
        for url, rows in ((base, BASE), (acme, ACME), (globex, GLOBEX)):
            engine = sa.create_engine(url)
            with engine.begin() as conn:
                _fill(conn, None, rows)
            engine.dispose()
        yield base, str(sa.make_url(acme).database), str(sa.make_url(globex).database)


@pytest.fixture(scope="module")
def pg_schemas() -> Iterator[str]:
    """One database: the base table in public, tenants' tables in tenant_acme, tenant_globex."""
    with temporary_postgres_database() as url:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            _fill(conn, None, BASE)
            for schema, rows in (("tenant_acme", ACME), ("tenant_globex", GLOBEX)):
                conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
                _fill(conn, schema, rows)
        engine.dispose()
        yield url


@pytest.fixture(scope="module")
def sqlite_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """base.sqlite beside t_acme.sqlite and t_globex.sqlite, and a secret.sqlite that no
    template may reach."""
    folder = tmp_path_factory.mktemp("tenants")
    for stem, rows in (("base", BASE), ("t_acme", ACME), ("t_globex", GLOBEX), ("secret", BASE)):
        with sqlite3.connect(folder / f"{stem}.sqlite") as db:
            db.execute("CREATE TABLE sales (id INTEGER PRIMARY KEY, region TEXT, amount INT)")
            values = [("North",)] * rows[0] + [("South",)] * rows[1]
            db.executemany(
                "INSERT INTO sales VALUES (?, ?, 1)", [(i, r) for i, (r,) in enumerate(values)]
            )
    return folder


def _pg_connection(url: str) -> dict[str, Any]:
    u = sa.make_url(url)
    return {"kind": "postgresql", "host": u.host, "port": u.port or 5432,
            "database": u.database, "user": u.username}  # fmt: skip


def _tenant_attribute(org: Org) -> None:
    with org.runtime.store.session() as session:
        create_attribute(session, org.id, AttributeIn(name="tenant", type="string"))


def _source(org: Org, connection: dict[str, Any], routing: dict[str, Any]) -> str:
    _tenant_attribute(org)
    r = org.admin(
        "POST", "/sources", json={"name": "Shop", "connection": connection, "routing": routing}
    )
    assert r.status_code == 201, r.text
    assert r.json()["routing"]["attribute"] == "tenant"
    source = str(r.json()["id"])
    r = org.admin(
        "PUT",
        f"/sources/{source}/rules/sales",
        json={"conditions": [{"column": "region", "op": "eq", "attribute": "region"}]},
    )
    assert r.status_code == 200, r.text
    return source


def _token(org: Org, tenant: Any = None, region: str = "North", **extra: Any) -> str:
    attributes: dict[str, Any] = {"region": region, "tier": 1}
    if tenant is not None:
        attributes["tenant"] = tenant
    return org.token(f"user-{tenant}-{region}", attributes=attributes, **extra)


def _ask(org: Org, token: str, spec: dict[str, Any] | None = None, **body: Any) -> Any:
    payload = {"sql": body.pop("sql")} if "sql" in body else {"query": spec or COUNT}
    return org.embed(token, "POST", "/query", json={**payload, **body})


def _count(org: Org, token: str, **body: Any) -> int:
    r = _ask(org, token, **body)
    assert r.status_code == 200, r.text
    return int(r.json()["rows"][0][0])


def _refused(org: Org, token: str, *names: str) -> None:
    r = _ask(org, token)
    assert r.status_code == 403, r.text
    body = r.json()
    assert body["code"] == "tenant_unknown" and "rows" not in body
    assert "not mapped to a database" in body["detail"]
    for name in names:  # neither other tenants nor where their data lives
        assert name not in r.text


def _routes_each_tenant_to_its_rows(org: Org, *hidden: str, mapped: bool = False) -> None:
    # Each tenant's own rows, under the rule region = user.region.
    assert _count(org, _token(org, "acme")) == ACME[0]
    assert _count(org, _token(org, "globex")) == GLOBEX[0]
    assert _count(org, _token(org, "acme", "South")) == ACME[1]
    assert _count(org, _token(org, "globex", "South")) == GLOBEX[1]
    # No tenant, an unmapped one, or one of another type: 403, never the base rows.
    _refused(org, _token(org), *hidden)
    _refused(org, _token(org, "acme.x"), *hidden)
    if mapped:
        _refused(org, _token(org, "initech"), *hidden)
    else:  # a template makes a name of any safe value: one that does not exist fails there
        r = _ask(org, _token(org, "initech"))
        assert r.status_code in (400, 503) and "rows" not in r.json(), r.text
        assert not any(name in r.text for name in hidden), r.text


def _cache_stays_within_a_tenant(org: Org) -> None:
    spec = {**BY_REGION, "limit": 7}  # a spec no other test runs: a cold cache
    acme, globex = _token(org, "acme"), _token(org, "globex")
    first = _ask(org, acme, spec).json()
    second = _ask(org, globex, spec).json()
    assert first["sql"] == second["sql"] and first["cache"] == second["cache"] == "miss"
    assert first["rows"] == [["North", ACME[0]]] and second["rows"] == [["North", GLOBEX[0]]]
    again = _ask(org, acme, spec).json()
    assert again["cache"] == "hit" and again["rows"] == [["North", ACME[0]]]


def test_postgres_database_per_tenant(org: Org, pg_databases: tuple[str, str, str]) -> None:
    base, acme_db, globex_db = pg_databases
    routing = {"attribute": "tenant", "mode": "database",
               "map": {"acme": acme_db, "globex": globex_db}}  # fmt: skip
    source = _source(org, _pg_connection(base), routing)
    _routes_each_tenant_to_its_rows(
        org, acme_db, globex_db, "globex", "127.0.0.1", mapped=True
    )
    _cache_stays_within_a_tenant(org)
    assert set(org.runtime.pool.tenant_pools(source)) == {acme_db, globex_db}
    # The catalog is the base database's, defined once.
    tables = org.admin("GET", f"/sources/{source}/tables").json()["tables"]
    assert [t["name"] for t in tables] == ["sales"]
    # Raw SQL (permitted by the token) runs on the tenant's database too.
    sql_token = _token(org, "globex", permissions={"sql": True})
    assert _count(org, sql_token, sql="SELECT count(*) FROM sales") == GLOBEX[0]


def test_postgres_schema_per_tenant(org: Org, pg_schemas: str) -> None:
    routing = {"attribute": "tenant", "mode": "schema", "template": "tenant_{value}"}
    _source(org, _pg_connection(pg_schemas), routing)
    _routes_each_tenant_to_its_rows(org, "tenant_acme", "tenant_globex", "globex")
    _cache_stays_within_a_tenant(org)
    # Raw SQL (a CTE, a self-join) reads the tenant's schema, under the rules.
    sql_token = _token(org, "acme", permissions={"sql": True})
    assert _count(org, sql_token, sql="SELECT count(*) FROM sales") == ACME[0]
    body = _ask(org, sql_token, sql="WITH n AS (SELECT id FROM sales) SELECT count(*) FROM n "
                "JOIN sales s ON s.id = n.id JOIN sales t ON t.id = s.id").json()
    assert body["rows"] == [[ACME[0]]], body


def test_sqlite_file_per_tenant(org: Org, sqlite_folder: Path) -> None:
    routing = {"attribute": "tenant", "mode": "database", "template": "t_{value}",
               "max_pools": 1}  # fmt: skip
    source = _source(org, {"kind": "sqlite", "path": str(sqlite_folder / "base.sqlite")}, routing)
    _routes_each_tenant_to_its_rows(org, "t_acme", "t_globex", "globex", str(sqlite_folder))
    _cache_stays_within_a_tenant(org)
    assert len(org.runtime.pool.tenant_pools(source)) == 1  # bounded: one open at a time
    # No value leaves the folder or reaches another file than t_<value>.sqlite.
    for value in ("../secret", "/tmp/x", "..", "acme/../../secret"):
        _refused(org, _token(org, value), "secret")
    r = _ask(org, _token(org, "nobody"))  # a safe name without a file
    assert r.status_code == 503 and str(sqlite_folder) not in r.text, r.text


def test_mcp_and_ai_values_are_routed(org: Org, sqlite_folder: Path) -> None:
    routing = {"attribute": "tenant", "mode": "database", "template": "t_{value}"}
    source = _source(org, {"kind": "sqlite", "path": str(sqlite_folder / "base.sqlite")}, routing)
    runtime = org.runtime

    def user(tenant: str | None, region: str = "South") -> Any:
        return runtime.tokens.verify(_token(org, tenant, region))

    rows = asyncio.run(_rows(runtime, user("globex"), QueryRequest(query=COUNT), 10))["rows"]
    assert rows == [[GLOBEX[1]]]
    with pytest.raises(Exception) as caught:
        asyncio.run(_rows(runtime, user(None), QueryRequest(query=COUNT), 10))
    assert getattr(caught.value, "code", None) == "tenant_unknown"

    # The AI's filter words come from the user's tenant only; none without a tenant.
    with sqlite3.connect(sqlite_folder / "t_acme.sqlite") as db:
        db.execute("CREATE TABLE IF NOT EXISTS extra (x INT)")  # no effect on the catalog
    context = runtime.source_context(org.id, source)
    assert column_values(runtime, user("acme", "North"), context) == {
        ("sales", "region"): ["North"]
    }
    assert column_values(runtime, user(None), context) == {}


def test_admin_api_validates_routing(org: Org, sqlite_folder: Path, pg_schemas: str) -> None:
    _tenant_attribute(org)
    lite = {"kind": "sqlite", "path": str(sqlite_folder / "base.sqlite")}

    def create(routing: Any, connection: dict[str, Any] = lite) -> Any:
        return org.admin(
            "POST", "/sources", json={"name": "R", "connection": connection, "routing": routing}
        )

    cases = [
        ({"attribute": "tenant", "mode": "schema", "template": "{value}"}, "routing.mode"),
        ({"attribute": "tenant", "mode": "database", "map": {"a": "../x"}}, "routing.map"),
        ({"attribute": "tenant", "mode": "database", "template": "x"}, "routing.template"),
        ({"attribute": "tenant", "mode": "database"}, "routing.map"),
        ({"attribute": "tenant", "mode": "rows", "template": "{value}"}, "routing.mode"),
        ({"attribute": "nope", "mode": "database", "template": "{value}"}, "routing.attribute"),
        ({"attribute": "tier", "mode": "database", "template": "{value}"}, None),  # a number
        ({"attribute": "location", "mode": "database", "template": "{value}"},
         "routing.attribute"),  # a list: not one tenant
    ]  # fmt: skip
    for routing, field in cases:
        r = create(routing)
        if field is None:
            assert r.status_code == 201, r.text
            assert org.admin("DELETE", f"/sources/{r.json()['id']}").status_code == 204
            continue
        assert r.status_code == 422, (routing, r.text)
        assert r.json()["errors"][0]["field"] == field, r.text
    assert org.admin("GET", "/sources").json()["sources"] == []  # nothing half-written

    # PATCH replaces the routing, null removes it; the change applies at once.
    source = create(None, _pg_connection(pg_schemas)).json()["id"]
    token = _token(org, "acme")
    assert _count(org, token) == sum(BASE)  # no rules on this source: every row
    routing = {"attribute": "tenant", "mode": "schema", "template": "tenant_{value}"}
    r = org.admin("PATCH", f"/sources/{source}", json={"routing": routing})
    assert r.status_code == 200 and r.json()["routing"]["mode"] == "schema", r.text
    assert _count(org, token) == sum(ACME)
    _refused(org, _token(org))
    r = org.admin("PATCH", f"/sources/{source}", json={"routing": {"attribute": "tenant"}})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "routing.mode", r.text
    r = org.admin("PATCH", f"/sources/{source}", json={"routing": None})
    assert r.status_code == 200 and r.json()["routing"] is None
    assert _count(org, token) == sum(BASE)
