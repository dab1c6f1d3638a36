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

For a tree plotboard built itself from a query spec (`built=True`, see `prepare_query`), the
checks of 2 and 3 run on that tree instead of a re-reading of its SQL, when the text can only
mean what the tree says (`_written_as_built`); otherwise the SQL is re-read as above. Why that
is the same check is argued at `_written_as_built`.
"""

from __future__ import annotations

import re
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
    enforced: EnforcedQuery,
    catalog: Catalog,
    rules: RuleSet,
    *,
    copy: bool = True,
    built: bool = False,
) -> CheckedSQL:
    """Render `enforced` for `catalog.dialect` and verify the text (see the module doc).

    `copy=False` lets the SQL writer work on `enforced.expression` itself instead of a copy
    (it may rearrange it): for a caller that drops the tree afterwards, as `prepare_query`
    does. The checks are the same: they read the text back.

    `built=True` says that `enforced.expression` is a tree plotboard built from a query spec
    (`compile_query`, then `enforce_access_rules`) and the caller's to drop: the SQL is then
    written from a copy, and the checks run on the tree itself, rewriting it, when
    `_written_as_built` shows that the text means what the tree says (the placeholders of
    the text are still compared with the tree's); otherwise the text is re-read as always.

    Raises:
        QueryError: `access_check_failed` (or a validation code) when anything is off.
    """
    dialect = catalog.dialect
    try:
        # A built tree is checked after writing: the writer must not rearrange it.
        sql = render(enforced.expression, dialect, copy=copy or built)
        expected = {label: render(cond, dialect) for label, cond in enforced.filters.items()}
    except (SqlglotError, RecursionError) as err:
        raise check_failed(f"could not write the SQL: {type(err).__name__}") from None

    names = bind_names(sql)
    missing = [name for name in names if name not in enforced.params]
    if missing:
        raise check_failed(f"no value for parameter {missing[0]}")

    found = _written_as_built(enforced.expression) if built else None
    if found is not None and set(found) == set(names):
        # The same names (a dialect's writer may write a part twice, e.g. an ORDER BY key
        # for its NULLS ordering): `text()` binds by name. Otherwise the SQL is re-read.
        tree: exp.Expr = enforced.expression
        placeholders = sorted(names)
    else:
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


# In a name or a text value: what could end its quotes, escape, start a new line, or be
# taken for a bind parameter.
_UNSAFE_TEXT = re.compile(r"[\"'`\\:\x00-\x1f\x7f]")
# A number as the writer copies it: digits, maybe a fraction (no sign, exponent, inf, nan).
_PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?\Z")
# Any other text the writer copies as it is (join sides, window frame bounds, function and
# unit names, placeholder names): one word (or a window frame's CURRENT ROW).
_WORDS = re.compile(r"(?:[A-Za-z0-9_]*|CURRENT ROW)\Z")
# Nodes whose writing moves parts of the query across scopes (sqlglot hoists nested WITH to
# the top on some dialects, rewrites QUALIFY into a subquery): never in the fast path.
_MOVED_BY_WRITER = (exp.With, exp.CTE, exp.Qualify)


def _written_as_built(tree: exp.Expr) -> list[str] | None:
    """The placeholder names of `tree` when its SQL can only mean what the tree says, so that
    checking the tree is checking the SQL; None when the SQL must be re-read instead.

    The SQL is sqlglot's writing of the tree (`render`: every identifier quoted, no comments,
    placeholders as `:name`). The writer puts fixed keywords and punctuation around each
    node's children; the only text it copies from the tree is identifiers (inside quotes),
    literals, and a few words (join sides, frame bounds, function, unit and placeholder
    names). This walk requires every identifier and text value to be free of quotes,
    backslashes, colons and control characters, numbers to be plain digits, and the copied
    words to be words. Then nothing in the tree can end a quote, start a comment or a second
    statement, pass for a bind parameter, or turn into a name: the text's tokens are the
    writer's own plus the tree's names, values and placeholders, and nothing else (the
    caller also compares the placeholder names `text()` finds in the SQL with the tree's,
    and re-reads the SQL when they differ).

    What remains is how the writer arranges those tokens, which depends on node types only.
    It writes every subquery, function call and list inside its own parentheses or clause,
    so a table reference stays in the subquery around it, each rule's subquery reads as the
    `(SELECT * FROM <table> WHERE <condition> <fence>)` it is in the tree, and columns keep
    their qualifier and scope. It adds no parentheses for precedence: a parenthesis missing
    from the tree would regroup operators within one expression (never across a subquery,
    call or clause), which the rule subqueries' own check below catches for their WHERE,
    and which elsewhere changes no table, column or parameter read. Where it rewrites for a
    dialect (a cast around a division, a date function under another name, an ORDER BY key
    written twice for its NULLS ordering), it writes the same columns, tables and
    placeholders inside functions of its own choosing, never a name from the tree as a
    function. The rewrites that move parts across scopes (nested WITH hoisted to the top,
    QUALIFY turned into a subquery) need nodes that make this return None. So the tables
    read, how each is filtered and fenced, the columns read and the parameters are the same
    in the tree and in the SQL; `tests/access/test_check_built.py` checks it, and that the
    gate decides the same either way, over every compile and adversarial spec and
    generated v2 specs on the four dialects, comparing the built tree with the re-read one.
    """
    placeholders: list[str] = []
    for node in tree.walk():
        cls = type(node)
        if cls is exp.Identifier:
            name = node.this
            if type(name) is not str or _UNSAFE_TEXT.search(name):
                return None
            continue
        if cls is exp.Literal:
            text = node.this
            if type(text) is not str:
                return None
            if node.args.get("is_string"):
                if _UNSAFE_TEXT.search(text):
                    return None
            elif not _PLAIN_NUMBER.match(text):
                return None
            continue
        if cls is exp.Placeholder:
            placeholders.append(node.name)
        elif isinstance(node, _MOVED_BY_WRITER):
            return None
        for value in node.args.values():
            if type(value) is str and not _WORDS.match(value):
                return None
    return placeholders


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
    if (
        not {"expressions", "from_", "where"}
        <= {k for k, v in select.args.items() if v}
        <= {
            "expressions",
            "from_",
            "where",
            *FENCE_ARGS,
        }
    ):
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
