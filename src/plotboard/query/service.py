"""Running one embed query: spec or SQL → access rules → checked SQL → cache or database.

The request path of every tile: verify token (done by the route) → compile the spec, or
validate the SQL → enforce the user's access rules on the syntax tree → check → result cache
keyed by the final SQL and parameters → execute with timeout and row cap → JSON bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import anyio
import orjson
from pydantic import BaseModel, ConfigDict, Field, model_validator

from plotboard.auth.embed_tokens import EmbedToken
from plotboard.cache import cache_key
from plotboard.errors import PlotboardError, forbidden
from plotboard.query.compile import describe_result
from plotboard.query.context import SourceContext
from plotboard.query.errors import QueryError
from plotboard.query.prepare import PreparedQuery, prepare_query, prepare_sql
from plotboard.query.spec import parse_spec
from plotboard.runtime import Runtime
from plotboard.sources.execute import ExecutionResult

MAX_SQL = 20_000


class QueryRequest(BaseModel):
    """`{"source": id?, "query": spec}` or `{"source": id?, "sql": "SELECT ..."}`."""

    model_config = ConfigDict(extra="forbid")
    source: str | None = Field(default=None, max_length=64)
    query: dict[str, Any] | None = None
    sql: str | None = Field(default=None, min_length=1, max_length=MAX_SQL)
    refresh: bool = False  # run on the database even when the result cache has an answer

    @model_validator(mode="after")
    def _one_of(self) -> QueryRequest:
        if (self.query is None) == (self.sql is None):
            raise ValueError("send either 'query' (a query spec) or 'sql', not both or neither")
        return self


@dataclass(frozen=True)
class QueryAnswer:
    body: bytes
    cache_hit: bool


def query_error(err: QueryError) -> PlotboardError:
    """A QueryError as an HTTP error: 400 for refused SQL, 403 for a failed access check,
    422 for a spec that does not fit the catalog."""
    status = (
        403 if err.code == "access_check_failed" else 400 if err.code.startswith("sql") else 422
    )
    field = err.field or ("sql" if err.code.startswith("sql") else "query")
    from plotboard.errors import FieldError

    return PlotboardError(err.message, err.code, status, [FieldError(field, err.message)])


def prepare(context: SourceContext, user: EmbedToken, request: QueryRequest) -> PreparedQuery:
    try:
        if request.sql is not None:
            if not user.permissions.sql:
                raise forbidden(
                    "This embed token may not run SQL; the host app can allow it with "
                    "permissions.sql = true.",
                    "sql_not_permitted",
                )
            return prepare_sql(
                request.sql,
                context.catalog,
                context.rules,
                user.attributes,
                row_cap=context.settings.row_cap,
            )
        spec = parse_spec(request.query)
        return prepare_query(
            spec,
            context.catalog,
            context.rules,
            user.attributes,
            row_cap=context.settings.row_cap,
            mark_hidden=True,
        )
    except QueryError as err:
        raise query_error(err) from err


def _encode(prepared: PreparedQuery, result: ExecutionResult, context: SourceContext) -> bytes:
    rows = result.rows
    if prepared.columns:
        # Marker columns become "null_means" on the column they describe (hidden rows).
        columns, rows = describe_result(prepared.columns, rows)
    else:
        columns = [{"name": name, "type": kind} for name, kind in result.columns]
    booleans = [i for i, c in enumerate(columns) if c["type"] == "boolean"]
    if booleans:  # SQLite and MySQL answer booleans as 0/1
        rows = [
            [bool(v) if i in booleans and isinstance(v, int) else v for i, v in enumerate(row)]
            for row in rows
        ]
    return orjson.dumps(
        {
            "columns": columns,
            "rows": rows,
            "row_count": len(rows),
            "truncated": result.truncated,
            "row_cap": context.settings.row_cap,
            "sql": prepared.sql,
            "security_filters": list(prepared.applied),
            "source": context.id,
            "elapsed_ms": round(result.elapsed_ms, 2),
        }
    )


async def run_query(runtime: Runtime, user: EmbedToken, request: QueryRequest) -> QueryAnswer:
    context = await _context(runtime, user.org_id, request.source)
    prepared = prepare(context, user, request)
    key = cache_key(context.cache_scope, prepared.sql, dict(prepared.params))
    hit = None if request.refresh else runtime.cache.get(key)
    if hit is not None:
        return QueryAnswer(hit, True)
    result = await anyio.to_thread.run_sync(
        lambda: runtime.pool.execute(
            context.id,
            prepared.sql,
            dict(prepared.params),
            timeout_s=context.settings.timeout_seconds,
            row_cap=context.settings.row_cap,
        )
    )
    body = _encode(prepared, result, context)
    runtime.cache.set(key, body, context.settings.cache_ttl_seconds)
    return QueryAnswer(body, False)


async def _context(runtime: Runtime, org_id: str, source_id: str | None) -> SourceContext:
    # Usually in memory; loading it reads the store, which is done off the event loop.
    context = runtime.cached_context(org_id, source_id)
    if context is not None:
        return context
    return await anyio.to_thread.run_sync(runtime.source_context, org_id, source_id)


def with_cache_flag(body: bytes, hit: bool) -> bytes:
    """The answer with `"cache": "hit"|"miss"` added, without decoding it again."""
    return body[:-1] + (b',"cache":"hit"}' if hit else b',"cache":"miss"}')


def describe_catalog(context: SourceContext) -> Mapping[str, Any]:
    """What an end user may query on one source: visible tables and columns only."""
    tables = []
    for table in context.catalog.visible_tables():
        tables.append(
            {
                "name": table.name,
                "schema": table.schema,
                "display_name": table.display_name,
                "description": table.description,
                "columns": [
                    {
                        "name": c.name,
                        "type": c.type,
                        "display_name": c.display_name,
                        "description": c.description,
                        "semantic_type": c.semantic_type,
                    }
                    for c in table.columns
                    if not c.hidden
                ],
                "relations": [
                    {
                        "columns": list(fk.columns),
                        "ref_table": fk.ref_table,
                        "ref_columns": list(fk.ref_columns),
                    }
                    for fk in table.foreign_keys
                    if (ref := context.catalog.table(fk.ref_table, fk.ref_schema)) is not None
                    and not ref.hidden
                    and all(
                        (col := table.column(name)) is not None and not col.hidden
                        for name in fk.columns
                    )
                ],
            }
        )
    return {"id": context.id, "name": context.name, "dialect": context.dialect, "tables": tables}
