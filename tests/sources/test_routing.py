"""Per-tenant routing below the HTTP layer: the routing settings, resolving a user's tenant
(fail closed), a tenant's connection, the pool's tenant engines (real SQLite files and real
PostgreSQL databases, least recently used closed) and schema qualification of checked SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from plotboard.errors import PlotboardError
from plotboard.query.tenant import qualify_tables
from plotboard.sources import SourceConnection, SourcePool
from plotboard.sources.routing import Routing, TenantTarget, resolve_tenant, tenant_connection
from tests.services import PG_ADMIN_URL, temporary_postgres_database

# --- settings --------------------------------------------------------------------------------


def test_routing_takes_a_map_or_a_template_of_safe_names() -> None:
    by_map = Routing(attribute="tenant", mode="database", map={"acme": "acme_db", "7": "t7"})
    assert by_map.name_for("acme") == "acme_db"
    assert by_map.name_for("globex") is None
    by_template = Routing(attribute="tenant", mode="schema", template="tenant_{value}")
    assert by_template.name_for("acme") == "tenant_acme"
    for value in ("", "a.b", "../x", "a/b", "x y", "é", "a;drop", "x" * 63, '"x"'):
        assert by_template.name_for(value) is None, value

    bad = [
        {"attribute": "tenant", "mode": "database"},  # neither
        {"attribute": "tenant", "mode": "database", "map": {"a": "a"}, "template": "{value}"},
        {"attribute": "tenant", "mode": "database", "map": {}},
        {"attribute": "tenant", "mode": "database", "map": {"a": "../other"}},
        {"attribute": "tenant", "mode": "database", "map": {"a": "x.y"}},
        {"attribute": "tenant", "mode": "schema", "template": "tenant"},  # no {value}
        {"attribute": "tenant", "mode": "schema", "template": "{value}_{value}"},
        {"attribute": "tenant", "mode": "schema", "template": "db/{value}"},
        {"attribute": "tenant", "mode": "cluster", "template": "{value}"},
        {"attribute": "", "mode": "schema", "template": "{value}"},
    ]
    for data in bad:
        with pytest.raises(ValidationError):
            Routing.model_validate(data)


def test_a_user_without_a_tenant_is_refused_and_never_told_other_tenants() -> None:
    routing = Routing(attribute="tenant", mode="database", map={"acme": "db_acme", "7": "db_7"})
    assert resolve_tenant(routing, {"tenant": "acme"}, "Sales") == TenantTarget(
        "database", "db_acme", 16
    )
    assert resolve_tenant(routing, {"tenant": 7}, "Sales") == TenantTarget("database", "db_7", 16)
    assert resolve_tenant(None, {}, "Sales") is None  # not routed: the source itself
    for attributes in (
        {},
        {"tenant": None},
        {"tenant": "globex"},
        {"tenant": ["acme"]},
        {"tenant": True},
        {"tenant": 7.5},
        {"region": "acme"},
    ):
        with pytest.raises(PlotboardError) as caught:
            resolve_tenant(routing, attributes, "Sales")
        err = caught.value
        assert (err.status, err.code) == (403, "tenant_unknown")
        assert "Sales" in err.message and "administrator" in err.message
        assert "db_" not in err.message and "acme" not in err.message


def test_a_tenant_connection_replaces_only_the_database() -> None:
    pg = SourceConnection(
        kind="postgresql", host="db", user="bi", password="s3cret", database="base"
    )
    tenant = tenant_connection(pg, "acme")
    assert tenant.database == "acme" and tenant.host == "db"
    assert tenant.password_value() == "s3cret"
    assert tenant.to_url().database == "acme"

    url = SourceConnection(kind="url", url="postgresql+psycopg://bi@db:5433/base?sslmode=require")
    moved = tenant_connection(url, "acme").to_url()
    assert (moved.database, moved.port, moved.query["sslmode"]) == ("acme", 5433, "require")

    lite = SourceConnection(kind="sqlite", path="/data/tenants/base.sqlite")
    assert tenant_connection(lite, "acme").path == "/data/tenants/acme.sqlite"
    lite_url = SourceConnection(kind="url", url="sqlite:////data/tenants/base.db")
    assert tenant_connection(lite_url, "acme").file_path == "/data/tenants/acme.db"
    for unsafe in ("../etc", "a/b", "", "x.y"):
        with pytest.raises(ValueError):
            tenant_connection(lite, unsafe)


# --- the pool's tenant engines ----------------------------------------------------------------


def _sqlite_tenants(folder: Path, counts: dict[str, int]) -> None:
    for stem, n in counts.items():
        with sqlite3.connect(folder / f"{stem}.sqlite") as db:
            db.execute("CREATE TABLE sales (id INTEGER PRIMARY KEY, amount REAL)")
            db.executemany("INSERT INTO sales VALUES (?, ?)", [(i, i * 10.0) for i in range(n)])


def _count(pool: SourcePool, tenant: TenantTarget | None, sql: str = "") -> int:
    result = pool.execute(
        "s", sql or "SELECT count(*) FROM sales", timeout_s=5, row_cap=10, tenant=tenant
    )
    value = result.rows[0][0]
    assert isinstance(value, int)
    return value


def test_sqlite_files_per_tenant_with_a_bounded_pool(tmp_path: Path) -> None:
    _sqlite_tenants(tmp_path, {"base": 1, "t1": 2, "t2": 3, "t3": 4})
    pool = SourcePool()
    pool.register("s", SourceConnection(kind="sqlite", path=str(tmp_path / "base.sqlite")))
    try:
        at = {n: TenantTarget("database", n, max_pools=2) for n in ("t1", "t2", "t3")}
        assert _count(pool, None) == 1
        assert _count(pool, at["t1"]) == 2
        assert _count(pool, at["t2"]) == 3
        assert pool.tenant_pools("s") == ("t1", "t2")
        engine_t1 = pool._tenants[("s", "t1")].engine
        assert engine_t1 is not None
        assert _count(pool, at["t1"]) == 2  # t1 is now the most recently used
        assert _count(pool, at["t3"]) == 4  # a third tenant closes the least recently used: t2
        assert pool.tenant_pools("s") == ("t1", "t3")
        assert pool._tenants[("s", "t1")].engine is engine_t1  # kept, not reopened
        assert _count(pool, at["t2"]) == 3  # reopened on demand, closing t1
        assert pool.tenant_pools("s") == ("t3", "t2")

        # A tenant whose file does not exist fails; it never falls back to the base file.
        with pytest.raises(PlotboardError) as caught:
            _count(pool, TenantTarget("database", "missing", 2))
        assert caught.value.code == "unavailable"
        assert not (tmp_path / "missing.sqlite").exists()  # opened read-only: never created

        # New settings for the source close its tenant engines too.
        pool.register("s", SourceConnection(kind="sqlite", path=str(tmp_path / "t1.sqlite")))
        assert pool.tenant_pools("s") == ()
        assert _count(pool, None) == 2
    finally:
        pool.close()


@pytest.fixture(scope="module")
def pg_tenants() -> Iterator[tuple[str, list[str]]]:
    """A base PostgreSQL database and two tenant databases with the same table, other rows."""
    with (
        temporary_postgres_database() as base,
        temporary_postgres_database() as one,
        temporary_postgres_database() as two,
    ):
        for url, n in ((base, 1), (one, 2), (two, 3)):
            engine = sa.create_engine(url)
            with engine.begin() as conn:
                conn.execute(sa.text("CREATE TABLE sales (id int PRIMARY KEY, amount numeric)"))
                conn.execute(
                    sa.text("INSERT INTO sales SELECT g, g * 10 FROM generate_series(1, :n) g"),
                    {"n": n},
                )
            engine.dispose()
        names = [str(sa.make_url(u).database) for u in (one, two)]
        yield base, names


def test_postgres_databases_per_tenant(pg_tenants: tuple[str, list[str]]) -> None:
    base, (one, two) = pg_tenants
    url = sa.make_url(base)
    pool = SourcePool()
    pool.register(
        "s",
        SourceConnection(
            kind="postgresql", host=url.host, port=url.port, user=url.username,
            database=url.database,
        ),
    )  # fmt: skip
    try:
        assert _count(pool, None) == 1
        assert _count(pool, TenantTarget("database", one, 1)) == 2
        assert _count(pool, TenantTarget("database", two, 1)) == 3
        assert pool.tenant_pools("s") == (two,)  # a bound of one: the first was closed
        # The closed pool's connections are gone from the server, not left idle.
        admin = sa.create_engine(PG_ADMIN_URL)
        with admin.connect() as conn:
            open_on = conn.execute(
                sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d"), {"d": one}
            ).scalar_one()
        admin.dispose()
        assert open_on == 0
        # A tenant database that does not exist fails; never the base database's rows.
        with pytest.raises(PlotboardError) as caught:
            _count(pool, TenantTarget("database", "pb_no_such_tenant", 4))
        assert caught.value.code == "unavailable"
        assert "no_such" not in caught.value.for_end_user().message  # type: ignore[attr-defined]
    finally:
        pool.close()


# --- schema mode: the checked SQL with every base table in the tenant's schema -----------------


def test_schema_qualification_places_every_base_table_and_no_cte() -> None:
    sql = (
        'WITH "x" AS (SELECT "s"."id" AS "id" FROM (SELECT * FROM "public"."sales" WHERE '
        '"sales"."region" = :r0 AND "sales"."note" <> \'a\\:b\' LIMIT ALL) AS "s") '
        'SELECT COUNT(*) AS "n" FROM "x" AS "x" JOIN "offices" AS "o" ON "o"."id" = "x"."id" '
        'WHERE EXISTS (SELECT 1 FROM "sales" AS "z" WHERE "z"."id" = "x"."id") '
        'UNION ALL SELECT 1 FROM "other"."t2"'
    )
    out = qualify_tables(sql, "postgres", "tenant_a")
    assert '"tenant_a"."sales"' in out and '"public"' not in out and '"other"' not in out
    assert '"tenant_a"."offices"' in out and '"tenant_a"."t2"' in out
    assert 'FROM "x" AS "x"' in out  # the CTE stays a CTE
    assert out.count('"tenant_a".') == 4
    assert ":r0" in out and "'a\\:b'" in out  # text() binds and escaped colons survive
    assert qualify_tables("SELECT * FROM `t`", "mysql", "acme") == "SELECT * FROM `acme`.`t`"

    for refused in ("SELECT * FROM generate_series(1, 3)", "SELECT 1; SELECT 2"):
        with pytest.raises(PlotboardError) as caught:
            qualify_tables(refused, "postgres", "tenant_a")
        assert (caught.value.status, caught.value.code) == (400, "tenant_query_refused")
    with pytest.raises(PlotboardError):
        qualify_tables("SELECT 1 FROM t", "postgres", 'x"; DROP')


def test_mariadb_databases_and_schemas_per_tenant() -> None:
    """On MariaDB a schema is a database: mode database opens the tenant's own pool, mode
    schema qualifies the tables and runs on the source's pool; both read the tenant's rows."""
    from tests.services import temporary_mariadb_database

    with (
        temporary_mariadb_database() as base,
        temporary_mariadb_database() as one,
    ):
        for url, n in ((base, 1), (one, 4)):
            engine = sa.create_engine(url)
            with engine.begin() as conn:
                conn.execute(sa.text("CREATE TABLE sales (id int PRIMARY KEY, amount int)"))
                for i in range(n):
                    conn.execute(sa.text("INSERT INTO sales VALUES (:i, 1)"), {"i": i})
            engine.dispose()
        u, tenant = sa.make_url(base), str(sa.make_url(one).database)
        pool = SourcePool()
        pool.register(
            "s",
            SourceConnection(
                kind="mysql", host=u.host, port=u.port, user=u.username, database=u.database
            ),
        )
        try:
            assert _count(pool, None) == 1
            assert _count(pool, TenantTarget("database", tenant, 2)) == 4
            sql = qualify_tables("SELECT COUNT(*) FROM `sales` AS `s`", "mysql", tenant)
            assert sql == f"SELECT COUNT(*) FROM `{tenant}`.`sales` AS `s`"
            assert _count(pool, TenantTarget("schema", tenant, 2), sql) == 4
            assert pool.tenant_pools("s") == (tenant,)  # schema mode opened no pool
        finally:
            pool.close()
