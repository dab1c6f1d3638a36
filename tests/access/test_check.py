"""render_checked refuses anything that is not exactly the rule-filtered query."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from types import MappingProxyType

import pytest
import sqlglot
from sqlglot import exp

from plotboard.access.check import render_checked
from plotboard.access.enforce import EnforcedQuery, enforce_access_rules
from plotboard.access.fence import FENCE_ARGS, fence_clauses
from plotboard.query.errors import QueryError
from plotboard.query.sql import parse_read_only_sql
from tests.access.rules_fixture import RULES
from tests.query.dataset import build_catalog

CATALOG = build_catalog("postgres")
ATTRS = {"region": "North", "location": ["Tokyo", "Paris"], "office_region": "EMEA"}
SQL = (
    "SELECT s.amount, e.full_name FROM sales AS s JOIN employees AS e "
    "ON e.employee_id = s.employee_id"
)


def _enforced() -> EnforcedQuery:
    return enforce_access_rules(parse_read_only_sql(SQL, CATALOG), CATALOG, RULES, ATTRS)


def test_a_proper_query_passes() -> None:
    checked = render_checked(_enforced(), CATALOG, RULES)
    assert dict(checked.params) == {"r0_0_0": "Tokyo", "r0_0_1": "Paris", "r2_0_0": "North"}
    assert checked.applied == (
        "sales.sales_region = 'North'",
        "employees.location IN ('Tokyo', 'Paris')",
    )


def _wrappers(tree: exp.Expr) -> list[exp.Subquery]:
    return [s for s in tree.find_all(exp.Subquery) if s.alias in ("s", "e")]


def _unwrap(tree: exp.Expr) -> None:
    wrapper = _wrappers(tree)[0]
    table = wrapper.this.args["from_"].this.copy()
    table.set("alias", wrapper.args["alias"].copy())
    wrapper.replace(table)


def _loosen(tree: exp.Expr) -> None:
    where = _wrappers(tree)[0].this.args["where"]
    where.set("this", exp.or_(where.this.copy(), sqlglot.parse_one("1 = 1")))


def _widen(tree: exp.Expr) -> None:
    _wrappers(tree)[0].this.select(exp.Literal.number(1), copy=False)


def _unfence(tree: exp.Expr) -> None:
    _wrappers(tree)[0].this.set("limit", None)
    _wrappers(tree)[0].this.set("offset", None)


def _weaker_fence(tree: exp.Expr) -> None:
    _wrappers(tree)[0].this.set("offset", exp.Offset(expression=exp.Literal.number(1)))


def _add_term(*terms: str, parenthesize: bool = True) -> Callable[[exp.Expr], None]:
    """Append `terms` to the first wrapper's WHERE, after the rule (in parentheses)."""

    def tamper(tree: exp.Expr) -> None:
        where = _wrappers(tree)[0].this.args["where"]
        condition = exp.Paren(this=where.this.copy()) if parenthesize else where.this.copy()
        for term in terms:
            condition = exp.And(this=condition, expression=sqlglot.parse_one(term))
        where.set("this", condition)

    return tamper


def _hidden_column(tree: exp.Expr) -> None:
    assert isinstance(tree, exp.Select)
    tree.select(exp.column("email", table="e"), copy=False)


def _bad_function(tree: exp.Expr) -> None:
    assert isinstance(tree, exp.Select)
    tree.select(exp.Anonymous(this="pg_sleep", expressions=[exp.Literal.number(5)]), copy=False)


