"""Evaluating a table's rule for one user: SQL condition, bound values and a description.

Attribute values are never written into SQL: each becomes a named parameter
(`r<rule>_<condition>_<item>`), so hostile strings in a token can't change the statement.
What *does* depend on the user is the statement's shape: how many values an `in` list has,
and which conditions are decided outright (`is_set`, missing attributes). `rules_shape`
captures exactly that, so compiled SQL can be shared by every user with the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from sqlglot import exp

from plotboard.access.rules import Condition, RuleSet, TableRule
from plotboard.catalog.model import Table
from plotboard.query.errors import QueryError
from plotboard.query.scopes import ident

Scalar = str | int | float | bool
_COMPARE: dict[str, type[exp.Binary]] = {
    "eq": exp.EQ,
    "neq": exp.NEQ,
    "gt": exp.GT,
    "gte": exp.GTE,
    "lt": exp.LT,
    "lte": exp.LTE,
}
_SYMBOLS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


@dataclass(frozen=True)
class Outcome:
    """One condition for one user: decided (`true`/`false`) or a comparison with values."""

    kind: Literal["true", "false", "compare"]
    values: tuple[Scalar, ...] = ()
    note: str = ""


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool)


def evaluate(condition: Condition, attributes: Mapping[str, object]) -> Outcome:
    """How `condition` turns out for a user with `attributes` (see `rules` for semantics)."""
    name = condition.attribute
    value = attributes.get(name)
    if condition.op == "is_set":
        if value is None or value is False or value == "" or value == [] or value == ():
            return Outcome("false", note="not set")
        if _is_scalar(value) or isinstance(value, list | tuple):
            return Outcome("true", note="set")
        return Outcome("false", note="not usable")
    if value is None:
        return Outcome("false", note="missing: no rows")
    if condition.op in ("in", "not_in"):
        items = tuple(value) if isinstance(value, list | tuple) else (value,)
        if not all(_is_scalar(v) for v in items):
            return Outcome("false", note="not usable: no rows")
        if not items:
            if condition.op == "in":
                return Outcome("false", note="empty list: no rows")
            return Outcome("true", note="empty list: nothing excluded")
        return Outcome("compare", values=items)
    if not _is_scalar(value):
        return Outcome("false", note="not a single value: no rows")
    assert isinstance(value, str | int | float | bool)
    return Outcome("compare", values=(value,))


def rules_shape(rules: RuleSet, attributes: Mapping[str, object]) -> tuple[object, ...]:
    """What of `attributes` the SQL depends on: per condition, decided or how many values."""
    return tuple(
        tuple((o.kind, len(o.values)) for o in (evaluate(c, attributes) for c in rule.conditions()))
        for rule in rules.rules
    )


def param_name(rule_index: int, condition_index: int, item: int) -> str:
    return f"r{rule_index}_{condition_index}_{item}"


def filter_params(
    rule_index: int, rule: TableRule, attributes: Mapping[str, object]
) -> dict[str, object]:
    """The bound values of one table's rule for one user (cheap: no SQL involved)."""
    params: dict[str, object] = {}
    for c_index, condition in enumerate(rule.conditions()):
        outcome = evaluate(condition, attributes)
        for i, value in enumerate(outcome.values):
            params[param_name(rule_index, c_index, i)] = value
    return params


def _literal(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def describe(table: Table, rule: TableRule, attributes: Mapping[str, object]) -> str:
    """A readable account of the rule as applied, e.g. ``sales.sales_region = 'North'``."""
    parts = []
    for group in rule.groups:
        texts = []
        for condition in group:
            outcome = evaluate(condition, attributes)
            texts.append(_describe_one(table, condition, outcome))
        text = " OR ".join(texts)
        parts.append(f"({text})" if len(texts) > 1 and len(rule.groups) > 1 else text)
    return " AND ".join(parts)


def _describe_one(table: Table, condition: Condition, outcome: Outcome) -> str:
    attribute = f"user.{condition.attribute}"
    if condition.op == "is_set":
        return f"{attribute} is set" + ("" if outcome.kind == "true" else f" ({outcome.note})")
    column = f"{table.name}.{condition.column}"
    if outcome.kind == "compare":
        if condition.op in ("in", "not_in"):
            word = "IN" if condition.op == "in" else "NOT IN"
            return f"{column} {word} ({', '.join(_literal(v) for v in outcome.values)})"
        return f"{column} {_SYMBOLS[condition.op]} {_literal(outcome.values[0])}"
    word = {"in": "IN", "not_in": "NOT IN"}.get(condition.op) or _SYMBOLS[condition.op]
    return f"{column} {word} {attribute} ({outcome.note})"


def _true() -> exp.Expr:
    return exp.EQ(this=exp.Literal.number(1), expression=exp.Literal.number(1))


def _false() -> exp.Expr:
    return exp.EQ(this=exp.Literal.number(1), expression=exp.Literal.number(0))


def filter_condition(
    table: Table, rule_index: int, rule: TableRule, attributes: Mapping[str, object]
) -> exp.Expr:
    """The SQL condition of one table's rule for one user, columns qualified by table name.

    Raises:
        QueryError: `invalid_rule` when the rule names a column the table does not have
            (the query is refused rather than run unfiltered).
    """
    groups: list[exp.Expr] = []
    c_index = 0
    always_false = False
    for group in rule.groups:
        members: list[exp.Expr] = []
        group_true = False
        for condition in group:
            if condition.column is not None:
                _column(table, condition)  # a malformed rule refuses the query, whatever the user
            outcome = evaluate(condition, attributes)
            if outcome.kind == "true":
                group_true = True
            elif outcome.kind == "compare":
                members.append(_compare(table, rule_index, c_index, condition, outcome))
            c_index += 1
        if group_true:
            continue
        if not members:
            always_false = True
            continue
        groups.append(members[0] if len(members) == 1 else exp.or_(*members, copy=False))
    if always_false:
        return _false()
    if not groups:
        return _true()
    return groups[0] if len(groups) == 1 else exp.and_(*groups, copy=False)


def _column(table: Table, condition: Condition) -> exp.Column:
    column = table.column(condition.column or "")
    if column is None:
        raise QueryError(
            f"The access rule of table '{table.name}' uses column '{condition.column}', which "
            "the table does not have, so the table can't be queried. Ask an administrator "
            "to fix the rule.",
            code="invalid_rule",
        )
    return exp.column(ident(column.name), table=ident(table.name))


def _compare(
    table: Table, rule_index: int, c_index: int, condition: Condition, outcome: Outcome
) -> exp.Expr:
    column = _column(table, condition)
    params = [
        exp.Placeholder(this=param_name(rule_index, c_index, i)) for i in range(len(outcome.values))
    ]
    if condition.op == "in":
        return exp.In(this=column, expressions=params)
    if condition.op == "not_in":
        return exp.Not(this=exp.In(this=column, expressions=params))
    return _COMPARE[condition.op](this=column, expression=params[0])
