"""Someone else's absence said as why the question is asked ("Priya is on leave this week, so
I'm covering") is context (issue 12); a question about who is absent is still refused: the
data records no absence.

Each test checks a rule through the engine's reply on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, spec_of


@pytest.mark.parametrize(
    "message",
    [
        "Priya is on leave this week, so I'm covering - units by category please",
        "our analyst is out sick today; could I get units by category?",
        "The usual data person is away at the moment. Units by category?",
    ],
)
def test_a_colleagues_absence_is_why_they_ask(
    catalog: Catalog, values: Values, message: str
) -> None:
    spec = spec_of(ask(message, catalog, values))
    assert spec["dimensions"] == [{"column": "category"}]
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}]


@pytest.mark.parametrize(
    "message", ["who is on leave in Marketing", "how many of the Tokyo staff are off sick"]
)
def test_a_question_about_absence_is_still_refused(
    catalog: Catalog, values: Values, message: str
) -> None:
    reply = ask(message, catalog, values)
    assert reply.tile is None and "nothing about" in reply.answer, reply.answer
