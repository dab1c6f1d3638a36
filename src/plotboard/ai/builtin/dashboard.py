"""“Build me a dashboard about sales”: several tiles over one table at once.

The topic is the table the question points at (a table, a measure, a column or a value
named in it), else the catalog's main table (one with a built-in measure and dates). Up to
six tiles, each only when the catalog supports it:

1. the table's main measure as a number (revenue, headcount, or a count);
2. a second number (the count of rows, or the average of a salary-like column);
3. the main measure by month over the table's date;
4. the main measure by a category with 3 to 12 known values (bar);
5. the main measure by another category with at most 8 known values (pie);
6. the main measure by city or country (map), along foreign keys if needed;
7. failing some of the above, the top 10 of a category with many values (horizontal bar).

Filters and a period in the question ("a dashboard about sales in Paris in 2024") apply to
every tile that can reach the filtered column.
"""

from __future__ import annotations

from plotboard.ai.builtin.draft import Draft, DraftDim, DraftFilter, DraftMeasure
from plotboard.ai.builtin.intent import Intent
from plotboard.ai.builtin.resolve import (
    Unanswerable,
    choose_base,
    hops,
    natural_agg,
    resolve,
    source_tiers,
)
from plotboard.ai.builtin.vocabulary import (
    Vocabulary,
    is_identifier,
    is_measure_like,
    location_kind,
)
from plotboard.catalog.model import Column, Table

MAX_TILES = 6


def _topic(vocab: Vocabulary, intent: Intent, stay: str | None, only: str | None) -> Table:
    if intent.measures or intent.tables or intent.dims or intent.values or intent.time_columns:
        return choose_base(vocab, intent, stay=stay, only=only)

    def rank(table: Table) -> tuple[bool, bool, bool, int]:
        # A fact table with a money measure and dates (sales) before a list of people.
        return (
            not vocab.measures_of(table),
            vocab.default_measure(table).column is None,
            not vocab.time_columns(table),
            -len(table.foreign_keys),
        )

    candidates = [table for _, table in source_tiers(vocab, stay, only)[0]]
    if not candidates:
        raise Unanswerable("that database has no tables I can use")
    return min(candidates, key=rank)


def _categories(vocab: Vocabulary, topic: Table) -> list[tuple[Table, Column, int | None]]:
    """String columns worth a breakdown, own table first, then along foreign keys."""
    out: list[tuple[int, int, Table, Column, int | None]] = []
    for order, table in enumerate(vocab.tables):
        distance = hops(vocab, topic, table)
        if distance is None:
            continue
        for column in table.columns:
            name = column.name.lower()
            if column.hidden or column.type != "string" or is_identifier(table, column):
                continue
            if "name" in name or "mail" in name or (column.semantic_type or "") == "email":
                continue
            out.append((distance, order, table, column, vocab.cardinality(table, column)))
    out.sort(key=lambda item: (item[0], item[1]))
    return [(table, column, size) for _, _, table, column, size in out]


def dashboard_drafts(
    vocab: Vocabulary, intent: Intent, *, stay: str | None = None, only: str | None = None
) -> list[Draft]:
    """The drafts of a dashboard about the question's topic (see module docstring); `stay`
    and `only` as for `choose_base`."""
    topic = _topic(vocab, intent, stay, only)
    resolved = resolve(vocab, _filters_only(intent), topic)
    shared: list[DraftFilter] = [
        DraftFilter(f.table, f.column, "neq" if negated else "eq", f.value)
        for f, negated in resolved.values
    ]
    shared += [*resolved.bools, *resolved.compares, *resolved.dates]
    main_term = vocab.default_measure(topic)
    main = DraftMeasure(main_term.agg, topic, main_term.column)
    drafts: list[Draft] = []

    def add(measure: DraftMeasure, dims: list[DraftDim], chart: str, **extra: object) -> None:
        draft = Draft(base=topic, measures=[measure], dims=dims, filters=list(shared), chart=chart)
        for key, value in extra.items():
            setattr(draft, key, value)
        drafts.append(draft)

    add(main, [], "kpi")
    second: DraftMeasure | None = None
    if main.column is not None:
        second = DraftMeasure("count", topic, None)
    else:
        averaged = [
            c for c in topic.columns
            if not c.hidden and is_measure_like(topic, c) and natural_agg(c) == "avg"
        ]
        if averaged:
            second = DraftMeasure("avg", topic, averaged[0])
    if second is not None:
        add(second, [], "kpi")
    times = vocab.time_columns(topic)
    if times:
        add(main, [DraftDim(topic, times[0], "month")], "line")
    # A breakdown by a column the question pins to one value would show a single bar.
    pinned = {id(f.column) for f in shared if f.op == "eq"}
    categories = [c for c in _categories(vocab, topic) if id(c[1]) not in pinned]
    plain = [(t, c, n) for t, c, n in categories if not location_kind(c)]
    used: set[int] = set()
    bar = next(((t, c) for t, c, n in plain if n is not None and 3 <= n <= 12), None)
    if bar is not None:
        used.add(id(bar[1]))
        add(main, [DraftDim(*bar)], "bar", order=True)
    pie = next(
        ((t, c) for t, c, n in plain if n is not None and 2 <= n <= 8 and id(c) not in used), None
    )
    if pie is not None:
        used.add(id(pie[1]))
        add(main, [DraftDim(*pie)], "pie")
    places = sorted(
        ((t, c) for t, c, _ in categories if location_kind(c)),
        key=lambda tc: location_kind(tc[1]) != "city",
    )
    if places:
        add(main, [DraftDim(*places[0])], "map")
    many = next(((t, c) for t, c, n in plain if (n is None or n > 12) and id(c) not in used), None)
    if many is not None and len(drafts) < MAX_TILES:
        add(main, [DraftDim(*many)], "bar_horizontal", order=True, limit=10)
    return drafts[:MAX_TILES]


def _filters_only(intent: Intent) -> Intent:
    return Intent(
        values=intent.values,
        bools=intent.bools,
        compares=intent.compares,
        date_range=intent.date_range,
        time_columns=intent.time_columns,
    )
