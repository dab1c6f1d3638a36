"""Choosing the question's table and the meaning of every phrase: `Intent` -> `Resolved`.

The table (the spec's `table`) is the one from which every phrase can be reached at the
lowest cost. A phrase's cost is ``10 * foreign-key hops + match quality``: a column of the
table itself beats one a join away, an exact name beats a synonym. Measures must live on the
table (summing a column of a joined table would repeat it once per row); the one exception is
counting a related table's rows, done as ``count_distinct`` of its key ("how many employees
sold in each sales region"). Joins only follow foreign keys from the referencing side, as
the query engine does (`plotboard.query.joins`), so costs use its `find_join_path`.

When nothing fits — an unknown word where the subject should be, phrases in tables that are
not linked — `resolve` raises `Unanswerable` with a sentence for the user.

Over several sources the table is chosen among all their tables the same way (foreign keys
never link two sources, so every phrase must be reached within one). A conversation stays on
its source while the question fits a table there; when tables of different sources fit
equally well, `choose_base` raises `Ambiguous` so that the user is asked which one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import cast

from plotboard.ai.builtin.draft import DraftDim, DraftFilter, DraftHaving, DraftMeasure
from plotboard.ai.builtin.intent import CompareSlot, DimSlot, Intent, MeasureSlot, ValueSlot
from plotboard.ai.builtin.synonyms import AVERAGED_WORDS
from plotboard.ai.builtin.text import split_identifier, stems
from plotboard.ai.builtin.timewords import DateRange, auto_grain
from plotboard.ai.builtin.vocabulary import (
    ColumnTerm,
    MeasureTerm,
    TableTerm,
    Term,
    ValueTerm,
    Vocabulary,
    column_label,
    is_identifier,
)
from plotboard.catalog.model import NUMERIC_TYPES, TEMPORAL_TYPES, Column, Table
from plotboard.query.errors import QueryError
from plotboard.query.joins import find_join_path
from plotboard.query.spec import Aggregate, FilterOp, Scalar

_FAR = 10  # cost of one foreign-key hop
_JOINED_MEASURE = 20  # extra cost of aggregating a column of a joined table
_COUNT_RELATED = 8  # extra cost of counting a related table's rows with count_distinct


class Unanswerable(Exception):
    """The question can't become a query; `reason` says why, in plain words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Ambiguous(Unanswerable):
    """Tables of several sources fit the question equally well: `tables`, one per source,
    the best first."""

    def __init__(self, tables: Sequence[Table]):
        super().__init__("the question fits tables of more than one database")
        self.tables = tuple(tables)


@dataclass
class Resolved:
    """An intent's phrases as catalog objects, for one table (`base`)."""

    base: Table
    measures: list[DraftMeasure] = field(default_factory=list)
    dims: list[DraftDim] = field(default_factory=list)
    grain_only: bool = False  # the breakdown came from "by month"/"monthly" alone
    values: list[tuple[DraftFilter, bool]] = field(default_factory=list)  # (filter, negated)
    bools: list[DraftFilter] = field(default_factory=list)
    compares: list[DraftFilter] = field(default_factory=list)
    dates: list[DraftFilter] = field(default_factory=list)
    date_range: DateRange | None = None
    time_column: tuple[Table, Column] | None = None
    notes: list[str] = field(default_factory=list)
    per_row: bool = False  # "... per order": averages over the rows, not a breakdown
    having: list[DraftHaving] = field(default_factory=list)
    per_dim: DraftDim | None = None  # the breakdown named after "each" / "per"
    whole_dim: DraftDim | None = None  # the breakdown named after "within each", "for every"


def hops(vocab: Vocabulary, base: Table, table: Table) -> int | None:
    """Foreign-key hops from `base` to `table` (0: same table), None when not reachable."""
    if table is base:
        return 0
    key = (id(base), id(table))
    cache = vocab.hops
    if key not in cache:
        if vocab.source_of(base) is not vocab.source_of(table):
            return None  # no query joins tables of two databases
        try:
            cache[key] = len(find_join_path(vocab.catalog_of(base), base, table))
        except QueryError:
            cache[key] = None
    return cache[key]


def natural_agg(column: Column) -> Aggregate:
    """avg for salaries, prices, ratings...; sum for amounts and quantities."""
    words = set(stems(split_identifier(column.name)))
    if column.type not in NUMERIC_TYPES:
        return "count_distinct"
    if words & AVERAGED_WORDS or (column.semantic_type or "") in ("percentage", "rating"):
        return "avg"
    return "sum"


def _pk(table: Table) -> Column | None:
    if len(table.primary_key) == 1:
        column = table.column(table.primary_key[0])
        if column is not None and not column.hidden:
            return column
    return None


def _term_cost(vocab: Vocabulary, base: Table, term: Term) -> int | None:
    distance = hops(vocab, base, term.table)
    return None if distance is None else distance * _FAR + term.quality


