"""MySQL and MariaDB (PyMySQL)."""

from __future__ import annotations

from sqlglot import exp

from plotboard.sources.kinds.base import DatabaseKind


class MySQLKind(DatabaseKind):
    name = "mysql"
    backends = ("mysql", "mariadb")
    sqlglot_dialect = "mysql"

    template_dialect = "mysql"
    grains = {
        "day": "CAST({c} AS DATE)",
        "week": "CAST(DATE_SUB({c}, INTERVAL WEEKDAY({c}) DAY) AS DATE)",
        "month": "CAST(DATE_FORMAT({c}, '%Y-%m-01') AS DATE)",
        "quarter": "MAKEDATE(YEAR({c}), 1) + INTERVAL (QUARTER({c}) - 1) QUARTER",
        "year": "MAKEDATE(YEAR({c}), 1)",
    }
    date_add = "CAST(DATE_ADD({c}, INTERVAL {n} {unit}) AS DATE)"
    date_parts = {
        "year": "YEAR({c})",
        "quarter": "QUARTER({c})",
        "month": "MONTH({c})",
        "day": "DAYOFMONTH({c})",
        "weekday_number": "WEEKDAY({c}) + 1",
        "hour": "HOUR({c})",
    }
    dates_as_text = False
    round_needs_numeric = False

    anonymous_functions = frozenset({"makedate", "weekday"})
    backslash_escapes_quotes = False

    # All rows: a derived table with a LIMIT is materialized, not merged, and conditions are
    # not pushed into it (MySQL and MariaDB).
    fence = "LIMIT 18446744073709551615"

    sample_method = "random"
    sample_fallback = "first"
    text_aggregates_cast = False

    def random_filter(self, fraction: float, seed: int) -> exp.Expr:
        # RAND(seed): a repeatable sequence.
        return exp.LT(
            this=exp.Rand(this=exp.Literal.number(seed)),
            expression=exp.Literal.number(f"{fraction:.8f}"),
        )


KIND = MySQLKind()
