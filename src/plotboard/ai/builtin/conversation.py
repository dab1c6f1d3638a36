"""A new question or a change to the last chart: how a message in a conversation is read.

In a conversation every message after the first could refine the last tile ("only Software",
"as a line", "and for 2024?") or start afresh ("list the employees in Paris"). `read_turn`
decides from the words, in this order:

1. a "new question" marker ("different question: ...", "ok, something else: ...") starts
   afresh (`strip_new_topic` takes it out of the question);
2. a listing that names its rows ("show me the 10 most recent sales", "list employees in
   Paris") is a new question, unless it points back at the chart ("list them");
3. refinement words ("what about", "and", "only", "now", "same for" in the lead; "instead",
   "too", "as well", "also" anywhere) or a word pointing back at the chart ("split *that* by
   region", "make *it* a pie", "the remote *ones*") refine it;
4. a message without a subject of its own (no measure, count or table: "by month", "top 5",
   "exclude Engineering", "for 2024") refines it — unless it asks a share or a listing as a
   question of its own ("what percentage work remotely", "which offices opened before 2015",
   "who are the managers");
5. a message with its own subject is a new question when it also names a breakdown or is put
   as a question ("revenue by region", "how many people work in Marketing?"); a bare measure
   ("average salary", "units sold") is read as the last chart's measure swapped — the engine
   checks that this keeps the chart's breakdown and changes something, else it starts afresh.

Readings 3 (with a full question after the refinement word), 5 and a follow-up whose reading
differs from a fresh one are `ambiguous`: the engine then also works out the other reading and,
when its query differs, offers it as a one-click alternative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from plotboard.ai.builtin.intent import Intent
from plotboard.ai.builtin.text import Token

NEW_LABEL = "New question"
CHANGED_LABEL = "Changed the last chart"
ASK_AS_NEW = "Ask it as a new question"
CHANGE_LAST = "Change the last chart instead"

_FILLERS = frozenset(
    {"ok", "okay", "so", "right", "alright", "great", "thanks", "thank", "you", "cool",
     "nice", "hmm", "um", "well", "perfect", "good", "pls", "please", "oh", "ah", "yes",
     "yeah", "sure", "fine", ","}
)
_NEW_TOPIC: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        {
            ("new", "question"), ("different", "question"), ("another", "question"),
            ("other", "question"), ("separate", "question"), ("unrelated", "question"),
            ("different", "thing"), ("something", "else"), ("something", "different"),
            ("new", "topic"), ("different", "topic"), ("change", "of", "topic"),
            ("changing", "topic"), ("switching", "topic"), ("on", "another", "note"),
            ("unrelated",), ("new", "one"), ("next", "question"),
            # A lawyer's "Separately: state the largest sale of 2023": a question of its own.
            ("separately",),
            # "switching subjects entirely", "change of subject": the subject said for the topic.
            ("new", "subject"), ("different", "subject"), ("change", "of", "subject"),
            ("changing", "subject"), ("changing", "subjects"), ("switching", "subject"),
            ("switching", "subjects"), ("changing", "topics"), ("switching", "topics"),
        },
        key=len,
        reverse=True,
    )
)
_LEAD_REFINE: tuple[tuple[str, ...], ...] = (
    ("what", "about"), ("how", "about"), ("and",), ("only",), ("just",), ("now",),
    ("same",), ("also",), ("but",), ("then",), ("plus",), ("switch", "to"), ("instead",),
    ("what", "if"), ("again",),
)
_ANY_REFINE = frozenset({"instead", "too", "also", "same"})
_ANY_REFINE_PAIRS = frozenset({("as", "well"), ("rather", "than")})
_REFERS = frozenset({"it", "them", "ones", "those", "these"})
_DEMONSTRATIVES = frozenset({"that", "this"})
_AFTER_REFERENCE = frozenset(
    {"by", "as", "into", "on", "in", "for", "to", "down", "but", "up", "over", "per", "only",
     "instead", ",", "again", "with", "without", "from", "and", "chart", "graph", "one",
     "ones", "table", "pie", "data", "list", "tile", "result", "results"}
)
_VERBS = frozenset(
    {"split", "show", "make", "break", "turn", "sort", "filter", "plot", "chart", "put",
     "draw", "display", "give", "change", "do", "redo", "repeat", "rerun", "graph", "see",
     "view", "limit", "narrow", "zoom", "restrict", "keep", "order", "rank", "group", "divide",
     "same", "of", "list", "count", "sum", "average"}
)
_KEEP_LEADS = frozenset({"keep", "narrow", "restrict", "limit", "filter"})
_TIME_UNITS = frozenset({"year", "years", "month", "months", "quarter", "quarters", "week",
                         "weeks", "day", "days", "time", "period", "fiscal"})
_LISTS = frozenset({"which", "who", "whos", "whose", "list", "name", "names"})
_ASKS = frozenset(
    {"how", "what", "which", "who", "whos", "whose", "when", "where", "whats", "list",
     "give", "tell", "can", "could", "would", "do", "does", "did", "is", "are", "i", "we",
     "show", "display", "find", "get", "plot", "chart", "draw", "graph", "visualize",
     "visualise", "need", "want", "let"}
)


_QUITE = frozenset({"totally", "completely", "entirely", "altogether", "quite"})


def strip_new_topic(tokens: Sequence[Token]) -> tuple[tuple[Token, ...], bool]:
    """`tokens` without a leading "new question" marker, and whether there was one
    ("ok different thing: list the employees in Sydney" -> "list the employees in Sydney")."""
    words = [t.text for t in tokens]
    i = 0
    # "totally different thing: ...", "completely new question": how new, said before it.
    while i < len(words) and i < 4 and words[i] in _FILLERS | {"a", "an", "now", "and"} | _QUITE:
        i += 1
    for phrase in _NEW_TOPIC:
        if tuple(words[i : i + len(phrase)]) == phrase:
            end = i + len(phrase)
            while end < len(words) and words[end] in {",", "please", "pls"} | _QUITE:
                end += 1
            if end < len(words):  # a marker alone is not a question
                return tuple(tokens[end:]), True
    return tuple(tokens), False


@dataclass(frozen=True)
class Cues:
    """What the words of a message say about the last chart (see module docstring)."""

    refine: bool  # a refinement word ("what about", "instead", "too", "only" in the lead)
    refers: bool  # a word pointing back at the chart ("it", "that", "the remote ones")
    asks: bool  # put as a question or a request of its own ("how many", "show me", "list")
    lists: bool  # opens as a listing ("which offices ...", "who ...", "list ...")


def _lead(words: Sequence[str]) -> int:
    i = 0
    while i < len(words) and words[i] in _FILLERS:
        i += 1
    return i


def read_cues(tokens: Sequence[Token]) -> Cues:
    words = [t.text for t in tokens]
    lead = _lead(words)
    refine = any(tuple(words[lead : lead + len(p)]) == p for p in _LEAD_REFINE)
    refine = refine or any(w in _ANY_REFINE for w in words)
    refine = refine or any(pair in _ANY_REFINE_PAIRS for pair in pairwise(words))
    refers = any(
        w in _REFERS and (i + 1 == len(words) or words[i + 1] not in _TIME_UNITS)
        for i, w in enumerate(words)
    )
    for i, word in enumerate(words):
        if refers:
            break
        if word not in _DEMONSTRATIVES:
            continue
        after = words[i + 1] if i + 1 < len(words) else None
        before = words[i - 1] if i > 0 else None
        if after in _TIME_UNITS:
            continue  # "this year", "that month"
        refers = after is None or after in _AFTER_REFERENCE or before in _VERBS
    first = words[lead] if lead < len(words) else ""
    # "keep just the people who work remotely", "narrow it to 2024": a verb that keeps part
    # of what is there acts on the last chart, even when its rows are named again.
    refers = refers or first in _KEEP_LEADS
    return Cues(refine=refine, refers=refers, asks=first in _ASKS, lists=first in _LISTS)


@dataclass(frozen=True)
class Turn:
    """How a message is read: a change to the last chart (`follow_up`) or a new question;
    `ambiguous` when the other reading is close enough to offer; `bare_measure` when the
    follow-up reading only holds if it keeps the chart's breakdown (rule 5)."""

    follow_up: bool
    ambiguous: bool = False
    bare_measure: bool = False


