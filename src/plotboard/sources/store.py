"""Data sources in the metadata store: connection fields in plain JSON, the password encrypted.

A password is never returned by any function here except `connection_of`, which the pool uses
to connect; what the admin API shows comes from `describe_source`.
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from plotboard.crypto import decrypt, encrypt
from plotboard.errors import FieldError, PlotboardError, conflict, invalid, not_found
from plotboard.sources.dialects import SourceConnection
from plotboard.sources.routing import Routing, check_routing
from plotboard.store.models import CatalogTable, DataSource

#: Whether end users may see a source: "closed" (as if it did not exist) or "open" (under its
#: access rules). A new source is closed until the admin opens it.
EndUsers = Literal["closed", "open"]
END_USERS: tuple[str, ...] = ("closed", "open")


class SourceSettings(BaseModel):
    """How queries on a source run. Defaults suit an interactive dashboard."""

    model_config = ConfigDict(extra="forbid")
    timeout_seconds: float = Field(default=30, gt=0, le=600)
    row_cap: int = Field(default=10_000, ge=1, le=1_000_000)
    cache_ttl_seconds: float = Field(default=300, ge=0, le=86_400)
    # Connections each app worker keeps to this source (and may add under load); None: the
    # server's source_pool_size / source_max_overflow.
    pool_size: int | None = Field(default=None, ge=1, le=1000)
    max_overflow: int | None = Field(default=None, ge=0, le=1000)


class SourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    connection: SourceConnection
    settings: SourceSettings = Field(default_factory=SourceSettings)
    # Per-tenant routing (plotboard.sources.routing); validated by `validate_routing`.
    routing: dict[str, Any] | None = None
    end_users: EndUsers = Field(
        default="closed",
        description="Whether end users may see this database: 'closed' (the default: not in "
        "their catalog, the AI, MCP or any query, as if it did not exist) or 'open' (every "
        "user sees it under its access rules; a table without rules shows every row).",
    )


class SourcePatch(BaseModel):
    """A partial change. Connection fields left out keep their value (the password too)."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    connection: dict[str, Any] | None = None
    settings: dict[str, Any] | None = None  # only the settings sent change
    routing: dict[str, Any] | None = None  # replaces the routing; null removes it
    end_users: EndUsers | None = Field(
        default=None,
        description="'open' lets end users see this database under its access rules; "
        "'closed' hides it from them again.",
    )


def connection_of(row: DataSource, secret_key: str) -> SourceConnection:
    fields = dict(row.connection)
    if row.password_enc:
        fields["password"] = decrypt(secret_key, row.password_enc)
    return SourceConnection.model_validate({"kind": row.kind, **fields})


def _store_connection(row: DataSource, conn: SourceConnection, secret_key: str) -> None:
    row.kind = conn.kind
    row.connection = conn.model_dump(mode="json", exclude={"password", "kind"}, exclude_none=True)
    password = conn.password_value()
    row.password_enc = encrypt(secret_key, password) if password else None


def _unique_name(session: Session, org_id: str, name: str, except_id: str | None = None) -> str:
    name = name.strip()
    stmt = sa.select(DataSource.id).where(DataSource.org_id == org_id, DataSource.name == name)
    existing = session.scalar(stmt)
    if existing and existing != except_id:
        raise conflict(f"A data source named '{name}' already exists.", "source_exists")
    return name


