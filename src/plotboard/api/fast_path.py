"""Cached tiles answered below FastAPI's dependency system (issue 16, goal 3).

A tile whose answer is cached costs little to find (dict lookups) but much to serve through
FastAPI: solving the dependency tree (token, usage limits, runtime), validating the body
through the route's field, the exit stacks, the router. This pure ASGI middleware sits just
inside the CORS and observability middlewares (so the request id, the access log, the HTTP
metrics and the CORS headers are the same) and answers `POST /api/v1/embed/query` itself
only when the whole answer is known from memory and is a cache hit, through the same
functions the route uses, in the same order:

- the token: `deps.embed_user_in_memory` (the verified-token cache, the key's liveness as of
  the store's generation, the authorized origins) — what `deps.embed_user` checks;
- the body: parsed as FastAPI does (`json.loads`, then `QueryRequest`);
- the answer: `query.run.cached_answer`, `run_query`'s own steps (source context as of the
  store's generation, tenant, permission, memoized checked SQL under the user's access rules,
  the result cache's key);
- then the usage limits: `api.usage.enter_slot`/`leave_slot`, the route's slot (counted, its
  slots held until the answer is sent; a limit reached is the route's 429, written by the
  app's own handler, `api.errors.error_response`);
- the response and its metrics: `routes.embed_query.answered`, as the route.

Anything else — another method or path, a root path, a body that is not `application/json`,
larger than `MAX_BODY` or sent in an unusual way, any check that is not decided in memory, any
error, any miss — goes to the normal route with the body replayed untouched, which then gives
its own answer or error. Apart from a usage limit's 429 the fast path never answers an error
itself, so every refusal (bad or expired token, revoked key, wrong origin, malformed or
oversized body, ...) is the route's, byte for byte. `PLOTBOARD_CACHED_TILE_FAST_PATH=false`
turns it off.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import anyio
from starlette.requests import Request
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from plotboard.api import metrics
from plotboard.api.deps import embed_user_in_memory, query_user
from plotboard.api.errors import error_response
from plotboard.api.routes import embed_query
from plotboard.api.usage import enter_slot, leave_slot
from plotboard.auth.embed_tokens import EmbedToken
from plotboard.errors import PlotboardError
from plotboard.query.run import QueryAnswer, QueryRequest, cached_answer
from plotboard.runtime import Runtime

PATH = "/api/v1/embed/query"
#: Larger bodies take the route (a tile's spec is a few hundred bytes).
MAX_BODY = 16 * 1024


def query_route(routes: Iterable[BaseRoute]) -> BaseRoute | None:
    """The route the router picks for `POST /api/v1/embed/query` (the first full match, in
    order, included routers' routes in their place) when it is the embed query route with no
    body size limit below MAX_BODY; else None, and the fast path answers nothing."""
    for route, max_body_size in _flat(routes):
        probe: Scope = {"type": "http", "method": "POST", "path": PATH, "root_path": ""}
        match, child = route.matches({**probe, "headers": []})
        if match is not Match.FULL:
            continue
        if child.get("endpoint") is not embed_query.query:
            return None
        if max_body_size is not None and max_body_size < MAX_BODY:
            return None
        return route
    return None


def _flat(routes: Iterable[BaseRoute]) -> Iterator[tuple[BaseRoute, int | None]]:
    # FastAPI 0.16x keeps an included router as one route of the app's list; its routes, in
    # order, are its "effective route contexts", each with the body size limit it applies.
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is None:
            yield route, None
            continue
        for context in contexts():
            inner = getattr(context, "starlette_route", None) or context.original_route
            yield inner, getattr(context, "max_body_size", None)


class CachedTileFastPath:
    def __init__(
        self,
        app: ASGIApp,
        runtime: Callable[[], Runtime],
        route: Callable[[], BaseRoute | None],
        enabled: Callable[[], bool],
    ) -> None:
        self.app = app
        self.runtime = runtime
        self.route = route
        self.enabled = enabled
        self._reading: asyncio.Task[int] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != PATH
            or scope["method"] != "POST"
            or scope.get("root_path")
            or not self.enabled()
            or not _plain_json(scope)
        ):
            await self.app(scope, receive, send)
            return
        received: list[Message] = []
        body = await _read_body(receive, received)
        replay = _replaying(received, receive)
        route = self.route()
        runtime = self.runtime()
        found = None
        if body is not None and route is not None and await self._generation_known(runtime):
            try:
                found = _cached(runtime, scope, body)
            except Exception:  # any doubt: the route answers, with its own error if any
                found = None
        if found is None:
            await self.app(scope, replay, send)
            return
        user, request, answer = found
        try:
            # The route's usage-limit slot: counted (and its slots held until the answer is
            # sent) whenever the organization sets a limit on queries, as for any query.
            ticket = await enter_slot(runtime, "query", user.org_id, user.user_id)
        except PlotboardError as err:  # a limit reached: the route's 429, from its handler
            scope["route"] = route
            metrics.FAST_PATH.inc()
            await error_response(Request(scope), err)(scope, replay, send)
            return
        except Exception:  # the limits' store failed: the route tries, and says what failed
            await self.app(scope, replay, send)
            return
        try:
            scope["route"] = route  # as the router leaves it: the HTTP metrics' route label
            metrics.FAST_PATH.inc()
            await embed_query.answered(answer, request)(scope, replay, send)
        finally:
            await leave_slot(runtime, ticket)

    async def _generation_known(self, runtime: Runtime) -> bool:
        """Whether the store's generation in memory is current (what every in-memory check
        is read as of), after reading it again when it is due, as the route's first check
        would (`TokenVerifier.verify`, in a thread). One read at a time per event loop: the
        requests that arrive meanwhile wait for it instead of each taking the route."""
        if runtime.changes.peek() is not None:
            return True
        loop = asyncio.get_running_loop()
        reading = self._reading
        if reading is None or reading.done() or reading.get_loop() is not loop:
            reading = self._reading = loop.create_task(
                anyio.to_thread.run_sync(runtime.changes.current)
            )
        try:
            await asyncio.shield(reading)
        except Exception:  # the store could not be read: the route says so
            return False
        return runtime.changes.peek() is not None


def _cached(
    runtime: Runtime, scope: Scope, body: bytes
) -> tuple[EmbedToken, QueryRequest, QueryAnswer] | None:
    """Who asks, what, and the cached answer, when all is known from memory; else None.
    No side effects: nothing is counted or changed here."""
    parsed: Any = json.loads(body)  # what FastAPI's request.json() does
    if not isinstance(parsed, dict) or parsed.get("refresh") is True:
        # A refresh is never a cache hit (`cached_answer`): the route runs it, so the token
        # check and the body's validation are not done twice for every uncached tile.
        return None
    user = embed_user_in_memory(Request(scope), runtime)
    if user is None:
        return None
    request = QueryRequest.model_validate(parsed)
    answer = cached_answer(runtime.queries, query_user(user), request)
    if answer is None:
        return None
    return user, request, answer


def _plain_json(scope: Scope) -> bool:
    """Exactly one Content-Type, `application/json`, and at most one Content-Length, small
    enough: anything else goes to the route as it is."""
    content_type = 0
    length = 0
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type += 1
            if value != b"application/json":
                return False
        elif name == b"content-length":
            length += 1
            if not value.isdigit() or int(value) > MAX_BODY:
                return False
        elif name == b"transfer-encoding":
            return False
    return content_type == 1 and length <= 1


async def _read_body(receive: Receive, received: list[Message]) -> bytes | None:
    """The request's body, every message kept in `received` for the route; None when it is
    larger than MAX_BODY or the client went away (the route then reads the rest itself)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        received.append(message)
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(received: list[Message], receive: Receive) -> Receive:
    """`receive` as it was before the fast path read from it: the messages it took first."""
    pending = list(received)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
