"""CORS for the embed API and the editor's script: only for authorized origins.

The editor always runs on the host app's origin, so every call it makes is cross-origin. A
preflight carries no token, so it is answered for any origin that some organization
authorized; the request itself is then checked against the token's own organization (see
`deps.embed_user`). An origin nobody authorized gets a 403 that says what to do.

Two things are open to every origin, with `Access-Control-Allow-Origin: *`, because they carry
no data: the editor's script (`/embed/...`, public code), and the origin check
(`/api/v1/embed/origin-check`). A page whose origin is not authorized yet can so load the
editor, which asks the check why its calls fail (the browser hides a refused answer from it)
and tells the developer to authorize the origin, instead of failing blank.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import anyio
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from plotboard.api.observability import current_request_id
from plotboard.auth.origins import normalize_origin
from plotboard.errors import PlotboardError
from plotboard.runtime import Runtime

_EMBED_PREFIXES = ("/api/v1/embed/", "/embed/")
_SERVER_ONLY = ("/api/v1/embed/tokens",)  # API-key endpoints: never called from a browser
_OPEN = ("/embed/", "/api/v1/embed/origin-check")  # no data: any origin may read them
ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
ALLOW_HEADERS = "Authorization, Content-Type"
EXPOSE_HEADERS = "Content-Disposition, X-Plotboard-Cache"


def _is_embed(path: str) -> bool:
    return path.startswith(_EMBED_PREFIXES) and not path.startswith(_SERVER_ONLY)


class EmbedCORSMiddleware:
    def __init__(self, app: ASGIApp, runtime: Callable[[], Runtime]) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_embed(scope["path"]):
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(_OPEN):
            await self._open(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        runtime = self.runtime()
        if origin is None or origin == self._own_origin(scope, headers, runtime):
            await self.app(scope, receive, send)
            return
        preflight = scope["method"] == "OPTIONS" and "access-control-request-method" in headers
        if runtime.origins.stale():  # reading the store is kept off the event loop
            await anyio.to_thread.run_sync(runtime.origins.refresh)
        if not runtime.origins.is_known(origin):
            await self._refuse(origin, send)
            return
        if preflight:
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [
                        (b"access-control-allow-origin", origin.encode("latin-1")),
                        (b"access-control-allow-methods", ALLOW_METHODS.encode()),
                        (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
                        (b"access-control-max-age", b"600"),
                        (b"vary", b"Origin"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out["Access-Control-Allow-Origin"] = origin
                out["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
                out.add_vary_header("Origin")
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _open(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A resource without data, readable from any page (no credentials involved)."""

        async def send_open(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Access-Control-Allow-Origin"] = "*"
            await send(message)

        await self.app(scope, receive, send_open)

    @staticmethod
    def _own_origin(scope: Scope, headers: Headers, runtime: Runtime) -> str:
        try:
            if runtime.settings.public_url:
                return normalize_origin(runtime.settings.public_url)
            return normalize_origin(f"{scope.get('scheme', 'http')}://{headers.get('host', '')}")
        except PlotboardError:
            return ""

    @staticmethod
    async def _refuse(origin: str, send: Send) -> None:
        body = json.dumps(
            {
                "detail": f"The origin {origin} is not authorized to embed plotboard. An admin "
                "can add it under Authorized origins.",
                "code": "origin_not_authorized",
                "request_id": current_request_id(),
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"vary", b"Origin"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
