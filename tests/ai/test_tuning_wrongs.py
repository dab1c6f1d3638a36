"""The built-in engine on general rules for answers that were wrong but looked right (issue 12,
tuner "wrongs"):

* a text column said first, then "of" and the rows ("email addresses of the remote Finance
  staff"): those rows listed with that column, not a count per value; "phone numbers of ..."
  is a thing asked about (refused when the data has none), not an order to phone;
* a group noun, then an amount that adds up said of it ("categories whose units stay under
  50k"): a bound on each group's total (having), not on each row;
* "compare with last year" after a period without its year: that period a year before is
  the other side, not the year the period is in;
* a "rep" is a sales rep: "the best rep in every region" ranks people by what they sold;
* rows said as rows with "the" ("the order lines under 100", "the transactions over 40k")
  and a bound of theirs: those rows listed, not counted;
* a total said over "all <groups>" ("the sum of quantity across all categories"): one
  total, not a breakdown; an aggregation word glued to a table's name before a column of it
  ("average order amount") is that column's aggregate.

Questions are worded unlike the batch questions that showed each rule (other columns,
periods, numbers, tables)."""

from __future__ import annotations

import time

import pytest

from plotboard.ai.builtin.asked import bounded_rows_said
from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of

# -- a column said of the rows -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("email addresses of the remote Finance people", ("department", "eq", "Finance")),
        ("emails of every Sales Manager in Berlin", ("job_title", "eq", "Sales Manager")),
        ("show me the emails of the Toronto staff", ("location", "eq", "Toronto")),
    ],
)
def test_a_column_of_the_rows_lists_them_with_it(
    catalog: Catalog, values: Values, question: str, kept: tuple[str, str, str]
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert "email" in spec.get("select", []), (question, spec)
    assert "full_name" in spec["select"], (question, spec)
    assert not spec.get("measures") and not dims_of(spec), (question, spec)
    assert kept in filters_of(spec), (question, spec)


def test_a_column_with_few_values_said_of_the_rows_stays_a_breakdown(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("job titles of the remote people in Berlin", catalog, values))
    assert dims_of(spec) == ["job_title"], spec
    assert spec["measures"] == [{"agg": "count"}], spec


def test_a_count_of_a_column_of_the_rows_stays_a_count(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many emails of London staff", catalog, values))
    assert "select" not in spec, spec
    assert spec.get("measures"), spec


def test_numbers_of_a_verb_are_a_thing_asked_about(catalog: Catalog, values: Values) -> None:
    reply = ask("phone numbers of the support people in Sydney", catalog, values)
    assert reply.tile is None
    assert "couldn't find" in reply.answer and "phone" in reply.answer, reply.answer
    assert "send messages" not in reply.answer
    still = ask("phone the support people in Sydney", catalog, values)
    assert still.tile is None and "send messages" in still.answer, still.answer


# -- a bound said of the groups ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "op", "value"),
    [
        ("categories whose 2024 units stay under 50k", "lt", 50000),
        ("products where units in 2023 exceed 20000", "gt", 20000),
        ("sales regions with quantity of at least 300,000", "gte", 300000),
    ],
)
def test_an_amount_said_of_the_groups_bounds_their_total(
    catalog: Catalog, values: Values, question: str, op: str, value: float
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], (question, spec)
    assert having_of(spec) == [("sum_quantity", op, value)], (question, spec)
    assert all(c != "quantity" for c, _, _ in filters_of(spec)), (question, spec)
    assert "quantity" not in dims_of(spec), (question, spec)


def test_a_price_said_of_the_groups_still_keeps_rows(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("categories where unit price > 900", catalog, values))
    assert ("unit_price", "gt", 900) in filters_of(spec), spec
    assert not having_of(spec), spec


def test_the_rows_named_keep_their_own_bound(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("revenue by product from orders of more than 40 units", catalog, values))
    assert ("quantity", "gt", 40) in filters_of(spec), spec
    assert not having_of(spec), spec


# -- "compare with last year" --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("units sold in March, compare with last year", "2025-03-01", "2025-03-31"),
        ("Q2 hires, compare with last year", "2025-04-01", "2025-06-30"),
        ("revenue in May, compare against last year", "2025-05-01", "2025-05-31"),
        ("October revenue against last year", "2025-10-01", "2025-10-31"),
    ],
)
def test_last_year_compared_with_is_the_period_a_year_before(
    catalog: Catalog, values: Values, question: str, start: str, end: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    dated = [f for f in filters_of(spec) if f[1] == "between"]
    assert dated and dated[0][2] == [start, end], (question, spec)
    assert spec["compare"] == {"to": "previous_year"}, (question, spec)
    assert start[:4] in (reply.understood or "") and str(int(start[:4]) - 1) in (
        reply.understood or ""), reply.understood


# -- a rep is a sales rep ------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["the best rep in every region",
                                      "who is the number one rep per sales region"])
