"""The built-in engine on periods, rankings and ratios said in everyday words (issue 12):
"last quarter", "from <a day>", "qtr", "the least ... product", "the N most recently ...",
"make it 10" after a ranking, and requests that are not data questions.

Questions are worded unlike the blind batches: each test checks a general rule, on the demo
data, through the spec the engine wrote (and its rows where the rule is about them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.ai.answers import EngineAnswer
from plotboard.ai.builtin import answer
from plotboard.catalog.model import Catalog
from tests.ai.demo import run_spec, run_sql, same_rows

TODAY = dt.date(2025, 11, 20)
Values = dict[tuple[str, str], list[str]]


def ask(question: str, catalog: Catalog, values: Values, **kwargs: Any) -> EngineAnswer:
    return answer(question, catalog, values, today=TODAY, **kwargs)


def spec_of(reply: EngineAnswer) -> dict[str, Any]:
    assert reply.tile is not None, reply.answer
    return reply.tile.query.model_dump(exclude_defaults=True, mode="json")


def dates_of(reply: EngineAnswer) -> list[Any]:
    return [f["value"] for f in spec_of(reply).get("filters", []) if f["column"] == "sale_date"]


# -- periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["headcount of Sales hires in last quarter", "orders for last quarter", "units last quarter"],
)
def test_last_quarter_is_the_one_before_this_one(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    found = [f["value"] for f in spec["filters"] if f["op"] == "between"]
    assert found == [["2025-07-01", "2025-09-30"]], question


def test_the_last_quarter_of_a_year_is_its_fourth(catalog: Catalog, values: Values) -> None:
    reply = ask("units sold in the last quarter of 2023", catalog, values)
    assert dates_of(reply) == [["2023-10-01", "2023-12-31"]]


def test_from_a_day_alone_is_that_day(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("list the sales from 2024-03-05", catalog, values)
    assert dates_of(reply) == [["2024-03-05", "2024-03-05"]]
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    expected = run_sql(demo_engine, "SELECT COUNT(*) FROM sales WHERE sale_date = '2024-03-05'")
    assert len(rows) == expected[0][0] > 0
    assert dates_of(ask("revenue from March 2024", catalog, values)) == [
        ["2024-03-01", "2024-03-31"]
    ]


def test_from_a_period_on_is_open_ended(catalog: Catalog, values: Values) -> None:
    for question in ("number of sales from 2024 on", "revenue from 2024 onwards"):
        spec = spec_of(ask(question, catalog, values))
        assert spec["filters"] == [
            {"column": "sale_date", "op": "gte", "value": "2024-01-01"}
        ], question
    # A span keeps both ends.
    assert dates_of(ask("revenue from Q1 2024 to Q3 2024", catalog, values)) == [
        ["2024-01-01", "2024-09-30"]
    ]


def test_qtr_is_a_quarter(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units by qtr for 2023", catalog, values))
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "quarter"}]
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}]


# -- comparisons -------------------------------------------------------------------------------


def test_a_breakdown_by_month_against_the_year_before_is_year_over_year(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("units per quarter in 2024 versus the previous year", catalog, values)
    spec = spec_of(reply)
    assert spec["compare"] == {"to": "previous_year"}
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "quarter"}]
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    q1_2023 = run_sql(
        demo_engine,
        "SELECT SUM(quantity) FROM sales WHERE sale_date BETWEEN '2023-01-01' AND '2023-03-31'",
    )[0][0]
    assert rows[0][0] == "2024-01-01" and rows[0][2] == q1_2023
    # A whole year alone against the year before is the same either way.
    spec = spec_of(ask("revenue in 2024 compared to the year before", catalog, values))
    assert spec["compare"] in ({"to": "previous_period"}, {"to": "previous_year"})
    assert "dimensions" not in spec


def test_values_compared_within_a_period_stay_in_that_period(
    catalog: Catalog, values: Values
) -> None:
    for question in (
        "compare revenue between East and West in 2024",
        "Accessories vs Services units in 2024",
    ):
        reply = ask(question, catalog, values)
        spec = spec_of(reply)
        assert "compare" not in spec, question
        assert dates_of(reply) == [["2024-01-01", "2024-12-31"]], question
        assert len(spec["dimensions"]) == 1, question
    # The period right after the cue is still the one compared with.
    spec = spec_of(ask("compare units with last year", catalog, values))
    assert spec["compare"] == {"to": "previous_period"}
    assert spec["filters"][0]["value"] == ["2025-01-01", "2025-12-31"]


def test_a_change_in_percent_is_a_comparison_not_a_share(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("by how many % did Hardware units grow from 2024 to 2025", catalog, values)
    spec = spec_of(reply)
    assert spec["compare"] == {"to": "previous_year"}
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}]
    assert {"column": "category", "op": "eq", "value": "Hardware"} in spec["filters"]
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)

    def units(year: int) -> float:
        sql = (
            "SELECT SUM(quantity) FROM sales WHERE category = 'Hardware' "
            f"AND sale_date BETWEEN '{year}-01-01' AND '{year}-12-31'"
        )
        return float(run_sql(demo_engine, sql)[0][0])

    assert rows[0][3] == pytest.approx((units(2025) - units(2024)) * 100 / units(2024))
    # "percentage of" stays a share.
    share = spec_of(ask("percentage of units from Hardware in 2025", catalog, values))
    assert "compare" not in share


def test_more_in_one_period_or_another_compares_them(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("were there more orders in 2023 or in 2024?", catalog, values))
    assert spec["compare"] == {"to": "previous_year"}
    assert spec["filters"][0]["value"] == ["2024-01-01", "2024-12-31"]
    # The year said once at the end is both periods' year.
    spec = spec_of(ask("did we hire more in May or June 2023", catalog, values))
    assert spec["compare"] == {"to": "previous_period"}
    assert spec["filters"][0]["value"] == ["2023-06-01", "2023-06-30"]


# -- rankings ----------------------------------------------------------------------------------


def test_a_superlative_before_a_singular_group_keeps_one(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("the least popular region by units", catalog, values)
    spec = spec_of(reply)
    assert spec["limit"] == 1 and not spec["order_by"][0].get("desc", False)
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    expected = run_sql(
        demo_engine,
        "SELECT sales_region, SUM(quantity) FROM sales GROUP BY 1 ORDER BY 2 ASC LIMIT 1",
    )
    assert same_rows(rows, expected, ordered=True)
    # Plural: a short list, sorted; a superlative on the measure: every group, sorted.
    assert spec_of(ask("least popular products by units", catalog, values))["limit"] == 10
    assert "limit" not in spec_of(ask("highest headcount by department", catalog, values))


def test_the_n_most_recently_done_are_the_latest_rows(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("show the five most recently hired engineers", catalog, values)
    spec = spec_of(reply)
    assert spec["limit"] == 5
    assert spec["order_by"] == [{"by": "hire_date", "desc": True}]
    assert "select" in spec and reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    assert len(rows) == 5
    latest = run_sql(
        demo_engine,
        "SELECT MAX(hire_date) FROM employees WHERE department = 'Engineering'",
    )[0][0]
    assert latest in rows[0]


def test_a_number_alone_after_a_ranking_changes_how_many(
    catalog: Catalog, values: Values
) -> None:
    first = ask("bottom 3 departments by average salary", catalog, values)
    for follow_up in ("make it 6", "show 6 instead", "6 please"):
        reply = ask(follow_up, catalog, values, previous=first.tile)
        spec = spec_of(reply)
        assert spec["limit"] == 6, follow_up
        assert spec["order_by"] == spec_of(first)["order_by"], follow_up
        assert reply.follow_up is True
    # Without a ranking to change, a number alone is not a question.
    plain = ask("headcount by department", catalog, values)
    assert ask("make it 6", catalog, values, previous=plain.tile).tile is None


# -- not a data question -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "please translate the chart titles to Spanish",
        "print this dashboard",
        "write a poem about our revenue",
        "post the revenue chart on Slack",
    ],
)
def test_requests_to_act_are_refused(catalog: Catalog, values: Values, question: str) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None and not reply.tiles, question
    assert "only reads data" in reply.answer and reply.suggestions


# -- ratios ------------------------------------------------------------------------------------


def test_how_many_of_a_counting_number_adds_it_up(catalog: Catalog, values: Values) -> None:
    for question in ("how many units were sold in Q1 2024", "number of units per category"):
        spec = spec_of(ask(question, catalog, values))
        assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], question
    # A number that is not a count of things keeps its distinct values counted.
    spec = spec_of(ask("number of different salaries", catalog, values))
    assert spec["measures"] == [{"agg": "count_distinct", "column": "salary"}]


def test_units_in_one_order_are_averaged_over_the_orders(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    for question in (
        "how many units fit into each order on average",
        "mean number of units per sale by category",
    ):
        reply = ask(question, catalog, values)
        assert spec_of(reply)["measures"] == [{"agg": "avg", "column": "quantity"}], question


def test_the_average_number_of_rows_per_group(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    cases = {
        "mean number of employees in each office location": (
            "SELECT COUNT(location) * 1.0 / COUNT(DISTINCT location) FROM employees"
        ),
        "average number of direct reports for each manager": (
            "SELECT COUNT(manager_id) * 1.0 / COUNT(DISTINCT manager_id) FROM employees"
        ),
        "avg number of direct reports per manager": (
            "SELECT COUNT(manager_id) * 1.0 / COUNT(DISTINCT manager_id) FROM employees"
        ),
        "average number of sales per salesperson in 2023": (
            "SELECT COUNT(*) * 1.0 / COUNT(DISTINCT employee_id) FROM sales "
            "WHERE sale_date BETWEEN '2023-01-01' AND '2023-12-31'"
        ),
    }
    for question, sql in cases.items():
        reply = ask(question, catalog, values)
        assert reply.tile is not None, (question, reply.answer)
        assert "dimensions" not in spec_of(reply), question
        rows = run_spec(demo_engine, catalog, reply.tile.query)
        assert same_rows(rows, run_sql(demo_engine, sql), ordered=True), question
    # With another breakdown: the average per group of that breakdown.
    spec = spec_of(ask("average number of employees per department by country", catalog, values))
    assert spec["dimensions"] == [{"column": "country"}]


def test_a_column_that_is_already_per_unit_is_not_divided_again(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("avg price per unit by region", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "unit_price"}]
    # A measure per a counting number is still a ratio.
    spec = spec_of(ask("revenue per unit by region", catalog, values))
    assert spec["measures"][0]["expr"] == "sum(amount) * 1.0 / sum(quantity)"


# -- periods counted from the end of the data --------------------------------------------------


def test_the_last_periods_of_data_count_back_from_the_latest_date(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("units sold over the last 2 quarters of data", catalog, values)
    spec = spec_of(reply)
    assert spec["filters"] == [
        {
            "column": "sale_date",
            "op": "last",
            "value": {"unit": "quarter"},  # the one before the data's latest quarter, and it
            "anchor": "latest",
            "include_current": True,
        }
    ]
    assert any("latest date in the data" in a for a in reply.assumptions)
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    last = run_sql(demo_engine, "SELECT MAX(sale_date) FROM sales")[0][0]
    assert last == "2025-12-31"  # the demo's sales end there, after the test's today
    expected = run_sql(
        demo_engine,
        "SELECT SUM(quantity) FROM sales WHERE sale_date BETWEEN '2025-07-01' AND '2025-12-31'",
    )
    assert same_rows(rows, expected, ordered=True)
    # One period: the data's latest month; a follow-up keeps the period.
    hires = ask("hires in the latest month in the data", catalog, values)
    assert spec_of(hires)["filters"] == [
        {"column": "hire_date", "op": "this", "value": "month", "anchor": "latest"}
    ]
    changed = ask("by department", catalog, values, previous=hires.tile)
    assert spec_of(changed)["filters"] == spec_of(hires)["filters"]
    # Without "of data", the last months count from today.
    assert dates_of(ask("units over the last 2 months", catalog, values)) == [
        ["2025-09-21", "2025-11-20"]
    ]


def test_more_ways_to_say_periods_and_comparisons(catalog: Catalog, values: Values) -> None:
    # "the most recent <unit> of data" is the data's latest one.
    spec = spec_of(ask("orders in the most recent month of data", catalog, values))
    assert spec["filters"] == [
        {"column": "sale_date", "op": "this", "value": "month", "anchor": "latest"}
    ]
    # "than in the second half of ...": half years compared, named as such.
    reply = ask("were sales higher in the second half of 2024 than in the second half of 2023",
                catalog, values)
    spec = spec_of(reply)
    assert spec["compare"] == {"to": "previous_year"}
    assert dates_of(reply) == [["2024-07-01", "2024-12-31"]]
    assert reply.understood is not None and reply.understood.endswith("H2 2024 vs H2 2023")
    # "by how many percent": the change, not a count.
    spec = spec_of(ask("by how many percent did units grow from 2023 to 2024", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}]
    assert spec["compare"] == {"to": "previous_year"}
    # "is in one order", "in average": per order, averaged.
    spec = spec_of(ask("how many units are in a sale in average, by category", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "quantity"}]
    assert spec["dimensions"] == [{"column": "category"}]


def test_does_a_thing_have_on_average_is_per_that_thing(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("how many sales does a salesperson close by category, on average", catalog, values)
    spec = spec_of(reply)
    assert spec["measures"][0]["expr"] == "count() * 1.0 / count_distinct(employees.employee_id)"
    assert spec["dimensions"] == [{"column": "category"}]
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    expected = run_sql(
        demo_engine,
        "SELECT category, COUNT(*) * 1.0 / COUNT(DISTINCT employee_id) FROM sales GROUP BY 1",
    )
    assert same_rows(rows, expected, ordered=False)
    spec = spec_of(ask("on average, how many people does a department have", catalog, values))
    assert spec["measures"][0]["expr"] == "count(department) * 1.0 / count_distinct(department)"
    # Without "on average" it stays the plain question.
    spec = spec_of(ask("how many people does a department have", catalog, values))
    assert spec["measures"] == [{"agg": "count"}]
