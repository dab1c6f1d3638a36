"""The built-in engine on "to date" and "so far" found while tuning on blind batch o (issue
12): a named period said with "to date" or "so far" anywhere around what is counted ("2024
units to date", "so far in Q2") runs from its start through today, and compared "against
the same point" in an earlier year it is set against the same days of that year.

Questions are worded unlike the blind batch, asked on a fixed "today"."""

from __future__ import annotations

import datetime as dt

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, filters_of, spec_of

TODAY = dt.date(2024, 8, 14)


@pytest.mark.parametrize(
    ("question", "span"),
    [
        ("2024 units sold to date", ["2024-01-01", "2024-08-14"]),
        ("hires so far in 2024 by department", ["2024-01-01", "2024-08-14"]),
        ("how many orders did we book so far in Q3", ["2024-07-01", "2024-08-14"]),
        ("August 2024 revenue so far please", ["2024-08-01", "2024-08-14"]),
    ],
)
def test_a_named_period_to_date_ends_today(
    question: str, span: list[str], catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values, today=TODAY)
    dated = [f for f in filters_of(spec_of(reply)) if f[0] in ("sale_date", "hire_date")]
    assert dated and dated[0][2] == span, spec_of(reply)


def test_a_past_period_to_date_is_all_of_it(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("2023 units sold to date", catalog, values, today=TODAY))
    assert ("sale_date", "between", ["2023-01-01", "2023-12-31"]) in filters_of(spec), spec


@pytest.mark.parametrize(
    "question",
    [
        "units sold so far in 2024 compared with the same point in 2023",
        "2024 units sold to date vs 2023",
        "units sold in 2024 so far against the same time last year",
    ],
)
def test_to_date_against_an_earlier_year_is_the_same_days(
    question: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values, today=TODAY)
    spec = spec_of(reply)
    assert spec.get("compare") == {"to": "previous_year"}, spec
    assert ("sale_date", "between", ["2024-01-01", "2024-08-14"]) in filters_of(spec), spec
    assert any("2023 to 2023-08-14" in a for a in reply.assumptions), reply.assumptions
