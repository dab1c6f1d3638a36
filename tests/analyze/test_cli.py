"""`plotboard analyze`, run as a real process against a demo set up by `plotboard demo`."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from pathlib import Path

import pytest

from plotboard.catalog.store import table_rows
from plotboard.config import Settings
from plotboard.runtime import Runtime
from tests.live_server import clean_env, describe, plotboard_command, run_plotboard


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("analyze-cli") / "data"
    result = run_plotboard("demo", "--data-dir", str(data), "--no-serve", env=clean_env())
    assert result.returncode == 0, describe(result)
    return data


def _env(data: Path) -> dict[str, str]:
    return clean_env(PLOTBOARD_DATA_DIR=str(data), PLOTBOARD_DEMO_MODE="true")


def _source(data: Path) -> str:
    source: str = json.loads((data / "demo.json").read_text())["source_id"]
    return source


def test_analyze_shows_progress_and_fills_the_catalog(demo_dir: Path) -> None:
    result = run_plotboard("analyze", _source(demo_dir), env=_env(demo_dir))
    assert result.returncode == 0, describe(result)
    lines = result.stdout.splitlines()
    bars = [line for line in lines if line.startswith("Analyzing  [")]
    assert bars[0].startswith("Analyzing  [-") and bars[-1].endswith("] 100%")
    assert any("employees" in line for line in bars)
    assert "employees: 2,000 rows — " in result.stdout
    assert "  salary                 currency     Salary of the employee" in result.stdout
    assert lines[-1].startswith("30 proposals; 87 fields written into the catalog")
    runtime = Runtime(Settings(data_dir=demo_dir, demo_mode=True))
    try:
        with runtime.store.session() as session:
            rows = {r.name: r for r in table_rows(session, _source(demo_dir))}
            columns = {c["name"]: c for c in rows["employees"].columns}
    finally:
        runtime.close()
    assert columns["location"]["semantic_type"] == "city"
    assert columns["hire_date"]["display_name"] == "Hire date"
    assert rows["offices"].description == "One row per office (10 rows)."


def test_no_apply_one_table_and_clear_errors(demo_dir: Path) -> None:
    env = _env(demo_dir)
    kept = run_plotboard("analyze", _source(demo_dir), "--table", "offices", "--no-apply", env=env)
    assert kept.returncode == 0, describe(kept)
    assert "offices: 10 rows" in kept.stdout and "employees" not in kept.stdout
    assert "6 proposals, not applied. Review them with GET /api/v1/admin/analyze/" in kept.stdout
    unknown = run_plotboard("analyze", _source(demo_dir), "--table", "nope", env=env)
    assert unknown.returncode == 1
    assert "tables[0]: this source has no table 'nope'." in unknown.stderr
    missing = run_plotboard("analyze", "nope", env=env)
    assert missing.returncode == 1 and "no data source with id 'nope'" in missing.stderr


def test_on_a_terminal_the_bar_is_redrawn_in_place(demo_dir: Path) -> None:
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*plotboard_command(), "analyze", _source(demo_dir), "--table", "sales", "--no-apply"],
        env=_env(demo_dir),
        stdout=follower,
        stderr=subprocess.PIPE,
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
    text = output.decode()
    assert "\rAnalyzing  [" in text and "] 100%" in text
    assert "sales: 50,000 rows" in text
