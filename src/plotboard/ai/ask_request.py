"""The body of an AI question (`/api/v1/embed/ai/ask`, the MCP tool), apart from the engines:
the route's signature needs it when the app is built, the engines only on the first question."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=1000)
    conversation_id: str | None = Field(default=None, max_length=64)
    # The source the conversation is on (the last answer's `source`): a question stays on it
    # while it fits a table there. Every source the user may see is searched otherwise.
    source: str | None = Field(default=None, max_length=64)
    # The last tile as the user left it (e.g. after changing its chart): a follow-up refines
    # this one instead of the stored answer. Only a spec: it runs under the rules like any.
    tile: dict[str, Any] | None = None
    # How to read the question after the last tile: true changes it (`tile`, else the stored
    # last tile), false asks afresh; unset, the engine decides. An alternative's `follow_up`.
    follow_up: bool | None = None
