"""A calculated measure (`{"expr": ...}`) that reads a column of a linked table, on every
database.

An expression reaches a related table's column exactly as a dimension or a filter does:
through the same foreign-key join, so the joined table is read through its own access rule
and its hidden columns stay hidden. The answer must be exactly the answer on a copy of the
database that holds only the user's rows (where the hidden rows do not exist at all): an
employee whose office the user may not see counts as having no office, never as one of
the office's region.
"""

from __future__ import annotations

from typing import Any

import pytest

from plotboard.access.rules import EMPTY_RULES
from plotboard.query.compile import describe_result
from plotboard.query.errors import QueryError
from plotboard.query.prepare import prepare_query
from plotboard.query.spec import parse_spec
from tests.access.oracle import permitted_keys
from tests.access.rules_fixture import RULES
from tests.query.databases import TestDatabase, same_rows
from tests.query.dataset import DATA

USERS: list[dict[str, Any]] = [
    {"region": "North", "location": ["Tokyo", "Paris", "São Paulo"], "office_region": "EMEA"},
    {"region": "South", "location": ["London", "Tokyo"], "office_region": "APAC"},
]

SHARE_IN_REGION = {
    "table": "employees",
    "measures": [
        {"expr": "count_if(offices.region = 'EMEA') * 100.0 / count()", "name": "emea_pct"},
        {"expr": "count_if(offices.region is null)", "name": "no_office"},
    ],
    "dimensions": [{"column": "department"}],
}
SALES_BY_OFFICE_REGION = {
    "table": "sales",
    "measures": [{"expr": "sum_if(amount, offices.region = 'APAC')", "name": "apac"}],
    "dimensions": [{"column": "category"}],
}


def _answer(db: TestDatabase, spec: dict[str, Any], attrs: dict[str, Any]) -> tuple[Any, Any]:
    prepared = prepare_query(parse_spec(spec), db.catalog, RULES, attrs, mark_hidden=True)
    return describe_result(prepared.columns, db.query(prepared.sql, prepared.params))


def _on_permitted_copy(db: TestDatabase, spec: dict[str, Any], attrs: dict[str, Any]) -> Any:
    db.set_permitted(permitted_keys(attrs))
    prepared = prepare_query(parse_spec(spec), db.catalog, EMPTY_RULES, {}, mark_hidden=True)
    return describe_result(prepared.columns, db.query(prepared.sql, prepared.params, copy=True))


@pytest.mark.parametrize("spec", [SHARE_IN_REGION, SALES_BY_OFFICE_REGION],
                         ids=["employees", "sales"])
@pytest.mark.parametrize("user", range(len(USERS)))
def test_a_joined_column_in_an_expression_is_read_under_its_tables_rule(
    db: TestDatabase, spec: dict[str, Any], user: int
) -> None:
    attrs = USERS[user]
    columns, rows = _answer(db, spec, attrs)
    copy_columns, copy_rows = _on_permitted_copy(db, spec, attrs)
    assert columns == copy_columns
    assert same_rows(rows, copy_rows)


def test_the_rule_changes_what_the_expression_sees(db: TestDatabase) -> None:
    """Without rules some employees of a visible location sit in EMEA offices; for a user who
    may see only APAC offices, none of them does."""
    attrs = USERS[1]
    offices = {o["office_id"]: o["region"] for o in DATA["offices"]}
    visible = [e for e in DATA["employees"] if e["location"] in attrs["location"]]
    assert any(offices.get(e["office_id"]) == "EMEA" for e in visible), "dataset changed"
    _, rows = _answer(db, SHARE_IN_REGION, attrs)
    assert rows and all(not row[1] for row in rows), rows


@pytest.mark.parametrize(
    "expr",
    ["count_if(employees.email = 'x')", "count_distinct(employees.email)",
     "sum_if(amount, employees.email is not null)"],
)
def test_a_hidden_column_of_a_joined_table_is_refused_in_an_expression(
    db: TestDatabase, expr: str
) -> None:
    spec = {"table": "sales", "measures": [{"expr": expr, "name": "x"}]}
    with pytest.raises(QueryError) as caught:
        prepare_query(parse_spec(spec), db.catalog, RULES, USERS[0])
    assert "email" in caught.value.message
    assert "not available" in caught.value.message
