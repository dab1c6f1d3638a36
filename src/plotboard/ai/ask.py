"""`POST /api/v1/embed/ai/ask`: a question, the user's conversation, an answer and a tile.

The engine sees the catalogs of every source the user may query (each table tagged with its
source) and the real values of low-cardinality columns — fetched through the same secured query
path as any tile, so a user only brings in values their rules let them see. It picks the
table(s) a question is about, and the answer says which source its tile runs on (`source`).
It returns query specs only; the tiles run through the query engine and its access rules like
any other. Conversations are stored per user.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio
import orjson
import sqlalchemy as sa

from plotboard.ai.answers import (
    ColumnValues,
    ContextClues,
    Engine,
    EngineAnswer,
    Source,
    TileSuggestion,
)
from plotboard.ai.ask_request import AskRequest
from plotboard.ai.builtin import BuiltinEngine
from plotboard.ai.builtin.replies import suggestions
from plotboard.ai.builtin.vocabulary import vocabulary_of
from plotboard.ai.llm import LLMEngine
from plotboard.ai.settings import engine_choice
from plotboard.auth.embed_tokens import EmbedToken
from plotboard.cache import cache_key
from plotboard.catalog.model import Catalog
from plotboard.errors import PlotboardError, forbidden, invalid, not_found
from plotboard.query.context import SourceContext
from plotboard.query.errors import QueryError
from plotboard.query.prepare import prepare_query
from plotboard.query.spec import QuerySpec, parse_spec
from plotboard.query.tenant import cache_scope, execute_for, tenant_of
from plotboard.sources.errors import SourceError
from plotboard.sources.routing import TenantTarget
from plotboard.sources.store import list_sources
from plotboard.store.models import Conversation, utcnow

if TYPE_CHECKING:
    from plotboard.runtime import Runtime  # the composition root, above this layer

logger = logging.getLogger(__name__)

MAX_VALUES = 50
VALUES_TTL_SECONDS = 300.0
MAX_MESSAGES = 200


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


def _own_rows(
    runtime: Runtime, user: EmbedToken, context: SourceContext, tenant: TenantTarget | None,
    spec: QuerySpec, row_cap: int,
) -> list[list[Any]] | None:
    """The rows of a small query the engine reads for itself (a column's values, its latest
    date), under the user's access rules like any query and cached for VALUES_TTL_SECONDS in
    the user's cache scope; None when the rules refuse it. Values come back as JSON gives them
    (dates as ISO text), cached or not. Blocking."""
    try:
        prepared = prepare_query(spec, context.catalog, context.rules, user.attributes)
    except QueryError:
        return None
    key = cache_key(cache_scope(context, tenant), prepared.sql, dict(prepared.params), kind="v")
    cached = runtime.cache.get(key)
    if cached is None:
        result = execute_for(
            runtime.pool, context, tenant, prepared.sql, prepared.params, row_cap=row_cap
        )
        cached = orjson.dumps([list(r) for r in result.rows], default=str)
        runtime.cache.set(key, cached, VALUES_TTL_SECONDS)
    rows: list[list[Any]] = orjson.loads(cached)
    return rows


def column_values(runtime: Runtime, user: EmbedToken, context: SourceContext) -> ColumnValues:
    """Distinct values (at most MAX_VALUES) of each low-cardinality text column, under the
    user's access rules; columns with more values are left out. Blocking."""
    values: dict[tuple[str, str], list[str]] = {}
    try:
        tenant = tenant_of(context, user.attributes)
    except PlotboardError:
        return values  # a routed source without this user's tenant: no values at all
    for table, column in _value_columns(context.catalog):
        spec = parse_spec(
            {
                "table": table,
                "dimensions": [{"column": column}],
                "measures": [{"agg": "count"}],
                "limit": MAX_VALUES + 1,
            }
        )
        rows = _own_rows(runtime, user, context, tenant, spec, MAX_VALUES + 1)
        if rows is None:
            continue
        found = [str(r[0]) for r in rows if r and r[0] not in (None, "")]
        if 0 < len(found) <= MAX_VALUES:
            values[(table, column)] = found
    return values


