"""The metadata store's migrations, on SQLite and on the PostgreSQL server."""

from __future__ import annotations

import os
import subprocess
import sys
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


def test_the_code_heads_are_alembics() -> None:
    # The server tells whether a store is behind without importing alembic: it reads the
    # scripts' revisions itself, and must find the heads alembic finds.
    from alembic.script import ScriptDirectory

    from plotboard.store.db import alembic_config, code_heads

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert code_heads() == frozenset(script.get_heads())
    assert len(code_heads()) == 1


def test_a_store_behind_is_found_and_brought_up(empty_store: str) -> None:
    from alembic import command

    from plotboard.store.db import alembic_config, code_heads, store_heads

    engine = create_store_engine(empty_store)
    try:
        assert store_heads(engine) == frozenset() and pending_migrations(engine)
        with engine.begin() as conn:
            cfg = alembic_config(empty_store)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0012")
        assert store_heads(engine) == {"0012"} and pending_migrations(engine)
        migrate(empty_store)
        assert store_heads(engine) == code_heads() and not pending_migrations(engine)
    finally:
        engine.dispose()


def test_sources_from_before_0014_stay_open_and_new_ones_start_closed(empty_store: str) -> None:
    """Migration 0014 adds `data_sources.end_users`: the sources a store already has were open
    to end users and stay open; a row added later without saying is closed."""
    from alembic import command

    from plotboard.store.db import alembic_config

    engine = create_store_engine(empty_store)
    try:
        with engine.begin() as conn:
            cfg = alembic_config(empty_store)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0013")
            conn.execute(
                sa.text(
                    "INSERT INTO organizations (id, name, signing_secret_enc, created_at)"
                    " VALUES ('o1', 'Org', 'x', CURRENT_TIMESTAMP)"
                )
            )
            for source_id in ("s1", "s2"):
                conn.execute(
                    sa.text(
                        "INSERT INTO data_sources (id, org_id, name, kind, connection, settings,"
                        " created_at, updated_at) VALUES (:id, 'o1', :id, 'sqlite', '{}', '{}',"
                        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"id": source_id},
                )
        migrate(empty_store)
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO data_sources (id, org_id, name, kind, connection, settings,"
                    " created_at, updated_at) VALUES ('s3', 'o1', 's3', 'sqlite', '{}', '{}',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            states = dict(
                conn.execute(sa.text("SELECT id, end_users FROM data_sources ORDER BY id")).all()
            )
        assert states == {"s1": "open", "s2": "open", "s3": "closed"}
    finally:
        engine.dispose()


RESTART = """
import sys
from plotboard.app import create_app
from plotboard.config import Settings
from plotboard.runtime import Runtime

settings = Settings(database_url=sys.argv[1], secret_key="s" * 48, data_dir=sys.argv[2])
runtime = Runtime(settings)  # migrates when needed, as `plotboard serve` does
create_app(settings, runtime=runtime)
print(sorted({"alembic", "mako", "pygments"} & {m.split(".")[0] for m in sys.modules}))
"""


def test_a_server_restarted_on_its_store_does_not_load_alembic(tmp_path: Path) -> None:
    # alembic with its templates (mako, pygments) and the migration scripts is about 10 MiB of
    # every worker's memory (docs/benchmarks.md, "Memory"); a store that is up to date needs
    # none of it. Fails before: plotboard.store.db imported alembic.
    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(
        [sys.executable, "-c", RESTART, url, str(tmp_path)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split("\n")[-2] == "[]"
