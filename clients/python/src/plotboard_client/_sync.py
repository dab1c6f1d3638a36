"""PlotboardClient: the blocking client, for Django, Flask and other WSGI backends."""

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


class PlotboardClient:
    """Talks to plotboard with an API key. Keep the key on your server, never in a page.

    Create one client for the process and reuse it (it keeps a pool of connections); `close()`
    it, or use it in a ``with`` block. `timeout` (seconds, or an ``httpx.Timeout``) bounds each
    request; `transport` is passed to httpx (e.g. ``httpx.HTTPTransport(retries=2)``).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float | httpx.Timeout | None = _calls.DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        options = _calls.http_options(base_url, api_key, timeout)
        self.base_url: str = options["base_url"]
        self._http = httpx.Client(transport=transport, **options)

    def mint_token(self, user_id: str, **options: Unpack[MintOptions]) -> EmbedToken:
        """Mint a token for one of your users, with their attributes (and optionally AI context
        clues, permissions and `expires_in`, seconds or a timedelta). Needs the `tokens` scope.
        """
        return self._send(_calls.mint_token(user_id, options))

    create_embed_token = mint_token  # its name in plotboard.client

    def introspect_token(self, token: str) -> TokenInfo:
        """Whether `token` is valid now (`valid`) and what it carries, or why not (`code`)."""
        return self._send(_calls.introspect_token(token))

    def list_api_keys(self) -> list[ApiKey]:
        """The organization's API keys (needs the `admin` scope)."""
        return self._send(_calls.list_api_keys())

    def create_api_key(self, name: str, scopes: list[str] | None = None) -> NewApiKey:
        """A new key (default scope `tokens`); its `secret` is shown in this answer only."""
        return self._send(_calls.create_api_key(name, scopes))

    def revoke_api_key(self, key_id: str) -> ApiKey:
        """Revoke a key: it and every token it minted stop working (needs `admin`)."""
        return self._send(_calls.revoke_api_key(key_id))

    def list_token_attributes(self) -> list[TokenAttribute]:
        """The attributes every token must fit (needs the `admin` scope)."""
        return self._send(_calls.list_token_attributes())

    def _send(self, call: _calls.Call[T]) -> T:
        with _calls.answered(self.base_url):
            response = self._http.request(call.method, call.path, json=call.body)
        return call.result(response)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PlotboardClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
