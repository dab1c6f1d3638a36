"""The built-in engine: plain-English questions to query specs, offline and deterministic.

```python
from plotboard.ai import answer

reply = answer("average salary by location as a map", catalog, values)
reply.tile.to_dict()
# {"title": "Average salary by location",
#  "query": {"table": "employees", "measures": [{"agg": "avg", "column": "salary"}],
#            "dimensions": [{"column": "location"}], "order_by": [...]},
#  "chart": {"type": "map"}}
follow_up = answer("only Paris", catalog, values, previous=reply.tile)
```

The pipeline, one module each: words (`text`) -> items (`lexer`, with `vocabulary` and
`timewords`) -> intent (`intent`) -> table and columns (`resolve`) -> query (`compose`, or
`dashboard` for several tiles) -> chart (`charts`) -> title and answer (`replies`). No
model, no network, no randomness: the same question over the same catalog and values on
the same `today` always gives the same answer, in well under 50 ms.

Every spec returned has been compiled with `compile_query` against the catalog, so it is
valid for the query engine; it carries no security filters — access rules are applied
when the tile's query runs, as for any other query.

Over several sources (`Source`: every database the user may see) the engine picks the table
among all of them, and the answer says which source its tile runs on (`EngineAnswer.source`).
A conversation stays on the source of its last tile unless the question is about a table that
source does not have; a question may name a database ("... in the Sales archive"); and when
tables of two databases fit equally well, the answer asks which one, naming them by the names
the admin gave them, with the question completed for each as suggestions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Callable, Sequence
from typing import cast

from pydantic import ValidationError

from plotboard.ai.answers import (
    ColumnValues,
    ContextClues,
    EngineAnswer,
    Source,
    Sources,
    TileSuggestion,
    as_sources,
)
from plotboard.ai.builtin.asked import (
    all_groups_totalled,
    bounded_rows_listed,
    bounded_rows_said,
    column_of_rows,
)
from plotboard.ai.builtin.compose import RANKED_ROWS, build_fresh, refine
from plotboard.ai.builtin.conversation import (
    ASK_AS_NEW,
    CHANGE_LAST,
    CHANGED_LABEL,
    NEW_LABEL,
    Turn,
    read_cues,
    read_turn,
    strip_new_topic,
)
from plotboard.ai.builtin.dashboard import dashboard_drafts
from plotboard.ai.builtin.draft import Draft, DraftFilter, from_spec, to_spec
from plotboard.ai.builtin.framing import message_body
from plotboard.ai.builtin.intent import DimSlot, Intent, MeasureSlot, ValueSlot
from plotboard.ai.builtin.lexer import (
    REAL_WORDS,
    Keyword,
    Lexed,
    Superlative,
    Time,
    Words,
    edits,
    lex,
    split_compounds,
)
from plotboard.ai.builtin.markdown import plain_markdown
from plotboard.ai.builtin.pdread import DATE as PANDAS_DATE
from plotboard.ai.builtin.pdread import (
    PandasUnread,
    looks_like_pandas,
    pandas_spec,
    split_framing,
)
from plotboard.ai.builtin.reader import SELLER_NOUNS, read_intent
from plotboard.ai.builtin.replies import (
    Voice,
    cannot_answer,
    compared_periods,
    describe_answer,
    filters_phrase,
    suggestions,
    title_of,
    typographic,
    voice_of,
)
from plotboard.ai.builtin.resolve import Ambiguous, Unanswerable, date_filters
from plotboard.ai.builtin.rread import (
    RUnknown,
    RUnread,
    TableInfo,
    prose_conditions,
    r_pipeline,
)
from plotboard.ai.builtin.scope import (
    action_request,
    conversion_request,
    forecast_request,
    outside_words,
    proper_names,
    write_request,
)
from plotboard.ai.builtin.shapes import (
    COUNTED_ROWS,
    Shapes,
    apply_shapes,
    bosses_by_their_field,
    people_table,
    read_shapes,
    said_once,
    tables_with_empty_fields,
)
from plotboard.ai.builtin.slang import (
    ABBREVIATIONS,
    CLAIM_LEAD,
    NEW_IN,
    expand,
    reduced_message,
    yes_no_then_request,
)
from plotboard.ai.builtin.slips import catalog_slips, respell
from plotboard.ai.builtin.sqlread import sql_spec, unread_part
from plotboard.ai.builtin.synonyms import AVERAGED_WORDS
from plotboard.ai.builtin.text import (
    KEEP_WORDS,
    LEFT_OUT_WORDS,
    STATUS_WORDS,
    STOPWORDS,
    Token,
    left_out,
    parse_number,
    singular,
    split_identifier,
    stems,
    tokenize,
)
from plotboard.ai.builtin.timewords import MONTHS, UNITS, DateRange, match_time
from plotboard.ai.builtin.unasked import unasked
from plotboard.ai.builtin.vocabulary import (
    EXACT,
    SYNONYM,
    ColumnTerm,
    MeasureTerm,
    TableTerm,
    Term,
    ValueTerm,
    Vocabulary,
    is_measure_like,
    table_label,
    table_ref,
    vocabulary_of,
)
from plotboard.ai.charts import choose_chart
from plotboard.catalog.model import NUMERIC_TYPES, TEMPORAL_TYPES, Table
from plotboard.query.compile import compile_query
from plotboard.query.errors import QueryError
from plotboard.query.spec import Filter, Grain, QuerySpec

MAX_QUESTION_CHARS = 1000
# "headcount per office/job title": two names joined by a slash are listed, as with a
# comma (not one compound name); "w/o" and dates keep theirs.
_SLASHED = re.compile(r"(?<=[A-Za-z]{2})\s*/\s*(?=[A-Za-z]{2})")
READ_ONLY = "plotboard only reads data; it can't change, add or delete anything"
READS_ONLY = (
    "plotboard only reads data and draws charts; it can't send messages, translate or act"
)
UNBUILT = (
    "I couldn't put those words together into one query; try asking for one thing at a time"
)
NO_FORECASTS = "the data holds what happened; plotboard doesn't predict or forecast"
NO_CONVERSIONS = (
    "plotboard shows the amounts as the data holds them; it can't convert them into '{}' "
    "(the data has no rates for that)"
)
LONG_QUESTION_WORDS = 14
"""From this many words on, a message is read leniently (its unknown words are context)."""
"""Longer questions are cut: nobody types more, and it bounds the work per question."""


_WHAT_DATE = (("on", "what", "date"), ("on", "which", "date"), ("what", "date"),
              ("which", "date"), ("on", "what", "day"), ("what", "day"),
              # "what year and day did ... open": the date it did
              *((which, a, "and", b) for which in ("what", "which")
                for a, b in (("year", "day"), ("day", "year"), ("year", "date"),
                             ("date", "year")))
              )
_WHAT_YEAR = (("in", "what", "year"), ("in", "which", "year"), ("what", "year"),
              ("which", "year"))
_OPENED = frozenset({"open", "opened", "launch", "launched", "established", "founded"})
_HOW_MANY_WORDS = frozenset({"most", "least", "fewest", "more", "fewer", "many", "much",
                             "first", "last", "earliest", "latest", "offices", "stores",
                             "sites", "branches", "shops"})
_TOPIC_PRONOUNS = frozenset({"it", "they", "its", "this", "that"})
_DID = frozenset({"did", "was", "were", "does", "do", "is", "has", "have"})


def _what_date(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """ "which date was the Lisbon site opened", "on what day was ... hired": "when" — the
    date asked is the one of the verb that follows, not a date column named "date". "(the)
    date of our earliest hire", "what's the date of the latest sale": when that row was
    (the date of a row ranked by its time)."""
    words = tuple(t.text for t in tokens)
    for lead in sorted(_WHAT_DATE, key=len, reverse=True):
        size = len(lead)
        if words[:size] == lead and len(words) > size + 1 and words[size] in _DID:
            return (Token("when", "when"), *tokens[size:])
        # "Paris office, opened on which date?": the thing, then its verb and the question
        # about it last; asked as "when was the Paris office opened".
        if words[-size:] == lead and len(words) > size + 2 and words[-size - 1] in _OPENED:
            thing = [t for t in tokens[: -size - 1] if t.text != ","]
            if thing:
                return (Token("when", "when"), Token("was", "was"), *thing,
                        tokens[-size - 1])
        # "Paris site: on which date did it open?": the thing named first, then asked of
        # by a pronoun.
        at = next((k for k in range(1, len(words) - size - 1) if words[k : k + size] == lead
                   and words[k + size] in _DID and words[k + size + 1] in _TOPIC_PRONOUNS), None)
        if at is not None:
            return (Token("when", "when"), *tokens[at + size : at + size + 1], *tokens[:at],
                    *tokens[at + size + 2 :])
    # "what year did the Oslo store open", "in which year was it launched": when one thing
    # opened (not how many opened each year: "what year did the most open" is a ranking).
    for lead in _WHAT_YEAR:
        size = len(lead)
        if (words[:size] == lead and len(words) > size + 2 and words[size] in _DID
                and set(words[size + 1 :]) & _OPENED and not set(words) & _HOW_MANY_WORDS):
            return (Token("when", "when"), *tokens[size:])
    for lead in _DATE_OF:
        size = len(lead)
        rest = words[size:]
        while rest[:1] and rest[0] in _OWNERS:
            rest = rest[1:]
        if words[:size] == lead and len(rest) > 1 and (
            rest[0] in _WHEN_RANKED or rest[:2] == ("most", "recent")
        ):
            return (Token("when", "when"), Token("was", "was"), *tokens[size:])
    return tokens


_DATE_OF = tuple(
    (*what, *the, date, "of")
    for what in ((), ("what", "s"), ("what", "is"), ("what", "was"))
    for the in ((), ("the",))
    for date in ("date", "day")
)
_OWNERS = frozenset({"the", "our", "my", "their", "its", "your"})
_WHEN_RANKED = frozenset({"earliest", "first", "latest", "last", "newest", "oldest", "most"})


_PERIOD_LEADS = frozenset({"last", "past", "previous", "next"})


def _unread_period(lexed: Lexed) -> str | None:
    """ "last yoor", "the past fortnite": a period begun but not read (an unknown word right
    after "last", "past", "previous", "next"), as said; None when there is none."""
    for i, word in sorted(lexed.unknown_at.items()):
        if i and word.isalpha() and lexed.words[i - 1] in _PERIOD_LEADS:
            return f"{lexed.words[i - 1]} {word}"
    return None


_RATED = frozenset({"rated", "scored", "ranked", "graded", "star", "starred"})


def _rated_first(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """ "3-rated engineers", "the 4-star staff": the thing "rated 3", said the usual way
    round ("employees rated 5"), so that the number is the rating, not how many."""
    for i in range(len(tokens) - 1):
        if not tokens[i].text.isdigit() or tokens[i + 1].text not in _RATED:
            continue
        after = tokens[i + 2] if i + 2 < len(tokens) else None
        if after is not None and after.text.isalpha() and after.text not in STOPWORDS:
            return (*tokens[:i], after, tokens[i + 1], tokens[i], *tokens[i + 3 :])
        return (*tokens[:i], tokens[i + 1], tokens[i], *tokens[i + 2 :])
    return tokens


def _source_id(vocab: Vocabulary, draft: Draft) -> str | None:
    return vocab.source_of(draft.base).id or None


def _tile(vocab: Vocabulary, draft: Draft) -> tuple[TileSuggestion, str | None]:
    """The tile for a draft, compiled against the catalog; (tile, why the chart wish failed)."""
    if draft.records:
        chart, problem = "table", None
        if draft.chart not in (None, "table"):
            # "as a line" after "list the employees in Paris": nothing to draw, and saying so
            # beats answering with the same table as if it were the line asked for.
            problem = (
                "a list of records has no numbers to draw; ask for a number, such as a count "
                "by month, to get a chart"
            )
    elif any(d.key is not None for d in draft.dims) and (
        len(draft.dims) > 1 or (draft.limit is None and draft.chart is None)
    ):
        # A row per person, named only (grouped by their key: a name may repeat). Split by
        # another breakdown, a chart would merge two people of one name into one series or
        # bar; and a list of every person reads best as a table. A single ranked list of people
        # ("top 5 sellers") is drawn as any other breakdown.
        chart, problem = "table", None
        if draft.chart not in (None, "table"):
            problem = "names can repeat, so each person is a row of the table"
    else:
        chart, problem = choose_chart(vocab, draft, draft.chart)
    spec = to_spec(draft)
    # Raises QueryError: never hand out an invalid spec.
    compile_query(spec, vocab.catalog_of(draft.base))
    tile = TileSuggestion(title_of(vocab, draft), spec, {"type": chart}, _source_id(vocab, draft))
    return tile, problem


_BEFORE_NAME = frozenset({"in", "from", "on", "using", "within", "inside"})
_AFTER_NAME = frozenset({"database", "databases", "db", "source", "sources"})


def _named_source(
    tokens: tuple[Token, ...], vocab: Vocabulary
) -> tuple[tuple[Token, ...], str | None]:
    """The question without the database it names, and that database's id.

    A database counts as named by its admin-given name after "in", "from", "on" ... ("in the
    Sales archive") or before "database" ("the Demo database"): a bare name could also be a
    table's or a value's word. None when there is only one source, or none is named."""
    if len(vocab.sources) < 2:
        return tokens, None
    words = [t.text for t in tokens]
    found = sorted(
        ((tuple(stems(s.name)), s.id) for s in vocab.sources if stems(s.name)),
        key=lambda pair: -len(pair[0]),
    )
    for name, source_id in found:
        size = len(name)
        for i in range(len(tokens) - size + 1):
            if tuple(t.stem for t in tokens[i : i + size]) != name:
                continue
            start, end = i, i + size
            if start > 0 and words[start - 1] == "the":
                start -= 1
            before = start > 0 and words[start - 1] in _BEFORE_NAME
            after = end < len(words) and words[end] in _AFTER_NAME
            if not (before or after):
                continue
            start -= 1 if before else 0
            end += 1 if after else 0
            return tokens[:start] + tokens[end:], source_id
    return tokens, None


def _which_database(vocab: Vocabulary, err: Ambiguous, question: str) -> EngineAnswer:
    """Ask which database a question is about, naming them as the admin did (never by id),
    with the question completed for each as suggestions."""
    options = [(table_label(t).lower(), vocab.source_of(t).name) for t in err.tables]
    listed = [f"{label} in {name}" for label, name in options]
    joined = ", ".join(listed[:-1]) + f" or {listed[-1]}"
    asked = question.strip().rstrip("?.! ")
    return EngineAnswer(
        answer=f"That could come from more than one database: {joined}. Which one do you "
        "mean? Add its name to the question, for example "
        f"\u201c{asked} in {options[0][1]}\u201d.",
        suggestions=tuple(dict.fromkeys(f"{asked} in {name}" for _, name in options)),
    )


def _spec_of(draft: Draft) -> dict[str, object]:
    return to_spec(draft).model_dump(mode="json", exclude_defaults=True)


def _keeps_breakdown(before: Draft, draft: Draft) -> bool:
    """Whether `draft` keeps every breakdown column of `before` and changes something."""
    kept = {(id(d.table), id(d.column)) for d in draft.dims}
    if not all((id(d.table), id(d.column)) in kept for d in before.dims) or not before.dims:
        return False
    return _spec_of(draft) != _spec_of(before)


@dataclasses.dataclass
class _Reading:
    draft: Draft
    follow_up: bool
    other: Draft | None = None  # the other reading, when close enough to offer


def _read_in_conversation(
    vocab: Vocabulary,
    intent: Intent,
    shapes: Shapes,
    before: Draft,
    turn: Turn,
    *,
    forced: bool,
    stay: str | None,
    only: str | None,
) -> _Reading:
    """The draft for a message after a tile: the likelier reading (`turn`) — or the other
    when the likelier can't be answered — and the other when it is close and differs.

    Raises:
        Unanswerable: neither reading can be answered (the likelier one's reason).
    """

    def changed(it: Intent) -> Draft:
        return apply_shapes(
            vocab, refine(vocab, before.copy(), it, only=only), shapes, it, before.filters
        )

    def changed_shape(it: Intent) -> Draft:
        if it.is_empty and shapes.asked and it.number is None:
            # "list them", "as percentages": the last chart in the shape asked for.
            return apply_shapes(vocab, before.copy(), shapes, it, before.filters)
        return changed(it)

    def fresh(it: Intent) -> Draft:
        return _fresh(vocab, it, shapes, stay, only)

    def spare() -> Intent:  # the engine's steps note into an intent: keep the first clean
        return dataclasses.replace(
            intent, ignored=list(intent.ignored), unknown=list(intent.unknown)
        )

    follow = turn.follow_up
    try:
        draft = (changed_shape if follow else fresh)(intent)
    except Unanswerable as err:
        if forced:
            raise
        try:
            draft = (fresh if follow else changed_shape)(spare())
        except (Unanswerable, QueryError):
            raise err from None  # the likelier reading's reason
        return _Reading(draft, not follow)
    if follow and not forced and draft.base is not before.base and _qualified_rows(intent):
        # "restrict that to EMEA offices" after headcount by department: the rows named
        # with a value of theirs say which of the chart's rows to keep (those of the
        # offices in EMEA), not what to count.
        try:
            kept = changed(dataclasses.replace(spare(), tables=[]))
        except (Unanswerable, QueryError):
            kept = None
        if kept is not None and kept.base is before.base:
            return _Reading(kept, follow)
    if follow and not forced and draft.base is not before.base:
        # The change would land on another table: that is no longer the last chart, but a
        # question of its own ("what about offices opened before 2015" after headcount).
        try:
            return _Reading(fresh(spare()), False)
        except (Unanswerable, QueryError):
            return _Reading(draft, follow)
    if forced or not turn.ambiguous:
        return _Reading(draft, follow)
    try:
        other = (fresh if follow else changed_shape)(spare())
    except (Unanswerable, QueryError):
        return _Reading(draft, follow)
    if follow and turn.bare_measure and not _keeps_breakdown(before, draft):
        # "average salary" after a chart it can't be split like, or that it would not change:
        # a question of its own, and the change is no reading to offer.
        return _Reading(other, False)
    if _spec_of(other) == _spec_of(draft):
        return _Reading(draft, follow)
    return _Reading(draft, follow, other)


def _qualified_rows(intent: Intent) -> bool:
    """Whether every table the message names comes with a value of its own columns and
    nothing is measured ("EMEA offices", "the Paris-based offices")."""
    if not intent.tables or intent.measures or intent.dims or not intent.values:
        return False
    valued = {id(term.table) for slot in intent.values for term in slot.terms}
    return all(id(t.table) in valued for t in intent.tables)


def _fresh(
    vocab: Vocabulary, intent: Intent, shapes: Shapes, stay: str | None, only: str | None
) -> Draft:
    """A question answered afresh, in the shapes it asks for."""
    if not intent.has_subject and shapes.nulls:
        # "who doesn't have a manager?": the rows of the table with that field.
        intent = dataclasses.replace(intent, tables=tables_with_empty_fields(vocab, shapes)[:1])
    return apply_shapes(vocab, build_fresh(vocab, intent, stay=stay, only=only), shapes, intent)


def _counted(intent: Intent, shapes: Shapes) -> None:
    """Orders, deals and transactions are counted: "orders by region", "total orders per
    month", "running sum of orders" count the rows unless a measure is named ("revenue from
    orders") or the rows themselves are asked for (a listing)."""
    if not shapes.counted_rows or intent.measures or shapes.listing or shapes.share:
        return
    if intent.top is not None or (intent.superlative is not None and intent.superlative.size):
        return  # "the biggest orders", "top 5 deals": ranked by their amount
    if not intent.pending or intent.pending == ["sum"]:
        intent.pending = ["count"]
    elif intent.pending == ["avg"] and intent.per_dim is not None and intent.per_dim.per:
        intent.pending = ["count", "avg"]  # "orders per seller on average": how many each


def _counted_typo(lexed: Lexed, vocab: Vocabulary) -> bool:
    """ "oders by region": a counted word ("orders", "deals") typed with a slip, which the
    lexer read as that word (the word itself is nothing the catalog knows)."""
    for item in lexed.items:
        if not isinstance(item.meaning, Words) or item.size != 1:
            continue
        said = lexed.words[item.start]
        if (singular(said),) in vocab.phrases or said in COUNTED_ROWS or said in REAL_WORDS:
            continue
        if any(len(w) >= 5 and edits(said, w) == 1 for w in COUNTED_ROWS):
            return True
    return False


_LISTED_DAYS = 31
"""A period up to this long keeps few enough rows to list them ("hired in December")."""
_LISTED_QUARTER = 92
"""... and up to a quarter when "all" the rows are asked for ("all ... sales in Q3")."""


def _rows_asked(vocab: Vocabulary, intent: Intent, shapes: Shapes) -> None:
    """The things themselves, not a count: "employees hired in December 2025", "offices in
    Germany", "employees without a manager". The question opens with a table of things
    (rows with no amount of their own: people, offices — not sales) in the plural, asks no
    measure, breakdown or ranking, and keeps rows by exact marks: values, flags, equal
    numbers, empty fields, a period of a month or less. A threshold or a long span ("hired
    before 2018", "rated 3 or above") asks how many."""
    # "all Training Day sales on 5 Nov 2024": "all" before the rows said in the plural.
    every = shapes.words[:1] in (("all",), ("every",)) and any(
        w.endswith("s") or w in _PLURAL_ROWS for w in intent.row_words
    )
    if shapes.listing or not (intent.rows_first or every) or shapes.share or shapes.running:
        return
    if shapes.distribution or shapes.compare or shapes.top_n:
        return
    if intent.measures or intent.pending or intent.dims or intent.grain or intent.top:
        return
    if intent.superlative or intent.chart or intent.common or intent.dashboard or intent.follow:
        return  # "only remote employees" after a chart changes that chart
    span = intent.date_range
    one_day = span is not None and span.start is not None and span.start == span.end
    measured = any(vocab.default_measure(t.table).column is not None for t in intent.tables)
    if not one_day and measured and (not every or intent.date_range is None):
        return  # "sales in the East" is how much; "the sales made on March 3rd" are those
    # Rows that carry an amount are many, however few things they name ("all hardware
    # sales in 2024" is a total).
    few = not measured and all(_few_rows(vocab, t.table) for t in intent.tables)
    if any(c.op != "eq" for c in intent.compares) and not few:
        return
    span = intent.date_range
    # "all Training Day sales in the South during Q3 2024": "all" keeps a quarter listed.
    longest = _LISTED_QUARTER if every else _LISTED_DAYS
    if span is not None and not few and (
        span.start is None or span.end is None or (span.end - span.start).days >= longest
    ):
        return
    if intent.values or intent.bools or intent.compares or shapes.nulls or span is not None:
        shapes.listing = True


_ASKING_WORDS = frozenset({"how", "what", "whats", "which", "who", "count", "number", "total",
                           "sum", "tally", "many", "much", "average", "avg", "is", "are", "do",
                           "does", "did"})


def _rows_of_a_size(vocab: Vocabulary, lexed: Lexed, intent: Intent, shapes: Shapes) -> None:
    """ "Workstation Tower orders this year of 19 units or more": rows said as a noun phrase
    (no question, no measure), kept by a value and by a size of their own (a whole number of
    things each row holds: units, not its amount or a price) are those rows, listed;
    "accessory sales lines with a unit price of at most 50" asks how many."""
    if shapes.listing or shapes.share or shapes.running or shapes.compare or shapes.top_n:
        return
    if shapes.distribution or intent.measures or intent.pending or intent.dims or intent.grain:
        return
    if intent.top or intent.superlative or intent.chart or intent.dashboard or intent.follow:
        return
    if any(w in _ASKING_WORDS for w in lexed.words) or len(intent.tables) != 1:
        return
    rows = intent.tables[0].table
    said = intent.row_words[-1:]
    if not said or not said[0].endswith("s") or not intent.values or not intent.compares:
        return
    main = vocab.default_measure(rows).column
    if main is None:
        return
    if all(c.op in ("gt", "gte", "lt", "lte") and c.measure is None and c.counted is None
           and c.terms and all(isinstance(t, ColumnTerm) and t.table is rows
                               and t.column is not main and t.column.type == "integer"
                               for t in c.terms)
           for c in intent.compares):
        shapes.listing = True


def _each_row_listed(lexed: Lexed, intent: Intent, shapes: Shapes) -> None:
    """ "what does each person without a boss earn", "the salary of every employee in Paris":
    "each"/"every" before the table's own rows, with only columns of those rows asked (no
    aggregation said), lists the rows with those columns; it is no breakdown of a count or
    an average by person."""
    each = intent.per_dim
    if each is None and not intent.dims:
        # "the rating of every employee": the rows after "every", read as the whole
        for item in lexed.items:
            terms = item.meaning.terms if isinstance(item.meaning, Words) else ()
            if item.start > 0 and lexed.words[item.start - 1] in ("each", "every") and terms and (
                all(isinstance(t, TableTerm) for t in terms)
            ):
                each = DimSlot(terms, lexed.words[item.start])
                break
    if shapes.listing or each is None or not each.terms or shapes.share or shapes.running:
        return
    words = shapes.words
    if not any(words[k] in ("each", "every") and words[k + 1] == each.text
               for k in range(len(words) - 1)):
        return  # "for each category, units per order": the rows are not what "each" names
    if any(w in ("how", "many", "much") for w in words):
        return  # "how many units does each order hold": an amount, not the rows
    if not all(isinstance(t, TableTerm) for t in each.terms):
        return
    rows = cast(TableTerm, each.terms[0])
    if intent.pending or intent.grain or intent.top or intent.superlative or intent.chart:
        return
    if shapes.distribution or shapes.compare or shapes.top_n or intent.dashboard:
        return
    others = [d for d in intent.dims if d is not each]
    said = [t for d in others for t in d.terms] + [t for m in intent.measures for t in m.terms]
    if not said and not intent.compares:
        # "each person earn": a number right after the rows, which the reading took as a
        # compound name; it is the column asked.
        for item in lexed.items:
            terms = item.meaning.terms if isinstance(item.meaning, Words) else ()
            if terms and all(isinstance(t, ColumnTerm) and t.table is rows.table
                             and t.column.type not in TEMPORAL_TYPES for t in terms):
                others.append(DimSlot(terms[:1], lexed.words[item.start]))
                said.append(terms[0])
    if not said or any(m.agg is not None for m in intent.measures):
        return
    if not all(isinstance(t, ColumnTerm) and t.table is rows.table for t in said):
        return
    intent.dims = [*others, *(DimSlot(m.terms, m.text) for m in intent.measures)]
    intent.measures = []
    intent.per_dim = None
    intent.tables = [*(t for t in intent.tables if t.table is not rows.table), rows]
    shapes.listing = shapes.their = True


def _both_sides(intent: Intent, shapes: Shapes) -> None:
    """ "remote headcount and in-office headcount per country", "split into remote and
    on-site": a flag said both ways is a breakdown by it (each side its own bar), not a
    filter that keeps one side (the last said). Not in a ratio or a comparison ("remote
    staff for each office-based one"), which weighs the two sides against each other ("per
    country:" is the group, no side)."""
    if not any(b.negate for b in intent.bools):
        return
    if shapes.ratio_named or shapes.compare or shapes.share:
        return
    said = shapes.all_words
    if 0 <= shapes.ratio_at < len(said):
        if said[shapes.ratio_at] != "per":
            return  # "for every person in the office, how many work remote": a ratio
        after = [w for w in said[shapes.ratio_at + 1 :]
                 if w not in ("every", "each", "a", "an", "the", "one", "single", "not")]
        if after[:1] and any(after[0] in b.text.split() for b in intent.bools):
            return  # "remote staff per office-based one": one side per the other
    for slot in list(intent.bools):
        if slot.negate or slot not in intent.bools:
            continue
        other = next((b for b in intent.bools if b.negate and _same_terms(b.terms, slot.terms)),
                     None)
        if other is None:
            continue
        intent.bools = [b for b in intent.bools if b is not slot and b is not other]
        if not any(_same_terms(d.terms, slot.terms) for d in intent.dims):
            intent.dims.append(DimSlot(slot.terms, slot.text))
        plain = [m for m in intent.measures if m.agg is None]
        if len(plain) == 2 and _same_terms(plain[0].terms, plain[1].terms):
            intent.measures.remove(plain[1])  # "remote headcount and in-office headcount"
    for slot in list(intent.bools):
        if slot.negate and any(_same_terms(d.terms, slot.terms) for d in intent.dims):
            intent.bools.remove(slot)  # "into remote and on-site": the flag split, both sides


_SPLIT_VERBS = frozenset({"split", "spread", "distributed", "divided", "broken", "respectively"})
_SPLIT_OVER = frozenset({"across", "between", "among", "amongst", "over", "into", "in", "by"})


def _split_over_values(lexed: Lexed, intent: Intent) -> None:
    """ "how are they split across AMER / EMEA / APAC", "staff in AMER, EMEA and APAC
    respectively": the values listed are each a group of their own (a breakdown by their
    column, kept to them), not one total over all of them."""
    words = lexed.words
    cued = "respectively" in words or any(
        w in _SPLIT_VERBS and any(v in _SPLIT_OVER for v in words[k + 1 : k + 3])
        for k, w in enumerate(words)
    )
    if not cued or intent.dims or intent.grain or intent.top or intent.superlative:
        return
    columns: dict[int, list[ValueSlot]] = {}
    for slot in intent.values:
        if slot.negate or not slot.terms:
            continue
        columns.setdefault(id(slot.terms[0].column), []).append(slot)
    listed = [slots for slots in columns.values() if len(slots) > 1]
    if len(listed) != 1:
        return
    term = listed[0][0].terms[0]
    intent.dims.append(DimSlot((ColumnTerm(term.table, term.column, term.quality),),
                               listed[0][0].text, plural=True))
    intent.unknown = [w for w in intent.unknown if w != "respectively"]  # it was used
    intent.ignored = [w for w in intent.ignored if w != "respectively"]


def _same_terms(a: Sequence[object], b: Sequence[object]) -> bool:
    return len(a) == len(b) and all(
        getattr(x, "column", None) is getattr(y, "column", None)
        and getattr(x, "table", None) is getattr(y, "table", None)
        for x, y in zip(a, b, strict=True)
    )


def _value_or_table(vocab: Vocabulary, intent: Intent) -> None:
    """ "the biggest month for sales in 2024": a word that is a value of one table and the
    name of another ("Sales": a department, the sales) is the table when the question ranks
    or breaks down by period, nothing else of it is about the value's table, nothing else
    names what to measure, and no word of it is unknown ("a poem about the sales team")."""
    if intent.measures or intent.tables or intent.pending or len(intent.values) != 1:
        return
    if intent.unknown or not (intent.grain or intent.superlative or intent.top):
        return  # only a ranking or a period breakdown asks for the table's own measure
    slot = intent.values[0]
    if slot.negate:
        return
    named = [t for t in vocab.phrases.get(stems(slot.text), ()) if isinstance(t, TableTerm)
             and t.quality == EXACT and all(t.table is not v.table for v in slot.terms)]
    if not named:
        return
    terms: list[Term] = [t for d in intent.dims for t in d.terms]
    terms += [t for b in intent.bools for t in b.terms]
    terms += [t for c in intent.compares for t in c.terms]
    held = {id(v.table) for v in slot.terms}
    if intent.time_columns or any(id(t.table) in held for t in terms):
        return
    intent.values.remove(slot)
    intent.tables.append(named[0])


def _date_asked(vocab: Vocabulary, lexed: Lexed, intent: Intent, shapes: Shapes) -> None:
    """ "opening date of the Berlin site", "when did the Paris office open": the date of the
    rows kept, not how many there are. The question opens with a date column (or "when"),
    or keeps its rows by their name ("Berlin office - opening date?": the office's city),
    keeps rows by a value, and asks nothing else: those rows and that date, listed."""
    if shapes.listing or not intent.time_columns or not intent.values:
        return
    if intent.measures or intent.pending or intent.dims or intent.grain or intent.top:
        return
    if intent.superlative or intent.chart or intent.dashboard or intent.follow:
        return
    if intent.date_range is not None or intent.compares or shapes.compare or shapes.share:
        return
    first = next((item for item in lexed.items if not isinstance(item.meaning, Keyword)), None)
    opens = lexed.words[:1] == ("when",) or (
        first is not None and isinstance(first.meaning, Words) and any(
            isinstance(t, ColumnTerm) and t.column.type in TEMPORAL_TYPES
            for t in first.meaning.terms
        )
    )
    dated = {id(t.table) for t in intent.time_columns}
    named = any(
        isinstance(t, ValueTerm) and id(t.table) in dated
        and t.column is vocab.label_column(t.table)
        for slot in intent.values for t in slot.terms
    )
    if opens or named:
        shapes.listing = True


def _people(vocab: Vocabulary) -> TableTerm | None:
    """The one table whose rows are people (labelled by a full name), if there is one."""
    table = people_table(vocab)
    return TableTerm(table, SYNONYM) if table is not None else None


_SALES_PEOPLE = frozenset({"salesperson", "salespeople", "salespersons", "salesman",
                           "salesmen", "saleswoman", "saleswomen"})
_PEOPLE_NOUNS = frozenset({"people", "staff", "staffer", "employee", "worker", "person",
                           "personnel", "folk", "colleague"})


_ABSENT_WORDS = frozenset({"no", "without", "never"})


def _absent_lead(words: Sequence[Token], k: int) -> bool:
    """Whether rows said missing start at `words[k]`: "no", "without", "never", "didn't"."""
    text = words[k].text
    return text in _ABSENT_WORDS or (
        k + 1 < len(words) and words[k + 1].text in ("t", "not")
        and text in ("didn", "don", "doesn", "haven", "hasn", "did", "do", "does", "have", "has")
    )


def _sales_people(
    words: tuple[Token, ...], vocab: Vocabulary, readings: list[str]
) -> tuple[Token, ...]:
    """ "how many sales reps", "salespeople in London": the people of the Sales department
    (or of the column whose value "Sales" names a kind of work), not every employee. Said as
    that value and its column ("sales department people"), so that the rest of the reading
    (who sold what, per seller) is unchanged; a catalog with no such value keeps the word."""
    at = [k for k, t in enumerate(words) if t.text in _SALES_PEOPLE]
    pairs = [k for k in range(len(words) - 1) if words[k].text == "sales"
             and words[k + 1].stem in _PEOPLE_NOUNS]
    if not at and not pairs:
        return words
    people = [t.table for t in vocab.phrases.get(("people",), ()) if isinstance(t, TableTerm)]
    if not people:
        return words
    named = [
        t for t in vocab.phrases.get(("sale",), ())
        if isinstance(t, ValueTerm) and t.table is people[0] and len(t.values) == 1
    ]
    if not named:
        return words
    taken = {k for k in at} | {k for p in pairs for k in (p, p + 1)}
    for k, token in enumerate(words):
        if k > max(taken) and _absent_lead(words, k):
            break  # "salespeople who didn't sell anything": the sales are what is missing
        terms = [t for t in vocab.phrases.get((token.stem,), ()) if not isinstance(t, ValueTerm)]
        if k not in taken and terms and all(t.table is not people[0] for t in terms):
            return words  # "orders per sales rep", "revenue by salesperson": who sold them
    value = min(named, key=lambda t: t.quality)
    said = [*value.value.split(), *split_identifier(value.column.name).split(), "people"]
    out = list(words)
    spans = sorted([(k, 1) for k in at] + [(k, 2) for k in pairs], reverse=True)
    for k, size in spans:
        out[k : k + size] = list(tokenize(" ".join(said)))
    first, size = spans[-1]
    said_as = " ".join(t.text for t in words[first : first + size])
    readings.append(f"'{said_as}' read as the {value.value} "
                    f"{split_identifier(value.column.name).lower()}")
    return tuple(out)


_SCORE_WORDS = frozenset({"score", "scores", "tally"})


def _measure_score(
    words: tuple[Token, ...], vocab: Vocabulary, readings: list[str]
) -> tuple[Token, ...]:
    """ "our YTD revenue score", "the units score for 2024": "score" right after what is
    measured (a total, a numeric column) is that number, as a game's score is; not also the
    rating column a bare "score" would name ("average score by department")."""
    out = list(words)
    for k in range(len(words) - 1, 0, -1):
        if words[k].text not in _SCORE_WORDS:
            continue
        own = {id(getattr(t, "column", None)) for t in vocab.phrases.get((words[k].stem,), ())}
        for size in (2, 1):
            if k < size:
                continue
            terms = vocab.phrases.get(tuple(t.stem for t in words[k - size : k]), ())
            measured = bool(terms) and all(
                (isinstance(t, MeasureTerm) and id(t.column) not in own) or (
                    isinstance(t, ColumnTerm) and t.column.type in NUMERIC_TYPES
                    and id(t.column) not in own
                    and t.column.name not in t.table.primary_key
                ) for t in terms
            )
            if measured:
                named = " ".join(t.text for t in words[k - size : k])
                readings.append(f"'{named} {words[k].text}' read as the {named}")
                del out[k]
                break
    return tuple(out)


_FEW_ROWS = 50


def _few_rows(vocab: Vocabulary, table: Table) -> bool:
    """A table of a few named things (offices, not employees): the values of its label are
    all known and few. "offices open by the end of 2015" lists them however long ago."""
    label = vocab.label_column(table)
    known = vocab.cardinality(table, label) if label is not None else None
    return known is not None and known <= _FEW_ROWS


def _when_each(lexed: Lexed, intent: Intent, shapes: Shapes) -> None:
    """ "when did each office open", "when was every branch set up": each of those rows
    and its date, listed; not how many opened per month."""
    if lexed.words[:1] != ("when",) or not ({"each", "every"} & set(lexed.words)):
        return
    if len(intent.dims) != 1 or intent.measures or intent.pending or intent.tables:
        return
    if intent.values or intent.bools or intent.compares or intent.date_range is not None:
        return
    if intent.grain or intent.top or intent.superlative or intent.chart or intent.follow:
        return
    if shapes.listing or shapes.share or shapes.running or shapes.compare:
        return
    dim = intent.dims[0]
    dated = [t for t in dim.terms
             if isinstance(t, ColumnTerm) and t.column.type in TEMPORAL_TYPES]
    if not dated or len(dated) != len(dim.terms):
        return
    rows = [t for t in intent.mentioned if any(d.table is t.table for d in dated)]
    if len(rows) != 1:
        return
    intent.dims, intent.per_dim = [], None
    intent.tables = [rows[0]]
    intent.time_columns = [d for d in dated if d.table is rows[0].table]
    shapes.listing = True


def _when_first(lexed: Lexed, intent: Intent, shapes: Shapes) -> None:
    """ "when did we hire our first employee", "when was the latest sale": the earliest
    (latest) date of those rows, not how many there are."""
    wanted = intent.superlative
    if lexed.words[:1] != ("when",) or wanted is None or not wanted.temporal:
        return
    if intent.dims or intent.grain or intent.per_dim or intent.pending or intent.top:
        return
    if shapes.listing or shapes.share or shapes.running or shapes.compare:
        return
    dated = [
        ColumnTerm(t.table, t.time_column, t.quality)
        for m in intent.measures for t in m.terms
        if isinstance(t, MeasureTerm) and t.agg == "count" and t.column is None
        and t.time_column is not None
    ]
    if len(intent.measures) != 1 or len({id(t.table) for t in dated}) != 1:
        return
    intent.measures = [MeasureSlot("max" if wanted.desc else "min", (dated[0],), "date")]
    intent.superlative = None


def _first_in_each(vocab: Vocabulary, intent: Intent, shapes: Shapes) -> None:
    """ "which office opened first in each region", "in each region, which office is the
    oldest": within each group, the one thing with the earliest (latest) date of its own,
    as "the first office to open in each region" reads; not a count of them."""
    wanted = intent.superlative
    if wanted is None or not wanted.temporal or intent.per_dim is None:
        return
    if intent.measures or intent.pending or intent.grain or intent.top:
        return
    if shapes.share or shapes.running or shapes.compare or shapes.distribution:
        return
    others = [d for d in intent.dims if d is not intent.per_dim]
    if not others and len(intent.tables) == 1 and said_once(intent.row_words):
        # "in each region, which is the newest office": the thing said after the ranking
        others = [DimSlot((intent.tables[0],), intent.row_words[0])]
    elif intent.tables:
        return
    if len(others) != 1 or others[0].plural:
        return
    things = [t for t in others[0].terms if isinstance(t, TableTerm)]
    if len(things) != 1:
        return
    table = things[0].table
    said = [t for t in intent.time_columns if t.table is table]
    dates = [ColumnTerm(table, c, things[0].quality) for c in vocab.time_columns(table)]
    dated = said or dates[:1]
    if not dated:
        return
    intent.measures = [MeasureSlot("max" if wanted.desc else "min", (dated[0],), "date")]
    intent.dims = [intent.per_dim, DimSlot((things[0],), "rows")]
    intent.time_columns = []
    intent.superlative = Superlative(wanted.desc)
    intent.which = False
    intent.dim_first = False
    shapes.listing = False


_IT = frozenset({"it", "that", "this", "them"})
_HAVING = frozenset({"has", "have", "had", "holds", "hold", "got", "gets", "get"})


def _who_has_it(vocab: Vocabulary, lexed: Lexed, intent: Intent) -> None:
    """ "max(salary) per department - who earns it?", "lowest rating in each team, who got
    that": a clause "who <verb> it" after a highest (lowest) value per group asks the person
    holding it in each group, as "who earns the highest salary in each department" does;
    not a breakdown by the value the verb names."""
    words = lexed.words
    if len(words) < 4 or words[-1] not in _IT or words[-3] != "who" or words[-4] not in (",", "-"):
        return
    people = _people(vocab)
    if people is None or len(intent.measures) != 1:
        return
    slot = intent.measures[0]
    wanted = slot.superlative if slot.agg is None else {"max": True, "min": False}.get(slot.agg)
    if wanted is None or len(slot.terms) != 1 or not isinstance(slot.terms[0], ColumnTerm):
        return
    column = slot.terms[0]
    if column.table is not people.table:
        return
    verb = [d for d in intent.dims if all(
        isinstance(t, ColumnTerm) and t.column is column.column for t in d.terms)]
    groups = [d for d in intent.dims if d not in verb]
    if len(groups) > 1 or len(verb) > 1 or (not verb and words[-2] not in _HAVING):
        return
    intent.measures = [MeasureSlot(None, slot.terms, slot.text, superlative=wanted)]
    if groups:
        intent.dims = [groups[0], DimSlot((people,), "rows")]
        intent.per_dim = groups[0]
    else:  # "highest salary - who earns it": that one person (`_ranked_rows`)
        intent.dims, intent.tables = [], [people]
    intent.superlative = Superlative(wanted)
    intent.row_words = ["person"]
    intent.which = False


def _the_oldest_thing(vocab: Vocabulary, lexed: Lexed, intent: Intent, shapes: Shapes) -> None:
    """ "the oldest office", "what is our newest site": one thing of a table that is a list
    of things (no amount of its own to add up), picked by its own date: that row, not its
    date ("when was the newest office opened" and "the opening date of ..." ask the date)."""
    wanted = intent.superlative
    if wanted is None or not wanted.temporal or shapes.listing or lexed.words[:1] == ("when",):
        return
    if intent.measures or intent.pending or intent.dims or intent.grain or intent.top:
        return
    if intent.time_columns or intent.per_dim is not None or intent.values or intent.compares:
        return
    if shapes.share or shapes.running or shapes.compare or shapes.distribution or shapes.top_n:
        return
    if len(intent.tables) != 1 or not said_once(intent.row_words):
        return
    table = intent.tables[0].table
    if vocab.default_measure(table).column is not None or not vocab.time_columns(table):
        return
    shapes.listing = True


def _things_with_most_rows(intent: Intent, shapes: Shapes) -> None:
    """ "the 3 reps with the most deals", "the employee with the fewest sales": those things
    ranked by how many rows of another table they have, not how many of them there are."""
    wanted = intent.superlative
    if wanted is None or wanted.temporal or wanted.size or intent.dims or intent.grain:
        return
    if intent.measures or intent.pending not in ([], ["count"]) or intent.per_dim is not None:
        return
    if len(intent.tables) != 2 or len(intent.row_words) != 2:
        return
    if shapes.share or shapes.running or shapes.distribution or shapes.compare:
        return
    rows, counted = intent.tables
    if rows.table is counted.table:
        return
    said = intent.row_words[0]
    singular = not ((said.endswith("s") and not said.endswith("ss"))
                    or said in _PLURAL_ROWS or said.endswith("people"))
    intent.dims = [DimSlot((rows,), said, plural=not singular)]
    intent.tables = [counted]
    intent.pending = ["count"]
    intent.dim_first = True
    shapes.listing = False
    if singular and shapes.top_n is None and intent.top is None:
        shapes.top_n = 1


def _counted_per_own_value(lexed: Lexed, intent: Intent) -> None:
    """ "performance rating - how many at each score": the column named is the breakdown,
    and "how many" counts the rows at each of its values; not its average per value."""
    if "how" not in lexed.words or "many" not in lexed.words or not intent.measures:
        return
    if intent.pending not in ([], ["count"]) or any(m.agg is not None for m in intent.measures):
        return
    words = lexed.words
    each = [m for m in intent.measures[1:] if any(
        words[k] in ("each", "every") and words[k + 1] == m.text for k in range(len(words) - 1)
    )]
    if not intent.dims and len(each) == 1:
        # "the rating curve - how many at each score": the second naming is the groups.
        intent.measures.remove(each[0])
        intent.dims = [DimSlot(each[0].terms, each[0].text)]
    measure = intent.measures[0]
    if len(intent.measures) != 1 or len(intent.dims) != 1:
        return
    columns = {id(t.column) for t in measure.terms if isinstance(t, ColumnTerm)}
    grouped = {id(t.column) for t in intent.dims[0].terms if isinstance(t, ColumnTerm)}
    if not columns or not columns & grouped:
        return
    intent.measures = []
    intent.pending = ["count"]


_RANK_VERBS = frozenset({"rank", "ranked", "ranking", "sort", "sorted", "order", "ordered"})


def _ranked_by_their_rows(lexed: Lexed, intent: Intent, shapes: Shapes) -> None:
    """ "top 3 locations by staff", "rank our sites by staff": things ranked by a table's
    rows, one of whose columns they are, rank by how many rows each has (a count), not by
    each row in turn."""
    verb = any(w in _RANK_VERBS for w in lexed.words)
    ranked = intent.top or shapes.top_n or verb or intent.superlative is not None
    if not ranked or intent.measures or intent.tables or intent.pending or len(intent.dims) != 2:
        return
    things, rows = intent.dims
    numbers = [t for t in rows.terms if isinstance(t, ColumnTerm)
               and is_measure_like(t.table, t.column)]
    if verb and numbers and len(numbers) == len(rows.terms) and not rows.per:
        # "rank products by quantity": ranked by the total of that number, not split by it.
        intent.dims = [things]
        intent.measures = [MeasureSlot(None, tuple(numbers), rows.text)]
        return
    tables = [t for t in rows.terms if isinstance(t, TableTerm)]
    if len(tables) != len(rows.terms) or len(tables) != 1:
        return
    if not any(isinstance(t, ColumnTerm) and t.table is tables[0].table for t in things.terms):
        return
    intent.dims = [things]
    intent.tables = [tables[0]]


def _things_ranked_by_another(lexed: Lexed, intent: Intent, shapes: Shapes) -> None:
    """ "the 3 sites with the weakest average rating", "rank the offices by average salary":
    those things ranked by a total of another table's rows (their people's average), not
    that one number over all of them."""
    wanted = intent.superlative
    verb = [w for w in lexed.words if w in _RANK_VERBS]
    ranked = (wanted is not None and not wanted.temporal) or intent.top or shapes.top_n or verb
    if not ranked or intent.dims or intent.grain or intent.pending:
        return
    if len(intent.tables) != 1 or len(intent.row_words) != 1 or not intent.measures:
        return
    rows = intent.tables[0]
    if any(m.agg is None for m in intent.measures) or any(
        t.table is rows.table for m in intent.measures for t in m.terms
    ) or shapes.share or shapes.running or shapes.distribution or shapes.compare:
        return
    said = intent.row_words[0]
    singular = not ((said.endswith("s") and not said.endswith("ss"))
                    or said in _PLURAL_ROWS or said.endswith("people"))
    intent.dims.append(DimSlot((rows,), said, plural=not singular))
    intent.tables = []
    intent.dim_first = True
    shapes.listing = False
    if singular and shapes.top_n is None and intent.top is None:
        shapes.top_n = 1
    if verb and wanted is None:
        intent.superlative = Superlative(True)  # "rank them": the highest first
    intent.unknown = [w for w in intent.unknown if w not in _RANK_VERBS]
    intent.ignored = [w for w in intent.ignored if w not in _RANK_VERBS]


def _top_rows_by_their_column(vocab: Vocabulary, intent: Intent, shapes: Shapes) -> None:
    """ "the 3 sales with the highest amount", "the 4 deals with the biggest amount": the rows
    themselves ranked by a column of theirs, as "which 3 sales had the highest amount" is; not
    a grouping by the table's label (it was the top 3 products by revenue). Only rows no other
    table points at (events such as sales): "the 10 employees with the highest salary" stays
    a row per person by their key."""
    top = intent.top
    if top is None or top.size or intent.superlative is not None or intent.grain:
        return
    if len(intent.dims) != 1 or len(intent.measures) != 1 or intent.pending:
        return
    dim, measure = intent.dims[0], intent.measures[0]
    if not dim.plural or dim.per or len(dim.terms) != 1 or not isinstance(
        dim.terms[0], TableTerm
    ):
        return
    rows = dim.terms[0].table
    if any(fk.ref_table == rows.name for table in vocab.tables for fk in table.foreign_keys):
        return
    if measure.agg is not None or measure.over or not measure.terms or not all(
        isinstance(t, ColumnTerm) and t.table is rows for t in measure.terms
    ):
        return
    if shapes.share or shapes.running or shapes.distribution or shapes.compare:
        return
    intent.superlative = Superlative(desc=top.desc)
    measure.superlative = top.desc
    intent.top = None
    shapes.listing = True
    shapes.top_n = top.n


def _ranked_rows(intent: Intent, shapes: Shapes) -> None:
    """ "the highest paid employee", "who are the 3 lowest rated staff": the rows with the
    highest or lowest value, not that value; one when the rows are named in the singular."""
    wanted = intent.superlative
    if wanted is not None and wanted.temporal and shapes.listing and shapes.count is None and (
        intent.row_words == ["person"] and not intent.dims and not intent.grain
    ):
        shapes.count = 1  # "who was hired last": that one person
        return
    if wanted is None or wanted.temporal or intent.dims or intent.grain or intent.pending:
        return
    # "who is the top seller": sellers are ranked by what they sold (no measure said).
    # "who is the top rep": a rep is a sales rep, ranked the same way.
    sold = not intent.measures and bool(intent.row_words) and intent.row_words[-1] in (
        SELLER_NOUNS - _SALES_PEOPLE)
    if len(intent.tables) != 1 or not (intent.measures or sold) or len(intent.row_words) != 1:
        return
    if not all(m.superlative is not None and m.agg is None for m in intent.measures):
        return
    if shapes.share or shapes.running or shapes.distribution or shapes.compare:
        return
    said = intent.row_words[0]
    if said in _ROWS_AS_VERB and not shapes.listing:
        # "the lowest unit price at which X has been sold", "the most Laptop Pro was ever sold
        # for": the rows are only the verb of a clause about the value; the value is asked
        # (its minimum or maximum), not the row holding it.
        return
    singular = not ((said.endswith("s") and not said.endswith("ss")) or said in _PLURAL_ROWS
                    or said.endswith("people"))
    rows = intent.tables[0]
    if not any(t.table is rows.table for m in intent.measures for t in m.terms):
        # "salespeople with the most revenue": a total of another table's rows for each of
        # them, ranked; not their own rows.
        intent.dims.append(DimSlot((rows,), said, plural=not singular))
        intent.tables = []
        intent.dim_first = True
        shapes.listing = False  # "employees who sold the most": not a list of sales
        if singular and shapes.top_n is None:
            shapes.top_n = 1
        return
    shapes.listing = True
    if shapes.count is None and not shapes.in_order:  # "highest salary first": every row
        # "the 5 staff with the highest salary", "3 employees have the top pay": that many.
        shapes.count = 1 if singular else (
            intent.top.n if intent.top else shapes.top_n or RANKED_ROWS
        )


_PLURAL_ROWS = frozenset({"people", "staff", "personnel", "folks"})
#: A table's rows said as a verb ("sold", "bought"), not named as a noun ("sale", "order").
_ROWS_AS_VERB = frozenset({"sold", "sell", "sells", "selling", "bought", "buy", "buys",
                           "purchased", "ordered", "booked", "invoiced"})


_INSTEAD_OF = (("rather", "than"), ("instead", "of"), ("in", "place", "of"))
_CLAUSE_ENDS = frozenset({",", "by", "per", "for", "in", "as", "and"})


def _without_replaced(
    tokens: tuple[Token, ...], readings: list[str], *, follow: bool
) -> tuple[Token, ...]:
    """ "show quantity rather than orders", "instead of revenue, units": what is replaced is
    not asked; it goes, and after a chart the message reads as a change ("instead")."""
    words = [t.text for t in tokens]
    for lead in _INSTEAD_OF:
        size = len(lead)
        for i in range(len(words) - size + 1):
            if tuple(words[i : i + size]) != lead:
                continue
            end = i + size
            if end + 1 < len(words) and words[end] in ("by", "per"):
                end += 1  # "by quarter instead of by region": the breakdown replaced
            while end < len(words) and words[end] not in _CLAUSE_ENDS:
                end += 1
            if end == i + size or words[end - 1] in ("by", "per"):
                continue
            replaced = " ".join(words[i + size : end])
            readings.append(f"'{replaced}' read as what to replace")
            kept = tokens[:i] + tokens[end:]
            if end < len(words) and words[end] == ",":
                kept = tokens[:i] + tokens[end + 1 :]
            return (*kept, Token("instead", "instead")) if follow else kept
    return tokens


def _without_denied(
    tokens: tuple[Token, ...], readings: list[str], measured: Callable[[str], bool]
) -> tuple[Token, ...]:
    """ "(by count, not money)", "not revenue, by units": one measure denied next to a "by"
    another measure follows is the way not wanted; it goes, the "by" stays. Read as a
    negation it would turn into a filter, or the money it names would be measured. Only
    measures on both sides: "revenue by region not North" keeps its filter."""
    words = [t.text for t in tokens]
    for i, word in enumerate(words):
        if word != "not" or i + 1 >= len(words) or not measured(words[i + 1]):
            continue
        if i >= 2 and words[i - 2] == "by":
            start, end, how = i, i + 2, words[i - 1]  # "by count not money"
        elif i >= 3 and words[i - 1] == "," and words[i - 3] == "by":
            start, end, how = i - 1, i + 2, words[i - 2]  # "by count, not money"
        elif words[i + 2 : i + 4] == [",", "by"] and i + 4 < len(words):
            start, end, how = i, i + 3, words[i + 4]  # "not money, by count"
        else:
            continue
        if not measured(how):
            continue
        if end < len(words) and words[end].isalpha() and words[end] not in _AFTER_DENIED and (
            start < i or words[end] != "by"
        ):
            continue  # "by count not money spent": more than one word denied
        readings.append(f"'not {words[i + 1]}' read as what not to measure by")
        return tokens[:start] + tokens[end:]
    return tokens


_MEASURE_KINDS = frozenset({"count", "number", "money", "dollars", "value", "amount", "volume",
                            "total", "sum", "units", "revenue", "quantity"})


def _measure_word(vocab: Vocabulary, word: str) -> bool:
    """Whether one word names a way of measuring (a count, money, a numeric column)."""
    if word in _MEASURE_KINDS:
        return True
    terms = vocab.phrases.get((singular(word),), ())
    return bool(terms) and all(
        isinstance(t, MeasureTerm) or (
            isinstance(t, ColumnTerm) and t.column.type in NUMERIC_TYPES
            and t.column.name not in t.table.primary_key
        ) for t in terms
    )


_AFTER_DENIED = frozenset({"were", "was", "is", "are", "in", "for", "during", "that", "which",
                           "and", "please", "thanks"})


_SWAP_VERBS = {
    "swap": ("for", "with"), "replace": ("with", "by"), "switch": ("for", "with"),
    "exchange": ("for", "with"), "change": ("to", "into"),
}
_GROUPING_NOUNS = frozenset({"grouping", "breakdown", "split", "dimension", "axis",
                             "groups", "group", "buckets"})


def _swapped(
    tokens: tuple[Token, ...], readings: list[str], *, follow: bool
) -> tuple[Token, ...]:
    """ "swap country for department", "replace 2024 with 2025", "change the grouping to
    city" after a chart: the first thing goes and the second is asked instead ("department
    instead"); a grouping named by a word like "grouping" is a breakdown ("by city")."""
    if not follow:
        return tokens
    words = [t.text for t in tokens]
    for i, word in enumerate(words):
        joins = _SWAP_VERBS.get(word)
        if joins is None:
            continue
        j = next((k for k in range(i + 2, min(len(words), i + 6)) if words[k] in joins), None)
        if j is None or j + 1 >= len(words):
            continue
        end = j + 1
        while end < len(words) and words[end] not in (",", "and", "as", "in", "for"):
            end += 1
        replaced = words[i + 1 : j]
        grouping = any(w in _GROUPING_NOUNS for w in replaced)
        if word == "change" and not grouping:
            continue  # "change it to a pie": a chart, read as it is
        wanted = list(tokens[j + 1 : end])
        if wanted and wanted[0].text in ("a", "an", "the"):
            wanted = wanted[1:]
        if not wanted or (wanted[0].text == "by" and len(wanted) == 1):
            continue
        if grouping and wanted[0].text not in ("by", "per"):
            wanted = [Token("by", "by"), *wanted]
        readings.append(f"'{' '.join(replaced)}' read as what to replace")
        return (*tokens[:i], *wanted, Token("instead", "instead"), *tokens[end:])
    return tokens


_WHERE = (("where",), ("in", "which"), ("that",))
_PRESENCE = (("we", "have"), ("we", "ve", "got"), ("we", "got"), ("there", "are"),
             ("there", "is"), ("you", "have"), ("we", "are"), ("have",), ("has",))
_SOME = frozenset({"a", "an", "any", "some", "our", "one"})
_GROUP_WORDS = frozenset({"each", "every", "per", "by", "across"})


def _without_presence(
    tokens: tuple[Token, ...], readings: list[str], is_table: Callable[[str], bool]
) -> tuple[Token, ...]:
    """ "salary in each country where we have offices", "per city that has staff": every
    group there is has rows of that table, so the clause closing a question with a breakdown
    asks nothing more (`is_table`: the word names a table)."""
    words = [t.text for t in tokens]
    for i in range(1, len(words)):
        if not any(w in _GROUP_WORDS for w in words[:i]):
            continue
        for lead in _WHERE:
            if tuple(words[i : i + len(lead)]) != lead:
                continue
            j = i + len(lead)
            for presence in _PRESENCE:
                if tuple(words[j : j + len(presence)]) != presence:
                    continue
                k = j + len(presence)
                while k < len(words) and words[k] in _SOME:
                    k += 1
                if k + 1 == len(words) and is_table(tokens[k].stem):
                    readings.append(
                        f"'{' '.join(words[i:])}' read as every group in the data"
                    )
                    return tokens[:i]
    return tokens


_MOST_LEFT_OUT = 2
"""A short question may lose at most this many words, and never more than it has read."""


def _left_out(lexed: Lexed) -> bool:
    """Whether every unknown word of a short question may be left out (`left_out`): at most
    `_MOST_LEFT_OUT` of them, and no more than the phrases, periods, charts and rankings read."""
    at = lexed.unknown_at
    if not at or len(at) > _MOST_LEFT_OUT or len(at) != len(lexed.unknown):
        return False
    if not all(left_out(lexed.words, i) for i in at):
        return False
    values = {
        item.start for item in lexed.items
        if isinstance(item.meaning, Words) and item.meaning.terms
        and all(isinstance(t, ValueTerm) for t in item.meaning.terms)
    }
    if any(i + 1 in values and lexed.words[i] not in KEEP_WORDS for i in at):
        return False  # "swap Paris": kept or taken out? Not a word to leave out.
    read = sum(1 for item in lexed.items if not isinstance(item.meaning, Keyword))
    return read >= len(at)


_ASKING = frozenset({"what", "whats", "which"})
_RECORDS = frozenset({"row", "rows", "record", "records", "entry", "entries"})
_BEFORE_HEAD = frozenset({"is", "are", "was", "were", "s", "the", "our", "my", "their", "a",
                          "an", "kind", "sort", "type", "of"})


#: Words that link a state to the rows it is about ("staff who are enrolled on ...").
_STATE_LINKS = frozenset({"are", "is", "was", "were", "be", "been", "being", "get", "gets",
                          "got", "getting"})


def _state_said(lexed: Lexed, i: int) -> bool:
    """ "how many staff are enrolled on the graduate scheme", "employees who were furloughed":
    an unknown participle right after "are", "were", "got" ... said of the rows (a table's
    word before it) says a state of them the data does not record (see `text.left_out`);
    answering without it would count every row. Not of an amount ("how much money was
    raised"), nor when what follows is known and says it ("are stationed in Berlin", "were
    recruited in 2024", "are classified as remote", "are titled Staff Engineer")."""
    words = lexed.words
    word = words[i]
    if not (i > 1 and words[i - 1] in _STATE_LINKS and len(word) >= 5 and word.isalpha()
            and word.endswith("ed") and not left_out(words, i)):
        return False
    j = i + 1
    while j < len(words) and j not in lexed.unknown_at and (
        words[j] in STOPWORDS or not words[j].isalnum()
    ):
        j += 1
    if j < len(words) and j not in lexed.unknown_at:
        return False  # what follows is a known value, period or phrase: it says the state
    # The rows named before it ("staff in Berlin are ...", "employees who were ...").
    return any(
        item.start < i - 1 and isinstance(item.meaning, Words)
        and any(isinstance(t, TableTerm) for t in item.meaning.terms)
        for item in lexed.items
    )


def _unknown_head(lexed: Lexed) -> str | None:
    """The unknown words a question asks for ("what commission rate do reps get", "how much
    bonus ...", "which foreign languages ...", "how many patents ..."): right after "what",
    "which", "how much" or "how many" (and "is the", "kind of" ...). Answering without them
    would answer another question, so they are never left out, even in a long message."""
    words = lexed.words
    i = 0
    if words[:1] and words[0] in _ASKING:
        i = 1
    elif tuple(words[:2]) in (("how", "much"), ("how", "many")):
        i = 2
    else:
        return _unknown_head_of(lexed)
    while i < len(words) and (
        (words[i] in _BEFORE_HEAD and i not in lexed.unknown_at) or words[i] in _RECORDS
    ):
        i += 1  # "how many rows in employees ...": the records of the table named next
    said = []
    while i in lexed.unknown_at:
        said.append(lexed.unknown_at[i])
        i += 1
    return " ".join(said) or None


#: Words that open a request before what it asks for ("list the", "show me all our").
_REQUEST_LEADS = frozenset({"show", "list", "give", "get", "find", "pull", "display", "tell",
                            "me", "us", "the", "our", "all", "a", "an", "of", "please", "see"})
_REQUEST_VERBS = ("show", "list", "give", "find", "pull", "display", "tell", "fetch")
#: Nouns that hold what is asked for rather than name it ("a rundown of revenue", "a
#: snapshot of headcount"): never the head of a question.
_CONTAINER_NOUNS = frozenset({
    "rundown", "snapshot", "picture", "recap", "roundup", "glance", "look", "sense", "idea",
    "readout", "ranking", "rankings", "bunch", "handful", "set", "group", "lot", "lots",
    "kind", "sort", "type", "types", "version", "copy", "export", "dump", "extract", "sample",
    "visualisation", "visualization", "graphic", "diagram", "printout", "tabulation",
    # How much of it: "size of the product catalogue" is how many products.
    "size", "sizes", "scale", "extent", "magnitude", "volume", "volumes", "quantity",
    # How it is spread: "range of unit prices, bucketed", "makeup of the workforce".
    "range", "ranges", "spread", "mix", "makeup", "composition", "profile", "pattern",
    "patterns", "variation", "variance", "span", "shape", "trajectory", "progression",
})


#: Words that follow what a request asks for and tie it to the rows or the period: "home
#: addresses of ...", "the pension deduction in Q3 for ...", "the VAT we paid in 2024" (a
#: verb of the data after "we").
_HEAD_LINKS = frozenset({"of", "in", "we", "per", "across", "among"})
#: Words that end the name of what is asked without naming it ("phone numbers", "bank details").
_HEAD_TAILS = frozenset({"number", "numbers", "detail", "details", "info", "information",
                         "data"})


def _unknown_before_tail(lexed: Lexed) -> str | None:
    """ "the office manager's phone number for each office", "bank details of ...": an
    unknown word glued to a word that only ends the name of a thing ("number", "details")
    names what is asked for, wherever it stands (not a count of rows)."""
    for i, word in sorted(lexed.unknown_at.items()):
        if word in LEFT_OUT_WORDS or i + 1 >= len(lexed.words):
            continue
        after = lexed.words[i + 2] if i + 2 < len(lexed.words) else ""
        if lexed.words[i + 1] in _HEAD_TAILS and i + 1 not in lexed.unknown_at and (
            after != "of"  # "so far number of hires", "a huge number of orders": a count
        ):
            return word
    return None


def _names_data(lexed: Lexed, i: int) -> bool:
    """Whether the words from `i` on (after "the", "our" ...) open with a table, column or
    measure of the data (not a value or a period)."""
    while i < len(lexed.words) and lexed.words[i] in ("the", "our", "their", "its", "a", "an"):
        i += 1
    return any(
        item.start == i and isinstance(item.meaning, Words) and any(
            isinstance(t, (TableTerm, ColumnTerm, MeasureTerm)) for t in item.meaning.terms)
        for item in lexed.items
    )


#: Words that say the rows named next are counted ("the number of contracts", "a count of
#: open tickets"); not "how many", whose next word may be the verb ("how many left").
_COUNT_LEADS = (("number", "of"), ("numbers", "of"), ("count", "of"), ("tally", "of"))
#: Words between a count's lead and what it counts ("the number of all our ...").
_COUNT_FILLERS = frozenset({"the", "all", "our", "their", "its", "a", "an", "any", "those",
                            "these", "such", "distinct", "different", "separate", "unique"})


def _unknown_counted(lexed: Lexed) -> str | None:
    """ "Provide the number of customer contracts due for renewal in March", "a count of open
    tickets by office": the unknown words a count is of, wherever it stands, are what is
    counted; read without them, the count would be of other rows (the people, the sales).
    Not a word that only qualifies a noun of the data after it ("the number of individual
    sales")."""
    words, unknown = lexed.words, lexed.unknown_at
    for k in range(len(words) - 1):
        lead = next((p for p in _COUNT_LEADS if tuple(words[k : k + len(p)]) == p), None)
        if lead is None or any(j in unknown for j in range(k, k + len(lead))):
            continue
        i = k + len(lead)
        while i < len(words) and words[i] in _COUNT_FILLERS and i not in unknown:
            i += 1
        # The noun phrase counted: unknown words and values or columns before its last word
        # ("open Support tickets"); a noun of rows or a measure ends it, known.
        said: list[str] = []
        start, last_unknown = i, False
        while i < len(words):
            if i in unknown:
                if not last_unknown and i > start and words[i].endswith(("ed", "ing")):
                    break  # "the number of Support staff affected": a verb after the noun
                said.append(unknown[i])
                last_unknown = True
                i += 1
                continue
            item = next((it for it in lexed.items if it.start <= i < it.start + it.size), None)
            if item is None or not isinstance(item.meaning, Words):
                break
            last_unknown = False
            if any(isinstance(t, (TableTerm, MeasureTerm)) for t in item.meaning.terms):
                break  # "the number of individual sales": sales are counted
            i = item.start + item.size
        said = [w for w in said if w not in LEFT_OUT_WORDS]
        if said and last_unknown:
            return " ".join(said)
    return None


def _unknown_head_of(lexed: Lexed) -> str | None:
    """ "home addresses of the people in Tokyo", "list the birthdays of our engineers": the
    unknown words a request opens with, right before "of" and the rows they belong to, are
    what it asks for (not context around it)."""
    words = lexed.words
    i = 0
    while i < len(words) and words[i] in _REQUEST_LEADS and i not in lexed.unknown_at:
        i += 1
    said, start = [], i
    while i in lexed.unknown_at:
        said.append(lexed.unknown_at[i])
        i += 1
    while said and i < len(words) and words[i] in _HEAD_TAILS:
        i += 1  # "home phone numbers of ...", "bank details for ..."
    if not said or i >= len(words) or words[i] not in _HEAD_LINKS:
        return None  # not "for": "apologies for the basic question" is courtesy
    if words[i] == "we" and not _names_data(lexed, i + 1):
        return None  # "the jump we saw in revenue": not what the data records
    if words[i] not in ("of", "we") and _names_data(lexed, i + 1):
        return None  # "the drop in headcount", "the gap in pay": a change of a known thing
    if any(w in _CONTAINER_NOUNS or left_out(words, k) or (k == start and any(
        edits(w, lead) <= 1 for lead in _REQUEST_VERBS
    )) for k, w in enumerate(words[start : start + len(said)], start=start)):
        return None  # "lsit of offices": a request verb mistyped
    if not any(item.start > i and not isinstance(item.meaning, Keyword) for item in lexed.items):
        return None
    return " ".join(said)


_NUMBER_LEADS = frozenset({
    "than", "over", "under", "above", "below", "more", "less", "fewer", "at", "least", "most",
    "aged", "age", "exactly", "about", "around", "greater", "bigger", "smaller", "higher",
    "lower", "longer", "shorter", "older", "younger", "is", "of", "with", "past",
})
_NUMBER_UNITS = frozenset({"years", "year", "yrs", "days", "day", "months", "month", "weeks",
                           "hours", "hour", "k", "m", "percent", "%"})


def _loose_numbers(lexed: Lexed, intent: Intent) -> list[str]:
    """The phrases around the numbers of a new question that nothing used ("older than 30"
    when the data has no age): never dropped silently, the answer says it did not use them."""
    out: list[str] = []
    words = lexed.words
    for at in intent.loose_numbers:
        start, end = at, at + 1
        while start > 0 and at - start < 3 and (
            words[start - 1] in _NUMBER_LEADS or (
                words[start - 1].endswith("er") and len(words[start - 1]) > 3
            )
        ):
            start -= 1
        while start < at and words[start] in ("of", "is", "with"):
            start += 1  # "a rating of", "with": not part of what was left out
        if end < len(words) and (words[end] in _NUMBER_UNITS or end in lexed.unknown_at):
            end += 1
        out.append(" ".join(words[start:end]))
    return out


def _notes(draft: Draft, intent: Intent, problem: str | None, chart: str) -> list[str]:
    notes = list(draft.notes)
    if problem:
        notes.append(f"I used a {chart.replace('_', ' ')} chart because {problem}")
    unused = [*intent.unknown, *intent.ignored]
    if unused:
        ignored = ", ".join(f"'{w}'" for w in dict.fromkeys(unused))
        notes.append(f"I did not use {ignored}")
    return notes


def _with_notes(text: str, notes: list[str]) -> str:
    if not notes:
        return text
    return text + " " + " ".join(n[:1].upper() + n[1:] + "." for n in notes)


#: Words that ask a person's age or birthday ("how old", "ages", "born in", "birthdays").
_AGE_WORDS = frozenset({"age", "ages", "birthday", "birthdays", "born", "birthdate",
                        "birthdates", "dob"})
#: Column-name words that hold one ("age", "birth_date", "date_of_birth", "dob").
_AGE_COLUMN_WORDS = frozenset({"age", "birth", "birthday", "birthdate", "dob", "born"})


def _age_asked(words: Sequence[str]) -> bool:
    return any(w in _AGE_WORDS for w in words) or any(
        a == "how" and b in ("old", "young") for a, b in itertools.pairwise(words)
    )


def _age_kept(vocab: Vocabulary, intent: Intent) -> bool:
    """Whether the age of what is asked about may be answered: some column of the data holds
    an age or a birth date, or the question is about rows that are not people ("how old is
    the Paris office": its opening date)."""
    people = people_table(vocab)
    if people is None or any(t.table is not people for t in intent.tables):
        return True
    return any(
        set(re.split(r"[^a-z]+", column.name.lower())) & _AGE_COLUMN_WORDS
        for table in vocab.tables for column in table.columns
    )


def _cannot(vocab: Vocabulary, reason: str, voice: Voice) -> EngineAnswer:
    ideas = suggestions(vocab)
    return EngineAnswer(
        answer=cannot_answer(reason, voice, ideas[0] if ideas else None),
        suggestions=ideas,
    )


def _dashboard(
    vocab: Vocabulary, intent: Intent, voice: Voice, stay: str | None, only: str | None
) -> EngineAnswer:
    drafts = dashboard_drafts(vocab, intent, stay=stay, only=only)
    tiles = [_tile(vocab, d)[0] for d in drafts]
    if not tiles:
        raise Unanswerable("there is nothing to chart in this data")
    topic = table_label(drafts[0].base).lower()
    bare = [title_of(vocab, dataclasses.replace(d, filters=[])) for d in drafts]
    names = ", ".join(name[:1].lower() + name[1:] for name in bare)
    topic += filters_phrase(drafts[0])
    lead = {
        "friendly": "Here you go! A dashboard",
        "formal": "Please find below a dashboard",
        "concise": "Dashboard",
    }.get(voice.tone, "Here is a dashboard")
    company = f" for {voice.company}" if voice.company and voice.tone != "concise" else ""
    text = f"{lead} about {topic}{company} with {len(tiles)} tiles: {names}."
    return EngineAnswer(
        answer=text, tiles=tuple(tiles), source=_source_id(vocab, drafts[0])
    )


def _written_sql(
    question: str, vocab: Vocabulary, voice: Voice, source: str | None
) -> EngineAnswer | None:
    """A question written as a whole SELECT statement (`sqlread`): its spec, checked as every
    other (the asker's columns only) and never run as written; None when it is no SELECT or
    has a part the spec cannot hold (then it is read as words)."""
    data = sql_spec(question)
    if data is None:
        unread = unread_part(question)
        if unread is None:
            return None
        lead, tail = typographic("I can't use \x00 in this SQL (I read a SELECT's columns, "
                                 "totals, where, group by, having, order by and limit, and "
                                 "never run it); without it the statement would ask something "
                                 "else").split("\x00")
        return _cannot(vocab, f"{lead}“{unread}”{tail}", voice)
    # A ratio ("sum(quantity) * 1.0 / count(*)"): both totals read, then the first over the
    # second, as the words "units per sale" are.
    measures = data.get("measures", [])
    overs = [(i, m.pop("over")) for i, m in enumerate(measures) if "over" in m]
    data["measures"] = measures + [over for _, over in overs]
    # "sum(x) filter (where c) / sum(x)": the part the rows of c make up, read as that
    # filter's (the last) and then made the part of the total, as "c's share of x" is.
    parts = [m.pop("part") for m in measures if "part" in m]
    if parts and (len(parts) > 1 or len(measures) != 1 or overs):
        return None
    data["filters"] = data.get("filters", []) + parts
    try:
        draft = from_spec(QuerySpec.model_validate(data), vocab, source=source)
        if parts:
            draft.part = draft.filters.pop()
        kept = len(measures)
        for at, (i, _) in enumerate(overs):
            draft.measures[i] = dataclasses.replace(draft.measures[i],
                                                    over=draft.measures[kept + at])
        del draft.measures[kept:]
        tile, _ = _tile(vocab, draft)
    except (QueryError, ValidationError, Ambiguous, Unanswerable):
        return None
    text = describe_answer(vocab, draft, tile.chart_type, voice, chart_asked=False)
    said: tuple[str, ...] = (typographic("the SQL was read into a query, not run as written"),)
    if parts:
        said += (typographic("the part of the total is shown as a percent"),)
    return EngineAnswer(
        answer=typographic(text), tile=tile, source=tile.source, understood=tile.title,
        assumptions=said,
    )


def _written_pandas(
    question: str, vocab: Vocabulary, voice: Voice, source: str | None, today: dt.date
) -> EngineAnswer | None:
    """A question written as one pandas expression (`pdread`): its spec, checked as every
    other and never run; `df` is the one table that has every column named. None when it is
    no such expression or its spec fits no table (then it is read as words)."""
    expression, remark = split_framing(question)
    if remark and not _restates(remark, vocab):
        return None
    period = None
    try:
        data = pandas_spec(expression, today)
        if data is None and not remark:
            # "df.loc[...].mean() for 2024 rows": the expression, then the period of its rows.
            end = max(expression.rfind(")"), expression.rfind("]")) + 1
            period = _period_only(expression[end:], today) if end else None
            if period is not None:
                data = pandas_spec(expression[:end], today)
    except PandasUnread as unread:
        lead, tail = typographic("I can't use \x00 in this pandas expression (I read a "
                                 "table's columns, filters, groupby, the usual totals, "
                                 "value_counts, nlargest and len, and never run it); without "
                                 "it the expression would ask something else").split("\x00")
        return _cannot(vocab, f"{lead}“{unread.part}”{tail}", voice)
    if data is None:
        return None
    names = [data["table"]] if data["table"] else list(
        dict.fromkeys(t.name for t in vocab.tables))
    found: list[tuple[Draft, TileSuggestion]] = []
    # "value_counts(normalize=True)", "cumsum()": the draft's own share / running total.
    flags = {key: data["measures"][0].pop(key) for key in ("share", "cumulative")
             if data.get("measures") and key in data["measures"][0]}
    for name in names:
        spec = {**data, "table": name}
        if period is not None:
            dated = [c.name for t in vocab.tables if t.name == name for c in t.columns
                     if c.type in TEMPORAL_TYPES]
            if len(dated) != 1:
                continue  # which date the period is of is not said
            spec["filters"] = [*data.get("filters", []), {
                "column": dated[0], "op": "between", "value": list(period)}]
        if any(d["column"] == PANDAS_DATE for d in data.get("dimensions", [])):
            dates = {c.name for t in vocab.tables if t.name == name for c in t.columns
                     if str(c.type).lower() in ("date", "datetime", "timestamp")}
            if len(dates) != 1:
                continue
            spec["dimensions"] = [{**d, "column": next(iter(dates))}
                                  if d["column"] == PANDAS_DATE else d
                                  for d in data["dimensions"]]
        try:
            draft = from_spec(QuerySpec.model_validate(spec), vocab, source=source)
            draft = dataclasses.replace(draft, **flags)
            tile, _ = _tile(vocab, draft)
        except (QueryError, ValidationError, Ambiguous, Unanswerable):
            continue
        found.append((draft, tile))
    if len(found) != 1:
        return None
    draft, tile = found[0]
    text = describe_answer(vocab, draft, tile.chart_type, voice, chart_asked=False)
    said = (typographic("the pandas expression was read into a query, not run"),)
    return EngineAnswer(
        answer=typographic(text), tile=tile, source=tile.source, understood=tile.title,
        assumptions=said,
    )


_PANDAS_ACCESSOR = re.compile(r"\.[ \t]{0,8}i?loc[ \t]{0,8}\[")
_ROWS_WORDS = frozenset({"for", "in", "during", "over", "within", "the", "only", "just", "rows",
                         "row", "records", "record", "data", "of", "on"})


def _period_only(tail: str, today: dt.date) -> tuple[str, str] | None:
    """The period a few words after an expression say and nothing else ("for 2024 rows",
    "in Q3 2025 only"), as (first day, last day); None when they say more or no period."""
    if not 0 < len(tail) <= 60:
        return None
    words = [t.text for t in tokenize(tail) if t.text not in _ROWS_WORDS]
    found = match_time(words, 0, today) if words else None
    if found is None or found[0] != len(words) or not isinstance(found[1], DateRange):
        return None
    span = found[1]
    if span.start is None or span.end is None or span.parts is not None:
        return None
    return span.start.isoformat(), span.end.isoformat()


def _r_tables(vocab: Vocabulary, source: str | None) -> dict[str, TableInfo]:
    """The tables an R pipeline may name (of `source`, else of every source, the first of a
    name winning), as the reader knows them."""
    named = vocab.source_named(source)
    tables: dict[str, TableInfo] = {}
    for table in vocab.tables:
        if table.name in tables or (named is not None and vocab.source_of(table) is not named):
            continue
        columns = {c.name: c.type for c in table.columns if not c.hidden}
        dates = vocab.time_columns(table)
        links: dict[str, tuple[str, ...]] = {}
        for fk in table.foreign_keys:
            if len(fk.columns) == 1 and fk.columns[0] in columns:
                links[fk.ref_table] = (*links.get(fk.ref_table, ()), fk.columns[0])
        values = {
            c: tuple(v for v in vocab.values.get((id(table), c.lower()), ()) if isinstance(v, str))
            for c in columns
        }
        tables[table.name] = TableInfo(
            columns, dates[0].name if dates else None, links,
            {c: v for c, v in values.items() if v},
        )
    return tables


def _written_r(
    question: str, vocab: Vocabulary, voice: Voice, source: str | None, today: dt.date
) -> EngineAnswer | None:
    """A question holding an R dplyr pipeline (`rread`): its spec, checked as every other and
    never run, with the conditions the prose around it adds ("for 2023 only"). None when it
    holds no pipeline; a refusal naming the part, the table or the column it cannot use."""
    tables = _r_tables(vocab, source)
    cannot = typographic("I can't use \x00 in this R pipeline (I read filter, group_by, "
                         "summarise, count, mutate for a share, a running total or bands, "
                         "arrange, slice_max / slice_head, select and anti_join, and never "
                         "run it); without it the pipeline would ask something else")
    try:
        read = r_pipeline(question, today, tables)
    except RUnread as unread:
        lead, tail = cannot.split("\x00")
        return _cannot(vocab, f"{lead}“{unread.part}”{tail}", voice)
    except RUnknown as unknown:
        if unknown.table is None:
            known = ", ".join(sorted(tables))
            reason = f"this data has no table “{unknown.name}” (its tables: {known})"
        else:
            reason = f"the {unknown.table} table has no column “{unknown.name}”"
        return _cannot(vocab, typographic(reason), voice)
    if read is None:
        return None
    data = read.spec
    info = tables[data["table"]]
    said = [typographic("the R pipeline was read into a query, not run")]
    if read.prose:
        added = prose_conditions(read.prose, today, info)
        if added is None:
            reason = typographic(f"I can't tell what “{read.prose[:80]}” changes in the R "
                                 "pipeline (around one I read a period and values of the "
                                 "data)")
            return _cannot(vocab, reason, voice)
        filters, words = added
        if filters:
            dated = {f["column"] for f in filters}
            data["filters"] = [f for f in data.get("filters", [])
                               if f.get("column") not in dated] + filters
            said += [typographic(f"'{w}' around the pipeline read as a condition")
                     for w in words]
    said += [typographic(f"'{a}' read as '{b}'") for a, b in read.repaired]
    said += [typographic(note) for note in read.notes]
    measures = data.get("measures", [])
    data = {**data, "measures": measures + [over for _, over in read.overs]}
    if not data["measures"]:
        del data["measures"]
    try:
        draft = from_spec(QuerySpec.model_validate(data), vocab, source=source)
        kept = len(measures)
        for at, (i, _) in enumerate(read.overs):
            draft.measures[i] = dataclasses.replace(draft.measures[i],
                                                    over=draft.measures[kept + at])
        del draft.measures[kept:]
        draft.share = read.share
        draft.cumulative = read.cumulative
        if read.share_within is not None and draft.dims:
            draft.share_within = draft.dims[0]
        tile, _ = _tile(vocab, draft)
    except (QueryError, ValidationError, Ambiguous, Unanswerable) as problem:
        lead, tail = cannot.split("\x00")
        return _cannot(vocab, f"{lead}“{question.strip()[:60]}”{tail} ({problem})", voice)
    text = describe_answer(vocab, draft, tile.chart_type, voice, chart_asked=False)
    return EngineAnswer(
        answer=typographic(text), tile=tile, source=tile.source, understood=tile.title,
        assumptions=tuple(said),
    )


def _restates(remark: str, vocab: Vocabulary) -> bool:
    """True when a remark after a pandas expression ("— which departments?") adds nothing to
    it: no number, no quoted or data value (those would be conditions the expression lacks)."""
    if re.search(r"[\d'\"\u201c\u201d\u2018\u2019]", remark):
        return False
    words = set(re.findall(r"[a-z]+", remark.lower()))
    for values in vocab.values.values():
        for value in values:
            if isinstance(value, str) and set(re.findall(r"[a-z]+", value.lower())) <= words \
                    and re.search(r"[a-z]", value.lower()):
                return False
    return True


def _previous_draft(
    vocab: Vocabulary, previous: TileSuggestion, source: str | None, only: str | None
) -> Draft | None:
    """The previous tile as a draft: in the source the question names (the same chart on
    another database), else in the tile's own source; None when its tables are gone."""
    tries: list[str | None] = [only] if only is not None else []
    tries += [previous.source or source, None]
    for where in dict.fromkeys(tries):
        try:
            return from_spec(previous.query, vocab, source=where)
        except QueryError:
            continue
    return None


#: Turning the last chart's order round: "flip it", "reverse the order", "the other way round".
_REVERSED = re.compile(
    r"\b(?:flip|reverse|invert)\s+(?:it|that|this|them|the\s+(?:order|sort|sorting|ranking"
    r"|list|chart|sort\s+order))\b(?:\s+(?:round|around))?|\b(?:(?:sort|order)(?:ed)?\s+(?:it\s+|them\s+)?)?(?:the\s+)?other\s+way"
    r"\s+(?:round|around)\b|\bin\s+reverse(?:\s+order)?\b",
    re.I,
)


#: "HR: how has our headcount built up ...": a team named before a colon, then a whole question
#: said for the whole company ("our", "we"): who is asking, not a filter on that team ("Sales
#: team: ...", "marketing dept: who ...", "HR: headcount by office" name the rows asked about).
_TEAM_LABEL = re.compile(
    r"^\s*([a-z][\w&'.-]*(?: [\w&'.-]+){0,2})\s*:\s+((?:how|what|whats|what's|which|who|where"
    r"|when|why|is|are|was|were|do|does|did|has|have|can|could|would|will|show|list|give|tell"
    r"|chart|plot|pull|break)\b.*\b(?:our|we|us|ours|we've|we're)\b.*)$",
    re.I | re.S,
)
_TEAM_COLUMN = re.compile(r"depart|dept|team|division|function|business_?unit", re.I)
#: A team named before a colon ("HR: headcount by office"): the rows asked about, said so.
_TEAM_FIRST = re.compile(r"^\s*([a-z][\w&'.-]*(?: [\w&'.-]+){0,2})\s*:\s+(\S.*)$", re.I | re.S)


#: "are there more than 100 engineers in London?", "do we have at least 5 offices in APAC":
#: a yes/no question on how many there are.
_HOW_MANY_THERE = re.compile(
    r"^\s*(?:are there|were there|is there|there are|there were|do we have|did we have"
    r"|have we got|we have|we had|do we employ|did we employ|we employ|do we still have)\s+"
    r"(?P<bound>more than|over|above|fewer than|less than|under|below|at least|at most)\s+"
    r"(?P<n>\d[\d,.]*k?)\s+(?P<rest>(?![\d%]|percent|per cent)\S.*)$",
    re.I | re.S)
#: The columns a person says they work in or look after: a team, a place.
_SCOPE_COLUMN = re.compile(
    r"depart|dept|team|division|function|business_?unit|location|city|office|site|region"
    r"|country|branch", re.I)
#: The asker saying what they look after, in the message ("so I manage the Support team in
#: London now", "I'm new and running Sales", "I've just taken over the Paris office"): who is
#: asking, and what they speak of when they say "my team", "them", "I have".
_SELF_CLAUSE = re.compile(
    r"(?:^|(?<=[,;:.!?\u2013\u2014-])|\b(?=(?:so|and|but|now|ok|okay|well) i\b)|^)\s*"
    r"(?:(?:so|and|but|now|ok|okay|well)[\s,]+)?(?:i(?:'?m| am) new(?: here)?(?:,| and)\s+"
    r"(?:i(?:'?m| am|'?ve| have)?\s+)?|i(?:'?m| am|'?ve| have)?\s+)"
    r"(?:now |just |recently |newly |officially )?"
    r"(?:manage|managing|run|running|lead|leading|head|heading|head up|oversee|overseeing"
    r"|look after|looking after|took over|taken over|inherited|own|in charge of|responsible"
    r" for|joined|moved to|transferred to|started (?:in|on|with))\s+"
    r"(?P<what>[^,.;:!?\u2013\u2014]+?)(?:\s+(?:now|these days|as of \w+))?"
    r"\s*(?:[,.;:!?\u2013\u2014]+|\s-\s|$)",
    re.I)
#: A question speaking of the asker's own rows: "my department", "do I have", "them".
_MINE = re.compile(
    r"\b(?:(?P<unit>my (?:own )?(?:team|department|dept|group|division|org|unit"
    r"|function|office|site|location|branch|area|patch|region|crew|squad)(?:'s|s)?)"
    r"|(?P<mine>(?:my|mine) (?P<noun>[a-z]+))"
    r"|(?P<have>(?:do|did|will) i (?:have|manage|run|lead|look after|oversee))"
    r"|(?P<got>(?:(?:that|who|whom) )?i(?:'?ve| have)? (?:now |just )?(?:inherited|got|manage"
    r"|run|lead|oversee|look after|have))(?:\s+there\b)?"
    r"|(?P<them>(?:of|for|among) them|under me|report(?:s|ing)? to me))\b",
    re.I)


def _scope_values(said: str, vocab: Vocabulary) -> list[str]:
    """The values of team-like or place-like columns named in `said` ("the new Berlin lead":
    Berlin; "the Support team in London": Support, London), longest phrases first."""
    words = [t.stem for t in tokenize(said) if t.text != ","]
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in (3, 2, 1):
            term = next((t for t in vocab.phrases.get(tuple(words[i : i + size]), ())
                         if isinstance(t, ValueTerm) and len(t.values) == 1
                         and _SCOPE_COLUMN.search(t.column.name)), None)
            if term is not None and len(words[i : i + size]) == size:
                out.append(term.value)
                i += size
                break
        else:
            i += 1
    return list(dict.fromkeys(out))


def _own_scope(
    plain: str, speaker: list[str], vocab: Vocabulary
) -> tuple[str, list[str], str] | None:
    """ "I'm the new Marketing lead! How many people do I have under each job title?", "so I
    manage the Support team in London now - how many of them got a 5?": the team or place the
    asker says is theirs, read into the question where it speaks of their own ("my
    department", "do I have", "them"); (the question so read, the values, the clause about
    the asker taken out of it). None when the asker names none, or the question speaks of
    nothing of theirs."""
    said = ""
    clause = _SELF_CLAUSE.search(plain)
    scope: list[str] = []
    if clause is not None:
        scope = _scope_values(clause.group("what"), vocab)
        if scope:
            said = clause.group(0).strip(" ,.;:!?\u2013\u2014-")
            plain = plain[: clause.start()] + " " + plain[clause.end() :]
    for who in speaker:
        scope += [v for v in _scope_values(who, vocab) if v not in scope]
    if not scope:
        return None
    # "my reps", "my people": rows the data has ("my project", "my boss" are no rows).
    mine = [m for m in _MINE.finditer(plain) if not m.group("mine") or any(
        not isinstance(t, ValueTerm) for t in vocab.phrases.get((singular(m.group("noun")),), ())
    )]
    if not mine:
        return None
    first = mine[0]
    where = " in ".join(scope)

    def read(found: re.Match[str]) -> str:
        if found.group("mine") and all(found.start() != m.start() for m in mine):
            return found.group(0)
        if found.group("unit"):
            return where if found.start() == first.start() else "it"
        if found.group("mine"):
            noun = found.group("noun")
            return f"the {noun} in {where}" if found.start() == first.start() else f"the {noun}"
        if found.group("have"):
            return f"are there in {where}" if found.start() == first.start() else "are there"
        return f" in {where} " if found.start() == first.start() else " "

    return _MINE.sub(read, plain), scope, said


def _team_named(label: str, vocab: Vocabulary) -> str | None:
    """The value `label` names in a team-like column ("HR", "Finance"), or None."""
    for term in vocab.phrases.get(stems(label), ()):
        if isinstance(term, ValueTerm) and len(term.values) == 1 and _TEAM_COLUMN.search(
            term.column.name
        ):
            return term.value
    return None


def _team_asking(plain: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """(the team, the question after it) when `plain` opens with a team asking (`_TEAM_LABEL`)
    named by one value of a team-like column; None otherwise."""
    found = _TEAM_LABEL.match(plain)
    team = None if found is None else _team_named(found.group(1), vocab)
    return None if found is None or team is None else (team, found.group(2))


def _team_first(plain: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """(the team, the rest) when `plain` opens with a team and a colon, read as a filter."""
    found = _TEAM_FIRST.match(plain)
    team = None if found is None else _team_named(found.group(1), vocab)
    return None if found is None or team is None else (team, found.group(2))


#: Words that say a period: an occasion named with one ("Q3 review", "March meeting") may be
#: what the question is about ("weekly sync", "monthly review" say how often it meets).
_TIME_WORDS = frozenset({*MONTHS, *UNITS, "today", "yesterday", "tomorrow", "ytd", "mtd", "qtd",
                         "last", "this", "next", "h1", "h2", "q1", "q2", "q3", "q4"})
#: "pipeline review: which reps ...", "close pack: running total ...", "for the monthly sync -":
#: the occasion a question is for, said before it (see `_occasion`).
_OCCASION = re.compile(
    r"^\s*((?:(?:for|re|ahead of|prepping for|prep for|prepping|from) )?(?:(?:the|our|my|a|an"
    r"|weekly|monthly|quarterly|annual|yearly|daily) )*(?:[a-z][\w&'-]* ){0,3}?(?:review|meeting"
    r"|sync|standup|stand-up|qbr|offsite|prep|retro|deck|pack|catch-up|catchup|all-hands|huddle"
    r"|call|presentation|planning|report|check|one-on-one|1-on-1|agenda|notes|memo|briefing"
    r"|brief|slides?|handout|invite list|invitation list|guest list|mailing list|distro list"
    r"|distribution list|to-do list|todo list|checklist|talking points|speaking notes))"
    r"\s*(?::|,|\s[-\u2013\u2014])\s+(\S.*)$",
    re.I | re.S,
)


def _occasion(plain: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """(the occasion, the question after it) when `plain` opens with what the question is for
    (`_OCCASION`) in words the data doesn't know ("pipeline review"); None when any of them
    may be part of the question ("Sales review:", "Q3 review:", "EMEA review:")."""
    found = _OCCASION.match(plain)
    if found is None:
        return None
    said = found.group(1).split()
    if any(not w.replace("-", "").isalpha() or (w.isupper() and len(w) > 1 and w.lower() != "qbr")
           for w in said[:-1]):
        return None
    if any((s,) in vocab.phrases for s in stems(" ".join(said)) if s not in STOPWORDS):
        return None
    if any(w.lower() in ABBREVIATIONS or w.lower() in _TIME_WORDS for w in said):
        return None
    return found.group(1), found.group(2)


_PARENTHESIS = re.compile(r"\(([^()]{1,80})\)")
#: Words that say a parenthesis gives an example or a gloss ("the VP of ... titles", "titles
#: starting with VP", "i.e. the managers").
_GLOSS_WORDS = frozenset({"like", "starting", "start", "starts", "beginning", "begin", "begins",
                          "with", "eg", "ie", "etc", "such", "as", "say", "called", "named",
                          "mean", "meaning", "kind", "sort", "whose", "that", "containing"})


def _without_glosses(plain: str, vocab: Vocabulary) -> str:
    """`plain` without a parenthesis that only restates what was just said ("our vice
    presidents (the VP of ... titles)"): its words are words said before it (as read) and
    names of columns; one that adds something ("(cumulative)", "(AMER, EMEA)") stays."""
    def known(stem: str) -> bool:
        return (stem,) in vocab.phrases

    def gloss(found: re.Match[str]) -> str:
        before = {t.stem for t in expand(tokenize(plain[: found.start()]), known)}
        said = [s for s in stems(found.group(1)) if s not in STOPWORDS and s not in _GLOSS_WORDS
                and s.strip(".")]
        if not said or not any(s in before for s in said):
            return found.group(0)
        if all(s in before or any(isinstance(term, ColumnTerm) for term in vocab.phrases.get(
            (s,), ()
        )) for s in said):
            return " "
        return found.group(0)

    return _PARENTHESIS.sub(gloss, plain)



#: What a bracket says about the question rather than in it: why or for whom it is asked
#: ("(so I can plot how it grew)", "(for my project)", "(just curious)", "(for context: ...)"),
#: the asker ("(I'm sorting the small ones)"), how to read a scale ("(ratings go from 1 to 5,
#: higher is better)"), what is not meant ("(so not the list price)"), or how exact to be
#: ("(ignore the cents)", "(rough numbers are fine)").
_BRACKET_ASIDE = re.compile(
    r"^(?:(?:and|but|just|only|btw|fyi|ps)[\s,]+)*(?:"
    r"so(?: that)? (?:i|we|you|they|he|she|my|our|the team|people)\b"
    r"|(?:in order )?to (?:see|check|plot|chart|show|understand|know|find out|figure out"
    r"|work out|get a sense|get an idea|compare|track|decide|explain|answer)\b"
    r"|(?:it'?s |this is |that'?s )?for (?:my|our|a|an|his|her|their|the|some) (?:[\w'-]+ ){0,3}?"
    r"(?:project|report|reports|deck|slide|slides|class|course|homework|assignment|thesis"
    r"|essay|boss|manager|team|board|meeting|review|presentation|newsletter|blog|post"
    r"|dashboard|analysis|research|study|audit|records|planning|budget|interview|notes)\b"
    r"|(?:i'?m|i am|we'?re|we are|i'?ve|i have|we have|i was|i need|i want|i'd like|my|our)\b"
    r"|(?:(?:just |only )?(?:curious|wondering|asking|checking|out of (?:curiosity|interest)"
    r"|for (?:context|reference|the record|fun|interest)|context|background|fwiw"
    r"|for what it'?s worth|no rush|if (?:that|it|this) (?:matters|helps)"
    r"|in case (?:that|it|this) (?:matters|helps)))\b"
    r"|(?:so |i\.?e\.?,? |that is,? |meaning )?not (?:the |a |an |their |its )?"
    r"(?:list |sticker |catalog |catalogue )?(?:price|prices|unit price|average|mean|median"
    r"|count|number|total|sum|share|percentage|ratio)\b"
    r"|(?:ignore|skip|drop|never mind|don'?t (?:worry about|care about|need)|no need for)"
    r" (?:the )?(?:cents|pennies|decimals|decimal places|rounding|fractions)\b"
    r"|(?:rough|roughly|approximate|approximately|approx|ballpark|rounded|round) ?"
    r"(?:numbers|figures|values|is|are|will do|fine|ok|okay|good enough|\s)*$"
    r"|(?:[\w'-]+ )?(?:go|goes|run|runs|range|ranges) from \d+ to \d+\b"
    r"|(?:on )?a scale (?:of|from) \d+\b"
    r"|(?:higher|lower|bigger|smaller|more|less) (?:is|=|means) (?:better|worse|best|worst)\b"
    r")", re.I)
#: Said inside a bracket aside without being a value the question needs (a scale, a hedge).
_ASIDE_SCALES = re.compile(
    r"\b(?:(?:go|goes|run|runs|range|ranges) from \d+(?:\.\d+)? to \d+(?:\.\d+)?"
    r"|(?:on )?a scale (?:of|from) \d+(?:\.\d+)?(?: ?(?:to|-) ?\d+(?:\.\d+)?)?"
    r"|\d+(?:\.\d+)? (?:is|=|means) (?:the )?(?:best|worst|highest|lowest|top|bottom))\b",
    re.I)
#: Words of a bracket said about the asker that narrow, order, measure or draw the question
#: ("(I only need the top ones)", "(I'd like it as a pie chart)", "(we need the average)").
_ASIDE_NARROWS = frozenset({
    "only", "except", "excluding", "without", "per", "by", "each", "every", "just", "exclude",
    "include", "including", "but", "top", "first", "highest", "lowest", "biggest", "largest",
    "smallest", "best", "worst", "most", "least", "sorted", "sort", "ascending", "descending",
    "average", "avg", "mean", "median", "total", "sum", "count", "number", "share", "percent",
    "percentage", "ratio", "chart", "graph", "pie", "bar", "bars", "line", "table", "map",
    "donut", "plot", "split", "breakdown", "separately", "cumulative", "running",
})
#: A one-word bracket after a word for people, saying they are people ("sellers (persons)").
_PEOPLE_GLOSS = re.compile(
    r"\b(?:sellers?|reps?|salespeople|salespersons?|agents?|staff|employees?|workers?|hires?"
    r"|members?|managers?|people|performers?|earners?|closers?)\s*"
    r"\(\s*(?:the |as in |i\.?e\.?,? |meaning )?(?:persons?|people|humans?|individuals?"
    r"|employees|staff|staff members|names)\s*\)", re.I)


#: A bracket right after a number that says where it stands on its scale ("scored a 5 (top
#: appraisal rating)", "rated 1 (the lowest)"): the number says it already; "top" there is
#: no ranking.
_VALUE_GLOSS = re.compile(
    r"(?<![\w.])(?P<number>\d+(?:\.\d+)?)\s{0,3}\((?P<said>\s{0,3}(?:(?:the|our|a|an|their)\s{1,3})?"
    r"(?:top|best|highest|lowest|worst|bottom|maximum|minimum|max|min|perfect)\b[^()]{0,40})\)",
    re.I)

#: A bracket giving a number's scale: "(performance ratings 1 to 5)", "(scored 0-10)".
_SCALE_GLOSS = re.compile(
    r"\((?P<words>[A-Za-z][A-Za-z' ]{0,40}?)?\s{0,3}(?:on a scale of\s{1,3}|from\s{1,3})?"
    r"(?P<low>\d{1,3})\s{0,3}(?:to|-|\u2013|through)\s{0,3}(?P<high>\d{1,3})\s{0,3}\)", re.I)


def _numeric_columns(vocab: Vocabulary, text: str) -> set[int]:
    """The numeric columns (by id) that the words of `text` name, slang read."""
    words = expand(tokenize(text), lambda stem: (stem,) in vocab.phrases)
    found: set[int] = set()
    at = 0
    while at < len(words):
        match = vocab.match([t.stem for t in words], at)
        if match is None:
            at += 1
            continue
        size, terms = match
        found |= {id(t.column) for t in terms if isinstance(t, ColumnTerm)
                  and t.column.type in NUMERIC_TYPES}
        at += max(size, 1)
    return found


_RANKED_BEFORE = re.compile(r"\b(?:top|bottom|best|worst|first|last|biggest|largest)\s*$", re.I)


def _bracket_asides(plain: str, vocab: Vocabulary) -> tuple[str, list[str]]:
    """`plain` without the brackets that say why, for whom or how the question is asked
    rather than what it asks (`_BRACKET_ASIDE`), and (the asides dropped). A bracket that
    still holds a number, a period or a name of the data after its scale is taken out ("(I only
    need 2024)", "(for the Berlin office)") is part of the question and stays."""
    dropped: list[str] = []

    def gloss(found: re.Match[str]) -> str:
        if _RANKED_BEFORE.search(found.string[max(0, found.start() - 12) : found.start()]):
            return found.group(0)  # "top 5 (highest units)": the ranking's own measure
        dropped.append(f"({found.group('said').strip()})")
        return f"{found.group('number')} "

    plain = _VALUE_GLOSS.sub(gloss, plain)

    def scale(found: re.Match[str]) -> str:
        # "how are the appraisal scores (performance ratings 1 to 5) spread": the bracket
        # says the scale of a number named outside it too; it keeps no rows out.
        low, high = float(found.group("low")), float(found.group("high"))
        if low not in (0, 1) or high <= low + 1:
            return found.group(0)
        inside = _numeric_columns(vocab, found.group("words") or "")
        rest = found.string[: found.start()] + " " + found.string[found.end() :]
        if len(inside) != 1 or not inside <= _numeric_columns(vocab, rest):
            return found.group(0)
        dropped.append(found.group(0).strip())
        return " "

    plain = _SCALE_GLOSS.sub(scale, plain)

    def aside(found: re.Match[str]) -> str:
        said = found.group(1).strip(" \t,;:.!?")
        if not said or not _BRACKET_ASIDE.match(said):
            return found.group(0)
        rest = _ASIDE_SCALES.sub(" ", said)
        names = [w for w in re.findall(r"\b[A-Z][\w-]*", rest[1:])
                 if w not in ("I", "I'm", "Im")]
        words = {w.lower().strip("'") for w in re.findall(r"[\w']+", rest)}
        if re.search(r"\d", rest) or names or words & _TIME_WORDS:
            return found.group(0)
        if re.match(r"(?:i|we|my|our)\b", said, re.I) and words & _ASIDE_NARROWS:
            return found.group(0)
        if any(isinstance(t, ValueTerm) and t.quality == EXACT
               for s in stems(rest) for t in vocab.phrases.get((s,), ())):
            return found.group(0)
        dropped.append(f"({said})")
        return " "

    plain = _PARENTHESIS.sub(aside, plain)

    def people(found: re.Match[str]) -> str:
        gloss = found.group(0)[found.group(0).index("("):]
        dropped.append(gloss)
        return found.group(0)[: found.group(0).index("(")].rstrip() + " "

    plain = _PEOPLE_GLOSS.sub(people, plain)
    return plain, dropped



#: The asker saying what they mean, after what they asked ("To be clear I mean the remote
#: count divided by the office count", ", i.e. revenue over orders", "(by remote I mean people
#: flagged as remote)", "- in other words ...", ", which I'm defining as ..."): a start of
#: sentence, clause or bracket, then the definition up to the end of its sentence or bracket.
_DEFINITION = re.compile(
    r"(?P<lead>^|(?<=[.?!;:,(\u2013\u2014])|\s[-\u2013\u2014]+)\s*(?P<def>"
    r"(?:(?:just )?(?:to be (?:clear|precise|exact)|to clarify|for clarity|for the record)"
    r"[\s,:]+)?"
    r"(?:(?:by (?:that|this|it|which|(?P<word>[\w-]+)),? )?(?:i|we) (?:mean|meant)\b"
    r"|(?:which |that )?(?:i|we)(?:'m| am|'re| are)? (?:defining|define|calculating|calculate"
    r"|computing|compute|counting|count)(?: (?:it|that|this))? as\b"
    r"|(?:which (?:is |are )?)?(?:defined|calculated|computed|measured) as\b"
    r"|i\.e\.?,?|in other words,?|that is,|meaning\b|which means\b)"
    r"(?P<body>[^.?!()\n]*))(?P<close>\))?", re.I)
#: A ratio said in words ("revenue divided by headcount", "revenue over units").
_RATIO_SAID = re.compile(r"^\s*(?:the )?[\w' -]+? (?:divided by|over|per|/) [\w' -]+$", re.I)
#: The thing a definition defines, as said before it: one or two words after "the", "our",
#: "what's" and before a breakdown, a filter or the end ("what's the efficiency per
#: department").
_DEFINED_THING = re.compile(
    r"\b(?:the|our|my|their|its|what'?s|what is)\s+(?!(?:the|our|my|their|its|a|an)\b)"
    r"(?P<thing>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)"
    r"(?=\s+(?:per|by|for|in|across|of each|of every|each)\b|\s*[,?]?\s*$)", re.I)
#: Words before a definition that name a measure the definition can only say again.
_DEFINED_MEASURE = re.compile(
    r"\b(?:ratio|ratios|proportion|fraction|share|percent|percentage|rate|per|average|avg"
    r"|mean|value|size|divided|over|count|number|total|sum)\b", re.I)


def _definitions(
    plain: str, vocab: Vocabulary, readings_of: list[str]
) -> tuple[str, list[str]]:
    """`plain` without the definitions the asker adds to what they asked (`_DEFINITION`),
    and (the definitions dropped): one of a word the data knows ("by remote I mean ..."), or
    one after a measure already named ("the ratio of remote to office staff? To be clear I
    mean the remote count divided by the office count"), says again what is asked. One that
    holds a number, a period or a name ("i.e. Sales and Support") narrows the question: kept;
    a ratio given for a thing the data doesn't know ("the efficiency per department, which I
    define as revenue divided by headcount") takes that thing's place (said in `readings_of`)."""
    dropped: list[str] = []
    out, at = "", 0
    for found in _DEFINITION.finditer(plain):
        said = found.group("def").strip(" \t,;:.!?")
        opened = found.start("def") > 0 and plain[: found.start("def")].rstrip().endswith("(")
        if found.group("close") and not opened:
            continue
        before = plain[: found.start()]
        sentence = re.split(r"[.?!\n]\s", before)[-1] if before else ""
        rest = said
        word = found.group("word")
        if word:
            rest = rest.replace(word, " ")
        names = [w for w in re.findall(r"\b[A-Z][\w-]*", rest[1:])
                 if w not in ("I", "I'm", "Im")]
        words = {w.lower().strip("'") for w in re.findall(r"[\w']+", rest)}
        if re.search(r"\d", rest) or names or words & _TIME_WORDS or not sentence.strip():
            continue
        if word:
            if not any(((s,) in vocab.phrases) for s in stems(word)) or not re.search(
                rf"\b{re.escape(word)}\b", sentence, re.I
            ):
                continue
        else:
            # "what's the efficiency per department, which I define as revenue divided by
            # headcount": a ratio for a thing the data doesn't know is that thing.
            body = found.group("body").strip(" \t,;:")
            body = re.sub(r"\s+(?:over|/)\s+", " divided by ", body)  # "revenue over units"
            things = list(_DEFINED_THING.finditer(sentence))
            thing = things[-1] if things else None
            if thing is not None and _RATIO_SAID.match(body) and not any(
                (s,) in vocab.phrases for s in stems(thing.group("thing")) if s not in STOPWORDS
            ):
                ends = len(before) - len(sentence)
                out += (plain[at : ends + thing.start("thing")] + body
                        + plain[ends + thing.end("thing") : found.start("def")] + " ")
                at = found.end()
                readings_of.append(f"'{thing.group('thing')}' read as {body}, as defined")
                continue
            if not _DEFINED_MEASURE.search(sentence):
                continue
        start = found.start("def")
        if opened:
            start = plain.rindex("(", 0, start)
        out += plain[at:start] + " "
        at = found.end()
        dropped.append(said)
    return out + plain[at:], dropped


#: A two-digit number standing alone ("rev 24", "first half rev: 25 vs 24", "rev for all of 23"),
#: not glued to a currency sign, a percent or a unit ("$24", "24%", "24k").
_BARE_TWO_DIGITS = re.compile(r"(?<![\w.,$\u20ac\u00a3#'\u2019/-])(\d\d)(?![\w.,%'\u2019/-])")


def _short_years(
    reply: EngineAnswer, question: str, today: dt.date, vocab: Vocabulary
) -> list[str]:
    """The two-digit numbers of `question` that `reply` could not use as numbers: left
    unused, or read as a value its own measure equals ("average amount of the orders whose
    amount is 24", "revenue = 24"): said short after a measure, they are years ("rev 24",
    "avg order $ 24", "rev 25 running total"). Only years up to next year."""
    if reply.tile is None:
        return []
    spec = reply.tile.query
    # Not a number people average ("average salary 24", "score 20": those stay numbers).
    measured = {m.column for m in spec.measures if m.column is not None and not (
        {singular(w) for w in split_identifier(m.column.split(".")[-1]).lower().split()}
        & AVERAGED_WORDS
    )}
    equal = {str(f.value) for f in spec.filters
             if isinstance(f, Filter) and f.op == "eq" and f.column in measured}
    sums = {m.alias for m in spec.measures if m.agg in ("sum", "avg") and m.column in measured}
    equal |= {str(h.value) for h in spec.having if h.op == "eq" and h.by in sums}
    unused = {w for said in reply.unused for w in said.split()}
    out = []
    for found in _BARE_TWO_DIGITS.finditer(question):
        number = found.group(1)
        if 2000 + int(number) > today.year + 1:
            continue
        after = re.match(r"\s*([a-z]+)", question[found.end() :], re.I)
        if after is not None and (singular(after.group(1).lower()),) in vocab.phrases:
            continue  # "departments with 24 people": how many of them
        if number in unused or number in equal or f"{int(number)}.0" in equal:
            out.append(number)
    return list(dict.fromkeys(out))


#: The words a breakdown follows ("by office", "per region", "for each team", "across sites").
_BREAKDOWN_LEADS = frozenset({"by", "per", "each", "every", "across", "between"})


def _names_a_subject(vocab: Vocabulary, text: str) -> bool:
    """Whether `text` names something to measure or count of its own: a table's rows or a
    number column ("revenue", "orders", "salary"); not only a breakdown, a period or the
    words of a figure ("the count per region", "the split by year")."""
    said = stems(text)
    for i in range(len(said)):
        found = vocab.match(list(said), i)
        if found is None:
            continue
        # "split by office": a table after "by" is a breakdown, not what is measured; a number
        # is ("the top 3 by revenue").
        grouped = i > 0 and said[i - 1] in _BREAKDOWN_LEADS
        if any(
            (isinstance(t, TableTerm) and not grouped) or isinstance(t, MeasureTerm) or (
                isinstance(t, ColumnTerm) and t.column is not None
                and t.column.type in NUMERIC_TYPES and t.column.name not in t.table.primary_key
            ) for t in found[1]
        ):
            return True
    return False


def _request_about_question(
    question: str, catalog: Sources, values: ColumnValues | None, *,
    context_clues: ContextClues, today: dt.date, source: str | None,
) -> EngineAnswer | None:
    """ "is Software over 30% of revenue? break it down by year", "does each region clear
    7,000 orders? give me the count per region": a request after a yes/no question, with no
    subject of its own, is about what that question asked: the question's tile, changed by
    the request as a follow-up would change it. None when the message is not so made, the
    question gets no tile, or the request has a subject of its own (then it is answered
    alone, as before)."""
    split = yes_no_then_request(question)
    if split is None:
        return None
    asked, request = split
    if _names_a_subject(vocabulary_of(as_sources(catalog, values)), request):
        return None
    first = _answer_once(asked, catalog, values, context_clues=context_clues, today=today,
                         source=source)
    if first.tile is None:
        return None
    # The bound the question weighed ("clear 7,000 orders") is no part of the rows the
    # request asks for: their figures show whether it holds.
    asked_tile = dataclasses.replace(
        first.tile, query=first.tile.query.model_copy(update={"having": []}))
    turn = _answer_once(request, catalog, values, previous=asked_tile,
                        context_clues=context_clues, today=today, source=source,
                        follow_up=True)
    if turn.tile is None:
        return None
    said = typographic(f"“{request}” read as about “{asked}”")
    return dataclasses.replace(
        turn, understood=turn.tile.title, follow_up=None,
        assumptions=(*turn.assumptions, said),
    )


#: A run of blanks inside a line, and blank lines beyond one between paragraphs.
_INNER_BLANKS = re.compile(r"(?<=\S)[ \t\u00a0\u2000-\u200a\u3000]{2,}")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
_INDENT = re.compile(r"^[ \t]{9,}", re.M)


def _tidy_blanks(question: str) -> str:
    """`question` with each run of blanks inside a line as one space, an indent of at most 8
    and at most one empty line between paragraphs (Markdown reads the same): a message padded
    with a thousand spaces took more than half a second of a worker, as many rules look at
    every split of a run."""
    lines = _BLANK_LINES.sub("\n\n", question.strip())
    return _INNER_BLANKS.sub(" ", _INDENT.sub("        ", lines))


def answer(
    question: str,
    catalog: Sources,
    values: ColumnValues | None = None,
    *,
    previous: TileSuggestion | None = None,
    context_clues: ContextClues = None,
    today: dt.date | None = None,
    source: str | None = None,
    follow_up: bool | None = None,
) -> EngineAnswer:
    """Answer `question` over `catalog` (see `_answer_once`); a two-digit number said short
    after a measure that could not be read as a number ("rev 24", "rev for all of 23") is
    read as the year, when that reading uses it, and the answer says so."""
    today = today or dt.date.today()
    question = _tidy_blanks(question)
    if previous is None and follow_up is None:
        about = _request_about_question(question[:MAX_QUESTION_CHARS], catalog, values,
                                        context_clues=context_clues, today=today,
                                        source=source)
        if about is not None:
            return about
    reply = _answer_once(question, catalog, values, previous=previous,
                         context_clues=context_clues, today=today, source=source,
                         follow_up=follow_up)
    said_formula = _formula_said_again(question[:MAX_QUESTION_CHARS]) if (
        reply.tile is None and previous is None
    ) else None
    if said_formula is not None:
        # "our average staffing per site, i.e. total staff divided by the number of offices":
        # read as said, the ratio's first wording was refused; its restatement is exact.
        again = _answer_once(said_formula[0], catalog, values, context_clues=context_clues,
                             today=today, source=source, follow_up=follow_up)
        if again.tile is not None and not again.unused:
            restated = typographic(
                f"'{said_formula[1]}' read as {said_formula[2]}, as you put it")
            reply = dataclasses.replace(
                again, assumptions=tuple(dict.fromkeys((restated, *again.assumptions))))
    years = _short_years(reply, question[:MAX_QUESTION_CHARS], today,
                         vocabulary_of(as_sources(catalog, values)))
    if not years:
        return _median_said(reply, question)
    said = _BARE_TWO_DIGITS.sub(
        lambda m: f"20{m.group(1)}" if m.group(1) in years else m.group(0), question)
    again = _answer_once(said, catalog, values, previous=previous, context_clues=context_clues,
                         today=today, source=source, follow_up=follow_up)
    left = {w for unused in again.unused for w in unused.split()}
    if again.tile is None or any(f"20{y}" in left or y in left for y in years):
        return _median_said(reply, question)
    read = tuple(typographic(f"'{y}' read as the year 20{y}") for y in years)
    return _median_said(dataclasses.replace(
        again, assumptions=tuple(dict.fromkeys(read + again.assumptions))
    ), question)


#: "average staffing per site, i.e. total staff divided by the number of offices": a ratio
#: said per something, then said again as one number divided by another.
_RATIO_SAID_AGAIN = re.compile(
    r"(?P<thing>\b(?:average|avg|mean|typical)\s+[\w'-]+(?:\s+[\w'-]+)?\s+per\s+[\w'-]+"
    r"(?:\s+[\w'-]+)?)\s*[,(]?\s*(?:i\.?\s?e\b\.?|that\s+is\b|in\s+other\s+words\b|meaning\b)"
    r"[,:]?\s+(?P<formula>[^.?!()\n]{1,120}?\bdivided\s+by\b[^.?!()\n]{1,120})", re.I)


def _formula_said_again(question: str) -> tuple[str, str, str] | None:
    """(`question` with a ratio said per something replaced by the division said right
    after it, that ratio, the division), or None when there is no such restatement."""
    found = _RATIO_SAID_AGAIN.search(question)
    if found is None:
        return None
    formula = found.group("formula").strip(" ,;:)")
    said = question[: found.start()] + formula + " " + question[found.end() :].lstrip(" )")
    return said, found.group("thing"), formula


def _as_said(said: str, known: str) -> str:
    """The word a slip was read as, singular or plural as it was typed ("untis": "units",
    "avrage": "average")."""
    if known.endswith("s") and not said.endswith("s") and len(known) > 4:
        return known[:-1]
    if said.endswith("s") and not known.endswith("s"):
        return f"{known}s"
    return known


_MEDIAN = re.compile(r"\bmedian\b|\.median\(", re.IGNORECASE)
MEDIAN_READ = "'median' read as the average (plotboard cannot compute a median)"


def _median_said(reply: EngineAnswer, question: str) -> EngineAnswer:
    """The query model has no median: a question asking for one is answered with the
    average (the lexer reads the word so), and the answer says it, never silently."""
    if reply.tile is None or not _MEDIAN.search(question[:MAX_QUESTION_CHARS]):
        return reply
    if not any(m.agg == "avg" for m in reply.tile.query.measures):
        return reply
    said = typographic(MEDIAN_READ)
    return dataclasses.replace(reply, assumptions=tuple(dict.fromkeys((said, *reply.assumptions))))


def _about_data(text: str, vocab: Vocabulary) -> bool:
    """Whether `text` names something of the data: a word that is one of its phrases (a
    table, a column, a value, a measure) and no stopword."""
    return any((stem,) in vocab.phrases for stem in stems(text) if stem not in STOPWORDS)


def _answer_once(
    question: str,
    catalog: Sources,
    values: ColumnValues | None = None,
    *,
    previous: TileSuggestion | None = None,
    context_clues: ContextClues = None,
    today: dt.date | None = None,
    source: str | None = None,
    follow_up: bool | None = None,
) -> EngineAnswer:
    """Answer `question` over `catalog` (see the module docstring).

    Args:
        catalog: one catalog, or the `Source`s the user may see (each with its values).
        values: with one catalog, real values of low-cardinality columns, for filters
            ("Paris").
        previous: the last tile of the conversation; a question without its own subject
            ("only Paris", "as a pie", "by month") refines it.
        context_clues: `ai_context_clues` of the token: tone and company for the wording.
        today: the date relative periods ("last 6 months") count from; default today.
        source: the id of the source the conversation is on (when `previous` does not say).
        follow_up: how to read a message after `previous`: True changes that tile, False
            asks afresh; None decides from the words (`plotboard.ai.builtin.conversation`)
            and, when both readings are close, offers the other as an alternative.

    Never raises for a bad question: an `EngineAnswer` with no tile says why and suggests
    questions that work.
    """
    today = today or dt.date.today()
    vocab = vocabulary_of(as_sources(catalog, values))
    voice = voice_of(context_clues)
    written = _written_sql(question[:MAX_QUESTION_CHARS], vocab, voice, source)
    if written is not None:
        return written
    written = _written_r(question[:MAX_QUESTION_CHARS], vocab, voice, source, today)
    if written is not None:
        return written
    written = _written_pandas(question[:MAX_QUESTION_CHARS], vocab, voice, source, today)
    if written is not None:
        return written
    if looks_like_pandas(question[:MAX_QUESTION_CHARS]):
        # "df.loc[df.product == 'X', 'amount'].sum() for North", read as words: ".loc" is
        # pandas' own word for picking rows (not "location"), so it goes.
        question = _PANDAS_ACCESSOR.sub("[", question[:MAX_QUESTION_CHARS])
    # An e-mail's or a chat's framing (subject, quote marks, signature) is no part of it.
    # A question written in Markdown (headings, lists, tables, emphasis) read as plain words.
    body, marked = plain_markdown(
        message_body(question[:MAX_QUESTION_CHARS], lambda text: _about_data(text, vocab))
    )
    said_order, readings = respell(body)
    readings = [*marked, *readings]
    flipped = _REVERSED.search(said_order) if previous is not None else None
    if previous is not None and flipped is not None:
        # "flip it", "reverse the order": the last chart's order turned round.
        ordered = previous.query.order_by
        way = "lowest to highest" if not ordered or ordered[0].desc else "highest to lowest"
        said_order = f"{said_order[: flipped.start()]} {way} {said_order[flipped.end() :]}"
    plain, courtesy, askers, asides = reduced_message(said_order)
    if flipped is not None:
        readings.append(f"'{flipped.group(0).strip()}' read as '{way}'")
    # "HR here:", "CFO question:", "for my boss": who is asking (or for whom); the answer
    # says it did not use it as a filter.
    speaker = [said for said in courtesy if re.search(r"\bhere\b", said, re.I)
               or NEW_IN.match(said)] + askers
    more = _HOW_MANY_THERE.match(plain)
    if more is not None:
        # "are there more than 100 engineers in London?": how many there are, weighed.
        plain = f"how many {more.group('rest')}"
        readings.append(f"a yes/no question ({more.group('bound')} {more.group('n')}?): how "
                        f"many there are, to weigh against {more.group('n')}")
    # "I'm new in finance: how many are in my team?": a sentence about the asker, dropped.
    about_me = [a for a in asides if re.match(r"\s*(?:i|i'm|im|i've)\b", a, re.I)]
    own = _own_scope(plain, speaker + about_me, vocab) if previous is None else None
    if own is not None:
        # "I'm the new Marketing lead! how many people do I have": Marketing, said once.
        plain, scope, said = own
        who = [w for w in [*speaker, said] if w and _scope_values(w, vocab)]
        speaker = [w for w in speaker if w not in who]
        readings.append(f"'{', '.join(who)}' read as who is asking; '{' and '.join(scope)}', "
                        f"what you said is yours, as the rows asked about")
    team = _team_asking(plain, vocab) if previous is None else None
    if team is not None:
        speaker.append(team[0])
        plain = team[1]
    # "HR: headcount by office": the other way, that team's rows (said when so read).
    team_rows = _team_first(plain, vocab) if previous is None and team is None else None
    occasion = _occasion(plain, vocab)
    if occasion is not None:
        readings.append(f"'{occasion[0]}' read as what the question is for, not part of it")
        plain = occasion[1]
    readings += [f"'{said}' read as who is asking, not as a filter" for said in speaker]
    plain = _without_glosses(plain, vocab)
    plain, defined = _definitions(plain, vocab, readings)
    readings += [f"'{said}' read as saying again what is asked" for said in defined]
    plain, bracketed = _bracket_asides(plain, vocab)
    bracketed = defined + bracketed
    readings += [f"'{said}' read as an aside, not part of the question" for said in bracketed]
    asked, new_topic = tokenize(_SLASHED.sub(", ", plain)), False
    if previous is not None:
        asked, new_topic = strip_new_topic(asked)
    asked = _rated_first(_what_date(asked))
    if write_request(asked):
        return _cannot(vocab, READ_ONLY, voice)
    if action_request(asked, lambda stems: stems in vocab.phrases):
        return _cannot(vocab, READS_ONLY, voice)
    if forecast_request(asked, lambda stems: stems in vocab.phrases):
        return _cannot(vocab, NO_FORECASTS, voice)
    converted = conversion_request(asked, lambda stems: stems in vocab.phrases)
    if converted is not None:
        return _cannot(vocab, NO_CONVERSIONS.format(converted), voice)
    rows_bounded = bounded_rows_said([t.text for t in asked])
    asked = bosses_by_their_field(asked, vocab, readings)
    words = expand(asked, lambda stem: (stem,) in vocab.phrases, readings)
    words = catalog_slips(words, vocab, readings)
    words = split_compounds(words, vocab, readings)
    words = _sales_people(words, vocab, readings)
    words = _measure_score(words, vocab, readings)
    words = _without_replaced(words, readings, follow=previous is not None)
    words = _without_denied(words, readings, lambda word: _measure_word(vocab, word))
    words = _swapped(words, readings, follow=previous is not None)
    words = _without_presence(
        words, readings,
        lambda stem: any(isinstance(t, TableTerm) for t in vocab.phrases.get((stem,), ())),
    )
    cues = read_cues(words)
    outside = outside_words(words, lambda stems: stems in vocab.phrases)
    if outside is not None:
        return _cannot(vocab, f"this data has nothing about '{outside}'", voice)
    shapes, words = read_shapes(words, vocab)
    shapes.claimed = CLAIM_LEAD in asides
    tokens, only = _named_source(words, vocab)
    stay = (previous.source if previous is not None else None) or source
    lexed = lex(tokens, vocab, today)
    period = _unread_period(lexed)
    if period is not None:
        # "revenue last yoor": without the period the answer would be for all time, and look
        # right; better to say which words could not be read.
        return _cannot(vocab, f"I couldn't read the period '{period}'", voice)
    # "salry" read as "salary": a slip repaired is a reading, said (item 3 of issue 12).
    readings += [f"'{said}' read as '{_as_said(said, known)}'"
                 for said, known in dict(lexed.repaired).items() if said != known]
    readings += [
        f"'{lexed.words[item.start]}' read as the year 20{lexed.words[item.start]}"
        for item in lexed.items
        if isinstance(item.meaning, Time) and item.size == 1
        and len(lexed.words[item.start]) == 2 and lexed.words[item.start].isdigit()
    ]
    if shapes.compare == "strong" and len(tokens) == len(words):
        lexed.versus_at = shapes.compare_at
    if tokens and tokens[0].text in ("who", "whos", "whom", "whose") and (
        not lexed.unknown or _left_out(lexed)
    ):
        lexed.people = _people(vocab)  # not "who won the world cup": nothing of ours
    if voice.company:
        company = set(stems(voice.company)) | set(voice.company.lower().split())
        lexed.unknown = [w for w in lexed.unknown if w not in company]
        lexed.unknown_at = {i: w for i, w in lexed.unknown_at.items() if w not in company}
    # A lead-in, the request's own verb, a verb after its subject: unknown words that are not
    # what is asked are left out (said below); those that may be keep the question refused.
    not_asked = list(unasked(lexed).items())
    if not_asked:
        lexed.unknown_at = {i: w for i, w in lexed.unknown_at.items()
                            if i not in dict(not_asked)}
        for _, word in not_asked:
            if word in lexed.unknown:
                lexed.unknown.remove(word)
    if not shapes.counted_rows and _counted_typo(lexed, vocab):
        shapes.counted_rows = True
    intent = read_intent(lexed)
    _value_or_table(vocab, intent)
    long = (bool(courtesy) or bool(asides) or bool(bracketed)
            or len(tokens) >= LONG_QUESTION_WORDS)
    left = _left_out(lexed)
    # "which foreign languages do people speak ...": what is asked for is a word the data
    # doesn't have, however long the message; answering without it answers another question.
    head = (
        _unknown_head(lexed) or _unknown_before_tail(lexed) or _unknown_counted(lexed)
    ) if previous is None else None
    # A state of the rows the data doesn't have ("cancelled", "refunded", "are enrolled on
    # ...") is never context.
    status = any(w in STATUS_WORDS for w in lexed.unknown) or any(
        _state_said(lexed, i) for i in lexed.unknown_at
    )
    # "customer satisfaction scores", said politely: unknown words glued to what is measured
    # name another thing, however long the message (answering the known half misleads).
    if lexed.unknown and (long or left) and not status and head is None and not (
        long and not left and intent.noun_compounds
    ):
        # A long or polite message: its words outside the data are context, not the
        # question ("slides", "calendar year"), as long as what is left still asks something.
        # A short one whose only unknown words say how, not what ("keep just ...", "orders
        # booked in the West"): read without them too. Either way the answer says so.
        reading = read_intent(dataclasses.replace(lexed, unknown=[], unknown_at={}))
        refines = previous is not None and not reading.is_empty and left
        # "products whose units stay below 5,000": the things broken down are the subject.
        grouped = left and bool(reading.dims)
        if reading.has_subject or refines or grouped:
            intent = reading
            intent.ignored = list(dict.fromkeys(lexed.unknown))
    if previous is None and _age_asked(lexed.words) and not _age_kept(vocab, intent):
        # "how old is our longest-serving engineer", "the ages of the Sales team": no column
        # holds it; the earliest hire date is no age.
        said = next((w for w in lexed.words if w in _AGE_WORDS), "age")
        return _cannot(vocab, f"I couldn't find '{said}' in this data", voice)
    if status:
        # "how many orders were cancelled": answering without it would count them all.
        states = ", ".join(f"'{w}'" for i, w in sorted(lexed.unknown_at.items())
                           if w in STATUS_WORDS or _state_said(lexed, i))
        return _cannot(vocab, f"I couldn't find {states} in this data", voice)
    all_groups_totalled(lexed, intent, shapes, readings)
    column_of_rows(vocab, lexed, intent, shapes)
    _both_sides(intent, shapes)
    _split_over_values(lexed, intent)
    _rows_of_a_size(vocab, lexed, intent, shapes)
    bounded_rows_listed(intent, lexed, shapes, rows_bounded)
    _counted(intent, shapes)
    _rows_asked(vocab, intent, shapes)
    _each_row_listed(lexed, intent, shapes)
    _date_asked(vocab, lexed, intent, shapes)
    _when_first(lexed, intent, shapes)
    _when_each(lexed, intent, shapes)
    _first_in_each(vocab, intent, shapes)
    _the_oldest_thing(vocab, lexed, intent, shapes)
    _who_has_it(vocab, lexed, intent)
    _counted_per_own_value(lexed, intent)
    _things_with_most_rows(intent, shapes)
    _ranked_by_their_rows(lexed, intent, shapes)
    _things_ranked_by_another(lexed, intent, shapes)
    _top_rows_by_their_column(vocab, intent, shapes)
    _ranked_rows(intent, shapes)
    names = [] if intent.ignored else proper_names(plain, lexed.unknown)
    if names:
        quoted = ", ".join(f"'{n}'" for n in dict.fromkeys(names))
        return _cannot(vocab, f"I couldn't find {quoted} in this data", voice)
    if head is not None:
        quoted = ", ".join(f"'{w}'" for w in head.split())
        return _cannot(vocab, f"I couldn't find {quoted} in this data", voice)
    try:
        if intent.dashboard:
            return _dashboard(vocab, intent, voice, stay, only)
        before: Draft | None = None
        follow: bool | None = None if previous is None else False
        other: Draft | None = None
        if previous is not None:
            # None when the old tile names something gone: answer afresh.
            before = _previous_draft(vocab, previous, source, only)
        if before is not None:
            before.chart = previous.chart_type if previous else None
        if before is not None and only is not None and intent.is_empty:
            # "the same in the Sales archive": the last chart, read in the named database.
            draft, follow = apply_shapes(vocab, before, shapes, intent), True
        elif before is not None and follow_up is not False:
            other_table = any(t.table is not before.base for t in intent.tables)
            turn = Turn(follow_up=True) if follow_up else read_turn(
                intent, cues, listing=shapes.listing, share=shapes.share,
                new_topic=new_topic, other_table=other_table, nulls=bool(shapes.nulls),
            )
            turned = _read_in_conversation(
                vocab, intent, shapes, before, turn, forced=follow_up is not None,
                stay=stay, only=only,
            )
            draft, follow, other = turned.draft, turned.follow_up, turned.other
        else:
            draft = _fresh(vocab, intent, shapes, stay, only)
        _where_data_ends(vocab, as_sources(catalog, values), draft, intent)
        _after_the_data(vocab, as_sources(catalog, values), draft, intent, asked, today)
        tile, problem = _tile(vocab, draft)
    except Ambiguous as err:
        return _which_database(vocab, err, question[:MAX_QUESTION_CHARS])
    except Unanswerable as err:
        return _cannot(vocab, err.reason, voice)
    except QueryError as err:
        if err.position is not None:
            # A formula the engine wrote itself failed ("sum_if() needs a number, but
            # 'hire_date' at position 8 ..."): its words mean nothing to who asked.
            return _cannot(vocab, UNBUILT, voice)
        return _cannot(vocab, err.message.rstrip(".").lower(), voice)
    if not follow:
        # "the four newest people": a number the listing used as its count is not loose.
        used = {n for n in (shapes.count, shapes.top_n, draft.limit) if n is not None}
        intent.loose_numbers = [
            at for at in intent.loose_numbers if parse_number(lexed.words[at]) not in used
        ]
        loose = _loose_numbers(lexed, intent)
        # "older than 45": said once, as the phrase, not also as its word.
        inside = {w for phrase in loose for w in phrase.split()}
        intent.ignored = [w for w in intent.ignored if w not in inside] + loose
    intent.ignored = list(dict.fromkeys([*intent.ignored, *speaker, *(w for _, w in not_asked)]))
    if occasion is not None:
        intent.ignored.append(occasion[0])
    intent.ignored += [said for said in bracketed if said not in intent.ignored]
    notes = _notes(draft, intent, problem, tile.chart_type)
    chart_asked = intent.chart is not None and intent.chart.strong and problem is None
    text = describe_answer(vocab, draft, tile.chart_type, voice, chart_asked=chart_asked)
    understood = tile.title
    if follow is not None:
        understood = f"{CHANGED_LABEL if follow else NEW_LABEL}: {tile.title}"
    alternatives: list[dict[str, str | bool]] = []
    if other is not None:
        # The other reading, one click away: the same words, read the other way.
        alternatives.append({
            "label": ASK_AS_NEW if follow else CHANGE_LAST,
            "question": " ".join(question[:MAX_QUESTION_CHARS].split()),
            "follow_up": not follow,
        })
    if team is not None:
        # The other reading, one click away: the question about that team only.
        alternatives.append({"label": f"Only {team[0]}",
                             "question": f"{team[1].rstrip('?.! ')}, only {team[0]}"})
    elif team_rows is not None and any(
        isinstance(f, DraftFilter) and team_rows[0] in (
            f.value if isinstance(f.value, list) else [f.value]
        ) for f in draft.filters
    ):
        readings.append(f"'{team_rows[0]}:' read as the rows asked about, not as who is asking")
        alternatives.append({"label": f"Not only {team_rows[0]}", "question": team_rows[1]})
    if not follow:  # "Count them instead" re-asks the words, which need no last chart
        alternatives += _alternatives(plain, draft, tile)
    # One quote style in every message: the user's words \u201clike this\u201d (typographic).
    notes = [typographic(n) for n in notes]
    assumed = _assumptions(readings, intent, draft, problem, tile)
    return EngineAnswer(
        answer=typographic(_with_notes(text, notes)),
        tile=tile,
        notes=tuple(notes),
        source=tile.source,
        understood=understood,
        assumptions=tuple(typographic(a) for a in assumed),
        unused=tuple(dict.fromkeys([*intent.unknown, *intent.ignored])),
        alternatives=tuple(alternatives[:2]),
        follow_up=follow,
    )


_COUNTED_BACK = re.compile(
    r"\b(?:last|past|previous|prior|recent)\s+(?:(\d+)\s+)?(day|week|month|quarter|year)s?\b"
    r"|\bthis\s+(week|month|quarter|year)\b|\b(week|month|quarter|year)\s+to\s+date\b"
    r"|\b(ytd|mtd|qtd|yesterday|today)\b"
)
_SHORT_UNITS: dict[str, Grain] = {"ytd": "year", "mtd": "month", "qtd": "quarter",
                                  "yesterday": "day", "today": "day"}


def _counted_back(label: str) -> tuple[int, Grain] | None:
    """ "last 6 months" -> (6, "month"), "this year" / "year to date" -> (1, "year")."""
    found = _COUNTED_BACK.search(label.lower())
    if found is None:
        return None
    n, unit, this, to_date, short = found.groups()
    if unit is not None:
        return int(n or 1), cast(Grain, unit)
    if short is not None:
        return 1, _SHORT_UNITS[short]
    return 1, cast(Grain, this or to_date)


def _latest_day(sources: Sequence[Source], vocab: Vocabulary, draft: Draft,
                f: DraftFilter) -> dt.date | None:
    """The latest day of `f`'s column the user can see, when the caller said it."""
    source_id = vocab.source_of(draft.base).id
    wanted = (table_ref(f.table).lower(), f.column.name.lower())
    for source in sources:
        if source.id != source_id:
            continue
        for (table, column), day in source.latest.items():
            if (table.lower(), column.lower()) == wanted:
                try:
                    return dt.date.fromisoformat(str(day)[:10])
                except ValueError:
                    return None
    return None


def _where_data_ends(
    vocab: Vocabulary, sources: Sequence[Source], draft: Draft, intent: Intent
) -> None:
    """ "revenue in the last 6 months" on data that ended before then: counted back from the
    latest date in the data instead (a filter anchored to "latest", so the tile keeps working
    as the data grows), and the answer says where the data ends; a period the data only
    partly covers is kept, and the answer says where the data ends too. Needs the latest
    dates from the caller (`Source.latest`); without them the period is read from today."""
    span = intent.date_range
    if span is None or span.latest is not None or span.start is None or span.end is None:
        return
    if draft.compare is not None or not any(w in span.label.lower() for w in _RELATIVE):
        return
    dated = [
        f for f in draft.filters
        if f.column.type in ("date", "datetime") and f.anchor is None
        and f.op in ("between", "gte", "gt", "lt", "lte")
    ]
    if not dated:
        return
    latest = _latest_day(sources, vocab, draft, dated[0])
    if latest is None or latest >= span.end:
        return
    if latest >= span.start:
        draft.notes.append(
            f"your data ends on {latest.isoformat()}, so '{span.label}' has no rows after that"
        )
        return
    back = _counted_back(span.label)
    if back is None:
        draft.notes.append(
            f"'{span.label}' ({span.start.isoformat()} to {span.end.isoformat()}) has no rows: "
            f"your data ends on {latest.isoformat()}"
        )
        return
    n, unit = back
    draft.filters = [f for f in draft.filters if f not in dated]
    draft.filters.extend(
        date_filters(dated[0].table, dated[0].column, DateRange(None, None, "", latest=back))
    )
    intent.date_range = DateRange(None, None, span.label, latest=back)
    what = f"last {n} {unit}s" if n > 1 else f"latest {unit}"
    draft.notes.append(
        f"'{span.label}' would be {span.start.isoformat()} to {span.end.isoformat()}, but your "
        f"data ends on {latest.isoformat()}, so I used its {what}"
    )


#: Words that put a question in the future ("what will revenue be", "what is it going to
#: be", "expected sales"): with a period after today, a forecast.
_FUTURE_WORDS = frozenset({"will", "ll", "gonna", "shall", "expected", "expect", "projected",
                           "anticipated", "upcoming", "future"})


def _after_the_data(
    vocab: Vocabulary, sources: Sequence[Source], draft: Draft, intent: Intent,
    asked: Sequence[Token], today: dt.date,
) -> None:
    """ "revenue in 2027", "what will sales be next year": a period wholly after the data's
    last date (or, when the caller did not say where the data ends, after today and asked in
    the future tense) has no rows; an empty tile or a zero would look like an answer, so it
    is refused, saying where the data ends. A relative period ("last 6 months") was counted
    back from the data's end before this (`_where_data_ends`).

    Raises:
        Unanswerable: the period lies after the data.
    """
    span = intent.date_range
    if span is None or span.start is None or span.latest is not None or draft.compare:
        return
    dated = [
        f for f in draft.filters
        if f.column.type in ("date", "datetime") and f.anchor is None
        and f.op in ("between", "gte", "gt", "eq")
    ]
    if not dated:
        return
    said = span.label or span.start.isoformat()
    latest = _latest_day(sources, vocab, draft, dated[0])
    if latest is not None:
        if span.start > latest:
            raise Unanswerable(
                f"your data ends on {latest.isoformat()}, so it has nothing for '{said}' "
                "yet (plotboard shows what happened; it doesn't predict or forecast)"
            )
        return
    words = {t.text for t in asked}
    future = bool(words & _FUTURE_WORDS) or any(
        a.text == "going" and b.text == "to" for a, b in itertools.pairwise(asked)
    )
    if future and span.start > today:
        raise Unanswerable(f"'{said}' is still to come, and {NO_FORECASTS}")


_RELATIVE = ("last", "past", "previous", "this", "ytd", "to date", "recent", "so far", "prior",
             " ago", " back", " before ", "start of", "beginning of", " now", "first of")


def _assumptions(
    readings: list[str],
    intent: Intent,
    draft: Draft,
    problem: str | None,
    tile: TileSuggestion,
) -> list[str]:
    """What the answer took for granted, each in a few plain words."""
    out = list(dict.fromkeys(readings))
    unused = list(dict.fromkeys([*intent.unknown, *intent.ignored]))
    if unused:
        out.append("I did not use " + ", ".join(f"'{w}'" for w in unused))
    span = intent.date_range
    if span is not None and span.latest is not None:
        out.append(
            f"'{span.label}' counted back from the latest date in the data, its own "
            f"{span.latest[1]} included"
        )
    elif span is not None and any(w in span.label.lower() for w in _RELATIVE):
        start = span.start.isoformat() if span.start else "the first date"
        end = span.end.isoformat() if span.end else "the last date"
        out.append(f"'{span.label}' read as {start} to {end}")
    if draft.records:
        out.append("listed the rows themselves, not a count or total")
    if draft.part is not None:
        out.append("the percent is taken over all the rows the other filters keep")
    if draft.checked is not None:
        out.append(f"a yes/no question ({draft.checked}?): the figure itself, to weigh "
                   "against that number")
    compared = compared_periods(draft)
    if compared is not None:
        out.append(
            f"compared {compared[1]} with {compared[2]}: the earlier value, the change and "
            "the change in percent are extra columns"
        )
    if problem:
        out.append(f"a {tile.chart_type.replace('_', ' ')} chart because {problem}")
    return out


def _alternatives(
    question: str, draft: Draft, tile: TileSuggestion
) -> list[dict[str, str | bool]]:
    """A close other reading, as a question that gives it (one click in the chat)."""
    asked = " ".join(question.split()).rstrip("?.! ")
    bare = asked
    for lead in ("list the ", "list all ", "list ", "show me the ", "show the ", "show me ",
                 "show all ", "show ", "who are the ", "who are ", "names of the ", "names of "):
        if bare.lower().startswith(lead):
            bare = bare[len(lead):]
            break
    out: list[dict[str, str | bool]] = []
    if draft.records and not draft.limit:
        out.append({"label": "Count them instead", "question": f"how many {bare}"})
    elif tile.chart_type == "kpi" and draft.measures and draft.measures[0].column is None and (
        draft.filters
    ):
        words = [w for w in asked.split() if w.lower() not in ("how", "many", "number", "of")]
        out.append({"label": "List them instead", "question": "list " + " ".join(words)})
    words = asked.lower().split()
    revenue = draft.measures and draft.measures[0].agg == "sum" and draft.measures[0].column
    if "sales" in words and revenue and "number" not in words and not draft.records:
        at = words.index("sales")
        other = [*asked.split()[:at], "number of sales", *asked.split()[at + 1 :]]
        out.append({"label": "Number of sales instead", "question": " ".join(other)})
    return out[:2]


class BuiltinEngine:
    """The built-in engine as an `Engine`; `today` fixes the date for relative periods."""

    def __init__(self, *, today: dt.date | None = None):
        self.today = today

    def answer(
        self,
        question: str,
        catalog: Sources,
        values: ColumnValues | None = None,
        *,
        previous: TileSuggestion | None = None,
        context_clues: ContextClues = None,
        today: dt.date | None = None,
        source: str | None = None,
        follow_up: bool | None = None,
    ) -> EngineAnswer:
        return answer(
            question,
            catalog,
            values,
            previous=previous,
            context_clues=context_clues,
            today=today or self.today,
            source=source,
            follow_up=follow_up,
        )
