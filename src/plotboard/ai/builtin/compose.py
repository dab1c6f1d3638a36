"""Putting a query together: a fresh question, or a follow-up that refines the last tile.

A question with its own subject (a measure, a count, a table) starts afresh — unless it
opens with a follow-up word ("and", "what about", "now"), in which case its measure
replaces (or, after "and", joins) the previous one and the previous breakdown and filters
stay. A question without a subject refines the previous tile:

* a chart word changes the chart ("as a pie");
* a value replaces the filter on its column ("only Paris", "what about Berlin?"), or adds
  to it after "and"/"also" ("and Berlin");
* "by X" replaces the breakdown, "and by X" adds to it; a bare grain ("by month",
  "quarterly") on a tile that is already over time only changes the grain;
* a period replaces the previous period ("for 2024"; "all time" removes it);
* "top 3" / "bottom 3" sorts by the first measure and keeps that many rows; a number alone
  ("make it 10") changes how many rows a ranking keeps.

The chart carries over only when the shape of the query did not change (filters, limits).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from plotboard.ai.builtin.draft import Draft, DraftAny, DraftDim, DraftFilter, DraftMeasure
from plotboard.ai.builtin.intent import BoolSlot, CompareSlot, DimSlot, Intent, ValueSlot
from plotboard.ai.builtin.resolve import (
    Resolved,
    Unanswerable,
    choose_base_whole,
    default_measures,
    hops,
    key_of,
    resolve,
)
from plotboard.ai.builtin.text import LEFT_OUT_WORDS
from plotboard.ai.builtin.timewords import BEFORE_THAT, DateRange, add_months, period_of
from plotboard.ai.builtin.vocabulary import Vocabulary, column_label
from plotboard.ai.charts import fits
from plotboard.catalog.model import NUMERIC_TYPES, TEMPORAL_TYPES, Table
from plotboard.query.spec import Aggregate, FilterOp, Grain, Scalar

_RANGE_OPS = frozenset({"between", "gte", "gt", "lte", "lt"})
_RELATIVE_OPS = frozenset({"last", "this", "previous", "to_date"})
RANKED_ROWS = 10
"""Rows kept for a ranking without a number ("best sellers")."""


def _quoted(words: list[str]) -> str:
    # "customers ... already": the words the data lacks, not the adverbs around them.
    missing = [w for w in words if w not in LEFT_OUT_WORDS] or words
    return ", ".join(f"'{w}'" for w in dict.fromkeys(missing))


def check_subject(intent: Intent) -> None:
    """Refuse questions whose subject is a word the data does not have.

    Raises:
        Unanswerable: nothing recognised, or unknown words where the measure should be.
    """
    if intent.is_empty:
        if intent.unknown:
            raise Unanswerable(f"I couldn't find {_quoted(intent.unknown)} in this data")
        raise Unanswerable("I didn't recognise anything from this data in the question")
    if intent.unknown and not intent.measures and not intent.tables:
        raise Unanswerable(f"I couldn't find {_quoted(intent.unknown)} in this data")
    if intent.compounds:
        raise Unanswerable(f"I couldn't find {_quoted(intent.compounds)} in this data")


def _value_filters(resolved: Resolved) -> list[DraftFilter]:
    groups: dict[tuple[int, bool], list[DraftFilter]] = {}
    for f, negated in resolved.values:
        groups.setdefault((id(f.column), negated), []).append(f)
    out = []
    for (_, negated), items in groups.items():
        values: list[Scalar] = list(dict.fromkeys(f.value for f in items))  # type: ignore[misc]
        first = items[0]
        if len(values) == 1:
            op: FilterOp = "neq" if negated else "eq"
            out.append(DraftFilter(first.table, first.column, op, values[0]))
        else:
            op = "not_in" if negated else "in"
            out.append(DraftFilter(first.table, first.column, op, values))
    return out


def _apply_order(vocab: Vocabulary, draft: Draft, intent: Intent) -> None:
    if intent.top is not None:
        draft.order, draft.limit = intent.top.desc, intent.top.n
        if not draft.dims and draft.measures:
            # "top 5 salaries": rank the rows of the measured table by their label.
            table = draft.measures[0].table
            label = vocab.label_column(table)
            if label is not None:
                draft.dims.append(DraftDim(table, label, key=key_of(vocab, table, label)))
    elif intent.superlative is not None and draft.dims:
        draft.order = intent.superlative.desc
        singular = not any(d.plural for d in intent.dims)
        if not intent.dims and intent.grain_first is not None and not intent.superlative.temporal:
            # "the month with the most hires": one month; "the months with ...": a few.
            if draft.limit is None and len(draft.dims) == 1:
                draft.limit = RANKED_ROWS if intent.grain_first else 1
            return
        if draft.limit is None and (
            intent.which or intent.ranked_dim or not singular or intent.dim_first
        ):
            # "which department has the most ...", "the least popular product": one;
            # "best sellers": a short list; "the product with the fewest units": one.
            draft.limit = 1 if singular else RANKED_ROWS


def _default_order(draft: Draft) -> None:
    """Bars of categories read best sorted by their value, largest first."""
    if draft.order is None and len(draft.dims) == 1 and draft.measures:
        column = draft.dims[0].column
        if draft.dims[0].grain is None and column.type not in NUMERIC_TYPES and (
            column.type not in TEMPORAL_TYPES and column.type != "boolean"
        ):
            draft.order = True


def _ranked_by_value(vocab: Vocabulary, intent: Intent, base: Table) -> tuple[Table, Intent] | None:
    """ "best sellers", "top 5 offices": rows ranked by the main money measure that reaches
    them (revenue), rather than by a count that is 1 for every row. None when the question
    names its measure ("offices with the most employees") or its table has a valued one."""
    if not (intent.top or intent.superlative) or intent.measures or intent.pending:
        return None
    if intent.common:
        return None  # "the most common job titles": a count of their own rows
    sized = (intent.top and intent.top.size) or (intent.superlative and intent.superlative.size)
    if sized and intent.dims and not intent.tables:
        return None  # "the 2 smallest departments": by their own rows (headcount)
    if intent.superlative is not None and intent.superlative.temporal:
        return None
    if (intent.tables and intent.dims) or vocab.default_measure(base).column is not None:
        return None
    ranked = replace(
        intent,
        dims=intent.dims or [DimSlot(tuple(intent.tables), "rows", plural=True)],
        tables=[],
    )
    options: list[tuple[int, int, Table]] = []
    for order, table in enumerate(vocab.tables):
        distance = hops(vocab, table, base)
        if table is base or distance is None or vocab.default_measure(table).column is None:
            continue
        try:
            resolve(vocab, ranked, table)
        except Unanswerable:
            continue
        options.append((distance, order, table))
    return (min(options, key=lambda o: (o[0], o[1]))[2], ranked) if options else None


def build_fresh(
    vocab: Vocabulary, intent: Intent, *, stay: str | None = None, only: str | None = None
) -> Draft:
    """A new query for a question that does not refine a previous tile; `stay` and `only`
    are the source to stay on and the source the question names (see `choose_base`).

    Raises:
        Unanswerable: see `check_subject`, `choose_base` and `resolve`.
    """
    check_subject(intent)
    base = choose_base_whole(vocab, intent, stay=stay, only=only)
    better = _ranked_by_value(vocab, intent, base)
    if better is not None:
        base, intent = better
    resolved = resolve(vocab, intent, base)
    draft = Draft(base=base, notes=list(resolved.notes))
    when = intent.superlative
    if when and when.temporal and not resolved.measures and not resolved.dims and (
        resolved.time_column is not None and not intent.pending
    ):
        # "when was the last sale": the latest date, not a count of sales.
        table, column = resolved.time_column
        resolved.measures = [DraftMeasure("max" if when.desc else "min", table, column)]
    pending = intent.pending or (["count"] if intent.common else [])
    draft.measures = resolved.measures or default_measures(vocab, base, pending, intent.tables)
    draft.dims = resolved.dims
    draft.having = resolved.having
    draft.per_dim = resolved.per_dim
    draft.whole_dim = resolved.whole_dim
    draft.filters = [
        *_value_filters(resolved), *resolved.bools, *resolved.compares, *resolved.dates
    ]
    _either(draft, intent)
    _apply_order(vocab, draft, intent)
    _default_order(draft)
    _wish_chart(draft, intent)
    return draft


def _said_by(f: DraftFilter, slot: ValueSlot | BoolSlot | CompareSlot) -> bool:
    """Whether filter `f` is the one read from `slot`."""
    columns = {id(c) for t in slot.terms if (c := getattr(t, "column", None)) is not None}
    if id(f.column) not in columns:
        return False
    if isinstance(slot, ValueSlot):
        said = {v for t in slot.terms for v in t.values}
        values = f.value if isinstance(f.value, list) else [f.value]
        return f.op in ("eq", "in", "neq", "not_in") and any(v in said for v in values)
    if isinstance(slot, BoolSlot):
        return f.op == "eq" and isinstance(f.value, bool)
    return f.op == slot.op


def _either(draft: Draft, intent: Intent) -> None:
    """ "staff in Paris or with a rating of 5": the two filters said either side of an "or"
    (`Intent.either`), on two different columns, become one "any of" group (an OR); two
    values of one column are already one "is any of" filter."""
    for first, second in intent.either:
        a = [f for f in draft.filters if _said_by(f, first)]
        b = [f for f in draft.filters if _said_by(f, second)]
        if len(a) != 1 or len(b) != 1 or a[0] is b[0] or a[0].column is b[0].column:
            continue
        draft.filters = [f for f in draft.filters if f is not a[0] and f is not b[0]]
        draft.any_of.append(DraftAny(((a[0],), (b[0],))))


def _wish_chart(draft: Draft, intent: Intent) -> None:
    # A hint ("share of ...") only counts when it fits; a wish ("as a pie") always does,
    # and when it can't be drawn the answer says why.
    if intent.chart is not None and (intent.chart.strong or fits(draft, intent.chart.type) is None):
        draft.chart = intent.chart.type


def _rebase(vocab: Vocabulary, draft: Draft, base: Table) -> Draft:
    """`draft` on another table: what can't be reached from it is dropped, with a note."""
    out = draft.copy()
    if base is draft.base:
        return out
    out.base = base
    kept_dims = [d for d in out.dims if hops(vocab, out.base, d.table) is not None]
    kept_filters = [f for f in out.filters if hops(vocab, out.base, f.table) is not None]
    dropped = [column_label(d.column).lower() for d in out.dims if d not in kept_dims]
    dropped += [column_label(f.column).lower() for f in out.filters if f not in kept_filters]
    if dropped:
        out.notes.append(f"{', '.join(dropped)} could not be kept for this measure")
    out.dims, out.filters = kept_dims, kept_filters
    return out


