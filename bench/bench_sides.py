"""Side by side at every answer size: plotboard vs the raw driver vs the bare yardstick.

The generated `bench_sales` table of `bench_query.py` (an access rule on it) on PostgreSQL, or
with `--engine` the same table on MariaDB (127.0.0.1:3306, root, database `test`; override with
PLOTBOARD_BENCH_MARIADB_URL), SQLite or DuckDB (files made in the temporary folder); answers
of 10, 1,000, 10,000 and 100,000 rows (three text/date columns and a numeric sum per row). For
each size, in one loop that alternates them request by request:

- **plotboard, uncached**: `POST /api/v1/embed/query` with `"refresh": true` (runs on the
  database every time, then encodes, caches and sends the answer);
- **plotboard, cached**: the same request without `refresh` (the result cache answers);
- **driver**: the engine's own driver (psycopg, PyMySQL, sqlite3, duckdb) running plotboard's
  exact final SQL and parameters, `fetchall()`, on a connection opened once;
- **bare**: a bare FastAPI endpoint that checks a JWT and returns a body of the same size
  (`bare_app.py`, the yardstick of DESIGN.md);
- **plotboard (before)**, with `--before-src DIR`: a second plotboard server run from another
  checkout's `src/` (say `git archive HEAD src | tar -x -C /tmp/before`), uncached.

Then six tiles at once (six threads, each its own connection), uncached, plotboard vs six driver
connections, and the server's RSS at the end. Medians; ratios are medians over medians.
One worker per server, single client: this is latency, not throughput (see bench_cached.py).

    .venv/bin/python bench/bench_sides.py [--runs 60] [--sizes 10,1000,10000,100000]
        [--before-src /tmp/before/src] [--engine postgresql|mariadb|sqlite|duckdb]
        [--cpu-blocks 12]  # also each server's own CPU per request, the bare one's too
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import sqlalchemy as sa

import bare_app
from bench_query import driver_sql, ensure_table, server_sql
from harness import Server, free_port, running_server, table

SIZES = (10, 1_000, 10_000, 100_000)
ENGINES = ("postgresql", "mariadb", "sqlite", "duckdb")
MARIADB_URL = os.environ.get(
    "PLOTBOARD_BENCH_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"
)
FILES = Path(tempfile.gettempdir()) / "plotboard-bench"  # the SQLite and DuckDB tables, kept

#: `bench_sales` as `bench_query.ensure_table` makes it on PostgreSQL, in each engine's SQL.
_CREATE = (
    "CREATE TABLE bench_sales (sale_id BIGINT PRIMARY KEY, sale_date DATE NOT NULL, "
    "region VARCHAR(10) NOT NULL, product VARCHAR(20) NOT NULL, quantity INTEGER NOT NULL, "
    "amount DECIMAL(12,2) NOT NULL)"
)
_FILL = {
    "mariadb": """INSERT INTO bench_sales
        SELECT seq, DATE '2023-01-01' + INTERVAL (seq % 1095) DAY,
               ELT(1 + seq % 4, 'North', 'South', 'East', 'West'),
               CONCAT('Product ', 1 + (seq * 7919) % 40), 1 + seq % 9,
               ROUND(((seq * 104729) % 100000) / 100.0 + 5, 2)
        FROM seq_1_to_{n}""",
    "sqlite": """INSERT INTO bench_sales
        WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < {n})
        SELECT x, date('2023-01-01', '+' || (x % 1095) || ' days'),
               CASE x % 4 WHEN 0 THEN 'North' WHEN 1 THEN 'South' WHEN 2 THEN 'East'
                    ELSE 'West' END,
               'Product ' || (1 + (x * 7919) % 40), 1 + x % 9,
               round(((x * 104729) % 100000) / 100.0 + 5, 2)
        FROM g""",
    "duckdb": """INSERT INTO bench_sales
        SELECT g, DATE '2023-01-01' + CAST(g % 1095 AS INTEGER),
               (['North', 'South', 'East', 'West'])[1 + CAST(g % 4 AS INTEGER)],
               'Product ' || (1 + (g * 7919) % 40), CAST(1 + g % 9 AS INTEGER),
               round(((g * 104729) % 100000) / 100.0 + 5, 2)
        FROM generate_series(1, {n}) AS t(g)""",
}


class Side:
    """One engine: the source plotboard is given, and its own driver on the same table."""

    def __init__(self, engine: str, table_rows: int) -> None:
        self.engine = engine
        self.opened: list[Any] = []
        if engine == "postgresql":
            url = sa.make_url(ensure_table(table_rows))
            self.connection: dict[str, Any] = {
                "kind": "postgresql", "host": url.host, "port": url.port,
                "user": url.username, "database": url.database,
            }  # fmt: skip
            self.dsn = f"host={url.host} port={url.port} user={url.username} dbname={url.database}"
        elif engine == "mariadb":
            url = sa.make_url(MARIADB_URL)
            self._fill(sa.create_engine(url), table_rows)
            self.connection = {
                "kind": "mysql", "host": url.host, "port": url.port or 3306,
                "user": url.username, "database": url.database,
            }  # fmt: skip
            if url.password:
                self.connection["password"] = url.password
            self.url = url
        else:
            FILES.mkdir(exist_ok=True)
            self.path = FILES / f"bench_sales_{table_rows}.{engine}"
            if not self.path.exists():
                partial = self.path.with_suffix(".partial")
                partial.unlink(missing_ok=True)
                if engine == "duckdb":
                    import duckdb

                    con = duckdb.connect(str(partial))
                    con.execute(_CREATE)
                    con.execute(_FILL[engine].format(n=table_rows))
                    con.close()
                else:
                    self._fill(sa.create_engine(f"sqlite:///{partial}"), table_rows)
                partial.rename(self.path)
            self.connection = {"kind": engine, "path": str(self.path)}

    def _fill(self, engine: sa.Engine, rows: int) -> None:
        with engine.begin() as conn:
            try:
                have = conn.execute(sa.text("SELECT count(*) FROM bench_sales")).scalar()
            except sa.exc.DBAPIError:
                have = None
        if have != rows:
            print(f"generating bench_sales on {self.engine} with {rows:,} rows ...")
            with engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS bench_sales")
                conn.exec_driver_sql(_CREATE)
                fill = _FILL[self.engine].format(n=rows)
                conn.exec_driver_sql(fill.replace("%", "%%") if self.engine == "mariadb" else fill)
                conn.exec_driver_sql(
                    "CREATE INDEX bench_sales_day ON bench_sales (sale_date, region)"
                )
        engine.dispose()

    def sql(self, sql: str) -> str:
        """The server's `:name` SQL in the driver's own placeholders."""
        if self.engine in ("postgresql", "mariadb"):
            return driver_sql(sql)
        if self.engine == "duckdb":
            return re.sub(r"(?<![:\w]):(\w+)", r"$\1", sql)
        return sql  # sqlite3 takes :name

    def connect(self) -> Callable[[str, dict[str, Any]], list[Any]]:
        """A driver connection, opened now, as `run(sql, params) -> rows`."""
        if self.engine == "postgresql":
            pg = psycopg.connect(self.dsn, autocommit=True)
            self.opened.append(pg)
            return lambda sql, params: pg.execute(sql, params).fetchall()
        if self.engine == "mariadb":
            import pymysql

            my = pymysql.connect(
                host=self.url.host, port=self.url.port or 3306, user=self.url.username,
                password=self.url.password or "", database=self.url.database, autocommit=True,
            )  # fmt: skip
            self.opened.append(my)

            def run(sql: str, params: dict[str, Any]) -> list[Any]:
                with my.cursor() as cur:
                    cur.execute(sql, params)
                    return list(cur.fetchall())

            return run
        if self.engine == "sqlite":
            import sqlite3

            lite = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self.opened.append(lite)
            return lambda sql, params: lite.execute(sql, params).fetchall()
        import duckdb

        duck = duckdb.connect(str(self.path), read_only=True)
        self.opened.append(duck)
        return lambda sql, params: duck.execute(sql, params).fetchall()

    def close(self) -> None:
        for conn in self.opened:
            with contextlib.suppress(Exception):
                conn.close()
        self.opened.clear()


def spec(rows: int) -> dict[str, Any]:
    """A tile with `rows` rows for the user whose rule keeps one region in four."""
    return {
        "table": "bench_sales",
        "dimensions": [{"column": "sale_id"}, {"column": "sale_date"}, {"column": "product"}],
        "measures": [{"agg": "sum", "column": "amount"}],
        "filters": [{"column": "sale_id", "op": "lte", "value": rows * 4}],
        "order_by": [{"by": "sale_id"}],
    }


def runs_for(rows: int, runs: int) -> int:
    return max(5, min(runs, 1_000_000 // max(rows, 1)))


@contextlib.contextmanager
def bare_server(bodies: dict[int, bytes]) -> Iterator[tuple[str, int]]:
    folder = Path(tempfile.mkdtemp(prefix="pb-bare-"))
    for rows, body in bodies.items():
        (folder / f"{rows}.json").write_bytes(body)
    port = free_port()
    quiet = ["--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(port), *quiet],
        cwd=Path(__file__).parent,
        env={**os.environ, "BARE_BODIES": str(folder)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"{url}/docs", timeout=1)
                break
            if time.monotonic() > deadline:
                raise SystemExit("the bare app did not start")
            time.sleep(0.2)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(10)


def timed(call: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


def parallel(call: Callable[[int], Any], n: int = 6) -> float:
    """Wall time until `n` threads calling `call(i)` at once are all done."""
    barrier = threading.Barrier(n + 1)
    threads = [threading.Thread(target=lambda i=i: (barrier.wait(), call(i))) for i in range(n)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def server_cpu_ns(pid: int) -> int:
    """CPU time of every thread of the server now (`/proc/<pid>/task/*/schedstat`, ns): what
    it spent itself, which other work on the machine inflates far less than wall time."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):
            total += int((task / "schedstat").read_text().split()[0])
    return total


