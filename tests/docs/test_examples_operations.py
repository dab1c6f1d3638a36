"""The examples of docs/operations.md, run against a real `plotboard demo`."""

from __future__ import annotations

import json
import re
from pathlib import Path

from plotboard import __version__
from tests.docs.examples import DOCS, covers, example, run_bash

PAGE = (DOCS / "operations.md").read_text(encoding="utf-8")


def _shown_after(name: str) -> str:
    """The output block the page shows right after the example `name`."""
    code = example(name).code
    rest = PAGE[PAGE.index(code) + len(code) :]
    match = re.search(r"```(?:json|text)\n(.*?)```", rest, re.S)
    assert match, f"docs/operations.md shows no output after {name}"
    return match.group(1).strip()


@covers("livez")
def test_livez(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("livez"), reader_env, workdir)
    assert run.answer.status == 200
    assert run.answer.json() == json.loads(_shown_after("livez")) | {"version": __version__}


@covers("readyz")
def test_readyz(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("readyz"), reader_env, workdir)
    assert run.answer.status == 200
    assert run.answer.json() == json.loads(_shown_after("readyz")) | {"version": __version__}


@covers("metrics-local")
def test_metrics_from_this_machine(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("metrics-local"), reader_env, workdir)
    shown = _shown_after("metrics-local").replace('"0.1.0"', f'"{__version__}"')
    assert run.stdout.strip() == shown


@covers("request-id")
def test_request_id_is_echoed(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("request-id"), reader_env, workdir)
    assert run.stdout.strip().lower() == _shown_after("request-id").lower()


def test_the_error_example_has_the_real_shape() -> None:
    """The 503 shown for /readyz has the keys and words the server sends."""
    blocks = re.findall(r"```json\n(.*?)```", PAGE, re.S)
    not_ready = next(json.loads(b) for b in blocks if "not_ready" in b)
    assert set(not_ready) == {"detail", "code", "status", "version", "checks", "request_id"}
    assert not_ready["detail"] == "Not ready: the shared cache (Redis) is not reachable."
    access = next(json.loads(b) for b in blocks if "plotboard.access" in b)
    assert {"time", "level", "logger", "request_id", "message", "status", "path"} <= set(access)
