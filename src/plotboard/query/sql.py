"""Raw SQL: parse it, prove it is one harmless read-only query, and pin every name down.

`parse_read_only_sql(sql, catalog)` accepts exactly one `SELECT` (with `WITH`, `UNION`,
`INTERSECT`, `EXCEPT`, subqueries, joins, window functions) over visible catalog tables and
columns, and returns its syntax tree in a canonical form:

* every base-table reference is the catalog's own table name (quoted, schema-qualified when
  the catalog has schemas), whatever case or quoting the SQL used;
* every column is qualified with its source and named exactly as in the catalog;
* `*` and `t.*` are expanded to the visible columns, so hidden columns never come along;
* identifiers are matched without regard to case (they are lower-cased first), so output
  names of raw SQL come out in lower case.

Everything else is refused with a `QueryError` that says why: several statements, anything
that writes or changes settings (DML, DDL, PRAGMA, ATTACH, SET, COPY, CALL, EXPLAIN, ...),
`SELECT ... INTO`, `FOR UPDATE`, system catalogs, tables or columns that are unknown or
hidden, table functions, `VALUES`, `NATURAL`/`USING` joins, functions or casts outside the
allow-lists in `plotboard.query.allowlist`, and parameters or variables.

The tree that comes out is what runs (after access rules), never the text that came in:
whatever sqlglot did not understand cannot reach the database.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import OptimizeError, ParseError, TokenError
from sqlglot.optimizer.qualify_columns import (
    qualify_columns,
    quote_identifiers,
    validate_qualify_columns,
)
from sqlglot.optimizer.qualify_tables import qualify_tables
from sqlglot.optimizer.scope import Scope, traverse_scope
from sqlglot.schema import MappingSchema

from plotboard.catalog.model import Catalog, Table
from plotboard.query import allowlist
from plotboard.query.errors import QueryError, did_you_mean
from plotboard.query.scopes import (
    TableRefs,
    classify_tables,
    column_scopes,
    ident,
    query_scopes,
    resolve_source,
)
from plotboard.sources import kinds

MAX_SQL_LENGTH = 20_000
# Checking costs grow with the size of the tree, and faster than linearly with the number of
# SELECTs (sqlglot's scope analysis walks every set operation's branches again): a 15 KB
# `UNION ALL` chain of 1,000 SELECTs took seconds. Counted right after parsing, before any of
# that work. Hand-written analytical SQL stays far below these.
MAX_SQL_NODES = 4_000
MAX_SQL_SELECTS = 50
MAX_SQL_DEPTH = 500
# The databases inline WITH parts and subqueries in FROM into the query that uses them: a
# column that uses the one before it 8 times, 9 CTEs deep, becomes one expression of 8 ** 9
# terms, which SQLite, DuckDB and PostgreSQL then build while compiling, where no time limit
# reaches (23 GB and minutes). Counted on the tree with every use expanded, a text value
# counting as one part per `_TEXT_PART` characters: copied thousands of times per row, a long
# text builds values of many megabytes, and DuckDB cannot stop the building mid-way.
MAX_SQL_EXPANDED = 20_000
_TEXT_PART = 16
MAX_IDENTIFIER_LENGTH = 128
MAX_STRING_LENGTH = 10_000
# One printf conversion: flags, width, precision ('*' takes them from an argument).
_FORMAT_SPEC = re.compile(r"%[-+ 0#,!]*(\*|\d+)?(?:\.(\*|\d+))?")
_QUERY_ROOTS = (exp.Select, exp.Union, exp.Intersect, exp.Except)
_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_UNIT_PARENTS = (
    exp.Interval,
    exp.Extract,
    exp.TimestampTrunc,
    exp.DateTrunc,
    exp.DatetimeTrunc,
    exp.DateAdd,
    exp.DateSub,
    exp.DateDiff,
    exp.TsOrDsAdd,
    exp.TsOrDsDiff,
    exp.TimestampAdd,
    exp.TimestampSub,
    exp.TimestampDiff,
)
_GENERIC_TYPES = {
    "string": "TEXT",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
}
_SYNTHETIC = "pb:{}"  # names with ':' are refused in SQL, so this can't clash with one


def _refuse(message: str, code: str = "sql_forbidden_syntax") -> QueryError:
    return QueryError(message, field="sql", code=code)


def parse_read_only_sql(sql: str, catalog: Catalog) -> exp.Query:
    """Parse untrusted SQL and return its canonical, validated tree (see the module doc).

    Raises:
        QueryError: with `field="sql"` and a message that says what was refused and why.
    """
    if len(sql) > MAX_SQL_LENGTH:
        raise _refuse(f"The SQL is too long (over {MAX_SQL_LENGTH} characters).", "sql_too_long")
    if "\x00" in sql:
        raise _refuse("The SQL contains a NUL character.", "sql_syntax")
    try:
        statements = [
            s
            for s in sqlglot.parse(sql, read=catalog.dialect)
            # A trailing "; -- comment" comes back as a bare Semicolon holding the comment.
            if s is not None and not isinstance(s, exp.Semicolon)
        ]
    except ParseError as err:
        detail = err.errors[0] if err.errors else {}
        where = f" (line {detail.get('line')}, column {detail.get('col')})" if detail else ""
        reason = str(detail.get("description") or "syntax error").split(". ")[0]
        # sqlglot appends its token's repr ("but got <Token token_type: ...>"): not for people.
        reason = reason.split(" but got <Token")[0].split(" <Token")[0]
        raise _refuse(f"The SQL could not be read{where}: {reason}.", "sql_syntax") from None
    except (TokenError, RecursionError, ValueError):
        raise _refuse("The SQL could not be read.", "sql_syntax") from None
    if not statements:
        raise _refuse("The SQL is empty.", "sql_syntax")
    if len(statements) > 1:
        raise _refuse(
            "Only one statement can run at a time; remove the extra ';' and what follows.",
            "sql_multiple_statements",
        )
    check_size(statements[0])
    return validate_query(statements[0], catalog)


def check_size(tree: exp.Expr) -> None:
    """Refuse a tree too big to check quickly: over `MAX_SQL_NODES` parts, `MAX_SQL_SELECTS`
    SELECTs (UNION branches and subqueries count) or `MAX_SQL_DEPTH` levels of nesting.

    Raises:
        QueryError: code `sql_too_complex`, naming the limit.
    """
    nodes = selects = 0
    stack: list[tuple[exp.Expr, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if isinstance(node, exp.Select):
            selects += 1
        if nodes > MAX_SQL_NODES:
            raise _refuse(
                f"The SQL is too complex: it has more than {MAX_SQL_NODES:,} parts (names, "
                "values, operators). Shorten it, or split it into several queries.",
                "sql_too_complex",
            )
        if selects > MAX_SQL_SELECTS:
            raise _refuse(
                f"The SQL is too complex: it has more than {MAX_SQL_SELECTS} SELECTs (UNION "
                "parts and subqueries count). Combine them, or split the query.",
                "sql_too_complex",
            )
        if depth > MAX_SQL_DEPTH:
            raise _refuse(
                f"The SQL is too complex: it nests more than {MAX_SQL_DEPTH} levels deep. "
                "Flatten it, e.g. use IN (...) instead of a long chain of OR.",
                "sql_too_complex",
            )
        stack.extend((child, depth + 1) for child in node.iter_expressions())


def validate_query(
    tree: exp.Expr,
    catalog: Catalog,
    *,
    placeholders: Iterable[str] = (),
    check_only: bool = False,
) -> exp.Query:
    """Validate and canonicalize an already parsed query (see `parse_read_only_sql`).

    `placeholders` lists the parameter names that may appear (the checker passes the ones it
    bound); raw SQL from users gets none. The tree is modified in place and returned, every
    identifier quoted.

    `check_only=True` is for a caller that only checks the tree and never writes it out (the
    last gate, `plotboard.access.check`): names that qualifying adds are left unquoted, and
    when every column already names its source (`_qualified_already`, as in the SQL
    plotboard writes) sqlglot's qualify, which would have nothing to resolve, is skipped.
    The checks are the same: `_pin_columns` resolves every column to its source and refuses
    any that is not a visible catalog column or an output of a subquery or CTE.
    """
    root = tree
    while isinstance(root, exp.Subquery) and set(_set_args(root)) <= {"this"}:
        root = root.this.pop()  # a whole statement in parentheses
    if type(root) not in _QUERY_ROOTS:
        name = allowlist.REFUSED_NODE_NAMES.get(type(root).__name__, type(root).__name__)
        raise _refuse(f"Only SELECT queries can run; {name} is not allowed.", "sql_not_read_only")
    assert isinstance(root, exp.Query)
    root.pop_comments()
    _check_nodes(root, catalog.dialect, frozenset(placeholders), lowercase=True)
    refs = classify_tables(root)
    synthetic = _bind_tables(root, catalog, refs)
    qualified = not (check_only and _qualified_already(root))
    if not qualified:
        # Binding only renamed base tables (to names no source can have) and gave them the
        # alias they already had: the scopes found before binding are the tree's scopes.
        scopes: tuple[Scope, ...] | None = refs.scopes
    else:
        root = _qualify(root, catalog, synthetic, quote=not check_only)
        scopes = None  # qualify rewrites the tree: its scopes are found again
    pinned: list[exp.Identifier] = []
    scopes = _pin_columns(root, synthetic, scopes, pinned)
    if qualified:
        # qualify may turn names into other node kinds (a whole-row reference `SELECT t FROM
        # t` becomes a TableColumn): check the allow-lists again on what came out.
        _check_nodes(root, catalog.dialect, frozenset(placeholders))
    else:
        # Without qualify, binding and pinning only set names: the identifiers of base
        # tables and columns, now their catalog names. Nothing else changed since the walk
        # above, so those names are all there is to check again.
        for identifier in pinned:
            _check_node_details(identifier, catalog.dialect)
    assert isinstance(root, exp.Query)
    check_expanded_size(root, scopes)
    return root


def check_expanded_size(root: exp.Query, scopes: tuple[Scope, ...] | None = None) -> None:
    """Refuse a query whose size, with each use of a CTE's or subquery's column replaced by
    that column's expression (as the databases' planners do), passes `MAX_SQL_EXPANDED`.

    `root` must be qualified (every column names its source), as `validate_query` leaves it;
    `scopes` are its scopes (`query_scopes(root)`) when the caller has them already.

    Raises:
        QueryError: code `sql_too_complex`.
    """
    outputs: dict[int, list[tuple[str, int]]] = {}  # id(query) -> (name, expanded size)
    # A part's size is 1 (a text value: more) except a column of a subquery or CTE, which
    # counts as that column's expanded size. The query is walked once, in preorder, where
    # each part's subtree is a run of places: the size of a subtree is then the sum of its
    # parts' own sizes (prefix sums) with each column's counted again as it would be in
    # the walk. This is the same sum a walk of every subtree gives, without walking each
    # nested subquery again for every query around it.
    nodes: list[exp.Expr] = []
    start: dict[int, int] = {}  # id(part) -> its place in preorder
    end: list[int] = []  # place -> the place just past its subtree
    sums = [0]  # sums[i]: own sizes of the parts before place i
    columns: list[int] = []  # places of the Column parts, in order
    column_nodes: list[exp.Column] = []  # and the parts themselves
    stack: list[exp.Expr | int] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, int):
            end[item] = len(nodes)
            continue
        place = len(nodes)
        start[id(item)] = place
        nodes.append(item)
        end.append(place + 1)
        own = 1
        if isinstance(item, exp.Column):
            columns.append(place)
            column_nodes.append(item)
        elif isinstance(item, exp.Literal) and item.is_string:
            own = 1 + len(item.this) // _TEXT_PART
        sums.append(sums[-1] + own)
        stack.append(place)
        stack.extend(item.iter_expressions(reverse=True))

    def columns_of(query: exp.Expr) -> list[tuple[str, int]]:
        if isinstance(query, exp.Subquery):
            return columns_of(query.this)
        if isinstance(query, exp.SetOperation):
            left, right = columns_of(query.left), columns_of(query.right)
            return [(name, a + b) for (name, a), (_, b) in zip(left, right, strict=False)]
        return outputs.get(id(query), [])

    def size(node: exp.Expr, scope: Scope) -> int:
        first = start.get(id(node))
        if first is None:  # not part of `root` (never the case for its scopes): walk it
            parts: Iterable[exp.Expr] = node.walk()
            total = 0
        else:
            last = end[first]
            total = sums[last] - sums[first] - (
                bisect_left(columns, last) - bisect_left(columns, first)
            )
            parts = column_nodes[bisect_left(columns, first) : bisect_left(columns, last)]
        for part in parts:
            source = scope.sources.get(part.table) if isinstance(part, exp.Column) else None
            if isinstance(source, Scope):
                name = part.name
                total += next((n for out, n in columns_of(source.expression) if out == name), 1)
            elif isinstance(part, exp.Literal) and part.is_string:
                total += 1 + len(part.this) // _TEXT_PART
            else:
                total += 1
        if total > MAX_SQL_EXPANDED:
            raise _refuse(
                f"The SQL is too complex: with its WITH parts and subqueries written out, as "
                f"the database does, it has more than {MAX_SQL_EXPANDED:,} parts. Use each "
                "computed column (and long texts) fewer times.",
                "sql_too_complex",
            )
        return total

    for scope in scopes or traverse_scope(root):  # inner scopes (CTEs, subqueries) first
        query = scope.expression
        if isinstance(query, exp.Select):
            outputs[id(query)] = [(e.alias_or_name, size(e, scope)) for e in query.selects]
            size(query, scope)


def _set_args(node: exp.Expr) -> list[str]:
    return [k for k, v in node.args.items() if v is not None and v is not False and v != []]


def _check_nodes(
    root: exp.Expr, dialect: str, placeholders: frozenset[str], *, lowercase: bool = False
) -> None:
    """Refuse any node, function, clause or detail outside the allow-lists (the first one
    found, breadth first).

    `lowercase=True` also lowercases and quotes each identifier once it is checked (in the
    same walk): names are matched to the catalog without regard to case, and quoting every
    identifier makes the rendered SQL mean exactly what the tree says on every dialect."""
    anonymous = kinds.for_dialect(dialect).anonymous_functions
    for node in root.walk():
        cls = type(node)
        if lowercase and cls is exp.Identifier:
            _check_node_details(node, dialect)
            node.set("this", node.name.lower())
            node.set("quoted", True)
            continue
        allowed = cls in allowlist.ALLOWED_NODES or cls in allowlist.ALLOWED_FUNCTIONS
        if allowed or (cls is exp.Anonymous and node.name.lower() in anonymous):
            pass
        elif cls is exp.Placeholder and node.name in placeholders:
            continue
        elif isinstance(node, exp.Func):
            name = node.name if cls is exp.Anonymous else node.sql_name()
            raise _refuse(
                f"The function {name.upper()}() is not allowed in queries.",
                "sql_function_not_allowed",
            )
        else:
            raise _refused_node(node)
        allowed_args = allowlist.ALLOWED_ARGS.get(cls)
        if allowed_args is not None:
            extra = [k for k in _set_args(node) if k not in allowed_args]
            if extra:
                raise _refused_clause(node, extra[0])
        _check_node_details(node, dialect)


def _refused_node(node: exp.Expr) -> QueryError:
    name = type(node).__name__
    readable = allowlist.REFUSED_NODE_NAMES.get(name)
    if isinstance(node, (exp.DML, exp.DDL)) or name in (
        "Command",
        "Pragma",
        "Attach",
        "Detach",
        "Set",
        "Copy",
        "Use",
        "Describe",
        "Show",
        "Into",
    ):
        return _refuse(
            f"Only read-only SELECT queries can run; {readable or name} is not allowed.",
            "sql_not_read_only",
        )
    return _refuse(f"{readable or name + ' expressions'} can't be used in queries.")


def _refused_clause(node: exp.Expr, arg: str) -> QueryError:
    if isinstance(node, exp.Join) and arg in ("using", "method"):
        return _refuse("NATURAL and USING joins are not supported; write the join with ON.")
    if arg == "into":
        return _refuse("SELECT ... INTO is not allowed: queries can't write.", "sql_not_read_only")
    if arg == "locks":
        return _refuse(
            "Locking clauses (FOR UPDATE, FOR SHARE) are not allowed.", "sql_not_read_only"
        )
    if isinstance(node, exp.Table):
        return _refuse("Table options (ONLY, sampling, hints, time travel...) are not supported.")
    readable = arg.rstrip("_").replace("_", " ").upper()
    return _refuse(f"{readable} is not supported in queries.")


def _check_node_details(node: exp.Expr, dialect: str) -> None:
    if isinstance(node, exp.Identifier):
        name = node.name
        if not name or len(name) > MAX_IDENTIFIER_LENGTH or ":" in name or "\x00" in name:
            raise _refuse(f"The name '{name[:40]}' is not allowed (too long or has a ':').")
    elif isinstance(node, exp.Table):
        if not isinstance(node.this, exp.Identifier):
            raise _refuse("Table functions can't be used in FROM; query catalog tables.")
        if node.args.get("alias") is not None and node.args["alias"].columns:
            raise _refuse("Renaming a table's columns in its alias is not supported.")
    elif isinstance(node, exp.Join):
        kind, side = node.kind.upper(), node.side.upper()
        if kind not in allowlist.ALLOWED_JOIN_KINDS or side not in allowlist.ALLOWED_JOIN_SIDES:
            raise _refuse(f"{' '.join(filter(None, (side, kind)))} JOIN is not supported.")
    elif isinstance(node, exp.Lateral):
        if not isinstance(node.this, exp.Subquery):
            raise _refuse("LATERAL may only be followed by a subquery.")
    elif isinstance(node, exp.DataType):
        if node.this not in allowlist.ALLOWED_CAST_TYPES or (
            node.expressions and any(not isinstance(e, exp.DataTypeParam) for e in node.expressions)
        ):
            raise _refuse(f"Casting to {node.sql()} is not allowed.")
    elif isinstance(node, exp.Literal) and node.is_string:
        if len(node.this) > MAX_STRING_LENGTH:
            raise _refuse("A text value in the SQL is too long.")
        if kinds.for_dialect(dialect).backslash_escapes_quotes and "\\" in node.this:
            # With standard_conforming_strings off (a server setting), a backslash would
            # escape the closing quote of the rendered literal: never risk it.
            raise _refuse("Backslashes in text values are not supported on this database.")
    elif isinstance(node, exp.Anonymous) and node.name.lower() in allowlist.FORMAT_FUNCTIONS:
        _check_format(node)
    elif isinstance(node, exp.Var):
        if not isinstance(node.parent, _UNIT_PARENTS) or not _WORD.match(node.name):
            raise _refuse(f"'{node.name[:40]}' is not understood here.")
    elif isinstance(node, exp.Star):
        if _set_args(node):
            raise _refuse("* EXCEPT / REPLACE / EXCLUDE is not supported; list the columns.")
    elif isinstance(node, exp.With) and node.args.get("search"):
        raise _refuse("SEARCH / CYCLE clauses are not supported.")


def _check_format(node: exp.Anonymous) -> None:
    name = node.name.upper()
    first = node.expressions[0] if node.expressions else None
    if not (isinstance(first, exp.Literal) and first.is_string):
        raise _refuse(f"The first argument of {name}() must be a text value written in the SQL.")
    limit = allowlist.MAX_FORMAT_WIDTH
    for match in _FORMAT_SPEC.finditer(first.this):
        for size in match.groups():
            if size == "*" or (size is not None and int(size) > limit):
                raise _refuse(
                    f"{name}() widths and precisions must be numbers up to {limit:,} written "
                    "in the format itself.",
                )


def _bind_tables(
    root: exp.Query, catalog: Catalog, refs: TableRefs | None = None
) -> dict[str, Table]:
    """Resolve base tables against the catalog and give them synthetic names for qualify.
    `refs` are `classify_tables(root)` when the caller has them already."""
    refs = refs if refs is not None else classify_tables(root)
    synthetic: dict[str, Table] = {}
    names: dict[int, str] = {}
    for node in refs.base:
        schema = node.args.get("db")
        table = _catalog_table(catalog, node.name, schema.name if schema else None)
        key = names.setdefault(id(table), _SYNTHETIC.format(len(names)))
        synthetic[key] = table
        alias = node.alias or node.name
        node.set("this", ident(key))
        node.set("db", None)
        node.set("alias", exp.TableAlias(this=ident(alias)))
    return synthetic


def _catalog_table(catalog: Catalog, name: str, schema: str | None) -> Table:
    lowered = (schema or "").lower()
    if lowered in allowlist.SYSTEM_SCHEMAS or name.lower().startswith(
        allowlist.SYSTEM_TABLE_PREFIXES
    ):
        full = f"{schema}.{name}" if schema else name
        raise _refuse(f"System catalog '{full}' can't be queried.", "sql_system_catalog")
    table = catalog.table(name, schema)
    if table is None:
        full = f"{schema}.{name}" if schema else name
        hint = did_you_mean(name, [t.name for t in catalog.visible_tables()])
        raise _refuse(f"Table '{full}' does not exist.{hint}", "unknown_table")
    if table.hidden:
        raise _refuse(f"Table '{name}' is not available for queries.", "hidden_table")
    return table


# Sources whose columns sqlglot's qualify_tables names itself (table functions, VALUES, ...).
_SELF_NAMED_SOURCES = (exp.Lateral, exp.Unnest, exp.Values, exp.Pivot, exp.UDTF)


def _qualified_already(root: exp.Expr) -> bool:
    """Whether sqlglot's qualify would find nothing to do in `root` (after `_bind_tables`).

    That is: every column names its source (`t.c`; no `db.t.c`), or is a bare name that is a
    whole ORDER BY key (an output name, checked by `_is_output_reference`); no `*` but
    COUNT(*); no positional GROUP BY / ORDER BY; every table and every derived table in
    FROM or JOIN has an alias, and a derived table is a query (no `(a JOIN b) AS t`); no
    doubly parenthesized subquery and no table function, VALUES, LATERAL or PIVOT.

    qualify_tables only adds aliases and expands join constructs, and qualify_columns only
    qualifies bare names, expands stars, positional and alias references, and names the
    outputs: with none of those present, skipping them leaves every column to `_pin_columns`
    exactly as qualify would have left it. Anything else: False, and qualify runs.
    """
    for node in root.walk():
        if isinstance(node, exp.Column):
            if not isinstance(node.this, exp.Identifier):
                return False
            if node.args.get("db") is not None or node.args.get("catalog") is not None:
                return False
            if not node.table:
                ordered = node.parent
                if not (isinstance(ordered, exp.Ordered) and isinstance(ordered.parent, exp.Order)):
                    return False
        elif isinstance(node, exp.Star):
            if not isinstance(node.parent, exp.Count):
                return False
        elif isinstance(node, exp.Table):
            if not node.alias:
                return False
        elif isinstance(node, exp.Subquery):
            if isinstance(node.parent, (exp.From, exp.Join)):
                if not node.alias or not isinstance(node.this, exp.Query):
                    return False
            elif isinstance(node.this, exp.Subquery):
                return False
        elif isinstance(node, exp.Literal):
            parent = node.parent
            if isinstance(parent, exp.Group) or (
                isinstance(parent, exp.Ordered) and isinstance(parent.parent, exp.Order)
            ):
                return False
        elif isinstance(node, _SELF_NAMED_SOURCES):
            return False
    return True


def _qualify(
    root: exp.Query, catalog: Catalog, synthetic: dict[str, Table], quote: bool = True
) -> exp.Expr:
    """sqlglot's `qualify` (tables, then columns with stars expanded, then a check that every
    column was resolved), without its first step, normalizing identifiers:
    `_check_nodes(lowercase=True)` has just lowercased and quoted every one, so it would change
    nothing (it costs a walk of the tree). Quoting the names qualifying adds is left to the
    caller's choice (`validate_query`'s `quote`)."""
    schema = MappingSchema(
        {
            key: {
                c.name.lower(): _GENERIC_TYPES.get(c.type, "TEXT")
                for c in table.columns
                if not c.hidden
            }
            for key, table in synthetic.items()
        },
        dialect=catalog.dialect,
        normalize=False,
    )
    dialect = Dialect.get_or_raise(catalog.dialect)
    try:
        qualified = qualify_tables(root, dialect=dialect)
        qualified = qualify_columns(
            qualified,
            schema,
            expand_alias_refs=True,
            expand_stars=True,
            allow_partial_qualification=False,
        )
        if quote:
            qualified = quote_identifiers(qualified, dialect=dialect, identify=True)
        validate_qualify_columns(qualified)
        return qualified
    except OptimizeError as err:
        raise _column_error(str(err), synthetic.values()) from None
    except (RecursionError, ValueError, KeyError, AttributeError, TypeError):
        raise _refuse("plotboard could not check this SQL; try writing it more simply.") from None


_UNRESOLVED = re.compile(r"Column '\"?([^'\"]+)\"?' could not be resolved|Unknown column: (\S+)")


def _column_error(message: str, tables: Iterable[Table]) -> QueryError:
    match = _UNRESOLVED.search(message)
    if not match:
        return _refuse("plotboard could not match every name in this SQL to the catalog.")
    name = (match.group(1) or match.group(2)).strip('"')
    return _unknown_column(name, tables)


def _unknown_column(name: str, tables: Iterable[Table]) -> QueryError:
    tables = list(tables)
    for table in tables:
        column = table.column(name)
        if column is not None and column.hidden:
            return _refuse(
                f"Column '{column.name}' of table '{table.name}' is not available for queries.",
                "hidden_column",
            )
    visible = [c.name for t in tables for c in t.columns if not c.hidden]
    where = ", ".join(f"'{t.name}'" for t in tables) or "the query"
    return _refuse(
        f"Column '{name}' does not exist in {where}.{did_you_mean(name, visible)}",
        "unknown_column",
    )


def _pin_columns(
    root: exp.Expr,
    synthetic: dict[str, Table],
    scopes: tuple[Scope, ...] | None = None,
    pinned: list[exp.Identifier] | None = None,
) -> tuple[Scope, ...]:
    """Give tables their catalog names back and check that every column is a visible one.
    `scopes` are `root`'s scopes when the caller has them already; `pinned`, when given,
    receives every identifier set here. Returns the scopes (renaming tables and columns
    leaves them as they are)."""
    pinned = pinned if pinned is not None else []
    scopes = scopes if scopes is not None else query_scopes(root)
    # One walk finds the columns, tables and stars; pinning only renames identifiers, so the
    # tables and stars are the same afterwards.
    columns: list[exp.Column] = []
    tables: list[exp.Table] = []
    stars: list[exp.Star] = []
    for node in root.walk():
        if isinstance(node, exp.Column):
            columns.append(node)
        elif isinstance(node, exp.Table):
            tables.append(node)
        elif isinstance(node, exp.Star):
            stars.append(node)
    for column, scope in column_scopes(scopes, root, columns):
        if isinstance(column.this, exp.Star):
            raise _refuse("'table.*' could not be expanded; list the columns.")
        if not column.table:
            if not _is_output_reference(column, scope):
                raise _unknown_column(column.name, synthetic.values())
            continue
        source = resolve_source(scope, column.table)
        if isinstance(source, exp.Table) and source.name in synthetic:
            table = synthetic[source.name]
            catalog_column = table.column(column.name)
            if catalog_column is None or catalog_column.hidden:
                raise _unknown_column(column.name, [table])
            name = ident(catalog_column.name)
            column.set("this", name)
            pinned.append(name)
        elif isinstance(source, Scope):
            outputs = _output_names(source)
            if column.name not in outputs and "*" not in outputs:
                raise _unknown_column(column.name, synthetic.values())
        else:
            raise _unknown_column(column.name, synthetic.values())
    for node in tables:
        base = synthetic.get(node.name)
        if base is not None:
            names = [ident(base.name), ident(base.schema) if base.schema else None]
            node.set("this", names[0])
            node.set("db", names[1])
            pinned.extend(n for n in names if n is not None)
    for star in stars:
        if not isinstance(star.parent, exp.Count):
            raise _refuse("'*' could not be expanded; list the columns.")
    return scopes


def _output_names(scope: Scope) -> list[str]:
    query = scope.expression
    if isinstance(query, exp.Lateral):
        query = query.this
    if isinstance(query, exp.Subquery):
        query = query.unnest()
    return list(query.named_selects) if isinstance(query, exp.Query) else []


def _is_output_reference(column: exp.Column, scope: Scope) -> bool:
    """An unqualified name is only allowed as a whole ORDER BY key naming an output column.

    Everywhere else an unqualified name could mean something sqlglot did not resolve (a
    whole-row reference like `SELECT t FROM t`, a pseudo-column); ORDER BY keys resolve to
    output names first on every supported dialect.
    """
    ordered = column.parent
    order = ordered.parent if isinstance(ordered, exp.Ordered) else None
    query = order.parent if isinstance(order, exp.Order) else None
    if query is not scope.expression or not isinstance(query, exp.Query):
        return False
    return column.name in query.named_selects
