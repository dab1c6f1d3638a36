"""Token attributes as the admin manages them: create, edit, delete, and the model for minting."""

from __future__ import annotations

from typing import get_args

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from plotboard.auth.attribute_values import AttributeSpec, AttributeType, name_problem
from plotboard.errors import conflict, invalid, not_found
from plotboard.inputs import Text
from plotboard.store.models import TokenAttribute


class AttributeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text = Field(min_length=1, max_length=63)
    type: AttributeType
    required: bool = False
    description: Text = Field(default="", max_length=2000)


class AttributePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: AttributeType | None = None
    required: bool | None = None
    description: Text | None = Field(default=None, max_length=2000)


def attribute_model(session: Session, org_id: str) -> list[AttributeSpec]:
    rows = session.scalars(
        sa.select(TokenAttribute)
        .where(TokenAttribute.org_id == org_id)
        .order_by(TokenAttribute.name)
    )
    return [AttributeSpec(r.name, r.type, r.required, r.description) for r in rows]  # type: ignore[arg-type]


def list_attributes(session: Session, org_id: str) -> list[TokenAttribute]:
    stmt = sa.select(TokenAttribute).where(TokenAttribute.org_id == org_id)
    return list(session.scalars(stmt.order_by(TokenAttribute.name)))


def _get(session: Session, org_id: str, name: str) -> TokenAttribute:
    row = session.scalar(
        sa.select(TokenAttribute).where(
            TokenAttribute.org_id == org_id, TokenAttribute.name == name
        )
    )
    if row is None:
        raise not_found(f"Token attribute '{name}'")
    return row


def create_attribute(session: Session, org_id: str, data: AttributeIn) -> TokenAttribute:
    problem = name_problem(data.name)
    if problem:
        raise invalid("name", problem)
    exists = session.scalar(
        sa.select(TokenAttribute.id).where(
            TokenAttribute.org_id == org_id, TokenAttribute.name == data.name
        )
    )
    if exists:
        raise conflict(f"A token attribute named '{data.name}' already exists.", "attribute_exists")
    row = TokenAttribute(org_id=org_id, **data.model_dump())
    session.add(row)
    session.flush()
    return row


def update_attribute(
    session: Session, org_id: str, name: str, patch: AttributePatch
) -> TokenAttribute:
    from plotboard.access.store import rules_using_attribute

    row = _get(session, org_id, name)
    changes = patch.model_dump(exclude_unset=True)
    if "type" in changes and changes["type"] != row.type:
        tables = rules_using_attribute(session, org_id, name)
        if tables:
            # A rule was checked against the old type; with another type it could match
            # rows it was meant to exclude ('North' <> 3 is true for every row).
            raise conflict(
                f"The type of '{name}' cannot change while the access rules of "
                f"{', '.join(sorted(set(tables)))} use it; change those rules first.",
                "attribute_in_use",
            )
    for key, value in changes.items():
        if value is None:
            raise invalid(key, "must not be null")
        setattr(row, key, value)
    session.flush()
    return row


def delete_attribute(session: Session, org_id: str, name: str) -> None:
    """Delete an attribute no access rule uses; tokens minted before keep their claim until
    they expire, and rules never see it again."""
    from plotboard.access.store import rules_using_attribute

    row = _get(session, org_id, name)
    tables = rules_using_attribute(session, org_id, name)
    if tables:
        raise conflict(
            f"The token attribute '{name}' is used by the access rules of "
            f"{', '.join(sorted(set(tables)))}; change those rules first.",
            "attribute_in_use",
        )
    session.delete(row)


ATTRIBUTE_TYPE_NAMES: tuple[str, ...] = get_args(AttributeType)
