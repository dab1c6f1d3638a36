"""The AI chat of the embedded editor: ask in plain words, get an answer and a tile."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter

from plotboard.ai.ask_request import AskRequest
from plotboard.api import answers, metrics
from plotboard.api.deps import EmbedUser, RuntimeDep
from plotboard.api.usage import AskLimit

router = APIRouter(prefix="/api/v1/embed/ai", tags=["ai"])


@router.post(
    "/ask",
    operation_id="embed_ai_ask",
    response_model=answers.AskAnswer,
    response_model_exclude_unset=True,
    dependencies=[AskLimit],
)
async def ask(body: AskRequest, user: EmbedUser, runtime: RuntimeDep) -> dict[str, Any]:
    """Answer a question: `{"conversation_id", "answer", "tile" | null, "tiles", "suggestions",
    "engine", "fallback_reason"}`. The tile's query runs under the user's access rules like
    any other query."""
    from plotboard.ai import ask as ai_ask  # the engines: loaded on the first question

    answer = await ai_ask.ask(runtime, user, body)
    engine = answer.get("engine")
    metrics.AI_ANSWERS.labels(
        engine if engine in ("builtin", "llm") else "other",
        "yes" if answer.get("fallback_reason") else "no",
    ).inc()
    return answer


@router.get(
    "/conversations",
    operation_id="embed_ai_list_conversations",
    response_model=answers.ConversationList,
)
async def conversations(user: EmbedUser, runtime: RuntimeDep) -> dict[str, Any]:
    from plotboard.ai import ask as ai_ask

    found = await anyio.to_thread.run_sync(ai_ask.list_conversations, runtime, user)
    return {"conversations": found}


@router.get(
    "/conversations/{conversation_id}",
    operation_id="embed_ai_get_conversation",
    response_model=answers.ConversationOut,
    response_model_exclude_unset=True,
)
async def conversation(
    conversation_id: str, user: EmbedUser, runtime: RuntimeDep
) -> dict[str, Any]:
    from plotboard.ai import ask as ai_ask

    return await anyio.to_thread.run_sync(ai_ask.read_conversation, runtime, user, conversation_id)
