"""Organization settings read on the hot path: the time zone that anchors relative dates.

"Today" for a relative date filter ("last 6 months", "this year") is the date of now in the
organization's time zone; with no zone set, UTC. The zone is kept per process and read again
when the store's generation moved (`plotboard.store.changes`).

    >>> import datetime as dt
    >>> today_in("Pacific/Auckland", now=dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC))
    datetime.date(2025, 1, 2)
    >>> today_in(None, now=dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC))
    datetime.date(2025, 1, 1)
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from plotboard.errors import invalid
from plotboard.store.changes import Generation
from plotboard.store.models import Organization

#: The clock: an aware datetime of now. Tests replace it to make "today" deterministic.
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@functools.cache
def time_zone_names() -> frozenset[str]:
    """The IANA zone names this server knows (its tz database), read once."""
    import zoneinfo

    # "localtime" and "posixrules" are the server's own settings, not places.
    return frozenset(zoneinfo.available_timezones() - {"localtime", "posixrules"})


def check_time_zone(name: str | None, field: str = "time_zone") -> str | None:
    """`name` if it is an IANA time zone name this server knows, None for none (UTC);
    otherwise a 422 that names the value."""
    if name is None:
        return None
    if not isinstance(name, str) or name not in time_zone_names():
        shown = repr(name) if len(str(name)) <= 80 else repr(str(name)[:80] + "…")
        raise invalid(
            field,
            f'{shown} is not a time zone name; use an IANA name such as "Europe/Paris", '
            '"America/New_York" or "UTC" (or null for UTC)',
            "invalid_time_zone",
        )
    return name


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def today_in(zone: str | None, now: dt.datetime | None = None) -> dt.date:
    """The date it is now in `zone` (None: UTC)."""
    moment = now or utc_now()
    if zone is None:
        return moment.astimezone(dt.UTC).date()
    return moment.astimezone(_zone(zone)).date()


class OrgTimeZones:
    """Each organization's time zone, cached per process until the store changes."""

    def __init__(self, engine: sa.Engine, changes: Generation, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.changes = changes
        self.clock = clock
        self._cached: dict[str, tuple[int, str | None]] = {}
        self._lock = threading.Lock()

    def zone_of(self, org_id: str) -> str | None:
        generation = self.changes.current()  # before the read: a later change reloads
        hit = self._cached.get(org_id)
        if hit is not None and hit[0] == generation:
            return hit[1]
        with self.engine.connect() as conn:
            found = conn.scalar(sa.select(Organization.time_zone).where(Organization.id == org_id))
        # A zone a later tz database dropped anchors to UTC rather than failing every query.
        zone = found if found in time_zone_names() else None
        with self._lock:
            self._cached[org_id] = (generation, zone)
        return zone

    def cached_zone(self, org_id: str) -> tuple[bool, str | None]:
        """(found, zone) from this process's cache only; no I/O (safe on the event loop)."""
        hit = self._cached.get(org_id)
        if hit is not None and hit[0] == self.changes.peek():
            return True, hit[1]
        return False, None

    def today(self, org_id: str) -> dt.date:
        """Today's date in the organization's time zone (may read the store: blocking)."""
        return today_in(self.zone_of(org_id), self.clock())

    def cached_today(self, org_id: str) -> dt.date | None:
        """Today's date in the organization's time zone when its zone is cached, else None
        (no I/O: safe on the event loop)."""
        found, zone = self.cached_zone(org_id)
        return today_in(zone, self.clock()) if found else None

    def forget(self, org_id: str) -> None:
        with self._lock:
            self._cached.pop(org_id, None)
