"""API keys: list, create (the secret is returned once), revoke."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from plotboard import audit
from plotboard.admin.actor import AdminActor
from plotboard.auth.api_keys import create_api_key, list_api_keys, revoke_api_key
from plotboard.store.models import ApiKey

if TYPE_CHECKING:
    from plotboard.runtime import Runtime


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    scopes: list[str] = Field(default_factory=lambda: ["tokens"])


class KeyOut(BaseModel):
    id: str
    name: str
    scopes: list[str]
    created_at: datetime
    created_by: str | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    tokens_minted: int


def key_out(row: ApiKey) -> KeyOut:
    return KeyOut.model_validate(row, from_attributes=True)


def list_keys(runtime: Runtime, org_id: str) -> list[KeyOut]:
    with runtime.store.session() as session:
        return [key_out(k) for k in list_api_keys(session, org_id)]


def create_key(runtime: Runtime, admin: AdminActor, body: KeyIn) -> dict[str, Any]:
    """Create a key: the answer is the key plus its `secret`, which is not stored."""
    with runtime.store.session() as session:
        row, secret = create_api_key(session, admin.org_id, body.name, body.scopes, admin.actor)
        audit.record(
            session,
            admin.org_id,
            admin.actor,
            "api_key.created",
            "api_key",
            row.id,
            name=row.name,
            scopes=row.scopes,
        )
        return {**key_out(row).model_dump(), "secret": secret}


def revoke_key(runtime: Runtime, admin: AdminActor, key_id: str) -> KeyOut:
    """Revoke a key: it and every token it minted stop working at once on this server."""
    with runtime.store.session() as session:
        row = revoke_api_key(session, admin.org_id, key_id)
        audit.record(session, admin.org_id, admin.actor, "api_key.revoked", "api_key", row.id)
        out = key_out(row)
    runtime.keys.forget(key_id)
    return out
