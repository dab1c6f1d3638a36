"""Turning every failure into a JSON error a person can act on, never a stack trace."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from plotboard.api.observability import REQUEST_ID_HEADER, current_request_id
from plotboard.errors import FieldError, PlotboardError
from plotboard.inputs import shown
from plotboard.sources.errors import END_USER_MESSAGES, SourceError

log = logging.getLogger("plotboard")

# The API that embedded dashboards call on behalf of end users.
END_USER_API = "/api/v1/embed/"


class ErrorResponse(JSONResponse):
    """A JSON error that always encodes: an error may quote what the client sent (an unknown
    key, a value), and a lone surrogate in it would make the encoder itself fail with a 500."""

    def render(self, content: Any) -> bytes:
        request_id = current_request_id()
        if request_id is not None and isinstance(content, dict) and "detail" in content:
            content = {**content, "request_id": request_id}
        return super().render(_printable(content))


def _printable(value: Any) -> Any:
    if isinstance(value, str):
        # Escaped, never cut: a 409 carries the whole current dashboard.
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    return value


_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "none", "[key]"})
_TYPE_TAG = re.compile(r"[a-z][a-z_-]*\[.*\]", re.DOTALL)


def _field_name(loc: tuple[Any, ...]) -> str:
    # Keys come from the client: quoted safely and cut short (one may be a megabyte long).
    # Only the first part says where the value came from; a field may be named "query" too.
    if loc and loc[0] in ("body", "query", "path", "header"):
        loc = loc[1:]
    # pydantic adds the union member's type name to the location ("str", "dict[str,str]",
    # "function-after[check_text(), str]") and "[key]" for a bad key; they mean nothing to a user.
    parts = [str(p) for p in loc]
    parts = [p for p in parts if p not in _TYPE_TAGS and not _TYPE_TAG.fullmatch(p)]
    return ".".join(shown(p, 60) for p in parts) or "body"


def _message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field (check the spelling)"
    if kind == "string_unicode":
        return "holds a character that is not valid text (a lone surrogate); send UTF-8 text"
    if kind == "json_invalid":
        reason = err.get("ctx", {}).get("error", "syntax error")
        return f"the request body is not valid JSON ({reason})"
    msg = shown(err.get("msg", "is not valid"), 500)
    return (
        msg[len("Value error, ") :]
        if msg.startswith("Value error, ")
        else msg[:1].lower() + msg[1:]
    )


def validation_error_body(exc: RequestValidationError) -> dict[str, object]:
    problems = [
        FieldError(
            "body" if e.get("type") == "json_invalid" else _field_name(tuple(e.get("loc", ()))),
            _message(e),
        )
        for e in exc.errors()
    ]
    # Unions report one error per member ("should be a string", "ai_context_clues.a should be
    # a string"): the most specific one names the culprit, so a field that is the prefix of
    # another is dropped, and each field is reported once.
    fields = {p.field for p in problems}
    unique: dict[str, FieldError] = {}
    for p in problems:
        if any(f.startswith(p.field + ".") for f in fields):
            continue
        unique.setdefault(p.field, p)
    problems = list(unique.values())
    first = problems[0] if problems else FieldError("body", "is not valid")
    extra = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    message = first.message if first.field == "body" else f"{first.field}: {first.message}"
    return PlotboardError(message + extra, "invalid_request", 422, problems).body()


def error_response(request: Request, exc: PlotboardError) -> JSONResponse:
    """The answer to a PlotboardError (the app's handler; the cached-tile fast path's too)."""
    if isinstance(exc, SourceError) and request.url.path.startswith(END_USER_API):
        # End users get plain words; the details stay in the log and the admin's views.
        if exc.code in END_USER_MESSAGES:
            log.warning("data source problem shown to an end user as %s: %s", exc.code, exc)
        exc = exc.for_end_user()
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    return ErrorResponse(exc.body(), status_code=exc.status, headers={**headers, **exc.headers})


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PlotboardError)
    async def _plotboard(request: Request, exc: PlotboardError) -> JSONResponse:
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return ErrorResponse(validation_error_body(exc), status_code=422)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            # FastAPI reads a JSON body as UTF-8 and answers a body that is not with a bare
            # "There was an error parsing the body": say what is wrong, as for bad JSON.
            message = "the request body is not valid JSON (it is not UTF-8 text)"
            body = PlotboardError(
                message, "invalid_request", 422, [FieldError("body", message)]
            ).body()
            return ErrorResponse(body, status_code=422)
        if exc.status_code == 404:
            detail = f"There is nothing at {request.url.path}."
        elif exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}."
        else:
            detail = str(exc.detail)
        return ErrorResponse(
            {"detail": detail, "code": f"http_{exc.status_code}"},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(PoolTimeout)
    async def _pool_full(request: Request, exc: PoolTimeout) -> JSONResponse:
        # Every connection to the metadata store is in use (see pool_timeout_seconds).
        log.warning("metadata store pool exhausted on %s %s", request.method, request.url.path)
        return ErrorResponse(
            {
                "detail": "The server is busy: every connection to its database is in use. "
                "Try again in a moment.",
                "code": "busy",
            },
            status_code=503,
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        incident = uuid.uuid4().hex[:10]
        log.exception("unexpected error %s on %s %s", incident, request.method, request.url.path)
        # This answer is sent from outside the request-id middleware, so it adds the header.
        request_id = current_request_id()
        return ErrorResponse(
            {
                "detail": f"Something went wrong on the server (incident {incident}). "
                "The details are in the server log; please try again.",
                "code": "internal_error",
            },
            status_code=500,
            headers={REQUEST_ID_HEADER: request_id} if request_id else None,
        )
