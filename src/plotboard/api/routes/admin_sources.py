"""The admin API for data sources, their catalog and their access rules (thin: the use cases
are in `plotboard.admin.sources` and `plotboard.admin.rules`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from plotboard.admin import rules as rules_admin
from plotboard.admin import sources as sources_admin
from plotboard.admin.rules import RuleIn
from plotboard.api import answers
from plotboard.api.deps import Admin, RuntimeDep
from plotboard.catalog import store as catalog
from plotboard.sources import store as sources
from plotboard.sources.dialects import SourceConnection

router = APIRouter(prefix="/api/v1/admin/sources", tags=["admin: sources"])


@router.get("", operation_id="admin_list_sources", response_model=answers.SourceList)
def list_all(admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    return {"sources": sources_admin.list_sources(runtime, admin.org_id)}


@router.post("/test", operation_id="admin_test_new_source", response_model=answers.ConnectionTest)
def test_new(body: SourceConnection, admin: Admin) -> dict[str, Any]:
    """Test a connection before saving it: `{"ok", "code", "message", "server_version"}`."""
    return sources_admin.test_new(body)


@router.post(
    "", operation_id="admin_create_source", response_model=answers.CreatedSource, status_code=201
)
def create(body: sources.SourceIn, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    """Connect a database: tested and introspected first, saved only when both succeed.

    A new database is closed to end users (`"end_users": "closed"`): they cannot see or query
    it until it is opened with PATCH `{"end_users": "open"}`, best once its access rules are
    in place (or sent here as `"end_users": "open"`, a deliberate choice)."""
    return sources_admin.create_source(runtime, admin, body)


@router.get("/{source_id}", operation_id="admin_get_source", response_model=answers.SourceOut)
def read(source_id: str, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    return sources_admin.read_source(runtime, admin.org_id, source_id)


@router.patch("/{source_id}", operation_id="admin_update_source", response_model=answers.SourceOut)
def update(
    source_id: str, body: sources.SourcePatch, admin: Admin, runtime: RuntimeDep
) -> dict[str, Any]:
    """Change a source; a changed connection is tested and the catalog refreshed first.
    `{"end_users": "open"}` opens it to end users under its access rules (a table without
    rules shows every row); `{"end_users": "closed"}` hides it from them again."""
    return sources_admin.update_source(runtime, admin, source_id, body)


@router.delete("/{source_id}", operation_id="admin_delete_source", status_code=204)
def delete(source_id: str, admin: Admin, runtime: RuntimeDep) -> Response:
    sources_admin.delete_source(runtime, admin, source_id)
    return Response(status_code=204)


@router.post(
    "/{source_id}/test", operation_id="admin_test_source", response_model=answers.ConnectionTest
)
def test_saved(source_id: str, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    return sources_admin.test_saved(runtime, admin.org_id, source_id)


@router.post(
    "/{source_id}/refresh", operation_id="admin_refresh_source", response_model=answers.Refreshed
)
def refresh(source_id: str, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    """Re-read tables and columns from the database, keeping the admin's edits."""
    return sources_admin.refresh_source(runtime, admin, source_id)


# --- catalog ----------------------------------------------------------------------------


@router.get(
    "/{source_id}/tables",
    operation_id="admin_list_tables",
    response_model=answers.TableList,
    response_model_exclude_unset=True,
)
def read_tables(source_id: str, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    return {"tables": sources_admin.read_tables(runtime, admin.org_id, source_id)}


@router.patch(
    "/{source_id}/tables/{table}",
    operation_id="admin_update_table",
    response_model=answers.TableOut,
    response_model_exclude_unset=True,
)
def update_table(
    source_id: str, table: str, body: catalog.TablePatch, admin: Admin, runtime: RuntimeDep
) -> dict[str, Any]:
    return sources_admin.update_table(runtime, admin, source_id, table, body)


@router.patch(
    "/{source_id}/tables/{table}/columns/{column}",
    operation_id="admin_update_column",
    response_model=answers.StoredColumn,
    response_model_exclude_unset=True,
)
def update_column(
    source_id: str,
    table: str,
    column: str,
    body: catalog.ColumnPatch,
    admin: Admin,
    runtime: RuntimeDep,
) -> dict[str, Any]:
    return sources_admin.update_column(runtime, admin, source_id, table, column, body)


# --- access rules -----------------------------------------------------------------------


@router.get("/{source_id}/rules", operation_id="admin_list_rules", response_model=answers.RuleList)
def read_rules(source_id: str, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    return {"rules": rules_admin.list_rules(runtime, admin.org_id, source_id)}


@router.put(
    "/{source_id}/rules/{table}", operation_id="admin_save_rule", response_model=answers.RuleOut
)
def save_rule(
    source_id: str, table: str, body: RuleIn, admin: Admin, runtime: RuntimeDep
) -> dict[str, Any]:
    """Create or replace the access rule of `table`, checked against the catalog and the
    token attributes."""
    return rules_admin.save_rule(runtime, admin, source_id, table, body)


@router.delete("/{source_id}/rules/{table}", operation_id="admin_delete_rule", status_code=204)
def delete_rule(source_id: str, table: str, admin: Admin, runtime: RuntimeDep) -> Response:
    rules_admin.delete_rule(runtime, admin, source_id, table)
    return Response(status_code=204)
