"""NULL groups that stand for rows an access rule hides, on all four databases.

Sales joined to employees under the rule `employees.location IN user.location`: a sale made
by an employee the user may not see keeps its amount but loses the employee's department, so
`sum(amount) by employees.department` has a NULL group. The answer must say which NULLs are
hidden rows and which are genuine (a sale without an employee, an employee without a
department), and the `is_not_null` filter must leave that group out.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from plotboard.access.rules import RuleSet
from plotboard.query.compile import describe_result
from plotboard.query.prepare import prepare_query
from plotboard.query.spec import parse_spec
from tests.query.databases import TestDatabase, normalize
from tests.query.dataset import DATA

LOCATION_RULE = {"column": "location", "op": "in", "attribute": "location"}
RULES = RuleSet.from_json([{"table": "employees", "conditions": [LOCATION_RULE]}])
SEEN = ["Paris", "Tokyo", "Berlin"]
BY_DEPARTMENT: dict[str, Any] = {
    "table": "sales",
    "measures": [{"agg": "sum", "column": "amount"}, {"agg": "count"}],
    "dimensions": [{"column": "employees.department"}],
}


def _answer(db: TestDatabase, spec: dict[str, Any], rules: RuleSet = RULES) -> Any:
    prepared = prepare_query(
        parse_spec(spec), db.catalog, rules, {"location": SEEN}, mark_hidden=True
    )
    rows = db.query(prepared.sql, prepared.params)
    columns, shown = describe_result(prepared.columns, normalize(rows))
    return columns, {row[0]: tuple(row[1:]) for row in shown}


def _expected() -> tuple[dict[str | None, tuple[float, int]], float, float]:
    """Totals per department as the user sees them, and the hidden and genuine NULL sums,
    computed from the dataset itself."""
    employees = {e["employee_id"]: e for e in DATA["employees"]}
    groups: dict[str | None, list[float]] = {}
    hidden = genuine = 0.0
    for sale in DATA["sales"]:
        employee = employees.get(sale["employee_id"])
        amount = float(Decimal(sale["amount"]))
        if employee is not None and employee["location"] not in SEEN:
            department, hidden = None, hidden + amount
        else:
            department = employee["department"] if employee else None
            genuine += amount if department is None else 0.0
        groups.setdefault(department, []).append(amount)
    return {k: (sum(v), len(v)) for k, v in groups.items()}, hidden, genuine


def test_null_group_says_it_holds_hidden_and_genuine_nulls(db: TestDatabase) -> None:
    columns, rows = _answer(db, BY_DEPARTMENT)
    expected, hidden, genuine = _expected()
    assert hidden > 0 and genuine > 0  # the dataset has both kinds
    assert columns == [
        {"name": "employees_department", "type": "string", "null_means": "hidden_or_empty"},
        {"name": "sum_amount", "type": "number"},
        {"name": "count", "type": "integer"},
    ]
    assert set(rows) == set(expected)
    for department, (total, count) in expected.items():
        assert rows[department][0] == pytest.approx(total)
        assert rows[department][1] == count


def test_only_hidden_rows_say_hidden(db: TestDatabase) -> None:
    # No sale without an employee, and only the departments that are set: what is left in the
    # NULL group is rows the rule hides.
    no_department = [e["employee_id"] for e in DATA["employees"] if e["department"] is None]
    spec = {
        **BY_DEPARTMENT,
        "filters": [
            {"column": "employee_id", "op": "is_not_null"},
            {"column": "employee_id", "op": "not_in", "value": no_department},
        ],
    }
    columns, rows = _answer(db, spec)
    assert columns[0] == {"name": "employees_department", "type": "string", "null_means": "hidden"}
    location = {e["employee_id"]: e["location"] for e in DATA["employees"]}
    hidden = [
        float(Decimal(s["amount"]))
        for s in DATA["sales"]
        if s["employee_id"] is not None
        and s["employee_id"] not in no_department
        and location[s["employee_id"]] not in SEEN
    ]
    assert rows[None] == (pytest.approx(sum(hidden)), len(hidden))


def test_not_null_filter_leaves_the_group_out(db: TestDatabase) -> None:
    spec = {**BY_DEPARTMENT, "filters": [{"column": "employees.department", "op": "is_not_null"}]}
    columns, rows = _answer(db, spec)
    expected, _, _ = _expected()
    assert None not in rows
    assert "null_means" not in columns[0]
    assert rows == {k: pytest.approx(v) for k, v in expected.items() if k is not None}


def test_no_marker_without_a_rule_on_the_path_or_hidden_rows(db: TestDatabase) -> None:
    # Genuine NULLs only (no rule at all): plain "(empty)", no metadata, no extra columns.
    columns, rows = _answer(db, BY_DEPARTMENT, RuleSet())
    assert columns[0] == {"name": "employees_department", "type": "string"}
    assert None in rows
    # The user sees every location: the rule hides nothing, so nothing is marked.
    prepared = prepare_query(
        parse_spec(BY_DEPARTMENT),
        db.catalog,
        RULES,
        {"location": sorted({e["location"] for e in DATA["employees"]})},
        mark_hidden=True,
    )
    meta, _ = describe_result(prepared.columns, db.query(prepared.sql, prepared.params))
    assert "null_means" not in meta[0]


def test_two_hops_through_the_ruled_table(db: TestDatabase) -> None:
    # sales -> employees (ruled) -> offices (no rule): offices.city is NULL for hidden sellers.
    spec = {
        "table": "sales",
        "measures": [{"agg": "count"}],
        "dimensions": [{"column": "offices.city"}, {"column": "sales_region"}],
        "filters": [{"column": "employee_id", "op": "is_not_null"}],
    }
    columns, _ = _answer(db, spec)
    assert columns[0]["null_means"] == "hidden"
    assert "null_means" not in columns[1]  # the spec's own column: never hidden by a join


def test_markers_only_when_asked(db: TestDatabase) -> None:
    prepared = prepare_query(parse_spec(BY_DEPARTMENT), db.catalog, RULES, {"location": SEEN})
    assert [c.name for c in prepared.columns] == ["employees_department", "sum_amount", "count"]
    assert all(len(row) == 3 for row in db.query(prepared.sql, prepared.params))


def test_a_list_of_records_says_which_related_values_are_hidden(db: TestDatabase) -> None:
    # A list of sales with the seller's department: a seller the rule hides left a NULL that
    # the list showed as an empty value ("—"), as if the sale had no seller, with nothing in
    # the answer to say otherwise.
    spec: dict[str, Any] = {
        "table": "sales",
        "select": ["sale_id", "amount", "employees.department"],
        "order_by": [{"by": "sale_id"}],
        "limit": 10_000,
    }
    prepared = prepare_query(
        parse_spec(spec), db.catalog, RULES, {"location": SEEN}, mark_hidden=True
    )
    meta, shown = describe_result(
        prepared.columns, normalize(db.query(prepared.sql, prepared.params))
    )
    assert meta == [
        {"name": "sale_id", "type": "integer"},
        {"name": "amount", "type": "number"},
        {"name": "employees_department", "type": "string", "null_means": "hidden_or_empty"},
    ]
    assert len(shown) == len(DATA["sales"]) and all(len(row) == 3 for row in shown)
    employees = {e["employee_id"]: e for e in DATA["employees"]}
    for sale_id, _, department in shown:
        sale = next(s for s in DATA["sales"] if s["sale_id"] == sale_id)
        seller = employees.get(sale["employee_id"])
        if seller is None or seller["location"] not in SEEN:
            assert department is None
        else:
            assert department == seller["department"]
    # Only the sellers that are set and have a department: every NULL left is a hidden one.
    no_department = [e["employee_id"] for e in DATA["employees"] if e["department"] is None]
    spec["filters"] = [
        {"column": "employee_id", "op": "is_not_null"},
        {"column": "employee_id", "op": "not_in", "value": no_department},
    ]
    prepared = prepare_query(
        parse_spec(spec), db.catalog, RULES, {"location": SEEN}, mark_hidden=True
    )
    meta, _ = describe_result(prepared.columns, normalize(db.query(prepared.sql, prepared.params)))
    assert meta[2] == {"name": "employees_department", "type": "string", "null_means": "hidden"}
    # Without a rule on the way, no marker and no extra column.
    prepared = prepare_query(parse_spec(spec), db.catalog, RuleSet(), {}, mark_hidden=True)
    assert [c.name for c in prepared.columns] == ["sale_id", "amount", "employees_department"]


def test_every_page_of_records_says_the_same_of_its_empty_values(db: TestDatabase) -> None:
    # Each page of a list judged its own rows: a page whose only empty department was a hidden
    # seller said "Not visible to you", the next page "Not visible to you or empty", another a
    # bare "—" for the same kind of row. What an empty value means is a fact of the whole list
    # (all the rows the user's filters match), the same on every page.
    spec: dict[str, Any] = {
        "table": "sales",
        "select": ["sale_id", "employees.department"],
        "order_by": [{"by": "sale_id"}],
        "limit": 2,
    }
    said: set[str | None] = set()
    pages_with_empty = 0
    for offset in range(0, len(DATA["sales"]), 2):
        spec["offset"] = offset
        prepared = prepare_query(
            parse_spec(spec), db.catalog, RULES, {"location": SEEN}, mark_hidden=True
        )
        meta, shown = describe_result(
            prepared.columns, normalize(db.query(prepared.sql, prepared.params))
        )
        if any(row[1] is None for row in shown):
            pages_with_empty += 1
            said.add(meta[1].get("null_means"))
    assert pages_with_empty > 1
    assert said == {"hidden_or_empty"}, said
