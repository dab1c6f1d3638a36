"""plotboard's small expression language: parsing into an allow-listed tree.

Calculated measures (``sum(amount) / count()``), custom columns (``amount - unit_price *
quantity``, ``case when salary >= 100000 then 'High' else 'Other' end``) and conditions
(``count_if(is_remote)``, ``sum_if(amount, category = 'Software')``) are written in this
language by end users, the builder and the AI. It is parsed here — never pasted into SQL — into
a tree of the node classes below, in which every function name has been checked against
`FUNCTIONS`; `plotboard.query.expr_compile` then checks columns and types against the catalog
and builds the SQL with sqlglot.

The grammar, loosest binding first::

    expr       := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := sum [("=" | "!=" | "<>" | "<" | "<=" | ">" | ">=") sum
                      | "is" ["not"] "null" | ["not"] "in" "(" expr ("," expr)* ")"
                      | ["not"] "between" sum "and" sum]
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/" | "%") unary)*
    unary      := "-" unary | primary
    primary    := number | 'string' | true | false | null | "(" expr ")"
                | "case" ("when" expr "then" expr)+ ["else" expr] "end"
                | name "(" [expr ("," expr)*] ")" | column
    column     := name ("." name)*    with name := [A-Za-z_][A-Za-z0-9_]* | "quoted name"

Keywords and function names are case-insensitive. Strings use single quotes ('' for a quote).

>>> parse("sum(amount) / count()")
Binary(pos=12, op='/', left=Call(pos=0, name='sum', args=(Column(pos=4, path=('amount',)),)), \
right=Call(pos=14, name='count', args=()))
>>> parse("sum(amount")
Traceback (most recent call last):
...
plotboard.query.expr.ExprError: Expected ')' at position 11, after 'sum(amount'.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import Literal

MAX_LENGTH = 2000
"""Longest expression text, in characters."""
MAX_NODES = 300
"""Most nodes in one expression's tree."""
MAX_DEPTH = 40
"""Deepest nesting (parentheses, calls, operators) of one expression."""

FunctionKind = Literal["aggregate", "scalar"]


@dataclass(frozen=True)
class Function:
    """An allowed function: its kind and how many arguments it takes (`max_args` None: any)."""

    kind: FunctionKind
    min_args: int
    max_args: int | None
    help: str


FUNCTIONS: dict[str, Function] = {
    # Aggregates.
    "count": Function("aggregate", 0, 1, "count() counts rows, count(col) rows where col is set"),
    "count_distinct": Function("aggregate", 1, 1, "count_distinct(col): how many different values"),
    "sum": Function("aggregate", 1, 1, "sum(number)"),
    "avg": Function("aggregate", 1, 1, "avg(number)"),
    "min": Function("aggregate", 1, 1, "min(col)"),
    "max": Function("aggregate", 1, 1, "max(col)"),
    "count_if": Function("aggregate", 1, 1, "count_if(condition): rows where it holds"),
    "sum_if": Function("aggregate", 2, 2, "sum_if(number, condition)"),
    "avg_if": Function("aggregate", 2, 2, "avg_if(number, condition)"),
    "min_if": Function("aggregate", 2, 2, "min_if(col, condition)"),
    "max_if": Function("aggregate", 2, 2, "max_if(col, condition)"),
    # Row-level functions.
    "coalesce": Function("scalar", 2, None, "coalesce(a, b, ...): the first value that is set"),
    "round": Function("scalar", 1, 2, "round(number) or round(number, decimals)"),
    "abs": Function("scalar", 1, 1, "abs(number)"),
    "lower": Function("scalar", 1, 1, "lower(text)"),
    "upper": Function("scalar", 1, 1, "upper(text)"),
    "year": Function("scalar", 1, 1, "year(date): e.g. 2025"),
    "quarter": Function("scalar", 1, 1, "quarter(date): 1 to 4"),
    "month": Function("scalar", 1, 1, "month(date): 1 to 12"),
    "month_name": Function("scalar", 1, 1, "month_name(date): January to December"),
    "day": Function("scalar", 1, 1, "day(date): day of the month, 1 to 31"),
    "weekday": Function("scalar", 1, 1, "weekday(date): Monday to Sunday"),
    "weekday_number": Function("scalar", 1, 1, "weekday_number(date): 1 (Monday) to 7 (Sunday)"),
    "hour": Function("scalar", 1, 1, "hour(datetime): 0 to 23"),
}

KEYWORDS = frozenset(
    {"and", "or", "not", "is", "null", "in", "between", "case", "when", "then", "else", "end",
     "true", "false"}
)


