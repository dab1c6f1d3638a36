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
