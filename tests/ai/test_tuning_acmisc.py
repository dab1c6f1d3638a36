"""The built-in engine on general rules found while tuning on blind batch ac (issue 12):
people "working there today" are those on staff (no hire date), "the bottom / top of the pay
band" is the lowest / highest salary, "average X is how many?" is the average alone,
"quarter 3 of 2024" is that quarter, and "X: what's the number?" counts the people or
things named.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import time

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, spec_of


@pytest.mark.parametrize(
    "question",
    [
        "How many people in Tokyo are employed right now?",
        "Sydney office: how many staff working here currently?",
        "Finance has how many employees working there today?",
        # "today" after a count of people was read as the people hired that day (a headcount
        # of 0 or 1 that looked like an answer).
        "how many employees work in Berlin today?",
        "how many employees do we have today",
        "headcount today",
        "what's our headcount in Engineering as of today",
        "how many Marketing staff are there right now, please",
        "the number of people on the payroll at the moment",
    ],
)
def test_working_today_is_the_present_staff(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert all(col != "hire_date" for col, _, _ in filters_of(spec)), (question, spec)


@pytest.mark.parametrize(
    ("question", "agg"),
    [
        ("The bottom of the salary scale in Finance?", "min"),
        ("Top of the pay range for Engineering, what's the highest salary there?", "max"),
    ],
)
def test_the_ends_of_the_pay_band_are_a_salary(
    catalog: Catalog, values: Values, question: str, agg: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": agg, "column": "salary"}], (question, spec)
    assert not spec.get("dimensions"), (question, spec)


@pytest.mark.parametrize(
    "question",
    ["Mean salary of the Tokyo staff is how many?", "Average order value in 2024 was how many?"],
)
def test_an_average_asked_how_many_is_the_average_alone(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert [m["agg"] for m in spec["measures"]] == ["avg"], (question, spec)


@pytest.mark.parametrize(
    "question", ["Revenue in quarter 3 of 2024 please", "units sold in quarter 3, 2024"]
)
def test_quarter_n_of_a_year_is_that_quarter(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert not dims_of(spec), (question, spec)
    assert ("sale_date", "between", ["2024-07-01", "2024-09-30"]) in filters_of(spec), (
        question, spec)


@pytest.mark.parametrize(
    "question",
    [
        "Finance people based in Tokyo who are remote: what's the number?",
        "Engineering staff in Berlin — what is the number?",
    ],
)
def test_whats_the_number_counts_the_people(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert not spec.get("select"), (question, spec)


def test_whats_the_number_of_money_is_no_count(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Revenue in 2024: what's the number?", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec


#: The rules added for batch ac, found by a word of their pattern.
_MARKS = ("work(?:ing|s)?|employed", "(?:bottom|floor", "(?:top|ceiling",
          "(?:average|avg|mean|median)", "(?:staff|people|employees|members")


@pytest.mark.parametrize(
    "question",
    [
        "staff " * 2000 + ": what's the number?",
        "staff -" * 2000 + "x",
        "average " * 2000 + "is how many?",
        " " * 3000 + "working" + " " * 3000 + "today",
        "quarter 2 " * 2000 + "\x00\ud800",
        "bottom of the pay " * 1000 + "band",
        "the top of the " * 1000 + "\x00",
    ],
)
def test_new_rules_are_quick_on_hostile_input(question: str) -> None:
    from plotboard.ai.builtin.casual import _RULES
    from plotboard.ai.builtin.slang import _QUARTER_NUMBER

    patterns = [pattern for pattern, _ in _RULES if any(m in pattern.pattern for m in _MARKS)]
    assert len(patterns) >= len(_MARKS)
    for pattern in [*patterns, _QUARTER_NUMBER]:
        started = time.perf_counter()
        pattern.sub("x", question)
        assert time.perf_counter() - started < 1.0, pattern.pattern


@pytest.mark.parametrize(
    "question",
    ["how many people did we hire today", "how many new staff joined today",
     "number of sales by the Berlin staff today"],
)
def test_a_day_said_with_an_event_keeps_its_day(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert any(op == "between" for _, op, _ in filters_of(spec)), (question, spec)


def test_people_today_on_hostile_input_is_fast() -> None:
    from plotboard.ai.builtin.casual import casual_said

    hostile = ("staff " + "today " * 2000, "people" + " " * 6000 + "today", "staff\x00today\ud800")
    for text in hostile:
        start = time.perf_counter()
        casual_said(text)
        assert time.perf_counter() - start < 1.0
