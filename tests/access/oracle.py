"""Which rows a user may see, computed in plain Python from the rules' JSON.

This is deliberately a separate, naive implementation of the rule semantics (see
plotboard.access.rules) so that the database-backed tests compare the engine's rewrite with an
independent answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.access.rules_fixture import RULES_JSON
from tests.query.dataset import DATA, PRIMARY_KEYS


def _holds(condition: Mapping[str, Any], row: Mapping[str, Any], attrs: Mapping[str, Any]) -> bool:
    value = attrs.get(condition["attribute"])
    op = condition["op"]
    if op == "is_set":
        return value not in (None, False, "", [])
    if value is None:
        return False
    cell = row[condition["column"]]
    if op in ("in", "not_in"):
        values = value if isinstance(value, list) else [value]
        if op == "in":
            return cell is not None and cell in values
        if not values:
            return True
        return cell is not None and cell not in values
    if isinstance(value, list) or cell is None:
        return False
    return bool(
        {
            "eq": cell == value,
            "neq": cell != value,
            "gt": cell > value,
            "gte": cell >= value,
            "lt": cell < value,
            "lte": cell <= value,
        }[op]
    )


def permitted_keys(attrs: Mapping[str, Any]) -> dict[str, set[int] | None]:
    """Primary keys of the rows the user may see, per table (None: the table has no rule)."""
    keep: dict[str, set[int] | None] = {table: None for table in DATA}
    for rule in RULES_JSON:
        groups = [item.get("any", [item]) for item in rule["conditions"]]
        pk = PRIMARY_KEYS[rule["table"]]
        keep[rule["table"]] = {
            row[pk]
            for row in DATA[rule["table"]]
            if all(any(_holds(c, row, attrs) for c in group) for group in groups)
        }
    return keep
