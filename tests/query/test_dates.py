"""Relative date filters resolve to the dates a person means, around every awkward edge."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plotboard.query.dates import (
    UNITS,
    DateRange,
    RelativeDateError,
    comparison_range,
    period_start,
    resolve_relative,
)

D = dt.date
CASES = [
    # op, value, anchor, include_current, first day, last day
    ("last", {"n": 6, "unit": "month"}, D(2025, 8, 14), False, D(2025, 2, 1), D(2025, 7, 31)),
    ("last", {"n": 6, "unit": "month"}, D(2025, 8, 14), True, D(2025, 2, 1), D(2025, 8, 14)),
    ("last", {"n": 7, "unit": "day"}, D(2025, 3, 3), False, D(2025, 2, 24), D(2025, 3, 2)),
    ("last", {"n": 2, "unit": "week"}, D(2025, 1, 1), False, D(2024, 12, 16), D(2024, 12, 29)),
    ("last", {"n": 1, "unit": "quarter"}, D(2025, 1, 15), False, D(2024, 10, 1), D(2024, 12, 31)),
    ("last", {"n": 3, "unit": "year"}, D(2025, 6, 30), False, D(2022, 1, 1), D(2024, 12, 31)),
    ("last", {"n": 1, "unit": "month"}, D(2024, 3, 31), False, D(2024, 2, 1), D(2024, 2, 29)),
    ("this", "week", D(2025, 8, 17), False, D(2025, 8, 11), D(2025, 8, 17)),  # a Sunday
    ("this", "quarter", D(2025, 12, 31), False, D(2025, 10, 1), D(2025, 12, 31)),
    ("previous", "month", D(2025, 1, 10), False, D(2024, 12, 1), D(2024, 12, 31)),
    ("previous", "year", D(2025, 1, 1), False, D(2024, 1, 1), D(2024, 12, 31)),
    ("to_date", "year", D(2025, 8, 14), False, D(2025, 1, 1), D(2025, 8, 14)),
    ("to_date", "quarter", D(2025, 5, 2), False, D(2025, 4, 1), D(2025, 5, 2)),
]


@pytest.mark.parametrize(("op", "value", "anchor", "current", "first", "last"), CASES)
def test_resolve(
    op: str, value: object, anchor: dt.date, current: bool, first: dt.date, last: dt.date
) -> None:
    resolved = resolve_relative(op, value, anchor, include_current=current)
    assert (resolved.start, resolved.last_day) == (first, last)
    assert resolved.as_json() == {"from": first.isoformat(), "to": last.isoformat()}


@pytest.mark.parametrize(
    ("op", "value", "message"),
    [
        ("last", {"n": 0, "unit": "month"}, "from 1 to"),
        ("last", {"n": 10**9, "unit": "year"}, "from 1 to"),
        ("last", {"n": True, "unit": "day"}, "whole number"),
        ("last", {"n": 3, "unit": "fortnight"}, "must be one of"),
        ("last", 6, "value must be"),
        ("last", {"n": 3}, "value must be"),
        ("this", "decade", "must be one of"),
        ("to_date", "week", "to_date counts from"),
        ("next", "month", "Unknown relative date operator"),
    ],
)
def test_bad_filters_say_how_to_fix_them(op: str, value: object, message: str) -> None:
    with pytest.raises(RelativeDateError, match=message):
        resolve_relative(op, value, D(2025, 8, 14))


def test_last_far_back_stays_in_the_calendar() -> None:
    with pytest.raises(RelativeDateError):
        resolve_relative("last", {"n": 1000, "unit": "year"}, D(500, 1, 1))


@given(
    anchor=st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)),
    unit=st.sampled_from(UNITS),
    n=st.integers(min_value=1, max_value=40),
)
def test_last_n_periods_are_whole_and_end_where_the_current_one_starts(
    anchor: dt.date, unit: str, n: int
) -> None:
    resolved = resolve_relative("last", {"n": n, "unit": unit}, anchor)
    assert resolved.end == period_start(anchor, unit)  # type: ignore[arg-type]
    assert period_start(resolved.start, unit) == resolved.start  # type: ignore[arg-type]
    this = resolve_relative("this", unit, anchor)
    assert this.start <= anchor < this.end
    previous = resolve_relative("previous", unit, anchor)
    assert previous.end == this.start
    assert resolve_relative("last", {"n": 1, "unit": unit}, anchor) == previous


@pytest.mark.parametrize(
    ("current", "to", "expected"),
    [
        (DateRange(D(2025, 7, 1), D(2025, 10, 1)), "previous_period",
         DateRange(D(2025, 4, 1), D(2025, 7, 1))),
        (DateRange(D(2025, 1, 1), D(2026, 1, 1)), "previous_period",
         DateRange(D(2024, 1, 1), D(2025, 1, 1))),
        (DateRange(D(2025, 3, 10), D(2025, 3, 17)), "previous_period",
         DateRange(D(2025, 3, 3), D(2025, 3, 10))),
        (DateRange(D(2024, 2, 29), D(2024, 3, 1)), "previous_year",
         DateRange(D(2023, 2, 28), D(2023, 3, 1))),
    ],
)
def test_comparison_range(current: DateRange, to: str, expected: DateRange) -> None:
    assert comparison_range(current, to) == expected  # type: ignore[arg-type]
