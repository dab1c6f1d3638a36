"""The AI settings page's Test button: ask an OpenAI-compatible endpoint one tiny question.

The settings themselves live in `plotboard.ai.settings` (saved through the admin API's handler);
this only says, in plain words, whether the endpoint answers.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from plotboard.llm import NO_RETRY, ChatClient, InvalidReply, LLMSettings, LLMUnavailable

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class EndpointVerdict:
    ok: bool
    message: str


PROBE = 'Reply with exactly this JSON object and nothing else: {"ok": true}'


def probe_endpoint(
    base_url: str,
    model: str,
    api_key: str | None,
    *,
    timeout_s: float = 15,
    api_key_header: str = "Authorization",
    query_params: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> EndpointVerdict:
    """Ask the endpoint one tiny question and say in plain words how it went. Never raises,
    and never puts the key in the message."""
    settings = LLMSettings(
        base_url,
        model,
        api_key,
        timeout_s=timeout_s,
        json_mode=False,
        api_key_header=api_key_header,
        query_params=dict(query_params or {}),
        temperature=0,
        max_tokens=20,
    )
    host = urlsplit(base_url).netloc or base_url
    # No retry: the admin wants to know what the endpoint does now.
    chat = ChatClient(settings, retry=NO_RETRY, transport=transport)
    url = chat.url
    started = time.monotonic()
    try:
        with chat:
            chat.complete([{"role": "user", "content": PROBE}])
    except LLMUnavailable as err:
        return _verdict(err, host, url, timeout_s)
    except InvalidReply:
        return EndpointVerdict(False, f"{host} answered without a text message.")
    elapsed = (time.monotonic() - started) * 1000
    return EndpointVerdict(True, f"The model {model} at {host} answered in {elapsed:.0f} ms.")


def _verdict(err: LLMUnavailable, host: str, url: str, timeout_s: float) -> EndpointVerdict:
    if err.kind == "timeout":
        return EndpointVerdict(False, f"{host} did not answer within {timeout_s:.0f} seconds.")
    if err.kind == "unreachable":
        return EndpointVerdict(
            False,
            f"Could not reach {host} ({err}). Check the base URL, and that this "
            "server can reach it.",
        )
    if err.kind == "protocol":
        return EndpointVerdict(
            False,
            f"{host} answered, but not like an OpenAI-compatible chat-completions endpoint.",
        )
    status = err.status
    if status in (401, 403):
        return EndpointVerdict(
            False, f"{host} refused the API key (HTTP {status}). Check the key and its access."
        )
    if status == 404:
        return EndpointVerdict(
            False,
            f"{host} has no chat-completions endpoint at {url} for this model (HTTP 404). The base "
            "URL usually ends in /v1; check the model name too.",
        )
    return EndpointVerdict(
        False, f"{host} answered with an error (HTTP {status}): {err.server_message}"
    )
