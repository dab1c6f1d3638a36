"""The built-in engine on general rules found while tuning on batches v and w (issue 12):
spans of months, weekdays and rolling windows, counted lines, ratios over a count, money
amounts, product words written with a number, and daily averages over a period.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import datetime as dt

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, filters_of, spec_of

# -- spans of months ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "span"),
    [
        ("revenue in Oct-Dec 2024", ["2024-10-01", "2024-12-31"]),
        ("units sold during Feb \u2013 Apr 2025", ["2025-02-01", "2025-04-30"]),
        ("headcount hired for May-Aug 2024", ["2024-05-01", "2024-08-31"]),
        ("what did we take in Feb to May 2024", ["2024-02-01", "2024-05-31"]),
        ("number of orders, Aug - Oct 2023", ["2023-08-01", "2023-10-31"]),
    ],
)
def test_two_months_joined_are_one_span(
    catalog: Catalog, values: Values, question: str, span: list[str]
) -> None:
    spec = spec_of(ask(question, catalog, values))
    dated = [f for f in filters_of(spec) if f[0].endswith("_date")]
    assert dated == [(dated[0][0], "between", span)], (question, spec)
    assert not spec.get("dimensions"), (question, spec)


# -- weekdays and rolling windows -----------------------------------------------------------------

WEDNESDAY = dt.date(2025, 6, 11)


@pytest.mark.parametrize(
    ("question", "day"),
    [
        ("units sold last Saturday", "2025-06-07"),
        ("how many orders on Tuesday", "2025-06-10"),
        ("revenue this Thursday", "2025-06-05"),
        ("orders booked last Wednesday", "2025-06-04"),
    ],
)
def test_a_weekday_is_the_latest_such_day_before_today(
    catalog: Catalog, values: Values, question: str, day: str
) -> None:
    reply = ask(question, catalog, values, today=WEDNESDAY)
    spec = spec_of(reply)
    assert filters_of(spec) == [("sale_date", "between", [day, day])], (question, spec)
    assert any(day in said for said in reply.assumptions), reply.assumptions


def test_a_weekday_said_about_the_asking_is_no_period(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask("revenue last Saturday, as asked on Tuesday", catalog, values, today=WEDNESDAY)
    )
    assert filters_of(spec) == [("sale_date", "between", ["2025-06-07", "2025-06-07"])], spec


@pytest.mark.parametrize(
    "question",
    [
        "revenue, rolling 14 days to today",
        "orders over the rolling 14 days",
        "units in the past 14 days to today",
    ],
)
def test_a_rolling_window_ends_today(catalog: Catalog, values: Values, question: str) -> None:
    reply = ask(question, catalog, values, today=WEDNESDAY)
    spec = spec_of(reply)
    assert filters_of(spec) == [("sale_date", "between", ["2025-05-29", "2025-06-11"])], (
        question,
        spec,
    )
    assert not spec.get("dimensions"), (question, spec)


# -- lines counted ---------------------------------------------------------------------------------

COUNT = [{"agg": "count"}]


@pytest.mark.parametrize(
    "question",
    [
        "order lines shipped in March 2024",
        "how many lines did we handle in March 2024",
        "deals we shipped in March 2024",
        "how many lines in March 2024",
        "total line count for March 2024",
    ],
)
def test_lines_are_counted_rows(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "sales", (question, spec)
    assert spec["measures"] == COUNT, (question, spec)
    assert filters_of(spec) == [("sale_date", "between", ["2024-03-01", "2024-03-31"])]


# -- a count below the line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "table", "expr"),
    [
        ("units over the number of orders in 2023", "sales", "sum(quantity) * 1.0 / count()"),
        ("the payroll over the number of employees", "employees", "sum(salary) * 1.0 / count()"),
        ("total salaries over our headcount", "employees", "sum(salary) * 1.0 / count()"),
    ],
)
def test_over_a_count_is_a_ratio(
    catalog: Catalog, values: Values, question: str, table: str, expr: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == table, (question, spec)
    assert [m.get("expr") for m in spec["measures"]] == [expr], (question, spec)


# -- money amounts weighed -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "bound"),
    [
        ("did we make more than 40M in 2023", "over 40,000,000"),
        ("did revenue pass 40 million in 2023", "over 40,000,000"),
        ("did sales exceed $40M in 2023", "over 40,000,000"),
        ("did Software sales reach 40M in 2023", "at least 40,000,000"),
    ],
)
def test_a_money_bar_weighs_the_revenue(
    catalog: Catalog, values: Values, question: str, bound: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], (question, spec)
    assert ("sale_date", "between", ["2023-01-01", "2023-12-31"]) in filters_of(spec)
    assert not [f for f in filters_of(spec) if f[0] == "amount"], (question, spec)
    assert any(bound in said for said in reply.assumptions), reply.assumptions


# -- a value named by its first words --------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "product"),
    [
        ("units of the 4k monitor sold in 2024", "4K Monitor 27"),
        ("how many four k monitors did we sell in 2024", "4K Monitor 27"),
        ("Laptop Pro revenue in 2024", "Laptop Pro 14"),
    ],
)
def test_a_value_by_its_first_words(
    catalog: Catalog, values: Values, question: str, product: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("product", "eq", product) in filters_of(spec), (question, spec)
    assert not [f for f in filters_of(spec) if f[0] in ("amount", "unit_price", "quantity")]


def test_first_words_naming_another_column_stay_that_column(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("hires of the Support team last Tuesday", catalog, values, today=WEDNESDAY))
    assert ("department", "eq", "Support") in filters_of(spec), spec
    assert not [f for f in filters_of(spec) if f[0] == "job_title"], spec


def test_four_k_alone_is_a_number(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many orders were above four k in 2024", catalog, values))
    assert ("amount", "gt", 4000) in filters_of(spec), spec


# -- counted rows per day, on average --------------------------------------------------------------

PER_DAY = [{"expr": "count() * 1.0 / count_distinct(sale_date)", "name": "sales_per_sale_date"}]


@pytest.mark.parametrize(
    "question",
    [
        "average daily order lines in March 2024",
        "the daily average of deals in March 2024",
        "deals closed per day, averaged over March 2024",
        "March 2024: orders per day, averaged across the month",
    ],
)
def test_counted_rows_per_day_on_average(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == PER_DAY, (question, spec)
    assert filters_of(spec) == [("sale_date", "between", ["2024-03-01", "2024-03-31"])]
    assert not spec.get("dimensions"), (question, spec)
