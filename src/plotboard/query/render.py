"""Turning a syntax tree into the SQL text that runs, with SQLAlchemy `text()` bind syntax.

sqlglot writes named placeholders the way each dialect's drivers like them (`%(p0)s` for
postgres, `$p0` for duckdb, `:p0` elsewhere). plotboard runs every query through SQLAlchemy's
`text()`, which wants `:p0` on every dialect and translates to the driver's paramstyle itself,
so the generator used here always writes `:name`.

`text()` does not understand SQL string literals: a literal such as `' :x'` would be taken for
a bind parameter (and, on client-side-binding drivers like pymysql, the value pasted *inside*
the literal). Colons in string literals are therefore written as `\\:`, which `text()` turns
back into a plain colon before the SQL reaches the driver. Identifiers never contain colons
(the validator refuses them) and comments are never rendered.

Identifiers are always quoted: the text then means exactly what the tree means, whatever the
dialect's rules for case folding.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel
from sqlglot.generator import Generator

#: SQLAlchemy's own patterns (sqlalchemy.sql.elements.TextClause): a bind parameter, and an
#: escaped colon that `text()` turns back into ":".
BIND_PARAM_RE = re.compile(r"(?<![:\w\x5c]):(\w+)(?!:)", re.UNICODE)
ESCAPED_COLON_RE = re.compile(r"\x5c(:[\w\$]*)(?![:\w\$])", re.UNICODE)


def _placeholder_sql(_gen: Generator, expression: exp.Placeholder) -> str:
    return f":{expression.name}"


@cache
def _dialect(dialect: str) -> Dialect:
    return Dialect.get_or_raise(dialect)


@cache
def _dispatch(dialect: str) -> dict[type[exp.Expr], Callable[..., str]]:
    """The dialect generator's table of writers (node class -> function), with placeholders
    written `:name` and colons in string literals escaped.

    sqlglot's generator looks every node's writer up in this table (`Generator._dispatch`,
    built from its TRANSFORMS and `*_sql` methods). Replacing the table on the instance,
    rather than subclassing the generator, also works with sqlglot's compiled build (the
    `sqlglotc` wheels, mypyc), whose classes can't be subclassed from Python.
    """
    table: dict[type[exp.Expr], Callable[..., str]] = dict(
        _dialect(dialect).generator_class(dialect=_dialect(dialect))._dispatch
    )
    base_literal = table[exp.Literal]

    def literal_sql(gen: Generator, expression: exp.Literal) -> str:
        text = base_literal(gen, expression)
        return text.replace(":", "\\:") if expression.is_string else text

    table[exp.Placeholder] = _placeholder_sql
    table[exp.Literal] = literal_sql
    return table  # shared by every generator of the dialect: never changed after this


def render(expression: exp.Expr, dialect: str, *, copy: bool = True) -> str:
    """The SQL for `expression` in `dialect`, ready for `sqlalchemy.text()`.

    Placeholders come out as `:name`, identifiers quoted, comments dropped. Raises sqlglot's
    `UnsupportedError` rather than writing SQL the dialect cannot express.

    sqlglot's generator may rewrite parts of the tree it writes (moving CTEs to the top, for
    example), so it works on a copy; `copy=False` spares the copy of a tree that is written
    once and then dropped (the text is what counts).
    """
    generator = _dialect(dialect).generator_class(
        dialect=_dialect(dialect),
        identify=True,
        comments=False,
        unsupported_level=ErrorLevel.RAISE,
    )
    generator._dispatch = _dispatch(dialect)
    return generator.generate(expression, copy=copy)


def as_sent(sql: str) -> str:
    """`sql` as `text()` hands it over, but with bind parameters still written `:name`.

    The checker re-parses this form, so it checks the statement the database will receive.
    """
    return ESCAPED_COLON_RE.sub(lambda m: m.group(1), sql)


def bind_names(sql: str) -> list[str]:
    """The bind parameter names `text()` will find in `sql`, in order, repeats included."""
    return BIND_PARAM_RE.findall(sql)
