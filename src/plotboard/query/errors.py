"""The one error type of the query engine.

Every refusal — a misspelt column, a hidden table, a `DROP TABLE` in raw SQL, an access-rule
check that failed — is a `QueryError`. Its `message` is written for the person who made the
query (often not technical) and never contains SQL internals, stack traces or credentials, so
the HTTP layer can return it as is with a 4xx status. `field` points at the part of the query
spec at fault (`"measures[0].column"`, `"sql"`, ...) so that a form can highlight it; `code` is a
stable machine-readable reason.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

#: Stable error codes. Extend, never rename: clients may switch on them.
ERROR_CODES: frozenset[str] = frozenset(
    {
        "invalid_query",  # generic fallback
        "invalid_expression",  # an expression (measure, custom column) that does not parse or check
        "unknown_table",
        "unknown_column",
        "hidden_table",
        "hidden_column",
        "invalid_aggregate",
        "invalid_grain",
        "invalid_filter",
        "invalid_order",
        "duplicate_alias",
        "no_join_path",
        "ambiguous_join",
        "sql_syntax",
        "sql_too_long",
        "sql_too_complex",
        "sql_multiple_statements",
        "sql_not_read_only",
        "sql_forbidden_syntax",
        "sql_system_catalog",
        "sql_function_not_allowed",
        "invalid_rule",
        "access_check_failed",
    }
)


class QueryError(ValueError):
    """A query the engine refuses to run, with a message a person can act on.

    Attributes:
        message: what is wrong and, when possible, how to fix it.
        field: the part of the query at fault (e.g. ``"dimensions[1].grain"`` or ``"sql"``).
        code: one of `ERROR_CODES`.
        position: for an expression, the 1-based offset in its text where the problem is.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str = "invalid_query",
        position: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code if code in ERROR_CODES else "invalid_query"
        self.position = position

    def to_dict(self) -> dict[str, str | int | None]:
        """The JSON body the HTTP layer sends back."""
        body: dict[str, str | int | None] = {
            "message": self.message, "field": self.field, "code": self.code
        }
        if self.position is not None:
            body["position"] = self.position
        return body

    def __repr__(self) -> str:
        return f"QueryError({self.message!r}, field={self.field!r}, code={self.code!r})"


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A ``" Did you mean 'x'?"`` suffix for the closest candidate, or an empty string."""
    by_lower = {c.lower(): c for c in candidates}
    if name.lower() in by_lower:
        return ""
    matches = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    return f" Did you mean '{by_lower[matches[0]]}'?" if matches else ""
