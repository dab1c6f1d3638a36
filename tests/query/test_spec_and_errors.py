"""Spec shape errors and compile errors: each refusal says what is wrong and where."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from plotboard.query.compile import compile_query
from plotboard.query.errors import ERROR_CODES, QueryError
from plotboard.query.spec import QuerySpec, parse_spec
from tests.query.dataset import build_catalog

FIXTURES = Path(__file__).parent / "fixtures"
SPEC_ERRORS: list[dict[str, Any]] = json.loads((FIXTURES / "spec_errors.json").read_text())
COMPILE_ERRORS: list[dict[str, Any]] = json.loads((FIXTURES / "compile_errors.json").read_text())
CATALOG = build_catalog("postgres")


@pytest.mark.parametrize("case", SPEC_ERRORS, ids=[c["message"] for c in SPEC_ERRORS])
def test_bad_spec_shapes_are_refused(case: dict[str, Any]) -> None:
    with pytest.raises(QueryError) as caught:
        parse_spec(case["spec"])
    assert caught.value.field == case["field"]
    assert case["message"] in caught.value.message
    assert not caught.value.message[0].islower()


# Specs the editor's builder can make (a tile's preview shows the refusal to an end user): the
# message names the builder's controls, never a spec key; the key is in `field` for developers.
BUILDER_REFUSALS: list[tuple[dict[str, Any], str]] = [
    ({"table": "sales", "measures": [{"agg": "sum", "column": "amount"}],
      "dimensions": [{"column": "product"}, {"column": "sales_region"}], "limit": 3,
      "limit_per": "product", "filters": [{"column": "sale_date", "op": "last",
                                           "value": {"n": 6, "unit": "month"}}],
      "compare": {"to": "previous_year"}}, "limit_per"),
    ({"table": "sales", "measures": [{"agg": "sum", "column": "amount", "share": True}],
      "dimensions": [{"column": "sale_date", "grain": "month"}],
      "compare": {"to": "previous_period"}}, "compare"),
    ({"table": "sales", "select": ["product"], "compare": {"to": "previous_year"}}, "compare"),
    ({"table": "sales", "measures": [{"agg": "sum", "column": "amount"}],
      "dimensions": [{"column": "product"}, {"column": "sales_region"}],
      "limit_per": "product"}, "limit"),
    ({"table": "sales", "measures": [{"agg": "sum", "column": "amount"},
                                     {"agg": "sum", "column": "amount"}]}, "measures[1]"),
    ({"table": "sales", "measures": [{"agg": "count"}],
      "dimensions": [{"column": "sale_date", "grain": "month"},
                     {"column": "sale_date", "grain": "month"}]}, "dimensions[1]"),
    ({"table": "sales", "measures": [{"agg": "count"}], "limit": 0}, "limit"),
    ({"table": "sales", "measures": [{"agg": "count", "format": {"decimals": 12}}]},
     "measures[0].format.decimals"),
    ({"table": "sales", "measures": [{"agg": "count"}],
      "having": [{"by": "count", "op": "between", "value": [1]}]}, "having[0].value"),
    ({"table": "sales", "measures": [{"agg": "count"}],
      "filters": [{"column": "product", "op": "in", "value": []}]}, "filters[0].value"),
    ({"table": "sales", "measures": [{"agg": "count"}],
      "dimensions": [{"column": "amount", "bin": {"count": 0}}]}, "dimensions[0].bin.count"),
    ({"table": "sales"}, None),
]
SPEC_KEYS = re.compile(
    r"\b(agg|expr|bin|grain|having|offset|dimensions?|select|compare|share|cumulative)\b"
    r"|'[a-z_]+'|\b[a-z]+_[a-z_]+\b|[{}\[\]]"
)
"""A spec key in a message: a key that is no English word, a quoted or snake_case name, JSON."""


@pytest.mark.parametrize("case", BUILDER_REFUSALS, ids=lambda c: str(c))
def test_builder_refusals_speak_the_builders_words(case: tuple[dict[str, Any], str]) -> None:
    spec, field = case
    with pytest.raises(QueryError) as caught:
        parse_spec(spec)
    assert caught.value.field == field
    message = caught.value.message
    assert not SPEC_KEYS.search(message), message


@pytest.mark.parametrize("case", COMPILE_ERRORS, ids=[c["message"] for c in COMPILE_ERRORS])
def test_specs_that_do_not_fit_the_catalog_are_refused(case: dict[str, Any]) -> None:
    spec = parse_spec(case["spec"])
    with pytest.raises(QueryError) as caught:
        compile_query(spec, CATALOG)
    error = caught.value
    assert (error.code, error.field) == (case["code"], case["field"])
    assert case["message"] in error.message
    assert error.code in ERROR_CODES
    where = {} if error.position is None else {"position": error.position}
    assert error.to_dict() == {
        "message": error.message, "field": error.field, "code": error.code, **where
    }
    if error.code == "invalid_expression":  # the position the message says, 1-based
        assert error.position is not None and f"position {error.position}" in error.message


def test_output_names() -> None:
    spec = QuerySpec.model_validate(
        {
            "table": "sales",
            "measures": [
                {"agg": "count"},
                {"agg": "count_distinct", "column": "employee_id"},
                {"agg": "avg", "column": "employees.salary"},
            ],
            "dimensions": [{"column": "offices.region"}, {"column": "sale_date", "grain": "month"}],
        }
    )
    assert spec.aliases == (
        "offices_region",
        "sale_date_month",
        "count",
        "count_distinct_employee_id",
        "avg_employees_salary",
    )
    compiled = compile_query(spec, CATALOG)
    assert [(c.name, c.type) for c in compiled.columns] == [
        ("offices_region", "string"),
        ("sale_date_month", "date"),
        ("count", "integer"),
        ("count_distinct_employee_id", "integer"),
        ("avg_employees_salary", "number"),
    ]
    assert compiled.tables == ("sales", "employees", "offices")


def test_every_value_is_a_parameter() -> None:
    spec = parse_spec(
        {
            "table": "employees",
            "measures": [{"agg": "count"}],
            "filters": [
                {"column": "department", "op": "in", "value": ["Sales", "x'); DROP TABLE t; --"]},
                {"column": "salary", "op": "between", "value": [1, 2]},
                {"column": "hire_date", "op": "gte", "value": "2020-01-01"},
            ],
        }
    )
    compiled = compile_query(spec, CATALOG)
    sql = compiled.expression.sql("postgres")
    assert "DROP" not in sql and "Sales" not in sql and "2020" not in sql
    assert list(compiled.params.values())[:2] == ["Sales", "x'); DROP TABLE t; --"]


def test_compile_is_deterministic() -> None:
    data = {
        "table": "sales",
        "measures": [{"agg": "sum", "column": "amount"}],
        "dimensions": [{"column": "offices.city"}],
        "filters": [{"column": "employees.department", "op": "eq", "value": "HR"}],
    }
    first = compile_query(parse_spec(data), CATALOG).expression.sql("postgres")
    copy = parse_spec(json.loads(json.dumps(data)))
    again = compile_query(copy, CATALOG).expression.sql("postgres")
    assert first == again


# Compile refusals of specs the builder or the AI can make: shown in the tile's preview or the
# chat, so columns are named by their labels (display name, else the name in words), measures
# as the builder names them, filter conditions by the filter row's words; `field` keeps the key.
COMPILE_REFUSALS: list[tuple[dict[str, Any], str, str]] = [
    ({"table": "sales", "measures": [{"agg": "count"}],
      "dimensions": [{"column": "product", "grain": "month"}]}, "dimensions[0].grain", "“Product”"),
    ({"table": "sales", "measures": [{"agg": "count"}],
      "dimensions": [{"column": "product", "bin": {"width": 10}}]}, "dimensions[0].bin",
     "“Product”"),
    ({"table": "sales", "measures": [{"agg": "sum", "column": "product"}]}, "measures[0].agg",
     "“Product”"),
    ({"table": "sales", "measures": [{"agg": "count"}],
      "filters": [{"column": "unit_price", "op": "gt", "value": "abc"}]}, "filters[0].value",
     "“Unit price”"),
    ({"table": "sales", "measures": [{"agg": "count"}],
      "filters": [{"column": "sale_date", "op": "gte", "value": "soon"}]}, "filters[0].value",
     "“Sale date”"),
    ({"table": "sales", "measures": [{"agg": "count"}],
      "filters": [{"column": "product", "op": "last", "value": {"n": 3, "unit": "month"}}]},
     "filters[0].op", "“in the last”"),
    ({"table": "sales", "measures": [{"agg": "count"}],
      "filters": [{"column": "quantity", "op": "contains", "value": "3"}]}, "filters[0].op",
     "“Quantity”"),
    ({"table": "sales", "measures": [{"agg": "sum", "column": "amount"}],
      "having": [{"by": "sum_amount", "op": "gt", "value": "lots"}]}, "having[0].value",
     "“Total amount”"),
    ({"table": "sales", "measures": [{"agg": "count"}],
      "dimensions": [{"column": "sale_date", "grain": "week"}],
      "having": [{"by": "count", "op": "gt", "value": "x"}]}, "having[0].value",
     "“Number of sales”"),
]


@pytest.mark.parametrize("case", COMPILE_REFUSALS, ids=lambda c: str(c))
def test_compile_refusals_name_columns_as_the_user_sees_them(
    case: tuple[dict[str, Any], str, str],
) -> None:
    spec, field, words = case
    with pytest.raises(QueryError) as caught:
        compile_query(parse_spec(spec), CATALOG)
    assert caught.value.field == field
    message = caught.value.message
    assert words in message and not SPEC_KEYS.search(message), message


def test_a_display_name_is_the_label_in_a_refusal() -> None:
    import dataclasses

    sales = CATALOG.table("sales")
    assert sales is not None
    named = dataclasses.replace(sales, columns=tuple(
        dataclasses.replace(c, display_name="Item") if c.name == "product" else c
        for c in sales.columns))
    catalog = dataclasses.replace(CATALOG, tables=tuple(
        named if t.name == "sales" else t for t in CATALOG.tables))
    spec = parse_spec({"table": "sales", "measures": [{"agg": "avg", "column": "product"}]})
    with pytest.raises(QueryError) as caught:
        compile_query(spec, catalog)
    assert "“Item”" in caught.value.message and "product" not in caught.value.message


def test_an_expression_error_keeps_its_position() -> None:
    with pytest.raises(QueryError) as caught:
        compile_query(parse_spec({"table": "sales", "measures": [
            {"expr": "sum(amount + product)", "name": "x"}]}), CATALOG)
    assert caught.value.field == "measures[0].expr" and caught.value.position is not None
    assert f"position {caught.value.position}" in caught.value.message
