"""Data sources and their catalog: connect, change, re-read, remove; table and column edits.

Each use case owns its transaction, its audit record and the invalidation of what the runtime
keeps about the source (pools, catalog, rules); the admin API, the console and the CLI call
these and never each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from plotboard import audit
from plotboard.admin.actor import AdminActor
from plotboard.catalog import store as catalog
from plotboard.catalog.model import Table
from plotboard.errors import PlotboardError, invalid
from plotboard.sources import store as sources
from plotboard.sources.dialects import SourceConnection
from plotboard.sources.engines import create_source_engine
from plotboard.sources.errors import SourceError
from plotboard.sources.introspect import introspect
from plotboard.sources.verdict import ConnectionVerdict, test_connection
from plotboard.store.models import TokenAttribute

if TYPE_CHECKING:
    from plotboard.runtime import Runtime


def verdict_json(verdict: ConnectionVerdict) -> dict[str, Any]:
    """A connection test's answer: `{"ok", "code", "message", "server_version"}`."""
    return {
        "ok": verdict.ok,
        "code": verdict.code,
        "message": verdict.message,
        "server_version": verdict.server_version,
    }


def _connect_or_refuse(conn: SourceConnection) -> tuple[Table, ...]:
    """Test the connection and read its tables; a 422 in plain words when it fails."""
    verdict = test_connection(conn)
    if not verdict.ok:
        raise PlotboardError(verdict.message, f"connection_{verdict.code}", 422)
    engine = create_source_engine(conn)
    try:
        return introspect(engine)
    except SourceError as err:
        raise PlotboardError(err.message, f"introspection_{err.code}", 422) from err
    finally:
        engine.dispose()


ROUTING_TYPES = ("string", "number")


def _check_routing_attribute(session: Session, org_id: str, routing: dict[str, Any] | None) -> None:
    """A 422 naming `routing.attribute` unless it is one of the organization's token
    attributes of a single value (string or number): a tenant is one value."""
    if not routing or not isinstance(routing.get("attribute"), str):
        return  # no routing, or a shape `validate_routing` refuses with its own message
    name = routing["attribute"]
    kind = session.scalar(
        sa.select(TokenAttribute.type).where(
            TokenAttribute.org_id == org_id, TokenAttribute.name == name
        )
    )
    if kind in ROUTING_TYPES:
        return
    candidates = session.scalars(
        sa.select(TokenAttribute.name)
        .where(TokenAttribute.org_id == org_id, TokenAttribute.type.in_(ROUTING_TYPES))
        .order_by(TokenAttribute.name)
    ).all()
    some = ", ".join(f"'{c}'" for c in candidates[:10]) or "none yet: add one first"
    problem = (
        f"there is no token attribute named '{name[:64]}'"
        if kind is None
        else f"'{name}' is a {kind} attribute; a tenant is one value"
    )
    raise invalid(
        "routing.attribute",
        f"{problem}; use a string or number attribute of your token model ({some})",
        "invalid_routing",
    )


def _changed(runtime: Runtime, source_id: str) -> None:
    runtime.pool.remove(source_id)
    runtime.forget_source(source_id)


def list_sources(runtime: Runtime, org_id: str) -> list[dict[str, Any]]:
    with runtime.store.session() as session:
        rows = sources.list_sources(session, org_id)
        return [sources.describe_source(r, runtime.secret_key) for r in rows]


def test_new(conn: SourceConnection) -> dict[str, Any]:
    """Test a connection before saving it."""
    return verdict_json(test_connection(conn))


def create_source(runtime: Runtime, admin: AdminActor, body: sources.SourceIn) -> dict[str, Any]:
    """Connect a database: tested and introspected first, saved only when both succeed."""
    if body.routing is not None:
        sources.validate_routing(body.routing, body.connection)  # before connecting: cheap
        with runtime.store.session() as session:
            _check_routing_attribute(session, admin.org_id, body.routing)
    tables = _connect_or_refuse(body.connection)
    with runtime.store.session() as session:
        row = sources.create_source(session, admin.org_id, body, runtime.secret_key)
        catalog.refresh_catalog(session, row.id, tables)
        audit.record(
            session,
            admin.org_id,
            admin.actor,
            "source.created",
            "source",
            row.id,
            name=row.name,
            kind=row.kind,
            end_users=row.end_users,
        )
        out = {**sources.describe_source(row, runtime.secret_key), "tables": len(tables)}
    runtime.forget_source(out["id"])  # the organization's "only source" may have changed
    return out


def read_source(runtime: Runtime, org_id: str, source_id: str) -> dict[str, Any]:
    with runtime.store.session() as session:
        row = sources.get_source(session, org_id, source_id)
        return sources.describe_source(row, runtime.secret_key)


