"""Period comparison helpers: how far back the compared period is, per date grain, and the
SQL that moves a period's first day forward by that much (DESIGN.md "Query spec v2",
`compare`).

A comparison along a date dimension reads the previous periods in a second grouped query and
joins each previous period to the row of the period after it (``previous_period``) or a year
after it (``previous_year``): the previous query's date dimension is moved *forward* by one
step, so that it equals the current row's period. A step is a number of days or of months:

>>> step("previous_period", "week")
Step(unit='day', n=7)
>>> step("previous_year", "quarter")
Step(unit='month', n=12)
>>> Step("month", 1).back(dt.date(2025, 3, 31))
datetime.date(2025, 2, 28)

The SQL is written once per database kind (`DatabaseKind.date_add`) as a small template
around a stand-in column (as `plotboard.query.grains` does) and parsed with sqlglot; only
the validated step (an int from the table below and a fixed unit word) goes into the
template, never a value from a spec.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Literal

import sqlglot
from sqlglot import exp

from plotboard.query.dates import Comparison
from plotboard.query.spec import Grain
from plotboard.sources import kinds

_COLUMN = "pb_period_column"


@dataclass(frozen=True)
class Step:
    """A move of `n` days or months."""

    unit: Literal["day", "month"]
    n: int

    def back(self, day: dt.date) -> dt.date:
        """`day` moved back by this step (a month step keeps the day, or the month's last)."""
        if self.unit == "day":
            return day - dt.timedelta(days=self.n)
        index = day.year * 12 + day.month - 1 - self.n
        year, month = divmod(index, 12)
        last = calendar.monthrange(year, month + 1)[1]
        return dt.date(year, month + 1, min(day.day, last))

    def describe(self) -> str:
        return f"{self.n} {self.unit}{'s' if self.n != 1 else ''}"


_STEPS: dict[str, dict[str, Step]] = {
    "previous_period": {
        "day": Step("day", 1),
        "week": Step("day", 7),
        "month": Step("month", 1),
        "quarter": Step("month", 3),
        "year": Step("month", 12),
    },
    "previous_year": {
        "day": Step("month", 12),
        "week": Step("day", 364),  # 52 weeks: a Monday stays a Monday
        "month": Step("month", 12),
        "quarter": Step("month", 12),
        "year": Step("month", 12),
    },
}


def step(to: Comparison, grain: Grain) -> Step:
    """How far back the compared period of a `grain` period is."""
    return _STEPS[to][grain]


@cache
def _template(dialect: str, unit: str, n: int) -> exp.Expr:
    kind = kinds.for_dialect(dialect)
    text = kind.date_add.format(c=_COLUMN, n=int(n), unit=unit)
    return sqlglot.parse_one(text, read=kind.template_dialect)


def forward(column: exp.Expr, by: Step, dialect: str) -> exp.Expr:
    """`column` (a date: a period's first day) moved forward by `by`, as a date."""

    def put_column(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and node.name == _COLUMN:
            return column.copy()
        return node

    return _template(dialect, by.unit, by.n).copy().transform(put_column, copy=False)
