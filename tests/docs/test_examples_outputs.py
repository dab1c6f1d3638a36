"""What the guide quotes a command printing is what the command prints.

A quoted output is a `text` block named with `<!-- test: NAME -->`; each test here runs the
command the way a reader would, in a clean environment, and compares the words (the guide wraps
long lines, so line breaks and runs of spaces don't count).
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.docs.examples import covers, example
from tests.live_server import clean_env, describe, run_plotboard


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _printed(*args: str, env: dict[str, str], cwd: Path) -> str:
    result = run_plotboard(*args, env=env, cwd=cwd)
    assert result.returncode != 0, describe(result)
    return result.stdout + result.stderr


@covers("secret-key-missing")
def test_missing_secret_key_message(tmp_path: Path) -> None:
    env = clean_env(PLOTBOARD_DATA_DIR=str(tmp_path / "data"))
    printed = _printed("serve", env=env, cwd=tmp_path)
    assert _words(example("secret-key-missing").code) == _words(printed)


@covers("config-typo")
def test_config_file_typo_message(tmp_path: Path) -> None:
    config = tmp_path / "plotboard.toml"
    config.write_text('[plotboard]\ndatabse_url = "sqlite:///x.db"\n', encoding="utf-8")
    env = clean_env(PLOTBOARD_CONFIG=str(config), PLOTBOARD_DATA_DIR=str(tmp_path / "data"))
    printed = _printed("serve", env=env, cwd=tmp_path)
    assert _words(example("config-typo").code) == _words(printed)
