"""Embed tokens: short-lived HS256 JWTs that carry one end user into the editor.

Signed with the organization's own secret. On every use the signature, audience, issuer and
expiry are checked, and the key id (`kid`) must name a live API key of the same organization,
so revoking a key ends every token it minted.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import jwt
from pydantic import BaseModel, ConfigDict, Field

from plotboard.errors import PlotboardError, unauthorized
from plotboard.inputs import JsonLimits, json_problem

AUDIENCE = "plotboard:embed"
ISSUER = "plotboard"
ALGORITHM = "HS256"
DEFAULT_EXPIRES_IN = 3600
MAX_EXPIRES_IN = 24 * 3600
MIN_EXPIRES_IN = 60


def iso_utc(moment: datetime) -> str:
    """ISO 8601 with a Z, as in the mint answer's `expires_at`."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class Permissions(BaseModel):
    """What the token's user may do. Defaults: edit dashboards, use the AI, no raw SQL."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    dashboards: Literal["edit", "view"] = "edit"
    ai: bool = True
    sql: bool = False


@dataclass(frozen=True)
class EmbedToken:
    """A verified token: who the user is and what they carry."""

    org_id: str
    user_id: str
    key_id: str
    attributes: dict[str, Any]
    ai_context_clues: str | dict[str, str] | None
    permissions: Permissions
    issued_at: datetime
    expires_at: datetime
    token_id: str

    def claims(self) -> dict[str, Any]:
        """What introspection shows; the same names as the mint request."""
        return {
            "user_id": self.user_id,
            "attributes": self.attributes,
            "ai_context_clues": self.ai_context_clues,
            "permissions": self.permissions.model_dump(),
            "key_id": self.key_id,
            "issued_at": iso_utc(self.issued_at),
            "expires_at": iso_utc(self.expires_at),
            "token_id": self.token_id,
        }


def mint_token(
    signing_secret: str,
    *,
    key_id: str,
    org_id: str,
    user_id: str,
    attributes: dict[str, Any],
    ai_context_clues: str | dict[str, str] | None,
    permissions: Permissions,
    expires_in: int,
    now: datetime | None = None,
) -> tuple[str, datetime]:
    issued = (now or datetime.now(UTC)).replace(microsecond=0)
    expires = issued + timedelta(seconds=expires_in)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": user_id,
        "org": org_id,
        "iat": int(issued.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": secrets.token_urlsafe(12),
        "attrs": attributes,
        "ctx": ai_context_clues,
        "perm": permissions.model_dump(),
    }
    token = jwt.encode(claims, signing_secret, algorithm=ALGORITHM, headers={"kid": key_id})
    return token, expires


_EXPIRED = "The embed token has expired. The host app should mint a fresh one and set it."
_INVALID = "The embed token is not valid."
_MALFORMED = f"{_INVALID} Its claims are malformed."
# What minting lets into `attrs` and `ctx` (attribute values, clues) fits well within these.
_CLAIM_LIMITS = JsonLimits(max_depth=4, max_string=10_000, max_entries=20_000)


def _claims_problem(claims: dict[str, Any]) -> str | None:
    """Why signed claims cannot be used (a value no query can bind, text that is not text),
    or None. A token is signed by whoever holds the secret, and may predate today's checks on
    minting: what it carries is checked here too, so it fails as a 401, not in every query."""
    if not isinstance(claims.get("sub"), str) or not isinstance(claims.get("jti", ""), str):
        return "sub"
    for name in ("iat", "exp"):
        if isinstance(claims.get(name), bool) or not isinstance(claims.get(name), int | float):
            return name
    if not isinstance(claims.get("attrs") or {}, dict):
        return "attrs"
    ctx = claims.get("ctx")
    if ctx is not None and not isinstance(ctx, str | dict):
        return "ctx"
    found = json_problem(
        {k: claims.get(k) for k in ("sub", "jti", "attrs", "ctx", "perm")}, _CLAIM_LIMITS
    )
    return found[0] if found else None


class TokenVerifier:
    """Verifies embed tokens, remembering good ones until they expire (they are immutable).

    `org_of_live_key(kid)` answers whether the key is live (checked on every call, so revoking
    works even for remembered tokens); `secret_of_org(org)` gives the signing secret.
    """

    def __init__(
        self,
        org_of_live_key: Callable[[str], str | None],
        secret_of_org: Callable[[str], str | None],
        capacity: int = 50_000,
        peek_live_key: Callable[[str], tuple[bool, str | None]] | None = None,
    ) -> None:
        self._org_of_live_key = org_of_live_key
        self._peek = peek_live_key
        self._secret_of_org = secret_of_org
        self._capacity = capacity
        self._cache: OrderedDict[str, EmbedToken] = OrderedDict()
        self._lock = threading.Lock()

    def verify_from_memory(self, token: str | None) -> EmbedToken | None:
        """The verified token when everything needed is in memory (a token seen before, a key
        checked recently); None when `verify` must run (it may read the store). Never does
        I/O, so the event loop may call it."""
        if not token or self._peek is None:
            return None
        cached = self._cache.get(token)
        if cached is None or cached.expires_at <= datetime.now(UTC):
            return None
        known, org_id = self._peek(cached.key_id)
        if not known or org_id != cached.org_id:
            return None  # unknown or revoked: `verify` says which, with its message
        return cached

    def verify(self, token: str | None) -> EmbedToken:
        if not token:
            raise unauthorized(
                "An embed token is required: send it as 'Authorization: Bearer <token>'.",
                "missing_token",
            )
        cached = self._cache.get(token)
        if cached is None:
            cached = self._decode(token)
            with self._lock:
                self._cache[token] = cached
                if len(self._cache) > self._capacity:
                    self._cache.popitem(last=False)
        if cached.expires_at <= datetime.now(UTC):
            with self._lock:
                self._cache.pop(token, None)
            raise unauthorized(_EXPIRED, "token_expired")
        if self._org_of_live_key(cached.key_id) != cached.org_id:
            raise unauthorized(
                "The API key that minted this embed token has been revoked.", "token_revoked"
            )
        return cached

    def _decode(self, token: str) -> EmbedToken:
        if token.startswith("pb_"):
            raise unauthorized(
                "This is an API key, not an embed token. Keep API keys on your server and send "
                "the browser a token minted with POST /api/v1/embed/tokens.",
                "invalid_token",
            )
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as err:
            raise unauthorized(
                f"{_INVALID} It is garbled: send it exactly as POST /api/v1/embed/tokens "
                "returned it.",
                "invalid_token",
            ) from err
        if header.get("alg") != ALGORITHM:
            raise unauthorized(f"{_INVALID} Only HS256 tokens are accepted.", "invalid_token")
        kid = header.get("kid")
        org_id = self._org_of_live_key(kid) if isinstance(kid, str) else None
        if org_id is None:
            raise unauthorized(
                f"{_INVALID} It was not minted by a live API key (revoked or unknown).",
                "token_revoked",
            )
        secret = self._secret_of_org(org_id)
        if secret is None:
            raise unauthorized(_INVALID, "invalid_token")
        try:
            claims = jwt.decode(
                token,
                secret,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "aud", "iss", "sub"]},
            )
        except jwt.ExpiredSignatureError as err:
            raise unauthorized(_EXPIRED, "token_expired") from err
        except jwt.PyJWTError as err:
            raise unauthorized(f"{_INVALID} {err}.", "invalid_token") from err
        except (ValueError, TypeError, OverflowError) as err:
            # e.g. an `exp` of Infinity, which PyJWT cannot turn into a whole number.
            raise unauthorized(_MALFORMED, "invalid_token") from err
        if claims.get("org") != org_id:
            raise unauthorized(f"{_INVALID} It belongs to another organization.", "invalid_token")
        if _claims_problem(claims) is not None:
            raise unauthorized(_MALFORMED, "invalid_token")
        try:
            return EmbedToken(
                org_id=org_id,
                user_id=str(claims["sub"]),
                key_id=kid,  # type: ignore[arg-type]
                attributes=dict(claims.get("attrs") or {}),
                ai_context_clues=claims.get("ctx"),
                permissions=Permissions.model_validate(claims.get("perm") or {}),
                issued_at=datetime.fromtimestamp(claims["iat"], UTC),
                expires_at=datetime.fromtimestamp(claims["exp"], UTC),
                token_id=str(claims.get("jti", "")),
            )
        except (ValueError, TypeError, OverflowError, OSError) as err:
            # An `iat` or `exp` a date cannot hold (10**20 seconds) lands here.
            raise unauthorized(_MALFORMED, "invalid_token") from err


class IntrospectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=20_000)


def introspect(verifier: TokenVerifier, org_id: str, token: str) -> dict[str, Any]:
    """Whether `token` is valid now for organization `org_id`, and what it carries. A token of
    another organization is reported as invalid without saying more."""
    try:
        verified = verifier.verify(token)
    except PlotboardError as err:
        return {"valid": False, "code": err.code, "reason": err.message}
    if verified.org_id != org_id:
        return {"valid": False, "code": "invalid_token", "reason": "The embed token is not valid."}
    return {"valid": True, **verified.claims()}
