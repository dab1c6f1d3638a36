"""Query shapes beyond a plain GROUP BY: number bands, shares, running totals, filters on
window measures and top N per group (DESIGN.md "Query spec v2").

Used by `plotboard.query.compile`; every function builds sqlglot trees from names the compiler
already checked and validated numbers (band widths, limits), never from user text.

- ``bin``: a band's lower edge, ``FLOOR(col * 1.0 / w) * w`` (``* 1.0`` so that integer columns
  are not divided with truncation, which would put -5 in the band of 0 instead of -10).
- ``bin`` by count: ``lo + idx * (hi - lo) * 1.0 / n`` with ``idx = CASE WHEN hi = lo THEN 0
  WHEN col >= hi THEN n - 1 ELSE FLOOR((col - lo) * n * 1.0 / (hi - lo)) END``, where ``lo``
  and ``hi`` come from ``pb_bounds``, a one-row derived table of the MIN and MAX of the column
  over the same tables and filters (so over the user's rows once the access rules apply).
- ``share``: ``agg * 100.0 / NULLIF(SUM(agg) OVER (), 0)``: the window sees the grouped rows of
  this query only, which the access rules have already filtered, so the total is the user's.
  A share within the first dimension (``{"within": ...}``) partitions the window by it:
  ``SUM(agg) OVER (PARTITION BY <first dimension>)``, each group's own total (every engine
  plotboard runs on has window functions: SQLite 3.25+, PostgreSQL, MariaDB 10.2+, DuckDB,
  ClickHouse). A NULL first dimension is a group of its own, as in GROUP BY.
- ``cumulative``: ``SUM(agg) OVER (PARTITION BY <other dimensions> ORDER BY <first dimension>
  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)``.
- A dimension's ``key`` (grouped by, not shown) goes wherever its dimension groups: in the
  partitions and orders of these windows, and of ``limit_per``'s rank.
- A `having` on a window measure, and ``limit_per``, need the grouped query as a derived table:
  windows are computed after HAVING, and ROW_NUMBER() can't be filtered where it is computed.
  ``SELECT <outputs> FROM (SELECT <outputs>, ROW_NUMBER() OVER (PARTITION BY <dimension>
  ORDER BY <sort keys>) AS pb_rank FROM (<grouped>) AS pb_g WHERE <having>) AS pb_r
  WHERE pb_rank <= <limit> ORDER BY <sort keys>``.

Window ORDER BYs put NULLs last explicitly (``CASE WHEN x IS NULL THEN 1 ELSE 0 END`` first):
MariaDB has no ``NULLS LAST`` and the engines' defaults differ.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from plotboard.catalog.model import ColumnType
from plotboard.query.errors import QueryError, did_you_mean
from plotboard.query.scopes import ident as _ident
from plotboard.query.spec import MAX_LIMIT, Measure, QuerySpec

_SHARE_AGGREGATES = frozenset({"count", "count_distinct", "sum"})
_CUMULATIVE_AGGREGATES = frozenset({"count", "sum"})


def bin_lower_edge(column: exp.Expr, width: int | float) -> exp.Expr:
    """The lower edge of `column`'s band of `width` (a validated positive number)."""
    scaled = exp.Div(
        this=exp.Mul(this=column, expression=exp.Literal.number("1.0")),
        expression=exp.Literal.number(width),
    )
    return exp.Mul(this=exp.Floor(this=scaled), expression=exp.Literal.number(width))


def count_band_edge(column: exp.Expr, prefix: str, count: int) -> exp.Expr:
    """The lower edge of `column`'s band among `count` equal bands between the columns
    ``pb_bounds.<prefix>_lo`` and ``pb_bounds.<prefix>_hi`` (see the module docstring)."""
    lo = exp.column(_ident(f"{prefix}_lo"), table=_ident("pb_bounds"), copy=False)
    hi = exp.column(_ident(f"{prefix}_hi"), table=_ident("pb_bounds"), copy=False)
    n = exp.Literal.number(count)
    span = exp.Paren(this=exp.Sub(this=hi.copy(), expression=lo.copy()))
    scaled = exp.Div(
        this=exp.Mul(
            this=exp.Mul(this=exp.Paren(this=exp.Sub(this=column.copy(), expression=lo.copy())),
                         expression=n.copy()),
            expression=exp.Literal.number("1.0"),
        ),
        expression=span.copy(),
    )
    index = exp.Case(
        ifs=[
            exp.If(this=exp.EQ(this=hi.copy(), expression=lo.copy()),
                   true=exp.Literal.number(0)),
            exp.If(this=exp.GTE(this=column.copy(), expression=hi.copy()),
                   true=exp.Literal.number(count - 1)),
        ],
        default=exp.Floor(this=scaled),
    )
    width = exp.Div(
        this=exp.Mul(this=span, expression=exp.Literal.number("1.0")), expression=n
    )
    return exp.Add(this=lo, expression=exp.Mul(this=index, expression=width))


