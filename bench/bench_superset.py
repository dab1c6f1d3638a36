"""Side by side with Apache Superset: the same tile through Superset's chart data API and
plotboard's embed query API, against the raw driver.

Optional: Superset is not a dependency of plotboard. Install and run it on its own (its own
virtualenv; see docs/benchmarks.md, "Superset side by side") and give the script its address
and a user; without them, or when nothing answers there, the script says so and exits 0.

The generated `bench_sales` table of `bench_query.py` on PostgreSQL, with plotboard's access
rule (`region` equals the user's `region` attribute, here North) and, in Superset, a row level
security filter that keeps the same rows (`region = 'North'`, for every role the Superset user
has). Through Superset's REST API the script logs in (JWT and CSRF token) and creates, or
reuses, a database connection to the same PostgreSQL database, a dataset on `bench_sales` and
that filter. Then, for a grouped tile of 10 rows and one of 1,000 rows, in one loop that
alternates them request by request:

- **driver**: psycopg running plotboard's exact final SQL and parameters, `fetchall()`;
- **plotboard**: `POST /api/v1/embed/query` with `"refresh": true` (runs on the database);
- **plotboard cached**: the same request without `refresh` (the result cache answers);
- **Superset**: `POST /api/v1/chart/data` with `"force": true` (runs on the database);
- **Superset cached**: the same query context with `"force": false` (its data cache answers).

Both answers are checked to hold the same rows (count and total) before timing. Then cached
throughput: `--threads` client threads for `--seconds` per server, the two alternating for
`--rounds` rounds. Medians; ratios are medians over medians. One plotboard worker; Superset
as it runs (say gunicorn, one worker). The load average is printed at the start and the end.

    .venv/bin/python bench/bench_superset.py --superset-url http://127.0.0.1:8088 \\
        --username admin --password admin [--runs 50] [--threads 4] [--seconds 5]

or with PLOTBOARD_BENCH_SUPERSET_URL, PLOTBOARD_BENCH_SUPERSET_USERNAME and
PLOTBOARD_BENCH_SUPERSET_PASSWORD. `--superset-db-uri` (PLOTBOARD_BENCH_SUPERSET_DB_URI) is the
SQLAlchemy URI Superset itself uses to reach the PostgreSQL database (default: the benchmark's
database with Superset's default PostgreSQL driver, psycopg2). With `--superset-pid` (Superset on
this machine: gunicorn's master pid, say) each server's CPU per request is measured too, blocks
of 30 requests alternating, which other work on the machine inflates far less than wall time.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import os
import re
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

SETUP_HINT = (
    "install it in its own virtualenv (python3 -m venv /opt/superset-venv && "
    "/opt/superset-venv/bin/pip install 'apache-superset[postgres]' flask-caching==2.3.1 "
    "rich cachetools), start it and pass "
    "--superset-url/--username/--password (or PLOTBOARD_BENCH_SUPERSET_URL, _USERNAME, "
    "_PASSWORD); see docs/benchmarks.md, 'Superset side by side'"
)
DATABASE_NAME = "plotboard_bench"
RLS_NAME = "plotboard bench: region North"
REGION = "North"
SUM = {"expressionType": "SQL", "sqlExpression": "SUM(amount)", "label": "sum_amount"}

#: The tiles: plotboard's query spec and the same query as Superset's query object.
TILES: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {
    10: (
        {
            "table": "bench_sales",
            "measures": [{"agg": "sum", "column": "amount"}],
            "dimensions": [{"column": "product"}],
            "filters": [
                {"column": "sale_date", "op": "between", "value": ["2024-03-01", "2024-03-31"]}
            ],
            "order_by": [{"by": "sum_amount", "desc": True}],
            "limit": 10,
        },
        {
            "columns": ["product"],
            "metrics": [SUM],
            "filters": [
                {"col": "sale_date", "op": ">=", "val": "2024-03-01"},
                {"col": "sale_date", "op": "<=", "val": "2024-03-31"},
            ],
            "orderby": [[SUM, False]],
            "row_limit": 10,
        },
    ),
    1_000: (
        {
            "table": "bench_sales",
            "measures": [{"agg": "sum", "column": "amount"}],
            "dimensions": [{"column": "sale_date"}, {"column": "product"}, {"column": "quantity"}],
            "filters": [
                {"column": "sale_date", "op": "between", "value": ["2024-01-01", "2024-06-30"]}
            ],
            "order_by": [{"by": "sale_date"}, {"by": "product"}, {"by": "quantity"}],
            "limit": 1000,
        },
        {
            "columns": ["sale_date", "product", "quantity"],
            "metrics": [SUM],
            "filters": [
                {"col": "sale_date", "op": ">=", "val": "2024-01-01"},
                {"col": "sale_date", "op": "<=", "val": "2024-06-30"},
            ],
            "orderby": [["sale_date", True], ["product", True], ["quantity", True]],
            "row_limit": 1000,
        },
    ),
}
TILE_NAMES = {
    10: "top 10 products in March (10 rows)",
    1_000: "sum by day, product and quantity, first half of 2024 (1,000 rows)",
}


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def rison(value: str) -> str:
    """A string as a rison literal, for Superset's `?q=` list filters."""
    return "'" + value.replace("!", "!!").replace("'", "!'") + "'"


