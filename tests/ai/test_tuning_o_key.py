"""Tuning (query model v2 `key`): people ranked or broken down by name are grouped by their id
as the dimension's key, and shown by name only — no id column beside the name, and two people
who share a name are still two rows."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.catalog.model import Catalog
from tests.ai.demo import run_spec, run_sql
from tests.ai.tuning import Values, ask, dims_of, spec_of

PERSON = {"column": "employees.full_name", "key": "employees.employee_id"}


def _keyed(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in spec.get("dimensions", []) if "key" in d]


@pytest.mark.parametrize(
    "question",
    [
        "number of orders per salesperson",
        "average sale amount for each sales rep in 2024",
        "which five employees sold the most in 2023",
        "top 3 reps by units sold",
    ],
)
def test_people_are_shown_by_name_and_grouped_by_their_id(
    question: str, demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert _keyed(spec) == [PERSON], spec
    assert "employees.employee_id" not in dims_of(spec)
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    width = 1 + len(spec["measures"])
    assert rows and all(len(row) == width for row in rows)  # the name and the numbers only
    assert all(isinstance(row[0], str) for row in rows)


def test_two_people_who_share_a_name_stay_two_rows(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("number of orders per salesperson", catalog, values)
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    names = [row[0] for row in rows]
    sellers = run_sql(
        demo_engine, "SELECT COUNT(DISTINCT employee_id) FROM sales WHERE employee_id IS NOT NULL"
    )[0][0]
    assert len([n for n in names if n is not None]) == sellers
    assert len(set(names)) < len(names), "some sellers share a name in the demo"
    expected = run_sql(
        demo_engine,
        "SELECT e.full_name, COUNT(*) FROM sales s JOIN employees e "
        "ON e.employee_id = s.employee_id GROUP BY e.employee_id",
    )
    assert sorted(r for r in rows if r[0] is not None) == sorted(expected)


def test_top_n_per_group_with_a_key_ranks_people_apart(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("the 2 reps with the highest revenue in each product category", catalog, values)
    spec = spec_of(reply)
    assert _keyed(spec) == [PERSON], spec
    assert spec["limit"] == 2 and spec["limit_per"] == "category"
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    assert all(len(row) == 3 for row in rows)  # category, name, revenue
    expected = run_sql(
        demo_engine,
        "SELECT category, full_name, v FROM (SELECT s.category, e.full_name, SUM(s.amount) v, "
        "ROW_NUMBER() OVER (PARTITION BY s.category ORDER BY SUM(s.amount) DESC) rn "
        "FROM sales s JOIN employees e ON e.employee_id = s.employee_id "
        "GROUP BY s.category, e.employee_id) WHERE rn <= 2",
    )
    assert sorted((r[0], r[1], round(r[2], 2)) for r in rows) == sorted(
        (r[0], r[1], round(r[2], 2)) for r in expected
    )


def test_a_ranked_list_of_people_is_drawn_with_one_label(catalog: Catalog, values: Values) -> None:
    reply = ask("top 6 salespeople by revenue", catalog, values)
    assert _keyed(spec_of(reply)) == [PERSON]
    assert reply.tile is not None and reply.tile.chart_type in ("bar", "bar_horizontal")
    # A follow-up keeps the key and asks for no id either.
    later = ask("just 2024", catalog, values, previous=reply.tile)
    assert _keyed(spec_of(later)) == [PERSON]
    assert "employees.employee_id" not in dims_of(spec_of(later))
