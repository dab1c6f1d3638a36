"""Enforcing usage limits: rate (per minute) and concurrency (at once), shared by servers.

Rates are counted in fixed windows of a minute: in Redis with the `limits` library's
fixed-window strategy when the server has `PLOTBOARD_REDIS_URL` (the `redis` extra installs
both), in the metadata store otherwise (`StoreUsage`, without the library), so every app
server of an installation counts against the same numbers. Concurrency is counted with
leases: a slot is taken when a request starts and given back when it ends; a slot whose server
died expires soon after: a lease lasts `LEASE_TTL_S` and each server renews the leases of its
running requests every `RENEW_EVERY_S` (one Redis pipeline or one store UPDATE for all of
them), so a request may run for as long as it takes while a killed server's slots come back
within `LEASE_TTL_S`.

A refused request gets 429 with `Retry-After` and a sentence saying which limit it hit. When
Redis cannot be reached the request goes ahead (the limits protect capacity, they are not an
access control) and a warning is logged. Without Redis a request's counting and slots take one
store transaction and giving the slots back one more (`StoreUsage`).
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import sqlalchemy as sa

from plotboard.errors import PlotboardError
from plotboard.store.changes import Generation
from plotboard.usage.settings import Action, UsageLimits, limits_of
from plotboard.usage.store_counters import Slot, StoreUsage, Window

log = logging.getLogger(__name__)

#: How long a concurrency slot outlives a server that died holding it (a running request's
#: slots are renewed: see `UsageLimiter`).
LEASE_TTL_S = 30.0
#: How often a server renews the slots its running requests hold: a third of the lease, so a
#: renewal missed under load does not let a running request's slot lapse.
RENEW_EVERY_S = LEASE_TTL_S / 3

Scope = Literal["user", "org"]

_WHAT = {"query": "queries", "ai": "AI questions", "mint": "tokens minted"}


class Leases(Protocol):
    def acquire(self, key: str, limit: int, ttl_s: float) -> str | None: ...
    def release(self, key: str, lease: str) -> None: ...
    def renew(self, leases: list[tuple[str, str]], ttl_s: float) -> None: ...


_ACQUIRE_LUA = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
"""


