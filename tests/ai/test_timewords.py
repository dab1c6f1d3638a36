"""Date ranges and grains in questions, relative to a fixed today."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plotboard.ai.builtin.text import tokenize
from plotboard.ai.builtin.timewords import DateRange, GrainWord, add_months, match_time, period_of

TODAY = dt.date(2025, 7, 15)
D = dt.date


def read(text: str, today: dt.date = TODAY) -> DateRange | GrainWord | None:
    words = [t.text for t in tokenize(text)]
    found = match_time(words, 0, today)
    assert found is None or found[0] == len(words), (text, found)
    return None if found is None else found[1]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("in 2024", D(2024, 1, 1), D(2024, 12, 31)),
        # A month, then "of" / "in" / a comma and its year: that month (the whole year was
        # answered, silently).
        ("in april of 2023", D(2023, 4, 1), D(2023, 4, 30)),
        ("during october in 2022", D(2022, 10, 1), D(2022, 10, 31)),
        ("in february, 2024", D(2024, 2, 1), D(2024, 2, 29)),
        ("q2 of 2023", D(2023, 4, 1), D(2023, 6, 30)),
        ("2023", D(2023, 1, 1), D(2023, 12, 31)),
        ("for 2024", D(2024, 1, 1), D(2024, 12, 31)),
        ("in March 2024", D(2024, 3, 1), D(2024, 3, 31)),
        ("in february 2024", D(2024, 2, 1), D(2024, 2, 29)),
        ("in march", D(2025, 3, 1), D(2025, 3, 31)),
        ("in december", D(2024, 12, 1), D(2024, 12, 31)),  # the latest December that started
        ("in Q3 2024", D(2024, 7, 1), D(2024, 9, 30)),
        ("2024 q1", D(2024, 1, 1), D(2024, 3, 31)),
        ("in the second quarter of 2024", None, None),  # "in the" is left to the lexer
        ("second quarter of 2024", D(2024, 4, 1), D(2024, 6, 30)),
        ("this year", D(2025, 1, 1), D(2025, 12, 31)),
        ("this quarter", D(2025, 7, 1), D(2025, 9, 30)),
        ("this month", D(2025, 7, 1), D(2025, 7, 31)),
        ("this week", D(2025, 7, 14), D(2025, 7, 20)),
        ("last year", D(2024, 1, 1), D(2024, 12, 31)),
        ("previous quarter", D(2025, 4, 1), D(2025, 6, 30)),
        ("last month", D(2025, 6, 1), D(2025, 6, 30)),
        ("last week", D(2025, 7, 7), D(2025, 7, 13)),
        ("last 6 months", D(2025, 1, 16), D(2025, 7, 15)),
        ("past 30 days", D(2025, 6, 16), D(2025, 7, 15)),
        ("last two years", D(2023, 7, 16), D(2025, 7, 15)),
        ("last 4 weeks", D(2025, 6, 18), D(2025, 7, 15)),
        ("since 2023", D(2023, 1, 1), None),
        ("since march 2024", D(2024, 3, 1), None),
        ("after 2023", D(2024, 1, 1), None),
        ("before 2024", None, D(2023, 12, 31)),
        ("until 2024", None, D(2024, 12, 31)),
        ("between 2023 and 2024", D(2023, 1, 1), D(2024, 12, 31)),
        ("from Q1 2024 to Q2 2024", D(2024, 1, 1), D(2024, 6, 30)),
        # A span said without "from", or with its year only at the end.
        ("January to June 2025", D(2025, 1, 1), D(2025, 6, 30)),
        ("Q1 to Q3 2024", D(2024, 1, 1), D(2024, 9, 30)),
        ("from march to may 2024", D(2024, 3, 1), D(2024, 5, 31)),
        ("no later than 2016", None, D(2016, 12, 31)),
        ("no earlier than 2020", D(2020, 1, 1), None),
        ("year to date", D(2025, 1, 1), TODAY),
        ("ytd", D(2025, 1, 1), TODAY),
        ("yesterday", D(2025, 7, 14), D(2025, 7, 14)),
        ("all time", None, None),
    ],
)
def test_date_ranges(text: str, start: dt.date | None, end: dt.date | None) -> None:
    found = read(text)
    if text.startswith("in the"):
        assert found is None
        return
    assert isinstance(found, DateRange), text
    assert (found.start, found.end) == (start, end)


@pytest.mark.parametrize(
    ("text", "grain", "by"),
    [
        ("by month", "month", True),
        ("per quarter", "quarter", True),
        ("each year", "year", True),
        ("for each week", "week", True),
        ("monthly", "month", False),
        ("quarterly", "quarter", False),
        ("daily", "day", False),
        ("over time", None, False),
        ("trend", None, False),
        ("month over month", "month", True),
        ("month", "month", False),
    ],
)
def test_grains(text: str, grain: str | None, by: bool) -> None:
    assert read(text) == GrainWord(grain, by)  # type: ignore[arg-type]


def test_may_is_a_month_only_with_a_year() -> None:
    assert read("may") is None
    assert read("may 2024") == DateRange(D(2024, 5, 1), D(2024, 5, 31), "in may 2024")


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2090, 12, 31)),
       st.sampled_from(["day", "week", "month", "quarter", "year"]))
def test_a_period_contains_its_day(day: dt.date, grain: str) -> None:
    start, end = period_of(day, grain)  # type: ignore[arg-type]
    assert start <= day <= end
    assert period_of(start, grain) == (start, end)  # type: ignore[arg-type]
    assert period_of(end + dt.timedelta(days=1), grain)[0] == end + dt.timedelta(days=1)  # type: ignore[arg-type]


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2090, 12, 31)), st.integers(1, 36))
def test_last_n_months_ends_today_and_spans_n_months(today: dt.date, n: int) -> None:
    found = read(f"last {n} months", today)
    assert isinstance(found, DateRange) and found.end == today and found.start is not None
    assert add_months(found.start, n) >= today > add_months(found.start, n - 1)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("prior to 2020", None, dt.date(2019, 12, 31)),
        ("earlier than march 2024", None, dt.date(2024, 2, 29)),
        ("up to the end of q1 2023", None, dt.date(2023, 3, 31)),
        ("by the end of 2019", None, dt.date(2019, 12, 31)),
        ("up to 2018", None, dt.date(2018, 12, 31)),
        ("later than 2022", dt.date(2023, 1, 1), None),
        ("quarter to date", dt.date(2025, 7, 1), TODAY),
        ("this month so far", dt.date(2025, 7, 1), TODAY),
    ],
)
def test_bounds_said_in_other_words(
    text: str, start: dt.date | None, end: dt.date | None
) -> None:
    found = read(text)
    assert isinstance(found, DateRange), text
    assert (found.start, found.end) == (start, end)


def test_so_far_anywhere_after_this_period_means_to_date() -> None:
    from plotboard.ai.builtin.slang import plain_text

    assert plain_text("hires this year by office so far")[0] == "hires year to date by office"


@pytest.mark.parametrize("text", ["full year 2023", "calendar year 2023", "year 2023",
                                  "the whole year 2023"])
def test_a_named_year_after_year_is_that_year_not_a_grain(text: str) -> None:
    words = text.split()
    at = 1 if words[0] == "the" else 0
    found = match_time(words, at, TODAY)
    assert found is not None and found[0] == len(words) - at
    assert isinstance(found[1], DateRange)
    assert (found[1].start, found[1].end) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Jan-Mar 2025", D(2025, 1, 1), D(2025, 3, 31)),  # the dash is lost in tokenizing
        ("apr-jun 2024", D(2024, 4, 1), D(2024, 6, 30)),
        ("Q2 24", D(2024, 4, 1), D(2024, 6, 30)),  # a two-digit year after a quarter
        ("H1 25", D(2025, 1, 1), D(2025, 6, 30)),
    ],
)
def test_month_spans_with_a_dash_and_short_years(text: str, start: dt.date, end: dt.date) -> None:
    found = read(text)
    assert isinstance(found, DateRange)
    assert (found.start, found.end) == (start, end)


def test_a_yearless_month_span_takes_the_year_named_before_it() -> None:
    words = [t.text for t in tokenize("revenue for H1 2024 (Jan-Jun)")]
    found = match_time(words, words.index("jan"), TODAY)
    assert found is not None and isinstance(found[1], DateRange)
    assert (found[1].start, found[1].end) == (D(2024, 1, 1), D(2024, 6, 30))


@pytest.mark.parametrize(
    ("today", "text", "start", "end"),
    [
        # In December, "last December" is the one a year back, not the month under way.
        (D(2026, 12, 6), "last december", D(2025, 12, 1), D(2025, 12, 31)),
        (D(2026, 12, 6), "previous december", D(2025, 12, 1), D(2025, 12, 31)),
        (D(2026, 12, 6), "last march", D(2026, 3, 1), D(2026, 3, 31)),
        (D(2026, 12, 6), "last q4", D(2025, 10, 1), D(2025, 12, 31)),
        (D(2026, 12, 6), "last q3", D(2026, 7, 1), D(2026, 9, 30)),
        (D(2025, 7, 15), "last july", D(2024, 7, 1), D(2024, 7, 31)),
        (D(2025, 7, 15), "last june", D(2025, 6, 1), D(2025, 6, 30)),
    ],
)
def test_last_before_a_month_or_quarter_is_the_latest_that_ended(
    today: dt.date, text: str, start: dt.date, end: dt.date
) -> None:
    found = read(text, today)
    assert isinstance(found, DateRange) and (found.start, found.end) == (start, end), found


def test_the_last_month_of_a_year_is_still_its_december() -> None:
    found = read("last month of 2024")
    assert isinstance(found, DateRange) and (found.start, found.end) == (
        D(2024, 12, 1), D(2024, 12, 31))


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("up to and including 2016", D(2016, 12, 31)),
        ("through and including march 2025", D(2025, 3, 31)),
        ("until and including q1 2024", D(2024, 3, 31)),
        ("up to and incl 2016", D(2016, 12, 31)),
    ],
)
def test_up_to_and_including_a_period_ends_with_it(text: str, end: dt.date) -> None:
    found = read(text)
    assert isinstance(found, DateRange) and (found.start, found.end) == (None, end), found