def _measure_cost(
    vocab: Vocabulary, base: Table, term: Term, agg: Aggregate | None
) -> int | None:
    counting_rows = (
        isinstance(term, TableTerm)
        or (isinstance(term, MeasureTerm) and term.column is None and agg in (None, "count"))
    )
    if term.table is base:
        return term.quality
    distance = hops(vocab, base, term.table)
    if distance is None:
        return None
    if counting_rows:
        return None if _pk(term.table) is None else distance * _FAR + _COUNT_RELATED + term.quality
    if isinstance(term, MeasureTerm):
        return None  # revenue is a sum over its own table's rows
    return distance * _FAR + _JOINED_MEASURE + term.quality


def _best(
    vocab: Vocabulary, base: Table, terms: Sequence[Term], agg: Aggregate | None = None,
    *, measure: bool = False,
) -> tuple[int, Term] | None:
    best: tuple[int, Term] | None = None
    for term in terms:
        cost = _measure_cost(vocab, base, term, agg) if measure else _term_cost(vocab, base, term)
        if cost is not None and (best is None or cost < best[0]):
            best = (cost, term)
    return best


def _slots(intent: Intent) -> list[tuple[Sequence[Term], bool, Aggregate | None]]:
    """Every phrase the table must reach: (candidates, is a measure, aggregation)."""
    out: list[tuple[Sequence[Term], bool, Aggregate | None]] = []
    out += [(m.terms, True, m.agg) for m in intent.measures]
    if intent.tables:
        out.append((intent.tables, True, "count"))
    out += [(d.terms, False, None) for d in intent.dims]
    out += [(v.terms, False, None) for v in intent.values]
    out += [(b.terms, False, None) for b in intent.bools]
    out += [(c.terms, False, None) for c in intent.compares if c.terms]
    out += [(c.counted, True, "count") for c in intent.compares if c.counted]
    if intent.time_columns:
        out.append((intent.time_columns, False, None))
    return out


def source_tiers(
    vocab: Vocabulary, stay: str | None, only: str | None
) -> list[list[tuple[int, Table]]]:
    """The tables to choose from, (position, table), in the order to try them: those of
    source `only`; else those of source `stay` and then all; else all."""
    ranked = list(enumerate(vocab.tables))
    if only is not None:
        return [[(i, t) for i, t in ranked if vocab.source_of(t).id == only]]
    if stay is not None and len(vocab.sources) > 1:
        home = [(i, t) for i, t in ranked if vocab.source_of(t).id == stay]
        if home:
            return [home, ranked]
    return [ranked]


def choose_base(
    vocab: Vocabulary,
    intent: Intent,
    prefer: Table | None = None,
    *,
    stay: str | None = None,
    only: str | None = None,
) -> Table:
    """The table every phrase of `intent` reaches at the lowest cost (see module docstring).

    Args:
        prefer: the previous tile's table, a little cheaper than the others; its source is
            the one to stay on unless `stay` says otherwise.
        stay: the id of the source the conversation is on: its tables are tried first.
        only: the id of the source the question names ("... in the Sales archive").

    Raises:
        Ambiguous: when tables of two sources fit equally well (and none is to be stayed on).
        Unanswerable: when no table reaches them all.
    """
    slots = _slots(intent)
    if stay is None and prefer is not None:
        stay = vocab.source_of(prefer).id
    for tables in source_tiers(vocab, stay, only):
        scored: list[tuple[tuple[int, int, int], Table]] = []
        for order, table in tables:
            total = 0 if table is prefer else 5
            for terms, is_measure, agg in slots:
                found = _best(vocab, table, terms, agg, measure=is_measure)
                if found is None:
                    break
                total += found[0]
            else:
                # Between equals, a fact table (more outgoing keys) is the better guess.
                scored.append(((total, -len(table.foreign_keys), order), table))
        if not scored:
            continue
        scored.sort(key=lambda item: item[0])
        best = scored[0]
        rivals = {id(vocab.source_of(best[1])): best[1]}
        for key, table in scored[1:]:
            if key[0] == best[0][0]:
                rivals.setdefault(id(vocab.source_of(table)), table)
        if len(rivals) > 1:
            named = {id(t.table) for t in intent.mentioned}
            meant = [t for t in rivals.values() if id(t) in named]
            if len(meant) == 1:
                return meant[0]  # "the Berlin site": the offices, named as a table
            named_rows = [t for t in rivals.values() if _names_its_rows(vocab, intent, t)]
            if len(named_rows) == 1:
                # "opening date of our Paris location": Paris names an office (the city
                # of its row), not only where tickets come from.
                return named_rows[0]
            raise Ambiguous(list(rivals.values()))
        return best[1]
    raise Unanswerable(
        "the things you mention are in tables that are not linked to each other"
    )


