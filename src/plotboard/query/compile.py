"""Compiling a query spec into a sqlglot syntax tree for one catalog.

`compile_query` checks the spec against the catalog (tables and columns exist and are
visible, aggregates and grains fit the column types, related tables are reachable along
foreign keys) and builds a `SELECT` tree. Nothing from the spec is pasted into SQL text:
table and column names come from the catalog, and every filter value becomes a named
placeholder (`:p0`, `:p1`, ...) with its value in `CompiledQuery.params`. The only literals
are the validated integer `LIMIT` and the constant pieces of date-grain expressions.

Given the source's `RuleSet`, a dimension that comes through a joined table with an access
rule gets two extra aggregate columns at the end of the SELECT list (see `NullMarker`): the
LEFT JOIN turns the joined rows a rule hides into NULLs, and these columns tell those apart
from genuine NULLs, so an answer can say "not visible to you" instead of "(empty)".
`describe_result` folds them into per-column metadata and drops them from the rows.

The tree is not yet protected by access rules: run it through
`plotboard.access.enforce_access_rules` and `plotboard.access.render_checked`, or simply
call `plotboard.query.prepare.prepare_query`, which does all three and memoizes the result.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from sqlglot import exp

from plotboard.catalog.model import (
    NUMERIC_TYPES,
    TEMPORAL_TYPES,
    Catalog,
    Column,
    ColumnType,
    Table,
)
from plotboard.query.dates import DateRange, RelativeDateError, comparison_range, resolve_relative
from plotboard.query.errors import QueryError, did_you_mean
from plotboard.query.expr import ExprError
from plotboard.query.expr import parse as parse_expr
from plotboard.query.expr_compile import Resolver, compile_measure, compile_row
from plotboard.query.grains import truncate_to_grain
from plotboard.query.joins import JoinStep, find_join_path, steps_from, table_key
from plotboard.query.periods import Step, forward
from plotboard.query.periods import step as period_step
from plotboard.query.scopes import ident as _ident
from plotboard.query.scopes import table_node
from plotboard.query.shapes import bin_lower_edge, count_band_edge, window_measure, wrap_grouped
from plotboard.query.spec import (
    MAX_LIMIT,
    OP_WORDS,
    RELATIVE_DATE_OPS,
    AllOf,
    AnyOf,
    Dimension,
    Filter,
    FilterItem,
    Measure,
    Periods,
    QuerySpec,
    Scalar,
    Without,
    alias_of,
    filter_leaves,
)
from plotboard.sources.kinds import for_dialect as kind_for_dialect

if TYPE_CHECKING:
    # Only a type here: importing it at run time makes `import plotboard.access` circular
    # (access.rules -> query.errors -> query/__init__ -> compile -> access.rules).
    from plotboard.access.rules import RuleSet


@dataclass(frozen=True)
class NullMarker:
    """What a marker column counts for the dimension named `of`, per result row.

    `hidden`: 1 when the row's group holds rows whose joined row (along the dimension's
    foreign-key path) exists but an access rule hides it, else 0. `empty`: 1 when the group
    holds rows whose dimension is NULL for any other reason (a NULL key, a NULL value), else 0.
    """

    of: str
    kind: Literal["hidden", "empty"]


@dataclass(frozen=True)
class ResultColumn:
    """One result column: its output name and generic type.

    Marker columns (`marker` set) come after the measures; they are for `describe_result`
    and are never shown to a user.
    """

    name: str
    type: ColumnType
    marker: NullMarker | None = None
    format: Mapping[str, object] | None = None


@dataclass(frozen=True)
class CompiledQuery:
    """A spec compiled for one catalog, before access rules.

    `params` maps placeholder names to filter values (dates as `datetime.date`, except on
    SQLite where dates are ISO text). `columns` lists dimensions first, then measures, then
    any marker columns (`ResultColumn.marker`).
    `tables` names every table the query reads (`schema.name` when the catalog has schemas).
    """

    expression: exp.Select
    params: Mapping[str, object]
    columns: tuple[ResultColumn, ...]
    tables: tuple[str, ...]
    dialect: str
    notes: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    """What the answer should say about how the spec was read: ``relative_dates`` (which
    dates each relative filter resolved to) and ``compare`` (which periods were compared)."""

    @property
    def visible_columns(self) -> tuple[ResultColumn, ...]:
        """`columns` without the marker columns: what the answer shows."""
        return tuple(c for c in self.columns if c.marker is None)


def _qualified_name(table: Table) -> str:
    return f"{table.schema}.{table.name}" if table.schema else table.name


def lookup_table(catalog: Catalog, ref: str, *, field: str) -> Table:
    """The visible catalog table named `ref` (``name`` or ``schema.name``), or a QueryError."""
    schema, _, name = ref.rpartition(".")
    table = catalog.table(name, schema or None)
    if table is None:
        hint = did_you_mean(name, [t.name for t in catalog.visible_tables()])
        raise QueryError(f"Table '{ref}' does not exist.{hint}", field=field, code="unknown_table")
    if table.hidden:
        raise QueryError(
            f"Table '{ref}' is not available for queries.", field=field, code="hidden_table"
        )
    return table


def lookup_column(table: Table, name: str, *, field: str) -> Column:
    """The visible column `name` of `table`, or a QueryError with a suggestion."""
    column = table.column(name)
    if column is None:
        hint = did_you_mean(name, [c.name for c in table.columns if not c.hidden])
        raise QueryError(
            f"Column '{name}' does not exist in table '{table.name}'.{hint}",
            field=field,
            code="unknown_column",
        )
    if column.hidden:
        raise QueryError(
            f"Column '{name}' of table '{table.name}' is not available for queries.",
            field=field,
            code="hidden_column",
        )
    return column


class _Builder:
    """State while compiling one spec: joined tables, parameters, the dialect.

    `today` and `anchors` (the latest visible date per `anchor: "latest"` filter index) are
    what relative date filters count from; `overrides` replace the range of some filters (the
    compared period of a `compare`). `params` may be shared by the builders of one query.
    """

    def __init__(
        self,
        spec: QuerySpec,
        catalog: Catalog,
        *,
        today: dt.date,
        anchors: Mapping[int, dt.date | None] | None = None,
        params: dict[str, object] | None = None,
        overrides: Mapping[int, DateRange] | None = None,
        base: Table | None = None,
        used_aliases: set[str] | None = None,
    ):
        self.catalog = catalog
        self.dialect = catalog.dialect
        self.base = base or lookup_table(catalog, spec.table, field="table")
        # A `without` subquery's builder shares its parent's aliases, so that its own never
        # shadow the parent's (its link condition names the parent's table).
        self.used_aliases = set() if used_aliases is None else used_aliases
        alias = self.base.name
        n = 2
        while alias.lower() in self.used_aliases:
            alias, n = f"{self.base.name}_{n}", n + 1
        self.used_aliases.add(alias.lower())
        self.aliases: dict[tuple[JoinStep, ...], str] = {(): alias}
        self.spec = spec
        # Tables read by `without` subqueries (for `tables`).
        self.inner_tables: list[str] = []
        self.parent_aliases = None if used_aliases is None else used_aliases
        self.joins: list[exp.Join] = []
        self.params: dict[str, object] = {} if params is None else params
        self.today = today
        self.anchors: Mapping[int, dt.date | None] = anchors or {}
        self.overrides: Mapping[int, DateRange] = overrides or {}
        self.resolved: list[dict[str, Any]] = []
        # Bands of a `{"count": n}` bin: (bounds column prefix, the binned column's SQL).
        self.bounds: list[tuple[str, exp.Expr]] = []
        # Custom columns by lower-cased name: their row-level SQL (placeholders bound once, so
        # every copy reads the same parameters and GROUP BY matches the select list) and type.
        self.custom: dict[str, tuple[exp.Expr, Column]] = {}

    # -- columns and joins -------------------------------------------------------------

    def column(self, ref: str, field: str) -> tuple[exp.Column, Column]:
        """The tree for a spec column reference, joining its table when it is related."""
        col, column, _ = self.resolve(ref, field)
        return col, column

    def value(self, ref: str, field: str) -> tuple[exp.Expr, Column, tuple[JoinStep, ...]]:
        """Like `resolve`, but a custom column's name gives its expression (and no path)."""
        custom = self.custom.get(ref.lower()) if "." not in ref else None
        if custom is not None:
            return custom[0].copy(), custom[1], ()
        return self.resolve(ref, field)

    def expression_resolver(self, field: str) -> Resolver:
        """The `Resolver` for an expression at `field`: custom columns defined so far, then
        catalog columns (joined when related; hidden and unknown ones refused)."""

        def resolve(ref: str, pos: int) -> tuple[exp.Expr, ColumnType]:
            try:
                sql, column, _ = self.value(ref, field)
            except QueryError as err:
                raise ExprError(f"{err.message} (at position {pos + 1})", pos) from None
            return sql, column.type

        return resolve

    def resolve(self, ref: str, field: str) -> tuple[exp.Column, Column, tuple[JoinStep, ...]]:
        """Like `column`, plus the foreign-key path that reaches the column's table."""
        table_ref, _, name = ref.rpartition(".")
        table = self.base
        path: tuple[JoinStep, ...] = ()
        if table_ref:
            target = lookup_table(self.catalog, table_ref, field=field)
            path = find_join_path(self.catalog, self.base, target, field=field)
            table = target
        column = lookup_column(table, name, field=field)
        alias = self._join(path)
        return exp.column(_ident(column.name), table=_ident(alias), copy=False), column, path

    def hidden_join(self, path: tuple[JoinStep, ...], rules: RuleSet) -> exp.Expr | None:
        """True for a row whose joined row is missing along `path` only because an access rule
        hides it: at a step into a ruled table, the key is set but no row matched. None when
        no table on the path has a rule.

        A NULL key is a genuine "no related row"; a key pointing nowhere on a table without
        rules is a broken reference, not a hidden row: neither counts.
        """
        tests = []
        for i, step in enumerate(path):
            if rules.for_table(step.target) is None:
                continue
            source, target = self.aliases[path[:i]], self.aliases[path[: i + 1]]
            key_set = [
                exp.Not(this=_is_null(exp.column(_ident(c), table=_ident(source), copy=False)))
                for c in step.fk.columns
            ]
            missing = _is_null(
                exp.column(_ident(step.fk.ref_columns[0]), table=_ident(target), copy=False)
            )
            tests.append(exp.and_(*key_set, missing, copy=False))
        return exp.or_(*tests, copy=False) if tests else None

    def _join(self, path: tuple[JoinStep, ...]) -> str:
        if path in self.aliases:
            return self.aliases[path]
        parent_alias = self._join(path[:-1])
        step = path[-1]
        alias = step.target.name
        n = 2
        while alias.lower() in self.used_aliases:
            alias, n = f"{step.target.name}_{n}", n + 1
        self.used_aliases.add(alias.lower())
        self.aliases[path] = alias
        on = exp.and_(
            *(
                exp.EQ(
                    this=exp.column(_ident(src_col), table=_ident(parent_alias), copy=False),
                    expression=exp.column(_ident(ref_col), table=_ident(alias), copy=False),
                )
                for src_col, ref_col in zip(step.fk.columns, step.fk.ref_columns, strict=True)
            ),
            copy=False,
        )
        self.joins.append(exp.Join(this=self.node(step.target, alias), on=on, side="LEFT"))
        return alias

    def tables(self) -> tuple[str, ...]:
        joined = [path[-1].target for path in self.aliases if path]
        seen: dict[tuple[str, str], str] = {}
        for table in (self.base, *joined):
            seen.setdefault(table_key(table), _qualified_name(table))
        return tuple(dict.fromkeys((*seen.values(), *self.inner_tables)))

    def from_(self) -> exp.From:
        """The FROM of the builder's base table (aliased when a parent query took its name)."""
        return exp.From(this=self.node(self.base, self.aliases[()]))

    def node(self, table: Table, alias: str) -> exp.Expr:
        """A table read under `alias`. In a `without` subquery, a table renamed because the
        outer query reads it under its own name is a derived table, ``(SELECT * FROM t) AS
        t_2``: some engines (ClickHouse) still resolve ``t.x`` to an aliased table, which
        would tie the link condition to the inner row instead of the outer one."""
        if alias == table.name or self.parent_aliases is None:
            return table_node(table, alias)
        inner = exp.Select(expressions=[exp.Star()])
        inner.set("from_", exp.From(this=table_node(table)))
        return inner.subquery(_ident(alias), copy=False)

    # -- parameters ----------------------------------------------------------------------

    def param(self, value: object) -> exp.Placeholder:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return exp.Placeholder(this=name)

    def coerce(self, value: Scalar, column: Column, field: str) -> object:
        """`value` converted to what the driver should bind for `column`."""
        kind = column.type
        if kind in NUMERIC_TYPES:
            if isinstance(value, bool):
                raise _bad_value(column, "a number", field)
            if isinstance(value, int | float):
                return value
            try:
                return int(value) if value.strip().lstrip("-").isdigit() else float(value)
            except ValueError:
                raise _bad_value(column, "a number", field) from None
        if kind == "boolean":
            if not isinstance(value, bool):
                raise _bad_value(column, "true or false", field)
            return value
        if kind in TEMPORAL_TYPES:
            return self._temporal(value, kind, column, field)
        if isinstance(value, bool):
            raise _bad_value(column, "text", field)
        return str(value) if kind == "string" else value

    def _temporal(self, value: Scalar, kind: str, column: Column, field: str) -> object:
        if not isinstance(value, str):
            raise _bad_value(column, "a date like 2024-01-31", field)
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise _bad_value(column, "a date like 2024-01-31", field) from None
        # A kind that stores dates as ISO text (SQLite) compares them as text.
        as_text = kind_for_dialect(self.dialect).dates_as_text
        if kind == "date":
            day = moment.date()
            return day.isoformat() if as_text else day
        return moment.isoformat(sep=" ") if as_text else moment


