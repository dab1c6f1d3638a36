"""The built-in engine's sentences read naturally in every tone, with one quote style."""

from __future__ import annotations

import pytest

from plotboard.ai.builtin.replies import typographic
from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask


@pytest.mark.parametrize(
    ("clues", "expected"),
    [
        (None, "Here is the share of revenue by category."),
        ({"tone": "friendly"}, "Sure! Here is the share of revenue by category."),
        ({"tone": "formal"}, "Please find below the share of revenue by category."),
        ({"tone": "concise"}, "Share of revenue by category."),
    ],
)
def test_a_special_answer_reads_as_a_sentence_not_a_label_after_a_colon(
    catalog: Catalog, values: Values, clues: dict[str, str] | None, expected: str
) -> None:
    # The walk read "Sure! Here is: Share of revenue by category." (a stray colon).
    reply = ask("share of revenue by category", catalog, values, context_clues=clues)
    assert reply.answer == expected


def test_several_picks_are_said_in_the_plural(catalog: Catalog, values: Values) -> None:
    reply = ask("Top 3 products per category", catalog, values, context_clues="friendly")
    assert reply.answer.startswith("Sure! Here are the top 3 products by revenue in each category")


def test_a_refusal_quotes_the_users_words_as_it_quotes_its_example(
    catalog: Catalog, values: Values
) -> None:
    # 'weather' (straight quotes) next to “Headcount by department” (typographic).
    reply = ask("what's the weather", catalog, values)
    assert reply.tile is None
    assert "\u201cweather\u201d" in reply.answer, reply.answer
    assert "'" not in reply.answer.replace("can't", ""), reply.answer


def test_readings_quote_the_users_words_the_same_way(catalog: Catalog, values: Values) -> None:
    reply = ask("avg sal by dept", catalog, values)
    assert "\u201csal\u201d read as \u201csalary\u201d" in reply.assumptions, reply.assumptions
    assert not any("'" in said for said in reply.assumptions), reply.assumptions


def test_apostrophes_are_not_quotes() -> None:
    assert typographic("I couldn't find 'Acme's stores' in this data") == (
        "I couldn't find \u201cAcme's stores\u201d in this data"
    )
    assert typographic("'don't know' read as 'unknown'") == (
        "\u201cdon't know\u201d read as \u201cunknown\u201d"
    )
    assert typographic("the employees' salaries") == "the employees' salaries"