def _names_its_rows(vocab: Vocabulary, intent: Intent, table: Table) -> bool:
    """Whether a value of the question is one of `table`'s own row names (its label column,
    as "Paris" is an office's city), rather than a value of some attribute."""
    label = vocab.label_column(table)
    return label is not None and any(
        isinstance(t, ValueTerm) and t.table is table and t.column is label
        for slot in intent.values
        for t in slot.terms
    )


def choose_base_whole(
    vocab: Vocabulary,
    intent: Intent,
    prefer: Table | None = None,
    *,
    stay: str | None = None,
    only: str | None = None,
) -> Table:
    """`choose_base`, but a question that one source answers whole except for a lone word
    that is only a value of another source's column ("high-value orders over 20k", "staff on
    a high salary": "High" is a ticket priority) is read in that source without the word,
    which goes to `intent.ignored` so that the answer says it was not used. Words that name
    a table, a measure or a breakdown always count: only a one-word value is that weak.

    Raises:
        as `choose_base`, with its reason when no source answers the rest either.
    """
    try:
        return choose_base(vocab, intent, prefer, stay=stay, only=only)
    except Ambiguous:
        raise
    except Unanswerable as err:
        if len(vocab.sources) < 2:
            raise
        found: tuple[int, Table, list[ValueSlot]] | None = None
        for source in vocab.sources:
            if only is not None and source.id != only:
                continue
            foreign = [
                slot for slot in intent.values
                if not slot.negate and len(slot.text.split()) == 1
                and all(vocab.source_of(t.table) is not source for t in slot.terms)
            ]
            if not foreign or (found is not None and len(foreign) >= found[0]):
                continue
            rest = replace(intent, values=[s for s in intent.values if s not in foreign])
            try:
                base = choose_base(vocab, rest, prefer, stay=stay, only=source.id)
            except Unanswerable:
                continue
            found = (len(foreign), base, foreign)
        if found is None:
            raise err from None
        _, base, foreign = found
        intent.values = [s for s in intent.values if s not in foreign]
        intent.either = [
            pair for pair in intent.either if not any(s in foreign for s in pair)
        ]
        intent.ignored = list(dict.fromkeys([*intent.ignored, *(s.text for s in foreign)]))
        return base


def _measure(
    vocab: Vocabulary, base: Table, slot: MeasureSlot, has_dims: bool
) -> DraftMeasure:
    found = _best(vocab, base, slot.terms, slot.agg, measure=True)
    if found is None:
        raise Unanswerable(f"'{slot.text}' can't be measured together with the rest")
    term = found[1]
    agg = slot.agg
    column: Column | None
    if isinstance(term, TableTerm):
        column, agg = None, "count"
    elif isinstance(term, MeasureTerm):
        column = term.column
        if agg is None or column is None:
            agg = term.agg
        if slot.agg is None and column is not None and slot.superlative is not None and (
            not has_dims and column.type in NUMERIC_TYPES
        ):
            agg = "max" if slot.superlative else "min"  # "the biggest sale amount": one sale
    else:
        assert isinstance(term, ColumnTerm)
        column = term.column
        if agg is None:
            agg = natural_agg(column)
            if slot.superlative is not None and not has_dims:
                agg = "max" if slot.superlative else "min"
        if agg in ("sum", "avg") and column.type not in NUMERIC_TYPES:
            raise Unanswerable(f"'{slot.text}' does not hold numbers, so it can't be added up")
    if column is None and term.table is not base:
        pk = _pk(term.table)
        assert pk is not None  # _measure_cost refused tables without a single-column key
        return DraftMeasure("count_distinct", term.table, pk)
    return DraftMeasure(agg, term.table, column)


def _dim(
    vocab: Vocabulary, base: Table, terms: Sequence[Term], text: str, ranking: bool
) -> tuple[Table, Column, Column | None] | None:
    """The column of a breakdown; None for "per <the question's own table>" ("revenue per
    order"): one row each, an average rather than a breakdown. Ranked questions ("top 5
    employees by salary") do break down by the table's rows, named by its label column."""
    found = _best(vocab, base, [t for t in terms if not isinstance(t, (ValueTerm, MeasureTerm))])
    if found is None:
        raise Unanswerable(f"'{text}' can't be used as a breakdown here")
    term = found[1]
    if isinstance(term, TableTerm) and term.table is base and not ranking:
        return None
    if isinstance(term, TableTerm):
        label = vocab.label_column(term.table)
        if label is None:
            raise Unanswerable(f"'{text}' has no column that names its rows")
        return term.table, label, key_of(vocab, term.table, label)
    assert isinstance(term, ColumnTerm)
    return term.table, term.column, None


def key_of(vocab: Vocabulary, table: Table, label: Column) -> Column | None:
    """The key to group a table's rows by along with their label, when labels may repeat:
    the label's values are too many to be listed (people's names, not ten office cities)."""
    key = _pk(table)
    if key is None or key is label or vocab.cardinality(table, label) is not None:
        return None
    return key


