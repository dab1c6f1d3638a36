"""Applying access rules to a query's syntax tree.

`enforce_access_rules` replaces every reference to a base table that has a rule — in FROM and
joins, in subqueries anywhere (SELECT list, WHERE, HAVING, EXISTS, IN, scalar), in CTE bodies,
set operations, derived tables and laterals — by a filtered subquery that keeps the original
alias (or the table name when there was none):

    FROM sales AS s   ->   FROM (SELECT * FROM sales WHERE sales.sales_region = :r0_0_0
                                   LIMIT ALL) AS s

The closing clause is the dialect's *fence* (`plotboard.access.fence`): it keeps the database
from evaluating any of the user's expressions on a row the rule hides. Comparisons of the
query's own WHERE that can't fail or reveal anything (`fence.is_leakproof`) move inside
too, after the rule in parentheses, so that they still reach the table's indexes (a copy stays
outside when an outer join may null the table):

    WHERE s.sale_date = :p0   ->   (SELECT * FROM sales WHERE (sales.sales_region = :r0_0_0)
                                    AND sales.sale_date = :p0 LIMIT ALL) AS s

Which references are base tables is decided with sqlglot's scope resolution
(`plotboard.query.scopes`), so a CTE named like a table hides the table only where SQL says it
does. The rule's values are parameters. Tables without rules are left as they are: rules are
opt-in per table.

The input must be a tree from `compile_query` or `parse_read_only_sql`; after enforcing, call
`render_checked`, which renders the SQL, re-parses it (for a spec's own tree, when its SQL
can only mean what the tree says, checks the tree) and verifies all of this independently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sqlglot import exp

from plotboard.access.conditions import describe, filter_condition, filter_params
from plotboard.access.fence import conjuncts, fence_clauses, is_leakproof
from plotboard.access.rules import RuleSet
from plotboard.catalog.model import Catalog, Table
from plotboard.query.errors import QueryError
from plotboard.query.scopes import classify_tables, ident, table_node


@dataclass(frozen=True)
class EnforcedQuery:
    """A query with access rules applied.

    Attributes:
        expression: the rewritten tree.
        params: every bound value: the query's own (`p0`, ...) and the rules' (`r0_0_0`, ...).
        applied: one readable line per filtered table, e.g. ``sales.sales_region = 'North'``.
        filters: the condition applied to each filtered table, keyed by `table_label`; the
            checker compares the rendered SQL against these.
    """

    expression: exp.Query
    params: Mapping[str, object]
    applied: tuple[str, ...]
    filters: Mapping[str, exp.Expr]


def table_label(table: Table) -> str:
    """``schema.name`` or ``name``: how a table is named in messages and keys."""
    return f"{table.schema}.{table.name}" if table.schema else table.name


def check_failed(message: str) -> QueryError:
    return QueryError(
        f"The query was refused because its access rules could not be verified ({message}).",
        code="access_check_failed",
    )


def rule_wrapper(
    table: Table,
    condition: exp.Expr,
    alias: exp.TableAlias,
    dialect: str,
    also: list[exp.Expr] | None = None,
) -> exp.Subquery:
    """``(SELECT * FROM <table> WHERE <condition> <fence>) AS <alias>``, or with leakproof
    conditions `also`: ``WHERE (<condition>) AND <also[0]> AND ...``."""
    where = condition
    if also:
        where = exp.Paren(this=condition)
        for extra in also:
            where = exp.And(this=where, expression=extra)
    select = exp.Select(expressions=[exp.Star()])
    select.set("from_", exp.From(this=table_node(table)))
    select.set("where", exp.Where(this=where))
    for key, clause in fence_clauses(dialect).items():
        select.set(key, clause)
    return exp.Subquery(this=select, alias=alias)


@dataclass
class _Copied:
    """Leakproof WHERE terms copied into one rule's subquery (see `leakproof_conditions`)."""

    select: exp.Select | None = None
    originals: list[exp.Expr] = field(default_factory=list)
    inside: list[exp.Expr] = field(default_factory=list)
    movable: bool = False


