"""A real `plotboard demo` server for the documentation's examples, and the reader's shell."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.docs.examples import mint
from tests.live_server import DemoServer, clean_env, demo_admin_key, has_curl, running_demo
from tests.services import require


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    require(has_curl(), "the documentation's examples use curl, which is not installed")
    with running_demo(tmp_path_factory.mktemp("docs-demo") / "data") as server:
        yield server


@pytest.fixture(scope="session")
def admin_api(demo_server: DemoServer) -> Iterator[httpx.Client]:
    """The admin API with an admin-scoped key (the demo's own key only mints tokens), for
    setting up examples."""
    with httpx.Client(
        base_url=demo_server.url,
        headers={"Authorization": f"Bearer {demo_admin_key(demo_server)}"},
    ) as client:
        yield client


@pytest.fixture
def reader_env(demo_server: DemoServer, admin_api: httpx.Client) -> dict[str, str]:
    """What a reader has exported after reading the pages: the variables the examples use."""
    info = demo_server.info
    return clean_env(
        PLOTBOARD_URL=demo_server.url,
        PLOTBOARD_API_KEY=info["api_key"],
        PLOTBOARD_ADMIN_KEY=demo_admin_key(demo_server),
        ADMIN_EMAIL=info["admin_email"],
        ADMIN_PASSWORD=info["admin_password"],
        SOURCE_ID=info["source_id"],
        DEMO_DATABASE=info["demo_database"],
        TOKEN=mint(admin_api, "alice", attributes={"region": "North"}),
    )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """The reader's current directory."""
    return tmp_path
