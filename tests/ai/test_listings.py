"""The built-in engine on questions that want the rows themselves or a group's values, not a
count (issue 12 item 1: detail listings, filters on totals, top N per group, distributions,
"has no ..."): the spec it writes and, where it is the point, the rows it gives."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from plotboard.ai.answers import EngineAnswer
from plotboard.ai.builtin import answer
from plotboard.catalog.model import Catalog
from tests.ai.demo import run_spec, run_sql

TODAY = dt.date(2025, 7, 15)
Values = dict[tuple[str, str], list[str]]


def ask(question: str, catalog: Catalog, values: Values, **kwargs: Any) -> EngineAnswer:
    return answer(question, catalog, values, today=TODAY, **kwargs)


def spec_of(reply: EngineAnswer) -> dict[str, Any]:
    assert reply.tile is not None, reply.answer
    return reply.tile.query.model_dump(exclude_defaults=True, mode="json")


def _filters(spec: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return sorted((f["column"], f["op"], f.get("value")) for f in spec.get("filters", []))


# -- detail listings -------------------------------------------------------------------------


def test_a_flag_after_who_keeps_those_rows(catalog: Catalog, values: Values) -> None:
    for question in ("who is remote in Berlin?", "which staff work remotely in Berlin"):
        spec = spec_of(ask(question, catalog, values))
        assert "select" in spec and "full_name" in spec["select"], question
        assert _filters(spec) == [
            ("is_remote", "eq", True), ("location", "eq", "Berlin")
        ], question


def test_the_newest_hires_and_their_columns_are_those_rows(
    catalog: Catalog, values: Values
) -> None:
    # "Hires" reads as a count of the rows ("hires by month"): "list the 10 newest hires with
    # their department and hire date" was "Headcount by department", every hire counted.
    cases = {
        "list the 10 newest hires with their department and hire date": (
            ["full_name", "department", "hire_date"], 10, True
        ),
        "the 10 newest hires and their location": (
            ["full_name", "location", "hire_date"], 10, True
        ),
        "the 5 oldest hires with their salary": (["full_name", "salary", "hire_date"], 5, False),
    }
    for question, (columns, n, desc) in cases.items():
        spec = spec_of(ask(question, catalog, values))
        assert spec.get("select") == columns, (question, spec)
        (order,) = spec["order_by"]
        assert order["by"] == "hire_date" and order.get("desc", False) is desc, question
        assert spec["limit"] == n, question
        assert "offset" not in spec, question  # a top N, not pages
    # Hires counted by a column stay a count.
    spec = spec_of(ask("hires by department", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert spec["dimensions"] == [{"column": "department"}], spec


def test_the_highest_paid_and_their_columns_are_those_rows(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    # Walking the demo: "list the 10 highest paid employees with their department" was "Top
    # 10 departments by average salary", the department read as a breakdown.
    cases = {
        "list the 10 highest paid employees with their department": (
            ["full_name", "salary", "department"], 10
        ),
        "the 5 highest paid people with their job title": (
            ["full_name", "salary", "job_title"], 5
        ),
    }
    for question, (columns, n) in cases.items():
        reply = ask(question, catalog, values)
        spec = spec_of(reply)
        assert "measures" not in spec and "dimensions" not in spec, (question, spec)
        assert spec.get("select") == columns, (question, spec)
        assert spec["order_by"] == [{"by": "salary", "desc": True}], question
        assert spec["limit"] == n and "offset" not in spec, question
        assert reply.understood == f"{n} employees with the highest salary", reply.understood
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    expected = run_sql(
        demo_engine,
        "SELECT full_name, salary, job_title FROM employees ORDER BY salary DESC LIMIT 5",
    )
    assert [r[1] for r in rows] == [r[1] for r in expected]
    # Without "their", a column said after the rows is still a breakdown.
    spec = spec_of(ask("average salary by department", catalog, values))
    assert spec["dimensions"] == [{"column": "department"}], spec


def test_plural_things_kept_by_exact_marks_are_listed(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    cases = {
        "staff in London with a rating of 5": [
            ("location", "eq", "London"), ("performance_rating", "eq", 5)
        ],
        "offices in Germany": [("country", "eq", "Germany")],
        "employees who joined in March 2024": [
            ("hire_date", "between", ["2024-03-01", "2024-03-31"])
        ],
        "people without a manager": [("manager_id", "is_null", None)],
    }
    for question, filters in cases.items():
        reply = ask(question, catalog, values)
        spec = spec_of(reply)
        assert "select" in spec and "measures" not in spec, question
        assert _filters(spec) == filters, question
        assert reply.tile is not None and reply.tile.chart_type == "table"
    rows = run_spec(demo_engine, catalog, ask("offices in Germany", catalog, values).tile.query)  # type: ignore[union-attr]
    expected = run_sql(demo_engine, "SELECT city FROM offices WHERE country = 'Germany'")
    # An office is named by its city (no id column: other tables point at offices).
    assert sorted(r[0] for r in rows) == sorted(r[0] for r in expected)


def test_thresholds_and_amounts_still_count_or_add_up(catalog: Catalog, values: Values) -> None:
    for question, measure in (
        ("employees hired before 2018", {"agg": "count"}),
        ("people with a rating of 3 or more in Sales", {"agg": "count"}),
        ("employees hired in 2024", {"agg": "count"}),
        ("sales in Paris", {"agg": "sum", "column": "amount"}),
    ):
        spec = spec_of(ask(question, catalog, values))
        assert spec.get("measures") == [measure], question


def test_which_values_of_a_column_are_its_distinct_values(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("which products were sold at a unit price above 1500?", catalog, values)
    spec = spec_of(reply)
    assert spec["dimensions"] == [{"column": "product"}]
    assert _filters(spec) == [("unit_price", "gt", 1500)]
    rows = run_spec(demo_engine, catalog, reply.tile.query)  # type: ignore[union-attr]
    expected = run_sql(demo_engine, "SELECT DISTINCT product FROM sales WHERE unit_price > 1500")
    assert sorted(r[0] for r in rows) == sorted(r[0] for r in expected)


# -- context words that are no filter --------------------------------------------------------


def test_a_word_for_the_rows_is_not_one_word_of_a_value(catalog: Catalog, values: Values) -> None:
    # "staff" names the employees; it is also a word of the job title "Staff Engineer".
    spec = spec_of(ask("average salary among staff with a rating of 2 or lower", catalog, values))
    assert _filters(spec) == [("performance_rating", "lte", 2)]
    both = spec_of(ask("average salary of staff engineers", catalog, values))
    assert _filters(both) == [("job_title", "eq", "Staff Engineer")]


def test_why_the_question_is_asked_is_not_part_of_it(catalog: Catalog, values: Values) -> None:
    for question in (
        "I'm new to the team: how many people work in Engineering?",
        "headcount in Engineering, this is for a finance review",
        "headcount in Engineering for our yearly HR audit please",
    ):
        spec = spec_of(ask(question, catalog, values))
        assert _filters(spec) == [("department", "eq", "Engineering")], question


def test_office_based_is_the_other_side_of_remote(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("remote versus office-based staff", catalog, values))
    assert spec["dimensions"] == [{"column": "is_remote"}]
    spec = spec_of(ask("how many office-based people in Paris", catalog, values))
    assert _filters(spec) == [("is_remote", "eq", False), ("location", "eq", "Paris")]


# -- distributions ---------------------------------------------------------------------------


def test_band_size_before_what_is_banded(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("count of staff in every 10k salary bracket", catalog, values))
    assert spec["dimensions"] == [{"column": "salary", "bin": {"width": 10000}}]
    assert spec["measures"] == [{"agg": "count"}]


def test_dates_spread_are_counted_per_year_unless_a_grain_is_named(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("how are the sale dates distributed?", catalog, values))
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "year"}]
    spec = spec_of(ask("distribution of hire dates by quarter", catalog, values))
    assert spec["dimensions"] == [{"column": "hire_date", "grain": "quarter"}]


def test_a_misspelt_distribution_and_order_sizes(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("distrbution of salries", catalog, values))
    assert spec["dimensions"][0]["column"] == "salary" and "bin" in spec["dimensions"][0]
    spec = spec_of(ask("histogram of sale sizes in 2024", catalog, values))
    assert spec["dimensions"][0]["column"] == "amount" and "bin" in spec["dimensions"][0]
    assert spec["measures"] == [{"agg": "count"}]


# -- people grouped by who they are, not by a name that repeats ------------------------------


def test_people_are_grouped_by_their_key_with_their_name(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("top 4 reps by revenue in 2024", catalog, values)
    spec = spec_of(reply)
    # Grouped by their key, shown by their name only.
    assert spec["dimensions"] == [
        {"column": "employees.full_name", "key": "employees.employee_id"}
    ]
    assert reply.tile is not None and reply.tile.chart_type == "bar"
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    # Two people who share a name are two rows, never one sum.
    expected = run_sql(
        demo_engine,
        "SELECT e.full_name, SUM(s.amount) FROM sales s JOIN employees e "
        "ON e.employee_id = s.employee_id WHERE s.sale_date BETWEEN '2024-01-01' AND "
        "'2024-12-31' GROUP BY e.employee_id ORDER BY 2 DESC LIMIT 4",
    )
    assert [r[:1] for r in rows] == [r[:1] for r in expected]
    # A follow-up keeps the key; split by another breakdown, a chart asked for says why it
    # is a table (a chart would merge two people of one name).
    later = ask("only Hardware", catalog, values, previous=reply.tile)
    assert spec_of(later)["dimensions"] == spec["dimensions"]
    split = ask("the 2 reps with the most revenue in each region", catalog, values)
    assert split.tile is not None and split.tile.chart_type == "table"
    bars = ask("as a bar chart", catalog, values, previous=split.tile)
    assert bars.tile is not None and bars.tile.chart_type == "table"
    assert any("names can repeat" in n for n in bars.notes)


def test_a_few_listed_labels_are_no_key(catalog: Catalog, values: Values) -> None:
    # Ten offices, each city listed once: grouped by the city alone.
    spec = spec_of(ask("revenue by office city", catalog, values))
    assert spec["dimensions"] == [{"column": "offices.city"}]


# -- filters on totals -----------------------------------------------------------------------


def _having(spec: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [(h["by"], h["op"], h["value"]) for h in spec.get("having", [])]


def test_the_measure_named_after_the_number_is_the_one_compared(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("categories that earned more than 40M of revenue in 2024", catalog, values))
    assert spec["dimensions"] == [{"column": "category"}]
    assert _having(spec) == [("sum_amount", "gt", 40000000)]
    assert all("salary" not in f["column"] for f in spec.get("filters", []))


def test_an_average_compared_is_that_average(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("product categories whose average order value is below 3000", catalog,
                       values))
    assert spec["measures"] == [{"agg": "avg", "column": "amount"}]
    assert _having(spec) == [("avg_amount", "lt", 3000)]


def test_verbs_of_going_past_a_number_compare(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("quarters in which revenue exceeded 25 million", catalog, values))
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "quarter"}]
    assert _having(spec) == [("sum_amount", "gt", 25000000)]


def test_things_compared_by_how_many_rows_of_another_table_they_have(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("salespeople with 260 or more orders", catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "sales" and spec["measures"] == [{"agg": "count"}]
    assert spec["dimensions"][-1] == {
        "column": "employees.full_name", "key": "employees.employee_id"
    }
    assert _having(spec) == [("count", "gte", 260)]
    rows = run_spec(demo_engine, catalog, reply.tile.query)  # type: ignore[union-attr]
    expected = run_sql(
        demo_engine,
        "SELECT e.full_name FROM sales s JOIN employees e ON e.employee_id = s.employee_id "
        "GROUP BY s.employee_id HAVING COUNT(*) >= 260",
    )
    assert sorted(r[0] for r in rows) == sorted(r[0] for r in expected)
    spec = spec_of(ask("offices that have more than 150 staff", catalog, values))
    assert spec["table"] == "employees" and spec["dimensions"] == [{"column": "offices.city"}]
    assert _having(spec) == [("count", "gt", 150)]


# -- top N per group -------------------------------------------------------------------------


def test_the_tables_own_rows_ranked_within_each_group(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    # One salary per person: the person (by name) and their salary, the highest in the
    # office (test_tuning_k_shapes.py: a value of their own row is not averaged).
    reply = ask("the best paid employee in every office", catalog, values)
    spec = spec_of(reply)
    assert spec["dimensions"] == [{"column": "location"}, {"column": "full_name"}]
    assert spec["measures"] == [{"agg": "max", "column": "salary"}]
    assert spec["limit"] == 1 and spec["limit_per"] == "location"
    rows = run_spec(demo_engine, catalog, reply.tile.query)  # type: ignore[union-attr]
    expected = run_sql(
        demo_engine,
        "SELECT location, full_name, salary FROM employees e WHERE salary = "
        "(SELECT MAX(salary) FROM employees x WHERE x.location = e.location)",
    )
    assert sorted(rows) == sorted(expected)


def test_a_measure_after_best_selling_is_how_it_is_ranked(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("in every category, the best-selling product by quantity", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}]
    assert spec["limit"] == 1 and spec["limit_per"] == "category"


def test_periods_ranked_within_longer_periods(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the 2 strongest quarters by revenue in each year", catalog, values))
    assert spec["dimensions"] == [
        {"column": "sale_date", "grain": "year"}, {"column": "sale_date", "grain": "quarter"}
    ]
    assert spec["limit"] == 2 and spec["limit_per"] == "sale_date_year"
    spec = spec_of(ask("the busiest month for hiring in every year", catalog, values))
    assert spec["limit"] == 1 and spec["limit_per"] == "hire_date_year"


def test_each_after_the_values_named_is_each_of_them(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("For London and for Paris, which 3 departments have the most people "
                       "in each?", catalog, values))
    assert spec["dimensions"][0] == {"column": "location"}
    assert spec["limit"] == 3 and spec["limit_per"] == "location"
    assert _filters(spec) == [("location", "in", ["London", "Paris"])]


# -- the person, not the value; "has no ..." --------------------------------------------------


def test_the_best_paid_person_is_that_person(catalog: Catalog, values: Values) -> None:
    for question in ("lowest paid employe in Berlin", "who's the worst rated employee?"):
        spec = spec_of(ask(question, catalog, values))
        assert "select" in spec and "full_name" in spec["select"], question
        assert spec["limit"] == 1 and spec["order_by"][0].get("desc", False) is False, question
    # The value alone, or a thing's own amount, is still the value.
    assert spec_of(ask("lowest salary in Berlin", catalog, values))["measures"] == [
        {"agg": "min", "column": "salary"}
    ]
    assert spec_of(ask("largest order amount in 2024", catalog, values))["measures"] == [
        {"agg": "max", "column": "amount"}
    ]


def test_the_rows_and_their_columns(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("people in Tokyo with their job titles", catalog, values))
    assert "job_title" in spec["select"] and _filters(spec) == [("location", "eq", "Tokyo")]
    # "departments and their headcount" stays a headcount by department.
    spec = spec_of(ask("departments and their headcount", catalog, values))
    assert spec["dimensions"] == [{"column": "department"}]


def test_nobody_above_them_is_no_manager(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many staff have no one above them", catalog, values))
    assert _filters(spec) == [("manager_id", "is_null", None)]


def test_rows_missing_from_another_table_are_a_without_filter(
    catalog: Catalog, values: Values
) -> None:
    # Once refused (a spec could not look for missing rows); spec v2's `without` can.
    for question, table, related in (
        ("employees with no sales in 2024", "employees", "sales"),
        ("which reps never made a sale", "employees", "sales"),
        ("offices without employees", "offices", "employees"),
        ("who hasn't sold anything this year", "employees", "sales"),
    ):
        spec = spec_of(ask(question, catalog, values))
        assert spec["table"] == table, (question, spec)
        assert [f["without"] for f in spec["filters"] if "without" in f] == [related], (
            question, spec)
