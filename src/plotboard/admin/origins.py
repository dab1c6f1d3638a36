"""Authorized origins: the pages that may embed the editor (CORS)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field

from plotboard import audit
from plotboard.admin.actor import AdminActor
from plotboard.auth.origins import normalize_origin
from plotboard.errors import conflict, not_found
from plotboard.store.models import Origin

if TYPE_CHECKING:
    from plotboard.runtime import Runtime


class OriginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    origin: str = Field(min_length=1, max_length=300)


class OriginOut(BaseModel):
    id: str
    origin: str
    created_at: datetime


def list_origins(runtime: Runtime, org_id: str) -> list[OriginOut]:
    with runtime.store.session() as session:
        rows = session.scalars(
            sa.select(Origin).where(Origin.org_id == org_id).order_by(Origin.origin)
        )
        return [OriginOut.model_validate(r, from_attributes=True) for r in rows]


def add_origin(runtime: Runtime, admin: AdminActor, body: OriginIn) -> OriginOut:
    """Authorize an origin (normalized: scheme, host and port); 409 when it already is."""
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


def remove_origin(runtime: Runtime, admin: AdminActor, origin_id: str) -> OriginOut:
    """Remove an authorized origin; returns what was removed."""
    with runtime.store.session() as session:
        row = session.get(Origin, origin_id)
        if row is None or row.org_id != admin.org_id:
            raise not_found(f"Origin {origin_id}")
        out = OriginOut.model_validate(row, from_attributes=True)
        session.delete(row)
        audit.record(
            session,
            admin.org_id,
            admin.actor,
            "origin.removed",
            "origin",
            origin_id,
            origin=out.origin,
        )
    runtime.origins.invalidate()
    return out
