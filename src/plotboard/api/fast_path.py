"""Tile queries answered below FastAPI's dependency system (issue 16, goals 3 and 1).

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

A miss, or a refresh, with the token decided in memory and a valid body (the query fast
path, `PLOTBOARD_QUERY_FAST_PATH`) is run here too, as the route runs it once those two are
checked: the usage-limit slot (`enter_slot`, held until the answer is sent), then
`routes.embed_query.respond`, the route's own body (`run_query`: context, tenant, permission,
the access rules in the checked SQL, cache, the source's time limit, row and byte caps, the
cache write; then the metrics and the response), every exception going through the app's
exception handlers by Starlette's own wrapper of a route (`wrap_app_handling_exceptions`, with
the handlers of the ExceptionMiddleware just inside), and those no handler takes on out to the
server-error handler, as from the route. So a refused or failed query (422, 403, 404, 429,
400 for the byte cap, 504 for the time limit, a source's error in plain words, 500 with an
incident number) is the route's answer. Once the slot is taken nothing falls back to the
route (the query may have run, its usage is counted).

Anything else — another method or path, a root path, a body that is not `application/json`,
larger than `MAX_BODY` or sent in an unusual way, a token not decided in memory, a body that
does not validate, a cached hit whose check raises, a layer inside that is not Starlette's
ExceptionMiddleware, FastAPI's own telemetry on, dependency overrides in the app — goes to
the normal route with the body replayed untouched, which then gives its own answer or error:
every refusal of the token or the body (bad or expired token, revoked key, wrong origin,
malformed or oversized body, ...) is the route's, byte for byte. A query route with a
dependency of any other kind (its include's, the app's) is never stood in for (`query_route`).
`PLOTBOARD_CACHED_TILE_FAST_PATH=false` turns both off, `PLOTBOARD_QUERY_FAST_PATH=false` the
uncached part only.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import anyio
from starlette._exception_handler import (
    ExceptionHandlers,
    StatusHandlers,
    wrap_app_handling_exceptions,
)
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from plotboard.api import metrics
from plotboard.api.deps import embed_user, embed_user_in_memory, get_runtime, query_user
from plotboard.api.errors import error_response
from plotboard.api.routes import embed_query
from plotboard.api.usage import QueryLimit, enter_slot, leave_slot
from plotboard.auth.embed_tokens import EmbedToken
from plotboard.errors import PlotboardError
from plotboard.query.run import QueryRequest, cached_answer
from plotboard.runtime import Runtime

PATH = "/api/v1/embed/query"
#: Larger bodies take the route (a tile's spec is a few hundred bytes).
MAX_BODY = 16 * 1024


def query_route(routes: Iterable[BaseRoute]) -> BaseRoute | None:
    """The route the router picks for `POST /api/v1/embed/query` (the first full match, in
    order, included routers' routes in their place) when it is the embed query route with no
    body size limit below MAX_BODY and no dependency but its own (`ROUTE_CHECKS`: the token,
    the usage-limit slot, the runtime); else None, and the fast path answers nothing. A check
    added around the route (an include's or the app's dependencies) is one the fast path would
    skip: the route then answers every request."""
    for route, max_body_size, dependant in _flat(routes):
        probe: Scope = {"type": "http", "method": "POST", "path": PATH, "root_path": ""}
        match, child = route.matches({**probe, "headers": []})
        if match is not Match.FULL:
            continue
        if child.get("endpoint") is not embed_query.query:
            return None
        if max_body_size is not None and max_body_size < MAX_BODY:
            return None
        dependant = dependant or getattr(route, "dependant", None)
        if dependant is None or not _calls(dependant) <= ROUTE_CHECKS:
            return None
        return route
    return None


#: What the route's dependencies call: the checks the fast path makes itself, the same way
#: (`embed_user_in_memory` for `embed_user`, `enter_slot`/`leave_slot` for the slot).
ROUTE_CHECKS: frozenset[Any] = frozenset({embed_user, get_runtime, QueryLimit.dependency})


def _calls(dependant: Any) -> set[Any]:
    """Every function `dependant`'s dependencies call, theirs included."""
    found: set[Any] = set()
    for sub in getattr(dependant, "dependencies", None) or ():
        found.add(getattr(sub, "call", None))
        found |= _calls(sub)
    return found


def _flat(routes: Iterable[BaseRoute]) -> Iterator[tuple[BaseRoute, int | None, Any]]:
    # FastAPI 0.16x keeps an included router as one route of the app's list; its routes, in
    # order, are its "effective route contexts", each with the body size limit it applies and
    # its dependencies (the include's and the app's with the route's own).
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is None:
            yield route, None, None
            continue
        for context in contexts():
            inner = getattr(context, "starlette_route", None) or context.original_route
            yield (
                inner,
                getattr(context, "max_body_size", None),
                getattr(context, "dependant", None),
            )


class CachedTileFastPath:
    def __init__(
        self,
        app: ASGIApp,
        runtime: Callable[[], Runtime],
        route: Callable[[], BaseRoute | None],
        enabled: Callable[[], bool],
        run_queries: Callable[[], bool] = lambda: False,
    ) -> None:
        self.app = app
        self.runtime = runtime
        self.route = route
        self.enabled = enabled
        self.run_queries = run_queries
        self._reading: asyncio.Task[int] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != PATH
            or scope["method"] != "POST"
            or scope.get("root_path")
            or not self.enabled()
            or not _plain_json(scope)
            # The app's dependency overrides replace what the route checks: the route runs.
            or getattr(scope.get("app"), "dependency_overrides", None)
        ):
            await self.app(scope, receive, send)
            return
        received: list[Message] = []
        body = await _read_body(receive, received)
        replay = _replaying(received, receive)
        route = self.route()
        runtime = self.runtime()
        handlers = self._handlers(scope)
        known = None
        if body is not None and route is not None and await self._generation_known(runtime):
            try:
                known = _known(runtime, scope, body, refresh_too=handlers is not None)
            except Exception:  # any doubt: the route answers, with its own error if any
                known = None
        answer = None
        if known is not None and not known[1].refresh:
            try:
                answer = cached_answer(runtime.queries, query_user(known[0]), known[1])
            except Exception:  # a refused permission or spec: the route says so
                known = None
        if known is None or route is None or (answer is None and handlers is None):
            await self.app(scope, replay, send)
            return
        user, request = known
        if answer is None:  # not cached, or a refresh: run as the route does
            assert handlers is not None
            scope["route"] = route  # as the router leaves it: the HTTP metrics' route label
            await self._run(scope, replay, send, runtime, handlers, user, request)
            return
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
            scope["route"] = route
            metrics.FAST_PATH.inc()
            await embed_query.answered(answer, request)(scope, replay, send)
        finally:
            await leave_slot(runtime, ticket)

    def _handlers(self, scope: Scope) -> tuple[ExceptionHandlers, StatusHandlers] | None:
        """The app's exception handlers, as Starlette's ExceptionMiddleware (the next layer
        in, whose handlers the route's errors go through) hands them to the route; None when
        the query fast path is off, or that layer or the request is not the usual one (the
        route then runs the query)."""
        inner = self.app
        if (
            not self.run_queries()
            or not isinstance(inner, ExceptionMiddleware)
            or scope.get("fastapi.telemetry") is not None  # the route records it
        ):
            return None
        exception_handlers = getattr(inner, "_exception_handlers", None)
        status_handlers = getattr(inner, "_status_handlers", None)
        if not isinstance(exception_handlers, dict) or not isinstance(status_handlers, dict):
            return None
        return exception_handlers, status_handlers

    async def _run(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        runtime: Runtime,
        handlers: tuple[ExceptionHandlers, StatusHandlers],
        user: EmbedToken,
        request: QueryRequest,
    ) -> None:
        """What the route does once the token and the body are checked, in its order: the
        usage-limit slot (held until the answer is sent, given back before an error is
        answered), `embed_query.respond` (run, count, cache, or raise), and any exception
        through the app's handlers as the route's (`wrap_app_handling_exceptions`, Starlette's
        own wrapper of every route); an exception no handler takes goes on out, to the
        server-error handler, as from the route. Nothing here falls back to the route: the
        query may have run, and its usage counted."""

        async def run(scope: Scope, receive: Receive, send: Send) -> None:
            metrics.FAST_PATH_RAN.inc()
            ticket = await enter_slot(runtime, "query", user.org_id, user.user_id)
            try:
                response = await embed_query.respond(runtime, user, request)
                await response(scope, receive, send)
            finally:
                await leave_slot(runtime, ticket)

        scope["starlette.exception_handlers"] = handlers
        await wrap_app_handling_exceptions(run, Request(scope, receive, send))(scope, receive, send)

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


def _known(
    runtime: Runtime, scope: Scope, body: bytes, *, refresh_too: bool
) -> tuple[EmbedToken, QueryRequest] | None:
    """Who asks and what, when the token is decided in memory and the body is valid; else
    None (or what `embed_user` or the validation raise): the route then checks both. No side
    effects: nothing is counted or changed here."""
    parsed: Any = json.loads(body)  # what FastAPI's request.json() does
    if not isinstance(parsed, dict) or (parsed.get("refresh") is True and not refresh_too):
        # A refresh is never a cache hit (`cached_answer`): without the query fast path the
        # route runs it, so the token check and the body's validation are not done twice.
        return None
    user = embed_user_in_memory(Request(scope), runtime)
    if user is None:
        return None
    return user, QueryRequest.model_validate(parsed)


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
