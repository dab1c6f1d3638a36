"""The usage limits an organization runs under: defaults, and the admin's changes.

Each limit is a number; 0 switches that limit off. "per minute" limits count requests in
one-minute windows; "at once" limits count requests running now. A dashboard of six tiles
sends six queries at once, so the defaults leave room for that.

    >>> UsageLimits().query_per_user_at_once
    8
    >>> UsageLimits.model_validate({"ai_per_user_per_minute": 0}).ai_per_user_per_minute
    0
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from plotboard.errors import FieldError, PlotboardError, not_found
from plotboard.store.models import Organization

#: What is limited: embed queries, AI questions, token minting.
Action = Literal["query", "ai", "mint"]

_MAX = 1_000_000


def _limit(default: int, what: str) -> Any:
    return Field(default=default, ge=0, le=_MAX, description=what)


class UsageLimits(BaseModel):
    """Per user (the token's user id; for minting, per API key) and per organization."""

    model_config = ConfigDict(extra="forbid")

    query_per_user_per_minute: int = _limit(600, "Queries one end user may send a minute.")
    query_per_user_at_once: int = _limit(8, "Queries of one end user running at once.")
    query_per_org_per_minute: int = _limit(6000, "Queries all end users may send a minute.")
    query_per_org_at_once: int = _limit(64, "Queries of the organization running at once.")
    ai_per_user_per_minute: int = _limit(30, "AI questions one end user may ask a minute.")
    ai_per_user_at_once: int = _limit(2, "AI questions of one end user being answered at once.")
    ai_per_org_per_minute: int = _limit(300, "AI questions all end users may ask a minute.")
    ai_per_org_at_once: int = _limit(16, "AI questions being answered at once, organization-wide.")
    mint_per_key_per_minute: int = _limit(600, "Tokens one API key may mint a minute.")
    mint_per_key_at_once: int = _limit(16, "Token mints of one API key running at once.")
    mint_per_org_per_minute: int = _limit(1200, "Tokens the organization may mint a minute.")
    mint_per_org_at_once: int = _limit(32, "Token mints of the organization running at once.")

    def rate(self, action: Action, scope: Literal["user", "org"]) -> int:
        return int(getattr(self, f"{action}_per_{_scope(action, scope)}_per_minute"))

    def at_once(self, action: Action, scope: Literal["user", "org"]) -> int:
        return int(getattr(self, f"{action}_per_{_scope(action, scope)}_at_once"))


def _scope(action: Action, scope: str) -> str:
    return "key" if action == "mint" and scope == "user" else scope


def limits_of(session: Session, org_id: str) -> UsageLimits:
    """The organization's limits: the defaults with the admin's changes on top."""
    stored = session.scalar(sa.select(Organization.limits).where(Organization.id == org_id))
    return _parse(stored or {})


def update_limits(session: Session, org_id: str, changes: dict[str, Any]) -> UsageLimits:
    """Apply `changes` (only the limits sent change) and return the limits now in force.
    An unknown name or a value that is not a whole number from 0 to 1,000,000 is a 422
    naming it; nothing is saved then."""
    org = session.get(Organization, org_id)
    if org is None:
        raise not_found("The organization")
    merged = {**(org.limits or {}), **changes}
    try:
        limits = UsageLimits.model_validate(merged)
    except ValidationError as err:
        errors = [
            FieldError(".".join(str(p) for p in e["loc"]), _plain(e["type"], e["msg"]))
            for e in err.errors()
        ]
        first = errors[0]
        raise PlotboardError(f"{first.field}: {first.message}", "invalid", 422, errors) from None
    # Only what differs from the defaults is kept, so later default changes reach everyone
    # who did not choose otherwise.
    defaults = UsageLimits()
    org.limits = {k: v for k, v in limits.model_dump().items() if v != getattr(defaults, k)} or None
    return limits


def _plain(kind: str, message: str) -> str:
    if kind == "extra_forbidden":
        names = ", ".join(UsageLimits.model_fields)
        return f"is not a usage limit; the limits are {names}"
    return f"{message} (a whole number from 0, meaning no limit, to {_MAX:,})"


def _parse(stored: dict[str, Any]) -> UsageLimits:
    # Stored values were validated when saved; a name a later version dropped is ignored.
    known = {k: v for k, v in stored.items() if k in UsageLimits.model_fields}
    try:
        return UsageLimits.model_validate(known)
    except ValidationError:
        return UsageLimits()
