"""The answers of the API operations whose use cases return plain dicts, as response models.

They are the OpenAPI document's answer schemas (each operation's `response_model`), so a
client generated from the document gets typed results, and schemathesis holds a live server
to them (tests/test_openapi_live.py).

Two kinds:

- `Answer`: an object plotboard builds field by field. `extra="forbid"`: a key a use case
  returns that its model does not declare fails the response (a 500 in the tests that call
  it) instead of being dropped silently, and the document says no other key comes
  (`additionalProperties: false`).
- `Stored`: a JSON object kept in the store as written (a catalog column, an access rule's
  condition, a conversation's message, an audit entry's details): the fields every version
  writes are declared, and what else an entry holds is passed through. Routes whose answer
  holds these, or optional fields, set `response_model_exclude_unset`: the answer has the
  keys the use case returned, none added with a default.

The hot paths are not validated per request: `POST /embed/query` sends the answer orjson
encoded when it was computed (or as cached), and `GET /embed/geo` sends its encoded answer;
their models only describe them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from plotboard.admin.keys import KeyOut
from plotboard.auth.embed_tokens import Permissions
from plotboard.geo import Place
from plotboard.usage.settings import UsageLimits


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Stored(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- embed: catalog, query, geo -----------------------------------------------------------


class CatalogColumn(Answer):
    name: str
    type: str = Field(description="string, integer, number, boolean, date, datetime, ...")
    display_name: str | None
    description: str | None
    semantic_type: str | None


class CatalogRelation(Answer):
    """A foreign key to another visible table (a join the query spec may use)."""

    columns: list[str]
    ref_table: str
    ref_columns: list[str]


class CatalogTableOut(Answer):
    name: str
    schema_: str | None = Field(alias="schema", serialization_alias="schema")
    display_name: str | None
    description: str | None
    columns: list[CatalogColumn]
    relations: list[CatalogRelation]


class CatalogSource(Answer):
    id: str
    name: str
    dialect: str
    tables: list[CatalogTableOut]


class EmbedCatalog(Answer):
    """The tables and columns this user may query, per source."""

    sources: list[CatalogSource]


class ResultColumn(Stored):
    name: str
    type: str
    format: dict[str, Any] | None = Field(
        default=None, description="A measure's display format, e.g. currency."
    )
    null_means: Literal["hidden", "hidden_or_empty"] | None = Field(
        default=None, description="Some of the column's NULLs are rows an access rule hides."
    )


class QueryResult(Answer):
    """A query's answer (docs/queries.md)."""

    columns: list[ResultColumn]
    rows: list[list[Any]]
    row_count: int
    truncated: bool = Field(description="The row cap cut the answer.")
    row_cap: int
    sql: str = Field(description="The SQL that ran, with the access rules' filters.")
    security_filters: list[str]
    source: str
    elapsed_ms: float
    cache: Literal["hit", "miss"]
    relative_dates: list[dict[str, Any]] | None = Field(
        default=None, description="What each relative date filter resolved to."
    )
    compare: dict[str, Any] | None = Field(
        default=None, description="What a period comparison compared."
    )


class GeoAnswer(Answer):
    places: dict[str, Place | None] = Field(
        description="Each name as given, with its place or null when it is not found."
    )


# --- embed: AI ----------------------------------------------------------------------------


class SuggestedTile(Stored):
    title: str
    query: dict[str, Any] = Field(description="A query spec (docs/queries.md).")
    chart: dict[str, Any] = Field(description="`type` and the chart's options.")


class Alternative(Stored):
    label: str
    question: str
    follow_up: bool | None = None


class AskAnswer(Answer):
    """The AI's answer (docs/ai.md)."""

    conversation_id: str
    answer: str
    tile: SuggestedTile | None
    tiles: list[SuggestedTile]
    suggestions: list[str]
    engine: str = Field(description="builtin or llm")
    fallback_reason: str | None
    notes: list[str]
    understood: str | None
    assumptions: list[str]
    unused: list[str]
    alternatives: list[Alternative]
    follow_up: bool | None
    source: str | None = Field(description="The source the tile's query runs on.")
    elapsed_ms: float


class ConversationSummary(Answer):
    id: str
    title: str
    updated_at: datetime
    message_count: int


class ConversationList(Answer):
    conversations: list[ConversationSummary]


class Message(Stored):
    """A user's question or an answer (with the answer's fields: tile, suggestions, ...)."""

    role: Literal["user", "assistant"]
    text: str
    at: str


class ConversationOut(Answer):
    id: str
    title: str
    source: str | None
    messages: list[Message]
    created_at: datetime
    updated_at: datetime


