"""Whether Analyze's admin API is mounted: the Tables page shows its button only then.

Analyze (profiling tables and proposing descriptions and semantic types) has its own admin
API; the console's script drives it from the Tables page: start a job, poll its progress,
apply the proposals the admin kept.
"""

from __future__ import annotations

import re

from fastapi import FastAPI

START = "/api/v1/admin/sources/{}/analyze"
PROGRESS = "/api/v1/admin/analyze/{}"
APPLY = "/api/v1/admin/analyze/{}/apply"
_PARAM = re.compile(r"\{[^}]*\}")


def analyze_available(app: FastAPI) -> bool:
    """True when the app serves Analyze's start, progress and apply endpoints (read from the
    app's OpenAPI description, which FastAPI builds once and keeps)."""
    paths = {_PARAM.sub("{}", path) for path in app.openapi().get("paths", {})}
    return {START, PROGRESS, APPLY} <= paths
