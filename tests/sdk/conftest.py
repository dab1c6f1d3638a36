"""A real `plotboard demo` server for the host-backend SDKs and their framework examples."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.live_server import DemoServer, running_demo


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with running_demo(tmp_path_factory.mktemp("sdk-demo") / "data") as server:
        yield server
