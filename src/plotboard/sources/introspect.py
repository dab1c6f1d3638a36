"""Reading a customer database's tables, views, columns and keys into catalog `Table`s.

Types are mapped to the generic `ColumnType`s the query engine works with. Some databases
need help: SQLite keeps dates as TEXT, but a column *declared* DATE or DATETIME is a date or
datetime here; MySQL spells booleans TINYINT(1) (or BIT(1)); SQLite columns declared BOOLEAN
are booleans (their 0/1 values are the query layer's business).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import types as sqltypes
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Engine
from sqlalchemy.engine.reflection import Inspector, ObjectKind

from plotboard.catalog.model import Column, ColumnType, ForeignKey, Table
from plotboard.sources.classify import driver_message
from plotboard.sources.errors import SourceError
from plotboard.sources.values import type_from_name

SYSTEM_SCHEMAS: frozenset[str] = frozenset(
    {
        "information_schema",
        "pg_catalog",
        "pg_toast",
        "mysql",
        "performance_schema",
        "sys",
        "temp",  # SQLite / DuckDB temporary objects
        "system",  # DuckDB built-ins
    }
)


def is_system_schema(name: str) -> bool:
    """True for a database's own catalogs (information_schema, pg_catalog, mysql, ...)."""
    lowered = name.lower()
    last = lowered.rsplit(".", 1)[-1]  # DuckDB may qualify schemas as "catalog.schema"
    return (
        lowered in SYSTEM_SCHEMAS
        or lowered.startswith(("pg_temp", "pg_toast"))
        or lowered.startswith(("system.", "temp."))
        or last in ("information_schema", "pg_catalog")
    )


def generic_type(column_type: Any) -> ColumnType:
    """The generic type for a reflected SQLAlchemy column type."""
    if isinstance(column_type, mysql.TINYINT) and column_type.display_width == 1:
        return "boolean"
    if isinstance(column_type, mysql.BIT) and column_type.length == 1:
        return "boolean"
    if isinstance(column_type, sqltypes.Boolean):
        return "boolean"
    if isinstance(column_type, sqltypes.Integer):
        return "integer"
    if isinstance(column_type, sqltypes.Numeric):  # Float, REAL, DOUBLE included
        return "number"
    if isinstance(column_type, sqltypes.DateTime):
        return "datetime"
    if isinstance(column_type, sqltypes.Date):
        return "date"
    if isinstance(column_type, (sqltypes.String, sqltypes.Uuid)):  # Text, Enum, ... included
        return "string"
    if isinstance(column_type, (sqltypes.Time, sqltypes.Interval, sqltypes.LargeBinary)):
        return "other"
    if isinstance(column_type, (sqltypes.JSON, sqltypes.ARRAY)):
        return "other"
    # NullType (unrecognised) and dialect-specific types: go by the name the database uses.
    return type_from_name(_type_name(column_type, None)) or "other"


def _type_name(column_type: Any, dialect: sa.Dialect | None) -> str:
    if dialect is not None:
        try:
            return str(column_type.compile(dialect=dialect))
        except Exception:
            pass
    if isinstance(column_type, sqltypes.NullType):
        return ""
    try:
        return str(column_type)
    except Exception:
        return type(column_type).__name__


def list_schemas(engine: Engine) -> tuple[str, ...]:
    """Schema names an admin may choose from, system schemas left out, default first."""
    with _reading():
        if engine.dialect.name == "duckdb":
            with engine.connect() as conn:
                default = conn.execute(sa.text("SELECT current_schema()")).scalar()
                names = list(conn.execute(_DUCKDB_SCHEMAS).scalars())
        else:
            inspector = sa.inspect(engine)
            default = inspector.default_schema_name
            names = [n for n in inspector.get_schema_names() if not is_system_schema(n)]
    names.sort(key=lambda n: (n != default, n))
    return tuple(names)


def introspect(engine: Engine, schema: str | None = None) -> tuple[Table, ...]:
    """Tables and views (as tables) of one schema, sorted by name.

    `schema=None` reads the connection's default schema (`public`, the MySQL database, `main`)
    and leaves `Table.schema` as None; another schema (e.g. PostgreSQL's `analytics`) is read
    when named and recorded on each table. Foreign keys name `ref_schema` only when the
    referenced table is outside the default schema. System schemas are refused.

    Raises `SourceError` (`invalid`, `unavailable` or `query_failed`).
    """
    if schema is not None and is_system_schema(schema):
        raise SourceError(
            code="invalid", message=f'"{schema}" is a system schema; plotboard does not read it.'
        )
    with _reading():
        if engine.dialect.name == "duckdb":
            return _read_duckdb(engine, schema)
        inspector = sa.inspect(engine)
        default = inspector.default_schema_name
        if schema is not None and schema == default:
            schema = None
        return _read(inspector, engine.dialect, schema, default)
    raise AssertionError("unreachable")  # pragma: no cover - _reading() always re-raises


