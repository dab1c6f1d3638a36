"""Admin sign-in: a random session cookie (stored hashed) and a CSRF token per session."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from plotboard.auth.passwords import verify_password
from plotboard.errors import PlotboardError, forbidden, unauthorized
from plotboard.store.models import AdminSession, AdminUser, SignInAttempt, utcnow

COOKIE_NAME = "plotboard_session"
CSRF_HEADER = "X-CSRF-Token"

log = logging.getLogger(__name__)
_ATTEMPTS = cast(sa.Table, SignInAttempt.__table__)


@dataclass(frozen=True)
class SignedInAdmin:
    admin_id: str
    org_id: str
    email: str
    csrf_token: str


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def sign_in(
    session: Session, email: str, password: str, ttl_seconds: int
) -> tuple[str, SignedInAdmin]:
    """A new session cookie value for the admin, or 401 (the same for a wrong email or password)."""
    admin = session.scalar(sa.select(AdminUser).where(AdminUser.email == email.strip().lower()))
    if not verify_password(admin.password_hash if admin else None, password) or admin is None:
        raise unauthorized("The email or password is wrong.", "invalid_credentials")
    cookie = secrets.token_urlsafe(32)
    now = utcnow()
    row = AdminSession(
        id_hash=_hash(cookie),
        admin_id=admin.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(seconds=ttl_seconds),
    )
    admin.last_login_at = now
    session.add(row)
    # Expired sessions are swept here, where a write happens anyway.
    session.execute(sa.delete(AdminSession).where(AdminSession.expires_at < now))
    return cookie, SignedInAdmin(admin.id, admin.org_id, admin.email, row.csrf_token)


def current_admin(session: Session, cookie: str | None) -> SignedInAdmin | None:
    if not cookie:
        return None
    row = session.get(AdminSession, _hash(cookie))
    if row is None or row.expires_at <= utcnow():
        return None
    admin = session.get(AdminUser, row.admin_id)
    if admin is None:
        return None
    return SignedInAdmin(admin.id, admin.org_id, admin.email, row.csrf_token)


def sign_out(session: Session, cookie: str | None) -> None:
    if cookie:
        session.execute(sa.delete(AdminSession).where(AdminSession.id_hash == _hash(cookie)))


def check_csrf(admin: SignedInAdmin, sent: str | None) -> None:
    if not sent or not hmac.compare_digest(sent, admin.csrf_token):
        raise forbidden(
            f"The request lacks a valid CSRF token. Send the token from GET "
            f"/api/v1/admin/session in the {CSRF_HEADER} header.",
            "csrf_failed",
        )


@dataclass(frozen=True)
class Reservation:
    """An attempt counted by `SignInThrottle.reserve`; give it back with `succeeded`."""

    keys: tuple[str, ...]


def client_network(address: str | None) -> str:
    """The client address that attempts are counted by: an IPv6 address counts as its /64
    network (one subscriber gets a whole /64 to pick addresses from); anything that is not an
    IP address (a test client, a Unix socket) as itself."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class SignInThrottle:
    """Slows password guessing with counters kept in the metadata store, so every app server
    shares them.

    Each attempt is counted *before* its password is checked (one atomic upsert per counter),
    so parallel guesses cannot all slip past the limit. Two counters per attempt:

    - per email and client address: `per_address` attempts per `window_s` seconds, then 429
      for that address until the window ends;
    - per email across all addresses: a looser `per_email` cap, so guesses spread over many
      addresses are slowed too.

    An attempt refused by the first counter is not counted by the second: one address alone
    cannot lock the admin out of their own. A successful sign-in gives its attempt back.
    Counters whose window has ended count as zero and are pruned, so the table stays small.
    """

    PRUNE_EVERY_S = 60.0

    def __init__(
        self,
        engine: sa.Engine,
        *,
        per_address: int = 5,
        per_email: int = 25,
        window_s: float = 300.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.per_address = per_address
        self.per_email = per_email
        self.window_s = window_s
        self._clock = clock
        self._pruned_at: datetime | None = None
        self._lock = threading.Lock()

    @staticmethod
    def _key(*parts: str) -> str:
        return _hash("\x00".join(parts))

    def reserve(self, email: str, address: str | None) -> Reservation:
        """Count one attempt for `email` from `address`, or raise 429 (with Retry-After) when
        either counter is already at its limit."""
        email = email.strip().lower()
        pair = self._key("address", email, client_network(address))
        everyone = self._key("email", email)
        now = self._clock()
        self._prune(now)
        with self.engine.begin() as conn:
            count, expires = self._hit(conn, pair, now)
            if count > self.per_address:
                refused_until = expires
            else:
                count, expires = self._hit(conn, everyone, now)
                if count <= self.per_email:
                    return Reservation((pair, everyone))
                refused_until = expires
                # Not checked, so not counted against this address either.
                self._give_back(conn, (pair,))
        raise _too_many(refused_until - now)

    def succeeded(self, reservation: Reservation) -> None:
        """The attempt signed in: it does not count as a failure."""
        with self.engine.begin() as conn:
            self._give_back(conn, reservation.keys)

    def _hit(self, conn: sa.Connection, key: str, now: datetime) -> tuple[int, datetime]:
        """Add one to `key`'s counter in one statement (a new window if the last one ended)
        and return the count and the window's end."""
        table = _ATTEMPTS
        ends = sa.literal(now + timedelta(seconds=self.window_s), table.c.expires_at.type)
        insert = (
            postgresql.insert(table)
            if conn.dialect.name == "postgresql"
            else sqlite.insert(table)
        )
        ended = table.c.expires_at <= now
        stmt = (
            insert.values(key=key, attempts=1, expires_at=ends)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "attempts": sa.case((ended, 1), else_=table.c.attempts + 1),
                    "expires_at": sa.case((ended, ends), else_=table.c.expires_at),
                },
            )
            .returning(table.c.attempts, table.c.expires_at)
        )
        row = conn.execute(stmt).one()
        expires: datetime = row.expires_at
        return int(row.attempts), expires

    def _give_back(self, conn: sa.Connection, keys: tuple[str, ...]) -> None:
        table = _ATTEMPTS
        conn.execute(
            sa.update(table)
            .where(table.c.key.in_(keys), table.c.attempts > 0)
            .values(attempts=table.c.attempts - 1)
        )

    def _prune(self, now: datetime) -> None:
        """Delete counters whose window has ended, at most once a minute per process."""
        with self._lock:
            last = self._pruned_at
            if last is not None and (now - last).total_seconds() < self.PRUNE_EVERY_S:
                return
            self._pruned_at = now
        table = _ATTEMPTS
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.delete(table).where(table.c.expires_at <= now))
        except sa.exc.DBAPIError as err:
            # Two servers pruning at once may deadlock on PostgreSQL; the next prune catches up.
            log.info("sign-in counters not pruned this time: %s", err)


def _too_many(wait: timedelta) -> PlotboardError:
    seconds = max(1, math.ceil(wait.total_seconds()))
    minutes = max(1, math.ceil(seconds / 60))
    return PlotboardError(
        f"Too many failed sign-ins for this email. Try again in {minutes} "
        f"minute{'s' if minutes > 1 else ''}.",
        "too_many_attempts",
        429,
        headers={"Retry-After": str(seconds)},
    )
