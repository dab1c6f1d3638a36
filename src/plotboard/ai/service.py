"""`POST /api/v1/embed/ai/ask`: a question, the user's conversation, an answer and a tile.

The engine sees the catalog the user may query and the real values of low-cardinality columns
— fetched through the same secured query path as any tile, so a user only brings in values
their rules let them see. It returns query specs only; the tiles run through the query engine
and its access rules like any other. Conversations are stored per user.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from typing import Any

import anyio
import orjson
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field

from plotboard.ai.answers import ColumnValues, ContextClues, Engine, EngineAnswer, TileSuggestion
from plotboard.ai.builtin import BuiltinEngine
from plotboard.ai.llm import LLMEngine
from plotboard.ai.settings import engine_choice
from plotboard.auth.embed_tokens import EmbedToken
from plotboard.cache import cache_key
from plotboard.catalog.model import Catalog
from plotboard.errors import forbidden, invalid, not_found
from plotboard.query.context import SourceContext
from plotboard.query.errors import QueryError
from plotboard.query.prepare import prepare_query
from plotboard.query.spec import parse_spec
from plotboard.runtime import Runtime
from plotboard.store.models import Conversation, utcnow

MAX_VALUES = 50
VALUES_TTL_SECONDS = 300.0
MAX_MESSAGES = 200


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=1000)
    conversation_id: str | None = Field(default=None, max_length=64)
    source: str | None = Field(default=None, max_length=64)
    # The last tile as the user left it (e.g. after changing its chart): a follow-up refines
    # this one instead of the stored answer. Only a spec: it runs under the rules like any.
    tile: dict[str, Any] | None = None


def _value_columns(catalog: Catalog) -> list[tuple[str, str]]:
    """Text columns worth offering as filter words (visible, not identifiers or free text)."""
    picked = []
    for table in catalog.visible_tables():
        label = f"{table.schema}.{table.name}" if table.schema else table.name
        for column in table.columns:
            if column.hidden or column.type != "string":
                continue
            if column.semantic_type in ("identifier", "email", "url", "text"):
                continue
            picked.append((label, column.name))
    return picked


def column_values(runtime: Runtime, user: EmbedToken, context: SourceContext) -> ColumnValues:
    """Distinct values (at most MAX_VALUES) of each low-cardinality text column, under the
    user's access rules; columns with more values are left out. Blocking."""
    values: dict[tuple[str, str], list[str]] = {}
    for table, column in _value_columns(context.catalog):
        spec = parse_spec(
            {
                "table": table,
                "dimensions": [{"column": column}],
                "measures": [{"agg": "count"}],
                "limit": MAX_VALUES + 1,
            }
        )
        try:
            prepared = prepare_query(spec, context.catalog, context.rules, user.attributes)
        except QueryError:
            continue
        key = cache_key(context.cache_scope, prepared.sql, dict(prepared.params))
        cached = runtime.cache.get(key)
        if cached is not None:
            rows = orjson.loads(cached)
        else:
            result = runtime.pool.execute(
                context.id,
                prepared.sql,
                dict(prepared.params),
                timeout_s=context.settings.timeout_seconds,
                row_cap=MAX_VALUES + 1,
            )
            rows = result.rows
            runtime.cache.set(key, orjson.dumps(rows), VALUES_TTL_SECONDS)
        found = [str(r[0]) for r in rows if r and r[0] not in (None, "")]
        if 0 < len(found) <= MAX_VALUES:
            values[(table, column)] = found
    return values


def _clues(user: EmbedToken, org_default: str) -> ContextClues:
    """The token's clues, or the admin's default clues when the token has none."""
    if user.ai_context_clues:
        return user.ai_context_clues
    return org_default or None


def _load_conversation(
    runtime: Runtime, user: EmbedToken, conversation_id: str | None
) -> Conversation | None:
    if conversation_id is None:
        return None
    with runtime.store.session() as session:
        row = session.get(Conversation, conversation_id)
        if row is None or row.org_id != user.org_id or row.user_id != user.user_id:
            raise not_found(f"Conversation {conversation_id}")
        session.expunge(row)
        return row


