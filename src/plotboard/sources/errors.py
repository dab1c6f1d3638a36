"""The one error type the sources layer raises, with stable codes callers can branch on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from plotboard.errors import PlotboardError


@dataclass
class SourceError(PlotboardError):
    """A customer database could not do what was asked, in words a person can act on.

    `code` is one of:

    - `timeout` — the query ran past its time limit and was stopped (504);
    - `unavailable` — the database could not be reached or the connection was lost (503);
    - `busy` — every pooled connection to the database is in use (503);
    - `read_only` — the statement tried to change data and the database refused (403);
    - `query_failed` — the database refused the query (syntax, unknown column, ...) (400);
    - `not_a_query` — the statement returned no rows (400);
    - `unknown_source` — no source is registered under that id (404);
    - `invalid` — bad arguments from the caller, e.g. a negative timeout (422).

    The message never contains a password or a stack trace. It is written for the admin and
    may name hosts, ports, databases and files; `for_end_user` gives the words for everyone
    else.
    """

    _STATUS: ClassVar[dict[str, int]] = {
        "timeout": 504,
        "unavailable": 503,
        "busy": 503,
        "read_only": 403,
        "query_failed": 400,
        "not_a_query": 400,
        "unknown_source": 404,
        "invalid": 422,
    }

    def __post_init__(self) -> None:
        # Callers write SourceError(code=..., message=...); the HTTP status follows the code
        # unless one was given explicitly.
        if self.status == 400:
            self.status = self._STATUS.get(self.code, 400)

    def for_end_user(self) -> SourceError:
        """This error as an end user of an embedded dashboard is told it: the same code and
        status, without the admin's details (hosts, ports, database and file names), which
        they can do nothing about."""
        plain = END_USER_MESSAGES.get(self.code)
        if plain is None:
            return self
        return SourceError(plain, self.code, self.status)


# Problems only an admin can fix, in words for the people who meet them in a dashboard.
END_USER_MESSAGES = {
    "unavailable": (
        "The data cannot be reached right now. Please try again in a few minutes; if it keeps "
        "happening, tell the team that runs this app."
    ),
}
