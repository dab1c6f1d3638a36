"""A question written as one pandas expression ("employees.groupby('department').salary.mean()",
"len(df[df.category == 'Accessories'])"): read into a query spec, part by part.

Nothing is ever evaluated: the text is parsed with `ast.parse(..., mode="eval")` (after a
length cap and a nesting cap) and the tree is walked. Only the common shapes are read: a
table named (or `df`, the one table whose columns are named), a column picked by attribute or
by `["col"]`, filters in `[...]`, `.loc[cond, "col"]` and `.query("...")` (==, !=, <, >, <=,
>=, `&`/`and`, `.isin([...])`, `.between(a, b)`, `.dt.year`), `groupby`, the totals
(sum/mean/median-less/min/max/count/nunique/size/value_counts), `cumsum`, `nlargest`/
`nsmallest`/`head`/`tail` after a sort, and `len(...)`/`.shape[0]`. Any other part makes the
statement unusable, and it is named (`PandasUnread`) rather than answered as something else.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from typing import Any

#: The longest expression read (longer text is not taken for one).
MAX_CHARS = 600
#: The deepest tree walked.
_MAX_DEPTH = 40
#: A message looks like pandas when it is one token run with a method call or a subscript on a
#: name: "employees.salary.max()", "df[df.x == 1]", "len(df[...])".
_LOOKS = re.compile(
    r"^\s*(?:\(\s*){0,3}(?:len\s*\(\s*)?[A-Za-z_]\w{0,60}\s*(?:\.\s*[A-Za-z_]\w{0,60}\s*|\[)"
)
_CALLED = re.compile(r"\.\s*[A-Za-z_]\w{0,60}\s*\(|\]")

_AGGS = {
    "sum": "sum",
    "mean": "avg",
    "min": "min",
    "max": "max",
    "nunique": "count_distinct",
    "count": "count",
    "size": "count",
    "value_counts": "count",
}
_OPS: dict[type[ast.cmpop], str] = {
    ast.Eq: "eq",
    ast.NotEq: "neq",
    ast.Gt: "gt",
    ast.GtE: "gte",
    ast.Lt: "lt",
    ast.LtE: "lte",
}
_FLIP = {"gt": "lt", "lt": "gt", "gte": "lte", "lte": "gte", "eq": "eq", "neq": "neq"}


#: The dimension `resample` groups by: the table's one date column, found by the caller.
DATE = "@date"
_GRAINS = {
    "D": "day",
    "W": "week",
    "M": "month",
    "MS": "month",
    "ME": "month",
    "Q": "quarter",
    "QS": "quarter",
    "QE": "quarter",
    "Y": "year",
    "YS": "year",
    "YE": "year",
    "A": "year",
    "AS": "year",
}


class PandasUnread(Exception):
    """A part of a pandas expression that has no place in a query spec; `part` is it, as
    written."""

    def __init__(self, part: str):
        super().__init__(part)
        self.part = part


class _Frame:
    """What the expression has said so far."""

    def __init__(self, table: str | None):
        self.table = table
        self.filters: list[dict[str, Any]] = []
        self.group: list[str] = []
        self.column: str | None = None
        self.measure: dict[str, Any] | None = None
        self.order: str | None = None  # the column sorted by, "asc"/"desc" after it
        self.desc = False
        self.limit: int | None = None
        self.columns: list[str] = []
        self.having: dict[str, Any] | None = None
        self.bins: int | None = None
        self.grain: str | None = None


#: A label before the expression that only frames it ("new question:", "pandas:", "next one -").
_LABEL = re.compile(
    r"^\s*(?:(?:new|next|another|other|different|pandas|python|code|query|question|q|one|"
    r"now|ok|okay|also|and|then)\s*){1,4}[:\-\u2013\u2014]\s*(?=[A-Za-z_])",
    re.I,
)
#: A remark after the expression, set off by a dash or an arrow ("— which departments?",
#: "-> which values pass?"): it says again what the expression asks.
_REMARK = re.compile(r"\s+(?:\u2014|\u2013|--|->|=>|\u2192)\s+([^\u2014\u2013>]{1,120})$")


#: Characters no expression holds: controls and halves of a surrogate pair ("x.max()\\x00" was
#: read as words, and "max" lost).
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def split_framing(message: str) -> tuple[str, str]:
    """`message` without a framing label before it, as (expression, remark after it)."""
    message = UNPRINTABLE.sub("", message)
    label = _LABEL.match(message)
    text = message[label.end() :] if label else message
    remark = _REMARK.search(text[-140:])
    if remark is None:
        return text, ""
    return text[: len(text) - len(remark.group(0))], remark.group(1)


def looks_like_pandas(message: str) -> bool:
    """True when `message` is worth parsing as one pandas expression."""
    text = message.strip()
    return (
        0 < len(text) <= MAX_CHARS
        and _LOOKS.match(text) is not None
        and _CALLED.search(text) is not None
        and "\n" not in text
    )


def pandas_spec(message: str, today: dt.date) -> dict[str, Any] | None:
    """The query spec (as JSON, "table" None for `df`) one pandas expression says; None when
    `message` is not one. Raises `PandasUnread` when it is one with a part no spec holds."""
    if not looks_like_pandas(message):
        return None
    text = message.strip().rstrip(";")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if _depth(tree.body, 0) > _MAX_DEPTH:
        raise PandasUnread(text[:60])
    reader = _Reader(text, today)
    frame = reader.frame(tree.body)
    return reader.spec(frame)


def _depth(node: ast.AST, level: int) -> int:
    if level > _MAX_DEPTH:
        return level
    deepest = level
    for child in ast.iter_child_nodes(node):
        deepest = max(deepest, _depth(child, level + 1))
        if deepest > _MAX_DEPTH:
            break
    return deepest


class _Reader:
    def __init__(self, text: str, today: dt.date):
        self.text = text
        self.today = today

    def unread(self, node: ast.AST) -> PandasUnread:
        part = ast.get_source_segment(self.text, node) or type(node).__name__
        return PandasUnread(part[:80])

    # -- the frame, from the inside out ---------------------------------------------------
    def frame(self, node: ast.AST) -> _Frame:
        if isinstance(node, ast.Name):
            if node.id.startswith("_"):
                raise self.unread(node)
            return _Frame(None if node.id == "df" else node.id)
        if isinstance(node, ast.Attribute):
            if node.attr.startswith("_"):
                raise self.unread(node)
            frame = self.frame(node.value)
            if frame.column is not None or frame.measure is not None:
                raise self.unread(node)
            frame.column = node.attr
            frame.columns.append(node.attr)
            return frame
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            # "groupby('x').size() > 100": the groups whose total passes.
            frame = self.frame(node.left)
            value = self.constant(node.comparators[0])
            op = _OPS.get(type(node.ops[0]))
            if (
                frame.measure is None
                or not frame.group
                or op is None
                or frame.having
                or not isinstance(value, int | float)
                or isinstance(value, bool)
            ):
                raise self.unread(node)
            frame.having = {"op": op, "value": value}
            return frame
        raise self.unread(node)

    def subscript(self, node: ast.Subscript) -> _Frame:
        inner = node.value
        if isinstance(inner, ast.Attribute) and inner.attr == "shape":
            frame = self.frame(inner.value)
            if self.constant(node.slice) != 0 or frame.measure is not None or frame.group:
                raise self.unread(node)
            frame.measure = {"agg": "count"}
            frame.column = None
            return frame
        if isinstance(inner, ast.Attribute) and inner.attr == "loc":
            frame = self.frame(inner.value)
            if frame.column is not None or frame.measure is not None:
                raise self.unread(node)
            key = node.slice
            if isinstance(key, ast.Tuple) and len(key.elts) == 2:
                self.condition(key.elts[0], frame)
                column = self.constant(key.elts[1])
                if not isinstance(column, str):
                    raise self.unread(key.elts[1])
                frame.column = column
                frame.columns.append(column)
            else:
                self.condition(key, frame)
            return frame
        frame = self.frame(inner)
        key = node.slice
        value = self.constant(key, default=None) if isinstance(key, ast.Constant) else None
        if isinstance(value, str):
            if frame.column is not None or frame.measure is not None:
                raise self.unread(node)
            frame.column = value
            frame.columns.append(value)
            return frame
        if frame.column is not None or frame.measure is not None or frame.group:
            raise self.unread(node)
        self.condition(key, frame)
        return frame

    def call(self, node: ast.Call) -> _Frame:
        func = node.func
        if (
            isinstance(func, ast.Name)
            and func.id == "len"
            and len(node.args) == 1
            and not node.keywords
        ):
            frame = self.frame(node.args[0])
            if frame.measure is not None or frame.group:
                raise self.unread(node)
            frame.measure = {"agg": "count"}
            frame.column = None
            return frame
        if not isinstance(func, ast.Attribute):
            raise self.unread(node)
        method = func.attr
        frame = self.frame(func.value)
        args = [self.constant(a) for a in node.args] if method != "query" else []
        keywords = {k.arg: k.value for k in node.keywords}
        if method == "groupby":
            if frame.measure is not None or frame.group or frame.column or len(args) != 1:
                raise self.unread(node)
            keys = args[0] if isinstance(args[0], list) else [args[0]]
            if not keys or not all(isinstance(k, str) for k in keys) or keywords:
                raise self.unread(node)
            frame.group = list(keys)
            frame.columns += keys
            return frame
        if method == "resample":
            # "resample('Q')": by the table's date, in quarters (its one date column: DATE).
            grain = _GRAINS.get(str(args[0]).upper()) if len(args) == 1 else None
            if grain is None or frame.measure is not None or frame.group or frame.column:
                raise self.unread(node)
            frame.group = [DATE]
            frame.grain = grain
            return frame
        if method == "query":
            if frame.column or frame.measure or frame.group or len(node.args) != 1 or keywords:
                raise self.unread(node)
            query = self.constant(node.args[0])
            if not isinstance(query, str) or len(query) > MAX_CHARS:
                raise self.unread(node)
            try:
                tree = ast.parse(query.strip(), mode="eval")
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                raise self.unread(node) from None
            if _depth(tree.body, 0) > _MAX_DEPTH:
                raise self.unread(node)
            sub = _Reader(query.strip(), self.today)
            sub.condition(tree.body, frame, bare=True)
            return frame
        if method == "sort_values":
            if frame.measure is not None or len(args) != 1 or not isinstance(args[0], str):
                raise self.unread(node)
            ascending = keywords.pop("ascending", None)
            if keywords:
                raise self.unread(node)
            frame.order = args[0]
            frame.columns.append(args[0])
            frame.desc = ascending is not None and self.constant(ascending) is False
            return frame
        if method in ("nlargest", "nsmallest", "head", "tail"):
            n = args[0] if args else 5
            if (
                keywords
                or len(args) > 1
                or not isinstance(n, int)
                or isinstance(n, bool)
                or not 0 < n <= 1000
                or frame.limit is not None
                or (frame.group and frame.measure is None)
            ):
                raise self.unread(node)
            if method in ("nlargest", "nsmallest"):
                if frame.measure is None:
                    raise self.unread(node)
                frame.order = "*"
                frame.desc = method == "nlargest"
            else:
                if frame.order is None or frame.measure is not None:
                    raise self.unread(node)
                frame.desc = frame.desc != (method == "tail")
            frame.limit = n
            return frame
        if method in ("hist", "describe", "plot.hist"):
            # "salary.hist(bins=8)", "salary.describe()": how the values spread, in bands.
            bins = keywords.pop("bins", None)
            count = 10 if bins is None else self.constant(bins)
            if (
                frame.column is None
                or frame.measure is not None
                or frame.group
                or args
                or keywords
                or not isinstance(count, int)
                or isinstance(count, bool)
                or not 2 <= count <= 100
            ):
                raise self.unread(node)
            frame.group = [frame.column]
            frame.bins = count
            frame.column = None
            frame.measure = {"agg": "count"}
            return frame
        if method == "cumsum":
            if frame.measure is None or frame.measure.get("agg") != "sum" or args or keywords:
                raise self.unread(node)
            frame.measure["cumulative"] = True
            return frame
        if method in _AGGS:
            if frame.measure is not None or frame.order is not None or args:
                raise self.unread(node)
            normalize = keywords.pop("normalize", None)
            if keywords or (normalize is not None and method != "value_counts"):
                raise self.unread(node)
            agg = _AGGS[method]
            if method == "value_counts":
                if frame.column is None or frame.group:
                    raise self.unread(node)
                frame.group = [frame.column]
                frame.column = None
                frame.measure = {"agg": "count"}
                if normalize is not None and self.constant(normalize) is True:
                    frame.measure["share"] = True
                return frame
            if method in ("size", "count"):
                if method == "count" and frame.column is None:
                    raise self.unread(node)
                frame.measure = {"agg": "count"}
            else:
                if frame.column is None:
                    raise self.unread(node)
                frame.measure = {"agg": agg, "column": frame.column}
            frame.column = None
            return frame
        raise self.unread(node)

    # -- conditions -------------------------------------------------------------------------
    def condition(self, node: ast.AST, frame: _Frame, bare: bool = False) -> None:
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
            for part in node.values:
                self.condition(part, frame, bare)
            return
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitAnd):
            self.condition(node.left, frame, bare)
            self.condition(node.right, frame, bare)
            return
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("isin", "between")
            and not node.keywords
        ):
            column = self.column_of(node.func.value, frame, bare)
            values = [self.constant(a) for a in node.args]
            if (
                node.func.attr == "isin"
                and len(values) == 1
                and isinstance(values[0], list)
                and values[0]
                and all(isinstance(v, str | int | float) for v in values[0])
            ):
                frame.filters.append({"column": column, "op": "in", "value": values[0]})
                return
            if (
                node.func.attr == "between"
                and len(values) == 2
                and all(isinstance(v, str | int | float) for v in values)
            ):
                frame.filters.append({"column": column, "op": "between", "value": values})
                return
            raise self.unread(node)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _OPS:
            op = _OPS[type(node.ops[0])]
            left, right = node.left, node.comparators[0]
            if self.is_value(left) and not self.is_value(right):
                left, right, op = right, left, _FLIP[op]
            value = self.constant(right)
            if not isinstance(value, str | int | float) or value is None:
                raise self.unread(node)
            year = self.year_of(left, frame, bare)
            if year is not None:
                if (
                    not isinstance(value, int)
                    or isinstance(value, bool)
                    or not 1900 <= value <= 2200
                ):
                    raise self.unread(node)
                bounds = {"eq": [f"{value}-01-01", f"{value}-12-31"]}
                if op == "eq":
                    frame.filters.append({"column": year, "op": "between", "value": bounds["eq"]})
                elif op in ("gte", "gt"):
                    first = value if op == "gte" else value + 1
                    frame.filters.append({"column": year, "op": "gte", "value": f"{first}-01-01"})
                elif op in ("lte", "lt"):
                    last = value if op == "lte" else value - 1
                    frame.filters.append({"column": year, "op": "lte", "value": f"{last}-12-31"})
                else:
                    raise self.unread(node)
                return
            column = self.column_of(left, frame, bare)
            frame.filters.append({"column": column, "op": op, "value": value})
            return
        raise self.unread(node)

    def is_value(self, node: ast.AST) -> bool:
        try:
            self.constant(node)
        except PandasUnread:
            return False
        return True

    def year_of(self, node: ast.AST, frame: _Frame, bare: bool) -> str | None:
        """The date column of "sales.sale_date.dt.year" / "sale_date.dt.year", else None."""
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "year"
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "dt"
        ):
            return self.column_of(node.value.value, frame, bare)
        return None

    def column_of(self, node: ast.AST, frame: _Frame, bare: bool) -> str:
        """The column a condition's side names: "df.x", "sales.x", "df['x']", or in a query
        string the bare "x"."""
        if bare and isinstance(node, ast.Name) and not node.id.startswith("_"):
            frame.columns.append(node.id)
            return node.id
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            holder, column = node.value.id, node.attr
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            holder, column = node.value.id, node.slice.value
        else:
            raise self.unread(node)
        if column.startswith("_") or holder not in ("df", frame.table or "df"):
            raise self.unread(node)
        frame.columns.append(column)
        return column

    def constant(self, node: ast.AST, default: Any = ...) -> Any:
        """A literal: a string, a number, True/False, a list of them, or "today.year - 1"."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool):
            return node.value
        if (
            isinstance(node, ast.UnaryOp)
            and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant)
            and isinstance(node.operand.value, int | float)
        ):
            return -node.operand.value
        if isinstance(node, ast.List | ast.Tuple) and len(node.elts) <= 100:
            return [self.constant(e) for e in node.elts]
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "year"
            and isinstance(node.value, ast.Name)
            and node.value.id == "today"
        ):
            return self.today.year
        if (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Add | ast.Sub)
            and isinstance(node.left, ast.Attribute)
            and node.left.attr == "year"
            and isinstance(node.right, ast.Constant)
            and type(node.right.value) is int
            and 0 <= node.right.value <= 100
        ):
            year = self.constant(node.left)
            return (
                year + node.right.value if isinstance(node.op, ast.Add) else year - node.right.value
            )
        if default is not ...:
            return default
        raise self.unread(node)

    # -- the spec -------------------------------------------------------------------------
    def spec(self, frame: _Frame) -> dict[str, Any] | None:
        spec: dict[str, Any] = {"table": frame.table}
        if frame.filters:
            spec["filters"] = frame.filters
        if frame.measure is None:
            if frame.group:
                raise PandasUnread(self.text[:80])
            if frame.column is None:
                return None  # whole rows: which columns to show is left to the words
            spec["select"] = [frame.column]
            if frame.order is not None and frame.order != "*":
                spec["order_by"] = [{"by": frame.order, "desc": frame.desc}]
            if frame.limit is not None:
                spec["limit"] = frame.limit
            return spec
        if frame.column is not None:
            raise PandasUnread(self.text[:80])
        measure = frame.measure
        spec["measures"] = [measure]
        if frame.group:
            spec["dimensions"] = [{"column": c} for c in frame.group]
            if frame.bins is not None:
                spec["dimensions"][0]["bin"] = {"count": frame.bins}
            if frame.grain is not None:
                spec["dimensions"][0]["grain"] = frame.grain
        column = measure.get("column")
        alias = "count" if column is None else f"{measure['agg']}_{column}"
        if frame.having is not None:
            spec["having"] = [{"by": alias, **frame.having}]
        if frame.order == "*":
            spec["order_by"] = [{"by": alias, "desc": frame.desc}]
        if frame.limit is not None:
            if frame.order != "*":
                raise PandasUnread(self.text[:80])
            spec["limit"] = frame.limit
        return spec