def _date_columns(catalog: Catalog) -> list[tuple[str, str]]:
    """The visible date and date-time columns of the visible tables."""
    picked = []
    for table in catalog.visible_tables():
        label = f"{table.schema}.{table.name}" if table.schema else table.name
        picked += [
            (label, c.name) for c in table.columns
            if not c.hidden and c.type in ("date", "datetime")
        ]
    return picked


def latest_dates(runtime: Runtime, user: EmbedToken, context: SourceContext) -> dict[
    tuple[str, str], str
]:
    """The latest day (ISO) of each date column among the rows the user may see, under their
    access rules like any query (a column they see no rows of is left out). Blocking."""
    latest: dict[tuple[str, str], str] = {}
    try:
        tenant = tenant_of(context, user.attributes)
    except PlotboardError:
        return latest
    for table, column in _date_columns(context.catalog):
        spec = parse_spec({"table": table, "measures": [{"agg": "max", "column": column}]})
        rows = _own_rows(runtime, user, context, tenant, spec, 1)
        if rows is None:
            continue
        if rows and rows[0] and rows[0][0] not in (None, ""):
            latest[(table, column)] = str(rows[0][0])[:10]
    return latest


def source_contexts(runtime: Runtime, org_id: str) -> list[SourceContext]:
    """Every source of the organization open to end users, by name: what its users may ask
    about. Blocking.

    Raises:
        PlotboardError: 404 `no_source` when none is (none connected, or none opened yet: the
        same words for both).
    """
    with runtime.store.session() as session:
        ids = [row.id for row in list_sources(session, org_id, end_user=True)]
    if not ids:
        raise PlotboardError(
            "There is no data source yet: an admin must connect a database and open it to "
            "users first.",
            "no_source",
            404,
        )
    return [runtime.source_context(org_id, source_id) for source_id in ids]


def ai_sources(
    runtime: Runtime, user: EmbedToken | None, contexts: list[SourceContext]
) -> list[Source]:
    """The sources as the engines see them, with the values `user` may see (none without a
    user). A database that can't be reached only loses its values: questions about the
    others still work. Blocking."""
    out = []
    for context in contexts:
        values: ColumnValues = {}
        latest: dict[tuple[str, str], str] = {}
        if user is not None:
            try:
                values = column_values(runtime, user, context)
                latest = latest_dates(runtime, user, context)
            except SourceError as err:
                logger.warning("AI: no values from source %s: %s", context.id, err.message)
        out.append(Source(context.id, context.name, context.catalog, values, latest))
    return out


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
            source = message.get("source", conversation.source_id)
            try:
                return TileSuggestion.from_dict(tile, source if isinstance(source, str) else None)
            except QueryError:
                return None  # the old tile names something that is gone: answer afresh
    return None


def _answer_blocking(
    runtime: Runtime, user: EmbedToken, request: AskRequest
) -> tuple[EngineAnswer, Conversation | None]:
    with runtime.store.session() as session:
        choice = engine_choice(session, user.org_id, runtime.secret_key)
    conversation = _load_conversation(runtime, user, request.conversation_id)
    contexts = source_contexts(runtime, user.org_id)
    known = {c.id for c in contexts}
    # Only a hint: a source removed since (or another organization's) is simply not used.
    stay = request.source if request.source in known else None
    previous = _previous_tile(conversation)
    if request.tile is not None and conversation is not None:
        # The tile as the user left it reads the database of the conversation's last tile.
        where = stay or (previous.source if previous is not None else None)
        try:
            previous = TileSuggestion.from_dict(request.tile, where)
        except QueryError as err:
            raise invalid(f"tile.{err.field or 'query'}", err.message) from err
    if previous is not None and previous.source not in known:
        previous = TileSuggestion(previous.title, previous.query, previous.chart, stay)
    sources = ai_sources(runtime, user, contexts)
    engine: Engine = LLMEngine(choice.llm) if choice.llm is not None else BuiltinEngine()
    try:
        answer = engine.answer(
            request.question,
            sources,
            previous=previous,
            context_clues=_clues(user, choice.context_clues),
            # Relative periods ("last 6 months") count from today in the organization's zone.
            today=runtime.time_zones.today(user.org_id),
            source=stay,
            follow_up=request.follow_up if previous is not None else None,
        )
    finally:
        if isinstance(engine, LLMEngine):
            engine.close()
    return answer, conversation


