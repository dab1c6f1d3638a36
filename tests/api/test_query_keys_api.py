"""A dimension's key through HTTP: people by name, grouped by their id, under access rules;
the answer has one column for them, and a key the user may not read is refused exactly as
reading it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import Org
from tests.api.test_query_api import _query, _sql, demo_db, secured

__all__ = ["demo_db", "secured"]  # the fixtures, shared with test_query_api

ALICE = {"tier": 1, "region": "North", "location": ["Paris", "London", "Berlin"]}
BY_SELLER: dict[str, Any] = {
    "table": "sales",
    "measures": [{"agg": "sum", "column": "amount"}],
    "dimensions": [{"column": "employees.full_name", "key": "employees.employee_id"}],
    "order_by": [{"by": "sum_amount", "desc": True}],
}


def test_people_by_name_under_rules_are_a_row_each_with_the_name_only(
    secured: tuple[Org, str], demo_db: Path
) -> None:
    org, _ = secured
    token = org.token("alice", attributes=ALICE)
    body = _query(org, token, BY_SELLER)
    assert body["columns"] == [
        {"name": "employees_full_name", "type": "string", "null_means": "hidden"},
        {"name": "sum_amount", "type": "number"},
    ]
    # Each seller she may see, a row each (namesakes apart), and one row for the North sales
    # made by people she may not see.
    expected = _sql(
        demo_db,
        "SELECT e.full_name, SUM(s.amount) FROM sales s LEFT JOIN employees e "
        "ON e.employee_id = s.employee_id AND e.location IN ('Paris', 'London', 'Berlin') "
        "WHERE s.sales_region = 'North' GROUP BY e.employee_id, e.full_name",
    )
    assert len(body["rows"]) == len(expected)
    assert sorted((r[0] or "", round(r[1], 2)) for r in body["rows"]) == sorted(
        (r[0] or "", round(r[1], 2)) for r in expected
    )
    assert "employee_id" not in {c["name"] for c in body["columns"]}
    assert all(len(row) == 2 for row in body["rows"])


def test_two_people_of_one_name_stay_two_rows(secured: tuple[Org, str], demo_db: Path) -> None:
    org, _ = secured
    token = org.token(
        "alice",
        attributes={**ALICE, "location": ["Paris", "London", "Berlin", "Tokyo", "New York"]},
    )
    spec = {
        "table": "employees",
        "measures": [{"agg": "count"}],
        "dimensions": [{"column": "full_name", "key": "employee_id"}],
        "order_by": [{"by": "count", "desc": True}],
        "limit": 10_000,
    }
    rows = _query(org, token, spec)["rows"]
    names = [r[0] for r in rows]
    repeated = _sql(
        demo_db,
        "SELECT full_name FROM employees WHERE location IN ('Paris', 'London', 'Berlin', "
        "'Tokyo', 'New York') GROUP BY full_name HAVING COUNT(*) > 1",
    )
    assert repeated, "the demo has people who share a name"
    for (name,) in repeated:
        assert names.count(name) > 1, name
    assert all(r[1] == 1 for r in rows)


@pytest.mark.parametrize("hide", ["column", "table"])
def test_a_key_the_user_may_not_read_is_refused_as_reading_it(
    secured: tuple[Org, str], hide: str
) -> None:
    org, source = secured
    if hide == "column":
        r = org.admin(
            "PATCH", f"/sources/{source}/tables/employees/columns/email", json={"hidden": True}
        )
        key = "employees.email"
    else:
        r = org.admin("PATCH", f"/sources/{source}/tables/offices", json={"hidden": True})
        key = "offices.office_id"
    assert r.status_code == 200
    token = org.token("alice", attributes=ALICE)
    keyed = _query(
        org,
        token,
        {**BY_SELLER, "dimensions": [{"column": "employees.full_name", "key": key}]},
        expect=422,
    )
    read = _query(org, token, {**BY_SELLER, "dimensions": [{"column": key}]}, expect=422)
    assert keyed["code"] == read["code"] == f"hidden_{hide}"
    assert keyed["detail"] == read["detail"]
    assert keyed["errors"][0]["field"] == "dimensions[0].key"
    assert "Traceback" not in str(keyed)


def test_a_key_on_another_table_is_a_clear_422(secured: tuple[Org, str]) -> None:
    org, _ = secured
    token = org.token("alice", attributes=ALICE)
    body = _query(
        org,
        token,
        {**BY_SELLER, "dimensions": [{"column": "employees.full_name", "key": "employee_id"}]},
        expect=422,
    )
    assert body["code"] == "invalid_query"
    assert body["errors"][0]["field"] == "dimensions[0].key"
    assert "employees.employee_id" in body["detail"]
