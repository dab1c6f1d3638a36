"""What keeps the database from evaluating a user's expression on a row the rule hides.

A rule is applied as a subquery, ``(SELECT * FROM t WHERE <rule>) AS t``. Left like that, every
engine may flatten it into the outer query (or push the outer WHERE into it) and then evaluate
the conditions in any order: PostgreSQL sorts them by cost, so a user's cheap
``1 / (employee_id - 7) > 0`` runs on hidden rows first and its "division by zero" tells that
employee 7 exists. Each database kind therefore gets a *fence*, a clause that makes its planner
keep the subquery closed — rows leave it only after the rule has kept them. Each kind's module
in `plotboard.sources.kinds` holds its fence and why it works (`DatabaseKind.fence`):
PostgreSQL ``LIMIT ALL``, DuckDB ``OFFSET 0``, SQLite ``LIMIT -1 OFFSET 0``, MySQL and MariaDB
``LIMIT 18446744073709551615``.

These are behaviours of the planners, so tests/access/test_oracles.py checks them on every
engine with error and timing oracles. Other dialects get no fence (see docs/security.md).

A fence stops the outer conditions from reaching the table's indexes too, which would turn an
indexed tile query (one day of a big table) into a scan of every row the user may see. So, as
PostgreSQL does for its own security-barrier views, conditions that cannot reveal anything are
copied inside: a plain comparison of one of the table's visible columns with a bound parameter
or a literal of the column's own type (`=`, `<>`, `<`, `<=`, `>`, `>=`, `IN`, `NOT IN`,
`BETWEEN`, `IS NOT NULL`). Such a comparison can't fail, whatever the row holds, and it is
null-rejecting, so filtering the table by it before the join changes no answer. It leaves the
outer WHERE unless an outer join may null the table (then it stays there too).
`is_leakproof` is the one definition, used by the rewrite and the checker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import cache

import sqlglot
from sqlglot import exp

from plotboard.catalog.model import NUMERIC_TYPES, TEMPORAL_TYPES, Table
from plotboard.sources import kinds

FENCE_ARGS = ("limit", "offset")
_COMPARISONS = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE)


@cache
def _fence_tree(dialect: str) -> exp.Select | None:
    text = kinds.for_dialect(dialect).fence
    if text is None:
        return None
    tree = sqlglot.parse_one(f"SELECT * FROM t {text}", read=dialect)
    if not isinstance(tree, exp.Select) or not any(tree.args.get(k) for k in FENCE_ARGS):
        # Fail closed: a parser that drops the clause (sqlglot before 30.22 read
        # "LIMIT ALL" as nothing) would otherwise leave every rule's subquery open.
        raise RuntimeError(f"sqlglot does not read the {dialect} fence {text!r}; upgrade sqlglot")
    return tree


def fence_clauses(dialect: str) -> dict[str, exp.Expr]:
    """The Select arguments (`limit`, `offset`) that fence a rule's subquery in `dialect`;
    empty for a dialect without a known fence. Fresh copies: safe to attach to a tree."""
    tree = _fence_tree(dialect)
    if tree is None:
        return {}
    return {k: v.copy() for k in FENCE_ARGS if isinstance(v := tree.args.get(k), exp.Expr)}


def conjuncts(condition: exp.Expr) -> Iterator[exp.Expr]:
    """The top-level AND terms of `condition`, parentheses removed."""
    condition = condition.unnest()
    if isinstance(condition, exp.And):
        yield from conjuncts(condition.this)
        yield from conjuncts(condition.expression)
    else:
        yield condition


def is_leakproof(
    condition: exp.Expr, qualifier: str, table: Table, params: Mapping[str, object]
) -> bool:
    """Whether `condition` is a comparison that can't fail or reveal anything, on a visible
    column of `table` written ``<qualifier>.<column>`` (see the module doc).

    `params` are the bound values: a parameter must hold a value of the column's type.
    """
    column: exp.Expr = condition
    values: list[exp.Expr]
    if isinstance(condition, exp.Not):
        inner = condition.this.unnest()
        if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
            return _column_of(inner.this, qualifier, table) is not None and _only(inner, 2)
        if not isinstance(inner, exp.In):
            return False
        condition = inner
    if isinstance(condition, exp.In):
        if not _only(condition, 2) or not condition.expressions:
            return False
        column, values = condition.this, list(condition.expressions)
    elif isinstance(condition, exp.Between):
        if not _only(condition, 3):
            return False
        column, values = condition.this, [condition.args["low"], condition.args["high"]]
    elif isinstance(condition, _COMPARISONS):
        if not _only(condition, 2):
            return False
        column, values = condition.this, [condition.expression]
        if not isinstance(column, exp.Column):
            column, values = condition.expression, [condition.this]
    else:
        return False
    kind = _column_of(column, qualifier, table)
    return kind is not None and all(_fits(value, kind, params) for value in values)


def _only(node: exp.Expr, count: int) -> bool:
    """`node` has no more than `count` arguments set (no ESCAPE, subquery, UNNEST ...)."""
    return sum(1 for v in node.args.values() if v is not None and v != []) <= count


def _column_of(node: exp.Expr, qualifier: str, table: Table) -> str | None:
    """The catalog type of the visible column `node` names as ``qualifier.column``."""
    if not isinstance(node, exp.Column) or {k for k, v in node.args.items() if v} - {
        "this",
        "table",
    }:
        return None
    if not isinstance(node.this, exp.Identifier) or node.table != qualifier:
        return None
    column = table.column(node.name)
    if column is None or column.hidden or column.type == "other":
        return None
    return column.type


def _fits(value: exp.Expr, kind: str, params: Mapping[str, object]) -> bool:
    """`value` is a bound parameter or a literal of the column type `kind`: compared without
    converting the column, so the comparison can't fail on some rows only."""
    if isinstance(value, exp.Placeholder):
        if value.name not in params:
            return False
        bound = params[value.name]
        if kind in NUMERIC_TYPES:
            return isinstance(bound, int | float | Decimal) and not isinstance(bound, bool)
        if kind == "boolean":
            return isinstance(bound, bool)
        if kind in TEMPORAL_TYPES:
            return isinstance(bound, str | dt.date)
        return isinstance(bound, str)
    if isinstance(value, exp.Neg):
        value = value.this
        if not (isinstance(value, exp.Literal) and not value.is_string):
            return False
    if isinstance(value, exp.Literal):
        if value.is_string:
            return kind == "string" or kind in TEMPORAL_TYPES
        return kind in NUMERIC_TYPES
    if isinstance(value, exp.Boolean):
        return kind == "boolean"
    return False
