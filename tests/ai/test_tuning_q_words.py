"""The built-in engine on words (issue 12, tuning after blind batch p): numbers said in words
are read whole wherever a number goes ("twenty twenty four", "sixty thousand", "seven and a
half million", "the top eight"); more shorthand ("ly", "terr"); typos next to words that make
them clear ("the nroth region", "avrage salry"), plurals misspelt ("untis"); software sold by
the licence or seat; world regions in words ("European", "Asia-Pacific"); a table named as
such ("the employee table", "employee records"); "vice presidents"; a meeting before the
question ("pipeline review:"); "flip it" on the last chart; a thing that "made" money earns
revenue, not a salary; and a head noun the data lacks before "of" is refused, never dropped.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data (or its refusal)."""

from __future__ import annotations

import pytest

from plotboard.ai.answers import EngineAnswer
from plotboard.ai.builtin.numberwords import spoken_numbers
from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of


def _refused(reply: EngineAnswer) -> str:
    assert reply.tile is None and not reply.tiles, reply.tile
    assert reply.suggestions, reply.answer
    return reply.answer


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("revenue in twenty twenty four", "revenue in 2024"),
        ("hires in nineteen ninety nine", "hires in 1999"),
        ("orders above forty-two thousand", "orders above 42000"),
        ("regions over seven and a half million", "regions over 7500000"),
        ("salaries under a hundred and ten thousand", "salaries under 110000"),
        ("more than two point five million", "more than 2500000"),
        ("at least half a million", "at least 500000"),
        ("the last seventy days", "the last 70 days"),
        ("two thousand and twenty two", "2022"),
        # Small numbers alone are read later, as before; "one" alone stays a word.
        ("the three best reps", "the three best reps"),
        ("staff with no one above them", "staff with no one above them"),
        ("my number one product", "my number one product"),
        ("between two and four", "between two and four"),
    ],
)
def test_spoken_numbers(said: str, read: str) -> None:
    assert spoken_numbers(said) == read


