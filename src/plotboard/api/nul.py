"""Refuse NUL characters (U+0000) in a request's path, query string and JSON body, with a 422
that names where the character is; and a body larger than the server accepts, with a 413.

Every body is read here before any route sees it, so this is where its size is bounded: a
`Content-Length` over the limit is refused before a byte is read, and a body sent without one
(chunked) is refused as soon as it passes the limit, so a client cannot make the server hold a
body of any size in memory.

`"\\u0000"` is valid JSON and `%00` a valid URL escape, and Python takes both as text, but
PostgreSQL's text and JSON types cannot hold the character: let through, an id in a path, a
dashboard's title or a key of its chart options failed as a 500 when the store read or wrote
it (SQLite took it, so the same request worked on one store and not on the other). No name,
title, id or value in plotboard has a use for it, so it is refused where it comes in, on every
route and every store alike.

A JSON body can only hold the character as the escape `\\u0000` (a raw control character is
not JSON), so the body is parsed, to find where it is, only when those bytes appear in it; other
requests cost one scan of bytes the route reads anyway.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from plotboard.api.errors import ErrorResponse
from plotboard.errors import FieldError, PlotboardError
from plotboard.inputs import shown

_NUL = "\x00"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PROBLEM = "holds a NUL character (\\u0000), which can't be stored; remove it"


def _printable(text: str) -> str:
    return shown(text, 60).replace(_NUL, "\\u0000")


def _step(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{_printable(key)}" if path else _printable(key)


def nul_in_json(value: Any) -> str | None:
    """Where (``tiles[0].title``) the first string or key holding NUL is in `value`, or None.
    Walks without recursion: a body nested thousands deep is answered, not crashed on."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _NUL in item:
                return path or "body"
        elif isinstance(item, dict):
            for key, inner in reversed(item.items()):
                if _NUL in key:
                    return _step(path, key)
                stack.append((inner, _step(path, key)))
        elif isinstance(item, list):
            for i in reversed(range(len(item))):
                stack.append((item[i], _step(path, i)))
    return None


def _is_form(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            kind: bytes = value.split(b";")[0].strip().lower()
            return kind == b"application/x-www-form-urlencoded"
    return False


def _nul_in_form(data: bytes) -> str | None:
    """The name of the first field of a query string or form holding NUL, or None."""
    for name, value in parse_qsl(data.decode("latin-1"), keep_blank_values=True):
        if _NUL in name or _NUL in value:
            return _printable(name) or "query"
    return None


def too_large(limit: int) -> PlotboardError:
    return PlotboardError(
        f"The request body is larger than this server accepts ({limit:,} bytes at most); "
        "send less (a dashboard with fewer or smaller tiles, a shorter question).",
        "request_too_large",
        413,
    )


def _declared_length(scope: Scope) -> int | None:
    """The Content-Length the client declared, when it is a plain number."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


def _refusal(field: str) -> PlotboardError:
    problem = FieldError(field, PROBLEM)
    return PlotboardError(f"{field}: {PROBLEM}", "invalid_request", 422, [problem])


class RefuseNulMiddleware:
    """`max_bytes` gives the largest body accepted (read per request: settings can change)."""

    def __init__(self, app: ASGIApp, max_bytes: Callable[[], int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _NUL in scope["path"]:
            await self._refuse(scope, receive, send, "path")
            return
        query: bytes = scope.get("query_string", b"")
        if b"%00" in query:
            await self._refuse(scope, receive, send, _nul_in_form(query) or "query")
            return
        if scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes() if self.max_bytes is not None else None
        declared = _declared_length(scope)
        if limit is not None and declared is not None and declared > limit:
            await self._too_large(scope, receive, send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay([message]), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if limit is not None and size > limit:
                chunks.clear()
                await self._too_large(scope, receive, send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        where = None
        if b"\\u0000" in body:
            try:
                where = nul_in_json(json.loads(body))
            except ValueError:  # not JSON: the route says what is wrong with it
                where = None
        elif b"%00" in body and _is_form(scope):  # the console's forms
            where = _nul_in_form(body)
        if where is not None:
            await self._refuse(scope, receive, send, where)
            return
        await self.app(scope, _replay([{"type": "http.request", "body": body}], receive), send)

    @staticmethod
    async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        err = too_large(limit)
        await ErrorResponse(err.body(), status_code=err.status)(scope, receive, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, field: str) -> None:
        err = _refusal(field)
        await ErrorResponse(err.body(), status_code=err.status)(scope, receive, send)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    """A `receive` that hands out `messages`, then defers to `then` (a disconnect)."""
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
