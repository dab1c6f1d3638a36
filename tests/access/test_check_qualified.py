"""The last gate skips sqlglot's qualify on SQL whose columns all name their source already
(`plotboard.query.sql._qualified_already`): it must decide exactly as the full check does.

Every hostile SQL and spec of fixtures/adversarial.json and every spec of the compile cases
goes through `prepare_sql` / `prepare_query` twice, with the shortcut and with qualify forced,
on each dialect and attribute set: the same SQL and parameters, or the same refusal. And the
shortcut is actually taken on the SQL plotboard writes (else it would prove nothing), while a
tampered tree that reaches a hidden column, a column of no source or a bare name is still
refused.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlglot import exp

from plotboard.access.check import render_checked
from plotboard.access.enforce import enforce_access_rules
from plotboard.query import sql as sql_module
from plotboard.query.errors import QueryError
from plotboard.query.prepare import clear_cache, prepare_query, prepare_sql
from plotboard.query.spec import parse_spec
from plotboard.query.sql import parse_read_only_sql
from tests.access.rules_fixture import RULES
from tests.query.dataset import build_catalog

FIXTURES = Path(__file__).parents[1]
ADVERSARIAL: list[dict[str, Any]] = json.loads(
    (FIXTURES / "access" / "fixtures" / "adversarial.json").read_text(encoding="utf-8")
)
COMPILE: list[dict[str, Any]] = json.loads(
    (FIXTURES / "query" / "fixtures" / "compile_cases.json").read_text(encoding="utf-8")
)
ATTRIBUTES: list[dict[str, Any]] = [
    {"region": "North", "location": ["Tokyo", "Paris"], "office_region": "EMEA"},
    {"region": "' OR 1=1 --", "location": ["x' OR 'a'='a"], "all_regions": False},
    {"region": "South", "location": "London", "all_regions": True},
    {},
]
TODAY = dt.date(2025, 6, 15)
DIALECTS = ("sqlite", "postgres", "mysql", "duckdb")


def _cases() -> list[tuple[str, object]]:
    cases: list[tuple[str, object]] = [
        ("sql", case["sql"]) for case in ADVERSARIAL if "sql" in case
    ]
    for case in [*ADVERSARIAL, *COMPILE]:
        if "spec" in case and "latest" not in json.dumps(case["spec"]):
            cases.append(("spec", case["spec"]))
    return cases


def _outcome(kind: str, case: object, catalog: Any, attrs: dict[str, Any]) -> object:
    clear_cache()
    try:
        if kind == "sql":
            assert isinstance(case, str)
            prepared = prepare_sql(case, catalog, RULES, attrs)
        else:
            prepared = prepare_query(parse_spec(case), catalog, RULES, attrs, today=TODAY)
    except QueryError as err:
        return ("refused", err.code, err.message)
    return (prepared.sql, dict(prepared.params))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_shortcut_decides_as_qualify_does(
    dialect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = build_catalog(dialect)
    taken = 0
    real = sql_module._qualified_already

    def counting(root: exp.Expr) -> bool:
        nonlocal taken
        result = real(root)
        taken += result
        return result

    for kind, case in _cases():
        for attrs in ATTRIBUTES:
            monkeypatch.setattr(sql_module, "_qualified_already", counting)
            fast = _outcome(kind, case, catalog, attrs)
            monkeypatch.setattr(sql_module, "_qualified_already", lambda _root: False)
            full = _outcome(kind, case, catalog, attrs)
            assert fast == full, (dialect, case, attrs)
    # The SQL plotboard writes takes the shortcut (most cases; refusals stop before it).
    assert taken > len(_cases())


CATALOG = build_catalog("postgres")
ATTRS = ATTRIBUTES[0]
SQL = (
    "SELECT s.amount, e.full_name FROM sales AS s JOIN employees AS e "
    "ON e.employee_id = s.employee_id ORDER BY s.amount"
)


def _tampered(change: Any) -> QueryError:
    enforced = enforce_access_rules(parse_read_only_sql(SQL, CATALOG), CATALOG, RULES, ATTRS)
    tree = enforced.expression.copy()
    change(tree)
    with pytest.raises(QueryError) as caught:
        render_checked(replace(enforced, expression=tree), CATALOG, RULES)
    return caught.value


def test_a_hidden_column_named_with_its_table_is_refused() -> None:
    err = _tampered(lambda t: t.select(exp.column("email", table="e"), copy=False))
    assert err.code == "access_check_failed"
    assert "not available" in err.message


def test_a_column_of_no_source_is_refused() -> None:
    err = _tampered(lambda t: t.select(exp.column("email", table="payroll"), copy=False))
    assert err.code == "access_check_failed"


def test_a_column_of_the_rule_subquery_that_it_does_not_output_is_refused() -> None:
    def change(tree: exp.Expr) -> None:
        tree.select(exp.column("no_such_column", table="s"), copy=False)

    assert _tampered(change).code == "access_check_failed"


def test_a_bare_name_outside_order_by_goes_through_qualify_and_is_refused() -> None:
    # `email` alone (hidden in employees): not qualified, so no shortcut; qualify refuses it.
    def change(tree: exp.Expr) -> None:
        tree.select(exp.column("email"), copy=False)

    assert not sql_module._qualified_already(
        parse_read_only_sql(SQL, CATALOG).select(exp.column("email"))
    )
    assert _tampered(change).code == "access_check_failed"


def test_a_bare_order_by_key_that_is_no_output_is_refused() -> None:
    def change(tree: exp.Expr) -> None:
        tree.set("order", exp.Order(expressions=[exp.Ordered(this=exp.column("email"))]))

    assert _tampered(change).code == "access_check_failed"
