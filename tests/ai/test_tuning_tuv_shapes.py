"""The built-in engine on general rules found while tuning on blind batches t and u (issue 12):
query shapes it did not build or built wrongly.

* the values of a breakdown with none of the rows said missing ("which categories had no
  orders last week"): a count of those rows that is 0, over every row of the table;
* a period said before the missing rows stays the rows' own ("hired before 2023, with no
  sales in 2025"), and "no revenue" is no sales;
* the best month (quarter ...) within each group, and the row holding the maximum of each
  group when its name is asked;
* a breakdown by a word the data lacks ("per account") and an unknown thing's "number"
  ("phone number") are refused, not answered without them.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of, without_of

# -- values of a breakdown with none of the rows -------------------------------------------------


@pytest.mark.parametrize(
    ("question", "dim", "condition"),
    [
        ("categories without a single order last week", "category",
         "sale_date between '2025-11-10' and '2025-11-16'"),
        ("products that had no sales on 2 June 2025", "product",
         "sale_date between '2025-06-02' and '2025-06-02'"),
        ("which sales regions had no Training Day sales in March 2025", "sales_region",
         "product = 'Training Day' and sale_date between '2025-03-01' and '2025-03-31'"),
        ("which departments have no remote employees", "department", "is_remote = true"),
    ],
)
def test_values_with_none_of_the_rows_are_a_zero_count(
    catalog: Catalog, values: Values, question: str, dim: str, condition: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert dims_of(spec) == [dim], (question, spec)
    assert spec["measures"][0]["expr"] == f"count_if({condition})", (question, spec)
    assert having_of(spec) == [(spec["measures"][0]["name"], "eq", 0)], (question, spec)
    assert not filters_of(spec), (question, spec)  # the period counts, it keeps no rows
    assert "with no" in reply.answer, reply.answer


def test_a_value_said_before_the_missing_rows_keeps_the_groups(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("in Berlin, which job titles have no remote people?", catalog, values))
    assert spec["table"] == "employees"
    assert dims_of(spec) == ["job_title"]
    assert filters_of(spec) == [("location", "eq", "Berlin")]
    assert spec["measures"][0]["expr"] == "count_if(is_remote = true)"


def test_missing_rows_nothing_narrows_are_still_refused(catalog: Catalog, values: Values) -> None:
    # Every product has sales at some time: a count of 0 over all of them is never true.
    assert ask("products with no sales", catalog, values).tile is None


# -- the period of the missing rows, and what "no revenue" is ------------------------------------


def test_a_period_said_before_the_missing_rows_is_the_rows_own(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("staff hired before 2023 without any sales in 2025", catalog, values))
    assert spec["table"] == "employees"
    assert filters_of(spec) == [("hire_date", "lte", "2022-12-31")]
    assert without_of(spec) == [("sales", [("sale_date", "between", ["2025-01-01", "2025-12-31"])])]


def test_no_sales_year_to_date_is_the_missing_rows_period(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("people who joined before 2024 and made no sales so far this year",
                       catalog, values))
    assert filters_of(spec) == [("hire_date", "lte", "2023-12-31")]
    assert without_of(spec) == [("sales", [("sale_date", "between", ["2025-01-01", "2025-11-20"])])]


@pytest.mark.parametrize(
    "question",
    ["people with zero revenue in Q2 2025", "which employees brought in no revenue in Q2 2025"],
)
def test_no_revenue_is_no_sales(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert without_of(spec) == [
        ("sales", [("sale_date", "between", ["2025-04-01", "2025-06-30"])])
    ], (question, spec)


# -- the best of each group ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "group", "grain", "measure"),
    [
        ("top month by revenue for each region in 2024", "sales_region", "month",
         {"agg": "sum", "column": "amount"}),
        ("for every category, the best quarter for units sold", "category", "quarter",
         {"agg": "sum", "column": "quantity"}),
    ],
)
def test_the_best_period_within_each_group(
    catalog: Catalog, values: Values, question: str, group: str, grain: str,
    measure: dict[str, str],
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [measure], (question, spec)  # a total, not the biggest sale
    assert spec["dimensions"] == [{"column": group}, {"column": "sale_date", "grain": grain}]
    assert (spec["limit"], spec["limit_per"]) == (1, group), (question, spec)


@pytest.mark.parametrize(
    ("question", "agg", "column", "group", "desc"),
    [
        ("max rating per office with the name of the employee", "max", "performance_rating",
         "location", True),
        ("lowest salary in each department and the name of who gets it", "min", "salary",
         "department", False),
    ],
)
def test_the_extreme_of_each_group_with_its_name_is_that_row(
    catalog: Catalog, values: Values, question: str, agg: str, column: str, group: str,
    desc: bool,
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": agg, "column": column}], (question, spec)
    assert dims_of(spec) == [group, "full_name"], (question, spec)
    assert (spec["limit"], spec["limit_per"]) == (1, group), (question, spec)
    assert spec["order_by"][0].get("desc", False) is desc, (question, spec)


def test_a_group_said_twice_still_ranks_within_it(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which 3 people earn the most in every office? for each office",
                       catalog, values))
    assert dims_of(spec) == ["location", "full_name"]
    assert (spec["limit"], spec["limit_per"]) == (3, "location")


# -- what the data lacks, asked for --------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "units per account",
        "licences sold by account in 2024",
        "lookup the fax numbers for all offices",
    ],
)
def test_an_unknown_breakdown_or_number_is_refused(
    catalog: Catalog, values: Values, question: str
) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None, (question, reply.tile)


def test_account_for_as_a_verb_is_still_a_share(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what percentage of revenue does each category account for",
                       catalog, values))
    assert spec["measures"][0].get("share") is True
    assert dims_of(spec) == ["category"]


# -- shares, bands and running totals said at length ---------------------------------------------


def test_a_value_and_its_column_before_the_measure_is_the_whole_split(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("break down East region units by category, in percent", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity", "share": True}]
    assert dims_of(spec) == ["category"]
    assert filters_of(spec) == [("sales_region", "eq", "East")]


def test_that_bucket_refers_back_to_a_bound(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("no more than 300 orders in 2024: which products are in that bucket?",
                       catalog, values))
    assert spec["measures"] == [{"agg": "count"}]
    assert dims_of(spec) == ["product"]  # no bands of amounts
    assert having_of(spec) == [("count", "lte", 300)]


def test_a_running_total_so_far_in_the_current_year_ends_today(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("cumulative units so far in 2025, month by month", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity", "cumulative": True}]
    assert filters_of(spec) == [("sale_date", "between", ["2025-01-01", "2025-11-20"])]