def _time_column(
    vocab: Vocabulary, base: Table, intent: Intent, resolved: Resolved
) -> tuple[Table, Column] | None:
    found = _best(vocab, base, intent.time_columns)
    if found is not None and isinstance(found[1], ColumnTerm):
        return found[1].table, found[1].column
    for slot in intent.measures:
        for term in slot.terms:
            if isinstance(term, MeasureTerm) and term.time_column and term.table is base:
                return base, term.time_column
    for dim in resolved.dims:
        if dim.column.type in TEMPORAL_TYPES:
            return dim.table, dim.column
    own = vocab.time_columns(base)
    if own:
        return base, own[0]
    related = [
        (distance, table)
        for table in vocab.tables
        if (distance := hops(vocab, base, table)) and vocab.time_columns(table)
    ]
    if related:
        table = min(related, key=lambda pair: pair[0])[1]
        return table, vocab.time_columns(table)[0]
    return None


def date_filters(table: Table, column: Column, date_range: DateRange) -> list[DraftFilter]:
    """Filters for a date range on `column` (end inclusive, also for date-times)."""
    if date_range.latest is not None:
        # "the last 3 months of data": the data's last month and the 2 before it.
        n, unit = date_range.latest
        if n == 1:
            return [DraftFilter(table, column, "this", unit, "latest")]
        periods: dict[str, object] = {"n": n - 1, "unit": unit}
        return [DraftFilter(table, column, "last", periods, "latest", include_current=True)]
    start, end = date_range.start, date_range.end
    if column.type == "datetime" and end is not None:
        # "until 2024-12-31" must keep 2024-12-31 18:00: compare with the next midnight.
        nxt = (end + dt.timedelta(days=1)).isoformat()
        out = [DraftFilter(table, column, "lt", nxt)]
        if start is not None:
            out.insert(0, DraftFilter(table, column, "gte", start.isoformat()))
        return out
    if start is not None and end is not None:
        return [DraftFilter(table, column, "between", [start.isoformat(), end.isoformat()])]
    if start is not None:
        return [DraftFilter(table, column, "gte", start.isoformat())]
    if end is not None:
        return [DraftFilter(table, column, "lte", end.isoformat())]
    return []


def _number(column: Column, value: float) -> Scalar:
    # "rated at least 3.5" keeps its half: 3 would let the 3s in.
    return int(value) if value == int(value) else value


def resolve(vocab: Vocabulary, intent: Intent, base: Table) -> Resolved:
    """The intent's phrases resolved for table `base` (chosen with `choose_base`).

    Raises:
        Unanswerable: when a phrase can't be used from `base`.
    """
    out = Resolved(base=base)
    has_dims = bool(intent.dims or (intent.grain is not None))
    out.measures = [_measure(vocab, base, slot, has_dims) for slot in intent.measures]
    ranking = bool(intent.top or intent.superlative or intent.which)
    for slot in intent.dims:
        if _per_related(vocab, base, intent, slot, out) or _rows_per_group(
            vocab, base, intent, slot, out
        ):
            continue
        # "what's the average revenue per order": a "what" ranks nothing; the rows named right
        # after "per" are still averaged over, unless the question ranks ("top 5 ... per order").
        ranked = ranking and not (slot.per and not (intent.top or intent.superlative))
        found = _dim(vocab, base, slot.terms, slot.text, ranked)
        if found is None:
            # "revenue per order": the average over the table's rows.
            if len(out.measures) == len(intent.measures):  # else measures were made by rule
                out.measures = [
                    DraftMeasure("avg", m.table, m.column)
                    if m.agg == "sum" and s.agg in (None, "sum") and m.column is not None else m
                    for m, s in zip(out.measures, intent.measures, strict=True)
                ]
            out.per_row = True
            continue
        if any(d.column is found[1] for d in out.dims):
            if slot is intent.per_dim:  # "in every country ... per country": said twice
                out.per_dim = next(d for d in out.dims if d.column is found[1])
            continue
        if any(m.agg == "count_distinct" and m.column is found[1] for m in out.measures):
            continue  # "how many distinct products ... (the product list)": one number
        table, column, key = found
        grain = None
        if column.type in TEMPORAL_TYPES:
            grain = intent.grain.grain if intent.grain and intent.grain.grain else None
            grain = grain or auto_grain(intent.date_range)
        out.dims.append(DraftDim(table, column, grain, key=key))
        if slot is intent.per_dim:
            out.per_dim = out.dims[-1]
        if slot is intent.whole_dim:
            out.whole_dim = out.dims[-1]
    out.time_column = _time_column(vocab, base, intent, out)
    if _per_day(intent, out):
        pass
    elif intent.grain is not None and not any(
        d.column.type in TEMPORAL_TYPES for d in out.dims
    ):
        if out.time_column is None:
            out.notes.append(f"{column_label_of(base)} has no dates to break down by time")
        else:
            table, column = out.time_column
            grain = intent.grain.grain or auto_grain(intent.date_range)
            time_dim = DraftDim(table, column, grain)
            out.grain_only = not out.dims
            out.dims.insert(0, time_dim)
            if intent.per_grain:
                out.per_dim = time_dim
            if intent.ranked_grain is not None and intent.ranked_grain.grain:
                out.dims.insert(1, DraftDim(table, column, intent.ranked_grain.grain))
    # A chart over time reads best with time first (the x axis), whatever the word order.
    out.dims.sort(key=lambda d: d.grain is None)
    out.values = _value_filters(vocab, base, intent)
    out.bools = _bool_filters(vocab, base, intent)
    _compare_both_ways(out)
    rows = _having(vocab, base, intent, out)
    _ratios(intent, out)
    out.compares = _compare_filters(vocab, base, rows, out.notes)
    _count_of_one_value(base, out)
    if intent.date_range is not None:
        out.date_range = intent.date_range
        if out.time_column is None:
            out.notes.append(f"{column_label_of(base)} has no dates, so the period was not used")
        else:
            out.dates = date_filters(*out.time_column, intent.date_range)
    return out


