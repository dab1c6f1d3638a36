"""Every package of plotboard imports on its own, first, in a fresh interpreter.

An import cycle between packages can hide for as long as some other module happens to be
imported first (the app, a test's conftest); a tool or a host backend that imports only one
package then fails. Each package here is the first and only import of its own interpreter.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import plotboard

PACKAGE = Path(plotboard.__file__).parent
PACKAGES = sorted(
    ".".join(("plotboard", *p.parent.relative_to(PACKAGE).parts))
    for p in PACKAGE.rglob("__init__.py")
    if "migrations" not in p.parts
)


@pytest.mark.parametrize("name", PACKAGES)
def test_package_imports_first(name: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", f"import {name}"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"`import {name}` alone fails:\n{result.stderr[-2000:]}"
