"""DuckDB (duckdb-engine), a database file opened read-only and sealed off."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine

from plotboard.catalog.model import Column, ColumnType, ForeignKey, Table
from plotboard.sources import values
from plotboard.sources.kinds.base import (
    POSTGRES_LIKE_DATE_ADD,
    POSTGRES_LIKE_DATE_PARTS,
    POSTGRES_LIKE_GRAINS,
    FileKind,
    QueryGuard,
    query_dict,
)

if TYPE_CHECKING:
    from plotboard.sources.dialects import SourceConnection
from plotboard.sources.watchdog import WATCHDOG

# DuckDB: duckdb-engine reflects through an emulated pg_catalog that SQLAlchemy 2.1's queries
# outgrow, so read DuckDB's own catalog functions instead (one query each, all tables at once).
_SCHEMAS = sa.text(
    "SELECT DISTINCT schema_name FROM duckdb_schemas() "
    "WHERE database_name = current_database() "
    "AND schema_name NOT IN ('information_schema', 'pg_catalog')"
)
_COLUMNS = sa.text(
    "SELECT table_name, column_name, is_nullable, data_type FROM duckdb_columns() "
    "WHERE database_name = :db AND schema_name = :schema AND NOT internal "
    "ORDER BY table_name, column_index"
)
_KEYS = sa.text(
    "SELECT table_name, constraint_type, constraint_column_names, referenced_table, "
    "referenced_column_names FROM duckdb_constraints() "
    "WHERE database_name = :db AND schema_name = :schema "
    "AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY') "
    "ORDER BY table_name, constraint_index"
)


def _read_tables(engine: Engine, schema: str | None) -> tuple[Table, ...]:
    with engine.connect() as conn:
        database, current = conn.execute(
            sa.text("SELECT current_database(), current_schema()")
        ).one()
        target = schema or current
        if "." in target:  # "database.schema", as duckdb-engine spells schemas
            database, target = target.split(".", 1)
        label = None if target == current else schema
        where = {"db": database, "schema": target}
        columns: dict[str, list[Column]] = {}
        for table, name, nullable, data_type in conn.execute(_COLUMNS, where):
            columns.setdefault(table, []).append(
                Column(
                    name=name,
                    type=values.type_from_name(data_type) or "other",
                    nullable=bool(nullable),
                    native_type=data_type,
                )
            )
        pks: dict[str, tuple[str, ...]] = {}
        fks: dict[str, list[ForeignKey]] = {}
        for table, kind, cols, ref_table, ref_cols in conn.execute(_KEYS, where):
            if kind == "PRIMARY KEY":
                pks[table] = tuple(cols)
            elif ref_table:
                fks.setdefault(table, []).append(
                    ForeignKey(tuple(cols), ref_table, tuple(ref_cols), ref_schema=label)
                )
        conn.rollback()
    return tuple(
        Table(
            name=table,
            columns=tuple(cols),
            schema=label,
            primary_key=pks.get(table, ()),
            foreign_keys=tuple(fks.get(table, ())),
        )
        for table, cols in sorted(columns.items())
    )


#: Settings that keep a customer's DuckDB file read-only and sealed off from the file system
#: and network; options may not override them.
SEALED_SETTINGS: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}
#: `memory_limit` unless the connection's options give one (DuckDB's own default is 80% of
#: the machine's memory).
DEFAULT_MEMORY_LIMIT = "2GB"


_DECIMAL = re.compile(r"^DECIMAL\(\d+, ?(\d+)\)$")
_SCALED = [values.scaled_decimals(scale) for scale in range(39)]
# What the duckdb module makes of each type, when every value is ready for JSON as it is
# (not HUGEINT: past 64 bits; not TIMESTAMP WITH TIME ZONE: aware).
_VALUE_TYPES: dict[str, type] = {
    "BOOLEAN": bool,
    "TINYINT": int, "SMALLINT": int, "INTEGER": int, "BIGINT": int,
    "UTINYINT": int, "USMALLINT": int, "UINTEGER": int, "UBIGINT": int,
    "FLOAT": float, "DOUBLE": float,
    "VARCHAR": str,
    "DATE": dt.date, "TIMESTAMP": dt.datetime,
}  # fmt: skip


def _no_transaction(dbapi_connection: Any) -> None:
    """No BEGIN, no ROLLBACK: see `DuckDBKind.tune_engine`."""


class DuckDBKind(FileKind):
    name = "duckdb"
    backends = ("duckdb",)
    sqlglot_dialect = "duckdb"
    label = "DuckDB"
    has_schemas = True

    path_example = "warehouse.duckdb"
    options_example = "name=value"
    reserved_options = frozenset({*SEALED_SETTINGS, "access_mode", "allow_unsigned_extensions"})
    added_options = {}
    drivers = {}
    extra = "duckdb"

    def url(self, conn: SourceConnection) -> URL:
        path = os.path.abspath(os.path.expanduser(str(conn.path)))
        return URL.create("duckdb", database=path, query=query_dict(conn.options))

    def server_version(self, connection: Connection) -> str:
        raw = connection.execute(sa.text("SELECT version()")).scalar()
        return f"DuckDB {str(raw).lstrip('v')}"

    def file_error(self, lowered: str, path: str) -> tuple[str, str] | None:
        if "lock" in lowered:
            return (
                "file_in_use",
                f"Another program has the DuckDB file at {path} open for writing; DuckDB "
                "allows readers only when no process is writing.",
            )
        return None

    def connect_args(self, url: URL, connect_timeout_s: float) -> dict[str, Any]:
        if url.database in (None, "", ":memory:"):
            return {}  # DuckDB cannot open an in-memory database read-only
        config = {k: v for k, v in url.query.items() if k not in SEALED_SETTINGS}
        # DuckDB checks an interrupt between chunks only, and one chunk of a query that
        # doubles strings (concat of concat ...) can build gigabytes: a memory limit makes
        # that fail in a moment. An admin may set another in the connection's options.
        config.setdefault("memory_limit", DEFAULT_MEMORY_LIMIT)
        return {"read_only": True, "config": {**config, **SEALED_SETTINGS}}

    def engine_url(self, url: URL, connect_args: dict[str, Any]) -> URL:
        # Settings travel in connect_args (where the sealed ones win), not in the URL query,
        # which duckdb-engine would apply last.
        return url.set(query={}) if connect_args else url

    def tune_engine(self, engine: Engine) -> None:
        # duckdb-engine sends BEGIN before each query and ROLLBACK after it (twice: the
        # connection's and the pool's check-in, each raising "no transaction is active" when
        # there is none), about a millisecond per query. DuckDB runs each statement as its own
        # transaction when none is open, and the file is opened read-only: no BEGIN, no
        # ROLLBACK. A query that could open a transaction (several statements, BEGIN) does not
        # leave its connection in the pool (`guard_query`).
        dialect: Any = engine.dialect
        dialect.do_begin = _no_transaction
        dialect.do_rollback = _no_transaction

    def guard_query(self, guard: QueryGuard, connection: Connection, raw: Any) -> None:
        # The connection is read_only; DuckDB checks an interrupt between chunks (its
        # memory_limit bounds what one chunk can build).
        guard.alarm = WATCHDOG.arm(guard.timeout_s, raw.interrupt)
        # Several statements, or a transaction statement (both refused by the query checker):
        # thrown away after, so that no transaction stays open on a pooled connection.
        sql = guard.sql.lstrip().lower()
        guard.disposable = ";" in sql or sql.startswith(("begin", "start", "commit", "abort"))

    template_dialect = "duckdb"
    grains = POSTGRES_LIKE_GRAINS
    date_add = POSTGRES_LIKE_DATE_ADD
    date_parts = POSTGRES_LIKE_DATE_PARTS
    buffers_results = False  # reading may still run the query
    dates_as_text = False
    round_needs_numeric = False

    anonymous_functions = frozenset()
    backslash_escapes_quotes = False

    # It stays a streaming limit operator, which filter pushdown does not cross (a huge
    # `LIMIT` is optimized away).
    fence = "OFFSET 0"

    sample_method = "tablesample"
    sample_fallback = "random"
    text_aggregates_cast = True

    catalog_schemas = frozenset({"information_schema", "pg_catalog"})
    catalog_table_prefixes = ("duckdb_",)
    internal_schemas = frozenset({"temp", "system"})  # temporary objects, built-ins

    reflects_materialized_views = False

    def read_schemas(self, engine: Engine) -> tuple[str | None, list[str]]:
        with engine.connect() as conn:
            default = conn.execute(sa.text("SELECT current_schema()")).scalar()
            names = list(conn.execute(_SCHEMAS).scalars())
        return default, names

    def read_tables(self, engine: Engine, schema: str | None) -> tuple[Table, ...]:
        return _read_tables(engine, schema)

    def result_type(self, type_code: Any) -> ColumnType | None:
        return values.type_from_name(str(type_code))

    def result_converter(self, type_code: Any) -> values.ColumnConverter | None:
        match = _DECIMAL.match(str(type_code))
        return _SCALED[int(match.group(1))] if match else None

    def result_value_type(self, type_code: Any) -> type | None:
        return _VALUE_TYPES.get(str(type_code))


KIND = DuckDBKind()
