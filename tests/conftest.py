"""Shared fixtures. Real servers only: see tests/services.py."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.services import (
    temporary_clickhouse_database,
    temporary_mariadb_database,
    temporary_postgres_database,
)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for the whole test session."""
    with temporary_postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def mariadb_url() -> Iterator[str]:
    """A fresh MariaDB database for the whole test session."""
    with temporary_mariadb_database() as url:
        yield url


@pytest.fixture(scope="session")
def clickhouse_database() -> Iterator[str]:
    """A fresh ClickHouse database (in this process's chDB engine) for the whole session."""
    with temporary_clickhouse_database() as name:
        yield name


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright, one for the whole run: Playwright's sync API allows
    one instance per thread, so the editor and console browser tests share it."""
    from tests.browser.server import CHROMIUM, CHROMIUM_ARGS
    from tests.services import require

    require(
        CHROMIUM.exists(), f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def screenshot_dir() -> Path:
    """Where browser tests save the screenshots the docs show: docs/images when
    PLOTBOARD_UPDATE_SCREENSHOTS=1 (to refresh them), else a scratch folder, so a test run
    leaves the work tree clean while the screenshot code still runs."""
    if os.environ.get("PLOTBOARD_UPDATE_SCREENSHOTS") == "1":
        return Path(__file__).resolve().parents[1] / "docs" / "images"
    return Path(tempfile.gettempdir()) / "plotboard-screenshots"
