"""Personal dashboards: each one belongs to (organization, token user id) and nobody else.

Another user's dashboard is answered with 404, never 403, so ids cannot be probed. Updates are
a compare-and-set on `version` in one UPDATE statement, so two writers cannot both win. A
dashboard bigger than `max_bytes` (its JSON, as stored) is refused with 413 before anything is
written.

Every save also keeps the saved version (`dashboard_versions`, same transaction), with what
changed in words; the newest `keep` versions are kept. A restore saves an old version's content
as a new version, under the same compare-and-set, so it never overwrites a save it did not see.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from plotboard.dashboards.history import describe_change
from plotboard.dashboards.model import (
    DashboardIn,
    DashboardOut,
    DashboardSummary,
    DashboardUpdate,
    DashboardVersionOut,
    VersionSummary,
)
from plotboard.errors import FieldError, PlotboardError, invalid, not_found
from plotboard.store.models import Dashboard, DashboardVersion, utcnow

DEFAULT_MAX_BYTES = 1_000_000
DEFAULT_VERSIONS_KEPT = 100


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


def _stored(data: DashboardIn, max_bytes: int) -> dict[str, Any]:
    """The columns to write for `data`; 413 when their JSON is bigger than `max_bytes`."""
    values: dict[str, Any] = {
        "title": data.title.strip() or "Untitled dashboard",
        "tiles": [t.model_dump(mode="json") for t in data.tiles],
        "filters": data.filters,
    }
    size = len(json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    if size > max_bytes:
        sizes = [len(json.dumps(t, ensure_ascii=False).encode("utf-8")) for t in values["tiles"]]
        biggest = ""
        if sizes:
            top = max(range(len(sizes)), key=sizes.__getitem__)
            biggest = f" The biggest part is tile {top + 1} ({_size(sizes[top])})."
        raise PlotboardError(
            f"This dashboard is too big to save: {_size(size)}, and the limit is "
            f"{_size(max_bytes)}.{biggest} Remove tiles or shorten their texts and options.",
            "dashboard_too_large",
            413,
            [FieldError("body", f"is {_size(size)}; at most {_size(max_bytes)}")],
        )
    return values


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.0f} kB"
    return f"{n} bytes"


def create_dashboard(
    session: Session,
    org_id: str,
    user_id: str,
    data: DashboardIn,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> DashboardOut:
    now = utcnow()
    row = Dashboard(
        org_id=org_id,
        user_id=user_id,
        **_stored(data, max_bytes),
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    _keep_version(session, row.id, 1, _content(row), "created", None, now)
    return _out(row)


def get_dashboard(session: Session, org_id: str, user_id: str, dashboard_id: str) -> DashboardOut:
    row = session.scalar(
        sa.select(Dashboard).where(Dashboard.id == dashboard_id, *_owned(org_id, user_id))
    )
    if row is None:
        raise not_found(f"Dashboard {dashboard_id}")
    return _out(row)


def update_dashboard(
    session: Session,
    org_id: str,
    user_id: str,
    dashboard_id: str,
    data: DashboardUpdate,
    max_bytes: int = DEFAULT_MAX_BYTES,
    keep: int = DEFAULT_VERSIONS_KEPT,
) -> DashboardOut:
    """Replace the dashboard if `data.version` is still the current one (else 409)."""
    if data.id is not None and data.id != dashboard_id:
        raise invalid(
            "id",
            f"is '{data.id}', but the address names dashboard '{dashboard_id}'; send the body "
            "to its own dashboard's address (or leave 'id' out)",
        )
    values = _stored(data, max_bytes)
    return _save(session, org_id, user_id, dashboard_id, data.version, values, keep)


def _content(row: Dashboard | DashboardVersion) -> dict[str, Any]:
    return {"title": row.title, "tiles": row.tiles, "filters": row.filters}


def _version_row(session: Session, dashboard_id: str, version: int) -> DashboardVersion | None:
    return session.get(DashboardVersion, (dashboard_id, version))


def _keep_version(
    session: Session,
    dashboard_id: str,
    version: int,
    values: dict[str, Any],
    summary: str,
    restored_from: int | None,
    saved_at: Any,
) -> None:
    session.add(
        DashboardVersion(
            dashboard_id=dashboard_id,
            version=version,
            title=values["title"],
            tiles=values["tiles"],
            filters=values["filters"],
            summary=summary[:500],
            restored_from=restored_from,
            saved_at=saved_at,
        )
    )
    session.flush()


def _save(
    session: Session,
    org_id: str,
    user_id: str,
    dashboard_id: str,
    base_version: int,
    values: dict[str, Any],
    keep: int,
    restored_from: int | None = None,
) -> DashboardOut:
    """Compare-and-set `values` on `base_version`, keep the new version; 409 when stale."""
    now = utcnow()
    result = session.execute(
        sa.update(Dashboard)
        .where(
            Dashboard.id == dashboard_id,
            Dashboard.version == base_version,
            *_owned(org_id, user_id),
        )
        .values(**values, version=Dashboard.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = get_dashboard(session, org_id, user_id, dashboard_id)  # 404 when not theirs
        raise VersionConflict(current, base_version)
    # The row is ours (locked until commit): the version before is `base_version`.
    previous = _version_row(session, dashboard_id, base_version)
    changes = describe_change(_content(previous) if previous else None, values)
    if previous is None and changes == "created":
        changes = "saved"
    if restored_from is not None:
        changes = f"restored version {restored_from}" + (
            f": {changes}" if changes != "saved without changes" else ""
        )
    new_version = base_version + 1
    _keep_version(session, dashboard_id, new_version, values, changes, restored_from, now)
    session.execute(
        sa.delete(DashboardVersion).where(
            DashboardVersion.dashboard_id == dashboard_id,
            DashboardVersion.version <= new_version - keep,
        )
    )
    return get_dashboard(session, org_id, user_id, dashboard_id)


def list_versions(
    session: Session, org_id: str, user_id: str, dashboard_id: str
) -> list[VersionSummary]:
    """The kept versions, newest first (404 when the dashboard is not the user's)."""
    get_dashboard(session, org_id, user_id, dashboard_id)
    rows = session.scalars(
        sa.select(DashboardVersion)
        .where(DashboardVersion.dashboard_id == dashboard_id)
        .order_by(DashboardVersion.version.desc())
    )
    return [
        VersionSummary(
            version=r.version,
            updated_at=r.saved_at,
            summary=r.summary,
            restored_from=r.restored_from,
            tile_count=len(r.tiles),
        )
        for r in rows
    ]


def _kept(session: Session, dashboard_id: str, version: int) -> DashboardVersion:
    row = _version_row(session, dashboard_id, version)
    if row is None:
        oldest = session.scalar(
            sa.select(sa.func.min(DashboardVersion.version)).where(
                DashboardVersion.dashboard_id == dashboard_id
            )
        )
        kept = f" The oldest version kept is {oldest}." if oldest is not None else ""
        raise PlotboardError(
            f"Version {version} of this dashboard is not kept (it never existed, or it is older "
            f"than the versions its history keeps).{kept} GET …/versions lists the kept ones.",
            "not_found",
            404,
        )
    return row


def get_version(
    session: Session, org_id: str, user_id: str, dashboard_id: str, version: int
) -> DashboardVersionOut:
    """One kept version, read-only, in the dashboard's shape."""
    current = get_dashboard(session, org_id, user_id, dashboard_id)
    row = _kept(session, dashboard_id, version)
    return DashboardVersionOut.model_validate(
        {
            "id": current.id,
            "title": row.title,
            "tiles": row.tiles,
            "filters": row.filters,
            "version": row.version,
            "created_at": current.created_at,
            "updated_at": row.saved_at,
            "summary": row.summary,
            "restored_from": row.restored_from,
            "current_version": current.version,
        }
    )


def restore_version(
    session: Session,
    org_id: str,
    user_id: str,
    dashboard_id: str,
    version: int,
    base_version: int | None,
    keep: int = DEFAULT_VERSIONS_KEPT,
) -> DashboardOut:
    """Save version `version`'s content as a new version on top of `base_version` (the one the
    user saw; 409 when someone saved since) or, when not given, of the current one."""
    current = get_dashboard(session, org_id, user_id, dashboard_id)
    row = _kept(session, dashboard_id, version)
    base = current.version if base_version is None else base_version
    values = {"title": row.title, "tiles": row.tiles, "filters": row.filters}
    return _save(session, org_id, user_id, dashboard_id, base, values, keep, restored_from=version)


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
