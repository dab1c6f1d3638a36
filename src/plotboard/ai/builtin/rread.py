"""A question written as an R dplyr pipeline ("sales %>% filter(year(sale_date) == 2024) %>%
count(sales_region)"): read into a query spec, stage by stage.

Nothing is ever evaluated: a small tokenizer and parser turn the pipeline into a tree (the
text after the pipeline's table up to its last call; the prose around it is read apart), with
caps on its length, its tokens and its nesting, and the tree is walked. Only the common
stages are read, `%>%` or `|>` between them:

* `filter(...)`: ==, !=, <, >, <=, >=, `%in% c(...)` / `a:b`, `between()`, `is.na()`, `!`, `&`,
  `|`; dates as "2024-07-01", `as.Date()` / `ymd()`, `today()` with `floor_date()` and
  `- months(1)`; `year(d) == 2024`, `month(d)`, `quarter(d)`; after a total, a bound on it (a
  having);
* `group_by(...)` (a column, `floor_date(d, "month")`, `year(d)`, `month(d)`, `cut(x, 5)`),
  `summarise` / `summarize` (`n()`, `n_distinct`, `sum`, `mean`, `min`, `max`, `median`, and
  a total over another: `sum(a) / sum(b)`), `count(..., sort = TRUE, name =, wt =)`,
  `tally()`, `nrow()`;
* `mutate`: before a total a named part of a row (`yr = year(d)`, `band = cut(x, 4)`), after
  it a share (`n / sum(n) * 100`), a running total (`cumsum(x)`) or a ratio of two totals;
* `arrange(desc(x))`, `slice_max(x, n = 5)`, `slice_min`, `slice_head(n = 5)`, `top_n(5, x)`,
  `head(5)`: in each group when the totals are still grouped;
* `select(a, b)` (a listing) and `anti_join(other, by = "key")` (rows with no match).

Any other part makes the pipeline unusable, and it is named (`RUnread`) rather than answered as
something else; a table or a column the data does not have is named too (`RUnknown`).
Misspelt stages, functions, tables and columns ("fitler", "gruop_by", "departmnet") are read as
the one name they are a slip of, and said (`RPipeline.repaired`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from plotboard.ai.builtin.lexer import TWO_TYPOS_FROM, edits
from plotboard.ai.builtin.pdread import UNPRINTABLE
from plotboard.ai.builtin.text import fold
from plotboard.ai.builtin.timewords import DateRange, add_months, match_time, period_of

#: The longest pipeline read (the prose around it may be longer).
MAX_CHARS = 2000
_MAX_TOKENS = 600
_MAX_DEPTH = 30
#: The most values an `a:b` range or a `c(...)` list may hold.
_MAX_VALUES = 1000

_PIPE = re.compile(r"%>%|\|>")
#: The table right before the first pipe.
_TABLE_BEFORE = re.compile(r"([A-Za-z][A-Za-z0-9._]{0,80})\s*$")
#: An assignment before the pipeline ("top <- sales %>% ..."): no part of the question.
_ASSIGNED = re.compile(r"[A-Za-z.][A-Za-z0-9._]{0,80}\s*(?:<-|=)\s*$")
#: A label before the pipeline that only frames it ("new one:", "R:", "dplyr -").
_LABEL = re.compile(
    r"^\s*(?:(?:new|next|another|other|different|r|dplyr|tidyverse|code|query|question|q|one|"
    r"now|ok|okay|also|and|then)\s*){1,4}[:\-\u2013\u2014]\s*$",
    re.I,
)

_WORD = re.compile(r"[A-Za-z.][A-Za-z0-9._]{0,80}")
_NUMBER = re.compile(r"(?:\d{1,20}(?:\.\d{0,20})?|\.\d{1,20})(?:[eE][+-]?\d{1,3})?L?")
_OPERATORS = (
    "%>%", "%in%", "%m-%", "%m+%", "%/%", "%%", "|>", "::", "<-", "->", "==", "!=", ">=", "<=",
    "&&", "||",
)
_SINGLE = "-+*/^<>!&|~:=$@?"
_BINARY = {
    "|": 1, "||": 1, "&": 2, "&&": 2,
    "==": 4, "!=": 4, "<": 4, ">": 4, "<=": 4, ">=": 4,
    "+": 5, "-": 5, "*": 6, "/": 6,
    "%>%": 7, "|>": 7, "%in%": 7, "%%": 7, "%/%": 7, "%m-%": 7, "%m+%": 7,
    ":": 8, "^": 10,
}
_COMPARE = {"==": "eq", "!=": "neq", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
_FLIP = {"gt": "lt", "lt": "gt", "gte": "lte", "lte": "gte", "eq": "eq", "neq": "neq"}
_NEGATE = {"eq": "neq", "neq": "eq", "gt": "lte", "gte": "lt", "lt": "gte", "lte": "gt"}

#: The stages read, and the functions read inside them (for typo repair).
_STAGES = frozenset({
    "filter", "group_by", "summarise", "summarize", "count", "tally", "nrow", "mutate",
    "arrange", "slice_max", "slice_min", "slice_head", "slice_tail", "top_n", "head",
    "select", "anti_join", "ungroup",
})
_FUNCTIONS = frozenset({
    "n", "n_distinct", "sum", "mean", "min", "max", "median", "desc", "year", "month",
    "quarter", "floor_date", "today", "as.Date", "as_date", "ymd", "months", "years", "weeks",
    "days", "between", "is.na", "cut", "cumsum", "c", "round", "prop.table", "join_by",
    "Sys.Date",
})
_CONSTANTS = {"TRUE": True, "T": True, "FALSE": False, "F": False}
_AGGS = {"sum": "sum", "mean": "avg", "min": "min", "max": "max", "median": "avg"}
_UNITS = {
    "day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
    "months": "month", "quarter": "quarter", "quarters": "quarter", "year": "year",
    "years": "year",
}
_GENERIC = frozenset({"df", "data", "dat", "tbl"})
_ISO_DAY = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


class RUnread(Exception):
    """A part of an R pipeline that has no place in a query spec; `part` is it, as written."""

    def __init__(self, part: str):
        super().__init__(part)
        self.part = part[:80]


class RUnknown(Exception):
    """A table (`table` None) or a column of `table` that the data does not have."""

    def __init__(self, name: str, table: str | None = None):
        super().__init__(name)
        self.name = name[:80]
        self.table = table


@dataclass(frozen=True)
class TableInfo:
    """What the reader knows of one table: its columns and their types ("date", "number",
    ...), its date column, the tables its foreign keys point at (with their columns) and the
    known values of its text columns."""

    columns: Mapping[str, str]
    date: str | None = None
    links: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class RPipeline:
    """A pipeline read: its spec (JSON), the shapes a spec's measure cannot say by itself,
    the names repaired and what else was assumed, and the prose around it."""

    spec: dict[str, Any]
    share: bool = False
    share_within: str | None = None  # the first dimension, when the share is of each group
    cumulative: bool = False
    overs: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # ratios
    repaired: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    prose: str = ""


# -- finding and tokenizing ------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # name, num, str, op, punct
    text: str
    start: int
    end: int


def find_pipeline(message: str) -> tuple[str, str, str] | None:
    """(prose before, the pipeline, prose after) of `message`, None when it holds none: a
    name, a pipe and a call ("sales %>% count(", "employees |> filter(")."""
    text = UNPRINTABLE.sub("", message)
    pipe = _PIPE.search(text)
    if pipe is None:
        return None
    window = max(0, pipe.start() - 90)
    table = _TABLE_BEFORE.search(text[window : pipe.start()])
    after = _WORD.match(text, _skip_space(text, pipe.end()))
    if table is None or after is None or not text.startswith("(", _skip_space(text, after.end())):
        return None
    start = window + table.start(1)
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._$@"):
        return None
    tokens = _tokens(text, start)
    end = tokens[-1].end
    return text[:start], text[start:end], text[end:]


def _skip_space(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in " \t\r\n":
        i += 1
    return i


def _tokens(text: str, start: int) -> list[_Token]:
    """The tokens of the pipeline starting at `start`: up to the first place, outside
    brackets, where a complete call or name is followed by anything but a pipe or a call's
    bracket. Raises `RUnread` for an unclosed quote or bracket, a character no pipeline holds
    or a pipeline too long."""
    tokens: list[_Token] = []
    depth = 0
    operand = True  # an operand is expected next
    i = start
    n = len(text)
    limit = start + MAX_CHARS
    while True:
        i = _skip_space(text, i)
        if i < n and text[i] == "#" and depth > 0:
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
            continue
        if i >= n:
            break
        if i >= limit or len(tokens) >= _MAX_TOKENS:
            raise RUnread("a pipeline this long")
        c = text[i]
        if depth == 0 and not operand and not (
            c == "(" or text.startswith(("%>%", "|>", "::"), i)
        ):
            break
        if c in "\"'`":
            close = i + 1
            while True:
                close = text.find(c, close)
                if close < 0 or close >= limit:
                    raise RUnread(text[i : i + 20] + " (an unclosed quote)")
                backslashes = 0
                while text[close - 1 - backslashes] == "\\":
                    backslashes += 1
                if backslashes % 2 == 0:
                    break
                close += 1
            body = text[i + 1 : close].replace("\\" + c, c)
            tokens.append(_Token("name" if c == "`" else "str", body, i, close + 1))
            i = close + 1
            operand = False
            continue
        if c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            m = _NUMBER.match(text, i)
            assert m is not None
            tokens.append(_Token("num", m.group(0), i, m.end()))
            i = m.end()
            operand = False
            continue
        m = _WORD.match(text, i)
        if m is not None:
            if m.end() < n and (text[m.end()].isalnum() or text[m.end()] in "._"):
                raise RUnread(text[i : i + 40])
            tokens.append(_Token("name", m.group(0), i, m.end()))
            i = m.end()
            operand = False
            continue
        if c in "()[]{},":
            if c in "([{":
                depth += 1
                operand = True
            elif c in ")]}":
                depth -= 1
                if depth < 0:
                    raise RUnread(c + " (a bracket never opened)")
                operand = False
            else:
                operand = True
            tokens.append(_Token("punct", c, i, i + 1))
            i += 1
            continue
        op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
        if op is None and c == "%":
            close = text.find("%", i + 1, i + 12)
            op = text[i : close + 1] if close > 0 else None
        if op is None and c in _SINGLE:
            op = c
        if op is None:
            raise RUnread(text[i : i + 20])
        tokens.append(_Token("op", op, i, i + len(op)))
        i += len(op)
        operand = True
    if depth > 0:
        raise RUnread(text[start : start + 60] + " (an unclosed bracket)")
    if not tokens:
        raise RUnread(text[start : start + 60])
    return tokens


# -- parsing ---------------------------------------------------------------------------------


@dataclass
class _Node:
    kind: str  # name, num, str, call, op, unary
    text: str  # the name, the literal's text, the function or the operator
    args: list[tuple[str | None, _Node]]
    start: int
    end: int


class _Parser:
    def __init__(self, text: str, tokens: list[_Token]):
        self.text = text
        self.tokens = tokens
        self.at = 0
        self.depth = 0

    def part(self, node: _Node) -> str:
        return self.text[node.start : node.end]

    def peek(self, offset: int = 0) -> _Token | None:
        at = self.at + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def fail(self, token: _Token | None = None) -> RUnread:
        if token is None:
            return RUnread(self.text[-40:])
        return RUnread(self.text[token.start : token.start + 40])

    def take(self, kind: str, text: str | None = None) -> _Token:
        token = self.peek()
        if token is None or token.kind != kind or (text is not None and token.text != text):
            raise self.fail(token)
        self.at += 1
        return token

    def whole(self) -> _Node:
        node = self.expression(0)
        if self.peek() is not None:
            raise self.fail(self.peek())
        return node

    def expression(self, floor: int) -> _Node:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise RUnread(self.text[:40] + " (nested too deep)")
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token.kind != "op":
                break
            rank = _BINARY.get(token.text)
            if rank is None:
                if token.text == "=" :
                    break
                raise self.fail(token)
            if rank <= floor and not (token.text == "^" and rank == floor):
                break
            self.at += 1
            right = self.expression(rank - 1 if token.text == "^" else rank)
            if rank == 4 and right.kind == "op" and _BINARY.get(right.text) == 4:
                raise self.fail(token)  # "a < b < c" is no R
            left = _Node("op", token.text, [(None, left), (None, right)], left.start, right.end)
        self.depth -= 1
        return left

    def unary(self) -> _Node:
        token = self.peek()
        if token is not None and token.kind == "op" and token.text in ("!", "-", "+"):
            self.at += 1
            self.depth += 1
            if self.depth > _MAX_DEPTH:
                raise RUnread(self.text[:40] + " (nested too deep)")
            operand = self.expression(3 if token.text == "!" else 9)
            self.depth -= 1
            if token.text == "+":
                return operand
            return _Node("unary", token.text, [(None, operand)], token.start, operand.end)
        return self.primary()

    def primary(self) -> _Node:
        token = self.peek()
        if token is None:
            raise self.fail(None)
        self.at += 1
        if token.kind == "num":
            return _Node("num", token.text, [], token.start, token.end)
        if token.kind == "str":
            return _Node("str", token.text, [], token.start, token.end)
        if token.kind == "punct" and token.text == "(":
            inner = self.expression(0)
            close = self.take("punct", ")")
            return _Node(inner.kind, inner.text, inner.args, token.start, close.end)
        if token.kind != "name":
            raise self.fail(token)
        name, start = token, token.start
        after = self.peek()
        if after is not None and after.kind == "op" and after.text == "::":
            self.at += 1
            name = self.take("name")  # "lubridate::floor_date": the function itself
        after = self.peek()
        if after is None or after.kind != "punct" or after.text != "(":
            return _Node("name", name.text, [], start, name.end)
        self.at += 1
        args: list[tuple[str | None, _Node]] = []
        while True:
            token = self.peek()
            if token is not None and token.kind == "punct" and token.text == ")":
                self.at += 1
                return _Node("call", name.text, args, start, token.end)
            if args:
                self.take("punct", ",")
            key: str | None = None
            nxt = self.peek(1)
            token = self.peek()
            if (
                token is not None and token.kind in ("name", "str")
                and nxt is not None and nxt.kind == "op" and nxt.text == "="
            ):
                key = token.text
                self.at += 2
            self.depth += 1
            if self.depth > _MAX_DEPTH:
                raise RUnread(self.text[:40] + " (nested too deep)")
            args.append((key, self.expression(0)))
            self.depth -= 1


# -- reading -----------------------------------------------------------------------------------


@dataclass
class _Dim:
    column: str
    grain: str | None = None
    bin: dict[str, int | float] | None = None
    part: str | None = None  # "month" / "quarter": of the year, read as a grain in one year
    said: str = ""

    @property
    def alias(self) -> str:
        return f"{self.column}_{self.grain}" if self.grain else self.column


@dataclass
class _Measure:
    spec: dict[str, Any]
    over: dict[str, Any] | None = None

    @property
    def alias(self) -> str:
        column = self.spec.get("column")
        return "count" if column is None else f"{self.spec['agg']}_{column}"


class _State:
    def __init__(self, table: str):
        self.table = table
        self.filters: list[dict[str, Any]] = []
        self.derived: dict[str, _Node] = {}
        self.groups: list[_Dim] = []
        self.dims: list[_Dim] | None = None  # set by a total
        self.measures: list[_Measure] = []
        self.names: dict[str, int] = {}  # a total's name -> its measure
        self.still: list[int] = []  # the dims the totals are still grouped by
        self.having: list[dict[str, Any]] = []
        self.order: list[dict[str, Any]] = []
        self.limit: int | None = None
        self.limit_per: str | None = None
        self.select: list[str] = []
        self.share: int | None = None
        self.share_within: str | None = None
        self.cumulative: int | None = None
        self.counted = False  # nrow(): the rows counted, whatever their groups
        self.columns: list[dict[str, str]] = []  # computed columns (month(d) == 3)
        self.parts: set[int] = set()  # totals only there to be divided (`mutate(r = a / b)`)


class _Reader:
    def __init__(self, text: str, parser: _Parser, today: dt.date,
                 tables: Mapping[str, TableInfo], table: str):
        self.text = text
        self.parser = parser
        self.today = today
        self.tables = tables
        self.info = tables[table]
        self.state = _State(table)
        self.repaired: list[tuple[str, str]] = []
        self.notes: list[str] = []

    def unread(self, node: _Node) -> RUnread:
        self.check_names(node)
        return RUnread(self.parser.part(node))

    def check_names(self, node: _Node) -> None:
        """Raise `RUnknown` for the first name in `node` that is no column, no name the
        pipeline gave and no function (a part unread because the data lacks a column is
        named as that column)."""
        stack = [node]
        seen = 0
        while stack and seen < 500:
            seen += 1
            item = stack.pop()
            if item.kind == "name" and item.text not in _CONSTANTS and item.text not in (
                "Inf", "NA", "NULL", "."
            ) and not self.is_given(item.text):
                self.column(item)
            stack.extend(child for _, child in reversed(item.args))

    # -- names ---------------------------------------------------------------------------
    def function(self, node: _Node, known: frozenset[str]) -> str:
        name = node.text
        if name in known:
            return name
        lowered = name.lower()
        found = _closest(lowered, known)
        if found is None:
            return name
        self.repaired.append((name, found))
        node.text = found
        return found

    def column(self, node: _Node) -> str:
        """The column a name is (a name the pipeline gave is not one)."""
        if node.kind != "name":
            raise self.unread(node)
        name = node.text
        columns = self.info.columns
        if name in columns:
            return name
        lowered = {c.lower(): c for c in columns}
        if name.lower() in lowered:
            return lowered[name.lower()]
        found = _closest(name.lower(), frozenset(lowered))
        if found is None:
            raise RUnknown(name, self.state.table)
        self.repaired.append((name, lowered[found]))
        node.text = lowered[found]
        return lowered[found]

    def expand(self, node: _Node) -> _Node:
        """A name the pipeline gave a row-level part (`yr = year(sale_date)`): that part."""
        seen = 0
        while node.kind == "name" and node.text in self.state.derived and seen < 20:
            node = self.state.derived[node.text]
            seen += 1
        return node

    # -- the pipeline ----------------------------------------------------------------------
    def read(self, stages: list[_Node]) -> None:
        for stage in stages:
            if stage.kind == "name":
                stage = _Node("call", stage.text, [], stage.start, stage.end)
            if stage.kind != "call":
                raise self.unread(stage)
            verb = self.function(stage, _STAGES)
            args = [(k, v) for k, v in stage.args if not (k is None and v.kind == "name"
                                                          and v.text == ".")]
            getattr(self, "stage_" + verb, self.stage_other)(stage, args)

    def stage_other(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        raise RUnread(self.parser.part(stage))

    def stage_filter(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        state = self.state
        for key, node in args:
            if key is not None:
                raise self.unread(node)
            if state.dims is not None:
                self.after_total(node)
            else:
                if self.is_total(node):
                    raise self.unread(node)
                state.filters.extend(self.condition(node))

    def stage_group_by(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        state = self.state
        if state.dims is not None:
            # After a total: which of its breakdowns the next steps work within.
            still = []
            for key, node in args:
                found = [i for i, d in enumerate(state.dims) if node.kind == "name"
                         and key is None and node.text in (d.said, d.column, d.alias)]
                if not found:
                    raise self.unread(node)
                still.append(found[0])
            state.still = still
            return
        if state.limit is not None or state.select:
            raise self.unread(stage)
        state.groups = [self.dim(key, node) for key, node in args if key != ".add"]

    def stage_ungroup(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        if args:
            raise self.unread(stage)
        if self.state.dims is None:
            self.state.groups = []
        self.state.still = []

    def stage_summarise(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        state = self.state
        self.start_total(stage)
        groups = list(state.groups)
        drop = "drop_last"
        measures: list[tuple[str | None, _Node]] = []
        for key, node in args:
            if key == ".groups" and node.kind == "str":
                drop = node.text
            elif key == ".by":
                by = node.args if node.kind == "call" and node.text == "c" else [(None, node)]
                groups = [self.dim(k, n) for k, n in by]
            else:
                measures.append((key, node))
        if not measures:
            raise self.unread(stage)
        state.dims = groups
        for key, node in measures:
            self.add_measure(key, node)
        if drop == "drop_last":
            state.still = list(range(len(groups) - 1))
        elif drop == "keep":
            state.still = list(range(len(groups)))
        else:
            state.still = []

    stage_summarize = stage_summarise

    def stage_count(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        state = self.state
        self.start_total(stage)
        groups = list(state.groups)
        kept = len(groups)
        name, weight, ordered = "n", None, False
        for key, node in args:
            if key == "sort":
                ordered = self.flag(node)
            elif key == "name" and node.kind == "str":
                name = node.text
            elif key == "wt":
                weight = node
            elif key is None or key not in ("sort", "name", "wt", ".drop"):
                groups.append(self.dim(key, node))
            else:
                raise self.unread(node)
        state.dims = groups
        if weight is None:
            self.add_measure(name, _Node("call", "n", [], stage.start, stage.start))
        else:
            self.add_measure(name, _Node("call", "sum", [(None, weight)], weight.start,
                                         weight.end))
        state.still = list(range(min(kept, len(groups))))
        if ordered:
            state.order = [{"by": state.measures[-1].alias, "desc": True}]

    def stage_tally(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        if any(key not in ("name", "sort") for key, _ in args):
            raise self.unread(stage)
        self.stage_count(stage, args)
        if self.state.dims:
            self.state.still = list(range(len(self.state.dims) - 1))

    def stage_nrow(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        state = self.state
        if args:
            raise self.unread(stage)
        state.groups = []
        self.stage_count(stage, [])

    def stage_mutate(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        state = self.state
        for key, node in args:
            if key is None or key.startswith("."):
                raise self.unread(node)
            if state.dims is None:
                if state.limit is not None or self.is_total(node):
                    raise self.unread(node)
                self.dim(None, node)  # a part of the row this reader can say
                state.derived[key] = node
                continue
            self.after_total_column(key, node)

    def stage_arrange(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        state = self.state
        order = []
        for key, node in args:
            if key is not None:
                raise self.unread(node)
            desc = False
            if (node.kind == "call" and self.function(node, _FUNCTIONS) == "desc"
                    and len(node.args) == 1) or (node.kind == "unary" and node.text == "-"):
                node, desc = node.args[0][1], True
            order.append({"by": self.sort_key(node), "desc": desc})
        if state.limit is not None:
            raise self.unread(stage)
        state.order = order

    def stage_slice_max(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        self.ranked(stage, args, desc=True)

    def stage_slice_min(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        self.ranked(stage, args, desc=False)

    def stage_top_n(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        positional = [node for key, node in args if key is None]
        named = dict(args)
        n_node = named.get("n", positional[0] if positional else None)
        wt = named.get("wt", positional[1] if len(positional) > 1 else None)
        if n_node is None or wt is None or len(args) > 2:
            raise self.unread(stage)
        n = self.number(n_node)
        if not isinstance(n, int):
            raise self.unread(n_node)
        self.ranked(stage, [(None, wt), ("n", _Node("num", str(abs(n)), [], 0, 0))],
                    desc=n > 0)

    def stage_slice_head(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        self.first_rows(stage, args, tail=False)

    def stage_head(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        if not args:
            args = [("n", _Node("num", "6", [], stage.end, stage.end))]
        self.first_rows(stage, args, tail=False)

    def stage_slice_tail(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        self.first_rows(stage, args, tail=True)

    def stage_select(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        state = self.state
        if state.dims is not None:
            # After a total: the columns kept are its own; nothing to change.
            for key, node in args:
                if key is not None or node.kind != "name" or not self.is_output(node.text):
                    raise self.unread(node)
            return
        if state.select or state.groups or not args:
            raise self.unread(stage)
        for key, node in args:
            if key is not None:
                raise self.unread(node)
            state.select.append(self.column(node))

    def stage_anti_join(self, stage: _Node, args: list[tuple[str | None, _Node]]) -> None:
        state = self.state
        if state.dims is not None or state.limit is not None or state.select or not args:
            raise self.unread(stage)
        key, other = args[0]
        if key not in (None, "y"):
            raise self.unread(stage)
        stages = _unfold(other)
        head = stages[0]
        if head.kind != "name":
            raise self.unread(other)
        table = _table_named(head, self.tables, self.repaired)
        by: list[str] = []
        for key, node in args[1:]:
            if key != "by":
                raise self.unread(node)
            by = self.join_keys(node)
        links = self.tables[table].links.get(state.table, ())
        if not links or (by and any(b not in links for b in by)):
            raise RUnread(self.parser.part(stage))
        where: list[dict[str, Any]] = []
        if len(stages) > 1:
            inner = _Reader(self.text, self.parser, self.today, self.tables, table)
            for part in stages[1:]:
                if part.kind != "call" or inner.function(part, _STAGES) != "filter":
                    raise self.unread(part)
                inner.stage_filter(part, part.args)
            inner.state.filters = _merge_dates(inner.state.filters, inner.info)
            where = inner.state.filters
            self.repaired += inner.repaired
        entry: dict[str, Any] = {"without": table}
        if where:
            entry["where"] = where
        state.filters.append(entry)

    # -- stage helpers ---------------------------------------------------------------------
    def start_total(self, stage: _Node) -> None:
        state = self.state
        if state.dims is not None or state.limit is not None or state.select:
            raise self.unread(stage)
        state.order = []  # an order of the rows before a total orders nothing

    def join_keys(self, node: _Node) -> list[str]:
        if node.kind == "str":
            return [node.text]
        if node.kind == "call" and node.text in ("c", "join_by"):
            keys = []
            for key, part in node.args:
                if (node.text == "c" and part.kind == "str" and key in (None, part.text)) or (
                    node.text == "join_by" and key is None and part.kind == "name"
                ):
                    keys.append(part.text)
                else:
                    raise self.unread(node)
            return keys
        raise self.unread(node)

    def flag(self, node: _Node) -> bool:
        if node.kind == "name" and node.text in _CONSTANTS:
            return _CONSTANTS[node.text]
        raise self.unread(node)

    def number(self, node: _Node) -> int | float:
        if node.kind == "unary" and node.text == "-":
            return -self.number(node.args[0][1])
        if node.kind == "num":
            text = node.text.rstrip("L")
            try:
                value = float(text)
            except ValueError:
                raise self.unread(node) from None
            if value != value or abs(value) > 1e15:
                raise self.unread(node)
            return int(value) if value == int(value) and "." not in text \
                and "e" not in text.lower() else value
        if node.kind == "name" and node.text == "Inf":
            raise self.unread(node)
        raise self.unread(node)

    def count_of(self, node: _Node) -> int:
        value = self.number(node)
        if isinstance(value, float) and value == int(value):
            value = int(value)
        if not isinstance(value, int) or not 0 < value <= 100_000:
            raise self.unread(node)
        return value

    def is_total(self, node: _Node) -> bool:
        """Whether `node` calls a total (`n()`, `sum(x)`, ...): none in a row's condition."""
        stack = [node]
        seen = 0
        while stack and seen < 500:
            seen += 1
            item = stack.pop()
            if item.kind == "call" and self.function(item, _FUNCTIONS) in (
                {"n", "n_distinct", "sum", "mean", "median", "cumsum"}
                | ({"min", "max"} if len(item.args) == 1 else set())
            ):
                return True
            stack.extend(child for _, child in item.args)
        return False

    def is_given(self, name: str) -> bool:
        """Whether the pipeline gave `name` to a part of a row, a group or a total."""
        state = self.state
        return name in state.derived or self.is_output(name) or any(
            name == d.said for d in state.groups)

    def is_output(self, name: str) -> bool:
        state = self.state
        return name in state.names or any(name in (d.said, d.column, d.alias)
                                          for d in state.dims or [])

    def sort_key(self, node: _Node) -> str:
        state = self.state
        if node.kind != "name":
            raise self.unread(node)
        if state.dims is None:
            return self.column(node)
        if node.text in state.names:
            return state.measures[state.names[node.text]].alias
        for d in state.dims:
            if node.text in (d.said, d.column, d.alias):
                return d.alias
        raise self.unread(node)

    def ranked(self, stage: _Node, args: list[tuple[str | None, _Node]], desc: bool) -> None:
        state = self.state
        by: _Node | None = None
        n = 1
        for key, node in args:
            if key in (None, "order_by") and by is None:
                by = node
            elif key == "n":
                n = self.count_of(node)
            elif key in ("with_ties", "na_rm"):
                self.flag(node)
            else:
                raise self.unread(node)
        if by is None or state.limit is not None:
            raise self.unread(stage)
        state.order = [{"by": self.sort_key(by), "desc": desc}]
        self.set_limit(stage, n)

    def first_rows(self, stage: _Node, args: list[tuple[str | None, _Node]], tail: bool) -> None:
        state = self.state
        if len(args) != 1 or args[0][0] not in ("n", None) or state.limit is not None:
            raise self.unread(stage)
        n = self.count_of(args[0][1])
        if tail:
            if not state.order:
                raise self.unread(stage)
            state.order = [{**o, "desc": not o["desc"]} for o in state.order]
        if not state.order and state.dims:
            # The totals come in the order of their groups.
            state.order = [{"by": state.dims[0].alias, "desc": False}]
        if not state.order and state.dims is None:
            raise self.unread(stage)  # which rows come first is up to the database
        self.set_limit(stage, n)

    def set_limit(self, stage: _Node, n: int) -> None:
        state = self.state
        state.limit = n
        if state.dims is not None and state.still:
            if len(state.still) != 1:
                raise self.unread(stage)
            state.limit_per = state.dims[state.still[0]].alias
        elif state.dims is None and state.groups:
            raise self.unread(stage)

    # -- totals ------------------------------------------------------------------------------
    def add_measure(self, name: str | None, node: _Node) -> None:
        state = self.state
        measure = self.measure(node)
        same = [i for i, known in enumerate(state.measures)
                if known.spec == measure.spec and known.over == measure.over]
        if not same:
            state.measures.append(measure)
            same = [len(state.measures) - 1]
        state.names[name or self.parser.part(node)] = same[0]

    def measure(self, node: _Node) -> _Measure:
        if node.kind == "op" and node.text == "/":
            top, bottom = (self.measure(part) for _, part in node.args)
            if top.over is not None or bottom.over is not None:
                raise self.unread(node)
            return _Measure(top.spec, bottom.spec)
        if node.kind == "name" and node.text in self.state.names and self.state.dims:
            return self.state.measures[self.state.names[node.text]]
        if node.kind != "call":
            raise self.unread(node)
        name = self.function(node, _FUNCTIONS)
        args = [(k, v) for k, v in node.args if k != "na.rm"]
        if name == "n" and not args:
            return _Measure({"agg": "count"})
        if len(args) != 1 or args[0][0] is not None:
            raise self.unread(node)
        inner = args[0][1]
        if inner.kind != "name":
            raise self.unread(node)
        column = self.column(inner)
        if name == "n_distinct":
            return _Measure({"agg": "count_distinct", "column": column})
        if name in _AGGS:
            kind = self.info.columns[column]
            numeric = kind in ("integer", "number")
            if not numeric and not (name in ("min", "max") and kind in ("date", "datetime")):
                raise self.unread(node)
            if name == "median":
                self.notes.append(f"median({column}) is answered with the average (there is "
                                  "no median total)")
            return _Measure({"agg": _AGGS[name], "column": column})
        raise self.unread(node)

    def after_total(self, node: _Node) -> None:
        """A condition after a total: on the total (a having) or on one of its groups."""
        state = self.state
        if node.kind == "op" and node.text in ("&", "&&"):
            for _, part in node.args:
                self.after_total(part)
            return
        if node.kind == "call" and self.function(node, _FUNCTIONS) == "between" \
                and len(node.args) == 3 and self.total_named(node.args[0][1]) is not None:
            alias = self.total_named(node.args[0][1])
            low, high = (self.number(n) for _, n in node.args[1:])
            state.having.append({"by": alias, "op": "between", "value": [low, high]})
            return
        if node.kind == "op" and node.text in _COMPARE:
            (_, left), (_, right) = node.args
            op = _COMPARE[node.text]
            if self.total_named(left) is None and self.total_named(right) is not None:
                left, right, op = right, left, _FLIP[op]
            alias = self.total_named(left)
            if alias is not None:
                state.having.append({"by": alias, "op": op, "value": self.number(right)})
                return
        # A condition on a plain group column is the same condition on the rows.
        names: set[str] = set()
        stack = [node]
        while stack and len(names) < 50:
            item = stack.pop()
            if item.kind == "name":
                names.add(item.text)
            stack.extend(child for _, child in item.args)
        plain = {d.said or d.column for d in state.dims or [] if d.grain is None
                 and d.bin is None and d.part is None}
        if not names or not names & plain or names & set(state.names):
            raise self.unread(node)
        state.filters.extend(self.condition(node))

    def total_named(self, node: _Node) -> str | None:
        if node.kind == "name" and node.text in self.state.names:
            return self.state.measures[self.state.names[node.text]].alias
        return None

    def after_total_column(self, key: str, node: _Node) -> None:
        """`mutate` after a total: a share, a running total or a ratio of two totals."""
        state = self.state
        while node.kind == "call" and node.text == "round" and node.args:
            node = node.args[0][1]
        if node.kind == "call" and self.function(node, _FUNCTIONS) == "cumsum" \
                and len(node.args) == 1:
            index = self.total_index(node.args[0][1])
            if state.cumulative is not None or state.share is not None:
                raise self.unread(node)
            state.cumulative = index
            state.names[key] = index
            return
        share = self.share_of(node)
        if share is not None:
            if state.cumulative is not None or state.share is not None:
                raise self.unread(node)
            state.share = share
            state.names[key] = share
            return
        if node.kind == "op" and node.text == "/":
            (_, top), (_, bottom) = node.args
            i, j = self.total_index(top), self.total_index(bottom)
            measure = state.measures[i]
            if measure.over is not None or state.measures[j].over is not None:
                raise self.unread(node)
            state.measures.append(_Measure(measure.spec, state.measures[j].spec))
            state.names[key] = len(state.measures) - 1
            state.parts |= {i, j}
            return
        raise self.unread(node)

    def total_index(self, node: _Node) -> int:
        if node.kind == "name" and node.text in self.state.names:
            return self.state.names[node.text]
        raise self.unread(node)

    def share_of(self, node: _Node) -> int | None:
        """The total `node` takes the share of: `n / sum(n)`, times 100 or not, or
        `prop.table(n)`."""
        if node.kind == "op" and node.text == "*":
            (_, left), (_, right) = node.args
            if right.kind == "num" and right.text in ("100", "100.0", "100L"):
                return self.share_of(left)
            if left.kind == "num" and left.text in ("100", "100.0", "100L"):
                return self.share_of(right)
            return None
        if node.kind == "call" and node.text == "prop.table" and len(node.args) == 1:
            return self.total_index(node.args[0][1])
        if node.kind == "op" and node.text == "/":
            (_, top), (_, bottom) = node.args
            if top.kind == "op" and top.text == "*":
                # "100 * n / sum(n)"
                (_, a), (_, b) = top.args
                if a.kind == "num" and a.text in ("100", "100.0", "100L"):
                    top = b
                elif b.kind == "num" and b.text in ("100", "100.0", "100L"):
                    top = a
            if (
                bottom.kind == "call" and self.function(bottom, _FUNCTIONS) == "sum"
                and len(bottom.args) == 1 and top.kind == "name"
                and bottom.args[0][1].kind == "name" and bottom.args[0][1].text == top.text
                and top.text in self.state.names
            ):
                index = self.state.names[top.text]
                if self.state.measures[index].spec["agg"] not in ("count", "sum"):
                    raise self.unread(node)
                return index
        return None

    # -- row parts -----------------------------------------------------------------------------
    def dim(self, key: str | None, node: _Node) -> _Dim:
        said = key or (node.text if node.kind == "name" else "")
        node = self.expand(node)
        if node.kind == "name":
            return _Dim(self.column(node), said=said)
        if node.kind != "call":
            raise self.unread(node)
        name = self.function(node, _FUNCTIONS | {"floor_date", "cut", "week", "format"})
        args = node.args
        if name in ("year", "month", "quarter", "week") and len(args) == 1:
            column = self.date_column(args[0][1])
            if name == "year":
                return _Dim(column, grain="year", said=said)
            if name == "week":
                raise self.unread(node)
            return _Dim(column, part=name, said=said)
        if name == "floor_date" and len(args) == 2 and args[1][0] in (None, "unit"):
            column = self.date_column(args[0][1])
            unit = args[1][1]
            grain = _UNITS.get(unit.text.strip().lower().removeprefix("1 ").strip()) \
                if unit.kind == "str" else None
            if grain is None:
                raise self.unread(node)
            return _Dim(column, grain=grain, said=said)
        if name == "format" and len(args) == 2 and args[1][1].kind == "str":
            grains = {"%Y-%m": "month", "%Y": "year", "%Y-%m-%d": "day"}
            grain = grains.get(args[1][1].text)
            if grain is None:
                raise self.unread(node)
            return _Dim(self.date_column(args[0][1]), grain=grain, said=said)
        if name == "cut" and args:
            column = self.column(args[0][1])
            if self.info.columns[column] not in ("integer", "number"):
                raise self.unread(node)
            breaks = [v for k, v in args[1:] if k in (None, "breaks")]
            rest = [k for k, _ in args[1:] if k not in (None, "breaks", "include.lowest",
                                                         "right", "dig.lab")]
            if len(breaks) != 1 or rest:
                raise self.unread(node)
            return _Dim(column, bin=self.bands(breaks[0]), said=said)
        raise self.unread(node)

    def bands(self, node: _Node) -> dict[str, int | float]:
        """`cut`'s breaks: a number of equal bands, or edges the same distance apart (open
        ends as `Inf`), read as bands of that width."""
        if node.kind == "num":
            count = self.count_of(node)
            if not 2 <= count <= 100:
                raise self.unread(node)
            return {"count": count}
        if node.kind != "call" or node.text != "c" or len(node.args) < 3:
            raise self.unread(node)
        edges: list[float] = []
        for i, (key, part) in enumerate(node.args):
            inf = (part.kind == "name" and part.text == "Inf") or (
                part.kind == "unary" and part.args[0][1].kind == "name"
                and part.args[0][1].text == "Inf"
            )
            if key is not None:
                raise self.unread(node)
            if inf:
                if i not in (0, len(node.args) - 1):
                    raise self.unread(node)
                continue
            edges.append(float(self.number(part)))
        widths = {edges[k + 1] - edges[k] for k in range(len(edges) - 1)}
        if len(widths) != 1 or len(edges) < 2:
            raise self.unread(node)
        width = widths.pop()
        if width <= 0 or edges[0] % width:
            raise self.unread(node)
        shown = int(width) if width == int(width) else width
        self.notes.append(f"cut()'s breaks read as bands {shown:,} wide, each holding its "
                          "lower edge")
        return {"width": shown}

    def date_column(self, node: _Node) -> str:
        column = self.column(self.expand(node))
        if self.info.columns[column] not in ("date", "datetime"):
            raise self.unread(node)
        return column

    # -- conditions ----------------------------------------------------------------------------
    def condition(self, node: _Node) -> list[dict[str, Any]]:
        if node.kind == "op" and node.text in ("&", "&&"):
            return [f for _, part in node.args for f in self.condition(part)]
        if node.kind == "op" and node.text in ("|", "||"):
            options = []
            for _, part in node.args:
                found = self.condition(part)
                if len(found) == 1 and "any" in found[0]:
                    options.extend(found[0]["any"])
                else:
                    options.append(found[0] if len(found) == 1 else {"all": found})
            return [{"any": options}]
        if node.kind == "unary" and node.text == "!":
            return self.negated(node.args[0][1], node)
        if node.kind == "call":
            name = self.function(node, _FUNCTIONS)
            if name == "is.na" and len(node.args) == 1:
                return [{"column": self.column(self.expand(node.args[0][1])), "op": "is_null"}]
            if name == "between" and len(node.args) == 3:
                return self.between(node)
            raise self.unread(node)
        if node.kind == "name":
            column = self.column(self.expand(node))
            if self.info.columns[column] != "boolean":
                raise self.unread(node)
            return [{"column": column, "op": "eq", "value": True}]
        if node.kind == "op" and node.text == "%in%":
            return self.member(node)
        if node.kind == "op" and node.text in _COMPARE:
            return self.compare(node)
        raise self.unread(node)

    def negated(self, inner: _Node, node: _Node) -> list[dict[str, Any]]:
        found = self.condition(inner)
        if len(found) != 1 or "op" not in found[0]:
            raise self.unread(node)
        item = found[0]
        flipped = {"is_null": "is_not_null", "in": "not_in", "eq": "neq", "neq": "eq"}
        if item["op"] in flipped:
            return [{**item, "op": flipped[item["op"]]}]
        if item["op"] in _NEGATE and not isinstance(item.get("value"), bool):
            return [{**item, "op": _NEGATE[item["op"]]}]
        raise self.unread(node)

    def subject(self, node: _Node) -> tuple[str, str, str] | None:
        """What a condition's side is about: ("column", name, ""), ("part", column, "year" /
        "month" / "quarter"); None for a value."""
        node = self.expand(node)
        if node.kind == "name" and node.text not in _CONSTANTS and node.text not in (
            "Inf", "NA", "NULL"
        ):
            return ("column", self.column(node), "")
        if node.kind == "call" and self.function(node, _FUNCTIONS) in (
            "year", "month", "quarter"
        ) and len(node.args) == 1:
            return ("part", self.date_column(node.args[0][1]), node.text)
        return None

    def compare(self, node: _Node) -> list[dict[str, Any]]:
        (_, left), (_, right) = node.args
        op = _COMPARE[node.text]
        side = self.subject(left)
        if side is None:
            left, right, op = right, left, _FLIP[op]
            side = self.subject(left)
        if side is None or self.subject(right) is not None:
            raise self.unread(node)
        kind, column, part = side
        if kind == "part":
            return self.part_condition(node, column, part, op, [self.integer(right)])
        return [{"column": column, "op": op, "value": self.value(column, right)}]

    def member(self, node: _Node) -> list[dict[str, Any]]:
        (_, left), (_, right) = node.args
        side = self.subject(left)
        if side is None:
            raise self.unread(node)
        kind, column, part = side
        if right.kind == "op" and right.text == ":":
            low, high = (self.integer(n) for _, n in right.args)
            if not 0 <= high - low < _MAX_VALUES:
                raise self.unread(right)
            values: list[Any] = list(range(low, high + 1))
        elif right.kind == "call" and right.text == "c" and 0 < len(right.args) <= _MAX_VALUES:
            if kind == "part":
                values = [self.integer(n) for _, n in right.args]
            else:
                values = [self.value(column, n) for _, n in right.args]
        else:
            values = [self.integer(right) if kind == "part" else self.value(column, right)]
        if kind == "part":
            return self.part_condition(node, column, part, "in", values)
        return [{"column": column, "op": "in", "value": values}]

    def between(self, node: _Node) -> list[dict[str, Any]]:
        (_, subject), (_, low), (_, high) = node.args
        side = self.subject(subject)
        if side is None:
            raise self.unread(node)
        kind, column, part = side
        if kind == "part":
            a, b = self.integer(low), self.integer(high)
            return self.part_condition(node, column, part, "in", list(range(a, b + 1))
                                       if 0 <= b - a < _MAX_VALUES else [])
        return [{"column": column, "op": "between",
                 "value": [self.value(column, low), self.value(column, high)]}]

    def part_condition(self, node: _Node, column: str, part: str, op: str,
                       values: list[int]) -> list[dict[str, Any]]:
        """A condition on a date's year (read as dates) or on its month or quarter (a
        computed column)."""
        if not values:
            raise self.unread(node)
        if part == "year":
            if any(not 1900 <= v <= 2200 for v in values):
                raise self.unread(node)
            if op == "in":
                years = sorted(set(values))
                if years != list(range(years[0], years[-1] + 1)):
                    return [{"any": [{"column": column, "op": "between",
                                      "value": [f"{y}-01-01", f"{y}-12-31"]} for y in years]}]
                return [{"column": column, "op": "between",
                         "value": [f"{years[0]}-01-01", f"{years[-1]}-12-31"]}]
            year = values[0]
            if op == "eq":
                return [{"column": column, "op": "between",
                         "value": [f"{year}-01-01", f"{year}-12-31"]}]
            if op in ("gte", "gt"):
                return [{"column": column, "op": "gte",
                         "value": f"{year + (op == 'gt')}-01-01"}]
            if op in ("lte", "lt"):
                return [{"column": column, "op": "lte",
                         "value": f"{year - (op == 'lt')}-12-31"}]
            raise self.unread(node)
        top = 12 if part == "month" else 4
        if any(not 1 <= v <= top for v in values):
            raise self.unread(node)
        name = f"{part}_of_{column}"
        if all(c["name"] != name for c in self.state.columns):
            self.state.columns.append({"name": name, "expr": f"{part}({column})"})
        value: Any = values if op == "in" else values[0]
        return [{"column": name, "op": op, "value": value}]

    def integer(self, node: _Node) -> int:
        """A whole number, or a year said from today ("year(today()) - 1")."""
        if node.kind == "call" and self.function(node, _FUNCTIONS) == "year" \
                and len(node.args) == 1:
            day = self.date_value(node.args[0][1])
            if day is not None:
                return day.year
        if node.kind == "op" and node.text in ("+", "-"):
            (_, a), (_, b) = node.args
            x, y = self.integer(a), self.integer(b)
            return x + y if node.text == "+" else x - y
        value = self.number(node)
        if not isinstance(value, int):
            raise self.unread(node)
        return value

    def value(self, column: str, node: _Node) -> Any:
        """A literal compared with `column`, as the column holds it."""
        kind = self.info.columns[column]
        if kind in ("date", "datetime"):
            day = self.date_value(node)
            if day is None:
                raise self.unread(node)
            return day.isoformat()
        if kind == "boolean":
            if node.kind == "name" and node.text in _CONSTANTS:
                return _CONSTANTS[node.text]
            if node.kind == "num" and node.text.rstrip("L") in ("0", "1"):
                return node.text.rstrip("L") == "1"
            raise self.unread(node)
        if kind in ("integer", "number"):
            value = self.number(node)
            if kind == "integer" and isinstance(value, float) and value == int(value):
                value = int(value)
            return value
        if node.kind != "str":
            raise self.unread(node)
        return self.known_value(column, node.text)

    def known_value(self, column: str, said: str) -> str:
        """A text value as the data writes it: its case, or the one value it is a slip of."""
        known = self.info.values.get(column, ())
        if not known or said in known:
            return said
        lowered = {v.lower(): v for v in known}
        if said.lower() in lowered:
            return lowered[said.lower()]
        found = _closest(said.lower(), frozenset(lowered))
        if found is None:
            return said
        self.repaired.append((said, lowered[found]))
        return lowered[found]

    def date_value(self, node: _Node) -> dt.date | None:
        """A date a pipeline writes: "2024-07-01", `as.Date("...")`, `today()`,
        `floor_date(today(), "month") - months(1)`; None when `node` is none."""
        if node.kind == "str":
            return _iso(node.text)
        if node.kind == "op" and node.text in ("+", "-", "%m-%", "%m+%"):
            (_, a), (_, b) = node.args
            day = self.date_value(a)
            if day is None:
                return None
            sign = 1 if node.text in ("+", "%m+%") else -1
            if b.kind == "num":
                return day + dt.timedelta(days=sign * self.count_of(b))
            if b.kind == "call" and len(b.args) == 1 and self.function(b, _FUNCTIONS) in (
                "days", "weeks", "months", "years"
            ):
                k = self.count_of(b.args[0][1])
                if b.text == "days":
                    return day + dt.timedelta(days=sign * k)
                if b.text == "weeks":
                    return day + dt.timedelta(days=sign * 7 * k)
                return add_months(day, sign * k * (12 if b.text == "years" else 1))
            raise self.unread(node)
        if node.kind != "call":
            return None
        name = self.function(node, _FUNCTIONS)
        if name in ("today", "Sys.Date") and not node.args:
            return self.today
        if name in ("as.Date", "as_date", "ymd") and len(node.args) == 1 \
                and node.args[0][1].kind == "str":
            day = _iso(node.args[0][1].text)
            if day is None:
                raise self.unread(node)
            return day
        if name == "floor_date" and len(node.args) == 2 and node.args[1][1].kind == "str":
            day = self.date_value(node.args[0][1])
            grain = _UNITS.get(node.args[1][1].text.strip().lower())
            if day is None or grain is None:
                raise self.unread(node)
            return period_of(day, grain)[0]  # type: ignore[arg-type]
        return None


