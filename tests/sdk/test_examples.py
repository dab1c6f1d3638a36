"""The host-backend examples (examples/express, examples/nextjs, examples/django), each run as its
own server against a running `plotboard demo`: a user signs in to the host app, asks it for a
token, and gets one minted for them, with their attributes, that the embed API accepts."""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from plotboard_client import PlotboardClient
from tests.live_server import DemoServer, clean_env, free_port
from tests.sdk.npm import EXAMPLES, build_node_client, npm_ci, run
from tests.services import require

ALICE = {"region": "North", "location": ["Paris", "London", "Berlin"]}
BOB = {"region": "South", "location": ["New York", "Toronto", "São Paulo"]}
STARTUP_TIMEOUT = 60.0


@contextmanager
def serving(
    command: list[str], cwd: Path, env: Mapping[str, str], port: int, log: Path
) -> Iterator[str]:
    """Run an example's server until the block ends; yield its address once it accepts."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=cwd, env=dict(env), stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: npm/next children stop with it
        )  # fmt: skip
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            assert process.poll() is None, f"{command} exited:\n{log.read_text(errors='replace')}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"{command} did not listen on {port}"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def example_env(demo_server: DemoServer, **extra: str) -> dict[str, str]:
    """What a host app's deployment sets: plotboard's address and the (tokens) API key."""
    return clean_env(
        PLOTBOARD_URL=demo_server.url,
        PLOTBOARD_API_KEY=demo_server.info["api_key"],
        NEXT_TELEMETRY_DISABLED="1",
        **extra,
    )


def assert_minted_for(
    demo_server: DemoServer, answer: httpx.Response, user_id: str, attributes: object
) -> None:
    """The host app answered a token for `user_id` with `attributes`, and the token works."""
    assert answer.status_code == 200, answer.text
    token = answer.json()["token"]
    with PlotboardClient(demo_server.url, demo_server.info["api_key"]) as plotboard:
        info = plotboard.introspect_token(token)
    assert info["valid"] is True
    assert info["user_id"] == user_id and info["attributes"] == attributes
    dashboards = httpx.get(
        f"{demo_server.url}/api/v1/embed/dashboards", headers={"Authorization": f"Bearer {token}"}
    )
    assert dashboards.status_code == 200, dashboards.text
    assert isinstance(dashboards.json()["dashboards"], list)


def test_express(demo_server: DemoServer, tmp_path: Path) -> None:
    build_node_client()
    folder = EXAMPLES / "express"
    npm_ci(folder)
    port = free_port()
    env = example_env(demo_server, PORT=str(port))
    with (
        serving(["node", "server.js"], folder, env, port, tmp_path / "express.log") as url,
        httpx.Client(base_url=url) as browser,
    ):
        assert browser.post("/plotboard-token").status_code == 401  # not signed in
        assert browser.post("/login", json={"user": "mallory"}).status_code == 401
        assert browser.post("/login", json={"user": "bob"}).status_code == 200
        answer = browser.post("/plotboard-token", json={"user": "alice"})  # a page's wish: ignored
        assert_minted_for(demo_server, answer, "bob", BOB)


def test_nextjs_route_handler(demo_server: DemoServer, tmp_path: Path) -> None:
    build_node_client()
    folder = EXAMPLES / "nextjs"
    npm_ci(folder)
    env = example_env(demo_server, SESSION_SECRET="test-only-session-secret")
    run(["node_modules/.bin/next", "build"], folder, env)
    port = free_port()
    command = ["node_modules/.bin/next", "start", "-H", "127.0.0.1", "-p", str(port)]
    with (
        serving(command, folder, env, port, tmp_path / "next.log") as url,
        httpx.Client(base_url=url) as browser,
    ):
        assert browser.post("/api/plotboard-token").status_code == 401
        forged = browser.post("/api/plotboard-token", headers={"Cookie": "session=bob.00"})
        assert forged.status_code == 401
        assert browser.post("/api/login", json={"user": "alice"}).status_code == 200
        assert_minted_for(demo_server, browser.post("/api/plotboard-token"), "alice", ALICE)


def test_django(demo_server: DemoServer, tmp_path: Path) -> None:
    require(importlib.util.find_spec("django") is not None, "Django is not installed (.[dev])")
    folder = EXAMPLES / "django"
    env = example_env(demo_server, DJANGO_DB_PATH=str(tmp_path / "host.sqlite3"))
    run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], folder, env)
    run([sys.executable, "manage.py", "seed_users"], folder, env)
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    with (
        serving(command, folder, env, port, tmp_path / "django.log") as url,
        httpx.Client(base_url=url) as browser,
    ):
        assert browser.post("/plotboard-token").status_code == 403  # no CSRF token, no session
        login = browser.get("/accounts/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
        assert csrf, login.text
        signed_in = browser.post(
            "/accounts/login/",
            data={"username": "bob", "password": "bob-password", "csrfmiddlewaretoken": csrf[1]},
        )
        assert signed_in.status_code == 302, signed_in.text
        headers = {"X-CSRFToken": browser.cookies["csrftoken"]}
        assert browser.get("/plotboard-token", headers=headers).status_code == 405
        answer = browser.post("/plotboard-token", headers=headers)
        assert_minted_for(demo_server, answer, "bob", BOB)
