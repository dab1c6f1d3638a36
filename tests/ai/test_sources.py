"""The built-in engine over several databases: each question finds its table in the right one.

An organization with a second database used to break every question (the ask endpoint needed
one source); now the engine sees the tables of every source, tagged with their source, and
the answer says which source its tile runs on.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.ai import EngineAnswer, TileSuggestion, answer
from plotboard.ai.answers import Source
from plotboard.catalog.model import Catalog, Column, Table
from plotboard.query.compile import compile_query
from tests.ai.demo import run_spec
from tests.ai.tickets import tickets_catalog, tickets_values

TODAY = dt.date(2025, 7, 15)
Values = dict[tuple[str, str], list[str]]
DEMO_ID = "7fa4c1d2e3f405162738495a6b7c8d9e"
DESK_ID = "32b3a1b2c3d4e5f60718293a4b5c6d7e"
ARCHIVE_ID = "9c1de2f3a4b5c6d7e8f90a1b2c3d4e5f"
IDS = (DEMO_ID, DESK_ID, ARCHIVE_ID)


@pytest.fixture(scope="module")
def two(catalog: Catalog, values: Values) -> list[Source]:
    """The demo database and a support desk's tickets."""
    return [
        Source(DEMO_ID, "Demo", catalog, values),
        Source(DESK_ID, "Support desk", tickets_catalog(), tickets_values()),
    ]


def ask(question: str, sources: Sequence[Source], **kwargs: Any) -> EngineAnswer:
    reply = answer(question, sources, today=TODAY, **kwargs)
    _no_ids(reply)
    return reply


def _no_ids(reply: EngineAnswer) -> None:
    """Nothing a person reads names a source by its id."""
    for text in (reply.answer, *reply.suggestions, *reply.notes, reply.fallback_reason or ""):
        for source_id in IDS:
            assert source_id[:8] not in text, text  # nor the start of one ("7fa4c1d2…")


def _on(reply: EngineAnswer, source_id: str, table: str) -> TileSuggestion:
    assert reply.tile is not None, reply.answer
    assert reply.source == source_id and reply.tile.source == source_id, reply.answer
    assert reply.tile.query.table == table
    return reply.tile


@pytest.mark.parametrize(
    ("question", "source", "table"),
    [
        ("average salary by location", DEMO_ID, "employees"),
        ("revenue by month", DEMO_ID, "sales"),
        ("headcount in Paris", DEMO_ID, "employees"),
        ("how many offices per region", DEMO_ID, "offices"),
        ("number of tickets by priority", DESK_ID, "tickets"),
        ("tickets by status as a pie", DESK_ID, "tickets"),
        ("open tickets per month", DESK_ID, "tickets"),
        ("how many tickets in Paris", DESK_ID, "tickets"),
    ],
)
def test_each_question_goes_to_the_database_that_has_its_table(
    two: list[Source], question: str, source: str, table: str
) -> None:
    tile = _on(ask(question, two), source, table)
    catalog = next(s.catalog for s in two if s.id == source)
    compile_query(tile.query, catalog)


def test_the_tile_runs_on_its_database(
    two: list[Source], demo_engine: sa.Engine, catalog: Catalog
) -> None:
    tile = _on(ask("average salary in Paris", two), DEMO_ID, "employees")
    [(average,)] = run_spec(demo_engine, catalog, tile.query)
    with demo_engine.connect() as conn:
        expected = conn.execute(
            sa.text("SELECT AVG(salary) FROM employees WHERE location = 'Paris'")
        ).scalar()
    assert average == pytest.approx(expected)


def test_follow_ups_stay_on_the_database_of_the_last_answer(two: list[Source]) -> None:
    first = _on(ask("number of tickets by priority", two), DESK_ID, "tickets")
    # "Paris" is a value of both tickets.location and employees.location: the conversation
    # is about tickets, so it filters the tickets.
    only = _on(ask("only Paris", two, previous=first), DESK_ID, "tickets")
    assert [f.model_dump(exclude_defaults=True) for f in only.query.filters] == [
        {"column": "location", "op": "eq", "value": "Paris"}
    ]
    monthly = _on(ask("by month", two, previous=only), DESK_ID, "tickets")
    assert monthly.query.dimensions[0].column == "opened_on"
    # A question about a table the conversation's database does not have moves to it.
    salary = _on(ask("average salary by department", two, previous=monthly), DEMO_ID, "employees")
    back = _on(ask("only Paris", two, previous=salary), DEMO_ID, "employees")
    assert back.query.filters[0].column == "location"
    # The stored tile may not say its source (an older conversation): the hint does.
    bare = dataclasses.replace(first, source=None)
    _on(ask("as a pie", two, previous=bare, source=DESK_ID), DESK_ID, "tickets")
    # A fresh question stays on the conversation's database when it fits there.
    _on(ask("how many in Paris", two, source=DESK_ID), DESK_ID, "tickets")
    _on(ask("headcount in Paris", two, source=DESK_ID), DEMO_ID, "employees")


