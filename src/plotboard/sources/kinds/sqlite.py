"""SQLite (the standard library's sqlite3), a database file opened read-only.

SQLite has no date type: dates are ISO `YYYY-MM-DD` text, and so are the date grains' results.
"""

from __future__ import annotations

import os
import sqlite3
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection
from sqlglot import exp

from plotboard.sources.kinds.base import (
    MAX_VALUE_BYTES,
    FileKind,
    Listener,
    QueryGuard,
    query_dict,
)

if TYPE_CHECKING:
    from plotboard.sources.dialects import SourceConnection
from plotboard.sources.watchdog import WATCHDOG

_RANDOM_RESOLUTION = 1_000_000


_PROGRESS_STEPS = 10_000  # VM instructions between deadline checks (well under 1 ms)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        dbapi_connection.execute("PRAGMA query_only = ON")


def read_only_url(path: str, query: dict[str, Any]) -> URL:
    """A SQLite URI opened with mode=ro: the file is never created or written, and a missing
    file is an error instead of a new empty database."""
    absolute = os.path.abspath(os.path.expanduser(path))
    return URL.create(
        "sqlite+pysqlite",
        database="file:" + quote(absolute, safe="/"),
        query={**query, "mode": "ro", "uri": "true"},
    )


class SQLiteKind(FileKind):
    name = "sqlite"
    backends = ("sqlite",)
    sqlglot_dialect = "sqlite"
    label = "SQLite"
    has_schemas = False  # one file, one namespace (ATTACH is refused)

    path_example = "app.sqlite"
    options_example = None
    reserved_options = frozenset({"mode", "uri", "immutable", "vfs"})
    added_options = {}
    drivers = {"sqlite": "sqlite+pysqlite"}
    extra = None

    def url(self, conn: SourceConnection) -> URL:
        return read_only_url(str(conn.path), query_dict(conn.options))

    def adopt_url(self, url: URL, conn: SourceConnection) -> URL | None:
        if url.get_driver_name() == "pysqlite" and "uri" not in url.query:
            path = conn.file_path
            if path is not None:
                # A plain sqlite:///path URL gets the same read-only treatment as kind "sqlite".
                return read_only_url(path, {**dict(url.query), **query_dict(conn.options)})
        return None

    def server_version(self, connection: Connection) -> str:
        # Reading sqlite_master makes SQLite read the file header: "not a database" shows here.
        connection.execute(sa.text("SELECT count(*) FROM sqlite_master"))
        return f"SQLite {sqlite3.sqlite_version}"

    def connect_args(self, url: URL, connect_timeout_s: float) -> dict[str, Any]:
        return {"check_same_thread": False}

    def connect_listener(self, driver: str, pooled: bool) -> Listener | None:
        return _on_connect

    def guard_query(self, guard: QueryGuard, connection: Connection, raw: Any) -> None:
        if not isinstance(raw, sqlite3.Connection):
            super().guard_query(guard, connection, raw)
            return
        deadline = guard.deadline
        # `query_only` and the length cap are set once per connection (`_on_connect`); SQL
        # cannot change a limit, and only a PRAGMA statement can switch `query_only` off (the
        # pragma table-valued functions are the read-only pragmas'). A query that names a
        # pragma (refused by the query checker anyway) gets it re-asserted first, and its
        # connection is not reused.
        if "pragma" in guard.sql.lower():
            raw.execute("PRAGMA query_only = ON")
            guard.disposable = True
        raw.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, _PROGRESS_STEPS)
        # The progress handler counts VM steps: a few costly rows take seconds between
        # two checks. interrupt() is seen at the next step.
        guard.alarm = WATCHDOG.arm(guard.timeout_s, raw.interrupt)

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
    buffers_results = False  # rows are computed as they are read
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

    catalog_schemas = frozenset()
    catalog_table_prefixes = ("sqlite_",)
    internal_schemas = frozenset({"temp"})  # temporary objects

    reflects_materialized_views = False


KIND = SQLiteKind()
