"""Where the editor's built script lives inside the package (served at /embed/plotboard.js)."""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
BUNDLE_DIR = STATIC_DIR / "embed"
ENTRY = "plotboard.js"
