"""Schema routing: a tenant's query runs with every base table in the tenant's schema.

A source routed by schema (`plotboard.sources.routing`, mode ``schema``) keeps one catalog and
one set of access rules, defined on the base schema; the final SQL, already compiled, enforced
and checked, gets every base-table reference qualified with the tenant's schema just before it
runs. Why on the syntax tree and not with ``SET search_path`` per connection:

- the compiled SQL names its tables with the catalog's schema (``"public"."sales"``), and a
  qualified name ignores the search path: it would read the base schema's rows;
- a session setting lives on a pooled connection: one checkout that forgot to set it, or an
  error between the SET and the query, serves a tenant's query from the previous tenant's
  schema; it also costs a round trip per query;
- the qualified text works the same on every database with schemas (PostgreSQL, MySQL/MariaDB
  where a schema is a database, DuckDB).

Tables are found with the same scope analysis that enforces access rules
(`plotboard.query.scopes.classify_tables`): base tables get the schema, references to a CTE stay
as they are, and any table reference it cannot account for refuses the query (400), never runs
it unqualified. Only the tables' schema changes, so the rules' filters stay where they were.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from plotboard.errors import PlotboardError
from plotboard.query.context import SourceContext
from plotboard.query.errors import QueryError
from plotboard.query.render import as_sent, render
from plotboard.query.scopes import classify_tables
from plotboard.sources.execute import ExecutionResult, RowSink
from plotboard.sources.pool import SourcePool
from plotboard.sources.routing import SAFE_NAME, TenantTarget, resolve_tenant


def tenant_of(context: SourceContext, attributes: Mapping[str, object]) -> TenantTarget | None:
    """Where a user with `attributes` queries `context`'s source: None when it is not routed.

    Raises:
        PlotboardError: 403 `tenant_unknown` (no rows) when the user has no tenant there.
    """
    return resolve_tenant(context.routing, attributes, context.name)


def cache_scope(context: SourceContext, tenant: TenantTarget | None) -> str:
    """The result-cache scope of a query on `context` for `tenant`: one tenant's answer is
    never another's, even for the same SQL and parameters."""
    return context.cache_scope if tenant is None else f"{context.cache_scope}|{tenant.scope}"


def execute_for(
    pool: SourcePool,
    context: SourceContext,
    tenant: TenantTarget | None,
    sql: str,
    params: Mapping[str, Any],
    *,
    row_cap: int,
    max_bytes: int | None = None,
    for_orjson: bool = False,
    sink: RowSink | None = None,
) -> ExecutionResult:
    """Run checked `sql` on `context`'s source, on the tenant's database or schema if any.
    `for_orjson`, `sink`: see `plotboard.sources.execute.execute`."""
    if tenant is not None and tenant.mode == "schema":
        sql = qualify_tables(sql, context.dialect, tenant.name)
    return pool.execute(
        context.id,
        sql,
        dict(params),
        timeout_s=context.settings.timeout_seconds,
        row_cap=row_cap,
        max_bytes=max_bytes,
        tenant=tenant,
        for_orjson=for_orjson,
        sink=sink,
    )


_MEMO: OrderedDict[tuple[str, str, str], str] = OrderedDict()
_MEMO_MAX = 4096
_lock = threading.Lock()


def _refused() -> PlotboardError:
    return PlotboardError(
        "This query cannot be run on your database: one of its tables could not be placed "
        "in it. Simplify the query, or ask your administrator.",
        "tenant_query_refused",
        400,
    )


def qualify_tables(sql: str, dialect: str, schema: str) -> str:
    """`sql` (as rendered for `sqlalchemy.text()`) with every base table in `schema`.

    Memoized: a tile's SQL is rewritten once per tenant schema.

    Raises:
        PlotboardError: 400 `tenant_query_refused` when a table reference cannot be accounted
            for with certainty.
    """
    key = (sql, dialect, schema)
    hit = _MEMO.get(key)
    if hit is not None:
        return hit
    if SAFE_NAME.fullmatch(schema) is None:
        raise _refused()
    try:
        out = _qualify(sql, dialect, schema)
    except (SqlglotError, QueryError, RecursionError, ValueError):
        raise _refused() from None
    with _lock:
        _MEMO[key] = out
        while len(_MEMO) > _MEMO_MAX:
            _MEMO.popitem(last=False)
    return out


def _qualify(sql: str, dialect: str, schema: str) -> str:
    trees = [t for t in sqlglot.parse(as_sent(sql), read=dialect) if t is not None]
    if len(trees) != 1:
        raise _refused()
    tree = trees[0]
    refs = classify_tables(tree)  # raises QueryError for a reference it cannot account for
    for table in refs.base:
        if not isinstance(table.this, exp.Identifier):
            raise _refused()  # a table function, not a table
        table.set("db", exp.to_identifier(schema, quoted=True))
        table.set("catalog", None)
    return render(tree, dialect, copy=False)