def cpu_per_request(
    calls: dict[str, tuple[int, Callable[[], Any]]], blocks: int, per_block: int = 150
) -> dict[str, float]:
    """Each server's (name: pid, call) CPU ms per request: `blocks` blocks of `per_block`
    requests, the servers alternating block by block; the median over blocks."""
    spent: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(blocks):
        for name, (pid, call) in calls.items():
            start = server_cpu_ns(pid)
            for _ in range(per_block):
                call()
            time.sleep(0.02)  # the last answer's bookkeeping (access log, slot) done
            spent[name].append((server_cpu_ns(pid) - start) / per_block / 1e6)
    return {name: statistics.median(v) for name, v in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60, help="pairs per size (fewer when large)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--table-rows", type=int, default=1_000_000)
    parser.add_argument("--before-src", type=Path, help="another checkout's src/ to compare")
    parser.add_argument("--engine", choices=ENGINES, default="postgresql")
    parser.add_argument(
        "--cpu-blocks",
        type=int,
        default=0,
        help="also the server's CPU per uncached request at the first size: this many blocks "
        "of 150 per server, alternating (0: not measured)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    side = Side(args.engine, max(args.table_rows, 4 * max(sizes)))
    connection = side.connection
    rules = [("bench_sales", [{"column": "region", "op": "eq", "attribute": "region"}])]
    cap = max(sizes) + 1
    big = {"PLOTBOARD_MAX_ANSWER_BYTES": str(200_000_000)}
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(
            running_server(connection, rules, [("region", "string")], cache_ttl=3600,
                           row_cap=cap, env=big)
        )  # fmt: skip
        before: Server | None = None
        if args.before_src is not None:
            before = stack.enter_context(
                running_server(connection, rules, [("region", "string")], cache_ttl=3600,
                               row_cap=cap, env=big, src=args.before_src.resolve())
            )  # fmt: skip
        clients = {
            s: httpx.Client(
                base_url=s.url,
                headers={"Authorization": f"Bearer {s.token(region='North')}"},
                timeout=120,
            )
            for s in filter(None, [server, before])
        }
        raw = side.connect()
        bodies: dict[int, bytes] = {}
        prepared = {}
        for rows in sizes:
            r = clients[server].post("/api/v1/embed/query", json={"query": spec(rows)})
            r.raise_for_status()
            assert r.json()["row_count"] == rows, r.json()["row_count"]
            bodies[rows] = r.content
            p = server_sql(server, spec(rows), {"region": "North"})
            assert p.sql == r.json()["sql"], "the benchmark must run the server's exact SQL"
            prepared[rows] = (side.sql(p.sql), dict(p.params))
        bare, bare_pid = stack.enter_context(bare_server(bodies))
        bare_client = httpx.Client(
            base_url=bare, headers={"Authorization": f"Bearer {bare_app.token()}"}, timeout=60
        )

        def api(s: Server, rows: int, refresh: bool) -> Callable[[], Any]:
            body = {"query": spec(rows), "refresh": refresh}

            def call() -> None:
                r = clients[s].post("/api/v1/embed/query", json=body)
                r.raise_for_status()
                r.json()

            return call

        def driver(rows: int, run: Callable[..., Any] = raw) -> Callable[[], Any]:
            sql, params = prepared[rows]
            return lambda: run(sql, params)

        def bare_call(rows: int) -> Callable[[], Any]:
            return lambda: bare_client.post("/q", params={"rows": rows}).json()

        out = [["rows", "driver ms", "plotboard ms", "over driver", "ratio"]]
        if before is not None:
            out[0] += ["before ms", "before over driver"]
        out[0] += ["cached ms", "bare ms", "cached/bare"]
        for rows in sizes:
            calls: dict[str, Callable[[], Any]] = {
                "driver": driver(rows),
                "plotboard": api(server, rows, True),
                "cached": api(server, rows, False),
                "bare": bare_call(rows),
            }
            if before is not None:
                calls["before"] = api(before, rows, True)
            for call in calls.values():  # warm every path
                call()
                call()
            times: dict[str, list[float]] = {k: [] for k in calls}
            for _ in range(runs_for(rows, args.runs)):
                for name, call in calls.items():
                    times[name].append(timed(call))
            med = {k: statistics.median(v) * 1000 for k, v in times.items()}
            line = [
                f"{rows:,}",
                f"{med['driver']:.2f}",
                f"{med['plotboard']:.2f}",
                f"{med['plotboard'] - med['driver']:+.2f}",
                f"{med['plotboard'] / med['driver']:.2f}",
            ]
            if before is not None:
                line += [f"{med['before']:.2f}", f"{med['before'] - med['driver']:+.2f}"]
            line += [f"{med['cached']:.2f}", f"{med['bare']:.2f}",
                     f"{med['cached'] / med['bare']:.2f}"]  # fmt: skip
            out.append(line)
            print(" | ".join(line), flush=True)

        cpu: dict[str, float] = {}
        if args.cpu_blocks:
            measured = {"plotboard, uncached": (server.pid, api(server, sizes[0], True))}
            if before is not None:
                measured["plotboard (before), uncached"] = (before.pid, api(before, sizes[0], True))
            measured["plotboard, cached"] = (server.pid, api(server, sizes[0], False))
            measured["bare (no access log)"] = (bare_pid, bare_call(sizes[0]))
            cpu = cpu_per_request(measured, args.cpu_blocks)

        # Six tiles at once, uncached: six client threads against six driver connections.
        six = [["rows", "driver ms", "plotboard ms", "ratio"]]
        if before is not None:
            six[0] += ["before ms"]
        conns = [side.connect() for _ in range(6)]
        six_clients: dict[Server, list[httpx.Client]] = {
            s: [
                httpx.Client(base_url=s.url, headers=clients[s].headers, timeout=120)
                for _ in range(6)
            ]
            for s in clients
        }

        def six_api(s: Server, rows: int) -> Callable[[int], Any]:
            body = {"query": spec(rows), "refresh": True}
            return lambda i: six_clients[s][i].post("/api/v1/embed/query", json=body).json()

        for rows in sizes:
            group: dict[str, Callable[[int], Any]] = {
                "driver": lambda i, rows=rows: driver(rows, conns[i])(),
                "plotboard": six_api(server, rows),
            }
            if before is not None:
                group["before"] = six_api(before, rows)
            gtimes: dict[str, list[float]] = {k: [] for k in group}
            for _ in range(max(3, runs_for(rows, args.runs) // 3)):
                for name, call6 in group.items():
                    gtimes[name].append(parallel(call6))
            gmed = {k: statistics.median(v) * 1000 for k, v in gtimes.items()}
            line = [f"{rows:,}", f"{gmed['driver']:.1f}", f"{gmed['plotboard']:.1f}",
                    f"{gmed['plotboard'] / gmed['driver']:.2f}"]  # fmt: skip
            if before is not None:
                line.append(f"{gmed['before']:.1f}")
            six.append(line)
        rss = [["server", "RSS MiB after the run"], ["plotboard", f"{server.rss_mib():.0f}"]]
        if before is not None:
            rss.append(["plotboard (before)", f"{before.rss_mib():.0f}"])
        side.close()
    load = os.getloadavg()
    print(
        f"\n{args.engine}, bench_sales, one uvicorn worker per server, alternating request by "
        f"request; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end\n"
    )
    print(table(out))
    print("\nSix tiles at once, uncached (wall time until all six answered)\n")
    print(table(six))
    print()
    print(table(rss))
    if cpu:
        print(
            f"\nServer CPU per {sizes[0]:,}-row request ({args.cpu_blocks} blocks of 150 per "
            "server, alternating, medians)\n"
        )
        print(table([["server", "CPU ms per request"]] + [[k, f"{v:.3f}"] for k, v in cpu.items()]))


if __name__ == "__main__":
    main()