class Superset:
    """Superset's REST API as one user: a JWT from /api/v1/security/login and a CSRF token."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url.rstrip("/")
        self.username = username
        self.password = password
        self.client = httpx.Client(base_url=self.url, timeout=120)

    def login(self) -> None:
        r = self.client.post(
            "/api/v1/security/login",
            json={"username": self.username, "password": self.password, "provider": "db"},
        )
        if r.status_code != 200:
            raise SystemExit(
                f"Superset login as {self.username!r} failed: {r.status_code} {r.text}"
            )
        self.client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        r = self.client.get("/api/v1/security/csrf_token/")  # also sets the session cookie
        r.raise_for_status()
        self.client.headers["X-CSRFToken"] = r.json()["result"]
        self.client.headers["Referer"] = self.url + "/"

    def copy(self) -> httpx.Client:
        """Another client with the same login (for a thread of its own)."""
        return httpx.Client(
            base_url=self.url, headers=self.client.headers, cookies=self.client.cookies, timeout=120
        )

    def version(self) -> str:
        with contextlib.suppress(httpx.HTTPError):
            page = html.unescape(httpx.get(f"{self.url}/login/", timeout=10).text)
            if m := re.search(r'"version_string":\s*"([^"]*)"', page):
                return m.group(1)
        return "unknown"

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        r = self.client.request(method, path, **kwargs)
        if r.status_code >= 400:
            raise SystemExit(f"Superset {method} {path}: {r.status_code} {r.text[:500]}")
        return r.json()

    def _find(self, resource: str, column: str, value: str) -> list[dict[str, Any]]:
        q = f"(filters:!((col:{column},opr:eq,value:{rison(value)})),page_size:100)"
        found: list[dict[str, Any]] = self._call("GET", f"/api/v1/{resource}/", params={"q": q})[
            "result"
        ]
        return found

    def database(self, uri: str) -> int:
        """The id of the connection named `plotboard_bench`, made (or pointed at `uri`)."""
        body = {"database_name": DATABASE_NAME, "sqlalchemy_uri": uri, "expose_in_sqllab": True}
        for db in self._find("database", "database_name", DATABASE_NAME):
            self._call("PUT", f"/api/v1/database/{db['id']}", json=body)
            return int(db["id"])
        return int(self._call("POST", "/api/v1/database/", json=body)["id"])

    def dataset(self, database_id: int) -> int:
        for ds in self._find("dataset", "table_name", "bench_sales"):
            if ds["database"]["id"] == database_id and ds.get("schema") in (None, "public"):
                return int(ds["id"])
        body = {"database": database_id, "schema": "public", "table_name": "bench_sales"}
        return int(self._call("POST", "/api/v1/dataset/", json=body)["id"])

    def user_role_ids(self) -> dict[str, int]:
        """The benchmark user's roles, by name, with their ids."""
        names = set(self._call("GET", "/api/v1/me/roles/")["result"]["roles"])
        roles = self._call(
            "GET", "/api/v1/rowlevelsecurity/related/roles", params={"q": "(page_size:100)"}
        )["result"]
        return {r["text"]: int(r["value"]) for r in roles if r["text"] in names}

    def row_level_security(self, dataset_id: int, role_ids: list[int], clause: str) -> int:
        body = {
            "name": RLS_NAME,
            "filter_type": "Regular",
            "tables": [dataset_id],
            "roles": role_ids,
            "clause": clause,
            "group_key": "",
            "description": "plotboard's access rule on bench_sales (bench/bench_superset.py)",
        }
        for rls in self._find("rowlevelsecurity", "name", RLS_NAME):
            self._call("PUT", f"/api/v1/rowlevelsecurity/{rls['id']}", json=body)
            return int(rls["id"])
        return int(self._call("POST", "/api/v1/rowlevelsecurity/", json=body)["id"])