def _iso(text: str) -> dt.date | None:
    m = _ISO_DAY.match(text.strip())
    if m is None:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _closest(word: str, known: frozenset[str]) -> str | None:
    """The one name `word` is a slip of: one edit away (two for long names), none closer."""
    if len(word) < 4 or len(word) > 60:
        return None
    most = 2 if len(word) >= TWO_TYPOS_FROM else 1
    found: dict[int, list[str]] = {}
    for name in known:
        if abs(len(name) - len(word)) > most:
            continue
        distance = edits(word, name.lower())
        if distance <= most:
            found.setdefault(distance, []).append(name)
    if not found:
        return None
    best = found[min(found)]
    return best[0] if len(best) == 1 else None


def _unfold(node: _Node) -> list[_Node]:
    """The stages of a pipeline, its table first."""
    stages = []
    while node.kind == "op" and node.text in ("%>%", "|>"):
        (_, left), (_, right) = node.args
        stages.append(right)
        node = left
    stages.append(node)
    return stages[::-1]


def _table_named(node: _Node, tables: Mapping[str, TableInfo],
                 repaired: list[tuple[str, str]]) -> str:
    name = node.text
    if name in tables:
        return name
    lowered = {t.lower(): t for t in tables}
    if name.lower() in lowered:
        return lowered[name.lower()]
    found = _closest(name.lower(), frozenset(lowered))
    if found is None:
        raise RUnknown(name)
    repaired.append((name, lowered[found]))
    return lowered[found]


