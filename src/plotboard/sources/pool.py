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

A source routed by database (`plotboard.sources.routing`) runs a tenant's queries on an engine
of that tenant's own (`execute(..., tenant=TenantTarget(...))`), created on first use with the
source's pool sizing; at most `tenant.max_pools` tenant engines are kept per source, and the
least recently used is closed when another tenant needs one. Re-registering or removing the
source closes its tenant engines too.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from plotboard.catalog.model import Table
from plotboard.sources.classify import classify_connect_error
from plotboard.sources.dialects import SourceConnection
from plotboard.sources.engines import PoolSettings, create_source_engine
from plotboard.sources.errors import SourceError
from plotboard.sources.execute import ExecutionResult, QueryStopper, RowSink, execute
from plotboard.sources.introspect import introspect, list_schemas
from plotboard.sources.routing import TenantTarget, tenant_connection

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
    source_id: str = ""


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
        # (source id, tenant database) -> engine entry, least recently used first.
        self._tenants: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._stopper = QueryStopper()
        #: Called with the source id and each engine made for it (a tenant's too), e.g. to
        #: count its connections in the metrics.
        self.on_engine: Callable[[str, Engine], None] | None = None

    def watch_engines(self, callback: Callable[[str, Engine], None]) -> None:
        """Call `callback(source id, engine)` for each engine there is and each one made from
        now on."""
        with self._lock:
            self.on_engine = callback
            entries = [*self._entries.values(), *self._tenants.values()]
        for entry in entries:
            if entry.engine is not None:
                callback(entry.source_id, entry.engine)

    # -- registry ------------------------------------------------------------------------------

    def register(
        self, source_id: str, conn: SourceConnection, pool: PoolSettings | None = None
    ) -> None:
        """Add or update a source (`pool`: its own sizing; None: the pool's `settings`).
        Unchanged settings keep the existing pool, so calling this on every request with the
        stored settings is cheap; changed settings dispose it."""
        old: list[_Entry] = []
        with self._lock:
            entry = self._entries.get(source_id)
            if entry is not None and entry.conn == conn and entry.pool == pool:
                return
            if entry is not None:
                old.append(entry)
            self._entries[source_id] = _Entry(conn, pool, source_id=source_id)
            old.extend(self._drop_tenants(source_id))
        _dispose(old)

    def remove(self, source_id: str) -> None:
        """Forget a source and close its idle connections. Unknown ids are ignored."""
        with self._lock:
            entry = self._entries.pop(source_id, None)
            old = self._drop_tenants(source_id)
        _dispose([entry, *old] if entry is not None else old)

    def stop_queries(self) -> int:
        """Interrupt every running query and refuse new ones (at shutdown: a server that is
        asked to stop must not keep a core busy until the queries' time limits). Returns how
        many were interrupted."""
        return self._stopper.stop_all()

    def close(self) -> None:
        """Stop running queries and dispose every engine (at shutdown)."""
        self.stop_queries()
        with self._lock:
            entries = [*self._entries.values(), *self._tenants.values()]
            self._entries.clear()
            self._tenants.clear()
        _dispose(entries)

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

    def tenant_pools(self, source_id: str) -> tuple[str, ...]:
        """The tenant databases of `source_id` with an engine open, least recently used first."""
        with self._lock:
            return tuple(name for sid, name in self._tenants if sid == source_id)

    def engine(self, source_id: str) -> Engine:
        """The source's engine, created on first use."""
        return self._engine_of(self._entry(source_id))

    def _engine_of(self, entry: _Entry) -> Engine:
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
                    if self.on_engine is not None:
                        self.on_engine(entry.source_id, entry.engine)
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
        tenant: TenantTarget | None = None,
        for_orjson: bool = False,
        sink: RowSink | None = None,
    ) -> ExecutionResult:
        """Run one read-only query on the source; see `plotboard.sources.execute.execute`.
        `tenant` (mode ``database``): on that tenant's database instead of the source's own.
        A schema tenant's SQL comes already qualified (`plotboard.query.tenant`)."""
        entry = self._entry(source_id)
        if tenant is not None and tenant.mode == "database":
            entry = self._tenant_entry(source_id, entry, tenant)
        self._fail_fast(entry)
        engine = self._engine_of(entry)
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
                for_orjson=for_orjson,
                sink=sink,
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

    def _tenant_entry(self, source_id: str, base: _Entry, tenant: TenantTarget) -> _Entry:
        key = (source_id, tenant.name)
        evicted: list[_Entry] = []
        with self._lock:
            entry = self._tenants.get(key)
            if entry is not None:
                self._tenants.move_to_end(key)
                return entry
            try:
                conn = tenant_connection(base.conn, tenant.name)
            except ValueError:
                raise SourceError(
                    code="invalid", message="This source cannot be routed to that database."
                ) from None
            entry = self._tenants[key] = _Entry(conn, base.pool, source_id=source_id)
            mine = [k for k in self._tenants if k[0] == source_id]
            for old in mine[: max(0, len(mine) - tenant.max_pools)]:
                evicted.append(self._tenants.pop(old))
        _dispose(evicted)
        return entry

    def _drop_tenants(self, source_id: str) -> list[_Entry]:
        """Forget the source's tenant engines (the caller holds the lock and disposes them)."""
        keys = [k for k in self._tenants if k[0] == source_id]
        return [self._tenants.pop(k) for k in keys]

    def _fail_fast(self, entry: _Entry) -> None:
        if entry.down_error is not None and time.monotonic() < entry.down_until:
            raise SourceError(code=entry.down_error.code, message=entry.down_error.message)


def _dispose(entries: list[_Entry]) -> None:
    """Close the engines' idle connections; a query still running on one keeps its connection
    until it ends (SQLAlchemy closes it then)."""
    for entry in entries:
        if entry.engine is not None:
            entry.engine.dispose()
