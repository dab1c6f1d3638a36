"""Personal dashboards of the token's user."""

from __future__ import annotations

from fastapi import APIRouter, Path, Response

from plotboard.api.deps import EmbedUser, RuntimeDep, require_edit
from plotboard.dashboards import service
from plotboard.dashboards.model import (
    MAX_VERSION,
    DashboardIn,
    DashboardOut,
    DashboardSummary,
    DashboardUpdate,
    DashboardVersionOut,
    RestoreIn,
    VersionSummary,
)

router = APIRouter(prefix="/api/v1/embed/dashboards", tags=["dashboards"])


@router.get("")
def list_dashboards(user: EmbedUser, runtime: RuntimeDep) -> dict[str, list[DashboardSummary]]:
    with runtime.store.session() as session:
        return {"dashboards": service.list_dashboards(session, user.org_id, user.user_id)}


@router.post("", status_code=201)
def create_dashboard(body: DashboardIn, user: EmbedUser, runtime: RuntimeDep) -> DashboardOut:
    require_edit(user)
    with runtime.store.session() as session:
        return service.create_dashboard(
            session, user.org_id, user.user_id, body, runtime.settings.max_dashboard_bytes
        )


@router.get("/{dashboard_id}")
def get_dashboard(dashboard_id: str, user: EmbedUser, runtime: RuntimeDep) -> DashboardOut:
    with runtime.store.session() as session:
        return service.get_dashboard(session, user.org_id, user.user_id, dashboard_id)


@router.put("/{dashboard_id}")
def update_dashboard(
    dashboard_id: str, body: DashboardUpdate, user: EmbedUser, runtime: RuntimeDep
) -> DashboardOut:
    """Replace the dashboard. `version` must be the current one, or the answer is 409 with the
    current dashboard in `current`. The body GET returned, edited, is accepted as it is."""
    require_edit(user)
    with runtime.store.session() as session:
        return service.update_dashboard(
            session,
            user.org_id,
            user.user_id,
            dashboard_id,
            body,
            runtime.settings.max_dashboard_bytes,
            runtime.settings.dashboard_versions_kept,
        )


@router.delete("/{dashboard_id}", status_code=204)
def delete_dashboard(dashboard_id: str, user: EmbedUser, runtime: RuntimeDep) -> Response:
    require_edit(user)
    with runtime.store.session() as session:
        service.delete_dashboard(session, user.org_id, user.user_id, dashboard_id)
    return Response(status_code=204)


VersionNumber = Path(ge=1, le=MAX_VERSION, description="A version number from …/versions.")


@router.get("/{dashboard_id}/versions")
def list_versions(dashboard_id: str, user: EmbedUser, runtime: RuntimeDep) -> list[VersionSummary]:
    """The kept versions, newest first, each with what changed in words."""
    with runtime.store.session() as session:
        return service.list_versions(session, user.org_id, user.user_id, dashboard_id)


@router.get("/{dashboard_id}/versions/{version}")
def get_version(
    dashboard_id: str, user: EmbedUser, runtime: RuntimeDep, version: int = VersionNumber
) -> DashboardVersionOut:
    """One kept version as it was saved (read-only)."""
    with runtime.store.session() as session:
        return service.get_version(session, user.org_id, user.user_id, dashboard_id, version)


@router.post("/{dashboard_id}/versions/{version}/restore")
def restore_version(
    dashboard_id: str,
    user: EmbedUser,
    runtime: RuntimeDep,
    body: RestoreIn | None = None,
    version: int = VersionNumber,
) -> DashboardOut:
    """Save that version's content as a new version. With `{"version": n}` (the version the
    user saw), a dashboard saved since answers 409 with the current one, as PUT does."""
    require_edit(user)
    with runtime.store.session() as session:
        return service.restore_version(
            session,
            user.org_id,
            user.user_id,
            dashboard_id,
            version,
            body.version if body else None,
            runtime.settings.dashboard_versions_kept,
        )
