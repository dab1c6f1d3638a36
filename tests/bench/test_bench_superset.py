"""bench/bench_superset.py without Superset: one line saying so, exit 0 (`make bench` goes on).

Not a timing test: the comparison itself needs a running Superset (docs/benchmarks.md).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "bench_superset.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLOTBOARD_BENCH_SUPERSET_")}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("where", ["no url", "nothing there"])
def test_skips_with_a_message_when_superset_is_not_there(where: str) -> None:
    args = [] if where == "no url" else ["--superset-url", f"http://127.0.0.1:{closed_port()}"]
    done = run(*args, "--username", "u", "--password", "p")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout
    assert lines[0].startswith("Superset not found"), lines[0]
    assert "skipped" in lines[0] and "--superset-url" in lines[0]
    assert "docs/benchmarks.md" in lines[0]
