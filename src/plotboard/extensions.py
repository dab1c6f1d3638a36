"""plotboard's extension points, on one page (as Datasette's ``hookspecs.py`` does).

Each name below is an interface that plotboard calls and that a contributor implements to add a
kind of something: a question-answering engine, a result cache, a writer of table
descriptions, a way to talk to a language model. docs/extending.md says, for each, what to
implement, where it is wired in and which tests to run; tests/test_extensions.py checks that
every point listed there exists here and is what the code really calls.

The per-database-kind interface (one module per dialect, issue 10 item 4) is not one place yet:
what plotboard knows about a database kind is spread over ``plotboard.sources`` (dialects,
engines, introspect, execute, verdict, classify), ``plotboard.query`` (allowlist, grains) and
``plotboard.analyze.queries``; docs/extending.md lists those files.
"""

from __future__ import annotations

from plotboard.ai.answers import Engine
from plotboard.analyze.describe import Describer
from plotboard.cache import ResultCache
from plotboard.llm.client import ChatClient

EXTENSION_POINTS: dict[str, object] = {
    "Engine": Engine,
    "ResultCache": ResultCache,
    "Describer": Describer,
    "ChatClient": ChatClient,
}
"""Name -> the interface (a `typing.Protocol`, or the one class everything goes through)."""

__all__ = ["EXTENSION_POINTS", "ChatClient", "Describer", "Engine", "ResultCache"]
