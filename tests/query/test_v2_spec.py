"""Query spec v2 refusals and metadata: clear 422s with the field and position, and `format`
in the answer's column metadata."""

from __future__ import annotations

from typing import Any

import pytest

from plotboard.query.compile import compile_query, describe_result
from plotboard.query.errors import QueryError
from plotboard.query.spec import parse_spec
from tests.query.dataset import build_catalog

CATALOG = build_catalog("postgres")


def _refusal(data: dict[str, Any]) -> QueryError:
    with pytest.raises(QueryError) as caught:
        compile_query(parse_spec(data), CATALOG)
    return caught.value


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"table": "employees", "measures": [{"agg": "count"},
                                             {"expr": "sum(email) + 1", "name": "x"}]},
         "measures[1].expr", ["email", "not available", "position 5"]),
        ({"table": "employees", "measures": [{"expr": "sum(sum(salary))", "name": "x"}]},
         "measures[0].expr", ["nested", "position 5"]),
        ({"table": "employees", "measures": [{"expr": "sleep(5)", "name": "x"}]},
         "measures[0].expr", ["sleep"]),
        ({"table": "employees", "measures": [{"expr": "sum(salary) -- x", "name": "x"}]},
         "measures[0].expr", ["position"]),
        ({"table": "employees", "columns": [{"name": "a", "expr": "b + 1"},
                                            {"name": "b", "expr": "salary"}],
          "measures": [{"agg": "sum", "column": "a"}]},
         "columns[0].expr", ["'b'", "position 1"]),
        ({"table": "employees", "columns": [{"name": "a", "expr": "count()"}],
          "measures": [{"agg": "count"}], "dimensions": [{"column": "a"}]},
         "columns[0].expr", ["aggregate"]),
        ({"table": "employees", "measures": [{"agg": "avg", "column": "salary",
                                              "cumulative": True}],
          "dimensions": [{"column": "department"}]},
         "measures[0].cumulative", ["running total", "avg"]),
        ({"table": "employees", "measures": [{"agg": "count"}],
          "dimensions": [{"column": "department"}],
          "having": [{"by": "department", "op": "eq", "value": "HR"}]},
         "having[0].by", ["filters"]),
        ({"table": "employees", "measures": [{"agg": "count"}],
          "dimensions": [{"column": "department"}], "limit": 3, "limit_per": "location"},
         "limit_per", ["department"]),
        ({"table": "employees", "measures": [{"agg": "count"}],
          "dimensions": [{"column": "department", "bin": {"width": 10}}]},
         "dimensions[0].bin", ["numbers"]),
        ({"table": "employees", "select": ["full_name", "email"]},
         "select[1]", ["email"]),
    ],
)
def test_v2_refusals_name_the_field_and_the_position(
    data: dict[str, Any], field: str, words: list[str]
) -> None:
    err = _refusal(data)
    assert err.field == field, err
    for word in words:
        assert word in err.message, err


@pytest.mark.parametrize(
    "data",
    [
        {"table": "employees", "measures": [{"expr": "count()"}]},  # name required
        {"table": "employees", "measures": [{"expr": "count()", "name": "1bad"}]},
        {"table": "employees", "measures": [{"expr": "count()", "name": "x", "agg": "sum"}]},
        {"table": "employees", "select": ["full_name"], "measures": [{"agg": "count"}]},
        {"table": "employees", "measures": [{"agg": "count"}], "offset": 5},
        {"table": "employees", "select": ["full_name"], "offset": 1_000_001},
        {"table": "employees", "measures": [{"agg": "count", "format": {"type": "currency"}}]},
        {"table": "employees", "measures": [{"agg": "count", "format": {"decimals": 11}}]},
        {"table": "employees", "measures": [{"agg": "count", "colour": "red"}]},
        {"table": "employees", "measures": [{"agg": "count"}],
         "dimensions": [{"column": "salary", "bin": {"width": 0}}]},
    ],
)
def test_v2_shape_errors_are_refused_by_the_spec(data: dict[str, Any]) -> None:
    with pytest.raises(QueryError):
        parse_spec(data)


def test_old_spec_keeps_its_output_names_and_new_names_follow_the_rules() -> None:
    spec = parse_spec({
        "table": "sales",
        "measures": [{"agg": "sum", "column": "amount"}, {"agg": "count", "share": True},
                     {"agg": "sum", "column": "amount", "cumulative": True},
                     {"expr": "sum(amount) / count()", "name": "avg_deal"}],
        "dimensions": [{"column": "category"}, {"column": "unit_price", "bin": {"width": 100}}],
    })
    assert spec.aliases == ("category", "unit_price_bin", "sum_amount", "count_share",
                            "sum_amount_cumulative", "avg_deal")


def test_format_is_passed_through_to_the_answer_columns() -> None:
    spec = parse_spec({
        "table": "sales",
        "measures": [{"agg": "sum", "column": "amount", "name": "revenue",
                      "format": {"type": "currency", "currency": "EUR", "decimals": 0}},
                     {"agg": "count"}],
        "dimensions": [{"column": "category"}],
    })
    compiled = compile_query(spec, CATALOG)
    meta, rows = describe_result(compiled.columns, [("Software", 10, 2)])
    assert meta[1] == {"name": "revenue", "type": "number",
                       "format": {"type": "currency", "decimals": 0, "currency": "EUR"}}
    assert "format" not in meta[0] and "format" not in meta[2]
    assert rows == [["Software", 10, 2]]
