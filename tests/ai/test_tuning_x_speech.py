"""The built-in engine on general rules found while tuning on blind batch x (issue 12):
punctuation said aloud and written out by speech-to-text ("question mark", "comma", "new
line", a closing "period"); a number said aloud and typed as its sound-alike ("the top to
regions"); discourse particles and chat shorthand ("lah", "ja", "lmk", "@data-team"); the
question word after its subject ("Finance got how many people"); who asks, said before the
question with no colon ("boss asking how many ..."); business words of other languages typed in
an English question ("faturamento", "funcionários", "salário").

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.ai.builtin.slips import respell
from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, filters_of, spec_of

# -- punctuation said aloud ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("how many people are in Finance question mark", "how many people are in Finance?"),
        ("units by product comma for 2023 period", "units by product, for 2023."),
        ("average salary new line by office", "average salary\nby office"),
        ("revenue in May full stop", "revenue in May."),
    ],
)
def test_punctuation_said_aloud_is_the_mark(said: str, written: str) -> None:
    assert respell(said)[0] == written


@pytest.mark.parametrize(
    "question",
    ["revenue by period", "revenue for the period", "orders in the last period",
     "the reporting period", "how many hires in the trial period"],
)
def test_a_period_of_time_stays_a_word(question: str) -> None:
    assert respell(question)[0] == question


def test_a_dictated_question_is_answered_without_its_marks(
    catalog: Catalog, values: Values
) -> None:
    reply = ask("how many people work in Finance question mark", catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "employees", spec
    assert spec["measures"] == [{"agg": "count"}], spec
    assert filters_of(spec) == [("department", "eq", "Finance")], spec


@pytest.mark.parametrize(
    ("question", "limit"),
    [("the top to products by units", 2), ("bottom too categories by revenue", 2)],
)
def test_a_number_typed_as_its_sound_alike_before_a_ranking(
    catalog: Catalog, values: Values, question: str, limit: int
) -> None:
    reply = ask(question, catalog, values)
    assert spec_of(reply)["limit"] == limit, spec_of(reply)
    assert any("read as" in a and "two" in a for a in reply.assumptions), reply.assumptions


def test_top_to_bottom_is_no_number(catalog: Catalog, values: Values) -> None:
    assert respell("products from top to bottom by revenue")[0] == (
        "products from top to bottom by revenue"
    )


# -- particles, chat shorthand and word order ------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Finance got how many people lah",
        "ja, how many people in Finance?",
        "@people-ops how many people in Finance? lmk, tysm",
        "how many people in Finance ah, can share or not",
    ],
)
def test_particles_and_chat_shorthand_are_no_part_of_the_question(
    catalog: Catalog, values: Values, question: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert filters_of(spec) == [("department", "eq", "Finance")], (question, spec)
    assert not reply.unused, (question, reply.unused)


def test_who_asks_said_before_the_question(catalog: Catalog, values: Values) -> None:
    reply = ask("my manager asking how many people work remotely in Berlin", catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "employees", spec
    assert ("location", "eq", "Berlin") in filters_of(spec), spec
    assert all(f[0] != "job_title" for f in filters_of(spec)), spec


# -- words of other languages ----------------------------------------------------------------


def test_revenue_in_portuguese_by_region(catalog: Catalog, values: Values) -> None:
    reply = ask("faturamento by sales region in 2023", catalog, values)
    spec = spec_of(reply)
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec
    assert spec["dimensions"] == [{"column": "sales_region"}], spec
    assert any("faturamento" in a and "revenue" in a for a in reply.assumptions), (
        reply.assumptions
    )


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("how many empleados in Tokyo", {"agg": "count"}),
        ("average salário of the funcionários in Tokyo", {"agg": "avg", "column": "salary"}),
        ("durchschnitt gehalt in Tokyo", {"agg": "avg", "column": "salary"}),
    ],
)
def test_people_and_pay_in_other_languages(
    catalog: Catalog, values: Values, question: str, measure: dict[str, str]
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [measure], (question, spec)
    assert filters_of(spec) == [("location", "eq", "Tokyo")], (question, spec)


def test_working_from_home_said_as_home_office(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many people in Finance are in home office", catalog, values))
    assert ("is_remote", "eq", True) in filters_of(spec), spec


# -- consultants' and statisticians' words, the question word last ---------------------------


@pytest.mark.parametrize(
    "question",
    ["slice units by region for 2024", "units cut by region, 2024",
     "2024 units stratified by region", "segment 2024 units by region"],
)
def test_words_for_a_breakdown(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], (question, spec)
    assert spec["dimensions"] == [{"column": "sales_region"}], (question, spec)


def test_top_line_with_a_hyphen_is_revenue(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("top-line for the Hardware category in 2024", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec
    assert "limit" not in spec, spec


def test_a_frequency_table_is_a_count_of_each(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("frequency table of performance ratings", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert spec["dimensions"][0]["column"] == "performance_rating", spec


@pytest.mark.parametrize(
    "question",
    ["what is n for people hired pre-2016 in Finance",
     "Finance staff whose hire date precedes 2016: what's the n?"],
)
def test_n_and_before_said_as_a_statistician_would(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert ("hire_date", "lte", "2015-12-31") in filters_of(spec) or (
        "hire_date", "lt", "2016-01-01") in filters_of(spec), (question, spec)


@pytest.mark.parametrize(
    "question",
    ["Hardware orders last month total how many", "last month Hardware orders, how many?"],
)
def test_the_question_word_said_last(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert ("category", "eq", "Hardware") in filters_of(spec), (question, spec)


def test_sending_the_data_over_is_asking_for_it(catalog: Catalog, values: Values) -> None:
    reply = ask("could you kindly send through the headcount in Sydney", catalog, values)
    spec = spec_of(reply)
    assert spec["measures"] == [{"agg": "count"}], spec
    assert filters_of(spec) == [("location", "eq", "Sydney")], spec
    assert not reply.unused, reply.unused


def test_an_average_with_the_question_word_last_is_the_average_alone(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("Sydney average salary how much?", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], spec


def test_yoy_beside_two_periods_compared_adds_nothing(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Q2 2024 vs Q2 2023 units, YoY", catalog, values))
    assert "dimensions" not in spec, spec
    assert spec["compare"] == {"to": "previous_year"}, spec


def test_what_we_pay_today_is_no_date(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the average salary we pay now in Finance", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], spec
    assert filters_of(spec) == [("department", "eq", "Finance")], spec


def test_the_quantity_of_people_is_their_number(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the quantity of employees in Paris", catalog, values))
    assert spec["table"] == "employees", spec
    assert spec["measures"] == [{"agg": "count"}], spec


def test_participation_in_a_total_is_a_share(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("participation of Software in the total revenue of 2024", catalog, values))
    assert "Software" in str(spec["measures"]), spec
    assert "100" in str(spec["measures"]) or spec["measures"][0].get("share"), spec


def test_thanks_in_other_languages_is_courtesy(catalog: Catalog, values: Values) -> None:
    reply = ask("headcount in Paris, merci!", catalog, values)
    assert filters_of(spec_of(reply)) == [("location", "eq", "Paris")], spec_of(reply)
    assert not reply.unused, reply.unused


# -- long runs of blanks, commas and particles ---------------------------------------------


@pytest.mark.parametrize(
    "message",
    [" " * 999, "lah " * 250, ", " * 500, " ," * 500, "x" + " " * 990 + "how many",
     "a\n" * 500, "average " * 124 + "how much"],
)
def test_long_runs_are_read_in_linear_time(
    catalog: Catalog, values: Values, message: str
) -> None:
    # A message of 250 particles ("lah lah ...") left 250 spaces that some rules tried every
    # split of: 5 seconds of one worker for one message (18 s for 1,000 spaces). Each rule now
    # starts and ends on a non-space; the whole answer stays far under a second.
    import time

    start = time.perf_counter()
    ask(message, catalog, values)
    assert time.perf_counter() - start < 3.0, message[:20]


@pytest.mark.parametrize(
    "padded",
    ["headcount by department" + " " * 980, " " * 980 + "headcount by department",
     "headcount" + " \t" * 400 + "by department", "headcount\n" + " " * 900 + "by department",
     "headcount" + "\n \n" * 300 + "by department", "headcount by department" + "\u3000" * 900],
)
def test_blanks_padding_a_message_change_nothing(
    catalog: Catalog, values: Values, padded: str
) -> None:
    # A question padded with a thousand blanks took more than half a second of a worker (many
    # rules look at every split of a run); runs are now read as one blank, and the answer is
    # the one the question gets without them.
    plain = spec_of(ask("headcount by department", catalog, values))
    assert spec_of(ask(padded, catalog, values)) == plain