def test_a_year_in_words_is_the_year(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units sold per category in twenty twenty four", catalog, values))
    assert ("sale_date", "between", ["2024-01-01", "2024-12-31"]) in filters_of(spec), spec
    spec = spec_of(ask("hires in the second quarter of twenty twenty three", catalog, values))
    assert ("hire_date", "between", ["2023-04-01", "2023-06-30"]) in filters_of(spec), spec


def test_amounts_in_words(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("products with revenue above seven and a half million in 2024",
                       catalog, values))
    assert having_of(spec) == [("sum_amount", "gt", 7500000)], spec
    spec = spec_of(ask("how many orders were worth over thirty five thousand dollars",
                       catalog, values))
    assert ("amount", "gt", 35000) in filters_of(spec), spec


def test_a_bound_after_its_number_counts_people(catalog: Catalog, values: Values) -> None:
    # "how many ... earn 80k or less": the people, not the distinct salaries.
    spec = spec_of(ask("how many marketers earn eighty thousand or less", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert ("salary", "lte", 80000) in filters_of(spec), spec


def test_top_n_in_words(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("top eleven products by units", catalog, values))
    assert spec.get("limit") == 11, spec


@pytest.mark.parametrize(
    ("question", "period"),
    [
        ("units ly by category", ["2024-01-01", "2024-12-31"]),
        ("deals lq per region", ["2025-07-01", "2025-09-30"]),
    ],
)
def test_last_period_by_initials(
    question: str, period: list[str], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("sale_date", "between", period) in filters_of(spec), spec


def test_territory_said_short(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("orders per terr in 2024", catalog, values))
    assert dims_of(spec) == ["sales_region"], spec


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("avg deal in the nroth region", "North"),
        ("revenue of the wset region in 2024", "West"),
    ],
)
def test_a_value_misspelt_next_to_its_column(
    question: str, value: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("sales_region", "eq", value) in filters_of(spec), spec


def test_an_aggregate_misspelt_before_a_measure(catalog: Catalog, values: Values) -> None:
    # "totl"/"totle" is as near "title" as "total": the measure after it says which.
    spec = spec_of(ask("the totle payroll in Finance", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "salary"}], spec
    assert not dims_of(spec), spec
    spec = spec_of(ask("avrage quantity per order in 2024", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "quantity"}], spec


def test_a_plural_misspelt(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("untis by category", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec


@pytest.mark.parametrize("question", ["licenses sold per month in 2024 for Software",
                                      "average seats per Software order"])
def test_licences_and_seats_are_the_quantity(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"][0]["column"] == "quantity", spec


def test_remote_contracts(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many people in Sydney are on a remote contract", catalog, values))
    assert ("is_remote", "eq", True) in filters_of(spec), spec


@pytest.mark.parametrize(
    ("question", "region"),
    [("headcount in our European offices", "EMEA"), ("Asia-Pacific offices", "APAC"),
     ("offices in the Americas", "AMER")],
)
def test_world_regions_in_words(
    question: str, region: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert any(f[0].endswith("region") and f[2] == region for f in filters_of(spec)), spec


@pytest.mark.parametrize("question", ["number of rows in the offices table",
                                      "how many employee records are there"])
def test_a_table_named_as_a_table(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "count"}] and not spec.get("filters"), spec


def test_vice_presidents(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many vice presidents do we have", catalog, values))
    ((column, _op, titles),) = filters_of(spec)
    assert column == "job_title" and all(t.startswith("VP") for t in titles), spec


def test_a_pattern_with_a_gap_restates(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("show every director (the Director of ... titles)", catalog, values))
    assert "select" in spec and not dims_of(spec), spec


@pytest.mark.parametrize("question", ["QBR prep: revenue by category in 2024",
                                      "for the monthly sync - revenue by category in 2024"])
def test_a_meeting_before_the_question(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert dims_of(spec) == ["category"], spec


def test_active_salespeople(catalog: Catalog, values: Values) -> None:
    reply = ask("revenue per active salesperson in 2024", catalog, values)
    assert reply.tile is not None, reply.answer


def test_flip_it(catalog: Catalog, values: Values) -> None:
    first = ask("units by category", catalog, values)
    reply = ask("reverse the order", catalog, values, previous=first.tile)
    spec = spec_of(reply)
    assert spec["order_by"] == [{"by": "sum_quantity"}], spec
    assert "\u201creverse the order\u201d read as \u201clowest to highest\u201d" in (
        reply.assumptions), reply.assumptions
    again = ask("flip it", catalog, values, previous=reply.tile)
    assert spec_of(again)["order_by"] == [{"by": "sum_quantity", "desc": True}]


def test_a_thing_that_made_money(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("categories that made 20 million or more in 2024", catalog, values))
    assert having_of(spec) == [("sum_amount", "gte", 20000000)], spec
    spec = spec_of(ask("staff who make over 200k", catalog, values))
    assert ("salary", "gt", 200000) in filters_of(spec), spec


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("home phone numbers of everyone in the Paris office", "home"),
        ("list the birthdays of our engineers", "birthdays"),
        ("shoe sizes of the Sydney team", "shoe"),
    ],
)
def test_an_unknown_head_before_of_is_refused(
    question: str, said: str, catalog: Catalog, values: Values
) -> None:
    assert said in _refused(ask(question, catalog, values))


def test_a_container_noun_is_no_head(catalog: Catalog, values: Values) -> None:
    reply = ask("a rundown of headcount by country", catalog, values)
    assert dims_of(spec_of(reply)) == ["country"]


def test_the_office_of_a_place_is_the_place(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many people work in the office of Berlin", catalog, values))
    assert filters_of(spec) == [("location", "eq", "Berlin")], spec


def test_costing_us_the_most(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the three teams costing us the most in total pay", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "salary"}] and spec["limit"] == 3
