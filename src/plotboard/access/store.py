"""Access rules in the metadata store, checked against the catalog and the token attributes.

A rule is refused when it names a table or column that does not exist, an attribute the token
model does not define, or compares a column with an attribute of an incompatible type — each
with a message that names the culprit. Rules never come from an embed request: only the admin
API writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from plotboard.access.attributes import AttributeSpec
from plotboard.access.rules import RuleSet, TableRule, parse_rule, rule_to_json
from plotboard.catalog.model import NUMERIC_TYPES, TEMPORAL_TYPES, Catalog
from plotboard.errors import PlotboardError, invalid, not_found
from plotboard.query.errors import QueryError
from plotboard.store.models import AccessRule

_SCALAR_OPS = {"eq", "neq", "gt", "gte", "lt", "lte"}
_LIST_OPS = {"in", "not_in"}


def _compatible(column_type: str, attribute_type: str) -> bool:
    base = attribute_type.removesuffix("_list")
    if base == "number":
        return column_type in NUMERIC_TYPES
    if base == "boolean":
        return column_type in ("boolean", "integer")  # SQLite and MySQL keep booleans as 0/1
    # Strings compare with text, and with dates kept as ISO text ("2024-01-31").
    return column_type in ("string", "other") or column_type in TEMPORAL_TYPES


def check_rule(rule: TableRule, catalog: Catalog, attributes: Sequence[AttributeSpec]) -> None:
    """Raise a 422 naming the first problem of `rule`; return when it is sound."""
    schema, _, name = rule.table.rpartition(".")
    table = catalog.table(name, schema or None)
    if table is None:
        known = ", ".join(sorted(t.name for t in catalog.tables)) or "none"
        raise invalid("table", f"table '{rule.table}' is not in the catalog (tables: {known})")
    by_name = {a.name: a for a in attributes}
    for gi, group in enumerate(rule.groups):
        for ci, cond in enumerate(group):
            where = f"conditions.{gi}" + (f".any.{ci}" if len(group) > 1 else "")
            spec = by_name.get(cond.attribute)
            if spec is None:
                known = ", ".join(sorted(by_name)) or "none are defined"
                raise invalid(
                    f"{where}.attribute",
                    f"'{cond.attribute}' is not a token attribute (known: {known})",
                )
            if cond.op == "is_set":
                continue
            column = table.column(cond.column or "")
            if column is None:
                raise invalid(
                    f"{where}.column",
                    f"column '{cond.column}' does not exist in table '{table.name}'",
                )
            is_list = spec.type.endswith("_list")
            if cond.op in _SCALAR_OPS and is_list:
                raise invalid(
                    f"{where}.op",
                    f"'{cond.op}' compares with one value, but '{spec.name}' is a list; "
                    "use 'in' or 'not_in'",
                )
            if not _compatible(column.type, spec.type):
                raise invalid(
                    f"{where}.attribute",
                    f"'{spec.name}' ({spec.type.replace('_', ' ')}) cannot be compared with "
                    f"column '{column.name}' ({column.type})",
                )


def parse_checked(
    table: str, conditions: Any, catalog: Catalog, attributes: Sequence[AttributeSpec]
) -> TableRule:
    try:
        rule = parse_rule({"table": table, "conditions": conditions})
    except QueryError as err:
        field = err.field or "conditions"
        raise invalid(field, err.message.removeprefix(f"{field}: ")) from err
    check_rule(rule, catalog, attributes)
    return rule


def list_rules(session: Session, source_id: str) -> list[AccessRule]:
    stmt = sa.select(AccessRule).where(AccessRule.source_id == source_id)
    return list(session.scalars(stmt.order_by(AccessRule.table_name)))


def rule_set(rows: Sequence[AccessRule]) -> RuleSet:
    """The rules as the engine takes them. A stored rule that no longer parses refuses every
    query on the source (fail closed) rather than being skipped."""
    try:
        return RuleSet.from_json({"table": r.table_name, "conditions": r.conditions} for r in rows)
    except QueryError as err:
        raise PlotboardError(
            f"A stored access rule is broken ({err.message}); queries are refused until an "
            "admin fixes it.",
            "broken_rule",
            500,
        ) from err


def save_rule(session: Session, org_id: str, source_id: str, rule: TableRule) -> AccessRule:
    """Create or replace the rule of one table."""
    data = rule_to_json(rule)
    row = session.scalar(
        sa.select(AccessRule).where(
            AccessRule.source_id == source_id, AccessRule.table_name == rule.table
        )
    )
    if row is None:
        row = AccessRule(org_id=org_id, source_id=source_id, table_name=rule.table)
        session.add(row)
    row.conditions = data["conditions"]
    session.flush()
    return row


def delete_rule(session: Session, source_id: str, table: str) -> None:
    result = session.execute(
        sa.delete(AccessRule).where(
            AccessRule.source_id == source_id, AccessRule.table_name == table
        )
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise not_found(f"The access rule of table '{table}'")


def rules_using_attribute(session: Session, org_id: str, attribute: str) -> list[str]:
    """Tables whose rules read `attribute` (an attribute in use may not be deleted)."""
    tables = []
    for row in session.scalars(sa.select(AccessRule).where(AccessRule.org_id == org_id)):
        items = [c for item in row.conditions for c in item.get("any", [item])]
        if any(c.get("attribute") == attribute for c in items):
            tables.append(row.table_name)
    return tables
