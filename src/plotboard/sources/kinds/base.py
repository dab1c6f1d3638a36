"""The interface every kind of database implements: `DatabaseKind`.

One module per kind (as sqlglot has one module per dialect) holds everything plotboard knows
about that engine; the generic code (`plotboard.sources`, `plotboard.query`,
`plotboard.access`, `plotboard.analyze`, the console) asks the registry in
`plotboard.sources.kinds` for the kind and never branches on a dialect name. Adding a kind
is one new module (a subclass of `DatabaseKind`, registered in `kinds/__init__.py`) plus its
tests: see docs/extending.md, "Adding a database kind".

Several names are in play for one engine, and the registry finds a kind by each:

* `name`, the connection kind an admin picks and the API stores (`postgresql`);
* `backends`, SQLAlchemy's backend names it handles (`mysql` and `mariadb`);
* `sqlglot_dialect`, the dialect queries are compiled for (`postgres`).

Everything a kind declares is either data (SQL templates read with sqlglot, names) or a
small method; the class attributes below without a default must be set by every kind, and
the abstract methods implemented (tests/sources/test_kinds.py checks both).
"""

from __future__ import annotations

from abc import ABC
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine
from sqlglot import exp

from plotboard.catalog.model import ColumnType, Table
from plotboard.sources.watchdog import WATCHDOG, Alarm

if TYPE_CHECKING:
    from plotboard.sources.dialects import SourceConnection
    from plotboard.sources.values import ColumnConverter, RawTexts

SampleMethod = Literal["tablesample", "random", "first"]

#: Date grains in PostgreSQL's spelling, which sqlglot transpiles to most other dialects.
POSTGRES_LIKE_GRAINS: Mapping[str, str] = {
    "day": "CAST({c} AS DATE)",
    "week": "CAST(DATE_TRUNC('week', {c}) AS DATE)",
    "month": "CAST(DATE_TRUNC('month', {c}) AS DATE)",
    "quarter": "CAST(DATE_TRUNC('quarter', {c}) AS DATE)",
    "year": "CAST(DATE_TRUNC('year', {c}) AS DATE)",
}
#: Moving a date forward by `n` units (day or month) in PostgreSQL's spelling.
POSTGRES_LIKE_DATE_ADD = "CAST({c} + INTERVAL '{n} {unit}' AS DATE)"
#: Date parts as integers in PostgreSQL's spelling.
POSTGRES_LIKE_DATE_PARTS: Mapping[str, str] = {
    "year": "CAST(EXTRACT(YEAR FROM {c}) AS INTEGER)",
    "quarter": "CAST(EXTRACT(QUARTER FROM {c}) AS INTEGER)",
    "month": "CAST(EXTRACT(MONTH FROM {c}) AS INTEGER)",
    "day": "CAST(EXTRACT(DAY FROM {c}) AS INTEGER)",
    "weekday_number": "CAST(EXTRACT(ISODOW FROM {c}) AS INTEGER)",
    "hour": "CAST(EXTRACT(HOUR FROM {c}) AS INTEGER)",
}


#: A client-side backstop fires this long after the server-side time limit should have.
BACKSTOP_GRACE_S = 2.0
#: The largest single value a query may build or read where the kind can cap it (SQLite's
#: `SQLITE_LIMIT_LENGTH`: building one value is a single, uninterruptible step; at this size it
#: takes milliseconds, so the time limit holds between steps).
MAX_VALUE_BYTES = 16_000_000


def query_dict(options: Mapping[str, Any]) -> dict[str, str]:
    """Connection options as URL query parameters (booleans as true/false)."""
    out: dict[str, str] = {}
    for key, value in options.items():
        out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


#: A connection event listener: (DB-API connection, pool record).
Listener = Callable[[Any, Any], None]


