"""The built-in engine on the shapes tuned on blind batches v and w (issue 12): "none of"
groups said in more words, SQL shares and ranks, the top one per group in words, two values
joined in one phrase, and a request after a yes/no question.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

from typing import Any

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, filters_of, having_of, spec_of


def _none_of(spec: dict[str, Any]) -> str:
    """The condition of the rows a "none of" group may not have (its count_if)."""
    (measure,) = spec["measures"]
    expr = str(measure["expr"])
    assert expr.startswith("count_if("), expr
    assert having_of(spec) == [(measure["name"], "eq", 0)]
    return expr


# -- "none" shapes --------------------------------------------------------------------------


def test_a_verb_then_nothing_is_none_of_those_rows(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask("which products sold nothing in the North during March 2024", catalog, values)
    )
    assert spec["table"] == "sales"
    assert spec["dimensions"] == [{"column": "product"}]
    assert _none_of(spec) == (
        "count_if(sales_region = 'North' and sale_date between '2024-03-01' and '2024-03-31')"
    )


def test_nobody_with_a_value_is_none_of_those_people(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which departments have nobody in London", catalog, values))
    assert spec["table"] == "employees"
    assert spec["dimensions"] == [{"column": "department"}]
    assert _none_of(spec) == "count_if(location = 'London')"


def test_no_one_with_a_flag_keeps_the_rows_said_before(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("in Sydney, which job titles have no one remote", catalog, values))
    assert spec["dimensions"] == [{"column": "job_title"}]
    assert filters_of(spec) == [("location", "eq", "Sydney")]
    assert _none_of(spec) == "count_if(is_remote = true)"


def test_months_of_a_year_with_none_keep_the_year(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("months of 2024 with no Training Day sales in the East", catalog, values))
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "month"}]
    assert filters_of(spec) == [("sale_date", "between", ["2024-01-01", "2024-12-31"])]
    assert _none_of(spec) == "count_if(product = 'Training Day' and sales_region = 'East')"


def test_a_breakdown_word_of_the_missing_rows_groups_them(catalog: Catalog, values: Values) -> None:
    reply = ask("which region had no Training Day sales in June 2024", catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "sales"
    assert spec["dimensions"] == [{"column": "sales_region"}]
    assert _none_of(spec) == (
        "count_if(product = 'Training Day' and sale_date between '2024-06-01' and '2024-06-30')"
    )
    assert "sales region" in reply.answer.lower()
    # The offices named as rows (by their name) stay rows that no such row points at.
    assert spec_of(ask("which offices have no remote people", catalog, values))["table"] == (
        "offices"
    )


# -- SQL ------------------------------------------------------------------------------------


def test_a_filtered_count_over_all_is_a_percent(catalog: Catalog, values: Values) -> None:
    reply = ask(
        "select count(*) filter (where is_remote) * 100 / count(*) from employees "
        "where location = 'Berlin'",
        catalog,
        values,
    )
    spec = spec_of(reply)
    assert spec["measures"][0]["expr"] == "count_if(is_remote = true) * 100.0 / count()"
    assert filters_of(spec) == [("location", "eq", "Berlin")]
    assert any("not run" in a for a in reply.assumptions)


def test_a_filtered_total_alone_keeps_those_rows(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "select department, count(*) filter (where is_remote) from employees "
            "group by department",
            catalog,
            values,
        )
    )
    assert spec["measures"] == [{"agg": "count"}]
    assert spec["dimensions"] == [{"column": "department"}]
    assert filters_of(spec) == [("is_remote", "eq", True)]


def test_a_filtered_share_written_half_in_sql(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "sum(quantity) filter (where product = 'Wireless Mouse') / sum(quantity), 2024 only",
            catalog,
            values,
        )
    )
    assert spec["measures"][0]["expr"] == (
        "sum_if(quantity, product = 'Wireless Mouse') * 100.0 / sum(quantity)"
    )
    assert filters_of(spec) == [("sale_date", "between", ["2024-01-01", "2024-12-31"])]


def test_a_rank_window_is_the_top_n_per_group(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "rank() over (partition by sales_region order by sum(amount) desc) <= 2 -- products",
            catalog,
            values,
        )
    )
    assert spec["dimensions"] == [{"column": "sales_region"}, {"column": "product"}]
    assert spec["limit"] == 2
    assert spec["limit_per"] == "sales_region"


def test_a_flag_summing_to_zero_is_nobody_with_it(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("department where sum(is_remote) = 0", catalog, values))
    assert spec["dimensions"] == [{"column": "department"}]
    assert _none_of(spec) == "count_if(is_remote = true)"


def test_an_unknown_function_is_named_not_dropped(catalog: Catalog, values: Values) -> None:
    reply = ask("select load_extension('mod'), avg(salary) from employees", catalog, values)
    assert reply.tile is None
    assert "load_extension" in reply.answer


def test_a_column_of_no_letters_is_named_not_dropped(catalog: Catalog, values: Values) -> None:
    reply = ask("select §, count(*) from sales", catalog, values)
    assert reply.tile is None
    assert "§" in reply.answer


# -- the top one per group ------------------------------------------------------------------


def test_led_in_a_measure_is_the_highest_per_group(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("for every region, which category led in revenue", catalog, values))
    assert spec["dimensions"] == [{"column": "sales_region"}, {"column": "category"}]
    assert spec["limit"] == 1
    assert spec["limit_per"] == "sales_region"


def test_whose_value_is_lowest_in_every_group(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("whose salary is lowest in every location", catalog, values))
    assert spec["measures"] == [{"agg": "min", "column": "salary"}]
    assert spec["dimensions"] == [{"column": "location"}, {"column": "full_name"}]
    assert spec["limit_per"] == "location"


def test_first_hired_per_group_of_a_table_next_to_people(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the longest-tenured employee in each office region", catalog, values))
    assert spec["measures"] == [{"agg": "min", "column": "hire_date"}]
    assert spec["dimensions"][0] == {"column": "offices.region"}
    assert spec["limit"] == 1


# -- two values in one phrase ---------------------------------------------------------------


def test_a_table_name_joined_to_a_value_is_a_value(catalog: Catalog, values: Values) -> None:
    for question in ("Sales & Marketing headcount", "Sales and Marketing headcount by country"):
        spec = spec_of(ask(question, catalog, values))
        assert spec["table"] == "employees", question
        assert filters_of(spec) == [("department", "in", ["Sales", "Marketing"])], question


# -- a request after a yes/no question ------------------------------------------------------


def test_a_request_without_a_subject_keeps_the_question_s(catalog: Catalog, values: Values) -> None:
    reply = ask(
        "did any product sell more than 20,000 units in 2024? give me the totals per product",
        catalog,
        values,
    )
    spec = spec_of(reply)
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}]
    assert spec["dimensions"] == [{"column": "product"}]
    assert filters_of(spec) == [("sale_date", "between", ["2024-01-01", "2024-12-31"])]
    assert "having" not in spec
    assert any("read as about" in a for a in reply.assumptions)
