"""Building SQLAlchemy engines for customer databases, with per-driver safety settings.

Every engine gets:

- a connect timeout, so a database that is down fails in seconds instead of hanging a thread;
- for SQLite, `PRAGMA query_only` and no ATTACH on every new connection (the URL already opens
  the file read-only);
- for DuckDB, a read-only connection with file-system access, extension installs and
  configuration changes switched off, and a 2 GB memory limit unless the options set one;
- `hide_parameters=True`, so bound values (user attributes) never appear in error text.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, pool
from sqlalchemy.engine import URL, Engine

from plotboard.sources.dialects import DUCKDB_SEALED_SETTINGS, SourceConnection


@dataclass(frozen=True)
class PoolSettings:
    """Connection-pool sizing. The defaults suit a 2-core app server: at most ten connections
    per source, recycled every 30 minutes, and checked with a ping before each use so a
    database restart costs one reconnect instead of one failed query."""

    pool_size: int = 5
    max_overflow: int = 5
    pool_timeout_s: float = 10.0
    pool_recycle_s: int = 1800
    connect_timeout_s: float = 5.0


#: DuckDB's `memory_limit` unless the connection's options give one (DuckDB's own default is
#: 80% of the machine's memory).
DUCKDB_DEFAULT_MEMORY_LIMIT = "2GB"


def _connect_args(url: URL, connect_timeout_s: float) -> dict[str, Any]:
    backend, driver = url.get_backend_name(), url.get_driver_name()
    if backend == "postgresql" and driver == "psycopg":
        # libpq takes whole seconds and treats anything under 2 as 2.
        args: dict[str, Any] = {"connect_timeout": max(2, math.ceil(connect_timeout_s))}
        if "application_name" not in url.query:
            args["application_name"] = "plotboard"
        return args
    if backend in ("mysql", "mariadb") and driver == "pymysql":
        # read_timeout bounds the handshake too (a port that accepts but never answers);
        # it is lifted after connecting and set per query by the executor.
        return {"connect_timeout": connect_timeout_s, "read_timeout": connect_timeout_s}
    if backend == "sqlite":
        return {"check_same_thread": False}
    if backend == "duckdb":
        if url.database in (None, "", ":memory:"):
            return {}  # DuckDB cannot open an in-memory database read-only
        config = {k: v for k, v in url.query.items() if k not in DUCKDB_SEALED_SETTINGS}
        # DuckDB checks an interrupt between chunks only, and one chunk of a query that
        # doubles strings (concat of concat ...) can build gigabytes: a memory limit makes
        # that fail in a moment. An admin may set another in the connection's options.
        config.setdefault("memory_limit", DUCKDB_DEFAULT_MEMORY_LIMIT)
        return {"read_only": True, "config": {**config, **DUCKDB_SEALED_SETTINGS}}
    return {}


def _on_connect_sqlite(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        dbapi_connection.execute("PRAGMA query_only = ON")


def _on_connect_pymysql(dbapi_connection: Any, _record: Any) -> None:
    # After the handshake, reads wait as long as the query may run; the executor sets a
    # per-query read timeout as a backstop to the server-side statement timeout.
    if hasattr(dbapi_connection, "_read_timeout"):
        dbapi_connection._read_timeout = None


def _pool_class(url: URL) -> type[pool.Pool]:
    dialect_cls: Any = url.get_dialect()
    pool_class: type[pool.Pool] = dialect_cls.get_pool_class(url)
    return pool_class


def create_source_engine(
    conn: SourceConnection, *, settings: PoolSettings | None = None, pooled: bool = True
) -> Engine:
    """An engine for `conn`. Does not connect yet.

    `pooled=False` gives an engine without a pool (one connection per use), for one-off checks
    such as *Test connection*. Raises `sqlalchemy.exc.NoSuchModuleError` or `ImportError` when
    the driver is not installed.
    """
    settings = settings or PoolSettings()
    url = conn.to_url()
    if url.get_backend_name() == "duckdb":
        # Settings travel in connect_args (where the sealed ones win), not in the URL query,
        # which duckdb-engine would apply last.
        connect_args = _connect_args(url, settings.connect_timeout_s)
        if connect_args:
            url = url.set(query={})
    else:
        connect_args = _connect_args(url, settings.connect_timeout_s)
    kwargs: dict[str, Any] = {"connect_args": connect_args, "hide_parameters": True}
    if not pooled:
        kwargs["poolclass"] = pool.NullPool
    elif issubclass(_pool_class(url), pool.QueuePool):
        kwargs.update(
            pool_size=settings.pool_size,
            max_overflow=settings.max_overflow,
            pool_timeout=settings.pool_timeout_s,
            pool_recycle=settings.pool_recycle_s,
            pool_pre_ping=True,
        )
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_connect_sqlite)
    elif (
        pooled
        and engine.dialect.name in ("mysql", "mariadb")
        and engine.dialect.driver == "pymysql"
    ):
        # Unpooled engines (Test connection) keep the read timeout, so every step is bounded.
        event.listen(engine, "connect", _on_connect_pymysql)
    return engine
