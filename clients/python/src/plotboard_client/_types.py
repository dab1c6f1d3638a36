"""What the client sends and returns, typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Required, TypedDict


class Permissions(TypedDict, total=False):
    """What the token's user may do; whatever is left out gets plotboard's default."""

    dashboards: Literal["edit", "view"]  # default "edit"
    ai: bool  # may use the AI chat; default True
    sql: bool  # may send raw SQL to the query endpoint; default False


class MintOptions(TypedDict, total=False):
    """The optional parts of a token; one left out (or None) gets plotboard's default."""

    attributes: Mapping[str, Any] | None  # the user's values of the token attributes
    ai_context_clues: str | Mapping[str, str] | None  # what the AI should know: tone, company
    permissions: Permissions | None
    expires_in: int | timedelta | None  # 60 s to one day; default one hour


@dataclass(frozen=True)
class EmbedToken:
    """A minted token: give `token` to the user's browser (`<plotboard-editor auth-token>`)."""

    token: str
    expires_at: datetime  # timezone-aware, UTC


class TokenInfo(TypedDict, total=False):
    """What introspection tells: `valid`, then what a valid token carries (the mint request's
    names, `key_id`, `token_id` and the ISO 8601 `issued_at` and `expires_at`), or why an
    invalid one is refused (`code`, `reason`)."""

    valid: Required[bool]
    user_id: str
    attributes: dict[str, Any]
    ai_context_clues: str | dict[str, str] | None
    permissions: dict[str, Any]
    key_id: str
    issued_at: str
    expires_at: str
    token_id: str
    code: str
    reason: str


@dataclass(frozen=True)
class ApiKey:
    """An API key as the admin API shows it (never its secret)."""

    id: str
    name: str
    scopes: list[str]
    created_at: datetime
    created_by: str | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    tokens_minted: int


@dataclass(frozen=True)
class NewApiKey(ApiKey):
    """A key just created: `secret` is in this answer only, plotboard does not store it."""

    secret: str = ""


@dataclass(frozen=True)
class TokenAttribute:
    """One of the organization's token attributes, which every token's attributes must fit."""

    name: str
    type: str  # string, number, boolean, string_list, number_list
    required: bool
    description: str
