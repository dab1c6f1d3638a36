"""Liveness for load balancers and for `plotboard demo` to know the server is up."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter

from plotboard import __version__
from plotboard.api.deps import RuntimeDep
from plotboard.errors import PlotboardError

router = APIRouter(tags=["health"])


@router.get("/healthz")
def health(runtime: RuntimeDep) -> dict[str, Any]:
    try:
        with runtime.store.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as err:
        raise PlotboardError(
            "The metadata store is not reachable.", "store_unavailable", 503
        ) from err
    return {"status": "ok", "version": __version__}