def _merge_dates(filters: list[dict[str, Any]], info: TableInfo) -> list[dict[str, Any]]:
    """A date's "before" (`<`) as the day before, "after" (`>`) as the day after, and a lower
    and an upper bound on one date column as one span ("between")."""
    out: list[dict[str, Any]] = []
    for f in filters:
        kind = info.columns.get(f.get("column", ""))
        if kind == "date" and f["op"] in ("lt", "gt") and isinstance(f.get("value"), str):
            day = dt.date.fromisoformat(f["value"])
            shift = dt.timedelta(days=1 if f["op"] == "gt" else -1)
            f = {**f, "op": "gte" if f["op"] == "gt" else "lte",
                 "value": (day + shift).isoformat()}
        out.append(f)
    merged: list[dict[str, Any]] = []
    for f in out:
        if f.get("op") in ("gte", "lte") and info.columns.get(f["column"]) == "date":
            other = "lte" if f["op"] == "gte" else "gte"
            match = next((m for m in merged if m.get("column") == f["column"]
                          and m.get("op") == other), None)
            if match is not None:
                low, high = (f["value"], match["value"]) if f["op"] == "gte" else (
                    match["value"], f["value"])
                merged[merged.index(match)] = {"column": f["column"], "op": "between",
                                               "value": [low, high]}
                continue
        merged.append(f)
    return merged


