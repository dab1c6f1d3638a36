"""Fixtures for the query engine tests: the dataset in all four databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from plotboard.query.prepare import clear_cache
from tests.query.databases import DIALECT_PARAMS, TestDatabase, close_database, open_database


@pytest.fixture(scope="session", params=DIALECT_PARAMS)
def db(request: pytest.FixtureRequest) -> Iterator[TestDatabase]:
    """The dataset in one database; tests using it run once per dialect."""
    yield open_database(request.param, request)
    close_database(request.param)


@pytest.fixture(autouse=True)
def _fresh_query_cache() -> None:
    clear_cache()
