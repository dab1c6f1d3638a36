"""Install footprint of the wheel: venv size and a worker's memory after load.

    .venv/bin/python bench/footprint.py dist/plotboard-*.whl

Makes a fresh virtualenv with the system's python3, `pip install`s the wheel into it (no
extras), runs `plotboard demo` from it in a temporary folder, answers one tile (a grouped
query) and one map lookup (the gazetteer), and reads the server's VmRSS from /proc. Linux only.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def _du_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    return total / 1e6


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main(wheel: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="plotboard-footprint-"))
    try:
        venv, empty = work / "venv", work / "empty"
        subprocess.run(["python3", "-m", "venv", str(empty)], check=True)
        subprocess.run(["python3", "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin/pip"), "install", "-q", wheel], check=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        data = work / "data"
        server = subprocess.Popen(
            [str(venv / "bin/plotboard"), "demo", "--data-dir", str(data), "--port", str(port)],
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            started = time.monotonic()
            url = f"http://127.0.0.1:{port}"
            while not (data / "demo.json").exists() or not _up(url):
                if server.poll() is not None or time.monotonic() - started > 120:
                    raise RuntimeError("plotboard demo did not start")
                time.sleep(0.2)
            idle = _rss_mb(server.pid)
            demo = json.loads((data / "demo.json").read_text())
            user = demo["users"][0]
            token = httpx.post(
                f"{url}/api/v1/embed/tokens",
                json={"user_id": user["user_id"], "attributes": user["attributes"]},
                headers={"Authorization": f"Bearer {demo['api_key']}"},
            ).json()["token"]
            auth = {"Authorization": f"Bearer {token}"}
            query = {
                "table": "sales",
                "measures": [{"agg": "sum", "column": "amount"}],
                "dimensions": [{"column": "sales_region"}],
            }
            answer = httpx.post(f"{url}/api/v1/embed/query", json={"query": query}, headers=auth)
            answer.raise_for_status()
            geo_started = time.monotonic()
            httpx.get(
                f"{url}/api/v1/embed/geo",
                params={"names": "Paris,Tokyo"},
                headers=auth,
                timeout=60,
            ).raise_for_status()
            geo_s = time.monotonic() - geo_started
            loaded = _rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(10)
        size, base = _du_mb(venv), _du_mb(empty)
        sys.stdout.write(
            f"venv: {size:.1f} MB ({base:.1f} MB of it is the empty venv's pip/setuptools)\n"
            f"worker RSS: {idle:.0f} MiB idle, {loaded:.0f} MiB after a tile and a map lookup\n"
            f"first map lookup (gazetteer load): {geo_s:.2f} s\n"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code < 500
    except httpx.HTTPError:
        return False


if __name__ == "__main__":
    main(sys.argv[1])