def _years_of(filters: list[dict[str, Any]], column: str) -> set[int] | None:
    """The calendar years the row filters keep of `column`, when they keep one span."""
    low: dt.date | None = None
    high: dt.date | None = None
    for f in filters:
        if f.get("column") != column:
            continue
        value = f.get("value")
        if f["op"] == "between" and isinstance(value, list):
            a, b = _iso(str(value[0])), _iso(str(value[1]))
        elif f["op"] in ("gte", "gt") and isinstance(value, str):
            a, b = _iso(value), None
        elif f["op"] in ("lte", "lt") and isinstance(value, str):
            a, b = None, _iso(value)
        else:
            continue
        low = a if a is not None and (low is None or a > low) else low
        high = b if b is not None and (high is None or b < high) else high
    if low is None or high is None or high.year - low.year > 200:
        return None
    return set(range(low.year, high.year + 1))


def r_pipeline(
    message: str, today: dt.date, tables: Mapping[str, TableInfo]
) -> RPipeline | None:
    """The pipeline `message` holds, read into a query spec over `tables`; None when it holds
    none. Raises `RUnread` when it has a part no spec holds, `RUnknown` when it names a table
    or a column the data does not have."""
    found = find_pipeline(message)
    if found is None:
        return None
    before, pipeline, after = found
    tokens = _tokens(pipeline, 0)
    parser = _Parser(pipeline, tokens)
    tree = parser.whole()
    stages = _unfold(tree)
    head = stages[0]
    if head.kind != "name" or len(stages) < 2:
        raise RUnread(parser.part(head))
    repaired: list[tuple[str, str]] = []
    if head.text in _GENERIC and head.text not in tables:
        # "df %>% ...": the one table every name of the pipeline is a column of.
        fits = []
        for name in tables:
            try:
                fits.append(_read(pipeline, parser, today, tables, name, stages, []))
            except (RUnread, RUnknown):
                continue
        if len(fits) != 1:
            raise RUnread(head.text)
        read = fits[0]
    else:
        table = _table_named(head, tables, repaired)
        read = _read(pipeline, parser, today, tables, table, stages, repaired)
    assigned = _ASSIGNED.search(before)
    if assigned is not None:
        before = before[: assigned.start()]
    read.prose = _prose(before, after)
    return read


