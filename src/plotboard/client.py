"""A small client for host backends: mint embed tokens with an API key.

`plotboard_url` is where plotboard answers (e.g. ``"https://analytics.example.com"``) and
`api_key` an API key with the `tokens` scope, kept on the server:

>>> from plotboard.client import PlotboardClient
>>> client = PlotboardClient(plotboard_url, api_key)
>>> token = client.create_embed_token("alice", attributes={"region": "North"})
>>> token.token.count(".")  # a signed JWT: header.payload.signature
2
>>> from datetime import datetime, timezone
>>> token.expires_at > datetime.now(timezone.utc)
True

A refused request raises `PlotboardError` with plotboard's message and code:

>>> client.create_embed_token("alice", attributes={"region": 7})
Traceback (most recent call last):
...
plotboard.client.PlotboardError: 422: ...region...
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx


class PlotboardError(Exception):
    """plotboard refused the request; `message` says why, `status` is the HTTP status."""

    def __init__(self, status: int, message: str, code: str = "", body: Any = None) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
        self.code = code
        self.body = body


@dataclass(frozen=True)
class EmbedToken:
    token: str
    expires_at: datetime


class PlotboardClient:
    """Talks to a plotboard server with an API key. Keep the key on your server."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key}", "User-Agent": "plotboard-client"},
            timeout=timeout,
            transport=transport,
        )

    def create_embed_token(
        self,
        user_id: str,
        *,
        attributes: dict[str, Any] | None = None,
        ai_context_clues: str | dict[str, str] | None = None,
        permissions: dict[str, Any] | None = None,
        expires_in: int | None = None,
    ) -> EmbedToken:
        """Mint a token for one of your users; give it to their browser's <plotboard-editor>."""
        body: dict[str, Any] = {"user_id": user_id, "attributes": attributes or {}}
        if ai_context_clues is not None:
            body["ai_context_clues"] = ai_context_clues
        if permissions is not None:
            body["permissions"] = permissions
        if expires_in is not None:
            body["expires_in"] = expires_in
        data = self._post("/api/v1/embed/tokens", body)
        expires = datetime.fromisoformat(data["expires_at"].replace("Z", "+00:00"))
        return EmbedToken(token=data["token"], expires_at=expires)

    def introspect_token(self, token: str) -> dict[str, Any]:
        """Whether `token` is valid now, and what it carries."""
        result: dict[str, Any] = self._post("/api/v1/embed/tokens/introspect", {"token": token})
        return result

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        try:
            response = self._http.post(path, json=body)
        except httpx.HTTPError as err:
            raise PlotboardError(0, f"could not reach plotboard: {err}") from err
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.is_error:
            detail = data.get("detail") if isinstance(data, dict) else response.text[:200]
            code = data.get("code", "") if isinstance(data, dict) else ""
            raise PlotboardError(response.status_code, str(detail), code, data)
        return data

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PlotboardClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
