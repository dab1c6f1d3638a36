"""Connecting to the metadata store and bringing its schema up to date."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from plotboard.store.changes import track_changes

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
#: Where alembic keeps the revision a store is at (its default name).
VERSION_TABLE = "alembic_version"


def create_store_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 10,
    pool_timeout: float = 10.0,
    track: bool = True,
) -> sa.Engine:
    """An engine for the metadata store. SQLite gets foreign keys, WAL and a busy timeout;
    other databases a pool of `pool_size` (+ `max_overflow` under load) connections, where a
    request waits at most `pool_timeout` seconds for one (then `sqlalchemy.exc.TimeoutError`,
    which the API answers with 503). With `track`, writes to what servers cache move the
    store's generation on (`plotboard.store.changes`); migrations run without."""
    engine = _create_engine(url, pool_size, max_overflow, pool_timeout)
    if track:
        track_changes(engine)
    return engine


def _create_engine(url: str, pool_size: int, max_overflow: int, pool_timeout: float) -> sa.Engine:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            create_private_file(Path(parsed.database))
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
    )


def create_private_file(path: Path) -> None:
    """Create `path` empty, readable by its owner only (0600), in a folder of theirs (0700)
    when the folder is new too. An existing file or folder is left as it is.

    For the SQLite store, which holds password hashes and encrypted secrets; SQLite gives its
    -wal and -shm files the database file's mode."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # Alembic's ini interpolation treats % specially; URLs may contain escaped characters.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str) -> None:
    """Upgrade the store at `url` to the latest schema (creates it when empty).

    A store already up to date is only looked at (`pending_migrations`): alembic, its
    templates and the migration scripts (about 10 MiB) are loaded only when there is something
    to migrate, so a server restarted on its store does not carry them."""
    engine = create_store_engine(url, track=False)
    try:
        if not pending_migrations(engine):
            return
        from alembic import command

        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Several app servers may start at once: one migrates, the others wait.
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7165626)"))
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()


def pending_migrations(engine: sa.Engine) -> bool:
    """True when the store's schema is not the code's (behind it, or unknown to it: then
    `migrate` lets alembic say so). Without importing alembic."""
    return store_heads(engine) != code_heads()


def store_heads(engine: sa.Engine) -> frozenset[str]:
    """The revisions the store is at, as alembic recorded them (none for an empty store)."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(VERSION_TABLE):
            return frozenset()
        rows = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}"))
        return frozenset(rows.scalars())


@lru_cache(maxsize=1)
def code_heads() -> frozenset[str]:
    """The latest revisions of this code's migrations, as alembic's `ScriptDirectory` finds
    them (the revisions no other revises), read from the scripts' `revision` and
    `down_revision` assignments without running them."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found: dict[str, Any] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign):
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                found[target.id] = ast.literal_eval(value)
        revision, down = found.get("revision"), found.get("down_revision")
        if not isinstance(revision, str):
            raise RuntimeError(f"{path.name} names no revision")
        revisions.add(revision)
        revised.update([down] if isinstance(down, str) else down or ())
    return frozenset(revisions - revised)


class Store:
    """The engine and session factory of the metadata store."""

    def __init__(self, url: str, **pool: Any) -> None:
        """`pool`: `pool_size`, `max_overflow`, `pool_timeout` (see `create_store_engine`)."""
        self.url = url
        self.engine = create_store_engine(url, **pool)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
