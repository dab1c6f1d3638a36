"""The LLM engine: any OpenAI-compatible chat-completions endpoint writes the query spec.

Works with OpenAI, Azure OpenAI (set `api_key_header="api-key"` and `query_params=
{"api-version": ...}` with the deployment URL as `base_url`), Ollama, vLLM and llama.cpp's
server: ``POST {base_url}/chat/completions`` with the model, a system prompt holding the schema
(`plotboard.ai.prompt`) and the question.

The model must answer with the JSON described in `prompt.ANSWER_SCHEMA`. Its reply is checked
like any untrusted input: the JSON shape (pydantic), each query with `parse_spec`, then
`compile_query` against the catalog (unknown or hidden tables and columns are refused). With
several sources, each tile must name a listed database in its `source` (or use a table that
only one database has), and all tiles of one answer must read the same database. Any
`sql` the model adds is ignored: this engine only ever returns specs, which run through the
query engine and its access rules like every other query.

Failures never reach the user as errors:

* invalid output: one retry, with the problem fed back to the model;
* invalid twice, an HTTP error, a timeout, an unreachable server: the built-in engine
  answers, and `EngineAnswer.fallback_reason` (also put in front of the answer text) says why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plotboard.ai.answers import (
    CHART_TYPES,
    ChartType,
    ColumnValues,
    ContextClues,
    Engine,
    EngineAnswer,
    Source,
    Sources,
    TileSuggestion,
    as_sources,
)
from plotboard.ai.builtin import BuiltinEngine
from plotboard.ai.builtin.draft import from_spec
from plotboard.ai.builtin.replies import suggestions, title_of
from plotboard.ai.builtin.vocabulary import vocabulary_of
from plotboard.ai.charts import default_chart
from plotboard.ai.prompt import system_prompt, user_prompt
from plotboard.llm import (
    INTERACTIVE,
    ChatClient,
    InvalidReply,
    LLMSettings,
    LLMUnavailable,
    extract_json,
)
from plotboard.query.compile import compile_query
from plotboard.query.errors import QueryError
from plotboard.query.spec import QuerySpec, parse_spec

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger(__name__)

TIMED_OUT = "The AI service did not answer in time, so this answer comes from the built-in engine."
UNREACHABLE = "The AI service could not be reached, so this answer comes from the built-in engine."
HTTP_ERROR = "The AI service returned an error (HTTP {status}), so this answer comes from the " \
             "built-in engine."
UNUSABLE = "The AI service's answer could not be used, so this answer comes from the built-in " \
           "engine."
MAX_ANSWER_CHARS = 1000

__all__ = ["LLMEngine", "LLMSettings", "extract_json"]


class _Tile(BaseModel):
    # extra="ignore": a model that adds "sql" or "explanation" is not an error, and what it
    # added is simply never used.
    model_config = ConfigDict(extra="ignore")
    title: str = Field(default="", max_length=200)
    query: dict[str, Any]
    chart: dict[str, Any] = Field(default_factory=dict)
    source: str | None = Field(default=None, max_length=200)  # the database's name


class _Reply(BaseModel):
    model_config = ConfigDict(extra="ignore")
    answer: str = Field(default="", max_length=4000)
    tile: _Tile | None = None
    tiles: list[_Tile] = Field(default_factory=list, max_length=8)
    suggestions: list[str] = Field(default_factory=list, max_length=8)


class _ChartShape(BaseModel):
    type: ChartType


class _TileShape(BaseModel):
    title: str
    query: QuerySpec
    chart: _ChartShape
    source: str | None = None


class _ReplyShape(BaseModel):
    answer: str
    tile: _TileShape | None
    tiles: list[_TileShape] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)


# What servers with structured output hold the model to: the query spec v2 itself (the same
# pydantic model every spec is checked with), so the schema cannot drift from the checker.
# The reply is still parsed leniently (`_Reply`) and every spec checked with `parse_spec` and
# `compile_query`: a server that ignores the schema gets no more trust than one that keeps it.
_REPLY_SCHEMA = _ReplyShape.model_json_schema()


class _Unavailable(Exception):
    """The service did not give a usable HTTP reply; `reason` is for the user."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


# The model's reply is not a valid answer; the message is fed back to it.
_Invalid = InvalidReply


def _reason(err: LLMUnavailable) -> str:
    if err.kind == "timeout":
        return TIMED_OUT
    if err.kind == "unreachable":
        return UNREACHABLE
    if err.kind == "http":
        return HTTP_ERROR.format(status=err.status)
    return UNUSABLE


