"""The built-in engine on general rules found while tuning on batches v and w (issue 12):
spans of months, weekdays and rolling windows, counted lines, ratios over a count, money
amounts, product words written with a number, and daily averages over a period.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import datetime as dt

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, filters_of, spec_of

# -- spans of months ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "span"),
    [
        ("revenue in Oct-Dec 2024", ["2024-10-01", "2024-12-31"]),
        ("units sold during Feb \u2013 Apr 2025", ["2025-02-01", "2025-04-30"]),
        ("headcount hired for May-Aug 2024", ["2024-05-01", "2024-08-31"]),
        ("what did we take in Feb to May 2024", ["2024-02-01", "2024-05-31"]),
        ("number of orders, Aug - Oct 2023", ["2023-08-01", "2023-10-31"]),
    ],
)
def test_two_months_joined_are_one_span(
    catalog: Catalog, values: Values, question: str, span: list[str]
) -> None:
    spec = spec_of(ask(question, catalog, values))
    dated = [f for f in filters_of(spec) if f[0].endswith("_date")]
    assert dated == [(dated[0][0], "between", span)], (question, spec)
    assert not spec.get("dimensions"), (question, spec)
