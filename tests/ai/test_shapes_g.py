"""The built-in engine on query shapes found while tuning on blind batch g (issue 12):
the highest (lowest) value within each group, and the single biggest (smallest) value of a
measure named with its table ("the largest order amount").

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from plotboard.ai.answers import EngineAnswer
from plotboard.ai.builtin import answer
from plotboard.catalog.model import Catalog

TODAY = dt.date(2025, 11, 20)
Values = dict[tuple[str, str], list[str]]


def ask(question: str, catalog: Catalog, values: Values, **kwargs: Any) -> EngineAnswer:
    return answer(question, catalog, values, today=TODAY, **kwargs)


def spec_of(reply: EngineAnswer) -> dict[str, Any]:
    assert reply.tile is not None, reply.answer
    return reply.tile.query.model_dump(exclude_defaults=True, mode="json")


@pytest.mark.parametrize(
    ("question", "agg", "column", "dim"),
    [
        ("top pay in every location", "max", "salary", "location"),
        ("the lowest rating per country", "min", "performance_rating", "country"),
        ("for each sales region, the highest quantity", "max", "quantity", "sales_region"),
    ],
)
def test_the_highest_within_each_group(
    catalog: Catalog, values: Values, question: str, agg: str, column: str, dim: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": agg, "column": column}], (question, spec)
    assert [d["column"] for d in spec["dimensions"]] == [dim], (question, spec)
    assert "limit" not in spec, (question, spec)


def test_the_group_with_the_highest_value_is_still_a_ranking(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("which department has the highest salary", catalog, values))
    assert spec["measures"][0]["agg"] == "avg"
    assert spec["limit"] == 1


@pytest.mark.parametrize(
    ("question", "agg"),
    [
        ("the largest sale amount we ever had", "max"),
        ("smallest sale amount in 2024", "min"),
    ],
)
def test_the_single_biggest_value_of_a_measure(
    catalog: Catalog, values: Values, question: str, agg: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": agg, "column": "amount"}], (question, spec)
    assert "dimensions" not in spec, (question, spec)


@pytest.mark.parametrize(
    ("question", "column", "binned"),
    [
        ("performance rating breakdown among office staff", "performance_rating", False),
        ("quantity breakdown in 2024", "quantity", True),
    ],
)
def test_a_breakdown_of_a_column_alone_is_its_spread(
    catalog: Catalog, values: Values, question: str, column: str, binned: bool
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert [d["column"] for d in spec["dimensions"]] == [column], (question, spec)
    assert ("bin" in spec["dimensions"][0]) is binned, (question, spec)


def test_a_breakdown_by_something_is_still_a_breakdown(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units breakdown by sales region", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}]
    assert [d["column"] for d in spec["dimensions"]] == ["sales_region"]


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("count of people with a performance rating of 1 or 2", [1, 2]),
        ("headcount per department among those rated 3 or 4", [3, 4]),
    ],
)
def test_either_of_two_numbers_is_a_list_of_values(
    catalog: Catalog, values: Values, question: str, wanted: list[int]
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["filters"] == [
        {"column": "performance_rating", "op": "in", "value": wanted}
    ], (question, spec)
    assert "having" not in spec, (question, spec)


def test_a_share_of_either_of_two_numbers(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("percent of the workforce with a rating of 2 or 3", catalog, values))
    assert spec["measures"][0]["expr"].startswith("count_if(performance_rating in (2, 3))")


def test_a_number_or_more_is_still_a_lower_bound(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("staff rated 4 or more", catalog, values))
    assert spec["filters"] == [{"column": "performance_rating", "op": "gte", "value": 4}]


def test_anyone_after_a_highest_value_is_one_value(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the top performance rating anybody got in 2024", catalog, values))
    assert spec["measures"] == [{"agg": "max", "column": "performance_rating"}]
    assert "select" not in spec
    who = spec_of(ask("who has the highest salary", catalog, values))
    assert "full_name" in who["select"]


@pytest.mark.parametrize(
    ("question", "start"),
    [
        ("units this month to date", "2025-11-01"),
        ("orders in the current quarter to date", "2025-10-01"),
    ],
)
def test_this_period_to_date_ends_today(
    catalog: Catalog, values: Values, question: str, start: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["filters"] == [
        {"column": "sale_date", "op": "between", "value": [start, TODAY.isoformat()]}
    ], (question, spec)


def test_draw_asks_for_a_chart_of_the_last_tile(catalog: Catalog, values: Values) -> None:
    first = ask("units by month in 2024", catalog, values)
    again = ask("could you draw those as bars", catalog, values, previous=first.tile)
    assert again.tile is not None, again.answer
    assert spec_of(again) == spec_of(first)
    assert again.tile.chart_type == "bar"
    gender = ask("gender split of the finance team", catalog, values)
    assert gender.tile is None  # a word one letter from a stopword is still unknown


def test_a_distinct_count_is_not_broken_down_by_what_it_counts(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(
        "size of the product catalogue, that is how many distinct products were sold in 2024",
        catalog, values,
    ))
    assert spec["measures"] == [{"agg": "count_distinct", "column": "product"}]
    assert "dimensions" not in spec
    per = spec_of(ask("distinct products per category", catalog, values))
    assert [d["column"] for d in per["dimensions"]] == ["category"]


def test_how_many_got_one_value_counts_the_rows(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many got a rating of 2 among 2024 hires", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert {"column": "performance_rating", "op": "eq", "value": 2} in spec["filters"]
