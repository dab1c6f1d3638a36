"""The Python client now is its own package, plotboard-client (clients/python), so that a host
backend installs it without the server: ``from plotboard_client import PlotboardClient``.

This module keeps ``from plotboard.client import PlotboardClient, PlotboardError`` working
wherever plotboard-client is installed (the development setup installs it), with the same
objects; it holds no code of its own. Where it is not installed, using a name says what to
install, while importing this module still works (every module of plotboard imports).

>>> from plotboard.client import PlotboardClient
>>> import plotboard_client
>>> PlotboardClient is plotboard_client.PlotboardClient
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plotboard_client import *  # noqa: F403


def __getattr__(name: str) -> Any:
    try:
        client = importlib.import_module("plotboard_client")
    except ImportError as err:
        raise ImportError(
            f"plotboard.client.{name} is in the plotboard-client package now: install it "
            "(pip install ./clients/python from a plotboard checkout) and import it from "
            "plotboard_client"
        ) from err
    if name.startswith("_") or name not in client.__all__:
        raise AttributeError(f"module 'plotboard.client' has no attribute {name!r}")
    return getattr(client, name)
