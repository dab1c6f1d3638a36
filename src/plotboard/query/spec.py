"""The query spec: what the builder, the AI and saved tiles all produce (DESIGN.md "Query spec").

```json
{"table": "employees",
 "measures": [{"agg": "avg", "column": "salary"}],
 "dimensions": [{"column": "location"}, {"column": "hire_date", "grain": "month"}],
 "filters": [{"column": "department", "op": "in", "value": ["Sales", "Support"]}],
 "order_by": [{"by": "avg_salary", "desc": true}],
 "limit": 10}
```

The models only check the *shape* (types, sizes, which ops take which values); whether the
table and columns exist, are visible and have the right types is checked against the catalog by
`compile_query`. Unknown keys are refused (`extra="forbid"`) so that a typo like `"dimension"`
is an error, not a silently ignored field.

Output names (aliases), used for `order_by.by` and as result column names:

* a measure is ``<agg>_<column>`` (``avg_salary``, ``count_distinct_employee_id``) and a bare
  ``count`` without a column is ``count``;
* a dimension is its column name (``location``), with ``_<grain>`` appended when it has a grain
  (``hire_date_month``);
* a column of a related table written ``offices.region`` contributes ``offices_region``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
    model_validator,
)

Aggregate = Literal["count", "count_distinct", "sum", "avg", "min", "max"]
Grain = Literal["day", "week", "month", "quarter", "year"]
FilterOp = Literal[
    "eq",
    "neq",
    "in",
    "not_in",
    "gt",
    "gte",
    "lt",
    "lte",
    "between",
    "contains",
    "starts_with",
    "is_null",
    "is_not_null",
]

MAX_ITEMS = 20
"""Most measures, dimensions, filters or sort keys in one spec."""
MAX_LIST_VALUES = 1000
"""Most values in one `in` / `not_in` filter."""
MAX_LIMIT = 100_000
"""Highest `limit`; a spec without a limit is capped at this many rows."""

Scalar = StrictBool | StrictInt | StrictFloat | StrictStr
"""A filter value. Strict types: JSON `true` stays a boolean and `1` stays a number."""

ColumnRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""`column` or `table.column` (a column of a table reachable along foreign keys)."""

_SCALAR_OPS = frozenset({"eq", "neq", "gt", "gte", "lt", "lte"})
_LIST_OPS = frozenset({"in", "not_in"})
_TEXT_OPS = frozenset({"contains", "starts_with"})
_NULL_OPS = frozenset({"is_null", "is_not_null"})


class _SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def alias_of(column: str) -> str:
    """The output-name form of a column reference: ``offices.region`` -> ``offices_region``."""
    return column.replace(".", "_")


class Measure(_SpecModel):
    """An aggregate: ``{"agg": "sum", "column": "amount"}``; `count` may leave out the column."""

    agg: Aggregate
    column: ColumnRef | None = None

    @model_validator(mode="after")
    def _column_needed(self) -> Measure:
        if self.column is None and self.agg != "count":
            raise ValueError(f"the '{self.agg}' measure needs a column")
        return self

    @property
    def alias(self) -> str:
        return "count" if self.column is None else f"{self.agg}_{alias_of(self.column)}"


class Dimension(_SpecModel):
    """A group-by column, optionally truncated to a date grain."""

    column: ColumnRef
    grain: Grain | None = None

    @property
    def alias(self) -> str:
        base = alias_of(self.column)
        return f"{base}_{self.grain}" if self.grain else base


class Filter(_SpecModel):
    """A row filter ``column <op> value``.

    Values by op: `eq`/`neq`/`gt`/`gte`/`lt`/`lte` one value; `in`/`not_in` a non-empty list;
    `between` a list of two values (inclusive); `contains`/`starts_with` text (matched without
    regard to case); `is_null`/`is_not_null` no value.
    """

    column: ColumnRef
    op: FilterOp
    value: Scalar | list[Scalar] | None = None

    @model_validator(mode="after")
    def _value_fits_op(self) -> Filter:
        value, op = self.value, self.op
        if op in _NULL_OPS:
            if value is not None:
                raise ValueError(f"the '{op}' filter takes no value")
        elif op in _LIST_OPS:
            if not isinstance(value, list) or not value:
                raise ValueError(f"the '{op}' filter needs a non-empty list of values")
            if len(value) > MAX_LIST_VALUES:
                raise ValueError(f"the '{op}' filter takes at most {MAX_LIST_VALUES} values")
        elif op == "between":
            if not isinstance(value, list) or len(value) != 2:
                raise ValueError("the 'between' filter needs a list of two values [low, high]")
        elif op in _TEXT_OPS:
            if not isinstance(value, str) or not value:
                raise ValueError(f"the '{op}' filter needs some text")
        elif value is None or isinstance(value, list):
            raise ValueError(f"the '{op}' filter needs exactly one value")
        return self


class OrderBy(_SpecModel):
    """Sort by an output name (``avg_salary``) or by a chosen dimension's column."""

    by: ColumnRef
    desc: bool = False


class QuerySpec(_SpecModel):
    """One chart query. See the module docstring for the JSON shape and output names."""

    table: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    measures: tuple[Measure, ...] = Field(default=(), max_length=MAX_ITEMS)
    dimensions: tuple[Dimension, ...] = Field(default=(), max_length=MAX_ITEMS)
    filters: tuple[Filter, ...] = Field(default=(), max_length=MAX_ITEMS)
    order_by: tuple[OrderBy, ...] = Field(default=(), max_length=MAX_ITEMS)
    limit: int | None = Field(default=None, ge=1, le=MAX_LIMIT)

    @model_validator(mode="after")
    def _something_to_show(self) -> QuerySpec:
        if not self.measures and not self.dimensions:
            raise ValueError("pick at least one measure or dimension")
        seen: set[str] = set()
        items: tuple[Dimension | Measure, ...] = (*self.dimensions, *self.measures)
        for item in items:
            if item.alias.lower() in seen:
                raise ValueError(f"'{item.alias}' is chosen twice; remove one of them")
            seen.add(item.alias.lower())
        return self

    @property
    def aliases(self) -> tuple[str, ...]:
        """Result column names, dimensions first, then measures."""
        items: tuple[Dimension | Measure, ...] = (*self.dimensions, *self.measures)
        return tuple(item.alias for item in items)

    def cache_key(self) -> str:
        """A canonical JSON text: equal specs give equal keys."""
        return self.model_dump_json()


_FIELD_NAMES = frozenset(
    name
    for model in (QuerySpec, Measure, Dimension, Filter, OrderBy)
    for name in model.model_fields
)


def _location(loc: tuple[int | str, ...]) -> str:
    # pydantic adds union-member tags ("bool", "list[...]") to locations: keep field names only.
    parts = [p for p in loc if isinstance(p, int) or p in _FIELD_NAMES]
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")


def parse_spec(data: object) -> QuerySpec:
    """Validate untrusted JSON (builder, AI, saved tile) into a `QuerySpec`.

    Raises:
        QueryError: with the first problem, its location as `field` (e.g. ``"measures[0].agg"``).
    """
    from pydantic import ValidationError

    from plotboard.query.errors import QueryError

    try:
        return QuerySpec.model_validate(data)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        field = _location(first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ").rstrip(".")
        if first["type"] == "extra_forbidden":
            field = ".".join(filter(None, (_location(first["loc"][:-1]), str(first["loc"][-1]))))
            message = f"Unknown field '{field}': it is not part of a query."
        elif field.endswith("value") and len(first["loc"]) > len(field.split(".")) + 1:
            message = "Filter values must be text, numbers, true/false, or a list of those."
        elif message.startswith("Input should be") and field:
            message = f"The value of '{field}'{message.removeprefix('Input')}."
        message = message[:1].upper() + message[1:]
        message = message if message.endswith(".") else message + "."
        raise QueryError(message, field=field or None, code="invalid_query") from None
