"""AsyncPlotboardClient: the same operations for asyncio backends (FastAPI, Starlette, Django's
async views), awaiting each request."""

from __future__ import annotations

from typing import TypeVar, Unpack

import httpx

from plotboard_client import _calls
from plotboard_client._types import (
    ApiKey,
    EmbedToken,
    MintOptions,
    NewApiKey,
    TokenAttribute,
    TokenInfo,
)

T = TypeVar("T")


class AsyncPlotboardClient:
    """Like `PlotboardClient`, with each method a coroutine; ``async with`` or `aclose()`."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float | httpx.Timeout | None = _calls.DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        options = _calls.http_options(base_url, api_key, timeout)
        self.base_url: str = options["base_url"]
        self._http = httpx.AsyncClient(transport=transport, **options)

    async def mint_token(self, user_id: str, **options: Unpack[MintOptions]) -> EmbedToken:
        """See `PlotboardClient.mint_token`."""
        return await self._send(_calls.mint_token(user_id, options))

    async def introspect_token(self, token: str) -> TokenInfo:
        return await self._send(_calls.introspect_token(token))

    async def list_api_keys(self) -> list[ApiKey]:
        return await self._send(_calls.list_api_keys())

    async def create_api_key(self, name: str, scopes: list[str] | None = None) -> NewApiKey:
        return await self._send(_calls.create_api_key(name, scopes))

    async def revoke_api_key(self, key_id: str) -> ApiKey:
        return await self._send(_calls.revoke_api_key(key_id))

    async def list_token_attributes(self) -> list[TokenAttribute]:
        return await self._send(_calls.list_token_attributes())

    async def _send(self, call: _calls.Call[T]) -> T:
        with _calls.answered(self.base_url):
            response = await self._http.request(call.method, call.path, json=call.body)
        return call.result(response)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncPlotboardClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()
