"""Analyze of a 1,000,000-row PostgreSQL table, end to end through the admin API.

The `bench_sales` table of bench_query.py (created when missing), a real `plotboard serve`, and
for each run: `POST /api/v1/admin/sources/{id}/analyze`, then polling the job until it is done.
The time is from the POST to the job's `done`, so it includes the job queue, the row count, the
sampled profile queries, semantic types, descriptions and writing the proposals. Target:
median <= 15 s. For scale, the same profile without sampling (every row read) runs once
in-process at the end.

    .venv/bin/python bench/bench_analyze.py [--runs 3] [--rows 1000000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import httpx
import sqlalchemy as sa

from bench_query import ensure_table
from harness import running_server, table
from plotboard.analyze.profile import ProfileSettings, profile_table
from plotboard.query.render import render
from plotboard.sources import SourcePool
from plotboard.sources.dialects import SourceConnection

TARGET_S = 15.0


def analyze_once(api: httpx.Client, source_id: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    r = api.post(f"/api/v1/admin/sources/{source_id}/analyze", json={"tables": ["bench_sales"]})
    r.raise_for_status()
    job_id = r.json()["id"]
    while True:
        job = api.get(f"/api/v1/admin/analyze/{job_id}", params={"detail": "false"}).json()
        if job["status"] not in ("queued", "running"):
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if job["status"] != "done":
        raise SystemExit(f"Analyze failed: {job['error']}")
    return elapsed, api.get(f"/api/v1/admin/analyze/{job_id}").json()


def full_scan_seconds(url: str) -> float:
    """The same profile with sampling switched off, in-process, for comparison."""
    pool = SourcePool()
    pool.register("bench", SourceConnection(kind="url", url=url))
    found = next(t for t in pool.introspect("bench") if t.name == "bench_sales")

    def run(query: Any, row_cap: int) -> list[list[Any]]:
        return pool.execute(
            "bench", render(query, "postgres"), {}, timeout_s=600, row_cap=row_cap
        ).rows

    started = time.perf_counter()
    profile_table(found, "postgres", run, ProfileSettings(sample_above=10**12))
    pool.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
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
    with running_server(connection, [], [], cache_ttl=0) as server:
        api = httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {server.api_key}"}, timeout=60
        )
        rows = [["run", "seconds", "rows", "rows read", "sample", "columns", "proposals"]]
        times: list[float] = []
        for run in range(1, args.runs + 1):
            seconds, job = analyze_once(api, server.source_id)
            times.append(seconds)
            profile = job["profiles"][0]
            rows.append(
                [
                    str(run),
                    f"{seconds:.2f}",
                    f"{profile['row_count']:,}",
                    f"{profile['rows_read']:,}",
                    profile["sample"] or "none",
                    str(len(profile["columns"])),
                    str(job["counts"]["proposals"]),
                ]
            )
            types = {p["column"]: p["fields"].get("semantic_type") for p in job["proposals"]}
        median = statistics.median(times)
        rows.append(["median", f"{median:.2f}", "", "", "", "", ""])
        print(table(rows))
        print(f"\nsemantic types: {types}")
    full = full_scan_seconds(url)
    print(f"\nthe same profile without sampling (in-process): {full:.2f} s")
    verdict = "meets" if median <= TARGET_S else "MISSES"
    print(f"median {median:.2f} s {verdict} the target of {TARGET_S:g} s")


if __name__ == "__main__":
    main()
