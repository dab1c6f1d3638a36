"""plotboard's extension points, on one page (as Datasette's ``hookspecs.py`` does).

Each name below is an interface that plotboard calls and that a contributor implements to add a
kind of something: a question-answering engine, a result cache, a writer of table
descriptions, a way to talk to a language model. docs/extending.md says, for each, what to
implement, where it is wired in and which tests to run; tests/test_extensions.py checks that
every point listed there exists here and is what the code really calls.

A kind of database is one module in ``plotboard.sources.kinds`` (as sqlglot has one module per
dialect): a `DatabaseKind` holding its connection URL and options, read-only guard, time limit,
introspection quirks, date grains, allowed functions, access-rule fence, sampling, error
verdicts and console form, registered in ``plotboard.sources.kinds.REGISTRY``.
"""

from __future__ import annotations

from plotboard.ai.answers import Engine
from plotboard.analyze.describe import Describer
from plotboard.cache import ResultCache
from plotboard.llm.client import ChatClient
from plotboard.sources.kinds import DatabaseKind

EXTENSION_POINTS: dict[str, object] = {
    "Engine": Engine,
    "ResultCache": ResultCache,
    "Describer": Describer,
    "ChatClient": ChatClient,
    "DatabaseKind": DatabaseKind,
}
"""Name -> the interface (a `typing.Protocol`, or the one class everything goes through)."""

__all__ = [
    "EXTENSION_POINTS",
    "ChatClient",
    "DatabaseKind",
    "Describer",
    "Engine",
    "ResultCache",
]
