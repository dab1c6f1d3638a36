"""Request ids, the access log and HTTP metrics, in one pure ASGI middleware (no per-request
task or body buffering, so the cached-tile path stays cheap).

Every answer carries `X-Request-ID`: the caller's own when it sent a safe one (letters,
digits, `-_.:`, at most 64 characters; a proxy's or a load balancer's id so log lines can be
joined), otherwise a new one. Error bodies repeat it as `request_id` (see `api.errors`), and
every log line written while the request is handled carries it (see `api.logs`).
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from plotboard.api import metrics

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")

# Set for the task that answers one request (each request runs in its own task, so the value
# never leaks into another request; it is not reset, so the 500 handler, which runs after this
# middleware has seen the exception, still reads it).
_request_id: ContextVar[str | None] = ContextVar("plotboard_request_id", default=None)

access_log = logging.getLogger("plotboard.access")


def current_request_id() -> str | None:
    """The id of the request being answered, or None outside a request."""
    return _request_id.get()


def new_request_id() -> str:
    # 32 random hex digits, as uuid4().hex gave, without building a UUID (4% of a cached
    # tile's event-loop time under load).
    return os.urandom(16).hex()


def accepted_request_id(incoming: str | None) -> str:
    """The caller's id when it is safe to echo and log, else a new one."""
    if incoming and _SAFE_ID.fullmatch(incoming):
        return incoming
    return new_request_id()


def _route_template(scope: Scope) -> str:
    # The router leaves the matched route in the scope; unmatched paths (404s, scanners) are
    # counted together, so a stranger cannot create label values at will.
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


def _printable(text: str) -> str:
    if text.isprintable():
        return text[:500]
    return text.encode("unicode_escape").decode("ascii")[:500]


class ObservabilityMiddleware:
    """Request id, access log line, request count and latency by route template."""

    def __init__(self, app: ASGIApp, access_log_enabled: Callable[[], bool]) -> None:
        self.app = app
        self.access_log_enabled = access_log_enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = accepted_request_id(incoming)
        _request_id.set(request_id)
        header = (b"x-request-id", request_id.encode("ascii"))
        status = 500  # unless an answer starts: an exception ends in the 500 handler
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        metrics.HTTP_IN_PROGRESS.inc()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            metrics.HTTP_IN_PROGRESS.dec()
            elapsed = time.perf_counter() - start
            method = scope["method"]
            route = _route_template(scope)
            metrics.HTTP_REQUESTS.labels(method, route, str(status)).inc()
            metrics.HTTP_LATENCY.labels(method, route).observe(elapsed)
            if self.access_log_enabled():
                # The path without its query string (it may carry a token), control
                # characters escaped (a decoded %0A must not start a forged log line).
                path = _printable(scope["path"])
                access_log.info(
                    "%s %s %d %.1fms",
                    method,
                    path,
                    status,
                    elapsed * 1000,
                    extra={
                        "method": method,
                        "path": path,
                        "route": route,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 1),
                    },
                )
