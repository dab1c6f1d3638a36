"""A question written as a whole SQL SELECT ("select full_name, department from employees
where job_title like 'VP%'"): read into a query spec, part by part.

The SQL is never run: only the parts that have a place in the query spec are read (one table,
its columns, count/sum/avg/min/max and count(distinct ...), where with =, <>, <, >, <=, >=,
in, between, like 'X%' and a year by strftime/extract/year(), group by, having on a measure,
order by and limit). Anything else (joins, subqueries, windows, other functions ...) makes the
reader give up, and the question is read as words as before. The spec then goes through the
same checks as every other: the columns must be ones the asker may see."""

from __future__ import annotations

import math
import re
from typing import Any

import sqlglot
from sqlglot import exp

#: Only a message that starts as a SELECT is read as one ("select ...", "SELECT ...").
_STARTS = re.compile(r"^\s*select\s", re.I)

_AGGS: dict[type[exp.Expression], str] = {
    exp.Sum: "sum", exp.Avg: "avg", exp.Min: "min", exp.Max: "max", exp.Count: "count",
}
_OPS: dict[type[exp.Expression], str] = {
    exp.EQ: "eq", exp.NEQ: "neq", exp.GT: "gt", exp.GTE: "gte", exp.LT: "lt", exp.LTE: "lte",
}


class _NotMapped(Exception):
    """A part of the SELECT that has no place in a query spec."""


def sql_spec(message: str) -> dict[str, Any] | None:
    """The query spec (as JSON) a whole SELECT statement says, or None when `message` is not
    one or has a part the query spec cannot hold."""
    select = _one_select(message)
    if select is None:
        return None
    try:
        return _read(select)
    except _NotMapped:
        return None


def _one_select(message: str) -> exp.Select | None:
    """`message` parsed as one whole SELECT statement, or None when it is not one."""
    if not _STARTS.match(message):
        return None
    try:
        parsed = sqlglot.parse(message.strip().rstrip(";"), read="sqlite")
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
        return None
    if len(parsed) != 1 or not isinstance(parsed[0], exp.Select):
        return None
    return parsed[0]


#: Functions the reader knows the meaning of (the aggregates, the year of a date).
_KNOWN_FUNCTIONS = frozenset({"strftime", "year", "extract", "count_if", "sum_if", "avg_if"})


def unread_part(message: str) -> str | None:
    """The part of a whole SELECT statement that no reading can use, as written: a function
    whose meaning is unknown here ("load_extension('x')", "foo(amount)") or a column named
    by no letter or digit ("¤"). Reading the rest as words would answer another question,
    so the statement is not answered (None: no such part, or no SELECT)."""
    select = _one_select(message)
    if select is None:
        return None
    for node in select.walk():
        if isinstance(node, exp.Anonymous) and str(node.name).lower() not in _KNOWN_FUNCTIONS:
            return node.sql(normalize_functions=False)
        if isinstance(node, exp.Column) and not re.search(r"\w", node.name):
            return node.sql(normalize_functions=False)
    return None


def _read(select: exp.Select) -> dict[str, Any]:
    args = select.args
    if any(args.get(k) for k in ("joins", "with", "distinct", "qualify", "windows", "offset")):
        raise _NotMapped
    source = args.get("from") or args.get("from_")
    if source is None or not isinstance(source.this, exp.Table) or source.this.args.get("db"):
        raise _NotMapped
    spec: dict[str, Any] = {"table": source.this.name}
    measures: list[dict[str, Any]] = []
    columns: list[str] = []
    aliases: dict[str, str] = {}
    for item in select.expressions:
        name = item.alias if isinstance(item, exp.Alias) else None
        node = item.this if isinstance(item, exp.Alias) else item
        measure = _measure(node)
        if measure is None and node.find(exp.Filter) is not None:
            # "count(*) filter (where is_remote)", "sum(amount) filter (where category =
            # 'Software') * 100.0 / sum(amount)": some rows' total, or their part of all.
            measure = _filtered(_unscaled(node))
        if measure is None and isinstance(node, exp.Div):
            # "sum(quantity) * 1.0 / count(*)": one total over another, a ratio.
            measure = _ratio(node)
        if measure is not None:
            measures.append(measure)
            if name:
                aliases[name.lower()] = _alias(measure)
        else:
            columns.append(_column(node))
            if name:
                aliases[name.lower()] = columns[-1]
    # "group by 1": the first item of the select list, as SQL numbers them.
    group = [_grouped(g, select.expressions) for g in
             (args["group"].expressions if args.get("group") else [])]
    if measures:
        if set(columns) - set(group):
            raise _NotMapped  # a bare column next to a total, not grouped by
        dims = list(dict.fromkeys([*group, *columns]))
        spec["measures"] = measures
        if dims:
            spec["dimensions"] = [{"column": c} for c in dims]
    else:
        if group or args.get("having"):
            raise _NotMapped
        if not columns or columns == ["*"]:
            raise _NotMapped
        spec["select"] = columns
    if args.get("where"):
        spec["filters"] = _filters(args["where"].this)
    wheres = [m.pop("where") for m in measures if "where" in m]
    if wheres:
        if len(measures) != 1:
            raise _NotMapped  # totals of other rows side by side: no one set of rows
        spec["filters"] = spec.get("filters", []) + wheres[0]
    if any("over" in m for m in measures) and (args.get("having") or args.get("order")):
        raise _NotMapped
    if args.get("having"):
        spec["having"] = [_having(c, measures) for c in _conjuncts(args["having"].this)]
    if args.get("order"):
        spec["order_by"] = [_order(o, measures, aliases) for o in args["order"].expressions]
    if args.get("limit"):
        limit = args["limit"].expression
        if not isinstance(limit, exp.Literal) or limit.is_string:
            raise _NotMapped
        spec["limit"] = int(limit.this)
    return spec


