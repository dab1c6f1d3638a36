"""One connection pool per data source, shared by every request on this app server.

    pool = SourcePool()
    pool.register("src_1", SourceConnection(kind="postgresql", host=..., ...))
    result = pool.execute("src_1", "SELECT region, sum(amount) AS total FROM sales "
                          "WHERE region IN :regions GROUP BY region",
                          {"regions": ["North"]}, timeout_s=30, row_cap=10_000)

Engines are created on first use and disposed when a source is re-registered with different
settings or removed. A `resolver` lets the pool look up ids it has not been told about (say,
from the metadata store), so each app server fills its pool on demand.

A source may have its own pool sizing: `register(id, conn, pool=PoolSettings(...))`, or a
resolver that answers `(conn, PoolSettings)`; other sources use the pool's `settings`. When every
connection of a source's pool is in use for `pool_timeout_s`, a query fails with
`SourceError(code="busy")`, which the API answers 503 with a plain message.

A source that cannot be reached fails fast for a few seconds afterwards (`down_cooldown_s`)
instead of tying up a worker thread per request in connect timeouts; other sources are
unaffected. All methods are thread-safe.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from plotboard.catalog.model import Table
from plotboard.sources.classify import classify_connect_error
from plotboard.sources.dialects import SourceConnection
from plotboard.sources.engines import PoolSettings, create_source_engine
from plotboard.sources.errors import SourceError
from plotboard.sources.execute import ExecutionResult, QueryStopper, execute
from plotboard.sources.introspect import introspect, list_schemas

#: What a resolver answers: the connection, or the connection and its own pool sizing.
Resolved = SourceConnection | tuple[SourceConnection, PoolSettings]


@dataclass
class _Entry:
    conn: SourceConnection
    pool: PoolSettings | None = None
    engine: Engine | None = None
    down_until: float = 0.0
    down_error: SourceError | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class SourcePool:
    """Registry of data sources and their SQLAlchemy engines, keyed by source id."""

    def __init__(
        self,
        settings: PoolSettings | None = None,
        *,
        down_cooldown_s: float = 3.0,
        resolver: Callable[[str], Resolved | None] | None = None,
    ) -> None:
        """`resolver(source_id)` is called for an id that is not registered; it returns the
        connection (or the connection and its own pool sizing), which is then registered, or
        None for "no such source"."""
        self.settings = settings or PoolSettings()
        self.down_cooldown_s = down_cooldown_s
        self.resolver = resolver
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._stopper = QueryStopper()

    # -- registry ------------------------------------------------------------------------------

    def register(
        self, source_id: str, conn: SourceConnection, pool: PoolSettings | None = None
    ) -> None:
        """Add or update a source (`pool`: its own sizing; None: the pool's `settings`).
        Unchanged settings keep the existing pool, so calling this on every request with the
        stored settings is cheap; changed settings dispose it."""
        old: Engine | None = None
        with self._lock:
            entry = self._entries.get(source_id)
            if entry is not None and entry.conn == conn and entry.pool == pool:
                return
            if entry is not None:
                old = entry.engine
            self._entries[source_id] = _Entry(conn, pool)
        if old is not None:
            old.dispose()

    def remove(self, source_id: str) -> None:
        """Forget a source and close its idle connections. Unknown ids are ignored."""
        with self._lock:
            entry = self._entries.pop(source_id, None)
        if entry is not None and entry.engine is not None:
            entry.engine.dispose()

    def stop_queries(self) -> int:
        """Interrupt every running query and refuse new ones (at shutdown: a server that is
        asked to stop must not keep a core busy until the queries' time limits). Returns how
        many were interrupted."""
        return self._stopper.stop_all()

    def close(self) -> None:
        """Stop running queries and dispose every engine (at shutdown)."""
        self.stop_queries()
        with self._lock:
            entries = list(self._entries.values())
            self._entries.clear()
        for entry in entries:
            if entry.engine is not None:
                entry.engine.dispose()

    def __contains__(self, source_id: object) -> bool:
        with self._lock:
            return source_id in self._entries

    def ids(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._entries)

    def connection(self, source_id: str) -> SourceConnection:
        return self._entry(source_id).conn

    def dialect(self, source_id: str) -> str:
        """The sqlglot dialect name to compile queries for this source."""
        return self._entry(source_id).conn.dialect

    def engine(self, source_id: str) -> Engine:
        """The source's engine, created on first use."""
        entry = self._entry(source_id)
        if entry.engine is None:
            with entry.lock:
                if entry.engine is None:
                    try:
                        entry.engine = create_source_engine(
                            entry.conn, settings=entry.pool or self.settings
                        )
                    except Exception as err:
                        problem = classify_connect_error(err, entry.conn)
                        raise SourceError(code="unavailable", message=problem.message) from None
        return entry.engine

    # -- work ----------------------------------------------------------------------------------

    def execute(
        self,
        source_id: str,
        sql: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_s: float,
        row_cap: int,
        max_bytes: int | None = None,
    ) -> ExecutionResult:
        """Run one read-only query on the source; see `plotboard.sources.execute.execute`."""
        entry = self._entry(source_id)
        self._fail_fast(entry)
        engine = self.engine(source_id)
        try:
            result = execute(
                engine,
                sql,
                params,
                timeout_s=timeout_s,
                row_cap=row_cap,
                source=entry.conn,
                max_bytes=max_bytes,
                stopper=self._stopper,
            )
        except SourceError as err:
            if err.code == "unavailable":
                entry.down_error = err
                entry.down_until = time.monotonic() + self.down_cooldown_s
            raise
        entry.down_until = 0.0
        return result

    def introspect(self, source_id: str, schema: str | None = None) -> tuple[Table, ...]:
        """Tables of one schema of the source; see `plotboard.sources.introspect.introspect`."""
        return introspect(self.engine(source_id), schema)

    def list_schemas(self, source_id: str) -> tuple[str, ...]:
        return list_schemas(self.engine(source_id))

    # -- helpers -------------------------------------------------------------------------------

    def _entry(self, source_id: str) -> _Entry:
        with self._lock:
            entry = self._entries.get(source_id)
        if entry is None and self.resolver is not None:
            found = self.resolver(source_id)  # outside the lock: it may be slow
            if found is not None:
                conn, pool = found if isinstance(found, tuple) else (found, None)
                self.register(source_id, conn, pool)
                with self._lock:
                    entry = self._entries.get(source_id)
        if entry is None:
            raise SourceError(code="unknown_source", message=f'No data source "{source_id}".')
        return entry

    def _fail_fast(self, entry: _Entry) -> None:
        if entry.down_error is not None and time.monotonic() < entry.down_until:
            raise SourceError(code=entry.down_error.code, message=entry.down_error.message)