def _per_day(intent: Intent, out: Resolved) -> bool:
    """ "daily average number of orders in March 2025", "how many orders per day on
    average": the rows over the days that have any (count / count_distinct of the date), one
    number, not a count for each day."""
    if intent.grain is None or intent.grain.grain != "day" or out.time_column is None:
        return False
    if out.dims or intent.ranked_grain is not None or len(intent.measures) > 1:
        return False
    table, column = out.time_column
    if column.type != "date" or table is not out.base:
        return False
    slot = intent.measures[0] if intent.measures else None
    total: DraftMeasure | None = None
    if slot is None and sorted(set(intent.pending)) == ["avg", "count"]:
        total = DraftMeasure("count", out.base, None)
    elif slot is not None and len(out.measures) == 1 and (
        "avg" in intent.pending or slot.agg == "avg"
    ):
        # "how many orders per day on average", "average daily revenue": the total per day.
        first = out.measures[0]
        counted = first.agg == "count" and first.column is None and slot.agg in (None, "count")
        totals = [
            t.quality for t in slot.terms
            if isinstance(t, MeasureTerm) and t.agg == "sum" and t.column is first.column
        ]
        # "average sale amount per day": the amount of a sale read first, each day's average.
        values = [t.quality for t in slot.terms if isinstance(t, ColumnTerm)]
        summed = bool(totals) and min(totals) <= min(values, default=min(totals)) and (
            first.column is not None and first.agg in ("sum", "avg")
        )
        if first.table is out.base and first.over is None and (counted or summed):
            total = replace(first, agg="count" if counted else "sum")
    if total is None:
        return False
    days = DraftMeasure("count_distinct", table, column)
    out.measures = [replace(total, over=days)]
    return True


def _count_of_one_value(base: Table, out: Resolved) -> None:
    """ "how many got a rating of 5": the distinct count of a column held to one value is
    always 1; the question counts the rows that have it. So with a few values ("how many
    were rated 4 or 5"): at most as many as the values named, never what is asked."""
    fixed = {id(f.column) for f in out.compares if f.op in ("eq", "in")}
    fixed |= {id(f.column) for f, negated in out.values if f.op in ("eq", "in") and not negated}
    out.measures = [
        DraftMeasure("count", base, None)
        if m.agg == "count_distinct" and m.column is not None and id(m.column) in fixed else m
        for m in out.measures
    ]


def _per_related(
    vocab: Vocabulary, base: Table, intent: Intent, slot: DimSlot, out: Resolved
) -> bool:
    """ "revenue per salesperson by region": with another breakdown, "per" a related table
    divides the measure by how many of its rows take part (count_distinct of its key)."""
    if not slot.per or len(intent.measures) != 1 or not out.measures:
        return False
    # "average revenue per rep": the average of a total (revenue) over the reps.
    averaged = intent.measures[0].agg == "avg" and all(
        isinstance(t, MeasureTerm) and (
            (t.agg == "sum" and t.column is not None) or (t.agg == "count" and t.column is None)
        )
        for t in intent.measures[0].terms
    )  # "mean staff count per office": the headcount over the offices
    if len(intent.dims) < 2 and intent.grain is None and "avg" not in intent.pending and (
        not averaged
    ):
        # "revenue per salesperson" alone: a breakdown by salesperson; "... per rep on
        # average": the total divided by how many reps.
        return False
    found = _best(vocab, base, [t for t in slot.terms if isinstance(t, TableTerm)])
    term = found[1] if found else None
    if not isinstance(term, TableTerm) or term.table is base:
        return False
    pk = _pk(term.table)
    first = out.measures[0]
    if averaged and first.agg == "avg":
        first = replace(first, agg="sum" if first.column is not None else "count")
    if pk is None or first.over is not None or first.agg not in ("sum", "count"):
        return False
    out.measures[0] = replace(first, over=DraftMeasure("count_distinct", term.table, pk))
    return True


