"""Checking an expression tree against the catalog and building its SQL with sqlglot.

`plotboard.query.expr.parse` gives a tree whose function names are allowed; this module checks
what the tree means — column types, where aggregates may be, conditions that are yes/no — and
builds a sqlglot expression for one dialect. Columns are looked up through a `Resolver` that the
query compiler provides: it knows the catalog, joins related tables and refuses hidden columns,
so an expression can reach exactly the columns a plain spec could. Values (strings, numbers,
dates) go through `bind`, which makes them bound parameters.

Three uses, three entry points:

- `compile_measure`: an aggregate expression (``sum(amount) / count()``); every column is inside
  an aggregate.
- `compile_row`: a row-level expression (a custom column, ``amount - unit_price * quantity``); no
  aggregates.
- `compile_condition`: a row-level yes/no expression (a filter).

Division never fails: ``a / b`` is ``a * 1.0 / NULLIF(b, 0)`` (no integer division, and NULL
instead of an error when `b` is 0), so no value can be probed through a division-by-zero error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal

import sqlglot
from sqlglot import exp

from plotboard.catalog.model import ColumnType
from plotboard.query import expr as ast
from plotboard.query.expr import ExprError
from plotboard.sources import kinds

ValueType = Literal["number", "string", "boolean", "date", "null", "other"]

Resolver = Callable[[str, int], tuple[exp.Expr, ColumnType]]
"""Looks up a column reference (``amount``, ``offices.region``) at a position in the text: the
column's SQL and type, or ExprError (unknown or hidden column)."""

Binder = Callable[[object], exp.Expr]
"""Turns a value from the expression into a bound parameter (or a safe literal)."""

_TYPES: dict[str, ValueType] = {
    "integer": "number",
    "number": "number",
    "string": "string",
    "boolean": "boolean",
    "date": "date",
    "datetime": "date",
}

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_PART = "pb_part_column"


@cache
def _part_template(dialect: str, part: str) -> exp.Expr:
    kind = kinds.for_dialect(dialect)
    return sqlglot.parse_one(kind.date_parts[part].format(c=_PART), read=kind.template_dialect)


