"""Usage limits: how many queries, AI questions and token mints the organization allows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plotboard import audit
from plotboard.admin.actor import AdminActor
from plotboard.usage.settings import UsageLimits, limits_of, update_limits

if TYPE_CHECKING:
    from plotboard.runtime import Runtime


def describe(limits: UsageLimits) -> dict[str, Any]:
    """The limits in force and the defaults, so a client can show what was changed."""
    return {"limits": limits.model_dump(), "defaults": UsageLimits().model_dump()}


def read_limits(runtime: Runtime, org_id: str) -> dict[str, Any]:
    with runtime.store.session() as session:
        return describe(limits_of(session, org_id))


def change_limits(runtime: Runtime, admin: AdminActor, changes: dict[str, Any]) -> dict[str, Any]:
    """Change some limits (0 switches one off); the others keep their value. Every app server
    applies them within `store_change_check_seconds`, this one at once."""
    with runtime.store.session() as session:
        before = limits_of(session, admin.org_id)
        after = update_limits(session, admin.org_id, changes)
        changed = {
            k: [getattr(before, k), v]
            for k, v in after.model_dump().items()
            if getattr(before, k) != v
        }
        if changed:
            audit.record(
                session, admin.org_id, admin.actor, "limits.changed", "organization",
                admin.org_id, changed=changed,
            )  # fmt: skip
    runtime.limits.forget(admin.org_id)
    return describe(after)