@contextmanager
def _reading() -> Iterator[None]:
    """Database errors while reading the catalog, as SourceErrors."""
    try:
        yield
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as err:
        raise SourceError(
            code="unavailable",
            message=f"Could not read the database's tables: {driver_message(err)}",
        ) from None
    except sa.exc.SQLAlchemyError as err:
        raise SourceError(
            code="query_failed",
            message=f"Could not read the database's tables: {driver_message(err)}",
        ) from None


def _read(
    inspector: Inspector, dialect: sa.Dialect, schema: str | None, default: str | None
) -> tuple[Table, ...]:
    kind = ObjectKind.TABLE | ObjectKind.VIEW
    if dialect.name == "postgresql":
        kind |= ObjectKind.MATERIALIZED_VIEW
    columns = inspector.get_multi_columns(schema=schema, kind=kind)
    pks = inspector.get_multi_pk_constraint(schema=schema, kind=ObjectKind.TABLE)
    fks = inspector.get_multi_foreign_keys(schema=schema, kind=ObjectKind.TABLE)

    def ref_schema(name: str | None) -> str | None:
        if name is None or name == default:
            return None
        return name

    tables: list[Table] = []
    for key in sorted(columns, key=lambda k: k[1]):
        table_name = key[1]
        cols = tuple(
            Column(
                name=col["name"],
                type=generic_type(col["type"]),
                nullable=bool(col.get("nullable", True)),
                native_type=_type_name(col["type"], dialect) or None,
            )
            for col in columns[key]
        )
        pk: dict[str, Any] = dict(pks.get(key) or {})
        foreign = tuple(
            ForeignKey(
                columns=tuple(fk["constrained_columns"]),
                ref_table=fk["referred_table"],
                ref_columns=tuple(fk["referred_columns"]),
                # PostgreSQL names the schema unless it is on the search path (None = default).
                ref_schema=ref_schema(fk.get("referred_schema")),
            )
            for fk in fks.get(key) or []
            if fk.get("referred_table")
        )
        tables.append(
            Table(
                name=table_name,
                columns=cols,
                schema=schema,
                primary_key=tuple(pk.get("constrained_columns") or ()),
                foreign_keys=foreign,
            )
        )
    return tuple(tables)


# DuckDB: duckdb-engine reflects through an emulated pg_catalog that SQLAlchemy 2.1's queries
# outgrow, so read DuckDB's own catalog functions instead (one query each, all tables at once).
_DUCKDB_SCHEMAS = sa.text(
    "SELECT DISTINCT schema_name FROM duckdb_schemas() "
    "WHERE database_name = current_database() "
    "AND schema_name NOT IN ('information_schema', 'pg_catalog')"
)
_DUCKDB_COLUMNS = sa.text(
    "SELECT table_name, column_name, is_nullable, data_type FROM duckdb_columns() "
    "WHERE database_name = :db AND schema_name = :schema AND NOT internal "
    "ORDER BY table_name, column_index"
)
_DUCKDB_KEYS = sa.text(
    "SELECT table_name, constraint_type, constraint_column_names, referenced_table, "
    "referenced_column_names FROM duckdb_constraints() "
    "WHERE database_name = :db AND schema_name = :schema "
    "AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY') "
    "ORDER BY table_name, constraint_index"
)


def _read_duckdb(engine: Engine, schema: str | None) -> tuple[Table, ...]:
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
        for table, name, nullable, data_type in conn.execute(_DUCKDB_COLUMNS, where):
            columns.setdefault(table, []).append(
                Column(
                    name=name,
                    type=type_from_name(data_type) or "other",
                    nullable=bool(nullable),
                    native_type=data_type,
                )
            )
        pks: dict[str, tuple[str, ...]] = {}
        fks: dict[str, list[ForeignKey]] = {}
        for table, kind, cols, ref_table, ref_cols in conn.execute(_DUCKDB_KEYS, where):
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
