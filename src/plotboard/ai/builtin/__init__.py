"""The built-in language engine: questions in plain words to query specs, offline.

`lexer` splits a question into tokens, `reader` reads its intent with `vocabulary` (the
catalog's names, `synonyms`, `timewords`), `resolve` and `compose` turn that into a `draft`
and a query spec, `replies` and `text` say it back, `dashboard` builds several tiles.
`BuiltinEngine` (in `engine`) is the entry point; `plotboard.ai.llm` falls back to it.
"""

from plotboard.ai.builtin.engine import BuiltinEngine, answer

__all__ = ["BuiltinEngine", "answer"]
