"""What the words of a question ask for, read once its intent is known: a total over every
group said with "all" ("total units of all products"), the rows themselves said by a word
for rows ("the sale records above 45,000"), a column said of the rows ("emails of every
Staff Engineer in Paris").

Each rule reads the shape of the words (a preposition and "all", a noun for rows and a bound,
a column and "of"), never one question.
"""

from __future__ import annotations

from collections.abc import Sequence

from plotboard.ai.builtin.intent import DimSlot, Intent
from plotboard.ai.builtin.lexer import Lexed, Words
from plotboard.ai.builtin.shapes import Shapes
from plotboard.ai.builtin.vocabulary import ColumnTerm, TableTerm, Vocabulary

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


#: Words that ask for a figure, not the rows ("how many", "count", "average").
_FIGURE_WORDS = frozenset({"how", "many", "much", "number", "count", "total", "totals", "sum",
                           "average", "avg", "mean", "median", "headcount", "tally", "percent",
                           "percentage", "share", "proportion", "distribution", "spread",
                           "breakdown", "split", "by", "per", "each"})
_LEADS = frozenset({"the", "show", "list", "give", "me", "us", "get", "find", "see", "all",
                    "please", "pull", "fetch", "what", "whats", "are", "is", "their"})


def column_of_rows(vocab: Vocabulary, lexed: Lexed, intent: Intent, shapes: Shapes) -> None:
    """ "emails of every Staff Engineer in Paris", "the email addresses of the remote Finance
    staff": a text column said first, in the plural, then "of" and the rows it belongs to
    (their table, or values of it): those rows listed with that column. Only a column whose
    values are not a short known list (an email, a name: about one per row), where a count
    per value would be a column of 1s; "job titles of the Paris staff" stays a breakdown.
    Said after "list" or "show" too ("list the emails of ..."), which already asks for rows."""
    if shapes.share or shapes.running or shapes.compare or shapes.top_n:
        return
    if shapes.distribution or intent.measures or intent.pending or intent.grain:
        return
    if intent.top or intent.superlative or intent.dashboard or intent.follow:
        return
    if len(intent.dims) != 1 or any(w in _FIGURE_WORDS for w in lexed.words):
        return
    dim = intent.dims[0]
    at = _said_at(lexed, dim)
    if at < 0 or not all(w in _LEADS for w in lexed.words[:at]):
        return  # the column opens the question (after "show me the", "list the")
    end = at + len(dim.text.split())
    if lexed.words[end : end + 1] != ("of",):
        return
    columns = [t for t in dim.terms if isinstance(t, ColumnTerm)]
    if not columns or len(columns) != len(dim.terms):
        return
    column = columns[0]
    table = column.table
    if column.column.type != "string" or vocab.cardinality(table, column.column) is not None:
        return
    rows = [t for t in intent.tables if t.table is table]
    valued = any(t.table is table for v in intent.values for t in v.terms) or any(
        t.table is table for b in intent.bools for t in b.terms)
    if len(rows) != len(intent.tables) or not (rows or valued):
        return  # the rows are this column's own table, said after "of"
    if not rows:
        intent.tables.append(TableTerm(table, column.quality))
    shapes.listing = shapes.their = True


#: Nouns for a table's rows as such ("the sale records", "the rows", "order lines").
_RECORD_NOUNS = frozenset({"record", "records", "row", "rows", "entry", "entries", "line",
                           "lines"})
#: Rows that are events ("the transactions"): the rows themselves when said with "the".
_EVENT_NOUNS = frozenset({"transaction", "transactions", "order", "orders", "deal", "deals"})
_THE = frozenset({"the", "those", "these"})
#: Words right after the rows that bound a number of theirs ("above 45,000", "worth over").
_BOUND_WORDS = frozenset({"above", "over", "under", "below", "exceeding", "exceed", "greater",
                          "more", "less", "bigger", "larger", "smaller", "higher", "lower",
                          "at", "worth", "of", "beyond", "topping", "between", "with", "where",
                          "whose", "that", "which", ">", "<", ">=", "<="})


def bounded_rows_said(words: Sequence[str]) -> bool:
    """Whether the message names rows with "the" and a word for rows ("the sale records
    above 45000", "the rows over 100k", "the transactions above 40k") right before a bound
    of theirs: those rows. Without "the" ("South sales lines worth at most $100") a noun
    phrase of rows and a bound asks how many. Read on the words as typed: "sale records" is
    read as the orders later."""
    for i, word in enumerate(words[:-1]):
        if words[i + 1] not in _BOUND_WORDS:
            continue
        if word not in _RECORD_NOUNS and word not in _EVENT_NOUNS:
            continue
        # "the records", "the sale records": "the" right before, or before one word
        # naming whose rows they are.
        if (i > 0 and words[i - 1] in _THE) or (
            i > 1 and words[i - 2] in _THE and words[i - 1].isalpha()
            and words[i - 1] not in _RECORD_NOUNS and word in _RECORD_NOUNS
        ):
            return True
    return False


_ROW_OPS = frozenset({"gt", "gte", "lt", "lte", "between"})


def bounded_rows_listed(intent: Intent, lexed: Lexed, shapes: Shapes, said: bool) -> None:
    """ "Please check the sale records above 45000 in September", "the transactions over
    40k last month": rows named as rows (records, entries, lines; "the" transactions) and
    kept by a bound on a number of each are those rows, listed; not how many there are
    ("how many sale records ...", "count the rows ..." stay a count)."""
    if not said or shapes.listing or shapes.share or shapes.running or shapes.compare:
        return
    if shapes.distribution or shapes.top_n or intent.measures or intent.pending:
        return
    if intent.dims or intent.grain or intent.top or intent.superlative or intent.chart:
        return
    if intent.dashboard or intent.follow or len(intent.tables) != 1 or not intent.compares:
        return
    if any(w in _FIGURE_WORDS for w in lexed.words):
        return
    if not all(c.op in _ROW_OPS and c.measure is None and c.counted is None
               for c in intent.compares):
        return
    shapes.listing = True
