"""The built-in engine on the shapes of questions found while tuning on blind batch i
(issue 12): bounds on totals said as an average ("an average rating of 4 or better", "whose
average sale is under 900"), bounds said after the thing counted ("200 staff max", "10 deals
or fewer"), dates said as "newer than" / "older than", and listings asked with "see all".

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of


@pytest.mark.parametrize(
    ("question", "dim", "having"),
    [
        # an average named with its number ("an average rating of 3.4 or better")
        ("departments with an average rating of 3.3 or higher", "department",
         ("avg_performance_rating", "gte", 3.3)),
        ("locations where people average a rating of 3.4 or above", "location",
         ("avg_performance_rating", "gte", 3.4)),
        # the average of the table's own amount, said through its rows ("average sale")
        ("regions whose average sale is under 5600", "sales_region", ("avg_amount", "lt", 5600)),
        ("products where the typical deal is above 4000 on average", "product",
         ("avg_amount", "gt", 4000)),
    ],
)
def test_averages_compared_per_group_are_totals(
    question: str, dim: str, having: tuple[str, str, float], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert dims_of(spec) == [dim], spec
    assert having_of(spec) == [having], spec
    assert not [f for f in filters_of(spec) if f[0] in ("performance_rating", "amount")], spec


def test_a_rating_of_a_number_still_keeps_rows(catalog: Catalog, values: Values) -> None:
    """Without an average asked for the same number, "a rating of 5" keeps rows."""
    spec = spec_of(ask("average salary of staff with a rating of 4", catalog, values))
    assert ("performance_rating", "eq", 4) in filters_of(spec), spec
    assert not spec.get("having"), spec


@pytest.mark.parametrize(
    ("question", "op", "value"),
    [
        ("departments with 250 employees tops", "lte", 250),
        ("locations that have 140 staff minimum", "gte", 140),
        ("countries with 300 people or fewer", "lte", 300),
    ],
)
def test_a_bound_after_the_things_counted(
    question: str, op: str, value: int, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert len(dims_of(spec)) == 1, spec
    assert having_of(spec) == [("count", op, value)], spec


def test_sellers_with_few_orders_are_a_filter_on_their_count(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("reps who closed 8 deals or fewer", catalog, values))
    assert spec["table"] == "sales", spec
    assert "employees.full_name" in dims_of(spec), spec
    assert having_of(spec) == [("count", "lte", 8)], spec


def test_max_before_a_noun_is_still_the_highest(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("max salary per department", catalog, values))
    assert {"agg": "max", "column": "salary"} in spec["measures"], spec
    assert not spec.get("having"), spec


@pytest.mark.parametrize(
    ("question", "op", "value"),
    [
        ("offices more recent than 2015", "gte", "2016-01-01"),
        ("list the offices newer than 2017", "gte", "2018-01-01"),
        ("offices older than 2014", "lte", "2013-12-31"),
    ],
)
def test_newer_and_older_than_a_year_are_bounds(
    question: str, op: str, value: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("opened_on", op, value) in filters_of(spec), spec
    assert "compare" not in spec, spec


def test_see_all_the_rows_is_a_listing(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("can I see all deals of Laptop Pro 14 on 3 March 2025", catalog, values))
    assert not spec.get("measures"), spec
    assert spec.get("select"), spec
    assert ("product", "eq", "Laptop Pro 14") in filters_of(spec), spec
