"""Probes and metrics for load balancers, orchestrators and Prometheus.

- `GET /livez`: the process answers (no I/O); restart it when this fails.
- `GET /readyz`: the metadata store answers, and Redis when one is configured; take the
  server out of the load balancer while this answers 503. Source databases are not checked:
  one customer's warehouse being down must not take every server out of rotation (and a probe
  every few seconds would keep paid warehouses awake); their errors show in `/metrics`.
- `GET /metrics`: Prometheus' text format, for a bearer token (`PLOTBOARD_METRICS_TOKEN`) or,
  without one, for direct (not proxied) requests from this machine only.

What unauthenticated callers see is one word per dependency, never an address or an error
text (those go to the log).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from typing import Any, Literal

import anyio
import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from plotboard import __version__
from plotboard.api import answers, metrics
from plotboard.api.deps import RuntimeDep
from plotboard.api.errors import ErrorResponse
from plotboard.cache import RedisCache
from plotboard.errors import PlotboardError, forbidden, unauthorized
from plotboard.runtime import Runtime

router = APIRouter(tags=["health"])
log = logging.getLogger("plotboard.health")

Check = Literal["ok", "unreachable", "not configured"]


class Liveness(BaseModel):
    status: Literal["ok"]
    version: str


class Readiness(BaseModel):
    status: Literal["ready", "not ready"]
    version: str
    checks: dict[str, Check]


@router.get("/livez", operation_id="livez")
async def livez() -> Liveness:
    """The process is up and serving; says which version."""
    return Liveness(status="ok", version=__version__)


def _store_check(runtime: Runtime) -> Check:
    try:
        with runtime.store.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as err:
        log.warning("readiness: the metadata store is not reachable: %s", err)
        return "unreachable"
    return "ok"


def _cache_check(runtime: Runtime) -> Check:
    if not isinstance(runtime.cache, RedisCache):
        return "not configured"
    if runtime.cache.reachable():
        return "ok"
    log.warning("readiness: Redis (PLOTBOARD_REDIS_URL) does not answer PING")
    return "unreachable"


def readiness(runtime: Runtime) -> Readiness:
    checks: dict[str, Check] = {"store": _store_check(runtime), "cache": _cache_check(runtime)}
    ready = all(c != "unreachable" for c in checks.values())
    return Readiness(status="ready" if ready else "not ready", version=__version__, checks=checks)


@router.get(
    "/readyz",
    operation_id="readyz",
    response_model=Readiness,
    responses={503: {"description": "A dependency is unreachable; `checks` says which."}},
)
async def readyz(runtime: RuntimeDep) -> Any:
    """Ready to serve: the metadata store answers, and Redis when configured."""
    state = await anyio.to_thread.run_sync(readiness, runtime)
    if state.status == "ready":
        return state
    down = [name for name, check in state.checks.items() if check == "unreachable"]
    body = {
        "detail": f"Not ready: {' and '.join(_WHAT[d] for d in down)} not reachable.",
        "code": "not_ready",
        **state.model_dump(),
    }
    return ErrorResponse(body, status_code=503)


_WHAT = {"store": "the metadata store is", "cache": "the shared cache (Redis) is"}


@router.get("/healthz", operation_id="healthz", response_model=answers.Health, deprecated=True)
def health(runtime: RuntimeDep) -> dict[str, Any]:
    """The metadata store answers. Kept for existing probes: use /livez and /readyz."""
    if _store_check(runtime) != "ok":
        raise PlotboardError("The metadata store is not reachable.", "store_unavailable", 503)
    return {"status": "ok", "version": __version__}


def _may_read_metrics(request: Request, runtime: Runtime) -> None:
    token = runtime.settings.metrics_token
    if token:
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            raise unauthorized(
                "GET /metrics needs 'Authorization: Bearer <PLOTBOARD_METRICS_TOKEN>'.",
                "metrics_token_required",
            )
        return
    host = request.client.host if request.client else ""
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    # Through a proxy the address is the one the proxy reports, which a client may have
    # forged; a proxied request needs the token.
    proxied = "x-forwarded-for" in request.headers or "forwarded" in request.headers
    if not local or proxied:
        raise forbidden(
            "GET /metrics answers only requests from this machine. To scrape it from "
            "elsewhere, set PLOTBOARD_METRICS_TOKEN and send it as a bearer token.",
            "metrics_local_only",
        )


@router.get(
    "/metrics",
    operation_id="metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format."}},
)
async def read_metrics(request: Request, runtime: RuntimeDep) -> Response:
    """Counters and histograms in Prometheus' text format."""
    _may_read_metrics(request, runtime)
    body, content_type = await anyio.to_thread.run_sync(metrics.exposition, runtime.store.engine)
    return Response(body, media_type=content_type)
