"""The built-in engine on periods, conversations, a second source and running totals that blind
batches r and s read wrong (issue 12 items 1, 3 and 4).

Periods: a start and an end said apart ("after 2020 and before 2023") bound one span; a period
cut at today ("2024, through today", "till date"); two dated days joined by a dash ("1 May
2023-30 April 2024"); "the same month a year ago" (that month, not the whole year before); a
year-like number that counts rows ("no more than 2000 units") is no year; "kindly share"
is a request, not a share.

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
