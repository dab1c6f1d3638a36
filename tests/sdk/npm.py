"""The Node.js side of the SDK tests: `npm ci` in a package folder when its lock changed (like
the Makefile does for frontend/), and running npm/node commands with their output on failure.

npm and Node 20+ are required: without them these tests skip, and fail under CI=true.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from tests.services import require

ROOT = Path(__file__).resolve().parents[2]
NODE_CLIENT = ROOT / "clients" / "node"
EXAMPLES = ROOT / "examples"
STAMP = ".plotboard-installed"


def require_node() -> None:
    require(
        shutil.which("npm") is not None and shutil.which("node") is not None,
        "the Node.js SDK and the Express and Next.js examples need Node.js 20+ with npm",
    )


def run(
    command: list[str], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run `command` in `cwd` to completion; a failure shows everything it printed."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, (
        f"`{' '.join(command)}` in {cwd.relative_to(ROOT)} exited with {result.returncode}\n"
        f"--- stdout ---\n{result.stdout[-6000:]}\n--- stderr ---\n{result.stderr[-6000:]}"
    )
    return result


def npm_ci(folder: Path) -> None:
    """Install `folder`'s packages from its package-lock.json (the npm registry only), unless
    they are installed from that lock already."""
    require_node()
    stamp = folder / "node_modules" / STAMP
    lock = folder / "package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    run(["npm", "ci", "--no-audit", "--no-fund"], folder)
    stamp.touch()


@cache
def build_node_client() -> Path:
    """clients/node installed and built (dist/ is what the examples import), once a run."""
    npm_ci(NODE_CLIENT)
    run(["npm", "run", "--silent", "build"], NODE_CLIENT)
    return NODE_CLIENT
