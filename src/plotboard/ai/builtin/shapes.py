"""Shapes of query model v2 asked for in so many words: percentages, running totals,
listings and "has no ...".

`read_shapes` finds the cue words and takes them out of the question (they are not data
words), `apply_shapes` turns the draft the engine built from the rest into that shape:

* "percentage / share / proportion / fraction / percent of": with a filter that is not a
  date ("what percentage work remotely", "proportion of 2024 revenue from Hardware"), the
  percent of the measure that the filtered rows make up; else, with a breakdown, each
  group's share of the total ("% of revenue by category");
* "cumulative / running total / accumulated": running totals along the first breakdown;
* "list / names of / who ... / which <table> ... / show the <table> ... / the 10 most
  recent <table>": the records themselves (their label column, the columns the question
  names), not a count;
* "no X / without a X / don't have a X / X is empty|missing|blank": an `is_null` filter on
  the column named X ("manager" -> manager_id); "with a X / has a X": `is_not_null`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from plotboard.ai.builtin.draft import (
    PERIOD_PART,
    Draft,
    DraftAny,
    DraftDim,
    DraftFilter,
    DraftMeasure,
    DraftWithout,
    column_ref,
)
from plotboard.ai.builtin.intent import Intent
from plotboard.ai.builtin.lexer import edits, is_keyword
from plotboard.ai.builtin.resolve import Unanswerable, date_filters, natural_agg
from plotboard.ai.builtin.text import (
    MONEY_UNITS,
    NUMBER_WORDS,
    STOPWORDS,
    Token,
    parse_number,
    singular,
    split_identifier,
    stems,
    tokenize,
)
from plotboard.ai.builtin.timewords import MONTHS, DateRange, add_months, auto_grain
from plotboard.ai.builtin.vocabulary import (
    EXACT,
    ColumnTerm,
    MeasureTerm,
    TableTerm,
    Term,
    ValueTerm,
    Vocabulary,
    table_label,
)
from plotboard.catalog.model import NUMERIC_TYPES, TEMPORAL_TYPES, Column, Table
from plotboard.query.errors import QueryError
from plotboard.query.joins import find_join_path
from plotboard.query.spec import MAX_ITEMS, Scalar

_SHARE = {("percentage",), ("percentages",), ("percent",), ("share",), ("proportion",),
          ("fraction",), ("pct",), ("what", "part"), ("which", "part"), ("slice",),
          ("portion",), ("cut", "of"), ("chunk", "of"), ("piece", "of"), ("account", "for"),
          ("accounted", "for"), ("accounts", "for"), ("accounting", "for")}
_RUNNING = {("cumulative",), ("cumulatively",), ("running", "total"), ("running", "totals"),
            ("running", "sum"), ("running", "count"), ("accumulated",), ("to", "date", "year",
            "by", "year"), ("build", "up"), ("built", "up"), ("builds", "up"),
            ("building", "up"), ("add", "up"), ("added", "up"), ("adds", "up"),
            ("adding", "up"), ("accumulating",), ("accumulates",), ("accumulate",),
            ("accumulation",), ("running", "tally"), ("running", "tallies"),
            ("cumulated",), ("rolling", "total"), ("rolling", "sum")}
_LIST_LEADS = {("list",), ("names",), ("name", "of"), ("give", "me", "a", "list", "of"),
               ("a", "list", "of"), ("list", "of"), ("who", "is"), ("who", "are"),
               ("who", "works"), ("who", "work"), ("who",), ("everyone",), ("when", "they"),
               ("show", "their"), ("with", "their"), ("and", "their"), ("give", "their"),
               ("whose",), ("see", "all"), ("view", "all"), ("see", "every"), ("view", "every"),
               # "EMEA offices and when each one opened", "orders in May, itemised"
               ("when", "each"), ("and", "when"), ("date", "each"), ("dates", "each"),
               ("day", "each"), ("itemised",), ("itemized",), ("itemise",),
               ("itemize",), ("line", "by", "line"), ("one", "by", "one")}
_SHOW = {"show", "display", "give"}
_NULL_LEADS = {("no",), ("without", "a"), ("without", "an"), ("without",),
               ("don", "t", "have", "a"), ("doesn", "t", "have", "a"), ("do", "not", "have", "a"),
               ("don", "t", "have"), ("has", "no"), ("have", "no"), ("with", "no"),
               ("an", "empty"), ("empty",), ("a", "blank"), ("blank",), ("a", "missing"),
               ("missing",), ("no", "one", "as"), ("unknown",), ("lacking", "a"),
               ("lacking", "an"), ("lacking",), ("lack", "a"), ("lack", "an"), ("lack",),
               ("lacks", "a"), ("lacks", "an"), ("lacks",), ("missing", "a"),
               ("missing", "an"), ("short", "of", "a"),
               # "nothing in the manager field", "no value for their manager": that field empty.
               *((*nothing, into, *the) for nothing in (("nothing",), ("no", "value"),
                                                       ("no", "entry"), ("no", "data"))
                 for into in ("in", "for", "under") for the in (("the",), ("their",), ()))}
_NOT_NULL_LEADS = {("with", "a"), ("with", "an"), ("have", "a"), ("has", "a"),
                   ("report", "to", "a")}
_NULL_TAILS = {"empty", "missing", "blank", "null", "unset", "unknown"}
# The states that say a field's emptiness right after its name, without "is".
_BARE_TAILS = {"empty", "missing", "blank", "null", "unset", "filled", "populated", "present"}
_NOT_NULL_TAILS = {"filled", "set", "present", "populated", "known", "given", "recorded"}
# Words that may follow a column's name without changing it: "manager id", "manager field".
_NAME_TAILS = {"id", "field", "set", "value", "column", "filled", "given", "recorded", "named"}
_FIELD_WORDS = {"field", "column", "box", "cell", "slot"}
# Kept for the reader, which reads what follows "share of" as what is shared (and a pie);
# "slice of", "cut of" are said the same way ("chunks of 2024" are bands: not kept).
_CHART_HINTS = {"share", "proportion", "percentage", "slice", "portion", "cut"}
_PERCENT_WORDS = {"percent", "percentage", "percentages", "pct"}
_NOT_THINGS = {"year", "years", "month", "months", "day", "days", "week", "weeks", "quarter",
               "quarters", "or", "and", "percent", "k", "m"}
_RANKS = {"most", "latest", "newest", "recent", "last", "first", "highest", "lowest", "biggest",
          "largest", "top", "best", "oldest", "earliest", "smallest"}
_MEASURE_NOUNS = {"amount", "amounts", "value", "values", "size", "sizes", "total", "price",
                  "quantity", "revenue"}
_RANKED_WORDS = _RANKS | {"greatest", "worst", "fewest", "least", "lowest", "best", "most",
                          "highest", "bottom"}
_SIZE_RANKS = {"biggest", "largest", "smallest", "highest", "lowest", "top"}
_WHEN_RANKS = {"latest", "newest", "recent", "oldest", "earliest"}
COUNTED_ROWS = _COUNTED_ROWS = {"order", "orders", "deal", "deals", "transaction", "transactions"}
_COUNT_WORDS = {"how", "many", "number", "count", "total", "average", "avg", "sum", "mean",
                "headcount", "tally",
                "percentage", "percent", "share", "proportion"}


_PER_HUNDRED = (("for", "every"), ("out", "of", "every"), ("in", "every"), ("per",),
                ("out", "of"), ("of", "every"))
_SHARE_SORTED = sorted(_SHARE, key=len, reverse=True)
_RUNNING_SORTED = sorted(_RUNNING, key=len, reverse=True)
_NULL_SORTED = sorted(_NULL_LEADS, key=len, reverse=True)
_NOT_NULL_SORTED = sorted(_NOT_NULL_LEADS, key=len, reverse=True)
_LIST_SORTED: dict[str, list[tuple[str, ...]]] = {}
for _lead in _LIST_LEADS:
    _LIST_SORTED.setdefault(_lead[0], []).append(_lead)


@dataclass
class Shapes:
    share: bool = False
    running: bool = False
    listing: bool = False
    nulls: list[tuple[tuple[str, ...], bool]] = field(default_factory=list)  # (name, is null)
    said: list[str] = field(default_factory=list)  # the cue phrases, for "understood as"
    count: int | None = None  # "the 10 most recent": how many records
    rank: str | None = None  # the word after that count ("newest")
    top_n: int | None = None  # "which 3 departments have the highest ...": how many groups
    # A comparison of periods: "strong" ("vs", "compared with", "than") or "weak" ("growth",
    # "change"); `compare_at`: where the strong cue was, in the words left to read (a period
    # after it is the one compared with); `compare_to`: the unit of "the year before".
    compare: str | None = None
    compare_at: int = -1
    compare_to: str | None = None
    compare_words: list[str] = field(default_factory=list)
    # "this year vs last year, same period": the days of the narrower period, in both.
    same_period: bool = False
    words: tuple[str, ...] = ()  # the words left to read (positions as in the lexed question)
    # "is Engineering more than 25% of the staff": the bound on the percent asked ("over
    # 25%"), which the percent answers (not a filter on the rows).
    share_bound: str | None = None
    # "am I right that payroll is over 150 million?", "revenue passed 50M, right?": a claim
    # put to be checked, its lead or tag read (`slang.CLAIM_LEAD`): a yes/no question.
    claimed: bool = False
    # "distribution of salaries", "salary band of 20k", "into 10 bands": counts per band of a
    # number; `bands` ("width", 20000) or ("count", 10) when the question says which.
    distribution: bool = False
    bands: tuple[str, float] | None = None
    # "orders", "deals": rows that are counted ("split of orders between regions in
    # percent" is a share of the number of orders, not of their amount; "sales" is both).
    counted_rows: bool = False
    each: bool = False  # "each" / "every" named a breakdown
    their: bool = False  # "... and their job titles": columns of the rows listed
    # "highest salary first", "newest first": every row, in that order (no top N).
    in_order: bool = False
    # "reps with no sales", "who didn't sell anything": rows of another table that are
    # missing (the table), which a query spec can't look for.
    absent: Table | None = None
    # The words said with it that narrow those rows ("no *remote* staff", "no *Hardware*
    # sales"), and whether a time was said right after it ("didn't sell anything *in 2025*"):
    # that time is the related rows', not the rows listed.
    absent_terms: list[Term] = field(default_factory=list)
    # A number of theirs said with it ("nobody with a rating of 1"): (column, the number).
    absent_numbers: list[tuple[Column, float]] = field(default_factory=list)
    absent_dated: bool = False
    absent_at: int = -1  # where the clause starts ("no", "didn't") in `all_words`
    # "ratio of Hardware revenue to Software revenue", "Paris headcount divided by London
    # headcount": where the cue was in the question's words (`all_words`), and whether it
    # names the ratio itself ("ratio", anywhere) or only divides what comes after it.
    ratio_at: int = -1
    ratio_named: bool = False
    all_words: tuple[str, ...] = ()
    # "within Accessories", "among remote staff": the word said after "within" / "among";
    # the rows it keeps are the whole of a share, not its part.
    whole_words: frozenset[str] = frozenset()

    @property
    def asked(self) -> bool:
        """Whether a shape was asked for in so many words."""
        return bool(
            self.share or self.running or self.listing or self.nulls or self.distribution
            or self.compare or self.top_n
        )


def _at(words: Sequence[str], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(words[i : i + len(phrase)]) == phrase


_NULLABLE: dict[int, tuple[Vocabulary, frozenset[tuple[str, ...]]]] = {}


def _nullable_names(vocab: Vocabulary) -> frozenset[tuple[str, ...]]:
    """Names (as words, without "id") of the nullable columns; memoized per vocabulary."""
    cached = _NULLABLE.get(id(vocab))
    if cached is not None and cached[0] is vocab:
        return cached[1]
    names = set()
    for table in vocab.tables:
        for column in table.columns:
            if column.nullable and not column.hidden:
                names.update(_names_of(column))
    if len(_NULLABLE) > 64:
        _NULLABLE.clear()
    found = frozenset(names)
    _NULLABLE[id(vocab)] = (vocab, found)
    return found


#: Tables whose rows are money by their very name: "total sales", "payments by month" add up
#: their amounts; any other table of records named by its own name is counted ("total
#: invoices by country", "tickets per week") like orders and deals.
_MONEY_ROWS = frozenset({"sale", "payment", "revenue", "income", "expense", "spend",
                         "purchase", "cost", "fee", "charge", "donation", "earning"})


def _counted_table(vocab: Vocabulary, stem: str) -> bool:
    """Whether `stem` is a table's own name whose rows are counted rather than summed: a
    table of records with a money measure of its own (an invoice has a total), but whose
    name does not say money."""
    if stem in _MONEY_ROWS:
        return False
    for term in vocab.phrases.get((stem,), ()):
        if isinstance(term, TableTerm) and term.quality == EXACT:
            own = vocab.measures_of(term.table)
            return bool(own) and own[0].agg != "count"
    return False


def read_shapes(tokens: Sequence[Token], vocab: Vocabulary) -> tuple[Shapes, tuple[Token, ...]]:
    """The shapes the question asks for, and the question without their cue words."""
    shapes = Shapes()
    words = [t.text for t in tokens]
    keep = [True] * len(tokens)
    nullable = _nullable_names(vocab)
    _read_ratio(words, keep, shapes, lambda k: _said_known(tokens[k], vocab))
    shapes.whole_words = frozenset(
        next((w for w in words[k + 1 : k + 4] if w not in _WHOLE_FILLERS), "")
        for k, w in enumerate(words) if w in _WHOLE_LEADS or _whole_after(words, k)
    ) - {""}
    if words[:1] and words[0] in _SCOPE_LEADS and "," in words[2:5]:
        # "in Engineering, how are people split across job titles": the rows said before
        # the comma are the whole every share is of.
        shapes.whole_words |= {w for w in words[1 : words.index(",", 1)]
                               if w not in _WHOLE_FILLERS}
    i = 0
    cue_at = -1
    shares: list[tuple[int, int, str]] = []  # (start, end, first word) of each share cue
    while i < len(words):
        matched = False
        first = words[i]
        found = _compare_cue(words, i)
        if found is not None and _counted_after_than(tokens, i, vocab):
            found = None
        if found is not None:
            size, strength, unit = found
            if strength == "strong" or shapes.compare is None:
                shapes.compare = strength
            if strength == "strong" and cue_at < 0:
                cue_at = i
            if unit is not None:
                shapes.compare_to = unit
            if size == 0:  # "year over year": a cue, and a grain for the lexer
                i += 1
                continue
            shapes.said.append(" ".join(words[i : i + size]))
            shapes.compare_words.extend(words[i : i + size])
            for k in range(i, i + size):
                keep[k] = False
            if words[i] == "than":
                _drop_more(words, i, keep)
            i += size
            continue
        per_hundred = next((
            len(lead) for lead in _PER_HUNDRED
            if _at(words, i, lead) and words[i + len(lead) : i + len(lead) + 1] == ["100"]
        ), 0)
        rows_after = i + per_hundred + 1 < len(words) and any(
            isinstance(t, TableTerm)
            for t in vocab.phrases.get((tokens[i + per_hundred + 1].stem,), ())
        )
        if per_hundred and rows_after:
            # "remote workers for every 100 people on staff", "hires per 100 employees": how
            # many of each hundred, a percent.
            shapes.share = True
            shapes.said.append(" ".join(words[i : i + per_hundred + 1]))
            for k in range(i, i + per_hundred + 1):
                keep[k] = False
            i += per_hundred + 1
            continue
        if _at(words, i, ("at", "the", "end", "of")) and i + 4 < len(words) and (
            words[i + 4] in ("each", "every")
        ):
            # "headcount at the end of each year": what there is by then, a running total.
            shapes.running = True
            shapes.said.append("at the end of each")
            for k in range(i, i + 4):
                keep[k] = False
            i += 4
            continue
        if first == "same" and i + 1 < len(words) and words[i + 1] in _SAME_SPANS:
            # "this yr vs last yr, same period (jan 1 - mar 14)": the days said, in both years.
            shapes.same_period = True
            shapes.said.append(f"same {words[i + 1]}")
            keep[i] = keep[i + 1] = False
            if i > 0 and words[i - 1] == "the":
                keep[i - 1] = False
            i += 2
            if words[i - 1] == "time" and i < len(words) and words[i] in ("frame", "window"):
                keep[i] = False  # "the same time frame"
                i += 1
            continue
        if _to_date_by_period(words, i):
            # "units sold to date, year by year", "hires to date by month": what there is by
            # the end of each period, a running total (not "year to date": a period).
            shapes.running = True
            shapes.said.append("to date")
            keep[i] = keep[i + 1] = False
            i += 2
            continue
        if words[i : i + 3] == ["over", "order", "by"]:
            # "sum(quantity) over (order by month)": a window summing in that order, as SQL
            # writes a running total; the order is the breakdown.
            shapes.running = True
            shapes.said.append("over order by")
            keep[i] = keep[i + 1] = False
            i += 2
            continue
        if _running_total_slip(words, i):
            # "runing totl of revenue": a running total typed fast.
            shapes.running = True
            shapes.said.append(" ".join(words[i : i + 2]))
            keep[i] = keep[i + 1] = False
            i += 2
            continue
        if first == "running" and i + 1 < len(words) and (tokens[i + 1].stem,) in vocab.phrases:
            # "running revenue by month": a running total of the data word that follows.
            shapes.running = True
            shapes.said.append("running")
            keep[i] = False
            i += 1
            continue
        for group, flag in ((_SHARE_SORTED, "share"), (_RUNNING_SORTED, "running")):
            for phrase in group:
                if phrase[0] != first:
                    continue
                if _at(words, i, phrase) and not _ranks_after(words, i + len(phrase), phrase) and (
                    not (phrase[0].startswith("account") and i > 0 and words[i - 1] in _NOUN_LEADS)
                ):  # "seats per account for our customers": an account, not "account for"
                    setattr(shapes, flag, True)
                    shapes.said.append(" ".join(phrase))
                    end = i + len(phrase)
                    if flag == "share":
                        shares.append((i, end, words[i]))
                        _share_bound(shapes, words, i, keep)
                    if end < len(words) and words[end] == "of":
                        end += 1
                        whole = next((size for size, said in ((2, ("the", "total")),
                                                              (2, ("the", "whole")),
                                                              (2, ("the", "overall")),
                                                              (1, ("total",)), (1, ("overall",)),
                                                              (1, ("everything",)),
                                                              (1, ("everyone",)))
                                      if tuple(words[end : end + size]) == said), 0)
                        for k in range(end, end + whole):
                            keep[k] = False  # "as a percentage of the total": the whole
                    if phrase[0] not in _CHART_HINTS:  # "share of" also hints at a pie
                        # "the running count of sales": what runs is a count (of the rows),
                        # not the table's usual total; the count is kept for the reader.
                        counted = i + 1 if phrase[-1] == "count" else end
                        for k in range(i, counted):
                            keep[k] = False
                    if i > 0 and words[i - 1] in ("what", "which"):
                        keep[i - 1] = False  # "what fraction of employees": not a "which"
                    i, matched = end, True
                    break
            if matched:
                break
        if matched:
            continue
        for leads, is_null in ((_NULL_SORTED, True), (_NOT_NULL_SORTED, False)):
            for lead in leads:
                if lead[0] != first or not _at(words, i, lead):
                    continue
                rest = tuple(t.stem for t in tokens[i + len(lead) : i + len(lead) + 2])
                for size in (2, 1):
                    if rest[:size] in nullable and len(rest) >= size:
                        end = i + len(lead) + size
                        if lead[0] == "nothing" and (
                            end >= len(words) or words[end] not in _FIELD_WORDS
                        ):
                            continue  # "nothing in the manager field", not "nothing in sales"
                        shapes.nulls.append((rest[:size], is_null))
                        if end < len(words) and (words[end] in _NAME_TAILS
                                                 or words[end] in _FIELD_WORDS):
                            end += 1  # "no manager set", "an empty manager id"
                        if is_null and any(
                            isinstance(t, TableTerm) for t in vocab.phrases.get(rest[:size], ())
                        ):
                            # "with no sales at all in 2025": maybe rows of another table
                            # (`apply_shapes` decides), the time theirs.
                            for ending in _ABSENT_TAILS:
                                if tuple(words[end : end + len(ending)]) == ending:
                                    end += len(ending)
                                    break
                            shapes.absent_dated = _time_follows(words, end)
                            shapes.absent_at = i
                        for k in range(i, end):
                            keep[k] = False
                        i, matched = end, True
                        break
                if matched:
                    break
            if matched:
                break
        if matched:
            continue
        # "whose manager is empty", "where manager is missing", "manager field is filled in"
        for size in (2, 1):
            name = tuple(t.stem for t in tokens[i : i + size])
            j = i + size
            if j < len(words) and words[j] in _NAME_TAILS and words[j] not in _NOT_NULL_TAILS:
                j += 1
            field = j > i + size and words[j - 1] in _FIELD_WORDS
            if j + 1 < len(words) and words[j] in ("left", "kept") and words[j + 1] in _NULL_TAILS:
                j += 1  # "the manager column left blank"
            after = words[j : j + 3]
            bare = after[:1] and after[0] in _BARE_TAILS and not any(
                isinstance(t, TableTerm) for t in vocab.phrases.get(name, ())
            )  # not "sales recorded in the North": the rows, not an empty field
            if len(name) == size and name in nullable and bare and i > 0 and (
                words[i - 1] not in ("a", "an", "the", "by") or field
            ):
                # "i.e. manager filled in", "people, manager unset": the state said right
                # after the name, without "is".
                end = j + 1
                if end < len(words) and words[end] in ("in", "out"):
                    end += 1
                shapes.nulls.append((name, after[0] in _NULL_TAILS))
                for k in range(i, end):
                    keep[k] = False
                i, matched = end, True
                break
            if len(name) == size and name in nullable and after[:1] in (["is"], ["isn"]) and (
                len(after) >= 2
            ):
                negated = after[0] == "isn" or after[1] == "not"
                # "is not filled", "is left blank": the state after the word between.
                between = after[1] in ("not", "t", "left", "kept") and len(after) > 2
                tail = after[2] if between else after[1]
                if tail not in _NULL_TAILS and tail not in _NOT_NULL_TAILS:
                    continue
                end = j + (3 if between else 2)
                if end < len(words) and words[end] in ("in", "out"):
                    end += 1  # "filled in"
                shapes.nulls.append((name, (tail in _NULL_TAILS) != negated))
                for k in range(i, end):
                    keep[k] = False
                i, matched = end, True
                break
        if not matched:
            i += 1
    _year_to_date_total(words, keep, shapes)
    for k in range(0, len(words) - 1):
        n = NUMBER_WORDS.get(words[k]) or (int(words[k]) if words[k].isdigit() else None)
        before_n = words[k - 1] if k else ""
        asked = k == 0 or before_n in ("me", "us")  # "give me 2 products with the most ..."
        if asked and not any(w in _RANKED_WORDS for w in words[k + 2 :]):
            continue  # "4 job titles with the best pay": a count only before a ranking
        if (
            n is not None and 0 < n <= 100 and (before_n in ("which", "the", "what") or asked)
            and words[k + 1] not in _RANKS
            and (words[k + 1] not in _NOT_THINGS or before_n not in ("the", ""))
            # "... not 2024 but the one before": a period pointed at, not a ranking
            and not (n == 1 and words[k + 1] in ("before", "after", "prior", "earlier"))
            # "the 1 April 2024 - 31 March 2025 sales": a day of a month, not a ranking
            and not (words[k + 1] in MONTHS and (
                words[k + 1] != "may" or "".join(words[k + 2 : k + 3]).isdigit()
            ))
        ):
            shapes.top_n = n  # "which 3 departments ...", "the two regions with the most"
            keep[k] = False
            break
    if shapes.share and shapes.compare and all(
        first in _PERCENT_WORDS and (end >= len(words) or words[end] != "of")
        for _, end, first in shares
    ):
        # "how much did revenue change from 2023 to 2024, in %", "percent growth": the change
        # in percent that a comparison gives, not a share of a total.
        shapes.share = False
        for start, end, _ in shares:
            if tuple(words[max(0, start - 2) : start]) == ("how", "many"):
                keep[start - 2] = keep[start - 1] = False  # "by how many percent did ... grow"
                if start > 2 and words[start - 3] == "by":
                    keep[start - 3] = False
            shapes.said.remove(" ".join(words[start:end]))
            shapes.compare_words.extend(words[start:end])
            for k in range(start, end):
                keep[k] = False
    _read_bands(words, keep, shapes, lambda i: _names_known_before(vocab, words, i))
    _absent_rows(tokens, keep, vocab, shapes)
    either = _either_period(words, keep)
    if either >= 0:
        # "did we sell more units in Q2 or in Q1 2025", "was revenue higher in 2024 or 2025":
        # two periods weighed against each other.
        shapes.compare = "strong"
        shapes.said.append("or")
        cue_at = either if cue_at < 0 else cue_at
    if cue_at >= 0:
        shapes.compare_at = sum(keep[:cue_at])
    shapes.listing = _is_listing(words)
    for k in range(len(words) - 1):
        if shapes.listing and words[k] in ("date", "dates", "day") and words[k + 1] == "each" and (
            keep[k]
        ):
            keep[k] = False  # "APAC sites + the date each one opened": the date of "opened"
    # "headcount by department, highest first", "each region's share, biggest first": the
    # totals in that order, all of them (not the top one, nor "first" as the earliest).
    totals = shapes.share or any(w in _COUNT_WORDS for w in words)
    sort_at = _sorted_first(words, keep, totals=totals)
    if sort_at >= 0:
        # "people without a manager, highest salary first": the rows, in that order.
        keep[sort_at] = False
        for j in range(max(0, sort_at - 5), sort_at):
            if words[j] == "put":
                keep[j] = False  # "and put the biggest first": the verb of that order
        shapes.listing = not totals
        shapes.in_order = True
        shapes.rank = next(w for w in reversed(words[:sort_at]) if w in _SORT_RANKS)
        shapes.said.append(" ".join(words[max(0, sort_at - 2) : sort_at + 1]))
    shapes.their = shapes.listing and any(
        words[k] in ("their", "its") and words[k - 1] in ("and", "with", "show", "give", "plus")
        for k in range(1, len(words))
    )
    shapes.words = tuple(w for w, k in zip(words, keep, strict=True) if k)
    shapes.counted_rows = any(w in _COUNTED_ROWS for w in words) or any(
        _counted_table(vocab, t.stem) for t in tokens
    )
    shapes.each = any(w in ("each", "every") for w in words)
    for k in range(len(words) - 1):
        number, rank = words[k], words[k + 1]
        if words[k] in _WHEN_RANKS and words[k + 1].isdigit() and k + 2 < len(words) and (
            words[k + 2] not in _NOT_THINGS
        ):
            number, rank = words[k + 1], words[k]  # "the latest 10 orders"
        if rank == "most" and k + 2 < len(words) and words[k + 2] in ("recent", "recently"):
            rank = "recent"  # "the 8 most recently hired people": the latest 8
        if number in NUMBER_WORDS and NUMBER_WORDS[number] > 1 and k > 0 and (
            words[k - 1] == "the"
        ) and rank in _SIZE_RANKS:
            number = str(NUMBER_WORDS[number])  # "the ten largest single orders"
        if number.isdigit() and 0 < int(number) <= 1000 and rank in _RANKS:
            shapes.count, shapes.rank = int(number), rank
            if rank in _WHEN_RANKS and not shapes.share and not shapes.running:
                shapes.listing = True  # "the 5 newest hires": those records, latest first
            one_by_one = k + 3 < len(words) and words[k + 2] in ("single", "individual")
            noun_at = k + 2 + one_by_one
            if rank in _SIZE_RANKS and noun_at < len(words) and (
                words[noun_at] in _COUNTED_ROWS or one_by_one
            ):
                # "the 5 biggest orders", "the 3 largest single sales": those rows,
                # by amount.
                shapes.listing = True
            break
    if shapes.count is None and not shapes.share:
        for k in range(len(words) - 1):
            # "the biggest single sale": one row, as "the biggest order" is.
            one = words[k + 1] in ("single", "individual")
            noun = words[k + 1 + one] if k + 1 + one < len(words) else ""
            then = words[k + 2 + one] if k + 2 + one < len(words) else ""
            rows = ("order", "deal", "sale", "transaction") if one else ("order", "deal")
            if words[k] in _SIZE_RANKS - {"top"} and noun in rows and (
                then not in _MEASURE_NOUNS  # "the smallest order amount": a minimum
            ):
                # "the single biggest order of 2024": that order.
                shapes.listing, shapes.count, shapes.rank = True, 1, words[k]
                break
    return shapes, tuple(t for t, k in zip(tokens, keep, strict=True) if k)


_GRAIN_UNITS = frozenset({"day", "days", "week", "weeks", "month", "months", "quarter",
                          "quarters", "year", "years"})


def _to_date_by_period(words: Sequence[str], i: int) -> bool:
    """ "to date" after no period of its own, followed by a breakdown by period ("year by
    year", "by month", "each quarter")."""
    if tuple(words[i : i + 2]) != ("to", "date"):
        return False
    if i > 0 and (words[i - 1] in _GRAIN_UNITS or (
        len(words[i - 1]) == 4 and words[i - 1].isdigit()
    )):
        return False  # "year to date", "2025 to date": a period
    after = [w for w in words[i + 2 : i + 7] if w != ","]
    for k in range(len(after) - 1):
        if after[k] in ("by", "each", "every", "per") and after[k + 1] in _GRAIN_UNITS:
            return True
        if after[k] in _GRAIN_UNITS and after[k + 1] == "by":
            return True  # "year by year"
    return False


_RATIO_CUES = (("divided", "by"), ("relative", "to"), ("for", "every"), ("to", "every"),
               ("for", "each"), ("per",), ("as", "a", "multiple", "of"))


_WHOLE_LEADS = frozenset({"within", "among", "amongst", "whole", "entire", "inside"})
_SCOPE_LEADS = frozenset({"in", "inside", "within", "among", "amongst", "for", "across"})
_WHOLE_FILLERS = frozenset({"the", "our", "all", "of", "whole", "entire", "total"})
_AS_SHARE = frozenset({"proportion", "percentage", "percent", "share", "fraction", "part",
                       "portion", "pct"})


_WORK_VERBS = frozenset({"work", "works", "worked", "working", "operate", "operates",
                         "operating", "run", "runs", "based"})


def _whole_after(words: Sequence[str], k: int) -> bool:
    """ "X as a proportion of Y", "X out of all Y": Y (said after `words[k]`) is the whole."""
    if words[k] == "out" and words[k + 1 : k + 2] == ["of"]:
        # Not "staff who work out of AMER offices": where they work.
        return not (k > 0 and words[k - 1] in _WORK_VERBS)
    return words[k] == "of" and k >= 3 and words[k - 1] in _AS_SHARE and (
        tuple(words[k - 3 : k - 1]) == ("as", "a")
    )


def _is_whole(f: DraftFilter, words: frozenset[str]) -> bool:
    """Whether the filter `f` keeps rows said after "within" / "among" (`words`)."""
    said = str(f.value).lower().split() if not isinstance(f.value, bool) else (
        split_identifier(f.column.name).lower().split()
    )
    return bool(words & set(said))


def _said_on_measure(f: DraftFilter, shapes: Shapes, intent: Intent) -> bool:
    """Whether the value of `f` is said right before the measure's own words ("Software
    revenue")."""
    if not intent.measures or not isinstance(f.value, str):
        return False
    said = next((slot.text for slot in intent.values if any(
        t.column is f.column and f.value in t.values for t in slot.terms
    )), None)
    if said is None:
        return False
    value = said.lower().split()
    measure = intent.measures[0].text.lower().split()
    # "North region turnover": the value's own column named between them.
    kind = set(split_identifier(f.column.name).lower().split())
    words = shapes.all_words
    for k in range(len(words) - len(value) + 1):
        if list(words[k : k + len(value)]) != value or (k > 0 and words[k - 1] == "s"):
            continue
        j = k + len(value)
        while j < len(words) and j < k + len(value) + 2 and words[j] in kind:
            j += 1
        if list(words[j : j + len(measure)]) == measure:
            return True
    return False


def _said_whole(f: DraftFilter, shapes: Shapes) -> bool:
    """Whether the whole value of `f` is said right where a whole is ("the whole Sales
    department" is Sales, not Sales Development Representative)."""
    if isinstance(f.value, bool) or not isinstance(f.value, str):
        return False
    said = stems(f.value)
    words = shapes.all_words
    for k, word in enumerate(words):
        if word in shapes.whole_words and tuple(stems(" ".join(words[k : k + len(said)]))) == (
            said
        ):
            return True
    return False


_PREDICATE_LEADS = frozenset({"is", "are", "was", "were", "being"})


def _said_as_predicate(words: Sequence[str], f: DraftFilter) -> bool:
    """ "within each region, what % of orders are software": the value said after "are" is
    the part of each group's share, not the rows every share is taken within."""
    if isinstance(f.value, bool) or not isinstance(f.value, str):
        return False
    said = tuple(stems(f.value))
    for k in range(1, len(words) - len(said) + 1):
        if tuple(stems(" ".join(words[k : k + len(said)]))) == said:
            j = k - 1
            while j > 0 and k - j <= 2 and words[j] in ("the", "in", "from", "for", "of"):
                j -= 1  # "what % of sales are in the West"
            return words[j] in _PREDICATE_LEADS
    return False


_NOUN_LEADS = frozenset({"per", "each", "every", "by", "an", "the", "our", "my", "your",
                         "this", "that", "one", "any"})


def _ranks_after(words: Sequence[str], end: int, phrase: tuple[str, ...]) -> bool:
    """ "which products account for the most revenue": a ranking, not a share."""
    if not phrase[0].startswith("account"):
        return False
    after = [w for w in words[end : end + 2] if w != "the"]
    return bool(after) and after[0] in _RANKED_WORDS


def _said_known(token: Token, vocab: Vocabulary) -> bool:
    """Whether a word is one the engine reads: a filler, a number, a keyword or a data word."""
    word = token.text
    return (not word.isalpha() or word in STOPWORDS or (token.stem,) in vocab.phrases
            or is_keyword(word) or parse_number(word) is not None)


def _read_ratio(
    words: Sequence[str], keep: list[bool], shapes: Shapes, known: Callable[[int], bool]
) -> None:
    """ "ratio of X to Y", "X as a ratio of Y": the word "ratio" (taken out with "as a" or
    "the" before it and "of" / "between" after it; said as not used when no two parts are
    named); "X divided by / relative to / for every Y": the place where the second part
    starts. Used only when two parts are named (`_as_ratio`). A ratio named by a word the
    data does not have ("gender ratio", "male/female ratio") stays in the question, which
    is refused: answering without it would answer another question."""
    shapes.all_words = tuple(words)
    for k, word in enumerate(words):
        if word in ("ratio", "ratios") and k > 0 and not known(k - 1):
            return
        if word in ("ratio", "ratios"):
            shapes.ratio_named = True
            start, end = k, k + 1
            if tuple(words[max(0, k - 2) : k]) == ("as", "a"):
                start = k - 2
            elif k > 0 and words[k - 1] in ("the", "a"):
                start = k - 1
            if end < len(words) and words[end] in ("of", "between"):
                end += 1
            for j in range(start, end):
                keep[j] = False
            for j in range(len(words) - 1):
                if words[j] == "to" and words[j + 1] in ("total", "overall"):
                    keep[j + 1] = False  # "remote to total ratio": the whole, not a sum
            return
    for k in range(len(words)):
        for cue in _RATIO_CUES:
            if tuple(words[k : k + len(cue)]) == cue:
                shapes.ratio_at = k
                return


_STRONG_CUES = {("vs",): 1, ("v",): 1, ("versus",): 1, ("against",): 1, ("compare",): 1,
                ("compared", "to"): 2, ("compared", "with"): 2, ("compare", "to"): 2,
                ("compare", "with"): 2, ("comparing",): 1, ("compared",): 1,
                ("in", "comparison", "to"): 3, ("in", "comparison", "with"): 3,
                ("comparison",): 1, ("relative", "to"): 2, ("next", "to", "each", "other"): 4,
                ("side", "by", "side"): 3, ("alongside",): 1, ("next", "to"): 2,
                ("beside",): 1, ("set", "against"): 2, ("measured", "against"): 2,
                ("stacked", "up", "against"): 3}
_WEAK_CUES = frozenset({"growth", "grow", "grew", "grown", "growing", "change", "changed",
                        "changes", "increase", "increased", "decrease", "decreased", "decline",
                        "declined", "difference", "delta", "evolve", "evolved"})
_MOVE_VERBS = frozenset({"go", "goes", "went", "gone", "going", "move", "moved", "moving"})
_NOT_AFTER_CHANGE = frozenset({"to", "it", "that", "this", "into", "chart", "the", "them"})
_UNIT_WORDS = {"year": "year", "years": "year", "month": "month", "months": "month",
               "quarter": "quarter", "quarters": "quarter", "week": "week", "weeks": "week",
               "period": "period", "day": "day"}
_PERIOD_START = frozenset({"q1", "q2", "q3", "q4", "h1", "h2", "last", "previous", "this",
                           "january", "february", "march", "april", "may", "june", "july",
                           "august", "september", "october", "november", "december", "jan",
                           "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                           "nov", "dec"})
_MORE_WORDS = frozenset({"more", "less", "fewer", "better", "worse", "higher", "lower",
                         "bigger", "smaller"})


def _is_period_word(word: str) -> bool:
    return (len(word) == 4 and word.isdigit() and 1900 <= int(word) <= 2100) or (
        word in _PERIOD_START
    )


def _previous_phrase(words: Sequence[str], i: int) -> tuple[int, str] | None:
    """ "the year before", "the previous month", "a year ago", "the same period last year":
    the period compared with, said relative to the other one; (words, unit)."""
    j = i + 1 if words[i] in ("the", "a") else i
    rest = tuple(words[j : j + 4])
    if rest[:1] == ("same",) and len(rest) >= 4 and rest[2:4] in (("last", "year"),
                                                                   ("a", "year")):
        ago = rest[2:4] == ("a", "year") and words[j + 4 : j + 5] in (
            ["ago"], ["earlier"], ["before"], ["prior"]
        )
        return j - i + 4 + ago, "year"
    if len(rest) >= 2 and rest[0] in _UNIT_WORDS and rest[1] in ("before", "prior", "earlier",
                                                                 "ago"):
        return j - i + 2, _UNIT_WORDS[rest[0]]
    if j > i and len(rest) >= 2 and rest[0] in ("previous", "prior", "preceding") and (
        rest[1] in _UNIT_WORDS
    ):
        return j - i + 2, _UNIT_WORDS[rest[1]]
    if j == i and rest[:2] in (("previous", "period"), ("prior", "period")):
        return 2, "period"
    return None


#: "the same period", "same time", "same days": the span of the other period, again.
_SAME_SPANS = frozenset({"period", "periods", "time", "timeframe", "days", "dates", "window",
                         "stretch", "span", "range"})


_RUNNING_FIRST = ("running", "rolling")
_RUNNING_SECOND = ("total", "totals", "sum", "tally")


def _slip(word: str, known: str) -> bool:
    """`word` is `known` with one typo (same first letter): "runing", "totl"."""
    return word != known and word[:1] == known[:1] and edits(word, known) <= 1


def _running_total_slip(words: Sequence[str], i: int) -> bool:
    """ "runing total", "running totl", "rolling totl": a running total with a typo in it."""
    if i + 1 >= len(words):
        return False
    first, second = words[i], words[i + 1]
    slips = [any(_slip(first, k) for k in _RUNNING_FIRST),
             any(_slip(second, k) for k in _RUNNING_SECOND)]
    exact = [first in _RUNNING_FIRST, second in _RUNNING_SECOND]
    return any(slips) and all(a or b for a, b in zip(slips, exact, strict=True))


def _counted_after_than(tokens: Sequence[Token], i: int, vocab: Vocabulary) -> bool:
    """ "no more than 2000 units", "more than 2000 sales": a year-like number right after
    "than" and before a data word is how many, not a year to compare with."""
    if tokens[i].text != "than" or i + 2 >= len(tokens):
        return False
    number = tokens[i + 1].text
    if not (len(number) == 4 and number.isdigit()):
        return False
    return (tokens[i + 2].stem,) in vocab.phrases


def _compare_cue(words: Sequence[str], i: int) -> tuple[int, str, str | None] | None:
    """A word asking to compare periods at `words[i]`: (words to drop, "strong" or "weak",
    the unit of a relative period named with it). Size 0: a cue that stays to be read."""
    word = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    for size in (4, 3, 2, 1):
        key = tuple(words[i : i + size])
        if len(key) == size and key in _STRONG_CUES:
            after = _previous_phrase(words, i + size) if i + size < len(words) else None
            if after is not None:
                return size + after[0], "strong", after[1]
            return size, "strong", None
    if word in _MOVE_VERBS and nxt in ("up", "down"):
        # "did revenue go up from feb to march", "went up or down": a change between periods.
        size = 4 if tuple(words[i + 2 : i + 4]) in (("or", "down"), ("or", "up")) else 2
        return size, "weak", None
    if word in _WEAK_CUES and nxt not in _NOT_AFTER_CHANGE:
        end = i + 1
        if end < len(words) and words[end] in ("from", "over", "on", "vs", "versus"):
            after = _previous_phrase(words, end + 1) if end + 1 < len(words) else None
            if after is not None:
                return end + 1 - i + after[0], "weak", after[1]
        return 1, "weak", None
    if word in ("from", "to", "over", "on", "with") and i + 1 < len(words):
        after = _previous_phrase(words, i + 1)
        if after is not None and word != "with":
            return 1 + after[0], "weak", after[1]
    if word in _UNIT_WORDS and nxt == "over" and words[i + 2 : i + 3] == [word]:
        return 0, "weak", None  # "year over year", "month over month"
    if word == "over" and i > 0 and _is_period_word(words[i - 1]) and _is_period_word(nxt):
        return 1, "strong", None  # "2025 over 2024"
    if word == "than" and i > 0 and (
        words[i - 1] in ("later", "earlier", "sooner", "newer", "older")
        or words[i - 2 : i] == ["more", "recent"]
    ):
        return None  # "no later than 2016", "newer than 2018": a bound, read as a period
    if word == "than":
        j = i + 1
        while j < len(words) and words[j] in ("in", "during", "for", "the", "of"):
            j += 1
        ordinal = tuple(words[j : j + 2]) in {(o, p) for o in ("first", "second", "third",
                                                                "fourth", "last")
                                                for p in ("half", "quarter")}
        if j < len(words) and (_is_period_word(words[j]) or ordinal):
            return j - i, "strong", None  # "than in 2024", "than in the first half of 2024"
    return None


def _either_period(words: Sequence[str], keep: list[bool]) -> int:
    """Where "or" weighs two periods after a comparative word ("more units in Q2 or in Q1",
    "higher in 2024 or 2025"), with that word dropped; -1 when the question has none."""
    for k, word in enumerate(words):
        if word != "or" or not keep[k]:
            continue
        j = k - 1
        while j >= 0 and not _is_period_word(words[j]) and k - j <= 3:
            j -= 1
        after = k + 1
        while after < len(words) and words[after] in ("the", "in", "during"):
            after += 1
        if j < 0 or k - j > 3 or after >= len(words) or not _is_period_word(words[after]):
            continue
        if not any(w in _MORE_WORDS for w in words[max(0, j - 6) : j]):
            continue
        _drop_more(words, j + 1, keep)
        return k
    return -1


def _drop_more(words: Sequence[str], i: int, keep: list[bool]) -> None:
    """ "did we hire more in 2025 than in 2024": "more ... than" only says "compare"."""
    for k in range(i - 1, max(-1, i - 10), -1):
        if words[k] in _MORE_WORDS:
            keep[k] = False
            return


_SPREAD_WORDS = frozenset({"distribution", "distributions", "distributed", "histogram",
                           "histograms", "spread", "spreads", "dispersion"})
_BAND_WORDS = frozenset({"band", "bands", "bucket", "buckets", "bin", "bins", "bracket",
                         "brackets", "banded", "bucketed", "binned"})
# Band words that are only bands with a size next to them ("in 20k steps", "5,000 dollar
# ranges", "increments of 10"): alone they mean something else ("date range").
_SIZED_BAND_WORDS = frozenset({"step", "steps", "range", "ranges", "increment", "increments",
                               "interval", "intervals", "chunk", "chunks"})
_UNITS = MONEY_UNITS | frozenset({"unit", "units"})
_INTO_WORDS = frozenset({"into", "in"})
_FEW_BANDS = 20
"""'N bands' up to this many is a number of bands, not a width ("salaries, 5 bands")."""
_SPLIT_VERBS = frozenset({"break", "split", "divide", "cut", "group", "grouped", "bucket"})


# "rating breakdown for remote staff": a breakdown of a column by nothing else is how its
# values spread (a count per value, or bands).
_BREAKDOWN_WORDS = frozenset({"breakdown", "breakdowns"})
_GROUP_CUES = frozenset({"by", "per", "each", "every", "across", "between", "vs", "versus"})

_LONG_SPREAD_WORDS = ("distribution", "distributions", "histogram", "histograms")


def _spread_typo(word: str) -> bool:
    """ "distibution", "histogramm": a long cue word with up to two typos."""
    return len(word) >= 8 and word.isalpha() and any(
        word[0] == cue[0] and edits(word, cue) <= 2 for cue in _LONG_SPREAD_WORDS
    )


def _names_known_before(vocab: Vocabulary, words: Sequence[str], i: int) -> bool:
    """Whether the words right before position `i` end a phrase the vocabulary knows
    ("rating breakdown", "job title breakdown"); "ethnicity breakdown" names nothing known,
    and stays a breakdown the data lacks (refused by the reader). "show me the breakdown"
    names nothing before it, and is a spread of what the question names elsewhere."""
    if words[i - 1] in STOPWORDS:
        return True
    for start in range(max(0, i - 3), i):
        found = vocab.match(words, start)
        if found is not None and start + found[0] == i:
            return True
    return False


_AGGREGATED = frozenset({"mean", "average", "avg", "median", "total", "sum", "highest",
                         "lowest", "max", "min", "maximum", "minimum"})


_TO_DATE = (("year", "to", "date"), ("ytd",), ("month", "to", "date"), ("mtd",),
            ("quarter", "to", "date"), ("qtd",))
_TOTAL_WORDS = frozenset({"total", "totals", "sum", "figure", "figures", "tally"})


def _year_to_date_total(words: Sequence[str], keep: list[bool], shapes: Shapes) -> None:
    """ "units per month in 2024 and the ytd total beside them": with a year named,
    "the ytd total" is the running total through that year, not the period from
    this year's start to today."""
    if shapes.running or not any(len(w) == 4 and w.isdigit() for w in words):
        return
    for k in range(len(words)):
        for lead in _TO_DATE:
            end = k + len(lead)
            if tuple(words[k:end]) != lead or end >= len(words) or words[end] not in (
                _TOTAL_WORDS
            ):
                continue
            shapes.running = True
            shapes.said.append(" ".join(words[k : end + 1]))
            for j in range(k, end + 1):
                keep[j] = False
            return


def _read_bands(
    words: Sequence[str], keep: list[bool], shapes: Shapes, known_before: Callable[[int], bool]
) -> None:
    """ "distribution of ...", "histogram", "how are ... spread", "band of 20k", "into 10
    equal bands", "25k bands": the cue words (and the band size) leave the question."""
    for i, word in enumerate(words):
        if not keep[i]:
            continue
        if word in _SPREAD_WORDS or _spread_typo(word) or (
            word in _BREAKDOWN_WORDS
            and i > 0
            and not _GROUP_CUES.intersection(words)
            and known_before(i)
            # "office breakdown of average pay": an aggregate broken down by office
            and not _AGGREGATED.intersection(words[i + 1 : i + 4])
        ):
            shapes.distribution = True
            keep[i] = False
            if word.startswith("spread") and i + 1 < len(words) and words[i + 1] == "out":
                keep[i + 1] = False
            continue
        if word not in _BAND_WORDS and word not in _SIZED_BAND_WORDS:
            continue
        if i > 0 and words[i - 1] in ("that", "this", "those", "these", "same"):
            keep[i] = keep[i - 1] = False  # "at most 700 orders: which fall in that bucket"
            continue
        after = parse_number(words[i + 2]) if i + 2 < len(words) and words[i + 1] in (
            "of", "size", "width"
        ) else None
        unit = i - 1 if i > 0 and words[i - 1] in _UNITS else i
        if word in _SIZED_BAND_WORDS and after is None and (
            unit == 0 or parse_number(words[unit - 1]) is None
        ):
            continue
        if unit < i:
            keep[unit] = False  # "5,000 dollar ranges"
        shapes.distribution = True
        keep[i] = False
        if after is not None and after > 0:
            shapes.bands = ("width", after)  # "salary band of 20k", "buckets of 10000"
            keep[i + 1] = keep[i + 2] = False
            continue
        j = unit - 1
        if j >= 0 and words[j] in ("equal", "even", "same"):
            keep[j] = False
            j -= 1
        if j >= 1 and parse_number(words[j]) is None and words[j].isalpha() and (
            words[j] not in STOPWORDS and parse_number(words[j - 1]) is not None
        ):
            j -= 1  # "each 25k salary band": the size, then what is banded
        before = parse_number(words[j]) if j >= 0 else None
        if before is None or before <= 0:
            continue
        keep[j] = False
        lead = words[j - 1] if j > 0 else ""
        whole = before == int(before) and "k" not in words[j]
        if whole and ((lead in _INTO_WORDS and before <= 100) or (
            before <= _FEW_BANDS and word.endswith("s") and word not in _SIZED_BAND_WORDS
        )):
            shapes.bands = ("count", before)  # "into 10 bands", "salaries, 5 bands"
        else:
            shapes.bands = ("width", before)  # "25k bands"
        if lead in _INTO_WORDS:
            keep[j - 1] = False
    if shapes.distribution:
        for i, word in enumerate(words):
            if word in _SPLIT_VERBS and keep[i]:
                keep[i] = False  # "break salaries into 10 bands"


_ABSENT_LEADS = frozenset({"no", "without", "never", "zero"})
_NEGATED_VERBS = frozenset({"didn", "don", "doesn", "haven", "hasn", "hadn", "did", "do",
                            "does", "have", "has"})
_FILLERS = frozenset({"any", "a", "an", "single", "one", "have", "had", "make", "made", "do",
                      "done", "get", "got", "at", "all", "closed", "close", "booked", "book",
                      "logged", "recorded", "won", "landed", "rung", "rang", "ring", "up",
                      "their", "his", "her", "first", "even"})


def absent_reason(table: Table) -> str:
    """Why "reps with no sales" gets no tile: the rows asked for are those another table
    has nothing about, and a query can't look for missing rows."""
    what = table_label(table).lower()
    return (
        f"finding what has no {what} needs the rows missing from {what}, and a chart can "
        f"only show rows that are there. Ask for the number of {what} per person or group "
        "instead: the lowest ones come last"
    )


_ABSENT_TAILS = (("at", "all"), ("anything", "at", "all"), ("anything",), ("ever",), ("yet",),
                 ("so", "far"), ("even", "once"), ("once",), ("even", "one", "time"))
_TIME_LEADS = frozenset({"in", "during", "since", "this", "last", "over", "for", "before",
                         "after", "between", "from", "previous", "past", "yesterday", "today",
                         "on"})


def _events_measured(vocab: Vocabulary, said: Sequence[Term]) -> Table | None:
    """The table whose rows a number said after "no" adds up, when no other table points at
    its rows (the table of events: sales, not the people who make them): "reps who booked no
    revenue in 2024" are those with no sales then."""
    columns = [
        t for t in said if isinstance(t, ColumnTerm | MeasureTerm) and t.column is not None
        and t.column.type in NUMERIC_TYPES and not t.column.nullable
        and t.column.name not in t.table.primary_key
    ]
    if not columns:
        return None
    table = columns[0].table
    if not table.foreign_keys or any(
        fk.ref_table == table.name for other in vocab.tables for fk in other.foreign_keys
    ):
        return None
    return table


def _time_follows(words: Sequence[str], end: int) -> bool:
    """Whether a time is said at `words[end]` ("in 2025", "yesterday", "year to date")."""
    return end < len(words) and (
        words[end] in _TIME_LEADS or any(_at(words, end, lead) for lead in _TO_DATE)
    )


def people_table(vocab: Vocabulary) -> Table | None:
    """The one table whose rows are people (labelled by a full name), if there is one."""
    found = [
        t for t in vocab.tables
        if any(c.name.lower() in ("full_name", "fullname", "person_name") and not c.hidden
               for c in t.columns)
    ]
    return found[0] if len(found) == 1 else None


#: The words that say no person at all ("nobody", "no one"): none of the people's rows.
_NOBODY = (("nobody",), ("noone",), ("no", "one"), ("no", "body"), ("not", "anyone"),
           ("not", "anybody"), ("none", "of", "them"), ("none", "of", "the", "staff"),
           ("not", "one", "single", "person"), ("not", "a", "single", "person"),
           ("not", "one", "person"), ("not", "a", "single", "soul"), ("not", "a", "soul"),
           ("not", "a", "single", "one"), ("not", "one", "single"), ("not", "a", "single"),
           ("not", "one"), ("not", "a", "person"))
#: Words between "nobody" and what narrows them ("nobody who is remote", "no one based in",
#: "not one person got a rating of 1").
_NOBODY_LINKS = frozenset({"who", "that", "is", "are", "was", "were", "being", "based",
                           "working", "works", "work", "sitting", "in", "at", "from", "on",
                           "got", "gets", "get", "has", "had", "have", "with", "received",
                           "a", "an"})
#: Words between a number column and its number ("a rating of 1", "rated = 2").
_NUMBER_LINKS = frozenset({"of", "a", "an", "at", "is", "was"})
#: Words that say nothing of a kind was done ("sold nothing", "shipped none"): after a verb
#: that names rows, none of those rows.
_NOTHING = frozenset({"nothing", "none", "zilch", "nil", "zero"})


def _nobody_rows(
    words: Sequence[str], stemmed: Sequence[str], keep: list[bool], vocab: Vocabulary,
    shapes: Shapes,
) -> bool:
    """ "departments with nobody remote", "offices where no one is based in Sales": none of
    the people (the table labelled by a full name) with the values or flags said after it.
    Only when something narrows them (else "nobody" is some other phrase's)."""
    people = people_table(vocab)
    if people is None:
        return False
    for i in range(len(words)):
        lead = next((n for n in _NOBODY if _at(words, i, n)), None)
        if lead is None or not all(keep[i : i + len(lead)]):
            continue
        j = i + len(lead)
        terms: list[Term] = []
        numbers: list[tuple[Column, float]] = []
        while j < len(words) and keep[j]:
            if words[j] in _NOBODY_LINKS:
                j += 1
                continue
            found = vocab.match(stemmed, j)
            said = _number_said(words, found, people, j)
            if said is not None:
                # "not one person got a rating of 1": that number of theirs.
                numbers.append(said[0])
                j = said[1]
                continue
            own = [
                t for t in (found[1] if found else ())
                if t.table is people and (isinstance(t, ValueTerm) or (
                    isinstance(t, ColumnTerm) and t.column is not None
                    and t.column.type == "boolean"))
            ]
            if found is None or not own:
                break
            terms.append(own[0])
            j += found[0]
        if not terms and not numbers:
            continue
        while j > i and words[j - 1] in _NOBODY_LINKS:
            j -= 1
        shapes.absent, shapes.absent_terms, shapes.absent_at = people, terms, i
        shapes.absent_numbers = numbers
        for k in range(i, j):
            keep[k] = False
        shapes.absent_dated = _time_follows(words, j)
        return True
    return False


def _number_said(
    words: Sequence[str], found: tuple[int, list[Term]] | None, table: Table, at: int
) -> tuple[tuple[Column, float], int] | None:
    """ "a rating of 1", "performance rating 5": a number column of `table` matched at `at`
    and the number said right after it: ((the column, the number), where the words end)."""
    if found is None:
        return None
    column = next((t.column for t in found[1] if isinstance(t, ColumnTerm)
                   and t.table is table and t.column.type in NUMERIC_TYPES), None)
    if column is None:
        return None
    j = at + found[0]
    while j < len(words) and j < at + found[0] + 2 and words[j] in _NUMBER_LINKS:
        j += 1
    number = parse_number(words[j]) if j < len(words) else None
    if number is None:
        return None
    return (column, number), j + 1


def _absent_rows(
    tokens: Sequence[Token], keep: list[bool], vocab: Vocabulary, shapes: Shapes
) -> None:
    """The table whose rows a question asks to be missing: "with no sales", "without
    orders", "didn't sell anything", "never made a sale", "no remote staff" (a value or flag
    of that table said before it narrows the rows that count). The clause's words leave the
    question; a time said right after it is the related rows' (`Shapes.absent_dated`)."""
    words = [t.text for t in tokens]
    stemmed = [t.stem for t in tokens]
    if _nobody_rows(words, stemmed, keep, vocab, shapes):
        return
    for i, word in enumerate(words):
        if not keep[i]:
            continue
        if word in _NOTHING and i > 0 and keep[i - 1]:
            # "which products sold nothing in May": the verb names the rows, none of them.
            found = vocab.match(stemmed, i - 1)
            tables = [t for t in (found[1] if found else ()) if isinstance(t, TableTerm)]
            if found is not None and found[0] == 1 and tables:
                shapes.absent, shapes.absent_terms, shapes.absent_at = tables[0].table, [], i - 1
                end = i + 1
                for tail in _ABSENT_TAILS:
                    if tuple(words[end : end + len(tail)]) == tail:
                        end += len(tail)
                        break
                keep[i - 1 : end] = [False] * (end - i + 1)
                shapes.absent_dated = _time_follows(words, end)
                return
        if _passive_absent(words, stemmed, i, keep, vocab, shapes):
            return
        start = -1
        if word in _ABSENT_LEADS:
            start = i + 1
        elif word in _NEGATED_VERBS and words[i + 1 : i + 2] in (["t"], ["not"]):
            start = i + 2
        if start < 0:
            continue
        j = start
        # "closed a single", "rung up a single", "closed their first" (no first one: none)
        while j < len(words) and words[j] in _FILLERS and j < start + 4:
            j += 1
        narrowing: list[tuple[int, int, list[Term]]] = []
        found = vocab.match(stemmed, j) if j < len(words) and keep[j] else None
        for _ in range(2):  # "no remote staff", "without Hardware sales"
            if found is None or any(isinstance(t, TableTerm) for t in found[1]):
                break
            events = _events_measured(vocab, found[1])
            if events is not None:
                found = (found[0], [TableTerm(events, 0)])  # "no revenue": no sales
                break
            narrowing.append((j, found[0], found[1]))
            j += found[0]
            found = vocab.match(stemmed, j) if j < len(words) and keep[j] else None
        tables = [t for t in found[1] if isinstance(t, TableTerm)] if found else []
        size = found[0] if found else 0
        if not tables and narrowing and word == "no":
            # "which regions sold no Training Day", "reps who booked no Hardware on Monday":
            # the verb before "no" names the rows, the values after it narrow them (not
            # "every sale but Training Day").
            tables = _verb_rows(vocab, stemmed, i - 1)
            size = 0
            if tables and keep[i - 1]:
                i -= 1  # the verb is said with the clause: it names the missing rows
        if not tables:
            continue
        table = tables[0].table
        terms: list[Term] = []
        for _, _, said in narrowing:
            own = [t for t in said if isinstance(t, ValueTerm | ColumnTerm) and t.table is table]
            if not own:
                break
            terms.append(own[0])
        else:
            end = j + size
            field = _field_of_someone(stemmed, end, vocab)
            if field is not None:
                # "don't have anyone they report to": the field naming that person is empty,
                # not "no employees" (no rows of the people table pointing back).
                name, size = field
                shapes.nulls.append((name, True))
                for k in range(i, end + size):
                    keep[k] = False
                return
            shapes.absent = table
            shapes.absent_terms = terms
            shapes.absent_at = i
            for tail in _ABSENT_TAILS:
                if tuple(words[end : end + len(tail)]) == tail:
                    end += len(tail)
                    break
            if i > 0 and words[i - 1] == "still":
                i -= 1  # "who still haven't sold": the same missing rows
            for k in range(i, end):
                keep[k] = False
            shapes.absent_dated = _time_follows(words, end)
            return


_PASSIVE_BE = frozenset({"was", "were", "is", "are", "wasn", "weren", "isn", "aren", "been"})
_PASSIVE_NOT = (("not", "even"), ("not", "ever"), ("t", "even"), ("t", "ever"), ("not",), ("t",),
                ("never",))


def _passive_absent(
    words: Sequence[str], stemmed: Sequence[str], i: int, keep: list[bool],
    vocab: Vocabulary, shapes: Shapes,
) -> bool:
    """ "regions where Design Studio was not sold", "products that weren't ordered in May":
    the rows a verb names (a table of events, which nothing else points at), missing; a
    value of theirs said just before is what was not sold. Read as a filter on the rows
    that are there, the answer would total the very rows said missing."""
    if words[i] not in _PASSIVE_BE or not keep[i]:
        return False
    neg = next((n for n in _PASSIVE_NOT if _at(words, i + 1, n)), None)
    if neg is None:
        return False
    verb = i + 1 + len(neg)
    tables = _verb_rows(vocab, stemmed, verb) if verb < len(words) and keep[verb] else []
    if not tables:
        return False
    table = tables[0].table
    if not table.foreign_keys or any(
        fk.ref_table == table.name for other in vocab.tables for fk in other.foreign_keys
    ):
        return False  # "staff who were not hired in 2024": the rows themselves, dated
    start = i
    terms: list[Term] = []
    for k in range(max(0, i - 4), i):
        found = vocab.match(stemmed, k) if all(keep[k:i]) else None
        if found is None or k + found[0] != i:
            continue
        own = [t for t in found[1] if isinstance(t, ValueTerm) and t.table is table]
        if own:
            start, terms = k, [own[0]]
        break
    end = verb + 1
    for tail in _ABSENT_TAILS:
        if tuple(words[end : end + len(tail)]) == tail:
            end += len(tail)
            break
    shapes.absent, shapes.absent_terms, shapes.absent_at = table, terms, start
    for k in range(start, end):
        keep[k] = False
    shapes.absent_dated = _time_follows(words, end)
    return True


def _verb_rows(vocab: Vocabulary, stemmed: Sequence[str], at: int) -> list[TableTerm]:
    """The table a verb at `at` names by itself ("sold": the sales), or none."""
    if at < 0:
        return []
    found = vocab.match(stemmed, at)
    if found is None or found[0] != 1:
        return []
    return [t for t in found[1] if isinstance(t, TableTerm)]


_SOMEONE_LINKS = frozenset({"that", "who", "whom", "they", "he", "she", "them", "one", "can",
                            "to", "whose", "their"})


def _field_of_someone(
    stemmed: Sequence[str], at: int, vocab: Vocabulary
) -> tuple[tuple[str, ...], int] | None:
    """A field said after the rows found missing, as a clause about them ("anyone *they
    report to*", "someone who supervises them"): (its name, words from `at` to its end)."""
    names = _nullable_names(vocab)
    j = at
    while j < len(stemmed) and j < at + 3 and stemmed[j] in _SOMEONE_LINKS:
        j += 1
    if j == at:
        return None
    for size in (3, 2, 1):
        name = tuple(stemmed[j : j + size])
        if len(name) == size and name in names:
            return name, j + size - at
    return None


_SORT_RANKS = frozenset({"highest", "lowest", "biggest", "largest", "smallest", "best",
                         "worst", "most", "least", "newest", "oldest", "latest", "earliest",
                         "top", "greatest", "fewest"})


def _sorted_first(words: Sequence[str], keep: Sequence[bool], *, totals: bool = False) -> int:
    """Where "first" closes an order of rows ("highest salary first", "newest hires first",
    "the biggest ones first"): a ranking word a few words before it, nothing after it but
    the end or a comma, and no count or total asked (unless `totals`); else -1."""
    if not totals and any(w in _COUNT_WORDS for w in words):
        return -1
    for k, word in enumerate(words):
        if word != "first" or not keep[k] or k == 0:
            continue
        if k + 1 < len(words) and words[k + 1] not in (",", "then", "please"):
            continue
        if any(w in _SORT_RANKS for w in words[max(0, k - 3) : k]):
            return k
    return -1


#: Words of `_COUNT_WORDS` long enough to be recognized with a slip ("averge", "nuber"):
#: typo repair reads them later, but a listing is decided before.
_SLIPPED_COUNT_WORDS = ("average", "number", "total", "percent", "percentage", "headcount",
                        "proportion")


def _count_word(word: str) -> bool:
    """Whether `word` asks for a figure (`_COUNT_WORDS`), maybe mistyped: one slip from one of
    `_SLIPPED_COUNT_WORDS` (two for long ones), keeping its first letter, and no form of it
    ("numbers", "totals" are words of their own)."""
    if word in _COUNT_WORDS:
        return True
    if len(word) < 5 or not word.isalpha() or is_keyword(word):
        return False
    return any(
        known[0] == word[0] and not (known.startswith(word) or word.startswith(known))
        and edits(word, known) <= (2 if len(known) >= 7 else 1)
        for known in _SLIPPED_COUNT_WORDS
    )


def _is_listing(words: Sequence[str]) -> bool:
    if any(_count_word(w) for w in words):
        return False
    head = [w for w in words if w not in {"please", "can", "you", "could", "me", "the", "all"}]
    if not head:
        return False
    for i, word in enumerate(words):
        for lead in _LIST_SORTED.get(word, ()):
            if _at(words, i, lead):
                return True
    if words[0] == "all" and any(w in _COUNTED_ROWS for w in words[1:5]) and not any(
        w in ("by", "per", "each", "every") for w in words
    ):
        return True  # "all Hardware orders in the East last May": those orders
    return head[0] in _SHOW or head[0] == "which"


def tables_with_empty_fields(vocab: Vocabulary, shapes: Shapes) -> list[TableTerm]:
    """The tables whose nullable column a "has no ..." names ("who doesn't have a manager"):
    the question's rows when it names none."""
    found = [
        table for table in vocab.tables
        if any(_column_named(table, name) is not None for name, _ in shapes.nulls)
    ]
    return [TableTerm(table, 0) for table in found]


def _column_named(table: Table, name: tuple[str, ...]) -> Column | None:
    found = [c for c in table.columns if c.nullable and not c.hidden and name in _names_of(c)]
    # Its own name first: "no supervisor" is a supervisor column when there is one.
    own = [c for c in found if _own_name(c) == name]
    return next(iter(own or found), None)


#: Words for the person someone reports to. A nullable column whose name or description
#: says one of them ("manager_id", "supervisor", "reports_to", "Line manager of the
#: employee") is named by all of them: "no supervisor", "without a boss", "a line manager".
_BOSS_WORDS = frozenset({"manager", "supervisor", "boss", "superior"})
_BOSS_NAMES = frozenset({("manager",), ("supervisor",), ("boss",), ("superior",),
                         ("line", "manager"), ("direct", "manager"), ("report", "to")})


def _own_name(column: Column) -> tuple[str, ...]:
    """A column's name as words, without "id" ("manager_id": ("manager",))."""
    return tuple(w for w in stems(split_identifier(column.name)) if w != "id")


def _names_of(column: Column) -> set[tuple[str, ...]]:
    """The names a question may give a nullable column: its own, and every word for a boss
    when its name or description is about one (see `_BOSS_WORDS`)."""
    own = _own_name(column)
    names = {own} if own else set()
    said = [*own, *stems(column.display_name or ""), *stems(column.description or "")]
    about_boss = bool(_BOSS_WORDS & set(said)) or any(
        said[k : k + 2] == ["report", "to"] for k in range(len(said) - 1)
    )
    if about_boss:
        names |= _BOSS_NAMES
    return names


def apply_shapes(
    vocab: Vocabulary, draft: Draft, shapes: Shapes, intent: Intent,
    kept: Sequence[DraftFilter] = (),
) -> Draft:
    """`draft` in the shapes asked for (see the module docstring); notes say what was read.
    `kept`: the filters of the last tile a follow-up keeps."""
    if shapes.absent is not None:
        _without_rows(vocab, draft, shapes, intent)
    for name, is_null in shapes.nulls:
        column = _column_named(draft.base, name)
        named = vocab.phrases.get(name, ())
        if column is None and is_null and any(isinstance(t, TableTerm) for t in named):
            # "offices with no employees": rows of another table missing, not a field.
            table = next(t.table for t in named if isinstance(t, TableTerm))
            if shapes.absent is None:
                shapes.absent = table
                _without_rows(vocab, draft, shapes, intent)
            continue
        if column is None:
            draft.notes.append(f"I did not find '{' '.join(name)}' in {draft.base.name}")
            continue
        if is_null and draft.base.primary_key == (column.name,):
            if any(d.table is draft.base and d.grain is None and d.bin is None
                   for d in draft.dims) and _none_in_groups(draft, shapes, intent):
                continue  # "products that had no sales on 2 June": none of those rows
            if shapes.absent is None and any(
                isinstance(t, TableTerm) and t.table is draft.base for t in named
            ) and any(
                d.table is not draft.base and d.grain is None and d.bin is None
                and _linked_to(vocab, draft.base, d.table) for d in draft.dims
            ):
                # "which employee made no sales in May", "each rep who recorded no sales":
                # the rows the breakdown's table has none of (the people without sales).
                shapes.absent = draft.base
                _without_rows(vocab, draft, shapes, intent)
                continue
            # "which reps made no sales in September": the rows' own id is never empty; what
            # is asked is rows missing from this table, which this reading can't find.
            raise Unanswerable(absent_reason(draft.base))
        op = "is_null" if is_null else "is_not_null"
        if any(f.column is column and f.op == op for f in draft.filters):
            continue  # "who have a manager, i.e. manager filled in": said twice, one filter
        draft.filters.append(DraftFilter(draft.base, column, op, None))  # type: ignore[arg-type]
    ratio = _as_ratio(draft, shapes, intent)
    if shapes.ratio_named and not ratio:
        intent.ignored.append("ratio")
    if shapes.share and draft.measures and not ratio:
        counts = not intent.pending or "count" in intent.pending  # "total order count"
        first = draft.measures[0]
        if first.column is not None and first.column.type in TEMPORAL_TYPES:
            # "what share of staff got a 5 at their last review": "last" as the latest date
            # is no amount a share is taken of; the rows are counted.
            draft.measures = [DraftMeasure("count", draft.base, None)]
        if shapes.counted_rows and not intent.measures and counts:
            draft.measures = [DraftMeasure("count", draft.base, None)]
        parts = [f for f in draft.filters if f.column.type not in ("date", "datetime")]
        parts = [f for f in parts if f.op not in ("between", "last", "this", "previous")]
        owner = [f for f in parts if _owns_share(shapes.all_words, f, intent)]
        # "which percent of the orders in February this year came from the North": a value
        # that is neither the whole nor said on the measure is the part, so a period inside
        # another only narrows the rows.
        valued = [f for f in parts if not _is_whole(f, shapes.whole_words)
                  and not _said_on_measure(f, shapes, intent) and f not in kept]
        _sub_period_part(draft, intent, narrow=bool(owner or valued))
        wholes = [f for f in parts if _is_whole(f, shapes.whole_words)]
        if draft.dims:
            # "share of Software revenue by product": the value said on the measure is the
            # whole that the breakdown splits, not each product's part of the total.
            wholes += [f for f in parts if f not in wholes and _said_on_measure(f, shapes, intent)]
        exact = [f for f in wholes if _said_whole(f, shapes)]
        parts = [f for f in parts if f not in (exact or wholes)]
        if owner and any(f in parts for f in owner):
            # "Training Day's cut of Services revenue": the value owning the share is the
            # part, the other values keep the rows (the whole).
            parts = [*(f for f in parts if f not in owner), *(f for f in owner if f in parts)]
        if draft.part is not None:
            parts = []  # a period within a period: that is the part
        named_now = {id(t.column) for v in intent.values for t in v.terms}
        # "software only", then "as percentages": the rows the last tile kept are the
        # whole each share is of, unless named again as the part.
        parts = [f for f in parts if f not in kept or id(f.column) in named_now]
        flag = bool(parts) and parts[-1].column.type == "boolean"
        said = bool(parts) and _said_as_predicate(shapes.words, parts[-1])
        if parts and (flag or said or not (
            shapes.each and intent.per_dim is not None and draft.dims
        )):
            # "what share of revenue is Software": the filtered rows are the part; with "each"
            # ("within Accessories, the share of each product") they are the whole, but a
            # flag stays the part ("percent of people who are remote, in each department":
            # each department's own percent; "among remote staff" is the whole, said so).
            draft.part = parts[-1]
            draft.filters.remove(parts[-1])
            if draft.dims and draft.chart in ("pie", "donut") and not (
                intent.chart is not None and intent.chart.strong
            ):
                draft.chart = None  # each group's own percent: they add up to no whole
        elif draft.part is not None or (not draft.dims and _period_as_part(draft, intent)):
            pass
        elif draft.dims:
            own = [d for d in draft.dims if not any(
                f.column is d.column and f.op == "eq" and d.grain is None for f in draft.filters
            )]
            if own and len(own) < len(draft.dims):
                # "inside Software, each product's share of the category's revenue": the
                # category kept to one value is the whole, no breakdown of its own.
                draft.dims = own
            flags = [d for d in draft.dims if d.column.type == "boolean" and d.bin is None]
            if len(draft.dims) == 2 and len(flags) == 1 and draft.dims[0] is not flags[0]:
                # "in every department, what percent of the team works remotely": the flag
                # is the part and the other breakdown the groups, each with its own percent
                # (not the grand total split two ways, whose numbers look right but are not).
                draft.dims.remove(flags[0])
                draft.part = DraftFilter(flags[0].table, flags[0].column, "eq", True)
            else:
                draft.share = True
                whole = draft.whole_dim
                timed = [d for d in draft.dims if d.grain is not None]
                if intent.whole_grain and len(timed) == 1:
                    whole = timed[0]
                if len(draft.dims) == 2 and whole is not None and whole in draft.dims:
                    # "within each region, what % of revenue each category makes up": each
                    # category's percent of its region's total, not of the grand total.
                    draft.share_within = whole
                    draft.dims = [whole, *(d for d in draft.dims if d is not whole)]
        draft.measures = draft.measures[:1]
    if shapes.running and draft.dims and draft.measures:
        draft.cumulative = True
        draft.measures = draft.measures[:1]
        first = draft.measures[0]
        said_avg = "avg" in intent.pending or any(m.agg == "avg" for m in intent.measures)
        if first.agg == "avg" and first.column is not None and not said_avg:
            # "cumulative salary by hire year": a running total adds up, it never averages.
            draft.measures[0] = replace(first, agg="sum")
        draft.order, draft.limit = None, None
        _through_the_year(draft, shapes, intent)
        _so_far(draft, intent)
    if shapes.top_n is not None and draft.dims and draft.measures:
        draft.limit = shapes.top_n
        if draft.order is None:
            draft.order = True
    if shapes.distribution:
        _as_distribution(draft, shapes, intent, vocab)
    if shapes.compare is None:
        _period_list(draft, intent)
    if shapes.in_order and not shapes.listing and draft.dims and draft.measures and (
        intent.top is None and shapes.top_n is None and shapes.count is None
        and draft.limit_per is None
    ):
        # "each region's share of units, biggest first": every group, in that order.
        draft.limit = None
        draft.order = shapes.rank not in ("smallest", "lowest", "least", "fewest", "worst")
    _per_group(vocab, draft, shapes, intent)
    _each_boss(draft, shapes, intent)
    _filtered_breakdown(draft, ratio)
    _grand_total_of_every(draft, shapes, intent)
    if shapes.listing and not (
        shapes.share or shapes.running or draft.having or draft.limit_per or ratio
    ):  # "ratio of remote to non-remote employees": one number, not the employees
        _as_listing(vocab, draft, intent, shapes.count, shapes.rank, their=shapes.their,
                    in_order=shapes.in_order)
    side = ratio or _value_and_the_rest(draft)
    if shapes.compare == "strong" and not side:
        periods = _periods(intent, shapes)
        if not periods or (len(periods) == 1 and not _compared_with(shapes, periods[0][0])):
            # "Software vs Hardware", "orders between North and South in 2025": the values
            # are compared, the period only says when.
            side = _values_side_by_side(draft)
        elif len(periods) == 2:
            side = _values_and_periods(draft, periods)
    if shapes.compare is not None and not side:
        problem = _as_compare(draft, shapes, intent)
        if draft.compare is None:
            unused = [w for w in shapes.compare_words if w not in STOPWORDS]
            intent.ignored.extend(unused)
            if problem:
                draft.notes.append(problem)
    _figure_checked(vocab, draft, shapes)
    _rank_checked(draft, shapes)
    if shapes.share_bound is not None and (draft.share or draft.part is not None):
        draft.checked = draft.checked or shapes.share_bound
    return draft


_SHARE_BOUNDS = {("more", "than"): "over", ("less", "than"): "under", ("fewer", "than"): "under",
                 ("over",): "over", ("under",): "under", ("above",): "over", ("below",): "under",
                 ("at", "least"): "at least", ("at", "most"): "at most"}


def _share_bound(shapes: Shapes, words: Sequence[str], i: int, keep: list[bool]) -> None:
    """ "is Engineering more than 25 percent of the staff?": in a yes/no question, the bound
    and its number before the percent asked are what the percent is weighed against; they
    are read, not kept as a filter."""
    if words[i] != "percent" or i < 2 or parse_number(words[i - 1]) is None:
        return
    lead = next((w for w in words if w not in ("yes", "or", "no", ":", ",", "so")), "")
    if words[i + 1 : i + 2] != ["of"]:
        return
    for bound, said in _SHARE_BOUNDS.items():
        start = i - 1 - len(bound)
        # "is it true that more than half of ...": the question's lead already read.
        asked = lead in _YES_NO_LEADS | {"do", "does", "did"} or start == 0 or (
            start > 0 and words[start - 1] in ("is", "are", "was", "were"))
        if start >= 0 and tuple(words[start : i - 1]) == bound and asked:
            for k in range(start, i):
                keep[k] = False
            shapes.share_bound = f"{said} {words[i - 1]}%"
            return


_YES_NO_LEADS = frozenset({"is", "was", "are", "were", "isn't", "wasn't", "has", "hasn't"})
_OVER_WORDS = {"gt": "over", "gte": "at least", "lt": "under", "lte": "at most"}


def _figure_checked(vocab: Vocabulary, draft: Draft, shapes: Shapes) -> None:
    """ "is the average salary above 80k?", "was the total revenue in 2024 over 50 million?":
    a yes/no question weighing a total against a number asks for that total (to set against
    the number), not the total of only the rows over it; the answer says so."""
    words = [w for w in shapes.all_words if w not in ("yes", "or", "no", ":", ",", "so")]
    # "did we sell more than 1,000 units yesterday?", "have we shipped over 5k units": what
    # was done in all, weighed.
    done = words[:1] in (["did"], ["do"], ["have"], ["has"]) and words[1:2] in (
        ["we"], ["they"], ["you"]) and words[2:3] and words[2] in _DONE_VERBS
    # "did sales pass $30M in 2025", "has Software revenue topped 10M": a total said as the
    # subject of a verb of passing a bar, weighed the same way.
    done = done or (words[:1] in (["did"], ["do"], ["does"], ["have"], ["has"]) and any(
        w in _PASSING_VERBS for w in words[2:6]))
    if not words or (words[0] not in _YES_NO_LEADS and not shapes.claimed and not done) or (
        "there" in (words[:1] if shapes.claimed else words[1:2])
    ):
        return  # "are there staff over 60": rows that pass, counted
    if draft.dims or draft.records or draft.having or len(draft.measures) != 1:
        return
    measure = draft.measures[0]
    if measure.agg not in ("avg", "sum", "min", "max", "median") or measure.column is None:
        return
    bounds = [f for f in draft.filters if f.op in _OVER_WORDS and f.table is measure.table]
    if done and measure.agg == "sum" and len(bounds) == 1 and bounds[0].column is not (
        measure.column
    ) and _said_after_number(vocab, shapes, bounds[0]):
        # "did we sell more than 1,000 units": the units sold in all, not the revenue of
        # the sales of over 1,000 units each.
        draft.measures[0] = measure = replace(measure, column=bounds[0].column)
    checked = [f for f in draft.filters if f.column is measure.column and f.op in _OVER_WORDS]
    value = checked[0].value if len(checked) == 1 else None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return
    f = checked[0]
    draft.filters.remove(f)
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    draft.checked = f"{_OVER_WORDS[f.op]} {number}"
    draft.notes.append(f"I showed the figure itself, to weigh against {number} (not only "
                       f"the rows {draft.checked})")


#: What a yes/no question says was done in all ("did we sell more than 1,000 units").
_DONE_VERBS = frozenset({"sell", "sold", "ship", "shipped", "move", "moved", "make", "made",
                         "earn", "earned", "book", "booked", "generate", "generated", "bring",
                         "brought", "do", "did", "close", "closed", "log", "logged", "take",
                         "took", "pass", "passed", "hit", "reach", "reached", "clear",
                         "cleared", "top", "topped", "exceed", "exceeded", "beat", "surpass",
                         "surpassed", "break", "broke", "achieve", "achieved"})


#: Verbs of a total passing (or reaching) a bar, in a yes/no question.
_PASSING_VERBS = frozenset({"pass", "passed", "hit", "reach", "reached", "clear", "cleared",
                            "top", "topped", "exceed", "exceeded", "beat", "surpass",
                            "surpassed", "break", "broke", "cross", "crossed", "go", "went"})


def _said_after_number(vocab: Vocabulary, shapes: Shapes, bound: DraftFilter) -> bool:
    """Whether the bound's column is named right after its number ("1,000 units")."""
    words = shapes.all_words
    for i, w in enumerate(words[:-1]):
        if parse_number(w) is None:
            continue
        terms = vocab.phrases.get((singular(words[i + 1]),), ())
        if any(getattr(t, "column", None) is bound.column and not isinstance(t, ValueTerm)
               for t in terms):
            return True
    return False


_ASKED_LEADS = _YES_NO_LEADS | {"do", "does", "did", "aren't", "weren't", "doesn't", "didn't"}


def _rank_checked(draft: Draft, shapes: Shapes) -> None:
    """ "was the Workstation Tower one of our top 3 products in 2023?", "is Laptop Pro 14 the
    number one product in every region?": a yes/no question whether a value ranks among the
    top shows the top ones (where the value is, or is not), not the value alone; the
    answer says so."""
    words = [w for w in shapes.all_words if w not in ("yes", "or", "no", ":", ",", "so")]
    if not words or (words[0] not in _ASKED_LEADS and not shapes.claimed):
        return
    if draft.limit is None or not draft.dims or draft.records:
        return
    ranked = {id(d.column) for d in draft.dims if d.grain is None and d.bin is None}
    named = [f for f in draft.filters if id(f.column) in ranked and f.op in ("eq", "in")]
    if len(named) != 1:
        return
    f = named[0]
    draft.filters.remove(f)
    value = ", ".join(map(str, f.value)) if isinstance(f.value, list) else str(f.value)
    among = "the top one" if draft.limit == 1 else "among them"
    draft.notes.append(f"I showed the top ones, to see whether {value} is {among} (not "
                       f"{value} alone)")


_REPORTING = frozenset({"report", "reports", "reporting", "reported"})


def _each_boss(draft: Draft, shapes: Shapes, intent: Intent) -> None:
    """ "each manager with the number of people reporting to them": a breakdown by the field
    naming whom someone reports to is one row per boss; the people with nobody above them
    are no boss (their empty group is left out, and the answer says so by the filter)."""
    if not _REPORTING & set(shapes.all_words):
        return
    for d in draft.dims:
        if d.grain is not None or d.bin is not None or not d.column.nullable:
            continue
        if not (_names_of(d.column) & _BOSS_NAMES):
            continue
        if not any(f.column is d.column for f in draft.filters):
            draft.filters.append(DraftFilter(d.table, d.column, "is_not_null", None))
        intent.unknown = [w for w in intent.unknown if w not in _REPORTING]  # it was used
        intent.ignored = [w for w in intent.ignored if w not in _REPORTING]


def _linked_to(vocab: Vocabulary, related: Table, base: Table) -> bool:
    """Whether rows of `related` point at rows of `base` along the catalog's foreign keys
    (what a `without` filter follows)."""
    catalog = vocab.catalog_of(base)
    if related is base:
        return any(
            catalog.table(fk.ref_table, fk.ref_schema) is base for fk in base.foreign_keys
        ) and sum(
            1 for fk in base.foreign_keys if catalog.table(fk.ref_table, fk.ref_schema) is base
        ) == 1
    try:
        find_join_path(catalog, related, base)
    except QueryError:
        return False
    return True


def _without_rows(vocab: Vocabulary, draft: Draft, shapes: Shapes, intent: Intent) -> None:
    """ "reps with no sales", "offices without remote staff", "who didn't sell anything in
    2025": the rows of the draft's table that no row of the related table points at (a
    `without` filter), narrowed by the words said with it and by a time said right after
    it. A draft on the related table itself ("sales reps" read as sales) moves to the table
    its rows point at that the question is about (the people)."""
    related = shapes.absent
    assert related is not None
    carried: list[DraftFilter] = []
    if draft.base is not related:
        _groups_of_related(vocab, draft, related, intent)
    if draft.base is related and any(
        d.table is related and d.bin is None and (d.grain is None or _grain_of_time(d, related))
        for d in draft.dims
    ):
        # "which products had no orders yesterday": values of the related rows' own column
        # that none of them has; not the rows another table points from (the people).
        if _none_in_groups(draft, shapes, intent):
            return
        raise Unanswerable(absent_reason(related))
    if draft.base is related and not _linked_to(vocab, related, related):
        targets = [
            t for t in vocab.tables
            if t is not related and _linked_to(vocab, related, t)
            and vocab.label_column(t) is not None
        ]
        if not targets:
            raise Unanswerable(absent_reason(related))
        base = next((t for t in targets if any(f.table is t for f in draft.filters)), None) or next(
            (t for t in targets if any(d.table is t for d in draft.dims)), targets[0]
        )
        kept = [f for f in draft.filters if f.table is not related]
        # The related rows' own filters ("in May", "of Hardware") narrow the rows missing.
        carried = [f for f in draft.filters if f.table is related]
        draft.base, draft.measures, draft.dims, draft.filters = base, [], [], kept
        draft.order, draft.limit = None, None
        shapes.listing = True
    if not _linked_to(vocab, related, draft.base):
        raise Unanswerable(absent_reason(related))
    where = _absent_where(related, shapes)
    where += [f for f in carried if f not in where]
    if shapes.absent_dated:
        when = vocab.time_columns(related)
        dated = [
            f for f in draft.filters
            if f.column.type in TEMPORAL_TYPES and f.table is draft.base
        ]
        said = [(_said_at(shapes.all_words, span.label), span) for _, span in intent.date_ranges]
        after = [span for at, span in said if at > shapes.absent_at >= 0]
        before = [span for at, span in said if 0 <= at < shapes.absent_at]
        if when and dated and after and before:
            # "hired before 2025 who have no sales so far this year": the period said before
            # the clause is the rows' own, the one said after it the missing rows'.
            own = dated[0].column
            for f in dated:
                draft.filters.remove(f)
            draft.filters += date_filters(draft.base, own, before[-1])
            where += date_filters(related, when[0], after[0])
        elif when and dated:
            for f in dated:
                draft.filters.remove(f)
                where.append(replace(f, table=related, column=when[0]))
    draft.without.append(DraftWithout(related, tuple(where)))
    counted = [m for m in draft.measures if m.agg == "count" and m.column is None]
    if not draft.dims and not draft.records and draft.measures == counted and not (
        intent.pending or intent.measures
    ):
        # "offices with no remote staff", "reps without sales": which ones, not how many.
        shapes.listing = True



def _grain_of_time(dim: DraftDim, table: Table) -> bool:
    """Whether `dim` is periods ("months", "weeks") of a date column of `table`'s own."""
    return dim.grain is not None and dim.table is table and dim.column.type in TEMPORAL_TYPES


def _groups_of_related(vocab: Vocabulary, draft: Draft, related: Table, intent: Intent) -> None:
    """ "which region had no Hardware sales in May": the breakdown's word names a column of
    the rows said missing too (the sales' own region, next to the offices' region), so the
    groups are those rows' values with none of them (`_none_in_groups`), not the rows of
    another table that no such row points at. The draft moves to the related table when
    every filter it has is a date (then the related rows' date) or already theirs."""
    if len(draft.dims) != 1 or draft.dims[0].bin is not None:
        return
    own = draft.dims[0].column
    if own is vocab.label_column(draft.base):
        return  # "which offices have no remote staff": the table's own rows, by their name
    when = next(iter(vocab.time_columns(related)), None)
    if draft.dims[0].grain is not None:
        # "which months of 2024 had no Hardware sales": months of the related rows' date.
        if when is None or own.type not in TEMPORAL_TYPES:
            return
        group = DraftDim(related, when, draft.dims[0].grain)
    else:
        sibling = next((
            t.column for d in intent.dims for t in d.terms
            if any(isinstance(o, ColumnTerm) and o.column is own for o in d.terms)
            and isinstance(t, ColumnTerm) and t.table is related and t.column is not None
            and t.column.type not in TEMPORAL_TYPES and t.column.name not in related.primary_key
        ), None)
        if sibling is None:
            return
        group = DraftDim(related, sibling)
    filters: list[DraftFilter] = []
    for f in draft.filters:
        if f.table is related:
            filters.append(f)
        elif f.column.type in TEMPORAL_TYPES and when is not None:
            filters.append(replace(f, table=related, column=when))
        else:
            return
    draft.base, draft.filters, draft.dims = related, filters, [group]
    draft.measures = [DraftMeasure("count", related, None)]
    said = (group.column.display_name or group.column.name).replace("_", " ").lower()
    draft.notes.append(f"the groups are read as the {said} of {table_label(related).lower()}")


def _absent_where(related: Table, shapes: Shapes) -> list[DraftFilter]:
    """The conditions said with the missing rows ("no *remote* staff", "no *Hardware*
    sales"): a value of theirs, or a flag that is true."""
    where: list[DraftFilter] = []
    for term in shapes.absent_terms:
        if isinstance(term, ValueTerm):
            values = list(term.values)
            where.append(DraftFilter(
                related, term.column, "eq" if len(values) == 1 else "in",
                values[0] if len(values) == 1 else values,  # type: ignore[arg-type]
            ))
        elif isinstance(term, ColumnTerm) and term.column.type == "boolean":
            where.append(DraftFilter(related, term.column, "eq", True))
    for column, number in shapes.absent_numbers:
        value = int(number) if number.is_integer() else number
        where.append(DraftFilter(related, column, "eq", value))
    return where

def _none_in_groups(draft: Draft, shapes: Shapes, intent: Intent) -> bool:
    """ "which products had no orders yesterday", "job titles with no remote staff", "which
    regions had zero Hardware sales in May": the values of the breakdown (a column of the
    table itself) whose count of the rows said missing is 0, over all the table's rows.
    What the missing rows are: the words said with them ("no *remote* staff"), any period
    and flag (kept as a filter, they would leave only the groups that have such rows), and
    the values said after the clause ("no orders *in the West*"); values said before it
    ("in Sydney, which departments ...") keep the rows the groups are made of. False when
    nothing narrows the missing rows (every group has rows) or one can't be a condition."""
    related = draft.base
    where = _absent_where(related, shapes)
    after: set[int] = set()
    for slot in intent.values:
        at = _said_at(shapes.all_words, slot.text)
        if at > shapes.absent_at >= 0:
            after |= {id(t.column) for t in slot.terms}
    periods = {id(d.column) for d in draft.dims if _grain_of_time(d, related)}
    # "no HR employee with rating 5": a number said after the clause is one of the missing
    # rows' conditions, as a value said there is.
    numbers_after = {parse_number(w) for w in shapes.all_words[shapes.absent_at + 1 :]} if (
        shapes.absent_at >= 0) else set()
    moved = [
        f for f in draft.filters
        if (f.column.type in TEMPORAL_TYPES and id(f.column) not in periods)
        or f.column.type == "boolean" or id(f.column) in after
        or (f.column.type in NUMERIC_TYPES and f.op in ("eq", "gt", "gte", "lt", "lte")
            and isinstance(f.value, (int, float)) and float(f.value) in numbers_after)
    ]
    if any(f.op not in ("eq", "neq", "in", "not_in", "between", "gt", "gte", "lt", "lte")
           for f in moved):
        return False
    where += [f for f in moved if f not in where]
    if not where or draft.having or draft.records:
        return False
    for f in moved:
        draft.filters.remove(f)
    # "months of 2023 with no Hardware sales": periods of the rows' own date (the period said
    # bounds the months listed, it is no condition of the missing rows).
    dims = [d for d in draft.dims if d.table is related and d.bin is None
            and (d.grain is None or _grain_of_time(d, related))]
    draft.dims = dims[:1]
    draft.measures = [DraftMeasure("count", related, None)]
    draft.none_of = tuple(where)
    draft.order, draft.limit, draft.chart = None, None, "table"
    if draft.dims:
        said = (draft.dims[0].column.display_name or draft.dims[0].column.name).replace("_", " ")
        draft.notes.append(
            f"only the {said.lower()} values that appear in {table_label(related).lower()} "
            "are listed"
        )
    return True


_RANGE_OPS = frozenset({"between", "gte", "gt", "lte", "lt"})
_THROUGH = frozenset({"through", "thru", "throughout"})


def _owns_share(words: Sequence[str], f: DraftFilter, intent: Intent) -> bool:
    """ "North's share of deals in Q3", "the Hardware share": a value said right before the
    share word is the part."""
    values = f.value if isinstance(f.value, list) else [f.value]
    for slot in intent.values:
        if not any(t.column is f.column and set(values) & set(t.values) for t in slot.terms):
            continue
        at = _said_at(words, slot.text)
        if at < 0:
            continue
        end = at + len(slot.text.split())
        if words[end : end + 1] == ("s",):
            end += 1
        if words[end : end + 1] and words[end] in _OWNED_SHARES:
            return True
    return False


_OWNED_SHARES = frozenset({"share", "proportion", "percentage", "percent", "fraction", "cut",
                           "slice", "portion", "piece", "chunk", "part", "pct"})


def _period_as_part(draft: Draft, intent: Intent) -> bool:
    """ "of everyone we ever hired, what fraction joined in 2022", "what share of all our
    revenue came in 2024": a share with no value or breakdown to be the part, and one period
    said: the rows of that period are the part, of all the rows."""
    if draft.records or draft.having or len(intent.date_ranges) != 1 or len(draft.measures) != 1:
        return False
    dated = [f for f in draft.filters if f.column.type in TEMPORAL_TYPES]
    if len(dated) != 1 or dated[0].op != "between" or draft.any_of:
        return False
    draft.part = dated[0]
    draft.filters.remove(dated[0])
    return True


def _sub_period_part(draft: Draft, intent: Intent, *, narrow: bool = False) -> None:
    """ "how much of 2024's revenue came in Q4, in %", "share of 2023 hires made in the
    first half": of two periods named, one inside the other, the outer one keeps the rows
    (the whole) and the inner one is the part; a period said without its year ("Q4") is
    in the other one's year. With `narrow` (the part is a value: "North's share of deals
    in Q3 this year"), the inner period keeps the rows instead."""
    spans = [(label, span) for _, span in intent.date_ranges
             for label in (span.label,) if span.start is not None and span.end is not None]
    if len(spans) != 2 or draft.part is not None or draft.records:
        return
    dated = [f for f in draft.filters if f.column.type in TEMPORAL_TYPES and f.op in _RANGE_OPS]
    if not dated:
        return
    ranges: list[tuple[dt.date, dt.date, bool]] = []
    for label, span in spans:
        assert span.start is not None and span.end is not None
        ranges.append((span.start, span.end, _no_year(label)))
    (a_start, a_end, a_free), (b_start, b_end, b_free) = ranges
    outer, inner = ((a_start, a_end), (b_start, b_end))
    if _months(a_start, a_end) is not None and _months(b_start, b_end) is not None and (
        (_months(a_start, a_end) or 0) < (_months(b_start, b_end) or 0)
    ):
        outer, inner = inner, outer
        a_free, b_free = b_free, a_free
    start, end = inner
    if b_free and outer[0].year == outer[1].year and start.year == end.year:
        start, end = start.replace(year=outer[0].year), _same_day_in(end, outer[0].year)
    if not (outer[0] <= start and end <= outer[1]) or (start, end) == outer:
        return
    table, column = dated[0].table, dated[0].column
    draft.filters = [f for f in draft.filters if f not in dated]
    if narrow:
        draft.filters.extend(date_filters(table, column, DateRange(start, end, "")))
        return
    draft.filters.extend(date_filters(table, column, DateRange(outer[0], outer[1], "")))
    draft.part = DraftFilter(table, column, "between", [start.isoformat(), end.isoformat()])


def _so_far(draft: Draft, intent: Intent) -> None:
    """ "cumulative hires per month this year": a running total through the current
    period adds up what there is so far, up to and including today."""
    span = intent.date_range
    if span is None or span.now is None or span.start is None or span.end is None:
        return
    if not span.start <= span.now < span.end:
        return
    dated = [
        f for f in draft.filters
        if f.column.type in TEMPORAL_TYPES and f.op == "between"
        and f.value == [span.start.isoformat(), span.end.isoformat()]
    ]
    if len(dated) != 1:
        return
    at = draft.filters.index(dated[0])
    draft.filters[at] = replace(dated[0], value=[span.start.isoformat(), span.now.isoformat()])
    draft.notes.append(f"a running total through this {_unit_of(span.start, span.end) or 'period'}"
                       f" adds up to today ({span.now.isoformat()})")


def _through_the_year(draft: Draft, shapes: Shapes, intent: Intent) -> None:
    """ "cumulative revenue through 2024 by month", "units accumulating quarter by quarter
    through 2024": a running total along the months of that year, from its start, not from
    the first row of the data ("revenue up to 2024" still counts from the start)."""
    span = intent.date_range
    if span is None or span.start is not None or span.end is None:
        return
    end = span.end
    if (end.month, end.day) != (12, 31):
        return
    words = shapes.words
    if not any(
        w in _THROUGH and words[k + 1 : k + 2] == (str(end.year),) for k, w in enumerate(words)
    ):
        return
    timed = [d for d in draft.dims if d.grain in ("day", "week", "month", "quarter")]
    if not timed:
        return
    column = timed[0].column
    bounds = [f for f in draft.filters if f.column is column and f.op in ("lte", "lt")]
    if len(bounds) != 1:
        return
    draft.filters.remove(bounds[0])
    year = DateRange(dt.date(end.year, 1, 1), end, str(end.year))
    draft.filters.extend(date_filters(bounds[0].table, column, year))


def _said_at(words: Sequence[str], text: str) -> int:
    """Where the phrase `text` starts among `words` (-1 when it is not there)."""
    wanted = text.lower().split()
    for k in range(len(words) - len(wanted) + 1):
        if list(words[k : k + len(wanted)]) == wanted:
            return k
    return -1


def _as_ratio(draft: Draft, shapes: Shapes, intent: Intent) -> bool:
    """ "ratio of Hardware revenue to Software revenue", "Paris headcount divided by London
    headcount", "remote staff per office-based staff member, as a ratio": two values of one
    column (or a flag both ways) with a ratio cue are the two parts of one ratio — the measure
    over the rows of the first divided by the same measure over the rows of the second — not
    one total over both. With a cue that only divides ("divided by", "relative to", "for
    every"), the first value must come before the cue and the second after it."""
    if not draft.measures or draft.records or (shapes.ratio_at < 0 and not shapes.ratio_named):
        return False
    first = draft.measures[0]
    if first.over is not None and (first.over.column, first.over.agg) != (
        first.column, first.agg
    ):
        return False  # "revenue per unit for Hardware vs Software": a ratio already
    if first.agg == "count_distinct":
        return False
    pairs: list[tuple[DraftFilter, DraftFilter, list[str], object]] = []
    for f in draft.filters:
        if f.op == "in" and isinstance(f.value, list) and len(f.value) == 2 and (
            f.column.type not in TEMPORAL_TYPES
        ):
            a, b = (replace(f, op="eq", value=v) for v in f.value)
            # Where each value was said, in the question's own words ("engineers").
            texts = [
                next((slot.text for slot in intent.values if any(
                    t.column is f.column and v in t.values for t in slot.terms
                )), str(v))
                for v in f.value
            ]
            pairs.append((a, b, texts, f))
    flags = [s for s in intent.bools]
    if len(flags) == 2 and flags[0].negate != flags[1].negate:
        for d in draft.dims:
            if d.column.type == "boolean" and any(d.column is t.column for t in flags[0].terms):
                a = DraftFilter(d.table, d.column, "eq", not flags[0].negate)
                b = DraftFilter(d.table, d.column, "eq", flags[0].negate)
                texts = [("not " if s.negate else "") + s.text for s in flags[:2]]
                pairs.append((a, b, texts, d))
    if not pairs and shapes.ratio_named and _to_the_whole(shapes.all_words, intent):
        # "remote to total ratio by country", "ratio of Hardware orders to all orders": the
        # rows of the one value said over all the rows.
        return _ratio_of_whole(draft, intent, first)
    if len(pairs) != 1:
        return False
    top, bottom, texts, source = pairs[0]
    if not shapes.ratio_named:
        words = shapes.all_words
        at = [_flag_said_at(words, t) for t in texts]
        cue = shapes.ratio_at
        size = next((len(c) for c in _RATIO_CUES if tuple(words[cue : cue + len(c)]) == c), 1)
        if any(k < 0 for k in at) or at[0] == at[1]:
            return False
        between = words[cue + size : min(at)] if cue >= 0 else ()
        if len(between) == 2 and between[1] == "of" and between[0] not in _LINKS:
            between = between[:1]  # "for every dollar of Hardware revenue": its amount
        named = set(stems(split_identifier(top.column.name)))
        if cue >= 0 and cue < min(at) and len(between) <= 2 and not (
            _LINKS.intersection(between) or named.intersection(stems(" ".join(between)))
        ):  # not "revenue per region (North, East)": the values of the breakdown named
            # "for every Hardware order, how many Software orders": the part said right
            # after the cue is what the other is counted against.
            if at[0] < at[1]:
                top, bottom = bottom, top
        elif not at[0] < cue < at[1]:
            return False
    draft.filters = [f for f in draft.filters if f is not source]
    # "support people per engineer": the column of the two parts is no breakdown as well.
    draft.dims = [d for d in draft.dims if d is not source and d.column is not top.column]
    draft.measures = [replace(first, over=None)]
    draft.ratio = (top, bottom)
    draft.compare, draft.share, draft.part = None, False, None
    draft.order = None if not draft.dims else draft.order
    used = {"ratio", "ratios", "relative", "divided", "multiple"}
    intent.ignored[:] = [w for w in intent.ignored if w not in used]
    intent.unknown[:] = [w for w in intent.unknown if w not in used]
    return True


_WHOLE_WORDS = frozenset({"total", "all", "everyone", "everybody", "overall", "whole"})


def _to_the_whole(words: Sequence[str], intent: Intent) -> bool:
    """Whether the ratio is said to be of the whole ("to total", "to all (orders)", "to
    headcount": the rows or the measure themselves)."""
    rows = {w.lower() for w in intent.row_words}
    rows |= {m.text.lower().split()[0] for m in intent.measures if m.text.split()}
    for k, w in enumerate(words):
        if w != "to":
            continue
        rest = [x for x in words[k + 1 : k + 4] if x not in ("the", "our", "all")]
        if words[k + 1 : k + 2] and words[k + 1] in _WHOLE_WORDS:
            return True
        if rest and rest[0] in rows:
            return True
    return False


def _ratio_of_whole(draft: Draft, intent: Intent, first: DraftMeasure) -> bool:
    named = {id(t.column) for v in intent.values for t in v.terms}
    named |= {id(t.column) for b in intent.bools for t in b.terms}
    parts = [f for f in draft.filters if f.op == "eq" and id(f.column) in named
             and f.column.type not in TEMPORAL_TYPES]
    if len(parts) != 1:
        return False
    draft.filters.remove(parts[0])
    draft.dims = [d for d in draft.dims if d.column is not parts[0].column]
    draft.measures = [replace(first, over=None)]
    draft.ratio = (parts[0], None)
    draft.compare, draft.share, draft.part = None, False, None
    draft.order = None if not draft.dims else draft.order
    used = {"ratio", "ratios", "total", "overall"}
    intent.ignored[:] = [w for w in intent.ignored if w not in used]
    intent.unknown[:] = [w for w in intent.unknown if w not in used]
    return True


# Words that open another part of a question: a value after them is a filter of their own
# ("revenue per month for Hardware and Software"), not the part a ratio is counted against.
_LINKS = frozenset({",", "for", "in", "at", "of", "by", "from", "with", "and", "or", "to",
                    "on", "across", "vs", "versus"})


def _flag_said_at(words: Sequence[str], text: str) -> int:
    """Where `text` is said; a plain flag ("remote") not where it is said negated ("not
    remote")."""
    if text.startswith("not "):
        return _said_at(words, text)
    wanted = text.lower().split()
    for k in range(len(words) - len(wanted) + 1):
        if list(words[k : k + len(wanted)]) == wanted and (k == 0 or words[k - 1] != "not"):
            return k
    return -1


_WITH_WORDS = frozenset({"with", "to", "against", "and"})


def _compared_with(shapes: Shapes, at: int) -> bool:
    """Whether the period at word `at` is the one compared with: right after the cue ("revenue
    vs last year") or after "with" / "to" ("compare revenue with 2024")."""
    if at == shapes.compare_at:
        return True
    return 0 < at <= len(shapes.words) and shapes.words[at - 1] in _WITH_WORDS


def _values_and_periods(draft: Draft, periods: list[tuple[int, dt.date, dt.date]]) -> bool:
    """ "put Hardware and Software side by side: 2023 revenue, 2024 revenue": two values and
    two periods of one unit compared at once are a breakdown by both — each value in each
    period — not one total over both values against the period before."""
    (_, a_start, a_end), (_, b_start, b_end) = sorted(periods, key=lambda p: p[1])
    unit = _unit_of(a_start, a_end)
    if unit is None or unit != _unit_of(b_start, b_end) or draft.dims:
        return False
    values = [f for f in draft.filters if f.op == "in" and isinstance(f.value, list)
              and len(f.value) >= 2 and f.column.type not in TEMPORAL_TYPES]
    dated = [f for f in draft.filters if f.column.type in TEMPORAL_TYPES and f.op in _RANGE_OPS]
    if len(values) != 1 or not dated:
        return False
    where = (dated[0].table, dated[0].column)
    draft.filters = [f for f in draft.filters if f not in dated]
    if _next_of(a_start, a_end) == (b_start, b_end):
        draft.filters.extend(date_filters(*where, DateRange(a_start, b_end, "")))
    else:
        draft.any_of.append(_any_period(*where, [(a_start, a_end), (b_start, b_end)]))
    draft.dims = [DraftDim(values[0].table, values[0].column),
                  DraftDim(*where, unit)]  # type: ignore[arg-type]
    draft.order, draft.limit, draft.compare = None, None, None
    return True


def _value_and_the_rest(draft: Draft) -> bool:
    """ "Hardware revenue against everything that is not Hardware", "remote vs non-remote
    headcount": a value and its negation said together keep no row as one filter; they are
    two sides, the measure over each (any period said only says when)."""
    if draft.records or draft.share or draft.cumulative or draft.part is not None:
        return False
    if not draft.measures or draft.dims or len(set(draft.measures)) != 1:
        return False  # "Hardware revenue vs non-Hardware revenue": the same measure twice
    for f in draft.filters:
        if f.op != "eq":
            continue
        rest = next((g for g in draft.filters if g.op == "neq" and g.column is f.column
                     and g.table is f.table and g.value == f.value), None)
        if rest is None:
            continue
        draft.filters = [g for g in draft.filters if g is not f and g is not rest]
        draft.sides = (f, rest)
        draft.measures = draft.measures[:1]
        draft.compare, draft.order, draft.limit = None, None, None
        return True
    return False


def _values_side_by_side(draft: Draft) -> bool:
    """ "revenue per unit for Software vs Hardware": values compared are a breakdown (kept
    to those values), not one total over both."""
    if draft.records or len(draft.dims) >= 2:
        return False
    for f in draft.filters:
        if f.op == "in" and any(d.column is f.column and d.grain is None for d in draft.dims):
            return True  # "Hardware against Services: how many orders each": side by side
    for f in draft.filters:
        if f.op == "in" and isinstance(f.value, list) and len(f.value) >= 2 and all(
            d.column is not f.column for d in draft.dims
        ):
            draft.dims.append(DraftDim(f.table, f.column))
            return True
    return False


def _as_distribution(draft: Draft, shapes: Shapes, intent: Intent, vocab: Vocabulary) -> None:
    """Counts of rows per band of the number the question names ("distribution of
    salaries"): bands of the width asked for, that many equal bands, or for a small whole
    number that is averaged (a rating) a count per value; else 10 equal bands."""
    if draft.records or draft.share or draft.cumulative:
        return
    numeric = [d for d in draft.dims if d.column.type in NUMERIC_TYPES and d.grain is None]
    source: tuple[Table, Column] | None = None
    dated = [t for t in intent.time_columns if t.table is draft.base]
    if not numeric and dated and not intent.measures and not intent.pending:
        _dates_spread(draft, intent, dated[0].column)
        return
    if numeric:
        source = (numeric[0].table, numeric[0].column)
    else:
        for m in draft.measures:
            if m.column is not None and m.column.type in NUMERIC_TYPES:
                source = (m.table, m.column)
                break
    main = vocab.default_measure(draft.base).column
    if source is None and intent.pending and main is not None and main.type in NUMERIC_TYPES:
        # "how big were our orders, as a histogram": the orders counted per band of their
        # own amount.
        source = (draft.base, main)
    if source is None:
        _dates_spread(draft, intent, None)
        return
    table, column = source
    bands = shapes.bands
    if bands is None and not (column.type == "integer" and natural_agg(column) == "avg"):
        bands = ("count", 10.0)
        label = column.display_name or column.name.replace("_", " ")
        draft.notes.append(
            f"I cut {label} into 10 equal bands; ask for 'bands of ...' for another size"
        )
    dim = DraftDim(table, column, None, bands)
    rest = [d for d in draft.dims if d.column is not column]
    draft.dims = [dim, *rest]
    draft.measures = [DraftMeasure("count", draft.base, None)]
    draft.order, draft.limit, draft.having, draft.compare = None, None, [], None
    draft.limit_per = None
    draft.filters = [
        f for f in draft.filters if not (f.column is column and f.op in _RANGE_OPS and numeric)
    ]


def _dates_spread(draft: Draft, intent: Intent, column: Column | None) -> None:
    """ "how are hire dates spread", "distribution of sales over time": rows counted per
    year (of `column`, a date of the question's table, when it names one), unless the
    question names the grain ("... by month") or a period, which the grain then fits."""
    timed = [d for d in draft.dims if d.grain is not None]
    named = intent.grain is not None and intent.grain.grain is not None
    if column is not None and not timed:
        grain = intent.grain.grain if intent.grain and intent.grain.grain else "year"
        if intent.date_range is not None and not named:
            grain = auto_grain(intent.date_range)
        draft.dims = [DraftDim(draft.base, column, grain), *draft.dims]
        draft.measures = [DraftMeasure("count", draft.base, None)]
        draft.order, draft.limit, draft.having, draft.compare = None, None, [], None
        return
    if not timed or named or intent.date_range is not None:
        return
    draft.dims = [DraftDim(d.table, d.column, "year") if d is timed[0] else d for d in draft.dims]


def _per_group(vocab: Vocabulary, draft: Draft, shapes: Shapes, intent: Intent) -> None:
    """ "the 3 best-selling products in each category", "top category each year": a ranking
    whose N applies within each value of the breakdown named after "each" / "per"."""
    group = draft.per_dim
    ranked = intent.top is not None or intent.superlative is not None or shapes.top_n
    extreme = not ranked and len(draft.measures) == 1 and draft.measures[0].agg in ("max", "min")
    holder = False
    if extreme and group is not None and draft.dims == [group] and not draft.records and (
        _who_holds_it(shapes.all_words)
    ):
        # "the highest salary per department, and who has it": the person holding that
        # value in each group, by their name (the label of the rows measured).
        first = draft.measures[0]
        label = vocab.label_column(first.table) if first.column is not None else None
        if label is not None and first.table is group.table and label is not group.column:
            draft.dims.append(DraftDim(first.table, label))
            draft.order = first.agg == "max"  # the lowest one's holder: ranked lowest first
            holder = True
    if extreme and group is not None and len(draft.dims) == 2 and not draft.records:
        # "max salary per department, with the name of the person who gets it": the row
        # holding that value in each group, not every person's own maximum.
        other = next(d for d in draft.dims if d is not group)
        first = draft.measures[0]
        ranked = (other.table is first.table and first.column is not None
                  and vocab.label_column(other.table) is other.column and other.grain is None)
        if ranked and draft.order is None:
            draft.order = first.agg == "max"
    if group is None or group not in draft.dims or len(draft.dims) != 2 or not ranked:
        return
    if not draft.measures or draft.share or draft.cumulative or draft.compare:
        return
    if intent.superlative is not None and intent.superlative.temporal and intent.top is None:
        return  # "the latest hire in each office": dates, not a ranking of totals
    others = [d for d in intent.dims if d is not intent.per_dim]
    if intent.top is not None:
        n = intent.top.n
    elif holder:
        n = 1  # "the highest salary": one value, and the one person holding it
    elif shapes.top_n is not None:
        n = shapes.top_n
    elif others and not any(d.plural for d in others):
        n = 1  # "the best product in every region"
    elif intent.ranked_grain is not None and not intent.ranked_plural:
        n = 1  # "the best month of each year"
    elif not others and intent.grain is not None and intent.grain.grain and not intent.grain.by:
        n = 1  # "the best month for revenue in each category"
    else:
        n = draft.limit or 3
    _sellers_of_a_kind(vocab, draft, group, intent)
    draft.limit, draft.limit_per = n, group
    if draft.order is None:
        draft.order = intent.top.desc if intent.top else (
            intent.superlative.desc if intent.superlative else True
        )
    # The group first: the rows read "in each category, its 3 best products".
    draft.dims = [group, *(d for d in draft.dims if d is not group)]
    _own_values_ranked(vocab, draft)


_HOLDS = frozenset({"has", "holds", "gets", "earns", "makes", "had", "got", "earned", "made",
                    "held", "it", "that"})


def _who_holds_it(words: Sequence[str]) -> bool:
    """ "..., and who has it", "and who earns that", "plus who it is": the person holding
    the value just asked for, said after it (not a question led by "who")."""
    for k in range(1, len(words) - 1):
        if words[k] != "who" or words[k - 1] not in ("and", "plus", ",", "with"):
            continue
        rest = [w for w in words[k + 1 : k + 4] if w not in (".", "?", "!")]
        if rest[:1] and rest[0] in _HOLDS and (
            rest[0] in ("it", "that") or rest[1:2] in (["it"], ["that"], ["them"])
        ):
            return True
    return False


def _filtered_breakdown(draft: Draft, ratio: bool) -> None:
    """ "Support team: average pay per job title on that team": a column kept to one value
    ("Support") is not also a breakdown beside another one; its one group says nothing."""
    if len(draft.dims) < 2 or ratio or draft.share or draft.part is not None or draft.compare:
        return
    if draft.cumulative or draft.limit_per is not None or draft.records:
        return
    one = {(id(f.table), id(f.column)) for f in draft.filters
           if f.op == "eq" and not isinstance(f.value, (list, dict))}
    kept = [d for d in draft.dims if d.grain is not None or d.bin is not None
            or (id(d.table), id(d.column)) not in one]
    if kept and len(kept) < len(draft.dims):
        draft.dims = kept


def _grand_total_of_every(draft: Draft, shapes: Shapes, intent: Intent) -> None:
    """ "grand total of units sold since we started, every job": a grand total is one
    number; ", every <thing>" said after it says that all of them are in it (every job done,
    every sale), not a breakdown ("grand total for each region" still splits)."""
    words = shapes.all_words
    if not any(words[k : k + 2] == ("grand", "total") for k in range(len(words))):
        return
    if len(draft.dims) != 1 or len(intent.dims) != 1 or draft.limit is not None:
        return
    if draft.limit_per is not None or draft.records or draft.having or not draft.measures:
        return
    said = intent.dims[0].text.split()
    for k in range(2, len(words) - len(said) + 1):
        if list(words[k : k + len(said)]) == said and words[k - 1] in ("every", "all") and (
            words[k - 2] == ","
        ):
            draft.dims, draft.order = [], None
            return


_KIND_WORDS = frozenset({"category", "type", "kind", "class", "family", "genre", "segment"})
_SELLER_WORDS = frozenset({"seller", "sellers", "bestseller", "bestsellers"})


def _sellers_of_a_kind(vocab: Vocabulary, draft: Draft, group: DraftDim, intent: Intent) -> None:
    """ "the 2 best sellers in every product category": within each kind of thing, the
    sellers are the things that sell best (the rows' own label: products), not the people
    who sold them ("the top seller in each region" stays a person)."""
    said = [d for d in intent.dims if d is not intent.per_dim and d.text.split()
            and d.text.split()[-1] in _SELLER_WORDS]
    kinds = set(stems(split_identifier(group.column.name)))
    if not said or not kinds & _KIND_WORDS or group.grain is not None:
        return
    label = vocab.label_column(group.table)
    if label is None or label is group.column:
        return
    others = [d for d in draft.dims if d is not group]
    if len(others) != 1 or others[0].table is group.table:
        return
    draft.dims = [group if d is group else DraftDim(group.table, label) for d in draft.dims]


_ROW_NAMES = frozenset({"full_name", "fullname", "person_name", "name"})


def _own_values_ranked(vocab: Vocabulary, draft: Draft) -> None:
    """ "the top earner in each department", "the 2 best-paid people at each office": people
    ranked by a value of their own row (one salary each) are rows, not totals — the value
    itself (the highest, or lowest, of the one row) next to their name, one column for the
    person. Totals over other rows ("the top seller in each region": their sales added up)
    keep the person's key, so that two people of one name are never added together."""
    ranked = draft.dims[1]
    first = draft.measures[0]
    own = first.column is not None and first.over is None and first.table is ranked.table
    if not own or ranked.grain is not None or ranked.bin is not None:
        return
    if not ranked.table.primary_key or first.agg not in ("avg", "sum", "max", "min"):
        return
    named = ranked.column.name.lower() in _ROW_NAMES
    if ranked.key is None and not (named and vocab.label_column(ranked.table) is ranked.column):
        return  # "the best-selling products": many rows each
    draft.measures[0] = replace(first, agg="min" if draft.order is False else "max")
    draft.dims[1] = replace(ranked, key=None)
    if first.column is not None and first.column.type in TEMPORAL_TYPES and draft.chart is None:
        draft.chart = "table"  # "the first hire in each office": names and dates, not bars


def _unit_of(start: dt.date, end: dt.date) -> str | None:
    """The calendar unit a closed period is one of ("year", "quarter", "month"), or None."""
    months = _months(start, end)
    if months == 12 and start.month == 1:
        return "year"
    if months == 3 and start.month in (1, 4, 7, 10):
        return "quarter"
    if months == 1:
        return "month"
    return None


def _period_list(draft: Draft, intent: Intent) -> None:
    """ "revenue in 2023, 2024 and 2025", "hires in Q1 and Q3 2024": periods named one after
    the other (not compared) are all kept — the dates from the first to the last, broken down
    by their unit so that each shows — instead of the last one alone. Periods that are not
    next to each other bring the ones between them, and the answer says which."""
    if len(intent.date_ranges) < 2 or draft.records or draft.compare is not None:
        return
    if any(span.start is None or span.end is None for _, span in intent.date_ranges):
        return
    named: list[tuple[dt.date, dt.date, str]] = []
    for _, span in intent.date_ranges:
        if span.parts is not None:
            named.extend(span.parts)
        elif span.start is not None and span.end is not None:
            named.append((span.start, span.end, span.label))
    years = [a.year for a, b, label in named if _has_year(label) and a.year == b.year]
    if years and any(_yearless(label) for _, _, label in named):
        # "March, April and May 2024": the year said once is every period's.
        named = [
            (a.replace(year=years[-1]), _same_day_in(b, years[-1]), label)
            if _yearless(label) and a.year == b.year else (a, b, label)
            for a, b, label in named
        ]
    periods = sorted({(a, b) for a, b, _ in named})
    years_named = [(a, b) for a, b in periods if _unit_of(a, b) == "year"]
    if len(years_named) == 1 and len(periods) > 2 and all(
        years_named[0][0] <= a and b <= years_named[0][1] for a, b in periods
    ):
        # "2024 units for Q1, Q2, Q3 and Q4": the periods of the year named, not
        # the year beside them.
        periods = [p for p in periods if p != years_named[0]]
    units = {_unit_of(a, b) for a, b in periods}
    whole = sorted({a.year for a, b in periods if _unit_of(a, b) == "year"})
    inner = {u for u in units if u != "year"}
    each = ""
    if len(whole) >= 2 and len(inner) == 1 and None not in inner:
        # "Q1 revenue in 2023, 2024 and 2025": one period in each year, which one filter
        # can't keep alone: every such period of those years, and the answer says so.
        unit = inner.pop()
        each = next(label for a, b, label in named if _unit_of(a, b) == unit)
        first, last_day = dt.date(whole[0], 1, 1), dt.date(whole[-1], 12, 31)
        periods, units = [(first, first), (last_day, last_day)], {unit}
    elif len(periods) < 2 or len(units) != 1 or None in units:
        return
    unit = units.pop()
    assert unit is not None
    last = intent.date_ranges[-1][1]
    dated = [
        f for f in draft.filters
        if f.column.type in TEMPORAL_TYPES and f.op in _RANGE_OPS
    ]
    if not dated or last.start is None or dated[0].value not in (
        [last.start.isoformat(), last.end.isoformat() if last.end else None],
        last.start.isoformat(),
    ):
        return
    table, column = dated[0].table, dated[0].column
    start, end = periods[0][0], periods[-1][1]
    draft.filters = [f for f in draft.filters if f not in dated]
    kept = _named_periods(named, years=whole, unit=unit) if each else periods
    apart = any(
        add_months(a_start, {"year": 12, "quarter": 3, "month": 1}[unit]) != b_start
        for (a_start, _), (b_start, _) in pairwise(kept)
    )
    if apart and 2 <= len(kept) <= MAX_ITEMS:
        # "revenue in 2023 and 2025", "Q1 in 2023, 2024 and 2025": those periods only (an
        # OR of their dates), each its own row.
        draft.any_of.append(_any_period(table, column, kept))
        if not any(d.grain is not None for d in draft.dims) and draft.limit is None:
            draft.dims.insert(0, DraftDim(table, column, unit))  # type: ignore[arg-type]
            draft.order = None
        return
    draft.filters.extend(date_filters(table, column, DateRange(start, end, "")))
    by = ""
    if not any(d.grain is not None for d in draft.dims) and draft.limit is None:
        # (a ranking, "the top 3 products in 2023 and 2024", ranks over all of them)
        draft.dims.insert(0, DraftDim(table, column, unit))  # type: ignore[arg-type]
        draft.order = None  # the periods in their order
        by = f", {unit} by {unit}"
    said = set(periods)
    between: list[str] = []
    at = start
    while at <= end:
        step = {"year": 12, "quarter": 3, "month": 1}[unit]
        stop = add_months(at, step) - dt.timedelta(days=1)
        if (at, stop) not in said:
            between.append(_period_label(at, unit))
        at = add_months(at, step)
    if each:
        what = each.removeprefix("in ").strip()
        what = what.upper() if len(what) == 2 and what[1].isdigit() else what.capitalize()
        draft.notes.append(
            f"one filter can't keep '{what}' alone in each year, so I used {start.year} to "
            f"{end.year}{by}"
        )
    elif between:
        draft.notes.append(
            f"I showed {', '.join(between)} too, between the periods you named"
        )


def _named_periods(
    named: Sequence[tuple[dt.date, dt.date, str]], *, years: Sequence[int], unit: str
) -> list[tuple[dt.date, dt.date]]:
    """The one period of a unit named for several years ("Q1 in 2023 and 2025"): that
    period in each of those years."""
    inner = [(a, b) for a, b, _ in named if _unit_of(a, b) == unit]
    if not inner:
        return []
    a, b = inner[0]
    return [(a.replace(year=y), _same_day_in(b, y)) for y in years]


def _any_period(
    table: Table, column: Column, periods: Sequence[tuple[dt.date, dt.date]]
) -> DraftAny:
    """An OR of date ranges, each written as its two days (a range counted from the latest
    date can't go inside a group)."""
    return DraftAny(tuple(
        (DraftFilter(table, column, "between", [a.isoformat(), b.isoformat()]),)
        for a, b in periods
    ))


def _period_label(start: dt.date, unit: str) -> str:
    if unit == "year":
        return str(start.year)
    if unit == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return start.strftime("%B %Y")


def _months(start: dt.date, end: dt.date) -> int | None:
    """Whole calendar months from `start` to `end` (inclusive), None when not whole months."""
    if start.day != 1 or (end + dt.timedelta(days=1)).day != 1:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _shifted(start: dt.date, end: dt.date, months: int) -> tuple[dt.date, dt.date]:
    return add_months(start, months), add_months(end + dt.timedelta(days=1), months) - (
        dt.timedelta(days=1)
    )


def _next_of(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period right after [start, end], of the same length."""
    months = _months(start, end)
    if months is not None:
        return _shifted(start, end, months)
    days = (end - start).days + 1
    return end + dt.timedelta(days=1), end + dt.timedelta(days=days)


def _periods(intent: Intent, shapes: Shapes | None = None) -> list[tuple[int, dt.date, dt.date]]:
    """The closed periods the question names, in order, "from 2023 to 2024" as two.

    With `shapes`, a year counted back from today said as what a period is compared with
    ("September sales, compare with last year") is that period a year before, not the year
    the period is in."""
    out: list[tuple[int, dt.date, dt.date]] = []
    labels: list[str] = []
    whole = len(intent.date_ranges) > 1  # "Jan-Mar 2025 vs Jan-Mar 2024": two spans
    for at, span in intent.date_ranges:
        if span.parts is not None and not (whole and span.start and span.end):
            out.extend((at, a, b) for a, b, _ in span.parts)
            labels += [label for _, _, label in span.parts]
        elif span.start is not None and span.end is not None:
            if any((start, end) == (span.start, span.end) for _, start, end in out):
                continue  # "so far this year (jan 1 to nov 20)": the same period said again
            out.append((at, span.start, span.end))
            labels.append(span.label)
    if len(out) == 2:
        # "Q2 or Q1 2025", "March vs April 2024": the year said once is both periods' year.
        named = [_yearless(label) for label in labels]
        same = (out[0][1].month, out[0][1].day, out[0][2].month, out[0][2].day) == (
            out[1][1].month, out[1][1].day, out[1][2].month, out[1][2].day)
        if same:
            named = [False, False]  # "Q3 vs Q3 2023": this year's Q3, not 2023's twice
        for k in (0, 1):
            (at, start, end), (_, y_start, y_end) = out[k], out[1 - k]
            if named[k] and not named[1 - k] and (y_start.month, y_start.day) == (1, 1) and (
                (y_end.month, y_end.day) == (12, 31) and y_start.year == y_end.year
                and start.year == end.year
            ):
                if shapes is not None and _RELATIVE_WORDS & set(labels[1 - k].split()) and (
                    shapes.compare == "strong" and _compared_with(shapes, out[1 - k][0])
                ):
                    # "September revenue, compare with last year": the latest September
                    # against the one a year before; "last year" is the other side.
                    before = _shifted(start, end, -12)
                    return [out[k], (out[1 - k][0], before[0], before[1])]
                # "October units: 2025 vs ...": the month of that year, one period.
                year = y_start.year
                return [(min(at, out[1 - k][0]), start.replace(year=year),
                         _same_day_in(end, year))]
        for k in (0, 1):
            other = out[1 - k]
            if named[k] and not named[1 - k] and _has_year(labels[1 - k]) and (
                out[k][1].year == out[k][2].year and other[1].year == other[2].year
            ):
                at, start, end = out[k]
                year = other[1].year
                out[k] = (at, start.replace(year=year), _same_day_in(end, year))
    if len(out) == 2:
        units = [_unit_of(start, end) for _, start, end in out]
        for k in (0, 1):
            (_, start, end), (o_at, o_start, _) = out[k], out[1 - k]
            if units[k] in ("quarter", "month") and units[1 - k] == "year" and (
                o_start.year != start.year and start.year == end.year
            ):
                # "the fourth quarter: 2024 vs 2023": Q4 of each year, not Q4 against a year.
                out[1 - k] = (o_at, start.replace(year=o_start.year),
                              _same_day_in(end, o_start.year))
                break
    if len(out) > 2:
        return _in_each_year(out, labels)
    return out


_RELATIVE_WORDS = frozenset({"this", "last", "previous", "next", "past", "ago", "prior"})


def _no_year(label: str) -> bool:
    """A period named without its year, nor counted from today ("first half", "Q2", "May")."""
    return not _has_year(label) and not _RELATIVE_WORDS & set(label.split())


def _in_each_year(
    out: list[tuple[int, dt.date, dt.date]], labels: list[str]
) -> list[tuple[int, dt.date, dt.date]]:
    """ "first half revenue 2024 vs 2023", "May this year compared with May last year", "Q2
    revenue, this year vs last (Q2 25 vs Q2 24)": a period named without its year, and the
    years compared, are that period in each of those years — when that leaves two periods."""
    years = sorted({
        start.year for (_, start, end), label in zip(out, labels, strict=True)
        if _unit_of(start, end) == "year"
    })
    subs = [
        (at, start, end) for (at, start, end), label in zip(out, labels, strict=True)
        if _no_year(label) and start.year == end.year and _unit_of(start, end) != "year"
    ]
    dated = [
        (at, start, end) for (at, start, end), label in zip(out, labels, strict=True)
        if not _no_year(label) and _unit_of(start, end) != "year"
    ]
    if len(years) == 1 and len(subs) == 2 and len(out) == 3 and not dated and (
        subs[0][1:] != subs[1][1:]
    ):
        # "hires in May against April (this year)": two periods without a year and
        # the one year they are in.
        return [(at, start.replace(year=years[0]), _same_day_in(end, years[0]))
                for at, start, end in subs]
    if not subs or not years or len({(s.month, s.day, e.month, e.day) for _, s, e in subs}) > 1:
        return out
    at, start, end = subs[0]
    found = {(start.replace(year=y), _same_day_in(end, y)): at for y in years}
    for where, a, b in dated:
        found.setdefault((a, b), where)
    if len(found) != 2:
        return out
    return [(where, a, b) for (a, b), where in found.items()]


# "the first half", "the third quarter": named like "H1", "Q3".
_NAMED_PERIODS = (_PERIOD_START - {"last", "previous", "this"}) | {"first", "second", "third",
                                                                  "fourth"}


def _has_year(label: str) -> bool:
    return any(len(w) == 4 and w.isdigit() for w in label.split())


def _yearless(label: str) -> bool:
    """A named period without its year ("in q2", "march")."""
    words = [w for w in label.split() if w not in ("in", "from", "since", "during", "of")]
    return bool(words) and words[0] in _NAMED_PERIODS and not _has_year(label)


def _same_day_in(day: dt.date, year: int) -> dt.date:
    """The last day of `day`'s month in `year` when `day` is a month's last (February)."""
    last = (add_months(day.replace(day=1), 1) - dt.timedelta(days=1)) == day
    moved = day.replace(year=year, day=1)
    return add_months(moved, 1) - dt.timedelta(days=1) if last else day.replace(year=year)


def _as_compare(draft: Draft, shapes: Shapes, intent: Intent) -> str | None:
    """Periods compared (query spec v2 `compare`): "2025 vs 2024", "growth last quarter",
    "month over month"; the current period becomes the date filter. A reason when the
    question's periods can't be compared that way."""
    if draft.records or draft.share or draft.cumulative or draft.part is not None:
        return None
    if not draft.measures:
        return None
    periods = _periods(intent, shapes)
    timed = [d for d in draft.dims if d.grain is not None]
    unit = shapes.compare_to
    if not periods:
        if not timed:
            return None
        finer = timed[0].grain != "year"
        draft.compare = "previous_year" if unit == "year" and finer else "previous_period"
        return None
    dated = [f for f in draft.filters if f.column.type in TEMPORAL_TYPES and f.op in _RANGE_OPS]
    if dated:
        where = (dated[0].table, dated[0].column)
    elif timed:
        where = (timed[0].table, timed[0].column)
    else:
        return None
    if len(periods) > 2:
        return "I can compare two periods at a time"
    if len(periods) == 2:
        (_, a_start, a_end), (_, b_start, b_end) = periods
        (start, end), (o_start, o_end) = sorted(
            [(a_start, a_end), (b_start, b_end)], reverse=True
        )
        months = _months(start, end)
        year_before = _shifted(start, end, -12)
        to_date = any(w in span.label for _, span in intent.date_ranges
                      for w in ("so far", "to date"))
        if months is not None and (o_start, o_end) == year_before:
            to = "previous_year"
        elif (to_date or shapes.same_period) and o_start == year_before[0] and (
            o_end >= year_before[1]
        ):
            # "orders in 2025 so far against 2024": the same days of the year before (the
            # answer says which), not all of it against part of this one.
            to = "previous_year"
        elif _next_of(o_start, o_end) == (start, end):
            to = "previous_period"
        elif _named_periods_only(draft, where, (a_start, a_end), (b_start, b_end)):
            return None
        else:
            grain = _unit_of(o_start, o_end)
            if grain is None or grain != _unit_of(start, end):
                return "the two periods are not next to each other, so I did not compare them"
            # "Services revenue in 2023 vs 2025": two periods apart, side by side (an OR of
            # their dates, broken down by their unit), not compared with the one before.
            draft.filters = [f for f in draft.filters if f not in dated]
            draft.any_of.append(_any_period(*where, [(o_start, o_end), (start, end)]))
            if not timed:
                draft.dims.insert(0, DraftDim(*where, grain))  # type: ignore[arg-type]
                draft.order, draft.limit = None, None
            return None
    else:
        at, start, end = periods[0]
        if shapes.compare == "strong" and unit is None and _compared_with(shapes, at):
            # "revenue vs last year": that is the period compared with; ours is the next one.
            o_start, o_end = start, end
            start, end = _next_of(start, end)
            months = _months(o_start, o_end)
            to = "previous_year" if months == 12 and timed else "previous_period"
        else:
            whole_year = _months(start, end) == 12
            # "monthly revenue in 2025 compared to the year before": each month against the
            # same month a year before; a whole year alone against the year before it.
            finer = bool(timed) and timed[0].grain != "year"
            yearly = unit == "year" and (finer or not whole_year)
            to = "previous_year" if yearly else "previous_period"
    draft.filters = [f for f in draft.filters if f not in dated]
    draft.filters.extend(date_filters(*where, DateRange(start, end, "")))
    draft.compare = to
    whole = {12: "year", 3: "quarter", 1: "month"}.get(_months(start, end) or 0)
    single = [d for d in timed if d.grain == whole and d.column is where[1]]
    if whole is not None and single and len(draft.dims) == 1 and (
        (start.month - 1) % {"year": 12, "quarter": 3, "month": 1}[whole] == 0
    ):
        # "yoy % change in revenue, 2024 over 2023": one year by year is one row; the
        # value, the year before and the change, without a column saying the year again.
        draft.dims = []
    return None


_PART_FUNCTIONS = {1: "month", 3: "quarter"}


def _named_periods_only(
    draft: Draft, where: tuple[Table, Column], a: tuple[dt.date, dt.date],
    b: tuple[dt.date, dt.date],
) -> bool:
    """ "Services revenue in 2023 vs 2025", "March against May 2024": two periods apart,
    which one date range can't keep alone: the rows whose year (or month, quarter) is one of
    the two, a row for each period (a computed column, query spec `columns`)."""
    (a_start, a_end), (b_start, b_end) = sorted([a, b])
    months = {_months(a_start, a_end), _months(b_start, b_end)}
    table, column = where
    if len(months) != 1 or None in months:
        return False
    size = months.pop()
    if size == 12 and (a_start.month, b_start.month) == (1, 1):
        unit, span = "year", None
        values: list[Scalar] = [a_start.year, b_start.year]
    elif size in _PART_FUNCTIONS and a_start.year == b_end.year and (
        size == 1 or (a_start.month - 1) % 3 == (b_start.month - 1) % 3 == 0
    ):
        unit = _PART_FUNCTIONS[size]
        step = 1 if unit == "month" else 3
        values = [(a_start.month - 1) // step + 1, (b_start.month - 1) // step + 1]
        year = a_start.year
        span = DateRange(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))
    else:
        return False
    ref = column_ref(draft.base, table, column)
    name = f"{column.name}_{unit}"[:63]
    if all(n != name for n, _ in draft.custom):
        draft.custom.append((name, f"{unit}({ref})"))
    draft.filters = [
        f for f in draft.filters if not (f.column is column and f.op in _RANGE_OPS)
    ]
    if span is not None:
        draft.filters.extend(date_filters(table, column, span))
    draft.filters.append(
        DraftFilter(draft.base, Column(name, "integer", display_name=unit.capitalize(),
                                       semantic_type=PERIOD_PART), "in", values)
    )
    if not any(d.column is column and d.grain == unit for d in draft.dims):
        draft.dims.insert(0, DraftDim(table, column, unit))  # type: ignore[arg-type]
    draft.order = None
    draft.compare = None
    return True


def _a_total_shown(draft: Draft, intent: Intent, count: int | None, rank: str | None) -> bool:
    """ "show me the revenue for last quarter", "show the unit volume in 2024": an amount that
    adds up (no rows named, no ranking, no breakdown) is shown as its total."""
    if draft.dims or count is not None or rank is not None or intent.tables or intent.dims:
        return False
    if not intent.measures or intent.pending or intent.values or intent.compares:
        return False
    return all(
        m.agg in (None, "sum") and m.terms and all(
            (isinstance(t, MeasureTerm) and t.agg == "sum")
            or (isinstance(t, ColumnTerm) and t.column.type in NUMERIC_TYPES
                and natural_agg(t.column) == "sum")
            for t in m.terms)
        for m in intent.measures
    )


def said_once(row_words: Sequence[str]) -> bool:
    """Whether the rows were said once, in the singular ("office", not "offices", "staff")."""
    if len(row_words) != 1:
        return False
    said = row_words[0]
    return not ((said.endswith("s") and not said.endswith("ss"))
                or said in ("people", "staff", "personnel", "folks") or said.endswith("people"))


def _as_listing(
    vocab: Vocabulary, draft: Draft, intent: Intent, count: int | None, rank: str | None,
    *, their: bool = False, in_order: bool = False,
) -> None:
    base = draft.base
    if intent.grain is not None or any(
        d.grain and not (d.table is base and d.column.type in TEMPORAL_TYPES)
        for d in draft.dims
    ):
        return  # "EMEA offices and when each one opened": the date named is shown, as is
    if _a_total_shown(draft, intent, count, rank):
        return  # "show me the revenue for last quarter": the total, not each sale
    label = vocab.label_column(base)
    # "staff in Paris and their job titles": the rows, with those columns; not "departments
    # and their headcount".
    # "the 10 newest hires and their department": "hires" reads as a count of the rows (for
    # "hires by month"), but ranked by date they are the rows themselves.
    rows_only = bool(intent.measures) and all(
        isinstance(t, MeasureTerm) and t.agg == "count" and t.column is None and t.table is base
        for m in intent.measures for t in m.terms
    ) and rank in _WHEN_RANKS and count is not None
    # "the 10 highest paid employees with their department": ranked by a column of their own
    # (salary), not the departments ranked by an average.
    own_ranked = bool(intent.measures) and count is not None and all(
        m.agg is None and all(isinstance(t, ColumnTerm) and t.table is base for t in m.terms)
        for m in intent.measures
    ) and any(t.table is base for t in intent.tables)
    their = their and (rows_only or own_ranked or (not intent.measures and (
        any(t.table is base for t in intent.tables)
        # "the Sales Managers and their offices": rows named by a value of their own
        or (not intent.tables and any(t.table is base for v in intent.values for t in v.terms))
    )))
    shown = [d for d in draft.dims if not (d.grain and d.table is base)]  # dates: columns
    if label is None or (not their and any(d.column is not label for d in shown)):
        return  # "which departments have the most people": a ranking, not a listing
    own_rows = their or any(
        (isinstance(t, TableTerm) and t.table is base) or "name" in d.text
        for d in intent.dims
        for t in d.terms
    )  # "the 5 largest sales", "names of ...": the rows themselves
    if draft.dims and not own_rows and all(t.table is not base for t in intent.tables):
        return  # "which product brought in the most revenue": products ranked, not sales
    named = [d for d in intent.dims if d.plural and not any(
        isinstance(t, TableTerm) for t in d.terms)]
    if draft.dims and not own_rows and intent.which and named and intent.dim_first:
        return  # "which products sold at a price under 100": the products, each once
    columns: list[tuple[Table, Column]] = [(base, label)]
    key = base.column(base.primary_key[0]) if len(base.primary_key) == 1 else None
    if key is not None and key is not label and not key.hidden and (
        vocab.cardinality(base, label) is not None and not vocab.referenced(base)
    ):
        # The label repeats ("product" of sales): say which row. A table other tables point
        # at (offices) is a list of things, each named by its label (the office's city).
        columns.insert(0, (base, key))
    for m in draft.measures:
        if m.column is not None and m.table is base:
            columns.append((base, m.column))
    for d in draft.dims:
        if d.table is base and d.column is not label:
            columns.append((base, d.column))
    grouped = [f for group in draft.any_of for option in group.options for f in option]
    for f in (*draft.filters, *grouped):
        if f.table is base and f.op not in ("is_null", "is_not_null") and all(
            c is not f.column for _, c in columns
        ):
            columns.append((base, f.column))
    dates = [c for c in base.columns if c.type in ("date", "datetime") and not c.hidden]
    asked = their and any(d.table is base and d.column is not label for d in draft.dims)
    if dates and all(c is not dates[0] for _, c in columns) and not asked:
        columns.append((base, dates[0]))  # not when the columns to show were said
    order: tuple[Column, bool] | None = None
    measure = draft.measures[0] if draft.measures else None
    if measure is not None and measure.column is not None and measure.table is base and (
        draft.order is not None or draft.limit is not None or measure.agg in ("max", "min")
    ):
        desc = draft.order if draft.order is not None else measure.agg != "min"
        order = (measure.column, desc)
    draft.records = columns
    draft.record_order = order
    draft.dims, draft.measures = [], []
    if draft.limit is None and intent.top is not None:
        draft.limit = intent.top.n
    ranked = count is not None or in_order
    if order is None and ranked and rank in _WHEN_RANKS and dates:
        order = (dates[0], rank not in ("oldest", "earliest"))  # "the 5 newest hires"
        draft.record_order = order
        if all(c is not dates[0] for _, c in columns):
            columns.append((base, dates[0]))  # the date they are sorted by is shown
    when = intent.superlative
    if order is None and when is not None and when.temporal and dates and not ranked:
        # "which office opened first", "which office is the oldest": by its own date.
        said = [t.column for t in intent.time_columns if t.table is base]
        order = (said[0] if said else dates[0], when.desc)
        draft.record_order = order
        if all(c is not order[0] for _, c in columns):
            columns.append((base, order[0]))
    main = vocab.default_measure(base).column
    if order is None and ranked and rank in _SIZE_RANKS and main is not None:
        order = (main, rank not in ("smallest", "lowest"))  # "the single biggest order"
        draft.record_order = order
        if all(c is not main for _, c in columns):
            columns.append((base, main))
    if draft.limit is None and order is not None and count is None and not ranked and (
        when is not None and when.temporal and said_once(intent.row_words)
    ):
        draft.limit = 1  # "which is the newest office", "the oldest office": that one
    if draft.limit is None and order is not None and count is not None:
        draft.limit = count


#: How the people under someone are said once a boss is named: "direct reports", "12
#: reports", "people reporting to them", "staff under them".
_UNDER_LEADS = frozenset({"which", "what", "the", "each", "every", "per", "by", "all", "our",
                          "any", "list", "show", "those", "whose"})
_UNDER_ONE = frozenset({"them", "him", "her"})
_UNDER_EACH = frozenset({"each", "every", "a", "their"})  # the boss is said next
_AVERAGE_SAID = frozenset({"average", "avg", "mean", "typical", "typically", "usually"})
_UNDER_FILLERS = frozenset({"who", "that", "work", "works", "working", "sit", "sitting"})
_COUNTED_LEADS = frozenset({"many", "most", "fewest", "least", "their", "of", "more", "fewer",
                            "than", "over", "under", "above", "below"})
_PEOPLE_SAID = frozenset({"people", "person", "staff", "employee", "worker", "member",
                          "subordinate", "report", "individual", "folk", "head"})


def _reports_at(words: Sequence[Token], k: int) -> int:
    """How many words from `k` say the people under a boss, or 0 ("direct reports", "12
    reports", "people reporting to them", "staff under each": those before a boss said
    next are left to it)."""
    text = [t.text for t in words[k : k + 5]]
    if text[:1] == ["direct"] and text[1:2] in (["reports"], ["report"]):
        return 2
    if text[:1] == ["reports"] and k > 0 and (
        words[k - 1].text in _COUNTED_LEADS or parse_number(words[k - 1].text) is not None
    ):
        return 1
    if words[k].stem not in _PEOPLE_SAID:
        return 0
    verb = 1
    while verb < 3 and text[verb : verb + 1] and text[verb] in _UNDER_FILLERS:
        verb += 1
    if text[verb : verb + 1] == ["under"]:
        after = text[verb + 1 : verb + 2]
        return verb + 2 if after and after[0] in _UNDER_ONE else verb + 1 if after and (
            after[0] in _UNDER_EACH) else 0
    verb = 2 if text[1:2] in (["who"], ["that"]) else 1
    if text[verb : verb + 1] and text[verb] in ("reporting", "report", "reports") and (
        text[verb + 1 : verb + 2] == ["to"]
    ):
        after = text[verb + 2 : verb + 3]
        if after and after[0] in _UNDER_ONE:
            return verb + 3
        if after and after[0] in _UNDER_EACH:
            return verb + 2
    return 0


def bosses_by_their_field(
    words: tuple[Token, ...], vocab: Vocabulary, readings: list[str]
) -> tuple[Token, ...]:
    """ "which managers have more than 12 direct reports", "how many people report to each
    supervisor": the bosses are the values of the field naming whom each person reports to
    (manager_id), and the people under each are the rows counted; not the people whose job
    title says "Manager". The bosses are shown by that field (their id): the engine does not
    look the same table up twice, and the answer says so."""
    bosses = [k for k, t in enumerate(words) if t.stem in _BOSS_WORDS
              and (k == 0 or words[k - 1].text in _UNDER_LEADS or words[k - 1].text == "line")
              and not (k + 1 < len(words) and words[k + 1].stem in _NAME_TAILS)]
    if not bosses or any(t.text in _AVERAGE_SAID for t in words):
        return words  # "the average number of direct reports per manager": one ratio
    k = bosses[0]
    under = next(((j, n) for j in range(len(words)) if j != k
                  for n in [_reports_at(words, j)] if n), None)
    if under is None:
        return words
    people = people_table(vocab)
    if people is None:
        return words
    column = next((c for c in people.columns if c.nullable and not c.hidden
                   and _names_of(c) & _BOSS_NAMES and c.type in NUMERIC_TYPES), None)
    if column is None:
        return words
    start = k - 1 if k > 0 and words[k - 1].text == "line" else k
    j, n = under
    said = " ".join(t.text for t in words[start : k + 1])
    field = tokenize(split_identifier(column.name).lower())
    out = list(words)
    counted = tokenize(f"people with a {words[k].stem}")
    spans = sorted([(start, k + 1 - start, field), (j, n, counted)], reverse=True)
    for at, size, put in spans:
        out[at : at + size] = list(put)
    readings.append(f"'{said}' read as each {split_identifier(column.name).lower()} (the "
                    f"people who report to them counted; managers shown by that field, "
                    f"not by name)")
    return tuple(out)