def _merge_filters(draft: Draft, resolved: Resolved, add: bool) -> None:
    for new in _value_filters(resolved):
        same = [
            f for f in draft.filters
            if f.column is new.column and f.op in ("eq", "in", "neq", "not_in")
        ]
        if add and same and new.op in ("eq", "in"):
            old = next((f for f in same if f.op in ("eq", "in")), None)
            if old is not None:
                values = (old.value if isinstance(old.value, list) else [old.value]) + (
                    new.value if isinstance(new.value, list) else [new.value]
                )
                merged: list[Scalar] = list(dict.fromkeys(values))  # type: ignore[arg-type]
                draft.filters[draft.filters.index(old)] = DraftFilter(
                    old.table, old.column, "in", merged
                )
                continue
        draft.filters = [f for f in draft.filters if f not in same]
        draft.filters.append(new)
    for new in [*resolved.bools, *resolved.compares]:
        draft.filters = [
            f for f in draft.filters
            if not (f.column is new.column and (f.op == new.op or new.column.type == "boolean"))
        ]
        draft.filters.append(new)
    if resolved.date_range is not None and resolved.time_column is not None:
        dates = _in_the_charts_year(draft.filters, resolved.date_range, resolved.dates)
        dates = _before_the_charts(draft.filters, resolved.date_range, dates)
        draft.filters = [
            f for f in draft.filters
            if not (f.column.type in TEMPORAL_TYPES and f.op in _RANGE_OPS | _RELATIVE_OPS)
        ]
        draft.filters.extend(dates)


_MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# "Q4", "March", and a run of months without a year ("from oct to dec", "Jan-Mar").
_YEARLESS = re.compile(
    r"^(?:in |during |for |of )?(?:the )?(?:q[1-4]|h[12]|(?:first|second|third|fourth) "
    r"(?:quarter|half)|" + _MONTH_NAME + r"|(?:from |between )?" + _MONTH_NAME
    + r" ?(?:to|through|thru|until|till|and|-) ?" + _MONTH_NAME + r")(?: of)?$"
)


def _before_the_charts(
    kept: list[DraftFilter], said: DateRange, dates: list[DraftFilter]
) -> list[DraftFilter]:
    """ "now the quarter before that", "and the month before" after a chart of one period: the
    period of that unit that ends the day before the chart's starts (not the one before
    today's)."""
    said_unit = BEFORE_THAT.match(said.label.strip().lower())
    bounded = [f.value for f in kept if f.column.type in TEMPORAL_TYPES and f.op == "between"
               and isinstance(f.value, list) and len(f.value) == 2]
    if said_unit is None or len(bounded) != 1 or len(dates) != 1 or dates[0].op != "between":
        return dates
    grain: Grain = said_unit.group(1)  # type: ignore[assignment]
    span = bounded[0]
    assert isinstance(span, list)
    first = dt.date.fromisoformat(str(span[0])[:10])
    last = dt.date.fromisoformat(str(span[1])[:10])
    unit_start, unit_end = period_of(first, grain)
    if unit_start <= first and last < unit_end and grain not in ("day", "week"):
        # "Q3 2025", then "the year before that": Q3 2024 (the chart's span a year back).
        months = {"month": 1, "quarter": 3, "year": 12}[grain]
        start, end = add_months(first, -months), add_months(last + dt.timedelta(days=1),
                                                             -months) - dt.timedelta(days=1)
    else:
        end = first - dt.timedelta(days=1)
        start, _ = period_of(end, grain)
    return [replace(dates[0], value=[start.isoformat(), end.isoformat()])]


