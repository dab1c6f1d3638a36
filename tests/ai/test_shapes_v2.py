"""The built-in engine reading query spec v2 shapes from words (issue 12 items 1-2):
period comparisons, filters on totals, top N per group, distributions and ratios.

Each test asks a question over the demo data, checks the spec the engine wrote and, where the
shape is the point, the rows it gives; and that the answer says what it understood."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from plotboard.ai.answers import EngineAnswer
from plotboard.ai.builtin import answer
from plotboard.catalog.model import Catalog
from tests.ai.demo import run_spec, run_sql, same_rows

TODAY = dt.date(2025, 7, 15)
Values = dict[tuple[str, str], list[str]]


def ask(question: str, catalog: Catalog, values: Values, **kwargs: Any) -> EngineAnswer:
    return answer(question, catalog, values, today=TODAY, **kwargs)


def spec_of(reply: EngineAnswer) -> dict[str, Any]:
    assert reply.tile is not None, reply.answer
    return reply.tile.query.model_dump(exclude_defaults=True, mode="json")


# -- comparisons of periods ------------------------------------------------------------------


def test_two_years_compared_is_the_later_one_against_the_earlier(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    for question in (
        "compare 2024 and 2025 sales",
        "sales 2025 vs 2024",
        "revenue growth 2025 over 2024",
        "did we sell more in 2025 than in 2024",
    ):
        reply = ask(question, catalog, values)
        spec = spec_of(reply)
        assert spec["compare"] == {"to": "previous_year"}, question
        assert spec["filters"] == [
            {"column": "sale_date", "op": "between", "value": ["2025-01-01", "2025-12-31"]}
        ], question
        assert reply.understood is not None and reply.understood.endswith("2025 vs 2024")
        assert any("compared 2025 with 2024" in a for a in reply.assumptions)
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    now = "SELECT SUM(amount) FROM sales WHERE sale_date BETWEEN '2025-01-01' AND '2025-12-31'"
    before = "SELECT SUM(amount) FROM sales WHERE sale_date BETWEEN '2024-01-01' AND '2024-12-31'"
    expected = run_sql(
        demo_engine,
        f"SELECT ({now}), ({before}), ({now}) - ({before}), "
        f"(({now}) - ({before})) * 100.0 / ({before})",
    )
    assert same_rows(rows, expected, ordered=True)


def test_a_comparison_by_category_reads_like_the_question(catalog: Catalog, values: Values) -> None:
    reply = ask("Revenue by category, 2024 vs 2025", catalog, values)
    spec = spec_of(reply)
    assert spec["dimensions"] == [{"column": "category"}]
    assert spec["compare"] == {"to": "previous_year"}
    assert reply.understood == "Revenue by category, 2025 vs 2024"
    assert reply.tile is not None and reply.tile.chart_type == "bar"


def test_quarters_of_two_years_compare_with_the_same_quarter_a_year_before(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("sales 2025 vs 2024 by quarter", catalog, values))
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "quarter"}]
    assert spec["compare"] == {"to": "previous_year"}
    spec = spec_of(ask("Q4 2025 vs Q3 2025 number of sales", catalog, values))
    assert spec["compare"] == {"to": "previous_period"}
    assert spec["filters"][0]["value"] == ["2025-10-01", "2025-12-31"]
    spec = spec_of(ask("H1 2025 revenue compared with H1 2024", catalog, values))
    assert spec["compare"] == {"to": "previous_year"}
    assert spec["filters"][0]["value"] == ["2025-01-01", "2025-06-30"]


def test_growth_words_compare_with_the_period_before(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "how much did revenue grow last quarter compared to the quarter before", catalog, values
        )
    )
    assert spec["filters"][0]["value"] == ["2025-04-01", "2025-06-30"]
    assert spec["compare"] == {"to": "previous_period"}
    spec = spec_of(ask("how did hiring change from 2023 to 2024?", catalog, values))
    assert spec["filters"][0] == {
        "column": "hire_date",
        "op": "between",
        "value": ["2024-01-01", "2024-12-31"],
    }
    assert "compare" in spec
    reply = ask("month over month revenue change in 2025", catalog, values)
    spec = spec_of(reply)
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "month"}]
    assert spec["compare"] == {"to": "previous_period"}
    assert reply.understood is not None and "each month vs the month before" in reply.understood
    spec = spec_of(ask("year over year growth in units sold", catalog, values))
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "year"}]
    assert spec["compare"] == {"to": "previous_period"}
    spec = spec_of(ask("last year's revenue vs the year before", catalog, values))
    assert spec["filters"][0]["value"] == ["2024-01-01", "2024-12-31"]
    assert "compare" in spec


def test_a_period_after_vs_is_the_one_compared_with(catalog: Catalog, values: Values) -> None:
    reply = ask("revenue by month vs last year", catalog, values)
    spec = spec_of(reply)
    assert spec["filters"][0]["value"] == ["2025-01-01", "2025-12-31"]
    assert spec["compare"] == {"to": "previous_year"}


def test_periods_that_are_not_neighbours_are_not_silently_compared(
    catalog: Catalog, values: Values
) -> None:
    # Two years apart: those two years side by side (a row each), never a comparison with
    # the year before one of them, and the answer names both.
    reply = ask("software revenue 2023 vs 2025", catalog, values)
    spec = spec_of(reply)
    assert "compare" not in spec
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "year"}], spec
    assert ("sale_date_year", "in", [2023, 2025]) in [
        (f["column"], f["op"], f.get("value")) for f in spec["filters"]
    ], spec
    assert "2023 and 2025" in reply.answer, reply.answer


def test_compare_without_periods_is_not_a_period_comparison(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("revenue by region", catalog, values))
    assert "compare" not in spec
    reply = ask("revenue increase by region", catalog, values)
    assert "compare" not in spec_of(reply)
    assert "increase" in reply.unused


def test_a_follow_up_keeps_the_comparison(catalog: Catalog, values: Values) -> None:
    first = ask("Revenue by category, 2024 vs 2025", catalog, values)
    reply = ask("only Software", catalog, values, previous=first.tile)
    spec = spec_of(reply)
    assert spec["compare"] == {"to": "previous_year"}
    assert {"column": "category", "op": "eq", "value": "Software"} in spec["filters"]


# -- filters on totals (having) --------------------------------------------------------------


def test_a_count_per_group_is_filtered_on_the_total(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("departments with more than 300 employees", catalog, values)
    spec = spec_of(reply)
    assert spec["measures"] == [{"agg": "count"}]
    assert spec["dimensions"] == [{"column": "department"}]
    assert spec["having"] == [{"by": "count", "op": "gt", "value": 300}]
    assert "filters" not in spec
    assert reply.understood == "Headcount by department (headcount over 300)"
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    expected = run_sql(
        demo_engine,
        "SELECT department, COUNT(*) c FROM employees GROUP BY department HAVING c > 300",
    )
    assert same_rows(rows, expected, ordered=False)


def test_totals_named_in_many_ways_are_compared_per_group(catalog: Catalog, values: Values) -> None:
    cases = {
        "products with revenue over 20 million": ("sum_amount", "gt", 20_000_000),
        "categories above 50M revenue in 2025": ("sum_amount", "gt", 50_000_000),
        "locations where the average salary is above 100k": ("avg_salary", "gt", 100_000),
        "job titles held by 100 or more people": ("count", "gte", 100),
        "which categories had fewer than 4000 sales in 2024": ("count", "lt", 4000),
        "products that sold more than 20000 units in 2023": ("sum_quantity", "gt", 20_000),
        "show departments averaging under 90k in salary": ("avg_salary", "lt", 90_000),
        "departments where the top salary exceeds 200k": ("max_salary", "gt", 200_000),
        "which products have been sold more than 5000 times": ("count", "gt", 5000),
    }
    for question, (by, op, value) in cases.items():
        spec = spec_of(ask(question, catalog, values))
        assert spec.get("having") == [{"by": by, "op": op, "value": value}], question
        assert not [f for f in spec.get("filters", []) if f["op"] in ("gt", "gte", "lt")]


def test_a_row_filter_stays_a_row_filter(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("employees with salary over 100k by department", catalog, values))
    assert "having" not in spec
    assert {"column": "salary", "op": "gt", "value": 100000} in spec["filters"]
    spec = spec_of(ask("locations with more than 40 remote employees", catalog, values))
    assert spec["having"] == [{"by": "count", "op": "gt", "value": 40}]
    assert {"column": "is_remote", "op": "eq", "value": True} in spec["filters"]
    spec = spec_of(ask("average salary over 100k", catalog, values))
    assert "having" not in spec


# -- top N per group -------------------------------------------------------------------------


def test_the_n_best_in_each_group_is_a_limit_per_group(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("the 3 best-selling products in each category", catalog, values)
    spec = spec_of(reply)
    assert spec["dimensions"] == [{"column": "category"}, {"column": "product"}]
    assert spec["limit"] == 3 and spec["limit_per"] == "category"
    assert spec["order_by"] == [{"by": "sum_amount", "desc": True}]
    assert reply.understood == "Top 3 products by revenue in each category"
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    expected = run_sql(
        demo_engine,
        "SELECT category, product, r FROM (SELECT category, product, SUM(amount) r, "
        "ROW_NUMBER() OVER (PARTITION BY category ORDER BY SUM(amount) DESC) n FROM sales "
        "GROUP BY category, product) WHERE n <= 3",
    )
    assert same_rows(rows, expected, ordered=False)


def test_one_per_group_for_a_singular_best(catalog: Catalog, values: Values) -> None:
    reply = ask("highest paid job title in each department on average", catalog, values)
    spec = spec_of(reply)
    assert (spec["limit"], spec["limit_per"]) == (1, "department")
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}]
    assert reply.understood == "Job title with the highest average salary in each department"
    spec = spec_of(ask("top category each year by revenue", catalog, values))
    assert (spec["limit"], spec["limit_per"]) == (1, "sale_date")
    assert spec["dimensions"][0] == {"column": "sale_date", "grain": "year"}


def test_most_common_counts_rows_per_group(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("five most common job titles for every department", catalog, values))
    assert spec["table"] == "employees"
    assert spec["measures"] == [{"agg": "count"}]
    assert (spec["limit"], spec["limit_per"]) == (5, "department")
    spec = spec_of(ask("for each country, the 2 departments with the most people", catalog, values))
    assert spec["measures"] == [{"agg": "count"}]
    assert (spec["limit"], spec["limit_per"]) == (2, "country")


def test_a_ranking_without_each_has_no_limit_per(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("top 5 products by revenue", catalog, values))
    assert "limit_per" not in spec and spec["limit"] == 5
    spec = spec_of(ask("revenue by category and region", catalog, values))
    assert "limit_per" not in spec


# -- distributions ---------------------------------------------------------------------------


def test_a_distribution_counts_rows_per_band(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("employees by salary band of 20k", catalog, values)
    spec = spec_of(reply)
    assert spec["measures"] == [{"agg": "count"}]
    assert spec["dimensions"] == [{"column": "salary", "bin": {"width": 20000}}]
    assert reply.understood == "Headcount by salary (bands of 20,000)"
    assert reply.tile is not None and reply.tile.chart_type == "bar"
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    expected = run_sql(
        demo_engine,
        "SELECT CAST(salary / 20000 AS INTEGER) * 20000, COUNT(*) FROM employees GROUP BY 1",
    )
    assert same_rows(rows, expected, ordered=False)


def test_distribution_words_and_band_counts(catalog: Catalog, values: Values) -> None:
    reply = ask("distribution of salaries", catalog, values)
    assert spec_of(reply)["dimensions"] == [{"column": "salary", "bin": {"count": 10}}]
    assert "10 equal bands" in reply.answer
    spec = spec_of(ask("split sale amounts into 5 equal bands", catalog, values))
    assert spec["dimensions"] == [{"column": "amount", "bin": {"count": 5}}]
    assert spec["measures"] == [{"agg": "count"}]
    spec = spec_of(ask("salaries in the sales department grouped in 25k bands", catalog, values))
    assert spec["dimensions"] == [{"column": "salary", "bin": {"width": 25000}}]
    assert {"column": "department", "op": "eq", "value": "Sales"} in spec["filters"]
    spec = spec_of(ask("how are performance ratings distributed", catalog, values))
    assert spec["dimensions"] == [{"column": "performance_rating"}]  # a count per rating
    spec = spec_of(ask("distribution of employees by department", catalog, values))
    assert spec["dimensions"] == [{"column": "department"}]


# -- ratios ----------------------------------------------------------------------------------


def test_a_measure_per_a_summed_number_is_a_ratio(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    for question in (
        "revenue per unit sold by product",
        "revenue divided by units for each product",
    ):
        reply = ask(question, catalog, values)
        spec = spec_of(reply)
        assert spec["measures"] == [
            {"expr": "sum(amount) * 1.0 / sum(quantity)", "name": "amount_per_quantity"}
        ], question
        assert spec["dimensions"] == [{"column": "product"}]
        assert reply.understood == "Revenue per quantity by product"
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    expected = run_sql(
        demo_engine, "SELECT product, SUM(amount) * 1.0 / SUM(quantity) FROM sales GROUP BY product"
    )
    assert same_rows(rows, expected, ordered=False)


def test_per_a_related_table_with_another_breakdown_divides_by_its_count(
    catalog: Catalog, values: Values
) -> None:
    reply = ask("revenue per salesperson by region", catalog, values)
    spec = spec_of(reply)
    assert spec["measures"] == [
        {
            "expr": "sum(amount) * 1.0 / count_distinct(employees.employee_id)",
            "name": "amount_per_employees",
        }
    ]
    assert spec["dimensions"] == [{"column": "sales_region"}]
    assert reply.understood == "Revenue per employee by sales region"
    # Alone, "per salesperson" stays a breakdown by salesperson (each by id: names repeat).
    spec = spec_of(ask("revenue per salesperson", catalog, values))
    assert spec["dimensions"] == [
        {"column": "employees.full_name", "key": "employees.employee_id"}
    ]


def test_deal_size_and_per_head_are_plain_words(catalog: Catalog, values: Values) -> None:
    reply = ask("average deal size per month", catalog, values)
    spec = spec_of(reply)
    assert spec["measures"] == [{"agg": "avg", "column": "amount"}]
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "month"}]
    assert any("deal size" in a for a in reply.assumptions)
    spec = spec_of(ask("payroll per head by location", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}]
    assert spec["dimensions"] == [{"column": "location"}]


def test_values_compared_are_side_by_side(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("revenue per unit for Software vs Hardware", catalog, values))
    assert spec["dimensions"] == [{"column": "category"}]
    assert {"column": "category", "op": "in", "value": ["Software", "Hardware"]} in spec["filters"]
    assert "compare" not in spec


def test_a_count_per_number_stays_a_breakdown(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many sales per quantity", catalog, values))
    assert spec["measures"] == [{"agg": "count"}]
    assert spec["dimensions"] == [{"column": "quantity"}]


# -- shares ----------------------------------------------------------------------------------


def test_what_fraction_of_is_a_percent_not_a_list(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what fraction of employees are rated 5", catalog, values))
    assert spec["measures"] == [
        {
            "expr": "count_if(performance_rating = 5) * 100.0 / count()",
            "name": "percent",
            "format": {"type": "percent", "decimals": 1},
        }
    ]
    assert "dimensions" not in spec
    spec = spec_of(ask("how big a slice of total revenue is software", catalog, values))
    assert spec["measures"][0]["expr"] == (
        "sum_if(amount, category = 'Software') * 100.0 / sum(amount)"
    )


def test_a_share_of_a_named_measure_per_group(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("each region's share of units", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity", "share": True}]
    assert spec["dimensions"] == [{"column": "sales_region"}]
    spec = spec_of(ask("what share of sales comes from each region?", catalog, values))
    assert spec["measures"][0].get("share") is True
    assert spec["dimensions"] == [{"column": "sales_region"}]


# -- "X or more", "or later", a number without its column ----------------------------------


def test_or_more_and_or_later_bounds(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many people make 200k or more", catalog, values))
    assert spec["filters"] == [{"column": "salary", "op": "gte", "value": 200000}]
    spec = spec_of(ask("employees hired in 2016 or earlier", catalog, values))
    assert {"column": "hire_date", "op": "lte", "value": "2016-12-31"} in spec["filters"]
    spec = spec_of(ask("offices opened in 2018 or later", catalog, values))
    assert spec["filters"] == [{"column": "opened_on", "op": "gte", "value": "2018-01-01"}]
    spec = spec_of(ask("revenue from orders of 10 units or fewer by category", catalog, values))
    assert {"column": "quantity", "op": "lte", "value": 10} in spec["filters"]
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}]


def test_a_bare_number_is_about_the_tables_own_measure(catalog: Catalog, values: Values) -> None:
    reply = ask("how many sales were at least 50,000", catalog, values)
    spec = spec_of(reply)
    assert spec["filters"] == [{"column": "amount", "op": "gte", "value": 50000}]
    assert "I read the number as amount" in reply.answer


# -- listings and rankings by size -----------------------------------------------------------


def test_the_n_newest_and_largest_rows_are_listed(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the 5 newest hires", catalog, values))
    assert spec["select"][0] == "full_name" and "hire_date" in spec["select"]
    assert spec["order_by"] == [{"by": "hire_date", "desc": True}] and spec["limit"] == 5
    spec = spec_of(ask("show the 5 largest sales", catalog, values))
    assert spec["select"][0] == "sale_id"  # products repeat: the sale's own key says which
    assert spec["order_by"] == [{"by": "amount", "desc": True}] and spec["limit"] == 5
    spec = spec_of(ask("list every sale on 2025-12-31", catalog, values))
    assert spec["filters"] == [
        {"column": "sale_date", "op": "between", "value": ["2025-12-31", "2025-12-31"]}
    ]


def test_smallest_groups_are_ranked_by_their_rows(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the 2 smallest departments", catalog, values))
    assert spec["table"] == "employees" and spec["measures"] == [{"agg": "count"}]
    assert spec["order_by"] == [{"by": "count"}] and spec["limit"] == 2  # ascending
    spec = spec_of(ask("which products cost 100 or less", catalog, values))
    assert "select" not in spec  # the products, not every sale


# -- batch c tuning: halves, number words, "latest N" -----------------------------------------


def test_first_and_second_half_of_a_year_are_its_halves(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("headcount hired in the second half of 2024 by department", catalog,
                       values))
    assert {"column": "hire_date", "op": "between", "value": ["2024-07-01", "2024-12-31"]} in (
        spec["filters"]
    )
    compared = spec_of(ask("units sold in the first half of this year vs the first half of "
                           "last year", catalog, values))
    assert compared["compare"] == {"to": "previous_year"}
    assert compared["filters"] == [
        {"column": "sale_date", "op": "between", "value": ["2025-01-01", "2025-06-30"]}
    ]


def test_number_words_count_like_digits(catalog: Catalog, values: Values) -> None:
    top = spec_of(ask("the four best categories by units sold", catalog, values))
    assert top["limit"] == 4
    rated = spec_of(ask("headcount with a rating of four or higher", catalog, values))
    assert {"column": "performance_rating", "op": "gte", "value": 4} in rated["filters"]
    dozen = spec_of(ask("top dozen products by revenue", catalog, values))
    assert dozen["limit"] == 12


def test_latest_n_lists_the_newest_rows(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the most recent seven hires", catalog, values))
    assert spec["limit"] == 7 and spec["order_by"] == [{"by": "hire_date", "desc": True}]
    assert "select" in spec


def test_month_over_month_shorthand(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("headcount hired MoM in 2024", catalog, values))
    assert spec["dimensions"] == [{"column": "hire_date", "grain": "month"}]
    assert spec["compare"] == {"to": "previous_period"}


# -- batch c tuning: totals compared, empty fields --------------------------------------------


def test_a_named_count_compared_is_a_filter_on_the_groups(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("which cities have a headcount below 150", catalog, values))
    assert spec["having"] == [{"by": "count", "op": "lt", "value": 150}]
    assert spec["dimensions"] == [{"column": "location"}]


def test_groups_that_brought_in_an_amount_compare_their_total(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("categories that brought in more than 60 million overall", catalog, values)
    spec = spec_of(reply)
    assert spec["having"] == [{"by": "sum_amount", "op": "gt", "value": 60000000}]
    assert "filters" not in spec
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    expected = run_sql(demo_engine, "SELECT category, SUM(amount) FROM sales GROUP BY 1 "
                                    "HAVING SUM(amount) > 60000000")
    assert same_rows(rows, expected, ordered=False)


def test_empty_and_filled_in_fields(catalog: Catalog, values: Values) -> None:
    cases = {
        "list people with a blank manager id": "is_null",
        "how many employees have no manager set": "is_null",
        "headcount by department where the manager is not empty": "is_not_null",
        "employees whose manager field is populated": "is_not_null",
        "number of staff whose manager isn't set": "is_null",
    }
    for question, op in cases.items():
        spec = spec_of(ask(question, catalog, values))
        assert {"column": "manager_id", "op": op} in spec["filters"], question


def test_a_share_of_orders_or_deals_counts_them(catalog: Catalog, values: Values) -> None:
    counted = spec_of(ask("what percent of transactions does each category account for",
                          catalog, values))
    assert counted["measures"] == [{"agg": "count", "share": True}]
    summed = spec_of(ask("percentage of sales by category", catalog, values))
    assert summed["measures"] == [{"agg": "sum", "column": "amount", "share": True}]


def test_who_after_the_rows_named_is_a_relative_clause(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("show the staff in Berlin who work from home", catalog, values))
    assert "select" in spec
    assert {"column": "is_remote", "op": "eq", "value": True} in spec["filters"]
    assert {"column": "location", "op": "eq", "value": "Berlin"} in spec["filters"]


def test_a_count_per_related_row_on_average_is_a_ratio(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("how many deals per seller in 2024, on average", catalog, values)
    spec = spec_of(reply)
    assert "dimensions" not in spec
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    expected = run_sql(
        demo_engine,
        "SELECT 1.0 * COUNT(*) / COUNT(DISTINCT employee_id) FROM sales "
        "WHERE sale_date BETWEEN '2024-01-01' AND '2024-12-31'",
    )
    assert same_rows(rows, expected, ordered=False)
