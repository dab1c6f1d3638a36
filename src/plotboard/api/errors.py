"""Turning every failure into a JSON error a person can act on, never a stack trace."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from plotboard.errors import FieldError, PlotboardError
from plotboard.sources.errors import END_USER_MESSAGES, SourceError

log = logging.getLogger("plotboard")

# The API that embedded dashboards call on behalf of end users.
END_USER_API = "/api/v1/embed/"


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    # pydantic adds the union member's type name to the location; it means nothing to a user.
    parts = [p for p in parts if p not in ("str", "dict[str,str]", "function-after[_fits()]")]
    return ".".join(parts) or "body"


def _message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field (check the spelling)"
    if kind == "json_invalid":
        reason = err.get("ctx", {}).get("error", "syntax error")
        return f"the request body is not valid JSON ({reason})"
    msg = str(err.get("msg", "is not valid"))
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


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PlotboardError)
    async def _plotboard(request: Request, exc: PlotboardError) -> JSONResponse:
        if isinstance(exc, SourceError) and request.url.path.startswith(END_USER_API):
            # End users get plain words; the details stay in the log and the admin's views.
            if exc.code in END_USER_MESSAGES:
                log.warning("data source problem shown to an end user as %s: %s", exc.code, exc)
            exc = exc.for_end_user()
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        return JSONResponse(exc.body(), status_code=exc.status, headers={**headers, **exc.headers})

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(validation_error_body(exc), status_code=422)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 404:
            detail = f"There is nothing at {request.url.path}."
        elif exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}."
        else:
            detail = str(exc.detail)
        return JSONResponse(
            {"detail": detail, "code": f"http_{exc.status_code}"},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        incident = uuid.uuid4().hex[:10]
        log.exception("unexpected error %s on %s %s", incident, request.method, request.url.path)
        return JSONResponse(
            {
                "detail": f"Something went wrong on the server (incident {incident}). "
                "The details are in the server log; please try again.",
                "code": "internal_error",
            },
            status_code=500,
        )
