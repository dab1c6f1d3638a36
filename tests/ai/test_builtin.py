"""The built-in engine beyond the golden set: wording, dashboards, charts, robustness, speed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plotboard.ai import BuiltinEngine, EngineAnswer, TileSuggestion, answer
from plotboard.catalog.model import Catalog, Column, ForeignKey, Table
from plotboard.query.compile import compile_query
from plotboard.query.errors import QueryError
from tests.ai.demo import run_spec
from tests.ai.golden import load_golden

TODAY = dt.date(2025, 7, 15)
Values = dict[tuple[str, str], list[str]]


def ask(question: str, catalog: Catalog, values: Values, **kwargs: Any) -> EngineAnswer:
    return answer(question, catalog, values, today=TODAY, **kwargs)


def test_the_two_questions_of_the_issue(catalog: Catalog, values: Values) -> None:
    by_location = ask("average salary by location as a map", catalog, values)
    assert by_location.tile is not None
    assert by_location.tile.to_dict() == {
        "title": "Average salary by location",
        "query": {
            "table": "employees",
            "measures": [{"agg": "avg", "column": "salary"}],
            "dimensions": [{"column": "location"}],
            "order_by": [{"by": "avg_salary", "desc": True}],
        },
        "chart": {"type": "map"},
    }
    assert by_location.answer == "Here is the average salary by location, on a map."
    top = ask("top 5 products by revenue in 2024", catalog, values)
    assert top.tile is not None and top.tile.title == "Top 5 products by revenue (2024)"
    assert top.tile.query.limit == 5 and top.tile.chart_type == "bar"


def test_same_question_same_answer(catalog: Catalog, values: Values) -> None:
    first = ask("revenue by month in the last 6 months", catalog, values)
    second = BuiltinEngine(today=TODAY).answer(
        "revenue by month in the last 6 months", catalog, values
    )
    assert first == second


@pytest.mark.parametrize(
    ("clues", "expected"),
    [
        (None, "Here is the headcount by department."),
        ("Please keep a friendly, casual tone.", "Sure! Here is the headcount by department."),
        ({"tone": "formal"}, "Please find below the headcount by department."),
        ({"tone": "concise and direct"}, "Headcount by department."),
        ({"tone": "friendly", "company": "Acme"}, "Sure! Here is Acme's headcount by department."),
        ("Tone: professional. Company: Globex Corp.",
         "Please find below Globex Corp's headcount by department."),
        # The example of docs/tokens.md: both tones said (the short answer wins), and a
        # description after the company's name is not part of the name.
        ({"tone": "friendly and concise", "company": "Acme Ops, a logistics company"},
         "Headcount by department."),
        ({"tone": "friendly", "company": "Acme Ops, a logistics company"},
         "Sure! Here is Acme Ops's headcount by department."),
        ({"tone": "formal", "company": "Initech (enterprise software)"},
         "Please find below Initech's headcount by department."),
        ({"company": "a logistics company that ships pallets all over Europe"},
         "Here is the headcount by department."),
    ],
)
def test_context_clues_shape_the_wording(
    catalog: Catalog, values: Values, clues: Any, expected: str
) -> None:
    reply = ask("headcount by department", catalog, values, context_clues=clues)
    assert reply.answer == expected


def test_the_company_name_is_not_an_unknown_word(catalog: Catalog, values: Values) -> None:
    reply = ask("Globex revenue by region", catalog, values, context_clues={"company": "Globex"})
    assert reply.tile is not None and not reply.notes


def test_unanswerable_questions_say_why_and_suggest_questions_that_work(
    catalog: Catalog, values: Values
) -> None:
    reply = ask("what is the average profit margin?", catalog, values)
    assert reply.tile is None
    assert "\u201cprofit margin\u201d" in reply.answer  # the words the data has nothing about
    assert 2 <= len(reply.suggestions) <= 4
    for idea in reply.suggestions:
        assert ask(idea, catalog, values).tile is not None, idea
    friendly = ask("profit?", catalog, values, context_clues={"tone": "friendly"})
    assert friendly.answer.startswith("Sorry, I couldn't work that one out")


@pytest.mark.parametrize(
    ("question", "table"),
    [
        ("Build me a dashboard about sales", "sales"),
        ("create a dashboard on our staff", "employees"),
        ("dashboard", "sales"),
    ],
)
def test_dashboards_bring_several_runnable_tiles(
    question: str, table: str, demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None and 4 <= len(reply.tiles) <= 6
    charts = [t.chart_type for t in reply.tiles]
    assert charts[0] == "kpi" and "line" in charts and "map" in charts
    assert {t.query.table for t in reply.tiles} == {table}
    assert len({t.title for t in reply.tiles}) == len(reply.tiles)
    for tile in reply.tiles:
        assert run_spec(demo_engine, catalog, tile.query), tile.title
    assert reply.answer.startswith("Here is a dashboard about")


def test_a_dashboard_keeps_the_questions_filters(catalog: Catalog, values: Values) -> None:
    reply = ask("a dashboard about sales in the North in 2024", catalog, values)
    assert len(reply.tiles) >= 4
    for tile in reply.tiles:
        filters = {(f.column, f.op) for f in tile.query.filters}
        assert filters == {("sales_region", "eq"), ("sale_date", "between")}, tile.title


def test_a_chart_that_does_not_fit_is_replaced_and_the_answer_says_why(
    catalog: Catalog, values: Values
) -> None:
    reply = ask("headcount by department as a map", catalog, values)
    assert reply.tile is not None and reply.tile.chart_type == "bar"
    assert "a map needs a breakdown by city or country" in reply.answer
    pie = ask("total revenue as a pie", catalog, values)
    assert pie.tile is not None and pie.tile.chart_type == "kpi"


def test_default_charts(catalog: Catalog, values: Values) -> None:
    def chart(question: str) -> str:
        reply = ask(question, catalog, values)
        assert reply.tile is not None, question
        return reply.tile.chart_type

    assert chart("total revenue") == "kpi"
    assert chart("revenue over time") == "line"
    assert chart("headcount by department") == "bar"
    # Places go on a map, as the builder's "Best" does (one rules table: chart_rules.json).
    assert chart("average salary by location") == "map"
    assert chart("revenue by product") == "bar_horizontal"  # 16 products
    assert chart("headcount by remote") == "donut"
    assert chart("revenue by region and category") == "bar_stacked"
    assert chart("revenue by region, category and product") == "table"


def test_tiles_round_trip_through_json(catalog: Catalog, values: Values) -> None:
    tile = ask("revenue in Paris by month", catalog, values).tile
    assert tile is not None
    again = TileSuggestion.from_dict(json.loads(json.dumps(tile.to_dict())))
    assert again == tile
    with pytest.raises(QueryError):
        TileSuggestion.from_dict({"title": "x", "query": tile.to_dict()["query"],
                                  "chart": {"type": "radar"}})
    with pytest.raises(QueryError):
        TileSuggestion.from_dict({"query": {"table": "sales", "sql": "DROP"},
                                  "chart": {"type": "kpi"}})


def test_a_previous_tile_on_a_column_now_hidden_is_not_refined(
    catalog: Catalog, values: Values
) -> None:
    previous = ask("headcount by department", catalog, values).tile
    hidden = Catalog(catalog.dialect, tuple(
        dataclasses.replace(t, columns=tuple(
            dataclasses.replace(c, hidden=c.name == "department") for c in t.columns))
        for t in catalog.tables
    ))
    reply = ask("only Paris", hidden, values, previous=previous)
    assert reply.tile is not None
    assert "department" not in json.dumps(reply.tile.to_dict())


def test_hidden_columns_are_never_used(catalog: Catalog, values: Values) -> None:
    hidden = Catalog(catalog.dialect, tuple(
        dataclasses.replace(t, columns=tuple(
            dataclasses.replace(c, hidden=c.name == "salary") for c in t.columns))
        for t in catalog.tables
    ))
    reply = ask("average salary by department", hidden, values)
    assert reply.tile is None or "salary" not in json.dumps(reply.tile.to_dict())


def test_hostile_text_stays_text(demo_engine: sa.Engine, catalog: Catalog, values: Values) -> None:
    reply = ask("revenue in Paris'; DROP TABLE sales; -- by region", catalog, values)
    if reply.tile is not None:
        compile_query(reply.tile.query, catalog)
        run_spec(demo_engine, catalog, reply.tile.query)
    assert run_spec(demo_engine, catalog, ask("how many sales", catalog, values).tile.query)  # type: ignore[union-attr]
    long = ask("revenue " * 5000, catalog, values)
    assert long.tile is not None


def test_a_catalog_with_its_own_names(values: Values) -> None:
    shop = Catalog("postgres", (
        Table("stores", (Column("store_id", "integer"),
                         Column("site_name", "string", display_name="Store", semantic_type="city")),
              primary_key=("store_id",)),
        Table("orders", (Column("order_id", "integer"), Column("store_id", "integer"),
                         Column("ordered_at", "datetime"),
                         Column("total_amount", "number", display_name="Deal value")),
              primary_key=("order_id",),
              foreign_keys=(ForeignKey(("store_id",), "stores", ("store_id",)),)),
    ))
    shop_values = {("stores", "site_name"): ["Lyon", "Porto"]}
    reply = ask("average deal value by store as a map since 2024", shop, shop_values)
    assert reply.tile is not None and reply.tile.chart_type == "map"
    assert reply.tile.to_dict()["query"] == {
        "table": "orders",
        "measures": [{"agg": "avg", "column": "total_amount"}],
        "dimensions": [{"column": "stores.site_name"}],
        "filters": [{"column": "ordered_at", "op": "gte", "value": "2024-01-01"}],
        "order_by": [{"by": "avg_total_amount", "desc": True}],
    }
    until = ask("number of orders in Porto until 2024", shop, shop_values).tile
    assert until is not None
    assert [f.model_dump(exclude_defaults=True) for f in until.query.filters] == [
        {"column": "stores.site_name", "op": "eq", "value": "Porto"},
        {"column": "ordered_at", "op": "lt", "value": "2025-01-01"},  # end of day included
    ]


def test_a_breakdown_by_a_place_that_labels_a_related_table_is_titled_by_the_place(
    values: Values,
) -> None:
    # Stores known only by their city: the rows are grouped by city (two stores in one city
    # are one bar), so the title says city, not store (found by a new-user walk).
    shop = Catalog("postgres", (
        Table("stores", (Column("store_id", "integer"), Column("city", "string")),
              primary_key=("store_id",)),
        Table("orders", (Column("order_id", "integer"), Column("store_id", "integer"),
                         Column("amount", "number")),
              primary_key=("order_id",),
              foreign_keys=(ForeignKey(("store_id",), "stores", ("store_id",)),)),
    ))
    shop_values = {("stores", "city"): ["Lyon", "Paris", "Porto"]}
    for question in ("revenue by city", "total amount per city"):
        reply = ask(question, shop, shop_values)
        assert reply.tile is not None
        assert reply.tile.to_dict()["query"]["dimensions"] == [{"column": "stores.city"}]
        assert reply.tile.title.endswith("by city"), (question, reply.tile.title)
        assert "store" not in (reply.understood or "").lower(), reply.understood


def test_no_question_runs_away(catalog: Catalog, values: Values) -> None:
    # The engine's speed is measured in bench/bench_ai.py (median and p95 against the 50 ms
    # budget); timing on a shared machine is not a test. This only catches a question that
    # runs away (a search that grows with the words, a loop): each answers within a second,
    # some 300 times the median, whatever else the machine is doing. The thread's CPU time is
    # what runs away; wall time also counts the waits of a busy machine (it failed once at load
    # 17 on a question that takes 2 ms).
    _, cases = load_golden()
    ask("warm up", catalog, values)
    slow = []
    for case in cases:
        start = time.thread_time()
        ask(case["question"], catalog, values)
        seconds = time.thread_time() - start
        if seconds > 1.0:
            slow.append((case["question"], round(seconds, 2)))
    assert not slow, slow


_WORD_TEXT = (
    "average salary by location top 5 in 2024 Paris excluding Sales as a pie and how many "
    "employees revenue last 6 months per month not remote over 100k between 2023 which "
    "highest dashboard only what about Berlin units sold of , bottom 3 quarterly first "
    "latest office region product category laptop manager senior the for each share map "
    "since until is are with rating 4 or more headcount payroll hires new York São Paulo "
    "unknownword gender profit table kpi line donut instead also break it down"
)
_WORDS = _WORD_TEXT.split()
_FIXTURES_OK = [HealthCheck.function_scoped_fixture]  # the fixtures are session-wide


@settings(max_examples=400, deadline=None, suppress_health_check=_FIXTURES_OK)
@given(words=st.lists(st.sampled_from(_WORDS), min_size=0, max_size=12), follow=st.booleans())
def test_any_mix_of_words_gives_a_valid_tile_or_a_plain_no(
    catalog: Catalog, values: Values, words: list[str], follow: bool
) -> None:
    previous = ask("revenue by region", catalog, values).tile if follow else None
    reply = ask(" ".join(words), catalog, values, previous=previous)
    assert reply.answer
    for tile in (reply.tile, *reply.tiles):
        if tile is not None:
            compile_query(tile.query, catalog)
            assert tile.chart_type in ("bar", "bar_horizontal", "bar_stacked", "line", "area",
                                       "pie", "donut", "kpi", "table", "scatter", "map")
    if reply.tile is None and not reply.tiles:
        assert reply.suggestions


@settings(max_examples=200, deadline=None, suppress_health_check=_FIXTURES_OK)
@given(text=st.text(max_size=200))
def test_any_text_is_answered_without_raising(catalog: Catalog, values: Values, text: str) -> None:
    reply = ask(text, catalog, values)
    assert reply.answer


# -- requests outside what the engine does (batch c tuning) -----------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "remove all employees hired before 2016",
        "please update the salary of every engineer to 150k",
        "insert a sale of 500 for the Laptop Pro 14",
        "could you erase the offices table",
        "grant the Finance team a bonus",
        "increase all salaries in Sales by 5 percent",
    ],
)
def test_a_write_request_is_refused_as_read_only(
    question: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None
    assert "only reads data" in reply.answer
    assert reply.suggestions


@pytest.mark.parametrize(
    "question",
    ["change it to a pie", "remove the filter", "give me the headcount by location"],
)
def test_chart_changes_and_give_me_are_not_writes(
    question: str, catalog: Catalog, values: Values
) -> None:
    previous = ask("headcount by department in Berlin", catalog, values).tile
    reply = ask(question, catalog, values, previous=previous)
    assert "only reads data" not in reply.answer


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("what was Oracle's revenue in 2024", "Oracle"),
        ("average deal size at Microsoft last quarter", "Microsoft"),
        ("how much inventory is left for the 4K Monitor 27", "inventory"),
        ("stock price of our company by month", "stock price"),
        ("revenue of our competitors by region", "competitors"),
    ],
)
def test_things_outside_the_data_are_refused(
    question: str, word: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None, reply.tile
    assert word in reply.answer


def test_capitals_the_data_knows_or_that_start_a_sentence_are_not_names(
    catalog: Catalog, values: Values
) -> None:
    for question in ("Revenue by category in Berlin", "What is the Headcount in Paris? Thanks"):
        assert ask(question, catalog, values).tile is not None, question


# -- vocabulary: shorthand and slang from the maintained list (batch c tuning) ---------------


def test_more_shorthand_and_slang_from_the_maintained_list(
    catalog: Catalog, values: Values
) -> None:
    def spec(question: str) -> dict[str, Any]:
        reply = ask(question, catalog, values)
        assert reply.tile is not None, (question, reply.answer)
        return reply.tile.query.model_dump(exclude_defaults=True, mode="json")

    marketing = spec("hw mny ppl wrk in mktg")
    assert marketing["measures"] == [{"agg": "count"}]
    assert marketing["filters"] == [{"column": "department", "op": "eq", "value": "Marketing"}]
    monthly = spec("sales per mnth in 2024")
    assert monthly["dimensions"] == [{"column": "sale_date", "grain": "month"}]
    deals = spec("# orders by category")
    assert deals["measures"] == [{"agg": "count"}]
    for question in (
        "headcount of people whose boss is empty",
        "staff members with no line manager",
        "how many employees report to nobody",
    ):
        assert {"column": "manager_id", "op": "is_null"} in spec(question)["filters"], question
    lines = spec("how many order lines in 2024")
    assert lines["table"] == "sales" and lines["measures"] == [{"agg": "count"}]
    bands = spec("number of employees per pay band")
    assert bands["dimensions"][0]["column"] == "salary" and "bin" in bands["dimensions"][0]
    weakest = spec("the 3 weakest products by revenue")
    assert weakest["order_by"] == [{"by": "sum_amount"}] and weakest["limit"] == 3
    strongest = spec("strongest category by units sold")
    assert strongest["order_by"][0]["desc"] is True


def test_a_median_is_answered_with_the_average_and_says_so(
    catalog: Catalog, values: Values
) -> None:
    # The query model has no median; the word was read as the average without a word said
    # (found while tuning on blind batch v).
    for question in ("median salary by department", "what's the median order amount in 2024"):
        reply = ask(question, catalog, values)
        assert reply.tile is not None
        assert [m.agg for m in reply.tile.query.measures] == ["avg"], question
        assert any("median" in a and "average" in a for a in reply.assumptions), reply.assumptions
    plain = ask("average salary by department", catalog, values)
    assert not any("median" in a for a in plain.assumptions)


def test_a_repaired_slip_is_said(catalog: Catalog, values: Values) -> None:
    # "avrage salry by departmnt" was answered right with no word of the three repairs (found
    # by a new-user walk): a repaired word is a reading like any other, said as it was typed.
    reply = ask("avrage salry by departmnt", catalog, values)
    assert reply.tile is not None
    said = {a.replace("\u201c", "'").replace("\u201d", "'") for a in reply.assumptions}
    assert {"'avrage' read as 'average'", "'salry' read as 'salary'",
            "'departmnt' read as 'department'"} <= said, said
    units = ask("how many untis did we sell in 2024", catalog, values)
    assert "\u201cuntis\u201d read as \u201cunits\u201d" in units.assumptions
    assert not ask("average salary by department", catalog, values).assumptions


@pytest.mark.parametrize(
    "question",
    [
        "top 1e400 products",
        "how many people earn over 1e400",
        "select count(*) from employees where salary > 1e400",
        "revenue over 1e400 by region",
    ],
)
def test_a_number_too_big_to_be_one_never_crashes(
    catalog: Catalog, values: Values, question: str
) -> None:
    # "1e400" read as infinity raised OverflowError out of the engine (a 500 through the API).
    reply = ask(question, catalog, values)
    if reply.tile is not None:
        assert "Infinity" not in json.dumps(reply.tile.to_dict()), reply.tile