def _is_null(expr: exp.Expr) -> exp.Is:
    return exp.Is(this=expr, expression=exp.Null())


def _flag(condition: exp.Expr) -> exp.Expr:
    """``MAX(CASE WHEN condition THEN 1 ELSE 0 END)``: 1 when any row of the group matches."""
    return exp.Max(this=_row_flag(condition))


def _list_flag(condition: exp.Expr) -> exp.Expr:
    """``MAX(CASE WHEN condition THEN 1 ELSE 0 END) OVER ()``: 1 on every row when any row
    of the whole result (before LIMIT and OFFSET) matches."""
    return exp.Window(this=_flag(condition))


def _row_flag(condition: exp.Expr) -> exp.Expr:
    """``CASE WHEN condition THEN 1 ELSE 0 END``: 1 when this row matches."""
    return exp.Case(
        ifs=[exp.If(this=condition, true=exp.Literal.number(1))],
        default=exp.Literal.number(0),
    )


def label(column: Column) -> str:
    """A column as the builder and the chat name it: its display name, else its name in words
    (``unit_price`` -> "Unit price"), between quotes. Refusals a user reads say this, never
    the spec's key; the key is in the error's `field`."""
    words = column.display_name or re.sub(r"[_\-.]+", " ", column.name).strip() or column.name
    return f"“{words[:1].upper()}{words[1:]}”"


def _op_words(op: str) -> str:
    """A filter condition as the filter row says it: 'last' -> “in the last”."""
    return f"“{OP_WORDS.get(op, op)}”"


_AGG_HEADS = {"count": "Number of", "count_distinct": "Distinct", "sum": "Total",
              "avg": "Average", "min": "Lowest", "max": "Highest"}


