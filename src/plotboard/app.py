"""The ASGI application: `create_app()` wires settings, store, middleware and routes."""

from __future__ import annotations

import asyncio
import gc
import signal
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from types import FrameType

from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute, Route

from plotboard import __version__
from plotboard.analyze import start_worker
from plotboard.api import metrics
from plotboard.api.cors import EmbedCORSMiddleware
from plotboard.api.errors import install_error_handlers
from plotboard.api.fast_path import CachedTileFastPath, query_route
from plotboard.api.lazy_routes import LazyRoutes
from plotboard.api.logs import settle_logging
from plotboard.api.mcp import PATH as MCP_PATH
from plotboard.api.mcp import McpEndpoint
from plotboard.api.nul import RefuseNulMiddleware
from plotboard.api.observability import ObservabilityMiddleware
from plotboard.api.openapi import install_openapi
from plotboard.api.routes import (
    embed_ai,
    embed_assets,
    embed_geo,
    embed_query,
    health,
    tokens,
)
from plotboard.config import Settings
from plotboard.memory import settle_malloc
from plotboard.runtime import Runtime
from plotboard.store.queue import Worker


def _settle_garbage_collector() -> None:
    """Keep the collector off what lives as long as the server.

    The code, the settings, the catalog models and the compiled routes (some 200,000 objects)
    are made once, at start. Left where they are, every full collection walks them all again,
    and a large answer (100,000 rows are 100,000 new lists) sets off several: 260 ms of a
    100,000-row answer went to that (bench/bench_sides.py). Frozen, they are never walked; a
    larger first generation also spaces out the young collections while rows are built.
    Objects that are still garbage are collected first, so nothing dead is frozen.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, *gc.get_threshold()[1:])
    settle_malloc()


def server_app() -> FastAPI:
    """`create_app` for a server process of its own (`plotboard serve`'s uvicorn factory): the
    garbage collector is settled once the app has started (see `_settle_garbage_collector`)."""
    return create_app(settle_gc=True)


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    settle_gc: bool = False,
    fast_path: bool | None = None,
) -> FastAPI:
    """Build the app. The runtime (store, caches) is created here unless one is given.

    Used as uvicorn's factory by `plotboard serve`, which migrates (or not) before; the app
    itself never changes the schema, it refuses to start when the schema is behind.
    `settle_gc`: for a process that serves only this app (it changes the collector for the
    whole process). `fast_path`: the query fast path (cached tiles, and uncached ones) on or
    off whatever the settings say (for apps sharing one runtime, as the tests that compare
    both paths do).
    """
    # The app closes (and stops the queries of) only a runtime it made: a runtime handed in
    # belongs to the caller, who may serve it through several apps in turn.
    owned = runtime is None
    runtime = runtime or Runtime(settings or Settings(), run_migrations=False)
    mcp = McpEndpoint(runtime)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Queued jobs run here too unless jobs_in_web is off (then `plotboard worker` runs them).
        worker = start_worker(runtime) if runtime.settings.jobs_in_web else None
        # The pools' connections in /metrics (source engines are made on first use).
        metrics.watch_pool("store", runtime.store.engine)
        runtime.pool.watch_engines(metrics.watch_pool)
        restore = _stop_queries_on_signals(runtime, worker)
        if settle_gc:
            _settle_garbage_collector()
            settle_logging()
        try:
            async with mcp.lifespan():
                yield
        finally:
            restore()
            if worker is not None:  # its running jobs go back to the queue, for the next one
                await asyncio.to_thread(worker.stop)
            if owned:
                runtime.close()  # stops queries still running, then closes pools

    app = FastAPI(
        title="plotboard",
        version=__version__,
        description="Embedded, self-service analytics with row-level security.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.runtime = runtime
    install_error_handlers(app)
    install_openapi(app)
    # Innermost: cached tiles answered from memory, inside the NUL check, CORS and the request
    # id/log/metrics, as the route is. The route it stands in for is looked up once the routes
    # are all in (below).
    fast_route: list[BaseRoute | None] = []
    app.add_middleware(
        CachedTileFastPath,
        runtime=lambda: runtime,
        route=lambda: fast_route[0] if fast_route else None,
        enabled=lambda: (
            runtime.settings.cached_tile_fast_path if fast_path is None else fast_path
        ),
        run_queries=lambda: runtime.settings.query_fast_path if fast_path is None else fast_path,
    )
    # A NUL character is refused before any route reads the store (its 422 still gets the
    # CORS headers and the request id), and so is a body over the size limit (413).
    app.add_middleware(
        RefuseNulMiddleware,
        max_bytes=lambda: max(
            runtime.settings.max_request_bytes, runtime.settings.max_dashboard_bytes + 65_536
        ),
    )
    app.add_middleware(EmbedCORSMiddleware, runtime=lambda: runtime)
    # Outermost: the request id, the access log and the request metrics see every answer.
    app.add_middleware(
        ObservabilityMiddleware, access_log_enabled=lambda: runtime.settings.access_log
    )
    for module in (health, tokens):
        app.include_router(module.router)
    # The embed dashboards and the admin API, imported on the first request under their prefix
    # (the OpenAPI document loads them too), in the order they were included.
    app.router.routes.append(
        LazyRoutes(DASHBOARDS_PREFIX, lambda: _dashboards_routes(app), documented=True)
    )
    for module in (embed_query, embed_ai):
        app.include_router(module.router)
    app.router.routes.append(
        LazyRoutes(ADMIN_API_PREFIX, lambda: _admin_api_routes(app), documented=True)
    )
    # The admin console's pages (under /admin), imported on the first request there.
    app.router.routes.append(LazyRoutes(CONSOLE_PREFIX, lambda: _console_routes(app)))
    for module in (embed_assets, embed_geo):
        app.include_router(module.router)
    # The MCP server for the host's AI agents (plotboard.api.mcp), embed token as bearer.
    app.router.routes.append(Route(MCP_PATH, mcp, methods=["GET", "POST", "DELETE"]))
    if runtime.settings.demo_mode:
        from plotboard.demo import routes as demo_routes

        app.include_router(demo_routes.router)
    fast_route.append(query_route(app.router.routes))
    return app


CONSOLE_PREFIX = "/admin"
ADMIN_API_PREFIX = "/api/v1/admin"
DASHBOARDS_PREFIX = "/api/v1/embed/dashboards"


def _included(app: FastAPI, prefix: str, routers: Sequence[APIRouter]) -> list[BaseRoute]:
    """`routers`' routes as `app.include_router` makes them (the app's dependency overrides
    apply), in their order; each must be under `prefix`."""
    holder = APIRouter(dependency_overrides_provider=app)
    for router in routers:
        if not router.prefix.startswith(prefix):  # pragma: no cover - a moved router
            raise RuntimeError(f"{router.prefix} is not under {prefix}")
        holder.include_router(router)
    return list(holder.routes)


def _dashboards_routes(app: FastAPI) -> list[BaseRoute]:
    """The embed dashboards' routes (`plotboard.api.routes.dashboards`). A server that only
    answers tiles never loads them, nor the dashboards' store and models (~1.3 MiB;
    docs/benchmarks.md, "Memory")."""
    from plotboard.api.routes import dashboards

    return _included(app, DASHBOARDS_PREFIX, [dashboards.router])


def _admin_api_routes(app: FastAPI) -> list[BaseRoute]:
    """The admin API's routes. A server that only answers embed requests never loads them, the
    admin services and starters they call, nor the FastAPI models of their bodies and answers
    (~1.5 MiB; docs/benchmarks.md, "Memory")."""
    from plotboard.api.routes import (
        admin_ai,
        admin_analyze,
        admin_session,
        admin_setup,
        admin_sources,
        admin_starters,
    )

    modules = (admin_session, admin_ai, admin_setup, admin_sources, admin_starters, admin_analyze)
    return _included(app, ADMIN_API_PREFIX, [m.router for m in modules])


def _console_routes(app: FastAPI) -> list[BaseRoute]:
    """The admin console's routes (`plotboard.console.routes`) as `app.include_router` makes
    them (the app's dependency overrides apply)."""
    from plotboard.console import routes as console
    from plotboard.console.web import BASE

    if BASE != CONSOLE_PREFIX:  # pragma: no cover - a moved console must move this too
        raise RuntimeError(f"the console is at {BASE}, not {CONSOLE_PREFIX}")
    holder = APIRouter(dependency_overrides_provider=app)
    holder.include_router(console.router)
    return list(holder.routes)


def _stop_queries_on_signals(runtime: Runtime, worker: Worker | None) -> Callable[[], None]:
    """On SIGTERM/SIGINT, interrupt the queries that are running, then let the server's own
    handler run (uvicorn's: stop accepting, wait for open requests, end the lifespan).

    Without this, uvicorn waits for every open request before the lifespan ends, so a
    query would keep a core busy until its time limit. Returns a function that puts the
    previous handlers back. Does nothing outside the main thread (signals are delivered there
    only), e.g. under a test client.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous: dict[int, object] = {}

    def handle(signum: int, frame: FrameType | None) -> None:
        if worker is not None:  # first: a job whose query is interrupted is released, not failed
            worker.request_stop()
        # A PostgreSQL cancel opens a connection: not in a signal handler.
        threading.Thread(
            target=runtime.pool.stop_queries, name="plotboard-stop-queries", daemon=True
        ).start()
        before = previous.get(signum)
        if callable(before):
            before(signum, frame)
        elif before is signal.SIG_DFL:  # what would have happened without this handler
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.getsignal(signum)
        signal.signal(signum, handle)

    def restore() -> None:
        for signum, before in previous.items():
            if signal.getsignal(signum) is handle and before is not None:
                signal.signal(signum, before)  # type: ignore[arg-type]

    return restore
