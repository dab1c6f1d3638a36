"""The admin API for data sources, their catalog and their access rules."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from plotboard import audit
from plotboard.access import store as rules_store
from plotboard.access.rules import rule_to_json
from plotboard.api.deps import Admin, RuntimeDep
from plotboard.auth.token_attributes import attribute_model
from plotboard.catalog import service as catalog
from plotboard.catalog.model import Table
from plotboard.errors import PlotboardError, invalid
from plotboard.runtime import Runtime
from plotboard.sources import store as sources
from plotboard.sources.dialects import SourceConnection
from plotboard.sources.engines import create_source_engine
from plotboard.sources.errors import SourceError
from plotboard.sources.introspect import introspect
from plotboard.sources.verdict import ConnectionVerdict, test_connection

router = APIRouter(prefix="/api/v1/admin/sources", tags=["admin: sources"])


def _verdict(verdict: ConnectionVerdict) -> dict[str, Any]:
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
        raise PlotboardError(
            verdict.message,
            f"connection_{verdict.code}",
            422,
        )
    engine = create_source_engine(conn)
    try:
        return introspect(engine)
    except SourceError as err:
        raise PlotboardError(err.message, f"introspection_{err.code}", 422) from err
    finally:
        engine.dispose()


def _changed(runtime: Runtime, source_id: str) -> None:
    runtime.pool.remove(source_id)
    runtime.forget_source(source_id)


@router.get("")
def list_all(admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    with runtime.store.session() as session:
        rows = sources.list_sources(session, admin.org_id)
        return {"sources": [sources.describe_source(r, runtime.secret_key) for r in rows]}


@router.post("/test")
def test_new(body: SourceConnection, admin: Admin) -> dict[str, Any]:
    """Test a connection before saving it: `{"ok", "code", "message", "server_version"}`."""
    return _verdict(test_connection(body))


@router.post("", status_code=201)
def create(body: sources.SourceIn, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    """Connect a database: tested and introspected first, saved only when both succeed."""
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
        )
        out = {**sources.describe_source(row, runtime.secret_key), "tables": len(tables)}
    runtime.forget_source(out["id"])  # the organization's "only source" may have changed
    return out


@router.get("/{source_id}")
def read(source_id: str, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    with runtime.store.session() as session:
        row = sources.get_source(session, admin.org_id, source_id)
        return sources.describe_source(row, runtime.secret_key)


@router.patch("/{source_id}")
def update(
    source_id: str, body: sources.SourcePatch, admin: Admin, runtime: RuntimeDep
) -> dict[str, Any]:
    """Change a source; a changed connection is tested and the catalog refreshed first."""
    with runtime.store.session() as session:
        row = sources.get_source(session, admin.org_id, source_id)
        tables = None
        if body.connection is not None:
            conn = sources.merged_connection(row, body.connection, runtime.secret_key)
            tables = _connect_or_refuse(conn)
        sources.update_source(session, row, body, runtime.secret_key)
        if tables is not None:
            catalog.refresh_catalog(session, row.id, tables)
        audit.record(
            session,
            admin.org_id,
            admin.actor,
            "source.updated",
            "source",
            row.id,
            fields=sorted(body.model_dump(exclude_unset=True)),
        )
        out = sources.describe_source(row, runtime.secret_key)
    _changed(runtime, source_id)
    return out


@router.delete("/{source_id}", status_code=204)
def delete(source_id: str, admin: Admin, runtime: RuntimeDep) -> Response:
    with runtime.store.session() as session:
        row = sources.get_source(session, admin.org_id, source_id)
        session.delete(row)
        audit.record(
            session, admin.org_id, admin.actor, "source.deleted", "source", source_id, name=row.name
        )
    _changed(runtime, source_id)
    return Response(status_code=204)


@router.post("/{source_id}/test")
def test_saved(source_id: str, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    with runtime.store.session() as session:
        row = sources.get_source(session, admin.org_id, source_id)
        conn = sources.connection_of(row, runtime.secret_key)
    return _verdict(test_connection(conn))


@router.post("/{source_id}/refresh")
def refresh(source_id: str, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
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


@router.get("/{source_id}/tables")
def read_tables(source_id: str, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    with runtime.store.session() as session:
        sources.get_source(session, admin.org_id, source_id)
        return {"tables": [_table_out(r) for r in catalog.table_rows(session, source_id)]}


@router.patch("/{source_id}/tables/{table}")
def update_table(
    source_id: str, table: str, body: catalog.TablePatch, admin: Admin, runtime: RuntimeDep
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


@router.patch("/{source_id}/tables/{table}/columns/{column}")
def update_column(
    source_id: str,
    table: str,
    column: str,
    body: catalog.ColumnPatch,
    admin: Admin,
    runtime: RuntimeDep,
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


# --- access rules -----------------------------------------------------------------------


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    conditions: list[dict[str, Any]] = Field(min_length=1, max_length=20)


@router.get("/{source_id}/rules")
def read_rules(source_id: str, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    with runtime.store.session() as session:
        sources.get_source(session, admin.org_id, source_id)
        rows = rules_store.list_rules(session, source_id)
        return {"rules": [{"table": r.table_name, "conditions": r.conditions} for r in rows]}


@router.put("/{source_id}/rules/{table}")
def save_rule(
    source_id: str, table: str, body: RuleIn, admin: Admin, runtime: RuntimeDep
) -> dict[str, Any]:
    """Create or replace the access rule of `table`, checked against the catalog and the
    token attributes."""
    with runtime.store.session() as session:
        sources.get_source(session, admin.org_id, source_id)
        context = runtime.source_context(admin.org_id, source_id)
        rule = rules_store.parse_checked(
            table, body.conditions, context.catalog, attribute_model(session, admin.org_id)
        )
        rules_store.save_rule(session, admin.org_id, source_id, rule)
        audit.record(
            session,
            admin.org_id,
            admin.actor,
            "rule.saved",
            "rule",
            table,
            source=source_id,
            conditions=body.conditions,
        )
    runtime.forget_source(source_id)
    return rule_to_json(rule)


@router.delete("/{source_id}/rules/{table}", status_code=204)
def delete_rule(source_id: str, table: str, admin: Admin, runtime: RuntimeDep) -> Response:
    with runtime.store.session() as session:
        sources.get_source(session, admin.org_id, source_id)
        rules_store.delete_rule(session, source_id, table)
        audit.record(
            session, admin.org_id, admin.actor, "rule.deleted", "rule", table, source=source_id
        )
    runtime.forget_source(source_id)
    return Response(status_code=204)
