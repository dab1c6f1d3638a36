"""The metadata store's tables. Every row of customer configuration belongs to one organization.

Schema changes go through Alembic (`store/migrations`); these classes are the ORM view of the
latest revision, and a test checks that the two agree.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: sa.JSON, list[Any]: sa.JSON}


class Organization(Base):
    __tablename__ = "organizations"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(200))
    # HS256 secret for embed tokens, encrypted with the server's secret key.
    signing_secret_enc: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Usage limits the admin changed from the defaults (plotboard.usage.UsageLimits); None:
    # the defaults.
    limits: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    # IANA time zone name that anchors relative dates ("today", "this month"); None: UTC.
    time_zone: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    # The token attribute whose value names a user's team (dashboards shared within a team);
    # None: sharing is off.
    team_attribute: Mapped[str | None] = mapped_column(sa.String(64), default=None)


class AdminUser(Base):
    __tablename__ = "admin_users"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)


class AdminSession(Base):
    __tablename__ = "admin_sessions"
    # sha256 of the cookie value: a leaked database does not give live sessions away.
    id_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    admin_id: Mapped[str] = mapped_column(sa.ForeignKey("admin_users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)  # the visible prefix
    org_id: Mapped[str] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    scopes: Mapped[list[Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(sa.String(320), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    tokens_minted: Mapped[int] = mapped_column(default=0)


class TokenAttribute(Base):
    __tablename__ = "token_attributes"
    __table_args__ = (sa.UniqueConstraint("org_id", "name"),)
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(64))
    type: Mapped[str] = mapped_column(sa.String(16))
    required: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Origin(Base):
    __tablename__ = "origins"
    __table_args__ = (sa.UniqueConstraint("org_id", "origin"),)
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    origin: Mapped[str] = mapped_column(sa.String(300), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DataSource(Base):
    __tablename__ = "data_sources"
    __table_args__ = (sa.UniqueConstraint("org_id", "name"),)
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32))
    # Connection fields without the password; the password is encrypted on its own.
    connection: Mapped[dict[str, Any]] = mapped_column()
    password_enc: Mapped[str | None] = mapped_column(sa.Text, default=None)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Per-tenant routing (plotboard.sources.routing.Routing as JSON); NULL: every query runs on
    # the connection above.
    routing: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    # Whether end users may see the source at all: "closed" (a new source: not in their
    # catalog, the AI, MCP or any query, as if it did not exist) or "open" (under its access
    # rules). Closed unless set: what is forgotten fails closed.
    end_users: Mapped[str] = mapped_column(sa.String(16), default="closed", server_default="closed")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Dashboard(Base):
    """A user's own dashboard. `copied_from`: the starter it is that user's copy of (one copy
    per user and starter). `shared_attribute`/`shared_team`: shared read-only with the users
    whose token has that attribute with that value (JSON-encoded), as the owner's had when
    sharing; both NULL when not shared."""

    __tablename__ = "dashboards"
    __table_args__ = (
        sa.Index("ix_dashboards_owner", "org_id", "user_id"),
        sa.Index("ix_dashboards_team", "org_id", "shared_attribute", "shared_team"),
        sa.UniqueConstraint("org_id", "user_id", "copied_from", name="uq_dashboards_copy"),
    )
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(200))
    tiles: Mapped[list[Any]] = mapped_column()
    filters: Mapped[list[Any]] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    copied_from: Mapped[str | None] = mapped_column(sa.String(32), default=None)
    shared_attribute: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    shared_team: Mapped[str | None] = mapped_column(sa.String(500), default=None)
    shared_at: Mapped[datetime | None] = mapped_column(default=None)


class StarterDashboard(Base):
    """A dashboard the admin published for every end user of the organization. End users read
    it (under their own access rules, as every tile runs with their token) and never change it:
    their first save makes their own copy (`Dashboard.copied_from`)."""

    __tablename__ = "starter_dashboards"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    tiles: Mapped[list[Any]] = mapped_column()
    filters: Mapped[list[Any]] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)
    published_by: Mapped[str] = mapped_column(sa.String(320))
    # The user's dashboard it was published (or last updated) from, if it was.
    source_dashboard_id: Mapped[str | None] = mapped_column(sa.String(32), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DashboardVersion(Base):
    """One saved version of a dashboard, as it was saved (the newest equals the dashboard).

    Written in the same transaction as the save that made it; the primary key makes a version
    number impossible to write twice. Old versions past the retention setting are deleted.
    """

    __tablename__ = "dashboard_versions"
    dashboard_id: Mapped[str] = mapped_column(
        sa.ForeignKey("dashboards.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(sa.String(200))
    tiles: Mapped[list[Any]] = mapped_column()
    filters: Mapped[list[Any]] = mapped_column()
    summary: Mapped[str] = mapped_column(sa.String(500))
    restored_from: Mapped[int | None] = mapped_column(default=None)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(sa.String(320))
    action: Mapped[str] = mapped_column(sa.String(64))
    target_type: Mapped[str] = mapped_column(sa.String(64))
    target_id: Mapped[str | None] = mapped_column(sa.String(200), default=None)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CatalogTable(Base):
    """One table of a data source, as introspected, plus what the admin edited.

    Refreshing from the database updates `columns`' types, keys and the list of columns; the
    admin's display names, descriptions, semantic types and hidden flags are kept.
    """

    __tablename__ = "catalog_tables"
    __table_args__ = (sa.UniqueConstraint("source_id", "schema_name", "name"),)
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    source_id: Mapped[str] = mapped_column(
        sa.ForeignKey("data_sources.id", ondelete="CASCADE"), index=True
    )
    schema_name: Mapped[str] = mapped_column(sa.String(200), default="")
    name: Mapped[str] = mapped_column(sa.String(200))
    display_name: Mapped[str | None] = mapped_column(sa.String(200), default=None)
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    # The description as the admin confirmed it safe for every end user of a table with an
    # access rule (plotboard.analyze.disclosure); another text is checked again.
    description_reviewed: Mapped[str | None] = mapped_column(sa.Text, default=None)
    hidden: Mapped[bool] = mapped_column(default=False)
    primary_key: Mapped[list[Any]] = mapped_column(default=list)
    foreign_keys: Mapped[list[Any]] = mapped_column(default=list)
    # [{"name", "type", "native_type", "nullable", "display_name", "description",
    #   "semantic_type", "hidden", "edited": [field names the admin set],
    #   "description_reviewed": the description as the admin confirmed it (optional)}]
    columns: Mapped[list[Any]] = mapped_column(default=list)
    # Field names the admin set by hand; Analyze leaves them alone unless told otherwise.
    edited: Mapped[list[Any]] = mapped_column(default=list)
    refreshed_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AccessRule(Base):
    """Row-level security for one table: AND of groups, each an OR of conditions."""

    __tablename__ = "access_rules"
    __table_args__ = (sa.UniqueConstraint("source_id", "table_name"),)
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    source_id: Mapped[str] = mapped_column(
        sa.ForeignKey("data_sources.id", ondelete="CASCADE"), index=True
    )
    table_name: Mapped[str] = mapped_column(sa.String(400))
    conditions: Mapped[list[Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AnalyzeJob(Base):
    """One run of Analyze over some tables of a source: progress while it runs, then the
    profiles and the proposals (display names, descriptions, semantic types) for review."""

    __tablename__ = "analyze_jobs"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[str] = mapped_column(
        sa.ForeignKey("data_sources.id", ondelete="CASCADE"), index=True
    )
    # queued | running | done | failed (the queue: `plotboard.store.queue`)
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    # The source id while the job is queued or running, NULL after: the unique constraint
    # allows one active job per source, across every app server sharing the store.
    active_source_id: Mapped[str | None] = mapped_column(sa.String(32), unique=True, default=None)
    # {"tables", "overwrite", "use_llm", "apply", "quote_values"}
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    progress: Mapped[float] = mapped_column(sa.Float, default=0.0)
    current_table: Mapped[str | None] = mapped_column(sa.String(400), default=None)
    current_column: Mapped[str | None] = mapped_column(sa.String(200), default=None)
    # {"tables_total", "tables_done", "columns_profiled", "proposals", ...}
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(sa.Text, default=None)
    notes: Mapped[list[Any]] = mapped_column(default=list)
    profiles: Mapped[list[Any]] = mapped_column(default=list)
    proposals: Mapped[list[Any]] = mapped_column(default=list)
    # Which worker runs the job ("host:pid:boot"), and when it last said it was alive.
    runner: Mapped[str | None] = mapped_column(sa.String(200), default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    # The queue: times a worker took the job, and the most it may; a queued job waits until
    # `run_after` (back-off between attempts); a running one is its worker's until
    # `lease_expires_at`, which the worker renews, and any worker's after.
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    max_attempts: Mapped[int] = mapped_column(default=3, server_default="3")
    run_after: Mapped[datetime | None] = mapped_column(default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set by a cancel request (from any server); the runner stops at its next step.
    cancel_requested_by: Mapped[str | None] = mapped_column(sa.String(320), default=None)
    created_by: Mapped[str] = mapped_column(sa.String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    applied_at: Mapped[datetime | None] = mapped_column(default=None)
    applied_by: Mapped[str | None] = mapped_column(sa.String(320), default=None)


class AISettings(Base):
    """Which engine answers an organization's questions; the LLM key is encrypted."""

    __tablename__ = "ai_settings"
    org_id: Mapped[str] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    engine: Mapped[str] = mapped_column(sa.String(16), default="builtin")  # builtin | openai
    base_url: Mapped[str | None] = mapped_column(sa.String(500), default=None)
    model: Mapped[str | None] = mapped_column(sa.String(200), default=None)
    api_key_enc: Mapped[str | None] = mapped_column(sa.Text, default=None)
    context_clues: Mapped[str] = mapped_column(sa.Text, default="")
    # Send real column values (e.g. city names) to the LLM; off by default.
    include_values: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(320), default=None)


