"""Every registered database kind implements the whole `DatabaseKind` interface, and the
registry finds each by its connection kind, SQLAlchemy backend and sqlglot dialect."""

from __future__ import annotations

import inspect
from typing import get_args

import pytest
import sqlglot

from plotboard.sources import kinds
from plotboard.sources.dialects import SourceKind
from plotboard.sources.kinds.base import DatabaseKind

ALL_KINDS = [*kinds.REGISTRY.values(), kinds.GENERIC]
GRAINS = {"day", "week", "month", "quarter", "year"}
DATE_PARTS = {"year", "quarter", "month", "day", "weekday_number", "hour"}


def _interface_attributes() -> set[str]:
    return {
        name
        for cls in DatabaseKind.__mro__
        for name in getattr(cls, "__annotations__", {})
        if not name.startswith("_")
    }


def test_the_five_engines_are_registered() -> None:
    assert list(kinds.REGISTRY) == ["postgresql", "mysql", "sqlite", "duckdb", "clickhouse"]
    assert kinds.for_backend("clickhousedb") is kinds.get("clickhouse")
    assert kinds.for_dialect("clickhouse") is kinds.get("clickhouse")


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda k: k.name)
def test_a_kind_implements_the_whole_interface(kind: DatabaseKind) -> None:
    assert isinstance(kind, DatabaseKind)
    assert not inspect.isabstract(type(kind)), getattr(type(kind), "__abstractmethods__", None)
    missing = sorted(name for name in _interface_attributes() if not hasattr(kind, name))
    assert not missing, f"{type(kind).__name__} does not set {missing}"
    assert set(kind.grains) == GRAINS
    assert set(kind.date_parts) == DATE_PARTS


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda k: k.name)
def test_a_kinds_sql_templates_parse(kind: DatabaseKind) -> None:
    templates = [*kind.grains.values(), *kind.date_parts.values()]
    templates.append(kind.date_add.format(c="{c}", n=1, unit="day"))
    for template in templates:
        sqlglot.parse_one(template.format(c="x"), read=kind.template_dialect)


@pytest.mark.parametrize("kind", kinds.REGISTRY.values(), ids=lambda k: k.name)
def test_the_registry_finds_a_kind_by_each_of_its_names(kind: DatabaseKind) -> None:
    assert kinds.get(kind.name) is kind
    assert kinds.for_dialect(kind.sqlglot_dialect) is kind
    assert kind.backends
    for backend in kind.backends:
        assert kinds.for_backend(backend) is kind


def test_an_unknown_engine_gets_the_generic_kind() -> None:
    assert kinds.get("url") is kinds.GENERIC
    assert kinds.for_backend("mssql") is kinds.GENERIC
    assert kinds.for_dialect("tsql") is kinds.GENERIC
    assert kinds.for_backend("clickhouse") is kinds.GENERIC  # clickhouse-sqlalchemy's URLs
    with pytest.raises(KeyError):
        kinds.get("snowflake")


def test_the_connection_kinds_are_the_registered_ones_and_url() -> None:
    # SourceKind is a Literal for the API's schema: a new kind module is named there too.
    assert get_args(SourceKind) == (*kinds.REGISTRY, "url")


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda k: k.name)
def test_raw_sql_refuses_every_kinds_system_catalogs(kind: DatabaseKind) -> None:
    # Refused whatever the source's kind: a schema named like another engine's catalog is
    # never a customer's table.
    assert kind.catalog_schemas <= kinds.CATALOG_SCHEMAS <= kinds.HIDDEN_SCHEMAS
    assert set(kind.catalog_table_prefixes) <= set(kinds.CATALOG_TABLE_PREFIXES)
    assert kind.internal_schemas <= kinds.HIDDEN_SCHEMAS
    assert all(s == s.lower() for s in kind.catalog_schemas | kind.internal_schemas)
