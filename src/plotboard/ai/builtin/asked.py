"""What the words of a question ask for, read once its intent is known: a total over every
group said with "all" ("total units of all products").

Each rule reads the shape of the words (a preposition and "all"), never one question.
"""

from __future__ import annotations

from collections.abc import Sequence

from plotboard.ai.builtin.intent import DimSlot, Intent
from plotboard.ai.builtin.lexer import Lexed, Words
from plotboard.ai.builtin.shapes import Shapes

#: Words that ask for one total over what they are said with.
_TOTAL_WORDS = frozenset({"total", "totals", "sum", "overall", "combined", "altogether",
                          "together", "grand", "aggregate"})
#: Prepositions before "all <groups>" that put the groups inside one total ("across all
#: products"); "across" says it alone, the others with a word of `_TOTAL_WORDS`.
_OVER_ALL = frozenset({"across", "over"})
_OF_ALL = frozenset({"of", "for", "from", "on", "in"})
_ALL = frozenset({"all"})
_DETERMINERS = frozenset({"the", "our", "of", "my", "their"})


def _said_at(lexed: Lexed, dim: DimSlot) -> int:
    """Where the phrase of the breakdown `dim` starts in the lexed words; -1 if not found."""
    for item in lexed.items:
        meaning = item.meaning
        if isinstance(meaning, Words) and meaning.text == dim.text and len(
            meaning.terms
        ) == len(dim.terms) and all(a is b for a, b in zip(meaning.terms, dim.terms, strict=True)):
            return item.start
    return -1


def _after_all(words: Sequence[str], at: int) -> tuple[int, str] | None:
    """ "of all the products", "across all regions": where the words before the phrase at
    `at` start, and the preposition, when "all"/"every" (and maybe "the", "of the") and a
    preposition come right before it."""
    k = at - 1
    while k >= 0 and words[k] in _DETERMINERS:
        k -= 1
    if k < 1 or words[k] not in _ALL:
        return None
    if words[k - 1] in _OVER_ALL or words[k - 1] in _OF_ALL:
        return k - 1, words[k - 1]
    return None


def all_groups_totalled(
    lexed: Lexed, intent: Intent, shapes: Shapes, readings: list[str]
) -> None:
    """ "Total units of all products in 2024", "revenue across all regions", "the sum of
    the salaries of all departments": a total said over every group is one total (the
    groups are what it adds up), not a breakdown by them. "for each product", "per
    product", "by product" stay a breakdown; a total word (or "across") must be said, and no
    ranking, share or comparison ("the best of all products" ranks them)."""
    if not intent.dims or not (intent.measures or intent.pending):
        return
    if intent.top or intent.superlative or intent.which or intent.grain:
        return
    if shapes.share or shapes.running or shapes.compare or shapes.distribution or shapes.listing:
        return
    words = lexed.words
    totalled = any(w in _TOTAL_WORDS for w in words) or any(
        m.agg == "sum" for m in intent.measures
    ) or "sum" in intent.pending
    for dim in list(intent.dims):
        if dim is intent.per_dim or dim.per:
            continue  # "per product", "for each product": each one
        at = _said_at(lexed, dim)
        if at < 0:
            continue
        found = _after_all(words, at)
        if found is None:
            continue
        start, preposition = found
        if preposition not in _OVER_ALL and not totalled:
            continue  # "revenue of all regions": which reading is meant is not said
        intent.dims.remove(dim)
        if intent.whole_dim is dim:
            intent.whole_dim = None
        said = " ".join(words[start : at + len(dim.text.split())])
        readings.append(f"'{said}' read as one total over them, not a breakdown")

