"""A query being built: like a `QuerySpec`, but with catalog objects instead of names.

The engine works on a `Draft` because a spec's column references are relative to its table
(``location`` on employees, ``employees.location`` on sales): a follow-up that moves to
another table, or a dashboard that reuses a breakdown, needs the absolute column. `to_spec`
writes the references the way `compile_query` reads them: a column of the spec's table by
its name, a column of a related table as ``table.column`` (``schema.table.column`` when the
catalog has schemas), whatever the number of foreign-key hops in between — the query
engine finds the path itself (`plotboard.query.joins`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from plotboard.ai.builtin.vocabulary import Vocabulary, table_ref
from plotboard.catalog.model import Column, Table
from plotboard.query.errors import QueryError
from plotboard.query.spec import (
    Aggregate,
    AllOf,
    AnyOf,
    Filter,
    FilterOp,
    Grain,
    OrderBy,
    Periods,
    QuerySpec,
    Scalar,
    Without,
    parse_spec,
)

PERIOD_PART = "period_part"
"""The semantic type of a computed column that is a part of a date (its year, month or
quarter: `Draft.custom`), named by its display name."""


@dataclass(frozen=True)
class DraftMeasure:
    agg: Aggregate
    table: Table
    column: Column | None
    over: DraftMeasure | None = None  # a ratio: this measure divided by `over`


@dataclass(frozen=True)
class DraftDim:
    table: Table
    column: Column
    grain: Grain | None = None
    bin: tuple[str, float] | None = None  # ("width", 10000) or ("count", 10): number bands
    # People (or things) named by a label that may repeat ("Maria Garcia" twice): grouped
    # by this key of theirs too (the dimension's `key`: not shown), so that two of them are
    # never added up.
    key: Column | None = None


@dataclass(frozen=True)
class DraftHaving:
    """A filter on the value of measure number `measure` ("more than 300 employees")."""

    measure: int
    op: FilterOp
    value: float


@dataclass(frozen=True)
class DraftFilter:
    table: Table
    column: Column
    op: FilterOp
    value: Scalar | list[Scalar] | dict[str, object] | None
    anchor: str | None = None  # "latest": a relative filter counted from the data's last date
    include_current: bool = False


@dataclass(frozen=True)
class DraftAny:
    """OR: the rows matching one of `options`, each a set of filters that all hold ("Services
    in 2023 or in 2025", "in Paris or rated 5")."""

    options: tuple[tuple[DraftFilter, ...], ...]


@dataclass(frozen=True)
class DraftWithout:
    """The rows no row of `table` points at ("people with no sales"), counting only the
    related rows matching `filters` ("no sales in 2025"); see `plotboard.query.spec.Without`."""

    table: Table
    filters: tuple[DraftFilter, ...] = ()


@dataclass
class Draft:
    """A query under construction; `order` sorts by the first measure (True: descending)."""

    base: Table
    measures: list[DraftMeasure] = field(default_factory=list)
    dims: list[DraftDim] = field(default_factory=list)
    filters: list[DraftFilter] = field(default_factory=list)
    order: bool | None = None
    limit: int | None = None
    chart: str | None = None
    notes: list[str] = field(default_factory=list)
    extra_order: list[OrderBy] = field(default_factory=list)
    # Query spec v2 shapes (set by `plotboard.ai.builtin.shapes`):
    share: bool = False  # the first measure as a percent of the total
    cumulative: bool = False  # running totals along the first dimension
    part: DraftFilter | None = None  # the first measure's share of rows matching this
    # "ratio of Hardware revenue to Software revenue": the first measure over the rows
    # matching the first filter, divided by the same measure over those matching the second.
    # A second filter of None: over all the rows ("remote to total ratio").
    ratio: tuple[DraftFilter, DraftFilter | None] | None = None
    # "Hardware revenue against everything that is not Hardware": the first measure over
    # the rows matching each filter, side by side (a value and all the rest).
    sides: tuple[DraftFilter, DraftFilter] | None = None
    records: list[tuple[Table, Column]] = field(default_factory=list)  # a listing
    record_order: tuple[Column, bool] | None = None  # listing sorted by (column, desc)
    compare: str | None = None  # "previous_period" or "previous_year"
    having: list[DraftHaving] = field(default_factory=list)
    limit_per: DraftDim | None = None  # the limit applies within each value of this
    per_dim: DraftDim | None = None  # the breakdown the question named after "each"/"per"
    whole_dim: DraftDim | None = None  # the breakdown named after "within each", "for every"
    # With `share`: each value as a percent of its group of the first breakdown (which is
    # this one), not of the grand total.
    share_within: DraftDim | None = None
    # Row-level columns computed by an expression (query spec `columns`): (name, expression);
    # a filter names one by a `Column` of that name on `base` ("2023 and 2025": the year of
    # each sale is one of those two).
    custom: list[tuple[str, str]] = field(default_factory=list)
    any_of: list[DraftAny] = field(default_factory=list)  # OR groups, each ANDed with the rest
    without: list[DraftWithout] = field(default_factory=list)  # "with no <related rows>"
    # "which products had no orders yesterday": the values of the breakdown that no row of
    # the table matching these filters has (a count of those rows that is 0, over all rows).
    none_of: tuple[DraftFilter, ...] = ()
    # "is the average salary above 80k?": the number a yes/no question weighs the figure
    # against, in words ("over 80,000"); the figure itself is shown, not narrowed by it.
    checked: str | None = None

    def copy(self) -> Draft:
        return replace(
            self,
            measures=list(self.measures),
            dims=list(self.dims),
            filters=list(self.filters),
            any_of=list(self.any_of),
            without=list(self.without),
            notes=list(self.notes),
            extra_order=list(self.extra_order),
            having=list(self.having),
            custom=list(self.custom),
        )


def column_ref(base: Table, table: Table, column: Column) -> str:
    """How a spec on `base` names `column` of `table`."""
    if table is base:
        return column.name
    return f"{table_ref(table)}.{column.name}"


def _call(draft: Draft, measure: DraftMeasure) -> str:
    """The measure as an aggregate call of the expression language: "sum(amount)"."""
    if measure.column is None:
        return "count()"
    return f"{measure.agg}({column_ref(draft.base, measure.table, measure.column)})"


def _short(measure: DraftMeasure) -> str:
    counts_rows = measure.over is not None and measure.over.column is measure.column
    if measure.column is None or measure.column.name in measure.table.primary_key or (
        counts_rows and measure.agg == "count"
    ):  # count(department) / count_distinct(department): rows per department
        return measure.table.name.rsplit(".", 1)[-1]
    return measure.column.name


def measure_spec(draft: Draft, measure: DraftMeasure) -> dict[str, object]:
    if measure.over is not None:
        # "revenue per unit sold": an expression measure, never SQL text.
        expr = f"{_call(draft, measure)} * 1.0 / {_call(draft, measure.over)}"
        name = f"{_short(measure)}_per_{_short(measure.over)}"
        return {"expr": expr, "name": name}
    if measure.column is None:
        return {"agg": "count"}
    return {"agg": measure.agg, "column": column_ref(draft.base, measure.table, measure.column)}


def to_spec(draft: Draft) -> QuerySpec:
    """The `QuerySpec` for `draft` (measures deduplicated, sort by the first measure).

    Raises:
        QueryError: when the draft is not a valid spec (no measure and no dimension, ...).
    """
    base = draft.base
    measures: list[dict[str, object]] = []
    for m in draft.measures:
        item = measure_spec(draft, m)
        if item not in measures:
            measures.append(item)
    dims: list[dict[str, object]] = []
    for d in draft.dims:
        dim: dict[str, object] = {"column": column_ref(base, d.table, d.column)}
        if d.key is not None and d.key is not d.column:
            # Grouped by the key too, but only the label is shown (names repeat).
            dim["key"] = column_ref(base, d.table, d.key)
        if d.grain:
            dim["grain"] = d.grain
        if d.bin is not None:
            kind, size = d.bin
            dim["bin"] = {kind: int(size) if size == int(size) else size}
        if all(
            (other["column"], other.get("grain")) != (dim["column"], dim.get("grain"))
            for other in dims
        ):
            dims.append(dim)
    filters: list[dict[str, object]] = [_filter_spec(base, f) for f in draft.filters]
    for group in draft.any_of:
        options: list[dict[str, object]] = []
        for option in group.options:
            parts = [_filter_spec(base, f) for f in option]
            options.append(parts[0] if len(parts) == 1 else {"all": parts})
        filters.append({"any": options})
    for gone in draft.without:
        entry: dict[str, object] = {"without": table_ref(gone.table)}
        if gone.filters:
            entry["where"] = [_filter_spec(gone.table, f) for f in gone.filters]
        filters.append(entry)
    data: dict[str, object] = {
        "table": table_ref(base),
        "measures": measures,
        "dimensions": dims,
        "filters": filters,
    }
    if draft.custom:
        data["columns"] = [{"name": name, "expr": expr} for name, expr in draft.custom]
    if draft.records:
        return _records_spec(draft, data)
    if draft.none_of and measures:
        conds = " and ".join(condition(draft, f) for f in draft.none_of)
        name = f"{_short(draft.measures[0])}_matching"
        measures[:] = [{"expr": f"count_if({conds})", "name": name}]
    elif draft.part is not None and measures:
        measures[:] = [_part_measure(draft, draft.measures[0], draft.part)]
    elif draft.ratio is not None and measures:
        measures[:] = [_ratio_measure(draft, draft.measures[0], *draft.ratio)]
    elif draft.sides is not None and measures:
        measures[:] = [_side_measure(draft, draft.measures[0], f) for f in draft.sides]
    elif (draft.share or draft.cumulative) and measures:
        key = "share" if draft.share else "cumulative"
        if measures[0].get("agg") in ("count", "sum", "count_distinct"):
            measures[:] = [measures[0] | {key: True}]
            if draft.share and draft.share_within is not None and len(dims) >= 2:
                # The first breakdown is the group (`apply_shapes` put it first).
                measures[0] = measures[0] | {"share": {"within": str(dims[0]["column"])}}
    spec = parse_spec(data)
    order: list[dict[str, object]] = []
    if draft.order is not None and spec.measures:
        order.append({"by": spec.measures[0].alias, "desc": draft.order})
    aliases = {a.lower() for a in spec.aliases} | {d.column.lower() for d in spec.dimensions}
    for extra in draft.extra_order:
        if extra.by.lower() in aliases and all(o["by"] != extra.by for o in order):
            order.append({"by": extra.by, "desc": extra.desc})
    if order:
        data["order_by"] = order
    if draft.limit is not None:
        data["limit"] = draft.limit
        if draft.order is not None:
            _ranked_named_only(draft, filters)
    if draft.compare is not None and spec.measures:
        data["compare"] = {"to": draft.compare}
    if draft.having and spec.measures:
        data["having"] = [
            {"by": spec.measures[h.measure].alias, "op": h.op, "value": _plain(h.value)}
            for h in draft.having
            if h.measure < len(spec.measures)
        ]
    if draft.none_of and spec.measures:
        having = data.get("having")
        data["having"] = [*(having if isinstance(having, list) else []),
                          {"by": spec.measures[0].alias, "op": "eq", "value": 0}]
    if draft.limit_per is not None and draft.limit is not None:
        per = draft.limit_per
        ref = column_ref(base, per.table, per.column)
        data["limit_per"] = ref
        same = [d for d in spec.dimensions if d.column == ref]
        if len(same) > 1:  # "for each year" over months and years of one date: by its name
            data["limit_per"] = next((d.alias for d in same if d.grain == per.grain), ref)
    return parse_spec(data)


def _ranked_named_only(draft: Draft, filters: list[dict[str, object]]) -> None:
    """A ranking of the first N by a related table's column ("the 5 best sales people by
    revenue") leaves out the rows with no value there: no such thing is one of the N, and
    where access rules hide the related rows ("Not visible to you") their sum would take the
    first place and push a real one out."""
    for d in draft.dims:
        if d.table is draft.base or d.grain or d.bin is not None:
            continue
        ref = column_ref(draft.base, d.table, d.column)
        if all(f.get("column") != ref or f.get("op") != "is_not_null" for f in filters):
            filters.append({"column": ref, "op": "is_not_null"})


def _filter_spec(base: Table, f: DraftFilter) -> dict[str, object]:
    out: dict[str, object] = {"column": column_ref(base, f.table, f.column), "op": f.op}
    return (
        out
        | ({} if f.value is None else {"value": f.value})
        | ({} if f.anchor is None else {"anchor": f.anchor})
        | ({"include_current": True} if f.include_current else {})
    )


def _plain(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _absolute(vocab: Vocabulary, base: Table, ref: str) -> tuple[Table, Column]:
    table_part, _, name = ref.rpartition(".")
    table = vocab.table_named(table_part, near=base) if table_part else base
    column = table.column(name) if table is not None else None
    if table is None or column is None or column.hidden:
        raise QueryError(f"'{ref}' is not a column that can be used here.", code="unknown_column")
    return table, column


def from_spec(spec: QuerySpec, vocab: Vocabulary, source: str | None = None) -> Draft:
    """A `Draft` from a spec (a previous tile), resolving every reference in the catalog of
    `source` (None: the first source that has the spec's table).

    Raises:
        QueryError: when the spec names a table or column the vocabulary does not know
            (hidden, removed, or a typo).
    """
    base = vocab.table_named(spec.table, source=source)
    if base is None:
        raise QueryError(f"Table '{spec.table}' is not available.", code="unknown_table")
    draft = Draft(base=base)
    unsupported = QueryError(
        "This chart uses a calculation the assistant can't change yet; edit it in the builder.",
        code="invalid_query",
    )
    for m in spec.measures:
        if m.agg is None or m.share or m.cumulative:
            raise unsupported
        if m.column is None:
            draft.measures.append(DraftMeasure("count", base, None))
        else:
            table, column = _absolute(vocab, base, m.column)
            draft.measures.append(DraftMeasure(m.agg, table, column))
    for d in spec.dimensions:
        table, column = _absolute(vocab, base, d.column)
        bin_: tuple[str, float] | None = None
        if d.bin is not None:
            bin_ = ("width", d.bin.width) if d.bin.width is not None else (
                "count", float(d.bin.count or 0)
            )
        if d.key is not None:
            # A dimension's key (a tile from the builder, the LLM or the API): the same
            # people, however the engine writes them.
            key_table, key = _absolute(vocab, base, d.key)
            draft.dims.append(DraftDim(table, column, key=key if key_table is table else None))
            continue
        last = draft.dims[-1] if draft.dims else None
        if last is not None and last.table is table and last.grain is None and (
            last.bin is None and last.key is None and last.column.name in table.primary_key
            and vocab.label_column(table) is column
        ):
            # A tile written before dimensions had keys: the id shown beside the name.
            draft.dims[-1] = DraftDim(table, column, key=last.column)
            continue
        draft.dims.append(DraftDim(table, column, d.grain, bin_))
    custom = {c.name.lower(): c for c in spec.columns}
    for c in spec.columns:
        draft.custom.append((c.name, c.expr))
    for item in spec.filters:
        if isinstance(item, Filter):
            if item.column.lower() in custom:  # a computed column: kept as it is
                computed = custom[item.column.lower()]
                value = item.value.model_dump() if isinstance(item.value, Periods) else item.value
                unit = computed.expr.split("(", 1)[0].strip().capitalize()
                part = Column(
                    computed.name, "integer", display_name=unit, semantic_type=PERIOD_PART
                )
                draft.filters.append(DraftFilter(base, part, item.op, value))
                continue
            draft.filters.append(_draft_filter(vocab, base, item))
        elif isinstance(item, AnyOf):
            options: list[tuple[DraftFilter, ...]] = []
            for option in item.any:
                parts = option.all if isinstance(option, AllOf) else (option,)
                if not all(isinstance(p, Filter) for p in parts):
                    raise unsupported
                options.append(tuple(_draft_filter(vocab, base, p) for p in parts))  # type: ignore[arg-type]
            draft.any_of.append(DraftAny(tuple(options)))
        elif isinstance(item, Without):
            related = vocab.table_named(item.without, near=base)
            if related is None or not all(isinstance(p, Filter) for p in item.where):
                raise unsupported
            draft.without.append(DraftWithout(
                related, tuple(_draft_filter(vocab, related, p) for p in item.where)  # type: ignore[arg-type]
            ))
        else:
            raise unsupported
    # A list of records: its columns and its sort carry over to a follow-up ("only Paris").
    for ref in spec.select:
        draft.records.append(_absolute(vocab, base, ref))
    if spec.select and spec.order_by and not spec.measures:
        table, column = _absolute(vocab, base, spec.order_by[0].by)
        draft.record_order = (column, spec.order_by[0].desc)
        spec = spec.model_copy(update={"order_by": spec.order_by[1:]})
    first = spec.measures[0].alias.lower() if spec.measures else None
    for i, o in enumerate(spec.order_by):
        if i == 0 and o.by.lower() == first:
            draft.order = o.desc
        else:
            draft.extra_order.append(o)
    draft.limit = spec.limit
    draft.compare = spec.compare.to if spec.compare is not None else None
    aliases = [m.alias.lower() for m in spec.measures]
    for h in spec.having:
        if h.by.lower() not in aliases or isinstance(h.value, list | str | bool):
            raise unsupported
        draft.having.append(DraftHaving(aliases.index(h.by.lower()), h.op, float(h.value)))
    if spec.limit_per is not None:
        named = [
            (i, d) for i, d in enumerate(spec.dimensions)
            if d.alias.lower() == spec.limit_per.lower()
        ]
        if named:
            wanted = named[0][1]
            table, column = _absolute(vocab, base, wanted.column)
            draft.limit_per = next(
                (d for d in draft.dims if d.column is column and d.grain == wanted.grain),
                DraftDim(table, column, wanted.grain),
            )
        else:
            table, column = _absolute(vocab, base, spec.limit_per)
            draft.limit_per = DraftDim(table, column)
    return draft


def _draft_filter(vocab: Vocabulary, base: Table, f: Filter) -> DraftFilter:
    table, column = _absolute(vocab, base, f.column)
    value = f.value.model_dump() if isinstance(f.value, Periods) else f.value
    return DraftFilter(table, column, f.op, value, f.anchor, f.include_current)


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


_EXPR_OPS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def condition(draft: Draft, f: DraftFilter) -> str:
    """A filter as a condition of the expression language ("is_remote = true")."""
    ref = column_ref(draft.base, f.table, f.column)
    if f.op in _EXPR_OPS:
        return f"{ref} {_EXPR_OPS[f.op]} {_literal(f.value)}"
    if f.op in ("in", "not_in") and isinstance(f.value, list):
        listed = ", ".join(_literal(v) for v in f.value)
        return f"{ref} {'not in' if f.op == 'not_in' else 'in'} ({listed})"
    if f.op == "between" and isinstance(f.value, list) and len(f.value) == 2:
        low, high = (_literal(v) for v in f.value)
        if f.column.type == "datetime" and isinstance(f.value[1], str):
            # A day said as its end keeps that whole day: before the next midnight.
            nxt = (dt.date.fromisoformat(f.value[1][:10]) + dt.timedelta(days=1)).isoformat()
            return f"{ref} >= {low} and {ref} < {_literal(nxt)}"
        return f"{ref} between {low} and {high}"
    if f.op == "is_null":
        return f"{ref} is null"
    if f.op == "is_not_null":
        return f"{ref} is not null"
    raise QueryError("This filter can't be part of a percentage.", code="invalid_query")


def _part_measure(draft: Draft, measure: DraftMeasure, part: DraftFilter) -> dict[str, object]:
    """The percent of the measure that the rows matching `part` make up."""
    cond = condition(draft, part)
    if measure.column is None or measure.agg == "count":
        expr = f"count_if({cond}) * 100.0 / count()"
    else:
        ref = column_ref(draft.base, measure.table, measure.column)
        expr = f"sum_if({ref}, {cond}) * 100.0 / sum({ref})"
    return {"expr": expr, "name": "percent", "format": {"type": "percent", "decimals": 1}}


def _side_measure(draft: Draft, measure: DraftMeasure, side: DraftFilter) -> dict[str, object]:
    """The measure over the rows matching `side` alone, named after it ("not_hardware")."""
    cond = condition(draft, side)
    said = re.sub(r"[^a-z0-9]+", "_", str(side.value).lower()).strip("_") or "value"
    name = (("not_" if side.op in ("neq", "not_in") else "") + said)[:40]
    if measure.column is None or measure.agg == "count":
        return {"expr": f"count_if({cond})", "name": f"count_{name}"}
    ref = column_ref(draft.base, measure.table, measure.column)
    agg = measure.agg if measure.agg in ("sum", "avg", "min", "max") else "sum"
    return {"expr": f"{agg}_if({ref}, {cond})", "name": f"{agg}_{measure.column.name}_{name}"[:63]}


def _ratio_measure(
    draft: Draft, measure: DraftMeasure, top: DraftFilter, bottom: DraftFilter | None
) -> dict[str, object]:
    """The measure over the rows matching `top` divided by the same over those of `bottom`
    (all the rows when `bottom` is None)."""
    a = condition(draft, top)
    b = None if bottom is None else condition(draft, bottom)
    if measure.column is None or measure.agg == "count":
        whole = "count()" if b is None else f"count_if({b})"
        expr = f"count_if({a}) * 1.0 / {whole}"
    else:
        ref = column_ref(draft.base, measure.table, measure.column)
        agg = measure.agg if measure.agg in ("sum", "avg", "min", "max") else "sum"
        whole = f"{agg}({ref})" if b is None else f"{agg}_if({ref}, {b})"
        expr = f"{agg}_if({ref}, {a}) * 1.0 / {whole}"
    return {"expr": expr, "name": "ratio", "format": {"type": "number", "decimals": 2}}


def _records_spec(draft: Draft, data: dict[str, object]) -> QuerySpec:
    select: list[str] = []
    for table, column in draft.records:
        ref = column_ref(draft.base, table, column)
        if ref not in select:
            select.append(ref)
    records: dict[str, object] = {
        "table": data["table"], "select": select, "filters": data["filters"]
    }
    if "columns" in data:
        records["columns"] = data["columns"]
    if draft.record_order is not None:
        column, desc = draft.record_order
        records["order_by"] = [{"by": column.name, "desc": desc}]
    if draft.limit is not None:
        records["limit"] = draft.limit
    return parse_spec(records)
