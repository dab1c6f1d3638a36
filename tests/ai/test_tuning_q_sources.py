"""Tuning (batch q, second source): questions asked while a support desk's `tickets` database
is connected next to the demo, and questions whose join the engine read wrong.

* a word that is only a value of the other source ("High", a ticket priority) does not split
  a question the demo answers whole: it is left out, and the answer says so;
* between two sources that fit equally, a value that names a row of one table (an office's
  city) picks that table;
* an office is listed by its city, without its id (other tables point at offices);
* "when did each office open", "Berlin office - opening date?": the offices and their dates;
* the total of people named is how many there are; "what rating do X get on average" averages
  the rating;
* "revenue booked by Toronto-based reps": those people did it (one total, not a row each);
  "by remote employees": a flag said of the people named next is a filter.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.ai.answers import EngineAnswer, Source
from plotboard.catalog.model import Catalog
from tests.ai.demo import run_spec
from tests.ai.tickets import tickets_catalog, tickets_values
from tests.ai.tuning import TODAY, Values, ask, dims_of, filters_of, spec_of

DEMO, DESK = "demo", "desk"


@pytest.fixture(scope="module")
def two(catalog: Catalog, values: Values) -> list[Source]:
    return [
        Source(DEMO, "Demo", catalog, values),
        Source(DESK, "Support desk", tickets_catalog(), tickets_values()),
    ]


def _ask_two(question: str, two: list[Source]) -> tuple[EngineAnswer, dict[str, Any]]:
    reply = ask(question, two, None)  # type: ignore[arg-type]
    spec = spec_of(reply)
    assert reply.source == DEMO, reply.answer
    return reply, spec


@pytest.mark.parametrize(
    ("question", "table", "kept"),
    [
        ("per region, number of high-value deals over 30k in 2024", "sales",
         ("amount", "gt", 30000)),
        ("number of Berlin people with a high pay, over 120k", "employees",
         ("salary", "gt", 120000)),
        ("engineers with a high review score (5) - how many", "employees",
         ("performance_rating", "eq", 5)),
    ],
)
def test_a_lone_value_of_the_other_source_does_not_split_the_question(
    question: str, table: str, kept: tuple[str, str, Any], two: list[Source]
) -> None:
    reply, spec = _ask_two(question, two)
    assert spec["table"] == table
    assert kept in filters_of(spec)
    assert all(f[0] != "priority" for f in filters_of(spec))
    assert "high" in reply.unused  # and the answer says it was not used
    assert any("high" in n for n in reply.notes)


def test_a_word_of_the_other_source_that_names_what_is_counted_still_refuses(
    two: list[Source],
) -> None:
    reply = ask("how many employees have high priority tickets", two, None)  # type: ignore[arg-type]
    assert reply.tile is None


@pytest.mark.parametrize(
    "question", ["opening date of our Berlin location", "when did our Toronto location open"]
)
def test_a_value_naming_a_row_picks_its_table_between_sources(
    question: str, two: list[Source]
) -> None:
    _, spec = _ask_two(question, two)
    assert spec["table"] == "offices"
    assert spec.get("select") == ["city", "opened_on"]


def test_the_other_source_keeps_its_own_questions(two: list[Source]) -> None:
    reply = ask("number of high priority tickets in Berlin", two, None)  # type: ignore[arg-type]
    assert reply.source == DESK and spec_of(reply)["table"] == "tickets"


@pytest.mark.parametrize(
    ("question", "cities"),
    [
        ("Berlin office: when did it open?", ["Berlin"]),
        ("Paris and London offices - opening dates", ["Paris", "London"]),
        ("Sydney opening date", ["Sydney"]),
    ],
)
def test_an_office_named_by_its_city_is_listed_with_its_date(
    question: str, cities: list[str], demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert spec.get("select") == ["city", "opened_on"], spec
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    assert sorted(r[0] for r in rows) == sorted(cities)


@pytest.mark.parametrize("question", ["when was each branch opened", "when did every site open"])
def test_when_each_office_opened_lists_them(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec == {"table": "offices", "select": ["city", "opened_on"]}


def test_a_listing_of_sales_still_says_which_sale(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("all Training Day sales on 5 Nov 2024", catalog, values))
    assert spec["select"][0] == "sale_id"


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("London employees - total?", ("location", "eq", "London")),
        ("the total of remote staff", ("is_remote", "eq", True)),
    ],
)
def test_the_total_of_people_is_how_many(
    question: str, kept: tuple[str, str, Any], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "count"}]
    assert filters_of(spec) == [kept]


@pytest.mark.parametrize(
    ("question", "column"),
    [
        ("what rating do Sales people get on average", "performance_rating"),
        ("what salary do our data analysts earn on average", "salary"),
    ],
)
def test_what_amount_do_they_get_is_that_amount(
    question: str, column: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": column}]
    assert not dims_of(spec)


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("revenue generated by London-based salespeople in 2023",
         ("employees.location", "eq", "London")),
        ("units sold by remote staff", ("employees.is_remote", "eq", True)),
        ("number of orders booked by the Sydney reps in 2024",
         ("employees.location", "eq", "Sydney")),
        ("revenue by Tokyo-based staff", ("employees.location", "eq", "Tokyo")),
    ],
)
def test_done_by_people_kept_is_their_total(
    question: str, kept: tuple[str, str, Any], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "sales" and not dims_of(spec)
    assert kept in filters_of(spec)


@pytest.mark.parametrize(
    "question",
    ["revenue sorted by salesperson", "revenue generated by each salesperson"],
)
def test_by_after_an_arranging_verb_or_each_still_breaks_down(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert dims_of(spec) == ["employees.full_name"]


def test_a_flag_before_the_people_named_is_a_filter(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units by remote employees", catalog, values))
    assert ("employees.is_remote", "eq", True) in filters_of(spec)
    assert dims_of(spec) == ["employees.full_name"]
    assert dims_of(spec_of(ask("units by remote", catalog, values))) == ["employees.is_remote"]


def test_today_is_the_tuning_day() -> None:
    assert TODAY.year == 2025


@pytest.mark.parametrize(
    "question",
    [
        "the 4 cities with the largest number of employees",
        "top 2 countries by the biggest count of staff",
    ],
)
def test_the_largest_number_of_people_counts_them(question: str, two: list[Source]) -> None:
    # "the largest number of staff" is a count of people, not "the largest <value> among staff"
    _, spec = _ask_two(question, two)
    assert spec["table"] == "employees" and spec["measures"] == [{"agg": "count"}]
    assert len(dims_of(spec)) == 1


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("staff in Berlin on a low salary (under 40k): how many", ("salary", "lt", 40000)),
        ("how many engineers have a good rating (5)", ("performance_rating", "eq", 5)),
    ],
)
def test_a_degree_word_restated_by_its_number_is_left_out(
    question: str, kept: tuple[str, str, Any], catalog: Catalog, values: Values
) -> None:
    # With one source too: the number says how high or low; the word is said unused.
    reply = ask(question, catalog, values)
    assert kept in filters_of(spec_of(reply))
    assert any(w in reply.unused for w in ("low", "good"))


def test_a_degree_word_with_no_number_is_still_refused(catalog: Catalog, values: Values) -> None:
    assert ask("people with a high salary", catalog, values).tile is None
