"""The built-in engine on general rules found while tuning on blind batch ab (issue 12):
a share asked "at the last ..." counts the rows, a formula the engine wrote never leaks its
words, "don't report to any manager" is no manager, bosses said with the people under them
are the field naming whom each reports to, "12 people" after an id column is the count, a
number's bracketed gloss is no ranking, "2 to 4" is a range and a bracketed scale no filter,
an aggregated measure said again plainly is one measure.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import time

import pytest

from plotboard.ai.builtin import engine
from plotboard.catalog.model import Catalog
from plotboard.query.errors import QueryError
from tests.ai.tuning import Values, ask, filters_of, having_of, spec_of


@pytest.mark.parametrize(
    "question",
    [
        "which share of the team is in Tokyo at the last count?",
        "percentage of employees that are remote at the latest",
    ],
)
def test_a_share_said_at_the_last_counts_rows(
    catalog: Catalog, values: Values, question: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    expr = spec["measures"][0].get("expr", "")
    assert expr.startswith("count_if("), (question, spec)
    assert "hire_date" not in expr, (question, spec)


def test_a_formula_error_is_not_shown(
    catalog: Catalog, values: Values, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> object:
        raise QueryError("avg_if() needs a number, but 'email' at position 4 is text.",
                         position=4)

    monkeypatch.setattr(engine, "_tile", broken)
    reply = ask("average salary by office", catalog, values)
    assert reply.tile is None
    assert "position" not in reply.answer and "avg_if" not in reply.answer, reply.answer


@pytest.mark.parametrize(
    "question",
    [
        "which people do not answer to any boss?",
        "how many employees don't report to a supervisor",
        "headcount not reporting to any manager, by office",
    ],
)
def test_not_reporting_to_any_boss_is_no_manager(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("manager_id", "is_null", None) in filters_of(spec), (question, spec)
    assert not any(c == "job_title" for c, _, _ in filters_of(spec)), (question, spec)


@pytest.mark.parametrize(
    ("question", "op", "n"),
    [
        ("which supervisors have fewer than 4 direct reports?", "lt", 4),
        ("bosses with at least 20 staff under them", "gte", 20),
        ("list the managers with over 9 people reporting to them", "gt", 9),
    ],
)
def test_bosses_with_people_under_them_are_the_manager_field(
    catalog: Catalog, values: Values, question: str, op: str, n: int
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert [d["column"] for d in spec["dimensions"]] == ["manager_id"], (question, spec)
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert ("count", op, n) in having_of(spec), (question, spec)
    assert ("manager_id", "is_not_null", None) in filters_of(spec), (question, spec)
    assert not any(c == "job_title" for c, _, _ in filters_of(spec)), (question, spec)
    assert any("manager id" in a for a in reply.assumptions), reply.assumptions


def test_people_under_each_boss_are_counted_per_boss(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many staff work under each supervisor", catalog, values))
    assert [d["column"] for d in spec["dimensions"]] == ["manager_id"], spec


def test_managers_alone_are_still_the_job_titles(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many managers are in Berlin", catalog, values))
    assert any(c == "job_title" for c, _, _ in filters_of(spec)), spec
    assert not spec.get("dimensions"), spec


def test_rows_counted_after_an_id_column_are_the_count(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which office id has fewer than 150 employees", catalog, values))
    assert [d["column"] for d in spec["dimensions"]] == ["office_id"], spec
    assert ("count", "lt", 150) in having_of(spec), spec
    assert not any(c == "office_id" for c, _, _ in filters_of(spec)), spec


@pytest.mark.parametrize(
    "question",
    [
        "how many in Sydney got a 1 (the lowest rating)?",
        "Tokyo people rated 5 (best possible score): how many",
    ],
)
def test_a_bracket_saying_where_a_number_stands_is_no_ranking(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert "limit" not in spec and not spec.get("dimensions"), (question, spec)
    assert any(c == "performance_rating" and op == "eq" for c, op, _ in filters_of(spec)), spec


def test_a_ranking_keeps_its_bracketed_measure(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("bottom 3 (lowest units) categories", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec
    assert spec["limit"] == 3, spec


def test_a_number_to_another_is_a_range(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many staff have a rating 3 to 5", catalog, values))
    assert ("performance_rating", "between", [3, 5]) in filters_of(spec), spec


@pytest.mark.parametrize(
    "question",
    [
        "headcount by performance rating (rated 1 to 5) in London",
        "how are our people's review scores (ratings 1-5) distributed?",
    ],
)
def test_a_bracketed_scale_is_no_filter(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert [d["column"] for d in spec["dimensions"]] == ["performance_rating"], (question, spec)
    assert not any(c == "performance_rating" for c, _, _ in filters_of(spec)), (question, spec)


def test_a_bracketed_range_that_narrows_stays(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("people in Berlin (rating 3 to 4)", catalog, values))
    assert ("performance_rating", "between", [3, 4]) in filters_of(spec), spec


def test_an_aggregated_measure_said_again_is_one(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what is our lowest earner paid, the minimum salary anybody has?",
                       catalog, values))
    assert spec["measures"] == [{"agg": "min", "column": "salary"}], spec


@pytest.mark.parametrize(
    "text",
    [" " * 3000, "(1 to 5) " * 2000, "a 5 (top " * 2000, "\x00(rating 1 to 5)\x00",
     "\ud800 5 (best \ud800)", "managers " * 2000 + "direct reports"],
)
def test_hostile_input_is_quick(catalog: Catalog, values: Values, text: str) -> None:
    for regex in (engine._VALUE_GLOSS, engine._SCALE_GLOSS):
        start = time.perf_counter()
        regex.sub(" ", text)
        assert time.perf_counter() - start < 1.0
    start = time.perf_counter()
    ask(text, catalog, values)
    assert time.perf_counter() - start < 5


def test_an_average_over_the_bosses_stays_one_ratio(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("on average, how many people report to each manager", catalog, values))
    assert not spec.get("dimensions"), spec