def validate_routing(data: dict[str, Any], conn: SourceConnection) -> Routing:
    """`data` as a `Routing` that fits `conn`'s kind of database, or a 422 naming the field
    (`routing.map`, `routing.mode`, ...)."""
    try:
        routing = Routing.model_validate(data)
    except ValidationError as err:
        first = err.errors(include_url=False, include_input=False)[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        loc = [str(p) for p in first["loc"]]
        if not loc and message.split(":", 1)[0] in ("map", "template"):
            loc, message = [message.split(":", 1)[0]], message.split(":", 1)[1].strip()
        elif not loc and message.startswith("give either"):
            loc = ["map"]
        raise invalid(".".join(["routing", *loc]), message, "invalid_routing") from None
    problem = check_routing(routing, conn)
    if problem is not None:
        field, _, message = problem.partition(": ")
        raise invalid(f"routing.{field}", message, "invalid_routing")
    return routing


def routing_of(row: DataSource) -> Routing | None:
    return Routing.model_validate(row.routing) if row.routing else None


def create_source(session: Session, org_id: str, data: SourceIn, secret_key: str) -> DataSource:
    routing = None if data.routing is None else validate_routing(data.routing, data.connection)
    row = DataSource(
        org_id=org_id,
        name=_unique_name(session, org_id, data.name),
        kind=data.connection.kind,
        connection={},
        settings=data.settings.model_dump(),
        routing=routing.model_dump(exclude_none=True) if routing else None,
        end_users=data.end_users,
    )
    _store_connection(row, data.connection, secret_key)
    session.add(row)
    session.flush()
    return row


def merged_connection(row: DataSource, patch: dict[str, Any], secret_key: str) -> SourceConnection:
    """The saved connection with `patch` applied; a left-out password keeps the saved one."""
    current = connection_of(row, secret_key)
    fields = current.model_dump(exclude={"password"})
    same_kind = patch.get("kind", current.kind) == current.kind
    if not same_kind:
        fields = {"kind": patch["kind"]}  # another kind of database: start from scratch
    fields.update(patch)
    if "password" not in patch and same_kind and current.password_value() is not None:
        fields["password"] = current.password_value()
    return validate_connection(fields)


def validate_connection(fields: dict[str, Any]) -> SourceConnection:
    try:
        return SourceConnection.model_validate(fields)
    except ValidationError as err:
        problems = [
            FieldError(
                "connection." + ".".join(str(p) for p in e["loc"]) if e["loc"] else "connection",
                str(e["msg"]).removeprefix("Value error, "),
            )
            for e in err.errors(include_url=False, include_input=False)
        ]
        first = problems[0]
        raise PlotboardError(
            f"{first.field}: {first.message}", "invalid_request", 422, problems
        ) from None


def merged_settings(row: DataSource, sent: dict[str, Any]) -> SourceSettings:
    try:
        return SourceSettings.model_validate({**settings_of(row).model_dump(), **sent})
    except ValidationError as err:
        first = err.errors(include_url=False, include_input=False)[0]
        field = "settings." + ".".join(str(p) for p in first["loc"])
        raise invalid(field, str(first["msg"]).removeprefix("Value error, ")) from None


def update_source(
    session: Session, row: DataSource, patch: SourcePatch, secret_key: str
) -> DataSource:
    if patch.name is not None:
        row.name = _unique_name(session, row.org_id, patch.name, except_id=row.id)
    if patch.connection is not None:
        _store_connection(row, merged_connection(row, patch.connection, secret_key), secret_key)
    if patch.settings is not None:
        row.settings = merged_settings(row, patch.settings).model_dump()
    if patch.end_users is not None:
        row.end_users = patch.end_users
    if "routing" in patch.model_fields_set:
        routing = patch.routing
        row.routing = (
            None
            if routing is None
            else validate_routing(routing, connection_of(row, secret_key)).model_dump(
                exclude_none=True
            )
        )
    elif patch.connection is not None and row.routing:
        # Routing that no longer fits the new kind of database (schemas on SQLite) is refused.
        routing_now = routing_of(row)
        assert routing_now is not None
        validate_routing(routing_now.model_dump(exclude_none=True), connection_of(row, secret_key))
    session.flush()
    return row


def is_open(row: DataSource) -> bool:
    """Whether end users may see the source (anything but "open" is closed)."""
    return row.end_users == "open"


def get_source(
    session: Session, org_id: str, source_id: str, *, end_user: bool = False
) -> DataSource:
    """The organization's source, or a 404. For an end user (`end_user=True`) a source closed
    to end users is missing in the same words: nothing tells it from one that does not exist."""
    row = session.get(DataSource, source_id)
    if row is None or row.org_id != org_id or (end_user and not is_open(row)):
        raise not_found(f"Data source {source_id}")
    return row


def list_sources(session: Session, org_id: str, *, end_user: bool = False) -> list[DataSource]:
    """The organization's sources by name; for an end user only those open to end users."""
    stmt = sa.select(DataSource).where(DataSource.org_id == org_id).order_by(DataSource.name)
    if end_user:
        stmt = stmt.where(DataSource.end_users == "open")
    return list(session.scalars(stmt))


def resolve_source_id(
    session: Session,
    org_id: str,
    source_id: str | None,
    table: str | None = None,
    *,
    end_user: bool = True,
) -> str:
    """The named source; when none is named, the organization's only one, or else the only
    one with a visible table called `table` (a saved chart whose query names its table but
    not its database, e.g. from before a second database was connected). For an end user
    (the default) only sources open to end users count: a closed one is never named, chosen
    or counted."""
    if source_id:
        return get_source(session, org_id, source_id, end_user=end_user).id
    stmt = (
        sa.select(DataSource.id, DataSource.name)
        .where(DataSource.org_id == org_id)
        .order_by(DataSource.name)
    )
    if end_user:
        stmt = stmt.where(DataSource.end_users == "open")
    rows = session.execute(stmt).all()
    if len(rows) == 1:
        return str(rows[0].id)
    if rows and table:
        schema, _, name = table.strip().rpartition(".")
        match = sa.select(CatalogTable.source_id).where(
            CatalogTable.source_id.in_([r.id for r in rows]),
            sa.func.lower(CatalogTable.name) == name.lower(),
            CatalogTable.hidden.is_(False),
        )
        if schema:
            match = match.where(sa.func.lower(CatalogTable.schema_name) == schema.lower())
        having = sorted({str(s) for s in session.scalars(match)})
        if len(having) == 1:
            return having[0]
    if not rows:
        raise PlotboardError(
            "There is no data source yet: an admin must connect a database and open it to "
            "users first.",
            "no_source",
            404,
        )
    # End users read this (a saved chart without its source): the databases' names, never ids.
    names = ", ".join(str(r.name) for r in rows[:-1]) + f" and {rows[-1].name}"
    raise invalid(
        "source",
        f"this chart does not say which database to use, and there are {len(rows)}: "
        f"{names}. Choose its table again in the editor, or send the database's source "
        "with the query",
        "source_required",
    )


def settings_of(row: DataSource) -> SourceSettings:
    return SourceSettings.model_validate(row.settings or {})


def describe_source(row: DataSource, secret_key: str) -> dict[str, Any]:
    """What the admin API shows: never the password, only whether one is set."""
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "connection": row.connection,
        "has_password": row.password_enc is not None,
        "display": connection_of(row, secret_key).redacted(),
        "settings": settings_of(row).model_dump(exclude_none=True),  # pool sizing when set
        "routing": row.routing or None,
        "end_users": "open" if is_open(row) else "closed",
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }
