"""Reading a lexed question into an `Intent`: which phrases are measures, breakdowns, filters.

The walk is a small state machine over the items, left to right:

* an aggregation word ("average", "how many") waits for the next phrase it can apply to;
* "by", "per", "for each", "across", "broken down by" switch to *breakdown* mode: the
  following phrases (joined by "and") are dimensions — unless a phrase is a measure ("top
  5 products *by revenue*"), which then is the ranking measure;
* "top 5" / "which" make the next phrase a dimension;
* "in", "for", "only", "excluding", "not" make the next phrase a filter when it is a value
  ("in Paris", "excluding Sales"); negation lasts through "and" ("excluding Sales and HR");
* a value without such a word is a filter too ("Paris headcount"), unless the same phrase
  also names a table or measure, which wins ("sales by region" is about the sales table,
  not the Sales department) — except right before a phrase of the value's own table
  ("Sales employees", "Sales headcount").

Unknown words right next to a measure, table or breakdown ("customer satisfaction score",
"by gender") are recorded as `Intent.compounds`: the question is about something the data
does not have, and answering with the known half would mislead.
"""

from __future__ import annotations

import datetime as dt

from plotboard.ai.builtin.intent import (
    BoolSlot,
    CompareSlot,
    DimSlot,
    Intent,
    MeasureSlot,
    ValueSlot,
)
from plotboard.ai.builtin.lexer import (
    Agg,
    Chart,
    Compare,
    Item,
    Keyword,
    Lexed,
    Number,
    Superlative,
    Time,
    Top,
    Words,
)
from plotboard.ai.builtin.resolve import natural_agg
from plotboard.ai.builtin.text import STOPWORDS, singular, split_identifier, stems
from plotboard.ai.builtin.timewords import MONTHS, DateRange, GrainWord, add_months
from plotboard.ai.builtin.vocabulary import (
    PARTIAL,
    ColumnTerm,
    MeasureTerm,
    TableTerm,
    Term,
    ValueTerm,
    is_identifier,
    is_measure_like,
)
from plotboard.catalog.model import NUMERIC_TYPES, TEMPORAL_TYPES, Table
from plotboard.query.spec import Aggregate


def _of(terms: tuple[Term, ...], kind: type) -> tuple[Term, ...]:
    return tuple(t for t in terms if isinstance(t, kind))


#: Words that say only how big a number is ("a high salary", "a low rating").
_DEGREE = frozenset({"high", "higher", "low", "lower", "big", "small", "large", "good", "bad",
                     "decent", "strong", "weak", "poor", "great", "hefty", "modest"})

#: Verbs before "by" that ask for a breakdown ("sorted by", "split by"), not who did it.
_ARRANGED = frozenset({
    "grouped", "sorted", "ordered", "ranked", "split", "broken", "divided", "segmented",
    "categorised", "categorized", "organised", "organized", "listed", "arranged", "bucketed",
    "binned", "filtered", "aggregated", "summarised", "summarized", "totaled", "totalled",
    "counted", "measured", "compared", "plotted", "charted", "shown", "displayed",
    "separated", "clustered", "sliced", "classified", "partitioned", "followed", "cut",
    "banded", "bracketed", "indexed", "keyed", "weighted", "multiplied", "increased",
    "decreased", "grew", "rose", "fell", "dropped", "changed",
})
_DONE = frozenset({"made", "sold", "brought", "won", "done", "taken", "written", "paid",
                   "given", "got", "gotten", "landed", "closed", "booked", "generated"})


def _done_by(word: str) -> bool:
    """Whether `word` before "by" is a deed ("booked by", "made by"): "by" then says who
    did it, not what to break down by ("grouped by", "split by")."""
    if word in _ARRANGED:
        return False
    return word in _DONE or (len(word) > 4 and word.endswith("ed"))


def _numeric(terms: tuple[Term, ...]) -> tuple[Term, ...]:
    return tuple(
        t
        for t in terms
        if (isinstance(t, ColumnTerm) and t.column.type in NUMERIC_TYPES)
        or (isinstance(t, MeasureTerm) and t.column is not None)
    )


_SPLIT_NOUNS = frozenset({"split", "splits", "breakdown", "breakdowns", "mix", "distribution",
                          "makeup", "composition", "balance", "spread", "ratio", "profile"})
_EACH = frozenset({"each", "every", "per", "for each", "for every", "in each", "in every",
                   "per each", "by each", "for", "in"})


# "within each region", "for every region": the groups a share is taken within ("per region"
# is as often the parts: "share of revenue per category").
_WHOLE_GROUPS = frozenset({"for each", "for every", "in each", "in every"})
_WHOLE_LEADS = frozenset({"within", "among", "amongst", "inside", "across"})


#: After "what": a total asked ("what is the average ...", "what's the total ..."), never
#: which rows.
_WHAT_IS_A_TOTAL = frozenset(
    (*is_, "the", total)[:3]
    for is_ in (("is",), ("s",), ("was",), ())
    for total in ("average", "mean", "median", "total", "typical", "overall", "sum")
)
_PLURALS = frozenset({"people", "staff", "personnel", "folks", "men", "women", "children"})


_DISTINCT_WORDS = frozenset({"distinct", "unique", "different"})


_SELLING = frozenset({"selling", "sold", "sells", "sell", "seller", "sellers"})
#: People named by the selling they do ("the top rep": a sales rep), ranked by what they sold.
SELLER_NOUNS = frozenset({"seller", "sellers", "salesperson", "salespeople", "rep", "reps"})
_SELLS = frozenset({"selling", "sold", "sells", "sell"})
_PRONOUNS = frozenset({"it", "they", "we", "you", "he", "she", "i", "one"})


def _together(a: ValueTerm, b: ValueTerm) -> tuple[str, ...]:
    """The values two adjacent value phrases name together: those both name ("senior" and
    "engineer": Senior Software Engineer), else the values of a word family that hold the
    other phrase's whole value ("senior" and "account exec": Senior Account Executive, not
    every Senior title and Account Executive too)."""
    common = tuple(v for v in a.values if v in b.values)
    if common:
        return common
    family, whole = (a, b) if len(a.values) > 1 else (b, a)
    if len(family.values) < 2 or len(whole.values) != 1:
        return ()
    inner = stems(whole.value)
    found = tuple(
        v for v in family.values
        if any(stems(v)[k : k + len(inner)] == inner for k in range(len(stems(v))))
    )
    return found if len(found) == 1 else ()


_PAY_NAMES = ("salary", "salaries", "wage", "pay", "compensation", "payroll")


def _yearly_pay(terms: tuple[Term, ...]) -> bool:
    """Every term is (a total of) a pay column: an amount per year of each row."""
    columns = [getattr(t, "column", None) for t in terms]
    return bool(columns) and all(
        c is not None and any(p in c.name.lower() for p in _PAY_NAMES) for c in columns
    )


def _same(a: tuple[Term, ...], b: tuple[Term, ...]) -> bool:
    """The same candidates, in whatever order ("avg sale amount": measures first)."""
    return {id(t) for t in a} == {id(t) for t in b}


def _counted(terms: tuple[Term, ...]) -> tuple[Term, ...]:
    """What "300 employees", "4000 sales" count: tables, or measures that count rows."""
    return tuple(
        t for t in terms
        if isinstance(t, TableTerm) or (isinstance(t, MeasureTerm) and t.column is None)
    )


def _counted_amount(term: ColumnTerm) -> bool:
    """A number that counts things ("quantity", "units", "seats"): "how many units" adds it
    up rather than counting its distinct values."""
    column = term.column
    return (
        column.type in NUMERIC_TYPES
        and natural_agg(column) == "sum"
        and not is_identifier(term.table, column)
        and column.semantic_type not in ("currency", "money")
    )



# Columns whose word after a value is a measure or a flag ("Software units", "Engineering
# salaries", "Sales remote"), not a noun for the rows that value keeps.
_NOT_ROW_NOUNS = frozenset({*NUMERIC_TYPES, *TEMPORAL_TYPES, "boolean"})

#: Words between a column's name and one of its values ("title is Staff Engineer").
_NAMING_VALUE = frozenset({"is", "was", "are", "of", "=", "equals", "being"})
#: Words before a column's name that make it a breakdown ("by title", "per department").
_GROUPING_LEADS = frozenset({"by", "per", "each", "every", "across", "and", ","})
#: Nouns that say how much of the business a number covers ("group revenue", "the corporate
#: headcount"), not another number.
_SCOPE_NOUNS = frozenset({"group", "corporate", "consolidated", "headline", "combined",
                          "aggregate", "overall", "whole", "entire"})
#: Words after which a column is a breakdown whatever follows ("by department Sales and HR").
_BREAKDOWN_LEADS = frozenset({"by", "per", "each", "every", "across", "among", "between"})
#: Endings of words that describe rather than name ("newest", "onboarding", "booked",
#: "quickly"; alone, "higher"): not the nouns of a compound name.
_NOT_NOUN_ENDINGS = ("est", "ing", "ed", "ly")


def _joined_bounds(before: DateRange | None, word: DateRange) -> DateRange | None:
    """Two periods that bound one span: a start and an end said apart ("after 2020 and before
    2023"), or a period cut at today ("2025, up to today"); None when they are two periods."""
    if before is None or before.latest is not None or word.latest is not None:
        return None
    if before.parts is not None or word.parts is not None:
        return None
    pairs = ((before, word), (word, before))
    for opened, closed in pairs:
        if opened.start is not None and opened.end is None and closed.start is None and (
            closed.end is not None and opened.start <= closed.end
        ):
            return DateRange(opened.start, closed.end, f"{opened.label}, {closed.label}")
    for whole, cut in pairs:
        if cut.label == "up to today" and cut.end is not None and whole.start is not None and (
            whole.start <= cut.end and (whole.end is None or cut.end <= whole.end)
        ):
            return DateRange(whole.start, cut.end, f"{whole.label}, up to today", now=cut.end)
    return None


#: A verb for the rows of a table whose subject is a person: "who sold ...", the seller.
_SELL_VERBS = frozenset({"sold", "sell", "sells", "selling"})


#: Verbs after a relative "which" ("the offices which were opened ...").
_RELATIVE_VERBS = frozenset({"was", "were", "is", "are", "have", "has", "had"})

class _Walk:
    """One reading of one question (see module docstring); `run` returns the intent."""

    def __init__(self, lexed: Lexed):
        self.items = lexed.items
        self.words = lexed.words
        self.unknown_at = lexed.unknown_at
        self.intent = Intent(unknown=list(lexed.unknown))
        self.last_value: tuple[Item, ValueSlot] | None = None
        self.mode = "measure"
        self.negate = False
        self.cue = False
        self.compare: CompareSlot | None = None
        self.superlative_next = False
        self.last_numeric: tuple[Term, ...] = ()
        self.last_words: Item | None = None
        self.last_dim_item: Item | None = None
        self.implicit: MeasureSlot | None = None
        self.which_end = -1
        self.compare_target = -1
        self.range_end_at = -1  # the item that ended "2 to 4" (read with its start)
        self.numeric_at = -1  # index of the item that set `last_numeric`
        # A comparison whose number had nothing named after it yet ("100 or more people",
        # "under 90k in salary"): the next phrase or two may say what it is about.
        self.open_compare: CompareSlot | None = None
        self.open_until = -1
        self.measure_at = -2  # index of the item that made the last measure
        self.each_next = False  # the next breakdown came after "each", "every", "per"
        self.per_next = False  # the next phrase came right after "per" / "divided by"
        self.whole_next = False  # the next breakdown came after "within each", "for every" ...
        self.lead_next = False  # the question opens with "by" ("by country: which ...")
        self.agent_at = -1  # where "by" said who did it ("booked by ..."), else -1
        self.by_at = -1  # where the last "by" was read
        self.flag_at = -1  # where the last flag filter ("remote") was read
        self.lead_dim: DimSlot | None = None
        self.across_all = False  # the next breakdown came after "across all" / "over all"
        self.index = -1  # index of the item being read
        self.grain_text = ""  # the words of the last grain read ("months")
        self.versus_at = lexed.versus_at
        self.people = lexed.people
        self.who = False
        self.divide_next = False  # "divided by": the next measure is the ratio's denominator
        self.each_grain_first: tuple[GrainWord, GrainWord, bool] | None = None
        self.and_at = -1  # index of the last "and" / "or" item
        # Where each filter slot was read (item index, by the slot's id) and where each "or"
        # and "and" stood: "in Paris or rated 5" pairs the filters either side of the "or".
        self.slot_at: dict[int, tuple[int, object]] = {}
        self.joins_at: list[tuple[int, str]] = []

    # -- helpers -------------------------------------------------------------------------

    def _next_words(self, index: int) -> Item | None:
        nxt = self.items[index + 1] if index + 1 < len(self.items) else None
        return nxt if nxt is not None and isinstance(nxt.meaning, Words) else None

    def _adjacent(self, item: Item, other: Item | None) -> bool:
        return other is not None and other.start + other.size == item.start

    def _glued(self, item: Item, text: str, *, after: bool = True) -> None:
        """Record `text` with the unknown words right before (and after) it, if any."""
        before: list[str] = []
        i = item.start - 1
        while i in self.unknown_at:
            before.insert(0, self.unknown_at[i])
            i -= 1
        following: list[str] = []
        i = item.start + item.size
        while after and i in self.unknown_at:
            following.append(self.unknown_at[i])
            i += 1
        if before and not following and self._degree_restated(item, before):
            return  # "a high salary (above 150k)": the number says how high; "high" is unused
        if before or following:
            self.intent.compounds.append(" ".join([*before, text, *following]))
        if before and not following and all(
            len(w) > 3 and w.isalpha() and not w.endswith(_NOT_NOUN_ENDINGS)
            and w not in _SCOPE_NOUNS for w in before
        ) and (len(before) >= 2 or not before[0].endswith("er")) and isinstance(
            item.meaning, Words
        ) and _numeric(item.meaning.terms):
            self.intent.noun_compounds.append(" ".join([*before, text]))

    def _degree_restated(self, item: Item, before: list[str]) -> bool:
        """Whether unknown words before a number column only say its degree ("high",
        "low") and a number right after says it exactly ("a high rating (4 or 5)")."""
        if not all(w in _DEGREE for w in before) or not isinstance(item.meaning, Words):
            return False
        if len(_numeric(item.meaning.terms)) != len(item.meaning.terms):
            return False
        after = self.items[self.index + 1 : self.index + 3]
        return bool(after) and after[0].start == item.start + item.size and any(
            isinstance(a.meaning, (Number, Compare)) for a in after
        )

    def _measure(self, agg: Aggregate | None, terms: tuple[Term, ...], text: str) -> None:
        wanted = self.intent.superlative
        measures = self.intent.measures
        if measures and self.measure_at == self.index - 1 and _same(measures[-1].terms, terms) and (
            agg is None or agg == measures[-1].agg
        ):
            measures[-1].text = f"{measures[-1].text} {text}"  # "top-line revenue": one measure
            self.measure_at = self.index
            return
        slot = MeasureSlot(agg, terms, text)
        if self.divide_next and measures:
            slot.over = True  # "total salary divided by number of employees": a ratio
        self.divide_next = False
        self.whole_next = False
        if self.superlative_next and agg is None and wanted is not None:
            slot.superlative = wanted.desc
        self.superlative_next = False
        self.intent.measures.append(slot)
        self.measure_at = self.index
        self.implicit = slot if agg is None else None

    def _compared(self) -> None:
        """The number just named is compared ("salary over 100k", "rating of 5"): it was a
        filter, not a measure, unless the question asked for it ("average salary over ...")."""
        implicit = self.implicit
        if implicit in self.intent.measures and implicit and implicit.terms == self.last_numeric:
            if implicit.superlative is not None and self.compare is not None:
                # "departments where the top salary exceeds 200k": the highest, compared.
                implicit.agg = "max" if implicit.superlative else "min"
                implicit.superlative = None
                self.intent.superlative = None
                self.compare.measure = implicit
            elif all(isinstance(t, MeasureTerm) for t in implicit.terms) and self.compare:
                self.compare.measure = implicit  # "products with revenue over 20M": a total
            else:
                self.intent.measures.remove(implicit)
        self.implicit = None

    def _dim(self, terms: tuple[Term, ...], item: Item, text: str) -> None:
        if not (self.intent.measures or self.intent.tables or self.intent.pending):
            self.intent.dim_first = True  # "products that sold ...": the groups are the subject
        plural = text.endswith("s") and not text.endswith("ss")
        if self.superlative_next and self.intent.superlative is not None and not (
            self.intent.superlative.temporal
        ):
            self.intent.ranked_dim = True  # "the least popular product"
        slot = DimSlot(terms, text, plural=plural, per=self.per_next)
        self.divide_next = False
        self.per_next = False
        # "product category": two names in a row are one thing, the last word is the head.
        if self.last_dim_item is not None and self._adjacent(item, self.last_dim_item):
            if len(_numeric(terms)) == len(terms) and not _numeric(self.intent.dims[-1].terms):
                return  # "which depts pay more than 80k": the groups, then their number
            own = {id(t.table) for t in self.intent.dims[-1].terms if isinstance(t, ColumnTerm)}
            if terms and all(isinstance(t, TableTerm) and id(t.table) in own for t in terms):
                return  # "how much each product category sold": the groups, then the rows
            flags = tuple(
                t for t in terms if isinstance(t, ColumnTerm) and t.column.type == "boolean"
            )
            if flags and len(flags) == len(terms) and self.intent.dims and not any(
                isinstance(t, ColumnTerm) and t.column.type == "boolean"
                for t in self.intent.dims[-1].terms
            ) and (self.words[item.start] == "is" or self.intent.per_dim is self.intent.dims[-1]):
                # "what share of each department is remote", "per country: remote headcount":
                # the group, then a state of its rows (a filter, the part of a share), not one
                # compound name.
                self.intent.bools.append(BoolSlot(flags, text))
                return

            if self.intent.per_dim is self.intent.dims[-1]:
                self.intent.per_dim = slot
            self.intent.dims[-1] = slot
        else:
            self.intent.dims.append(slot)
        if self.each_next:
            self.intent.per_dim, self.each_next = slot, False
        if self.whole_next:
            self.intent.whole_dim, self.whole_next = slot, False
            self.intent.whole_grain = False
        if self.lead_next:
            self.lead_dim, self.lead_next = slot, False
        self.last_dim_item = item

    # -- the walk ------------------------------------------------------------------------

    def run(self) -> Intent:
        for index, item in enumerate(self.items):
            self._note_slots(index - 1)
            self.index = index
            meaning = item.meaning
            if self.mode == "dim" and self.last_dim_item is not None and index > 0:
                before = self.items[index - 1]
                gap = self.words[before.start + before.size : item.start]
                if "how" in gap:
                    # "inside every region how were units split": a new clause, its subject.
                    self.mode = "measure"
            if isinstance(meaning, Words):
                self._words(index, item, meaning)
                self.last_words = item
                continue
            if self.mode == "which" and not isinstance(meaning, Superlative):
                self.mode = "measure"  # "which" names the very next phrase, nothing later
            if not (isinstance(meaning, Keyword) and meaning.kind in ("and", "cue")):
                self.negate = self.negate and isinstance(meaning, Keyword) and (
                    meaning.kind == "negation"
                )
            if not (isinstance(meaning, Keyword) and meaning.kind in ("cue", "negation")):
                self.cue = False  # "date of the most recent sale": "of" is not about "sale"
            if isinstance(meaning, Agg):
                implicit = self.implicit
                if meaning.agg == "sum" and implicit is not None and implicit.agg is None and (
                    self.measure_at == index - 1 and self.words_of(item) in ("total", "totals")
                    and implicit in self.intent.measures
                ):
                    implicit.agg = "sum"  # "salary total by department": the sum of salaries
                    self.implicit = None
                    continue
                if meaning.agg == "sum" and self.words_of(item) == "how much" and (
                    self._agg_next(index)
                ):
                    continue  # "how much is the average salary": the average, not a sum too
                self.intent.pending.append(meaning.agg)
                self.mode = "measure"
            elif isinstance(meaning, Superlative):
                self.intent.superlative = meaning
                self.superlative_next = True
                if self.mode in ("which", "topdim"):
                    self.mode = "measure"
            elif isinstance(meaning, Top):
                self.intent.top = meaning
                self.mode = "topdim"
            elif isinstance(meaning, Keyword):
                self._keyword(meaning, item)
            elif isinstance(meaning, Compare):
                self._compare(meaning)
            elif isinstance(meaning, Number):
                self._number(meaning, index)
            elif isinstance(meaning, Chart):
                if self.intent.chart is None or meaning.strong:
                    self.intent.chart = meaning
                if not meaning.strong:
                    self.mode = "measure"  # "each region's share of units": units measured
            elif isinstance(meaning, Time):
                self._time(meaning, item)
                if isinstance(meaning.word, GrainWord):
                    self._glued(item, self.words_of(item), after=False)
        if self.compare is not None and self.compare.values and not self.compare.terms:
            self.compare.terms = self.last_numeric
        self._about_people()
        self._unknown_split()
        self._same_measure_again()
        self._each_grain_ranked()
        self._averaged_compare()
        self._groups_of_counted()
        self._groups_of_measured()
        self._groups_of_totals()
        self._dated_rows_per_group()
        self._ranked_rows_per_group()
        self._each_of_the_values()
        self._leading_group()
        self._highest_in_each()
        self._note_slots(len(self.items) - 1)
        self._either_filters()
        return self.intent

    def _leading_group(self) -> None:
        """ "by country: which department has the worst average rating", "office by office,
        the best-paid department": a breakdown said first, before a ranking of another thing,
        is the group the ranking is done within."""
        intent = self.intent
        if intent.per_dim is not None or len(intent.dims) != 2 or self.lead_dim is None:
            return
        if intent.dims[0] is not self.lead_dim:
            return
        if intent.top is None and (intent.superlative is None or intent.superlative.temporal):
            return
        intent.per_dim = self.lead_dim

    def _note_slots(self, at: int) -> None:
        intent = self.intent
        for slot in (*intent.values, *intent.bools, *intent.compares):
            if id(slot) not in self.slot_at:
                self.slot_at[id(slot)] = (at, slot)

    def _either_filters(self) -> None:
        """ "staff in Paris or with a rating of 5", "remote or hired before 2020": two filters
        said either side of an "or", close to it and with no "and" between, are kept as
        either one (`Intent.either`); two values of one column stay one "is any of"."""
        placed = sorted(self.slot_at.values(), key=lambda p: p[0])
        live = {id(s) for s in (*self.intent.values, *self.intent.bools, *self.intent.compares)}
        placed = [(at, slot) for at, slot in placed if id(slot) in live]
        for k, word in self.joins_at:
            if word != "or":
                continue
            before = [(at, slot) for at, slot in placed if at < k]
            after = [(at, slot) for at, slot in placed if at > k]
            if not before or not after:
                continue
            (p, first), (q, second) = before[-1], after[0]
            if k - p > 3 or q - k > 4 or any(
                p < at < q and at != k for at, _ in self.joins_at
            ):
                continue
            if isinstance(first, ValueSlot | BoolSlot | CompareSlot) and isinstance(
                second, ValueSlot | BoolSlot | CompareSlot
            ):
                self.intent.either.append((first, second))

    def _same_measure_again(self) -> None:
        """ "the lowest wage we pay anybody", "the biggest revenue we brought in": the
        column said again later, with no aggregation of its own, is the same measure (its
        verb), not a second one beside it."""
        measures = self.intent.measures
        if len(measures) < 2 or self.intent.pending:
            return

        def columns(terms: tuple[Term, ...]) -> set[tuple[int, int]]:
            return {(id(t.table), id(getattr(t, "column", None))) for t in terms}

        # "what's our top earner paid, the maximum salary anyone gets": each plain
        # repetition after an aggregated one is that one again.
        for k in range(len(measures) - 1, 0, -1):
            again = measures[k]
            if again.agg is not None or again.superlative is not None or again.over:
                continue
            if any(c.measure is again for c in self.intent.compares):
                continue
            if any((first.agg is not None or first.superlative is not None)
                   and columns(first.terms) == columns(again.terms)
                   for first in measures[:k]):
                del measures[k]

    def _highest_in_each(self) -> None:
        """ "the top salary in every department", "lowest price per category": the highest
        (lowest) value within each group, not the groups ranked by their average."""
        intent = self.intent
        per = intent.per_dim
        if per is None or intent.dims != [per] or intent.top is not None or intent.tables:
            return
        if intent.superlative is None or intent.superlative.temporal or intent.ranked_dim:
            return
        if intent.grain is not None and intent.grain.grain and not intent.grain.by:
            return  # "the best month for revenue in each category": the months ranked
        slots = [m for m in intent.measures if m.superlative is not None and m.agg is None]
        if len(intent.measures) != 1 or len(slots) != 1:
            return
        slots[0].agg = "max" if slots[0].superlative else "min"
        slots[0].superlative = None
        intent.superlative = None

    def _each_of_the_values(self) -> None:
        """ "For Engineering and for Finance, which 2 countries ... in each?": an "each" with
        nothing after it is each of the values named, a breakdown by their column."""
        intent = self.intent
        if not self.each_next or intent.per_dim is not None or len(intent.values) < 2:
            return
        columns = [{(id(t.table), id(t.column)) for t in v.terms} for v in intent.values]
        shared = set.intersection(*columns)
        terms = tuple(
            ColumnTerm(t.table, t.column, t.quality) for t in intent.values[0].terms
            if (id(t.table), id(t.column)) in shared
        )
        if not terms:
            return
        slot = DimSlot(terms, "each", plural=False)
        intent.dims.insert(0, slot)
        intent.per_dim = slot

    def _dated_rows_per_group(self) -> None:
        """ "who was hired first in each department", "the newest hire at each location",
        "the longest-serving employee at each office": the rows of each group with the
        earliest (latest) date of their own, their name next to that date — not a count."""
        intent = self.intent
        when = intent.superlative
        per = intent.per_dim
        if when is None or not when.temporal or per is None or intent.grain:
            return
        if intent.pending or intent.compares or len(intent.measures) > 1:
            return
        dated: list[ColumnTerm] = []
        # "each site, (name) the person who was hired first": the rows (or their name) said
        # besides the date are the rows listed, not a breakdown of their own.
        dims = [d for d in intent.dims if d is per or not (
            all(isinstance(t, TableTerm) for t in d.terms) or d.text in ("name", "names")
        )]
        if len(dims) == 2 and len(intent.dims) > 2 and dims[0] is per and not intent.measures:
            intent.dims = dims
        if len(intent.dims) == 2 and intent.dims[0] is per and not intent.measures:
            # "in every department, who joined first": the date named as a breakdown.
            named = [t for t in intent.dims[1].terms if isinstance(t, ColumnTerm)]
            if not named or any(t.column.type not in TEMPORAL_TYPES for t in named):
                return
            dated = named
        elif intent.dims != [per]:
            return
        for slot in intent.measures:
            for t in slot.terms:
                if isinstance(t, ColumnTerm) and t.column.type in TEMPORAL_TYPES:
                    dated.append(t)
                elif isinstance(t, MeasureTerm) and t.agg == "count" and t.time_column:
                    dated.append(ColumnTerm(t.table, t.time_column, t.quality))  # "hire"
        if not intent.measures and not dated:
            dated = [t for t in intent.time_columns if t.column.type in TEMPORAL_TYPES]
        tables = {id(t.table) for t in intent.tables}
        dated = [t for t in dated if not tables or id(t.table) in tables]
        if not dated or len({id(t.table) for t in dated}) != 1:
            return
        if not any(
            isinstance(t, ColumnTerm) and _next_to(t.table, dated[0].table) for t in per.terms
        ):
            # the group is a column of the dated rows ("department", "location"), or of a
            # table they point at or are pointed at by ("office location": the office's city)
            return
        rows = TableTerm(dated[0].table, dated[0].quality)
        n = intent.top.n if intent.top is not None else None
        for at in intent.loose_numbers:
            if n is None and intent.number is not None and any(
                isinstance(i.meaning, Superlative) and i.start == at + 1 for i in self.items
            ):
                # "the 2 newest hires at each location": that many in each group.
                n = intent.number
                intent.top = Top(n, desc=when.desc)
                intent.loose_numbers.remove(at)
                intent.number = None
                break
        intent.measures = [MeasureSlot("max" if when.desc else "min", (dated[0],), "date")]
        intent.superlative = Superlative(desc=when.desc)
        intent.dims = [per, DimSlot((rows,), "rows", plural=n is not None and n > 1)]
        intent.tables = []
        intent.time_columns = []

    def _ranked_rows_per_group(self) -> None:
        """ "the highest paid person in each department", "the 2 newest offices in every
        country": the table's own rows are what is ranked within each group."""
        intent = self.intent
        ranked = intent.top is not None or intent.superlative is not None
        # "the top seller in each region": sellers are ranked by what they sold.
        sold = not intent.measures and not intent.pending and any(
            w in SELLER_NOUNS for w in self.words
        )
        if not ranked or intent.per_dim is None or len(intent.dims) != 1 or (
            len(intent.tables) != 1 or not (intent.measures or sold)
        ):
            return
        if intent.superlative is not None and intent.superlative.temporal:
            return
        subject = intent.tables[0]
        said = next((w for w in intent.row_words if w in _SELLING), "rows")
        intent.dims.append(DimSlot((subject,), said, plural=intent.top is not None))
        intent.tables = []
        if sold:
            intent.ranked_dim = False

    def _each_grain_ranked(self) -> None:
        """ "for each year, which month had the highest revenue": the later grain ranked
        within each of the first; without a ranking, the later grain is a breakdown."""
        if self.each_grain_first is None:
            return
        outer, inner, plural = self.each_grain_first
        intent = self.intent
        if intent.top is not None or intent.superlative is not None:
            intent.grain, intent.ranked_grain, intent.ranked_plural = outer, inner, plural
        else:
            intent.grain = inner

    def _about_people(self) -> None:
        intent = self.intent
        if not self.who or self.people is None:
            return
        # "who sold the most units": the verb names the rows sold, the sellers are asked.
        sold = bool(intent.row_words) and all(w in _SELL_VERBS for w in intent.row_words) and all(
            t.table is not self.people.table for t in intent.tables
        )
        if (intent.tables or intent.row_words) and not sold:
            return
        if any(isinstance(t, TableTerm) for d in intent.dims for t in d.terms):
            return
        if sold and intent.measures:
            # "who sold the most units": the amount names the rows; the people are ranked.
            intent.tables, intent.row_words = [], []
        if sold and not intent.measures:
            intent.tables.insert(0, self.people)  # "who sold the most": people and sales
            intent.row_words.insert(0, "person")
        else:
            intent.tables.append(self.people)
            intent.row_words.append("person")

    def _unknown_split(self) -> None:
        """ "gender split of our employees", "age breakdown": a breakdown by something the
        data does not have, which can't be honoured (like "by gender")."""
        for i, word in self.unknown_at.items():
            if i + 1 < len(self.words) and self.words[i + 1] in _SPLIT_NOUNS:
                self.intent.compounds.append(word)

    def _averaged_compare(self) -> None:
        """ "which depts pay more than 80k on average": the aggregation said with no number
        of its own is the compared number's (a filter on the groups' average)."""
        intent = self.intent
        if intent.measures or len(intent.pending) != 1 or not intent.dims:
            return
        agg = intent.pending[0]
        if agg not in ("avg", "sum", "min", "max"):
            return
        for compare in intent.compares:
            numeric = _numeric(compare.terms)
            if compare.measure is None and numeric and len(numeric) == len(compare.terms):
                slot = MeasureSlot(agg, numeric, "measure")
                intent.measures.append(slot)
                compare.measure = slot
                intent.pending = []
                return

    def _groups_of_measured(self) -> None:
        """ "offices with an average rating of at least 3.3": things compared by a total of
        another table's rows are a breakdown by those things, the total compared."""
        intent = self.intent
        if intent.dims or len(intent.tables) != 1 or not intent.measures:
            return
        subject = intent.tables[0]
        for compare in intent.compares:
            measure = compare.measure
            if measure is None or measure.agg is None or measure not in intent.measures:
                continue
            if all(t.table is not subject.table for t in measure.terms):
                intent.dims.append(DimSlot((subject,), "rows", plural=True))
                intent.tables = []
                intent.dim_first = True
                return

    def _groups_of_totals(self) -> None:
        """ "reps who sold more than 750k in 2025", "sellers who did over 550k of revenue",
        "reps whose revenue is above 700k": things named first, bounded by an amount of
        another table's rows (a sum: revenue, units), are a breakdown by those things with a
        bound on their total, not the other table's rows one by one."""
        intent = self.intent
        sold = intent.dims[0] if len(intent.dims) == 1 else None
        if sold is not None and sold is intent.per_dim and sold.text in _SELLING and all(
            isinstance(t, TableTerm) for t in sold.terms
        ):
            # "reps who each sold more than 600k": "each" is the reps', "sold" their sales.
            others_sold: list[TableTerm] = [t for t in sold.terms if isinstance(t, TableTerm)]
        elif intent.dims:
            return
        else:
            others_sold = []
        if intent.grain or not intent.tables or not (
            intent.rows_first or intent.row_words or others_sold
        ):
            return
        if intent.top is not None or intent.superlative is not None:
            return
        if any(a != "sum" for a in intent.pending):
            return
        subject, others = intent.tables[0], [*intent.tables[1:], *others_sold[:1]]
        if any(t.table is subject.table for t in others):
            return
        for compare in intent.compares:
            if compare.op in ("in", "eq") or compare.counted is not None:
                continue
            measure = compare.measure
            if measure is not None and (measure.agg not in (None, "sum") or (
                measure not in intent.measures
            )):
                continue
            terms = compare.terms
            if terms:
                summed = all(
                    t.table is not subject.table and (
                        (isinstance(t, MeasureTerm) and t.agg == "sum" and t.column is not None)
                        or (isinstance(t, ColumnTerm) and natural_agg(t.column) == "sum")
                    ) for t in terms
                )
                if not summed or any(
                    m is not measure and m.terms and not _same(m.terms, terms)
                    for m in intent.measures
                ):
                    continue
            elif intent.measures or len(others) != 1 or not isinstance(others[0], TableTerm):
                continue  # "reps who sold more than 750k": the other table's main amount
            intent.dims = [DimSlot((subject,), "rows", plural=True)]
            intent.per_dim = None
            intent.tables = list(others)
            intent.dim_first = True
            return

    def _groups_of_counted(self) -> None:
        """ "sales reps who closed more than 250 deals", "offices with at least 200
        employees": things compared by how many rows of another table they have are a
        breakdown by those things, the count of the other rows compared (a filter on totals)."""
        intent = self.intent
        if intent.dims or intent.measures or intent.pending or len(intent.tables) != 1:
            return
        subject = intent.tables[0]
        for compare in intent.compares:
            counted = compare.counted or ()
            if counted and all(
                isinstance(t, TableTerm) and t.table is not subject.table for t in counted
            ):
                intent.dims.append(DimSlot((subject,), "rows", plural=True))
                intent.tables = []
                intent.dim_first = True
                return

    def _unknown_breakdown(self, item: Item) -> None:
        """ "by gender" when the data has no gender: the breakdown can't be honoured."""
        i = item.start + item.size
        while i < len(self.words) and self.words[i] in STOPWORDS and i not in self.unknown_at:
            i += 1
        if i in self.unknown_at:
            self.intent.compounds.append(self.unknown_at[i])

    def _counted_subject(self, index: int) -> bool:
        """Whether the rows at `index` are counted as the subject of "is" ("where is the
        number of employees ...", "cities where number of staff is"): the count is what is
        compared, not a number of the rows ("how many orders over 20k")."""
        if index < 1 or not isinstance(self.items[index - 1].meaning, Agg):
            return False
        counted = self.items[index - 1]
        if self.words_of(counted) not in ("number of", "count of"):
            return False
        before = [w for w in self.words[max(0, counted.start - 2) : counted.start] if w != "the"]
        return bool(before) and before[-1] in ("is", "was", "are", "were", "where", "whose")

    def _agg_next(self, index: int) -> bool:
        """Whether the next item after `index` but cues ("is", "the") is an aggregation."""
        for later in self.items[index + 1 :]:
            if isinstance(later.meaning, Keyword) and later.meaning.kind == "cue":
                continue
            return isinstance(later.meaning, Agg)
        return False

    def words_of(self, item: Item) -> str:
        return " ".join(self.words[item.start : item.start + item.size])

    def _keyword(self, meaning: Keyword, item: Item) -> None:
        kind = meaning.kind
        if kind == "and" and self.words_of(item) in ("and", "or", ","):
            self.and_at = self.index
            self.joins_at.append((self.index, self.words_of(item)))
        if kind in ("group", "group_add"):
            self.mode = "dim"
            self.last_dim_item = None
            self.each_next = self.words_of(item) in _EACH
            said = self.words_of(item)
            before = self.words[item.start - 1] if item.start else ""
            self.lead_next = item.start == 0 and said == "by"
            after = self.words[item.start + item.size : item.start + item.size + 1]
            self.across_all = (said in ("across", "over") and after in (("all",), ("every",))) or (
                said in ("all", "every") and before in ("across", "over", "of")
            )
            self.by_at = item.start if said in ("by", "by the") else -1
            self.agent_at = item.start if self.by_at >= 0 and item.start > 0 and _done_by(
                self.words[item.start - 1]
            ) else -1
            self.whole_next = said in _WHOLE_GROUPS or (
                said in ("each", "every") and before in _WHOLE_LEADS
            )
            self.per_next = self.words_of(item) in ("per", "divided by", "a", "for every")
            self.divide_next = self.words_of(item) == "divided by" and bool(self.intent.measures)
            self._unknown_breakdown(item)
            if kind == "group_add" and "instead" not in self.words:
                # "and by country": added to the breakdown; "and by country instead?" replaces
                # it (`instead` says so, wherever it stands).
                self.intent.add_dims = True
        elif kind == "negation":
            self.negate = True
        elif kind == "cue":
            self.cue = True
        elif kind == "which" and item.start > 0 and self.last_words is not None and (
            self._adjacent(item, self.last_words) or self.last_value is not None
        ) and (self.words_of(item) in ("who", "that") or (
            self.words_of(item) == "which" and self._adjacent(item, self.last_words)
            and self._word_after(self.index) in _RELATIVE_VERBS
        )):
            # "the employees in Sydney who work remotely", "the offices which were opened
            # before 2016": a relative clause (which rows), not a question's "which".
            self.cue = True
        elif kind == "which" and self.words_of(item) == "what" and self._word_after(
            self.index
        ) in ("do", "does", "did"):
            pass  # "what do people in Paris earn": what amount, not which people
        elif kind == "which" and self.words_of(item) == "what" and self._amount_asked(
            self.index
        ):
            pass  # "what salary do engineers get": that amount, not which salaries
        elif kind == "which" and self.words_of(item) in ("what", "whats") and (
            tuple(self.words[item.start + item.size : item.start + item.size + 3])
            in _WHAT_IS_A_TOTAL
        ):
            pass  # "what's the average salary per department for the Sydney staff": a total
        elif kind == "which" and self.words_of(item) == "what" and item.start > 0 and (
            self.words[item.start - 1] in ("of", "for", "on")
        ):
            pass  # "the regional split of what we sold": the amount sold, not which things
        elif kind == "which" and item.start == 0 and self.people is not None and (
            self.words_of(item) in ("who", "whos", "whom")
        ):
            # "who earns the most in each department", "who joined in Berlin": people,
            # unless the question names its rows (`_about_people`).
            self.who = True
        elif kind == "which":
            self.intent.which = True
            self.mode = "which"
            self.which_end = item.start + item.size
        elif kind == "dashboard":
            self.intent.dashboard = True
        elif kind == "common":
            self.intent.common = True  # "the most common job titles": ranked by how many rows
        elif kind in ("follow_replace", "follow_add"):
            if self.intent.follow is None or item.start == 0:
                self.intent.follow = kind.removeprefix("follow_")
        elif kind == "and" and item.start == 0:
            self.intent.follow = "add"

    def _one_of_numbers(self, meaning: Number, index: int) -> bool:
        """ "rated 4 or 5": a number after "or" and the number of an equality is one more
        value that equality accepts."""
        if index < 2 or self.words_of(self.items[index - 1]) != "or":
            return False
        before = self.items[index - 2].meaning
        last = self.intent.compares[-1] if self.intent.compares else None
        if not isinstance(before, Number) or last is None or last.op not in ("eq", "in"):
            return False
        if not last.values or last.values[-1] != before.value or (
            last.measure is not None and last.measure.agg != "count_distinct"
        ):
            # "how many were rated 4 or 5": the count read at the rating (a count of its
            # values, turned into a count of rows later) takes the second value too.
            return False
        last.op = "in"
        last.values.append(meaning.value)
        # "graded 2 or 3 in Tokyo": this "or" joined two values, not two filters.
        self.joins_at = [(k, w) for k, w in self.joins_at if k != index - 1]
        return True

    def _compare(self, meaning: Compare) -> None:
        if meaning.op.endswith("_after"):
            # "4 or more": turn the equality just read into >= / <=.
            last = self.intent.compares[-1] if self.intent.compares else None
            if last is not None and last.op == "eq":
                last.op = meaning.op.removesuffix("_after")
                named = self.intent.measures[-1] if self.intent.measures else None
                if named is not None and named.agg == "count_distinct" and last.terms and (
                    _same(named.terms, last.terms)
                ) and not _DISTINCT_WORDS.intersection(self.words):
                    # "how many engineers earn 60k or less": the rows whose number is
                    # compared are counted, as with the bound said first ("not above").
                    self.intent.measures.remove(named)
                    self.intent.pending.append("count")
            return
        self.compare = CompareSlot(meaning.op, [], self.last_numeric)
        named = self.intent.measures[-1] if self.intent.measures else None
        if named is not None and named.agg == "count_distinct" and self.last_numeric and (
            self.measure_at == self.numeric_at and _same(named.terms, self.last_numeric)
        ) and not _DISTINCT_WORDS.intersection(self.words):
            # "how many have a rating not above 3": the rows whose number is compared are
            # counted, not the number's distinct values.
            self.intent.measures.remove(named)
            self.intent.pending.append("count")
            named = self.intent.measures[-1] if self.intent.measures else None
        if named is not None and self.measure_at == self.index - 1 and (all(
            isinstance(t, MeasureTerm) and t.column is None for t in named.terms
        ) or (named.agg == "count" and named.terms and all(
            isinstance(t, TableTerm) for t in named.terms
        ) and self._counted_subject(self.index - 1))):
            # "departments with a headcount above 300", "cities where the number of employees
            # is at most 150": the count just named, compared.
            self.compare.measure = named
            self.compare.terms = ()
            return
        if self.last_numeric:
            named = self.intent.measures[-1] if self.intent.measures else None
            just = self.measure_at == self.numeric_at  # the measure is the last number named
            if named is not None and named.agg is not None and just and _same(
                named.terms, self.last_numeric
            ):
                self.compare.measure = named  # "where the average salary is above 100k"
            self._compared()

    def _range_end(self, index: int) -> float | None:
        """The second number of "2 to 4" (the item after `index`, "to" between), or None."""
        item = self.items[index]
        nxt = self.items[index + 1] if index + 1 < len(self.items) else None
        if nxt is None or not isinstance(nxt.meaning, Number):
            return None
        if not isinstance(item.meaning, Number):
            return None
        if nxt.start != item.start + item.size + 1:
            return None
        if self.words[item.start + item.size] not in ("to", "through", "thru"):
            return None
        return nxt.meaning.value if nxt.meaning.value > item.meaning.value else None

    def _number(self, meaning: Number, index: int) -> None:
        if index == self.range_end_at:
            return  # the end of "2 to 4", read with its start
        if self._one_of_numbers(meaning, index):
            return
        if self.compare is None:
            # "rating of 5", "rating 4": an equality on the number named just before.
            prev = self.items[index - 1].meaning if index else None
            close = self.numeric_at == index - 1 or (
                self.numeric_at == index - 2 and isinstance(prev, Keyword) and prev.kind == "cue"
            )
            if self.last_numeric and close:
                slot = CompareSlot("eq", [meaning.value], self.last_numeric)
                upto = self._range_end(index)
                if upto is not None:
                    # "ratings 2 to 4": the numbers from one to the other.
                    slot.op, slot.values = "between", [meaning.value, upto]
                    self.range_end_at = index + 1
                self.intent.compares.append(slot)
                averaged = self.intent.measures[-1] if self.intent.measures else None
                if averaged is not None and averaged.agg is not None and (
                    self.measure_at == self.numeric_at
                    and _same(averaged.terms, self.last_numeric)
                ):
                    # "countries with an average rating of 3.3 or better": the average named
                    # is the number compared (a filter on the groups' totals).
                    slot.measure = averaged
                dims = self.intent.dims
                if dims and self.last_dim_item is not None and _same(
                    dims[-1].terms, self.last_numeric
                ) and self.items.index(self.last_dim_item) == self.numeric_at:
                    dims.pop()  # "whose manager id is 12": a filter, not also a breakdown
                    self.last_dim_item = None
                self._compared()
                return
            after = self.items[index + 1].meaning if index + 1 < len(self.items) else None
            later = self.items[index + 2].meaning if index + 2 < len(self.items) else None
            if isinstance(after, Words) and isinstance(later, Compare) and (
                later.op.endswith("_after") and _numeric(after.terms)
            ):
                # "orders of 10 units or fewer": the number, its column, then the comparison.
                self.intent.compares.append(CompareSlot("eq", [meaning.value],
                                                        _numeric(after.terms)))
                self.compare_target = index + 1
                return
            if isinstance(after, Words) and isinstance(later, Compare) and (
                later.op.endswith("_after") and _counted(after.terms)
            ) and not _numeric(after.terms):
                # "offices with 160 people or fewer", "5 orders max": the things counted,
                # then the comparison (a filter on how many each group has).
                self.intent.compares.append(CompareSlot("eq", [meaning.value],
                                                        counted=_counted(after.terms)))
                self.compare_target = index + 1
                return
            if not (isinstance(after, Compare) and after.op.endswith("_after")):
                value = meaning.value
                self.intent.loose_numbers.append(self.items[index].start)
                if value == int(value) and 0 < value <= 1000 and self.intent.number is None:
                    self.intent.number = int(value)  # "make it 10": a count said alone
                return
            # "100 or more people": the comparison comes after its number.
            self.compare = CompareSlot("eq", [])
            self.open_compare, self.open_until = self.compare, index + 4
            self.compare.values.append(meaning.value)
            self.intent.compares.append(self.compare)
            self.compare = None
            return
        self.compare.values.append(meaning.value)
        if self.compare.op != "between" or len(self.compare.values) == 2:
            named = self._measure_named_after(index)
            if named is not None and self.compare.terms and not self.compare.measure:
                # "products that made over 10M in revenue": the measure said after the
                # number is what it is about, not a column the verb before it matched.
                self.compare.terms, self.compare_target = named
            elif self.compare.terms:
                nxt = self._next_words(index)
                said = nxt.meaning.terms if nxt and isinstance(nxt.meaning, Words) else ()
                numeric = _numeric(said)
                if nxt is not None and numeric and len(numeric) == len(said) and (
                    self._adjacent(nxt, self.items[index])
                ) and not _same(numeric, self.compare.terms):
                    # "revenue from orders of at most 10 units": the number's own unit says
                    # what it is about, not the measure named before.
                    self.compare.terms, self.compare.after = numeric, True
                    self.compare.measure = None
                    self.compare_target = index + 1
                elif nxt is not None and said and not numeric and (
                    _counted(said) and len(_counted(said)) == len(said)
                ) and self._adjacent(nxt, self.items[index]):
                    # "which manager id has more than 12 employees": the rows said right
                    # after the number are what is counted, not the number column before.
                    self.compare.terms, self.compare.measure = (), None
                    self.compare.counted = _counted(said)
                    self.compare_target = index + 1
            if not self.compare.terms and self.compare.counted is None:
                nxt = self._next_words(index)
                said = nxt.meaning.terms if nxt and isinstance(nxt.meaning, Words) else ()
                numeric, counted = _numeric(said), _counted(said)
                if numeric or counted:
                    self.compare.terms, self.compare.after = numeric, bool(numeric)
                    self.compare.counted = None if numeric else counted
                    self.compare_target = index + 1  # "more than 10 units": not a measure
                elif self._word_after(index) == "times":
                    self.compare.counted = ()  # "sold more than 5000 times"
                else:
                    self.open_compare, self.open_until = self.compare, index + 3
            self.intent.compares.append(self.compare)
            self.compare = None

    def _measure_named_after(self, index: int) -> tuple[tuple[Term, ...], int] | None:
        """A measure named right after a number, maybe after "in" / "of" ("10M in revenue"):
        its candidates and the index of its phrase."""
        at = index + 1
        if at < len(self.items) and isinstance(self.items[at].meaning, Keyword) and (
            self.words_of(self.items[at]) in ("in", "of")
        ):
            at += 1
        item = self.items[at] if at < len(self.items) else None
        if item is None or not isinstance(item.meaning, Words):
            return None
        terms = item.meaning.terms
        if not terms or not all(isinstance(t, MeasureTerm) and t.column for t in terms):
            return None
        return terms, at

    def _names_rows_next(self, index: int, bools: tuple[Term, ...]) -> bool:
        """Whether the flag at item `index` is said of the rows named right after it ("by
        remote employees": those people, a filter), not broken down by ("by remote")."""
        if not bools or index + 1 >= len(self.items):
            return False
        item, after = self.items[index], self.items[index + 1]
        if after.start != item.start + item.size or not isinstance(after.meaning, Words):
            return False
        tables = {id(t.table) for t in bools}
        return any(
            isinstance(t, TableTerm) and id(t.table) in tables for t in after.meaning.terms
        )

    def _amount_asked(self, index: int) -> bool:
        """Whether "what" at item `index` asks an amount: a number column follows, then "do",
        "does" or "did" ("what rating do support staff get on average")."""
        if index + 1 >= len(self.items):
            return False
        after = self.items[index + 1]
        if after.start != self.items[index].start + self.items[index].size:
            return False
        if not isinstance(after.meaning, Words) or not after.meaning.terms:
            return False
        if len(_numeric(after.meaning.terms)) != len(after.meaning.terms):
            return False
        return self._word_after(index + 1) in ("do", "does", "did")

    def _word_after(self, index: int) -> str:
        item = self.items[index]
        end = item.start + item.size
        return self.words[end] if end < len(self.words) else ""

    def _attach(self, index: int, terms: tuple[Term, ...]) -> bool:
        """The phrase just after a comparison's number says what it is about ("100 or more
        people", "under 90k in salary"); True when it was taken as that (not read further)."""
        slot = self.open_compare
        if slot is None or index > self.open_until or slot.terms or slot.counted is not None:
            return False
        numeric = _numeric(terms)
        if numeric and self.intent.pending:
            slot.terms = numeric  # "averaging under 90k in salary": the average, compared
            self.open_compare = None
            return False
        if numeric:
            slot.terms, slot.after = numeric, True
            self.open_compare = None
            return True
        counted = _counted(terms)
        if counted:
            start = self.items[index].start
            before = self.words[start - 1] if start else ""
            if before in ("in", "per") and all(isinstance(t, TableTerm) for t in counted):
                # "cleared 10 million in sales", "average more than 5,000 per order": an
                # amount of those rows (their main measure), not how many there are.
                self.open_compare = None
                return True
            slot.counted = counted
            self.open_compare = None
            return True
        return False

    def _time(self, meaning: Time, item: Item) -> None:
        word = meaning.word
        if isinstance(word, DateRange):
            joined = _joined_bounds(self.intent.date_range, word)
            if joined is not None and self.intent.date_ranges:
                # "on or after 1 April 2024 and on or before 31 March 2025", "since the start
                # of the year, through today": one span, bounded on both sides.
                self.intent.date_range = joined
                self.intent.date_ranges[-1] = (self.intent.date_ranges[-1][0], joined)
                return
            named = self.words[item.start + 1] if item.start + 1 < len(self.words) else ""
            if self.words[item.start] in ("last", "previous", "prior") and (
                named in MONTHS or named in ("q1", "q2", "q3", "q4")
            ) and word.start and (
                word.end and any((s.start, s.end) == (word.start, word.end)
                                 for _, s in self.intent.date_ranges)
            ):
                # "this September versus last September": set against the same month, "last"
                # is the one a year before it.
                word = DateRange(add_months(word.start, -12),
                                 add_months(word.end + dt.timedelta(days=1), -12)
                                 - dt.timedelta(days=1), f"{word.label} (a year earlier)")
            self.intent.date_range = word
            self.intent.date_ranges.append((item.start, word))
            return
        nxt = self._next_words(self.index)
        if not word.by and word.grain == "year" and nxt is not None and self._adjacent(
            nxt, item
        ) and isinstance(nxt.meaning, Words) and _yearly_pay(nxt.meaning.terms):
            # "yearly wage bill", "annual pay": a salary is a yearly amount already;
            # "yearly" says which amount, not a breakdown by year.
            return
        earlier = self.intent.grain
        if earlier is not None and earlier.by and not word.by and item.start > 0 and (
            self.words[item.start - 1] in ("the", "that", "this")
        ) and earlier.grain != word.grain:
            return  # "by quarter: units adding up over the year": the span, not the grain
        ranked = self.intent.top is not None or self.intent.superlative is not None
        each = self.words_of(item).split()[0] in _EACH or (
            self.each_next and self.mode == "dim"
        )  # "for each year", "in every year"
        if earlier is not None and earlier.grain and word.grain and ranked and each and (
            not earlier.by and earlier.grain != word.grain
        ):
            self.intent.ranked_grain = earlier  # "the top 3 months ... for each year"
            self.intent.ranked_plural = self.grain_text.endswith("s")
        elif earlier is not None and earlier.grain and word.grain and self.intent.per_grain and (
            not each and earlier.grain != word.grain and self.intent.ranked_grain is None
        ):
            # "for each year, which month had the most": ranked within each year, if a
            # ranking follows (`_each_grain_first`).
            self.each_grain_first = (earlier, word, self.words_of(item).endswith("s"))
            return
        said_as = self.words_of(item)
        if not (self.intent.measures or self.intent.tables or self.intent.pending
                or self.intent.dims or word.by or earlier is not None) and (
            said_as.rstrip("s") in ("day", "week", "month", "quarter", "year")
            and item.start > 0 and self.words[item.start - 1] == "the"
        ):
            self.intent.grain_first = said_as.endswith("s")  # "the month(s) with ..."
        self.intent.grain = word
        self.grain_text = self.words_of(item)
        said = self.words_of(item).split()
        before = self.words[item.start - 1] if item.start else ""
        if word.grain and (self.whole_next or " ".join(said[:2]) in _WHOLE_GROUPS or (
            said[0] in ("each", "every") and before in _WHOLE_LEADS
        )):
            # "share of revenue by category for each year": the year is the whole.
            self.intent.whole_grain, self.intent.whole_dim = True, None
            self.whole_next = False
        if (word.by or self.mode == "dim") and each:
            self.intent.per_grain = True
            self.each_next = False
        if word.by:
            self.mode = "dim"
            self.last_dim_item = None

    def _words(self, index: int, item: Item, meaning: Words) -> None:
        terms = meaning.terms
        text = meaning.text
        self.intent.mentioned.extend(t for t in terms if isinstance(t, TableTerm))
        if index == self.compare_target or self._attach(index, terms):
            return
        if self.mode == "dim" and text in _SELLS and item.start > 0 and (
            self.words[item.start - 1] in _PRONOUNS
        ):
            return  # "for every category, the region where it sells worst": a verb, no rows
        said = self.last_words
        if self.mode == "dim" and text in _SELLS and said is not None and isinstance(
            said.meaning, Words
        ) and self._adjacent(item, said) and any(
            isinstance(t, MeasureTerm) for t in said.meaning.terms
        ):
            return  # "the top rep per region, by dollars sold": the verb of the amount ranked
        # "employee country": a table name right before narrows the next phrase to that table.
        prev = self.last_words
        if prev is not None and self._adjacent(item, prev) and isinstance(prev.meaning, Words):
            hinted = {id(t.table) for t in prev.meaning.terms if isinstance(t, TableTerm)}
            narrowed = tuple(t for t in terms if id(t.table) in hinted)
            if narrowed:
                terms = narrowed
        numeric = _numeric(terms)
        if numeric:
            self.last_numeric = numeric
            self.numeric_at = index
        if self.compare is not None and not self.compare.terms and numeric:
            self.compare.terms = numeric
        values = tuple(t for t in terms if isinstance(t, ValueTerm))
        structural = tuple(t for t in terms if not isinstance(t, ValueTerm))
        bools = tuple(
            t for t in terms if isinstance(t, ColumnTerm) and t.column.type == "boolean"
        )
        last = self.last_value
        if last is not None and not self._adjacent(item, last[0]) and (
            list(self.words[last[0].start + last[0].size : item.start]) in (["the"], ["as"])
        ):
            named = {id(t.column) for t in last[1].terms}
            if terms and all(isinstance(t, ColumnTerm) and id(t.column) in named for t in terms):
                return  # "Software Engineers (the title)": the value's column said again
        if self._before_own_value(index, item, terms):
            return  # "... and location is Toronto", "location = Toronto": where the value is
        if self.last_value is not None and self._adjacent(item, self.last_value[0]):
            named = {id(t.column) for t in self.last_value[1].terms}
            if any(isinstance(t, ColumnTerm) and id(t.column) in named for t in terms):
                return  # "the East region", "the Sales department": the value's own column
            kinds = {id(t.table) for t in self.last_value[1].terms}
            subjects = [
                *(t.table for t in self.intent.tables),
                *(t.table for m in self.intent.measures for t in m.terms),
            ]
            if any(
                isinstance(t, TableTerm) and id(t.table) in kinds for t in structural
            ) and subjects and all(id(s) not in kinds for s in subjects):
                # "what share of employees sit in APAC offices": the table's noun after one of
                # its values names that value's rows; the rows counted were named before.
                return
            listed = self.words[:1] in (("who",), ("whos",), ("which",), ("list",))
            start = self.last_value[0].start
            before = [w for w in self.words[max(0, start - 3) : start] if w != "the"]
            if before[-1:] and before[-1] in ("between", "among", "amongst", "across") and (
                "split" in self.words[max(0, start - 4) : start]
            ):
                # "revenue split between the hardware products": each of those products.
                listed = True
            if not values and self.mode == "measure" and not self._ranked() and not listed and (
                structural
            ) and all(
                isinstance(t, ColumnTerm) and t.column.type not in _NOT_ROW_NOUNS
                and any(t.table is v.table for v in self.last_value[1].terms)
                for t in structural
            ):
                # "units of software products", "revenue from Hardware items": the noun after a
                # value names the rows that value keeps, not a breakdown (no "by", no ranking).
                return
        if values and structural and (
            self._another_value(index, item, values) or self._weighed_value(index, item, values)
        ):
            # "Engineering vs Sales", "Support and Sales": a second value of the first one's
            # column, not the table that shares its name.
            self._value(item, ValueSlot(values, text, self.negate))
            return
        filtering = self.negate or self.cue
        self.cue = False
        if self.mode == "which" and item.start - self.which_end > 1:
            self.mode = "measure"  # "what's the split of employees": not "which employee"

        pending = self.intent.pending
        each = self.per_next or self.each_next
        if values and not structural and each and self.mode == "dim" and (
            "avg" in pending and "count" in pending
        ):
            # "the average number of reports per manager": per the rows' manager, not a filter.
            self._dim(values, item, text)
            return
        if structural and ("count" in pending or self.intent.measures) and self._each_one(
            item, index
        ):
            # "how many employees does an office have on average": per office.
            self.per_next = True
            self._dim(structural, item, text)
            return
        counted_table = self.intent.pending and _of(structural, TableTerm) and not self.negate
        if counted_table and values and self._before_own_column(index, values):
            # "number of sales dept people": the Sales department named by its column, not
            # the sales counted.
            counted_table = False
        if values and all(v.quality >= PARTIAL for v in values) and any(
            isinstance(t, TableTerm) and t.quality < PARTIAL for t in structural
        ) and not self._value_goes_on(index, values):
            # "salary of staff rated 4": a word that names the rows is not a word of one value
            # ("Staff Engineer"); the whole value ("in Sales") still is a filter.
            values = ()
        if counted_table and values and self._before_another_value(index, values):
            counted_table = False  # "number of Sales and Marketing people": two departments
        if values and not counted_table and (
            filtering or not structural or self._before_own_table(index, values)
            or self._before_another_value(index, values)
        ):
            self._value(item, ValueSlot(values, text, self.negate))
            return
        # "who works remotely", "which staff are remote": a flag after "who" keeps those rows.
        flag_mode = self.mode in ("measure", "which") or (
            self.mode == "dim" and self._names_rows_next(index, bools)
        )
        if bools and (filtering or flag_mode) and len(bools) == len(structural):
            flags = tuple(t for t in bools if isinstance(t, ColumnTerm))
            self.intent.bools.append(BoolSlot(flags, text, self.negate))
            self.flag_at = item.start
            self.negate = False
            return
        self.negate = False
        if not structural:
            return
        self._glued(item, text)
        across, self.across_all = self.across_all, False
        measured = {id(t.table) for m in self.intent.measures for t in m.terms}
        if across and self.mode == "dim" and any(
            isinstance(t, TableTerm) and id(t.table) in measured for t in structural
        ):
            # "the earliest opening date across all offices": every row of the table
            # measured is the whole, not a breakdown by its rows.
            self.mode = "measure"
            return
        if across and self.mode == "dim" and self.intent.pending and not self.intent.measures and (
            any(isinstance(t, TableTerm) for t in structural)
        ):
            self.mode = "measure"  # "the grand total of every sale": those rows, added up
        kept_at = max(self.flag_at, self.last_value[0].start if self.last_value else -1)
        based = item.start > 0 and self.words[item.start - 1] == "based"
        by_at = self.agent_at if self.agent_at >= 0 else self.by_at if based else -1
        asked = self.intent.measures or self.intent.pending
        if self.mode == "dim" and 0 <= by_at < kept_at and asked and all(
            isinstance(t, TableTerm) for t in structural
        ):
            # "revenue booked by Toronto-based sales reps", "sales by London-based staff":
            # those people did it; the value keeps them, and the total is theirs, not a row
            # for each of them.
            self.mode, self.agent_at, self.by_at = "measure", -1, -1
            return
        if self.mode in ("dim", "topdim", "which"):
            self._in_breakdown(structural, item, text)
        elif self.intent.pending:
            self._with_aggregate(structural, item, text)
        else:
            self._in_measure(structural, item, text)

    def _ranked(self) -> bool:
        """Whether the question ranks something anywhere ("top", "highest", "which")."""
        return self.intent.which or any(
            isinstance(i.meaning, (Superlative, Top)) for i in self.items
        )

    def _another_value(self, index: int, item: Item, values: tuple[ValueTerm, ...]) -> bool:
        """Whether `item` follows a value through "vs" / "and" / "or" and can be a value of
        the same column."""
        last = self.last_value
        if last is None or last[1].negate != self.negate:
            return False
        joined = item.start == self.versus_at and self._adjacent(item, last[0])
        if not joined and self.and_at == index - 1 and index >= 2:
            joined = last[0].start + last[0].size == self.items[index - 1].start
        if not joined:
            return False
        named = {id(t.column) for t in last[1].terms}
        return any(id(v.column) in named for v in values)

    def _weighed_value(self, index: int, item: Item, values: tuple[ValueTerm, ...]) -> bool:
        """Whether `item` is weighed through "vs" against a value of one of its own columns
        ("Sales vs HR", "sales versus engineering headcount"): a value, like the one after
        "vs", not the table that shares its name."""
        if self.versus_at < 0 or item.start + item.size != self.versus_at or self.negate:
            return False
        nxt = self._next_words(index)
        if nxt is None or nxt.start != self.versus_at:
            return False
        named = {id(t.column) for t in values}
        return any(
            isinstance(t, ValueTerm) and id(t.column) in named
            for t in nxt.meaning.terms  # type: ignore[union-attr]
        )

    def _each_one(self, item: Item, index: int) -> bool:
        """ "does a/an <thing>" with "on average" said somewhere: one of those things, on
        average ("how many orders does a sales rep handle on average")."""
        before = self.words[max(0, item.start - 2) : item.start]
        if len(before) != 2 or before[0] not in ("does", "do", "did") or (
            before[1] not in ("a", "an", "one", "each")
        ):
            return False
        return "avg" in self.intent.pending or any(
            isinstance(later.meaning, Agg) and later.meaning.agg == "avg"
            for later in self.items[index + 1 :]
        )

    def _value(self, item: Item, slot: ValueSlot) -> None:
        self._column_named_value(item, slot)
        last = self.last_value
        if last is not None and self._adjacent(item, last[0]) and last[1].negate == slot.negate:
            # "senior engineer": values with both words, when there are some.
            both = [
                ValueTerm(a.table, a.column, common, max(a.quality, b.quality))
                for a in last[1].terms
                for b in slot.terms
                if a.column is b.column and (common := _together(a, b))
            ]
            if both:
                last[1].terms = tuple(both)
                last[1].text = f"{last[1].text} {slot.text}"
                self.last_value = (Item(item.meaning, last[0].start, item.start + item.size
                                        - last[0].start), last[1])
                return
        self.intent.values.append(slot)
        self.last_value = (item, slot)

    def _column_named_value(self, item: Item, slot: ValueSlot) -> None:
        """ "people with the title Staff Engineer", "whose department is Finance": a column
        named right before one of its values names that filter, not a breakdown by it (not
        after "by", "per" or "each": "revenue by region, East only" keeps its groups)."""
        named = self.last_dim_item
        if named is None or not self.intent.dims or slot.negate:
            return
        between = self.words[named.start + named.size : item.start]
        if len(between) > 1 or any(w not in _NAMING_VALUE for w in between):
            return
        dim = self.intent.dims[-1]
        if dim.per or dim is self.intent.per_dim or dim is self.intent.whole_dim:
            return
        if named.start > 0 and self.words[named.start - 1] in _GROUPING_LEADS:
            return
        columns = {id(t.column) for t in dim.terms if isinstance(t, ColumnTerm)}
        if not columns or len(columns) != len(dim.terms) or not any(
            id(v.column) in columns for v in slot.terms
        ):
            return
        # "the department Finance": the value of the column named (not a job title with
        # that word in it).
        slot.terms = tuple(v for v in slot.terms if id(v.column) in columns)
        self.intent.dims.pop()
        if self.lead_dim is dim:
            self.lead_dim = None
        self.last_dim_item = None

    def _value_goes_on(self, index: int, values: tuple[ValueTerm, ...]) -> bool:
        """Whether the next phrase is another word of the same values ("staff engineers")."""
        nxt = self._next_words(index)
        if nxt is None or not self._adjacent(nxt, self.items[index]):
            return False
        named = {v for t in values for v in t.values}
        return any(
            isinstance(t, ValueTerm) and named.intersection(t.values)
            for t in nxt.meaning.terms  # type: ignore[union-attr]
        )

    def _before_own_value(self, index: int, item: Item, terms: tuple[Term, ...]) -> bool:
        """ "where department = Finance and location = Toronto", "staff in department Finance":
        a column named right before one of its own values only says where that value is, even
        after "and" (see `_column_named_value`, which reads it after a breakdown was taken);
        after "by", "per" ... it stays a breakdown ("headcount by department, Sales and HR")."""
        columns = {id(t.column) for t in terms if isinstance(t, ColumnTerm)}
        if not columns or item.start == 0 or self.words[item.start - 1] in _BREAKDOWN_LEADS:
            return False
        nxt = next((it for it in self.items[index + 1 : index + 3]
                    if isinstance(it.meaning, Words)), None)
        if nxt is None:
            return False
        gap = list(self.words[item.start + item.size : nxt.start])
        if len(gap) > 1 or any(w not in _NAMING_VALUE for w in gap):
            return False
        return any(
            isinstance(t, ValueTerm) and id(t.column) in columns
            for t in nxt.meaning.terms  # type: ignore[union-attr]
        )

    def _before_own_column(self, index: int, values: tuple[ValueTerm, ...]) -> bool:
        """ "Sales department", "the East region": a value right before its column's name."""
        nxt = self._next_words(index)
        if nxt is None or not self._adjacent(nxt, self.items[index]):
            return False
        columns = {id(v.column) for v in values}
        return any(
            isinstance(t, ColumnTerm) and id(t.column) in columns
            for t in nxt.meaning.terms  # type: ignore[union-attr]
        )

    def _before_another_value(self, index: int, values: tuple[ValueTerm, ...]) -> bool:
        """ "Sales and Marketing headcount", "(Sales & Marketing)", "Sales/Marketing": a word
        that is a value and a table's name, joined by "and" / "or" / "&" / "/" to a value of
        the same column, is the first of two values (an `in` filter), not the table."""
        if index + 2 >= len(self.items):
            return False
        link, nxt = self.items[index + 1], self.items[index + 2]
        if not isinstance(link.meaning, Keyword) or link.meaning.kind != "and" or (
            not self._adjacent(link, self.items[index]) or not self._adjacent(nxt, link)
        ) or not isinstance(nxt.meaning, Words):
            return False
        columns = {id(v.column) for v in values}
        return any(
            isinstance(t, ValueTerm) and id(t.column) in columns
            and not any(isinstance(o, TableTerm) for o in nxt.meaning.terms)
            for t in nxt.meaning.terms
        )

    def _before_own_table(self, index: int, values: tuple[ValueTerm, ...]) -> bool:
        """ "Sales employees", "Sales headcount", "Sales department": a value right before a
        phrase of its own table or column is a filter."""
        nxt = self._next_words(index)
        if nxt is None or not isinstance(nxt.meaning, Words):
            return False
        tables = {id(v.table) for v in values}
        columns = {id(v.column) for v in values}
        return any(
            (isinstance(t, (TableTerm, MeasureTerm)) and id(t.table) in tables)
            or (isinstance(t, ColumnTerm) and id(t.column) in columns)
            for t in nxt.meaning.terms
        )

    def _with_aggregate(self, terms: tuple[Term, ...], item: Item, text: str) -> None:
        pending = self.intent.pending
        counting = all(a in ("count", "count_distinct") for a in pending)
        measures = _of(terms, MeasureTerm)
        tables = _of(terms, TableTerm)
        columns = _of(terms, ColumnTerm)
        if counting:
            amounts = tuple(
                t for t in columns if isinstance(t, ColumnTerm) and _counted_amount(t)
            )
            if tables or (measures and all(m.agg == "count" for m in measures)):  # type: ignore[union-attr]
                self._measure("count", tables or measures, text)
            elif amounts and len(amounts) == len(columns):
                self._measure(None, amounts, text)  # "how many units": units add up
            elif columns:
                self._measure("count_distinct", columns, text)
            elif measures and all(
                isinstance(m, MeasureTerm) and m.agg == "sum" and m.column is not None
                and _counted_amount(ColumnTerm(m.table, m.column, m.quality))
                for m in measures
            ):
                self._measure(None, measures, text)  # "how many shipped": the units add up
            elif measures:
                self._measure("count", measures, text)
            else:
                return
            pending.clear()
            return
        if "avg" in pending and "count" in pending and columns and all(
            isinstance(t, ColumnTerm) and _counted_amount(t) for t in columns
        ):
            # "the average number of units": the average of a number that counts things.
            pending[:] = [a for a in pending if a != "count"]
        usable = measures + tuple(
            t
            for t in columns
            if isinstance(t, ColumnTerm)
            and (t.column.type in NUMERIC_TYPES or pending[0] in ("min", "max"))
        )
        if not usable:
            if tables:
                self.intent.tables.extend(tables)  # type: ignore[arg-type]
            elif columns:
                self._in_measure(terms, item, text)  # "average department salary"
            return
        for agg in pending:
            self._measure(agg, usable, text)
        pending.clear()
        self.mode = "measure"
        for slot in self.intent.compares:
            if slot.measure is None and slot.terms == _numeric(usable) and not slot.after:
                slot.measure = self.intent.measures[-1]

    def _in_breakdown(self, terms: tuple[Term, ...], item: Item, text: str) -> None:
        measures = _of(terms, MeasureTerm)
        ranking = self.intent.top or self.intent.superlative or self.intent.which
        tables = _of(terms, TableTerm)
        per, self.per_next = self.per_next, False
        summed = tuple(
            t for t in _numeric(terms)
            if isinstance(t, MeasureTerm) or (
                isinstance(t, ColumnTerm) and natural_agg(t.column) == "sum"
            )
        )
        before = self.intent.measures[-1] if self.intent.measures else None
        totals = before is not None and before.agg not in ("count", "count_distinct") and all(
            isinstance(t, MeasureTerm | ColumnTerm) and getattr(t, "column", None) is not None
            for t in before.terms
        )
        if per and summed and totals and self.mode == "dim" and before is not None and all(
            isinstance(t, ColumnTerm) and singular(text.split()[-1]) in stems(
                split_identifier(t.column.name)
            )
            for t in before.terms
        ):
            # "price per unit" when the column is the unit price: that column, not a ratio.
            self.mode = "measure"
            return
        if per and summed and totals and self.mode == "dim":
            # "revenue per unit sold", "revenue divided by units": a ratio, not a breakdown.
            self._measure(None, summed, text)
            self.intent.measures[-1].over = True
            self.mode = "measure"
            return
        self.per_next = per  # for the breakdown this phrase may be
        after = self.items[self.index + 1] if self.index + 1 < len(self.items) else None
        if tables and len(tables) == len(terms) and self.mode == "dim" and after is not None and (
            self._adjacent(after, item) and isinstance(after.meaning, Agg)
            and after.meaning.agg == "count" and self.intent.dims
        ):
            # "top 3 reps in every region by order count": the orders counted, not a
            # breakdown by order.
            self.per_next = False
            self.mode = "measure"
            self._in_measure(terms, item, text)
            return
        if self.superlative_next and tables and len(tables) == len(terms) and (
            self.intent.dims or self.intent.grain
        ):
            # "the 2 departments with the most people", "the month with the fewest orders"
            self._measure("count", tables, text)
            self.mode = "measure"
            return
        if measures and self.mode == "dim":
            nxt = self.items[self.index + 1] if self.index + 1 < len(self.items) else None
            dated = tuple(
                ColumnTerm(t.table, t.time_column, t.quality) for t in measures
                if isinstance(t, MeasureTerm) and t.agg == "count" and t.time_column is not None
            )
            if dated and nxt is not None and self._adjacent(nxt, item) and isinstance(
                nxt.meaning, Time
            ) and isinstance(nxt.meaning.word, GrainWord) and self.intent.measures:
                # "payroll by hire year": the year of the hire date, not a count of hires.
                self.intent.time_columns.extend(dated)
                return
            self._measure(None, measures, text)
            return
        columns = _of(terms, ColumnTerm)
        figures = tuple(
            t
            for t in columns
            if isinstance(t, ColumnTerm)
            and t.column.type in NUMERIC_TYPES
            and t.quality <= 3  # a partial word ("unit") is too weak to rank by
        )
        if summed and figures and len(figures) == len(columns) and self.mode == "dim" and (
            item.start > 0 and self.words[item.start - 1] == "," and self.intent.dims
            and not self.intent.measures and not self.intent.pending
        ):
            # "for every region, units per sale": the breakdown said first, then what is
            # measured (a number that adds up), not one more breakdown.
            self._measure(None, summed, text)
            self.mode = "measure"
            return
        if ranking and self.mode == "dim" and (measures or figures):
            self._drop_selling_count()
        if figures and len(figures) == len(columns) and (
            (ranking and self.mode == "dim") or self.mode == "topdim"
        ):
            self._measure(None, figures, text)  # "top 5 employees by salary", "top 5 salaries"
            if self.mode == "topdim":
                self.mode = "measure"
            return
        if self.mode in ("topdim", "which") and measures and not columns and not _of(
            terms, TableTerm
        ):
            self._measure(None, measures, text)  # "what was our revenue", "top revenue"
            self.mode = "measure"
            return
        self._dim(terms, item, text)
        if self.mode in ("which", "topdim"):
            self.mode = "measure"

    def _drop_selling_count(self) -> None:
        """ "the best-selling product by units": the measure after "by" says how selling is
        ranked; the count of sales that "selling" stood for goes."""
        measures = self.intent.measures
        last = measures[-1] if measures else None
        if last is not None and last.agg == "count" and last.text in _SELLING and all(
            isinstance(t, TableTerm) for t in last.terms
        ):
            measures.remove(last)

    def _in_measure(self, terms: tuple[Term, ...], item: Item, text: str) -> None:
        measures = _of(terms, MeasureTerm)
        tables = _of(terms, TableTerm)
        columns = tuple(t for t in terms if isinstance(t, ColumnTerm))
        if self.superlative_next and tables and len(tables) == len(terms) and (
            self.intent.dims and not self.intent.measures and not self.intent.pending
        ):
            # "which 3 products had the most orders": how many, as with "the 3 products with
            # the most orders" (`_in_breakdown`).
            self._measure("count", tables, text)
            return
        plural = (text.endswith("s") and not text.endswith("ss")) or text in _PLURALS
        # "the Support people ...", "Engineering employees in Paris": values said before the
        # rows describe them, as "employees in Engineering" does after.
        before = self.last_value[0] if self.last_value is not None else None
        described = not self.intent.values or (
            len(self.intent.values) == 1 and self._adjacent(item, before)
        )
        if tables and not measures and plural and described and not (
            self.intent.has_subject or self.intent.dims or self.intent.compares
        ):
            self.intent.rows_first = True
        nxt = self._next_words(self.index)
        glued = nxt is not None and self._adjacent(nxt, item) and bool(
            _numeric(nxt.meaning.terms)  # type: ignore[union-attr]
        )
        if tables and not measures and not glued:  # not "order amount": an order's amount
            self.intent.row_words.append(text)
        if measures:
            self._measure(None, measures, text)
        elif tables and not columns:
            self.intent.tables.extend(t for t in tables if isinstance(t, TableTerm))
        elif columns and all(is_measure_like(t.table, t.column) for t in columns):
            self._measure(None, columns, text)
        elif columns and all(t.column.type in TEMPORAL_TYPES for t in columns):
            if self.superlative_next:
                self._measure(None, columns, text)  # "the latest hire date": max()
            else:
                self.intent.time_columns.extend(columns)
        elif tables:
            self.intent.tables.extend(t for t in tables if isinstance(t, TableTerm))
        elif columns:
            self._dim(columns, item, text)


def read_intent(lexed: Lexed) -> Intent:
    """The `Intent` of a lexed question (see module docstring)."""
    return _Walk(lexed).run()


def _next_to(table: Table, rows: Table) -> bool:
    """Whether `table` is `rows` or one foreign key away from it (either way round)."""
    return table is rows or any(fk.ref_table == table.name for fk in rows.foreign_keys) or any(
        fk.ref_table == rows.name for fk in table.foreign_keys
    )
