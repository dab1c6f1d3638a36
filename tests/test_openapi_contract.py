"""The app's OpenAPI schema is the committed contract, docs/openapi.json: a change to the public
API (a route, a parameter, a request or answer model) shows up as a diff of that file, made on
purpose with scripts/export_openapi.py."""

from __future__ import annotations

import difflib
import importlib.util
import json
import re
from collections.abc import Iterator
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


def test_every_operation_has_its_own_readable_id() -> None:
    """Client generators name their functions after `operationId`: each operation's is set
    on its route (FastAPI's default is built from the function name and path, and changes
    whenever either does), is snake_case, and no two are the same."""
    from fastapi.routing import APIRoute

    from plotboard.api.lazy_routes import LazyRoutes
    from plotboard.app import create_app

    def flat(routes: list[Any]) -> Iterator[Any]:
        for route in routes:
            if isinstance(route, LazyRoutes):  # the admin API, loaded on first use
                yield from flat(list(route.routes)) if route.documented else ()
                continue
            # Newer FastAPI keeps an included router as one entry that holds the router.
            included = getattr(route, "original_router", None)
            yield from flat(included.routes) if included is not None else (route,)

    app = create_app(runtime=_exporter()._NoRuntime())
    routes = [r for r in flat(app.routes) if isinstance(r, APIRoute) and r.include_in_schema]
    assert len(routes) > 50
    unset = sorted(f"{sorted(r.methods)} {r.path}" for r in routes if not r.operation_id)
    assert not unset, f"routes without an explicit operation_id: {unset}"

    document = app.openapi()
    ids: dict[str, list[str]] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            op_id = operation.get("operationId")
            assert op_id, f"{method.upper()} {path} has no operationId"
            assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", op_id), (
                f"{method.upper()} {path}: operationId {op_id!r} is not snake_case"
            )
            ids.setdefault(op_id, []).append(f"{method.upper()} {path}")
    duplicates = {op_id: where for op_id, where in ids.items() if len(where) > 1}
    assert not duplicates, f"operationIds used more than once: {duplicates}"
    assert {"embed_query", "embed_catalog", "embed_ai_ask", "mint_embed_token", "livez"} <= set(
        ids
    )
