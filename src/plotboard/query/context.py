"""What running a query on one source needs: its catalog, its rules, its settings.

Loaded from the metadata store and kept per process until the store changes
(`plotboard.store.changes`), so that the hot path does no store round trip; an admin change
through this server is seen by its next request, through another server within
`store_change_check_seconds`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from plotboard.access.rules import RuleSet
from plotboard.access.store import list_rules, rule_set
from plotboard.catalog.model import Catalog
from plotboard.sources.dialects import SourceConnection
from plotboard.sources.routing import Routing
from plotboard.sources.store import SourceSettings, connection_of, is_open, routing_of, settings_of
from plotboard.store.models import DataSource


@dataclass(frozen=True)
class SourceContext:
    id: str
    org_id: str
    name: str
    dialect: str
    catalog: Catalog
    rules: RuleSet
    settings: SourceSettings
    cache_scope: str
    """Source id plus a digest of its connection: result-cache entries of a source that now
    points at another database are never served."""
    routing: Routing | None = None
    """Per-tenant routing (`plotboard.query.tenant`); None: every query runs on the source."""
    open_to_end_users: bool = False
    """Whether end users may see the source; a closed one's context serves only the admin
    (its rules and catalog pages), never an end user's request."""


class EndUserCatalog(Protocol):
    """The disclosure policy: the catalog end users may read of a source, given the tables
    that have access rules. `plotboard.analyze.disclosure.end_user_catalog` is the one the
    runtime passes; it sits above this package, so it is handed in, never imported."""

    def __call__(
        self, session: Session, source_id: str, dialect: str, ruled_tables: Sequence[str]
    ) -> Catalog: ...


def load_context(
    session: Session, row: DataSource, secret_key: str, end_user_catalog: EndUserCatalog
) -> SourceContext:
    conn: SourceConnection = connection_of(row, secret_key)
    rules = list_rules(session, row.id)
    return SourceContext(
        id=row.id,
        org_id=row.org_id,
        name=row.name,
        dialect=conn.dialect,
        catalog=end_user_catalog(session, row.id, conn.dialect, [r.table_name for r in rules]),
        rules=rule_set(rules),
        settings=settings_of(row),
        cache_scope=f"{row.id}:{_connection_digest(row)}",
        routing=routing_of(row),
        open_to_end_users=is_open(row),
    )


def _connection_digest(row: DataSource) -> str:
    text = json.dumps([row.kind, row.connection, row.password_enc], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
