"""What the built-in engine says it understood (issue 12 items 2-4): shorthand, courtesy,
typos, the v2 shapes asked for in words, and the other reading offered."""

from __future__ import annotations

import datetime as dt

from plotboard.ai.builtin import answer
from plotboard.ai.builtin.slang import plain_text
from plotboard.catalog.model import Catalog

TODAY = dt.date(2025, 7, 15)
Values = dict[tuple[str, str], list[str]]


def test_courtesy_is_dropped_and_short_years_are_written_out() -> None:
    text, dropped = plain_text("Hi! could you show me q4 25 rev? thanks so much")
    assert "2025" in text and "q4" in text
    assert "Hi" in dropped and "thanks so much" in dropped


def test_shorthand_is_read_and_said(catalog: Catalog, values: Values) -> None:
    reply = answer("avg sal by dept", catalog, values, today=TODAY)
    assert reply.tile is not None
    assert reply.tile.query.measures[0].agg == "avg"
    assert reply.understood == "Average salary by department"
    assert "\u201csal\u201d read as \u201csalary\u201d" in reply.assumptions
    assert reply.to_dict()["assumptions"] == list(reply.assumptions)


def test_two_typos_in_a_long_word_are_repaired(catalog: Catalog, values: Values) -> None:
    reply = answer("how many people in engneering", catalog, values, today=TODAY)
    assert reply.tile is not None
    assert [(f.column, f.value) for f in reply.tile.query.filters] == [
        ("department", "Engineering")
    ]


def test_a_listing_is_records_with_the_count_as_the_other_reading(
    catalog: Catalog, values: Values
) -> None:
    reply = answer("list the employees in Paris", catalog, values, today=TODAY)
    assert reply.tile is not None and reply.tile.chart_type == "table"
    assert reply.tile.query.select and not reply.tile.query.measures
    assert reply.alternatives == (
        {"label": "Count them instead", "question": "how many employees in Paris"},
    )


def test_a_percentage_is_a_share_not_a_count(catalog: Catalog, values: Values) -> None:
    reply = answer("what percentage of employees work remotely", catalog, values, today=TODAY)
    assert reply.tile is not None
    measure = reply.tile.query.measures[0]
    assert measure.expr == "count_if(is_remote = true) * 100.0 / count()"
    assert not reply.tile.query.filters


def test_has_no_is_a_null_filter(catalog: Catalog, values: Values) -> None:
    reply = answer("how many employees have no manager", catalog, values, today=TODAY)
    assert reply.tile is not None
    assert [(f.column, f.op) for f in reply.tile.query.filters] == [("manager_id", "is_null")]


def test_the_n_after_which_is_kept(catalog: Catalog, values: Values) -> None:
    reply = answer(
        "Which 3 departments have the highest average salary?", catalog, values, today=TODAY
    )
    assert reply.tile is not None and reply.tile.query.limit == 3


def test_a_new_question_mid_chat_is_not_the_last_chart(catalog: Catalog, values: Values) -> None:
    first = answer("average salary by department", catalog, values, today=TODAY)
    reply = answer(
        "show me the 10 most recent sales", catalog, values, previous=first.tile, today=TODAY
    )
    assert reply.tile is not None and reply.tile.query.table == "sales"
    assert reply.tile.query.limit == 10 and reply.tile.query.select


def test_a_long_polite_message_is_answered_and_says_what_it_left_out(
    catalog: Catalog, values: Values
) -> None:
    reply = answer(
        "Hi! I'm putting together slides for the quarterly review and I was wondering if you "
        "could help me figure out how much money each of our product categories brought in "
        "over calendar year 2024? It would really help me a lot, thanks so much",
        catalog, values, today=TODAY,
    )
    assert reply.tile is not None
    # "calendar year 2024" is read as the year 2024 (a period, not a yearly breakdown).
    assert "calendar" not in reply.unused
    query = reply.tile.query.model_dump(exclude_defaults=True, mode="json")
    assert query["dimensions"] == [{"column": "category"}]
    assert query["filters"] == [
        {"column": "sale_date", "op": "between", "value": ["2024-01-01", "2024-12-31"]}
    ]


def test_unanswerable_stays_refused(catalog: Catalog, values: Values) -> None:
    reply = answer(
        "Hello! Could you please tell me our churn rate for last year? Thanks a lot",
        catalog, values, today=TODAY,
    )
    assert reply.tile is None and reply.suggestions
