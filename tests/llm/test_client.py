"""The one LLM client against a real local chat-completions server: retries, Retry-After,
structured output and its fallback, header options, secret-free errors."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from plotboard.llm import (
    ChatClient,
    InvalidReply,
    LLMSettings,
    LLMUnavailable,
    RetryPolicy,
    extract_json,
    forget_formats,
)
from tests.ai.chat_server import ChatServer, Reply

KEY = "sk-client-secret"
SCHEMA = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
MESSAGES = [{"role": "user", "content": "Say ok."}]


@pytest.fixture(autouse=True)
def _fresh_formats() -> Iterator[None]:
    forget_formats()  # what an endpoint refused is remembered per process
    yield
    forget_formats()


@pytest.fixture(scope="module")
def server() -> Iterator[ChatServer]:
    chat = ChatServer()
    yield chat
    chat.stop()


class Sleeps:
    """Records the waits and really waits them (a real server, a real clock)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        time.sleep(seconds)


def client(
    server: ChatServer, retry: RetryPolicy, sleeps: Sleeps, **settings: object
) -> ChatClient:
    return ChatClient(
        LLMSettings(server.base_url, "m", KEY, timeout_s=5, **settings),  # type: ignore[arg-type]
        retry=retry, sleep=sleeps,
    )


def test_429_is_retried_after_the_servers_retry_after(server: ChatServer) -> None:
    server.script(
        Reply(status=429, body='{"error": {"message": "slow down"}}',
              headers=(("Retry-After", "0.2"),)),
        Reply('{"ok": true}'),
    )
    sleeps = Sleeps()
    with client(server, RetryPolicy(retries=2, backoff_s=1.0, max_wait_s=1.0), sleeps) as chat:
        assert extract_json(chat.complete(MESSAGES)) == {"ok": True}
    assert len(server.received) == 2 and sleeps.waits == [0.2]


def test_5xx_backs_off_exponentially_and_gives_up_after_the_bounded_retries(
    server: ChatServer,
) -> None:
    server.script(*(Reply(status=503, body="{}") for _ in range(5)))
    sleeps = Sleeps()
    chat = client(server, RetryPolicy(retries=2, backoff_s=0.05, max_wait_s=1.0), sleeps)
    with chat, pytest.raises(LLMUnavailable) as caught:
        chat.complete(MESSAGES)
    assert caught.value.kind == "http" and caught.value.status == 503
    assert len(server.received) == 3 and sleeps.waits == [0.05, 0.1]


def test_a_retry_after_longer_than_the_interactive_budget_is_not_waited_for(
    server: ChatServer,
) -> None:
    server.script(Reply(status=429, body="{}", headers=(("Retry-After", "120"),)), Reply("{}"))
    sleeps = Sleeps()
    chat = client(server, RetryPolicy(retries=3, max_wait_s=2.0), sleeps)
    with chat, pytest.raises(LLMUnavailable) as caught:
        chat.complete(MESSAGES)
    assert caught.value.status == 429 and len(server.received) == 1 and sleeps.waits == []


def test_a_plain_500_is_not_retried(server: ChatServer) -> None:
    server.script(Reply(status=500, body="{}"), Reply("{}"))
    sleeps = Sleeps()
    with client(server, RetryPolicy(retries=3), sleeps) as chat, pytest.raises(LLMUnavailable):
        chat.complete(MESSAGES)
    assert len(server.received) == 1


def test_structured_output_sends_the_schema(server: ChatServer) -> None:
    server.script(Reply('{"ok": true}'))
    with client(server, RetryPolicy(retries=0), Sleeps(), json_schema=True) as chat:
        assert extract_json(chat.complete(MESSAGES, schema=SCHEMA, schema_name="probe")) == {
            "ok": True
        }
    [sent] = server.received
    assert sent.body["response_format"] == {
        "type": "json_schema", "json_schema": {"name": "probe", "schema": SCHEMA},
    }


def test_a_server_refusing_json_schema_gets_json_object_and_text_extraction(
    server: ChatServer,
) -> None:
    server.script(
        Reply(status=400, body='{"error": {"message": "response_format json_schema unsupported"}}'),
        Reply('Sure:\n```json\n{"ok": true}\n```'),
        Reply('{"ok": false}'),
    )
    with client(server, RetryPolicy(retries=0), Sleeps(), json_schema=True) as chat:
        assert extract_json(chat.complete(MESSAGES, schema=SCHEMA)) == {"ok": True}
        assert extract_json(chat.complete(MESSAGES, schema=SCHEMA)) == {"ok": False}
    formats = [r.body["response_format"]["type"] for r in server.received]
    # Refused once, then json_object for the rest of the client's life.
    assert formats == ["json_schema", "json_object", "json_object"]


def test_without_json_schema_support_json_object_is_asked(server: ChatServer) -> None:
    server.script(Reply('{"ok": true}'))
    with client(server, RetryPolicy(retries=0), Sleeps(), json_schema=False) as chat:
        chat.complete(MESSAGES, schema=SCHEMA)
    assert server.received[0].body["response_format"] == {"type": "json_object"}


def test_header_options_and_errors_without_the_key(server: ChatServer) -> None:
    server.script(Reply(status=401, body=json.dumps({"error": {"message": "bad key"}})))
    chat = client(
        server, RetryPolicy(retries=0), Sleeps(),
        api_key_header="api-key", query_params={"api-version": "2024-06-01"},
    )
    with chat, pytest.raises(LLMUnavailable) as caught:
        chat.complete(MESSAGES)
    [sent] = server.received
    assert sent.path == "/v1/chat/completions?api-version=2024-06-01"
    assert sent.headers["api-key"] == KEY and "authorization" not in sent.headers
    assert KEY not in str(caught.value) and KEY not in repr(chat.settings)
    assert caught.value.server_message == "bad key"


def test_a_reply_that_is_not_text_is_invalid(server: ChatServer) -> None:
    server.script(Reply(body=json.dumps({"choices": [{"message": {"content": None}}]})))
    with client(server, RetryPolicy(retries=0), Sleeps()) as chat, pytest.raises(InvalidReply):
        chat.complete(MESSAGES)