@pytest.fixture(scope="module")
def copies(catalog: Catalog, values: Values) -> list[Source]:
    """The demo database twice: a live one and an archive with the same tables."""
    return [
        Source(DEMO_ID, "Demo", catalog, values),
        Source(ARCHIVE_ID, "Sales archive", copy.deepcopy(catalog), values),
    ]


def test_the_same_table_in_two_databases_is_asked_about_in_plain_words(
    copies: list[Source],
) -> None:
    reply = ask("average salary by location", copies)
    assert reply.tile is None and not reply.tiles and reply.source is None
    assert "Demo" in reply.answer and "Sales archive" in reply.answer
    assert "Which one do you mean?" in reply.answer
    assert reply.suggestions == (
        "average salary by location in Demo",
        "average salary by location in Sales archive",
    )
    # Each suggestion is answered from the database it names.
    _on(ask(reply.suggestions[1], copies), ARCHIVE_ID, "employees")
    _on(ask(reply.suggestions[0], copies), DEMO_ID, "employees")
    for question in (
        "average salary by location from the sales archive",
        "Sales archive database: average salary by location",
    ):
        _on(ask(question, copies), ARCHIVE_ID, "employees")
    # Once the conversation is on one, follow-ups and fresh questions stay there.
    first = _on(ask("headcount by department in Sales archive", copies), ARCHIVE_ID, "employees")
    _on(ask("only Paris", copies, previous=first), ARCHIVE_ID, "employees")
    _on(ask("revenue by month", copies, previous=first), ARCHIVE_ID, "sales")
    # ... and "the same in Demo" moves the chart to the other database.
    moved = _on(ask("the same in Demo", copies, previous=first), DEMO_ID, "employees")
    assert moved.query == first.query


def test_between_two_tables_of_the_same_name_the_one_that_matches_wins(
    catalog: Catalog, values: Values
) -> None:
    badges = Table(
        "employees",
        (
            Column("employee_id", "integer"),
            Column("full_name", "string"),
            Column("badge_color", "string"),
        ),
        primary_key=("employee_id",),
    )
    sources = [
        Source(DEMO_ID, "Demo", catalog, values),
        Source(DESK_ID, "Badges", Catalog("postgres", (badges,)),
               {("employees", "badge_color"): ["Red", "Blue"]}),
    ]
    _on(ask("average salary by department", sources), DEMO_ID, "employees")
    _on(ask("employees by badge color", sources), DESK_ID, "employees")
    # A value only one of them has decides as well.
    _on(ask("how many employees with a red badge color", sources), DESK_ID, "employees")
    _on(ask("how many employees in Tokyo", sources), DEMO_ID, "employees")


def test_a_dashboard_comes_from_one_database(two: list[Source]) -> None:
    reply = ask("build me a dashboard about tickets", two)
    assert reply.source == DESK_ID and len(reply.tiles) >= 3
    assert {t.query.table for t in reply.tiles} == {"tickets"}
    assert {t.source for t in reply.tiles} == {DESK_ID}
    sales = ask("build me a dashboard about sales", two)
    assert sales.source == DEMO_ID and {t.source for t in sales.tiles} == {DEMO_ID}


def test_unanswerable_questions_suggest_questions_over_every_database(two: list[Source]) -> None:
    reply = ask("what is the weather on mars", two)
    assert reply.tile is None and reply.suggestions
    for idea in reply.suggestions:
        assert ask(idea, two).tile is not None, idea


def test_one_catalog_still_answers_without_a_source(catalog: Catalog, values: Values) -> None:
    reply = answer("average salary by location", catalog, values, today=TODAY)
    assert reply.tile is not None and reply.source is None and reply.tile.source is None
