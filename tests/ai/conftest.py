"""Fixtures for the AI tests: the demo database, generated once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from plotboard.catalog.model import Catalog
from plotboard.demo.data import generate_demo_database
from tests.ai import golden_report
from tests.ai.demo import demo_catalog, demo_values


@pytest.fixture(scope="session")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    path = Path(tmp_path_factory.mktemp("ai-demo")) / "demo.db"
    generate_demo_database(path)
    engine = sa.create_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def catalog(demo_engine: sa.Engine) -> Catalog:
    return demo_catalog(demo_engine)


@pytest.fixture(scope="session")
def values(demo_engine: sa.Engine, catalog: Catalog) -> dict[tuple[str, str], list[str]]:
    return demo_values(demo_engine, catalog)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if golden_report.LINES:
        terminalreporter.section("built-in AI engine")
        for line in golden_report.LINES:
            terminalreporter.write_line(line)