def measure_label(spec: QuerySpec, measure: Measure, catalog: Catalog) -> str:
    """A measure as the builder names it: “Total amount”, “Number of sales”; a calculation
    by its name."""
    if measure.expr is not None or measure.agg is None:
        return f"“{measure.alias}”"
    if measure.column is None:
        table = catalog.table(spec.table.rpartition(".")[2])
        name = (table.display_name if table else None) or spec.table.replace("_", " ")
        return f"“Number of {name.lower()}”"
    table_ref, _, name = measure.column.rpartition(".")
    table = catalog.table((table_ref or spec.table).rpartition(".")[2])
    column = (table.column(name) if table else None) or Column(name, "other")
    return f"“{_AGG_HEADS[measure.agg]} {label(column)[1:-1].lower()}”"


def _bad_value(column: Column, expected: str, field: str) -> QueryError:
    return QueryError(
        f"{label(column)} holds {_TYPE_WORDS.get(column.type, 'values')}, "
        f"so the filter value must be {expected}.",
        field=field,
        code="invalid_filter",
    )


_TYPE_WORDS = {
    "string": "text",
    "integer": "whole numbers",
    "number": "numbers",
    "boolean": "true/false values",
    "date": "dates",
    "datetime": "dates and times",
}

_COMPARISONS: dict[str, type[exp.Binary]] = {
    "eq": exp.EQ,
    "neq": exp.NEQ,
    "gt": exp.GT,
    "gte": exp.GTE,
    "lt": exp.LT,
    "lte": exp.LTE,
}
_ORDERED_TYPES = NUMERIC_TYPES | TEMPORAL_TYPES | {"string"}
_LIKE_ESCAPE = "!"


def _like_pattern(text: str, op: str) -> str:
    for char in (_LIKE_ESCAPE, "%", "_"):
        text = text.replace(char, _LIKE_ESCAPE + char)
    return f"%{text}%" if op == "contains" else f"{text}%"


def _filter(
    builder: _Builder, item: FilterItem, index: int, field: str | None = None
) -> exp.Expr:
    """A `filters` entry's condition: `index` is its top-level position (a compared period's
    range and a latest date are per top-level filter), `field` its spec key when nested."""
    if isinstance(item, Filter):
        return _condition(builder, item, index, field or f"filters[{index}]")
    at = field or f"filters[{index}]"
    if isinstance(item, AnyOf | AllOf):
        key, parts, join = (
            ("any", item.any, exp.or_) if isinstance(item, AnyOf) else ("all", item.all, exp.and_)
        )
        tests = [
            exp.Paren(this=_filter(builder, part, index, f"{at}.{key}[{i}]"))
            for i, part in enumerate(parts)
        ]
        return exp.Paren(this=join(*tests, copy=False)) if len(tests) > 1 else tests[0]
    return _without(builder, item, at)


def _link_path(catalog: Catalog, related: Table, base: Table, field: str) -> tuple[JoinStep, ...]:
    """The catalog's foreign-key path from `related` to `base` (the way a related row points
    at a row of `base`); for a table that points at itself, its one key to itself."""
    said = f"“{base.name} with no {related.name}”"
    if table_key(related) == table_key(base):
        steps = [s for s in steps_from(catalog, related) if table_key(s.target) == table_key(base)]
        if len(steps) == 1:
            return (steps[0],)
        raise QueryError(
            f"Table '{base.name}' has {'no key' if not steps else 'more than one key'} "
            f"pointing at itself, so {said} can't be asked.",
            field=f"{field}.without",
            code="no_join_path" if not steps else "ambiguous_join",
        )
    try:
        return find_join_path(catalog, related, base, field=f"{field}.without")
    except QueryError as err:
        if err.code == "ambiguous_join":
            raise QueryError(
                f"Table '{related.name}' is linked to '{base.name}' in more than one way, so "
                f"{said} can't be asked.",
                field=f"{field}.without",
                code="ambiguous_join",
            ) from None
        hint = ""
        try:
            forward = find_join_path(catalog, base, related)
        except QueryError:
            forward = ()
        if len(forward) == 1:
            key = " ".join(forward[0].fk.columns).replace("_", " ")
            hint = (
                f" For {base.name} without a linked {related.name} row, filter on “{key}” "
                "being empty."
            )
        raise QueryError(
            f"Table '{related.name}' has no key pointing at '{base.name}', so {said} can't be "
            f"asked.{hint}",
            field=f"{field}.without",
            code="no_join_path",
        ) from None


def _without(builder: _Builder, item: Without, field: str) -> exp.Expr:
    """``NOT EXISTS (SELECT 1 FROM <related> [JOIN ... along the path] WHERE <link> AND
    <where>)``: no row of the related table points at this row along the catalog's
    foreign-key path. The subquery reads the base table itself, so the access rules rewrite it
    like every other reference: only the related rows the user may see count."""
    related = lookup_table(builder.catalog, item.without, field=f"{field}.without")
    path = _link_path(builder.catalog, related, builder.base, field)
    sub = _Builder(
        builder.spec,
        builder.catalog,
        today=builder.today,
        params=builder.params,
        base=related,
        used_aliases=builder.used_aliases,
    )
    last = path[-1]
    holder = sub._join(path[:-1])
    outer = builder.aliases[()]
    conditions = [
        _filter(sub, part, -1, f"{field}.where[{i}]") for i, part in enumerate(item.where)
    ]
    select = exp.Select()
    select.set("from_", sub.from_())
    if sub.joins:
        select.set("joins", sub.joins)
    builder.inner_tables.extend(sub.tables())

    def inner(name: str) -> exp.Column:
        return exp.column(_ident(name), table=_ident(holder), copy=False)

    def mine(name: str) -> exp.Column:
        return exp.column(_ident(name), table=_ident(outer), copy=False)

    if len(last.fk.columns) == 1:
        # One key column: ``(key IS NULL OR key NOT IN (SELECT fk FROM ... WHERE fk IS NOT
        # NULL AND ...))``, a subquery that does not depend on the row, so every engine runs it
        # once (a correlated NOT EXISTS over a rule's fenced subquery is read again for each
        # row on SQLite). Same rows as NOT EXISTS: NULL keys are no link either way.
        fk, key = last.fk.columns[0], last.fk.ref_columns[0]
        select.set("expressions", [inner(fk)])
        linked = exp.Not(this=_is_null(inner(fk)))
        select.set("where", exp.Where(this=exp.and_(linked, *conditions, copy=False)))
        outside = exp.Not(this=exp.In(this=mine(key), query=select.subquery(copy=False)))
        return exp.Paren(this=exp.or_(_is_null(mine(key)), outside, copy=False))
    link = [
        exp.EQ(this=inner(src), expression=mine(ref))
        for src, ref in zip(last.fk.columns, last.fk.ref_columns, strict=True)
    ]
    select.set("expressions", [exp.Literal.number(1)])
    select.set("where", exp.Where(this=exp.and_(*link, *conditions, copy=False)))
    return exp.Not(this=exp.Exists(this=select))


