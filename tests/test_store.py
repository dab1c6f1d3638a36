"""The metadata store's migrations, on SQLite and on the PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from plotboard.store.db import create_store_engine, migrate, pending_migrations
from plotboard.store.models import Base


@pytest.fixture(params=["sqlite", "postgres"])
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    from tests.services import temporary_postgres_database

    context = temporary_postgres_database()
    url = context.__enter__()
    request.addfinalizer(lambda: context.__exit__(None, None, None))
    return url


def test_migrations_build_exactly_the_models_schema(empty_store: str) -> None:
    migrate(empty_store)
    engine = create_store_engine(empty_store)
    try:
        assert not pending_migrations(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_migrating_twice_is_harmless(empty_store: str) -> None:
    migrate(empty_store)
    migrate(empty_store)
    engine = create_store_engine(empty_store)
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    engine.dispose()
    assert {"organizations", "api_keys", "dashboards", "token_attributes", "origins"} <= tables


def test_a_new_sqlite_store_is_private(tmp_path: Path) -> None:
    # It holds password hashes and encrypted secrets: no other local user may read it.
    url = f"sqlite:///{tmp_path / 'new-folder' / 'store.db'}"
    migrate(url)
    assert (tmp_path / "new-folder").stat().st_mode & 0o777 == 0o700
    files = list((tmp_path / "new-folder").iterdir())
    assert files
    for path in files:
        assert path.stat().st_mode & 0o777 == 0o600, path.name
