"""The built-in engine on periods, single aggregates, listings and follow-ups that blind
batches m and n read wrong (issue 12 items 1, 3 and 4): "full", "complete" and "calendar"
before a unit ("the last full calendar month": the month before this one); "since Monday"
(from that day to today); "the first 4 months of 2024" (that part of the period); a period
said not to be the one meant ("(not last year)") sets no dates; two months without a year
compared, with the one year they are in said beside them; the quarters of a year named
one by one ("2024 split into Q1, Q2, Q3, Q4") as the year by quarter.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote (today is Thursday 2025-11-20)."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, spec_of

# --- relative periods ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("revenue for the prior full calendar month", "2025-10-01", "2025-10-31"),
        ("hires in the last full calendar quarter", "2025-07-01", "2025-09-30"),
        ("units sold two full years back", "2023-01-01", "2023-12-31"),
        ("revenue in the last 3 whole months", "2025-08-01", "2025-10-31"),
        ("how many sales since Tuesday", "2025-11-18", "2025-11-20"),
        ("revenue since last thursday", "2025-11-13", "2025-11-20"),
        ("hires during the first 4 months of 2024", "2024-01-01", "2024-04-30"),
        ("revenue in the final two quarters of 2023", "2023-07-01", "2023-12-31"),
        ("units sold three years back (not last year)", "2022-01-01", "2022-12-31"),
    ],
)
def test_relative_and_partial_periods(
    question: str, start: str, end: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    dated = [f for f in filters_of(spec) if f[0] in ("sale_date", "hire_date")]
    assert dated == [(dated[0][0], "between", [start, end])], spec


def test_two_months_compared_within_the_year_said_beside_them(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("units sold in October against September (this year)", catalog, values))
    assert ("sale_date", "between", ["2025-10-01", "2025-10-31"]) in filters_of(spec), spec
    assert spec.get("compare") == {"to": "previous_period"}, spec


def test_the_quarters_of_a_year_named_one_by_one(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("2024 revenue for Q1, Q2, Q3 and Q4", catalog, values))
    assert ("sale_date", "between", ["2024-01-01", "2024-12-31"]) in filters_of(spec), spec
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "quarter"}], spec
    assert dims_of(spec) == ["sale_date"]
