"""The ASGI application: `create_app()` wires settings, store, middleware and routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from plotboard import __version__
from plotboard.api.cors import EmbedCORSMiddleware
from plotboard.api.errors import install_error_handlers
from plotboard.api.routes import (
    admin_ai,
    admin_analyze,
    admin_session,
    admin_setup,
    admin_sources,
    console,
    dashboards,
    embed_ai,
    embed_assets,
    embed_geo,
    embed_query,
    health,
    tokens,
)
from plotboard.config import Settings
from plotboard.runtime import Runtime


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    """Build the app. The runtime (store, caches) is created here unless one is given.

    Used as uvicorn's factory by `plotboard serve`, which migrates (or not) before; the app
    itself never changes the schema, it refuses to start when the schema is behind.
    """
    runtime = runtime or Runtime(settings or Settings(), run_migrations=False)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        runtime.close()

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
    app.add_middleware(EmbedCORSMiddleware, runtime=lambda: runtime)
    for module in (
        health,
        tokens,
        dashboards,
        embed_query,
        embed_ai,
        admin_session,
        admin_ai,
        admin_setup,
        admin_sources,
        admin_analyze,
        console,
        embed_assets,
        embed_geo,
    ):
        app.include_router(module.router)
    if runtime.settings.demo_mode:
        from plotboard.demo import routes as demo_routes

        app.include_router(demo_routes.router)
    return app
