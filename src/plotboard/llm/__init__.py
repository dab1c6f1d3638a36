"""The one client for OpenAI-compatible chat-completions endpoints (AI, Analyze, console probe).

    with ChatClient(LLMSettings(base_url, model, api_key)) as chat:
        text = chat.complete(messages, schema=ANSWER_SCHEMA)   # raises LLMUnavailable
        data = extract_json(text)                               # raises InvalidReply

It owns what every caller needs and none should repeat: the URL, the key header
(``Authorization: Bearer`` or Azure's ``api-key``), query parameters, timeouts, bounded retries
with backoff and ``Retry-After`` on 429/502/503/504, structured output (a JSON schema where the
server supports it, else ``json_object``, and JSON extraction from text either way), a cap on the
reply size, and error messages that never hold the key.

It is a small client over httpx rather than the `openai` SDK: plotboard already depends on
httpx, uses one endpoint, and must also speak to Azure, Ollama, vLLM and llama.cpp servers with
their header and query quirks; the SDK would add several packages to every host install
(anyio, distro, jiter, sniffio, tqdm) and its own retry policy, which is not bounded by what an
interactive question can wait.
"""

from plotboard.llm.client import (
    BACKGROUND,
    INTERACTIVE,
    NO_RETRY,
    ChatClient,
    InvalidReply,
    LLMSettings,
    LLMUnavailable,
    RetryPolicy,
    extract_json,
    forget_formats,
)

__all__ = [
    "BACKGROUND",
    "INTERACTIVE",
    "NO_RETRY",
    "ChatClient",
    "InvalidReply",
    "LLMSettings",
    "LLMUnavailable",
    "RetryPolicy",
    "extract_json",
    "forget_formats",
]