def _read(text: str, parser: _Parser, today: dt.date, tables: Mapping[str, TableInfo],
          table: str, stages: list[_Node], repaired: list[tuple[str, str]]) -> RPipeline:
    parser = _Parser(text, parser.tokens)
    tree = parser.whole()  # a fresh tree: typo repair renames nodes in place
    stages = _unfold(tree)
    reader = _Reader(text, parser, today, tables, table)
    reader.repaired = list(repaired)
    reader.read(stages[1:])
    return _spec_of(reader)


def _spec_of(reader: _Reader) -> RPipeline:
    state = reader.state
    info = reader.info
    filters = _merge_dates(state.filters, info)
    spec: dict[str, Any] = {"table": state.table}
    if filters:
        spec["filters"] = filters
    if state.columns:
        spec["columns"] = state.columns
    out = RPipeline(spec, repaired=list(dict.fromkeys(reader.repaired)),
                    notes=list(dict.fromkeys(reader.notes)))
    if state.dims is None:
        # Rows, not totals: a listing.
        spec["select"] = state.select or list(info.columns)
        if state.order:
            spec["order_by"] = state.order
        if state.limit is not None:
            spec["limit"] = state.limit
        return out
    dims = list(state.dims)
    for d in dims:
        if d.part is not None:
            years = _years_of(filters, d.column)
            if years is None or len(years) != 1:
                raise RUnread(f"{d.part}({d.column}) over more than one year")
            d.grain, d.part = d.part, None
            out.notes.append(f"{d.grain}({d.column}) read as the {d.grain}s of "
                                f"{years.pop()}")
    measures = state.measures
    if state.share is not None or state.cumulative is not None:
        index = state.share if state.share is not None else state.cumulative
        assert index is not None
        if index != len(measures) - 1 and len(measures) > 1:
            raise RUnread("a share or running total beside other totals")
        measures = [measures[index]]
    elif state.parts:
        # A ratio of two totals (`mutate(r = a / b)`): the ratio, not its parts.
        measures = [m for i, m in enumerate(measures) if i not in state.parts]
    if state.cumulative is not None:
        along = [i for i in range(len(dims)) if i not in state.still]
        if len(along) != 1 or measures[0].spec["agg"] not in ("sum", "count"):
            raise RUnread("cumsum() along more than one breakdown")
        dims.insert(0, dims.pop(along[0]))
        out.cumulative = True
    if state.share is not None:
        if state.still:
            if len(state.still) != 1 or len(dims) < 2:
                raise RUnread("a share within groups")
            dims.insert(0, dims.pop(state.still[0]))
            out.share_within = dims[0].alias
        out.share = True
    spec["measures"] = [m.spec for m in measures]
    out.overs = [(i, m.over) for i, m in enumerate(measures) if m.over is not None]
    if dims:
        spec["dimensions"] = [
            {"column": d.column} | ({"grain": d.grain} if d.grain else {})
            | ({"bin": d.bin} if d.bin else {}) for d in dims
        ]
    aliases = {m.alias for m in measures} | {d.alias for d in dims}
    if state.having:
        if any(h["by"] not in aliases for h in state.having):
            raise RUnread("a bound on a total that is not shown")
        spec["having"] = state.having
    if state.order:
        if any(o["by"] not in aliases for o in state.order):
            raise RUnread("an order by a total that is not shown")
        spec["order_by"] = state.order
    if state.limit is not None:
        spec["limit"] = state.limit
        if state.limit_per is not None:
            spec["limit_per"] = state.limit_per
    return out


