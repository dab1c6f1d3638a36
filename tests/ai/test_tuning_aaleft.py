"""The built-in engine on general rules found while tuning on blind batch aa (issue 12): two
numbers joined by "or" after a count ("how many were scored 2 or 3"), a time unit mistyped
after "last" / "this", a "score" that is the number just named, a running count, a share
"by count, not money", a yearless run of months after a chart of one year, "tally up every
...", the priciest thing sold, groups that don't have a single such row, things that were
not sold, a pandas expression followed by a period, and an office's opening date asked last.

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import time

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of

# -- "how many were scored 2 or 3" -------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "of the people in Tokyo, how many were scored 2 or 3 on performance?",
        "how many were graded 2 or 3 in Tokyo?",
    ],
)
def test_two_numbers_joined_by_or_are_both_kept(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert ("performance_rating", "in", [2, 3]) in filters_of(spec), (question, spec)
    assert ("location", "eq", "Tokyo") in filters_of(spec), (question, spec)


# -- a mistyped time unit after "last" / "this" ------------------------------------------------


@pytest.mark.parametrize(
    ("question", "span"),
    [
        ("units sold for Design Studio last yeer", ["2024-01-01", "2024-12-31"]),
        ("headcount hired this yeer", ["2025-01-01", "2025-12-31"]),
        ("revenue past mounth", ["2025-10-01", "2025-10-31"]),
    ],
)
def test_a_mistyped_unit_after_last_is_that_unit(
    catalog: Catalog, values: Values, question: str, span: list[str]
) -> None:
    spec = spec_of(ask(question, catalog, values))
    dates = [f for f in filters_of(spec) if f[0] in ("sale_date", "hire_date")]
    assert dates and dates[0][2] == span, (question, spec)


def test_an_unread_period_after_last_is_refused(catalog: Catalog, values: Values) -> None:
    reply = ask("units sold last yoor", catalog, values)
    assert reply.tile is None
    assert "last yoor" in reply.answer


# -- "score" said after what is measured -------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["what's our units score for 2024?", "the 2024 quantity score please"]
)
def test_a_score_after_a_measure_is_that_measure(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], (question, spec)


def test_a_score_alone_is_still_the_rating(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("average score by department", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "performance_rating"}], spec


# -- a running count -----------------------------------------------------------------------------


def test_a_running_count_counts(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("running count of sales by month in 2023", catalog, values))
    assert spec["measures"] == [{"agg": "count", "cumulative": True}], spec
    assert dims_of(spec) == ["sale_date"], spec


# -- "by count, not money" ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "what % of 2023 sales (not dollars, by count) were in the North region?",
        "what share of 2023 sales, by count not revenue, were in the North region?",
    ],
)
def test_a_share_by_count_not_money_counts(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"][0]["expr"].startswith("count_if(sales_region = 'North')"), spec


def test_a_value_denied_after_a_breakdown_stays_a_filter(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("headcount by department not Sales", catalog, values))
    assert ("department", "neq", "Sales") in filters_of(spec), spec


# -- a yearless run of months after a chart of one year ---------------------------------------


def test_months_without_a_year_keep_the_charts_year(catalog: Catalog, values: Values) -> None:
    first = ask("revenue by week in 2022", catalog, values)
    spec = spec_of(ask("just from March to May", catalog, values, previous=first.tile))
    assert ("sale_date", "between", ["2022-03-01", "2022-05-31"]) in filters_of(spec), spec


# -- "tally up every ..." ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["tally up all the salaries in Berlin", "sum up each salary in Berlin"]
)
def test_tally_up_every_one_is_their_total(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "salary"}], (question, spec)
    assert not dims_of(spec), (question, spec)


# -- the priciest thing sold -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "desc"),
    [("costliest item they sell, per unit", True), ("the cheapest one we offer?", False)],
)
def test_the_priciest_thing_is_ranked_by_unit_price(
    catalog: Catalog, values: Values, question: str, desc: bool
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"][0]["column"] == "unit_price", (question, spec)
    assert dims_of(spec) == ["product"], (question, spec)
    assert bool(spec["order_by"][0].get("desc")) is desc, (question, spec)


# -- groups without a single such row; things not sold ----------------------------------------


def test_groups_that_dont_have_a_single_such_row(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which job titles in Berlin don't have a single remote employee?",
                       catalog, values))
    assert dims_of(spec) == ["job_title"], spec
    assert having_of(spec) == [("employees_matching", "eq", 0)], spec


def test_things_that_were_not_sold(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("regions where Office Suite License wasn't sold in May 2024",
                       catalog, values))
    assert dims_of(spec) == ["sales_region"], spec
    assert having_of(spec) == [("sales_matching", "eq", 0)], spec
    assert "Office Suite License" in spec["measures"][0]["expr"], spec
    assert not filters_of(spec), spec


# -- a pandas expression, then a period --------------------------------------------------------


def test_a_pandas_expression_then_a_period(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("employees.loc[employees.location == 'Paris', 'salary'].max() for 2020",
                       catalog, values))
    assert spec["measures"] == [{"agg": "max", "column": "salary"}], spec
    assert ("hire_date", "between", ["2020-01-01", "2020-12-31"]) in filters_of(spec), spec
    assert not dims_of(spec), spec


def test_loc_in_a_pandas_expression_is_no_location(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("df.loc[df.product == 'Design Studio', 'quantity'].sum() for West",
                       catalog, values))
    assert not dims_of(spec), spec


# -- an office's opening date asked last --------------------------------------------------------


def test_the_opening_date_asked_after_the_thing(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Tokyo office - launched on what day?", catalog, values))
    assert spec["table"] == "offices", spec
    assert "opened_on" in spec["select"], spec


# -- hostile input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "last " + "yeer " * 2000,
        "by count , not " * 2000,
        "df.loc[" + " " * 3000 + "] for 2024",
        "df.loc[df.a == 1].sum()\x00 for \ud800 2024",
        "tally up every " * 500,
    ],
)
def test_hostile_input_is_quick(catalog: Catalog, values: Values, question: str) -> None:
    started = time.perf_counter()
    ask(question, catalog, values)
    assert time.perf_counter() - started < 5