def reachable(url: str) -> bool:
    try:
        return httpx.get(f"{url.rstrip('/')}/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def timed(call: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


def throughput(make_call: Callable[[], Callable[[], Any]], threads: int, seconds: float) -> float:
    """Requests per second of `threads` threads, each calling its own `make_call()` in a loop."""
    calls = [make_call() for _ in range(threads)]
    counts = [0] * threads
    barrier = threading.Barrier(threads + 1)
    stop = threading.Event()

    def run(i: int) -> None:
        barrier.wait()
        while not stop.is_set():
            calls[i]()
            counts[i] += 1

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    barrier.wait()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for w in workers:
        w.join()
    return sum(counts) / (time.perf_counter() - t0)


def process_tree_cpu_ns(pid: int) -> int:
    """CPU time of `pid` and its descendants now (Linux; gunicorn's master and its workers)."""
    from bench_sides import server_cpu_ns

    total = 0
    for child in children(pid):
        total += process_tree_cpu_ns(child)
    return total + server_cpu_ns(pid)


def children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(c) for c in (task / "children").read_text().split()]
    return found


def cpu_per_request(
    calls: dict[str, tuple[int, Callable[[], Any]]], blocks: int, per_block: int = 30
) -> dict[str, float]:
    """Each server's (name: pid, call) CPU ms per request, process tree included: `blocks`
    blocks of `per_block` requests, the servers alternating block by block; the median."""
    spent: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(blocks):
        for name, (pid, call) in calls.items():
            start = process_tree_cpu_ns(pid)
            for _ in range(per_block):
                call()
            time.sleep(0.05)  # the last answer's bookkeeping (logs, cache writes) done
            spent[name].append((process_tree_cpu_ns(pid) - start) / per_block / 1e6)
    return {name: statistics.median(v) for name, v in spent.items()}


def totals(rows: list[Any], measure: Callable[[Any], Any]) -> tuple[int, float]:
    return len(rows), round(sum(float(measure(r)) for r in rows), 2)


def main() -> None:
    env = os.environ.get
    parser = argparse.ArgumentParser()
    parser.add_argument("--superset-url", default=env("PLOTBOARD_BENCH_SUPERSET_URL"))
    parser.add_argument("--username", default=env("PLOTBOARD_BENCH_SUPERSET_USERNAME"))
    parser.add_argument("--password", default=env("PLOTBOARD_BENCH_SUPERSET_PASSWORD"))
    parser.add_argument(
        "--superset-db-uri",
        default=env("PLOTBOARD_BENCH_SUPERSET_DB_URI"),
        help="the SQLAlchemy URI Superset uses for the benchmark database",
    )
    parser.add_argument("--runs", type=int, default=50, help="rounds per tile")
    parser.add_argument("--sizes", default="10,1000")
    parser.add_argument("--table-rows", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=4, help="client threads, throughput")
    parser.add_argument("--seconds", type=float, default=5.0, help="per server and round")
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds")
    parser.add_argument(
        "--superset-pid",
        type=int,
        default=int(env("PLOTBOARD_BENCH_SUPERSET_PID", "0")),
        help="Superset's server process on this machine (say gunicorn's master; its children "
        "count too): also each server's CPU per request, which load on the machine inflates "
        "far less than wall time",
    )
    parser.add_argument(
        "--cpu-blocks", type=int, default=6, help="with --superset-pid: blocks of 30 per server"
    )
    args = parser.parse_args()
    if not args.superset_url or not reachable(args.superset_url):
        where = f"at {args.superset_url}" if args.superset_url else "(no --superset-url given)"
        print(f"Superset not found {where}: skipped. To compare, {SETUP_HINT}.")
        return
    if not args.username or not args.password:
        parser.error("Superset needs --username and --password (or the environment variables)")
    sizes = [int(s) for s in args.sizes.split(",")]
    unknown = set(sizes) - set(TILES)
    if unknown:
        parser.error(f"--sizes: only {', '.join(map(str, TILES))}")
    compare(args, sizes)


