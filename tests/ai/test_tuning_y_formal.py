"""The built-in engine on an auditor's formal English (issue 12, blind batch y): periods
said by the day they close on ("the year ended 31 December 2024", "the three months to 31
March 2025"), a year said to be the whole calendar year ("the 2023 calendar year", "FY2022
(January to December)"), "between <day> and today"; an accountant's words for the rows of a
transactions table ("entries", "postings"), "the population of" (all of them) and "posted" /
"recorded" (nothing more); "sales ledger" as the revenue; and formal requests ("Please
provide ...", "We require ...", "kindly confirm ...", "a listing of ...").

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote (today is Thursday 2025-11-20)."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, spec_of, without_of

# --- periods said by the day they close on -------------------------------------------------


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("units sold in the year ended 31 December 2023", "2023-01-01", "2023-12-31"),
        ("revenue for the quarter ended June 30, 2024", "2024-04-01", "2024-06-30"),
        ("number of sales in the six months to 30 September 2025", "2025-04-01", "2025-09-30"),
        ("revenue for the twelve months ending 31 March 2025", "2024-04-01", "2025-03-31"),
        ("units sold in the month ended 31 October 2025", "2025-10-01", "2025-10-31"),
        ("revenue for the quarter to 30 September 2025", "2025-07-01", "2025-09-30"),
    ],
)
def test_a_period_closing_on_a_named_day(
    question: str, start: str, end: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("sale_date", "between", [start, end]) in filters_of(spec), spec
    assert dims_of(spec) == [], spec


def test_hires_in_a_year_ended_on_a_day(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask("how many people joined in the year ended 31 December 2022", catalog, values)
    )
    assert ("hire_date", "between", ["2022-01-01", "2022-12-31"]) in filters_of(spec), spec


def test_the_year_that_just_ended_is_still_the_last_one(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("revenue in the year that has just ended", catalog, values))
    assert ("sale_date", "between", ["2024-01-01", "2024-12-31"]) in filters_of(spec), spec


@pytest.mark.parametrize(
    "question",
    [
        "revenue by region in the 2023 calendar year",
        "revenue by region for FY2023 (calendar year)",
        "revenue by region in 2023 (Jan to Dec)",
    ],
)
def test_a_year_said_to_be_the_calendar_year_is_no_breakdown(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("sale_date", "between", ["2023-01-01", "2023-12-31"]) in filters_of(spec), spec
    assert dims_of(spec) == ["sales_region"], spec


def test_between_a_day_and_today(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("number of sales between 1 July 2025 and today", catalog, values))
    assert ("sale_date", "between", ["2025-07-01", "2025-11-20"]) in filters_of(spec), spec


# --- an accountant's words for rows ------------------------------------------------------------


def test_entries_are_the_sales_rows(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("average amount per posting in 2024", catalog, values))
    assert spec["table"] == "sales", spec
    assert spec["measures"] == [{"agg": "avg", "column": "amount"}], spec


def test_entries_posted_are_counted(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("count of entries posted by region in 2024", catalog, values))
    assert spec["table"] == "sales" and spec["measures"] == [{"agg": "count"}], spec
    assert dims_of(spec) == ["sales_region"], spec


def test_the_population_of_rows_is_all_of_them(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the population of ledger entries in 2023 by amount band", catalog, values))
    assert spec["table"] == "sales", spec
    assert [d.get("bin") is not None for d in spec["dimensions"]] == [True], spec


def test_people_with_no_entries_recorded(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the Finance personnel with no entries recorded in 2025", catalog, values))
    assert spec["table"] == "employees", spec
    assert without_of(spec) and without_of(spec)[0][0] == "sales", spec


def test_the_sales_ledger_is_the_revenue(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("sales ledger by category for 2022", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec
    assert dims_of(spec) == ["category"], spec


# --- formal requests -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Please provide running revenue per month for 2023.",
        "We require running revenue per month for 2023.",
    ],
)
def test_a_formal_request_is_the_question(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"][0].get("cumulative") is True, spec
    assert ("sale_date", "between", ["2023-01-01", "2023-12-31"]) in filters_of(spec), spec


def test_a_listing_of_rows_lists_them(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask("Please provide a listing of the postings over $40,000 in May 2025", catalog, values)
    )
    assert "select" in spec and "measures" not in spec, spec
    assert ("amount", "gt", 40000) in filters_of(spec), spec


def test_confirm_the_count(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "please confirm the number of postings in the quarter ended 30 June 2025",
            catalog,
            values,
        )
    )
    assert spec["measures"] == [{"agg": "count"}], spec
    assert ("sale_date", "between", ["2025-04-01", "2025-06-30"]) in filters_of(spec), spec