def _condition(builder: _Builder, spec_filter: Filter, index: int, field: str) -> exp.Expr:
    col, column, _ = builder.value(spec_filter.column, f"{field}.column")
    op, value, where = spec_filter.op, spec_filter.value, f"{field}.value"
    top = field == f"filters[{index}]"
    override = builder.overrides.get(index) if top else None
    if override is not None:
        return _range_condition(builder, override, col, column, field)
    if op in RELATIVE_DATE_OPS:
        return _relative_filter(builder, spec_filter, index, col, column, field)
    assert not isinstance(value, Periods)
    if op == "is_null":
        return exp.Is(this=col, expression=exp.Null())
    if op == "is_not_null":
        return exp.Not(this=exp.Is(this=col, expression=exp.Null()))
    if op in ("contains", "starts_with"):
        if column.type not in ("string", "other"):
            raise QueryError(
                f"{label(column)} is not text, so {_op_words(op)} can't be used on it.",
                field=f"{field}.op",
                code="invalid_filter",
            )
        assert isinstance(value, str)
        like = exp.Like(
            this=exp.Lower(this=col),
            expression=exp.Lower(this=builder.param(_like_pattern(value, op))),
        )
        return exp.Escape(this=like, expression=exp.Literal.string(_LIKE_ESCAPE))
    if op in ("gt", "gte", "lt", "lte", "between") and column.type not in _ORDERED_TYPES:
        raise QueryError(
            f"{label(column)} can't be compared with {_op_words(op)}; use “is” or “is not”.",
            field=f"{field}.op",
            code="invalid_filter",
        )
    if op in ("in", "not_in"):
        assert isinstance(value, list)
        items = [builder.param(builder.coerce(v, column, where)) for v in value]
        test = exp.In(this=col, expressions=items)
        return exp.Not(this=test) if op == "not_in" else test
    if op == "between":
        assert isinstance(value, list)
        low, high = (builder.param(builder.coerce(v, column, where)) for v in value)
        return exp.Between(this=col, low=low, high=high)
    assert value is not None and not isinstance(value, list)
    return _COMPARISONS[op](
        this=col, expression=builder.param(builder.coerce(value, column, where))
    )


def today_utc() -> dt.date:
    """Today's date in UTC: the anchor day of relative date filters when no organization time
    zone is given (`prepare_query(today=...)`). `prepare_query` keys its memo on the anchor
    day, so a cached query never serves yesterday's range after midnight.
    """
    return dt.datetime.now(dt.UTC).date()


def _range_condition(
    builder: _Builder, found: DateRange, col: exp.Expr, column: Column, field: str
) -> exp.Expr:
    """``col >= :start AND col < :end``."""
    low, high = (
        builder.param(builder.coerce(day.isoformat(), column, f"{field}.value"))
        for day in (found.start, found.end)
    )
    return exp.and_(
        exp.GTE(this=col.copy(), expression=low), exp.LT(this=col, expression=high), copy=False
    )


def _relative_range(
    builder: _Builder, spec_filter: Filter, index: int, column: Column, field: str | None = None
) -> tuple[DateRange | None, dt.date | None]:
    """The range of a relative filter and its anchor day; no range when the filter is anchored
    to the latest date and the user sees no dates at all."""
    field = field or f"filters[{index}]"
    if column.type not in TEMPORAL_TYPES:
        raise QueryError(
            f"{label(column)} is not a date, so {_op_words(spec_filter.op)} can't be used "
            "on it.",
            field=f"{field}.op",
            code="invalid_filter",
        )
    anchor: dt.date | None = builder.today
    if spec_filter.anchor == "latest":
        # Without the latest date (compile_query called to validate a spec) today stands in;
        # prepare_query refuses to run such a spec without it.
        anchor = builder.anchors.get(index, builder.today) if builder.anchors else builder.today
    if anchor is None:
        return None, None
    try:
        found = resolve_relative(
            spec_filter.op,
            value.model_dump() if isinstance(value := spec_filter.value, Periods) else value,
            anchor,
            include_current=spec_filter.include_current,
        )
    except RelativeDateError as err:
        raise QueryError(str(err), field=f"{field}.value", code="invalid_filter") from None
    return found, anchor


def _relative_filter(
    builder: _Builder,
    spec_filter: Filter,
    index: int,
    col: exp.Expr,
    column: Column,
    field: str | None = None,
) -> exp.Expr:
    """``col >= :start AND col < :end``, the half-open range a relative filter stands for
    (``1 = 0`` when it is anchored to the latest date and the user sees none). One inside a
    group says where (``"at": "filters[0].any[1]"``)."""
    field = field or f"filters[{index}]"
    found, anchor = _relative_range(builder, spec_filter, index, column, field)
    note: dict[str, Any] = {
        "filter": index,
        "column": spec_filter.column,
        "anchor": spec_filter.anchor or "today",
        "anchor_date": anchor.isoformat() if anchor else None,
    }
    if field != f"filters[{index}]":
        note["at"] = field
    if found is None:
        builder.resolved.append({**note, "from": None, "to": None})
        return exp.EQ(this=exp.Literal.number(1), expression=exp.Literal.number(0))
    builder.resolved.append({**note, **found.as_json()})
    return _range_condition(builder, found, col, column, field)


def _filter_range(builder: _Builder, spec_filter: Filter, index: int) -> DateRange | None:
    """The dates a filter keeps, when it is a relative date filter or a `between` of two
    dates on a date column; else None."""
    _, column, _ = builder.value(spec_filter.column, f"filters[{index}].column")
    if spec_filter.op in RELATIVE_DATE_OPS:
        return _relative_range(builder, spec_filter, index, column)[0]
    value = spec_filter.value
    if spec_filter.op != "between" or column.type != "date" or not isinstance(value, list):
        return None
    try:
        low, high = (dt.date.fromisoformat(str(v).strip()) for v in value)
    except ValueError:
        return None
    return DateRange(low, high + dt.timedelta(days=1)) if low <= high else None


def _measure_type(agg: str, column: Column | None) -> ColumnType:
    if column is None or agg in ("count", "count_distinct"):
        return "integer"
    if agg == "avg" or (agg == "sum" and column.type != "integer"):
        return "number"
    return column.type


_VALUE_TYPES: dict[str, ColumnType] = {
    "number": "number",
    "string": "string",
    "boolean": "boolean",
    "date": "date",
}


def _expression_error(err: ExprError, field: str) -> QueryError:
    """An expression's error: code `invalid_expression`, its `position` 1-based (as the
    message says it), the field the expression is in."""
    position = None if err.position is None else err.position + 1
    return QueryError(err.message, field=field, code="invalid_expression", position=position)


def _custom_columns(builder: _Builder, spec: QuerySpec) -> None:
    """Compile `spec.columns` in order; each may use catalog columns and the earlier ones."""
    for i, custom in enumerate(spec.columns):
        field = f"columns[{i}].expr"
        if builder.base.column(custom.name) is not None:
            raise QueryError(
                f"The custom column '{custom.name}' has the name of a column of table "
                f"'{builder.base.name}'; give it another name.",
                field=f"columns[{i}].name",
                code="duplicate_alias",
            )
        try:
            typed = compile_row(
                parse_expr(custom.expr),
                builder.expression_resolver(field),
                builder.dialect,
                builder.param,
            )
        except ExprError as err:
            raise _expression_error(err, field) from None
        kind = _VALUE_TYPES.get(typed.type, "other")
        builder.custom[custom.name.lower()] = (typed.sql, Column(custom.name, kind))


def _measure(builder: _Builder, measure: Measure, field_name: str) -> tuple[exp.Expr, ColumnType]:
    """A measure's aggregate SQL and type (before share/cumulative)."""
    if measure.expr is not None:
        field = f"{field_name}.expr"
        try:
            typed = compile_measure(
                parse_expr(measure.expr),
                builder.expression_resolver(field),
                builder.dialect,
                builder.param,
            )
        except ExprError as err:
            raise _expression_error(err, field) from None
        return typed.sql, _VALUE_TYPES.get(typed.type, "other")
    assert measure.agg is not None
    if measure.column is None:
        return exp.Count(this=exp.Star()), "integer"
    col, measured, _ = builder.value(measure.column, f"{field_name}.column")
    if measure.agg in ("sum", "avg") and measured.type not in NUMERIC_TYPES:
        raise QueryError(
            f"{label(measured)} does not hold numbers, so it can't be "
            f"{'summed' if measure.agg == 'sum' else 'averaged'}. "
            "Pick a number column, or count the rows instead.",
            field=f"{field_name}.agg",
            code="invalid_aggregate",
        )
    if measure.agg in ("min", "max") and measured.type == "boolean":
        raise QueryError(
            f"{label(measured)} holds true/false values; count them instead.",
            field=f"{field_name}.agg",
            code="invalid_aggregate",
        )
    return _AGGREGATES[measure.agg](col), _measure_type(measure.agg, measured)