def test_a_rep_is_ranked_by_what_they_sold_in_each_group(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "sales", (question, spec)
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], (question, spec)
    assert dims_of(spec) == ["sales_region", "employees.full_name"], (question, spec)
    assert spec["limit"] == 1 and spec["limit_per"] == "sales_region", (question, spec)


def test_the_top_rep_alone_is_one_person(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("who was the top rep in 2024", catalog, values))
    assert dims_of(spec) == ["employees.full_name"], spec
    assert spec["limit"] == 1, spec


def test_the_amount_sold_ranks_without_a_breakdown_by_the_rows(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("the leading rep in each sales region for 2024, by dollars sold",
                       catalog, values))
    assert dims_of(spec) == ["sales_region", "employees.full_name"], spec


# -- rows said as rows, with a bound -------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "column", "op", "value"),
    [
        ("please review the order lines under 60 in May", "amount", "lt", 60),
        ("the transactions over 90000 in Q1", "amount", "gt", 90000),
        ("could you pull the sales entries above 95k from last month", "amount", "gt", 95000),
    ],
)
def test_rows_said_as_rows_with_a_bound_are_listed(
    catalog: Catalog, values: Values, question: str, column: str, op: str, value: float
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec.get("select") and "sale_id" in spec["select"], (question, spec)
    assert not spec.get("measures"), (question, spec)
    assert (column, op, value) in filters_of(spec), (question, spec)


@pytest.mark.parametrize("question", [
    "how many of the order lines under 60 in May",
    "East region sales lines worth no more than $80",
    "count the transactions over 90000 in Q1",
])
def test_rows_counted_or_said_bare_stay_a_count(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec.get("measures") == [{"agg": "count"}], (question, spec)


def test_rows_said_reads_fast_on_hostile_input() -> None:
    for text in ["the records " * 2000, "the \x00 rows above", "\ud800 the lines over 5",
                 "     ".join(["the", "orders", "over"])]:
        start = time.perf_counter()
        bounded_rows_said(text.split())
        assert time.perf_counter() - start < 1.0


# -- a total over all the groups -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("the sum of quantity across all categories in 2023", {"agg": "sum",
                                                               "column": "quantity"}),
        ("total revenue of all the sales regions last year", {"agg": "sum", "column": "amount"}),
        ("overall headcount of all departments", {"agg": "count"}),
    ],
)
def test_a_total_over_all_groups_is_one_total(
    catalog: Catalog, values: Values, question: str, measure: dict[str, str]
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert not dims_of(spec), (question, spec)
    assert spec["measures"] == [measure], (question, spec)
    assert any("one total" in a for a in reply.assumptions), reply.assumptions


@pytest.mark.parametrize("question", ["total revenue for each sales region last year",
                                      "total units per category in 2023",
                                      "revenue of all sales regions last year"])
def test_each_group_or_no_total_word_stays_a_breakdown(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert len(dims_of(spec)) == 1, (question, spec)


def test_an_aggregation_glued_to_the_table_name_takes_its_column(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("the total sales quantity per region", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec
    assert dims_of(spec) == ["sales_region"], spec
    spec = spec_of(ask("total sales in Q3 2024", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec
