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

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of

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
