"""The result cache: encoded query answers keyed by the final SQL and its parameters.

The key is computed from the SQL *after* access rules were applied, with the rule values bound
as parameters, so two users whose rules differ can never share an entry. Values are the JSON
bytes sent to the browser, so a hit costs one lookup and no encoding.

In-memory by default (per process, at most `PLOTBOARD_CACHE_MEMORY_MB` of it); Redis when
`PLOTBOARD_REDIS_URL` is set, so several app servers share one cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections import OrderedDict
from typing import Any, Protocol

import orjson


def cache_key(source_id: str, sql: str, params: dict[str, Any], *, kind: str = "q") -> str:
    """The key of one cached result. `kind` keeps results of different shapes apart when the
    same SQL is run for different uses: ``q`` for a query's answer (the JSON body the
    browser gets), ``v`` for the AI's lists of a column's values (plain rows)."""
    payload = orjson.dumps([source_id, sql, params], option=orjson.OPT_SORT_KEYS, default=str)
    return f"pb:{kind}:" + hashlib.sha256(payload).hexdigest()


class ResultCache(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None: ...

    def clear(self) -> None: ...


#: What one entry costs besides its key's and value's bytes: the dict's slot, the ordered
#: dict's link, the (expiry, value) tuple, the float and the bytes objects' headers.
ENTRY_OVERHEAD = 240
DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024


class MemoryCache:
    """A bounded cache (oldest entry out first) with per-entry expiry, safe across threads.

    `max_bytes` bounds the memory the entries take (keys, values and `ENTRY_OVERHEAD` each);
    an answer bigger than a tenth of it is not cached. Reads take no lock, so a hot tile
    served by many threads never waits on another."""

    def __init__(self, max_entries: int = 5000, max_bytes: int = DEFAULT_MEMORY_BYTES) -> None:
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0

    def get(self, key: str) -> bytes | None:
        hit = self._entries.get(key)
        if hit is None:
            return None
        expires, value = hit
        if expires < time.monotonic():
            with self._lock:
                self._drop(key)
            return None
        return value

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        size = _size(key, value)
        if ttl_seconds <= 0 or size > self._max_bytes // 10:
            return  # caching off, or one answer would crowd out the rest
        with self._lock:
            self._drop(key)
            self._entries[key] = (time.monotonic() + ttl_seconds, value)
            self._bytes += size
            while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
                oldest = next(iter(self._entries))
                self._drop(oldest)

    @property
    def size_bytes(self) -> int:
        """The memory the entries take, as counted against `max_bytes`."""
        return self._bytes

    def _drop(self, key: str) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= _size(key, old[1])

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def _size(key: str, value: bytes) -> int:
    return len(key) + len(value) + ENTRY_OVERHEAD


class RedisCache:
    """Shared by every app server. A Redis that is down means a miss, never a failed query."""

    def __init__(self, url: str) -> None:
        try:
            import redis
        except ImportError as err:
            from plotboard.config import ConfigError

            raise ConfigError(
                "PLOTBOARD_REDIS_URL is set but Redis support is not installed on this server: "
                "pip install 'plotboard[redis]' (or unset PLOTBOARD_REDIS_URL)."
            ) from err

        self._client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._errors = (redis.RedisError, OSError)

    def get(self, key: str) -> bytes | None:
        try:
            value = self._client.get(key)
        except self._errors:
            return None
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        if ttl_seconds <= 0:
            return
        with contextlib.suppress(*self._errors):
            self._client.set(key, value, px=max(1, int(ttl_seconds * 1000)))

    def reachable(self) -> bool:
        """Whether Redis answers a PING now (for readiness checks; never raises)."""
        try:
            return bool(self._client.ping())
        except self._errors:
            return False

    def clear(self) -> None:
        try:
            for key in self._client.scan_iter(match="pb:q:*", count=500):
                self._client.delete(key)
        except self._errors:
            pass


def make_cache(redis_url: str | None, memory_bytes: int = DEFAULT_MEMORY_BYTES) -> ResultCache:
    """Redis when `redis_url` is given, else a `MemoryCache` of at most `memory_bytes`."""
    return RedisCache(redis_url) if redis_url else MemoryCache(max_bytes=memory_bytes)
