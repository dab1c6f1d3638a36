"""A worker's memory through the load test, this checkout against another, step by step.

The load test of issue 16 goal 5, on the `bench_sales` table of `bench_query.py` (PostgreSQL,
the access rule of `bench_sides.py`), one `plotboard serve` worker per checkout:

1. started (healthz answered);
2. 50 uncached 10-row tiles;
3. 5 uncached answers each of 10, 1,000, 10,000 and 100,000 rows (one after another);
4. six 100,000-row answers at once, twice.

After each step the server's `VmRSS` and `/proc/<pid>/smaps_rollup` (RSS, PSS, anonymous) are
read. With `--before-src DIR` (another checkout's `src/`, e.g. `git archive main src | tar -x
-C /tmp/before`) a second server runs the same steps, alternating step by step, so both see
the same machine. `--rounds N` repeats the whole thing on fresh servers and quotes medians.
Then, on the same servers, uncached 100,000-row answers alternating request by request
(`--latency N` of each; latency must not pay for the memory). The load average
(/proc/loadavg) is printed at the start and the end.

    .venv/bin/python bench/bench_memory.py [--before-src /tmp/before/src] [--rounds 3]
        [--latency 15]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench_query import ensure_table
from bench_sides import spec
from harness import Server, running_server, table

STEPS = (
    "started",
    "50 tiles of 10 rows",
    "5 answers each of 10, 1k, 10k, 100k rows",
    "six 100k-row answers at once, twice",
)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def memory(pid: int) -> dict[str, float]:
    """VmRSS and smaps_rollup's Rss, Pss and Anonymous of `pid`, in MiB."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            out["rss"] = int(line.split()[1]) / 1024
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("Pss", "Anonymous"):
                out[key.lower()] = int(rest.split()[0]) / 1024
    return out


class Load:
    """The steps of the load test against one server."""

    def __init__(self, server: Server) -> None:
        self.server = server
        token = server.token(region="North")
        headers = {"Authorization": f"Bearer {token}"}
        self.clients = [
            httpx.Client(base_url=server.url, headers=headers, timeout=300) for _ in range(6)
        ]

    def ask(self, rows: int, client: int = 0) -> None:
        r = self.clients[client].post(
            "/api/v1/embed/query", json={"query": spec(rows), "refresh": True}
        )
        r.raise_for_status()
        assert r.json()["row_count"] == rows, r.text[:300]

    def step(self, index: int) -> None:
        if index == 1:
            for _ in range(50):
                self.ask(10)
        elif index == 2:
            for rows in (10, 1_000, 10_000, 100_000):
                for _ in range(5):
                    self.ask(rows)
        elif index == 3:
            for _ in range(2):
                barrier = threading.Barrier(6)
                threads = [
                    threading.Thread(target=self._one, args=(barrier, i)) for i in range(6)
                ]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()

    def _one(self, barrier: threading.Barrier, client: int) -> None:
        barrier.wait()
        self.ask(100_000, client)

    def close(self) -> None:
        for c in self.clients:
            c.close()


def timed(call: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before-src", type=Path, help="another checkout's src/ to compare")
    parser.add_argument("--rounds", type=int, default=1, help="fresh servers, medians")
    parser.add_argument("--latency", type=int, default=15, help="100k answers per side")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for 'after'")
    args = parser.parse_args()
    url = ensure_table(1_000_000)
    import sqlalchemy as sa

    pg = sa.make_url(url)
    connection = {
        "kind": "postgresql", "host": pg.host, "port": pg.port,
        "user": pg.username, "database": pg.database,
    }  # fmt: skip
    rules = [("bench_sales", [{"column": "region", "op": "eq", "attribute": "region"}])]
    big = {"PLOTBOARD_MAX_ANSWER_BYTES": str(200_000_000)}
    extra = dict(e.split("=", 1) for e in args.env)
    sides = ["after"] + (["before"] if args.before_src else [])
    figures: dict[str, list[list[dict[str, float]]]] = {s: [] for s in sides}
    latency: dict[str, list[float]] = {s: [] for s in sides}
    loads = [loadavg()]
    print(f"load average at the start: {loads[0]}", flush=True)
    for round_ in range(args.rounds):
        with contextlib.ExitStack() as stack:
            servers: dict[str, Server] = {}
            # Start order alternates between rounds too.
            for side in sides if round_ % 2 == 0 else sides[::-1]:
                servers[side] = stack.enter_context(
                    running_server(
                        connection, rules, [("region", "string")], cache_ttl=3600,
                        row_cap=100_001,
                        env={**big, **(extra if side == "after" else {})},
                        src=args.before_src.resolve() if side == "before" else None,
                    )
                )  # fmt: skip
            loads_ = {s: Load(servers[s]) for s in sides}
            steps: dict[str, list[dict[str, float]]] = {s: [] for s in sides}
            time.sleep(1)
            for index in range(len(STEPS)):
                order = sides if (round_ + index) % 2 == 0 else sides[::-1]
                for side in order:
                    loads_[side].step(index)
                    time.sleep(0.5)
                    steps[side].append(memory(servers[side].pid))
            for side in sides:
                figures[side].append(steps[side])
                last = steps[side][-1]
                rss = ", ".join(f"{m['rss']:.1f}" for m in steps[side])
                pss, anon = last.get("pss", 0), last.get("anonymous", 0)
                print(
                    f"round {round_ + 1} {side}: {rss} MiB RSS (PSS {pss:.1f}, anon {anon:.1f})",
                    flush=True,
                )
            for _ in range(args.latency):
                for side in sides:
                    latency[side].append(timed(functools.partial(loads_[side].ask, 100_000)))
            for side in sides:
                loads_[side].close()
        loads.append(loadavg())
    rows = [["step", *(f"{s} RSS MiB" for s in sides), *(f"{s} PSS" for s in sides)]]
    for index, name in enumerate(STEPS):
        rows.append(
            [
                name,
                *(f"{statistics.median(r[index]['rss'] for r in figures[s]):.1f}" for s in sides),
                *(
                    f"{statistics.median(r[index].get('pss', 0) for r in figures[s]):.1f}"
                    for s in sides
                ),
            ]
        )
    print(f"\nload average: {' -> '.join(loads)}\n")
    print(table(rows))
    if args.latency:
        lat = [["side", "100k-row answer, median ms", "min", "max"]]
        for side in sides:
            v = [x * 1000 for x in latency[side]]
            lat.append([side, f"{statistics.median(v):.0f}", f"{min(v):.0f}", f"{max(v):.0f}"])
        print()
        print(table(lat))


if __name__ == "__main__":
    main()
