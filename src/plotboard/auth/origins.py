"""Authorized origins: which web pages may embed the editor and call the embed API."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import sqlalchemy as sa

from plotboard.errors import forbidden, invalid
from plotboard.store.changes import Generation
from plotboard.store.models import Origin

_DEFAULT_PORTS = {"http": 80, "https": 443}
_EXAMPLE = "e.g. https://app.example.com or http://localhost:3000"


def normalize_origin(text: str, field: str = "origin") -> str:
    """`scheme://host[:port]` in lower case without a default port, or 422 saying why not."""
    raw = text.strip()
    if not raw:
        raise invalid(field, f"is empty; write a scheme and a host, {_EXAMPLE}")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as err:
        raise invalid(field, f"'{raw}' is not a valid origin ({err}); {_EXAMPLE}") from err
    if parts.scheme not in _DEFAULT_PORTS:
        raise invalid(field, f"'{raw}' must start with http:// or https://; {_EXAMPLE}")
    if not parts.hostname:
        raise invalid(field, f"'{raw}' has no host name; {_EXAMPLE}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise invalid(
            field,
            f"'{raw}' must be an origin only: scheme, host and port, without a path, query or "
            f"user name; {_EXAMPLE}",
        )
    if "*" in parts.hostname:
        raise invalid(field, f"'{raw}': wildcards are not supported; list each origin")
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


class OriginRegistry:
    """Which origins each organization authorized, re-read when the store's generation moved
    (`plotboard.store.changes`)."""

    def __init__(self, engine: sa.Engine, changes: Generation) -> None:
        self._engine = engine
        self._changes = changes
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._by_org: dict[str, frozenset[str]] = {}
        self._all: frozenset[str] = frozenset()

    def stale(self) -> bool:
        """True when the next check may read the store (call `refresh` off the loop)."""
        generation = self._generation
        return generation is None or generation != self._changes.peek()

    def refresh(self) -> None:
        self._load()

    def _load(self) -> None:
        generation = self._changes.current()  # before the read: a later change reloads
        if generation == self._generation:
            return
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(Origin.org_id, Origin.origin)).all()
        by_org: dict[str, set[str]] = {}
        for org_id, origin in rows:
            by_org.setdefault(org_id, set()).add(origin)
        with self._lock:
            self._by_org = {k: frozenset(v) for k, v in by_org.items()}
            self._all = frozenset(o for _, o in rows)
            self._generation = generation

    def invalidate(self) -> None:
        self._generation = None

    def is_authorized(self, org_id: str, origin: str) -> bool:
        self._load()
        return origin in self._by_org.get(org_id, frozenset())

    def is_known(self, origin: str) -> bool:
        """Authorized by some organization: enough to answer a CORS preflight."""
        self._load()
        return origin in self._all

    def check(self, org_id: str, origin: str | None, own_origin: str) -> None:
        """403 unless the request comes from no browser, this server, or an authorized origin."""
        if origin is None or origin == own_origin or self.is_authorized(org_id, origin):
            return
        raise forbidden(
            f"The origin {origin} is not authorized to embed plotboard for this organization. "
            "An admin can add it under Authorized origins.",
            "origin_not_authorized",
        )
