"""The built-in engine on general rules found while tuning on blind batch aa (issue 12): a
journalist's article ("for a piece I'm writing", "the story is", "on the record") said around
a question, a teacher's "grade" for the performance rating, a "help check" request frame,
gamer and Texan words for staff and pay ("noobs spawned", "pullin' down"), "every one of".

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, spec_of


def _columns(spec: dict) -> set[str]:
    found = {m.get("column", "") for m in spec.get("measures", [])}
    found |= {m.get("expr", "") for m in spec.get("measures", [])}
    found |= {d["column"] for d in spec.get("dimensions", [])}
    found |= {f["column"] for f in spec.get("filters", [])}
    return found


@pytest.mark.parametrize(
    "question",
    [
        "For my piece on pay: what is the average salary in Berlin?",
        "For a piece we're working on: the best paid person in each team",
    ],
)
def test_a_journalists_article_is_no_unit_sold(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert not any("quantity" in c for c in _columns(spec)), (question, spec)


@pytest.mark.parametrize(
    "question",
    [
        "for the story, how many employees work in Paris?",
        "On the record: how many people are in Engineering?",
        "The story is remote work: what share of the staff are remote?",
    ],
)
def test_the_journalists_words_are_not_left_unread(
    catalog: Catalog, values: Values, question: str
) -> None:
    reply = ask(question, catalog, values)
    assert spec_of(reply)["table"] == "employees", reply.answer
    assert "did not use" not in reply.answer, (question, reply.answer)


def test_units_still_come_in_pieces(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("pieces sold in 2023", catalog, values))
    assert spec["measures"][0] == {"agg": "sum", "column": "quantity"}, spec


@pytest.mark.parametrize(
    ("question", "agg"),
    [
        ("mean grade per location", "avg"),
        ("the average grade of the Sales team", "avg"),
    ],
)
def test_a_grade_is_the_performance_rating(
    catalog: Catalog, values: Values, question: str, agg: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"][0] == {"agg": agg, "column": "performance_rating"}, (question, spec)


def test_a_grade_filter_is_on_the_rating(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("headcount in London with a grade of 4 or more", catalog, values))
    assert {"column": "performance_rating", "op": "gte", "value": 4} in spec["filters"], spec


def test_help_check_is_a_request(catalog: Catalog, values: Values) -> None:
    reply = ask("Please help check total revenue of Cloud Backup 1 TB in 2023.", catalog, values)
    assert spec_of(reply)["measures"] == [{"agg": "sum", "column": "amount"}], reply.answer
    assert "did not use" not in reply.answer, reply.answer


def test_noobs_spawned_are_new_hires(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many noobs spawned in 2022?", catalog, values))
    assert spec["table"] == "employees", spec
    assert spec["filters"] == [
        {"column": "hire_date", "op": "between", "value": ["2022-01-01", "2022-12-31"]}
    ], spec


def test_pulling_down_is_earning_and_every_one_of_lists(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask("show every one of the people in Berlin pulling down over 120k", catalog, values)
    )
    assert "measures" not in spec or not spec["measures"], spec
    assert {"column": "salary", "op": "gt", "value": 120000} in spec["filters"], spec


@pytest.mark.parametrize(
    ("question", "limit", "desc"),
    [
        ("please show me 4 products with the biggest revenue", 4, True),
        ("list 2 cities with the fewest staff", 2, False),
    ],
)
def test_a_count_of_groups_with_the_most_is_a_ranking(
    catalog: Catalog, values: Values, question: str, limit: int, desc: bool
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["limit"] == limit, (question, spec)
    assert bool(spec["order_by"][0].get("desc")) is desc, (question, spec)
