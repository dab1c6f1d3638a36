"""The built-in engine on general rules found while tuning on blind batch f (issue 12):
running totals said in other words, parts of a period ("the first week of ..."), a total
named after its column ("salary total"), comparisons of two values or two periods said
side by side, the N of a ranking, filters on an aggregate, "at most" phrasings.

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data (and its rows where the rule is about them)."""

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


# -- running totals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "grain"),
    [
        ("units sold in 2024, accumulating quarter after quarter", "quarter"),
        ("a running tally of hires per year", "year"),
        ("orders adding up month by month in 2023", "month"),
        ("employee count at the end of every year", "year"),
        ("2025 payroll of new hires as an accumulation by month", "month"),
    ],
)
def test_running_totals_in_other_words(
    catalog: Catalog, values: Values, question: str, grain: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"][0].get("cumulative") is True, (question, spec)
    assert spec["dimensions"][0]["grain"] == grain, (question, spec)


def test_a_running_total_adds_up_rather_than_averages(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("running salary by month of hiring", catalog, values))
    assert spec["measures"][0] == {"agg": "sum", "column": "salary", "cumulative": True}
    said = spec_of(ask("running average salary by hire month", catalog, values))
    assert said["measures"][0]["agg"] == "avg"


def test_a_total_named_after_its_column_is_a_sum(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("salary total for each country", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "salary"}]


@pytest.mark.parametrize(
    ("question", "dates"),
    [
        ("units sold in the first week of March 2024", ["2024-03-01", "2024-03-07"]),
        ("revenue in the last week of June 2025", ["2025-06-24", "2025-06-30"]),
        ("orders in the last month of 2023", ["2023-12-01", "2023-12-31"]),
    ],
)
def test_a_part_of_a_named_period(
    catalog: Catalog, values: Values, question: str, dates: list[str]
) -> None:
    spec = spec_of(ask(question, catalog, values))
    found = [f["value"] for f in spec["filters"] if f["column"] == "sale_date"]
    assert found == [dates], (question, spec)
