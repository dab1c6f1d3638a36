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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Dashboard(Base):
    __tablename__ = "dashboards"
    __table_args__ = (sa.Index("ix_dashboards_owner", "org_id", "user_id"),)
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(200))
    tiles: Mapped[list[Any]] = mapped_column()
    filters: Mapped[list[Any]] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


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
    hidden: Mapped[bool] = mapped_column(default=False)
    primary_key: Mapped[list[Any]] = mapped_column(default=list)
    foreign_keys: Mapped[list[Any]] = mapped_column(default=list)
    # [{"name", "type", "native_type", "nullable", "display_name", "description",
    #   "semantic_type", "hidden", "edited": [field names the admin set]}]
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