def _grouped(node: exp.Expression, items: list[exp.Expression]) -> str:
    if isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit():
        at = int(node.this) - 1
        if not 0 <= at < len(items):
            raise _NotMapped
        item = items[at]
        return _column(item.this if isinstance(item, exp.Alias) else item)
    return _column(node)


def _alias(measure: dict[str, Any]) -> str:
    if "part" in measure:
        return "percent"
    column = measure.get("column")
    return "count" if column is None else f"{measure['agg']}_{column.replace('.', '_')}"


def _measure(node: exp.Expression) -> dict[str, Any] | None:
    agg = _AGGS.get(type(node))
    if agg is None:
        return None
    inner = node.this
    if agg == "count":
        if inner is None or isinstance(inner, exp.Star):
            return {"agg": "count"}
        if isinstance(inner, exp.Distinct):
            if len(inner.expressions) != 1:
                raise _NotMapped
            return {"agg": "count_distinct", "column": _column(inner.expressions[0])}
        return {"agg": "count", "column": _column(inner)}
    return {"agg": agg, "column": _column(inner)}


def _filtered(node: exp.Expression) -> dict[str, Any]:
    """ "sum(amount) filter (where category = 'Software')": the total of the rows the
    condition keeps (their filters under the key "where"); over the same total of all rows
    ("... / sum(amount)", times 100 or 1.0 or not), the part those rows make up (the key
    "part")."""
    if isinstance(node, exp.Filter):
        measure = _measure(node.this)
        if measure is None:
            raise _NotMapped
        return {**measure, "where": _filters(node.expression.this)}
    if not isinstance(node, exp.Div):
        raise _NotMapped
    top = _unscaled(node.this)
    whole = _measure(_unscaled(node.expression))
    if not isinstance(top, exp.Filter) or whole is None:
        raise _NotMapped
    part = _filtered(top)
    where = part.pop("where")
    if part != whole or whole["agg"] not in ("sum", "count") or len(where) != 1:
        raise _NotMapped
    return {**whole, "part": where[0]}