class LLMEngine:
    """An `Engine` backed by a chat-completions endpoint, falling back to `fallback`."""

    def __init__(
        self,
        settings: LLMSettings,
        *,
        fallback: Engine | None = None,
        client: httpx.Client | None = None,
    ):
        self.settings = settings
        self.fallback: Engine = fallback or BuiltinEngine()
        self._chat = ChatClient(settings, retry=INTERACTIVE, client=client)

    def close(self) -> None:
        self._chat.close()

    def __enter__(self) -> LLMEngine:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _complete(self, messages: list[dict[str, str]]) -> str:
        """The model's message text for `messages`."""
        try:
            return self._chat.complete(messages, schema=_REPLY_SCHEMA, schema_name="answer")
        except LLMUnavailable as err:
            raise _Unavailable(_reason(err), str(err)) from None

    # -- checking the reply --------------------------------------------------------------

    @staticmethod
    def _source(raw: _Tile, sources: tuple[Source, ...]) -> Source:
        """The database a tile reads: the one it names, else the only one with its table."""
        if len(sources) == 1:
            return sources[0]
        names = ", ".join(json.dumps(s.name, ensure_ascii=False) for s in sources)
        if raw.source is not None:
            wanted = raw.source.strip().casefold()
            for source in sources:
                if wanted in (source.name.casefold(), source.id.casefold()):
                    return source
            raise _Invalid(f'The tile\'s "source" must be one of the databases: {names}.')
        table = raw.query.get("table")
        if isinstance(table, str):
            schema, _, name = table.rpartition(".")
            having = [
                s for s in sources
                if (t := s.catalog.table(name, schema or None)) is not None and not t.hidden
            ]
            if len(having) == 1:
                return having[0]
        raise _Invalid(f'Say which database the tile reads with "source": one of {names}.')

    def _tile(self, raw: _Tile, sources: tuple[Source, ...]) -> TileSuggestion:
        source = self._source(raw, sources)
        try:
            spec = parse_spec(raw.query)
            compile_query(spec, source.catalog)
        except QueryError as err:
            where = f" (at {err.field})" if err.field else ""
            raise _Invalid(f"Invalid query{where}: {err.message}") from None
        vocab = vocabulary_of((source,))
        chart_type = raw.chart.get("type")
        title = raw.title.strip()
        if chart_type not in CHART_TYPES or not title:
            try:
                draft = from_spec(spec, vocab)
            except QueryError as err:
                raise _Invalid(f"Invalid query: {err.message}") from None
            chart_type = chart_type if chart_type in CHART_TYPES else default_chart(vocab, draft)
            title = title or title_of(vocab, draft)
        return TileSuggestion(
            title=title,
            query=spec,
            chart={**raw.chart, "type": chart_type},
            source=source.id or None,
        )

    def _read(self, content: str, sources: tuple[Source, ...]) -> EngineAnswer:
        data = extract_json(content)
        try:
            reply = _Reply.model_validate(data)
        except ValidationError as err:
            first = err.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            raise _Invalid(f"The JSON does not match the answer schema at '{where}': "
                           f"{first['msg']}.") from None
        tile = self._tile(reply.tile, sources) if reply.tile else None
        tiles = tuple(self._tile(t, sources) for t in reply.tiles)
        text = reply.answer.strip()[:MAX_ANSWER_CHARS]
        if tile is None and not tiles:
            ideas = tuple(s.strip()[:200] for s in reply.suggestions if s.strip())
            ideas = ideas or suggestions(vocabulary_of(sources))
            return EngineAnswer(answer=text or "I can't answer that from this data.",
                                suggestions=ideas, engine="llm")
        lead = tile or tiles[0]
        if len({t.source for t in (*([tile] if tile else []), *tiles)}) > 1:
            raise _Invalid("All tiles of one answer must read the same database.")
        if not text:
            text = f"Here is {lead.title[:1].lower()}{lead.title[1:]}."
        return EngineAnswer(answer=text, tile=tile, tiles=tiles, engine="llm", source=lead.source)

    # -- the engine ----------------------------------------------------------------------

    def answer(
        self,
        question: str,
        catalog: Sources,
        values: ColumnValues | None = None,
        *,
        previous: TileSuggestion | None = None,
        context_clues: ContextClues = None,
        today: dt.date | None = None,
        source: str | None = None,
        follow_up: bool | None = None,
    ) -> EngineAnswer:
        """Ask the model; on any failure the fallback engine answers (see module docstring).
        `catalog` is one catalog with its `values`, or every source the user may see;
        `follow_up` False asks afresh (the model does not see `previous`)."""
        today = today or dt.date.today()
        if follow_up is False:
            previous = None
        sources = as_sources(catalog, values)
        if previous is not None and previous.source is None and source is not None:
            previous = dataclasses.replace(previous, source=source)
        messages = [
            {
                "role": "system",
                "content": system_prompt(
                    sources,
                    context_clues=context_clues,
                    today=today,
                    include_values=self.settings.include_values,
                ),
            },
            {"role": "user", "content": user_prompt(question, previous, sources)},
        ]
        reason = UNUSABLE
        for attempt in (1, 2):
            content = ""
            try:
                content = self._complete(messages)
                return self._read(content, sources)
            except _Unavailable as err:
                logger.warning("LLM engine unavailable (%s): %s", self.settings, err)
                reason = err.reason
                break
            except _Invalid as err:
                logger.info("LLM reply invalid (attempt %d): %s", attempt, err)
                if attempt == 2:
                    break
                messages += [
                    {"role": "assistant", "content": content},
                    {
                        "role": "user",
                        "content": f"That reply can't be used: {err} Answer the same question "
                        "again with only the JSON object described in the instructions.",
                    },
                ]
        fallback = self.fallback.answer(
            question, sources, previous=previous, context_clues=context_clues, today=today,
            source=source, follow_up=follow_up,
        )
        return dataclasses.replace(
            fallback,
            answer=f"{reason} {fallback.answer}",
            fallback_reason=reason,
        )
