"""The OpenAPI document with plotboard's real error answers.

FastAPI documents a 422 with its own body (`{"detail": [{"loc", "msg", "type"}]}`), which
plotboard never sends, and no other error. Every error plotboard answers has one shape
(`plotboard.errors`): `{"detail": "...", "code": "...", "errors": [{"field", "message"}],
"request_id": "..."}`. This module puts that schema in the document as `Error` and declares,
for each operation, the error statuses it can answer: 401 and 403 on the API (credentials),
404 where the path names something, 422 where the request carries input, and the few others
where they happen (409, 413, 429). It also declares who may call what (`securitySchemes`): an
API key or an admin's session for the admin API, an API key for minting and introspecting
embed tokens, an embed token for the rest of the embed API. A live server is checked against
this document with schemathesis (tests/test_openapi_live.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from plotboard.api.lazy_routes import schema_routes
from plotboard.auth.sessions import COOKIE_NAME, CSRF_HEADER

ERROR_REF = {"$ref": "#/components/schemas/Error"}


class FieldProblem(BaseModel):
    field: str = Field(description="Which part of the request, e.g. `attributes.region`.")
    message: str = Field(description="What is wrong with it.")
    position: int | None = Field(
        default=None, description="1-based offset in the field's text (an expression's error)."
    )


class ErrorBody(BaseModel):
    """Every error answer: a sentence a person can act on, and a stable code."""

    detail: str = Field(description="One sentence that says what is wrong and what to do.")
    code: str = Field(description="A stable identifier, e.g. `invalid_request`, `not_found`.")
    errors: list[FieldProblem] | None = Field(
        default=None, description="Each field to blame, when the input is."
    )
    request_id: str | None = Field(
        default=None, description="The request's id, also in the `X-Request-ID` header."
    )


_WHY = {
    400: "The request cannot be carried out as it is (`detail` says why).",
    401: "No credentials, or they are not valid (expired, revoked, wrong).",
    403: "The credentials do not allow this (scope, origin, role, CSRF).",
    404: "What the path names does not exist, or is not visible to the caller.",
    409: "It conflicts with the current state (`detail` names it).",
    413: "The document is bigger than the server accepts.",
    422: "The input is not valid; `errors` names each field to blame.",
    429: "A usage limit was reached; `Retry-After` says when to try again.",
}

# Statuses beyond the rules below, by operation (method, path template).
_MORE: dict[tuple[str, str], tuple[int, ...]] = {
    ("post", "/api/v1/embed/tokens"): (429,),
    ("post", "/api/v1/embed/query"): (400, 404, 429),  # 404: the source named
    ("post", "/api/v1/embed/ai/ask"): (400, 404, 429),  # 404: the conversation named
    ("post", "/api/v1/embed/dashboards"): (413,),
    ("put", "/api/v1/embed/dashboards/{dashboard_id}"): (409, 413),
    ("post", "/api/v1/embed/dashboards/{dashboard_id}/duplicate"): (413,),
    ("post", "/api/v1/embed/dashboards/{dashboard_id}/versions/{version}/restore"): (409, 413),
    ("post", "/api/v1/admin/session"): (429,),
    ("post", "/api/v1/admin/origins"): (409,),
    ("post", "/api/v1/admin/token-attributes"): (409,),
    ("patch", "/api/v1/admin/token-attributes/{name}"): (409,),
    ("delete", "/api/v1/admin/token-attributes/{name}"): (409,),
    ("post", "/api/v1/admin/sources"): (400, 409),
    ("patch", "/api/v1/admin/sources/{source_id}"): (400, 409),
    ("post", "/api/v1/admin/sources/test"): (400,),
    ("post", "/api/v1/admin/sources/{source_id}/analyze"): (409,),
    ("post", "/api/v1/admin/analyze/{job_id}/apply"): (409,),
    ("post", "/api/v1/admin/starters"): (404, 413),  # 404: the dashboard named
    ("put", "/api/v1/admin/starters/{starter_id}"): (409, 413),
}


SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "ApiKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key (`pb_...`) from the admin console: the `admin` scope for "
        "/api/v1/admin, the `tokens` scope for minting and introspecting embed tokens.",
    },
    "EmbedToken": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An embed token minted by the host's backend for one end user.",
    },
    "AdminSession": {
        "type": "apiKey",
        "in": "cookie",
        "name": COOKIE_NAME,
        "description": "An admin signed in with POST /api/v1/admin/session; writes also send "
        f"the `{CSRF_HEADER}` header with the `csrf_token` of the sign-in answer.",
    },
    "MetricsToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "PLOTBOARD_METRICS_TOKEN; without it, /metrics answers only requests "
        "from the server's own machine.",
    },
}


def _security(method: str, path: str) -> list[dict[str, list[str]]] | None:
    """Who may call the operation (None: anyone)."""
    if path == "/api/v1/admin/session":
        return None if method == "post" else [{"AdminSession": []}]
    if path.startswith("/api/v1/admin/"):
        return [{"ApiKey": []}, {"AdminSession": []}]
    if path.startswith("/api/v1/embed/tokens"):
        return [{"ApiKey": []}]
    if path.startswith("/api/v1/embed/"):
        return [{"EmbedToken": []}]
    if path == "/metrics":
        return [{"MetricsToken": []}, {}]
    return None


def _error_statuses(method: str, path: str, operation: dict[str, Any]) -> set[int]:
    statuses: set[int] = set()
    if path.startswith("/api/v1/"):
        statuses |= {401, 403}
    if "{" in path:
        statuses.add(404)
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.add(422)
    statuses.update(_MORE.get((method, path), ()))
    return statuses


def with_error_answers(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` (FastAPI's document) with the `Error` schema and each operation's errors."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    error = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error.pop("$defs", {}))
    schemas["Error"] = error
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schema["components"]["securitySchemes"] = SECURITY_SCHEMES
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            security = _security(method, path)
            if security is not None:
                operation["security"] = security
            responses = operation["responses"]
            responses.pop("422", None)
            for status in sorted(_error_statuses(method, path, operation)):
                responses.setdefault(
                    str(status),
                    {
                        "description": _WHY[status],
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve the document with the real error answers (built once, on first request)."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_error_answers(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=schema_routes(app.routes),
                )
            )
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]  # FastAPI's documented way
