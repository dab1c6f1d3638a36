"""Date grains (day, week, month, quarter, year) per dialect.

Each grain maps a date or timestamp to the first day of its period, as a date: weeks start on
Monday (ISO 8601), quarters in January, April, July and October. SQLite has no date type:
dates are ISO `YYYY-MM-DD` text there, and so is the result.

The expressions are written once per dialect as small SQL templates with a stand-in column
and parsed with sqlglot; compiling a spec only copies the parsed tree and puts the real
column in. No value from a spec ever goes into a template: only catalog column references.
"""

from __future__ import annotations

from functools import cache

import sqlglot
from sqlglot import exp

from plotboard.query.spec import Grain

_COLUMN = "pb_grain_column"

_POSTGRES_LIKE: dict[str, str] = {
    "day": "CAST({c} AS DATE)",
    "week": "CAST(DATE_TRUNC('week', {c}) AS DATE)",
    "month": "CAST(DATE_TRUNC('month', {c}) AS DATE)",
    "quarter": "CAST(DATE_TRUNC('quarter', {c}) AS DATE)",
    "year": "CAST(DATE_TRUNC('year', {c}) AS DATE)",
}

_TEMPLATES: dict[str, dict[str, str]] = {
    "postgres": _POSTGRES_LIKE,
    "duckdb": _POSTGRES_LIKE,
    "mysql": {
        "day": "CAST({c} AS DATE)",
        "week": "CAST(DATE_SUB({c}, INTERVAL WEEKDAY({c}) DAY) AS DATE)",
        "month": "CAST(DATE_FORMAT({c}, '%Y-%m-01') AS DATE)",
        "quarter": "MAKEDATE(YEAR({c}), 1) + INTERVAL (QUARTER({c}) - 1) QUARTER",
        "year": "MAKEDATE(YEAR({c}), 1)",
    },
    "sqlite": {
        "day": "DATE({c})",
        # 'weekday 0' moves forward to the next Sunday (or stays on one); 6 days back is Monday.
        "week": "DATE({c}, 'weekday 0', '-6 days')",
        "month": "DATE({c}, 'start of month')",
        "quarter": (
            "DATE({c}, 'start of year', "
            "(((CAST(STRFTIME('%m', {c}) AS INTEGER) - 1) / 3) * 3) || ' months')"
        ),
        "year": "DATE({c}, 'start of year')",
    },
}

SUPPORTED_DIALECTS: frozenset[str] = frozenset(_TEMPLATES)


@cache
def _template(dialect: str, grain: str) -> exp.Expr:
    try:
        text = _TEMPLATES[dialect][grain]
    except KeyError:
        text = _POSTGRES_LIKE[grain]  # sqlglot transpiles DATE_TRUNC for other dialects
        dialect_in = "postgres"
    else:
        dialect_in = dialect
    return sqlglot.parse_one(text.format(c=_COLUMN), read=dialect_in)


def truncate_to_grain(column: exp.Expr, grain: Grain, dialect: str) -> exp.Expr:
    """`column` truncated to the start of its `grain` period, as a date."""

    def put_column(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and node.name == _COLUMN:
            return column.copy()
        return node

    return _template(dialect, grain).copy().transform(put_column, copy=False)