def update_source(
    runtime: Runtime, admin: AdminActor, source_id: str, body: sources.SourcePatch
) -> dict[str, Any]:
    """Change a source; a changed connection is tested and the catalog refreshed first."""
    with runtime.store.session() as session:
        row = sources.get_source(session, admin.org_id, source_id)
        _check_routing_attribute(session, admin.org_id, body.routing)
        tables = None
        if body.connection is not None:
            conn = sources.merged_connection(row, body.connection, runtime.secret_key)
            tables = _connect_or_refuse(conn)
        was_open = sources.is_open(row)
        sources.update_source(session, row, body, runtime.secret_key)
        if tables is not None:
            catalog.refresh_catalog(session, row.id, tables)
        fields = sorted(set(body.model_dump(exclude_unset=True)) - {"end_users"})
        if fields or body.end_users is None:
            audit.record(
                session,
                admin.org_id,
                admin.actor,
                "source.updated",
                "source",
                row.id,
                fields=fields,
            )
        if sources.is_open(row) != was_open:
            # Who opened a database to end users, and when: its own entry.
            action = "source.opened" if sources.is_open(row) else "source.closed"
            audit.record(
                session, admin.org_id, admin.actor, action, "source", row.id, name=row.name
            )
        out = sources.describe_source(row, runtime.secret_key)
    _changed(runtime, source_id)
    return out


def delete_source(runtime: Runtime, admin: AdminActor, source_id: str) -> str:
    """Remove a source with its catalog and rules; returns its name."""
    with runtime.store.session() as session:
        row = sources.get_source(session, admin.org_id, source_id)
        name = row.name
        session.delete(row)
        audit.record(
            session, admin.org_id, admin.actor, "source.deleted", "source", source_id, name=name
        )
    _changed(runtime, source_id)
    return name


def test_saved(runtime: Runtime, org_id: str, source_id: str) -> dict[str, Any]:
    with runtime.store.session() as session:
        row = sources.get_source(session, org_id, source_id)
        conn = sources.connection_of(row, runtime.secret_key)
    return verdict_json(test_connection(conn))


def refresh_source(runtime: Runtime, admin: AdminActor, source_id: str) -> dict[str, Any]:
    """Re-read tables and columns from the database, keeping the admin's edits."""
    with runtime.store.session() as session:
        row = sources.get_source(session, admin.org_id, source_id)
        conn = sources.connection_of(row, runtime.secret_key)
    tables = _connect_or_refuse(conn)
    with runtime.store.session() as session:
        added = catalog.refresh_catalog(session, source_id, tables)
        audit.record(
            session,
            admin.org_id,
            admin.actor,
            "catalog.refreshed",
            "source",
            source_id,
            added=added,
        )
    _changed(runtime, source_id)
    return {"tables": len(tables), "added": added}


# --- catalog ----------------------------------------------------------------------------


def _table_out(row: Any) -> dict[str, Any]:
    return {
        "name": row.name,
        "schema": row.schema_name or None,
        "display_name": row.display_name,
        "description": row.description,
        "description_reviewed": row.description_reviewed,
        "hidden": row.hidden,
        "primary_key": row.primary_key,
        "foreign_keys": row.foreign_keys,
        "columns": row.columns,
        "edited": row.edited,
        "refreshed_at": row.refreshed_at,
    }


def read_tables(runtime: Runtime, org_id: str, source_id: str) -> list[dict[str, Any]]:
    with runtime.store.session() as session:
        sources.get_source(session, org_id, source_id)
        return [_table_out(r) for r in catalog.table_rows(session, source_id)]


def update_table(
    runtime: Runtime, admin: AdminActor, source_id: str, table: str, body: catalog.TablePatch
) -> dict[str, Any]:
    with runtime.store.session() as session:
        sources.get_source(session, admin.org_id, source_id)
        row = catalog.update_table(session, source_id, table, body)
        audit.record(
            session,
            admin.org_id,
            admin.actor,
            "catalog.table_updated",
            "table",
            table,
            **body.model_dump(exclude_unset=True),
        )
        out = _table_out(row)
    runtime.forget_source(source_id)
    return out


def update_column(
    runtime: Runtime,
    admin: AdminActor,
    source_id: str,
    table: str,
    column: str,
    body: catalog.ColumnPatch,
) -> dict[str, Any]:
    if body.semantic_type is not None and body.semantic_type not in catalog.SEMANTIC_TYPES:
        raise invalid(
            "semantic_type",
            f"'{body.semantic_type}' is not a semantic type; use one of "
            + ", ".join(catalog.SEMANTIC_TYPES),
        )
    with runtime.store.session() as session:
        sources.get_source(session, admin.org_id, source_id)
        out = catalog.update_column(session, source_id, table, column, body)
        audit.record(
            session,
            admin.org_id,
            admin.actor,
            "catalog.column_updated",
            "column",
            f"{table}.{column}",
            **body.model_dump(exclude_unset=True),
        )
    runtime.forget_source(source_id)
    return out
