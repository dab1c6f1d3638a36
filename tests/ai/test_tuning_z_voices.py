"""The built-in engine on general rules found while tuning on blind batch z (issue 12): an
older person not used to computers and an Irish English speaker. Sentences about the
asker's computer or screen are context (their dates unused); absence, holidays and pensions
are refused; "sold no X" is none of X (not every sale but X); "nobody / not one person
with a rating of N"; "more X in A or in B"; "for every one who comes in to the office";
Irish words ("lads or lasses", "bodies", "the craic with", "the back half of", "have we").

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data (today is 2025-11-20)."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of

# -- Sentences about the asker's computer ---------------------------------------------------


def test_a_sentence_about_the_screen_is_not_read(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "Which job titles have fewer than ten people in them? The laptop has me all muddled.",
            catalog,
            values,
        )
    )
    assert dims_of(spec) == ["job_title"], spec
    assert having_of(spec) == [("count", "lt", 10)], spec


def test_the_screens_day_is_not_the_period_asked(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "What were the units sold last month? This screen only shows me yesterday.",
            catalog,
            values,
        )
    )
    assert filters_of(spec) == [("sale_date", "between", ["2025-10-01", "2025-10-31"])], spec


def test_a_device_sentence_that_asks_is_kept(catalog: Catalog, values: Values) -> None:
    reply = ask(
        "My tablet tells me to ask about pensions. What did we put in during 2023?", catalog, values
    )
    assert reply.tile is None, reply.answer


# -- Absence, holidays, pensions ------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "how many engineers are off on holiday today?",
        "Could you tell me please how many staff were away last Friday",
        "I'd like to know how many people in Support are on leave, please",
        "how many of the Berlin team called in sick this month",
        "what did the company pay into staff pensions in 2023",
    ],
)
def test_absence_and_pensions_are_refused(catalog: Catalog, values: Values, question: str) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None, reply.answer


def test_the_holiday_season_is_a_time_not_an_absence(catalog: Catalog, values: Values) -> None:
    reply = ask("revenue over the holiday season of 2024", catalog, values)
    assert reply.tile is not None, reply.answer


# -- "sold no X": none of X -----------------------------------------------------------------


def test_sold_no_value_is_none_of_it(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which regions sold no Laptop Air 13 last week", catalog, values))
    assert dims_of(spec) == ["sales_region"], spec
    assert having_of(spec)[0][1:] == ("eq", 0), spec
    assert "Laptop Air 13" in str(spec["measures"]), spec
    assert all(op != "neq" for _, op, _ in filters_of(spec)), spec


def test_sold_no_value_keeps_the_period_of_the_missing_rows(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("which reps sold no Software in March 2024", catalog, values))
    assert spec["table"] == "employees", spec
    where = spec["filters"][0]["where"]
    assert {"column": "category", "op": "eq", "value": "Software"} in where, spec
    assert any(w["column"] == "sale_date" for w in where), spec


def test_not_a_single_person_with_a_rating(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "In Tokyo, which job titles have not a single person with the top rating of 5?",
            catalog,
            values,
        )
    )
    assert dims_of(spec) == ["job_title"], spec
    assert filters_of(spec) == [("location", "eq", "Tokyo")], spec
    assert "performance_rating = 5" in str(spec["measures"]), spec
    assert having_of(spec)[0][1:] == ("eq", 0), spec


# -- Comparing two groups, a ratio ----------------------------------------------------------


def test_more_people_in_a_or_in_b_shows_both(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Have we more staff in Berlin or in Tokyo?", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert dims_of(spec) == ["location"], spec
    assert filters_of(spec) == [("location", "in", ["Berlin", "Tokyo"])], spec


def test_those_who_travel_into_the_office_are_not_remote(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "For each one person that travels into the office, how many are remote?",
            catalog,
            values,
        )
    )
    expr = spec["measures"][0]["expr"]
    assert expr.startswith("count_if(is_remote = true)") and "is_remote = false" in expr, spec


# -- Irish English --------------------------------------------------------------------------


def test_guys_and_gals_are_people_and_to_their_name_is_theirs(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(
        ask("Which two guys and gals had the most deals to their name in 2023?", catalog, values)
    )
    assert spec["table"] == "sales", spec
    assert spec["measures"] == [{"agg": "count"}], spec
    assert dims_of(spec) == ["employees.full_name"], spec
    assert spec["limit"] == 2, spec


def test_bodies_are_people(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many bodies do we have in Berlin", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert filters_of(spec) == [("location", "eq", "Berlin")], spec


def test_the_story_with_x_is_its_figure(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("What's the story with the units of Software for 2023?", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec
    assert ("category", "eq", "Software") in filters_of(spec), spec


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("the back half of 2023", "2023-07-01", "2023-12-31"),
        ("the latter half of 2024", "2024-07-01", "2024-12-31"),
        ("the front half of 2024", "2024-01-01", "2024-06-30"),
    ],
)
def test_back_and_front_halves(
    catalog: Catalog, values: Values, said: str, start: str, end: str
) -> None:
    spec = spec_of(ask(f"units sold in {said}", catalog, values))
    assert filters_of(spec) == [("sale_date", "between", [start, end])], spec


def test_back_half_not_after_the_is_no_period(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("bring back half of the units", catalog, values))
    assert not filters_of(spec), spec


def test_broken_out_across_the_groups(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("headcount broken out across the departments", catalog, values))
    assert dims_of(spec) == ["department"], spec


def test_grand_the_same_for_another_year(catalog: Catalog, values: Values) -> None:
    first = ask("2023 units broken down across the regions please", catalog, values)
    spec = spec_of(ask("Grand, now the same for 2022.", catalog, values, previous=first.tile))
    assert dims_of(spec) == ["sales_region"], spec
    assert filters_of(spec) == [("sale_date", "between", ["2022-01-01", "2022-12-31"])], spec
