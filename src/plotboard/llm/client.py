"""`ChatClient`: one chat-completions request, done right (see the package docstring)."""

from __future__ import annotations

import email.utils
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger(__name__)

MAX_REPLY_BYTES = 256_000
RETRY_STATUSES = frozenset({429, 502, 503, 504})
"""Transient answers worth another try. A plain 500 is not: it is usually the same bug again."""

Failure = Literal["timeout", "unreachable", "http", "protocol"]


@dataclass(frozen=True)
class LLMSettings:
    """How to reach the model; the admin's AI settings (the key decrypted by the caller).

    Attributes:
        base_url: up to, not including, ``/chat/completions`` (``https://api.openai.com/v1``,
            ``http://localhost:11434/v1`` for Ollama, the deployment URL for Azure).
        model: the model (or Azure deployment) name.
        api_key: sent as ``Authorization: Bearer <key>`` (or in `api_key_header`).
        timeout_s: per request (connect, send, each read).
        include_values: send low-cardinality column values (data!) with the schema.
        json_mode: ask for JSON output (``response_format``); False never sends one.
        json_schema: try ``response_format: {"type": "json_schema"}`` first (OpenAI, vLLM,
            llama.cpp, Ollama 0.5+ hold the model to the caller's schema). A server that
            answers HTTP 400 to it is asked again with ``json_object``, and one that refuses
            that too with no ``response_format`` (the JSON is then read from the text). What
            an endpoint accepted is remembered per (base_url, model) for the life of the
            process, so later requests, by any client, skip the refused formats.
        api_key_header: ``Authorization`` or a header holding the bare key (Azure: ``api-key``).
        query_params: added to the URL (Azure: ``{"api-version": ...}``).
    """

    base_url: str
    model: str
    api_key: str | None = None
    timeout_s: float = 20.0
    include_values: bool = False
    json_mode: bool = True
    api_key_header: str = "Authorization"
    query_params: Mapping[str, str] = field(default_factory=dict)
    temperature: float = 0.0
    max_tokens: int = 1500
    json_schema: bool = True

    def __repr__(self) -> str:  # never print the key
        return f"LLMSettings(base_url={self.base_url!r}, model={self.model!r})"


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry a transient failure (429/502/503/504).

    Waits ``backoff_s * 2**n`` or the server's ``Retry-After``; a wait longer than
    `max_wait_s` is not waited for (the caller falls back instead), so the total added delay
    is at most ``retries * max_wait_s``.
    """

    retries: int = 1
    backoff_s: float = 0.5
    max_wait_s: float = 2.0


INTERACTIVE = RetryPolicy(retries=1, backoff_s=0.5, max_wait_s=2.0)
"""Someone is waiting for an answer: one short retry at most."""
BACKGROUND = RetryPolicy(retries=3, backoff_s=1.0, max_wait_s=10.0)
"""A job (Analyze's descriptions): a few patient retries."""
NO_RETRY = RetryPolicy(retries=0)
"""A probe reports what happened, once."""


class LLMUnavailable(Exception):
    """No usable HTTP reply. `kind` says what went wrong, `status` is the HTTP status (if any),
    `server_message` the server's own error text (cut, for admins); ``str()`` is for logs and
    never holds the key."""

    def __init__(
        self, kind: Failure, detail: str, *, status: int | None = None,
        server_message: str = "",
    ) -> None:
        super().__init__(detail)
        self.kind = kind
        self.status = status
        self.server_message = server_message


class InvalidReply(ValueError):
    """The model answered, but not with what was asked; the message can be fed back to it."""


_FENCE_RE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")


def extract_json(content: str) -> dict[str, Any]:
    """The JSON object in a model's reply, also when wrapped in a markdown fence or prose.

    >>> extract_json('Sure! ```json\\n{"a": 1}\\n```')
    {'a': 1}
    """
    text = _FENCE_RE.sub("", content.strip())
    if not text.startswith("{"):
        start, end = text.find("{"), text.rfind("}")
        if start < 0 or end < start:
            raise InvalidReply("The reply does not contain a JSON object.")
        text = text[start : end + 1]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidReply(
            f"The reply is not valid JSON ({err.msg} at character {err.pos})."
        ) from None
    if not isinstance(data, dict):
        raise InvalidReply("The reply must be a JSON object.")
    return data


def retry_after(response: httpx.Response) -> float | None:
    """The server's ``Retry-After`` in seconds (delta or HTTP date), None when absent or bad."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def server_message(response: httpx.Response) -> str:
    """The error text an OpenAI-compatible server put in its reply, cut to 300 characters."""
    try:
        data = response.json()
        error = data.get("error") if isinstance(data, dict) else None
        message = error.get("message") if isinstance(error, dict) else error
        if isinstance(message, str) and message:
            return message[:300]
    except ValueError:
        pass
    return response.text[:200] or response.reason_phrase


Format = Literal["json_schema", "json_object", "text"]
_FORMATS: tuple[Format, ...] = ("json_schema", "json_object", "text")
_accepted: dict[tuple[str, str], Format] = {}
_accepted_lock = threading.Lock()


def _endpoint(settings: LLMSettings) -> tuple[str, str]:
    return settings.base_url.rstrip("/").casefold(), settings.model


def forget_formats() -> None:
    """Forget which structured-output formats endpoints refused (tests; a changed server)."""
    with _accepted_lock:
        _accepted.clear()


class ChatClient:
    """Talks to one OpenAI-compatible endpoint; thread-safe, reuses one connection pool."""

    def __init__(
        self,
        settings: LLMSettings,
        *,
        retry: RetryPolicy = INTERACTIVE,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.retry = retry
        self._client = client
        self._own_client = client is None
        self._transport = transport
        self._sleep = sleep
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return self.settings.base_url.rstrip("/") + "/chat/completions"

    def _http(self) -> httpx.Client:
        import httpx  # on first use: a server whose AI needs no model never loads it

        with self._lock:
            if self._client is None:
                self._client = httpx.Client(
                    timeout=httpx.Timeout(self.settings.timeout_s), transport=self._transport
                )
            return self._client

    def close(self) -> None:
        if self._own_client and self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> ChatClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def headers(self) -> dict[str, str]:
        key = self.settings.api_key
        if not key:
            return {}
        if self.settings.api_key_header.lower() == "authorization":
            return {"Authorization": f"Bearer {key}"}
        return {self.settings.api_key_header: key}

    def _first_format(self, schema: Mapping[str, Any] | None) -> Format:
        """The richest format this endpoint has not refused, for a request with `schema`."""
        s = self.settings
        if not s.json_mode:
            return "text"
        wanted: Format = "json_schema" if schema is not None and s.json_schema else "json_object"
        with _accepted_lock:
            known = _accepted.get(_endpoint(s))
        if known is not None and _FORMATS.index(known) > _FORMATS.index(wanted):
            return known
        return wanted

    @staticmethod
    def _response_format(
        format_: Format, schema: Mapping[str, Any] | None, name: str
    ) -> dict[str, Any]:
        if format_ == "json_schema" and schema is not None:
            return {"response_format": {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": dict(schema)},
            }}
        if format_ == "json_object":
            return {"response_format": {"type": "json_object"}}
        return {}

    def _remember(self, format_: Format) -> None:
        with _accepted_lock:
            _accepted[_endpoint(self.settings)] = format_

    def complete(
        self,
        messages: list[dict[str, str]],
        *,
        schema: Mapping[str, Any] | None = None,
        schema_name: str = "answer",
        max_tokens: int | None = None,
    ) -> str:
        """The model's message text for `messages`.

        Raises `LLMUnavailable` (timeout, unreachable, HTTP error after the retries, not a
        chat completion) or `InvalidReply` (too long, no text). The text is not checked:
        use `extract_json` (also for schema replies: some servers still add a fence).
        """
        s = self.settings
        body: dict[str, Any] = {
            "model": s.model,
            "messages": messages,
            "temperature": s.temperature,
            "max_tokens": max_tokens or s.max_tokens,
        }
        attempt = 0
        format_ = self._first_format(schema)
        downgraded = False
        while True:
            response = self._post(body | self._response_format(format_, schema, schema_name))
            status = response.status_code
            if status == 400 and format_ != "text":
                # The server may not know this response_format: ask again with the next
                # simpler one. It is remembered only once a simpler one worked, so a 400 for
                # another reason (a bad model name) does not downgrade the endpoint for good.
                nxt = _FORMATS[_FORMATS.index(format_) + 1]
                logger.info("LLM server answered 400 to %s; trying %s", format_, nxt)
                format_, downgraded = nxt, True
                continue
            if status in RETRY_STATUSES and attempt < self.retry.retries:
                wait = retry_after(response)
                if wait is None:
                    wait = self.retry.backoff_s * 2**attempt
                if wait <= self.retry.max_wait_s:
                    attempt += 1
                    logger.info("LLM server answered HTTP %d; retrying in %.1f s", status, wait)
                    self._sleep(wait)
                    continue
            break
        if downgraded and status < 400:
            self._remember(format_)
        if status >= 400:
            message = server_message(response)
            raise LLMUnavailable(
                "http", f"HTTP {status}: {message}", status=status, server_message=message
            )
        if len(response.content) > MAX_REPLY_BYTES:
            raise InvalidReply("The reply is too long.")
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise LLMUnavailable("protocol", "not a chat-completions response") from None
        if not isinstance(content, str):
            raise InvalidReply("The message content must be text holding a JSON object.")
        return content

    def _post(self, body: dict[str, Any]) -> httpx.Response:
        import httpx

        try:
            return self._http().post(
                self.url, json=body, headers=self.headers(),
                params=dict(self.settings.query_params),
            )
        except httpx.TimeoutException as err:
            raise LLMUnavailable("timeout", f"timeout: {type(err).__name__}") from None
        except httpx.HTTPError as err:
            raise LLMUnavailable("unreachable", type(err).__name__) from None