def _rows_per_group(
    vocab: Vocabulary, base: Table, intent: Intent, slot: DimSlot, out: Resolved
) -> bool:
    """ "the average number of employees per department", "average number of orders per
    product": how many rows each group has on average — the rows that have a group over how
    many groups there are (count(department) / count_distinct(department)), not a breakdown.
    """
    # "average headcount per department": a count (headcount) averaged over the groups.
    counted = len(intent.measures) == 1 and intent.measures[0].agg == "avg" and all(
        isinstance(t, MeasureTerm) and t.agg == "count" and t.column is None and t.table is base
        for t in intent.measures[0].terms
    ) and len(out.measures) == 1
    if (intent.measures or out.measures) and not counted:
        return False
    if not (slot.per or slot is intent.per_dim):
        return False
    if not counted and ("avg" not in intent.pending or "count" not in intent.pending):
        return False
    found = _best(vocab, base, [t for t in slot.terms if isinstance(t, (TableTerm, ColumnTerm))])
    term = found[1] if found else None
    if isinstance(term, TableTerm):
        key = _pk(term.table)
        if term.table is base or key is None:
            return False  # "per employee" of the employees: one each
        group = DraftMeasure("count_distinct", term.table, key)
        out.measures = [DraftMeasure("count", base, None, over=group)]
        return True
    if isinstance(term, ColumnTerm):
        table, column = term.table, term.column
    else:
        # "per manager" when "manager" is only a value: the key column named so (manager_id).
        named = tuple(stems(slot.text))
        keys = [
            c for c in base.columns
            if not c.hidden and tuple(w for w in stems(split_identifier(c.name)) if w != "id")
            == named and any(c.name in fk.columns for fk in base.foreign_keys)
        ]
        if not keys:
            return False
        table, column = base, keys[0]
    # count(column): only the rows that have a group ("per manager": people with a manager).
    group = DraftMeasure("count_distinct", table, column)
    out.measures = [DraftMeasure("count", table, column, over=group)]
    return True


def _ratios(intent: Intent, out: Resolved) -> None:
    """A measure named after "per" / "divided by" divides the one before it."""
    if len(out.measures) < len(intent.measures):
        return
    kept: list[DraftMeasure] = []
    moved: dict[int, int] = {}
    for i, (slot, measure) in enumerate(zip(intent.measures, out.measures, strict=False)):
        if slot.over and kept and kept[-1].over is None:
            top = kept[-1]
            top_agg = "sum" if top.agg == "avg" and top.column is not None else top.agg
            kept[-1] = replace(top, agg=top_agg, over=measure)
            moved[i] = len(kept) - 1
            continue
        moved[i] = len(kept)
        kept.append(measure)
    extra = out.measures[len(intent.measures) :]
    for j in range(len(intent.measures), len(out.measures)):
        moved[j] = len(kept) + j - len(intent.measures)
    out.measures = [*kept, *extra]
    out.having = [replace(h, measure=moved.get(h.measure, h.measure)) for h in out.having]


def _value_filters(
    vocab: Vocabulary, base: Table, intent: Intent
) -> list[tuple[DraftFilter, bool]]:
    out: list[tuple[DraftFilter, bool]] = []
    for slot in intent.values:
        found = _best(vocab, base, slot.terms)
        term = found[1] if found else None
        if not isinstance(term, ValueTerm):
            raise Unanswerable(f"'{slot.text}' can't be used as a filter here")
        for value in term.values:
            out.append((DraftFilter(term.table, term.column, "eq", value), slot.negate))
    return out


def _bool_filters(vocab: Vocabulary, base: Table, intent: Intent) -> list[DraftFilter]:
    out: list[DraftFilter] = []
    for slot in intent.bools:
        found = _best(vocab, base, slot.terms)
        term = found[1] if found else None
        if isinstance(term, ColumnTerm):
            out.append(DraftFilter(term.table, term.column, "eq", not slot.negate))
    return out


def _compare_both_ways(out: Resolved) -> None:
    """ "remote vs non-remote": a flag asked both ways is a breakdown, not two filters."""
    both = [
        f for f in out.bools
        if any(g.column is f.column and g.value != f.value for g in out.bools)
    ]
    for flag in both:
        out.bools.remove(flag)
        if not any(d.column is flag.column for d in out.dims):
            out.dims.append(DraftDim(flag.table, flag.column))


