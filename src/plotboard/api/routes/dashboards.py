"""Dashboards of the token's user: their own, the admin's starters, their team's shared ones."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from plotboard.api.deps import EmbedUser, RuntimeDep, require_edit
from plotboard.auth.embed_tokens import EmbedToken
from plotboard.dashboards import store as dashboards
from plotboard.dashboards.model import (
    MAX_VERSION,
    DashboardIn,
    DashboardOut,
    DashboardSummary,
    DashboardUpdate,
    DashboardVersionOut,
    DuplicateIn,
    RestoreIn,
    SharingIn,
    VersionSummary,
)


async def _private(response: Response) -> None:
    # A dashboard's answer depends on who asks (their own, a starter or their copy of it, a
    # teammate's): no cache between the server and the browser may keep or share it.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Vary"] = "Authorization"


router = APIRouter(
    prefix="/api/v1/embed/dashboards", tags=["dashboards"], dependencies=[Depends(_private)]
)


def _team(session: Session, user: EmbedToken) -> dashboards.Team | None:
    return dashboards.team_of(dashboards.team_attribute_of(session, user.org_id), user.attributes)


class DashboardList(BaseModel):
    dashboards: list[DashboardSummary]
    can_share: bool = Field(
        description="Whether this user may share their dashboards with a team: the "
        "organization chose a team attribute, the token carries it, and may edit."
    )


@router.get("", operation_id="embed_list_dashboards")
def list_dashboards(user: EmbedUser, runtime: RuntimeDep) -> DashboardList:
    """The user's own dashboards (`"owner": "me"`), the starters the admin published that they
    have not edited (`"starter": true`), and dashboards shared with their team
    (`"owner": "team"`, read-only)."""
    with runtime.store.session() as session:
        team = _team(session, user)
        return DashboardList(
            dashboards=dashboards.list_dashboards(session, user.org_id, user.user_id, team),
            can_share=team is not None and user.permissions.dashboards == "edit",
        )


@router.post("", operation_id="embed_create_dashboard", status_code=201)
def create_dashboard(body: DashboardIn, user: EmbedUser, runtime: RuntimeDep) -> DashboardOut:
    require_edit(user)
    with runtime.store.session() as session:
        return dashboards.create_dashboard(
            session, user.org_id, user.user_id, body, runtime.settings.max_dashboard_bytes
        )


@router.get("/{dashboard_id}", operation_id="embed_get_dashboard")
def get_dashboard(dashboard_id: str, user: EmbedUser, runtime: RuntimeDep) -> DashboardOut:
    """The dashboard: the user's own, a starter (or, once they edited it, their copy of it), or
    one shared with their team. Its tiles are specs: each runs with the reader's token."""
    with runtime.store.session() as session:
        team = _team(session, user)
        return dashboards.read_dashboard(session, user.org_id, user.user_id, dashboard_id, team)


@router.put("/{dashboard_id}", operation_id="embed_update_dashboard")
def update_dashboard(
    dashboard_id: str, body: DashboardUpdate, user: EmbedUser, runtime: RuntimeDep
) -> DashboardOut:
    """Replace the dashboard. `version` must be the current one, or the answer is 409 with the
    current dashboard in `current`. The body GET returned, edited, is accepted as it is.

    On a starter, the first save makes the user's own copy and answers it (its own `id`,
    `copied_from` the starter); the starter is unchanged. A dashboard shared with the user's
    team answers 403: duplicate it to edit."""
    require_edit(user)
    with runtime.store.session() as session:
        return dashboards.update_dashboard(
            session,
            user.org_id,
            user.user_id,
            dashboard_id,
            body,
            runtime.settings.max_dashboard_bytes,
            runtime.settings.dashboard_versions_kept,
            _team(session, user),
        )


@router.delete("/{dashboard_id}", operation_id="embed_delete_dashboard", status_code=204)
def delete_dashboard(dashboard_id: str, user: EmbedUser, runtime: RuntimeDep) -> Response:
    """Delete one of the user's own dashboards (403 for a starter or a teammate's)."""
    require_edit(user)
    with runtime.store.session() as session:
        dashboards.delete_dashboard(
            session, user.org_id, user.user_id, dashboard_id, _team(session, user)
        )
    return Response(status_code=204)


@router.put("/{dashboard_id}/sharing", operation_id="embed_set_dashboard_sharing")
def set_sharing(
    dashboard_id: str, body: SharingIn, user: EmbedUser, runtime: RuntimeDep
) -> DashboardOut:
    """`{"team": true}` shares the user's own dashboard read-only with their team: the users
    whose token has the same value of the organization's team attribute. Each of them runs its
    tiles under their own access rules. `{"team": false}` stops sharing. A token without the
    team attribute cannot share (403); a view-only token cannot either."""
    require_edit(user)
    with runtime.store.session() as session:
        attribute = dashboards.team_attribute_of(session, user.org_id)
        team = dashboards.team_of(attribute, user.attributes)
        return dashboards.set_sharing(
            session, user.org_id, user.user_id, dashboard_id, body.team, team, attribute
        )


@router.post("/{dashboard_id}/duplicate", operation_id="embed_duplicate_dashboard", status_code=201)
def duplicate_dashboard(
    dashboard_id: str, user: EmbedUser, runtime: RuntimeDep, body: DuplicateIn | None = None
) -> DashboardOut:
    """A new dashboard of the user's own with the content of one they can read: their own, a
    starter, or one shared with their team."""
    require_edit(user)
    with runtime.store.session() as session:
        return dashboards.duplicate_dashboard(
            session,
            user.org_id,
            user.user_id,
            dashboard_id,
            body.title if body else None,
            _team(session, user),
            runtime.settings.max_dashboard_bytes,
        )


VersionNumber = Path(ge=1, le=MAX_VERSION, description="A version number from …/versions.")


@router.get("/{dashboard_id}/versions", operation_id="embed_list_dashboard_versions")
def list_versions(dashboard_id: str, user: EmbedUser, runtime: RuntimeDep) -> list[VersionSummary]:
    """The kept versions, newest first, each with what changed in words."""
    with runtime.store.session() as session:
        return dashboards.list_versions(session, user.org_id, user.user_id, dashboard_id)


@router.get("/{dashboard_id}/versions/{version}", operation_id="embed_get_dashboard_version")
def get_version(
    dashboard_id: str, user: EmbedUser, runtime: RuntimeDep, version: int = VersionNumber
) -> DashboardVersionOut:
    """One kept version as it was saved (read-only)."""
    with runtime.store.session() as session:
        return dashboards.get_version(session, user.org_id, user.user_id, dashboard_id, version)


@router.post(
    "/{dashboard_id}/versions/{version}/restore", operation_id="embed_restore_dashboard_version"
)
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
        return dashboards.restore_version(
            session,
            user.org_id,
            user.user_id,
            dashboard_id,
            version,
            body.version if body else None,
            runtime.settings.dashboard_versions_kept,
        )