def _plain(key: exp.Expr, desc: bool, dialect: str) -> exp.Ordered:
    """`key` sorted as the dialect does by default: no NULLS FIRST/LAST (nor sqlglot's
    emulation of it, which MariaDB would need) is written."""
    ordering = Dialect.get_or_raise(dialect).NULL_ORDERING
    nulls_first = (
        False if ordering == "nulls_are_last"
        else desc if ordering == "nulls_are_large"
        else not desc
    )
    return exp.Ordered(this=key, desc=desc, nulls_first=nulls_first)


def window_order(keys: Sequence[tuple[exp.Expr, bool]], dialect: str) -> exp.Order:
    """An ORDER BY for a window: each (key, descending) with NULLs last on every engine."""
    items: list[exp.Expr] = []
    for key, desc in keys:
        case = exp.Case(
            ifs=[exp.If(this=exp.Is(this=key.copy(), expression=exp.Null()),
                        true=exp.Literal.number(1))],
            default=exp.Literal.number(0),
        )
        items.append(_plain(case, False, dialect))
        items.append(_plain(key.copy(), desc, dialect))
    return exp.Order(expressions=items)


def window_measure(
    measure: Measure,
    agg: exp.Expr,
    kind: ColumnType,
    groups: Sequence[Sequence[exp.Expr]],
    field: str,
    dialect: str,
) -> tuple[exp.Expr, ColumnType]:
    """The SQL and type of a `share` or `cumulative` measure over its aggregate `agg`.

    `groups` holds, per dimension, what it groups by: its value, then its `key` if it has one
    (a group is a value *and* a key: two people of one name are two groups)."""
    what = "share" if measure.share else "cumulative"
    allowed = _SHARE_AGGREGATES if measure.share else _CUMULATIVE_AGGREGATES
    if measure.agg not in allowed:
        name = measure.agg or "calculated"
        if measure.share:
            why = (f"a share adds the values of all rows up to a total, which an '{name}' "
                   "measure can't be; use count or sum")
        else:
            why = (f"a running total adds each row's value to the previous ones, which an "
                   f"'{name}' measure can't be (a running average is not the average so far); "
                   "use count or sum")
        raise QueryError(f"Can't make this measure {what}: {why}.", field=f"{field}.{what}",
                         code="invalid_aggregate")
    if measure.share:
        # The spec checked that `within` names the first dimension (QuerySpec._shares_within).
        within = (
            [g.copy() for g in groups[0]] if measure.share_within is not None and groups else None
        )
        total = exp.Window(this=exp.Sum(this=agg.copy()), partition_by=within)
        percent = exp.Mul(this=agg, expression=exp.Literal.number("100.0"))
        share = exp.Div(
            this=percent, expression=exp.Nullif(this=total, expression=exp.Literal.number(0))
        )
        return share, "number"
    if not groups:
        return agg, kind
    running = exp.Window(
        this=exp.Sum(this=agg),
        partition_by=[g.copy() for per_dim in groups[1:] for g in per_dim] or None,
        order=window_order([(g, False) for g in groups[0]], dialect),
        spec=exp.WindowSpec(
            kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW"
        ),
    )
    return running, kind


def _unique(name: str, taken: set[str]) -> str:
    n = 2
    candidate = name
    while candidate.lower() in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate.lower())
    return candidate


def limit_per_alias(spec: QuerySpec) -> str:
    """The output name of the dimension `limit_per` names (by output name or column)."""
    assert spec.limit_per is not None
    wanted = spec.limit_per.lower()
    for dim in spec.dimensions:
        if wanted in (dim.alias.lower(), dim.column.lower()):
            return dim.alias
    names = [dim.alias for dim in spec.dimensions]
    raise QueryError(
        f"'limit_per' must name one of the chosen dimensions"
        f"{' (' + ', '.join(names) + ')' if names else ''}.{did_you_mean(spec.limit_per, names)}",
        field="limit_per",
        code="invalid_query",
    )


