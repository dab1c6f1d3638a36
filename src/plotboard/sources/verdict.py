"""*Test connection*: try a source once and say in plain words what happened."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from plotboard.sources import kinds
from plotboard.sources.classify import (
    FILE_NOT_FOUND,
    NOT_A_DATABASE,
    classify_connect_error,
    scrub,
)
from plotboard.sources.dialects import SourceConnection
from plotboard.sources.engines import PoolSettings, create_source_engine


@dataclass(frozen=True)
class ConnectionVerdict:
    """The outcome of `test_connection`.

    `code` is `ok` or one of: `access_denied`, `unknown_host`, `database_not_found`,
    `connection_refused`, `timeout`, `unreachable`, `file_not_found`, `not_a_database`,
    `file_in_use`, `cannot_open`, `driver_missing`, `too_many_connections`, `ssl_error`,
    `connection_lost`, `error`. `message` is one or two sentences for the admin; it never
    contains the password. `server_version` is e.g. "PostgreSQL 15.4" when connected.
    """

    ok: bool
    code: str
    message: str
    server_version: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "code": self.code,
            "message": self.message,
            "server_version": self.server_version,
        }


def test_connection(conn: SourceConnection, timeout_s: float = 5) -> ConnectionVerdict:
    """Connect to `conn` once, run a trivial query, and return a verdict. Never raises.

    Blocking; takes at most about `timeout_s` (PostgreSQL rounds the connect timeout up to
    whole seconds, minimum 2). Nothing is written, and SQLite/DuckDB files are not created.
    """
    if conn.file_path is not None:
        early = _check_file(conn, conn.file_path)
        if early is not None:
            return early
    try:
        engine = create_source_engine(
            conn, settings=PoolSettings(connect_timeout_s=timeout_s), pooled=False
        )
    except Exception as err:
        problem = classify_connect_error(err, conn, timeout_s)
        return ConnectionVerdict(False, problem.code, problem.message)
    try:
        with engine.connect() as connection:
            version = _probe(connection)
            connection.rollback()
    except Exception as err:
        problem = classify_connect_error(err, conn, timeout_s)
        return ConnectionVerdict(False, problem.code, problem.message)
    finally:
        engine.dispose()
    return ConnectionVerdict(
        True, "ok", scrub(f"Connected to {version} at {conn.target}.", conn), version
    )


# pytest would otherwise collect the function above as a test when a test module imports it.
test_connection.__test__ = False  # type: ignore[attr-defined]


def _check_file(conn: SourceConnection, shown: str) -> ConnectionVerdict | None:
    # Checked up front so that nothing gets a chance to create the file.
    path = os.path.expanduser(shown)
    if not os.path.exists(path):
        return ConnectionVerdict(False, FILE_NOT_FOUND, f"There is no file at {shown}.")
    if os.path.isdir(path):
        label = kinds.for_backend(conn.backend).label
        return ConnectionVerdict(
            False, NOT_A_DATABASE, f"{shown} is a folder, not a {label} database file."
        )
    return None


def _probe(connection: Connection) -> str:
    """Run a query that touches the database and return a display version string."""
    return kinds.for_backend(connection.dialect.name).server_version(connection)
