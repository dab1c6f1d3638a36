"""SQLite (the standard library's sqlite3), a database file opened read-only.

SQLite has no date type: dates are ISO `YYYY-MM-DD` text, and so are the date grains' results.
"""

from __future__ import annotations

from sqlglot import exp

from plotboard.sources.kinds.base import DatabaseKind

_RANDOM_RESOLUTION = 1_000_000


class SQLiteKind(DatabaseKind):
    name = "sqlite"
    backends = ("sqlite",)
    sqlglot_dialect = "sqlite"

    template_dialect = "sqlite"
    grains = {
        "day": "DATE({c})",
        # 'weekday 0' moves forward to the next Sunday (or stays on one); 6 days back is Monday.
        "week": "DATE({c}, 'weekday 0', '-6 days')",
        "month": "DATE({c}, 'start of month')",
        "quarter": (
            "DATE({c}, 'start of year', "
            "(((CAST(STRFTIME('%m', {c}) AS INTEGER) - 1) / 3) * 3) || ' months')"
        ),
        "year": "DATE({c}, 'start of year')",
    }
    # DATE() answers ISO text, as the grains do.
    date_add = "DATE({c}, '+{n} {unit}s')"
    date_parts = {
        "year": "CAST(STRFTIME('%Y', {c}) AS INTEGER)",
        "quarter": "(CAST(STRFTIME('%m', {c}) AS INTEGER) + 2) / 3",
        "month": "CAST(STRFTIME('%m', {c}) AS INTEGER)",
        "day": "CAST(STRFTIME('%d', {c}) AS INTEGER)",
        "weekday_number": "(CAST(STRFTIME('%w', {c}) AS INTEGER) + 6) % 7 + 1",
        "hour": "CAST(STRFTIME('%H', {c}) AS INTEGER)",
    }
    dates_as_text = True
    round_needs_numeric = False

    anonymous_functions = frozenset({"date", "datetime", "julianday", "time", "printf", "total"})
    backslash_escapes_quotes = False

    # No limit, but the query flattener never flattens a subquery with an OFFSET, and the
    # WHERE push-down skips one with a LIMIT.
    fence = "LIMIT -1 OFFSET 0"

    sample_method = "random"
    sample_fallback = "first"
    text_aggregates_cast = False

    def random_filter(self, fraction: float, seed: int) -> exp.Expr:
        # RANDOM() is a 64-bit integer in SQLite (no seed): keep |random mod R| < fraction * R.
        draw: exp.Expr = exp.Abs(
            this=exp.Mod(
                this=exp.Anonymous(this="RANDOM"),
                expression=exp.Literal.number(_RANDOM_RESOLUTION),
            )
        )
        limit = exp.Literal.number(max(1, round(fraction * _RANDOM_RESOLUTION)))
        return exp.LT(this=draw, expression=limit)

    reflects_materialized_views = False


KIND = SQLiteKind()