def _on_total(vocab: Vocabulary, base: Table, intent: Intent, compare: CompareSlot,
              out: Resolved) -> int | None:
    """The index in `out.measures` of the total that `compare` is about, adding that measure
    when needed; None when it compares each row ("employees with a salary over 100k")."""
    if compare.op == "between" and len(compare.values) != 2:
        return None
    if compare.measure is not None:
        for i, slot in enumerate(intent.measures):
            if slot is compare.measure:
                return i
        return None
    wanted: DraftMeasure | None = None
    if compare.counted is not None:
        counted = compare.counted or (TableTerm(base, 0),)
        try:
            wanted = _measure(vocab, base, MeasureSlot("count", counted, "rows"), True)
        except Unanswerable:
            return None
    elif any(isinstance(t, MeasureTerm) for t in compare.terms):
        # "categories above 50M revenue": revenue is a total.
        named = tuple(t for t in compare.terms if isinstance(t, MeasureTerm))
        try:
            wanted = _measure(vocab, base, MeasureSlot(None, named, "measure"), True)
        except Unanswerable:
            return None
    elif compare.after and intent.dim_first and (
        _summed_already(vocab, base, compare, out) is not None
    ):
        # "products that shipped under 1,500 units": the verb already named the units as
        # the measure (their total per product), and the bound is on that total.
        return _summed_already(vocab, base, compare, out)
    elif compare.after and not (intent.measures or intent.pending) and (
        intent.dim_first or not intent.tables
    ):
        # "products that sold more than 20000 units": units add up per product.
        found = _best(vocab, base, [t for t in compare.terms if isinstance(t, ColumnTerm)])
        term = found[1] if found else None
        if isinstance(term, ColumnTerm) and term.table is base and natural_agg(term.column) == (
            "sum"
        ):
            wanted = DraftMeasure("sum", base, term.column)
    elif compare.terms and intent.dim_first and not (
        intent.measures or intent.pending or intent.tables or intent.row_words
    ) and compare.op in ("gt", "gte", "lt", "lte", "between"):
        # "regions where 2024 units > 100k", "categories whose units stay under 50k": the
        # groups said first, then an amount that adds up (units, not a price) said of them:
        # each group's total, not each row's.
        found = _best(vocab, base, [t for t in compare.terms if isinstance(t, ColumnTerm)])
        term = found[1] if found else None
        if isinstance(term, ColumnTerm) and term.table is base and (
            term.column.type in NUMERIC_TYPES and natural_agg(term.column) == "sum"
            and not is_identifier(base, term.column)
        ):
            wanted = DraftMeasure("sum", base, term.column)
    elif not compare.terms and not intent.measures and intent.dim_first and (
        all(a == "sum" for a in intent.pending) or set(intent.pending) == {"avg"}
    ):
        # "products that brought in over 20 million": the groups' total of the table's
        # main measure (revenue), not each row's amount; "categories whose average order is
        # below 3000": the groups' average of it.
        main = vocab.default_measure(base)
        agg: Aggregate = "avg" if set(intent.pending) == {"avg"} else "sum"
        if main.column is not None and main.table is base and main.agg == "sum":
            wanted = DraftMeasure(agg, base, main.column)
    elif not compare.terms and _bare_bound_on_total(vocab, base, intent, out):
        # "months where revenue came in at 7M or below", "which products averaged over 10k
        # per order": a bare number after the table's main total, asked per group, bounds
        # that total (or average) per group, not each row's amount.
        main = vocab.default_measure(base)
        agg = "avg" if set(intent.pending) == {"avg"} and not intent.measures else "sum"
        if out.measures:
            return 0
        if main.column is not None:
            wanted = DraftMeasure(cast(Aggregate, agg), base, main.column)
    if wanted is None:
        return None
    if wanted not in out.measures:
        out.measures.append(wanted)
    return out.measures.index(wanted)


def _bare_bound_on_total(
    vocab: Vocabulary, base: Table, intent: Intent, out: Resolved
) -> bool:
    """Whether a number said with no column of its own bounds the one total asked: the
    table's main measure, summed ("revenue") or averaged ("averaged"), the only measure,
    and no rows named that the number could be about ("orders of 500 or under")."""
    main = vocab.default_measure(base)
    if main.column is None or main.table is not base or main.agg != "sum" or (
        intent.tables or intent.row_words
    ):
        return False  # "revenue from orders of 500 or under": the rows named are bounded
    if not intent.measures:
        return set(intent.pending) == {"avg"} and not out.measures
    if intent.pending or len(intent.measures) != 1 or len(out.measures) != 1:
        return False
    slot, measure = intent.measures[0], out.measures[0]
    # The total as said ("revenue"), not read as an average ("revenue from small orders").
    return all(isinstance(t, MeasureTerm) for t in slot.terms) and (
        measure.agg == "sum" and measure.column is main.column and measure.over is None
    )


def _summed_already(
    vocab: Vocabulary, base: Table, compare: CompareSlot, out: Resolved
) -> int | None:
    """The index of a measure that already adds up the column `compare` names, if any."""
    found = _best(vocab, base, [t for t in compare.terms if isinstance(t, ColumnTerm)])
    term = found[1] if found else None
    if not isinstance(term, ColumnTerm):
        return None
    for i, m in enumerate(out.measures):
        if m.agg == "sum" and m.column is term.column and m.over is None:
            return i
    return None


