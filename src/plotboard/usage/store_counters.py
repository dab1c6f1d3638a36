"""Usage counters in the metadata store, for app servers that share no Redis.

Rates are fixed windows, counted as the `limits` library counts them in Redis: one row per
counter, bumped by one atomic upsert (PostgreSQL and SQLite both have INSERT ... ON CONFLICT ...
RETURNING), so servers counting at once never lose a hit. `StoreLeases` counts requests
running now: one row per request, deleted when it ends, expired when its server died.

A request counts against up to two windows (the user's and the organization's) and takes up to
two slots; `StoreUsage.enter` does all of that in one transaction and `StoreUsage.release` gives
the slots back in one more, so a query costs two store writes instead of six (on SQLite every
write transaction queues for the one write lock, which is what a flood of cached tiles waits on).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from plotboard.store.models import ConcurrencyLease, RateCounter

log = logging.getLogger(__name__)

_COUNTERS = cast(sa.Table, RateCounter.__table__)
_LEASES = cast(sa.Table, ConcurrencyLease.__table__)
PRUNE_EVERY_S = 60.0


def _now() -> datetime:
    return datetime.now(UTC)


def _insert(conn: sa.Connection) -> type[postgresql.Insert] | type[sqlite.Insert]:
    return postgresql.Insert if conn.dialect.name == "postgresql" else sqlite.Insert


def _bump(
    conn: sa.Connection, key: str, expiry_s: int, now: datetime, amount: int = 1
) -> tuple[int, datetime]:
    """Add `amount` hits to `key`'s window (a new one when it ended): (count, ends at)."""
    table = _COUNTERS
    ends = sa.literal(now + timedelta(seconds=expiry_s), table.c.expires_at.type)
    ended = table.c.expires_at <= now
    stmt = (
        _insert(conn)(table)
        .values(key=key, count=amount, expires_at=ends)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": sa.case((ended, amount), else_=table.c.count + amount),
                "expires_at": sa.case((ended, ends), else_=table.c.expires_at),
            },
        )
        .returning(table.c.count, table.c.expires_at)
    )
    count, ends_at = conn.execute(stmt).one()
    return int(count), ends_at


def _take(conn: sa.Connection, key: str, limit: int, ttl_s: float, now: datetime) -> str | None:
    """A new lease of `key`, or None when `limit` leases are live; the caller's transaction
    holds the key's lock (PostgreSQL advisory lock; SQLite's write lock) until it ends."""
    table = _LEASES
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_id(key))))
    conn.execute(sa.delete(table).where(table.c.key == key, table.c.expires_at <= now))
    live = conn.scalar(sa.select(sa.func.count()).where(table.c.key == key)) or 0
    if live >= limit:
        return None
    lease = uuid.uuid4().hex
    conn.execute(
        sa.insert(table).values(id=lease, key=key, expires_at=now + timedelta(seconds=ttl_s))
    )
    return lease


class StoreCounters:
    """Fixed-window counters in the store (`_bump` counts a hit); ended windows are pruned."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._pruned_at = 0.0
        self._lock = threading.Lock()

    def prune(self, now: datetime) -> None:
        """Delete ended windows, at most once a minute per process."""
        with self._lock:
            if time.monotonic() - self._pruned_at < PRUNE_EVERY_S:
                return
            self._pruned_at = time.monotonic()
        _prune(self.engine, _COUNTERS, now)


def _prune(engine: sa.Engine, table: sa.Table, now: datetime) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(sa.delete(table).where(table.c.expires_at <= now))
    except sa.exc.DBAPIError as err:
        # Two servers pruning at once may deadlock on PostgreSQL; the next prune catches up.
        log.info("usage counters not pruned this time: %s", err)


class StoreLeases:
    """Concurrency slots in the store: at most `limit` live leases per key.

    Counting and taking a slot happen under one lock per key (a PostgreSQL advisory
    transaction lock; on SQLite the write lock the first DELETE takes), so servers asking at
    once cannot overshoot the limit."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._pruned_at = 0.0
        self._lock = threading.Lock()

    def acquire(self, key: str, limit: int, ttl_s: float) -> str | None:
        """A lease id, or None when `limit` leases of `key` are live."""
        now = _now()
        self._prune(now)
        with self.engine.begin() as conn:
            return _take(conn, key, limit, ttl_s, now)

    def release(self, key: str, lease: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.delete(_LEASES).where(_LEASES.c.id == lease))

    def renew(self, leases: list[tuple[str, str]], ttl_s: float) -> None:
        """Push the expiry of live leases `ttl_s` ahead, in one statement (a lease given back
        or expired and deleted meanwhile stays gone)."""
        expires = _now() + timedelta(seconds=ttl_s)
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(_LEASES)
                .where(_LEASES.c.id.in_([lease for _, lease in leases]))
                .values(expires_at=expires)
            )

    def _prune(self, now: datetime) -> None:
        with self._lock:
            if time.monotonic() - self._pruned_at < PRUNE_EVERY_S:
                return
            self._pruned_at = time.monotonic()
        _prune(self.engine, _LEASES, now)


@dataclass(frozen=True)
class Window:
    """One fixed window a request counts against: at most `limit` hits per `expiry_s`."""

    key: str
    expiry_s: int
    limit: int


@dataclass(frozen=True)
class Slot:
    """One concurrency limit a request takes a slot of: at most `limit` at once."""

    key: str
    limit: int


@dataclass
class Entry:
    """What `StoreUsage.enter` did: the leases taken, or which window or slot was full."""

    leases: list[tuple[str, str]] = field(default_factory=list)
    full_window: int | None = None
    window_ends: datetime | None = None
    full_slot: int | None = None


class StoreUsage:
    """Counting a request and taking its slots in one store transaction.

    Windows are counted in order and counting stops at the first one that is over its limit
    (that hit still counts, as the `limits` library's fixed window does); slots are taken only
    when every window had room, and when one is full the slots taken before it are given
    back in the same transaction. Locks are always taken in the order given (user, then
    organization), so two requests cannot deadlock."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.counters = StoreCounters(engine)
        self.leases = StoreLeases(engine)

    def enter(self, windows: list[Window], slots: list[Slot], ttl_s: float) -> Entry:
        entry = Entry()
        if not windows and not slots:
            return entry
        now = _now()
        if windows:
            self.counters.prune(now)
        if slots:
            self.leases._prune(now)
        with self.engine.begin() as conn:
            for i, window in enumerate(windows):
                count, ends = _bump(conn, window.key, window.expiry_s, now)
                if count > window.limit:
                    entry.full_window, entry.window_ends = i, ends
                    return entry
            for i, slot in enumerate(slots):
                lease = _take(conn, slot.key, slot.limit, ttl_s, now)
                if lease is None:
                    taken = [taken_lease for _, taken_lease in entry.leases]
                    conn.execute(sa.delete(_LEASES).where(_LEASES.c.id.in_(taken)))
                    entry.leases, entry.full_slot = [], i
                    return entry
                entry.leases.append((slot.key, lease))
        return entry

    def release(self, leases: list[tuple[str, str]]) -> None:
        if not leases:
            return
        with self.engine.begin() as conn:
            conn.execute(sa.delete(_LEASES).where(_LEASES.c.id.in_([lease for _, lease in leases])))


def _lock_id(key: str) -> int:
    """A signed 64-bit number for pg_advisory_xact_lock, from the key."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
