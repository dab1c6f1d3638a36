"""The catalog as the query engine sees it: tables, columns, keys, and what is hidden.

These are plain frozen dataclasses so that they can be built from introspection, from the
metadata store, or by hand in tests, and shared between threads without locking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["string", "integer", "number", "boolean", "date", "datetime", "other"]
"""Generic column types. Introspection maps each database type to one of these."""

NUMERIC_TYPES: frozenset[str] = frozenset({"integer", "number"})
TEMPORAL_TYPES: frozenset[str] = frozenset({"date", "datetime"})


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    nullable: bool = True
    hidden: bool = False
    display_name: str | None = None
    description: str | None = None
    semantic_type: str | None = None
    native_type: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    ref_schema: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    schema: str | None = None
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    hidden: bool = False
    display_name: str | None = None
    description: str | None = None

    def column(self, name: str) -> Column | None:
        """The column called `name` (case-insensitive), or None."""
        lowered = name.lower()
        for col in self.columns:
            if col.name.lower() == lowered:
                return col
        return None


@dataclass(frozen=True)
class Catalog:
    """Everything the admin has connected for one data source.

    `dialect` is a sqlglot dialect name (postgres, mysql, sqlite, duckdb, ...).
    """

    dialect: str
    tables: tuple[Table, ...]
    _by_name: dict[str, Table] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Table] = {}
        for table in self.tables:
            index[table.name.lower()] = table
            if table.schema:
                index[f"{table.schema.lower()}.{table.name.lower()}"] = table
        object.__setattr__(self, "_by_name", index)

    def table(self, name: str, schema: str | None = None) -> Table | None:
        """The table called `name` (case-insensitive, optionally schema-qualified), or None."""
        key = f"{schema.lower()}.{name.lower()}" if schema else name.lower()
        return self._by_name.get(key)

    def visible_tables(self) -> tuple[Table, ...]:
        return tuple(t for t in self.tables if not t.hidden)
