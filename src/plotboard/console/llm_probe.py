"""The AI settings page's Test button: ask an OpenAI-compatible endpoint one tiny question.

The settings themselves live in `plotboard.ai.settings` (saved through the admin API's handler);
this only says, in plain words, whether the endpoint answers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

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
    transport: httpx.BaseTransport | None = None,
) -> EndpointVerdict:
    """Ask the endpoint one tiny question and say in plain words how it went. Never raises,
    and never puts the key in the message."""
    url = base_url.rstrip("/") + "/chat/completions"
    host = urlsplit(base_url).netloc or base_url
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    body = {
        "model": model,
        "messages": [{"role": "user", "content": PROBE}],
        "max_tokens": 20,
        "temperature": 0,
    }
    started = time.monotonic()
    try:
        with httpx.Client(timeout=timeout_s, transport=transport) as client:
            response = client.post(url, json=body, headers=headers)
    except httpx.TimeoutException:
        return EndpointVerdict(False, f"{host} did not answer within {timeout_s:.0f} seconds.")
    except httpx.HTTPError as err:
        return EndpointVerdict(
            False,
            f"Could not reach {host} ({type(err).__name__}). Check the base URL, and that this "
            "server can reach it.",
        )
    elapsed = (time.monotonic() - started) * 1000
    status = response.status_code
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
    if status >= 400:
        return EndpointVerdict(
            False, f"{host} answered with an error (HTTP {status}): {_error_text(response)}"
        )
    try:
        content = response.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        return EndpointVerdict(
            False,
            f"{host} answered, but not like an OpenAI-compatible chat-completions endpoint.",
        )
    if not isinstance(content, str):
        return EndpointVerdict(False, f"{host} answered without a text message.")
    return EndpointVerdict(True, f"The model {model} at {host} answered in {elapsed:.0f} ms.")


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
        error = data.get("error") if isinstance(data, dict) else None
        message = error.get("message") if isinstance(error, dict) else error
        if isinstance(message, str) and message:
            return message[:300]
    except ValueError:
        pass
    return response.text[:200] or response.reason_phrase
