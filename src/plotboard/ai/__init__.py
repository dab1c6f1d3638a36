"""The AI: plain-language questions to query specs (DESIGN.md, `ai`).

Public API:

- `Engine` — the protocol both engines implement:
  ``answer(question, catalog, values, *, previous=None, context_clues=None, today=None)
  -> EngineAnswer``.
- `answer(...)` / `BuiltinEngine` — the built-in engine: offline, deterministic, fast.
- `LLMEngine(LLMSettings(...))` — any OpenAI-compatible chat-completions endpoint, with the
  built-in engine as fallback.
- `EngineAnswer` (answer text, `tile`, `tiles`, `suggestions`, `engine`, `fallback_reason`)
  and `TileSuggestion` (`title`, `query`: a `QuerySpec`, `chart`; `to_dict` / `from_dict`).
- `build_vocabulary` / `vocabulary_for` — what the built-in engine knows of a catalog.
- `ColumnValues` — ``{(table, column): [values]}`` of low-cardinality columns, fetched by the
  caller through the secured query engine.

Nothing here sees or writes security filters: engines produce specs, and specs run through
the query engine and its access rules like any other query.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plotboard.ai.answers import (
        CHART_TYPES,
        ColumnValues,
        ContextClues,
        Engine,
        EngineAnswer,
        TileSuggestion,
    )
    from plotboard.ai.builtin import BuiltinEngine, answer
    from plotboard.ai.builtin.vocabulary import Vocabulary, build_vocabulary, vocabulary_for
    from plotboard.ai.llm import LLMEngine, LLMSettings

# Loaded on first use (PEP 562): a server that only answers tiles never loads the engines
# (the built-in engine's tables and the model client are ~7 MiB of a worker's memory; see
# docs/benchmarks.md, "Memory"). `from plotboard.ai import answer` works as before.
_LAZY = {
    "CHART_TYPES": "plotboard.ai.answers",
    "ColumnValues": "plotboard.ai.answers",
    "ContextClues": "plotboard.ai.answers",
    "Engine": "plotboard.ai.answers",
    "EngineAnswer": "plotboard.ai.answers",
    "TileSuggestion": "plotboard.ai.answers",
    "BuiltinEngine": "plotboard.ai.builtin",
    "answer": "plotboard.ai.builtin",
    "Vocabulary": "plotboard.ai.builtin.vocabulary",
    "build_vocabulary": "plotboard.ai.builtin.vocabulary",
    "vocabulary_for": "plotboard.ai.builtin.vocabulary",
    "LLMEngine": "plotboard.ai.llm",
    "LLMSettings": "plotboard.ai.llm",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "CHART_TYPES",
    "BuiltinEngine",
    "ColumnValues",
    "ContextClues",
    "Engine",
    "EngineAnswer",
    "LLMEngine",
    "LLMSettings",
    "TileSuggestion",
    "Vocabulary",
    "answer",
    "build_vocabulary",
    "vocabulary_for",
]