def compare(args: argparse.Namespace, sizes: list[int]) -> None:
    # plotboard's side needs plotboard (and the harness): imported only when Superset is there.
    import psycopg
    import sqlalchemy as sa

    from bench_query import driver_sql, ensure_table, server_sql
    from harness import running_server, table

    load_start = load()
    print(f"load average at the start: {load_start}", flush=True)
    superset = Superset(args.superset_url, args.username, args.password)
    version = superset.version()
    superset.login()
    pg = sa.make_url(ensure_table(args.table_rows))
    db_uri = args.superset_db_uri or pg.set(drivername="postgresql").render_as_string(False)
    database_id = superset.database(db_uri)
    dataset_id = superset.dataset(database_id)
    roles = superset.user_role_ids()
    if not roles:
        raise SystemExit(f"Superset user {args.username!r} has no roles to filter")
    rls_id = superset.row_level_security(dataset_id, sorted(roles.values()), f"region = '{REGION}'")
    print(
        f"Superset {version} at {superset.url}: database {database_id}, dataset {dataset_id}, "
        f"row level security filter {rls_id} for roles {', '.join(sorted(roles))}",
        flush=True,
    )

    connection = {
        "kind": "postgresql",
        "host": pg.host,
        "port": pg.port,
        "user": pg.username,
        "database": pg.database,
    }
    rules = [("bench_sales", [{"column": "region", "op": "eq", "attribute": "region"}])]
    dsn = f"host={pg.host} port={pg.port} user={pg.username} dbname={pg.database}"
    with (
        running_server(connection, rules, [("region", "string")], cache_ttl=3600) as server,
        psycopg.connect(dsn, autocommit=True) as raw,
    ):
        token = server.token(region=REGION)
        headers = {"Authorization": f"Bearer {token}"}
        pb = httpx.Client(base_url=server.url, headers=headers, timeout=120)

        def plotboard(size: int, refresh: bool, client: httpx.Client = pb) -> Callable[[], Any]:
            body = {"query": TILES[size][0], "refresh": refresh}

            def call() -> Any:
                r = client.post("/api/v1/embed/query", json=body)
                r.raise_for_status()
                return r.json()

            return call

        def chart_data(
            size: int, force: bool, client: httpx.Client = superset.client
        ) -> Callable[[], Any]:
            body = {
                "datasource": {"id": dataset_id, "type": "table"},
                "queries": [TILES[size][1]],
                "force": force,
                "result_format": "json",
                "result_type": "full",
            }

            def call() -> Any:
                r = client.post("/api/v1/chart/data", json=body)
                r.raise_for_status()
                return r.json()

            return call

        out = [
            ["rows", "driver ms", "plotboard ms", "over driver", "Superset ms", "over driver",
             "Superset / plotboard", "plotboard cached ms", "Superset cached ms",
             "Superset / plotboard cached"],
        ]  # fmt: skip
        sql_seen: dict[int, tuple[str, str]] = {}
        for size in sizes:
            answer = plotboard(size, True)()
            prepared = server_sql(server, TILES[size][0], {"region": REGION})
            assert prepared.sql == answer["sql"], "the benchmark must run the server's exact SQL"
            sql, params = driver_sql(prepared.sql), dict(prepared.params)
            fresh = chart_data(size, True)()["result"][0]
            assert not fresh.get("is_cached"), "force: true should run on the database"
            theirs = totals(fresh["data"], lambda r: r["sum_amount"])
            ours = totals(answer["rows"], lambda r: r[-1])
            assert theirs == ours and ours[0] == size, (
                f"not the same rows: Superset {theirs}, plotboard {ours} (rows, total)"
            )
            assert chart_data(size, False)()["result"][0].get("is_cached"), "no cache hit"
            assert plotboard(size, False)()["cache"] == "hit"
            sql_seen[size] = (answer["sql"], fresh["query"])
            calls: dict[str, Callable[[], Any]] = {
                "driver": lambda sql=sql, params=params: raw.execute(sql, params).fetchall(),
                "plotboard": plotboard(size, True),
                "plotboard cached": plotboard(size, False),
                "Superset": chart_data(size, True),
                "Superset cached": chart_data(size, False),
            }
            for call in calls.values():  # warm every path
                call()
                call()
            times: dict[str, list[float]] = {k: [] for k in calls}
            for _ in range(args.runs):
                for name, call in calls.items():
                    times[name].append(timed(call))
            med = {k: statistics.median(v) * 1000 for k, v in times.items()}
            line = [
                f"{size:,}",
                f"{med['driver']:.2f}",
                f"{med['plotboard']:.2f}",
                f"{med['plotboard'] - med['driver']:+.2f}",
                f"{med['Superset']:.2f}",
                f"{med['Superset'] - med['driver']:+.2f}",
                f"{med['Superset'] / med['plotboard']:.2f}",
                f"{med['plotboard cached']:.2f}",
                f"{med['Superset cached']:.2f}",
                f"{med['Superset cached'] / med['plotboard cached']:.2f}",
            ]
            out.append(line)
            print(" | ".join(line), f"(load {load()})", flush=True)

        # Cached throughput, the first size: each thread its own client, servers alternating.
        tp_size = sizes[0]
        rates: dict[str, list[float]] = {"plotboard": [], "Superset": []}
        makers: dict[str, Callable[[], Callable[[], Any]]] = {
            "plotboard": lambda: plotboard(
                tp_size, False, httpx.Client(base_url=server.url, headers=headers, timeout=120)
            ),
            "Superset": lambda: chart_data(tp_size, False, superset.copy()),
        }
        for _ in range(args.rounds):
            for name, make in makers.items():
                rates[name].append(throughput(make, args.threads, args.seconds))
        rate = {k: statistics.median(v) for k, v in rates.items()}

        cpu: dict[str, float] = {}
        if args.superset_pid:
            cpu = cpu_per_request(
                {
                    "plotboard": (server.pid, plotboard(tp_size, True)),
                    "plotboard cached": (server.pid, plotboard(tp_size, False)),
                    "Superset": (args.superset_pid, chart_data(tp_size, True)),
                    "Superset cached": (args.superset_pid, chart_data(tp_size, False)),
                },
                args.cpu_blocks,
            )

    load_end = load()
    print(
        f"\nPostgreSQL, bench_sales ({args.table_rows:,} rows), rule region = {REGION}; "
        f"Superset {version}; one plotboard worker; {args.runs} rounds alternating request by "
        f"request; medians\nload average at the start {load_start}, at the end {load_end}\n"
    )
    for size in sizes:
        print(f"- {size:,} rows: {TILE_NAMES[size]}")
    print()
    print(table(out))
    print(
        f"\nCached {tp_size:,}-row tile, {args.threads} client thread(s), {args.rounds} rounds of "
        f"{args.seconds:g} s per server, alternating (median requests/s; rounds: "
        + "; ".join(f"{k} " + ", ".join(f"{r:.0f}" for r in v) for k, v in rates.items())
        + ")\n"
    )
    print(
        table(
            [
                ["server", "requests/s"],
                ["plotboard", f"{rate['plotboard']:.0f}"],
                ["Superset", f"{rate['Superset']:.0f}"],
                ["Superset / plotboard", f"{rate['Superset'] / rate['plotboard']:.2f}"],
            ]
        )
    )
    if cpu:
        print(
            f"\nServer CPU per {tp_size:,}-row request ({args.cpu_blocks} blocks of 30 per server, "
            "alternating, medians; Superset: its process tree)\n"
        )
        rows = [["server", "CPU ms per request"]]
        rows += [[k, f"{v:.2f}"] for k, v in cpu.items()]
        rows += [
            ["Superset / plotboard", f"{cpu['Superset'] / cpu['plotboard']:.1f}"],
            [
                "Superset / plotboard, cached",
                f"{cpu['Superset cached'] / cpu['plotboard cached']:.1f}",
            ],
        ]
        print(table(rows))
    print("\nThe SQL each ran:")
    for size, (ours_sql, theirs_sql) in sql_seen.items():
        print(f"\n{size:,} rows, plotboard:\n{ours_sql}\n{size:,} rows, Superset:\n{theirs_sql}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
