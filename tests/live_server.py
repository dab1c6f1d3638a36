"""Run the real `plotboard` command in a subprocess: the demo server, and one-shot CLI calls.

Used by the end-to-end tests of the CLI (tests/cli) and of the documentation's examples
(tests/docs). Nothing here imports the app: what is tested is what a user would run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

STARTUP_TIMEOUT = 120.0  # a demo starts in ~3 s; a machine busy with other work took over 30
STOP_TIMEOUT = 10.0
COMMAND_TIMEOUT = 60.0


def plotboard_command() -> list[str]:
    """The installed `plotboard` script next to this interpreter, else `python -m plotboard`."""
    script = Path(sys.executable).parent / "plotboard"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "plotboard"]


def bin_dir() -> str:
    """The folder holding this interpreter and the `plotboard` script, for PATH."""
    return str(Path(sys.executable).parent)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clean_env(**extra: str) -> dict[str, str]:
    """The current environment without any PLOTBOARD_* setting, plus `extra`.

    A developer's own PLOTBOARD_SECRET_KEY or PLOTBOARD_DATABASE_URL must not leak into tests.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLOTBOARD_")}
    env["PATH"] = bin_dir() + os.pathsep + env.get("PATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run_plotboard(
    *args: str,
    env: Mapping[str, str],
    input: str | None = None,
    timeout: float = COMMAND_TIMEOUT,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `plotboard ARGS...` to completion and return its exit code and output."""
    return subprocess.run(
        [*plotboard_command(), *args],
        env=dict(env),
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        check=False,
    )


def describe(result: subprocess.CompletedProcess[str]) -> str:
    """Everything about a finished command, for assertion messages."""
    return (
        f"`{' '.join(map(str, result.args))}` exited with {result.returncode}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )


@dataclass
class DemoServer:
    """A running `plotboard demo`; `info` is its parsed demo.json."""

    process: subprocess.Popen[bytes]
    data_dir: Path
    port: int
    log: Path
    info: dict[str, Any]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


_ADMIN_KEYS: dict[str, str] = {}


def demo_admin_key(server: DemoServer) -> str:
    """An API key with the admin scope, for scripts that set up examples: the printed key only
    mints tokens, so one is made as the demo's admin would, signed in with the printed email and
    password (once per demo)."""
    found = _ADMIN_KEYS.get(server.url)
    if found is None:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            info = server.info
            signed_in = http.post(
                "/api/v1/admin/session",
                json={"email": info["admin_email"], "password": info["admin_password"]},
            )
            assert signed_in.status_code == 200, signed_in.text
            made = http.post(
                "/api/v1/admin/api-keys",
                headers={"X-CSRF-Token": signed_in.json()["csrf_token"]},
                json={"name": "Set-up scripts", "scopes": ["tokens", "admin"]},
            )
            assert made.status_code == 201, made.text
            found = _ADMIN_KEYS[server.url] = str(made.json()["secret"])
    return found


def _wait_until_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"`plotboard demo` exited with {process.returncode} before answering "
                f"{url}/healthz. Its output:\n{log.read_text(errors='replace')}",
                pytrace=False,
            )
        try:
            response = httpx.get(f"{url}/healthz", timeout=1.0)
            if response.status_code == 200:
                return
            last_error = f"HTTP {response.status_code}: {response.text[:200]}"
        except httpx.HTTPError as err:
            last_error = f"{type(err).__name__}: {err}"
        time.sleep(0.1)
    pytest.fail(
        f"`plotboard demo` did not answer {url}/healthz within {STARTUP_TIMEOUT:.0f} s "
        f"(last: {last_error}). Its output:\n{log.read_text(errors='replace')}",
        pytrace=False,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the process, and kill it when it does not stop in time."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def running_demo(data_dir: Path) -> Iterator[DemoServer]:
    """Start `plotboard demo --data-dir DATA_DIR --port <free port>`, wait for /healthz, yield
    it with its demo.json, and stop it afterwards."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = data_dir.parent / f"{data_dir.name}-server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*plotboard_command(), "demo", "--data-dir", str(data_dir), "--port", str(port)],
            env=clean_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_healthy(process, url, log)
        info = json.loads((data_dir / "demo.json").read_text(encoding="utf-8"))
        yield DemoServer(process, data_dir, port, log, info)
    finally:
        stop(process)


def has_curl() -> bool:
    return shutil.which("curl") is not None
