"""Shared fixtures. Real servers only: see tests/services.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.services import temporary_mariadb_database, temporary_postgres_database


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