def date_part(column: exp.Expr, part: str, dialect: str) -> exp.Expr:
    """`part` (year, quarter, month, day, weekday_number, hour) of `column`, as an integer."""

    def put(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and node.name == _PART:
            return column.copy()
        return node

    return _part_template(dialect, part).copy().transform(put, copy=False)


@dataclass(frozen=True)
class Typed:
    """A checked expression: its SQL, its type, whether it aggregates, and where (positions) it
    reads a column outside any aggregate."""

    sql: exp.Expr
    type: ValueType
    aggregate: bool = False
    bare: tuple[int, ...] = ()


def _paren(node: exp.Expr) -> exp.Expr:
    """`node` in parentheses unless it is one word or one call: sqlglot renders a tree as it is
    built, so an operand that is itself an operation must carry its own parentheses."""
    atomic = (exp.Column, exp.Literal, exp.Placeholder, exp.Paren, exp.Null, exp.Boolean)
    # sqlglot's And/Or are also Func subclasses: only a real function call is atomic.
    call = isinstance(node, exp.Func) and not isinstance(node, exp.Connector | exp.Binary)
    return node if isinstance(node, atomic) or call else exp.Paren(this=node)


class _Checker:
    def __init__(self, resolve: Resolver, dialect: str, bind: Binder) -> None:
        self.resolve = resolve
        self.dialect = dialect
        self.bind = bind
        self.in_aggregate = False

    # -- values -------------------------------------------------------------------------------

    def value(self, node: ast.Node) -> Typed:
        method = getattr(self, f"_{type(node).__name__.lower()}")
        result: Typed = method(node)
        return result

    def _number(self, node: ast.Number) -> Typed:
        return Typed(self.bind(node.value), "number")

    def _string(self, node: ast.String) -> Typed:
        return Typed(self.bind(node.value), "string")

    def _boolean(self, node: ast.Boolean) -> Typed:
        return Typed(exp.Boolean(this=node.value), "boolean")

    def _null(self, node: ast.Null) -> Typed:
        return Typed(exp.Null(), "null")

    def _column(self, node: ast.Column) -> Typed:
        sql, column_type = self.resolve(node.ref, node.pos)
        bare = () if self.in_aggregate else (node.pos,)
        return Typed(sql, _TYPES.get(column_type, "other"), bare=bare)

    def _negate(self, node: ast.Negate) -> Typed:
        inner = self.expect(node.operand, "number", "'-'")
        return Typed(exp.Neg(this=_paren(inner.sql)), "number", inner.aggregate, inner.bare)

    def _binary(self, node: ast.Binary) -> Typed:
        left = self.expect(node.left, "number", f"'{node.op}'")
        right = self.expect(node.right, "number", f"'{node.op}'")
        a, b = _paren(left.sql), _paren(right.sql)
        sql: exp.Expr
        if node.op == "/":
            safe = exp.Nullif(this=b, expression=exp.Literal.number(0))
            scaled = exp.Mul(this=a, expression=exp.Literal.number("1.0"))
            sql = exp.Div(this=scaled, expression=safe)
        elif node.op == "%":
            sql = exp.Mod(this=a, expression=exp.Nullif(this=b, expression=exp.Literal.number(0)))
        else:
            kind = {"+": exp.Add, "-": exp.Sub, "*": exp.Mul}[node.op]
            sql = kind(this=a, expression=b)
        return self.combine(sql, "number", left, right)

    def _compare(self, node: ast.Compare) -> Typed:
        left, right = self.comparable(node.left, node.right, node.pos, f"'{node.op}'")
        kind = {"=": exp.EQ, "!=": exp.NEQ, "<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE}[
            node.op
        ]
        return self.combine(
            kind(this=_paren(left.sql), expression=_paren(right.sql)), "boolean", left, right
        )

    def _logical(self, node: ast.Logical) -> Typed:
        left = self.expect(node.left, "boolean", f"'{node.op}'")
        right = self.expect(node.right, "boolean", f"'{node.op}'")
        kind = exp.And if node.op == "and" else exp.Or
        return self.combine(
            kind(this=_paren(left.sql), expression=_paren(right.sql)), "boolean", left, right
        )

    def _not(self, node: ast.Not) -> Typed:
        inner = self.expect(node.operand, "boolean", "'not'")
        return Typed(exp.Not(this=_paren(inner.sql)), "boolean", inner.aggregate, inner.bare)

    def _isnull(self, node: ast.IsNull) -> Typed:
        inner = self.value(node.operand)
        sql: exp.Expr = exp.Is(this=_paren(inner.sql), expression=exp.Null())
        if node.negated:
            sql = exp.Not(this=sql)
        return Typed(sql, "boolean", inner.aggregate, inner.bare)

    def _inlist(self, node: ast.InList) -> Typed:
        operand = self.value(node.operand)
        items = [
            self.comparable(node.operand, item, item.pos, "'in'", operand)[1] for item in node.items
        ]
        sql: exp.Expr = exp.In(this=_paren(operand.sql), expressions=[i.sql for i in items])
        if node.negated:
            sql = exp.Not(this=sql)
        return self.combine(sql, "boolean", operand, *items)

    def _between(self, node: ast.Between) -> Typed:
        operand = self.value(node.operand)
        low = self.comparable(node.operand, node.low, node.low.pos, "'between'", operand)[1]
        high = self.comparable(node.operand, node.high, node.high.pos, "'between'", operand)[1]
        sql: exp.Expr = exp.Between(this=_paren(operand.sql), low=low.sql, high=high.sql)
        if node.negated:
            sql = exp.Not(this=sql)
        return self.combine(sql, "boolean", operand, low, high)

    def _case(self, node: ast.Case) -> Typed:
        parts: list[Typed] = []
        ifs = []
        result_type: ValueType = "null"
        for when, then in node.whens:
            condition = self.expect(when, "boolean", "'when'")
            value = self.value(then)
            result_type = self.same_family(result_type, value, then.pos)
            ifs.append(exp.If(this=condition.sql, true=value.sql))
            parts += [condition, value]
        default = None
        if node.default is not None:
            value = self.value(node.default)
            result_type = self.same_family(result_type, value, node.default.pos)
            default = value.sql
            parts.append(value)
        return self.combine(exp.Case(ifs=ifs, default=default), result_type, *parts)

    def _call(self, node: ast.Call) -> Typed:
        function = ast.FUNCTIONS[node.name]
        if function.kind == "aggregate":
            return self.aggregate(node)
        args = node.args
        name = node.name
        if name == "coalesce":
            values = [self.value(a) for a in args]
            result_type: ValueType = "null"
            for arg, value in zip(args, values, strict=True):
                result_type = self.same_family(result_type, value, arg.pos)
            return self.combine(
                exp.Coalesce(this=values[0].sql, expressions=[v.sql for v in values[1:]]),
                result_type,
                *values,
            )
        if name in ("round", "abs"):
            value = self.expect(args[0], "number", f"{name}()")
            if name == "abs":
                return Typed(exp.Abs(this=value.sql), "number", value.aggregate, value.bare)
            digits = 0
            if len(args) == 2:
                given = args[1]
                if not (
                    isinstance(given, ast.Number)
                    and isinstance(given.value, int)
                    and 0 <= given.value <= 10
                ):
                    raise ExprError(
                        f"round()'s decimals at position {given.pos + 1} must be a whole number "
                        "from 0 to 10.",
                        given.pos,
                    )
                digits = given.value
            number = value.sql
            if kinds.for_dialect(self.dialect).round_needs_numeric:
                # PostgreSQL rounds to decimals only for numeric, not double precision.
                number = exp.Cast(this=number, to=exp.DataType.build("NUMERIC"))
            sql = exp.Round(this=number, decimals=exp.Literal.number(digits))
            return Typed(sql, "number", value.aggregate, value.bare)
        if name in ("lower", "upper"):
            value = self.expect(args[0], "string", f"{name}()")
            kind = exp.Lower if name == "lower" else exp.Upper
            return Typed(kind(this=value.sql), "string", value.aggregate, value.bare)
        # Date parts.
        value = self.expect(args[0], "date", f"{name}()")
        if name == "month_name":
            number = date_part(value.sql, "month", self.dialect)
            return Typed(_names(number, _MONTHS), "string", value.aggregate, value.bare)
        if name == "weekday":
            number = date_part(value.sql, "weekday_number", self.dialect)
            return Typed(_names(number, _WEEKDAYS), "string", value.aggregate, value.bare)
        return Typed(
            date_part(value.sql, name, self.dialect), "number", value.aggregate, value.bare
        )

    def aggregate(self, node: ast.Call) -> Typed:
        if self.in_aggregate:
            raise ExprError(
                f"{node.name}() at position {node.pos + 1} is inside another aggregate; "
                "aggregates cannot be nested.",
                node.pos,
            )
        self.in_aggregate = True
        try:
            return self._aggregate(node)
        finally:
            self.in_aggregate = False

    def _aggregate(self, node: ast.Call) -> Typed:
        name, args = node.name, node.args
        if name == "count" and not args:
            return Typed(exp.Count(this=exp.Star()), "number", aggregate=True)
        if name == "count_if":
            condition = self.expect(args[0], "boolean", "count_if()")
            when = exp.Case(ifs=[exp.If(this=condition.sql, true=exp.Literal.number(1))])
            return Typed(exp.Count(this=when), "number", aggregate=True)
        conditional = name.endswith("_if")
        base = name.removesuffix("_if")
        if base in ("sum", "avg"):
            value = self.expect(args[0], "number", f"{name}()")
        else:
            value = self.value(args[0])
            if base in ("min", "max") and value.type not in ("number", "date", "string", "null"):
                raise ExprError(
                    f"{name}() at position {node.pos + 1} needs a number, a date or text.",
                    node.pos,
                )
        target = value.sql
        if conditional:
            condition = self.expect(args[1], "boolean", f"{name}()")
            target = exp.Case(ifs=[exp.If(this=condition.sql, true=target)])
        sql: exp.Expr
        if name == "count":
            sql = exp.Count(this=target)
        elif name == "count_distinct":
            sql = exp.Count(this=exp.Distinct(expressions=[target]))
        else:
            kind = {"sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max}[base]
            sql = kind(this=target)
        result: ValueType = "number" if name.startswith(("count", "sum", "avg")) else value.type
        return Typed(sql, result, aggregate=True)

    # -- checks -------------------------------------------------------------------------------

    def expect(self, node: ast.Node, wanted: ValueType, where: str) -> Typed:
        value = self.value(node)
        if value.type not in (wanted, "null"):
            raise ExprError(
                f"{where} needs {_A[wanted]}, but {_describe(node)} at position {node.pos + 1} "
                f"is {_A[value.type]}.",
                node.pos,
            )
        return value

    def comparable(
        self,
        left_node: ast.Node,
        right_node: ast.Node,
        pos: int,
        where: str,
        left: Typed | None = None,
    ) -> tuple[Typed, Typed]:
        left = left or self.value(left_node)
        right = self.value(right_node)
        # A date compared with 'YYYY-MM-DD' text: the text is read as a date.
        for date_side, text_node in ((left, right_node), (right, left_node)):
            if date_side.type == "date" and isinstance(text_node, ast.String):
                value = self.date_value(text_node)
                if text_node is right_node:
                    right = Typed(value, "date")
                else:
                    left = Typed(value, "date")
        if "null" not in (left.type, right.type) and left.type != right.type:
            raise ExprError(
                f"{where} at position {pos + 1} compares {_A[left.type]} with {_A[right.type]}.",
                pos,
            )
        return left, right

    def date_value(self, node: ast.String) -> exp.Expr:
        try:
            day = dt.date.fromisoformat(node.value.strip()[:10])
        except ValueError:
            raise ExprError(
                f"'{node.value}' at position {node.pos + 1} is not a date; write it as "
                "'YYYY-MM-DD', e.g. '2025-01-31'.",
                node.pos,
            ) from None
        return self.bind(day.isoformat() if kinds.for_dialect(self.dialect).dates_as_text else day)

    def same_family(self, current: ValueType, value: Typed, pos: int) -> ValueType:
        if value.type == "null":
            return current
        if current in ("null", value.type):
            return value.type
        raise ExprError(
            f"The value at position {pos + 1} is {_A[value.type]}, but the others are "
            f"{_A[current]}.",
            pos,
        )

    @staticmethod
    def combine(sql: exp.Expr, type_: ValueType, *parts: Typed) -> Typed:
        bare = tuple(p for part in parts for p in part.bare)
        return Typed(sql, type_, any(p.aggregate for p in parts), bare)


_A: dict[str, str] = {
    "number": "a number",
    "string": "text",
    "boolean": "a yes/no condition",
    "date": "a date",
    "null": "null",
    "other": "a value of another kind",
}


def _describe(node: ast.Node) -> str:
    if isinstance(node, ast.Column):
        return f"'{node.ref}'"
    if isinstance(node, ast.Call):
        return f"{node.name}()"
    if isinstance(node, ast.String):
        return f"'{node.value}'"
    return "the value"


def _names(number: exp.Expr, names: tuple[str, ...]) -> exp.Expr:
    ifs = [
        exp.If(
            this=exp.EQ(this=_paren(number.copy()), expression=exp.Literal.number(i)),
            true=exp.Literal.string(name),
        )
        for i, name in enumerate(names, start=1)
    ]
    return exp.Case(ifs=ifs)


def _literal(value: object) -> exp.Expr:
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    return exp.Literal.string(str(value))


def compile_measure(
    tree: ast.Node, resolve: Resolver, dialect: str, bind: Binder = _literal
) -> Typed:
    """An aggregate expression's SQL. Refuses row-level parts outside aggregates."""
    checker = _Checker(resolve, dialect, bind)
    result = checker.value(tree)
    if result.bare:
        pos = result.bare[0]
        raise ExprError(
            f"The column at position {pos + 1} is not summarized: wrap it in an aggregate such "
            "as sum(), avg(), min(), max() or count().",
            pos,
        )
    if not result.aggregate:
        raise ExprError(
            "A measure must summarize rows: use an aggregate such as count(), sum(amount) or "
            "avg(salary).",
            tree.pos,
        )
    return result


def compile_row(tree: ast.Node, resolve: Resolver, dialect: str, bind: Binder = _literal) -> Typed:
    """A row-level expression's SQL (a custom column). Refuses aggregates."""
    checker = _Checker(resolve, dialect, bind)
    result = checker.value(tree)
    if result.aggregate:
        raise ExprError(
            "A custom column is computed for each row, so it cannot use count(), sum() or other "
            "aggregates; make it a measure instead.",
            tree.pos,
        )
    return result


def compile_condition(
    tree: ast.Node, resolve: Resolver, dialect: str, bind: Binder = _literal
) -> Typed:
    """A row-level yes/no expression's SQL (a filter)."""
    result = compile_row(tree, resolve, dialect, bind)
    if result.type not in ("boolean", "null"):
        raise ExprError(
            f"A condition must be yes or no (e.g. amount > 100), but this is {_A[result.type]}.",
            tree.pos,
        )
    return result
