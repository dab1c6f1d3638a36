"""The admin REST API for the set-up steps: API keys, token attributes, origins, audit log.

Thin: each route calls the use case in `plotboard.admin`, which records the change in the audit
log in the same transaction and invalidates what it must.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Response

from plotboard import audit
from plotboard.admin import attributes, keys, limits, organization, origins
from plotboard.admin.attributes import AttributeOut
from plotboard.admin.keys import KeyIn, KeyOut
from plotboard.admin.organization import OrganizationIn, OrganizationOut
from plotboard.admin.origins import OriginIn, OriginOut
from plotboard.api import answers
from plotboard.api.deps import Admin, RuntimeDep

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.get("/organization", operation_id="admin_get_organization")
def read_organization(admin: Admin, runtime: RuntimeDep) -> OrganizationOut:
    """The organization and its settings (`time_zone`: null means UTC)."""
    return organization.read_organization(runtime, admin.org_id)


@router.put("/organization", operation_id="admin_change_organization")
def change_organization(body: OrganizationIn, admin: Admin, runtime: RuntimeDep) -> OrganizationOut:
    """Change the settings sent, e.g. `{"time_zone": "Europe/Paris"}` (relative dates then
    count from today in Paris); fields left out keep their value, null resets to the default."""
    return organization.change_organization(runtime, admin, body)


# --- usage limits ----------------------------------------------------------------------


@router.get("/limits", operation_id="admin_get_limits", response_model=answers.LimitsOut)
def read_limits(admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    """The usage limits in force (queries, AI questions, token minting) and the defaults."""
    return limits.read_limits(runtime, admin.org_id)


@router.patch("/limits", operation_id="admin_change_limits", response_model=answers.LimitsOut)
def change_limits(
    admin: Admin, runtime: RuntimeDep, body: dict[str, Any] = Body(...)
) -> dict[str, Any]:
    """Change some usage limits: `{"ai_per_user_per_minute": 10}`; 0 switches one off."""
    return limits.change_limits(runtime, admin, body)


# --- API keys ---------------------------------------------------------------------------


@router.get("/api-keys", operation_id="admin_list_api_keys")
def read_keys(admin: Admin, runtime: RuntimeDep) -> dict[str, list[KeyOut]]:
    return {"api_keys": keys.list_keys(runtime, admin.org_id)}


@router.post(
    "/api-keys",
    operation_id="admin_create_api_key",
    response_model=answers.NewApiKey,
    status_code=201,
)
def create_key(body: KeyIn, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    """Create a key. `secret` is in this answer only: it is not stored and cannot be shown again."""
    return keys.create_key(runtime, admin, body)


@router.post("/api-keys/{key_id}/revoke", operation_id="admin_revoke_api_key")
def revoke_key(key_id: str, admin: Admin, runtime: RuntimeDep) -> KeyOut:
    """Revoke a key: it and every embed token it minted stop working at once."""
    return keys.revoke_key(runtime, admin, key_id)


# --- token attributes -------------------------------------------------------------------


@router.get("/token-attributes", operation_id="admin_list_token_attributes")
def read_attributes(admin: Admin, runtime: RuntimeDep) -> dict[str, list[AttributeOut]]:
    return {"token_attributes": attributes.list_attributes(runtime, admin.org_id)}


@router.post("/token-attributes", operation_id="admin_create_token_attribute", status_code=201)
def create_attribute(
    body: attributes.AttributeIn, admin: Admin, runtime: RuntimeDep
) -> AttributeOut:
    return attributes.create_attribute(runtime, admin, body)


@router.patch("/token-attributes/{name}", operation_id="admin_update_token_attribute")
def update_attribute(
    name: str, body: attributes.AttributePatch, admin: Admin, runtime: RuntimeDep
) -> AttributeOut:
    return attributes.update_attribute(runtime, admin, name, body)


@router.delete(
    "/token-attributes/{name}", operation_id="admin_delete_token_attribute", status_code=204
)
def delete_attribute(name: str, admin: Admin, runtime: RuntimeDep) -> Response:
    attributes.delete_attribute(runtime, admin, name)
    return Response(status_code=204)


# --- authorized origins -----------------------------------------------------------------


@router.get("/origins", operation_id="admin_list_origins")
def read_origins(admin: Admin, runtime: RuntimeDep) -> dict[str, list[OriginOut]]:
    return {"origins": origins.list_origins(runtime, admin.org_id)}


@router.post("/origins", operation_id="admin_create_origin", status_code=201)
def create_origin(body: OriginIn, admin: Admin, runtime: RuntimeDep) -> OriginOut:
    return origins.add_origin(runtime, admin, body)


@router.delete("/origins/{origin_id}", operation_id="admin_delete_origin", status_code=204)
def delete_origin(origin_id: str, admin: Admin, runtime: RuntimeDep) -> Response:
    origins.remove_origin(runtime, admin, origin_id)
    return Response(status_code=204)


# --- audit log --------------------------------------------------------------------------


@router.get("/audit", operation_id="admin_read_audit", response_model=answers.AuditLog)
def read_audit(admin: Admin, runtime: RuntimeDep, limit: int = 200) -> dict[str, Any]:
    limit = max(1, min(limit, 1000))
    with runtime.store.session() as session:
        rows = audit.entries(session, admin.org_id, limit)
        return {
            "entries": [
                {
                    "actor": r.actor,
                    "action": r.action,
                    "target_type": r.target_type,
                    "target_id": r.target_id,
                    "details": r.details,
                    "created_at": r.created_at,
                }
                for r in rows
            ]
        }
