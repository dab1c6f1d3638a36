"""How far the organization got through the set-up: what the Overview and the navigation show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from plotboard.ai.settings import read_settings
from plotboard.store.models import (
    AccessRule,
    ApiKey,
    CatalogTable,
    DataSource,
    Origin,
    TokenAttribute,
)


@dataclass(frozen=True)
class SetupStatus:
    key: bool
    attribute: bool
    database: bool
    tables: bool  # the catalog holds tables to describe (no more is required)
    rule: bool
    origin: bool
    ai: bool
    token: bool
    ai_engine: str  # "built-in" or the model's name

    @property
    def done(self) -> int:
        steps = (self.key, self.attribute, self.database, self.rule, self.origin, self.token)
        return sum(steps) + 1  # AI always works: the built-in engine needs no set-up

    @property
    def total(self) -> int:
        return 7

    def step(self, name: str | None) -> bool:
        return bool(name) and bool(getattr(self, name or "", False))


def _exists(session: Session, stmt: sa.Select[Any]) -> bool:
    return session.scalar(stmt.limit(1)) is not None


def setup_status(session: Session, org_id: str) -> SetupStatus:
    ai = read_settings(session, org_id)
    return SetupStatus(
        key=_exists(
            session,
            sa.select(ApiKey.id).where(ApiKey.org_id == org_id, ApiKey.revoked_at.is_(None)),
        ),
        attribute=_exists(
            session, sa.select(TokenAttribute.id).where(TokenAttribute.org_id == org_id)
        ),
        database=_exists(session, sa.select(DataSource.id).where(DataSource.org_id == org_id)),
        tables=_exists(
            session,
            sa.select(CatalogTable.id)
            .join(DataSource, DataSource.id == CatalogTable.source_id)
            .where(DataSource.org_id == org_id),
        ),
        rule=_exists(session, sa.select(AccessRule.id).where(AccessRule.org_id == org_id)),
        origin=_exists(session, sa.select(Origin.id).where(Origin.org_id == org_id)),
        ai=True,
        token=_exists(
            session,
            sa.select(ApiKey.id).where(ApiKey.org_id == org_id, ApiKey.tokens_minted > 0),
        ),
        ai_engine=ai.model if ai is not None and ai.engine == "openai" and ai.model else "built-in",
    )
