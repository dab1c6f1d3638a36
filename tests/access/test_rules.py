"""Rule model, JSON form, per-user evaluation and descriptions."""

from __future__ import annotations

from typing import Any

import pytest

from plotboard.access.conditions import describe, evaluate, rules_shape
from plotboard.access.rules import Condition, RuleSet, TableRule, parse_rule, rule_to_json
from plotboard.catalog.model import Catalog
from plotboard.query.errors import QueryError
from tests.access.rules_fixture import RULES, RULES_JSON
from tests.query.dataset import build_catalog


def test_json_round_trip() -> None:
    for item in RULES_JSON:
        assert rule_to_json(parse_rule(item)) == item


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"table": "sales"}, "conditions"),
        ({"table": "sales", "conditions": []}, "conditions"),
        (
            {"table": "sales", "conditions": [{"column": "a", "op": "like", "attribute": "x"}]},
            "conditions",
        ),
        ({"table": "sales", "conditions": [{"op": "eq", "attribute": "x"}]}, "conditions"),
        (
            {"table": "sales", "conditions": [{"column": "a", "op": "eq", "attribute": "x y"}]},
            "conditions",
        ),
        ({"table": "sales", "conditions": [{"any": []}]}, "conditions"),
        (
            {
                "table": "sales",
                "conditions": [{"column": "a", "op": "eq", "attribute": "x", "value": "North"}],
            },
            "conditions",
        ),
    ],
)
def test_bad_rules_are_refused(data: dict[str, Any], where: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_rule(data)
    assert caught.value.code == "invalid_rule"
    assert caught.value.field is not None and caught.value.field.startswith(where)


def test_rules_for_the_same_table_are_anded_and_fingerprinted() -> None:
    a = parse_rule(
        {
            "table": "sales",
            "conditions": [{"column": "sales_region", "op": "eq", "attribute": "region"}],
        }
    )
    b = parse_rule(
        {"table": "SALES", "conditions": [{"column": "quantity", "op": "gt", "attribute": "q"}]}
    )
    rules = RuleSet([a, b])
    table = build_catalog("postgres").table("sales")
    assert table is not None
    found = rules.for_table(table)
    assert found is not None and len(found[1].groups) == 2
    assert RuleSet([a, b]).fingerprint == rules.fingerprint != RuleSet([a]).fingerprint


def test_schema_qualified_rules() -> None:
    catalog = build_catalog("postgres", schema="crm")
    sales = catalog.table("sales")
    assert sales is not None
    assert (
        RuleSet(
            [
                TableRule(
                    table="other.sales", groups=((Condition(column="x", op="eq", attribute="a"),),)
                )
            ]
        ).for_table(sales)
        is None
    )
    both = RuleSet(
        [
            TableRule(
                table="crm.sales", groups=((Condition(column="x", op="eq", attribute="a"),),)
            ),
            TableRule(table="sales", groups=((Condition(column="y", op="eq", attribute="b"),),)),
        ]
    ).for_table(sales)
    assert both is not None and len(both[1].groups) == 2


EQ = Condition(column="c", op="eq", attribute="a")
IN = Condition(column="c", op="in", attribute="a")
NOT_IN = Condition(column="c", op="not_in", attribute="a")
IS_SET = Condition(op="is_set", attribute="a")


@pytest.mark.parametrize(
    ("condition", "attrs", "kind", "values"),
    [
        (EQ, {"a": "North"}, "compare", ("North",)),
        (EQ, {}, "false", ()),
        (EQ, {"a": None}, "false", ()),
        (EQ, {"a": ["North"]}, "false", ()),
        (EQ, {"a": {"x": 1}}, "false", ()),
        (EQ, {"a": "' OR 1=1 --"}, "compare", ("' OR 1=1 --",)),
        (IN, {"a": ["x", "y"]}, "compare", ("x", "y")),
        (IN, {"a": "x"}, "compare", ("x",)),
        (IN, {"a": []}, "false", ()),
        (IN, {}, "false", ()),
        (IN, {"a": [["nested"]]}, "false", ()),
        (NOT_IN, {"a": []}, "true", ()),
        (NOT_IN, {"a": ["x"]}, "compare", ("x",)),
        (NOT_IN, {}, "false", ()),
        (IS_SET, {"a": True}, "true", ()),
        (IS_SET, {"a": "yes"}, "true", ()),
        (IS_SET, {"a": 0}, "true", ()),
        (IS_SET, {"a": False}, "false", ()),
        (IS_SET, {"a": ""}, "false", ()),
        (IS_SET, {"a": []}, "false", ()),
        (IS_SET, {}, "false", ()),
    ],
)
def test_condition_semantics(
    condition: Condition, attrs: dict[str, Any], kind: str, values: tuple[Any, ...]
) -> None:
    outcome = evaluate(condition, attrs)
    assert (outcome.kind, outcome.values) == (kind, values)


def test_shape_depends_on_structure_not_values() -> None:
    a = {"region": "North", "location": ["Tokyo", "Paris"]}
    b = {"region": "' OR 1=1", "location": ["Berlin", "x"]}
    c = {"region": "North", "location": ["Tokyo"]}
    assert rules_shape(RULES, a) == rules_shape(RULES, b) != rules_shape(RULES, c)


def test_descriptions() -> None:
    catalog: Catalog = build_catalog("postgres")
    offices, employees = catalog.table("offices"), catalog.table("employees")
    assert offices is not None and employees is not None
    _, rule = RULES.for_table(offices) or (0, None)
    assert rule is not None
    assert describe(offices, rule, {"office_region": "EMEA"}) == (
        "offices.region = 'EMEA' OR user.all_regions is set (not set)"
    )
    assert describe(offices, rule, {"all_regions": True}) == (
        "offices.region = user.office_region (missing: no rows) OR user.all_regions is set"
    )
    _, rule = RULES.for_table(employees) or (0, None)
    assert rule is not None
    assert describe(employees, rule, {"location": ["Tokyo", "O'Hare"]}) == (
        "employees.location IN ('Tokyo', 'O''Hare')"
    )


def test_rule_problems_for_the_admin_console() -> None:
    from plotboard.access.rules import rule_problems

    catalog = build_catalog("postgres")
    ok, missing_table, missing_column = (
        parse_rule(RULES_JSON[0]),
        parse_rule({"table": "salez", "conditions": [RULES_JSON[0]["conditions"][0]]}),
        parse_rule(
            {
                "table": "sales",
                "conditions": [{"column": "regio", "op": "eq", "attribute": "region"}],
            }
        ),
    )
    assert rule_problems(ok, catalog) == []
    assert "protects nothing" in rule_problems(missing_table, catalog)[0]
    assert "Column 'regio' does not exist" in rule_problems(missing_column, catalog)[0]