@dataclass
class QueryGuard:
    """One query: what it may take, and how it runs as `DatabaseKind.guard_query` set it up
    (filled in as it goes, so that what was set up before a failure is still known)."""

    #: What is sent (the caller's SQL, or it wrapped in per-statement limits).
    sql: str
    #: Its time limit, in seconds, and its end by `time.monotonic()`.
    timeout_s: float
    deadline: float
    #: The most rows the caller takes (one more is read, to know there were more).
    row_cap: int
    #: The most bytes the caller takes (an estimate of the rows' JSON), if it sets a bound.
    max_bytes: int | None = None
    #: SQLAlchemy execution options.
    options: dict[str, Any] = field(default_factory=dict)
    #: The watchdog alarm that stops the query at its deadline, if one is armed.
    alarm: Alarm | None = None
    #: The session is read-only by the connection's own settings: checked after the query
    #: with `DatabaseKind.session_read_only`, and the connection thrown away if it is not.
    session_read_only: bool = False
    #: The connection must not be reused after this query.
    disposable: bool = False


#: Turns one value of a result column into what JSON takes (see `plotboard.sources.values`).
Converter = Callable[[Any], Any]


class DatabaseKind(ABC):
    """Everything plotboard knows about one kind of database. One instance per kind."""

    # -- identity ---------------------------------------------------------------------------
    #: The connection kind (`postgresql`); the registry's key.
    name: ClassVar[str]
    #: SQLAlchemy backend names this kind handles (`URL.get_backend_name()`).
    backends: ClassVar[tuple[str, ...]]
    #: The sqlglot dialect queries are compiled for.
    sqlglot_dialect: ClassVar[str]
    #: The name the console shows.
    label: ClassVar[str]

    # -- the connection (plotboard.sources.dialects; the console's form) -----------------------
    #: The fields of a `SourceConnection` this kind takes besides `kind` and `options`, in the
    #: order the console's form shows them, and those that must be given.
    fields: ClassVar[tuple[str, ...]]
    required: ClassVar[tuple[str, ...]]
    #: The database is a file on the plotboard server (`path`): checked before connecting.
    is_file: ClassVar[bool]
    #: Tables live in schemas a query may name (`schema.table`), so per-tenant routing may
    #: choose a schema (`plotboard.sources.routing`, mode schema).
    has_schemas: ClassVar[bool]
    #: The file name in the console's example path (`/srv/data/app.sqlite`), for file kinds.
    path_example: ClassVar[str | None]
    #: The console offers connection options (`name=value` lines), with this example.
    options_example: ClassVar[str | None]
    #: Options plotboard sets itself to keep data safe: an admin may not give them.
    reserved_options: ClassVar[frozenset[str]]
    #: Options plotboard adds unless given (not shown in the redacted URL).
    added_options: ClassVar[Mapping[str, str]]
    #: The port when none is given.
    default_port: ClassVar[int | None]
    #: The SQLAlchemy driver plotboard ships, by backend, for URLs that name only the backend.
    drivers: ClassVar[Mapping[str, str]]
    #: The plotboard extra that installs the driver (`pip install 'plotboard[mysql]'`), or None.
    extra: ClassVar[str | None]

    def url(self, conn: SourceConnection) -> URL:
        """The SQLAlchemy URL for `conn` (a connection of this kind), password included."""
        return URL.create(
            self.drivers[self.name],
            username=conn.user,
            password=conn.password_value(),
            host=conn.host,
            port=conn.port,
            database=conn.database,
            query=query_dict({**self.added_options, **conn.options}),
        )

    def backend_label(self, backend: str) -> str:
        """How one of this kind's SQLAlchemy backends is named in messages."""
        return self.label

    def adopt_url(self, url: URL, conn: SourceConnection) -> URL | None:
        """A URL an admin gave (kind `url`) for one of this kind's backends, changed to how
        plotboard opens this kind, or None to use it as given."""
        return None

    def server_version(self, connection: Connection) -> str:
        """Run a query that touches the database and return a display version ("PostgreSQL
        15.4"): *Test connection*."""
        connection.execute(sa.select(sa.literal(1)))
        info = connection.dialect.server_version_info
        number = ".".join(str(part) for part in info) if info else ""
        return f"{connection.dialect.name} {number}".strip()

    def file_error(self, lowered: str, path: str) -> tuple[str, str] | None:
        """A (verdict code, message) for a driver's error text (lower-cased) on opening the
        database file at `path`, where this kind has its own, or None."""
        return None

    # -- connecting and the read-only guard (plotboard.sources.engines, execute) -------------
    #: A query's whole result is in the client once it has run (a client-side cursor), so
    #: fetching its rows waits for neither the database nor the network: large answers may
    #: then take turns at building their rows (`execute._Stream.read`).
    buffers_results: ClassVar[bool]

    def connect_args(self, url: URL, connect_timeout_s: float) -> dict[str, Any]:
        """The driver's connect arguments: a connect timeout, and the settings that make the
        session read-only where the driver can set them when connecting."""
        return {}

    def engine_url(self, url: URL, connect_args: dict[str, Any]) -> URL:
        """The URL the engine is created with, given `connect_args`."""
        return url

    def connect_listener(self, driver: str, pooled: bool) -> Listener | None:
        """Run on every new DB-API connection of an engine with this `driver` (SQLAlchemy's
        driver name), or None."""
        return None

    def engine_options(self, driver: str) -> dict[str, Any]:
        """More `create_engine` arguments for an engine with this `driver` (say, autocommit
        so that a query is one round trip, with no BEGIN or ROLLBACK around it)."""
        return {}

    def tune_engine(self, engine: Engine) -> None:
        """Adjust a new engine (its dialect) where `create_engine` has no argument for it."""
        return None

    def guard_query(self, guard: QueryGuard, connection: Connection, raw: Any) -> None:
        """Set the query `guard` describes up on `connection` (`raw` is its DB-API
        connection): the read-only guard and the time limit (server-side where the database
        has one, and a client-side stop as the backstop), recorded in `guard`.

        The default: no read-only guard (connect with a read-only account), and the driver's
        `cancel()` at the deadline if it has one.
        """
        if callable(getattr(raw, "cancel", None)):
            guard.alarm = WATCHDOG.arm(guard.timeout_s, raw.cancel)

    def after_query(self, raw: Any) -> None:
        """Undo per-query settings on the DB-API connection (errors are ignored)."""
        return None

    def session_read_only(self, raw: Any) -> bool:
        """Whether the DB-API connection's session still reports itself read-only (asked
        after a query when `QueryGuard.session_read_only` was set)."""
        return False

    # -- query SQL (plotboard.query) ------------------------------------------------------------
    #: The dialect the SQL templates below are written in (read with sqlglot, then written
    #: out for `sqlglot_dialect`).
    template_dialect: ClassVar[str]
    #: Date grains (day, week, month, quarter, year): the first day of the period of `{c}`,
    #: as a date; weeks start on Monday, quarters in January.
    grains: ClassVar[Mapping[str, str]]
    #: `{c}` moved forward by `{n}` `{unit}`s (day or month), as a date.
    date_add: ClassVar[str]
    #: Date parts (year, quarter, month, day, weekday_number 1 = Monday, hour) as integers.
    date_parts: ClassVar[Mapping[str, str]]
    #: Dates are ISO text here (no date type): a date bound into a query is sent as text.
    dates_as_text: ClassVar[bool]
    #: ROUND(x, digits) needs x cast to NUMERIC (it is not defined for double precision).
    round_needs_numeric: ClassVar[bool]

    # -- raw SQL allow-list (plotboard.query.allowlist, plotboard.query.sql) ---------------------
    #: Functions sqlglot does not model (`exp.Anonymous`) that raw SQL may call on this kind,
    #: by lower-cased name, besides `allowlist.ALLOWED_FUNCTIONS`: the few that the date
    #: templates above need. Nothing that reads files, sleeps or reveals the server.
    anonymous_functions: ClassVar[frozenset[str]]
    #: A backslash in a text literal may escape its closing quote (PostgreSQL with
    #: `standard_conforming_strings` off, a server setting): such literals are refused.
    backslash_escapes_quotes: ClassVar[bool]

    # -- access rules (plotboard.access.fence) -----------------------------------------------
    #: The clause that keeps an access rule's subquery closed to the planner (`LIMIT ALL`), so
    #: that no condition of the user's runs on a row the rule hides; None for a kind without a
    #: known fence (see docs/security.md). A planner behaviour: tests/access/test_oracles.py
    #: checks it on every engine.
    fence: ClassVar[str | None]

    # -- Analyze (plotboard.analyze.queries) ----------------------------------------------------
    #: How Analyze reads a share of a large table: `tablesample` (TABLESAMPLE BERNOULLI, or
    #: SYSTEM on very large tables), `random` (rows where a random number falls under the
    #: share: see `random_filter`) or `first` (the first rows).
    sample_method: ClassVar[SampleMethod]
    #: The method for objects that refuse TABLESAMPLE (views).
    sample_fallback: ClassVar[SampleMethod]
    #: Text aggregates (min, max, length) cast the column to text first, so that they work on
    #: uuid, enum and citext columns too.
    text_aggregates_cast: ClassVar[bool]

    def random_filter(self, fraction: float, seed: int) -> exp.Expr:
        """A condition true for about `fraction` (0 < fraction < 1) of the rows: `random() <
        fraction` (PostgreSQL and DuckDB: random() is in [0, 1)). `seed` where the database
        takes one for a repeatable sample."""
        return exp.LT(this=exp.Rand(this=None), expression=exp.Literal.number(f"{fraction:.8f}"))

    # -- system catalogs (plotboard.query.allowlist, plotboard.sources.introspect) -----------
    #: Schemas holding the database's own catalogs (lower case): raw SQL may not read them
    #: (on any kind: the union over all kinds is refused) and the catalog never lists them.
    catalog_schemas: ClassVar[frozenset[str]]
    #: Table-name prefixes of system catalogs (`pg_`): refused in raw SQL on any kind.
    catalog_table_prefixes: ClassVar[tuple[str, ...]]
    #: Other schemas the catalog does not list (temporary objects, built-ins).
    internal_schemas: ClassVar[frozenset[str]]

    # -- reading the catalog (plotboard.sources.introspect) --------------------------------
    #: Materialized views are read as tables too.
    reflects_materialized_views: ClassVar[bool]

    def read_schemas(self, engine: Engine) -> tuple[str | None, list[str]] | None:
        """The default schema and the schemas an admin may choose from, or None to read them
        with SQLAlchemy's inspector (system schemas are left out either way)."""
        return None

    def read_tables(self, engine: Engine, schema: str | None) -> tuple[Table, ...] | None:
        """The tables and views of `schema` (None: the default one), or None to reflect them
        with SQLAlchemy's inspector."""
        return None

    # -- result values (plotboard.sources.values) --------------------------------------------
    def result_type(self, type_code: Any) -> ColumnType | None:
        """The generic type of a result column from the driver's type code (never None here),
        or None to go by the values returned."""
        return None

    def result_converter(self, type_code: Any) -> Converter | ColumnConverter | None:
        """A converter for a result column's values (or for the whole column) other than
        `json_value`, or None."""
        return None

    def result_value_type(self, type_code: Any) -> type | None:
        """The one Python type the driver gives (besides None) for result columns of this type
        code, when every such value is ready for JSON as it is: `str`, `bool`, `int` (within
        64 bits), `float`, `datetime.date` or `datetime.datetime` (naive); else None, and the
        values are looked at (see `values.convert_rows`)."""
        return None

    def raw_texts(self, cursor: Any) -> RawTexts | None:
        """The DB-API cursor's values as the driver received them, `(row, column) -> bytes`,
        for column converters that need them (PostgreSQL's result text), or None."""
        return None


class ServerKind(DatabaseKind):
    """A database server reached over the network: host, port, user, password, database."""

    fields = ("host", "port", "user", "password", "database")
    required = ("host", "user", "database")
    is_file = False
    has_schemas = True
    path_example = None


class FileKind(DatabaseKind):
    """A database file on the plotboard server, opened read-only."""

    fields = ("path",)
    required = ("path",)
    is_file = True
    default_port = None
