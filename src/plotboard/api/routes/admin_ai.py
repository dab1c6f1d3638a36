"""The admin API for AI settings (thin: the use cases are in `plotboard.admin.ai`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from plotboard.admin.ai import read_ai_settings, save_ai_settings
from plotboard.ai.settings import AISettingsIn, AISettingsView
from plotboard.api.deps import Admin, RuntimeDep

router = APIRouter(prefix="/api/v1/admin/ai-settings", tags=["admin: ai"])


@router.get("", operation_id="admin_get_ai_settings", response_model=AISettingsView)
def read(admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    """The settings; never the key, only `has_api_key`."""
    return read_ai_settings(runtime, admin.org_id)


@router.put("", operation_id="admin_save_ai_settings", response_model=AISettingsView)
def save(body: AISettingsIn, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    """Replace the settings. Leave `api_key` out to keep the saved key."""
    return save_ai_settings(runtime, admin, body)
