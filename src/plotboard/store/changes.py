"""Knowing when the metadata store changed, so that servers re-read their caches only then.

Every app server keeps in memory what the hot path reads from the store: which API keys are
live, the authorized origins, each source's catalog, rules and settings, each organization's
usage limits and time zone. Instead of re-reading them on a timer, they are re-read when the
store says something changed:

- **Writes.** `track_changes(engine)` (installed on every store engine by
  `plotboard.store.db.create_store_engine`) adds one to the single row of `store_changes`
  in the same transaction as the first INSERT, UPDATE or DELETE on a watched table
  (`WATCHED`). It is written *before* that statement, so writers always lock the counter
  first (no deadlock between two admin transactions), and at most once per transaction.
  Updates that touch only bookkeeping columns (an API key's `last_used_at` and
  `tokens_minted`, written while minting) do not count: minting must not make every server
  re-read its caches. Statements written as raw SQL text are not seen; whoever edits the store
  by hand should end with ``UPDATE store_changes SET generation = generation + 1``.
- **Reads.** `Generation.current()` is that number, read from the store at most once per
  `check_s` seconds (`store_change_check_seconds`), and at once after this process committed
  a change. A cache keeps the generation it was loaded at and reloads when it differs.
  `Generation.peek()` answers from memory only (None when the number must be read), for the
  event loop.

So a change through this server is seen by its next request, and by other servers sharing
the store within `check_s`; with no change, a request reads nothing but, at most every
`check_s`, one row of one table.
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.sql.dml import Delete, Insert, Update

from plotboard.store.models import StoreChange

#: Tables whose rows servers cache -> the columns whose updates alone do not count.
WATCHED: dict[str, frozenset[str]] = {
    "organizations": frozenset(),
    "api_keys": frozenset({"last_used_at", "tokens_minted"}),
    "token_attributes": frozenset(),
    "origins": frozenset(),
    "data_sources": frozenset(),
    "catalog_tables": frozenset(),
    "access_rules": frozenset(),
    "ai_settings": frozenset(),
}

_TABLE = cast(sa.Table, StoreChange.__table__)
_ROW = _TABLE.c.id == 1
_READ = sa.select(_TABLE.c.generation).where(_ROW)
_BUMP = sa.update(_TABLE).where(_ROW).values(generation=_TABLE.c.generation + 1)
# conn.info keys: the transaction that already moved the counter on, and the number it wrote.
_BUMPED_IN = "plotboard.store_changes.transaction"
_BUMPED_TO = "plotboard.store_changes.generation"


class _Tracker:
    """Per engine: the highest generation a transaction of this process committed."""

    def __init__(self) -> None:
        self.committed = 0
        self._lock = threading.Lock()

    def saw_commit(self, generation: int) -> None:
        with self._lock:
            self.committed = max(self.committed, generation)


_trackers: weakref.WeakKeyDictionary[sa.Engine, _Tracker] = weakref.WeakKeyDictionary()


def track_changes(engine: sa.Engine) -> None:
    """Move the store's generation on with every watched write made through `engine`."""
    if engine in _trackers:
        return
    tracker = _Tracker()
    _trackers[engine] = tracker

    @sa.event.listens_for(engine, "before_execute")
    def _before_execute(
        conn: sa.Connection,
        clause: Any,
        multiparams: Any,
        params: Any,
        execution_options: Any,
    ) -> None:
        if not isinstance(clause, Insert | Update | Delete):
            return
        if not changes_watched(clause, multiparams, params):
            return
        tx = conn.get_transaction()
        if tx is not None and conn.info.get(_BUMPED_IN) is tx:
            return  # this transaction has moved the counter on already
        conn.info[_BUMPED_TO] = _bump(conn)
        conn.info[_BUMPED_IN] = conn.get_transaction()

    @sa.event.listens_for(engine, "commit")
    def _commit(conn: sa.Connection) -> None:
        if conn.info.get(_BUMPED_IN) is conn.get_transaction():
            tracker.saw_commit(conn.info[_BUMPED_TO])
        _forget(conn)

    @sa.event.listens_for(engine, "rollback")
    def _rollback(conn: sa.Connection) -> None:
        _forget(conn)

    @sa.event.listens_for(engine, "rollback_savepoint")
    def _rollback_savepoint(conn: sa.Connection, name: str, context: Any) -> None:
        # The move may have been undone with the savepoint: move it again on the next write.
        conn.info.pop(_BUMPED_IN, None)


def _forget(conn: sa.Connection) -> None:
    conn.info.pop(_BUMPED_IN, None)
    conn.info.pop(_BUMPED_TO, None)


def _bump(conn: sa.Connection) -> int:
    if conn.dialect.update_returning:
        found = conn.execute(_BUMP.returning(_TABLE.c.generation)).scalar()
    else:
        conn.execute(_BUMP)
        found = conn.execute(_READ).scalar()
    if found is None:  # a store made without the migrations (create_all): start the row
        conn.execute(sa.insert(_TABLE).values(id=1, generation=1))
        found = 1
    return int(found)


def changes_watched(clause: Insert | Update | Delete, multiparams: Any, params: Any) -> bool:
    """Whether the statement writes a watched table (beyond its bookkeeping columns)."""
    table = clause.table
    ignored = WATCHED.get(getattr(table, "name", ""))
    if ignored is None:
        return False
    if not ignored or not isinstance(clause, Update):
        return True
    columns: set[str] = set()
    names = set(getattr(table, "c", {}).keys())
    for key in getattr(clause, "_values", None) or ():
        columns.add(key if isinstance(key, str) else getattr(key, "key", ""))
    for key, _ in getattr(clause, "_ordered_values", None) or ():
        columns.add(key if isinstance(key, str) else getattr(key, "key", ""))
    for given in (params, *(multiparams or ())):
        if isinstance(given, dict):
            columns.update(k for k in given if k in names)
    # Nothing recognized: count it (a needless re-read is better than a missed change).
    return not columns or not columns <= ignored


class Generation:
    """The store's generation as this process knows it; see the module's docstring."""

    def __init__(self, engine: sa.Engine, check_s: float) -> None:
        self._engine = engine
        self.check_s = check_s
        track_changes(engine)
        self._tracker = _trackers[engine]
        self._value: int | None = None
        self._read_at = float("-inf")
        self._lock = threading.Lock()
        #: How many times the number was read from the store (for tests and diagnostics).
        self.reads = 0

    def peek(self) -> int | None:
        """The generation from memory, or None when it must be read again (no I/O)."""
        value = self._value
        if (
            value is None
            or value < self._tracker.committed
            or time.monotonic() - self._read_at >= self.check_s
        ):
            return None
        return value

    def current(self) -> int:
        """The generation, read from the store when the one in memory is too old (blocking)."""
        value = self.peek()
        if value is not None:
            return value
        with self._lock:
            value = self.peek()  # another thread may have just read it
            if value is not None:
                return value
            read_at = time.monotonic()
            with self._engine.connect() as conn:
                found = conn.execute(_READ).scalar()
            self.reads += 1
            value = int(found or 0)
            self._value, self._read_at = value, read_at
            return value