def _dimension_key(
    builder: _Builder, dim: Dimension, field_name: str
) -> exp.Expr | None:
    """The SQL of a dimension's `key` (grouped by, never shown); None without a key, or when
    the key is the shown column itself.

    The key is looked up like any column (unknown, hidden: the same refusal as when reading
    it), and must sit on the same table as the shown column, reached along the same joins: a
    key elsewhere would not tell apart the rows the label names."""
    if dim.key is None:
        return None
    col, column, path = builder.value(dim.column, f"{field_name}.column")
    key_sql, key, key_path = builder.value(dim.key, f"{field_name}.key")
    if key_path != path:
        where = path[-1].target if path else builder.base
        own = where.primary_key[0] if len(where.primary_key) == 1 else None
        prefix = dim.column.rpartition(".")[0] if path else ""
        ref = f"{prefix}.{own}" if prefix else own
        hint = f" such as '{ref}'" if ref else ""
        held = (
            f"a column of '{key_path[-1].target.name}'" if key_path
            else "a new column" if builder.custom.get(dim.key.lower()) is not None
            else f"a column of '{builder.base.name}'"
        )
        raise QueryError(
            f"The key of the breakdown {label(column)} must be a column of the same table "
            f"('{where.name}'), so that it tells apart the rows each name stands for: "
            f"{label(key)} is {held}. Pick a column of '{where.name}'{hint}, or remove the "
            "key.",
            field=f"{field_name}.key",
            code="invalid_query",
        )
    if key_sql == col:
        return None
    return key_sql


def _dimension(
    builder: _Builder, dim: Dimension, field_name: str
) -> tuple[exp.Expr, ColumnType, exp.Expr, tuple[JoinStep, ...]]:
    """A dimension's SQL and type, plus its column's SQL and join path."""
    col, column, path = builder.value(dim.column, f"{field_name}.column")
    if dim.grain:
        if column.type not in TEMPORAL_TYPES:
            raise QueryError(
                f"{label(column)} is not a date, so it can't be grouped by {dim.grain}.",
                field=f"{field_name}.grain",
                code="invalid_grain",
            )
        return truncate_to_grain(col, dim.grain, builder.dialect), "date", col, path
    if dim.bin is not None:
        if column.type not in NUMERIC_TYPES:
            raise QueryError(
                f"{label(column)} does not hold numbers, so it can't be cut into bands.",
                field=f"{field_name}.bin",
                code="invalid_grain",
            )
        if dim.bin.count is not None:
            prefix = f"pb_b{len(builder.bounds)}"
            builder.bounds.append((prefix, col.copy()))
            return count_band_edge(col, prefix, dim.bin.count), "number", col, path
        assert dim.bin.width is not None
        return bin_lower_edge(col, dim.bin.width), "number", col, path
    return col, column.type, col, path


def compile_query(
    spec: QuerySpec,
    catalog: Catalog,
    *,
    rules: RuleSet | None = None,
    today: dt.date | None = None,
    anchors: Mapping[int, dt.date | None] | None = None,
) -> CompiledQuery:
    """Compile `spec` against `catalog` into a `CompiledQuery`.

    With the source's `rules`, dimensions reached through a joined table that has a rule get
    marker columns (see the module docstring); the rules themselves are not applied here.
    `today` is the anchor day of relative date filters (UTC's today by default); `anchors`
    gives, per index of a filter anchored to ``"latest"``, the latest date of its column the
    user can see (None when they see none; `plotboard.query.latest` finds them). Without
    `anchors`, today stands in (enough to validate a spec, not to run it).

    Raises:
        QueryError: unknown or hidden table/column, an aggregate or grain that does not fit
            the column type, a filter value of the wrong type, an unreachable or ambiguous
            related table, an expression that does not parse or check (with its position), a
            comparison without a period to compare, or a sort key that is not one of the
            output names.
    """
    day = today or today_utc()
    builder = _Builder(spec, catalog, today=day, anchors=anchors)
    _custom_columns(builder, spec)
    if spec.select:
        return _detail_query(builder, spec, rules)
    if spec.compare is not None:
        return _compare_query(builder, spec, catalog, rules, day, anchors)
    grouped = _grouped(builder, spec, rules, tuple(spec.measures))
    order = _order(spec)
    inner_having, outer_having = _having(builder, spec, grouped.columns, grouped.plain)
    select = grouped.select
    if inner_having:
        select.set("having", exp.Having(this=exp.and_(*inner_having, copy=False)))
    names = [c.name for c in grouped.columns]
    if outer_having or spec.limit_per is not None:
        grouped.project_keys()  # the query around it sorts and ranks by them, then drops them
    else:
        order = grouped.keys_in_order(order)
    query = wrap_grouped(spec, select, names, order, outer_having, grouped.taken, builder.dialect,
                         keys=key_names(spec))
    return CompiledQuery(
        expression=query,
        params=MappingProxyType(builder.params),
        columns=tuple(grouped.columns),
        tables=builder.tables(),
        dialect=catalog.dialect,
        notes=_notes(builder),
    )


