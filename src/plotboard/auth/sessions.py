"""Admin sign-in: a random session cookie (stored hashed) and a CSRF token per session."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from plotboard.auth.passwords import verify_password
from plotboard.errors import PlotboardError, forbidden, unauthorized
from plotboard.store.models import AdminSession, AdminUser, utcnow

COOKIE_NAME = "plotboard_session"
CSRF_HEADER = "X-CSRF-Token"


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


class SignInThrottle:
    """Slows password guessing: after `limit` failed sign-ins for one email within `window`
    seconds, further attempts for it are refused (429) until the oldest failure ages out.

    Kept per process; with several app servers each one counts on its own.
    """

    def __init__(self, limit: int = 5, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def check(self, email: str) -> None:
        key = email.strip().lower()
        now = time.monotonic()
        with self._lock:
            times = self._recent(key, now)
        if len(times) >= self.limit:
            wait = max(1, math.ceil((self.window - (now - times[0])) / 60))
            raise PlotboardError(
                f"Too many failed sign-ins for this email. Try again in {wait} "
                f"minute{'s' if wait > 1 else ''}.",
                "too_many_attempts",
                429,
            )

    def failed(self, email: str) -> None:
        key = email.strip().lower()
        with self._lock:
            if len(self._failures) > 10_000:
                self._failures.clear()
            self._failures.setdefault(key, []).append(time.monotonic())

    def succeeded(self, email: str) -> None:
        with self._lock:
            self._failures.pop(email.strip().lower(), None)
