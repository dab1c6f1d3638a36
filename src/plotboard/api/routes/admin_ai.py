"""The admin API for AI settings: the built-in engine or an OpenAI-compatible endpoint."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from plotboard import audit
from plotboard.ai.settings import AISettingsIn, read_settings, save_settings
from plotboard.api.deps import Admin, RuntimeDep

router = APIRouter(prefix="/api/v1/admin/ai-settings", tags=["admin: ai"])

DEFAULTS: dict[str, Any] = {
    "engine": "builtin",
    "base_url": None,
    "model": None,
    "has_api_key": False,
    "context_clues": "",
    "include_values": False,
    "updated_at": None,
    "updated_by": None,
}


@router.get("")
def read(admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    """The settings; never the key, only `has_api_key`."""
    with runtime.store.session() as session:
        view = read_settings(session, admin.org_id)
    return asdict(view) if view is not None else dict(DEFAULTS)


@router.put("")
def save(body: AISettingsIn, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    """Replace the settings. Leave `api_key` out to keep the saved key."""
    with runtime.store.session() as session:
        view = save_settings(session, admin.org_id, body, runtime.secret_key, admin.actor)
        audit.record(
            session,
            admin.org_id,
            admin.actor,
            "ai_settings.saved",
            "ai_settings",
            admin.org_id,
            engine=body.engine,
            base_url=body.base_url,
            model=body.model,
            key_changed=bool(body.key_value()) or body.clear_api_key,
        )
    return asdict(view)