def wrap_grouped(
    spec: QuerySpec,
    grouped: exp.Select,
    names: Sequence[str],
    order: list[exp.Ordered],
    outer_conditions: Sequence[exp.Expr],
    taken: set[str],
    dialect: str,
    *,
    derived: bool = False,
    keep: Sequence[exp.Ordered] | None = None,
    keys: Mapping[str, str] | None = None,
) -> exp.Select:
    """`grouped` with its ORDER BY and LIMIT, wrapped as a derived table when a `having` on a
    window measure (`outer_conditions`) or `limit_per` needs it, or when `derived` says so (a
    comparison, whose output names exist only outside it). `names` are every output column of
    `grouped` (marker columns included), kept in order.

    `keep` (with `derived`): the order that decides which rows the limit keeps when it is not
    the order shown, e.g. the latest periods of a comparison, shown oldest first:
    ``SELECT <outputs> FROM (<rows sorted by keep, limited>) AS pb_k ORDER BY <order>``.

    `keys`: the internal name of each keyed dimension's key, by the dimension's output name
    (`plotboard.query.compile.key_names`). When wrapped, `grouped` selects them too: `order`
    may sort by them and `limit_per` ranks within a value *and* its key (the top 3 of each
    person, not of each name); they are not among the outputs."""
    if not outer_conditions and spec.limit_per is None and not derived:
        if order:
            grouped.set("order", exp.Order(expressions=order))
        grouped.set("limit", exp.Limit(expression=exp.Literal.number(spec.limit or MAX_LIMIT)))
        return grouped
    # Column references name their derived table: the check re-reads the SQL and resolves
    # every column, and a bare name inside sqlglot's NULLS LAST emulation on MariaDB (a CASE in
    # the ORDER BY) is not resolved through a derived table.
    def qualified(table: str) -> Callable[[exp.Expr], exp.Expr]:
        def qualify(node: exp.Expr) -> exp.Expr:
            if isinstance(node, exp.Column) and not node.table:
                return exp.column(_ident(node.name), table=_ident(table), copy=False)
            return node

        return qualify

    def at(table: str, nodes: Sequence[exp.Expr]) -> list[exp.Expr]:
        return [n.copy().transform(qualified(table), copy=False) for n in nodes]

    outputs = [exp.column(_ident(name), copy=False) for name in names]
    # The keys travel through the derived tables, for the sorts outside them, and stop at
    # the outermost select list.
    carried = [*outputs, *(exp.column(_ident(k), copy=False) for k in (keys or {}).values())]
    inner = exp.Select(expressions=at("pb_g", outputs if keep is None else carried))
    inner.set("from_", exp.From(this=grouped.subquery(_ident("pb_g"), copy=False)))
    if outer_conditions:
        inner.set("where", exp.Where(this=exp.and_(*at("pb_g", outer_conditions), copy=False)))
    if spec.limit_per is None:
        kept = order if keep is None else keep
        if kept:
            inner.set("order", exp.Order(expressions=at("pb_g", kept)))
        inner.set("limit", exp.Limit(expression=exp.Literal.number(spec.limit or MAX_LIMIT)))
        if keep is None:
            return inner
        shown = exp.Select(expressions=at("pb_k", outputs))
        shown.set("from_", exp.From(this=inner.subquery(_ident("pb_k"), copy=False)))
        if order:
            shown.set("order", exp.Order(expressions=at("pb_k", order)))
        shown.set("limit", exp.Limit(expression=exp.Literal.number(MAX_LIMIT)))
        return shown
    assert spec.limit is not None
    inner.set("expressions", at("pb_g", carried))
    per = limit_per_alias(spec)
    partition = [exp.column(_ident(per), table=_ident("pb_g"), copy=False)]
    if keys and per in keys:
        partition.append(exp.column(_ident(keys[per]), table=_ident("pb_g"), copy=False))
    ranked = order if keep is None else keep
    sort = [(k.this, bool(k.args.get("desc"))) for k in at("pb_g", ranked)]
    rank = exp.Window(
        this=exp.RowNumber(), partition_by=partition, order=window_order(sort, dialect)
    )
    rank_name = _unique("pb_rank", taken)
    inner.append("expressions", exp.alias_(rank, _ident(rank_name), copy=False))
    outer = exp.Select(expressions=at("pb_r", outputs))
    outer.set("from_", exp.From(this=inner.subquery(_ident("pb_r"), copy=False)))
    outer.set(
        "where",
        exp.Where(
            this=exp.LTE(
                this=exp.column(_ident(rank_name), table=_ident("pb_r"), copy=False),
                expression=exp.Literal.number(spec.limit),
            )
        ),
    )
    if order:
        outer.set("order", exp.Order(expressions=at("pb_r", order)))
    outer.set("limit", exp.Limit(expression=exp.Literal.number(MAX_LIMIT)))
    return outer
