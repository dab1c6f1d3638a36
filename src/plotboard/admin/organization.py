"""The organization's own settings: its time zone (relative dates count from today there).

PUT-style updates change only the fields sent, so later settings are added as more optional
fields without breaking clients that send only some.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from plotboard import audit
from plotboard.admin.actor import AdminActor
from plotboard.errors import not_found
from plotboard.org_settings import check_time_zone
from plotboard.store.models import Organization

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


class OrganizationOut(BaseModel):
    id: str
    name: str
    created_at: datetime
    time_zone: str | None = Field(description="IANA time zone name; null means UTC.")


def _out(org: Organization) -> OrganizationOut:
    return OrganizationOut(
        id=org.id, name=org.name, created_at=org.created_at, time_zone=org.time_zone
    )


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
