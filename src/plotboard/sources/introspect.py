"""Reading a customer database's tables, views, columns and keys into catalog `Table`s.

SQLAlchemy's inspector reads them, unless the database kind reads them itself
(`DatabaseKind.read_tables`, `read_schemas`: DuckDB does).

Types are mapped to the generic `ColumnType`s the query engine works with. Some databases
need help: SQLite keeps dates as TEXT, but a column *declared* DATE or DATETIME is a date or
datetime here; MySQL spells booleans TINYINT(1) (or BIT(1)); SQLite columns declared BOOLEAN
are booleans (their 0/1 values are the query layer's business).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Engine
from sqlalchemy.engine.reflection import Inspector, ObjectKind

from plotboard.catalog.model import Column, ColumnType, ForeignKey, Table
from plotboard.sources import kinds
from plotboard.sources.classify import driver_message
from plotboard.sources.errors import SourceError
from plotboard.sources.values import type_from_name

#: Schemas the catalog never lists: every kind's system catalogs and internal schemas
#: (`DatabaseKind.catalog_schemas`, `internal_schemas`).
SYSTEM_SCHEMAS: frozenset[str] = kinds.HIDDEN_SCHEMAS


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
    # MySQL's types exist only once SQLAlchemy's mysql dialect is loaded (by an engine or a
    # reflection of a MySQL or MariaDB source); a server without such a source never imports
    # it (its 19 modules, ~1 MiB: docs/benchmarks.md, "Memory").
    mysql = sys.modules.get("sqlalchemy.dialects.mysql")
    if mysql is not None:
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
        read = kinds.for_backend(engine.dialect.name).read_schemas(engine)
        if read is not None:
            default, names = read
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
        tables = kinds.for_backend(engine.dialect.name).read_tables(engine, schema)
        if tables is not None:
            return tables
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
    if kinds.for_backend(dialect.name).reflects_materialized_views:
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
