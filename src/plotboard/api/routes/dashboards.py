"""Personal dashboards of the token's user."""

from __future__ import annotations

from fastapi import APIRouter, Response

from plotboard.api.deps import EmbedUser, RuntimeDep, require_edit
from plotboard.dashboards import service
from plotboard.dashboards.model import DashboardIn, DashboardOut, DashboardSummary, DashboardUpdate

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
        )


@router.delete("/{dashboard_id}", status_code=204)
def delete_dashboard(dashboard_id: str, user: EmbedUser, runtime: RuntimeDep) -> Response:
    require_edit(user)
    with runtime.store.session() as session:
        service.delete_dashboard(session, user.org_id, user.user_id, dashboard_id)
    return Response(status_code=204)
