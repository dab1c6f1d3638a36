"""API keys: how host backends (and admin scripts) authenticate.

A key looks like `pb_k3x9q2m7ta_<40 random characters>`. `pb_k3x9q2m7ta` is its public id: it
is shown in lists and carried as `kid` in the embed tokens the key mints. Only a SHA-256 of the
whole key is stored: the secret is high-entropy, so a slow hash would add nothing but latency.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta
from threading import Lock
from typing import Literal, get_args

import sqlalchemy as sa
from sqlalchemy.orm import Session

from plotboard.errors import forbidden, invalid, not_found, unauthorized
from plotboard.store.changes import Generation
from plotboard.store.models import ApiKey, utcnow

Scope = Literal["tokens", "admin"]
SCOPES: tuple[str, ...] = get_args(Scope)
_ALPHABET = string.ascii_lowercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits
PREFIX = "pb_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class KeyInfo:
    id: str
    org_id: str
    scopes: tuple[str, ...]
    name: str


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_key_material() -> tuple[str, str]:
    """(public id, full secret key)."""
    key_id = PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(10))
    secret = "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))
    return key_id, f"{key_id}_{secret}"


def check_scopes(scopes: list[str]) -> list[str]:
    if not scopes:
        raise invalid("scopes", f"choose at least one of: {', '.join(SCOPES)}")
    for scope in scopes:
        if scope not in SCOPES:
            raise invalid("scopes", f"unknown scope '{scope}'; use {' or '.join(SCOPES)}")
    return sorted(set(scopes))


def create_api_key(
    session: Session, org_id: str, name: str, scopes: list[str], created_by: str | None
) -> tuple[ApiKey, str]:
    """Create a key and return it with its secret; the secret is not kept anywhere."""
    name = name.strip()
    if not name or len(name) > 200:
        raise invalid(
            "name", "give the key a name of 1 to 200 characters, e.g. 'Production backend'"
        )
    key_id, raw = new_key_material()
    row = ApiKey(
        id=key_id,
        org_id=org_id,
        name=name,
        secret_hash=_hash(raw),
        scopes=check_scopes(scopes),
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return row, raw


def revoke_api_key(session: Session, org_id: str, key_id: str) -> ApiKey:
    row = session.get(ApiKey, key_id)
    if row is None or row.org_id != org_id:
        raise not_found(f"API key {key_id}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    return row


def list_api_keys(session: Session, org_id: str) -> list[ApiKey]:
    stmt = sa.select(ApiKey).where(ApiKey.org_id == org_id).order_by(ApiKey.created_at)
    return list(session.scalars(stmt))


def authenticate_api_key(session: Session, raw: str | None, scope: Scope) -> KeyInfo:
    """The live key behind `raw` with `scope`, or 401/403 saying what is wrong."""
    if not raw:
        raise unauthorized(
            "An API key is required: send it as 'Authorization: Bearer pb_...'. Create one in "
            "the admin console or with `plotboard keys create`.",
            "missing_api_key",
        )
    if not raw.startswith(PREFIX) or raw.count("_") < 2:
        raise unauthorized(
            "This is not a plotboard API key (they start with 'pb_'). If you sent an embed "
            "token, this endpoint needs the API key instead.",
            "invalid_api_key",
        )
    key_id = raw.rsplit("_", 1)[0]
    row = session.get(ApiKey, key_id)
    if row is None or not hmac.compare_digest(row.secret_hash, _hash(raw)):
        raise unauthorized("The API key is not valid.", "invalid_api_key")
    if row.revoked_at is not None:
        raise unauthorized(
            f"The API key {row.id} was revoked on {row.revoked_at:%Y-%m-%d}.", "revoked_api_key"
        )
    if scope not in row.scopes:
        raise forbidden(
            f"The API key {row.id} lacks the '{scope}' scope (it has: {', '.join(row.scopes)}).",
            "missing_scope",
        )
    now = utcnow()
    # Written at most once a minute per key, so minting stays a read on the hot path.
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        row.last_used_at = now
    return KeyInfo(row.id, row.org_id, tuple(row.scopes), row.name)


class KeyLiveness:
    """Answers "is key K live, and whose is it?" for every embed request, cheaply.

    Each server remembers an answer with the store's generation it was read at
    (`plotboard.store.changes`) and asks again only when the generation moved: a revoke
    through this server is seen by its next request, through another server within the
    generation's check interval.
    """

    def __init__(self, engine: sa.Engine, changes: Generation) -> None:
        self._engine = engine
        self._changes = changes
        self._lock = Lock()
        self._known: dict[str, tuple[int, str | None]] = {}
        self._stmt = sa.select(ApiKey.org_id).where(
            ApiKey.id == sa.bindparam("kid"), ApiKey.revoked_at.is_(None)
        )

    def peek(self, key_id: str) -> tuple[bool, str | None]:
        """(known, org) from memory only: `known` is False when the store must be asked."""
        hit = self._known.get(key_id)
        if hit is not None and hit[0] == self._changes.peek():
            return True, hit[1]
        return False, None

    def org_of_live_key(self, key_id: str) -> str | None:
        generation = self._changes.current()  # before the read: a later change reloads
        hit = self._known.get(key_id)
        if hit is not None and hit[0] == generation:
            return hit[1]
        with self._engine.connect() as conn:
            org_id = conn.execute(self._stmt, {"kid": key_id}).scalar_one_or_none()
        with self._lock:
            if len(self._known) > 10_000:
                self._known.clear()
            self._known[key_id] = (generation, org_id)
        return org_id

    def forget(self, key_id: str) -> None:
        with self._lock:
            self._known.pop(key_id, None)
