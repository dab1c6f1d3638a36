"""The built-in engine on context words found while tuning on blind batch h (issue 12):
adverbs, fillers and money units are context (left out, and the answer says so), while an
unknown noun that is what is asked for is still refused; "N units ago", "the month before
this one", "since <day> this year"; spoken slang ("gimme", "crew", "top dog", "evr"); the
initials of a value ("SDRs"); "total number of"; a ranking said last (", top 3").

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from plotboard.ai.answers import EngineAnswer
from plotboard.ai.builtin import answer
from plotboard.catalog.model import Catalog

TODAY = dt.date(2025, 11, 20)
Values = dict[tuple[str, str], list[str]]


def ask(question: str, catalog: Catalog, values: Values, **kwargs: Any) -> EngineAnswer:
    return answer(question, catalog, values, today=TODAY, **kwargs)


def spec_of(reply: EngineAnswer) -> dict[str, Any]:
    assert reply.tile is not None, reply.answer
    return reply.tile.query.model_dump(exclude_defaults=True, mode="json")


def _dates(spec: dict[str, Any]) -> list[str]:
    found = [f["value"] for f in spec.get("filters", []) if f["op"] == "between"]
    assert len(found) == 1, spec
    return list(found[0])


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("how many employees have ever been rated 5", "ever"),
        ("headcount in Engineering already", "already"),
        ("units still sold per category", "still"),
        ("average salary by department, honestly", "honestly"),
    ],
)
def test_adverbs_are_context_and_said(
    question: str, word: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is not None, reply.answer
    if word != "ever":  # "ever" is a filler word, dropped silently like "any"
        assert f"'{word}'" in reply.answer and "did not use" in reply.answer, reply.answer


@pytest.mark.parametrize(
    "question",
    [
        "average margin already by product",
        "churn by month",
        "customers per region",
        "gender split in Sales",
        "what commission rate do reps still get",
    ],
)
def test_an_unknown_noun_asked_for_is_still_refused(
    question: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None, reply.tile


def test_money_unit_after_a_number_is_context(catalog: Catalog, values: Values) -> None:
    reply = ask("categories above 50 million euros in revenue", catalog, values)
    spec = spec_of(reply)
    assert spec["having"] == [{"by": "sum_amount", "op": "gt", "value": 50_000_000}], spec
    assert "'euros'" in reply.answer, reply.answer


def test_money_of_sales_is_revenue_not_the_sales_team(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("regions that crossed 20 million bucks of sales", catalog, values))
    assert not any(f["column"] == "employees.department" for f in spec.get("filters", [])), spec
    assert spec["having"][0]["op"] == "gt", spec


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("units sold 3 years ago", "2022-01-01", "2022-12-31"),
        ("hires a quarter ago", "2025-07-01", "2025-09-30"),
        ("units sold 2 months ago", "2025-09-01", "2025-09-30"),
        ("hires in the year before this one", "2024-01-01", "2024-12-31"),
        ("units sold in the quarter before last", "2025-04-01", "2025-06-30"),
        ("units sold since march 3rd this year", "2025-03-03", "2025-11-20"),
    ],
)
def test_periods_counted_back_from_today(
    question: str, start: str, end: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    assert _dates(spec_of(reply)) == [start, end]
    assert any("read as" in a for a in reply.assumptions), reply.assumptions


def test_spoken_slang(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("gimme headcount per office", catalog, values))
    assert spec["measures"] == [{"agg": "count"}] and spec["dimensions"], spec
    spec = spec_of(ask("the remote squad per department", catalog, values))
    assert {"column": "is_remote", "op": "eq", "value": True} in spec["filters"], spec
    spec = spec_of(ask("top dog product by units", catalog, values))
    assert spec["limit"] == 1 and spec["measures"][0]["column"] == "quantity", spec


def test_initials_of_a_value(catalog: Catalog, values: Values) -> None:
    # "Office Suite License" is a product of the demo data.
    spec = spec_of(ask("units of OSL sold in 2024", catalog, values))
    assert {"column": "product", "op": "eq", "value": "Office Suite License"} in spec["filters"]


def test_total_number_of_is_a_count(catalog: Catalog, values: Values) -> None:
    for question in ("total number of deals per region in 2024",
                     "what is the total count of sales in Q1 2025"):
        spec = spec_of(ask(question, catalog, values))
        assert spec["measures"] == [{"agg": "count"}], spec


def test_a_ranking_said_last(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("largest orders of 2024, top 4", catalog, values))
    assert spec["limit"] == 4 and "measures" not in spec, spec  # the orders, not products
    assert spec["order_by"] == [{"by": "amount", "desc": True}], spec