def _extra_statement_in_literal(tree: exp.Expr) -> None:
    assert isinstance(tree, exp.Select)
    tree.select(exp.Placeholder(this="nope"), copy=False)


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (_unwrap, "is not filtered"),
        (_loosen, "is not the expected one"),
        (_widen, "is not filtered"),
        (_hidden_column, "not available"),
        (_bad_function, "PG_SLEEP"),
        (_extra_statement_in_literal, "no value for parameter"),
        (_unfence, "is not fenced"),
        (_weaker_fence, "is not fenced"),
        (_add_term("1 / (sales.sale_id - 7) > 0"), "is not the expected one"),
        (_add_term("CAST(sales.product AS INT) = 1"), "is not the expected one"),
        (_add_term("sales.product = 5"), "is not the expected one"),
        (_add_term("sales.product LIKE 'a\\'"), "is not the expected one"),
        (_add_term("s.amount > 1"), "is not the expected one"),
        (_add_term("sales.amount > 1", parenthesize=False), "is not the expected one"),
    ],
)
def test_tampering_is_refused(tamper: Callable[[exp.Expr], None], message: str) -> None:
    enforced = _enforced()
    tree = enforced.expression.copy()
    tamper(tree)
    with pytest.raises(QueryError) as caught:
        render_checked(replace(enforced, expression=tree), CATALOG, RULES)
    assert caught.value.code == "access_check_failed"
    assert message in caught.value.message


def test_missing_parameter_values_are_refused() -> None:
    enforced = _enforced()
    params = dict(enforced.params)
    del params["r2_0_0"]
    with pytest.raises(QueryError, match="no value for parameter"):
        render_checked(replace(enforced, params=MappingProxyType(params)), CATALOG, RULES)


def test_filters_must_match_the_users_rule() -> None:
    enforced = _enforced()
    other = enforce_access_rules(
        parse_read_only_sql(SQL, CATALOG), CATALOG, RULES, {**ATTRS, "location": ["Tokyo"]}
    )
    with pytest.raises(QueryError, match="not the expected one"):
        render_checked(replace(enforced, filters=other.filters), CATALOG, RULES)


def test_rule_on_a_missing_column_refuses_the_query() -> None:
    from plotboard.access.rules import RuleSet

    broken = RuleSet.from_json(
        [
            {
                "table": "sales",
                "conditions": [{"column": "no_such_column", "op": "eq", "attribute": "region"}],
            }
        ]
    )
    with pytest.raises(QueryError) as caught:
        enforce_access_rules(parse_read_only_sql(SQL, CATALOG), CATALOG, broken, {})
    assert caught.value.code == "invalid_rule"


def test_leakproof_terms_after_the_rule_pass() -> None:
    enforced = _enforced()
    tree = enforced.expression.copy()
    _add_term("sales.amount BETWEEN 1 AND 2", "NOT sales.product IN ('Desk')")(tree)
    checked = render_checked(replace(enforced, expression=tree), CATALOG, RULES)
    assert "AND \"sales\".\"amount\" BETWEEN 1 AND 2" in checked.sql


def test_a_term_on_a_hidden_column_is_refused() -> None:
    sql = "SELECT e.full_name FROM employees AS e"
    tree = parse_read_only_sql(sql, CATALOG)
    enforced = enforce_access_rules(tree, CATALOG, RULES, ATTRS)
    tampered = enforced.expression.copy()
    _add_term("employees.email = 'x'")(tampered)
    with pytest.raises(QueryError, match="not the expected one"):
        render_checked(replace(enforced, expression=tampered), CATALOG, RULES)


@pytest.mark.parametrize("dialect", ["postgres", "duckdb", "sqlite", "mysql"])
def test_each_fence_survives_a_round_trip_through_the_parser(dialect: str) -> None:
    """The checker reads the prepared SQL back, so the fence must be something the installed
    sqlglot both writes and reads (before 30.22 it read PostgreSQL's ``LIMIT ALL`` as nothing,
    which left every rule's subquery open on the lowest allowed version)."""
    clauses = fence_clauses(dialect)
    assert clauses, f"no fence for {dialect}"
    select = exp.select("*").from_("t")
    for key, clause in clauses.items():
        select.set(key, clause)
    read_back = sqlglot.parse_one(select.sql(dialect), read=dialect)
    assert {k: v.sql(dialect) for k in FENCE_ARGS if (v := read_back.args.get(k))} == {
        k: v.sql(dialect) for k, v in clauses.items()
    }
