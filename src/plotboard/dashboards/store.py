"""Personal dashboards: each one belongs to (organization, token user id) and nobody else.

Another user's dashboard is answered with 404, never 403, so ids cannot be probed. Updates are
a compare-and-set on `version` in one UPDATE statement, so two writers cannot both win. A
dashboard bigger than `max_bytes` (its JSON, as stored) is refused with 413 before anything is
written.

Every save also keeps the saved version (`dashboard_versions`, same transaction), with what
changed in words; the newest `keep` versions are kept. A restore saves an old version's content
as a new version, under the same compare-and-set, so it never overwrites a save it did not see.

Besides their own, a user reads two other kinds of dashboards, each by its id:

- **starters** the admin published (`plotboard.dashboards.starters`): the user's first save
  makes their own copy (`copied_from`), and from then on the starter's id names that copy for
  them; a starter itself never changes through the embed API.
- dashboards a teammate **shared** with their team: the team is the value of the token
  attribute the organization chose (`organizations.team_attribute`), compared as stored when
  the owner shared. Read-only: writes answer 403. A token without that attribute sees none.

Tiles are specs, not results: whoever reads a dashboard runs its tiles with their own token,
under their own access rules, so sharing never shows one user's rows to another.
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plotboard import audit
from plotboard.dashboards.history import describe_change
from plotboard.dashboards.model import (
    MAX_TITLE,
    DashboardIn,
    DashboardOut,
    DashboardSummary,
    DashboardUpdate,
    DashboardVersionOut,
    VersionSummary,
)
from plotboard.errors import FieldError, PlotboardError, forbidden, invalid, not_found
from plotboard.store.models import (
    Dashboard,
    DashboardVersion,
    Organization,
    StarterDashboard,
    utcnow,
)

DEFAULT_MAX_BYTES = 1_000_000
DEFAULT_VERSIONS_KEPT = 100
MAX_TEAM_VALUE = 500
"""A team value, JSON-encoded, in characters (the column's size); longer: no team."""


@dataclass(frozen=True)
class Team:
    """A user's team: the organization's team attribute and the user's value of it (JSON)."""

    attribute: str
    value: str


def team_of(team_attribute: str | None, attributes: dict[str, Any]) -> Team | None:
    """The team the token's attributes put the user in, or None (fail closed): no team
    attribute chosen, the attribute missing, empty, or not a single string or number."""
    if not team_attribute:
        return None
    value = attributes.get(team_attribute)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer():
            value = int(value)
    encoded = json.dumps(value, ensure_ascii=False)
    if len(encoded) > MAX_TEAM_VALUE:
        return None
    return Team(team_attribute, encoded)


def team_attribute_of(session: Session, org_id: str) -> str | None:
    """The token attribute that names a user's team in this organization (None: no sharing)."""
    return session.scalar(sa.select(Organization.team_attribute).where(Organization.id == org_id))


def _out(row: Dashboard, owner: Literal["me", "team"] = "me") -> DashboardOut:
    return DashboardOut.model_validate(
        {
            "id": row.id,
            "title": row.title,
            "tiles": row.tiles,
            "filters": row.filters,
            "version": row.version,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "owner": owner,
            # A teammate sees neither which starter it came from nor more than that it is shared.
            "copied_from": row.copied_from if owner == "me" else None,
            "shared": row.shared_team is not None,
        }
    )


def _starter_out(row: StarterDashboard) -> DashboardOut:
    return DashboardOut.model_validate(
        {
            "id": row.id,
            "title": row.title,
            "tiles": row.tiles,
            "filters": row.filters,
            "version": row.version,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "owner": "me",
            "starter": True,
        }
    )


def _owned(org_id: str, user_id: str) -> list[sa.ColumnElement[bool]]:
    return [Dashboard.org_id == org_id, Dashboard.user_id == user_id]


def _shared_with(org_id: str, user_id: str, team: Team) -> list[sa.ColumnElement[bool]]:
    return [
        Dashboard.org_id == org_id,
        Dashboard.shared_attribute == team.attribute,
        Dashboard.shared_team == team.value,
        Dashboard.user_id != user_id,
    ]


def _summary(
    r: Dashboard | StarterDashboard, owner: Literal["me", "team"] = "me"
) -> DashboardSummary:
    own = isinstance(r, Dashboard)
    return DashboardSummary(
        id=r.id,
        title=r.title,
        tile_count=len(r.tiles),
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
        owner=owner,
        starter=not own,
        copied_from=r.copied_from if isinstance(r, Dashboard) and owner == "me" else None,
        shared=isinstance(r, Dashboard) and r.shared_team is not None,
    )


def list_dashboards(
    session: Session, org_id: str, user_id: str, team: Team | None = None
) -> list[DashboardSummary]:
    """The user's own dashboards (newest first), then the starters they have not made their
    own copy of (by title), then the dashboards shared with their team (newest first)."""
    own = list(
        session.scalars(
            sa.select(Dashboard)
            .where(*_owned(org_id, user_id))
            .order_by(Dashboard.updated_at.desc())
        )
    )
    copied = {r.copied_from for r in own if r.copied_from}
    starters = [
        s
        for s in session.scalars(
            sa.select(StarterDashboard)
            .where(StarterDashboard.org_id == org_id)
            .order_by(StarterDashboard.title, StarterDashboard.id)
        )
        if s.id not in copied
    ]
    shared: list[Dashboard] = []
    if team is not None:
        shared = list(
            session.scalars(
                sa.select(Dashboard)
                .where(*_shared_with(org_id, user_id, team))
                .order_by(Dashboard.updated_at.desc())
            )
        )
    return (
        [_summary(r) for r in own]
        + [_summary(s) for s in starters]
        + [_summary(r, "team") for r in shared]
    )


Found = (
    tuple[Literal["own"], Dashboard]
    | tuple[Literal["starter"], StarterDashboard]
    | tuple[Literal["team"], Dashboard]
)


def _find(
    session: Session, org_id: str, user_id: str, dashboard_id: str, team: Team | None
) -> Found | None:
    """What `dashboard_id` names for this user: their own dashboard; their copy of the starter
    of that id; the starter itself (not copied yet); a dashboard shared with their team."""
    row = session.scalar(
        sa.select(Dashboard)
        .where(Dashboard.id == dashboard_id, *_owned(org_id, user_id))
        .execution_options(populate_existing=True)
    )
    if row is not None:
        return "own", row
    row = session.scalar(
        sa.select(Dashboard)
        .where(Dashboard.copied_from == dashboard_id, *_owned(org_id, user_id))
        .execution_options(populate_existing=True)
    )
    if row is not None:
        return "own", row
    starter = session.scalar(
        sa.select(StarterDashboard).where(
            StarterDashboard.id == dashboard_id, StarterDashboard.org_id == org_id
        )
    )
    if starter is not None:
        return "starter", starter
    if team is not None:
        row = session.scalar(
            sa.select(Dashboard).where(
                Dashboard.id == dashboard_id, *_shared_with(org_id, user_id, team)
            )
        )
        if row is not None:
            return "team", row
    return None


def _read_only_shared(dashboard_id: str) -> PlotboardError:
    return forbidden(
        f"Dashboard {dashboard_id} was shared with your team to read: only its owner can change, "
        "share or delete it. Duplicate it (POST …/duplicate) to get your own copy to edit.",
        "shared_read_only",
    )


def read_dashboard(
    session: Session, org_id: str, user_id: str, dashboard_id: str, team: Team | None = None
) -> DashboardOut:
    """The dashboard `dashboard_id` names for this user (see `_find`); 404 otherwise."""
    found = _find(session, org_id, user_id, dashboard_id, team)
    if found is None:
        raise not_found(f"Dashboard {dashboard_id}")
    if found[0] == "starter":
        return _starter_out(found[1])
    return _out(found[1], "team" if found[0] == "team" else "me")


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
    """The user's own dashboard of that id (404 for anything else)."""
    row = session.scalar(
        sa.select(Dashboard)
        .where(Dashboard.id == dashboard_id, *_owned(org_id, user_id))
        .execution_options(populate_existing=True)
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
    team: Team | None = None,
) -> DashboardOut:
    """Replace the dashboard if `data.version` is still the current one (else 409). On a
    starter, the user's first save makes their own copy, which the answer is (its own id,
    `copied_from` the starter's); a dashboard shared with the user's team answers 403."""
    found = _find(session, org_id, user_id, dashboard_id, team)
    if found is None:
        raise not_found(f"Dashboard {dashboard_id}")
    if data.id is not None and data.id not in (dashboard_id, found[1].id):
        raise invalid(
            "id",
            f"is '{data.id}', but the address names dashboard '{dashboard_id}'; send the body "
            "to its own dashboard's address (or leave 'id' out)",
        )
    if found[0] == "team":
        raise _read_only_shared(dashboard_id)
    values = _stored(data, max_bytes)
    if found[0] == "starter":
        return _copy_starter(session, org_id, user_id, found[1], data.version, values, keep)
    return _save(session, org_id, user_id, found[1].id, data.version, values, keep)


def _copy_starter(
    session: Session,
    org_id: str,
    user_id: str,
    starter: StarterDashboard,
    base_version: int,
    values: dict[str, Any],
    keep: int,
) -> DashboardOut:
    """The user's first save of a starter: their copy, as the starter was (version 1), then
    their save on top (version 2). 409 when the admin updated the starter since the user read
    it (with the starter as it is now), or when another save made the copy first (with it)."""
    if base_version != starter.version:
        raise VersionConflict(_starter_out(starter), base_version)
    now = utcnow()
    row = Dashboard(
        org_id=org_id,
        user_id=user_id,
        title=starter.title,
        tiles=copy.deepcopy(starter.tiles),
        filters=copy.deepcopy(starter.filters),
        version=1,
        created_at=now,
        updated_at=now,
        copied_from=starter.id,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # uq_dashboards_copy: a save at the same time made the copy
        existing = session.scalar(
            sa.select(Dashboard).where(
                Dashboard.copied_from == starter.id, *_owned(org_id, user_id)
            )
        )
        if existing is None:
            raise
        raise VersionConflict(_out(existing), base_version) from None
    summary = f"copied from the starter '{starter.title[:80]}'"
    _keep_version(session, row.id, 1, _content(row), summary, None, now)
    return _save(session, org_id, user_id, row.id, 1, values, keep)


def duplicate_dashboard(
    session: Session,
    org_id: str,
    user_id: str,
    dashboard_id: str,
    title: str | None = None,
    team: Team | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> DashboardOut:
    """A new dashboard of the user's own with the content of one they can read (their own, a
    starter, or one shared with their team)."""
    found = _find(session, org_id, user_id, dashboard_id, team)
    if found is None:
        raise not_found(f"Dashboard {dashboard_id}")
    source = found[1]
    name = title.strip() if title and title.strip() else f"{source.title} (copy)"
    data = DashboardIn.model_validate(
        {"title": name[:MAX_TITLE], "tiles": source.tiles, "filters": source.filters}
    )
    return create_dashboard(session, org_id, user_id, data, max_bytes)


def set_sharing(
    session: Session,
    org_id: str,
    user_id: str,
    dashboard_id: str,
    share: bool,
    team: Team | None,
    team_attribute: str | None,
) -> DashboardOut:
    """Share the user's own dashboard read-only with their team, or stop sharing it (always
    allowed, with or without a team). Audited."""
    found = _find(session, org_id, user_id, dashboard_id, team)
    if found is None:
        raise not_found(f"Dashboard {dashboard_id}")
    if found[0] == "team":
        raise _read_only_shared(dashboard_id)
    if found[0] == "starter":
        raise forbidden(
            "A starter dashboard is already shown to everyone in the organization; it cannot be "
            "shared. Share your own dashboards (or a copy of this one: edit it, or duplicate it).",
            "starter_not_shareable",
        )
    row = found[1]
    actor = f"embed:{user_id}"
    if share:
        if not team_attribute:
            raise forbidden(
                "Sharing is off in this organization: the admin has not chosen the token "
                "attribute that names a team (team_attribute in the organization settings).",
                "sharing_off",
            )
        if team is None:
            raise forbidden(
                f"Your sign-in carries no '{team_attribute}' (the attribute that names your "
                "team), so this dashboard cannot be shared with a team. The host app sets it "
                "in the embed token.",
                "no_team",
            )
        if (row.shared_attribute, row.shared_team) != (team.attribute, team.value):
            row.shared_attribute, row.shared_team, row.shared_at = (
                team.attribute,
                team.value,
                utcnow(),
            )
            audit.record(
                session, org_id, actor, "dashboard.shared", "dashboard", row.id,
                team_attribute=team.attribute, team=json.loads(team.value),
            )  # fmt: skip
    elif row.shared_team is not None:
        audit.record(
            session, org_id, actor, "dashboard.unshared", "dashboard", row.id,
            team_attribute=row.shared_attribute, team=json.loads(row.shared_team),
        )  # fmt: skip
        row.shared_attribute = row.shared_team = row.shared_at = None
    session.flush()
    return _out(row)


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


def delete_dashboard(
    session: Session, org_id: str, user_id: str, dashboard_id: str, team: Team | None = None
) -> None:
    """Delete the user's own dashboard. A starter or a teammate's dashboard answers 403 (the
    user's copy of a starter is theirs to delete: the starter then shows again)."""
    result = session.execute(
        sa.delete(Dashboard).where(Dashboard.id == dashboard_id, *_owned(org_id, user_id))
    )
    if result.rowcount:  # type: ignore[attr-defined]
        return
    found = _find(session, org_id, user_id, dashboard_id, team)
    if found is None:
        raise not_found(f"Dashboard {dashboard_id}")
    if found[0] == "team":
        raise _read_only_shared(dashboard_id)
    if found[0] == "starter":
        raise forbidden(
            "This is a starter dashboard the admin published for everyone; it cannot be deleted "
            "here. Your own copy of it (made when you first edit it) can be.",
            "starter_read_only",
        )
    session.delete(found[1])


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
