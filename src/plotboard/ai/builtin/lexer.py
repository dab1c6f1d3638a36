"""Reading a question into items: keywords, time words, chart words, numbers, vocabulary.

`lex` walks the question's words left to right and, at each position, takes the *longest*
match among time expressions, chart words, keywords and vocabulary phrases (on a tie, in that
order: "number of" is a keyword before it is anything else). Words that match nothing and are
not filler words are reported as `unknown`, so the engine can say "I could not find 'profit'
in your data" instead of guessing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from plotboard.ai.builtin.english import EVERYDAY_WORDS
from plotboard.ai.builtin.synonyms import AVERAGED_WORDS
from plotboard.ai.builtin.text import (
    LEFT_OUT_WORDS,
    NUMBER_WORDS,
    STATUS_WORDS,
    STOPWORDS,
    Token,
    parse_number,
    singular,
    split_identifier,
)
from plotboard.ai.builtin.text import stems as text_stems
from plotboard.ai.builtin.timewords import MONTHS, DateRange, TimeWord, match_time
from plotboard.ai.builtin.vocabulary import (
    ColumnTerm,
    MeasureTerm,
    TableTerm,
    Term,
    ValueTerm,
    Vocabulary,
)
from plotboard.catalog.model import NUMERIC_TYPES
from plotboard.query.spec import Aggregate


@dataclass(frozen=True)
class Agg:
    agg: Aggregate


@dataclass(frozen=True)
class Superlative:
    """ "highest", "most", "lowest": ordering, or max/min when nothing is broken down.

    `temporal` for "first", "latest", "most recent": about dates ("the last sale").
    """

    desc: bool
    temporal: bool = False
    size: bool = False  # "largest", "smallest": by how many rows ("the smallest departments")


@dataclass(frozen=True)
class Top:
    """ "top 5" / "bottom 3" / "5 best"."""

    n: int
    desc: bool
    size: bool = False  # "the 2 smallest departments": by how many rows


@dataclass(frozen=True)
class Keyword:
    """A word that steers the reading: kind is one of `KEYWORD_KINDS`."""

    kind: str


@dataclass(frozen=True)
class Compare:
    op: str


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Chart:
    type: str
    strong: bool = True  # "as a pie" is a wish; "share of" only a hint


@dataclass(frozen=True)
class Time:
    word: TimeWord


@dataclass(frozen=True)
class Words:
    """A vocabulary phrase and its possible meanings, best first."""

    terms: tuple[Term, ...]
    text: str


Meaning = Agg | Superlative | Top | Keyword | Compare | Number | Chart | Time | Words

KEYWORD_KINDS = frozenset(
    {
        "group",
        "group_add",
        "and",
        "negation",
        "cue",
        "which",
        "dashboard",
        "follow_replace",
        "follow_add",
        "common",
    }
)


@dataclass(frozen=True)
class Item:
    meaning: Meaning
    start: int
    size: int


@dataclass
class Lexed:
    items: list[Item] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    unknown_at: dict[int, str] = field(default_factory=dict)  # position -> unknown word
    words: tuple[str, ...] = ()
    # Where a comparison word ("vs") was taken out: the phrase starting there was weighed
    # against the one before it ("Engineering vs Sales": two values of one column).
    versus_at: int = -1
    # The table of people (a full name labels its rows), whom a question opening with "who"
    # is about, when the data has one.
    people: TableTerm | None = None
    # Misspelt words read as the word they are one or two slips from ("salry", "salary"):
    # the answer says so.
    repaired: list[tuple[str, str]] = field(default_factory=list)


def _phrases(spec: dict[str, Meaning]) -> dict[tuple[str, ...], Meaning]:
    return {tuple(key.split()): value for key, value in spec.items()}


def _split_keys(spec: dict[str, str]) -> dict[tuple[str, ...], str]:
    return {tuple(key.split()): value for key, value in spec.items()}


_KEYWORDS: dict[tuple[str, ...], Meaning] = _phrases(
    {
        "average": Agg("avg"), "avg": Agg("avg"), "mean": Agg("avg"), "typical": Agg("avg"),
        "median": Agg("avg"), "averaged": Agg("avg"), "averaging": Agg("avg"),
        "averages": Agg("avg"),
        "common": Keyword("common"), "frequent": Keyword("common"),
        "commonest": Keyword("common"), "most frequent": Keyword("common"),
        "held by": Keyword("cue"), "had by": Keyword("cue"), "divided by": Keyword("group"),
        "total": Agg("sum"), "sum": Agg("sum"), "sum of": Agg("sum"), "combined": Agg("sum"),
        "totals": Agg("sum"),
        "count": Agg("count"), "count of": Agg("count"), "number of": Agg("count"),
        "how many": Agg("count"), "no of": Agg("count"), "nb of": Agg("count"),
        "how often": Agg("count"), "how many times": Agg("count"),
        "counts": Agg("count"), "tally": Agg("count"), "how much": Agg("sum"),
        "distinct": Agg("count_distinct"), "unique": Agg("count_distinct"),
        "different": Agg("count_distinct"), "number of distinct": Agg("count_distinct"),
        "number of unique": Agg("count_distinct"), "number of different": Agg("count_distinct"),
        "how many distinct": Agg("count_distinct"), "how many different": Agg("count_distinct"),
        "how many unique": Agg("count_distinct"), "count distinct": Agg("count_distinct"),
        "max": Agg("max"), "maximum": Agg("max"), "min": Agg("min"), "minimum": Agg("min"),
        "highest": Superlative(True), "most": Superlative(True),
        # "sorted from highest to lowest": the order, said as a span.
        "highest to lowest": Superlative(True), "high to low": Superlative(True),
        "largest to smallest": Superlative(True), "biggest to smallest": Superlative(True),
        "most to least": Superlative(True), "descending": Superlative(True),
        "lowest to highest": Superlative(False), "low to high": Superlative(False),
        "smallest to largest": Superlative(False), "least to most": Superlative(False),
        "ascending": Superlative(False),
        "largest": Superlative(True, size=True), "biggest": Superlative(True, size=True),
        "greatest": Superlative(True), "best": Superlative(True),
        "busiest": Superlative(True), "quietest": Superlative(False),
        "slowest": Superlative(False),
        "top": Superlative(True), "leading": Superlative(True),
        "lowest": Superlative(False), "least": Superlative(False),
        "smallest": Superlative(False, size=True),
        "fewest": Superlative(False), "worst": Superlative(False), "bottom": Superlative(False),
        "first": Superlative(False, True), "earliest": Superlative(False, True),
        "oldest": Superlative(False, True), "latest": Superlative(True, True),
        "newest": Superlative(True, True), "most recent": Superlative(True, True),
        "most recently": Superlative(True, True), "least recently": Superlative(False, True),
        "last": Superlative(True, True), "youngest": Superlative(True, True),
        "by": Keyword("group"), "per": Keyword("group"), "for each": Keyword("group"),
        "for every": Keyword("group"), "in each": Keyword("group"), "in every": Keyword("group"),
        "each": Keyword("group"), "every": Keyword("group"), "across": Keyword("group"),
        "broken down by": Keyword("group"), "break down by": Keyword("group"),
        # "revenue broken out by category", "split out per region": a breakdown.
        **{f"{verb} {out} {by}": Keyword("group")
           for verb in ("broken", "break", "broke", "breaking", "split", "splitting")
           for out in ("out", "up")
           for by in ("by", "per", "into")},
        "breakdown by": Keyword("group"), "split by": Keyword("group_add"),
        "break it down by": Keyword("group"), "break that down by": Keyword("group"),
        # "split (that) by region": each bar split, the breakdown added to (a follow-up).
        "split it by": Keyword("group_add"), "split that by": Keyword("group_add"),
        # "now split each of those into remote and office-based": each bar split again.
        **{f"{verb} {them} {into}": Keyword("group_add")
           for verb in ("split", "break", "divide", "subdivide")
           for them in ("it", "that", "them", "those", "these", "each", "each one",
                        "each of those", "each of them", "each of these", "every one")
           for into in ("into", "in to")},
        "split this by": Keyword("group_add"), "split them by": Keyword("group_add"),
        "break down per": Keyword("group"), "break it down per": Keyword("group"),
        "grouped by": Keyword("group"), "group by": Keyword("group"), "by each": Keyword("group"),
        "group it by": Keyword("group"), "group them by": Keyword("group"),
        "group that by": Keyword("group"), "group this by": Keyword("group"),
        "regroup by": Keyword("group"), "regroup it by": Keyword("group"),
        # Verbs of grouping said by analysts: "aggregate it by", "roll it up to quarters".
        **{f"{verb}{it} {by}": Keyword("group")
           for verb in ("aggregate", "aggregated", "roll up", "rolled up",
                        "summarize", "summarise", "summarized", "summarised")
           for it in ("", " it", " them", " that", " this", " everything")
           for by in ("by", "per", "to", "into")},
        "roll it up by": Keyword("group"), "roll it up to": Keyword("group"),
        "roll it up per": Keyword("group"), "roll them up by": Keyword("group"),
        "according to": Keyword("group"), "by the": Keyword("group"),
        "and by": Keyword("group_add"), "also by": Keyword("group_add"),
        "then by": Keyword("group_add"), "and per": Keyword("group_add"),
        "per each": Keyword("group"), "between": Compare("between"),
        "and": Keyword("and"), "as well as": Keyword("and"), "plus": Keyword("and"),
        "along with": Keyword("and"), "or": Keyword("and"), ",": Keyword("and"),
        "not": Keyword("negation"), "excluding": Keyword("negation"),
        "exclude": Keyword("negation"), "excludes": Keyword("negation"),
        "except": Keyword("negation"), "except for": Keyword("negation"),
        "other than": Keyword("negation"), "apart from": Keyword("negation"),
        "without": Keyword("negation"), "but not": Keyword("negation"),
        "non": Keyword("negation"), "outside": Keyword("negation"),
        "outside of": Keyword("negation"), "isn": Keyword("negation"),
        "aren": Keyword("negation"), "don": Keyword("negation"), "doesn": Keyword("negation"),
        "minus": Keyword("negation"), "no": Keyword("negation"), "leaving out": Keyword("negation"),
        # Taking values out of the last chart: "remove Services", "take out HR".
        "remove": Keyword("negation"), "removing": Keyword("negation"),
        "take out": Keyword("negation"), "taking out": Keyword("negation"),
        "hide": Keyword("negation"), "hiding": Keyword("negation"),
        "filter out": Keyword("negation"), "get rid of": Keyword("negation"),
        "leave off": Keyword("negation"), "strip out": Keyword("negation"),
        "in": Keyword("cue"), "for": Keyword("cue"), "from": Keyword("cue"), "at": Keyword("cue"),
        "with": Keyword("cue"), "where": Keyword("cue"), "within": Keyword("cue"),
        "among": Keyword("cue"), "amongst": Keyword("cue"),
        "of": Keyword("cue"), "located in": Keyword("cue"), "based in": Keyword("cue"),
        "working in": Keyword("cue"), "who are": Keyword("cue"), "that are": Keyword("cue"),
        "are": Keyword("cue"), "is": Keyword("cue"), "on": Keyword("cue"),
        "which": Keyword("which"), "what": Keyword("which"), "who": Keyword("which"),
        "dashboard": Keyword("dashboard"), "dashboards": Keyword("dashboard"),
        "overview": Keyword("dashboard"), "overview of": Keyword("dashboard"),
        "what about": Keyword("follow_replace"), "how about": Keyword("follow_replace"),
        "and what about": Keyword("follow_replace"), "and for": Keyword("follow_replace"),
        "instead": Keyword("follow_replace"), "now": Keyword("follow_replace"),
        "only": Keyword("follow_replace"), "just": Keyword("follow_replace"),
        "same for": Keyword("follow_replace"), "same but for": Keyword("follow_replace"),
        "same thing for": Keyword("follow_replace"), "switch to": Keyword("follow_replace"),
        "also": Keyword("follow_add"), "too": Keyword("follow_add"), "add": Keyword("follow_add"),
        "as well": Keyword("follow_add"), "and also": Keyword("follow_add"),
        "more than": Compare("gt"), "greater than": Compare("gt"), "over": Compare("gt"),
        "better than": Compare("gt"), "worse than": Compare("lt"),
        "above": Compare("gt"), "exceeding": Compare("gt"), "exceeds": Compare("gt"),
        "exceeded": Compare("gt"), "exceed": Compare("gt"), "topped": Compare("gt"),
        "crossed": Compare("gt"), "crosses": Compare("gt"), "cross": Compare("gt"),
        "surpassed": Compare("gt"), "surpassing": Compare("gt"), "went over": Compare("gt"),
        # "broke past 5M", "eclipsed 40,000 units": went past the bar.
        "broke past": Compare("gt"), "breaks through": Compare("gt"), "eclipsed": Compare("gt"),
        # Verbs of passing a bar, before a number: "the avg salary tops 70k", "products
        # that cleared 20 million", "passes 5000" (after it, "5 orders tops" is a maximum).
        "tops": Compare("gt"), "top out above": Compare("gt"), "surpasses": Compare("gt"),
        "surpass": Compare("gt"), "clears": Compare("gt"), "cleared": Compare("gt"),
        "passes": Compare("gt"), "passed": Compare("gt"), "beats": Compare("gt"),
        "broke": Compare("gt"), "broke through": Compare("gt"), "pass": Compare("gt"),
        "go past": Compare("gt"), "went past": Compare("gt"), "gone past": Compare("gt"),
        "beat": Compare("gt"),
        # "did we hit 5M", "has Software reached 10M": got to the bar (the bar included).
        "hit": Compare("gte"), "hits": Compare("gte"), "reach": Compare("gte"),
        "reached": Compare("gte"), "reaches": Compare("gte"),
        "outstrips": Compare("gt"), "past": Compare("gt"), "already past": Compare("gt"),
        "went above": Compare("gt"), "went beyond": Compare("gt"), "beyond": Compare("gt"),
        "fell below": Compare("lt"), "fell under": Compare("lt"), "dipped below": Compare("lt"),
        "higher than": Compare("gt"), "bigger than": Compare("gt"), "larger than": Compare("gt"),
        "at least": Compare("gte"), "or more": Compare("gte_after"),
        "less than": Compare("lt"), "fewer than": Compare("lt"), "under": Compare("lt"),
        "below": Compare("lt"), "lower than": Compare("lt"), "smaller than": Compare("lt"),
        "at most": Compare("lte"), "or less": Compare("lte_after"),
        "or lower": Compare("lte_after"), "or below": Compare("lte_after"),
        "or fewer": Compare("lte_after"), "or under": Compare("lte_after"),
        "or worse": Compare("lte_after"), "and below": Compare("lte_after"),
        "and under": Compare("lte_after"), "or higher": Compare("gte_after"),
        "or above": Compare("gte_after"), "or greater": Compare("gte_after"),
        "or better": Compare("gte_after"), "or over": Compare("gte_after"),
        "and above": Compare("gte_after"), "and up": Compare("gte_after"),
        "and over": Compare("gte_after"), "no more than": Compare("lte"),
        "not more than": Compare("lte"), "up to": Compare("lte"),
        "no less than": Compare("gte"), "not less than": Compare("gte"),
        "equal to": Compare("eq"), "equals": Compare("eq"), "exactly": Compare("eq"),
        "of exactly": Compare("eq"),
        # "under or equal to 500", "greater than or equal to 3": the bound included.
        "under or equal to": Compare("lte"), "below or equal to": Compare("lte"),
        "less than or equal to": Compare("lte"), "lower than or equal to": Compare("lte"),
        "smaller than or equal to": Compare("lte"), "fewer than or equal to": Compare("lte"),
        "less or equal to": Compare("lte"), "lower or equal to": Compare("lte"),
        "at or below": Compare("lte"), "at or under": Compare("lte"),
        "equal to or less than": Compare("lte"), "equal to or below": Compare("lte"),
        "equal to or under": Compare("lte"), "equal or less than": Compare("lte"),
        "over or equal to": Compare("gte"), "above or equal to": Compare("gte"),
        "greater than or equal to": Compare("gte"), "more than or equal to": Compare("gte"),
        "higher than or equal to": Compare("gte"), "greater or equal to": Compare("gte"),
        "higher or equal to": Compare("gte"), "at or above": Compare("gte"),
        "at or over": Compare("gte"), "equal to or more than": Compare("gte"),
        "equal to or greater than": Compare("gte"), "equal to or above": Compare("gte"),
        "equal to or over": Compare("gte"), "equal or more than": Compare("gte"),
    }
)
# A bound said as a denied comparison ("not above 3", "no higher than 60k", "never below 2")
# or as a most / least allowed ("a maximum of 5 units", "a minimum of 3"): the bound is kept.
_KEYWORDS.update({
    (*deny, *bound): Compare(op)
    for deny in (("not",), ("no",), ("never",), ("not", "ever"))
    for bound, op in (
        (("above",), "lte"), (("over",), "lte"), (("more", "than"), "lte"),
        (("higher", "than"), "lte"), (("greater", "than"), "lte"), (("bigger", "than"), "lte"),
        (("larger", "than"), "lte"), (("exceeding",), "lte"), (("beyond",), "lte"),
        (("below",), "gte"), (("under",), "gte"), (("less", "than"), "gte"),
        (("lower", "than"), "gte"), (("fewer", "than"), "gte"), (("smaller", "than"), "gte"),
    )
})
# A verb of passing a bar, denied with its auxiliary ("did not exceed 5,000", "has never
# exceeded 10k", "didn't reach 100", "did not fall below 3"): the other side, bar included
# (or, for reaching it, excluded); "in excess of 60 days" is more than that.
_KEYWORDS.update({
    (*deny, *verb): Compare(op)
    for aux in ((), ("did",), ("does",), ("do",), ("has",), ("have",), ("had",), ("was",),
                ("were",), ("is",), ("are",), ("will",), ("would",), ("shall",), ("should",))
    for deny in ((*aux, "not"), (*aux, "never"))
    for verb, op in (
        (("exceed",), "lte"), (("exceeded",), "lte"), (("exceeds",), "lte"),
        (("surpass",), "lte"), (("surpassed",), "lte"), (("go", "above"), "lte"),
        (("go", "over"), "lte"), (("gone", "above"), "lte"), (("gone", "over"), "lte"),
        (("rise", "above"), "lte"), (("risen", "above"), "lte"),
        (("reach",), "lt"), (("reached",), "lt"),
        (("fall", "below"), "gte"), (("fallen", "below"), "gte"), (("go", "below"), "gte"),
        (("drop", "below"), "gte"), (("dropped", "below"), "gte"),
    )
} | {
    (*deny, *verb): Compare(op)
    for deny in (("didn", "t"), ("doesn", "t"), ("don", "t"), ("hasn", "t"), ("haven", "t"),
                 ("hadn", "t"), ("won", "t"), ("wouldn", "t"))
    for verb, op in ((("exceed",), "lte"), (("exceeded",), "lte"), (("surpass",), "lte"),
                     (("surpassed",), "lte"), (("go", "above"), "lte"), (("go", "over"), "lte"),
                     (("reach",), "lt"), (("reached",), "lt"), (("fall", "below"), "gte"),
                     (("go", "below"), "gte"))
} | {
    ("in", "excess", "of"): Compare("gt"), ("not", "in", "excess", "of"): Compare("lte"),
})
_KEYWORDS.update({
    (*lead, word, *of): Compare(op)
    for lead in (("a",), ("the",), ())
    for word, op in (("maximum", "lte"), ("max", "lte"), ("minimum", "gte"), ("min", "gte"))
    for of in (("of",),)
})
_KEYWORDS.update({("at", "the", "most"): Compare("lte"), ("at", "the", "least"): Compare("gte"),
                  ("at", "maximum"): Compare("lte"), ("at", "minimum"): Compare("gte")})
# Compare words only count when a number follows ("over 100k", not "over time").
_COMPARE_NEEDS_NUMBER = True

_CHART_NAMES: dict[tuple[str, ...], str] = _split_keys(
    {
        "pie": "pie", "pie chart": "pie", "pies": "pie", "donut": "donut", "doughnut": "donut",
        "donut chart": "donut", "doughnut chart": "donut", "ring": "donut",
        "bar": "bar", "bars": "bar", "bar chart": "bar", "column chart": "bar",
        "columns": "bar", "histogram": "bar", "bar graph": "bar",
        "horizontal bar": "bar_horizontal", "horizontal bars": "bar_horizontal",
        "horizontal bar chart": "bar_horizontal", "horizontal": "bar_horizontal",
        "stacked bar": "bar_stacked", "stacked bars": "bar_stacked", "stacked": "bar_stacked",
        "stacked bar chart": "bar_stacked", "stacked column": "bar_stacked",
        "line": "line", "lines": "line", "line chart": "line", "line graph": "line",
        "curve": "line", "area": "area", "area chart": "area", "area graph": "area",
        "map": "map", "maps": "map", "world map": "map", "geo map": "map",
        "table": "table", "grid": "table", "list": "table", "spreadsheet": "table",
        "number": "kpi", "kpi": "kpi", "single number": "kpi", "big number": "kpi",
        "figure": "kpi", "metric": "kpi", "scorecard": "kpi", "scatter": "scatter",
        "scatter plot": "scatter", "scatterplot": "scatter", "scatter chart": "scatter",
        "bubble": "scatter",
    }
)
# Unmistakable on their own; the rest need "as a ...", "... chart" or a whole question.
_STANDALONE_CHARTS = frozenset(
    {"pie", "pie chart", "pies", "donut", "doughnut", "donut chart", "doughnut chart",
     "kpi", "scatter", "scatter plot", "scatterplot", "map", "world map", "horizontal bar",
     "horizontal bars", "horizontal bar chart", "stacked bar", "stacked bars", "bar chart",
     "line chart", "area chart", "scatter chart", "column chart", "bar graph", "line graph",
     "stacked bar chart", "single number", "big number", "histogram", "maps", "geo map",
     "stacked", "stacked column"}
)
_CHART_LEADS = (
    ("as", "a"), ("as", "an"), ("as",), ("in", "a"), ("into", "a"), ("to", "a"), ("on", "a"),
    ("make", "it", "a"), ("make", "it", "an"), ("make", "it"), ("show", "it", "as", "a"),
    ("use", "a"), ("with", "a"), ("in", "an"), ("into", "an"), ("to", "an"), ("turn", "into"),
    ("switch", "to", "a"), ("switch", "to"), ("change", "to", "a"), ("change", "to"),
)
_CHART_TAILS = ("chart", "graph", "plot", "view", "please", "instead")
_SHARE_HINTS = (("share", "of"), ("proportion", "of"), ("percentage", "of"), ("split", "of"),
                ("slice", "of"), ("portion", "of"), ("cut", "of"), ("share",), ("proportion",),
                ("proportions",), ("percentage",), ("mix",))
_TOP_LEADS = {"top": True, "best": True, "highest": True, "largest": True, "biggest": True,
              "first": True, "bottom": False, "worst": False, "lowest": False,
              "smallest": False, "least": False, "most": True, "fewest": False,
              # "the three busiest reps", "two leading products": a ranking word after N
              "busiest": True, "quietest": False, "leading": True, "greatest": True,
              "slowest": False}


_SIZE_WORDS = frozenset({"largest", "biggest", "smallest"})


def _chart(words: Sequence[str], i: int) -> tuple[int, Chart] | None:
    n = len(words)
    for lead in _CHART_LEADS:
        j = i + len(lead)
        if tuple(words[i:j]) != lead or j >= n:
            continue
        for size in (3, 2, 1):
            name = tuple(words[j : j + size])
            if len(name) == size and name in _CHART_NAMES:
                end = j + size
                if end < n and words[end] in _CHART_TAILS:
                    end += 1
                return end - i, Chart(_CHART_NAMES[name])
    for size in (3, 2, 1):
        name = tuple(words[i : i + size])
        if len(name) != size or name not in _CHART_NAMES:
            continue
        end = i + size
        tail = end < n and words[end] in _CHART_TAILS
        whole = i == 0 and (end == n or (tail and end + 1 == n))
        if " ".join(name) in _STANDALONE_CHARTS or tail or whole:
            return end - i + (1 if tail else 0), Chart(_CHART_NAMES[name])
    for hint in _SHARE_HINTS:
        if tuple(words[i : i + len(hint)]) == hint:
            return len(hint), Chart("pie", strong=False)
    return None


def _count(word: str) -> int | None:
    value = parse_number(word)
    if value is None or value != int(value) or not 0 < value <= 1000:
        return None
    return int(value)


def _top(words: Sequence[str], i: int) -> tuple[int, Top] | None:
    n = len(words)
    word = words[i]
    if word in _TOP_LEADS and i + 1 < n:
        count = _count(words[i + 1])
        if count is not None and not (len(words[i + 1]) == 4 and words[i + 1].isdigit()):
            return 2, Top(count, _TOP_LEADS[word], word in _SIZE_WORDS)
    count = _count(word)
    short = len(word) < 4 or word in NUMBER_WORDS  # "five most common", not "2024 best"
    recent = tuple(words[i + 1 : i + 3]) in (("most", "recent"), ("most", "recently"))
    if count is not None and i + 1 < n and words[i + 1] in _TOP_LEADS and short and not recent:
        return 2, Top(count, _TOP_LEADS[words[i + 1]], words[i + 1] in _SIZE_WORDS)
    return None


# "160 people max", "5 orders tops", "3 units minimum": a bound said after its number (and
# maybe the thing counted), like "or fewer" / "or more".
_BOUND_AFTER = {"max": "lte_after", "maximum": "lte_after", "tops": "lte_after",
                "at most": "lte_after", "min": "gte_after", "minimum": "gte_after",
                "at least": "gte_after"}


def _bound_after(words: Sequence[str], i: int) -> tuple[int, Meaning] | None:
    for size in (2, 1):
        said = " ".join(words[i : i + size])
        if said not in _BOUND_AFTER or i + size > len(words):
            continue
        if i + size < len(words) and words[i + size] not in (",", ".", "?", "!", "and", "please"):
            continue  # "max salary", "at least 5 people": the bound is not after its number
        before = [w for w in words[max(0, i - 2) : i]]
        if before and (parse_number(before[-1]) is not None or (
            len(before) == 2 and parse_number(before[0]) is not None
        )):
            return size, Compare(_BOUND_AFTER[said])
    return None


def _keyword(words: Sequence[str], i: int) -> tuple[int, Meaning] | None:
    bound = _bound_after(words, i)
    if bound is not None:
        return bound
    for size in (5, 4, 3, 2, 1):
        key = tuple(words[i : i + size])
        if len(key) != size:
            continue
        meaning = _KEYWORDS.get(key)
        if meaning is None:
            continue
        if isinstance(meaning, Compare) and _COMPARE_NEEDS_NUMBER and not meaning.op.endswith(
            "_after"
        ):
            nxt = words[i + size] if i + size < len(words) else ""
            if parse_number(nxt) is None:
                continue
        return size, meaning
    return None


def _agg_before_column(
    words: Sequence[str], stems: Sequence[str], i: int, size: int, vocab: Vocabulary
) -> tuple[int, Meaning] | None:
    """ "total sale quantity": a phrase that opens with an aggregation word ("total sales" is
    revenue) and whose last word starts a longer name of a numeric column that adds up
    ("sale quantity"): the aggregation of that column, not the phrase and then the column.
    The aggregation word is read alone; the column is read next."""
    said = _keyword(words, i)
    if said is None or not isinstance(said[1], Agg) or said[0] != size - 1:
        return None
    after = vocab.match(stems, i + said[0])
    if after is None or after[0] < 2:
        return None
    numeric = [t for t in after[1] if isinstance(t, ColumnTerm)
               and t.column.type in NUMERIC_TYPES]
    if not numeric or len(numeric) != len(after[1]):
        return None
    if said[1].agg == "sum" and any(
        {singular(w) for w in split_identifier(t.column.name).lower().split()} & AVERAGED_WORDS
        for t in numeric
    ):
        return None  # "total sales unit price": prices are not added up
    return said


def lex(tokens: Sequence[Token], vocab: Vocabulary, today: dt.date) -> Lexed:
    """The items of a tokenized question (see module docstring)."""
    words = tuple(_time_respelt(t.text, vocab) for t in tokens)
    led = tuple(
        _unit_after_lead(w, words[k - 1], vocab) if k else w for k, w in enumerate(words)
    )
    stems = tuple(
        t.stem if t.text == w else singular(w) for t, w in zip(tokens, led, strict=True)
    )
    out = Lexed(words=led)
    out.repaired.extend((w, u) for w, u in zip(words, led, strict=True) if w != u)
    words = led
    i = 0
    while i < len(words):
        best: tuple[int, Meaning] | None = None
        time = match_time(words, i, today)
        if time is not None and not _counted_number(out, words, stems, i, time[0], vocab):
            best = (time[0], Time(time[1]))
        for found in (_chart(words, i), _top(words, i), _keyword(words, i)):
            if found is not None and (best is None or found[0] > best[0]):
                best = found
        phrase = vocab.match(stems, i)
        if phrase is not None and (best is None or phrase[0] > best[0]):
            best = (phrase[0], Words(tuple(phrase[1]), " ".join(words[i : i + phrase[0]])))
            agg = _agg_before_column(words, stems, i, phrase[0], vocab)
            if agg is not None:
                best = agg  # "total sale quantity": the total of the sale quantity
        slips: list[tuple[str, str]] = []
        slipped = _value_with_a_slip(words, stems, i, vocab, slips)
        if slipped is not None and (best is None or slipped[0] > best[0]):
            best = slipped  # "Mechanical Keybord": the value, its second word mistyped
            out.repaired.extend(slips)
        takes = _we_take(words, i)
        if takes:
            # "what do we earn per unit sold", "how much did we rake in", "what did we bank":
            # the company's takings, not a salary.
            takings = vocab.phrases.get(("revenue",))
            if takings:
                best = (takes, Words(tuple(takings), " ".join(words[i : i + takes])))
        if best is None and _short_year_after_total(out, words, i, today):
            # "rev 25 by month", "units 24": a total and a two-digit year, said short.
            year = 2000 + int(words[i])
            best = (1, Time(DateRange(dt.date(year, 1, 1), dt.date(year, 12, 31), f"in {year}")))
        if best is None and words[i][0].isdigit():
            number = parse_number(words[i])
            if number is not None:
                best = (1, Number(number))
        if best is None and words[i] in _EARN_VERBS:
            # "people who make over 100k", "make 200k or more": "make" is "earn" when a
            # comparison follows.
            after = _keyword(words, i + 1)
            later = _keyword(words, i + 2) if i + 1 < len(words) else None
            number_first = parse_number(words[i + 1]) is not None if i + 1 < len(words) else False
            earn = vocab.phrases.get(("earn",))
            compared = after is not None and isinstance(after[1], Compare)
            compared = compared or (
                number_first and later is not None and isinstance(later[1], Compare)
            )
            if earn and compared and i > 0 and words[i - 1] in _COMPANY_SUBJECTS:
                # "did we make over 5M", "we made at least 30M last year": the company's
                # takings (people make a salary; the company, its revenue).
                takings = vocab.phrases.get(("revenue",))
                best = (1, Words(tuple(takings or earn), words[i]))
            elif earn and compared:
                best = (1, Words(tuple(earn), words[i]))
                said = next((it.meaning for it in reversed(out.items)
                             if isinstance(it.meaning, Words)), None)
                takings = vocab.phrases.get(("revenue",))
                pay_of = {id(t.table) for t in earn}
                if takings and isinstance(said, Words) and said.terms and not any(
                    id(t.table) in pay_of for t in said.terms
                ):
                    # "products that made $1M or less": a thing makes money taken in (the
                    # revenue), only people make a salary.
                    best = (1, Words(tuple(takings), words[i]))
        if best is None and words[i] not in STOPWORDS and stems[i] not in STOPWORDS:
            best = _misspelt(words, stems, i, vocab, out.repaired)
            if best is None:
                best = _derived(words, i, vocab)
            if best is None:
                best = _spelt_out(words, stems, i, vocab)
            plain = _plain_respelt(words[i]) if best is None else None
            if plain is not None:
                fixed = (*words[:i], plain, *words[i + 1 :])
                time = match_time(fixed, i, today)
                # A period, or a keyword: "nubmer of" is "number of".
                best = (time[0], Time(time[1])) if time is not None else _keyword(fixed, i)
            if best is None and plain is not None and plain in STOPWORDS and (
                plain[0] == words[i][0]
            ):
                # "waht": a misspelt word that carries no meaning. One with another first
                # letter is a word of its own more likely than a slip ("hours" is not
                # "yours", "calls" not "falls"): it stays unknown.
                i += 1
                continue
        initials = _initials(words[i], vocab) if best is None else None
        if initials is not None:
            # "wfh ppl in ny", "senior AEs": the initials of one two-word value, for a word
            # that means nothing else (shorthand and slang were read before).
            best = (1, Words(tuple(initials), words[i]))
        if best is None and words[i] not in STOPWORDS and stems[i] not in STOPWORDS and (
            not _before_unknown_noun(words, stems, i, vocab)
        ):
            prefixed = _prefixed(words[i], vocab)
            if prefixed is not None:
                # "# sdrs in lon office": the one value that word starts, for a word that
                # means nothing else.
                best = (1, Words(tuple(prefixed), words[i]))
        if best is None and words[i] not in STOPWORDS and stems[i] not in STOPWORDS:
            head = _head_noun(words, stems, i, vocab)
            if head is not None:
                # "how many headset sales", "keybords sold": the one value that ends on that
                # noun (said, as a slip is).
                best = (1, Words((head,), words[i]))
                out.repaired.append((words[i], head.value))
        if best is None:
            quiet = words[i] in STOPWORDS or stems[i] in STOPWORDS
            if quiet and words[i] in _NOUN_TOO and i > 0 and words[i - 1] in _BREAKDOWN_LEADS:
                quiet = False  # "seats per account": a breakdown by something not in the data
            if not quiet and len(words[i]) > 1:
                out.unknown.append(words[i])
                out.unknown_at[i] = words[i]
            i += 1
            continue
        meaning = best[1]
        last = out.items[-1] if out.items else None
        if isinstance(meaning, Time) and isinstance(meaning.word, DateRange) and (
            last is not None and last.start + last.size == i and words[last.start] == "not"
            and isinstance(last.meaning, Keyword) and last.meaning.kind == "negation"
            and any(isinstance(it.meaning, Time) and isinstance(it.meaning.word, DateRange)
                    for it in out.items)
        ):
            # "units 3 years back (not 2024)", "2 years ago, not last year": after the
            # period meant, one said not to be it sets no dates.
            out.items.pop()
            i += best[0]
            continue
        out.items.append(Item(meaning, i, best[0]))
        i += best[0]
    return out


def _initials(word: str, vocab: Vocabulary) -> list[ValueTerm] | None:
    """The value `word` stands for by its two initials ("ny"; "aes" said in the plural)."""
    if word in STOPWORDS:
        return None
    found = vocab.initials.get(word)
    if found is None and len(word) == 3 and word.endswith("s"):
        found = vocab.initials.get(word[:2])
    return found


SHORTEST_PREFIX = 3
"""A value said by its first letters needs this many of them ("lon" London, "syd" Sydney)."""


#: Words after a thing that say it is counted or sold ("headset sales", "keyboards sold").
_SOLD_AFTER = frozenset({"sales", "sale", "sold", "units", "unit", "orders", "order", "revenue",
                         "sell", "sells", "selling", "shipped", "moved"})
#: Nouns that end a value but say a plan or a stretch of time before "sales" ("plan sales",
#: "day sales"): never a value's name alone.
_NOT_HEADS = frozenset({"plan", "plans", "day", "days", "target", "targets", "budget", "goal",
                        "goals", "quota", "forecast", "total", "team", "line", "level",
                        "season", "period", "week", "month", "year", "quarter"})


def _head_noun(
    words: Sequence[str], stems: Sequence[str], i: int, vocab: Vocabulary
) -> ValueTerm | None:
    """The one value of two words or more whose last word the unknown word at `i` is (in
    the plural or one slip away, for six letters or more), said as a thing sold right
    before a word of its sales ("headset sales": "Noise-Cancelling Headset"; "keybords
    sold": "Mechanical Keyboard"). A noun that ends several values ("suite") names none of
    them: it stays unknown."""
    word = words[i]
    if len(word) < 4 or not word.isalpha() or word in EVERYDAY_WORDS or is_keyword(word) or (
        word in _NOT_HEADS or stems[i] in _NOT_HEADS
    ) or (
        i + 1 >= len(words) or words[i + 1] not in _SOLD_AFTER
    ):
        return None
    if vocab.heads is None:
        heads: dict[str, list[ValueTerm]] = {}
        for key, terms in vocab.phrases.items():
            if len(key) < 2 or not key[-1].isalpha() or len(key[-1]) < 4 or (
                key[-1] in STOPWORDS or is_keyword(key[-1])
            ):
                continue
            for term in terms:
                if isinstance(term, ValueTerm) and len(term.values) == 1 and (
                    text_stems(term.value) == key
                ):
                    heads.setdefault(key[-1], []).append(term)
        vocab.heads = heads
    stem = stems[i]
    named = vocab.heads.get(stem) or vocab.heads.get(word)
    if named is None and len(word) >= 6:
        near = [h for h in vocab.heads if h[0] == stem[0] and _close(stem, h)]
        named = vocab.heads[near[0]] if len(near) == 1 else None
    if not named or len({t.value.casefold() for t in named}) != 1:
        return None
    return named[0]


def _before_unknown_noun(
    words: Sequence[str], stems: Sequence[str], i: int, vocab: Vocabulary
) -> bool:
    """Whether the word at `i` stands before a word that names nothing of the data ("hard
    hats", "lon stuff"): it says what kind of that thing, and is no value's first letters
    (read so, "how many hard hats" counted Hardware sales)."""
    if i + 1 >= len(words):
        return False
    nxt, stem = words[i + 1], stems[i + 1]
    return len(nxt) > 2 and nxt.isalpha() and nxt not in STOPWORDS and (
        stem not in STOPWORDS and not is_keyword(nxt) and (stem,) not in vocab.phrases
        and (nxt,) not in vocab.phrases and nxt not in EVERYDAY_WORDS
    )


def _prefixed(word: str, vocab: Vocabulary) -> list[ValueTerm] | None:
    """The one-word value `word` is the start of ("lon office": London), when it starts
    exactly one value (the same value in several columns counts once) and is no everyday
    word; its letters must leave two or more of the value unsaid."""
    if len(word) < SHORTEST_PREFIX or not word.isalpha() or word in STOPWORDS or (
        word in EVERYDAY_WORDS or word in REAL_WORDS or (word,) in _KEYWORDS
    ):
        return None
    if vocab.prefixes is None:
        found: dict[str, list[ValueTerm]] = {}
        for key, terms in vocab.phrases.items():
            if len(key) != 1:
                continue
            for term in terms:
                if isinstance(term, ValueTerm) and len(term.values) == 1 and (
                    term.value.isalpha() and term.value.casefold() == key[0]
                ):
                    name = key[0]
                    for size in range(SHORTEST_PREFIX, len(name) - 1):
                        found.setdefault(name[:size], []).append(term)
        vocab.prefixes = found
    named = vocab.prefixes.get(word)
    if not named or len({t.value.casefold() for t in named}) != 1:
        return None
    return named


_AFTER_A_NUMBER = frozenset({"or", "and", "+", "plus", "k", "m", "percent", "to", "-", "times",
                             "%", "thousand", "million", "more", "less", "fewer"})


def _short_year_after_total(out: Lexed, words: Sequence[str], i: int, today: dt.date) -> bool:
    """Whether the two-digit number at `i` is a year said short ("rev 25", "units 24"): right
    after a total (an amount or a count, not an average: "score 20" is a score), up to this
    year, with nothing after it that makes it a quantity ("revenue 20 or more")."""
    word = words[i]
    if len(word) != 2 or not word.isdigit() or not 10 <= int(word) <= today.year % 100:
        return False
    last = out.items[-1] if out.items else None
    if last is None or last.start + last.size != i or not isinstance(last.meaning, Words):
        return False
    if i + 1 < len(words) and words[i + 1] in _AFTER_A_NUMBER:
        return False
    return any(
        (isinstance(t, MeasureTerm) and t.agg in ("sum", "count"))
        or (isinstance(t, ColumnTerm) and t.column.type in NUMERIC_TYPES
            and not {singular(w) for w in split_identifier(t.column.name).lower().split()}
            & AVERAGED_WORDS)
        for t in last.meaning.terms
    )


def _counted_number(
    out: Lexed, words: Sequence[str], stems: Sequence[str], i: int, size: int,
    vocab: Vocabulary,
) -> bool:
    """Whether a year-like number is a count: right after a comparison and before a data
    word ("more than 2000 sales", "over 2000 staff"), not a year."""
    if size != 1 or not (len(words[i]) == 4 and words[i].isdigit()) or i + 1 >= len(words):
        return False
    last = out.items[-1] if out.items else None
    if last is None or not isinstance(last.meaning, Compare) or last.start + last.size != i:
        return False
    if match_time(words, i + 1, dt.date(2000, 1, 1)) is not None:
        return False
    return vocab.match(stems, i + 1) is not None


_EARN_VERBS = frozenset({"make", "makes", "making", "made"})
#: The company as the one who makes money ("did we make over 5M"), not a person earning.
_COMPANY_SUBJECTS = frozenset({"we", "company", "business", "firm", "org", "organisation",
                               "organization"})
_WE_EARN = frozenset({"earn", "earned", "earning", "gross", "grossed", "bank", "banked",
                      "pocket", "pocketed", "net", "netted"})
_WE_TAKE_IN = frozenset({"pull", "pulled", "rake", "raked", "bring", "brought", "take", "took",
                         "haul", "hauled"})
_WE_MAKE = frozenset({"make", "made"})
_TAKE = frozenset({"take", "took"})
_DID_WORDS = frozenset({"did", "does", "do"})
_NOT_TAKINGS = frozenset({"on", "part", "place", "off", "up", "away", "care", "to", "long",
                          "out", "home", "back", "apart", "after", "a", "the"})


def _we_take(words: Sequence[str], i: int) -> int:
    """How many words at `i` say what "we" took in: "we earned", "we raked in", "we bank";
    "we make" only after "how much" ("how many products do we make" counts products)."""
    if words[i] in _TAKE and i > 1:
        # "what did it take in H1", "how much did each region take over 2024": the money
        # the subject of "did" took in (not "take on" staff, "how long did it take").
        k = next((k for k in range(max(0, i - 5), i - 1) if words[k] in _DID_WORDS), None)
        asked = k is not None and k > 0 and (
            words[k - 1] == "what" or words[max(0, k - 2) : k] == ("how", "much")
        )
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if asked and nxt not in _NOT_TAKINGS and "long" not in words[:i]:
            return 2 if nxt == "in" else 1
    if i == 0 or words[i - 1] != "we":
        return 0
    if words[i] in _WE_EARN:
        return 1
    if words[i] in _WE_TAKE_IN and tuple(words[i + 1 : i + 2]) == ("in",):
        return 2
    asked = any(words[k : k + 2] == ("how", "much") for k in range(i))
    return 1 if words[i] in _WE_MAKE and asked else 0
_TIME_UNIT_WORDS = frozenset({"year", "years", "month", "months", "quarter", "quarters",
                              "week", "weeks", "monthly", "quarterly", "weekly", "yearly"})


def _time_respelt(word: str, vocab: Vocabulary) -> str:
    """A misspelt time unit as it is meant ("last yaer", "by mnoth"), so that the period or
    grain it belongs to is read whole; any word the catalog or the keywords know stays."""
    if len(word) < SHORTEST_TYPO or not word.isalpha() or word in STOPWORDS:
        return word
    if word in _PLAIN_SET or (singular(word),) in vocab.phrases or (word,) in _KEYWORDS:
        return word
    plain = _plain_respelt(word)
    return plain if plain in _TIME_UNIT_WORDS or plain in MONTHS else word


_PERIOD_LEADS = frozenset({"last", "this", "next", "past", "previous", "prior", "current"})
_LEAD_UNITS = ("year", "years", "month", "months", "quarter", "quarters", "week", "weeks",
               "day", "days")


def _unit_after_lead(word: str, before: str, vocab: Vocabulary) -> str:
    """ "last yeer", "this moneth": a word one slip from a time unit right after "last",
    "this", "next" ... is that unit, even a short one with a letter wrong (which alone is
    too loose to repair: "went" is no "west"). Dropping it would answer for all time."""
    if before not in _PERIOD_LEADS or not 3 <= len(word) <= 9 or not word.isalpha():
        return word
    if word in _LEAD_UNITS or word in STOPWORDS or word in _PLAIN_SET:
        return word
    if (singular(word),) in vocab.phrases or (word,) in _KEYWORDS:
        return word
    found = {unit for unit in _LEAD_UNITS if _close(word, unit)}
    return found.pop() if len(found) == 1 else word


def _close(a: str, b: str) -> bool:
    """One edit apart: a letter missing, extra, wrong, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    k = 0
    while k < len(short) and short[k] == long_[k]:
        k += 1
    return short[k:] == long_[k + 1 :]


def _spellings(vocab: Vocabulary) -> dict[int, list[str]]:
    """Single words the engine knows (vocabulary and keywords), by length, for typo repair."""
    cached = vocab.spellings
    if cached is None:
        known = {key[0] for key in vocab.phrases if len(key) == 1}
        known |= {key[0] for key in _KEYWORDS if len(key) == 1}
        cached = {}
        for word in sorted(known):
            if len(word) >= 4 and word.isalpha():
                cached.setdefault(len(word), []).append(word)
        vocab.spellings = cached
    return cached


#: Meaningless words as verbs ("accounts for") that are nouns after "per", "each", "by".
_NOUN_TOO = frozenset({"account", "accounts"})
_BREAKDOWN_LEADS = frozenset({"per", "each", "every", "by"})


def _misspelt(
    words: Sequence[str],
    stems: Sequence[str],
    i: int,
    vocab: Vocabulary,
    repaired: list[tuple[str, str]] | None = None,
) -> tuple[int, Meaning] | None:
    """A word one typo away from exactly one known word ("salry", "revnue"), read as it;
    (the word, the word it was read as) goes in `repaired` when given."""
    word = words[i]
    if len(word) < SHORTEST_TYPO or not word.isalpha() or word in REAL_WORDS or (
        word in LEFT_OUT_WORDS or word in EVERYDAY_WORDS
    ):
        # "goes" is no slip of "geo", "raining" none of "Training Day": words of their own.
        return None
    spellings = _spellings(vocab)
    aggregate = _aggregate_before_measure(words, stems, i, vocab, repairs=repaired)
    if aggregate is not None:
        return aggregate
    # "untis", "prodcts": a plural the singular rule leaves whole ("-is") compared without
    # its "s" too.
    forms = {stems[i], word[:-1] if word.endswith("s") and len(word) > SHORTEST_TYPO else word}
    found = {
        known
        for size in (len(word) - 2, len(word) - 1, len(word), len(word) + 1)
        for known in spellings.get(size, ())
        if (_close(word, known) and _short_typo(word, known))
        or any(_close(form, known) and _short_typo(form, known) for form in forms)
    }
    if not found:
        near = _value_near_its_column(words, stems, i, vocab)
        if near is not None:
            return near
    if not found and len(word) >= TWO_TYPOS_FROM:
        # Longer words may carry two typos ("engneering", "performnce"): still one reading.
        found = {
            known
            for size in range(len(word) - 2, len(word) + 3)
            for known in spellings.get(size, ())
            if known[0] == word[0] and edits(word, known) <= 2
        }
    if not found and _noun_slot(words, i):
        # "count of sakes", "avg salary by departure": a real word autocorrect (or a finger
        # on the next key) made of a data noun, where that noun is expected.
        found = _real_word_slip(word, words, i, vocab)
    if len(found) != 1:
        return None
    known = found.pop()
    after = words[i + 1 : i + 3]
    numbered = len(after) == 2 and parse_number(after[1]) is not None and (
        after[0] in ("at", "over", "under", "above", "below", "between", "from", "around")
    )
    numbered = numbered or any(
        parse_number(w) is not None and not (len(w) == 4 and w.isdigit()) for w in after
    )
    if word.endswith("ed") and known in (word[:-1], word[:-2]) and not numbered:
        # "orders placed in ...": a verb's past, not a typo of the noun ("place"); with a
        # number after it ("priced at 1000") it is the noun's value.
        return None
    fixed = [*stems[:i], singular(known), *stems[i + 1 :]]
    keyword = _keyword([*words[:i], known, *words[i + 1 :]], i)
    if keyword is not None and isinstance(keyword[1], Keyword) and (
        keyword[1].kind == "negation" and not _close(word, known)
    ):
        # A negation turns the answer into its opposite, one that looks right: it is read
        # from one slip only ("exlcuding"), never guessed from two ("holding" is no "hiding").
        return None
    if keyword is not None and keyword[0] == 1:
        if repaired is not None:
            repaired.append((word, known))
        return keyword
    phrase = vocab.match(fixed, i)
    if phrase is not None:
        if repaired is not None:
            repaired.append((word, known))
        return (phrase[0], Words(tuple(phrase[1]), " ".join(words[i : i + phrase[0]])))
    return None


#: Letters on a QWERTY keyboard, by row; each row sits a little right of the one above.
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_AT = {ch: (row, col + (0.0, 0.25, 0.75)[row]) for row, keys in enumerate(_KEY_ROWS)
           for col, ch in enumerate(keys)}


def _next_keys(a: str, b: str) -> bool:
    """Whether the keys of `a` and `b` touch on a QWERTY keyboard ("k" and "l", "r" and "e")."""
    if a not in _KEY_AT or b not in _KEY_AT:
        return False
    (row_a, x_a), (row_b, x_b) = _KEY_AT[a], _KEY_AT[b]
    return (row_a == row_b and abs(x_a - x_b) == 1) or (
        abs(row_a - row_b) == 1 and abs(x_a - x_b) < 1
    )


#: Words after which a noun of the data is expected: "count of ...", "number of ...",
#: "total ...", "by ...", "our ...".
_NOUN_LEADS = frozenset({
    "of", "total", "count", "number", "avg", "average", "mean", "many", "our", "all", "the",
    "by", "per", "each", "every", "much", "most", "top", "in", "for",
})
#: Words after which the breakdown named is a column ("by ...", "per ...").
_BREAKDOWN_WORDS = frozenset({"by", "per", "each", "every"})
#: A word completed to another by autocorrect keeps at least this many first letters.
_KEPT_LETTERS = 6


def _noun_slot(words: Sequence[str], i: int) -> bool:
    """Whether a noun is expected at `words[i]`: first, or after a number or a word that
    leads to one (`_NOUN_LEADS`)."""
    if i == 0:
        return True
    before = words[i - 1]
    return before in _NOUN_LEADS or parse_number(before) is not None


def _data_nouns(vocab: Vocabulary) -> list[str]:
    """The single words that name a table, a column or a measure (not a value, not a
    keyword): the nouns a slip may stand for."""
    cached = vocab.nouns
    if cached is None:
        cached = sorted(
            key[0] for key, terms in vocab.phrases.items()
            if len(key) == 1 and key[0].isalpha() and len(key[0]) >= SHORTEST_TYPO and terms
            and any(isinstance(t, _BASE_TERMS) for t in terms)
        )
        vocab.nouns = cached
    return cached


def _real_word_slip(
    word: str, words: Sequence[str], i: int, vocab: Vocabulary
) -> set[str]:
    """The data noun a real word stands for where a noun is expected, when it is exactly one:

    * a plural with one letter swapped for the key next to it ("sakes" for sales, "unuts"):
      the slips a short word can't be read by (`_short_typo`) when they are real words, but
      a finger on the neighbouring key makes them; the plural keeps the noun's own ending;
    * after "by", "per", "each": a word that keeps a column's first letters and only ends
      otherwise ("by departure": department), what autocorrect completes a word to; not
      before another word it might be a phrase with ("by employment type").
    """
    nouns = _data_nouns(vocab)
    found: set[str] = set()
    if word.endswith("s") and len(word) > SHORTEST_TYPO:
        for noun in nouns:
            plural = f"{noun[:-1]}ies" if noun.endswith("y") else f"{noun}s"
            if len(plural) != len(word) or plural[0] != word[0]:
                continue
            diff = [k for k in range(len(word)) if word[k] != plural[k]]
            if len(diff) == 1 and _next_keys(word[diff[0]], plural[diff[0]]):
                found.add(noun)
    if found or len(word) < TWO_TYPOS_FROM or i == 0 or words[i - 1] not in _BREAKDOWN_WORDS:
        return found
    after = words[i + 1] if i + 1 < len(words) else ""
    if after and after not in STOPWORDS:
        return found
    head = word[:_KEPT_LETTERS]
    for noun in nouns:
        if len(noun) >= TWO_TYPOS_FROM and noun.startswith(head) and noun != word and not (
            noun.startswith(word) or word.startswith(noun)
        ) and any(isinstance(t, ColumnTerm) for t in vocab.phrases.get((noun,), ())):
            found.add(noun)
    # "department" and "departmental": one noun, the other made of it.
    return {noun for noun in found if not any(
        other != noun and noun.startswith(other) for other in found)}


def _value_heads(vocab: Vocabulary) -> dict[str, list[tuple[str, ...]]]:
    heads = vocab.value_heads
    if heads is None:
        heads = {}
        for key, terms in vocab.phrases.items():
            if len(key) >= 2 and any(isinstance(t, ValueTerm) for t in terms):
                heads.setdefault(key[0], []).append(key)
        vocab.value_heads = heads
    return heads


def _value_with_a_slip(
    words: Sequence[str],
    stems: Sequence[str],
    i: int,
    vocab: Vocabulary,
    repaired: list[tuple[str, str]] | None = None,
) -> tuple[int, Meaning] | None:
    """ "Mechanical Keybord", "Noise-Cancelling Hedset": a value of several words whose first
    word is exact and whose later words are each exact or one slip away (two for long words),
    when exactly one value reads so. The first word alone rarely names anything."""
    found: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for key in _value_heads(vocab).get(stems[i], ()):
        if i + len(key) > len(words):
            continue
        slips: list[tuple[str, str]] = []
        for k in range(1, len(key)):
            said, meant = words[i + k], key[k]
            if stems[i + k] == meant or said == meant:
                continue
            allowed = 2 if len(meant) >= TWO_TYPOS_FROM else 1
            if len(said) < SHORTEST_TYPO or not said.isalpha() or said[0] != meant[0] or (
                said in REAL_WORDS or edits(said, meant) > allowed
            ):
                break
            slips.append((said, meant))
        else:
            if slips:
                found[key] = slips
    if len(found) != 1:
        return None
    key, slips = next(iter(found.items()))
    if repaired is not None:
        repaired.extend(slips)
    return len(key), Words(tuple(vocab.phrases[key]), " ".join(words[i : i + len(key)]))


_AGGREGATE_WORDS = frozenset(
    key[0] for key, meaning in _KEYWORDS.items()
    if len(key) == 1 and isinstance(meaning, Agg) and len(key[0]) >= 5
)


def _names_a_number(terms: Sequence[Term]) -> bool:
    return any(
        isinstance(t, MeasureTerm) or (isinstance(t, ColumnTerm) and t.column.type in (
            "number", "integer", "float", "decimal"))
        for t in terms
    )


def _aggregate_before_measure(
    words: Sequence[str],
    stems: Sequence[str],
    i: int,
    vocab: Vocabulary,
    depth: int = 0,
    repairs: list[tuple[str, str]] | None = None,
) -> tuple[int, Meaning] | None:
    """ "totle revnue", "averge salary": a word up to two slips from exactly one word that
    aggregates ("total", "average"), right before a measure or a number column (itself maybe
    misspelt), is that word; the measure after it makes the reading clear (alone, "totle"
    is as near "title")."""
    word = words[i]
    if len(word) < 5 or i + 1 >= len(words) or word in REAL_WORDS:
        return None
    near = [known for known in _AGGREGATE_WORDS
            if known[0] == word[0] and known != word and edits(word, known) <= 2]
    if len({_KEYWORDS[(known,)] for known in near}) != 1:
        return None  # "totle": "total" and "totals" are one reading
    after = vocab.match(stems, i + 1)
    terms: Sequence[Term] = after[1] if after is not None else ()
    if after is None and depth == 0 and (stems[i + 1],) not in vocab.phrases:
        repaired = _misspelt(words, stems, i + 1, vocab)
        if repaired is not None and isinstance(repaired[1], Words):
            terms = repaired[1].terms
    if not _names_a_number(terms):
        return None
    meaning = _KEYWORDS[(near[0],)]
    if repairs is not None:
        # The nearest of the words of that one reading ("avrage": "average", not "averaged").
        repairs.append((word, min(near, key=lambda k: (edits(word, k), len(k), k))))
    return 1, meaning


def _value_near_its_column(
    words: Sequence[str], stems: Sequence[str], i: int, vocab: Vocabulary
) -> tuple[int, Meaning] | None:
    """ "the sothe region", "region nroth": a word up to two slips from exactly one value
    of the column named right next to it is that value (alone, "sothe" is too far from
    "south" to be read as it)."""
    word = words[i]
    if len(word) < 5:
        return None
    columns = []
    for at in (i + 1, i - 1):
        if 0 <= at < len(words):
            phrase = vocab.match(stems, at)
            if phrase is not None and (at == i + 1 or phrase[0] == 1):
                columns += [t for t in phrase[1] if isinstance(t, ColumnTerm)]
    named: dict[str, list[Term]] = {}
    for term in columns:
        for value in vocab.values.get((id(term.table), term.column.name.lower()), ()):
            folded = value.casefold()
            if folded.isalpha() and folded[0] == word[0] and edits(word, folded) <= 2:
                for found in vocab.phrases.get((singular(folded),), ()):
                    if isinstance(found, ValueTerm) and found.column is term.column:
                        named.setdefault(folded, []).append(found)
    if len(named) != 1:
        return None
    return 1, Words(tuple(next(iter(named.values()))), word)


#: Everyday English words one letter away from a data word ("older" / "order", "remove" /
#: "remote", "county" / "country"): words of their own, never read as slips of it. A
#: question with one of them that the data can't answer ("older employees": no age) is
#: refused, not answered about orders.
REAL_WORDS: frozenset[str] = frozenset(
    """
    older elder bolder colder holder folder border orderly otter county counties mouth
    legion reign dating eating prize pride prince later tender sender render lender
    males sails seals tales poles holes miles mails fired tired wired hides rides sides
    tides tears trade trades trader lease leases leased leasing
    """.split()  # noqa: SIM905
)

_BASE_TERMS = (ColumnTerm, MeasureTerm, TableTerm)
# Endings that make another word of a data word without changing what it is about:
# "staffing" (staff), "pricing" (price), "regional" / "regionally" (region), "departmental".
# Longest first; each with the letters to put back. Not "-ed" ("orders placed": not the
# place; "salaried staff": not their salary) nor "-er" ("reviewers" are no review scores).
_DERIVATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ally", ("", "e")), ("ial", ("y", "")), ("al", ("", "e")), ("ing", ("", "e")),
)


def _derived(words: Sequence[str], i: int, vocab: Vocabulary) -> tuple[int, Meaning] | None:
    """An unknown word made of a data word and an ending ("staffing levels", "regional
    revenue", "departmental headcount"), read as that word: a column, a table or a measure,
    never a value (values are matched whole); states of rows ("refunding") stay unknown."""
    word = words[i]
    if len(word) < 6 or not word.isalpha() or word in REAL_WORDS or word in STATUS_WORDS:
        return None
    for ending, restores in _DERIVATIONS:
        if not word.endswith(ending) or len(word) - len(ending) < 4:
            continue
        root = word[: -len(ending)]
        roots = [root + r for r in restores]
        if len(root) >= 5 and root[-1] == root[-2] and root[-1] not in "aeiouls":
            roots.append(root[:-1])  # "shipping": ship
        for base in roots:
            terms = [t for t in vocab.phrases.get((singular(base),), ())
                     if isinstance(t, _BASE_TERMS)]
            if terms and base not in STOPWORDS:
                return 1, Words(tuple(terms), word)
        return None
    return None


def _whole_word(word: str, vocab: Vocabulary) -> bool:
    """A word that names something on its own: a data word, or a word that ranks or
    aggregates ("best", "total")."""
    if len(word) < 3 or not word.isalpha():
        return False
    meaning = _KEYWORDS.get((word,))
    return (singular(word),) in vocab.phrases or isinstance(meaning, (Agg, Superlative))


def is_keyword(word: str) -> bool:
    """Whether `word` alone is a keyword, a time word or a word left out of questions."""
    return (word,) in _KEYWORDS or word in _TIME_UNIT_WORDS or word in MONTHS or (
        word in LEFT_OUT_WORDS
    )


def split_compounds(
    tokens: Sequence[Token], vocab: Vocabulary, readings: list[str] | None = None
) -> tuple[Token, ...]:
    """Two words typed as one ("bestsellers", "jobtitle", "unitprice", "salesregion"):
    a word the data and the keywords don't know, made of two that they do (or of a phrase
    of two words), is read as those two."""
    out: list[Token] = []
    for token in tokens:
        word = token.text
        known = (token.stem,) in vocab.phrases or (word,) in _KEYWORDS or word in STOPWORDS
        if known or len(word) < 7 or not word.isalpha() or word in REAL_WORDS:
            out.append(token)
            continue
        splits = []
        for cut in range(3, len(word) - 2):
            left, right = word[:cut], word[cut:]
            pair = (singular(left), singular(right))
            if pair in vocab.phrases or (
                _whole_word(left, vocab) and _whole_word(right, vocab)
            ):
                splits.append((left, right))
        if len(splits) != 1:
            out.append(token)
            continue
        left, right = splits[0]
        out.extend((Token(left, singular(left)), Token(right, singular(right))))
        if readings is not None:
            readings.append(f"'{word}' read as '{left} {right}'")
    return tuple(out)


_LINKING = frozenset({"and", "of", "&"})
_TIME_UNITS = frozenset({"hour", "hours", "minute", "minutes", "second", "seconds", "day",
                         "days", "week", "weeks", "month", "months", "year", "years"})


def _spelt_out(
    words: Sequence[str], stems: Sequence[str], i: int, vocab: Vocabulary
) -> tuple[int, Meaning] | None:
    """A value written in capitals as initials ("HR", "IT", "R&D") said in full words the
    data does not know ("human resources headcount", "research and development"): read as
    that value when the first letters of two to four unknown words spell exactly it."""
    for size in (4, 3, 2):
        span = words[i : i + size]
        if len(span) != size or span[-1] in _LINKING:
            continue
        if any(w not in _LINKING and (not w.isalpha() or len(w) < 4
                                      or vocab.match(stems, i + k) is not None
                                      or w in STOPWORDS or (w,) in _KEYWORDS
                                      or w in LEFT_OUT_WORDS or w in STATUS_WORDS
                                      or w.endswith(("ed", "ing")) or w in _TIME_UNITS)
               for k, w in enumerate(span)):
            # Nouns of a name only: not short words ("help, Raj" spells no HR), verbs or
            # units ("hours recorded" is no HR either).
            continue
        initials = "".join(w[0] for w in span if w not in _LINKING)
        if len(initials) < 2:
            continue
        terms = [
            t for t in vocab.phrases.get((initials,), ())
            if isinstance(t, ValueTerm) and len(t.values) == 1
            and "".join(c for c in t.value if c.isalpha()).isupper()
            and "".join(c for c in t.value if c.isalpha()).lower() == initials
        ]
        if terms:
            return size, Words(tuple(terms), " ".join(span))
    return None


SHORTEST_TYPO = 4
"""Shorter words are never read as typos; words this short only keeping their first letter
("totl", "unts", "yaer")."""


def close_typo(word: str, known: str) -> bool:
    """Whether `word` is one slip from `known` and may be read as it (see `_short_typo`)."""
    return _close(word, known) and _short_typo(word, known)


def _short_typo(word: str, known: str) -> bool:
    """Whether a word of `SHORTEST_TYPO` letters may be read as `known`: only a letter left
    out inside it or two letters swapped ("totl", "unts", "yaer"), never another letter
    ("went" is no "west") or an ending ("rate" is no "rated")."""
    if len(word) > SHORTEST_TYPO:
        return True
    if known == word + word[-1]:
        # "staf", "stuf": a doubled last letter typed once.
        return True
    if known[0] != word[0] or known.startswith(word):
        return False
    return len(known) != len(word) or sorted(known) == sorted(word)


TWO_TYPOS_FROM = 7
"""Words of this many letters or more are repaired up to two edits away, shorter ones one."""

_PLAIN_WORDS: dict[int, list[str]] = {}
for _word in sorted(
    {w for w in STOPWORDS if len(w) >= 5 and w.isalpha()}
    | {w for w in MONTHS if len(w) >= 5}
    | {"month", "months", "monthly", "quarter", "quarters", "quarterly", "weekly", "yearly",
       "years", "daily", "year", "week", "day", "last", "this", "from", "with", "many", "much"}
):
    _PLAIN_WORDS.setdefault(len(_word), []).append(_word)


_PLAIN_SET = frozenset(w for words in _PLAIN_WORDS.values() for w in words)


def _plain_respelt(word: str) -> str | None:
    """The one common word (not a data word: "number", "month") that `word` is a typo of."""
    if len(word) < SHORTEST_TYPO or not word.isalpha():
        return None
    found = {
        known
        for size in (len(word) - 1, len(word), len(word) + 1)
        for known in _PLAIN_WORDS.get(size, ())
        if _close(word, known) and _short_typo(word, known)
    }
    return found.pop() if len(found) == 1 else None




def edits(a: str, b: str) -> int:
    """Optimal string alignment distance (edits, neighbours swapped counting one), capped."""
    if abs(len(a) - len(b)) > 2:
        return 3
    before: list[int] = []
    row = list(range(len(b) + 1))
    for x in range(1, len(a) + 1):
        current = [x] + [0] * len(b)
        for y in range(1, len(b) + 1):
            cost = 0 if a[x - 1] == b[y - 1] else 1
            current[y] = min(row[y] + 1, current[y - 1] + 1, row[y - 1] + cost)
            if x > 1 and y > 1 and a[x - 1] == b[y - 2] and a[x - 2] == b[y - 1]:
                current[y] = min(current[y], before[y - 2] + 1)
        before, row = row, current
        if min(row) > 2:
            return 3
    return row[-1]
