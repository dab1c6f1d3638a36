"""A real plotboard server over an empty store (one organization, one admin) and Debian's
Chromium, for the console's walk-through. Never a downloaded browser: without /usr/bin/chromium
the browser tests skip, and under CI=true they fail."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from plotboard.app import create_app
from plotboard.config import Settings
from plotboard.orgs import create_admin, create_organization
from plotboard.runtime import Runtime

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ADMIN_EMAIL = "owner@example.com"
ADMIN_PASSWORD = "a long admin password"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    runtime: Runtime
    org_id: str


@contextmanager
def empty_server(data_dir: Path) -> Iterator[Server]:
    """plotboard under uvicorn on a free port, over a fresh store holding one organization
    and its admin — nothing else: the walk-through sets up the rest in the console."""
    port = free_port()
    settings = Settings(data_dir=data_dir, secret_key="walkthrough-" + "w" * 40, port=port)
    runtime = Runtime(settings)
    with runtime.store.session() as session:
        org = create_organization(session, runtime.secret_key, "Acme Analytics")
        create_admin(session, org.id, ADMIN_EMAIL, ADMIN_PASSWORD)
        org_id = org.id
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, runtime=runtime), port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="console-test-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                pytest.fail(f"plotboard did not start on port {port}", pytrace=False)
            time.sleep(0.05)
        yield Server(f"http://127.0.0.1:{port}", runtime, org_id)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        runtime.close()
