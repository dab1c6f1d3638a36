"""The organization's own settings: its time zone (relative dates count from today there) and
the token attribute that names a user's team (dashboards are shared within a team).

PUT-style updates change only the fields sent, so later settings are added as more optional
fields without breaking clients that send only some.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from plotboard import audit
from plotboard.admin.actor import AdminActor
from plotboard.errors import invalid, not_found
from plotboard.org_settings import check_time_zone
from plotboard.store.models import Organization, TokenAttribute

if TYPE_CHECKING:
    from plotboard.runtime import Runtime


class OrganizationIn(BaseModel):
    """The settings to change; a field left out keeps its value, null resets it."""

    model_config = ConfigDict(extra="forbid")
    time_zone: str | None = Field(
        default=None,
        description='IANA time zone name ("Europe/Paris") that anchors relative dates; '
        "null for UTC.",
    )
    team_attribute: str | None = Field(
        default=None,
        max_length=64,
        description="The token attribute (string or number) whose value names a user's team: "
        "users share dashboards read-only with those of the same value. null turns sharing off.",
    )


class OrganizationOut(BaseModel):
    id: str
    name: str
    created_at: datetime
    time_zone: str | None = Field(description="IANA time zone name; null means UTC.")
    team_attribute: str | None = Field(
        default=None,
        description="The token attribute that names a user's team; null: no sharing.",
    )


def _out(org: Organization) -> OrganizationOut:
    return OrganizationOut(
        id=org.id,
        name=org.name,
        created_at=org.created_at,
        time_zone=org.time_zone,
        team_attribute=org.team_attribute,
    )


TEAM_TYPES = ("string", "number")


def check_team_attribute(session: Session, org_id: str, name: str | None) -> str | None:
    """`name` if it is one of the organization's token attributes of a single value (string or
    number), None for none (sharing off); otherwise a 422 that says what would do."""
    if name is None:
        return None
    row = session.scalar(
        sa.select(TokenAttribute).where(
            TokenAttribute.org_id == org_id, TokenAttribute.name == name
        )
    )
    candidates = session.scalars(
        sa.select(TokenAttribute.name)
        .where(TokenAttribute.org_id == org_id, TokenAttribute.type.in_(TEAM_TYPES))
        .order_by(TokenAttribute.name)
    ).all()
    some = ", ".join(f"'{c}'" for c in candidates[:10]) or "none yet: add one first"
    if row is None:
        raise invalid(
            "team_attribute",
            f"there is no token attribute named '{name[:64]}'; use a string or number "
            f"attribute of your token model ({some}), or null to turn sharing off",
            "invalid_team_attribute",
        )
    if row.type not in TEAM_TYPES:
        raise invalid(
            "team_attribute",
            f"'{name}' is a {row.type} attribute; a team is one value, so use a string or "
            f"number attribute ({some})",
            "invalid_team_attribute",
        )
    return name


def read_organization(runtime: Runtime, org_id: str) -> OrganizationOut:
    with runtime.store.session() as session:
        org = session.get(Organization, org_id)
        if org is None:
            raise not_found("The organization")
        return _out(org)


def change_organization(
    runtime: Runtime, admin: AdminActor, body: OrganizationIn
) -> OrganizationOut:
    """Change the settings sent in `body` (only those); 422 naming a bad value, nothing saved."""
    sent = body.model_fields_set
    changes: dict[str, Any] = {}
    if "time_zone" in sent:
        changes["time_zone"] = check_time_zone(body.time_zone)
    with runtime.store.session() as session:
        org = session.get(Organization, admin.org_id)
        if org is None:
            raise not_found("The organization")
        if "team_attribute" in sent:
            changes["team_attribute"] = check_team_attribute(
                session, admin.org_id, body.team_attribute
            )
        changed = {k: [getattr(org, k), v] for k, v in changes.items() if getattr(org, k) != v}
        for k, v in changes.items():
            setattr(org, k, v)
        if changed:
            audit.record(
                session, admin.org_id, admin.actor, "organization.changed", "organization",
                admin.org_id, changed=changed,
            )  # fmt: skip
        session.flush()
        out = _out(org)
    runtime.time_zones.forget(admin.org_id)
    return out
