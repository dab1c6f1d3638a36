"""Side by side at every answer size: plotboard vs the raw driver vs the bare yardstick.

PostgreSQL, the generated `bench_sales` table of `bench_query.py` (an access rule on it), answers
of 10, 1,000, 10,000 and 100,000 rows (three text/date columns and a numeric sum per row). For
each size, in one loop that alternates them request by request:

- **plotboard, uncached**: `POST /api/v1/embed/query` with `"refresh": true` (runs on the
  database every time, then encodes, caches and sends the answer);
- **plotboard, cached**: the same request without `refresh` (the result cache answers);
- **driver**: psycopg running plotboard's exact final SQL and parameters, `fetchall()`;
- **bare**: a bare FastAPI endpoint that checks a JWT and returns a body of the same size
  (`bare_app.py`, the yardstick of DESIGN.md);
- **plotboard (before)**, with `--before-src DIR`: a second plotboard server run from another
  checkout's `src/` (say `git archive HEAD src | tar -x -C /tmp/before`), uncached.

Then six tiles at once (six threads, each its own connection), uncached, plotboard vs six driver
connections, and the server's RSS at the end. Medians; ratios are medians over medians.
One worker per server, single client: this is latency, not throughput (see bench_cached.py).

    .venv/bin/python bench/bench_sides.py [--runs 60] [--sizes 10,1000,10000,100000]
        [--before-src /tmp/before/src]
"""

from __future__ import annotations

import argparse
import contextlib
import os
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
def bare_server(bodies: dict[int, bytes]) -> Iterator[str]:
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
        yield url
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60, help="pairs per size (fewer when large)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--table-rows", type=int, default=1_000_000)
    parser.add_argument("--before-src", type=Path, help="another checkout's src/ to compare")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    url = ensure_table(max(args.table_rows, 4 * max(sizes)))
    pg = sa.make_url(url)
    connection = {
        "kind": "postgresql",
        "host": pg.host,
        "port": pg.port,
        "user": pg.username,
        "database": pg.database,
    }
    rules = [("bench_sales", [{"column": "region", "op": "eq", "attribute": "region"}])]
    dsn = f"host={pg.host} port={pg.port} user={pg.username} dbname={pg.database}"
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
        raw = psycopg.connect(dsn, autocommit=True)
        bodies: dict[int, bytes] = {}
        prepared = {}
        for rows in sizes:
            r = clients[server].post("/api/v1/embed/query", json={"query": spec(rows)})
            r.raise_for_status()
            assert r.json()["row_count"] == rows, r.json()["row_count"]
            bodies[rows] = r.content
            p = server_sql(server, spec(rows), {"region": "North"})
            assert p.sql == r.json()["sql"], "the benchmark must run the server's exact SQL"
            prepared[rows] = (driver_sql(p.sql), dict(p.params))
        bare = stack.enter_context(bare_server(bodies))
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

        def driver(rows: int, conn: psycopg.Connection[Any] = raw) -> Callable[[], Any]:
            sql, params = prepared[rows]
            return lambda: conn.execute(sql, params).fetchall()

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

        # Six tiles at once, uncached: six client threads against six driver connections.
        six = [["rows", "driver ms", "plotboard ms", "ratio"]]
        if before is not None:
            six[0] += ["before ms"]
        conns = [psycopg.connect(dsn, autocommit=True) for _ in range(6)]
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
        for c in conns:
            c.close()
        raw.close()
    load = os.getloadavg()
    print(
        f"\nPostgreSQL, bench_sales, one uvicorn worker per server, alternating request by "
        f"request; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end\n"
    )
    print(table(out))
    print("\nSix tiles at once, uncached (wall time until all six answered)\n")
    print(table(six))
    print()
    print(table(rss))


if __name__ == "__main__":
    main()