class Conversation(Base):
    """One user's chat with the AI: the questions, the answers and the tiles proposed."""

    __tablename__ = "conversations"
    __table_args__ = (sa.Index("ix_conversations_owner", "org_id", "user_id"),)
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(sa.String(200))
    source_id: Mapped[str | None] = mapped_column(sa.String(32), default=None)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    # [{"role": "user"|"assistant", "text", "tile"?, "tiles"?, "at"}]
    messages: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SignInAttempt(Base):
    """A counter of admin sign-in attempts for one key (a hash of the email, or of the email
    and the client address) in the window that ends at `expires_at`. Shared by every app server
    through the store; rows past `expires_at` count as zero and are pruned."""

    __tablename__ = "sign_in_attempts"
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(sa.Integer)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class RateCounter(Base):
    """A fixed-window counter of a usage limit (e.g. one user's queries this minute), shared by
    every app server when there is no Redis; rows past `expires_at` count as zero and are
    pruned."""

    __tablename__ = "rate_counters"
    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    count: Mapped[int] = mapped_column(sa.Integer)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class ConcurrencyLease(Base):
    """One request running under a concurrency limit (`key` names the limit and who it is
    for). Deleted when the request ends; a lease whose server died expires at `expires_at`."""

    __tablename__ = "concurrency_leases"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), index=True)
    expires_at: Mapped[datetime] = mapped_column()


class StoreChange(Base):
    """One row (id 1): `generation` moves on in the same transaction as every write to a table
    that app servers cache (plotboard.store.changes), so a server re-reads only on change."""

    __tablename__ = "store_changes"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(sa.BigInteger)
