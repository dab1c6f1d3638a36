"""Every module of plotboard imports on the installed versions of its dependencies: under
`make test-lowest`, the lowest ones pyproject.toml allows (a module that needs a newer
dependency fails here, not in front of a user). Package-first import cycles are
tests/test_imports.py's."""

from __future__ import annotations

import importlib
import pkgutil

import plotboard

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(plotboard.__path__, "plotboard.")
    # Migrations are loaded by Alembic from their files; __main__ runs the command line.
    if ".migrations" not in m.name and not m.name.endswith("__main__")
)


def test_every_module_imports() -> None:
    failures = {}
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception as err:
            failures[name] = f"{type(err).__name__}: {err}"
    assert len(MODULES) > 50 and not failures, failures