class ExprError(ValueError):
    """An expression that cannot be used, with a message that says where and why.

    `position` is the 0-based offset in the text (the message says it 1-based, as people
    count), or None when the problem is the expression as a whole.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


# --- the tree -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    pos: int


@dataclass(frozen=True)
class Number(Node):
    value: int | float


@dataclass(frozen=True)
class String(Node):
    value: str


@dataclass(frozen=True)
class Boolean(Node):
    value: bool


@dataclass(frozen=True)
class Null(Node):
    pass


@dataclass(frozen=True)
class Column(Node):
    """A column (``amount``), a related table's column (``offices.region``) or a custom column."""

    path: tuple[str, ...]

    @property
    def ref(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Negate(Node):
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    """Arithmetic: ``+ - * / %``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(Node):
    """``= != < <= > >=`` (``<>`` is read as ``!=``)."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Logical(Node):
    op: Literal["and", "or"]
    left: Node
    right: Node


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class IsNull(Node):
    operand: Node
    negated: bool


@dataclass(frozen=True)
class InList(Node):
    operand: Node
    items: tuple[Node, ...]
    negated: bool


@dataclass(frozen=True)
class Between(Node):
    operand: Node
    low: Node
    high: Node
    negated: bool


@dataclass(frozen=True)
class Case(Node):
    whens: tuple[tuple[Node, Node], ...]
    default: Node | None


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


# --- reading the text -----------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>--|/\*)
  | (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>'(?:[^']|'')*')
  | (?P<unclosed>'(?:[^']|'')*$)
  | (?P<quoted>"[^"]+")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|!=|<>|[-+*/%=<>(),.])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # number | string | name | quoted | op | end
    text: str
    pos: int

    @property
    def word(self) -> str:
        return self.text.lower() if self.kind == "name" else ""


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`, ending with an `end` token; ExprError on a stray character."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ExprError(
                f"Unexpected character {text[pos]!r} at position {pos + 1}.", position=pos
            )
        kind = match.lastgroup or ""
        if kind == "comment":
            raise ExprError(
                f"Comments ({match.group()}) are not part of expressions (position {pos + 1}).",
                position=pos,
            )
        if kind == "unclosed":
            raise ExprError(
                f"The text starting at position {pos + 1} has no closing quote (').",
                position=pos,
            )
        if kind != "space":
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.nodes = 0
        self.depth = 0

    # -- helpers ------------------------------------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def at_word(self, *words: str) -> bool:
        return self.token.kind == "name" and self.token.word in words

    def at_op(self, *ops: str) -> bool:
        return self.token.kind == "op" and self.token.text in ops

    def expect_op(self, op: str) -> Token:
        if not self.at_op(op):
            raise self.error(f"Expected '{op}'")
        return self.advance()

    def expect_word(self, word: str) -> Token:
        if not self.at_word(word):
            raise self.error(f"Expected '{word}'")
        return self.advance()

    def error(self, what: str) -> ExprError:
        token = self.token
        before = self.text[: token.pos].rstrip()
        tail = before[-30:]
        context = f", after '{tail}'" if tail else ""
        if token.kind == "end":
            return ExprError(f"{what} at position {token.pos + 1}{context}.", token.pos)
        return ExprError(
            f"{what} at position {token.pos + 1}, found '{token.text}'{context}.", token.pos
        )

    def made(self, node: Node) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExprError(
                f"This expression is too long (more than {MAX_NODES} parts); split it into "
                "custom columns.",
                node.pos,
            )
        return node

    # -- grammar ------------------------------------------------------------------------------

    def parse(self) -> Node:
        if self.token.kind == "end":
            raise ExprError("The expression is empty.", 0)
        node = self.expr()
        if self.token.kind != "end":
            raise self.error("Unexpected text")
        return node

    def expr(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(
                f"This expression is nested too deeply (more than {MAX_DEPTH} levels).",
                self.token.pos,
            )
        try:
            return self.or_()
        finally:
            self.depth -= 1

    def or_(self) -> Node:
        node = self.and_()
        while self.at_word("or"):
            pos = self.advance().pos
            node = self.made(Logical(pos, "or", node, self.and_()))
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.at_word("and"):
            pos = self.advance().pos
            node = self.made(Logical(pos, "and", node, self.not_()))
        return node

    def not_(self) -> Node:
        if self.at_word("not"):
            pos = self.advance().pos
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExprError("This expression is nested too deeply.", pos)
            try:
                return self.made(Not(pos, self.not_()))
            finally:
                self.depth -= 1
        return self.comparison()

    def comparison(self) -> Node:
        node = self.sum_()
        if self.at_op("=", "!=", "<>", "<", "<=", ">", ">="):
            token = self.advance()
            op = "!=" if token.text == "<>" else token.text
            return self.made(Compare(token.pos, op, node, self.sum_()))
        if self.at_word("is"):
            pos = self.advance().pos
            negated = bool(self.at_word("not") and self.advance())
            self.expect_word("null")
            return self.made(IsNull(pos, node, negated))
        negated = False
        if self.at_word("not") and self.tokens[self.i + 1].word in ("in", "between"):
            self.advance()
            negated = True
        if self.at_word("in"):
            pos = self.advance().pos
            self.expect_op("(")
            items = [self.expr()]
            while self.at_op(","):
                self.advance()
                items.append(self.expr())
            self.expect_op(")")
            return self.made(InList(pos, node, tuple(items), negated))
        if self.at_word("between"):
            pos = self.advance().pos
            low = self.sum_()
            self.expect_word("and")
            return self.made(Between(pos, node, low, self.sum_(), negated))
        return node

    def sum_(self) -> Node:
        node = self.product()
        while self.at_op("+", "-"):
            token = self.advance()
            node = self.made(Binary(token.pos, token.text, node, self.product()))
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.at_op("*", "/", "%"):
            token = self.advance()
            node = self.made(Binary(token.pos, token.text, node, self.unary()))
        return node

    def unary(self) -> Node:
        if self.at_op("-"):
            pos = self.advance().pos
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExprError("This expression is nested too deeply.", pos)
            try:
                return self.made(Negate(pos, self.unary()))
            finally:
                self.depth -= 1
        if self.at_op("+"):
            self.advance()
            return self.unary()
        return self.primary()

    def primary(self) -> Node:
        token = self.token
        if token.kind == "number":
            self.advance()
            text = token.text
            value: int | float = int(text) if text.isdigit() and len(text) <= 18 else float(text)
            if not math.isfinite(value) or abs(value) > 1e300:
                raise ExprError(f"The number at position {token.pos + 1} is too large.", token.pos)
            return self.made(Number(token.pos, value))
        if token.kind == "string":
            self.advance()
            return self.made(String(token.pos, token.text[1:-1].replace("''", "'")))
        if self.at_op("("):
            self.advance()
            node = self.expr()
            self.expect_op(")")
            return node
        if token.kind == "quoted":
            return self.column()
        if token.kind != "name":
            raise self.error("Expected a value, a column or a function")
        word = token.word
        if word in ("true", "false"):
            self.advance()
            return self.made(Boolean(token.pos, word == "true"))
        if word == "null":
            self.advance()
            return self.made(Null(token.pos))
        if word == "case":
            return self.case()
        if self.tokens[self.i + 1].kind == "op" and self.tokens[self.i + 1].text == "(":
            return self.call()
        if word in KEYWORDS:
            raise self.error("Expected a value, a column or a function")
        return self.column()

    def case(self) -> Node:
        pos = self.advance().pos
        whens: list[tuple[Node, Node]] = []
        while self.at_word("when"):
            self.advance()
            condition = self.expr()
            self.expect_word("then")
            whens.append((condition, self.expr()))
        if not whens:
            raise self.error("Expected 'when' after 'case'")
        default = None
        if self.at_word("else"):
            self.advance()
            default = self.expr()
        self.expect_word("end")
        return self.made(Case(pos, tuple(whens), default))

    def call(self) -> Node:
        token = self.advance()
        name = token.word
        function = FUNCTIONS.get(name)
        if function is None:
            hint = _closest(name, FUNCTIONS)
            raise ExprError(
                f"'{token.text}' at position {token.pos + 1} is not a function plotboard "
                f"knows.{hint} Functions: {', '.join(sorted(FUNCTIONS))}.",
                token.pos,
            )
        self.expect_op("(")
        args: list[Node] = []
        if not self.at_op(")"):
            args.append(self.expr())
            while self.at_op(","):
                self.advance()
                args.append(self.expr())
        self.expect_op(")")
        if len(args) < function.min_args or (
            function.max_args is not None and len(args) > function.max_args
        ):
            raise ExprError(
                f"{name}() at position {token.pos + 1} takes "
                f"{_arity(function)}: {function.help}.",
                token.pos,
            )
        return self.made(Call(token.pos, name, tuple(args)))

    def column(self) -> Node:
        pos = self.token.pos
        parts = [self.name_part()]
        while self.at_op("."):
            self.advance()
            parts.append(self.name_part())
        if len(parts) > 3:
            raise ExprError(f"The column name at position {pos + 1} has too many parts.", pos)
        return self.made(Column(pos, tuple(parts)))

    def name_part(self) -> str:
        token = self.token
        if token.kind == "quoted":
            self.advance()
            return token.text[1:-1]
        if token.kind == "name" and token.word not in KEYWORDS:
            self.advance()
            return token.text
        raise self.error("Expected a column name")


def _arity(function: Function) -> str:
    low, high = function.min_args, function.max_args
    if high is None:
        return f"at least {low} arguments"
    if low == high:
        return f"{low} argument{'s' if low != 1 else ''}"
    return f"{low} to {high} arguments"


def _closest(name: str, names: dict[str, Function]) -> str:
    matches = difflib.get_close_matches(name, list(names), n=1, cutoff=0.6)
    return f" Did you mean {matches[0]}()?" if matches else ""


def parse(text: str) -> Node:
    """The tree of `text`, or ExprError saying what is wrong and where."""
    if not isinstance(text, str):
        raise ExprError("An expression must be text.")
    if len(text) > MAX_LENGTH:
        raise ExprError(f"This expression is longer than {MAX_LENGTH} characters.")
    return _Parser(text).parse()