def _unscaled(node: exp.Expression) -> exp.Expression:
    """`node` without a factor of 100 or 1 ("100.0 * sum(x)", "(sum(x) * 1.0)")."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Mul):
        for one, other in ((node.this, node.expression), (node.expression, node.this)):
            if isinstance(one, exp.Literal) and not one.is_string and float(one.this) in (1, 100):
                return _unscaled(other)
    return node


def _ratio(node: exp.Div) -> dict[str, Any]:
    """A total over another ("sum(quantity) * 1.0 / count(*)"; a factor of one is SQL's way to
    divide as decimals): the first measure, with the second under the key "over"."""
    top = node.this.this if isinstance(node.this, exp.Paren) else node.this
    if isinstance(top, exp.Mul):
        one = [x for x in (top.this, top.expression) if isinstance(x, exp.Literal)
               and not x.is_string and float(x.this) == 1.0]
        if len(one) != 1:
            raise _NotMapped
        top = top.expression if one[0] is top.this else top.this
    numerator, denominator = _measure(top), _measure(node.expression)
    if numerator is None or denominator is None:
        raise _NotMapped
    return {**numerator, "over": denominator}


def _column(node: exp.Expression | None) -> str:
    if isinstance(node, exp.Star):
        return "*"
    if not isinstance(node, exp.Column) or node.table:
        raise _NotMapped
    return str(node.name)


def _conjuncts(node: exp.Expression) -> list[exp.Expression]:
    if isinstance(node, exp.Paren):
        return _conjuncts(node.this)
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    return [node]


def _value(node: exp.Expression) -> Any:
    if isinstance(node, exp.Neg):
        value = _value(node.this)
        if isinstance(value, str | bool):
            raise _NotMapped
        return -value
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if not isinstance(node, exp.Literal):
        raise _NotMapped
    if node.is_string:
        return str(node.this)
    number = float(node.this)
    if not math.isfinite(number):
        raise _NotMapped  # "1e400": no value a filter can compare with
    return int(number) if number.is_integer() else number


def _year(node: exp.Expression) -> str | None:
    """The date column a year is taken of: strftime('%Y', col), year(col), extract(year ...)."""
    if isinstance(node, exp.TimeToStr) and _value(node.args["format"]) == "%Y":
        inner = node.this
        while isinstance(inner, exp.TsOrDsToTimestamp | exp.TsOrDsToDate | exp.Cast):
            inner = inner.this
        return _column(inner)
    if isinstance(node, exp.Year):
        return _column(node.this)
    if isinstance(node, exp.Extract) and str(node.this.name).lower() == "year":
        return _column(node.expression)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "strftime" and len(
        node.expressions
    ) == 2 and _value(node.expressions[0]) == "%Y":
        return _column(node.expressions[1])
    return None


def _filters(where: exp.Expression) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for c in _conjuncts(where):
        if isinstance(c, exp.Column):  # "where is_remote": a flag that holds
            out.append({"column": _column(c), "op": "eq", "value": True})
        elif isinstance(c, exp.Not) and isinstance(c.this, exp.Column):
            out.append({"column": _column(c.this), "op": "eq", "value": False})
        elif type(c) in _OPS:
            year = _year(c.this)
            if year is not None:
                value = str(_value(c.expression))
                if type(c) is not exp.EQ or not re.fullmatch(r"\d{4}", value):
                    raise _NotMapped
                out.append({"column": year, "op": "between",
                            "value": [f"{value}-01-01", f"{value}-12-31"]})
                continue
            out.append({"column": _column(c.this), "op": _OPS[type(c)],
                        "value": _value(c.expression)})
        elif isinstance(c, exp.In) and not c.args.get("query"):
            out.append({"column": _column(c.this), "op": "in",
                        "value": [_value(v) for v in c.expressions]})
        elif isinstance(c, exp.Between):
            out.append({"column": _column(c.this), "op": "between",
                        "value": [_value(c.args["low"]), _value(c.args["high"])]})
        elif isinstance(c, exp.Like):
            pattern = _value(c.expression)
            if not isinstance(pattern, str):
                raise _NotMapped
            text = pattern.strip("%")
            if not text or "%" in text or "_" in text:
                raise _NotMapped
            starts, ends = pattern.startswith("%"), pattern.endswith("%")
            if ends and not starts:
                op = "starts_with"
            elif starts and ends:
                op = "contains"
            elif not starts and not ends:
                op = "eq"
            else:
                raise _NotMapped
            out.append({"column": _column(c.this), "op": op, "value": text})
        elif isinstance(c, exp.Is) and isinstance(c.expression, exp.Null):
            out.append({"column": _column(c.this), "op": "is_null"})
        else:
            raise _NotMapped
    return out


def _having(c: exp.Expression, measures: list[dict[str, Any]]) -> dict[str, Any]:
    if type(c) not in _OPS:
        raise _NotMapped
    measure = _measure(c.this)
    if measure is None or measure not in measures:
        raise _NotMapped
    value = _value(c.expression)
    if isinstance(value, str | bool):
        raise _NotMapped
    return {"by": _alias(measure), "op": _OPS[type(c)], "value": value}


def _order(o: exp.Ordered, measures: list[dict[str, Any]], aliases: dict[str, str]
           ) -> dict[str, Any]:
    desc = bool(o.args.get("desc"))
    node = o.this
    measure = _measure(node)
    if measure is not None:
        if measure not in measures:
            raise _NotMapped
        return {"by": _alias(measure), "desc": desc}
    if isinstance(node, exp.Column) and not node.table and node.name.lower() in aliases:
        return {"by": aliases[node.name.lower()], "desc": desc}
    return {"by": _column(node), "desc": desc}
