"""The built-in engine on a lawyer's formal English (issue 12, blind batch z): spans said with
both ends included ("from and including ... to and including ...", "... inclusive", "commencing
... and ending ..."); "enumerate", "set out each", "identify" as listings; "state the ..." as
the value itself; a negation never guessed from two slips ("holding" is no "hiding"); "did not
exceed" as at most; the rows without any of another table's rows asked about one person ("which
rep made no sales whatsoever in respect of May"); a value asked through a clause about the rows
("the lowest price at which X has been sold"); a year said to be the calendar year with more
words ("on a calendar basis, being January through December inclusive"); "inclusive of all X"
(no breakdown); the last answer named formally ("the foregoing", "the above"); "Separately:"
(a new question); and what a count is of, unknown, refusing the question however long it is.

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote (today is Thursday 2025-11-20)."""

from __future__ import annotations

import time

import pytest

from plotboard.ai.builtin.casual import casual_said
from plotboard.ai.builtin.slang import _YEAR_SAID_WHOLE
from plotboard.ai.builtin.text import tokenize
from plotboard.ai.builtin.timewords import match_time
from plotboard.catalog.model import Catalog
from tests.ai.tuning import (
    TODAY,
    Values,
    ask,
    dims_of,
    filters_of,
    having_of,
    spec_of,
    without_of,
)

# --- spans with both ends included ---------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        (
            "revenue by category from and including 1 March 2024 to and including 31 May 2024",
            "2024-03-01",
            "2024-05-31",
        ),
        (
            "units sold from and including February 2023 to and including April 2023",
            "2023-02-01",
            "2023-04-30",
        ),
        (
            "number of sales from 1 June 2025 to and including 15 August 2025",
            "2025-06-01",
            "2025-08-15",
        ),
        ("revenue from 2 January 2024 to 20 March 2024 inclusive", "2024-01-02", "2024-03-20"),
        ("units from 5 to 19 July 2025, both dates inclusive", "2025-07-05", "2025-07-19"),
        (
            "revenue by region for the period commencing 1 April 2023 and ending 30 June 2023",
            "2023-04-01",
            "2023-06-30",
        ),
        (
            "average sale amount for the period beginning on 1 May 2025 and ending on 31 July 2025",
            "2025-05-01",
            "2025-07-31",
        ),
    ],
)
def test_a_span_with_both_ends_said_included(
    question: str, start: str, end: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert ("sale_date", "between", [start, end]) in filters_of(spec), spec
    assert "including" not in reply.answer and "inclusive" not in reply.answer, reply.answer


def test_an_included_span_in_a_count_per_group(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "Kindly provide the number of orders per product category from and including 1 April"
            " 2025 to and including 30 June 2025",
            catalog,
            values,
        )
    )
    assert dims_of(spec) == ["category"], spec
    assert filters_of(spec) == [("sale_date", "between", ["2025-04-01", "2025-06-30"])], spec


def test_up_to_and_including_still_bounds_one_side(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("revenue up to and including 2023", catalog, values))
    assert filters_of(spec) == [("sale_date", "lte", "2023-12-31")], spec


