"""Date grains (day, week, month, quarter, year) per database kind.

Each grain maps a date or timestamp to the first day of its period, as a date: weeks start on
Monday (ISO 8601), quarters in January, April, July and October. SQLite has no date type:
dates are ISO `YYYY-MM-DD` text there, and so is the result.

The expressions are written once per database kind as small SQL templates with a stand-in
column (`DatabaseKind.grains`, in `plotboard.sources.kinds`) and parsed with sqlglot;
compiling a spec only copies the parsed tree and puts the real column in. No value from a
spec ever goes into a template: only catalog column references.
"""

from __future__ import annotations

from functools import cache

import sqlglot
from sqlglot import exp

from plotboard.query.spec import Grain
from plotboard.sources import kinds

_COLUMN = "pb_grain_column"


@cache
def _template(dialect: str, grain: str) -> exp.Expr:
    kind = kinds.for_dialect(dialect)
    text = kind.grains[grain]
    return sqlglot.parse_one(text.format(c=_COLUMN), read=kind.template_dialect)


def truncate_to_grain(column: exp.Expr, grain: Grain, dialect: str) -> exp.Expr:
    """`column` truncated to the start of its `grain` period, as a date."""

    def put_column(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and node.name == _COLUMN:
            return column.copy()
        return node

    return _template(dialect, grain).copy().transform(put_column, copy=False)
