"""SQLite (the standard library's sqlite3), a database file opened read-only.

SQLite has no date type: dates are ISO `YYYY-MM-DD` text, and so are the date grains' results.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from sqlalchemy.engine import URL, Connection
from sqlglot import exp

from plotboard.sources.kinds.base import (
    MAX_VALUE_BYTES,
    DatabaseKind,
    Listener,
    QueryGuard,
)
from plotboard.sources.watchdog import WATCHDOG

_RANDOM_RESOLUTION = 1_000_000


_PROGRESS_STEPS = 10_000  # VM instructions between deadline checks (well under 1 ms)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        dbapi_connection.execute("PRAGMA query_only = ON")


class SQLiteKind(DatabaseKind):
    name = "sqlite"
    backends = ("sqlite",)
    sqlglot_dialect = "sqlite"

    def connect_args(self, url: URL, connect_timeout_s: float) -> dict[str, Any]:
        return {"check_same_thread": False}

    def connect_listener(self, driver: str, pooled: bool) -> Listener | None:
        return _on_connect

    def guard_query(
        self,
        guard: QueryGuard,
        connection: Connection,
        raw: Any,
        *,
        timeout_s: float,
        row_cap: int,
        deadline: float,
    ) -> None:
        if not isinstance(raw, sqlite3.Connection):
            super().guard_query(
                guard, connection, raw, timeout_s=timeout_s, row_cap=row_cap, deadline=deadline
            )
            return
        raw.execute("PRAGMA query_only = ON")  # re-asserted: a query may have reset it
        raw.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        raw.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, _PROGRESS_STEPS)
        # The progress handler counts VM steps: a few costly rows take seconds between
        # two checks. interrupt() is seen at the next step.
        guard.alarm = WATCHDOG.arm(timeout_s, raw.interrupt)

    def after_query(self, raw: Any) -> None:
        if isinstance(raw, sqlite3.Connection):
            raw.set_progress_handler(None, 0)

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
