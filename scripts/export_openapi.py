"""Write the public API's contract, docs/openapi.json, from the app's own routes.

    .venv/bin/python scripts/export_openapi.py

Run it after changing a route, a request or an answer model, and commit docs/openapi.json with
the change: tests/test_openapi_contract.py fails while the two differ, so the contract never
changes by accident. The file is what `GET /api/openapi.json` serves (outside demo mode).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

CONTRACT = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"


class _NoRuntime:
    """Enough of a runtime to build the app and its schema without opening a store."""

    settings = SimpleNamespace(demo_mode=False)

    def close(self) -> None:
        pass


def current_schema() -> dict[str, Any]:
    from plotboard.app import create_app

    schema: dict[str, Any] = create_app(runtime=_NoRuntime()).openapi()  # type: ignore[arg-type]
    return schema


def render(schema: dict[str, Any]) -> str:
    # Sorted keys and one stable layout, so a diff of the file shows what changed.
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    CONTRACT.write_text(render(current_schema()), encoding="utf-8")
    sys.stdout.write(f"wrote {CONTRACT}\n")


if __name__ == "__main__":
    main()
