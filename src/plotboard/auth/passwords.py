"""Admin passwords, hashed with argon2id.

argon2 is imported, and the timing equaliser hashed, on first use: a server that never signs
an admin in does not load it (docs/benchmarks.md, "Memory").
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_PASSWORD_LENGTH = 10


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    # Verifying against this when the email is unknown keeps sign-in time the same either way.
    return _hasher().hash("plotboard-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    # Made before either case, so the first sign-in costs the same whether the email is known.
    dummy = _dummy_hash()
    try:
        return _hasher().verify(password_hash or dummy, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters long"
    if len(password) > 1000:
        return "must be at most 1000 characters long"
    return None
