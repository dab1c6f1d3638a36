"""AI settings: the built-in engine or an OpenAI-compatible endpoint, per organization."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from plotboard import audit
from plotboard.admin.actor import AdminActor
from plotboard.ai.settings import AISettingsIn, read_settings, save_settings

if TYPE_CHECKING:
    from plotboard.runtime import Runtime

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


def read_ai_settings(runtime: Runtime, org_id: str) -> dict[str, Any]:
    """The settings; never the key, only `has_api_key`."""
    with runtime.store.session() as session:
        view = read_settings(session, org_id)
    return asdict(view) if view is not None else dict(DEFAULTS)


def save_ai_settings(runtime: Runtime, admin: AdminActor, body: AISettingsIn) -> dict[str, Any]:
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
