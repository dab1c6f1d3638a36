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