def test_an_included_span_against_the_same_one_a_year_back(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(
        ask(
            "How do total units for the period from and including 1 January 2023 to and including"
            " 31 December 2023 stand against the corresponding period in 2022?",
            catalog,
            values,
        )
    )
    assert ("sale_date", "between", ["2023-01-01", "2023-12-31"]) in filters_of(spec), spec
    assert spec.get("compare") == {"to": "previous_year"}, spec


# --- listings, and the value said ----------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Enumerate all orders of USB-C Dock placed on 14 March 2025",
        "Set out each sale of USB-C Dock made on 14 March 2025",
        "Set out in full the sales of USB-C Dock on 14 March 2025",
    ],
)
def test_enumerate_and_set_out_list_the_rows(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert "measures" not in spec and spec.get("select"), spec
    assert ("product", "eq", "USB-C Dock") in filters_of(spec), spec
    assert all(f[0] != "employees.department" for f in filters_of(spec)), spec


def test_a_title_held_is_that_title_not_all_the_others(catalog: Catalog, values: Values) -> None:
    # "holding" is two slips from "hiding" (a negation): the opposite answer, looking right.
    spec = spec_of(ask("the staff holding the position of Account Executive", catalog, values))
    assert ("job_title", "eq", "Account Executive") in filters_of(spec), spec
    assert all(f[1] != "neq" for f in filters_of(spec)), spec


def test_a_negation_with_one_slip_is_still_read(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units sold exlcuding Hardware", catalog, values))
    assert ("category", "neq", "Hardware") in filters_of(spec), spec


def test_state_the_value_is_the_value(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("State the total annual payroll in respect of all staff.", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "salary"}], spec
    assert "select" not in spec, spec


@pytest.mark.parametrize(
    ("question", "agg", "column"),
    [
        (
            "the highest unit price at which Wireless Mouse has been sold hitherto",
            "max",
            "unit_price",
        ),
        ("the smallest amount USB-C Dock was ever sold for", "min", "amount"),
    ],
)
def test_a_value_asked_through_a_clause_about_the_rows(
    question: str, agg: str, column: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec.get("measures") == [{"agg": agg, "column": column}], spec
    assert "select" not in spec, spec


def test_the_sale_with_the_lowest_price_is_still_that_sale(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("the sale with the lowest unit price in 2024", catalog, values))
    assert spec.get("limit") == 1 and spec.get("select"), spec


# --- bounds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "op", "value"),
    [
        ("list the regions whose revenue in 2023 did not exceed 40 million", "lte", 40_000_000),
        ("products whose total units have never exceeded 60,000", "lte", 60_000),
        ("departments whose average salary didn't reach 80000", "lt", 80_000),
    ],
)
def test_a_denied_verb_of_passing_a_bar(
    question: str, op: str, value: int, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert [(o, v) for _, o, v in having_of(spec)] == [(op, value)], spec


# --- the rows without any of another table's -------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "which rep recorded no sales whatsoever in respect of May 2025",
        "each employee in Marketing who made no sales in May 2025",
        "which employees made no sales in May 2025",
    ],
)
def test_the_people_with_no_sales_in_a_period(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", spec
    assert without_of(spec) == [
        ("sales", [("sale_date", "between", ["2025-05-01", "2025-05-31"])])
    ], spec


# --- a year said whole, "inclusive of all X" --------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Confirm units sold for FY23 on a calendar basis, being January through December"
        " inclusive.",
        "revenue for 2023, i.e. January to December, please",
        "revenue in 2023 on a calendar-year basis",
    ],
)
def test_a_year_said_to_be_the_calendar_year(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert filters_of(spec) == [("sale_date", "between", ["2023-01-01", "2023-12-31"])], spec
    assert dims_of(spec) == [], spec


def test_inclusive_of_all_is_neither_a_filter_nor_a_breakdown(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(
        ask(
            "What share of 2024 units, inclusive of all categories, is attributable to the West"
            " region?",
            catalog,
            values,
        )
    )
    assert dims_of(spec) == [], spec
    assert "sales_region = 'West'" in spec["measures"][0]["expr"], spec


# --- follow-ups -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "refine",
    [
        "Limit the foregoing to remote staff.",
        "Restrict the above to remote employees only",
        "narrow the aforementioned to remote people",
    ],
)
def test_the_last_answer_named_formally(refine: str, catalog: Catalog, values: Values) -> None:
    first = ask("average salary per location", catalog, values)
    reply = ask(refine, catalog, values, previous=first.tile)
    spec = spec_of(reply)
    assert dims_of(spec) == ["location"], spec
    assert ("is_remote", "eq", True) in filters_of(spec), spec


def test_separately_opens_a_new_question(catalog: Catalog, values: Values) -> None:
    first = ask("headcount per department", catalog, values)
    spec = spec_of(
        ask(
            "Separately: state the smallest single sale amount recorded in 2024.",
            catalog,
            values,
            previous=first.tile,
        )
    )
    assert spec["table"] == "sales" and dims_of(spec) == [], spec
    assert spec["measures"] == [{"agg": "min", "column": "amount"}], spec


# --- what a count is of --------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Please provide the number of supplier agreements signed from 1 March 2025 to 30 June"
        " 2025, for our audit file.",
        "We should be grateful for a count of open Support tickets from 1 May 2025 to 31 May 2025.",
        "could you tell me for the board pack the number of leases expiring between 1 July 2025"
        " and 30 September 2025",
    ],
)
def test_an_unknown_thing_counted_is_refused(
    question: str, catalog: Catalog, values: Values
) -> None:
    assert ask(question, catalog, values).tile is None


@pytest.mark.parametrize(
    "question",
    [
        "Please provide the number of individual sales from 1 March 2025 to 30 June 2025.",
        "Please provide the number of Hardware sales recorded from 1 March 2025 to 30 June 2025.",
    ],
)
def test_a_known_thing_counted_with_unknown_words_around_it(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "sales" and spec["measures"] == [{"agg": "count"}], spec


# --- hostile input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "revenue from" + " " * 1000 + "and including 2024",
        "revenue for 2024" + " " * 1000 + "on a calendar basis, being",
        "2024 , " * 300 + "january through december",
        "from and including " * 300,
        "inclusive of all " * 300,
        "the foregoing " * 300 + "to",
        "commencing 1 May 2024 and " * 200 + "ending 2 May 2024",
        "did not exceed " * 300,
        "state the " * 300,
    ],
)
def test_hostile_input_stays_fast(text: str) -> None:
    # The rules added here (the casual rewrites, the calendar year, the spans' time words)
    # on runs of blanks and repeated words: each well under a second.
    started = time.perf_counter()
    casual_said(text)
    _YEAR_SAID_WHOLE.sub(lambda m: m.group(1), text)
    words = [t.text for t in tokenize(text)]
    for i in range(len(words)):
        match_time(words, i, TODAY)
    assert time.perf_counter() - started < 1.0


def test_a_long_count_of_unknown_things_stays_fast(catalog: Catalog, values: Values) -> None:
    started = time.perf_counter()
    reply = ask("the number of " + "contracts " * 300, catalog, values)
    assert reply.tile is None
    assert time.perf_counter() - started < 5.0