def _in_the_charts_year(
    kept: list[DraftFilter], said: DateRange, dates: list[DraftFilter]
) -> list[DraftFilter]:
    """ "just Q4 of that", "only March" after a chart of 2024: that period of the chart's
    year, not of the latest year (a period said without its year, on a chart of one year)."""
    if not _YEARLESS.match(said.label.strip().lower()) or said.start is None:
        return dates
    years = {
        str(v)[:4] for f in kept if f.column.type in TEMPORAL_TYPES and f.op in _RANGE_OPS
        for v in (f.value if isinstance(f.value, list) else [f.value])
    }
    bounded = [f for f in kept if f.column.type in TEMPORAL_TYPES and f.op in _RANGE_OPS]
    if len(years) != 1 or not bounded or any(f.op == "lt" for f in bounded):
        return dates  # a chart of several years (or up to a next midnight): as said
    year = int(next(iter(years)))
    shift = (year - said.start.year) * 12
    if not shift:
        return dates

    def moved(value: object) -> str:
        return add_months(dt.date.fromisoformat(str(value)[:10]), shift).isoformat()

    out: list[DraftFilter] = []
    for f in dates:
        if isinstance(f.value, list):
            days: list[Scalar] = [moved(v) for v in f.value]
            out.append(replace(f, value=days))
        else:
            out.append(replace(f, value=moved(f.value)))
    return out


def _reaggregate(measure: DraftMeasure, agg: Aggregate, base: Table) -> DraftMeasure:
    if agg == "count":
        return DraftMeasure("count", base, None)
    column = measure.column
    if column is None or (agg in ("sum", "avg") and column.type not in NUMERIC_TYPES):
        raise Unanswerable("the chart's measure is a count, so it can't be averaged or added up")
    return DraftMeasure(agg, measure.table, measure.column)


def refine(
    vocab: Vocabulary, previous: Draft, intent: Intent, *, only: str | None = None
) -> Draft:
    """The previous tile's query changed by a follow-up (see module docstring); a new subject
    is looked for in the previous tile's source first, or only in source `only`.

    Raises:
        Unanswerable: nothing in the follow-up could be used.
    """
    # "only remote employees" after a question about employees restates who, not what.
    intent = replace(intent, tables=[t for t in intent.tables if t.table is not previous.base])
    if intent.is_empty and intent.number is not None and previous.limit is not None and (
        previous.measures
    ):
        # "make it 10", "show 20 instead" after a top 5: the same ranking, that many rows.
        draft = previous.copy()
        draft.limit, draft.notes = intent.number, []
        return draft
    check_subject(intent)
    new_subject = bool(intent.measures or intent.tables or intent.pending)
    base = (
        choose_base_whole(vocab, intent, prefer=previous.base, only=only)
        if new_subject else previous.base
    )
    resolved = resolve(vocab, intent, base)
    draft = _rebase(vocab, previous, base)
    draft.notes = list(resolved.notes)
    add = intent.follow == "add"
    shape_changed = False
    if intent.pending and not (intent.measures or intent.tables) and draft.measures:
        # "make it the average instead": the same measure, another aggregation.
        draft.measures = [_reaggregate(m, intent.pending[0], base) for m in draft.measures]
        new_subject, shape_changed = False, True
    if new_subject:
        measures = resolved.measures or default_measures(
            vocab, base, intent.pending, intent.tables
        )
        draft.measures = [*draft.measures, *measures] if add else measures
        draft.having = [] if add else resolved.having
        shape_changed = True
    if resolved.dims:
        old_time = [d for d in draft.dims if d.grain is not None]
        if intent.add_dims or (add and not (resolved.grain_only and old_time)):
            draft.dims = [*draft.dims, *(d for d in resolved.dims if d not in draft.dims)]
        elif resolved.grain_only and old_time:
            new_time = resolved.dims[0]
            draft.dims = [
                DraftDim(d.table, d.column, new_time.grain) if d.grain else d for d in draft.dims
            ]
        else:
            draft.dims = resolved.dims
        draft.dims.sort(key=lambda d: d.grain is None)
        draft.order, draft.limit = None, None
        shape_changed = True
    _merge_filters(draft, resolved, add)
    _apply_order(vocab, draft, intent)
    _default_order(draft)
    if shape_changed:
        draft.chart = None
    _wish_chart(draft, intent)
    return draft
