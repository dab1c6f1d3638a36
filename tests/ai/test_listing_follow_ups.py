"""A follow-up after a list of records (found on a newcomer's walk): a filter narrows the list,
keeping its columns and sort; a chart asked of a list says why it stays a table."""

from __future__ import annotations

import datetime as dt

from plotboard.ai.builtin import answer
from plotboard.catalog.model import Catalog

TODAY = dt.date(2025, 7, 15)
Values = dict[tuple[str, str], list[str]]


def _listing(catalog: Catalog, values: Values) -> object:
    first = answer("show the people working in Berlin", catalog, values, today=TODAY)
    assert first.tile is not None and first.tile.query.select, first.answer
    return first.tile


def test_a_filter_after_a_list_narrows_the_list(catalog: Catalog, values: Values) -> None:
    before = _listing(catalog, values)
    reply = answer("just Marketing", catalog, values, today=TODAY, previous=before)  # type: ignore[arg-type]
    assert reply.tile is not None, reply.answer
    query = reply.tile.query
    assert query.select == before.query.select  # type: ignore[attr-defined]
    filters = {(f.column, f.op, str(f.value)) for f in query.filters}
    assert ("department", "eq", "Marketing") in filters
    assert ("location", "eq", "Berlin") in filters
    assert not query.measures and not query.dimensions


def test_a_chart_asked_of_a_list_says_why_it_stays_a_table(
    catalog: Catalog, values: Values
) -> None:
    before = _listing(catalog, values)
    reply = answer("make it a bar chart", catalog, values, today=TODAY, previous=before)  # type: ignore[arg-type]
    assert reply.tile is not None, reply.answer
    assert reply.tile.chart_type == "table"
    assert "no numbers to draw" in reply.answer


def test_a_ranking_in_each_group_mid_chat_is_a_question_of_its_own(
    catalog: Catalog, values: Values
) -> None:
    # After a period comparison, "the two best offices per country" names its whole
    # breakdown and ranking: a new tile, not the comparison changed (it lost the "in each").
    before = answer("compare 2023 with 2024 headcount", catalog, values, today=TODAY).tile
    assert before is not None
    reply = answer(
        "the two biggest departments per office", catalog, values, today=TODAY, previous=before
    )
    assert reply.tile is not None, reply.answer
    query = reply.tile.query
    assert query.limit == 2 and query.limit_per is not None, query
    assert query.compare is None