def _save(
    runtime: Runtime,
    user: EmbedToken,
    conversation: Conversation | None,
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
                for k in (
                    "tile", "tiles", "suggestions", "engine", "fallback_reason", "notes",
                    "understood", "assumptions", "unused", "alternatives", "follow_up",
                )
            },
            "source": answer.source,
        },
    ]
    with runtime.store.session() as session:
        if conversation is None:
            row = Conversation(
                org_id=user.org_id,
                user_id=user.user_id,
                source_id=answer.source,
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
        if answer.source is not None:
            stored.source_id = answer.source  # where the conversation is now
        return stored.id


async def ask(runtime: Runtime, user: EmbedToken, request: AskRequest) -> dict[str, Any]:
    if not user.permissions.ai:
        raise forbidden(
            "This embed token may not use the AI; the host app can allow it with "
            "permissions.ai = true.",
            "ai_not_permitted",
        )
    started = time.perf_counter()
    answer, conversation = await anyio.to_thread.run_sync(
        _answer_blocking, runtime, user, request
    )
    conversation_id = await anyio.to_thread.run_sync(
        _save, runtime, user, conversation, request.question, answer
    )
    return {
        "conversation_id": conversation_id,
        **answer.to_dict(),
        # The source the tile runs on: send it with the tile's query (and back with the next
        # question). Without a tile, the source the conversation was on.
        "source": answer.source or (conversation.source_id if conversation else None),
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


@dataclass(frozen=True)
class Readiness:
    """Whether the organization's users can ask questions now, in words for its admin."""

    ok: bool
    title: str
    message: str


def readiness(runtime: Runtime, org_id: str) -> Readiness:
    """Try the way questions are answered — every source loaded as for the ask endpoint, a
    question a user could ask answered over all of them by the built-in engine — and say how
    it went. Blocking; never raises for a problem a user would meet."""
    try:
        contexts = source_contexts(runtime, org_id)
    except PlotboardError as err:
        return Readiness(
            False,
            "There is nothing to ask about yet",
            "The AI runs inside plotboard, offline, but no database is connected: connect one "
            "under Data sources, then your users can ask about its tables."
            if err.code == "no_source" else err.message,
        )
    sources = ai_sources(runtime, None, contexts)
    tables = sum(len(s.catalog.visible_tables()) for s in sources)
    names = ", ".join(s.name for s in sources)
    where = (
        f"{tables} table{'s' if tables != 1 else ''} in "
        + (f"the database {names}" if len(sources) == 1 else f"{len(sources)} databases ({names})")
    )
    if not tables:
        return Readiness(
            False,
            "There is nothing to ask about yet",
            f"Every table of {names} is hidden: show the tables your users may ask about "
            "under Data sources.",
        )
    ideas = suggestions(vocabulary_of(sources))
    sample = ideas[0] if ideas else ""
    tried = BuiltinEngine().answer(sample, sources) if sample else None
    # Asking which database is a right answer too, when two hold the same table.
    asks_which = tried is not None and bool(tried.suggestions) and all(
        s.startswith(f"{sample} in ") for s in tried.suggestions
    )
    if tried is None or not (tried.tile or tried.tiles or asks_which):
        detail = f" (“{sample}”: {tried.answer})" if tried is not None else ""
        return Readiness(
            False,
            "The built-in engine can't answer yet",
            f"Questions about {where} found no chart{detail}. Give the tables and columns "
            "display names and descriptions under Data sources.",
        )
    example = ""
    if tried.tile is not None:
        chart = tried.tile.chart_type.replace("_", " ")
        example = f" For example “{sample}” gives a {chart} chart."
    return Readiness(
        True,
        "The built-in engine is ready",
        "The built-in engine needs nothing: it runs inside plotboard, offline, and answers in "
        f"milliseconds. It answers questions about {where}.{example}",
    )
