"""The expression language on all four databases: values checked against hand-written SQL.

Cases are data (fixtures/expr_cases.json and expr_errors.json), one loop each. The resolver here
is the smallest one a compiler could give: columns of one table, refusing hidden ones with the
query engine's own lookups; joins and custom columns are the query compiler's business.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlglot import exp

from plotboard.catalog.model import ColumnType
from plotboard.query.compile import lookup_column, lookup_table
from plotboard.query.errors import QueryError
from plotboard.query.expr import MAX_DEPTH, ExprError, parse
from plotboard.query.expr_compile import (
    Resolver,
    compile_condition,
    compile_measure,
    compile_row,
)
from plotboard.query.render import render
from tests.query.databases import TestDatabase, normalize, same_rows

FIXTURES = Path(__file__).parent / "fixtures"
CASES: list[dict[str, Any]] = json.loads((FIXTURES / "expr_cases.json").read_text("utf-8"))
ERRORS: list[dict[str, Any]] = json.loads((FIXTURES / "expr_errors.json").read_text("utf-8"))
COMPILERS = {"measure": compile_measure, "row": compile_row, "condition": compile_condition}


def _resolver(db_catalog: Any, table_name: str) -> Resolver:
    table = lookup_table(db_catalog, table_name, field="table")

    def resolve(ref: str, pos: int) -> tuple[exp.Expr, ColumnType]:
        table_ref, _, name = ref.rpartition(".")
        try:
            if table_ref and table_ref.lower() != table.name.lower():
                lookup_table(db_catalog, table_ref, field="expr")
                raise QueryError(f"'{ref}' is not a column of {table.name}.", field="expr")
            column = lookup_column(table, name, field="expr")
        except QueryError as err:
            raise ExprError(err.message, pos) from err
        return exp.column(column.name, table=table.name), column.type

    return resolve


def _sql(db: TestDatabase, case: dict[str, Any]) -> str:
    tree = parse(case["expr"])
    compiled = COMPILERS[case["kind"]](tree, _resolver(db.catalog, case["table"]), db.dialect)
    sql = render(compiled.sql, db.dialect)
    table = case["table"]
    if case["kind"] == "measure":
        return f"SELECT {sql} FROM {table}"
    if case["kind"] == "condition":
        return f"SELECT COUNT(*) FROM {table} WHERE {sql}"
    key = {"sales": "sale_id", "employees": "employee_id", "offices": "office_id"}[table]
    return f"SELECT {sql} FROM {table} ORDER BY {key}"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_expression_values(db: TestDatabase, case: dict[str, Any]) -> None:
    sql = _sql(db, case)
    actual = db.query(sql)
    params = dict(case.get("params", {}))
    if "d" in params and db.dialect != "sqlite":
        params["d"] = dt.date.fromisoformat(params["d"])
    expected = db.query(case["sql"], params)
    assert same_rows(actual, expected, ordered=case["kind"] == "row"), (
        f"{case['expr']} on {db.dialect}:\n{sql}\n{normalize(actual)[:5]} != "
        f"{normalize(expected)[:5]}"
    )


PARTS = ["year", "quarter", "month", "day", "weekday_number", "month_name", "weekday"]


def test_date_parts(db: TestDatabase) -> None:
    """Every date part, on every engine, equals Python's reading of the same dates."""
    resolve = _resolver(db.catalog, "employees")
    parts = [compile_row(parse(f"{p}(hire_date)"), resolve, db.dialect).sql for p in PARTS]
    select = ", ".join(render(p, db.dialect) for p in parts)
    rows = db.query(f"SELECT hire_date, {select} FROM employees WHERE hire_date IS NOT NULL")
    assert len(rows) > 100
    for hire_date, *got in rows:
        day = hire_date if isinstance(hire_date, dt.date) else dt.date.fromisoformat(hire_date)
        if isinstance(day, dt.datetime):
            day = day.date()
        expected = [
            day.year,
            (day.month + 2) // 3,
            day.month,
            day.day,
            day.isoweekday(),
            day.strftime("%B"),
            day.strftime("%A"),
        ]
        assert [int(v) if isinstance(v, float | int) else v for v in got] == expected, day


@pytest.mark.parametrize("case", ERRORS, ids=[e["expr"][:40] or "empty" for e in ERRORS])
def test_expression_errors(db_catalog_only: Any, case: dict[str, Any]) -> None:
    with pytest.raises(ExprError) as caught:
        tree = parse(case["expr"])
        COMPILERS[case["kind"]](tree, _resolver(db_catalog_only, case["table"]), "postgres")
    assert case["message"] in caught.value.message
    assert caught.value.position == case["position"], caught.value.message
    assert "Traceback" not in caught.value.message


@pytest.fixture(scope="module")
def db_catalog_only() -> Any:
    from tests.query.dataset import build_catalog

    return build_catalog("postgres")


def test_limits_refuse_early() -> None:
    with pytest.raises(ExprError, match="nested too deeply"):
        parse("- " * (MAX_DEPTH + 5) + "1")
    with pytest.raises(ExprError, match="nested too deeply"):
        parse("not " * (MAX_DEPTH + 5) + "true")
    with pytest.raises(ExprError, match="longer than"):
        parse("1 + " * 1000 + "1")
    with pytest.raises(ExprError, match="too long"):
        parse(" + ".join(["count()"] * 200))


def test_values_never_reach_sql_text(db: TestDatabase) -> None:
    """Strings are bound or escaped by sqlglot: a quote cannot end the literal."""
    hostile = "x') OR 1=1 --"
    tree = parse(f"count_if(category = '{hostile.replace(chr(39), chr(39) * 2)}')")
    compiled = compile_measure(tree, _resolver(db.catalog, "sales"), db.dialect)
    ((count,),) = db.query(f"SELECT {render(compiled.sql, db.dialect)} FROM sales")
    assert count == 0
    bound: list[object] = []

    def bind(value: object) -> exp.Expr:
        bound.append(value)
        return exp.Placeholder(this=f"p{len(bound) - 1}")

    with_params = compile_measure(tree, _resolver(db.catalog, "sales"), db.dialect, bind)
    text = render(with_params.sql, db.dialect)
    assert hostile in bound and hostile not in text
    params = {f"p{i}": v for i, v in enumerate(bound)}
    ((count,),) = db.query(f"SELECT {text} FROM sales", params)
    assert count == 0
