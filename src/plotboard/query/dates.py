"""Relative date filters: "last 6 months", "this quarter", "previous year", "year to date".

A relative filter is resolved to a half-open range of dates ``[start, end)`` from an *anchor*
day: today in the organization's time zone, or the latest date of the column that the user can
see (`anchor: "latest"`, found with a query under the user's rules). Periods follow the date
grains (`plotboard.query.grains`): weeks start on Monday, quarters in January, April, July and
October.

- ``last``: the `n` complete periods before the anchor's period (``include_current`` adds the
  anchor's own period, up to the anchor's day included);
- ``this``: the anchor's whole period (the value is a unit, ``"quarter"``, or the builder's
  ``{"unit": "quarter"}``, as for ``previous`` and ``to_date``);
- ``previous``: the period before the anchor's;
- ``to_date``: from the start of the anchor's period to the anchor's day included.

>>> anchor = dt.date(2025, 8, 14)
>>> resolve_relative("last", {"n": 6, "unit": "month"}, anchor)
DateRange(start=datetime.date(2025, 2, 1), end=datetime.date(2025, 8, 1))
>>> resolve_relative("to_date", "year", anchor).describe()
'1 Jan 2025 to 14 Aug 2025'
>>> resolve_relative("previous", "quarter", anchor).describe()
'1 Apr 2025 to 30 Jun 2025'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

Unit = Literal["day", "week", "month", "quarter", "year"]
UNITS: tuple[Unit, ...] = ("day", "week", "month", "quarter", "year")
RelativeOp = Literal["last", "this", "previous", "to_date"]
RELATIVE_OPS: frozenset[str] = frozenset({"last", "this", "previous", "to_date"})
MAX_PERIODS = 1000
"""The most periods `last` may span ("last 1000 days" is fine; "last 10^9 years" is not)."""


class RelativeDateError(ValueError):
    """A relative date filter that cannot be resolved; the message says how to fix it."""


@dataclass(frozen=True)
class DateRange:
    """Dates from `start` included to `end` excluded."""

    start: dt.date
    end: dt.date

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def describe(self) -> str:
        """The range in words, e.g. ``1 Feb 2025 to 31 Jul 2025``."""
        return f"{_day(self.start)} to {_day(self.last_day)}"

    def as_json(self) -> dict[str, str]:
        """``{"from": first day, "to": last day}``, ISO dates, both included."""
        return {"from": self.start.isoformat(), "to": self.last_day.isoformat()}


def _day(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%b')} {day.year}"


def period_start(day: dt.date, unit: Unit) -> dt.date:
    """The first day of the `unit` period that holds `day`."""
    if unit == "day":
        return day
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, 1, 1)


def shift(start: dt.date, unit: Unit, periods: int) -> dt.date:
    """The start of the period `periods` away from the period starting at `start`."""
    if unit == "day":
        return start + dt.timedelta(days=periods)
    if unit == "week":
        return start + dt.timedelta(weeks=periods)
    months = {"month": 1, "quarter": 3, "year": 12}[unit] * periods
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise RelativeDateError("That many periods go beyond the calendar.")
    return dt.date(year, month + 1, 1)


def _unit(value: Any, what: str) -> Unit:
    if value not in UNITS:
        raise RelativeDateError(
            f"{what} must be one of {', '.join(UNITS)}; got {value!r}."
        )
    unit: Unit = value
    return unit


def resolve_relative(
    op: str, value: Any, anchor: dt.date, *, include_current: bool = False
) -> DateRange:
    """The dates a relative filter stands for, from `anchor` (see the module doc).

    Raises:
        RelativeDateError: an unknown op or unit, or a count out of range.
    """
    if op == "last":
        if not isinstance(value, dict) or set(value) - {"n", "unit"} or "unit" not in value:
            raise RelativeDateError(
                'value must be {"n": <number of periods>, "unit": "day|week|month|quarter|'
                'year"}, e.g. {"n": 6, "unit": "month"}.'
            )
        unit = _unit(value["unit"], "value.unit")
        n = value.get("n", 1)
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_PERIODS:
            raise RelativeDateError(f"value.n must be a whole number from 1 to {MAX_PERIODS}.")
        current = period_start(anchor, unit)
        start = shift(current, unit, -n)
        end = anchor + dt.timedelta(days=1) if include_current else current
        return DateRange(start, end)
    if op in ("this", "previous", "to_date"):
        if isinstance(value, dict):
            # The builder's shape, one for every date range: {"unit": "quarter"} is "quarter"
            # (a count other than 1 means nothing for this / the previous / so far this one).
            if set(value) - {"n", "unit"} or "unit" not in value or value.get("n", 1) != 1:
                raise RelativeDateError(
                    f'value must be a unit ("day", "week", "month", "quarter" or "year") or '
                    f'{{"unit": ...}}; {op} takes no count, got {value!r}.'
                )
            value = value["unit"]
        unit = _unit(value, "value")
        if op == "to_date" and unit in ("day", "week"):
            raise RelativeDateError(
                'to_date counts from the start of a "month", "quarter" or "year".'
            )
        current = period_start(anchor, unit)
        if op == "this":
            return DateRange(current, shift(current, unit, 1))
        if op == "previous":
            return DateRange(shift(current, unit, -1), current)
        return DateRange(current, anchor + dt.timedelta(days=1))
    raise RelativeDateError(
        f"Unknown relative date operator {op!r}; use one of {', '.join(sorted(RELATIVE_OPS))}."
    )


Comparison = Literal["previous_period", "previous_year"]


def comparison_range(current: DateRange, to: Comparison) -> DateRange:
    """The range a period comparison reads: the same length just before `current`
    (`previous_period`), or the same dates a year earlier (`previous_year`)."""
    if to == "previous_year":
        return DateRange(_year_earlier(current.start), _year_earlier(current.end))
    # Whole months, quarters or years compare with the same number of months before;
    # any other range with the same number of days before.
    if current.start.day == 1 and current.end.day == 1:
        months = (current.end.year - current.start.year) * 12 + (
            current.end.month - current.start.month
        )
        return DateRange(shift(current.start, "month", -months), current.start)
    length = current.end - current.start
    return DateRange(current.start - length, current.start)


def _year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
