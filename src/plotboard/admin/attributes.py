"""Token attributes: the typed user model that tokens are checked against."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from plotboard import audit
from plotboard.admin.actor import AdminActor
from plotboard.auth import attribute_store as attrs
from plotboard.store.models import TokenAttribute

if TYPE_CHECKING:
    from plotboard.runtime import Runtime

AttributeIn = attrs.AttributeIn
AttributePatch = attrs.AttributePatch


class AttributeOut(BaseModel):
    name: str
    type: str
    required: bool
    description: str


def attribute_out(row: TokenAttribute) -> AttributeOut:
    return AttributeOut.model_validate(row, from_attributes=True)


def list_attributes(runtime: Runtime, org_id: str) -> list[AttributeOut]:
    with runtime.store.session() as session:
        return [attribute_out(r) for r in attrs.list_attributes(session, org_id)]


def create_attribute(runtime: Runtime, admin: AdminActor, body: AttributeIn) -> AttributeOut:
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
        return attribute_out(row)


def update_attribute(
    runtime: Runtime, admin: AdminActor, name: str, body: AttributePatch
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
        return attribute_out(row)


def delete_attribute(runtime: Runtime, admin: AdminActor, name: str) -> None:
    """Delete an attribute; refused while an access rule uses it."""
    with runtime.store.session() as session:
        attrs.delete_attribute(session, admin.org_id, name)
        audit.record(
            session, admin.org_id, admin.actor, "token_attribute.deleted", "token_attribute", name
        )
