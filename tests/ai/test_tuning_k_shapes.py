"""The built-in engine on shapes that blind batches g-k still missed (issue 12 items 1 and 3):
a ratio of two parts of the same rows ("ratio of X revenue to Y revenue", "X headcount
divided by Y headcount", "remote per office-based person"), ...

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data and, where it matters, the rows it gives."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.ai.answers import EngineAnswer
from plotboard.ai.builtin import answer
from plotboard.catalog.model import Catalog
from tests.ai.demo import run_spec, run_sql

TODAY = dt.date(2025, 11, 20)
Values = dict[tuple[str, str], list[str]]


def ask(question: str, catalog: Catalog, values: Values, **kwargs: Any) -> EngineAnswer:
    return answer(question, catalog, values, today=kwargs.pop("today", TODAY), **kwargs)


def spec_of(reply: EngineAnswer) -> dict[str, Any]:
    assert reply.tile is not None, reply.answer
    return reply.tile.query.model_dump(exclude_defaults=True, mode="json")


def filters_of(spec: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [(f["column"], f["op"], f.get("value")) for f in spec.get("filters", [])]


def dims_of(spec: dict[str, Any]) -> list[str]:
    return [d["column"] for d in spec.get("dimensions", [])]


# --- a ratio of two parts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "sql", "dims"),
    [
        ("what is the ratio of services revenue to accessories revenue",
         "SELECT SUM(CASE WHEN category = 'Services' THEN amount END) * 1.0 / "
         "SUM(CASE WHEN category = 'Accessories' THEN amount END) FROM sales", []),
        ("Berlin headcount divided by Tokyo headcount",
         "SELECT SUM(location = 'Berlin') * 1.0 / SUM(location = 'Tokyo') FROM employees", []),
        ("number of orders in the East relative to the West",
         "SELECT SUM(sales_region = 'East') * 1.0 / SUM(sales_region = 'West') FROM sales", []),
        ("office-based staff relative to remote staff, as a ratio",
         "SELECT SUM(is_remote = 0) * 1.0 / SUM(is_remote = 1) FROM employees", []),
        ("ratio of software to hardware revenue by year",
         "SELECT strftime('%Y-01-01', sale_date), SUM(CASE WHEN category = 'Software' THEN "
         "amount END) * 1.0 / SUM(CASE WHEN category = 'Hardware' THEN amount END) FROM sales "
         "GROUP BY 1 ORDER BY 1", ["sale_date"]),
    ],
)
def test_two_parts_with_a_ratio_cue_are_one_ratio(
    question: str, sql: str, dims: list[str], catalog: Catalog, values: Values,
    demo_engine: sa.Engine,
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert dims_of(spec) == dims, spec
    assert not spec.get("filters"), spec
    assert spec["measures"][0]["name"] == "ratio", spec
    got = run_spec(demo_engine, catalog, reply.tile.query)  # type: ignore[union-attr]
    want = run_sql(demo_engine, sql)
    assert [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in got] == [
        tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in want
    ]
    assert "Ratio of" in reply.answer, reply.answer


@pytest.mark.parametrize(
    "question",
    [
        # the cue comes before both values: a breakdown or a filter, not a ratio
        "revenue per month for Hardware and Software",
        "average salary per department in Paris and London",
        # a ratio already ("per unit"), compared between two values
        "revenue per unit for Hardware vs Software",
    ],
)
def test_two_values_without_a_ratio_between_them_stay_a_filter(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert all(m.get("name") != "ratio" for m in spec["measures"]), spec
