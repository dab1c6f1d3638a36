"""The rewrite on the syntax tree, as input/expected pairs in fixtures/rewrite.sql."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from plotboard.access.enforce import enforce_access_rules
from plotboard.query.compile import compile_query
from plotboard.query.render import render
from plotboard.query.spec import parse_spec
from tests.access.rules_fixture import RULES
from tests.query.dataset import build_catalog

CATALOG = build_catalog("postgres", schema="public")


@dataclass
class Case:
    title: str
    input: str
    expected: str
    attributes: dict[str, Any]


def _read_cases() -> list[Case]:
    cases: list[Case] = []
    attributes: dict[str, Any] = {}
    block: list[str] = []
    lines = (Path(__file__).parent / "fixtures" / "rewrite.sql").read_text().splitlines()
    for line in [*lines, ""]:
        if line.startswith("# attributes:"):
            attributes = json.loads(line.removeprefix("# attributes:"))
        elif line.startswith("#"):
            continue
        elif line.strip():
            block.append(line)
        elif block:
            title, sql_in, sql_out = block
            cases.append(Case(title.removeprefix("-- "), sql_in, sql_out, attributes))
            block = []
    return cases


CASES = _read_cases()


def _canonical(sql: str) -> str:
    return sqlglot.parse_one(sql, read="postgres").sql("postgres", identify=True)


@pytest.mark.parametrize("case", CASES, ids=[c.title for c in CASES])
def test_rewrite(case: Case) -> None:
    tree = sqlglot.parse_one(case.input, read="postgres")
    assert isinstance(tree, exp.Query)
    enforced = enforce_access_rules(tree, CATALOG, RULES, case.attributes)
    assert _canonical(enforced.expression.sql("postgres")) == _canonical(case.expected)
    # The input tree is left untouched.
    assert tree.sql("postgres") == sqlglot.parse_one(case.input, read="postgres").sql("postgres")


def test_attribute_values_are_bound_not_written() -> None:
    tree = sqlglot.parse_one("SELECT city FROM offices", read="sqlite")
    assert isinstance(tree, exp.Query)
    hostile = "' OR 1=1 --"
    enforced = enforce_access_rules(tree, CATALOG, RULES, {"office_region": hostile})
    assert hostile not in enforced.expression.sql("sqlite")
    assert dict(enforced.params) == {"r1_0_0": hostile}
    assert enforced.applied == (
        "offices.region = ''' OR 1=1 --' OR user.all_regions is set (not set)",
    )


def test_a_query_specs_filters_reach_the_table_inside_the_fence() -> None:
    """A tile's filters are copied inside the rule's subquery, where the table's indexes are:
    without that, a fenced tile over a big table scans every row the user may see."""
    spec = parse_spec(
        {
            "table": "sales",
            "measures": [{"agg": "sum", "column": "amount"}],
            "dimensions": [{"column": "employees.department"}],
            "filters": [
                {"column": "sale_date", "op": "between", "value": ["2024-03-01", "2024-03-31"]},
                {"column": "product", "op": "contains", "value": "desk"},
                {"column": "employees.salary", "op": "gt", "value": 50000},
            ],
        }
    )
    compiled = compile_query(spec, CATALOG)
    enforced = enforce_access_rules(
        compiled.expression, CATALOG, RULES, {"region": "North", "location": ["Paris"]},
        compiled.params,
    )
    wrappers = {
        str(s.alias): render(s.this.args["where"].this, "postgres")
        for s in enforced.expression.find_all(exp.Subquery)
    }
    assert wrappers == {
        "sales": '("sales"."sales_region" = :r2_0_0) AND "sales"."sale_date" BETWEEN :p0 AND :p1',
        "employees": '("employees"."location" IN (:r0_0_0)) AND "employees"."salary" > :p3',
    }
    # The base table's term moved; the LIKE, and the LEFT JOINed table's term, stay outside.
    outer = enforced.expression.args["where"].this
    assert render(outer, "postgres") == (
        'LOWER("sales"."product") LIKE LOWER(:p2) ESCAPE \'!\' AND "employees"."salary" > :p3'
    )