# -- the prose around a pipeline -----------------------------------------------------------

_PROSE_WORD = re.compile(r"[a-z0-9]+")
#: The longest prose read around a pipeline (a longer message is more than a pipeline asked
#: again).
_MAX_PROSE = 300
_NOT = frozenset({"not", "no", "excluding", "except", "without", "minus", "exclude",
                  "besides", "nor"})


def _prose(before: str, after: str) -> str:
    """The words around a pipeline, its framing ("new one:", backticks) left out."""
    before = before.strip().rstrip("`").strip()
    if _LABEL.match(before + ":") or _LABEL.match(before):
        before = ""
    after = after.strip().lstrip("`").strip()
    return f"{before} {after}".strip()


def prose_conditions(
    prose: str, today: dt.date, info: TableInfo
) -> tuple[list[dict[str, Any]], list[str]] | None:
    """The conditions the prose around a pipeline adds ("for 2023 only", "only Berlin"), as
    filters and what each was read as; None when it says something else this reader cannot
    place (a number outside a period, a negation, two periods)."""
    if len(prose) > _MAX_PROSE:
        return None
    words = _PROSE_WORD.findall(fold(prose))
    filters: list[dict[str, Any]] = []
    said: list[str] = []
    used = [False] * len(words)
    periods = 0
    i = 0
    while i < len(words):
        found = match_time(words, i, today)
        if found is not None:
            size, meaning = found
            if not isinstance(meaning, DateRange) or meaning.latest is not None or (
                info.date is None or (meaning.start is None and meaning.end is None)
            ):
                return None
            periods += 1
            if meaning.start is not None and meaning.end is not None:
                item = {"column": info.date, "op": "between",
                        "value": [meaning.start.isoformat(), meaning.end.isoformat()]}
            elif meaning.start is not None:
                item = {"column": info.date, "op": "gte", "value": meaning.start.isoformat()}
            else:
                assert meaning.end is not None
                item = {"column": info.date, "op": "lte", "value": meaning.end.isoformat()}
            filters.append(item)
            said.append(" ".join(words[i : i + size]))
            for k in range(i, min(i + size, len(words))):
                used[k] = True
            i += size
            continue
        i += 1
    for column, values in info.values.items():
        for value in values:
            value_words = _PROSE_WORD.findall(fold(value))
            size = len(value_words)
            if not size or not any(c.isalpha() for c in value):
                continue
            for k in range(len(words) - size + 1):
                if words[k : k + size] == value_words and not any(used[k : k + size]):
                    filters.append({"column": column, "op": "eq", "value": value})
                    said.append(value)
                    for j in range(k, k + size):
                        used[j] = True
    if periods > 1 or (filters and _NOT & set(words)):
        return None
    if any(not used[k] and any(ch.isdigit() for ch in w) for k, w in enumerate(words)):
        return None
    return filters, said
