"""Admin sign-in: a random session cookie (stored hashed) and a CSRF token per session."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from plotboard.auth.passwords import verify_password
from plotboard.errors import forbidden, unauthorized
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
