"""The last gate before the database: render, re-parse, and verify.

`render_checked` renders an `EnforcedQuery` to the SQL text that will run, then forgets the
tree and checks that *text* from scratch, the way the database will read it:

1. it parses to exactly one statement, and the bind parameters `sqlalchemy.text()` will see
   are exactly the placeholders in that statement, each with a value;
2. every reference to a base table that has a rule sits, alone, in the FROM of a
   ``(SELECT * FROM <table> WHERE <condition> <fence>)`` subquery whose condition is exactly
   the one built for this user, and whose fence is exactly the dialect's
   (`plotboard.access.fence`) — nothing else may touch that table. The condition may be
   followed by ``AND`` terms that each pass `is_leakproof` on their own (they only narrow the
   rows further, and can't fail or reveal anything);
3. with those subqueries put back to plain table references, the statement passes the same
   read-only validation as raw SQL (`plotboard.query.sql.validate_query`): allowed syntax and
   functions only, catalog tables and visible columns only.

Anything unexpected refuses the query (fail closed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from plotboard.access.enforce import (
    EnforcedQuery,
    catalog_table_of,
    check_failed,
    table_label,
)
from plotboard.access.fence import FENCE_ARGS, fence_clauses, is_leakproof
from plotboard.access.rules import RuleSet
from plotboard.catalog.model import Catalog
from plotboard.query.errors import QueryError
from plotboard.query.render import as_sent, bind_names, render
from plotboard.query.scopes import classify_tables, table_node
from plotboard.query.sql import validate_query


@dataclass(frozen=True)
class CheckedSQL:
    """SQL ready for ``connection.execute(sqlalchemy.text(sql), params)``."""

    sql: str
    params: Mapping[str, object]
    applied: tuple[str, ...]


def render_checked(
    enforced: EnforcedQuery, catalog: Catalog, rules: RuleSet, *, copy: bool = True
) -> CheckedSQL:
    """Render `enforced` for `catalog.dialect` and verify the text (see the module doc).

    `copy=False` lets the SQL writer work on `enforced.expression` itself instead of a copy
    (it may rearrange it): for a caller that drops the tree afterwards, as `prepare_query`
    does. The checks are the same: they read the text back.

    Raises:
        QueryError: `access_check_failed` (or a validation code) when anything is off.
    """
    dialect = catalog.dialect
    try:
        sql = render(enforced.expression, dialect, copy=copy)
        expected = {label: render(cond, dialect) for label, cond in enforced.filters.items()}
    except (SqlglotError, RecursionError) as err:
        raise check_failed(f"could not write the SQL: {type(err).__name__}") from None

    names = bind_names(sql)
    missing = [name for name in names if name not in enforced.params]
    if missing:
        raise check_failed(f"no value for parameter {missing[0]}")

    try:
        statements = [s for s in sqlglot.parse(as_sent(sql), read=dialect) if s is not None]
    except (SqlglotError, RecursionError, ValueError):
        raise check_failed("the SQL does not read back") from None
    if len(statements) != 1:
        raise check_failed("the SQL reads back as several statements")
    tree = statements[0]
    placeholders = sorted(p.name for p in tree.find_all(exp.Placeholder))
    if placeholders != sorted(names):
        raise check_failed("parameters read back differently")

    fence = _fence_sql(dialect)
    for node in classify_tables(tree).base:
        table = catalog_table_of(node, catalog)
        if rules.for_table(table) is None:
            continue
        wrapper = _rule_wrapper_of(node)
        label = table_label(table)
        if wrapper is None or label not in expected:
            raise check_failed(f"table '{table.name}' is not filtered")
        select = wrapper.this
        clauses = {k: render(c, dialect) for k in FENCE_ARGS if (c := select.args.get(k))}
        if clauses != fence:
            raise check_failed(f"the filter on table '{table.name}' is not fenced")
        where = select.args["where"].this
        if render(where, dialect) != expected[label]:
            # "(<rule>) AND t1 AND t2" reads back as And(And(Paren(rule), t1), t2).
            extra, rule = [], where
            while isinstance(rule, exp.And):
                extra.append(rule.expression.unnest())
                rule = rule.this
            if not (
                extra
                and isinstance(rule, exp.Paren)
                and render(rule.this, dialect) == expected[label]
                and all(is_leakproof(t, table.name, table, enforced.params) for t in extra)
            ):
                raise check_failed(f"the filter on table '{table.name}' is not the expected one")
        # Put the plain table back so that the rest can be validated like any query; the
        # wrapper is exactly "the rows of this table the user may see".
        plain = table_node(table)
        plain.set("alias", wrapper.args["alias"].copy())
        wrapper.replace(plain)

    try:
        # The tree is only checked here (the SQL text is written already): no quoting, and
        # no qualifying of columns that name their source already (see validate_query).
        validate_query(tree, catalog, placeholders=names, check_only=True)
    except QueryError as err:
        raise check_failed(err.message) from None
    used = set(names)
    return CheckedSQL(
        sql=sql,
        params=MappingProxyType({k: v for k, v in enforced.params.items() if k in used}),
        applied=enforced.applied,
    )


@cache
def _fence_sql(dialect: str) -> Mapping[str, str]:
    """The dialect's fence clauses as SQL text (the same for every query: rendered once)."""
    return MappingProxyType(
        {key: render(clause, dialect) for key, clause in fence_clauses(dialect).items()}
    )


def _rule_wrapper_of(node: exp.Table) -> exp.Subquery | None:
    """The ``(SELECT * FROM node WHERE ... [LIMIT/OFFSET]) AS alias`` around `node`, if that
    is its shape (the fence itself is compared by the caller)."""
    if not {k for k, v in node.args.items() if v} <= {"this", "db"}:
        return None
    from_ = node.parent
    select = from_.parent if isinstance(from_, exp.From) else None
    if not isinstance(select, exp.Select) or select.args.get("from_") is not from_:
        return None
    if not {"expressions", "from_", "where"} <= {k for k, v in select.args.items() if v} <= {
        "expressions",
        "from_",
        "where",
        *FENCE_ARGS,
    }:
        return None
    projections = select.expressions
    if len(projections) != 1 or type(projections[0]) is not exp.Star:
        return None
    if any(projections[0].args.values()):
        return None
    wrapper = select.parent
    if not isinstance(wrapper, exp.Subquery) or not isinstance(wrapper.parent, exp.From | exp.Join):
        return None
    if {k for k, v in wrapper.args.items() if v} != {"this", "alias"}:
        return None
    return wrapper
