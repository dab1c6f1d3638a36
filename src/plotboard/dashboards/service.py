"""Personal dashboards: each one belongs to (organization, token user id) and nobody else.

Another user's dashboard is answered with 404, never 403, so ids cannot be probed. Updates are
a compare-and-set on `version` in one UPDATE statement, so two writers cannot both win.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from plotboard.dashboards.model import (
    DashboardIn,
    DashboardOut,
    DashboardSummary,
    DashboardUpdate,
)
from plotboard.errors import PlotboardError, not_found
from plotboard.store.models import Dashboard, utcnow


def _out(row: Dashboard) -> DashboardOut:
    return DashboardOut.model_validate(
        {
            "id": row.id,
            "title": row.title,
            "tiles": row.tiles,
            "filters": row.filters,
            "version": row.version,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
        }
    )


def _owned(org_id: str, user_id: str) -> list[sa.ColumnElement[bool]]:
    return [Dashboard.org_id == org_id, Dashboard.user_id == user_id]


def list_dashboards(session: Session, org_id: str, user_id: str) -> list[DashboardSummary]:
    stmt = (
        sa.select(Dashboard).where(*_owned(org_id, user_id)).order_by(Dashboard.updated_at.desc())
    )
    return [
        DashboardSummary(
            id=r.id,
            title=r.title,
            tile_count=len(r.tiles),
            version=r.version,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )
        for r in session.scalars(stmt)
    ]


def create_dashboard(
    session: Session, org_id: str, user_id: str, data: DashboardIn
) -> DashboardOut:
    now = utcnow()
    row = Dashboard(
        org_id=org_id,
        user_id=user_id,
        title=data.title.strip() or "Untitled dashboard",
        tiles=[t.model_dump(mode="json") for t in data.tiles],
        filters=data.filters,
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return _out(row)


def get_dashboard(session: Session, org_id: str, user_id: str, dashboard_id: str) -> DashboardOut:
    row = session.scalar(
        sa.select(Dashboard).where(Dashboard.id == dashboard_id, *_owned(org_id, user_id))
    )
    if row is None:
        raise not_found(f"Dashboard {dashboard_id}")
    return _out(row)


def update_dashboard(
    session: Session, org_id: str, user_id: str, dashboard_id: str, data: DashboardUpdate
) -> DashboardOut:
    result = session.execute(
        sa.update(Dashboard)
        .where(
            Dashboard.id == dashboard_id,
            Dashboard.version == data.version,
            *_owned(org_id, user_id),
        )
        .values(
            title=data.title.strip() or "Untitled dashboard",
            tiles=[t.model_dump(mode="json") for t in data.tiles],
            filters=data.filters,
            version=data.version + 1,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:  # type: ignore[attr-defined]
        return get_dashboard(session, org_id, user_id, dashboard_id)
    current = get_dashboard(session, org_id, user_id, dashboard_id)  # 404 when not theirs
    raise VersionConflict(current, data.version)


def delete_dashboard(session: Session, org_id: str, user_id: str, dashboard_id: str) -> None:
    result = session.execute(
        sa.delete(Dashboard).where(Dashboard.id == dashboard_id, *_owned(org_id, user_id))
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise not_found(f"Dashboard {dashboard_id}")


class VersionConflict(PlotboardError):
    """409: someone saved a newer version. Carries it, so the client can merge."""

    def __init__(self, current: DashboardOut, sent_version: int) -> None:
        super().__init__(
            f"This dashboard was changed elsewhere (you edited version {sent_version}, it is now "
            f"version {current.version}). Reload it, or merge your changes into the new version.",
            "version_conflict",
            409,
        )
        self.current = current

    def body(self) -> dict[str, object]:
        out = super().body()
        out["current"] = self.current.model_dump(mode="json")
        return out
