"""MySQL and MariaDB (PyMySQL)."""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from plotboard.catalog.model import ColumnType
from plotboard.sources import values
from plotboard.sources.kinds.base import Converter, DatabaseKind

# MySQL protocol field types (pymysql.constants.FIELD_TYPE).
_FIELDS: dict[int, ColumnType] = {
    0: "number", 246: "number", 4: "number", 5: "number",
    1: "integer", 2: "integer", 3: "integer", 8: "integer", 9: "integer", 13: "integer",
    16: "integer",
    10: "date", 14: "date",
    7: "datetime", 12: "datetime",
    15: "string", 253: "string", 254: "string", 247: "string", 248: "string",
}  # fmt: skip
_BIT = 16  # BIT(n) arrives as bytes: converted to a number


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

    reflects_materialized_views = False

    def result_type(self, type_code: Any) -> ColumnType | None:
        return _FIELDS.get(type_code) if isinstance(type_code, int) else None

    def result_converter(self, type_code: Any) -> Converter | None:
        return values.bit_to_int if type_code == _BIT else None


KIND = MySQLKind()
