"""The registry of database kinds: one module per kind, each a `DatabaseKind` (see `base`).

`get` finds a kind by its connection kind name, `for_backend` by SQLAlchemy's backend name
(`engine.dialect.name`: `mariadb` is the `mysql` kind), `for_dialect` by the sqlglot dialect
a query is compiled for; an engine without a module of its own gets `GENERIC`.
"""

from __future__ import annotations

from plotboard.sources.kinds import clickhouse, duckdb, generic, mysql, postgres, sqlite
from plotboard.sources.kinds.base import DatabaseKind

#: The kinds plotboard knows, by connection kind name, in the order the console offers them.
REGISTRY: dict[str, DatabaseKind] = {
    kind.name: kind
    for kind in (postgres.KIND, mysql.KIND, sqlite.KIND, duckdb.KIND, clickhouse.KIND)
}
#: Any other database, reached by a SQLAlchemy URL (connection kind `url`).
GENERIC: DatabaseKind = generic.KIND

#: Every kind's system catalog schemas and table prefixes: refused in raw SQL whatever the
#: source's kind (see `plotboard.query.allowlist`).
CATALOG_SCHEMAS: frozenset[str] = frozenset().union(
    *(kind.catalog_schemas for kind in (*REGISTRY.values(), GENERIC))
)
CATALOG_TABLE_PREFIXES: tuple[str, ...] = tuple(
    dict.fromkeys(p for kind in (*REGISTRY.values(), GENERIC) for p in kind.catalog_table_prefixes)
)
#: Schemas the catalog never lists, on any kind.
HIDDEN_SCHEMAS: frozenset[str] = CATALOG_SCHEMAS.union(
    *(kind.internal_schemas for kind in (*REGISTRY.values(), GENERIC))
)

_BY_BACKEND = {backend: kind for kind in REGISTRY.values() for backend in kind.backends}
_BY_DIALECT = {kind.sqlglot_dialect: kind for kind in REGISTRY.values()}


def get(name: str) -> DatabaseKind:
    """The kind for a connection kind name (`postgresql`, ..., `url`); KeyError otherwise."""
    return GENERIC if name == GENERIC.name else REGISTRY[name]


def for_backend(backend: str) -> DatabaseKind:
    """The kind for a SQLAlchemy backend name (`engine.dialect.name`); GENERIC if none."""
    return _BY_BACKEND.get(backend, GENERIC)


def for_dialect(dialect: str) -> DatabaseKind:
    """The kind for a sqlglot dialect name (what queries are compiled for); GENERIC if none."""
    return _BY_DIALECT.get(dialect, GENERIC)


__all__ = [
    "CATALOG_SCHEMAS",
    "CATALOG_TABLE_PREFIXES",
    "GENERIC",
    "HIDDEN_SCHEMAS",
    "REGISTRY",
    "DatabaseKind",
    "for_backend",
    "for_dialect",
    "get",
]
