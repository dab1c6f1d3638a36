"""Which table references in a query are real tables, resolved with sqlglot's scopes.

A name in `FROM` may be a base table, a CTE defined around it, or a CTE of an outer query;
a CTE may even be named like a real table (`WITH sales AS (SELECT ... FROM sales) SELECT ...
FROM sales`: the inner `sales` is the table, the outer one the CTE). Deciding this by walking
the tree and looking at names would get it wrong; sqlglot's `traverse_scope` applies the SQL
visibility rules (CTE order, recursion, nesting, set operations, derived tables, laterals,
correlated subqueries), so everything here is built on it.

Fail closed: if a `Table` or `Column` node turns up that no scope accounts for, the query is
refused rather than guessed about.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.errors import OptimizeError
from sqlglot.optimizer.scope import Scope, traverse_scope

from plotboard.catalog.model import Table
from plotboard.query.errors import QueryError


def ident(name: str) -> exp.Identifier:
    """A quoted identifier: it means exactly `name` on every dialect."""
    return exp.Identifier(this=name, quoted=True)


def table_node(table: Table, alias: str | None = None) -> exp.Table:
    """A reference to a catalog table, with `alias` when it differs from the name."""
    node = exp.Table(this=ident(table.name), db=ident(table.schema) if table.schema else None)
    if alias and alias != table.name:
        node.set("alias", exp.TableAlias(this=ident(alias)))
    return node


@dataclass(frozen=True)
class TableRefs:
    """The `Table` nodes of a query, split into base tables and CTE references."""

    scopes: tuple[Scope, ...]
    base: tuple[exp.Table, ...]
    cte_refs: tuple[exp.Table, ...]


def _unaccounted(what: str) -> QueryError:
    return QueryError(
        f"This SQL uses a construct plotboard can't check ({what}); rewrite it more simply.",
        field="sql",
        code="sql_forbidden_syntax",
    )


def query_scopes(root: exp.Expr) -> tuple[Scope, ...]:
    """All scopes of `root` (innermost first), or a QueryError when sqlglot can't build them."""
    try:
        scopes = tuple(traverse_scope(root))
    except (OptimizeError, RecursionError, ValueError, KeyError) as err:
        raise _unaccounted(type(err).__name__) from None
    if not scopes:
        raise _unaccounted("no query")
    return scopes


def classify_tables(root: exp.Expr) -> TableRefs:
    """Split every `Table` node of `root` into base-table references and CTE references."""
    scopes = query_scopes(root)
    base: dict[int, exp.Table] = {}
    cte_refs: dict[int, exp.Table] = {}
    for scope in scopes:
        sources = {id(src) for src in scope.sources.values() if isinstance(src, exp.Table)}
        for table in scope.tables:
            if id(table) in sources:
                base[id(table)] = table
            elif not table.args.get("db") and isinstance(scope.cte_sources.get(table.name), Scope):
                cte_refs[id(table)] = table
            else:
                raise _unaccounted(f"table reference '{table.name}'")
    for table in root.find_all(exp.Table):
        if id(table) not in base and id(table) not in cte_refs:
            raise _unaccounted(f"table reference '{table.name}'")
    return TableRefs(scopes, tuple(base.values()), tuple(cte_refs.values()))


def column_scopes(
    scopes: tuple[Scope, ...], root: exp.Expr, columns: Iterable[exp.Column] | None = None
) -> list[tuple[exp.Column, Scope]]:
    """Every `Column` node of `root` with the scope it is written in; `columns` are all of
    `root`'s `Column` nodes when the caller has collected them already."""
    found: dict[int, tuple[exp.Column, Scope]] = {}
    for scope in scopes:
        for node in scope.walk():
            if isinstance(node, exp.Column):
                found[id(node)] = (node, scope)
    for column in columns if columns is not None else root.find_all(exp.Column):
        if id(column) not in found:
            raise _unaccounted(f"column '{column.sql()}'")
    return list(found.values())


def resolve_source(scope: Scope, name: str) -> exp.Table | Scope | None:
    """The source called `name` as seen from `scope`, looking outwards for correlated names."""
    current: Scope | None = scope
    while current is not None:
        source = current.sources.get(name)
        if source is not None:
            return source
        current = current.parent
    return None


def unshadow_ctes(root: exp.Query, taken: set[str]) -> exp.Query:
    """`root` with every CTE that is named like a real table (a name in `taken`, lower case)
    renamed, together with the references that mean that CTE.

    `WITH sales AS (SELECT * FROM sales) SELECT ... FROM sales` is valid SQL whose inner
    `sales` is the table; SQLite, though, reads every CTE as possibly recursive and calls that
    a circular reference. Renaming the CTE keeps the meaning on every database. References
    keep their old name as an alias, so `sales.amount` still resolves. A no-op (the same
    tree) when no CTE shadows a table.
    """
    ctes = [cte for cte in root.find_all(exp.CTE) if cte.alias_or_name.lower() in taken]
    if not ctes:
        return root
    root = root.copy()
    ctes = [cte for cte in root.find_all(exp.CTE) if cte.alias_or_name.lower() in taken]
    used = {n.name.lower() for n in root.find_all(exp.Identifier)}
    renames: dict[int, str] = {}
    for i, cte in enumerate(ctes):
        new = f"{cte.alias_or_name}_cte{i}"
        while new.lower() in used:
            new += "_"
        used.add(new.lower())
        renames[id(cte)] = new
    # Resolve every reference before changing any name: scopes are computed by name.
    moves: list[tuple[exp.Table, str]] = []
    for scope in query_scopes(root):
        for table in scope.tables:
            if table.args.get("db"):
                continue
            source = scope.cte_sources.get(table.name)
            if isinstance(source, Scope):
                owner = source.expression.parent
                if owner is not None and id(owner) in renames:
                    moves.append((table, renames[id(owner)]))
    for cte in ctes:
        cte.set("alias", exp.TableAlias(this=ident(renames[id(cte)])))
    for table, new in moves:
        old = table.alias_or_name
        table.set("this", ident(new))
        if not table.args.get("alias"):
            table.set("alias", exp.TableAlias(this=ident(old)))
    return root
