"""Access rules: which rows of a table each end user sees, from their token's attributes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from plotboard import audit
from plotboard.access import store as rules_store
from plotboard.access.rules import rule_to_json
from plotboard.admin.actor import AdminActor
from plotboard.auth.attribute_store import attribute_model
from plotboard.sources import store as sources

if TYPE_CHECKING:
    from plotboard.runtime import Runtime


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    conditions: list[dict[str, Any]] = Field(min_length=1, max_length=20)


def list_rules(runtime: Runtime, org_id: str, source_id: str) -> list[dict[str, Any]]:
    with runtime.store.session() as session:
        sources.get_source(session, org_id, source_id)
        rows = rules_store.list_rules(session, source_id)
        return [{"table": r.table_name, "conditions": r.conditions} for r in rows]


def save_rule(
    runtime: Runtime, admin: AdminActor, source_id: str, table: str, body: RuleIn
) -> dict[str, Any]:
    """Create or replace the access rule of `table`, checked against the catalog and the
    token attributes."""
    with runtime.store.session() as session:
        sources.get_source(session, admin.org_id, source_id)
        context = runtime.source_context(admin.org_id, source_id, admin=True)
        rule = rules_store.parse_checked(
            table, body.conditions, context.catalog, attribute_model(session, admin.org_id)
        )
        rules_store.save_rule(session, admin.org_id, source_id, rule)
        audit.record(
            session,
            admin.org_id,
            admin.actor,
            "rule.saved",
            "rule",
            table,
            source=source_id,
            conditions=body.conditions,
        )
    runtime.forget_source(source_id)
    return rule_to_json(rule)


def delete_rule(runtime: Runtime, admin: AdminActor, source_id: str, table: str) -> None:
    with runtime.store.session() as session:
        sources.get_source(session, admin.org_id, source_id)
        rules_store.delete_rule(session, source_id, table)
        audit.record(
            session, admin.org_id, admin.actor, "rule.deleted", "rule", table, source=source_id
        )
    runtime.forget_source(source_id)