def _having(vocab: Vocabulary, base: Table, intent: Intent, out: Resolved) -> list[CompareSlot]:
    """Comparisons of totals per group become `out.having` ("departments with more than 300
    employees"); the comparisons of rows are returned, for filters."""
    rows: list[CompareSlot] = []
    for compare in intent.compares:
        on_total = out.dims and compare.op != "in"  # "rated 4 or 5": always about rows
        index = _on_total(vocab, base, intent, compare, out) if on_total else None
        if index is None:
            if compare.counted is not None:
                out.notes.append("I could not compare the count without a breakdown")
                continue
            rows.append(compare)
            continue
        summed = out.measures[index].column
        kept = [d for d in out.dims if not (
            d.column is summed and d.grain is None and d.bin is None)]
        if summed is not None and kept and len(kept) < len(out.dims):
            # "months of 2024 with units at or below 30,000": the units bound each month's
            # total; they are no breakdown of their own too (one group per quantity).
            out.dims = kept
        op = cast(FilterOp, compare.op)
        if op == "between":
            out.having.append(DraftHaving(index, "gte", compare.values[0]))
            out.having.append(DraftHaving(index, "lte", compare.values[1]))
        else:
            out.having.append(DraftHaving(index, op, compare.values[0]))
    return rows


def _compare_filters(
    vocab: Vocabulary, base: Table, compares: list[CompareSlot], notes: list[str]
) -> list[DraftFilter]:
    out: list[DraftFilter] = []
    for compare in compares:
        candidates = [
            t for t in compare.terms if isinstance(t, (ColumnTerm, MeasureTerm)) and t.column
        ]
        found = _best(vocab, base, candidates)
        term = found[1] if found else None
        if not compare.terms and compare.counted is None:
            # "how many sales were at least 50,000": the number of the table's own measure.
            main = vocab.default_measure(base)
            if main.column is not None and main.column.type in NUMERIC_TYPES:
                term = main
                notes.append(
                    f"I read the number as {column_label(main.column).lower()}"
                )
        if not isinstance(term, (ColumnTerm, MeasureTerm)) or term.column is None:
            notes.append("I could not tell which column the number is about")
            continue
        numbers = [_number(term.column, v) for v in compare.values]
        value: Scalar | list[Scalar] = numbers if compare.op in ("between", "in") else numbers[0]
        op = cast(FilterOp, compare.op)
        out.append(DraftFilter(term.table, term.column, op, value))
    return out


def column_label_of(table: Table) -> str:
    return table.display_name or table.name.replace("_", " ").capitalize()


def default_measures(
    vocab: Vocabulary, base: Table, pending: Sequence[Aggregate], tables: Sequence[TableTerm]
) -> list[DraftMeasure]:
    """The measure when the question names none: the table's own (revenue, headcount, count).

    `pending` are aggregation words that found nothing to apply to ("total sales" ->
    sum of the sales table's main measure); `tables` are tables the question named.

    Raises:
        Unanswerable: "average" with nothing numeric to average.
    """
    subject = base
    for hint in tables:
        if hint.table is base or (
            _pk(hint.table) is not None and hops(vocab, base, hint.table) is not None
        ):  # a named table the base can't reach is no measure of it
            subject = hint.table
            break
    main = vocab.default_measure(subject)
    out: list[DraftMeasure] = []
    wanted: list[Aggregate | None] = list(pending) or [None]
    for agg in wanted:
        if agg == "count":
            # "how many invoices", "orders by region": the rows, not the values of the
            # table's money column ("number of totals").
            measure = DraftMeasure("count", subject, None)
        elif agg is None:
            measure = DraftMeasure(main.agg, subject, main.column)
        elif agg == "count_distinct" or (
            agg == "sum" and main.column is None and any(t.table is subject for t in tables)
        ):
            # "Berlin employees: what's the total?": people named, nothing of theirs to add
            # up; their total is how many there are.
            measure = DraftMeasure("count", subject, None)
        elif main.column is not None and agg is not None:
            measure = DraftMeasure(agg, subject, main.column)
        else:
            numeric = [
                c for c in subject.columns
                if not c.hidden and c.type in NUMERIC_TYPES and not is_identifier(subject, c)
            ]
            names = ", ".join(column_label(c).lower() for c in numeric[:3])
            example = f" (for example {names})" if names else ""
            verb = _VERBS.get(agg or "", "measure")
            raise Unanswerable(f"I don't know what to {verb}: name a number{example}")
        if measure.column is None and subject is not base:
            pk = _pk(subject)
            assert pk is not None
            measure = DraftMeasure("count_distinct", subject, pk)
        out.append(measure)
    return out


_VERBS = {
    "sum": "add up",
    "avg": "average",
    "min": "take the lowest of",
    "max": "take the highest of",
}
