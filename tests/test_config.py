"""Settings: environment, config file, and the refusal of unsafe secret keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from plotboard.config import ConfigError, Settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "PLOTBOARD_SECRET_KEY",
        "PLOTBOARD_CONFIG",
        "PLOTBOARD_DEMO_MODE",
        "PLOTBOARD_DATABASE_URL",
        "PLOTBOARD_DATA_DIR",
        "PLOTBOARD_PORT",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    "secret", [None, "", "change-me", "CHANGEME", "secret", "short-but-random"]
)
def test_unsafe_secret_keys_are_refused_with_instructions(secret: str | None) -> None:
    with pytest.raises(ConfigError) as err:
        Settings(secret_key=secret).require_secret_key()
    message = str(err.value)
    assert "PLOTBOARD_SECRET_KEY" in message and "plotboard secret" in message


def test_a_long_random_key_is_accepted() -> None:
    key = "q" * 20 + "Z" * 20
    assert Settings(secret_key=key).require_secret_key() == key


def test_demo_mode_keeps_a_generated_key_on_disk(tmp_path: Path) -> None:
    settings = Settings(demo_mode=True, data_dir=tmp_path)
    first = settings.require_secret_key()
    assert len(first) >= 48 and (tmp_path / "secret_key").read_text() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert Settings(demo_mode=True, data_dir=tmp_path).require_secret_key() == first


def test_environment_then_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "plotboard.toml"
    config.write_text('[plotboard]\nport = 9001\nhost = "0.0.0.0"\n')
    monkeypatch.setenv("PLOTBOARD_CONFIG", str(config))
    monkeypatch.setenv("PLOTBOARD_PORT", "9002")
    settings = Settings()
    assert settings.host == "0.0.0.0" and settings.port == 9002


def test_flags_win_and_environment_values_are_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "plotboard.toml"
    config.write_text("port = 9001\nworkers = 3\naccess_log = true\n")
    monkeypatch.setenv("PLOTBOARD_CONFIG", str(config))
    monkeypatch.setenv("PLOTBOARD_PORT", "9002")
    monkeypatch.setenv("plotboard_access_log", "false")  # any case, like the shell may have it
    monkeypatch.setenv("PLOTBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PLOTBOARD_LOG_LEVEL", " WARNING ")
    monkeypatch.setenv("PLOTBOARD_NOT_A_SETTING", "ignored")
    settings = Settings(port=9003)
    assert settings.port == 9003  # the flag, over the environment and the file
    assert settings.workers == 3  # the file, where nothing else says
    assert settings.access_log is False
    assert settings.data_dir == tmp_path / "data"
    assert settings.log_level == "warning"
    monkeypatch.setenv("PLOTBOARD_WORKERS", "many")
    with pytest.raises(ValidationError, match="workers"):
        Settings()


def test_broken_config_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("port = = 1")
    monkeypatch.setenv("PLOTBOARD_CONFIG", str(config))
    with pytest.raises(ConfigError, match="not valid TOML"):
        Settings()


def test_store_defaults_to_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).store_url == f"sqlite:///{tmp_path.resolve()}/plotboard.db"


def test_unknown_setting_in_config_file_is_refused_with_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "plotboard.toml"
    config.write_text("prot = 9000\n")
    monkeypatch.setenv("PLOTBOARD_CONFIG", str(config))
    with pytest.raises(ConfigError, match=r"unknown setting 'prot'\. Did you mean 'port'"):
        Settings()


@pytest.mark.parametrize(
    ("given", "kept"),
    [("https://analytics.example.com/", "https://analytics.example.com"), (None, None)],
)
def test_public_url_is_an_origin(given: str | None, kept: str | None) -> None:
    assert Settings(public_url=given).public_url == kept


@pytest.mark.parametrize("bad", ["https://example.com/analytics", "example.com", "ftp://x.y"])
def test_public_url_with_a_path_or_no_scheme_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="public_url"):
        Settings(public_url=bad)


def test_another_secret_key_is_refused_at_start(tmp_path: Path) -> None:
    from plotboard.orgs import create_organization
    from plotboard.runtime import Runtime

    url = f"sqlite:///{tmp_path / 'store.db'}"
    first = Runtime(Settings(database_url=url, secret_key="a" * 48))
    with first.store.session() as session:
        create_organization(session, first.secret_key, "Acme")
    first.close()
    with pytest.raises(ConfigError, match="not the key this metadata store was set up with"):
        Runtime(Settings(database_url=url, secret_key="b" * 48))


def test_app_refuses_a_store_that_was_not_migrated(tmp_path: Path) -> None:
    from plotboard.runtime import Runtime

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    with pytest.raises(ConfigError, match="plotboard migrate"):
        Runtime(Settings(database_url=url, secret_key="a" * 48), run_migrations=False)
