"""Scale-out: the scale test's scenario (tests/scale), longer, with its figures.

Three `plotboard serve` processes (one worker each) on a fresh PostgreSQL store and Redis,
behind HAProxy (round robin); 100 end users of two organizations (one routed to a SQLite file
per tenant) open their dashboard of six tiles, ask the built-in AI and run its tile, and edit the
dashboard (sometimes from two tabs on one version) with a think time of 0.2-0.8 s between
visits; one server is killed with SIGKILL half-way. Every answer is checked as in the test.

    .venv/bin/python bench/bench_scale.py [--seconds 120] [--users-per-org 50] [--servers 3]
                                          [--no-kill]

Needs PostgreSQL, Redis and HAProxy (`apt-get install haproxy`). Prints the requests, those
lost with the killed server, any other error, p50/p99 by kind of request, the saves and the
writes lost (acknowledged saves missing at the end: must be 0), and the load average.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.scale

from tests.scale.cluster import running_cluster
from tests.scale.users import run_load, summary

from harness import table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--users-per-org", type=int, default=50)
    parser.add_argument("--servers", type=int, default=3)
    parser.add_argument("--no-kill", action="store_true", help="keep every server up")
    args = parser.parse_args()
    before = os.getloadavg()
    with (
        tempfile.TemporaryDirectory(prefix="pb-bench-scale-") as folder,
        running_cluster(Path(folder), servers=args.servers, users=args.users_per_org) as c,
    ):
        load = run_load(c, args.users_per_org, args.seconds, None if args.no_kill else 1)
    after = os.getloadavg()
    figures = summary(load)
    rows = [["request", "n", "p50 (ms)", "p99 (ms)"]]
    for kind, f in figures["by_kind"].items():
        rows.append([kind, str(f["n"]), f"{f['p50_ms']:.0f}", f"{f['p99_ms']:.0f}"])
    rows.append(["all", str(figures["requests"]), f"{figures['p50_ms']:.0f}",
                 f"{figures['p99_ms']:.0f}"])  # fmt: skip
    print(table(rows))
    print()
    killed = f"server {load.killed} killed at {load.kill_at:.1f} s" if load.kill_at else "no kill"
    print(
        f"{2 * args.users_per_org} users, {args.servers} servers, {figures['seconds']} s, "
        f"{killed}\n"
        f"requests {figures['requests']} ({figures['per_second']}/s), "
        f"lost in flight with the killed server {figures['lost_in_flight']}, "
        f"other errors {figures['unexpected']}, answers with others' data "
        f"{figures['crossings']}\n"
        f"tiles checked {figures['tiles_checked']} (cache {figures['tile_cache']}), "
        f"AI tiles checked {figures['ai_checked']}\n"
        f"saves acknowledged {figures['saves_acknowledged']}, 409 on two tabs "
        f"{figures['conflicts_409']}, lost in flight: landed "
        f"{figures['saves_landed_unacknowledged']}, not landed "
        f"{figures['saves_lost_in_flight_not_landed']}; "
        f"writes lost {figures['writes_lost']}, doubled {figures['writes_doubled']}\n"
        f"limit probe (30 queries, 9 AI questions a minute): {figures['probe']}\n"
        f"answers by server {figures['by_server']}\n"
        f"'at once' slots left taken by the killed server "
        f"{figures['slots_left_by_the_killed_server']} (expire within 30 s); "
        f"store change counter before and after {figures['store_generation']}\n"
        "load average before " + " ".join(f"{x:.2f}" for x in before)
        + ", after " + " ".join(f"{x:.2f}" for x in after)
    )  # fmt: skip
    for problem in (load.crossings + load.anomalies)[:20]:
        print("PROBLEM:", problem)


if __name__ == "__main__":
    main()
