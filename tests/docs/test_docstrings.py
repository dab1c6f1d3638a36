"""Every `>>>` example in plotboard's docstrings runs, like sqlglot's: the examples can't drift.

Modules are found by their source text, so a new example is picked up without listing it here.
The client's examples (plotboard-client, clients/python) talk to a real `plotboard demo` server,
as a host backend would.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import plotboard
import plotboard_client
from tests.live_server import DemoServer

PACKAGES = [Path(plotboard.__file__).parent, Path(plotboard_client.__file__).parent]


def _modules_with_examples() -> list[str]:
    names = []
    for package in PACKAGES:
        for path in sorted(package.rglob("*.py")):
            if ">>> " in path.read_text(encoding="utf-8"):
                relative = path.relative_to(package.parent).with_suffix("")
                names.append(".".join(relative.parts).removesuffix(".__init__"))
    return names


MODULES = _modules_with_examples()


def test_the_documented_modules_have_examples() -> None:
    # The modules whose examples a reader is pointed at; a lost example fails here.
    for name in ("plotboard.geo", "plotboard_client", "plotboard.sources.dialects"):
        assert name in MODULES, f"{name} lost its docstring examples"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str, demo_server: DemoServer) -> None:
    module = importlib.import_module(name)
    extraglobs = {"plotboard_url": demo_server.url, "api_key": demo_server.info["api_key"]}
    result = doctest.testmod(
        module,
        extraglobs=extraglobs,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
        verbose=False,
    )
    assert result.attempted > 0, f"{name} has no examples that run (all skipped?)"
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed (see above)"
