"""Each operation as one request and the parsing of its answer, shared by the sync and the
async client (which only differ in how they send)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx

from plotboard_client._errors import error_from_response, transport_error
from plotboard_client._types import (
    ApiKey,
    EmbedToken,
    MintOptions,
    NewApiKey,
    TokenAttribute,
    TokenInfo,
)

__version__ = "0.1.0"
DEFAULT_TIMEOUT = 10.0
T = TypeVar("T")


@dataclass(frozen=True)
class Call(Generic[T]):
    method: str
    path: str
    body: dict[str, Any] | None
    parse: Callable[[Any], T]

    def result(self, response: httpx.Response) -> T:
        """The parsed answer, or the exception plotboard's refusal (or a foreign answer) means."""
        if response.is_error or response.status_code in range(300, 400):
            raise error_from_response(response)
        if response.status_code == 204:
            return self.parse(None)
        try:
            data = response.json()
        except ValueError:
            raise error_from_response(response) from None
        return self.parse(data)


def http_options(
    base_url: str, api_key: str, timeout: float | httpx.Timeout | None
) -> dict[str, Any]:
    """The settings of the httpx client (sync or async) that talks to plotboard."""
    if not base_url.startswith(("http://", "https://")):
        raise ValueError(f"base_url must start with http:// or https://, got {base_url!r}")
    if not api_key or api_key != api_key.strip():
        raise ValueError("api_key is empty or has surrounding spaces")
    return {
        "base_url": base_url.rstrip("/"),
        "headers": {
            "Authorization": f"Bearer {api_key}",
            "User-Agent": f"plotboard-client/{__version__} (python)",
            "Accept": "application/json",
        },
        "timeout": timeout,
    }


@contextmanager
def answered(base_url: str) -> Iterator[None]:
    """Turn httpx's transport errors (no answer at all) into plotboard_client's."""
    try:
        yield
    except httpx.HTTPError as err:
        raise transport_error(err, base_url) from err


# --- the operations -----------------------------------------------------------------------


def mint_token(user_id: str, options: MintOptions) -> Call[EmbedToken]:
    body: dict[str, Any] = {"user_id": user_id}
    if (attributes := options.get("attributes")) is not None:
        body["attributes"] = dict(attributes)
    if (clues := options.get("ai_context_clues")) is not None:
        body["ai_context_clues"] = clues if isinstance(clues, str) else dict(clues)
    if (permissions := options.get("permissions")) is not None:
        body["permissions"] = dict(permissions)
    if (expires_in := options.get("expires_in")) is not None:
        seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
        body["expires_in"] = int(seconds)
    unknown = set(options) - set(MintOptions.__annotations__)
    if unknown:  # what a typo would otherwise send (plotboard refuses it too, as a 422)
        raise TypeError(f"mint_token() got unexpected keyword arguments: {sorted(unknown)}")
    return Call("POST", "/api/v1/embed/tokens", body, _embed_token)


def introspect_token(token: str) -> Call[TokenInfo]:
    return Call("POST", "/api/v1/embed/tokens/introspect", {"token": token}, _token_info)


def list_api_keys() -> Call[list[ApiKey]]:
    return Call("GET", "/api/v1/admin/api-keys", None, lambda data: _keys(data["api_keys"]))


def create_api_key(name: str, scopes: list[str] | None) -> Call[NewApiKey]:
    body = {"name": name, "scopes": scopes if scopes is not None else ["tokens"]}
    return Call("POST", "/api/v1/admin/api-keys", body, lambda data: _record(NewApiKey, data))


def revoke_api_key(key_id: str) -> Call[ApiKey]:
    path = f"/api/v1/admin/api-keys/{quote(key_id, safe='')}/revoke"
    return Call("POST", path, None, lambda data: _record(ApiKey, data))


def list_token_attributes() -> Call[list[TokenAttribute]]:
    return Call(
        "GET",
        "/api/v1/admin/token-attributes",
        None,
        lambda data: [_record(TokenAttribute, a) for a in data["token_attributes"]],
    )


# --- parsing answers ----------------------------------------------------------------------


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))  # 3.11 reads Z, 3.10 did not


def _when(value: str | None) -> datetime | None:
    return None if value is None else _time(value)


def _embed_token(data: dict[str, Any]) -> EmbedToken:
    return EmbedToken(token=data["token"], expires_at=_time(data["expires_at"]))


def _token_info(data: dict[str, Any]) -> TokenInfo:
    info: TokenInfo = {"valid": bool(data["valid"])}
    info.update(data)  # type: ignore[typeddict-item]  # the server's names, as they are
    return info


R = TypeVar("R", ApiKey, NewApiKey, TokenAttribute)


def _record(kind: type[R], data: dict[str, Any]) -> R:
    """`kind` from an answer's object: datetimes parsed, fields plotboard adds later ignored."""
    values: dict[str, Any] = {}
    for field in fields(kind):
        value = data.get(field.name)
        values[field.name] = _when(value) if field.name.endswith("_at") else value
    return kind(**values)


def _keys(items: list[dict[str, Any]]) -> list[ApiKey]:
    return [_record(ApiKey, item) for item in items]
