"""The built-in engine on periods, conversations, a second source and running totals that blind
batches r and s read wrong (issue 12 items 1, 3 and 4).

Periods: a start and an end said apart ("after 2020 and before 2023") bound one span; a period
cut at today ("2024, through today", "till date"); two dated days joined by a dash ("1 May
2023-30 April 2024"); "the same month a year ago" (that month, not the whole year before); a
year-like number that counts rows ("no more than 2000 units") is no year; "kindly share"
is a request, not a share.

Conversations: "the 5 at the bottom of the ranking", "the quarter before that" (before the
chart's period), "repeat it for 2022", "by month rather than by category", "limit it to the
APAC offices" (rows named with their value narrow the chart), a new question mid-chat.

Words around them: "what did it take" (takings), "X: what date did it open its doors",
"which year and day did X launch" (an office's opening date), "top 4 job titles by staff"
(counted), "rank categories by quantity" (its total), "show me the units sold in Q1" (the
total, not a listing), "the Finance team's size"; running totals typed fast ("runing totl")
or as SQL ("sum(amount) over (order by month)"); a two-digit year after a total ("units 24").

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote (today is Thursday 2025-11-20)."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of

# --- periods ---------------------------------------------------------------------------------


def _dated(spec: dict[str, object]) -> list[tuple[str, str, object]]:
    return [f for f in filters_of(spec) if f[0] in ("sale_date", "hire_date", "opened_on")]


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("how many people did we hire after 2019 and before 2022", "2020-01-01", "2021-12-31"),
        ("units sold since February 2023 until May 2024", "2023-02-01", "2024-05-31"),
        ("staff who started on or after 2020-06-01 and on or before 2021-05-31",
         "2020-06-01", "2021-05-31"),
        ("orders placed before 2023 but after 2021", "2022-01-01", "2022-12-31"),
    ],
)
def test_a_start_and_an_end_said_apart_bound_one_span(
    question: str, start: str, end: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _dated(spec) == [(_dated(spec)[0][0], "between", [start, end])], spec


@pytest.mark.parametrize(
    "question",
    [
        "new hires since the beginning of the year, up to today",
        "revenue in 2025 through today",
        "2025 units sold by month, till date",
        "how many orders in 2025 until now",
    ],
)
def test_a_period_cut_at_today(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _dated(spec) == [(_dated(spec)[0][0], "between", ["2025-01-01", "2025-11-20"])], spec


def test_up_to_today_alone_is_everything_until_today(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("total revenue till date", catalog, values))
    assert _dated(spec) == [("sale_date", "lte", "2025-11-20")], spec


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("share of Software in the 1 May 2023-30 April 2024 orders", "2023-05-01", "2024-04-30"),
        ("units sold, 15 January 2024 - 14 January 2025", "2024-01-15", "2025-01-14"),
    ],
)
def test_two_dated_days_joined_by_a_dash_are_a_span(
    question: str, start: str, end: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _dated(spec) == [("sale_date", "between", [start, end])], spec


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("how many sales in the same month a year ago", "2024-11-01", "2024-11-30"),
        ("hires during the same quarter the year before", "2024-10-01", "2024-12-31"),
        ("revenue for the same month last year", "2024-11-01", "2024-11-30"),
    ],
)
def test_the_same_period_a_year_back(
    question: str, start: str, end: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _dated(spec) == [(_dated(spec)[0][0], "between", [start, end])], spec


def test_the_same_period_a_year_back_against_this_one_compares(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("units by month in 2024 beside the same month the year before",
                       catalog, values))
    assert _dated(spec) == [("sale_date", "between", ["2024-01-01", "2024-12-31"])], spec
    assert spec.get("compare") == {"to": "previous_year"}, spec
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "month"}], spec


def test_a_year_like_count_after_than_is_no_year(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("products with no more than 2000 units sold in 2024", catalog, values))
    assert _dated(spec) == [("sale_date", "between", ["2024-01-01", "2024-12-31"])], spec
    assert having_of(spec) == [("sum_quantity", "lte", 2000)], spec
    assert "compare" not in spec


@pytest.mark.parametrize(
    "question",
    ["kindly share department-wise headcount", "please share 2024 revenue region-wise"],
)
def test_kindly_share_is_a_request(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert not any(m.get("share") for m in spec["measures"]), spec
    assert "expr" not in spec["measures"][0], spec
    assert len(dims_of(spec)) == 1, spec


# --- conversations ---------------------------------------------------------------------------


def _after(first: str, then: str, catalog: Catalog, values: Values) -> dict[str, object]:
    previous = ask(first, catalog, values).tile
    assert previous is not None
    return spec_of(ask(then, catalog, values, previous=previous))


def test_the_bottom_of_that_ranking_flips_the_last_chart(
    catalog: Catalog, values: Values
) -> None:
    spec = _after("the 4 best selling products by units in 2023",
                  "and the 4 at the bottom of the ranking", catalog, values)
    assert spec["order_by"] == [{"by": "sum_quantity"}], spec
    assert spec["limit"] == 4, spec
    assert _dated(spec) == [("sale_date", "between", ["2023-01-01", "2023-12-31"])], spec


def test_ranking_is_no_misspelt_rating(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("ranking of the categories by units sold", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec


@pytest.mark.parametrize(
    ("first", "then", "start", "end"),
    [
        ("units sold by region last month", "and the month before that",
         "2025-09-01", "2025-09-30"),
        ("revenue by product in Q2 2024", "now the quarter before", "2024-01-01", "2024-03-31"),
        ("hires by department in March 2025", "what about the year before that",
         "2024-03-01", "2024-03-31"),
    ],
)
def test_the_period_before_that_is_before_the_charts(
    first: str, then: str, start: str, end: str, catalog: Catalog, values: Values
) -> None:
    spec = _after(first, then, catalog, values)
    assert _dated(spec) == [(_dated(spec)[0][0], "between", [start, end])], spec
    assert len(dims_of(spec)) == 1, spec


def test_repeat_that_for_another_year(catalog: Catalog, values: Values) -> None:
    spec = _after("number of sales per week in 2024", "please repeat it for 2022",
                  catalog, values)
    assert _dated(spec) == [("sale_date", "between", ["2022-01-01", "2022-12-31"])], spec
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "week"}], spec


def test_a_breakdown_instead_of_another_replaces_it(catalog: Catalog, values: Values) -> None:
    spec = _after("units sold by category in 2023", "show that by month rather than by category",
                  catalog, values)
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "month"}], spec


def test_rows_named_with_their_value_narrow_the_last_chart(
    catalog: Catalog, values: Values
) -> None:
    spec = _after("average salary by job title", "limit it to the APAC offices", catalog, values)
    assert spec["table"] == "employees", spec
    assert ("offices.region", "eq", "APAC") in filters_of(spec), spec
    assert dims_of(spec) == ["job_title"], spec


def test_a_new_question_mid_chat_starts_fresh(catalog: Catalog, values: Values) -> None:
    spec = _after("units sold by region in 2024", "new question: how many offices are in EMEA",
                  catalog, values)
    assert spec["table"] == "offices", spec
    assert ("region", "eq", "EMEA") in filters_of(spec), spec
    assert not _dated(spec), spec


# --- what a thing took in, when an office opened, rows ranked by their count ----------------


def test_what_did_it_take_is_its_takings(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Security Suite - what did it take during Q1 2025", catalog,
                       values))
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec
    assert ("product", "eq", "Security Suite") in filters_of(spec), spec


def test_take_on_staff_is_no_takings(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many people did we take on during 2023", catalog, values))
    assert spec["table"] == "employees", spec


@pytest.mark.parametrize(
    "question",
    ["Berlin office: what date did it open its doors?", "which year and day did Sydney launch?"],
)
def test_when_an_office_opened(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "offices", spec
    shown = spec.get("select", []) + [m.get("column") for m in spec.get("measures", [])]
    assert "opened_on" in shown, spec


def test_things_ranked_by_their_rows_are_counted(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("top 4 job titles by staff", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert dims_of(spec) == ["job_title"], spec
    assert spec["limit"] == 4, spec


def test_show_me_an_amount_is_its_total(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("show me the units sold in Q1 2024", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec
    assert "select" not in spec, spec


# --- running totals --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["runing total of units sold by week", "rolling totl of revenue by month",
     "sum(amount) over (order by month)"],
)
def test_running_totals_typed_fast_or_as_sql(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"][0].get("cumulative") is True, spec


@pytest.mark.parametrize(("question", "year"), [("units 24 by month", "2024"),
                                                 ("top 5 products rev 23", "2023")])
def test_a_two_digit_year_after_a_total(
    question: str, year: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _dated(spec) == [("sale_date", "between", [f"{year}-01-01", f"{year}-12-31"])], spec
    assert "having" not in spec, spec


def test_a_two_digit_number_after_an_average_stays_a_number(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("average salary 24", catalog, values))
    assert not _dated(spec), spec


def test_a_two_digit_year_is_said_in_the_assumptions(catalog: Catalog, values: Values) -> None:
    reply = ask("units 23 by quarter", catalog, values)
    assert any("23" in a and "2023" in a for a in reply.assumptions), reply.assumptions


def test_rank_things_by_a_number_ranks_by_its_total(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("rank categories by quantity in 2023", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec
    assert dims_of(spec) == ["category"], spec


def test_a_groups_size_said_with_a_possessive_is_its_headcount(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("what is the Finance team's size", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert ("department", "eq", "Finance") in filters_of(spec), spec


def test_this_month_against_last_month_of_the_same_name(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units sold this October compared with last October", catalog, values))
    assert _dated(spec) == [("sale_date", "between", ["2025-10-01", "2025-10-31"])], spec
    assert spec.get("compare") == {"to": "previous_year"}, spec


def test_dated_names_the_period(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many orders dated 2 January 2024 to 1 March 2024", catalog, values))
    assert _dated(spec) == [("sale_date", "between", ["2024-01-02", "2024-03-01"])], spec


def test_since_a_period_ended(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("number of hires since 2021 ended", catalog, values))
    assert _dated(spec) == [("hire_date", "gte", "2022-01-01")], spec
