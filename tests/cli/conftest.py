"""A real `plotboard demo` server for the whole session, started as a user would start it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.live_server import DemoServer, running_demo


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with running_demo(tmp_path_factory.mktemp("cli-demo") / "data") as server:
        yield server


@pytest.fixture(scope="session")
def demo_info(demo_server: DemoServer) -> dict[str, object]:
    """The parsed demo.json of the running demo."""
    return demo_server.info
