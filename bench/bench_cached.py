"""Cached tiles: requests per second and latency with 100 concurrent clients.

`plotboard serve --workers 2` over the demo database with the result cache warm, against the
bare FastAPI yardstick (bare_app.py, also 2 uvicorn workers), alternating rounds of `wrk`
(Debian package `wrk`) on the same 2 cores; medians of the rounds.

    .venv/bin/python bench/bench_cached.py [--rounds 3] [--seconds 10]

The server runs with its defaults, as users run it: it re-reads the store only on change,
checking every `store_change_check_seconds` (0.2). Checkouts before that re-read every
`api_key_cache_seconds`, set here to their default (1; newer servers ignore it). To compare two
commits, alternate runs of one round each with PYTHONPATH set to each checkout's `src/`.
`--no-access-log` runs plotboard without its access log, as the yardstick runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

import bare_app
from harness import Server, free_port, running_server, table

LUA = """
wrk.method = "POST"
wrk.body = [[%s]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
done = function(summary, latency, requests)
  io.write(string.format("P50 %%f\\nP95 %%f\\nP99 %%f\\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""

SPEC = {
    "query": {
        "table": "employees",
        "measures": [{"agg": "avg", "column": "salary"}],
        "dimensions": [{"column": "location"}],
    }
}


def wrk(url: str, body: str, token: str, seconds: int) -> dict[str, float]:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(LUA % (body, token))
    out = subprocess.run(
        ["wrk", "-t2", "-c100", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    script.unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p = {k: float(v) for k, v in re.findall(r"(P\d+) ([\d.]+)", out)}
    return {"rps": rps, "errors": float(errors.group(1)) if errors else 0.0, **p}


def bare_server(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bare_app:app",
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=Path(__file__).parent,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--no-access-log",
        action="store_true",
        help="plotboard without its access log (PLOTBOARD_ACCESS_LOG=false), as the yardstick",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    from plotboard.demo.data import generate_demo_database

    db = Path(tempfile.mkdtemp()) / "demo.sqlite"
    generate_demo_database(db)
    rules = [("employees", [{"column": "location", "op": "in", "attribute": "location"}])]
    servers: dict[str, Server] = {}
    with contextlib.ExitStack() as stack:
        for name in ("plotboard",):
            servers[name] = stack.enter_context(
                running_server(
                    {"kind": "sqlite", "path": str(db)},
                    rules,
                    [("location", "string_list")],
                    cache_ttl=3600,
                    workers=2,
                    env={
                        "PLOTBOARD_API_KEY_CACHE_SECONDS": "1",
                        **({"PLOTBOARD_ACCESS_LOG": "false"} if args.no_access_log else {}),
                    },
                )
            )
        tokens = {name: s.token(location=["Paris", "London"]) for name, s in servers.items()}
        for name, server in servers.items():
            for _ in range(4):  # warm both workers' caches and memos
                r = httpx.post(
                    f"{server.url}/api/v1/embed/query",
                    json=SPEC,
                    headers={"Authorization": f"Bearer {tokens[name]}"},
                )
                r.raise_for_status()
        port = free_port()
        bare = bare_server(port)
        deadline = time.monotonic() + 60  # a busy machine takes a while to start two workers
        while True:
            try:
                httpx.post(f"http://127.0.0.1:{port}/q", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        time.sleep(1)  # the second worker
        results: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
        results["bare"] = []
        try:
            for _ in range(args.rounds):
                for name, server in servers.items():
                    results[name].append(
                        wrk(
                            f"{server.url}/api/v1/embed/query",
                            json.dumps(SPEC),
                            tokens[name],
                            args.seconds,
                        )
                    )
                results["bare"].append(
                    wrk(f"http://127.0.0.1:{port}/q", "{}", bare_app.token(), args.seconds)
                )
        finally:
            bare.terminate()
            bare.wait(10)
    rows = [["server", "requests/s (median)", "p50 ms", "p95 ms", "p99 ms", "errors"]]
    for name, runs in results.items():
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        rows.append(
            [
                name,
                f"{med['rps']:.0f}",
                f"{med['P50']:.1f}",
                f"{med['P95']:.1f}",
                f"{med['P99']:.1f}",
                f"{med['errors']:.0f}",
            ]
        )
    print(
        f"\n100 connections, {args.rounds} alternating rounds of {args.seconds} s, 2 workers each,"
        f" wrk on the same {os.cpu_count()} cores\n"
    )
    print(table(rows))
    print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
