"""Building SQLAlchemy engines for customer databases, with per-driver safety settings.

Every engine gets:

- a connect timeout, so a database that is down fails in seconds instead of hanging a thread;
- for PostgreSQL (psycopg), sessions that are read-only from the start
  (`default_transaction_read_only`, sent with the connection request) and in autocommit, so a
  query is one round trip: no BEGIN, no ROLLBACK, no per-query `set_config` (the executor checks
  after every query that the server still reports the session read-only, and sets the statement
  timeout once per connection); decimals are read from their text straight to int or float;
- for MariaDB/MySQL (PyMySQL), decimals read straight to int or float too;
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
from plotboard.sources.values import numeric_from_text


@dataclass(frozen=True)
class PoolSettings:
    """Connection-pool sizing. The defaults suit a 2-core app server: at most ten connections
    per source, recycled every 30 minutes. Connections are not pinged before use (a round trip
    per query): a query that finds its connection dead runs once more on a fresh one (see
    `execute`), so a database restart still costs one reconnect instead of one failed query."""

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
        # Last, so it wins over anything the connection's own options say.
        given = url.query.get("options")
        given = given if isinstance(given, str) else " ".join(given or ())
        args["options"] = f"{given} {PG_READ_ONLY_OPTION}".strip()
        return args
    if backend in ("mysql", "mariadb") and driver == "pymysql":
        # read_timeout bounds the handshake too (a port that accepts but never answers);
        # it is lifted after connecting and set per query by the executor.
        return {
            "connect_timeout": connect_timeout_s,
            "read_timeout": connect_timeout_s,
            "conv": _pymysql_conversions(),
        }
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


#: Sent with every PostgreSQL connection request: each transaction of the session is read-only.
PG_READ_ONLY_OPTION = "-c default_transaction_read_only=on"


def _pymysql_conversions() -> dict[Any, Any]:
    from pymysql.constants import FIELD_TYPE
    from pymysql.converters import conversions

    return {
        **conversions,
        FIELD_TYPE.DECIMAL: numeric_from_text,
        FIELD_TYPE.NEWDECIMAL: numeric_from_text,
    }


def _on_connect_psycopg(dbapi_connection: Any, _record: Any) -> None:
    """Autocommit for sessions the server reports read-only (PostgreSQL 14 and later report
    `default_transaction_read_only`, so the executor can check it after each query without a
    round trip); older servers keep a transaction per query, with read-only set in it."""
    import psycopg
    from psycopg.adapt import Loader

    class NumericLoader(Loader):
        def load(self, data: Any) -> Any:
            return numeric_from_text(bytes(data))

    if not isinstance(dbapi_connection, psycopg.Connection):
        return
    dbapi_connection.adapters.register_loader("numeric", NumericLoader)
    status = dbapi_connection.info.parameter_status("default_transaction_read_only")
    if status == "on":
        if dbapi_connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            dbapi_connection.rollback()
        dbapi_connection.autocommit = True


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
        )
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        event.listen(engine, "connect", _on_connect_psycopg)
    elif engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_connect_sqlite)
    elif (
        pooled
        and engine.dialect.name in ("mysql", "mariadb")
        and engine.dialect.driver == "pymysql"
    ):
        # Unpooled engines (Test connection) keep the read timeout, so every step is bounded.
        event.listen(engine, "connect", _on_connect_pymysql)
    return engine
