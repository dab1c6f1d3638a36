"""Access rules (row-level security) and their enforcement on the SQL syntax tree.

Rules are opt-in per table: a table without rules is not filtered. See `rules` for the rule
model and semantics, `enforce` for the rewrite and `check` for the final verification.
"""

from plotboard.access.check import CheckedSQL, render_checked
from plotboard.access.enforce import EnforcedQuery, enforce_access_rules
from plotboard.access.rules import (
    EMPTY_RULES,
    AnyOf,
    Condition,
    RuleSet,
    TableRule,
    parse_rule,
    rule_problems,
    rule_to_json,
)

__all__ = [
    "EMPTY_RULES",
    "AnyOf",
    "CheckedSQL",
    "Condition",
    "EnforcedQuery",
    "RuleSet",
    "TableRule",
    "enforce_access_rules",
    "parse_rule",
    "render_checked",
    "rule_problems",
    "rule_to_json",
]
