"""The admin REST API for starter dashboards: list, publish, update, withdraw.

Thin: each route calls `plotboard.dashboards.starters`, which records the change in the audit
log in the same transaction.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from plotboard.api.deps import Admin, RuntimeDep
from plotboard.dashboards import starters
from plotboard.dashboards.starters import StarterIn, StarterOut, StarterSummary, StarterUpdate

router = APIRouter(prefix="/api/v1/admin/starters", tags=["admin"])


@router.get("", operation_id="admin_list_starters")
def list_starters(admin: Admin, runtime: RuntimeDep) -> dict[str, list[StarterSummary]]:
    """The published starters, with how many users edited each (so have their own copy)."""
    with runtime.store.session() as session:
        return {"starters": starters.list_starters(session, admin.org_id)}


@router.post("", operation_id="admin_publish_starter", status_code=201)
def publish_starter(body: StarterIn, admin: Admin, runtime: RuntimeDep) -> StarterOut:
    """Publish a starter from a user's dashboard (`{"dashboard_id": "..."}`, e.g. one built in
    the console's token sandbox) or a document (`{"dashboard": {"title", "tiles", "filters"}}`).
    Every end user sees it in their list at once, marked `"starter": true`."""
    with runtime.store.session() as session:
        return starters.publish_starter(
            session, admin.org_id, admin.actor, body, runtime.settings.max_dashboard_bytes
        )


@router.get("/{starter_id}", operation_id="admin_get_starter")
def get_starter(starter_id: str, admin: Admin, runtime: RuntimeDep) -> StarterOut:
    with runtime.store.session() as session:
        return starters.get_starter(session, admin.org_id, starter_id)


@router.put("/{starter_id}", operation_id="admin_update_starter")
def update_starter(
    starter_id: str, body: StarterUpdate, admin: Admin, runtime: RuntimeDep
) -> StarterOut:
    """Replace the starter's content (same body as publishing, plus `version` to refuse a stale
    update with 409). Users who never edited it see the update; copies stay as they are."""
    with runtime.store.session() as session:
        return starters.update_starter(
            session, admin.org_id, admin.actor, starter_id, body,
            runtime.settings.max_dashboard_bytes,
        )  # fmt: skip


@router.delete("/{starter_id}", operation_id="admin_withdraw_starter", status_code=204)
def withdraw_starter(starter_id: str, admin: Admin, runtime: RuntimeDep) -> Response:
    """Withdraw the starter: gone for users who never edited it; copies stay their owners'."""
    with runtime.store.session() as session:
        starters.withdraw_starter(session, admin.org_id, admin.actor, starter_id)
    return Response(status_code=204)
