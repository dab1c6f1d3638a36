"""Build hook: put the editor's bundle into the package when a wheel or sdist is built.

Everything else about the package is in pyproject.toml. When `src/plotboard/static/embed/
plotboard.js` is missing, `build_py` (wheels, and `pip install .`) and `sdist` run
`npm ci && npm run build` in `frontend/` first, so installing the result needs no Node. An sdist
carries the built bundle, so building a wheel from it needs no Node either. Set
PLOTBOARD_SKIP_FRONTEND=1 to skip the step (the server then answers /embed/plotboard.js with a
503 that says how to build it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
FRONTEND = ROOT / "frontend"
BUNDLE = ROOT / "src" / "plotboard" / "static" / "embed" / "plotboard.js"


def build_frontend() -> None:
    if BUNDLE.exists() or os.environ.get("PLOTBOARD_SKIP_FRONTEND") == "1":
        return
    if not (FRONTEND / "package.json").exists():
        raise SystemExit(
            f"The editor's bundle is missing ({BUNDLE}) and there is no frontend/ to build it from."
        )
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(
            "Building plotboard from source needs Node.js 20 or newer (npm) to build the editor "
            "in frontend/. Install Node, or install a released wheel instead."
        )
    if not (FRONTEND / "node_modules").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)
    subprocess.run([npm, "run", "build"], cwd=FRONTEND, check=True)
    if not BUNDLE.exists():
        raise SystemExit(f"`npm run build` finished but {BUNDLE} is not there.")


class BuildPyWithFrontend(build_py):  # type: ignore[misc]  # setuptools has no stubs
    def run(self) -> None:
        build_frontend()
        super().run()


class SdistWithFrontend(sdist):  # type: ignore[misc]
    def run(self) -> None:
        build_frontend()
        super().run()


setup(cmdclass={"build_py": BuildPyWithFrontend, "sdist": SdistWithFrontend})
