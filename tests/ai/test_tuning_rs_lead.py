"""A period shorter than a year set against 'last year' is that period a year back (issue 12).

"revenue this month against the same month last year" was read as one month of last year
compared with the month before it: a wrong answer that looked right.
"""

from __future__ import annotations

import datetime as dt

import pytest

from plotboard.ai.builtin import answer
from plotboard.catalog.model import Catalog

TODAY = dt.date(2025, 10, 22)


def _dates(question: str, catalog: Catalog, values: dict[tuple[str, str], list[str]]) -> tuple:
    reply = answer(question, catalog, values, today=TODAY)
    assert reply.tile is not None, reply.answer
    spec = reply.tile.query
    dated = [f for f in spec.filters if f.column == "sale_date"]
    assert spec.compare is not None, question
    return tuple(dated[0].value), spec.compare.to, reply.understood


@pytest.mark.parametrize(
    ("question", "span"),
    [
        ("sales amount this month set against the same month a year ago",
         ["2025-10-01", "2025-10-31"]),
        ("takings this quarter versus last year", ["2025-10-01", "2025-12-31"]),
        ("revenue for June compared with last year", ["2025-06-01", "2025-06-30"]),
        ("q2 revenue vs the same quarter last year", ["2025-04-01", "2025-06-30"]),
    ],
)
def test_part_of_a_year_against_last_year_is_that_part_a_year_back(
    question: str, span: list[str], catalog: Catalog, values: dict[tuple[str, str], list[str]]
) -> None:
    dates, to, understood = _dates(question, catalog, values)
    assert list(dates) == span
    assert to == "previous_year"
    assert "2024" in (understood or "")


def test_a_whole_year_against_last_year_is_unchanged(
    catalog: Catalog, values: dict[tuple[str, str], list[str]]
) -> None:
    dates, to, _ = _dates("revenue this year vs last year", catalog, values)
    assert list(dates) == ["2025-01-01", "2025-12-31"]
    assert to == "previous_year"


def test_a_word_that_starts_like_a_month_is_no_month(
    catalog: Catalog, values: dict[tuple[str, str], list[str]]
) -> None:
    reply = answer("marketing headcount vs last year", catalog, values, today=TODAY)
    assert "October" not in (reply.understood or "")


@pytest.mark.parametrize(
    ("question", "table"),
    [("companywide headcount", "employees"), ("worldwide revenue", "sales")],
)
def test_a_word_the_list_drops_is_dropped(
    question: str, table: str, catalog: Catalog, values: dict[tuple[str, str], list[str]]
) -> None:
    # The abbreviation list maps "companywide" and "worldwide" to nothing; a sound-alike
    # lookup used to take over and the question was refused on them.
    reply = answer(question, catalog, values, today=TODAY)
    assert reply.tile is not None, reply.answer
    assert reply.tile.query.table == table
    assert not reply.tile.query.filters


def test_values_of_the_rows_own_column_with_none_are_not_other_rows(
    catalog: Catalog, values: dict[tuple[str, str], list[str]]
) -> None:
    # "which products ... no order": products are a column of the sales rows themselves; the
    # engine answered with the employees who have no sales, a different question. (It was
    # refused; now the products whose count of yesterday's sales is 0.)
    reply = answer("which products did not get one single order yesterday?", catalog, values,
                   today=TODAY)
    assert reply.tile is not None and reply.tile.query.table == "sales"
    assert [d.column for d in reply.tile.query.dimensions] == ["product"]
    assert [(h.op, h.value) for h in reply.tile.query.having] == [("eq", 0)]
    assert "no sales" in reply.answer
    kept = answer("which sales reps had no sales last month", catalog, values, today=TODAY)
    assert kept.tile is not None and kept.tile.query.table == "employees"


def test_a_tables_own_id_said_empty_is_refused_not_an_empty_tile(
    catalog: Catalog, values: dict[tuple[str, str], list[str]]
) -> None:
    # "made no sales" was read as the sales rows whose own id is empty: never true, so an
    # empty tile that looked like an answer. (It was refused; now the people with none of
    # August's sales, through a `without` filter.)
    reply = answer("which reps made no sales in August", catalog, values, today=TODAY)
    assert reply.tile is not None and reply.tile.query.table == "employees"
    assert [f.without for f in reply.tile.query.filters] == ["sales"]
    assert "no sales" in reply.answer
    kept = answer("people without a manager", catalog, values, today=TODAY)
    assert kept.tile is not None
    assert [f.op for f in kept.tile.query.filters] == ["is_null"]
