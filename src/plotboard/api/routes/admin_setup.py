"""The admin REST API for the set-up steps: API keys, token attributes, origins, audit log.

Every change is recorded in the audit log in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from plotboard import audit
from plotboard.api.deps import Admin, RuntimeDep
from plotboard.auth import token_attributes as attrs
from plotboard.auth.api_keys import create_api_key, list_api_keys, revoke_api_key
from plotboard.auth.origins import normalize_origin
from plotboard.errors import conflict, not_found
from plotboard.store.models import ApiKey, Organization, Origin, TokenAttribute

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.get("/organization")
def read_organization(admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    with runtime.store.session() as session:
        org = session.get(Organization, admin.org_id)
        assert org is not None
        return {"id": org.id, "name": org.name, "created_at": org.created_at}


# --- API keys ---------------------------------------------------------------------------


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


def _key_out(row: ApiKey) -> KeyOut:
    return KeyOut.model_validate(row, from_attributes=True)


@router.get("/api-keys")
def read_keys(admin: Admin, runtime: RuntimeDep) -> dict[str, list[KeyOut]]:
    with runtime.store.session() as session:
        return {"api_keys": [_key_out(k) for k in list_api_keys(session, admin.org_id)]}


@router.post("/api-keys", status_code=201)
def create_key(body: KeyIn, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    """Create a key. `secret` is in this answer only: it is not stored and cannot be shown again."""
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
        return {**_key_out(row).model_dump(), "secret": secret}


@router.post("/api-keys/{key_id}/revoke")
def revoke_key(key_id: str, admin: Admin, runtime: RuntimeDep) -> KeyOut:
    """Revoke a key: it and every embed token it minted stop working at once."""
    with runtime.store.session() as session:
        row = revoke_api_key(session, admin.org_id, key_id)
        audit.record(session, admin.org_id, admin.actor, "api_key.revoked", "api_key", row.id)
        out = _key_out(row)
    runtime.keys.forget(key_id)
    return out


# --- token attributes -------------------------------------------------------------------


class AttributeOut(BaseModel):
    name: str
    type: str
    required: bool
    description: str


def _attr_out(row: TokenAttribute) -> AttributeOut:
    return AttributeOut.model_validate(row, from_attributes=True)


@router.get("/token-attributes")
def read_attributes(admin: Admin, runtime: RuntimeDep) -> dict[str, list[AttributeOut]]:
    with runtime.store.session() as session:
        return {
            "token_attributes": [_attr_out(r) for r in attrs.list_attributes(session, admin.org_id)]
        }


@router.post("/token-attributes", status_code=201)
def create_attribute(body: attrs.AttributeIn, admin: Admin, runtime: RuntimeDep) -> AttributeOut:
    with runtime.store.session() as session:
        row = attrs.create_attribute(session, admin.org_id, body)
        audit.record(
            session,
            admin.org_id,
            admin.actor,
            "token_attribute.created",
            "token_attribute",
            row.name,
            type=row.type,
            required=row.required,
        )
        return _attr_out(row)


@router.patch("/token-attributes/{name}")
def update_attribute(
    name: str, body: attrs.AttributePatch, admin: Admin, runtime: RuntimeDep
) -> AttributeOut:
    with runtime.store.session() as session:
        row = attrs.update_attribute(session, admin.org_id, name, body)
        audit.record(
            session,
            admin.org_id,
            admin.actor,
            "token_attribute.updated",
            "token_attribute",
            name,
            **body.model_dump(exclude_unset=True),
        )
        return _attr_out(row)


@router.delete("/token-attributes/{name}", status_code=204)
def delete_attribute(name: str, admin: Admin, runtime: RuntimeDep) -> Response:
    with runtime.store.session() as session:
        attrs.delete_attribute(session, admin.org_id, name)
        audit.record(
            session, admin.org_id, admin.actor, "token_attribute.deleted", "token_attribute", name
        )
    return Response(status_code=204)


# --- authorized origins -----------------------------------------------------------------


class OriginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    origin: str = Field(min_length=1, max_length=300)


class OriginOut(BaseModel):
    id: str
    origin: str
    created_at: datetime


@router.get("/origins")
def read_origins(admin: Admin, runtime: RuntimeDep) -> dict[str, list[OriginOut]]:
    with runtime.store.session() as session:
        rows = session.scalars(
            sa.select(Origin).where(Origin.org_id == admin.org_id).order_by(Origin.origin)
        )
        return {"origins": [OriginOut.model_validate(r, from_attributes=True) for r in rows]}


@router.post("/origins", status_code=201)
def create_origin(body: OriginIn, admin: Admin, runtime: RuntimeDep) -> OriginOut:
    origin = normalize_origin(body.origin)
    with runtime.store.session() as session:
        exists = session.scalar(
            sa.select(Origin.id).where(Origin.org_id == admin.org_id, Origin.origin == origin)
        )
        if exists:
            raise conflict(f"{origin} is already authorized.", "origin_exists")
        row = Origin(org_id=admin.org_id, origin=origin)
        session.add(row)
        session.flush()
        audit.record(
            session, admin.org_id, admin.actor, "origin.added", "origin", row.id, origin=origin
        )
        out = OriginOut.model_validate(row, from_attributes=True)
    runtime.origins.invalidate()
    return out


@router.delete("/origins/{origin_id}", status_code=204)
def delete_origin(origin_id: str, admin: Admin, runtime: RuntimeDep) -> Response:
    with runtime.store.session() as session:
        row = session.get(Origin, origin_id)
        if row is None or row.org_id != admin.org_id:
            raise not_found(f"Origin {origin_id}")
        session.delete(row)
        audit.record(
            session,
            admin.org_id,
            admin.actor,
            "origin.removed",
            "origin",
            origin_id,
            origin=row.origin,
        )
    runtime.origins.invalidate()
    return Response(status_code=204)


# --- audit log --------------------------------------------------------------------------


@router.get("/audit")
def read_audit(admin: Admin, runtime: RuntimeDep, limit: int = 200) -> dict[str, Any]:
    limit = max(1, min(limit, 1000))
    with runtime.store.session() as session:
        rows = audit.entries(session, admin.org_id, limit)
        return {
            "entries": [
                {
                    "actor": r.actor,
                    "action": r.action,
                    "target_type": r.target_type,
                    "target_id": r.target_id,
                    "details": r.details,
                    "created_at": r.created_at,
                }
                for r in rows
            ]
        }
