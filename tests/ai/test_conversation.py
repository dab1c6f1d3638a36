"""A new question or a change to the last chart (issue 12 item 4): the built-in engine tells
them apart from the words, says which it did in the "understood" line, and offers the other
reading when both are close — a one-click alternative that gives exactly that reading."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from plotboard.ai import EngineAnswer, TileSuggestion, answer
from plotboard.catalog.model import Catalog

TODAY = dt.date(2025, 7, 15)
Values = dict[tuple[str, str], list[str]]


def _chat(
    catalog: Catalog, values: Values, questions: list[str], **kwargs: Any
) -> tuple[EngineAnswer, TileSuggestion | None]:
    """Ask `questions` in one conversation; (the last answer, the tile before it)."""
    previous: TileSuggestion | None = None
    reply: EngineAnswer | None = None
    for i, question in enumerate(questions):
        extra = kwargs if i == len(questions) - 1 else {}
        reply = answer(question, catalog, values, previous=previous, today=TODAY, **extra)
        if i < len(questions) - 1:
            assert reply.tile is not None, (question, reply.answer)
            previous = reply.tile
    assert reply is not None
    return reply, previous


def _spec(reply: EngineAnswer) -> dict[str, Any]:
    assert reply.tile is not None, reply.answer
    return reply.tile.query.model_dump(mode="json", exclude_defaults=True)


def _dims(spec: dict[str, Any]) -> list[str]:
    return [d["column"] + (f":{d['grain']}" if "grain" in d else "") for d in spec.get(
        "dimensions", []
    )]


def _filters(spec: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [(f["column"], f["op"], f.get("value")) for f in spec.get("filters", [])]


YEAR_2025 = ("sale_date", "between", ["2025-01-01", "2025-12-31"])
YEAR_2024 = ("sale_date", "between", ["2024-01-01", "2024-12-31"])

# (conversation, is the last message a change of the chart before it, what its query has)
CHANGES: list[tuple[list[str], dict[str, Any]]] = [
    (["revenue by category", "only Software"],
     {"dims": ["category"], "filters": [("category", "eq", "Software")]}),
    (["revenue by month in 2025", "as a bar chart"],
     {"dims": ["sale_date:month"], "filters": [YEAR_2025], "chart": "bar"}),
    (["revenue by region in 2025", "and for 2024?"],
     {"dims": ["sales_region"], "filters": [YEAR_2024]}),
    (["revenue by category", "what about by month"], {"dims": ["sale_date:month"]}),
    (["top 10 products by revenue", "top 5 instead"], {"dims": ["product"], "limit": 5}),
    (["number of sales by region", "same for 2023 pls"],
     {"dims": ["sales_region"], "measures": [{"agg": "count"}],
      "filters": [("sale_date", "between", ["2023-01-01", "2023-12-31"])]}),
    (["average salary by department", "exclude Engineering"],
     {"dims": ["department"], "filters": [("department", "neq", "Engineering")]}),
    (["headcount by location", "just the remote ones"],
     {"dims": ["location"], "filters": [("is_remote", "eq", True)]}),
    (["headcount by department", "make it a pie"], {"dims": ["department"], "chart": "pie"}),
    (["revenue by month in 2024", "by quarter instead"],
     {"dims": ["sale_date:quarter"], "filters": [YEAR_2024]}),
    (["revenue by category in 2025", "now split that by region"],
     {"dims": ["category", "sales_region"], "filters": [YEAR_2025]}),
    (["total salary by location", "what about the average instead of the total?"],
     {"dims": ["location"], "measures": [{"agg": "avg", "column": "salary"}]}),
    (["revenue by region", "what about units sold?"],
     {"dims": ["sales_region"], "measures": [{"agg": "sum", "column": "quantity"}]}),
    (["headcount by department", "in Berlin only"],
     {"dims": ["department"], "filters": [("location", "eq", "Berlin")]}),
    (["revenue by category", "break it down by month too"],
     {"dims": ["sale_date:month", "category"]}),
    (["revenue by category", "and by region"], {"dims": ["category", "sales_region"]}),
    (["how many employees in Paris", "list them"],
     {"filters": [("location", "eq", "Paris")], "select": True}),
    (["headcount by department", "average salary"],
     {"dims": ["department"], "measures": [{"agg": "avg", "column": "salary"}]}),
    (["revenue by category", "number of sales"],
     {"dims": ["category"], "measures": [{"agg": "count"}]}),
]

CHANGES.append(
    (["headcount by department", "only those without a manager"],
     {"dims": ["department"], "filters": [("manager_id", "is_null", None)]})
)

NEW_QUESTIONS: list[tuple[list[str], dict[str, Any]]] = [
    (["average salary by department", "show me the 10 most recent sales"],
     {"table": "sales", "limit": 10, "select": True}),
    (["revenue by category", "show me the 5 latest sales"],
     {"table": "sales", "limit": 5, "select": True}),
    (["headcount by department", "list the employees in Paris"],
     {"table": "employees", "filters": [("location", "eq", "Paris")], "select": True}),
    (["revenue by category in 2024", "which offices opened before 2015"],
     {"table": "offices", "select": True}),
    (["revenue by category", "what percentage work remotely"], {"table": "employees"}),
    (["average salary by location", "number of sales by month in 2023"],
     {"table": "sales", "dims": ["sale_date:month"]}),
    (["revenue by category in 2024", "How many people work in Marketing?"],
     {"table": "employees", "filters": [("department", "eq", "Marketing")], "dims": []}),
    (["revenue by product in 2025",
      "ok different thing: list the employees in Sydney who work remotely"],
     {"table": "employees", "select": True,
      "filters": [("location", "eq", "Sydney"), ("is_remote", "eq", True)]}),
    (["average salary by location", "as a table",
      "different question: how many sales did we make in 2023?"],
     {"table": "sales", "measures": [{"agg": "count"}], "dims": []}),
    (["headcount by department", "average salary by location"],
     {"dims": ["location"], "measures": [{"agg": "avg", "column": "salary"}]}),
    (["revenue by category", "who are the managers"], {"table": "employees", "select": True}),
    (["headcount by department", "which location has the most employees"],
     {"dims": ["location"], "limit": 1}),
    (["revenue by region", "show me all our offices"], {"table": "offices", "select": True}),
    (["revenue by category in 2025", "revenue by region"],
     {"dims": ["sales_region"], "filters": []}),
    (["revenue by category in 2025", "total revenue"], {"dims": [], "filters": []}),
    (["headcount in Paris", "employees by department"], {"dims": ["department"], "filters": []}),
    (["revenue by category", "average salary"], {"table": "employees", "dims": []}),
    (["revenue by category", "who doesn't have a manager?"],
     {"table": "employees", "select": True, "filters": [("manager_id", "is_null", None)]}),
]


def _check(spec: dict[str, Any], reply: EngineAnswer, want: dict[str, Any]) -> None:
    for key, value in want.items():
        if key == "dims":
            assert _dims(spec) == value, spec
        elif key == "filters":
            assert _filters(spec) == value, spec
        elif key == "select":
            assert bool(spec.get("select")) is value, spec
        elif key == "chart":
            assert reply.tile is not None and reply.tile.chart_type == value
        else:
            assert spec.get(key) == value, spec


CASES = [(c, True, w) for c, w in CHANGES] + [(c, False, w) for c, w in NEW_QUESTIONS]


@pytest.mark.parametrize(
    ("conversation", "follow_up", "want"), CASES,
    ids=[("change: " if f else "new: ") + c[-1] for c, f, _ in CASES],
)
def test_a_follow_up_changes_the_last_chart_and_a_new_question_starts_afresh(
    catalog: Catalog, values: Values, conversation: list[str], follow_up: bool,
    want: dict[str, Any],
) -> None:
    reply, before = _chat(catalog, values, conversation)
    spec = _spec(reply)
    assert reply.tile is not None and before is not None
    assert reply.follow_up is follow_up
    if follow_up:
        assert reply.understood == f"Changed the last chart: {reply.tile.title}"
        assert spec["table"] == before.query.table  # the same rows, changed
    else:
        assert reply.understood == f"New question: {reply.tile.title}"
        # Asked on its own, the message gives the same query: nothing of the last chart stays.
        alone = answer(conversation[-1], catalog, values, today=TODAY)
        assert alone.follow_up is None and alone.understood == reply.tile.title
        assert _spec(alone) == spec
    _check(spec, reply, want)


def _offered(reply: EngineAnswer) -> dict[str, Any]:
    found = [a for a in reply.alternatives if "follow_up" in a]
    assert len(found) == 1, reply.alternatives
    return dict(found[0])


def test_a_close_call_offers_the_last_chart_changed_as_the_other_reading(
    catalog: Catalog, values: Values
) -> None:
    """'revenue by region' after revenue by category in 2025: a new question (all years) is
    likelier; the same chart by region for 2025 is one click away, and that click gives it."""
    reply, before = _chat(catalog, values, ["revenue by category in 2025", "revenue by region"])
    assert reply.follow_up is False and _filters(_spec(reply)) == []
    other = _offered(reply)
    assert other == {
        "label": "Change the last chart instead", "question": "revenue by region",
        "follow_up": True,
    }
    changed = answer(
        other["question"], catalog, values, previous=before, today=TODAY, follow_up=True
    )
    assert changed.follow_up is True
    assert changed.understood == "Changed the last chart: Revenue by sales region (2025)"
    assert _filters(_spec(changed)) == [YEAR_2025]
    assert not [a for a in changed.alternatives if "follow_up" in a]  # forced: no other


def test_a_bare_measure_swaps_the_measure_and_offers_a_question_of_its_own(
    catalog: Catalog, values: Values
) -> None:
    reply, before = _chat(catalog, values, ["headcount by department", "average salary"])
    assert reply.follow_up is True and _dims(_spec(reply)) == ["department"]
    other = _offered(reply)
    assert other["label"] == "Ask it as a new question" and other["follow_up"] is False
    fresh = answer(
        other["question"], catalog, values, previous=before, today=TODAY, follow_up=False
    )
    assert fresh.understood == "New question: Average salary"
    assert _dims(_spec(fresh)) == [] and fresh.tile is not None
    assert fresh.tile.chart_type == "kpi"


def test_no_other_reading_is_offered_when_both_give_the_same_chart(
    catalog: Catalog, values: Values
) -> None:
    # Nothing of the last chart would carry over, so both readings are one query.
    reply, _ = _chat(catalog, values, ["revenue by category", "what about revenue by region"])
    assert reply.follow_up is True
    assert not [a for a in reply.alternatives if "follow_up" in a]
    reply, _ = _chat(catalog, values, ["revenue by category", "revenue by month"])
    assert reply.follow_up is False
    assert not [a for a in reply.alternatives if "follow_up" in a]


def test_a_measure_that_would_change_nothing_is_a_question_of_its_own(
    catalog: Catalog, values: Values
) -> None:
    # "total revenue" after revenue by category: the same chart again is not what was meant.
    reply, _ = _chat(catalog, values, ["revenue by category in 2025", "total revenue"])
    assert reply.follow_up is False and reply.tile is not None
    assert reply.tile.chart_type == "kpi" and not reply.alternatives


def test_a_new_topic_marker_is_not_part_of_the_question(
    catalog: Catalog, values: Values
) -> None:
    reply, _ = _chat(catalog, values, ["headcount by department", "new question: only Paris"])
    assert reply.follow_up is False
    assert "question" not in reply.unused and "new" not in reply.unused
    assert _dims(_spec(reply)) == [] and _filters(_spec(reply)) == [("location", "eq", "Paris")]
    # Without a conversation the same words are read as they stand.
    alone = answer("new question: only Paris", catalog, values, today=TODAY)
    assert alone.follow_up is None


def test_forcing_a_reading_overrides_the_words(catalog: Catalog, values: Values) -> None:
    first = answer("headcount by department", catalog, values, today=TODAY)
    fresh = answer(
        "only Paris", catalog, values, previous=first.tile, today=TODAY, follow_up=False
    )
    assert fresh.follow_up is False and _dims(_spec(fresh)) == []
    changed = answer(
        "average salary by location", catalog, values, previous=first.tile, today=TODAY,
        follow_up=True,
    )
    assert changed.follow_up is True and _dims(_spec(changed)) == ["location"]
    assert changed.understood == "Changed the last chart: Average salary by location"


def test_when_the_change_cannot_be_made_the_message_is_a_question_of_its_own(
    catalog: Catalog, values: Values
) -> None:
    # Hardware is a category of sales: no filter of a headcount chart, but a question.
    reply, _ = _chat(catalog, values, ["headcount by department", "only Hardware"])
    assert reply.follow_up is False and reply.understood == "New question: Revenue (Hardware)"
    assert _spec(reply)["table"] == "sales"
    assert _filters(_spec(reply)) == [("category", "eq", "Hardware")]
    # A change that would land on another table is no change of the last chart either.
    reply, _ = _chat(
        catalog, values, ["headcount by department", "what about offices opened before 2015"]
    )
    assert reply.follow_up is False and _spec(reply)["table"] == "offices"
    assert _dims(_spec(reply)) == []


def test_an_unknown_subject_is_still_refused_mid_chat(catalog: Catalog, values: Values) -> None:
    reply, _ = _chat(catalog, values, ["headcount by department", "what about churn?"])
    assert reply.tile is None and reply.follow_up is None and reply.suggestions
