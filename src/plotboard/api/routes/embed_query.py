"""What an end user may query, and the query endpoint every tile calls."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Response
from starlette.background import BackgroundTask

from plotboard.api import answers, metrics
from plotboard.api.deps import EmbedUser, RuntimeDep, query_user
from plotboard.api.usage import QueryLimit
from plotboard.auth.embed_tokens import EmbedToken
from plotboard.errors import PlotboardError
from plotboard.memory import RELEASE_AFTER_BYTES, release_after
from plotboard.query.run import (
    QueryAnswer,
    QueryRequest,
    describe_catalog,
    run_query,
    with_cache_flag,
)
from plotboard.runtime import Runtime
from plotboard.sources.store import list_sources

router = APIRouter(prefix="/api/v1/embed", tags=["query"])


@router.get("/catalog", operation_id="embed_catalog", response_model=answers.EmbedCatalog)
async def read_catalog(user: EmbedUser, runtime: RuntimeDep) -> dict[str, Any]:
    """The tables and columns this user may query, with display names and descriptions."""

    def load() -> list[Any]:
        with runtime.store.session() as session:
            ids = [row.id for row in list_sources(session, user.org_id, end_user=True)]
        return [describe_catalog(runtime.source_context(user.org_id, i)) for i in ids]

    return {"sources": await anyio.to_thread.run_sync(load)}


@router.post(
    "/query",
    operation_id="embed_query",
    response_model=answers.QueryResult,
    dependencies=[QueryLimit],
)
async def query(body: QueryRequest, user: EmbedUser, runtime: RuntimeDep) -> Response:
    """Run a query spec (or SQL, when the token permits) under the user's access rules."""
    return await respond(runtime, user, body)


async def respond(runtime: Runtime, user: EmbedToken, body: QueryRequest) -> Response:
    """The route's work once the token, the usage limit and the body are checked (the route's
    and the query fast path's, `plotboard.api.fast_path`, so both run, count and fail alike):
    a refused or failed query raises its PlotboardError, counted, for the app's handler."""
    try:
        answer = await run_query(runtime.queries, query_user(user), body)
    except PlotboardError as err:
        # Labelled by a source id only when it is a connected one: any text may come in.
        source = body.source if body.source and body.source in runtime.pool else "unresolved"
        metrics.QUERIES.labels(source, err.code).inc()
        raise
    return answered(answer, body)


def answered(answer: QueryAnswer, body: QueryRequest) -> Response:
    """The response to `body`'s answer, counted in the metrics (the route's and the cached-tile
    fast path's, `plotboard.api.fast_path`, so both answer and count alike)."""
    if answer.cache_hit:
        metrics.CACHE.labels("hit").inc()
        metrics.QUERIES.labels(answer.source_id, "cache_hit").inc()
    else:
        if not body.refresh:
            metrics.CACHE.labels("miss").inc()
        metrics.QUERIES.labels(answer.source_id, "ran").inc()
        if answer.run_seconds is not None:
            metrics.QUERY_LATENCY.labels(answer.source_id).observe(answer.run_seconds)
    size = len(answer.body)
    return Response(
        with_cache_flag(answer.body, answer.cache_hit),
        media_type="application/json",
        headers={
            # One user's rows: never kept by a shared cache (a proxy) nor on disk.
            "Cache-Control": "private, no-store",
            "X-Plotboard-Cache": "hit" if answer.cache_hit else "miss",
        },
        # A large answer just built: the C heaps' free pages go back to the system once it is
        # sent, in a worker thread. The query's own trim (`run_query`) comes before the
        # response's copy of the body and the send's buffers are freed, and a trim now
        # returned 4-8 MiB more after the load test (docs/benchmarks.md, "Memory").
        background=(
            BackgroundTask(release_after, size)
            if not answer.cache_hit and size >= RELEASE_AFTER_BYTES
            else None
        ),
    )
