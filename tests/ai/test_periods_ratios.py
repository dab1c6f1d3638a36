"""The built-in engine on periods, rankings and ratios said in everyday words (issue 12):
"last quarter", "from <a day>", "qtr", "the least ... product", "the N most recently ...",
"make it 10" after a ranking, and requests that are not data questions.

Questions are worded unlike the blind batches: each test checks a general rule, on the demo
data, through the spec the engine wrote (and its rows where the rule is about them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.ai.answers import EngineAnswer
from plotboard.ai.builtin import answer
from plotboard.catalog.model import Catalog
from tests.ai.demo import run_spec, run_sql, same_rows

TODAY = dt.date(2025, 11, 20)
Values = dict[tuple[str, str], list[str]]


def ask(question: str, catalog: Catalog, values: Values, **kwargs: Any) -> EngineAnswer:
    return answer(question, catalog, values, today=TODAY, **kwargs)


def spec_of(reply: EngineAnswer) -> dict[str, Any]:
    assert reply.tile is not None, reply.answer
    return reply.tile.query.model_dump(exclude_defaults=True, mode="json")


def dates_of(reply: EngineAnswer) -> list[Any]:
    return [f["value"] for f in spec_of(reply).get("filters", []) if f["column"] == "sale_date"]


# -- periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["headcount of Sales hires in last quarter", "orders for last quarter", "units last quarter"],
)
def test_last_quarter_is_the_one_before_this_one(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    found = [f["value"] for f in spec["filters"] if f["op"] == "between"]
    assert found == [["2025-07-01", "2025-09-30"]], question


def test_the_last_quarter_of_a_year_is_its_fourth(catalog: Catalog, values: Values) -> None:
    reply = ask("units sold in the last quarter of 2023", catalog, values)
    assert dates_of(reply) == [["2023-10-01", "2023-12-31"]]


def test_from_a_day_alone_is_that_day(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("list the sales from 2024-03-05", catalog, values)
    assert dates_of(reply) == [["2024-03-05", "2024-03-05"]]
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    expected = run_sql(demo_engine, "SELECT COUNT(*) FROM sales WHERE sale_date = '2024-03-05'")
    assert len(rows) == expected[0][0] > 0
    assert dates_of(ask("revenue from March 2024", catalog, values)) == [
        ["2024-03-01", "2024-03-31"]
    ]


def test_from_a_period_on_is_open_ended(catalog: Catalog, values: Values) -> None:
    for question in ("number of sales from 2024 on", "revenue from 2024 onwards"):
        spec = spec_of(ask(question, catalog, values))
        assert spec["filters"] == [
            {"column": "sale_date", "op": "gte", "value": "2024-01-01"}
        ], question
    # A span keeps both ends.
    assert dates_of(ask("revenue from Q1 2024 to Q3 2024", catalog, values)) == [
        ["2024-01-01", "2024-09-30"]
    ]


def test_qtr_is_a_quarter(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units by qtr for 2023", catalog, values))
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "quarter"}]
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}]


# -- rankings ----------------------------------------------------------------------------------


def test_a_superlative_before_a_singular_group_keeps_one(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("the least popular region by units", catalog, values)
    spec = spec_of(reply)
    assert spec["limit"] == 1 and not spec["order_by"][0].get("desc", False)
    assert reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    expected = run_sql(
        demo_engine,
        "SELECT sales_region, SUM(quantity) FROM sales GROUP BY 1 ORDER BY 2 ASC LIMIT 1",
    )
    assert same_rows(rows, expected, ordered=True)
    # Plural: a short list, sorted; a superlative on the measure: every group, sorted.
    assert spec_of(ask("least popular products by units", catalog, values))["limit"] == 10
    assert "limit" not in spec_of(ask("highest headcount by department", catalog, values))


def test_the_n_most_recently_done_are_the_latest_rows(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    reply = ask("show the five most recently hired engineers", catalog, values)
    spec = spec_of(reply)
    assert spec["limit"] == 5
    assert spec["order_by"] == [{"by": "hire_date", "desc": True}]
    assert "select" in spec and reply.tile is not None
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    assert len(rows) == 5
    latest = run_sql(
        demo_engine,
        "SELECT MAX(hire_date) FROM employees WHERE department = 'Engineering'",
    )[0][0]
    assert latest in rows[0]


def test_a_number_alone_after_a_ranking_changes_how_many(
    catalog: Catalog, values: Values
) -> None:
    first = ask("bottom 3 departments by average salary", catalog, values)
    for follow_up in ("make it 6", "show 6 instead", "6 please"):
        reply = ask(follow_up, catalog, values, previous=first.tile)
        spec = spec_of(reply)
        assert spec["limit"] == 6, follow_up
        assert spec["order_by"] == spec_of(first)["order_by"], follow_up
        assert reply.follow_up is True
    # Without a ranking to change, a number alone is not a question.
    plain = ask("headcount by department", catalog, values)
    assert ask("make it 6", catalog, values, previous=plain.tile).tile is None


# -- not a data question -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "please translate the chart titles to Spanish",
        "print this dashboard",
        "write a poem about our revenue",
        "post the revenue chart on Slack",
    ],
)
def test_requests_to_act_are_refused(catalog: Catalog, values: Values, question: str) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None and not reply.tiles, question
    assert "only reads data" in reply.answer and reply.suggestions
