"""End-to-end `/api/v1/embed/query` against the raw driver on the same final SQL.

PostgreSQL, a generated `bench_sales` table of 1,000,000 rows, an access rule on it, the result
cache off. For each query shape the API call (A) and the driver call (B) alternate in one
process, and the per-pair difference is the server's overhead: HTTP, token check, compile and
rules (memoized), result cache lookup, pool checkout, read-only transaction, JSON encoding.

    .venv/bin/python bench/bench_query.py [--runs 200] [--rows 1000000]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from typing import Any

import httpx
import psycopg
import sqlalchemy as sa

from harness import PG_ADMIN, SECRET, median_ms, running_server, table
from plotboard.config import Settings
from plotboard.query.prepare import PreparedQuery, prepare_query
from plotboard.query.spec import parse_spec
from plotboard.runtime import Runtime
from plotboard.store.models import Organization

DB = "plotboard_bench"

QUERIES: dict[str, dict[str, Any]] = {
    "one day, by product (index scan)": {
        "table": "bench_sales",
        "measures": [{"agg": "sum", "column": "amount"}, {"agg": "count"}],
        "dimensions": [{"column": "product"}],
        "filters": [{"column": "sale_date", "op": "eq", "value": "2024-06-03"}],
        "order_by": [{"by": "sum_amount", "desc": True}],
    },
    "top 10 products in March": {
        "table": "bench_sales",
        "measures": [{"agg": "sum", "column": "amount"}],
        "dimensions": [{"column": "product"}],
        "filters": [
            {"column": "sale_date", "op": "between", "value": ["2024-03-01", "2024-03-31"]}
        ],
        "order_by": [{"by": "sum_amount", "desc": True}],
        "limit": 10,
    },
    "revenue by month, whole table": {
        "table": "bench_sales",
        "measures": [{"agg": "sum", "column": "amount"}],
        "dimensions": [{"column": "sale_date", "grain": "month"}],
    },
}


def ensure_table(rows: int) -> str:
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": DB}
        ).first():
            conn.execute(sa.text(f'CREATE DATABASE "{DB}"'))
    admin.dispose()
    url = sa.make_url(PG_ADMIN).set(database=DB)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        have = conn.execute(sa.text("SELECT to_regclass('bench_sales') IS NOT NULL")).scalar()
        count = conn.execute(sa.text("SELECT count(*) FROM bench_sales")).scalar() if have else 0
        if count != rows:
            print(f"generating bench_sales with {rows:,} rows ...")
            conn.execute(sa.text("DROP TABLE IF EXISTS bench_sales"))
            conn.execute(
                sa.text("""
                CREATE TABLE bench_sales (
                  sale_id bigint PRIMARY KEY, sale_date date NOT NULL, region text NOT NULL,
                  product text NOT NULL, quantity integer NOT NULL,
                  amount numeric(12,2) NOT NULL)""")
            )
            conn.execute(
                sa.text("""
                INSERT INTO bench_sales
                SELECT g, DATE '2023-01-01' + (g % 1095)::int,
                       (ARRAY['North','South','East','West'])[1 + (g % 4)::int],
                       'Product ' || (1 + (g * 7919) % 40), (1 + g % 9)::int,
                       round(((g * 104729) % 100000) / 100.0 + 5, 2)
                FROM generate_series(1::bigint, :n) AS g"""),
                {"n": rows},
            )
            conn.execute(sa.text("CREATE INDEX ON bench_sales (sale_date, region)"))
            conn.execute(sa.text("ANALYZE bench_sales"))
    engine.dispose()
    return url.render_as_string(hide_password=False)


def driver_sql(sql: str) -> str:
    """SQLAlchemy's `:name` placeholders as psycopg's `%(name)s`."""
    return re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", sql.replace("%", "%%"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    url = ensure_table(args.rows)
    pg = sa.make_url(url)
    connection = {
        "kind": "postgresql",
        "host": pg.host,
        "port": pg.port,
        "user": pg.username,
        "database": pg.database,
    }
    rules = [("bench_sales", [{"column": "region", "op": "eq", "attribute": "region"}])]
    with running_server(connection, rules, [("region", "string")], cache_ttl=0) as server:
        token = server.token(region="North")
        api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"})
        dsn = f"host={pg.host} port={pg.port} user={pg.username} dbname={pg.database}"
        raw = psycopg.connect(dsn, autocommit=True)
        results = [
            ["query", "rows", "driver median ms", "API median ms", "overhead median ms", "ratio"]
        ]
        for name, spec in QUERIES.items():
            first = api.post("/api/v1/embed/query", json={"query": spec})
            first.raise_for_status()
            answer = first.json()
            prepared = server_sql(server, spec, {"region": "North"})
            assert prepared.sql == answer["sql"], "the benchmark must run the server's exact SQL"
            sql, params = driver_sql(prepared.sql), dict(prepared.params)
            a_times: list[float] = []
            b_times: list[float] = []
            for _ in range(5):  # warm both paths
                api.post("/api/v1/embed/query", json={"query": spec})
                raw.execute(sql, params).fetchall()
            for _ in range(args.runs):
                t0 = time.perf_counter()
                r = api.post("/api/v1/embed/query", json={"query": spec})
                r.json()
                t1 = time.perf_counter()
                rows = raw.execute(sql, params).fetchall()
                t2 = time.perf_counter()
                assert r.json()["cache"] == "miss"
                a_times.append(t1 - t0)
                b_times.append(t2 - t1)
            overhead = statistics.median(a - b for a, b in zip(a_times, b_times, strict=True))
            results.append(
                [
                    name,
                    str(len(rows)),
                    f"{median_ms(b_times):.2f}",
                    f"{median_ms(a_times):.2f}",
                    f"{overhead * 1000:.2f}",
                    f"{statistics.median(a_times) / statistics.median(b_times):.2f}",
                ]
            )
        raw.close()
    print(f"\nPostgreSQL, {args.rows:,} rows, {args.runs} alternating runs per query, cache off\n")
    print(table(results))


def server_sql(server: Any, spec: dict[str, Any], attributes: dict[str, Any]) -> PreparedQuery:
    """The exact SQL and parameters the server runs for `spec`, prepared the same way."""
    runtime = Runtime(
        Settings(database_url=server.store_url, secret_key=SECRET), run_migrations=False
    )
    try:
        with runtime.store.session() as session:
            org_id = session.scalar(sa.select(Organization.id))
        assert org_id is not None
        ctx = runtime.source_context(org_id, server.source_id)
        return prepare_query(
            parse_spec(spec), ctx.catalog, ctx.rules, attributes, row_cap=ctx.settings.row_cap
        )
    finally:
        runtime.close()


if __name__ == "__main__":
    main()
