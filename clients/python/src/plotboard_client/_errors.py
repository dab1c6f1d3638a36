"""What a refused or failed request raises: plotboard's own `{detail, code, errors, request_id}`."""

from __future__ import annotations

from typing import Any, TypedDict

import httpx

REQUEST_ID_HEADER = "X-Request-ID"


class FieldError(TypedDict):
    """One field to blame in a 422 answer: `attributes.region`, `expires_in`, ..."""

    field: str
    message: str


class PlotboardError(Exception):
    """plotboard refused the request, or could not be reached (then `status` is 0).

    `detail` is plotboard's sentence saying what is wrong and what to do, `code` its stable
    code for programs (``invalid_api_key``, ``invalid_attribute``, ...), `errors` the fields to
    blame, `request_id` the id plotboard logged the request under (quote it when asking for
    help), `body` the whole JSON answer.
    """

    def __init__(
        self,
        status: int,
        detail: str,
        code: str = "",
        body: Any = None,
        *,
        request_id: str | None = None,
        errors: list[FieldError] | None = None,
    ) -> None:
        text = f"{status} {code}: {detail}" if code else f"{status}: {detail}"
        super().__init__(f"{text} (request id {request_id})" if request_id else text)
        self.status = status
        self.detail = detail
        self.code = code
        self.body = body
        self.request_id = request_id
        self.errors: list[FieldError] = errors or []

    @property
    def message(self) -> str:
        """The same as `detail` (the name plotboard.client used)."""
        return self.detail


class AuthenticationError(PlotboardError):
    """401: no key, not a key, or a revoked one (`code` says which)."""


class PermissionDeniedError(PlotboardError):
    """403: the key lacks a scope (``missing_scope``), or the call came from a browser."""


class NotFoundError(PlotboardError):
    """404: no such key (or another organization's)."""


class ConflictError(PlotboardError):
    """409: the request conflicts with the current state."""


class ValidationError(PlotboardError):
    """422: a field breaks the rules; `errors` names each field and what is wrong with it."""


class RateLimitError(PlotboardError):
    """429: too many requests; `retry_after` is the number of seconds plotboard asks to wait."""

    retry_after: float | None = None


class ServerError(PlotboardError):
    """5xx: plotboard (or a proxy in front of it) failed; the request may be retried."""


class PlotboardConnectionError(PlotboardError):
    """plotboard could not be reached (`status` 0, `code` ``unreachable``): a wrong address, a
    server that is down, or a network error."""


class PlotboardTimeoutError(PlotboardConnectionError):
    """plotboard did not answer within the client's `timeout` (`code` ``timeout``)."""


_BY_STATUS: dict[int, type[PlotboardError]] = {
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
}


def error_from_response(response: httpx.Response) -> PlotboardError:
    """The exception for an answer that is an error (4xx, 5xx) or not plotboard's JSON."""
    status = response.status_code
    request_id = response.headers.get(REQUEST_ID_HEADER)
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        request_id = body.get("request_id") or request_id
        errors = body.get("errors") if isinstance(body.get("errors"), list) else None
        detail, code = body["detail"], str(body.get("code") or "")
    else:
        # Not plotboard's error body: a proxy's page, a redirect, another server at that address.
        errors = None
        code = "unexpected_response"
        detail = (
            f"the answer was HTTP {status} {response.reason_phrase} without plotboard's JSON: "
            "is the client's base_url plotboard's address?"
        )
    kind = ServerError if status >= 500 else _BY_STATUS.get(status, PlotboardError)
    error = kind(status, detail, code, body, request_id=request_id, errors=errors)
    if isinstance(error, RateLimitError):
        error.retry_after = _seconds(response.headers.get("Retry-After"))
    return error


def transport_error(err: httpx.HTTPError, base_url: str) -> PlotboardConnectionError:
    """The exception for a request that got no answer at all."""
    if isinstance(err, httpx.TimeoutException):
        detail = f"plotboard at {base_url} did not answer in time ({err})"
        return PlotboardTimeoutError(0, detail, "timeout")
    return PlotboardConnectionError(
        0, f"could not reach plotboard at {base_url}: {err}", "unreachable"
    )


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