# --- tokens -------------------------------------------------------------------------------


class ValidToken(Answer):
    valid: Literal[True]
    user_id: str
    attributes: dict[str, Any]
    ai_context_clues: str | dict[str, str] | None
    permissions: Permissions
    key_id: str
    issued_at: str
    expires_at: str
    token_id: str | None


class InvalidToken(Answer):
    valid: Literal[False]
    code: str
    reason: str


Introspection = ValidToken | InvalidToken


# --- admin: sources, catalog, rules -------------------------------------------------------


class ConnectionTest(Answer):
    ok: bool
    code: str = Field(description="ok, access_denied, unknown_host, timeout, ...")
    message: str
    server_version: str | None


class SourceOut(Answer):
    id: str
    name: str
    kind: str
    connection: dict[str, Any] = Field(description="The connection without its password.")
    has_password: bool
    display: str
    settings: dict[str, float | int]
    routing: dict[str, Any] | None
    end_users: Literal["closed", "open"] = Field(
        description="Whether end users see this database: 'closed' (a new database until the "
        "admin opens it: not in their catalog, the AI, MCP or any query, as if it did not "
        "exist) or 'open' (under its access rules; a table without rules shows every row). "
        'Change it with PATCH `{"end_users": "open"}`.'
    )
    created_at: datetime
    updated_at: datetime


class CreatedSource(SourceOut):
    tables: int = Field(description="How many tables were found.")


class SourceList(Answer):
    sources: list[SourceOut]


class Refreshed(Answer):
    tables: int
    added: list[str] = Field(description="The tables that are new.")


class StoredForeignKey(Stored):
    columns: list[str]
    ref_table: str
    ref_columns: list[str]
    ref_schema: str | None = None


class StoredColumn(Stored):
    name: str
    type: str
    native_type: str | None = None
    nullable: bool = True
    display_name: str | None = None
    description: str | None = None
    semantic_type: str | None = None
    hidden: bool = False
    edited: list[str] = Field(default_factory=list)


class TableOut(Answer):
    name: str
    schema_: str | None = Field(alias="schema", serialization_alias="schema")
    display_name: str | None
    description: str | None
    description_reviewed: str | None
    hidden: bool
    primary_key: list[str]
    foreign_keys: list[StoredForeignKey]
    columns: list[StoredColumn]
    edited: list[str]
    refreshed_at: datetime | None


class TableList(Answer):
    tables: list[TableOut]


class RuleOut(Answer):
    table: str
    conditions: list[dict[str, Any]] = Field(
        description='Each condition, or `{"any": [...]}` for alternatives (docs/security.md).'
    )


class RuleList(Answer):
    rules: list[RuleOut]


# --- admin: analyze -----------------------------------------------------------------------


class AnalyzeJob(Answer):
    id: str
    source_id: str
    status: str = Field(description="queued, running, done, failed or cancelled")
    progress: float
    current_table: str | None
    current_column: str | None
    counts: dict[str, Any]
    error: str | None
    attempts: int
    max_attempts: int
    next_attempt_at: datetime | None
    notes: list[Any]
    options: dict[str, Any]
    created_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    applied_at: datetime | None
    applied_by: str | None
    cancel_requested_by: str | None
    proposals: list[dict[str, Any]] | None = Field(
        default=None, description="With `detail` only: what Analyze proposes, per column."
    )
    profiles: list[dict[str, Any]] | None = Field(
        default=None, description="With `detail` only: each table's profile."
    )


class AnalyzeJobList(Answer):
    jobs: list[AnalyzeJob]


class FieldChange(Stored):
    table: str
    column: str | None = Field(description="null for the table's own fields.")
    field: str


class Applied(Answer):
    applied: int
    kept: list[FieldChange] = Field(description="Admin edits left alone.")
    skipped: list[FieldChange] = Field(description="Gone from the catalog since.")
    unchanged: int
    changes: list[FieldChange]


# --- admin: set-up ------------------------------------------------------------------------


class LimitsOut(Answer):
    limits: UsageLimits = Field(description="In force (0: off).")
    defaults: UsageLimits


class NewApiKey(KeyOut):
    model_config = ConfigDict(extra="forbid")

    secret: str = Field(description="Shown once: it is not stored.")


class AuditEntry(Answer):
    actor: str
    action: str
    target_type: str | None
    target_id: str | None
    details: dict[str, Any]
    created_at: datetime


class AuditLog(Answer):
    entries: list[AuditEntry]


class Health(Answer):
    status: Literal["ok"]
    version: str
