"""The admin commands, run as a real `plotboard` process against a temporary store.

The effect of a revoke is checked through the app itself, in-process, over the same store.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from plotboard.app import create_app
from plotboard.config import Settings
from tests.live_server import clean_env, describe, free_port, run_plotboard

ADMIN_EMAIL = "a@b.co"
ADMIN_PASSWORD = "correct-horse-battery"
KEY_LINE = re.compile(r"^pb_[a-z0-9]{10}_[A-Za-z0-9]{40}$")
TABLES = {
    "alembic_version",
    "organizations",
    "admin_users",
    "admin_sessions",
    "api_keys",
    "token_attributes",
    "origins",
    "data_sources",
    "dashboards",
    "audit_log",
}


@dataclass
class CliStore:
    data_dir: Path
    secret_key: str
    env: dict[str, str]
    migrate: subprocess.CompletedProcess[str]
    admin: subprocess.CompletedProcess[str]
    key: subprocess.CompletedProcess[str]

    def run(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return run_plotboard(*args, env=self.env, input=input)

    def settings(self) -> Settings:
        # The CLI revokes in another process: the app checks the store's generation on every
        # call, so that the revocation bites at once.
        return Settings(
            data_dir=self.data_dir, secret_key=self.secret_key, store_change_check_seconds=0
        )

    @property
    def secret(self) -> str:
        return self.key.stdout.strip().splitlines()[-1]


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, describe(result)
    return result


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliStore]:
    """migrate, admin create, keys create: the documented first steps, once for the module."""
    data_dir = tmp_path_factory.mktemp("cli-store")
    secret_key = secrets.token_urlsafe(36)  # 48 characters
    env = clean_env(PLOTBOARD_DATA_DIR=str(data_dir), PLOTBOARD_SECRET_KEY=secret_key)
    migrate = _ok(run_plotboard("migrate", env=env))
    admin = _ok(
        run_plotboard(
            "admin", "create", "--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD, env=env
        )
    )
    key = _ok(
        run_plotboard(
            "keys", "create", "--name", "X", "--scope", "tokens", "--scope", "admin", env=env
        )
    )
    yield CliStore(data_dir, secret_key, env, migrate, admin, key)


def test_migrate_creates_the_store(store: CliStore) -> None:
    assert "up to date" in store.migrate.stdout
    engine = sa.create_engine(f"sqlite:///{store.data_dir / 'plotboard.db'}")
    try:
        assert set(sa.inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()
    again = _ok(store.run("migrate"))  # a second run is a no-op
    assert "up to date" in again.stdout


def test_admin_create_makes_the_organization_and_the_admin(store: CliStore) -> None:
    assert f"Admin {ADMIN_EMAIL} created in organization 'My company'" in store.admin.stdout
    # Where: run from another directory, it would have made a store the server never reads.
    where = str((store.data_dir / "plotboard.db").resolve())
    assert f"Metadata store: {where} (the server must use the same one)." in store.admin.stdout
    with TestClient(create_app(store.settings())) as http:
        signed_in = http.post(
            "/api/v1/admin/session", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
        org = http.get("/api/v1/admin/organization").json()
    assert org["name"] == "My company" and org["id"] in store.admin.stdout


def test_admin_create_asks_for_the_password_when_it_is_left_out(store: CliStore) -> None:
    prompted = store.run(
        "admin", "create", "--email", "second@b.co", input=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n"
    )
    assert prompted.returncode == 0, describe(prompted)
    assert "Admin second@b.co created in organization 'My company'" in prompted.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "c@b.co", "--password", "short"], "at least 10 characters"),
        (["--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD], "already exists"),
        (["--email", "not-an-email", "--password", ADMIN_PASSWORD], "is not an email address"),
    ],
)
def test_admin_create_refuses_bad_input(store: CliStore, args: list[str], message: str) -> None:
    result = store.run("admin", "create", *args)
    assert result.returncode != 0, describe(result)
    assert message in result.stderr and "Traceback" not in result.stderr


def test_keys_create_prints_the_secret_once(store: CliStore) -> None:
    lines = store.key.stdout.strip().splitlines()
    assert re.match(r"^Created API key pb_[a-z0-9]{10} \(admin, tokens\)", lines[0])
    assert KEY_LINE.match(store.secret), store.key.stdout
    assert "never put it in a web page" in store.key.stderr
    # Only a hash is stored: the secret is nowhere in the store's files (WAL included).
    digest = hashlib.sha256(store.secret.encode()).hexdigest()
    stored = b"".join(p.read_bytes() for p in store.data_dir.glob("plotboard.db*"))
    assert store.secret.encode() not in stored
    engine = sa.create_engine(f"sqlite:///{store.data_dir / 'plotboard.db'}")
    try:
        with engine.connect() as conn:
            hashes = conn.execute(sa.text("SELECT secret_hash FROM api_keys")).scalars().all()
    finally:
        engine.dispose()
    assert digest in hashes


def test_keys_list_shows_the_key_without_its_secret(store: CliStore) -> None:
    key_id = store.secret.rsplit("_", 1)[0]
    listed = _ok(store.run("keys", "list"))
    line = next(ln for ln in listed.stdout.splitlines() if ln.startswith(key_id))
    assert "  X  [admin, tokens]  active" in line
    assert store.secret not in listed.stdout
    as_json = json.loads(_ok(store.run("keys", "list", "--json")).stdout)
    entry = next(k for k in as_json if k["id"] == key_id)
    assert entry["name"] == "X" and entry["scopes"] == ["admin", "tokens"]
    assert entry["revoked"] is False
    assert "secret" not in entry and store.secret not in json.dumps(as_json)


def test_keys_revoke_stops_the_key_and_its_tokens(store: CliStore) -> None:
    created = _ok(store.run("keys", "create", "--name", "Revoke me"))
    secret = created.stdout.strip().splitlines()[-1]
    key_id = secret.rsplit("_", 1)[0]
    assert f"Created API key {key_id} (tokens)" in created.stdout
    with TestClient(create_app(store.settings())) as http:
        minted = http.post(
            "/api/v1/embed/tokens",
            headers={"Authorization": f"Bearer {secret}"},
            json={"user_id": "alice"},
        )
        assert minted.status_code == 201, minted.text
        token = {"Authorization": f"Bearer {minted.json()['token']}"}
        assert http.get("/api/v1/embed/dashboards", headers=token).status_code == 200

        revoked = _ok(store.run("keys", "revoke", key_id))
        assert f"Revoked {key_id}." in revoked.stdout

        refused = http.get("/api/v1/embed/dashboards", headers=token)
        assert refused.status_code == 401, refused.text
        assert refused.json()["code"] == "token_revoked"
        again = http.post(
            "/api/v1/embed/tokens",
            headers={"Authorization": f"Bearer {secret}"},
            json={"user_id": "alice"},
        )
        assert again.status_code == 401 and again.json()["code"] == "revoked_api_key"
    listed = _ok(store.run("keys", "list"))
    assert re.search(rf"^{key_id}  Revoke me  \[tokens\]  revoked ", listed.stdout, re.M)


def test_keys_revoke_of_an_unknown_key_fails(store: CliStore) -> None:
    result = store.run("keys", "revoke", "pb_doesnotexist")
    assert result.returncode != 0
    assert "API key pb_doesnotexist was not found." in result.stderr


def test_config_file_is_read_with_the_config_flag(tmp_path: Path) -> None:
    data_dir = tmp_path / "from-config"
    config = tmp_path / "plotboard.toml"
    config.write_text(f'[plotboard]\ndata_dir = "{data_dir}"\n', encoding="utf-8")
    _ok(run_plotboard("migrate", "--config", str(config), env=clean_env()))
    assert (data_dir / "plotboard.db").is_file()


@pytest.mark.parametrize("secret_key", [None, "change-me"], ids=["unset", "placeholder"])
def test_serve_refuses_to_start_without_a_real_secret_key(
    tmp_path: Path, secret_key: str | None
) -> None:
    env = clean_env(PLOTBOARD_DATA_DIR=str(tmp_path))
    if secret_key is not None:
        env["PLOTBOARD_SECRET_KEY"] = secret_key
    try:
        result = run_plotboard("serve", "--port", str(free_port()), env=env, timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("`plotboard serve` started serving without a usable secret key")
    assert result.returncode != 0, describe(result)
    assert "PLOTBOARD_SECRET_KEY" in result.stderr and "plotboard secret" in result.stderr
    assert "listening" not in result.stdout and "Traceback" not in result.stderr


def test_secret_prints_a_long_random_key() -> None:
    first = _ok(run_plotboard("secret", env=clean_env())).stdout.strip()
    assert len(first) >= 48 and re.fullmatch(r"[A-Za-z0-9_-]+", first)
    assert Settings(secret_key=first).require_secret_key() == first


@pytest.mark.postgres
def test_migrate_a_fresh_postgresql_database(postgres_url: str) -> None:
    env = clean_env(PLOTBOARD_DATABASE_URL=postgres_url)
    result = _ok(run_plotboard("migrate", env=env))
    assert "up to date" in result.stdout
    engine = sa.create_engine(postgres_url)
    try:
        assert set(sa.inspect(engine).get_table_names()) >= TABLES
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1
    finally:
        engine.dispose()


def test_the_store_is_named_without_its_password() -> None:
    from plotboard.cli import _store_words

    url = "postgresql+psycopg://plotboard:s3cret@db.internal:5432/plotboard"
    words = _store_words(Settings(database_url=url, secret_key="k" * 40))
    assert "s3cret" not in words and "db.internal:5432/plotboard" in words
