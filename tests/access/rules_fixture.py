"""The access rules used by the access tests (the demo's, plus an OR escape on offices)."""

from __future__ import annotations

from typing import Any

from plotboard.access.rules import RuleSet

RULES_JSON: list[dict[str, Any]] = [
    {
        "table": "sales",
        "conditions": [{"column": "sales_region", "op": "eq", "attribute": "region"}],
    },
    {
        "table": "employees",
        "conditions": [{"column": "location", "op": "in", "attribute": "location"}],
    },
    {
        "table": "offices",
        "conditions": [
            {
                "any": [
                    {"column": "region", "op": "eq", "attribute": "office_region"},
                    {"op": "is_set", "attribute": "all_regions"},
                ]
            }
        ],
    },
]
RULES = RuleSet.from_json(RULES_JSON)
