"""Starter dashboards: the admin publishes dashboards every end user of the organization sees.

A starter is published from a user's dashboard (for example one built in the console's token
sandbox) or from a dashboard document, updated the same ways, and withdrawn. End users read
it under their own access rules (each tile runs with the reader's token); their first save
makes their own copy (`plotboard.dashboards.store`), and a starter changes only here. Users
who never edited it read the starter as it is now: updates reach them, and a withdrawn starter
is gone for them; copies stay with their owners. Every change is audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.orm import Session

from plotboard import audit
from plotboard.dashboards.model import MAX_TITLE, MAX_VERSION, DashboardIn, Tile
from plotboard.dashboards.store import DEFAULT_MAX_BYTES, _stored
from plotboard.errors import PlotboardError, not_found
from plotboard.inputs import Text
from plotboard.store.models import Dashboard, StarterDashboard, utcnow


class StarterIn(BaseModel):
    """What to publish: a user's dashboard of this organization by id (`dashboard_id`, as it
    is saved now), or a dashboard document (`dashboard`, the shape `POST …/dashboards`
    takes). `title` renames it (else the dashboard's title)."""

    model_config = ConfigDict(extra="forbid")
    dashboard_id: Text | None = Field(default=None, min_length=1, max_length=64)
    dashboard: DashboardIn | None = None
    title: Text | None = Field(default=None, min_length=1, max_length=MAX_TITLE)

    @model_validator(mode="after")
    def _one_source(self) -> StarterIn:
        if (self.dashboard_id is None) == (self.dashboard is None):
            raise ValueError(
                "send either 'dashboard_id' (a user's dashboard to publish as it is saved) or "
                "'dashboard' (a dashboard document), not both and not neither"
            )
        return self


class StarterUpdate(StarterIn):
    """The new content. `version`: the starter's version the admin last read; 409 when the
    starter was updated since (left out: replace whatever is current)."""

    version: int | None = Field(default=None, ge=1, le=MAX_VERSION)


class StarterSummary(BaseModel):
    id: str
    title: str
    tile_count: int
    version: int
    published_by: str
    source_dashboard_id: str | None
    created_at: datetime
    updated_at: datetime
    copies: int = Field(description="How many users edited it, so have their own copy.")


class StarterOut(BaseModel):
    id: str
    title: str
    tiles: list[Tile]
    filters: list[dict[str, Any]]
    version: int
    published_by: str
    source_dashboard_id: str | None
    created_at: datetime
    updated_at: datetime
    copies: int


def _copies(session: Session, org_id: str, starter_ids: list[str]) -> dict[str, int]:
    if not starter_ids:
        return {}
    rows = session.execute(
        sa.select(Dashboard.copied_from, sa.func.count())
        .where(Dashboard.org_id == org_id, Dashboard.copied_from.in_(starter_ids))
        .group_by(Dashboard.copied_from)
    )
    return {str(k): int(n) for k, n in rows}


def _out(session: Session, row: StarterDashboard) -> StarterOut:
    return StarterOut.model_validate(
        {
            "id": row.id,
            "title": row.title,
            "tiles": row.tiles,
            "filters": row.filters,
            "version": row.version,
            "published_by": row.published_by,
            "source_dashboard_id": row.source_dashboard_id,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "copies": _copies(session, row.org_id, [row.id]).get(row.id, 0),
        }
    )


def list_starters(session: Session, org_id: str) -> list[StarterSummary]:
    rows = list(
        session.scalars(
            sa.select(StarterDashboard)
            .where(StarterDashboard.org_id == org_id)
            .order_by(StarterDashboard.title, StarterDashboard.id)
        )
    )
    copies = _copies(session, org_id, [r.id for r in rows])
    return [
        StarterSummary(
            id=r.id,
            title=r.title,
            tile_count=len(r.tiles),
            version=r.version,
            published_by=r.published_by,
            source_dashboard_id=r.source_dashboard_id,
            created_at=r.created_at,
            updated_at=r.updated_at,
            copies=copies.get(r.id, 0),
        )
        for r in rows
    ]


def _starter(session: Session, org_id: str, starter_id: str) -> StarterDashboard:
    row = session.scalar(
        sa.select(StarterDashboard)
        .where(StarterDashboard.id == starter_id, StarterDashboard.org_id == org_id)
        .execution_options(populate_existing=True)
    )
    if row is None:
        raise not_found(f"Starter dashboard {starter_id}")
    return row


def get_starter(session: Session, org_id: str, starter_id: str) -> StarterOut:
    return _out(session, _starter(session, org_id, starter_id))


def _content(
    session: Session, org_id: str, body: StarterIn, max_bytes: int
) -> tuple[dict[str, Any], str | None]:
    """The starter's title, tiles and filters from `body`, and the dashboard it came from."""
    if body.dashboard_id is not None:
        source = session.scalar(
            sa.select(Dashboard).where(
                Dashboard.id == body.dashboard_id, Dashboard.org_id == org_id
            )
        )
        if source is None:
            raise PlotboardError(
                f"There is no dashboard {body.dashboard_id} in this organization. Use the id of "
                "a user's dashboard (the editor's dashboard-id; the console lists a user's "
                "dashboards), or send the dashboard document in 'dashboard'.",
                "not_found",
                404,
            )
        data = DashboardIn.model_validate(
            {"title": source.title, "tiles": source.tiles, "filters": source.filters}
        )
        origin: str | None = source.id
    else:
        assert body.dashboard is not None
        data, origin = body.dashboard, None
    if body.title is not None:
        data = data.model_copy(update={"title": body.title})
    return _stored(data, max_bytes), origin


def publish_starter(
    session: Session, org_id: str, actor: str, body: StarterIn, max_bytes: int = DEFAULT_MAX_BYTES
) -> StarterOut:
    """Publish a starter: every end user of the organization sees it in their list at once."""
    values, origin = _content(session, org_id, body, max_bytes)
    now = utcnow()
    row = StarterDashboard(
        org_id=org_id,
        **values,
        version=1,
        published_by=actor[:320],
        source_dashboard_id=origin,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session, org_id, actor, "starter.published", "starter_dashboard", row.id,
        title=row.title, tiles=len(row.tiles), from_dashboard=origin,
    )  # fmt: skip
    return _out(session, row)


def update_starter(
    session: Session,
    org_id: str,
    actor: str,
    starter_id: str,
    body: StarterUpdate,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> StarterOut:
    """Replace a starter's content (a compare-and-set on `body.version` when given). Users who
    never edited it see the new content; their copies stay as they are."""
    row = _starter(session, org_id, starter_id)
    values, origin = _content(session, org_id, body, max_bytes)
    base = row.version if body.version is None else body.version
    result = session.execute(
        sa.update(StarterDashboard)
        .where(
            StarterDashboard.id == starter_id,
            StarterDashboard.org_id == org_id,
            StarterDashboard.version == base,
        )
        .values(
            **values,
            version=StarterDashboard.version + 1,
            source_dashboard_id=origin,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = _starter(session, org_id, starter_id)
        raise PlotboardError(
            f"This starter was updated elsewhere (you sent version {base}, it is now version "
            f"{current.version}). Read it again and send your update on top of that version.",
            "version_conflict",
            409,
        )
    row = _starter(session, org_id, starter_id)
    audit.record(
        session, org_id, actor, "starter.updated", "starter_dashboard", row.id,
        title=row.title, tiles=len(row.tiles), version=row.version, from_dashboard=origin,
    )  # fmt: skip
    return _out(session, row)


def withdraw_starter(session: Session, org_id: str, actor: str, starter_id: str) -> None:
    """Withdraw a starter: it disappears for the users who never edited it; the copies of
    those who did stay theirs."""
    row = _starter(session, org_id, starter_id)
    copies = _copies(session, org_id, [row.id]).get(row.id, 0)
    audit.record(
        session, org_id, actor, "starter.withdrawn", "starter_dashboard", row.id,
        title=row.title, copies_kept=copies,
    )  # fmt: skip
    session.delete(row)
    session.flush()
