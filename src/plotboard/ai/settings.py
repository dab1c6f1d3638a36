"""The organization's AI settings in the metadata store: built-in engine or an LLM endpoint.

The key is encrypted at rest and never returned; `AISettingsView` says only whether one is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from sqlalchemy.orm import Session

from plotboard.crypto import decrypt, encrypt
from plotboard.llm import LLMSettings
from plotboard.store.models import AISettings

EngineName = Literal["builtin", "openai"]
MAX_CLUES = 4000


class AISettingsIn(BaseModel):
    """What the admin sends. `api_key` left out (or None) keeps the saved key."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)
    engine: EngineName = "builtin"
    base_url: str | None = Field(default=None, max_length=500)
    model: str | None = Field(default=None, max_length=200)
    api_key: SecretStr | None = Field(default=None, max_length=2000)
    clear_api_key: bool = False
    context_clues: str = Field(default="", max_length=MAX_CLUES)
    include_values: bool = False

    @model_validator(mode="after")
    def _endpoint_complete(self) -> AISettingsIn:
        if self.engine != "openai":
            return self
        if not self.base_url:
            raise ValueError(
                "base_url: required for an OpenAI-compatible endpoint, e.g. "
                "https://api.openai.com/v1 or http://localhost:11434/v1 (Ollama)"
            )
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"base_url: '{self.base_url}' must be an http:// or https:// URL, e.g. "
                "https://api.openai.com/v1"
            )
        if parts.query or parts.fragment:
            raise ValueError("base_url: leave out the query string; end at /v1 or similar")
        if not self.model:
            raise ValueError("model: required, e.g. gpt-4o-mini or llama3.1")
        return self

    def key_value(self) -> str | None:
        return self.api_key.get_secret_value() if self.api_key is not None else None


@dataclass(frozen=True)
class AISettingsView:
    """Saved settings as shown to admins: never the key itself, only whether there is one."""

    engine: EngineName
    base_url: str | None
    model: str | None
    has_api_key: bool
    context_clues: str
    include_values: bool = False
    updated_at: datetime | None = None
    updated_by: str | None = None


def _view(row: AISettings) -> AISettingsView:
    return AISettingsView(
        engine="openai" if row.engine == "openai" else "builtin",
        base_url=row.base_url,
        model=row.model,
        has_api_key=row.api_key_enc is not None,
        context_clues=row.context_clues,
        include_values=row.include_values,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def read_settings(session: Session, org_id: str) -> AISettingsView | None:
    row = session.get(AISettings, org_id)
    return _view(row) if row is not None else None


def save_settings(
    session: Session, org_id: str, data: AISettingsIn, secret_key: str, actor: str
) -> AISettingsView:
    """Create or replace the settings; a missing key keeps the saved one unless cleared."""
    row = session.get(AISettings, org_id)
    if row is None:
        row = AISettings(org_id=org_id)
        session.add(row)
    row.engine = data.engine
    row.base_url = data.base_url.rstrip("/") if data.base_url else None
    row.model = data.model
    row.context_clues = data.context_clues
    row.include_values = data.include_values
    row.updated_by = actor
    key = data.key_value()
    if data.clear_api_key:
        row.api_key_enc = None
    elif key:
        row.api_key_enc = encrypt(secret_key, key)
    session.flush()
    return _view(row)


def saved_api_key(session: Session, org_id: str, secret_key: str) -> str | None:
    row = session.get(AISettings, org_id)
    if row is None or row.api_key_enc is None:
        return None
    return decrypt(secret_key, row.api_key_enc)


@dataclass(frozen=True)
class EngineChoice:
    """What answers this organization's questions, read once per question."""

    llm: LLMSettings | None
    context_clues: str


def engine_choice(session: Session, org_id: str, secret_key: str) -> EngineChoice:
    row = session.get(AISettings, org_id)
    if row is None:
        return EngineChoice(None, "")
    if row.engine != "openai" or not row.base_url or not row.model:
        return EngineChoice(None, row.context_clues)
    key = decrypt(secret_key, row.api_key_enc) if row.api_key_enc else None
    llm = LLMSettings(
        base_url=row.base_url, model=row.model, api_key=key, include_values=row.include_values
    )
    return EngineChoice(llm, row.context_clues)
