"""The audit log: who changed which part of the set-up, written in the same transaction."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from plotboard.store.models import AuditEntry


def record(
    session: Session,
    org_id: str,
    actor: str,
    action: str,
    target_type: str,
    target_id: str | None = None,
    **details: Any,
) -> None:
    """Add an entry; it commits or rolls back with the change it describes."""
    session.add(
        AuditEntry(
            org_id=org_id,
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            details=details,
        )
    )


def entries(session: Session, org_id: str, limit: int = 200) -> list[AuditEntry]:
    stmt = (
        sa.select(AuditEntry)
        .where(AuditEntry.org_id == org_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
