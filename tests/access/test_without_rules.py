"""“Has no related rows” (`{"without": <table>}`) and “any of” under access rules, on every
database.

The related rows a `without` looks for are read through the related table's own rules, so
only rows the user may see count: a person whose sales are all in another region has no sales
*for that user*, which is the rule-respecting answer. Nothing about the hidden rows may show:
the answer must be exactly the answer on a copy of the database that holds only the user's
rows (where the hidden rows do not exist at all), with the same columns and metadata.
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

USER = {"region": "North", "location": ["Tokyo", "Paris", "São Paulo"], "office_region": "EMEA"}


def _answer(db: TestDatabase, spec: dict[str, Any], attrs: dict[str, Any]) -> tuple[Any, Any]:
    prepared = prepare_query(parse_spec(spec), db.catalog, RULES, attrs, mark_hidden=True)
    return describe_result(prepared.columns, db.query(prepared.sql, prepared.params))


def _on_permitted_copy(db: TestDatabase, spec: dict[str, Any], attrs: dict[str, Any]) -> Any:
    """The same spec without rules, on a copy holding only the rows `attrs` may see."""
    db.set_permitted(permitted_keys(attrs))
    prepared = prepare_query(parse_spec(spec), db.catalog, EMPTY_RULES, {}, mark_hidden=True)
    return describe_result(prepared.columns, db.query(prepared.sql, prepared.params, copy=True))


def _visible_without_visible_sales(attrs: dict[str, Any]) -> set[int]:
    keep = permitted_keys(attrs)
    employees, sales = keep["employees"], keep["sales"]
    assert employees is not None and sales is not None
    sold = {s["employee_id"] for s in DATA["sales"] if s["sale_id"] in sales}
    return {e for e in employees if e not in sold}


LISTED = {
    "table": "employees",
    "select": ["employee_id"],
    "filters": [{"without": "sales"}],
    "limit": 1000,
}


def test_a_person_whose_sales_are_all_hidden_has_no_sales_for_that_user(
    db: TestDatabase,
) -> None:
    hidden_only = sorted(
        e["employee_id"]
        for e in DATA["employees"]
        if e["location"] in USER["location"]
        and (
            regions := {
                s["sales_region"] for s in DATA["sales"] if s["employee_id"] == e["employee_id"]
            }
        )
        and "North" not in regions
    )
    assert hidden_only, "the dataset should have such a person"
    _, rows = _answer(db, LISTED, USER)
    listed = {row[0] for row in rows}
    assert set(hidden_only) <= listed
    assert listed == _visible_without_visible_sales(USER)
    # Without rules the same people have sales, so they are not listed.
    unruled = prepare_query(parse_spec(LISTED), db.catalog, EMPTY_RULES, {})
    everyone = {row[0] for row in db.query(unruled.sql, unruled.params)}
    assert not set(hidden_only) & everyone


def test_a_missing_attribute_fails_closed_inside_the_subquery(db: TestDatabase) -> None:
    # No `region`: the sales rule keeps no rows, so no visible person has a visible sale.
    attrs = {"location": USER["location"]}
    _, rows = _answer(db, LISTED, attrs)
    keep = permitted_keys(attrs)["employees"]
    assert keep and {row[0] for row in rows} == keep


SPECS: list[dict[str, Any]] = [
    {
        "table": "employees",
        "measures": [{"agg": "count"}, {"agg": "sum", "column": "salary"}],
        "dimensions": [{"column": "department"}],
        "filters": [{"without": "sales"}],
    },
    {
        "table": "employees",
        "select": ["full_name", "offices.city"],
        "filters": [
            {"without": "sales", "where": [{"column": "category", "op": "eq", "value": "Hardware"}]}
        ],
    },
    {
        "table": "offices",
        "dimensions": [{"column": "city"}],
        "measures": [{"agg": "count"}],
        "filters": [
            {
                "without": "sales",
                "where": [
                    {"column": "sale_date", "op": "between", "value": ["2024-01-01", "2024-06-30"]}
                ],
            }
        ],
    },
    {
        "table": "offices",
        "measures": [{"agg": "count"}],
        "filters": [
            {"without": "employees", "where": [{"column": "is_remote", "op": "eq", "value": True}]}
        ],
    },
    {
        "table": "employees",
        "measures": [{"agg": "count"}],
        "dimensions": [{"column": "job_title"}],
        "filters": [{"without": "employees"}],
    },
    {
        "table": "employees",
        "measures": [{"agg": "count"}],
        "dimensions": [{"column": "location"}],
        "filters": [
            {
                "any": [
                    {"column": "performance_rating", "op": "eq", "value": 5},
                    {
                        "without": "sales",
                        "where": [{"column": "amount", "op": "gt", "value": 1000}],
                    },
                ]
            }
        ],
    },
    {
        "table": "sales",
        "measures": [{"agg": "count"}],
        "dimensions": [{"column": "employees.location"}],
        "filters": [
            {
                "any": [
                    {"column": "category", "op": "eq", "value": "Services"},
                    {"column": "employees.performance_rating", "op": "eq", "value": 5},
                ]
            }
        ],
    },
]


@pytest.mark.parametrize("spec", SPECS, ids=[f"spec{i}" for i in range(len(SPECS))])
def test_the_answer_is_the_answer_on_a_copy_without_the_hidden_rows(
    db: TestDatabase, spec: dict[str, Any]
) -> None:
    # Equal rows and equal column metadata: the hidden rows change nothing the user gets,
    # not a count, not a NULL marker, not the number of rows.
    meta, rows = _answer(db, spec, USER)
    copy_meta, copy_rows = _on_permitted_copy(db, spec, USER)
    assert same_rows(rows, copy_rows, ordered=False), (rows, copy_rows)
    assert [{k: v for k, v in m.items() if k != "null_means"} for m in meta] == [
        {k: v for k, v in m.items() if k != "null_means"} for m in copy_meta
    ]
    assert len(rows) == len(copy_rows)


def test_the_sql_reads_the_related_table_through_its_rule(db: TestDatabase) -> None:
    prepared = prepare_query(parse_spec(LISTED), db.catalog, RULES, USER)
    assert any("sales_region" in line for line in prepared.applied)
    assert "North" in prepared.params.values()


def test_refusals_come_from_the_catalog_not_the_data(db: TestDatabase) -> None:
    # Same refusal for a user who sees everything and one who sees nothing.
    bad = {
        "table": "employees",
        "measures": [{"agg": "count"}],
        "filters": [{"without": "offices"}],
    }
    messages = set()
    for attrs in (USER, {"location": [], "region": "nowhere"}):
        with pytest.raises(QueryError) as caught:
            prepare_query(parse_spec(bad), db.catalog, RULES, attrs)
        messages.add((caught.value.code, caught.value.field, caught.value.message))
    assert len(messages) == 1
    assert next(iter(messages))[0] == "no_join_path"
