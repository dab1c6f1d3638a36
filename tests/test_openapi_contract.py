"""The app's OpenAPI schema is the committed contract, docs/openapi.json: a change to the public
API (a route, a parameter, a request or answer model) shows up as a diff of that file, made on
purpose with scripts/export_openapi.py."""

from __future__ import annotations

import difflib
import importlib.util
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _exporter() -> Any:
    spec = importlib.util.spec_from_file_location(
        "export_openapi", ROOT / "scripts" / "export_openapi.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_app_serves_the_committed_contract() -> None:
    exporter = _exporter()
    committed = exporter.CONTRACT.read_text(encoding="utf-8")
    current = exporter.render(exporter.current_schema())
    if current != committed:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    current.splitlines(keepends=True),
                    "docs/openapi.json (committed)",
                    "the app's schema",
                    n=2,
                )
            )[:80]
        )
        raise AssertionError(
            "The public API changed. If that is intended, run "
            "`.venv/bin/python scripts/export_openapi.py` and commit docs/openapi.json with the "
            f"change; the first differences:\n{diff}"
        )


def test_the_contract_covers_the_public_apis() -> None:
    paths: dict[str, Any] = json.loads((ROOT / "docs" / "openapi.json").read_text())["paths"]
    for path in (
        "/api/v1/embed/tokens",
        "/api/v1/embed/query",
        "/api/v1/embed/catalog",
        "/api/v1/embed/dashboards",
        "/api/v1/embed/ai/ask",
        "/livez",
        "/readyz",
        "/metrics",
    ):
        assert path in paths, f"docs/openapi.json lacks {path}"
    assert any(p.startswith("/api/v1/admin/") for p in paths)