def read_turn(
    intent: Intent, cues: Cues, *, listing: bool, share: bool, new_topic: bool,
    other_table: bool, nulls: bool = False,
) -> Turn:
    """A new question or a change to the last chart (see module docstring)."""
    if new_topic:
        return Turn(follow_up=False)
    subject = bool(intent.measures or intent.pending or intent.tables)
    breakdown = bool(intent.dims or intent.grain or intent.per_dim)
    if listing and intent.tables and not cues.refers:
        return Turn(follow_up=False)
    if cues.refine or cues.refers:
        # "what about revenue by region": a change (the filters stay), or a question of its
        # own — close enough to offer the other.
        return Turn(follow_up=True, ambiguous=subject and (breakdown or other_table))
    ranked = intent.top is not None or intent.superlative is not None
    if intent.per_dim is not None and len(intent.dims) >= 2 and ranked:
        # "top 3 products in each category": the whole breakdown and its ranking are named,
        # a question of its own (the last chart's period or comparison would not fit it).
        return Turn(follow_up=False, ambiguous=True)
    if not subject:
        own = bool(
            intent.values or intent.bools or intent.compares or intent.dims
            or intent.date_range or nulls
        )
        if (cues.asks and share) or (listing and cues.lists and own):
            # "what percentage work remotely", "which offices opened before 2015"
            return Turn(follow_up=False, ambiguous=True)
        return Turn(follow_up=True)
    if breakdown or cues.asks or listing:
        return Turn(follow_up=False, ambiguous=True)
    return Turn(follow_up=True, ambiguous=True, bare_measure=True)