def _previous_tile(conversation: Conversation | None) -> TileSuggestion | None:
    if conversation is None:
        return None
    for message in reversed(conversation.messages):
        tile = message.get("tile")
        if isinstance(tile, Mapping):
            try:
                return TileSuggestion.from_dict(tile)
            except QueryError:
                return None  # the old tile names something that is gone: answer afresh
    return None


def _answer_blocking(
    runtime: Runtime, user: EmbedToken, request: AskRequest, context: SourceContext
) -> tuple[EngineAnswer, Conversation | None]:
    with runtime.store.session() as session:
        choice = engine_choice(session, user.org_id, runtime.secret_key)
    conversation = _load_conversation(runtime, user, request.conversation_id)
    previous = _previous_tile(conversation)
    if request.tile is not None and conversation is not None:
        try:
            previous = TileSuggestion.from_dict(request.tile)
        except QueryError as err:
            raise invalid(f"tile.{err.field or 'query'}", err.message) from err
    values = column_values(runtime, user, context)
    engine: Engine = LLMEngine(choice.llm) if choice.llm is not None else BuiltinEngine()
    try:
        answer = engine.answer(
            request.question,
            context.catalog,
            values,
            previous=previous,
            context_clues=_clues(user, choice.context_clues),
            today=dt.date.today(),
        )
    finally:
        if isinstance(engine, LLMEngine):
            engine.close()
    return answer, conversation


def _save(
    runtime: Runtime,
    user: EmbedToken,
    conversation: Conversation | None,
    context: SourceContext,
    question: str,
    answer: EngineAnswer,
) -> str:
    now = utcnow()
    stamp = now.isoformat()
    reply = answer.to_dict()
    new_messages: list[dict[str, Any]] = [
        {"role": "user", "text": question, "at": stamp},
        {
            "role": "assistant",
            "text": answer.answer,
            "at": stamp,
            **{
                k: reply[k]
                for k in ("tile", "tiles", "suggestions", "engine", "fallback_reason", "notes")
            },
        },
    ]
    with runtime.store.session() as session:
        if conversation is None:
            row = Conversation(
                org_id=user.org_id,
                user_id=user.user_id,
                source_id=context.id,
                title=question[:200],
                messages=new_messages,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            return row.id
        # One UPDATE appending to what is stored now, so two tabs asking at once both keep
        # their messages (the row is re-read under the transaction).
        stored = session.get(Conversation, conversation.id, with_for_update=True)
        if stored is None:
            raise not_found(f"Conversation {conversation.id}")
        stored.messages = [*stored.messages, *new_messages][-MAX_MESSAGES:]
        stored.updated_at = now
        return stored.id


async def ask(runtime: Runtime, user: EmbedToken, request: AskRequest) -> dict[str, Any]:
    if not user.permissions.ai:
        raise forbidden(
            "This embed token may not use the AI; the host app can allow it with "
            "permissions.ai = true.",
            "ai_not_permitted",
        )
    started = time.perf_counter()
    context = await anyio.to_thread.run_sync(runtime.source_context, user.org_id, request.source)
    answer, conversation = await anyio.to_thread.run_sync(
        _answer_blocking, runtime, user, request, context
    )
    conversation_id = await anyio.to_thread.run_sync(
        _save, runtime, user, conversation, context, request.question, answer
    )
    return {
        "conversation_id": conversation_id,
        **answer.to_dict(),
        "source": context.id,
        "elapsed_ms": round((time.perf_counter() - started) * 1000, 1),
    }


def conversation_out(row: Conversation) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "source": row.source_id,
        "messages": row.messages,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def list_conversations(runtime: Runtime, user: EmbedToken) -> list[dict[str, Any]]:
    with runtime.store.session() as session:
        rows = session.scalars(
            sa.select(Conversation)
            .where(Conversation.org_id == user.org_id, Conversation.user_id == user.user_id)
            .order_by(Conversation.updated_at.desc())
            .limit(100)
        )
        return [
            {
                "id": r.id,
                "title": r.title,
                "updated_at": r.updated_at,
                "message_count": len(r.messages),
            }
            for r in rows
        ]


def read_conversation(runtime: Runtime, user: EmbedToken, conversation_id: str) -> dict[str, Any]:
    row = _load_conversation(runtime, user, conversation_id)
    assert row is not None
    return conversation_out(row)