def leakproof_conditions(
    node: exp.Table, qualifier: str, table: Table, params: Mapping[str, object]
) -> _Copied:
    """The leakproof terms of the WHERE of the SELECT whose FROM or JOIN reads `node`
    (written ``<qualifier>.<column>``), requalified with the table's name for use inside its
    rule's subquery. Only top-level AND terms qualify, so each holds for every row kept.

    `movable` says whether the terms may leave the outer WHERE: when no outer join can make
    the table's columns NULL (then a term outside adds nothing but a doubled estimate)."""
    found = _Copied()
    holder = node.parent
    if not isinstance(holder, exp.From | exp.Join) or holder.this is not node:
        return found
    select = holder.parent
    if not isinstance(select, exp.Select):
        return found
    joins = select.args.get("joins") or []
    if holder is not select.args.get("from_") and holder not in joins:
        return found
    where = select.args.get("where")
    if where is None:
        return found
    found.select = select
    for term in conjuncts(where.this):
        if is_leakproof(term, qualifier, table, params):
            moved = term.copy()
            for column in moved.find_all(exp.Column):
                column.set("table", ident(table.name))
            found.originals.append(term)
            found.inside.append(moved)
    sides = {str(join.args.get("side") or "").upper() for join in joins}
    nullable = bool(sides & {"RIGHT", "FULL"}) or (
        isinstance(holder, exp.Join) and str(holder.args.get("side") or "").upper() == "LEFT"
    )
    found.movable = not nullable
    return found


def _drop_terms(select: exp.Select, drop: list[exp.Expr]) -> None:
    """Remove the top-level AND terms `drop` (by identity) from `select`'s WHERE."""
    where = select.args.get("where")
    if where is None:
        return
    kept = [t for t in conjuncts(where.this) if not any(t is d for d in drop)]
    if not kept:
        select.set("where", None)
    elif len(kept) < len(list(conjuncts(where.this))):
        select.set("where", exp.Where(this=exp.and_(*(t.copy() for t in kept), copy=False)))


def catalog_table_of(node: exp.Table, catalog: Catalog) -> Table:
    """The catalog table a base-table node names; anything unexpected refuses the query."""
    extra = [k for k, v in node.args.items() if v and k not in ("this", "db", "alias")]
    if extra or not isinstance(node.this, exp.Identifier):
        raise check_failed(f"unexpected table reference {node.sql()[:60]}")
    schema = node.args.get("db")
    table = catalog.table(node.name, schema.name if schema else None)
    if table is None:
        raise check_failed(f"unknown table {node.name!r}")
    return table


def enforce_access_rules(
    expression: exp.Query,
    catalog: Catalog,
    rules: RuleSet,
    attributes: Mapping[str, object],
    params: Mapping[str, object] | None = None,
    *,
    copy: bool = True,
) -> EnforcedQuery:
    """Wrap every rule-bearing base-table reference of `expression` in its rule filter.

    `attributes` are the user's token attributes; `params` the query's own bound values
    (from `CompiledQuery.params`), carried over into the result. The input is not modified,
    unless `copy=False`: then it is rewritten in place (for a caller that owns a fresh tree,
    as `prepare_query` does, this spares copying it).

    Raises:
        QueryError: `access_check_failed` when a table reference can't be resolved, or
            `invalid_rule` when a rule names a column its table lacks.
    """
    tree = expression.copy() if copy else expression
    all_params: dict[str, object] = dict(params or {})
    filters: dict[str, exp.Expr] = {}
    applied: dict[str, str] = {}
    replacements: list[tuple[exp.Table, exp.Subquery]] = []
    moves: dict[int, tuple[exp.Select, list[exp.Expr]]] = {}
    for node in classify_tables(tree).base:
        table = catalog_table_of(node, catalog)
        found = rules.for_table(table)
        if found is None:
            continue
        index, rule = found
        label = table_label(table)
        if label not in filters:
            filters[label] = filter_condition(table, index, rule, attributes)
            rule_params = filter_params(index, rule, attributes)
            if rule_params.keys() & all_params.keys():
                raise check_failed("parameter names overlap")
            all_params.update(rule_params)
            applied[label] = describe(table, rule, attributes)
        alias = node.args.get("alias")
        alias = alias.copy() if alias is not None else exp.TableAlias(this=ident(node.name))
        # Column aliases (`AS e(a, b)`) rename the columns: nothing is copied inside then.
        renamed = bool(alias.args.get("columns"))
        copied = _Copied() if renamed else leakproof_conditions(node, alias.name, table, all_params)
        wrapper = rule_wrapper(table, filters[label].copy(), alias, catalog.dialect, copied.inside)
        replacements.append((node, wrapper))
        if copied.movable and copied.select is not None and copied.originals:
            moves.setdefault(id(copied.select), (copied.select, []))[1].extend(copied.originals)
    for node, wrapper in replacements:
        node.replace(wrapper)
    for select, terms in moves.values():  # once per SELECT: the terms are found by identity
        _drop_terms(select, terms)
    return EnforcedQuery(
        expression=tree,
        params=MappingProxyType(all_params),
        applied=tuple(applied.values()),
        filters=MappingProxyType(filters),
    )
