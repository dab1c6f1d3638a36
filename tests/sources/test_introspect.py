"""Introspection of the same small schema on PostgreSQL, MariaDB, SQLite and DuckDB."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

from plotboard.catalog.model import Catalog, ForeignKey, Table
from plotboard.sources import SourceError, SourcePool, generic_type, introspect, list_schemas
from plotboard.sources.introspect import is_system_schema

EXPECTED_TYPES = {
    "offices": {"office_id": "integer", "city": "string", "opened_on": "date", "is_hq": "boolean"},
    "employees": {
        "employee_id": "integer",
        "full_name": "string",
        "office_id": "integer",
        "hired_at": "datetime",
        "salary": "number",
        "is_remote": "boolean",
        "rating": "number",
    },
    "remote_employees": {"employee_id": "integer", "full_name": "string"},
}


def by_name(tables: tuple[Table, ...]) -> dict[str, Table]:
    return {t.name: t for t in tables}


def test_tables_views_and_generic_types(pool: SourcePool, kind: str) -> None:
    tables = by_name(pool.introspect(kind))
    assert set(tables) == set(EXPECTED_TYPES)  # the view is listed as a table
    for table_name, expected in EXPECTED_TYPES.items():
        table = tables[table_name]
        assert table.schema is None
        assert [c.name for c in table.columns] == list(expected)  # declaration order
        assert {c.name: c.type for c in table.columns} == expected, (kind, table_name)
        assert all(c.native_type for c in table.columns)


def test_keys_and_nullability(pool: SourcePool, kind: str) -> None:
    tables = by_name(pool.introspect(kind))
    offices, employees = tables["offices"], tables["employees"]
    assert offices.primary_key == ("office_id",)
    assert employees.primary_key == ("employee_id",)
    assert tables["remote_employees"].primary_key == ()
    assert employees.foreign_keys == (
        ForeignKey(columns=("office_id",), ref_table="offices", ref_columns=("office_id",)),
    )
    assert offices.foreign_keys == ()
    nullable = {c.name: c.nullable for c in employees.columns}
    assert nullable["full_name"] is False and nullable["office_id"] is True


def test_native_types_say_what_the_database_says(pool: SourcePool, kind: str) -> None:
    columns = {
        c.name: c.native_type or "" for c in by_name(pool.introspect(kind))["offices"].columns
    }
    assert "DATE" in columns["opened_on"].upper()
    expected_bool = "TINYINT(1)" if kind == "mysql" else "BOOLEAN"
    assert columns["is_hq"].upper() == expected_bool


def test_result_feeds_a_catalog(pool: SourcePool, kind: str) -> None:
    catalog = Catalog(dialect=pool.dialect(kind), tables=pool.introspect(kind))
    table = catalog.table("EMPLOYEES")
    assert table is not None and table.column("Salary") is not None


def test_postgres_other_schema_when_asked(pool: SourcePool) -> None:
    assert "analytics" not in by_name(pool.introspect("postgresql"))
    tables = by_name(pool.introspect("postgresql", schema="analytics"))
    assert set(tables) == {"targets", "monthly"}
    targets, monthly = tables["targets"], tables["monthly"]
    assert targets.schema == monthly.schema == "analytics"
    assert targets.primary_key == ("office_id",)
    # An FK into public (the default schema) leaves ref_schema empty; one within analytics names it.
    assert targets.foreign_keys == (ForeignKey(("office_id",), "offices", ("office_id",), None),)
    assert monthly.foreign_keys == (
        ForeignKey(("office_id",), "targets", ("office_id",), "analytics"),
    )
    assert {c.name: c.type for c in monthly.columns} == {
        "month": "date",
        "office_id": "integer",
        "amount": "number",
    }
    catalog = Catalog("postgres", pool.introspect("postgresql") + tuple(tables.values()))
    assert catalog.table("targets", schema="analytics") is targets


def test_naming_the_default_schema_is_the_same_as_not_naming_it(pool: SourcePool) -> None:
    assert pool.introspect("postgresql", schema="public") == pool.introspect("postgresql")
    assert pool.introspect("duckdb", schema="main") == pool.introspect("duckdb")


def test_list_schemas_skips_system_schemas(pool: SourcePool, kind: str) -> None:
    schemas = pool.list_schemas(kind)
    assert schemas and not any(is_system_schema(s) for s in schemas)
    if kind == "postgresql":
        assert schemas[:2] == ("public", "analytics")
    if kind in ("sqlite", "duckdb"):
        assert schemas == ("main",)


@pytest.mark.parametrize("schema", ["pg_catalog", "information_schema", "mysql", "sys"])
def test_system_schemas_are_refused(pool: SourcePool, schema: str) -> None:
    with pytest.raises(SourceError) as info:
        pool.introspect("postgresql", schema=schema)
    assert info.value.code == "invalid"


def test_unreachable_database_gives_a_source_error(closed_port: int) -> None:
    engine = sa.create_engine(
        f"postgresql+psycopg://postgres@127.0.0.1:{closed_port}/x",
        connect_args={"connect_timeout": 2},
    )
    with pytest.raises(SourceError) as info:
        introspect(engine)
    assert info.value.code == "unavailable"
    with pytest.raises(SourceError) as info:
        list_schemas(engine)
    assert info.value.code == "unavailable"
    engine.dispose()


@pytest.mark.parametrize(
    ("type_", "expected"),
    [
        (sa.types.NullType(), "other"),
        (mysql.TINYINT(display_width=1), "boolean"),
        (mysql.TINYINT(display_width=4), "integer"),
        (mysql.BIT(1), "boolean"),
        (mysql.YEAR(), "integer"),
        (postgresql.MONEY(), "number"),
        (postgresql.INTERVAL(), "other"),
        (postgresql.UUID(), "string"),
        (postgresql.JSONB(), "other"),
        (sa.Enum("a", "b"), "string"),
        (sa.Time(), "other"),
        (sa.Float(), "number"),
        (sa.BigInteger(), "integer"),
        (sa.DateTime(timezone=True), "datetime"),
    ],
)
def test_generic_type_mapping(type_: object, expected: str) -> None:
    assert generic_type(type_) == expected
