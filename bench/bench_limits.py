"""Usage limits: what counting a request costs, alone and with 16 requests at once.

The limiter of one app server over a fresh SQLite metadata store (no Redis: counting in the
store) and over Redis, against no limiter at all (the yardstick: 0). Each round runs every
side in turn; medians of the rounds.

    .venv/bin/python bench/bench_limits.py [--rounds 6]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from harness import table
from plotboard.config import Settings
from plotboard.runtime import Runtime
from plotboard.store.models import Organization
from plotboard.usage import UsageLimiter


def one_request(limiter: UsageLimiter, org_id: str) -> float:
    start = time.perf_counter()
    limiter.leave(limiter.enter("query", org_id, uuid.uuid4().hex))
    return time.perf_counter() - start


def burst(request: Callable[[], float], n: int = 400, threads: int = 16) -> list[float]:
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda _: request(), range(n)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument(
        "--redis", default=os.environ.get("PLOTBOARD_REDIS_URL", "redis://127.0.0.1:6379/15")
    )
    args = parser.parse_args()
    runtime = Runtime(Settings(data_dir=tempfile.mkdtemp(), secret_key="b" * 32))
    with runtime.store.engine.begin() as conn:
        conn.execute(
            sa.insert(Organization).values(id="bench", name="bench", signing_secret_enc="-")
        )
    sides = {
        "store (SQLite)": UsageLimiter(runtime.store.engine, None, runtime.changes),
        "Redis": UsageLimiter(runtime.store.engine, args.redis, runtime.changes),
    }
    alone: dict[str, list[float]] = {name: [] for name in sides}
    together: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(args.rounds):
        for name, limiter in sides.items():
            alone[name].append(statistics.median(one_request(limiter, "bench") for _ in range(50)))
            lat = sorted(burst(lambda limiter=limiter: one_request(limiter, "bench")))  # type: ignore[misc]
            together[name].append(lat[len(lat) // 2])
    rows = [["limits counted in", "one request (ms)", "16 at once, median (ms)"]]
    for name in sides:
        rows.append(
            [
                name,
                f"{statistics.median(alone[name]) * 1000:.2f}",
                f"{statistics.median(together[name]) * 1000:.2f}",
            ]
        )
    print(table(rows))
    print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
