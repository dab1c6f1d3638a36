"""The built-in engine on general rules found while tuning on blind batches t and u (issue 12):
the weekday a meeting is on said with what the answer is for ("for Friday's review"), a
colloquial "mate" and words for people ("blokes", "bods"), "the quantity of workers" as how
many, and the spreadsheet "countif" as a count.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, filters_of, spec_of

# -- the weekday the answer is needed for --------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "for Thursday's review I need the headcount in Berlin",
        "headcount in Berlin for the Fri sync",
        "for Wednesday: headcount in Berlin",
        "for Tuesday, headcount in Berlin",
        "for next Monday we need the headcount in Berlin",
    ],
)
def test_the_day_of_a_meeting_is_not_a_date_asked_about(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert filters_of(spec) == [("location", "eq", "Berlin")], (question, spec)


# -- colloquial words -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "how many blokes work in Berlin, mate?",
        "number of bods in Berlin",
        "righto, how many people in Berlin, mate?",
    ],
)
def test_colloquial_people_and_mate(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert filters_of(spec) == [("location", "eq", "Berlin")], (question, spec)


@pytest.mark.parametrize(
    "question",
    ["the quantity of employees in Mumbai", "what amount of staff is in Mumbai"],
)
def test_the_quantity_of_people_is_how_many(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert filters_of(spec) == [("location", "eq", "Mumbai")], (question, spec)


def test_the_quantity_of_orders_stays_the_units(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("quantity of orders in 2024", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec


def test_countif_is_a_count(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("countif employees where department = Finance", catalog, values))
    assert spec["table"] == "employees", spec
    assert spec["measures"] == [{"agg": "count"}], spec
    assert filters_of(spec) == [("department", "eq", "Finance")], spec


# -- a new subject, the year a thing opened, shipments, a name taken back -------------------------


@pytest.mark.parametrize(
    "lead",
    ["completely different thing:", "changing subjects entirely -", "new subject, please:"],
)
def test_a_new_subject_starts_a_new_question(catalog: Catalog, values: Values, lead: str) -> None:
    first = ask("revenue by category in 2023", catalog, values)
    reply = ask(f"{lead} the opening date of the Sydney office", catalog, values,
                previous=first.tile)
    spec = spec_of(reply)
    assert spec["table"] == "offices", (lead, spec)
    assert filters_of(spec) == [("city", "eq", "Sydney")], (lead, spec)
    assert "measures" not in spec and "opened_on" in spec["select"], (lead, spec)


@pytest.mark.parametrize(
    "question",
    ["which year did the London office open", "in what year was the London office opened"],
)
def test_the_year_one_thing_opened_is_its_date(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "offices", (question, spec)
    assert "measures" not in spec, (question, spec)
    assert "opened_on" in spec["select"], (question, spec)
    assert filters_of(spec) == [("city", "eq", "London")], (question, spec)


def test_the_year_the_most_opened_is_still_counted(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what year did the most offices open", catalog, values))
    assert "select" not in spec, spec


def test_shipments_are_orders(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("number of shipments per category in 2023", catalog, values))
    assert spec["table"] == "sales", spec
    assert spec["measures"] == [{"agg": "count"}], spec
    assert spec["dimensions"] == [{"column": "category"}], spec


@pytest.mark.parametrize(
    "question",
    ["headcount in Mumbai... I mean Sydney", "people in Mumbai, sorry, I meant Sydney"],
)
def test_a_name_taken_back_is_not_asked_about(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert filters_of(spec) == [("location", "eq", "Sydney")], (question, spec)
