"""Building SQLAlchemy engines for customer databases, with per-driver safety settings.

The settings are the database kind's (`plotboard.sources.kinds`: `DatabaseKind.connect_args`,
`engine_url`, `connect_listener`). Every engine gets:

- a connect timeout, so a database that is down fails in seconds instead of hanging a thread;
- for PostgreSQL (psycopg), sessions that are read-only from the start
  (`default_transaction_read_only`, sent with the connection request) and in autocommit, so a
  query is one round trip: no BEGIN, no ROLLBACK, no per-query `set_config` (the executor checks
  after every query that the server still reports the session read-only, and sets the statement
  timeout once per connection); decimals are read from their text straight to int or float;
- for MariaDB/MySQL (PyMySQL), decimals read straight to int or float too, and autocommit with
  SQLAlchemy's ROLLBACK skipped while the server reports autocommit (`skip_autocommit_rollback`),
  so a query is one round trip (the limits and read-only ride on the statement itself);
- for SQLite, `PRAGMA query_only`, no ATTACH and the value-length cap on every new connection
  (the URL already opens the file read-only);
- for DuckDB, a read-only connection with file-system access, extension installs and
  configuration changes switched off, and a 2 GB memory limit unless the options set one; no
  BEGIN or ROLLBACK per query (each statement is its own transaction, DuckDB's autocommit);
- `hide_parameters=True`, so bound values (user attributes) never appear in error text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, pool
from sqlalchemy.engine import URL, Engine

from plotboard.sources import kinds
from plotboard.sources.dialects import SourceConnection


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
    kind = kinds.for_backend(url.get_backend_name())
    connect_args = kind.connect_args(url, settings.connect_timeout_s)
    url = kind.engine_url(url, connect_args)
    kwargs: dict[str, Any] = {
        "connect_args": connect_args,
        "hide_parameters": True,
        **kind.engine_options(url.get_driver_name()),
    }
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
    engine_kind = kinds.for_backend(engine.dialect.name)
    engine_kind.tune_engine(engine)
    listener = engine_kind.connect_listener(engine.dialect.driver, pooled)
    if listener is not None:
        event.listen(engine, "connect", listener)
    return engine