def _notes(builder: _Builder, compare: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    notes: dict[str, Any] = {}
    if builder.resolved:
        notes["relative_dates"] = builder.resolved
    if compare is not None:
        notes["compare"] = compare
    return MappingProxyType(notes)


@dataclass
class _Grouped:
    """A grouped SELECT (no HAVING, ORDER BY or LIMIT yet) and what it outputs.

    `keys` are the dimensions' keys: (internal name, SQL), grouped by but not in the select
    list; `project_keys` adds them there when a query wrapped around this one sorts or ranks
    by them (see `key_names`)."""

    select: exp.Select
    columns: list[ResultColumn]
    plain: dict[str, exp.Expr]  # plain (not window) measures' SQL by lower-cased output name
    taken: set[str]  # lower-cased output names, markers included
    keys: list[tuple[str, exp.Expr]] = field(default_factory=list)

    def project_keys(self) -> None:
        for name, sql in self.keys:
            self.select.append("expressions", exp.alias_(sql.copy(), _ident(name), copy=False))

    def keys_in_order(self, order: Sequence[exp.Ordered]) -> list[exp.Ordered]:
        """`order` sorting by each key's own SQL instead of its internal name: for the grouped
        query itself, whose select list leaves the keys out."""
        by_name = {name: sql for name, sql in self.keys}

        def swap(node: exp.Expr) -> exp.Expr:
            if isinstance(node, exp.Column) and not node.table and node.name in by_name:
                return by_name[node.name].copy()
            return node

        swapped = [o.transform(swap, copy=True) for o in order]
        return [o for o in swapped if isinstance(o, exp.Ordered)]


def key_names(spec: QuerySpec) -> dict[str, str]:
    """The internal name of each keyed dimension's key, by the dimension's output name:
    ``pb_key_<i>`` (i: the dimension's index), changed when an output name already has it.
    Keys are only ever columns of derived tables inside the query, never of the answer."""
    taken = {alias.lower() for alias in spec.aliases}
    names: dict[str, str] = {}
    for i, dim in enumerate(spec.dimensions):
        if dim.key is None or dim.key.lower() == dim.column.lower():
            continue
        name = f"pb_key_{i}"
        while name.lower() in taken:
            name += "_"
        taken.add(name.lower())
        names[dim.alias] = name
    return names


def _grouped(
    builder: _Builder,
    spec: QuerySpec,
    rules: RuleSet | None,
    measures: Sequence[Measure],
    shift: tuple[int, Step] | None = None,
) -> _Grouped:
    """The grouped SELECT of `spec` with these `measures`; `shift` moves the date dimension
    at that index forward by a step (the previous periods of a comparison)."""
    projections: list[exp.Expr] = []
    groups: list[list[exp.Expr]] = []  # per dimension: its value, then its key if any
    columns: list[ResultColumn] = []
    markers: list[tuple[ResultColumn, exp.Expr]] = []
    keys: list[tuple[str, exp.Expr]] = []
    named = key_names(spec)

    for i, dim in enumerate(spec.dimensions):
        field_name = f"dimensions[{i}]"
        expr, kind, col, path = _dimension(builder, dim, field_name)
        groups.append([expr.copy()])
        key = _dimension_key(builder, dim, field_name)
        if key is not None and dim.alias in named:
            groups[-1].append(key.copy())
            keys.append((named[dim.alias], key))
        if shift is not None and shift[0] == i:
            expr = forward(expr, shift[1], builder.dialect)
        projections.append(exp.alias_(expr, _ident(dim.alias), copy=False))
        columns.append(ResultColumn(dim.alias, kind))
        hidden = builder.hidden_join(path, rules) if rules else None
        if hidden is not None:
            markers.extend(_null_markers(hidden, col, dim.alias, i, _flag))

    plain: dict[str, exp.Expr] = {}
    for measure in measures:
        field_name = f"measures[{spec.measures.index(measure)}]"
        agg, kind = _measure(builder, measure, field_name)
        if measure.share or measure.cumulative:
            agg, kind = window_measure(measure, agg, kind, groups, field_name, builder.dialect)
        else:
            plain[measure.alias.lower()] = agg
        projections.append(exp.alias_(agg, _ident(measure.alias), copy=False))
        fmt = measure.format.model_dump(exclude_none=True) if measure.format else None
        columns.append(ResultColumn(measure.alias, kind, format=fmt))

    taken = {alias.lower() for alias in spec.aliases}
    _add_markers(markers, taken, projections, columns)

    conditions = [_filter(builder, f, i) for i, f in enumerate(spec.filters)]
    select = exp.Select(expressions=projections)
    select.set("from_", exp.From(this=table_node(builder.base)))
    joins = list(builder.joins)
    if builder.bounds:
        joins.append(_bounds_join(builder, conditions))
    if joins:
        select.set("joins", joins)
    if conditions:
        select.set("where", exp.Where(this=exp.and_(*conditions, copy=False)))
    group = [g for per_dim in groups for g in per_dim]
    if group:
        select.set("group", exp.Group(expressions=group))
    return _Grouped(select, columns, plain, taken, keys)


def _bounds_join(builder: _Builder, conditions: Sequence[exp.Expr]) -> exp.Join:
    """``CROSS JOIN (SELECT MIN(x) AS pb_b0_lo, MAX(x) AS pb_b0_hi ... FROM <same tables>
    WHERE <same filters>) AS pb_bounds``: the range each `{"count": n}` bin divides, over the
    rows the query reads (the access rules rewrite its tables like every other)."""
    outputs: list[exp.Expr] = []
    for prefix, col in builder.bounds:
        outputs.append(exp.alias_(exp.Min(this=col.copy()), _ident(f"{prefix}_lo"), copy=False))
        outputs.append(exp.alias_(exp.Max(this=col.copy()), _ident(f"{prefix}_hi"), copy=False))
    bounds = exp.Select(expressions=outputs)
    bounds.set("from_", exp.From(this=table_node(builder.base)))
    if builder.joins:
        bounds.set("joins", [j.copy() for j in builder.joins])
    if conditions:
        bounds.set("where", exp.Where(this=exp.and_(*(c.copy() for c in conditions), copy=False)))
    return exp.Join(this=bounds.subquery(_ident("pb_bounds"), copy=False), kind="CROSS")


def _null_safe_eq(left: exp.Expr, right: exp.Expr) -> exp.Expr:
    both_null = exp.and_(_is_null(left.copy()), _is_null(right.copy()), copy=False)
    return exp.Paren(this=exp.or_(exp.EQ(this=left, expression=right), both_null, copy=False))


def _compare_query(
    builder: _Builder,
    spec: QuerySpec,
    catalog: Catalog,
    rules: RuleSet | None,
    today: dt.date,
    anchors: Mapping[int, dt.date | None] | None,
) -> CompiledQuery:
    """A period comparison (`spec.compare`, see `plotboard.query.spec.Compare`): the grouped
    query of the current period LEFT JOINed to the grouped query of the compared one.

    ``SELECT c.<dims>, c.<measures>, p.<m> AS <m>_previous, c.<m> - p.<m> AS <m>_change,
    (c.<m> - p.<m>) * 100.0 / NULLIF(p.<m>, 0) AS <m>_change_pct FROM (<current>) AS pb_cur
    LEFT JOIN (<previous>) AS pb_prev ON <same dimensions>``, then filtered by `having`,
    sorted and cut in a query around it. Both grouped queries read the base tables, which the
    access rules rewrite, so every value is computed over the user's rows.
    """
    assert spec.compare is not None
    to = spec.compare.to
    for i, dim in enumerate(spec.dimensions):
        if dim.bin is not None and dim.bin.count is not None:
            raise QueryError(
                "A comparison can't use bands by count (each period would get its own bands); "
                "use a band width.",
                field=f"dimensions[{i}].bin",
                code="invalid_query",
            )
    overrides: dict[int, DateRange] = {}
    shift: tuple[int, Step] | None = None
    grain_at = next((i for i, d in enumerate(spec.dimensions) if d.grain), None)
    note: dict[str, Any] = {"to": to}
    if grain_at is not None:
        dim = spec.dimensions[grain_at]
        assert dim.grain is not None
        by = period_step(to, dim.grain)
        shift = (grain_at, by)
        note.update({"by": dim.alias, "step": by.describe()})
        _no_grouped_period(spec, dim.column)
        for i, spec_filter in enumerate(spec.filters):
            if not isinstance(spec_filter, Filter):
                continue
            if spec_filter.column.lower() != dim.column.lower():
                continue
            found = _filter_range(builder, spec_filter, i)
            if found is not None:
                overrides[i] = DateRange(by.back(found.start), by.back(found.end))
                if "current" not in note:
                    # The periods weighed, as without a breakdown: a chart of 2025's months
                    # against 2024's names its series by their years.
                    note.update({"column": spec_filter.column, "current": found.as_json(),
                                 "previous": overrides[i].as_json()})
    else:
        for i, spec_filter in enumerate(spec.filters):
            if not isinstance(spec_filter, Filter):
                continue
            found = _filter_range(builder, spec_filter, i)
            if found is not None:
                _no_grouped_period(spec, spec_filter.column)
            if found is None and spec_filter.op in RELATIVE_DATE_OPS:
                # Anchored to the latest date of a user who sees none: no rows in either
                # period (the filter compiles to 1 = 0 in both).
                note.update({"column": spec_filter.column, "current": None, "previous": None})
                break
            if found is not None:
                earlier = comparison_range(found, to)
                overrides[i] = earlier
                note.update({"column": spec_filter.column, "current": found.as_json(),
                             "previous": earlier.as_json()})
                break
        else:
            raise QueryError(
                "A comparison needs a period: add a dimension with a date grain (e.g. "
                "{\"column\": \"sale_date\", \"grain\": \"month\"}) or a relative date filter "
                "(e.g. {\"column\": \"sale_date\", \"op\": \"this\", \"value\": \"month\"}).",
                field="compare",
                code="invalid_query",
            )
    current = _grouped(builder, spec, rules, tuple(spec.measures))
    compared = spec.compared_measures
    before = _Builder(spec, catalog, today=today, anchors=anchors, params=builder.params,
                      overrides=overrides)
    _custom_columns(before, spec)
    previous = _grouped(before, spec, None, compared, shift)
    current.project_keys()  # joined on, sorted by, then dropped
    previous.project_keys()

    def cur(name: str) -> exp.Column:
        return exp.column(_ident(name), table=_ident("pb_cur"), copy=False)

    def prev(name: str) -> exp.Column:
        return exp.column(_ident(name), table=_ident("pb_prev"), copy=False)

    shown = [c for c in current.columns if c.marker is None]
    marker_columns = [c for c in current.columns if c.marker is not None]
    projections: list[exp.Expr] = [
        exp.alias_(cur(c.name), _ident(c.name), copy=False) for c in shown
    ]
    columns = list(shown)
    kinds = {c.name: c for c in shown}
    for measure in compared:
        name = measure.alias
        change = exp.Sub(this=cur(name), expression=prev(name))
        pct = exp.Div(
            this=exp.Mul(
                this=exp.Paren(this=change.copy()), expression=exp.Literal.number("100.0")
            ),
            expression=exp.Nullif(this=prev(name), expression=exp.Literal.number(0)),
        )
        base = kinds[name]
        change_kind: ColumnType = "integer" if base.type == "integer" else "number"
        outputs: tuple[tuple[str, exp.Expr, ColumnType, Mapping[str, object] | None], ...] = (
            ("_previous", prev(name), base.type, base.format),
            ("_change", change, change_kind, base.format),
            ("_change_pct", pct, "number", None),
        )
        for suffix, sql, kind, fmt in outputs:
            projections.append(exp.alias_(sql, _ident(name + suffix), copy=False))
            columns.append(ResultColumn(name + suffix, kind, format=fmt))
    for c in marker_columns:
        projections.append(exp.alias_(cur(c.name), _ident(c.name), copy=False))
        columns.append(c)
    keys = key_names(spec)
    for name in keys.values():
        # Not in `columns`: the query around this one sorts by them and leaves them out.
        projections.append(exp.alias_(cur(name), _ident(name), copy=False))
    on: list[exp.Expr] = []
    for i, dim in enumerate(spec.dimensions):
        left, right = cur(dim.alias), prev(dim.alias)
        on.append(exp.EQ(this=left, expression=right) if i == grain_at
                  else _null_safe_eq(left, right))
        if dim.alias in keys:
            on.append(_null_safe_eq(cur(keys[dim.alias]), prev(keys[dim.alias])))
    joined = exp.Select(expressions=projections)
    joined.set("from_", exp.From(this=current.select.subquery(_ident("pb_cur"), copy=False)))
    condition = exp.and_(*on, copy=False) if on else exp.EQ(
        this=exp.Literal.number(1), expression=exp.Literal.number(1)
    )
    joined.set("joins", [exp.Join(this=previous.select.subquery(_ident("pb_prev"), copy=False),
                                   on=condition, side="LEFT")])
    order = _order(spec)
    _, having = _having(builder, spec, columns, {})
    names = [c.name for c in columns]
    query = wrap_grouped(spec, joined, names, order, having, current.taken, builder.dialect,
                         derived=True, keep=_latest_first(spec, grain_at, order), keys=keys)
    return CompiledQuery(
        expression=query,
        params=MappingProxyType(builder.params),
        columns=tuple(columns),
        tables=tuple(dict.fromkeys((*builder.tables(), *before.tables()))),
        dialect=catalog.dialect,
        notes=_notes(builder, note),
    )


def _no_grouped_period(spec: QuerySpec, column: str) -> None:
    """A comparison moves the filters on its period's date column back to the compared period;
    one inside a group (“Any of”) can't be moved, so it is refused rather than compared
    against the wrong dates."""
    for key, leaf, grouped in filter_leaves(spec.filters):
        if grouped and leaf.column.lower() == column.lower():
            raise QueryError(
                f"“Compare with” moves the dates of {label(Column(leaf.column, 'date'))} back, "
                "but a date condition inside “Any of” can't be moved: take it out of the "
                "group, or set “Compare with” to “Nothing”.",
                field=key,
                code="invalid_query",
            )


def _latest_first(
    spec: QuerySpec, grain_at: int | None, order: Sequence[exp.Ordered]
) -> list[exp.Ordered] | None:
    """For a comparison with a `limit` whose rows read in time order (sorted by its date
    dimension, oldest first): the same sort with the periods newest first, so that the limit
    keeps the latest periods ("show at most 3" months compared with the month before are the
    last 3, each with its previous value; the oldest 3 would start with one that has none).
    The rows are then shown in time order as asked. None when the limit keeps what the sort
    says (no limit, no date dimension, or another first sort key such as a measure)."""
    if spec.limit is None or grain_at is None or not order:
        return None
    first = order[0]
    if first.this.name != spec.dimensions[grain_at].alias or first.args.get("desc"):
        return None
    newest = exp.Ordered(this=first.this.copy(), desc=True, nulls_first=False)
    return [newest, *(o.copy() for o in order[1:])]


def _having(
    builder: _Builder,
    spec: QuerySpec,
    columns: Sequence[ResultColumn],
    plain: Mapping[str, exp.Expr],
) -> tuple[list[exp.Expr], list[exp.Expr]]:
    """`spec.having` as conditions for HAVING (plain aggregates, by their SQL) and for the
    query wrapped around the grouped one (window measures, by output name)."""
    inner: list[exp.Expr] = []
    outer: list[exp.Expr] = []
    measures = {m.alias.lower(): m.alias for m in spec.measures}
    kinds = {c.name: c.type for c in columns}
    for i, item in enumerate(spec.having):
        field = f"having[{i}]"
        alias = measures.get(item.by.lower())
        if alias is None:
            dims = {d.alias.lower() for d in spec.dimensions} | {
                d.column.lower() for d in spec.dimensions
            }
            hint = (" To keep some values of a dimension, use 'filters'."
                    if item.by.lower() in dims else did_you_mean(item.by, measures.values()))
            raise QueryError(
                f"'having' filters on a measure: '{item.by}' is not one of the measures "
                f"({', '.join(measures.values()) or 'none chosen'}).{hint}",
                field=f"{field}.by",
                code="invalid_filter",
            )
        measure = next(m for m in spec.measures if m.alias == alias)
        words = measure_label(spec, measure, builder.catalog)[1:-1]
        as_column = Column(alias, kinds[alias], display_name=words)
        target = plain.get(alias.lower())
        subject = target.copy() if target is not None else exp.column(_ident(alias), copy=False)
        values = item.value if isinstance(item.value, list) else [item.value]
        bound = [builder.param(builder.coerce(v, as_column, f"{field}.value")) for v in values]
        test: exp.Expr = (
            exp.Between(this=subject, low=bound[0], high=bound[1])
            if item.op == "between"
            else _COMPARISONS[item.op](this=subject, expression=bound[0])
        )
        (inner if target is not None else outer).append(test)
    return inner, outer


def _null_markers(
    hidden: exp.Expr,
    value: exp.Expr,
    alias: str,
    index: int,
    flag: Callable[[exp.Expr], exp.Expr],
) -> list[tuple[ResultColumn, exp.Expr]]:
    """The two marker columns of a value whose joined row an access rule may hide: `hidden`
    (the row is there but not visible to this user) and `empty` (a genuine NULL: the value is
    NULL and the row is not hidden). `flag` turns a test into the column's 0/1 value: per
    group (`_flag`) or over a whole list of records (`_list_flag`)."""
    empty = exp.and_(
        _is_null(value.copy()), exp.Not(this=exp.Paren(this=hidden.copy())), copy=False
    )
    kinds: tuple[tuple[Literal["hidden", "empty"], exp.Expr], ...] = (
        ("hidden", hidden),
        ("empty", empty),
    )
    return [
        (ResultColumn(f"pb_{what}_{index}", "integer", NullMarker(alias, what)), flag(test))
        for what, test in kinds
    ]


def _add_markers(
    markers: Sequence[tuple[ResultColumn, exp.Expr]],
    taken: set[str],
    projections: list[exp.Expr],
    columns: list[ResultColumn],
) -> None:
    """Append the marker columns, renamed where a user's alias already has the name (a
    catalog column could be called pb_hidden_0); `taken` gets their names."""
    for n, (marker_column, flag) in enumerate(markers):
        name = marker_column.name
        while name.lower() in taken:
            name = f"{name}_{n}"
        taken.add(name.lower())
        projections.append(exp.alias_(flag, _ident(name), copy=False))
        columns.append(ResultColumn(name, "integer", marker_column.marker))


def _detail_query(builder: _Builder, spec: QuerySpec, rules: RuleSet | None) -> CompiledQuery:
    """Records: the `select` columns of each row, filtered, sorted (by the primary key last,
    so that pages are stable) and paged with `limit` and `offset`.

    With `rules`, a column of a related table that has a rule gets the marker columns of a
    dimension, taken over every row the filters match (a window over the whole list, not the
    page), so that its NULLs say "not visible to you" alike on every page."""
    projections: list[exp.Expr] = []
    columns: list[ResultColumn] = []
    markers: list[tuple[ResultColumn, exp.Expr]] = []
    for i, ref in enumerate(spec.select):
        expr, column, path = builder.value(ref, f"select[{i}]")
        alias = alias_of(ref)
        projections.append(exp.alias_(expr, _ident(alias), copy=False))
        columns.append(ResultColumn(alias, column.type))
        hidden = builder.hidden_join(path, rules) if rules else None
        if hidden is not None:
            # Over the whole list, not the row: every page says the same of its empty
            # values (``MAX(...) OVER ()`` is computed before LIMIT and OFFSET).
            markers.extend(_null_markers(hidden, expr, alias, i, _list_flag))
    taken = {alias_of(ref).lower() for ref in spec.select}
    _add_markers(markers, taken, projections, columns)
    conditions = [_filter(builder, f, i) for i, f in enumerate(spec.filters)]
    order = _order(spec)
    # A tie-breaker that is unique per row: the primary key (column names come from the
    # catalog), so that limit/offset pages neither repeat nor skip a row.
    base_alias = builder.aliases[()]
    for key in builder.base.primary_key:
        order.append(
            exp.Ordered(
                this=exp.column(_ident(key), table=_ident(base_alias), copy=False), desc=False,
                nulls_first=False,
            )
        )
    select = exp.Select(expressions=projections)
    select.set("from_", exp.From(this=table_node(builder.base)))
    if builder.joins:
        select.set("joins", builder.joins)
    if conditions:
        select.set("where", exp.Where(this=exp.and_(*conditions, copy=False)))
    if order:
        select.set("order", exp.Order(expressions=order))
    select.set("limit", exp.Limit(expression=exp.Literal.number(spec.limit or MAX_LIMIT)))
    if spec.offset:
        select.set("offset", exp.Offset(expression=exp.Literal.number(spec.offset)))
    return CompiledQuery(
        expression=select,
        params=MappingProxyType(builder.params),
        columns=tuple(columns),
        tables=builder.tables(),
        dialect=builder.dialect,
        notes=_notes(builder),
    )


def describe_result(
    columns: Sequence[ResultColumn], rows: Sequence[Sequence[Any]], *, as_lists: bool = True
) -> tuple[list[dict[str, Any]], Sequence[Sequence[Any]]]:
    """The answer's column metadata and rows, with the marker columns folded in and dropped.

    A measure with a `format` carries it (``"format": {"type": "currency", "currency": "EUR"}``)
    for the charts, tables and exports to use. A column whose NULLs include rows hidden by an
    access rule gets ``"null_means":
    "hidden"``, or ``"hidden_or_empty"`` when some of its NULLs are genuine as well; columns
    whose NULLs are only genuine get nothing. Rows come back as lists, unless `as_lists` is
    False and there is nothing to fold: then `rows` themselves.
    """
    folder = ResultFolder(columns)
    shown = folder.rows(rows, as_lists=as_lists)
    return folder.meta(), shown


class ResultFolder:
    """`describe_result` a chunk of rows at a time: `rows(chunk)` for each chunk, in order,
    then `meta()` (what it says depends on every chunk's rows)."""

    def __init__(self, columns: Sequence[ResultColumn]) -> None:
        self._columns = columns
        self._shown = [i for i, c in enumerate(columns) if c.marker is None]
        self._at = {columns[i].name: n for n, i in enumerate(self._shown)}
        # (marker column, the column it describes, that column's name, the marker's kind)
        self._markers = [
            (i, self._shown[self._at[c.marker.of]], c.marker.of, c.marker.kind)
            for i, c in enumerate(columns)
            if c.marker is not None and c.marker.of in self._at
        ]
        self._seen: dict[str, set[str]] = {}

    def rows(
        self, rows: Sequence[Sequence[Any]], *, as_lists: bool = True
    ) -> Sequence[Sequence[Any]]:
        """`rows` without the marker columns (what they say is kept for `meta`)."""
        for i, j, name, kind in self._markers:
            if kind in self._seen.get(name, ()):
                continue
            if any(row[j] is None and row[i] for row in rows):
                self._seen.setdefault(name, set()).add(kind)
        shown = self._shown
        if len(shown) == len(self._columns):
            # `as_lists=False` (the answer's encoder: orjson writes tuples as arrays): the rows
            # as they are, as a large answer's rows are not worth building again.
            return [list(row) for row in rows] if as_lists else rows
        return [[row[i] for i in shown] for row in rows]

    def meta(self) -> list[dict[str, Any]]:
        columns = self._columns
        meta: list[dict[str, Any]] = [
            {"name": columns[i].name, "type": columns[i].type} for i in self._shown
        ]
        for n, i in enumerate(self._shown):
            fmt = columns[i].format
            if fmt is not None:
                meta[n]["format"] = dict(fmt)
        for name, kinds in self._seen.items():
            if "hidden" in kinds:
                meta[self._at[name]]["null_means"] = (
                    "hidden_or_empty" if "empty" in kinds else "hidden"
                )
        return meta


_AGGREGATES: dict[str, Callable[[exp.Expr], exp.Expr]] = {
    "count": lambda col: exp.Count(this=col),
    "count_distinct": lambda col: exp.Count(this=exp.Distinct(expressions=[col])),
    "sum": lambda col: exp.Sum(this=col),
    "avg": lambda col: exp.Avg(this=col),
    "min": lambda col: exp.Min(this=col),
    "max": lambda col: exp.Max(this=col),
}


def _order(spec: QuerySpec) -> list[exp.Ordered]:
    """Explicit sort keys first, then every dimension as a tie-breaker (stable results)."""
    by_alias = {alias.lower(): alias for alias in spec.aliases}
    by_column = {dim.column.lower(): dim.alias for dim in reversed(spec.dimensions)}
    by_column.update({ref.lower(): alias_of(ref) for ref in spec.select})
    keys: list[tuple[str, bool]] = []
    for i, item in enumerate(spec.order_by):
        alias = by_alias.get(item.by.lower()) or by_column.get(item.by.lower())
        if alias is None:
            hint = did_you_mean(item.by, spec.aliases)
            raise QueryError(
                f"Can't sort by '{item.by}': sort by one of the chosen dimensions or "
                f"measures ({', '.join(spec.aliases)}).{hint}",
                field=f"order_by[{i}].by",
                code="invalid_order",
            )
        if alias not in (k for k, _ in keys):
            keys.append((alias, item.desc))
    named = key_names(spec)
    for dim in spec.dimensions:
        key = named.get(dim.alias)
        if dim.alias not in (k for k, _ in keys):
            # A keyed dimension's rows tie-break by the key first (each key has one label):
            # rows of equal value come in the key's order, as when the key was shown before
            # the label.
            if key is not None:
                keys.append((key, False))
            keys.append((dim.alias, False))
        elif key is not None:
            keys.append((key, False))  # sorted by the label: one name's rows by their key
    # NULLs last in both directions, on every dialect (their defaults differ).
    return [
        exp.Ordered(this=exp.column(_ident(alias), copy=False), desc=desc, nulls_first=False)
        for alias, desc in keys
    ]
