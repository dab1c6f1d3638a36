"""Minting embed tokens for host backends: `POST /api/v1/embed/tokens`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.orm import Session

from plotboard.auth.api_keys import KeyInfo
from plotboard.auth.attribute_store import attribute_model
from plotboard.auth.attribute_values import validate_attributes
from plotboard.auth.embed_tokens import (
    DEFAULT_EXPIRES_IN,
    MAX_EXPIRES_IN,
    MIN_EXPIRES_IN,
    Permissions,
    iso_utc,
    mint_token,
)
from plotboard.errors import invalid
from plotboard.inputs import Text
from plotboard.store.models import ApiKey

if TYPE_CHECKING:
    from plotboard.runtime import Runtime

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_CLUES = 4000


class MintRequest(BaseModel):
    """The body of a mint request, exactly the public contract."""

    model_config = ConfigDict(extra="forbid")
    user_id: Text = Field(min_length=1, max_length=200)
    # Values are checked against the organization's attribute model by `validate_attributes`.
    attributes: dict[Text, Any] = Field(default_factory=dict)
    ai_context_clues: Text | dict[Text, Text] | None = None
    permissions: Permissions = Field(default_factory=Permissions)
    expires_in: int = Field(default=DEFAULT_EXPIRES_IN, ge=MIN_EXPIRES_IN, le=MAX_EXPIRES_IN)

    @field_validator("user_id")
    @classmethod
    def _plain_user_id(cls, value: str) -> str:
        if _CONTROL.search(value) or value != value.strip():
            raise ValueError("must not contain control characters or surrounding spaces")
        return value

    @field_validator("ai_context_clues")
    @classmethod
    def _bounded_clues(cls, value: str | dict[str, str] | None) -> str | dict[str, str] | None:
        size = (
            len(value)
            if isinstance(value, str)
            else sum(len(k) + len(v) for k, v in (value or {}).items())
        )
        if size > MAX_CLUES:
            raise ValueError(f"must be at most {MAX_CLUES} characters in all")
        return value


class MintedToken(BaseModel):
    token: str
    expires_at: str


def mint_for_key(
    runtime: Runtime, session: Session, key: KeyInfo, request: MintRequest
) -> MintedToken:
    """Validate the request against the organization's attribute model and sign a token."""
    attributes = validate_attributes(attribute_model(session, key.org_id), request.attributes)
    secret = runtime.signing_secret(key.org_id)
    if secret is None:  # the key's organization was deleted between two statements
        raise invalid("api_key", "the key's organization no longer exists")
    token, expires = mint_token(
        secret,
        key_id=key.id,
        org_id=key.org_id,
        user_id=request.user_id,
        attributes=attributes,
        ai_context_clues=request.ai_context_clues,
        permissions=request.permissions,
        expires_in=request.expires_in,
    )
    session.execute(
        sa.update(ApiKey).where(ApiKey.id == key.id).values(tokens_minted=ApiKey.tokens_minted + 1)
    )
    return MintedToken(token=token, expires_at=iso_utc(expires))
