"""The built-in engine on general rules found while tuning on blind batch ac (issue 12): "do
not have a boss" (no manager, not "not a Manager by title"), "month 3" as March, a count
said before the rows ranked ("the 4 people with the lowest rating"), and "show me 3 X with
the most Y" in each group.

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import time

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, spec_of

# -- "people who don't have a boss" ------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "which employees do not have supervisor",
        "how many people in Berlin does not have any boss",
        "list staff that don't have line manager",
    ],
)
def test_not_having_a_boss_is_no_manager(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("manager_id", "is_null", None) in [
        (c, o, v if o != "is_null" else None) for c, o, v in filters_of(spec)
    ], (question, spec)
    assert not any(c == "job_title" for c, _, _ in filters_of(spec)), (question, spec)


# -- "month 3" ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("headcount hired in month 3 2024", "2024-03-01", "2024-03-31"),
        ("units sold from month 02 to month 4 2023", "2023-02-01", "2023-04-30"),
        ("average order size during month 11 2022", "2022-11-01", "2022-11-30"),
    ],
)
def test_month_said_by_its_number(
    catalog: Catalog, values: Values, question: str, start: str, end: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    dates = [v for c, o, v in filters_of(spec) if o == "between"]
    assert dates == [[start, end]], (question, spec)
    assert not any(d.get("grain") for d in spec.get("dimensions", [])), (question, spec)


def test_month_number_after_each_is_not_a_month(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("revenue by month 2024", catalog, values))
    assert [d.get("grain") for d in spec.get("dimensions", [])] == ["month"], spec


# -- "the 4 people with the lowest rating" -----------------------------------------------------


@pytest.mark.parametrize(
    ("question", "n"),
    [
        ("the 4 people with lowest performance rating in Engineering", 4),
        ("3 employees have lowest salary in Marketing", 3),
    ],
)
def test_count_before_ranked_rows_is_how_many(
    catalog: Catalog, values: Values, question: str, n: int
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec.get("select"), (question, spec)
    assert spec["limit"] == n, (question, spec)


# -- "show me 3 X with the most Y" in each group -----------------------------------------------


@pytest.mark.parametrize(
    ("question", "n", "per"),
    [
        ("for every region show me 3 product with most units", 3, "sales_region"),
        ("per category, give me 4 product with highest revenue", 4, "category"),
    ],
)
def test_count_after_show_me_is_how_many_per_group(
    catalog: Catalog, values: Values, question: str, n: int, per: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["limit"] == n, (question, spec)
    assert spec["limit_per"] == per, (question, spec)
    assert dims_of(spec) == [per, "product"], (question, spec)


def test_count_after_show_me_without_a_ranking_stays_unread(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("show me 5 sales from last week", catalog, values))
    assert "limit_per" not in spec, spec


# -- hostile input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "in month " * 2000,
        "do not have " * 2000,
        "give me 2 " * 2000 + "most",
        "month\x00 6   \ud800 month 7",
    ],
)
def test_hostile_input_finishes_fast(catalog: Catalog, values: Values, question: str) -> None:
    start = time.perf_counter()
    ask(question, catalog, values)
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    ("question", "column", "desc", "n"),
    [
        ("the 2 transactions with the highest unit price in 2023", "unit_price", True, 2),
        ("the 3 sales with the lowest amount in 2024", "amount", False, 3),
        ("the 4 orders with the biggest amount last year", "amount", True, 4),
    ],
)
def test_n_rows_with_the_highest_of_their_column_are_those_rows(
    catalog: Catalog, values: Values, question: str, column: str, desc: bool, n: int
) -> None:
    # Found beside batch ac: "the 4 deals with the biggest amount last year" was the top 4
    # products by revenue (a grouping by the table's label), not the 4 deals.
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "sales", (question, spec)
    assert not spec.get("dimensions") and not spec.get("measures"), (question, spec)
    assert spec["order_by"] == [{"by": column, "desc": True} if desc else {"by": column}], spec
    assert spec["limit"] == n, (question, spec)


def test_n_people_with_the_highest_salary_stay_a_row_per_person(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("the 10 employees with the highest salary", catalog, values))
    assert spec["table"] == "employees", spec
    assert spec["limit"] == 10, spec
