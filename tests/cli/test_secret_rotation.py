"""Rotating the secret key: old and new key side by side, one re-encryption, nothing lost.

Runs the documented steps as real `plotboard` processes over a temporary store, and checks the
result through the app itself: tokens minted before the rotation keep working, and every stored
secret (signing secret, database password, LLM key) reads with the new key alone.
"""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from plotboard.app import create_app
from plotboard.config import Settings
from plotboard.crypto import DecryptionError, decrypt
from tests.live_server import clean_env, describe, run_plotboard
from tests.services import temporary_postgres_database

OLD_KEY = secrets.token_urlsafe(36)
NEW_KEY = secrets.token_urlsafe(36)


def _run(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_plotboard(*args, env=clean_env(PLOTBOARD_DATA_DIR=str(data_dir), **env))


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, describe(result)
    return result


def _stored(data_dir: Path) -> dict[str, str]:
    engine = sa.create_engine(f"sqlite:///{data_dir / 'plotboard.db'}")
    try:
        with engine.connect() as conn:
            return {
                "signing": conn.execute(sa.text("SELECT signing_secret_enc FROM organizations"))
                .scalar_one(),
                "password": conn.execute(sa.text("SELECT password_enc FROM data_sources"))
                .scalar_one(),
                "llm": conn.execute(sa.text("SELECT api_key_enc FROM ai_settings")).scalar_one(),
            }
    finally:
        engine.dispose()


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, str]:
    """A store set up under OLD_KEY with a source password and an LLM key; an admin API key."""
    data_dir = tmp_path / "data"
    _ok(_run(data_dir, "migrate", PLOTBOARD_SECRET_KEY=OLD_KEY))
    _ok(
        _run(
            data_dir,
            "admin", "create", "--email", "a@b.co", "--password", "correct-horse-battery",
            PLOTBOARD_SECRET_KEY=OLD_KEY,
        )
    )
    created = _ok(
        _run(
            data_dir, "keys", "create", "--name", "X", "--scope", "tokens", "--scope", "admin",
            PLOTBOARD_SECRET_KEY=OLD_KEY,
        )
    )
    api_key = created.stdout.strip().splitlines()[-1]
    with temporary_postgres_database() as url:
        parsed = sa.engine.make_url(url)
        settings = Settings(data_dir=data_dir, secret_key=OLD_KEY)
        with TestClient(create_app(settings)) as http:
            auth = {"Authorization": f"Bearer {api_key}"}
            source = http.post(
                "/api/v1/admin/sources",
                headers=auth,
                json={
                    "name": "Warehouse",
                    "connection": {
                        "kind": "postgresql",
                        "host": parsed.host,
                        "user": parsed.username,
                        "password": "s3cret-db-password",
                        "database": parsed.database,
                    },
                },
            )
            assert source.status_code == 201, source.text
            ai = http.put(
                "/api/v1/admin/ai-settings",
                headers=auth,
                json={
                    "engine": "openai",
                    "base_url": "http://127.0.0.1:9/v1",
                    "model": "m",
                    "api_key": "sk-llm-key",
                },
            )
            assert ai.status_code == 200, ai.text
    return data_dir, api_key


def _mint(settings: Settings, api_key: str) -> str:
    with TestClient(create_app(settings)) as http:
        answer = http.post(
            "/api/v1/embed/tokens",
            headers={"Authorization": f"Bearer {api_key}"},
            json={"user_id": "alice"},
        )
        assert answer.status_code == 201, answer.text
        token: str = answer.json()["token"]
        return token


def _token_works(settings: Settings, token: str) -> bool:
    with TestClient(create_app(settings)) as http:
        answer = http.get("/api/v1/embed/dashboards", headers={"Authorization": f"Bearer {token}"})
        return answer.status_code == 200


def test_rotation_keeps_tokens_and_secrets(store: tuple[Path, str]) -> None:
    data_dir, api_key = store
    token = _mint(Settings(data_dir=data_dir, secret_key=OLD_KEY), api_key)

    # The new key alone cannot read the store: the server refuses to start, and says why.
    refused = _run(data_dir, "keys", "list", PLOTBOARD_SECRET_KEY=NEW_KEY)
    assert refused.returncode != 0 and "PLOTBOARD_SECRET_KEY_PREVIOUS" in refused.stderr
    assert "Traceback" not in refused.stderr

    # Step 1: every server runs with the new key and the old one as previous.
    both = Settings(data_dir=data_dir, secret_key=NEW_KEY, secret_key_previous=OLD_KEY)
    assert _token_works(both, token)

    # Step 2: re-encrypt what is stored.
    rotated = _ok(
        _run(
            data_dir, "rotate-secret-key",
            PLOTBOARD_SECRET_KEY=NEW_KEY, PLOTBOARD_SECRET_KEY_PREVIOUS=OLD_KEY,
        )
    )
    assert "1 token-signing secret(s), 1 database password(s) and 1 LLM key(s)" in rotated.stdout

    # Step 3: the old key is dropped. Everything reads with the new key alone.
    stored = _stored(data_dir)
    assert decrypt(NEW_KEY, stored["password"]) == "s3cret-db-password"
    assert decrypt(NEW_KEY, stored["llm"]) == "sk-llm-key"
    decrypt(NEW_KEY, stored["signing"])
    with pytest.raises(DecryptionError):
        decrypt(OLD_KEY, stored["password"])
    _ok(_run(data_dir, "keys", "list", PLOTBOARD_SECRET_KEY=NEW_KEY))
    new_only = Settings(data_dir=data_dir, secret_key=NEW_KEY)
    assert _token_works(new_only, token), "a token minted before the rotation stopped working"
    assert _token_works(new_only, _mint(new_only, api_key))


def test_rotation_needs_the_previous_key(store: tuple[Path, str]) -> None:
    data_dir, _ = store
    result = _run(data_dir, "rotate-secret-key", PLOTBOARD_SECRET_KEY=NEW_KEY)
    assert result.returncode != 0
    assert "PLOTBOARD_SECRET_KEY_PREVIOUS is not set" in result.stderr


def test_a_wrong_previous_key_changes_nothing(store: tuple[Path, str]) -> None:
    data_dir, _ = store
    before = _stored(data_dir)
    result = _run(
        data_dir, "rotate-secret-key",
        PLOTBOARD_SECRET_KEY=NEW_KEY, PLOTBOARD_SECRET_KEY_PREVIOUS=secrets.token_urlsafe(36),
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr, describe(result)
    assert _stored(data_dir) == before
    _ok(_run(data_dir, "keys", "list", PLOTBOARD_SECRET_KEY=OLD_KEY))