class RedisLeases:
    """Concurrency slots in Redis: one sorted set per key, scored by each lease's expiry;
    counting and adding are one Lua script, so they are atomic."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._acquire = client.register_script(_ACQUIRE_LUA)

    def acquire(self, key: str, limit: int, ttl_s: float) -> str | None:
        lease = uuid.uuid4().hex
        now = time.time()
        taken = self._acquire(
            keys=[f"plotboard:leases:{key}"],
            args=[now, now + ttl_s, limit, lease, int(ttl_s * 1000)],
        )
        return lease if int(taken) == 1 else None

    def release(self, key: str, lease: str) -> None:
        self._client.zrem(f"plotboard:leases:{key}", lease)

    def renew(self, leases: list[tuple[str, str]], ttl_s: float) -> None:
        """Push the expiry of live leases `ttl_s` ahead (XX: a lease given back or expired and
        removed meanwhile is not added again)."""
        expires = time.time() + ttl_s
        pipe = self._client.pipeline(transaction=False)
        for key in {key for key, _ in leases}:
            name = f"plotboard:leases:{key}"
            pipe.zadd(name, {lease: expires for k, lease in leases if k == key}, xx=True)
            pipe.pexpire(name, int(ttl_s * 1000))
        pipe.execute()


@dataclass
class Ticket:
    """The slots one request holds; give them back with `UsageLimiter.leave`."""

    leases: list[tuple[str, str]] = field(default_factory=list)


class UsageLimiter:
    """Checks and counts requests against the organization's `UsageLimits`."""

    def __init__(
        self,
        engine: sa.Engine,
        redis_url: str | None,
        changes: Generation,
        *,
        lease_ttl_s: float = LEASE_TTL_S,
        renew_every_s: float = RENEW_EVERY_S,
    ) -> None:
        self.engine = engine
        self.changes = changes
        self.lease_ttl_s = lease_ttl_s
        self.renew_every_s = renew_every_s
        # The leases of this server's running requests, renewed by one thread until `close`.
        self._held: set[tuple[str, str]] = set()
        self._renewer: threading.Thread | None = None
        self._closed = threading.Event()
        self._cached: dict[str, tuple[int, UsageLimits]] = {}
        self._lock = threading.Lock()
        self._errors: tuple[type[Exception], ...] = ()
        # Without Redis: a request's windows and slots in one store transaction.
        self._store: StoreUsage | None = None
        if redis_url:
            try:
                import redis
                from limits.storage import RedisStorage
                from limits.strategies import FixedWindowRateLimiter
            except ImportError as err:  # pragma: no cover - the redis extra is missing
                from plotboard.config import ConfigError

                raise ConfigError(
                    "PLOTBOARD_REDIS_URL is set but Redis support is not installed on this "
                    "server: pip install 'plotboard[redis]' (or unset PLOTBOARD_REDIS_URL)."
                ) from err
            storage = RedisStorage(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
            self.leases: Leases = RedisLeases(storage.storage)
            self._errors = (redis.RedisError, OSError)
            self.rates: Any = FixedWindowRateLimiter(storage)
        else:
            self._store = StoreUsage(engine)
            self.leases = self._store.leases

    # -- settings ------------------------------------------------------------------------------

    def limits(self, org_id: str) -> UsageLimits:
        """The organization's limits, read from the store again when it changed
        (`plotboard.store.changes`)."""
        generation = self.changes.current()  # before the read: a later change reloads
        hit = self._cached.get(org_id)
        if hit is not None and hit[0] == generation:
            return hit[1]
        with self.engine.connect() as conn, sa.orm.Session(conn) as session:
            found = limits_of(session, org_id)
        with self._lock:
            self._cached[org_id] = (generation, found)
        return found

    def forget(self, org_id: str) -> None:
        """After the admin changed the limits: read them again on the next request."""
        with self._lock:
            self._cached.pop(org_id, None)

    # -- enforcing -----------------------------------------------------------------------------

    def enter_in_memory(self, action: Action, org_id: str) -> Ticket | None:
        """The ticket of a request when it is known without any I/O: the organization's limits
        are in memory (as of the store's generation, itself known without a read) and set
        neither a rate nor a concurrency limit for `action`, so `enter` would count nothing and
        take no slot. None otherwise: call `enter` (off the event loop)."""
        generation = self.changes.peek()
        hit = self._cached.get(org_id)
        if generation is None or hit is None or hit[0] != generation:
            return None
        limits = hit[1]
        scopes: tuple[Scope, ...] = ("user", "org")
        if any(limits.rate(action, s) > 0 or limits.at_once(action, s) > 0 for s in scopes):
            return None
        return Ticket()

    def enter(self, action: Action, org_id: str, who: str) -> Ticket:
        """Count one request of `who` (a user id, or for minting an API key id) in `org_id`,
        and take its concurrency slots; 429 when a limit is reached."""
        limits = self.limits(org_id)
        ticket = Ticket()
        scopes: tuple[tuple[Scope, str], ...] = (("user", f"{org_id}:{who}"), ("org", org_id))
        if self._store is not None:
            return self._enter_store(self._store, action, scopes, limits)
        try:
            for scope, ident in scopes:
                self._count(action, scope, ident, limits.rate(action, scope))
            for scope, ident in scopes:
                self._take(ticket, action, scope, ident, limits.at_once(action, scope))
        except BaseException:
            self.leave(ticket)
            raise
        self._hold(ticket)
        return ticket

    def _enter_store(
        self,
        store: StoreUsage,
        action: Action,
        scopes: tuple[tuple[Scope, str], ...],
        limits: UsageLimits,
    ) -> Ticket:
        """`enter` in one store transaction (same counts and keys as the `limits` path)."""
        windows: list[tuple[Scope, Window]] = []
        for scope, ident in scopes:
            per_minute = limits.rate(action, scope)
            if per_minute > 0:
                key = _window_key(action, scope, ident, per_minute)
                windows.append((scope, Window(key, WINDOW_S, per_minute)))
        slots: list[tuple[Scope, Slot]] = [
            (scope, Slot(f"{action}:{scope}:{ident}", limits.at_once(action, scope)))
            for scope, ident in scopes
            if limits.at_once(action, scope) > 0
        ]
        entry = store.enter([w for _, w in windows], [s for _, s in slots], self.lease_ttl_s)
        if entry.full_window is not None:
            scope, window = windows[entry.full_window]
            ends = entry.window_ends.timestamp() if entry.window_ends else time.time()
            raise _rate_limited(action, scope, window.limit, ends)
        if entry.full_slot is not None:
            scope, slot = slots[entry.full_slot]
            raise _too_many_at_once(action, scope, slot.limit)
        ticket = Ticket(leases=entry.leases)
        self._hold(ticket)
        return ticket

    def leave(self, ticket: Ticket) -> None:
        """Give back the slots of a finished request (safe to call twice)."""
        leases, ticket.leases = ticket.leases, []
        with self._lock:
            self._held.difference_update(leases)
        if self._store is not None:
            self._store.release(leases)
            return
        for key, lease in leases:
            try:
                self.leases.release(key, lease)
            except self._errors as err:
                log.warning("could not give back a concurrency slot (it expires): %s", err)

    def _count(self, action: Action, scope: Scope, ident: str, per_minute: int) -> None:
        if per_minute <= 0:
            return
        item = _rate_item(action, scope, per_minute)
        try:
            if self.rates.hit(item, ident):
                return
            reset = self.rates.get_window_stats(item, ident).reset_time
        except self._errors as err:
            log.warning("usage limits not checked: Redis did not answer (%s)", err)
            return
        raise _rate_limited(action, scope, per_minute, reset)

    def _take(self, ticket: Ticket, action: Action, scope: Scope, ident: str, at_once: int) -> None:
        if at_once <= 0:
            return
        key = f"{action}:{scope}:{ident}"
        try:
            lease = self.leases.acquire(key, at_once, self.lease_ttl_s)
        except self._errors as err:
            log.warning("concurrency limits not checked: Redis did not answer (%s)", err)
            return
        if lease is None:
            raise _too_many_at_once(action, scope, at_once)
        ticket.leases.append((key, lease))

    # -- renewing the slots of running requests -------------------------------------------------

    def _hold(self, ticket: Ticket) -> None:
        if not ticket.leases:
            return
        with self._lock:
            self._held.update(ticket.leases)
            if self._renewer is None and not self._closed.is_set():
                self._renewer = threading.Thread(
                    target=self._renew_forever, name="plotboard-lease-renewer", daemon=True
                )
                self._renewer.start()

    def _renew_forever(self) -> None:
        while not self._closed.wait(self.renew_every_s):
            self.renew()

    def renew(self) -> None:
        """Push the expiry of the slots this server's running requests hold ahead (the
        renewer thread calls it every `renew_every_s`)."""
        with self._lock:
            held = sorted(self._held)
        if not held:
            return
        errors: tuple[type[Exception], ...] = (*self._errors, sa.exc.SQLAlchemyError)
        try:
            self.leases.renew(held, self.lease_ttl_s)
        except errors as err:
            log.warning("could not renew concurrency slots (they expire): %s", err)

    def close(self) -> None:
        """Stop renewing (at shutdown; slots not given back expire after `lease_ttl_s`)."""
        self._closed.set()
        renewer = self._renewer
        if renewer is not None:
            renewer.join(timeout=5)


def _rate_item(action: Action, scope: Scope, per_minute: int) -> Any:
    """The `limits` library's item for a rate (imported with Redis support only)."""
    from limits import RateLimitItemPerMinute

    return RateLimitItemPerMinute(per_minute, namespace=f"plotboard-{action}-{scope}")


#: The length of a rate's window: rates are per minute.
WINDOW_S = 60


def _window_key(action: Action, scope: Scope, ident: str, per_minute: int) -> str:
    """A rate window's counter key in the store: the key `limits` gives the same window
    (`_rate_item(...).key_for(ident)`)."""
    return f"plotboard-{action}-{scope}/{ident}/{per_minute}/1/minute"


def _rate_limited(action: Action, scope: Scope, per_minute: int, reset: float) -> PlotboardError:
    wait = max(1, math.ceil(reset - time.time()))
    return PlotboardError(
        f"Too many {_WHAT[action]} {_whose(action, scope)}: the limit is {per_minute} a "
        f"minute. Try again in {wait} second{'s' if wait != 1 else ''}.",
        "rate_limited",
        429,
        headers={"Retry-After": str(wait)},
    )


def _too_many_at_once(action: Action, scope: Scope, at_once: int) -> PlotboardError:
    return PlotboardError(
        f"Too many {_WHAT[action]} {_whose(action, scope)} at once: the limit is "
        f"{at_once}. Try again when one has finished.",
        "too_many_at_once",
        429,
        headers={"Retry-After": "1"},
    )


def _whose(action: Action, scope: Scope) -> str:
    if scope == "org":
        return "for this organization"
    return "with this API key" if action == "mint" else "for this user"
