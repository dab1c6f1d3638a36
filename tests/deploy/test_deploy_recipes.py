"""deploy/compose.yaml, deploy/plotboard.service and plotboard-worker.service, run as local
processes.

No container engine can run here, so the compose file's plotboard services are started with
their own commands and settings, pointed at the local PostgreSQL (a temporary database) and
Redis instead of the "store" and "cache" containers; the systemd unit's ExecStartPre and
ExecStart are run the same way.
"""

from __future__ import annotations

import shlex
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from plotboard.auth.api_keys import create_api_key
from plotboard.config import Settings
from plotboard.orgs import create_organization
from plotboard.runtime import Runtime
from tests.live_server import clean_env, free_port, plotboard_command, run_plotboard, stop
from tests.services import redis_url_or_fail, temporary_postgres_database

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SECRET = "deploy-test-secret-" + "s" * 40

pytestmark = pytest.mark.postgres


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def _local(command: list[str]) -> list[str]:
    assert command[0] == "plotboard" or command[0].endswith("/bin/plotboard"), command
    return [*plotboard_command(), *command[1:]]


def _with_port(command: list[str], port: int) -> list[str]:
    out = [a for a in command]
    if "--port" in out:
        out[out.index("--port") + 1] = str(port)
    else:
        out += ["--port", str(port)]
    if "--host" in out:
        out[out.index("--host") + 1] = "127.0.0.1"
    return out


def _env(service: dict[str, Any], store: str, redis_url: str, port: int) -> dict[str, str]:
    env = {k: str(v) for k, v in service["environment"].items()}
    # The containers' host names become this machine's services; the rest is kept as written.
    assert "@store:5432/" in env["PLOTBOARD_DATABASE_URL"]
    assert env["PLOTBOARD_REDIS_URL"].startswith("redis://cache:6379/")
    env.update(
        PLOTBOARD_DATABASE_URL=store,
        PLOTBOARD_REDIS_URL=redis_url,
        PLOTBOARD_SECRET_KEY=SECRET,
        PLOTBOARD_PUBLIC_URL="http://127.0.0.1",
        PLOTBOARD_HOST="127.0.0.1",
        PLOTBOARD_PORT=str(port),
    )
    return clean_env(**env)


@contextmanager
def _serving(command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        yield url
    finally:
        stop(process)


def _api_key(store: str, tmp_path: Path) -> str:
    runtime = Runtime(
        Settings(database_url=store, secret_key=SECRET, data_dir=tmp_path), run_migrations=False
    )
    try:
        with runtime.store.session() as session:
            org = create_organization(session, runtime.secret_key, "Deployed")
            _, key = create_api_key(session, org.id, "backend", ["tokens"], None)
    finally:
        runtime.close()
    return key


def test_compose_file_wires_two_servers_a_store_a_cache_and_a_proxy() -> None:
    services = _compose()["services"]
    assert {"store", "cache", "migrate", "plotboard-1", "plotboard-2", "proxy"} <= set(services)
    for name in ("plotboard-1", "plotboard-2"):
        app = services[name]
        assert app["command"][:2] == ["plotboard", "serve"]
        assert "--no-migrate" in app["command"]  # "migrate" runs once, before them
        assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert "ports" not in app  # reached through the proxy only
    assert services["migrate"]["command"] == ["plotboard", "migrate"]
    # The servers leave jobs to the worker service.
    assert services["worker"]["command"] == ["plotboard", "worker"]
    for name in ("plotboard-1", "plotboard-2", "worker"):
        assert services[name]["environment"]["PLOTBOARD_JOBS_IN_WEB"] == "false"
    assert "ports" not in services["worker"]
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    assert "plotboard-1:8000" in caddyfile and "plotboard-2:8000" in caddyfile


def test_compose_servers_run_as_local_processes_and_share_store_and_cache(
    tmp_path: Path,
) -> None:
    services = _compose()["services"]
    redis_url = redis_url_or_fail()
    with temporary_postgres_database() as store, ExitStack() as stack:
        migrate = services["migrate"]
        result = subprocess.run(
            _local(migrate["command"]),
            env=_env(migrate, store, redis_url, free_port()),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        urls = []
        for name in ("plotboard-1", "plotboard-2"):
            port = free_port()
            command = _with_port(_local(services[name]["command"]), port)
            env = _env(services[name], store, redis_url, port)
            urls.append(stack.enter_context(_serving(command, env, port, tmp_path / name)))
        key = _api_key(store, tmp_path)
        first, second = urls
        minted = httpx.post(
            f"{first}/api/v1/embed/tokens",
            json={"user_id": "dana"},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert minted.status_code == 201, minted.text
        auth = {"Authorization": f"Bearer {minted.json()['token']}"}
        title = f"Made on one server {uuid.uuid4().hex[:6]}"
        made = httpx.post(f"{first}/api/v1/embed/dashboards", json={"title": title}, headers=auth)
        assert made.status_code == 201, made.text
        # The token minted by one server works on the other, which sees the same store.
        listed = httpx.get(f"{second}/api/v1/embed/dashboards", headers=auth)
        assert listed.status_code == 200, listed.text
        assert [d["title"] for d in listed.json()["dashboards"]] == [title]


def test_systemd_unit_commands_run_as_local_processes(tmp_path: Path) -> None:
    unit = (DEPLOY / "plotboard.service").read_text().splitlines()
    lines = dict(line.split("=", 1) for line in unit if "=" in line and not line.startswith("#"))
    pre, start = shlex.split(lines["ExecStartPre"]), shlex.split(lines["ExecStart"])
    assert start[1:3] == ["serve", "--no-migrate"] and pre[1:] == ["migrate"]
    port = free_port()
    with temporary_postgres_database() as store:
        env = clean_env(PLOTBOARD_DATABASE_URL=store, PLOTBOARD_SECRET_KEY=SECRET)
        result = run_plotboard(*pre[1:], env=env)
        assert result.returncode == 0, result.stderr
        command = _with_port(_local(start), port)
        with _serving(command, env, port, tmp_path / "unit.log") as url:
            assert httpx.get(f"{url}/healthz").status_code == 200


def _stops_cleanly(command: list[str], env: dict[str, str], log: Path) -> str:
    """Start a worker, wait until it runs, SIGTERM it; its output."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while "is running" not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.1)
        process.terminate()
        assert process.wait(timeout=20) == 0, log.read_text(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
    return log.read_text(errors="replace")


def test_the_compose_worker_and_the_worker_unit_run_and_stop(tmp_path: Path) -> None:
    service = _compose()["services"]["worker"]
    unit = (DEPLOY / "plotboard-worker.service").read_text().splitlines()
    lines = dict(line.split("=", 1) for line in unit if "=" in line and not line.startswith("#"))
    start = shlex.split(lines["ExecStart"])
    assert start[1:] == ["worker"] and lines["KillSignal"] == "SIGTERM"
    with temporary_postgres_database() as store:
        env = _env(service, store, redis_url_or_fail(), free_port())
        assert run_plotboard("migrate", env=env).returncode == 0
        for name, command in (("compose", service["command"]), ("unit", start)):
            output = _stops_cleanly(_local(command), env, tmp_path / f"{name}.log")
            assert output.strip().endswith("Stopped."), output
