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
  (``hire_date_month``); a dimension's `key` adds no result column (see `Dimension`);
* a column of a related table written ``offices.region`` contributes ``offices_region``;
* with ``"compare": {"to": "previous_period"}`` (or ``"previous_year"``), each measure that is
  not a share or running total adds ``<measure>_previous``, ``<measure>_change`` and
  ``<measure>_change_pct``, after all the measures (see `Compare`).

Spec v2 shapes at a glance (DESIGN.md "Query spec v2", docs/queries.md):

```json
{"table": "sales",
 "measures": [{"agg": "sum", "column": "amount", "name": "revenue"}],
 "dimensions": [{"column": "sale_date", "grain": "month"},
                {"column": "amount", "bin": {"count": 10}}],
 "filters": [{"column": "sale_date", "op": "last", "value": {"n": 6, "unit": "month"},
              "anchor": "latest"}],
 "compare": {"to": "previous_year"}}
```
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from plotboard.inputs import INT64_MAX, INT64_MIN, check_text, number_problem, text_problem

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
    "last",
    "this",
    "previous",
    "to_date",
]

MAX_ITEMS = 20
"""Most measures, dimensions, filters or sort keys in one spec."""
MAX_LIST_VALUES = 1000
"""Most values in one `in` / `not_in` filter."""
MAX_LIMIT = 100_000
"""Highest `limit`; a spec without a limit is capped at this many rows."""

MAX_VALUE_LENGTH = 10_000
"""Most characters in one text filter value."""
MAX_EXPR_LENGTH = 2000
"""Most characters in one expression (`plotboard.query.expr.MAX_LENGTH`)."""
MAX_SELECT = 100
"""Most columns in a detail query's `select`."""
MAX_OFFSET = 1_000_000
"""Highest `offset` when paging through detail rows."""
MAX_BIN_WIDTH = 10**15
"""Widest number band (far above any meaningful width, well inside every engine's range)."""
MAX_BIN_COUNT = 1000
"""Most equal bands in a `{"count": n}` bin."""

Scalar = (
    StrictBool
    | Annotated[StrictInt, Field(ge=INT64_MIN, le=INT64_MAX)]
    | Annotated[StrictFloat, Field(allow_inf_nan=False)]
    | Annotated[StrictStr, AfterValidator(check_text), Field(max_length=MAX_VALUE_LENGTH)]
)
"""A filter value. Strict types: JSON `true` stays a boolean and `1` stays a number. Bounded to
what every engine can bind: 64-bit integers, finite floats, valid text."""

ColumnRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""`column` or `table.column` (a column of a table reachable along foreign keys)."""

_SCALAR_OPS = frozenset({"eq", "neq", "gt", "gte", "lt", "lte"})
_LIST_OPS = frozenset({"in", "not_in"})
_TEXT_OPS = frozenset({"contains", "starts_with"})
_NULL_OPS = frozenset({"is_null", "is_not_null"})
RELATIVE_DATE_OPS = frozenset({"last", "this", "previous", "to_date"})


class _SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SpecProblem(ValueError):
    """A spec that can't be run, said in the words of the editor's builder (its controls'
    labels, never a spec key: end users read these in the tile). `field` names the spec key for
    developers, relative to the model that raised it (`parse_spec` puts it in the error's
    `field`)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


AGG_WORDS: dict[str, str] = {
    "count": "Count of…",
    "count_distinct": "Distinct of…",
    "sum": "Total of…",
    "avg": "Average of…",
    "min": "Lowest of…",
    "max": "Highest of…",
}
"""Each aggregate as the builder's "What to measure" list names it."""

OP_WORDS: dict[str, str] = {
    "eq": "is",
    "neq": "is not",
    "in": "is any of",
    "not_in": "is none of",
    "gt": "is more than",
    "gte": "is at least",
    "lt": "is less than",
    "lte": "is at most",
    "between": "is between",
    "contains": "contains",
    "starts_with": "starts with",
    "is_null": "is empty",
    "is_not_null": "is not empty",
    "last": "in the last",
    "this": "this",
    "previous": "the previous",
    "to_date": "so far this",
}
"""Each filter condition as the builder's filter rows say it."""


def _words(column: str) -> str:
    """A column reference as plain words: ``employees.hire_date`` -> ``hire date``."""
    return column.rsplit(".", 1)[-1].replace("_", " ")


def alias_of(column: str) -> str:
    """The output-name form of a column reference: ``offices.region`` -> ``offices_region``."""
    return column.replace(".", "_")


Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
"""An output or custom-column name: a letter or `_`, then letters, digits or `_` (at most 63)."""
ExprText = Annotated[str, StringConstraints(min_length=1, max_length=MAX_EXPR_LENGTH)]
"""An expression in plotboard's expression language (`plotboard.query.expr`)."""


class Format(_SpecModel):
    """How a measure's numbers are shown: passed through to the answer's column metadata."""

    type: Literal["number", "percent", "currency", "compact"] = "number"
    decimals: int | None = Field(default=None, ge=0, le=10)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None

    @model_validator(mode="after")
    def _currency_code(self) -> Format:
        if self.type == "currency" and self.currency is None:
            raise SpecProblem("money needs a currency, such as EUR", "currency")
        if self.type != "currency" and self.currency is not None:
            raise SpecProblem("only money takes a currency; choose a money format", "currency")
        return self


class ShareWithin(_SpecModel):
    """A share taken within each group of the first dimension: ``{"within": "category"}`` (its
    column or output name). Each value is a percent of its group's total, so the shares of
    each group add up to 100 (100% stacked bars: one bar per category, split by region)."""

    within: ColumnRef


class Measure(_SpecModel):
    """An aggregate: ``{"agg": "sum", "column": "amount"}``; `count` may leave out the column.

    Or a calculated measure: ``{"expr": "sum(amount) / count()", "name": "avg_deal"}``.
    `share`: ``true``, the value as a percent (0-100) of its total over all rows of the answer;
    or ``{"within": "<first dimension>"}``, of its total within each group of the first
    dimension (see `ShareWithin`). Either way over the user's rows only.
    `cumulative`: the running total along the first dimension (within each value of the others).
    """

    agg: Aggregate | None = None
    column: ColumnRef | None = None
    expr: ExprText | None = None
    name: Name | None = None
    share: Annotated[
        Annotated[StrictBool, Tag("bool")] | Annotated[ShareWithin, Tag("ShareWithin")],
        Discriminator(lambda v: "ShareWithin" if isinstance(v, dict | ShareWithin) else "bool"),
    ] = False
    cumulative: StrictBool = False
    format: Format | None = None

    @field_validator("share", mode="before")
    @classmethod
    def _share_shape(cls, value: object) -> object:
        if not isinstance(value, bool | dict | ShareWithin):
            raise SpecProblem(
                "a share is true (% of the total), false, or {\"within\": <the first "
                "breakdown>} (% within each of its groups)"
            )
        return value

    @model_validator(mode="after")
    def _column_needed(self) -> Measure:
        if self.expr is not None:
            if self.agg is not None or self.column is not None:
                raise SpecProblem(
                    "a measure is either a calculation (a formula) or a count, total, average… "
                    "of a column, not both",
                    "expr",
                )
            if self.name is None:
                raise SpecProblem("a calculation needs a name", "name")
        elif self.agg is None:
            raise SpecProblem(
                "choose what to measure: a count, a total, an average… or a calculation", "agg"
            )
        elif self.column is None and self.agg != "count":
            raise SpecProblem(f"“{AGG_WORDS[self.agg]}” needs a column: pick one", "column")
        if self.share and self.cumulative:
            raise SpecProblem(
                "a measure shows as “% of the total” or as a “Running total”, not both", "share"
            )
        return self

    @property
    def share_within(self) -> str | None:
        """The dimension a share is taken within (as the spec names it), None for a share of
        the total or no share."""
        return self.share.within if isinstance(self.share, ShareWithin) else None

    @property
    def base_alias(self) -> str:
        """The output name of the plain aggregate (``sum_amount``), before share/cumulative."""
        if self.expr is not None:
            return self.name or ""
        return "count" if self.column is None else f"{self.agg}_{alias_of(self.column)}"

    @property
    def alias(self) -> str:
        if self.name is not None:
            return self.name
        if self.share:
            return f"{self.base_alias}_share"
        if self.cumulative:
            return f"{self.base_alias}_cumulative"
        return self.base_alias


class Bin(_SpecModel):
    """Number bands: ``{"width": 20000}`` (each band's lower edge is a multiple of the width),
    or ``{"count": 10}``: that many equal bands from the lowest to the highest value of the
    rows the query reads (the user's rows under the access rules, after the filters); a band
    holds its lower edge, the last one also the highest value. Either way the dimension's value
    is the band's lower edge."""

    width: (
        Annotated[StrictInt, Field(gt=0, le=MAX_BIN_WIDTH)]
        | Annotated[StrictFloat, Field(gt=0, le=MAX_BIN_WIDTH, allow_inf_nan=False)]
        | None
    ) = None
    count: Annotated[StrictInt, Field(ge=1, le=MAX_BIN_COUNT)] | None = None

    @model_validator(mode="after")
    def _width_or_count(self) -> Bin:
        if (self.width is None) == (self.count is None):
            raise SpecProblem(
                "bands are either of one size or a number of equal bands: give the size or the "
                "number of bands, not both"
            )
        return self


class Dimension(_SpecModel):
    """A group-by column, optionally truncated to a date grain or cut into number bands.

    `key`: a column that tells apart the rows `column` names, grouped by as well but not
    shown: ``{"column": "employees.full_name", "key": "employees.employee_id"}`` is one row
    per employee, showing the name only, so that two people of one name stay two rows. The
    key is a column of the same table as `column` (checked by `compile_query`, under the same
    rules as any column), and it never becomes a result column.
    """

    column: ColumnRef
    grain: Grain | None = None
    bin: Bin | None = None
    key: ColumnRef | None = None

    @model_validator(mode="after")
    def _grain_or_bin(self) -> Dimension:
        if self.grain is not None and self.bin is not None:
            raise SpecProblem(
                "a breakdown is grouped by a date period or cut into number bands, not both", "bin"
            )
        if self.key is not None and (self.grain is not None or self.bin is not None):
            raise SpecProblem(
                "a breakdown by a date period or in number bands has no key: a key tells apart "
                "the rows a name stands for (people who share a name); remove the key or the "
                "grouping",
                "key",
            )
        return self

    @property
    def alias(self) -> str:
        base = alias_of(self.column)
        if self.bin is not None:
            return f"{base}_bin"
        return f"{base}_{self.grain}" if self.grain else base


class Periods(_SpecModel):
    """The value of a `last` filter: ``{"n": 6, "unit": "month"}``."""

    n: StrictInt = 1
    unit: StrictStr


class Filter(_SpecModel):
    """A row filter ``column <op> value``.

    Values by op: `eq`/`neq`/`gt`/`gte`/`lt`/`lte` one value; `in`/`not_in` a non-empty list;
    `between` a list of two values (inclusive); `contains`/`starts_with` text (matched without
    regard to case); `is_null`/`is_not_null` no value.

    Relative dates (`plotboard.query.dates`): `last` takes ``{"n": 6, "unit": "month"}``,
    `this`/`previous` a unit, `to_date` ``"month"``/``"quarter"``/``"year"``. `anchor` is
    ``"today"`` (the default: today in the organization's time zone) or ``"latest"``: the
    latest date of that column among the rows the user can see (under the access rules, before
    the spec's other filters).
    """

    column: ColumnRef
    op: FilterOp
    value: Scalar | list[Scalar] | Periods | None = None
    anchor: Literal["today", "latest"] | None = None
    include_current: StrictBool = False

    @field_validator("value", mode="before")
    @classmethod
    def _bindable(cls, value: object) -> object:
        # Said before the union is tried, whose errors would only say "not a boolean" first.
        for item in value if isinstance(value, list) else [value]:
            problem = (
                number_problem(item)
                if isinstance(item, int | float)
                else text_problem(item)
                if isinstance(item, str)
                else None
            )
            if problem:
                raise ValueError(f"a filter value {problem}")
            if isinstance(item, str) and len(item) > MAX_VALUE_LENGTH:
                raise ValueError(
                    f"a filter value is too long (at most {MAX_VALUE_LENGTH} characters)"
                )
        return value

    @model_validator(mode="after")
    def _value_fits_op(self) -> Filter:
        value, op = self.value, self.op
        said = f"the filter “{_words(self.column)} {OP_WORDS[op]}”"
        if op in RELATIVE_DATE_OPS:
            if value is None:
                raise SpecProblem(f"{said} needs a period, e.g. months", "value")
            return self  # checked with the dates (`plotboard.query.dates`) when compiled
        if isinstance(value, Periods) or self.anchor or self.include_current:
            raise SpecProblem(
                f"{said} takes no period: only a date range (“in the last…”, “this…”) does",
                "anchor" if self.anchor else "value",
            )
        if op in _NULL_OPS:
            if value is not None:
                raise SpecProblem(f"{said} takes no value", "value")
        elif op in _LIST_OPS:
            if not isinstance(value, list) or not value:
                raise SpecProblem(f"{said} needs at least one value: tick one", "value")
            if len(value) > MAX_LIST_VALUES:
                raise SpecProblem(f"{said} takes at most {MAX_LIST_VALUES} values", "value")
        elif op == "between":
            if not isinstance(value, list) or len(value) != 2:
                raise SpecProblem(f"{said} needs two values: from and to", "value")
        elif op in _TEXT_OPS:
            if not isinstance(value, str) or not value:
                raise SpecProblem(f"{said} needs some text", "value")
        elif value is None or isinstance(value, list):
            raise SpecProblem(f"{said} needs exactly one value", "value")
        return self


MAX_FILTER_DEPTH = 3
"""Most levels of filter groups inside one another: an `any` in a `without`'s `where` in an
`any` is three."""
MAX_CONDITIONS = 50
"""Most filter conditions in one spec, counting every one inside `any`, `all` and `without`."""

ANY_WORDS = "Any of"
ALL_WORDS = "All of"
WITHOUT_WORDS = "Has no"
"""The filter groups as the builder names them."""


def _filter_kind(value: object) -> str:
    """Which filter shape a `filters` entry is: by its leading key (``any``, ``all``,
    ``without``), else a plain condition."""
    if isinstance(value, dict):
        for key, tag in (("any", "AnyOf"), ("all", "AllOf"), ("without", "Without")):
            if key in value:
                return tag
        return "Filter"
    return type(value).__name__ if isinstance(value, AnyOf | AllOf | Without) else "Filter"


class AnyOf(_SpecModel):
    """OR: a row is kept when at least one of the conditions holds:
    ``{"any": [{"column": "location", "op": "eq", "value": "Paris"},
    {"column": "performance_rating", "op": "eq", "value": 5}]}``. Each condition is a filter
    entry of its own (a condition, an `all`, a `without`) and keeps its checks."""

    any: tuple[FilterItem, ...] = Field(min_length=1, max_length=MAX_ITEMS)

    @field_validator("any", mode="before")
    @classmethod
    def _some(cls, value: object) -> object:
        return _group_items(value, ANY_WORDS)


class AllOf(_SpecModel):
    """AND inside an `any`: ``{"all": [<filter>, <filter>]}`` holds when all of them do
    ("Services in 2023" or "Hardware in 2025")."""

    all: tuple[FilterItem, ...] = Field(min_length=1, max_length=MAX_ITEMS)

    @field_validator("all", mode="before")
    @classmethod
    def _some(cls, value: object) -> object:
        return _group_items(value, ALL_WORDS)


class Without(_SpecModel):
    """“Has no related rows” (an anti-join): ``{"without": "sales"}`` on employees keeps the
    employees with no sales row linked to them, ``"where"`` narrows the related rows that count
    (``{"without": "employees", "where": [{"column": "is_remote", "op": "eq", "value": true}]}``
    on offices: offices with no remote staff). The link is the catalog's foreign-key path from
    the related table to the spec's table (never a condition of the spec's own); only the
    related rows the user may see under the access rules count. `where`'s columns are the
    related table's (or of tables it points to, ``offices.region``)."""

    without: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    where: tuple[FilterItem, ...] = Field(default=(), max_length=MAX_ITEMS)


def _group_items(value: object, words: str) -> object:
    if isinstance(value, list | tuple):
        if not value:
            raise SpecProblem(f"“{words}” needs at least one condition")
        if len(value) > MAX_ITEMS:
            raise SpecProblem(f"“{words}” takes at most {MAX_ITEMS} conditions")
    return value


FilterItem = Annotated[
    Annotated[Filter, Tag("Filter")]
    | Annotated[AnyOf, Tag("AnyOf")]
    | Annotated[AllOf, Tag("AllOf")]
    | Annotated[Without, Tag("Without")],
    Discriminator(_filter_kind),
]
"""A `filters` entry: a condition (`Filter`), or a group: `any` (OR), `all` (AND), `without`
(no related rows)."""

for _model in (AnyOf, AllOf, Without):
    _model.model_rebuild()


def _filter_shape_problem(items: object) -> SpecProblem | None:
    """The depth and size limits of `filters`, checked on the raw JSON before the models (so a
    nesting bomb is refused before it is walked by anything recursive)."""
    count = 0
    stack: list[tuple[object, int, str]] = [(items, 0, "")]
    while stack:
        value, depth, at = stack.pop()
        if not isinstance(value, list | tuple):
            continue
        for i, item in enumerate(value):
            where = f"{at}[{i}]"
            count += 1
            if not isinstance(item, dict):
                continue
            groups = [(k, item[k]) for k in ("any", "all", "where") if k in item]
            for key, inner in groups:
                if depth + 1 > MAX_FILTER_DEPTH:
                    return SpecProblem(
                        f"filters are grouped {depth + 1} deep (“{ANY_WORDS}”, “{ALL_WORDS}”, "
                        f"“{WITHOUT_WORDS}”); at most {MAX_FILTER_DEPTH} levels: flatten the "
                        "conditions",
                        f"{where}.{key}",
                    )
                stack.append((inner, depth + 1, f"{where}.{key}"))
            if count > MAX_CONDITIONS:
                return SpecProblem(
                    f"too many filter conditions: at most {MAX_CONDITIONS}, counting those "
                    "inside groups"
                )
    return None


def filter_leaves(
    items: tuple[FilterItem, ...], at: str = "filters"
) -> list[tuple[str, Filter, bool]]:
    """Every condition of `items` with its spec key and whether it sits in a group (an `any`,
    an `all`) of the spec's table. Conditions inside a `without` are on another table: left
    out."""
    out: list[tuple[str, Filter, bool]] = []
    for i, item in enumerate(items):
        key = f"{at}[{i}]"
        if isinstance(item, Filter):
            out.append((key, item, at != "filters"))
        elif isinstance(item, AnyOf):
            out.extend(filter_leaves(item.any, f"{key}.any"))
        elif isinstance(item, AllOf):
            out.extend(filter_leaves(item.all, f"{key}.all"))
    return out


def _check_grouped(items: tuple[FilterItem, ...], at: str, grouped: bool) -> None:
    """A relative date range counted from the latest date stays at the top of `filters`: the
    latest date is found per top-level filter."""
    for i, item in enumerate(items):
        key = f"{at}[{i}]"
        if isinstance(item, Filter):
            if grouped and item.op in RELATIVE_DATE_OPS and item.anchor == "latest":
                raise SpecProblem(
                    f"the date range on “{_words(item.column)}” counted from the latest date "
                    f"can't be inside “{ANY_WORDS}”, “{ALL_WORDS}” or “{WITHOUT_WORDS}”: count "
                    "it from today, or move it out of the group",
                    f"{key}.anchor",
                )
        elif isinstance(item, AnyOf):
            _check_grouped(item.any, f"{key}.any", True)
        elif isinstance(item, AllOf):
            _check_grouped(item.all, f"{key}.all", True)
        else:
            _check_grouped(item.where, f"{key}.where", True)


class OrderBy(_SpecModel):
    """Sort by an output name (``avg_salary``) or by a chosen dimension's column."""

    by: ColumnRef
    desc: bool = False


class CustomColumn(_SpecModel):
    """A row-level column computed by an expression, usable by `name` wherever a column is."""

    name: Name
    expr: ExprText


class Compare(_SpecModel):
    """A period comparison: ``{"to": "previous_period"}`` or ``{"to": "previous_year"}``.

    Each plain measure (not a share or running total) gets three more result columns, after
    all the measures, in measure order: ``<name>_previous`` (its value for the compared
    period), ``<name>_change`` (value - previous) and ``<name>_change_pct`` ((value - previous)
    * 100 / previous; NULL when previous is 0 or NULL).

    Which period is compared:

    * with a dimension that has a date ``grain``, the first one: each row's period against the
      period before it (``previous_period``: the month before, the week before, ...) or the
      same period a year before (``previous_year``); a relative date filter on that column is
      moved back as well, so the first row gets its previous value;
    * else with a relative date filter (``last``, ``this``, ``previous``, ``to_date``) or a
      ``between`` of two dates on a date column, the first one: the rows of the range just
      before it of the same length (whole months compare with as many months; "this quarter"
      with the previous quarter) or the same dates a year before. The KPI's "vs previous
      period" is this case without dimensions.

    Both periods are read under the same access rules and the other filters, so every value is
    computed over the user's own rows. The answer's ``compare`` says which dates were compared.
    A ``limit`` on rows sorted by the date dimension oldest first keeps the latest periods
    (still returned oldest first).
    """

    to: Literal["previous_period", "previous_year"]


COMPARE_SUFFIXES = ("_previous", "_change", "_change_pct")
"""The result columns a `compare` adds per compared measure, in this order."""


HavingOp = Literal["eq", "neq", "gt", "gte", "lt", "lte", "between"]


class Having(_SpecModel):
    """A filter on a measure's value, by its output name: ``{"by": "revenue", "op": "gt",
    "value": 5000}``; `between` takes ``[low, high]`` (inclusive)."""

    by: ColumnRef
    op: HavingOp
    value: Scalar | list[Scalar]

    @model_validator(mode="after")
    def _value_fits_op(self) -> Having:
        said = f"“Only keep groups whose number {OP_WORDS[self.op]}…”"
        if self.op == "between":
            if not isinstance(self.value, list) or len(self.value) != 2:
                raise SpecProblem(f"{said} needs two values: from and to", "value")
        elif isinstance(self.value, list):
            raise SpecProblem(f"{said} needs exactly one value", "value")
        return self


class QuerySpec(_SpecModel):
    """One chart query. See the module docstring for the JSON shape and output names."""

    table: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    measures: tuple[Measure, ...] = Field(default=(), max_length=MAX_ITEMS)
    dimensions: tuple[Dimension, ...] = Field(default=(), max_length=MAX_ITEMS)
    filters: tuple[FilterItem, ...] = Field(default=(), max_length=MAX_ITEMS)
    order_by: tuple[OrderBy, ...] = Field(default=(), max_length=MAX_ITEMS)
    limit: int | None = Field(default=None, ge=1, le=MAX_LIMIT)
    columns: tuple[CustomColumn, ...] = Field(default=(), max_length=MAX_ITEMS)
    having: tuple[Having, ...] = Field(default=(), max_length=MAX_ITEMS)
    limit_per: ColumnRef | None = None
    select: tuple[ColumnRef, ...] = Field(default=(), max_length=MAX_SELECT)
    offset: int | None = Field(default=None, ge=0, le=MAX_OFFSET)
    compare: Compare | None = None

    @field_validator("filters", mode="before")
    @classmethod
    def _filters_bounded(cls, value: object) -> object:
        problem = _filter_shape_problem(value)
        if problem is not None:
            raise problem
        return value

    @model_validator(mode="after")
    def _something_to_show(self) -> QuerySpec:
        _check_grouped(self.filters, "filters", False)
        nothing = "or set “Compare with” to “Nothing”"
        if self.compare is not None:
            if self.select:
                raise SpecProblem(
                    f"a list of records can't be compared with another period: choose "
                    f"“Numbers”, {nothing}",
                    "compare",
                )
            if not self.compared_measures:
                raise SpecProblem(
                    f"“Compare with” compares values, not a “% of the total” or a “Running "
                    f"total”: show a measure as “The value”, {nothing}",
                    "compare",
                )
            if self.limit_per is not None:
                raise SpecProblem(
                    f"“Compare with” can't be used with a limit counted in each group: set "
                    f"“Count the limit” to “Over all rows”, {nothing}",
                    "limit_per",
                )
        if self.select:
            if self.measures or self.dimensions:
                raise SpecProblem(
                    "a list of records shows the rows themselves, so it has nothing to measure "
                    "or break down: choose “Numbers” to count or total them",
                    "select",
                )
            if self.having:
                raise SpecProblem(
                    "“Only keep groups whose number…” needs numbers, not a list of records: "
                    "choose “Numbers”",
                    "having",
                )
            if self.limit_per:
                raise SpecProblem(
                    "a limit counted in each group needs numbers, not a list of records: "
                    "choose “Numbers”",
                    "limit_per",
                )
        elif not self.measures and not self.dimensions:
            raise SpecProblem("choose something to measure or a column to break down by")
        if self.offset and not self.select:
            raise SpecProblem(
                "only a list of records has pages (Previous and Next): choose “A list of "
                "records”, or start from the first page",
                "offset",
            )
        self._shares_within()
        if self.limit_per is not None and self.limit is None:
            raise SpecProblem(
                "to count the limit in each group, say how many under “Show at most”", "limit"
            )
        seen: set[str] = set()
        for i, alias in enumerate(self.aliases):
            if alias.lower() in seen:
                raise SpecProblem(
                    f"{self._described(i)} is chosen twice: remove one of them", self._where(i)
                )
            seen.add(alias.lower())
        names: set[str] = set()
        for i, custom in enumerate(self.columns):
            if custom.name.lower() in names:
                raise SpecProblem(
                    f"two new columns are named “{custom.name}”: give one another name",
                    f"columns[{i}].name",
                )
            names.add(custom.name.lower())
        return self

    def _shares_within(self) -> None:
        """A share within a group names the first dimension, and another one splits each group."""
        for i, m in enumerate(self.measures):
            within = m.share_within
            if within is None:
                continue
            field = f"measures[{i}].share.within"
            said = f"“% within each {_words(within)}”"
            instead = "or show the measure as “% of the total”"
            names = [(d.column.lower(), d.alias.lower()) for d in self.dimensions]
            if not names or within.lower() not in names[0]:
                how = "move" if any(within.lower() in n for n in names) else "add"
                raise SpecProblem(
                    f"{said} is taken within the groups of the first breakdown: {how} "
                    f"“{_words(within)}” first under “Break down by”, {instead}",
                    field,
                )
            if len(names) < 2:
                raise SpecProblem(
                    f"{said} needs a second breakdown to split each {_words(within)} into parts "
                    f"(with one breakdown every row is 100%): add one under “Break down by”, "
                    f"{instead}",
                    field,
                )

    def _where(self, i: int) -> str:
        """The spec key of the i-th result column (`aliases` order)."""
        if self.select:
            return f"select[{i}]"
        if i < len(self.dimensions):
            return f"dimensions[{i}]"
        if i < len(self.dimensions) + len(self.measures):
            return f"measures[{i - len(self.dimensions)}]"
        return "compare"

    def _described(self, i: int) -> str:
        """The i-th result column (`aliases` order) in the builder's words."""
        if self.select:
            return f"The column “{_words(self.select[i])}”"
        if i < len(self.dimensions):
            dim = self.dimensions[i]
            by = f" by {dim.grain}" if dim.grain else " in bands" if dim.bin else ""
            return f"The breakdown “{_words(dim.column)}{by}”"
        if i < len(self.dimensions) + len(self.measures):
            m = self.measures[i - len(self.dimensions)]
            if m.expr is not None:
                return f"The calculation “{m.name}”"
            what = AGG_WORDS[m.agg or "count"].removesuffix("…")
            of = _words(m.column) if m.column else "rows"
            within = m.share_within
            shown = (
                f" as % within each {_words(within)}" if within is not None
                else " as % of the total" if m.share
                else " as a running total" if m.cumulative else ""
            )
            return f"The measure “{what} {of}{shown}”"
        return "A compared measure"

    @property
    def aliases(self) -> tuple[str, ...]:
        """Result column names, in order: dimensions, then measures; or the `select` list."""
        if self.select:
            return tuple(alias_of(ref) for ref in self.select)
        items: tuple[Dimension | Measure, ...] = (*self.dimensions, *self.measures)
        compared = tuple(
            m.alias + suffix for m in self.compared_measures for suffix in COMPARE_SUFFIXES
        )
        return tuple(item.alias for item in items) + compared

    @property
    def compared_measures(self) -> tuple[Measure, ...]:
        """The measures a `compare` gives a previous value: all but shares and running totals."""
        if self.compare is None:
            return ()
        return tuple(m for m in self.measures if not (m.share or m.cumulative))

    def cache_key(self) -> str:
        """A canonical JSON text: equal specs give equal keys."""
        return self.model_dump_json()

    @property
    def relative(self) -> bool:
        """Whether a filter is relative to today, so its SQL's parameters change daily."""
        return _relative_items(self.filters)

    @property
    def latest_anchored(self) -> tuple[int, ...]:
        """Indexes of the relative filters anchored to the latest date the user can see."""
        return tuple(
            i for i, f in enumerate(self.filters)
            if isinstance(f, Filter) and f.op in RELATIVE_DATE_OPS and f.anchor == "latest"
        )


def _relative_items(items: tuple[FilterItem, ...]) -> bool:
    for item in items:
        if isinstance(item, Filter):
            if item.op in RELATIVE_DATE_OPS:
                return True
        elif _relative_items(
            item.any if isinstance(item, AnyOf) else item.all if isinstance(item, AllOf)
            else item.where
        ):
            return True
    return False


_FIELD_NAMES = frozenset(
    name
    for model in (QuerySpec, Measure, Dimension, Filter, OrderBy, Format, Bin, CustomColumn, Having,
                  Periods, Compare, ShareWithin, AnyOf, AllOf, Without)
    for name in model.model_fields
)


def _location(loc: tuple[int | str, ...]) -> str:
    # pydantic adds union-member tags ("bool", "list[...]") to locations: keep field names only.
    parts = [p for p in loc if isinstance(p, int) or p in _FIELD_NAMES]
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")


_CONTROLS: tuple[tuple[str, str], ...] = (
    ("limit", "“Show at most”"),
    ("offset", "The page"),
    ("format.decimals", "“Decimals”"),
    ("bin.width", "The band size"),
    ("bin.count", "The number of bands"),
    ("value.n", "The number of periods"),
)
"""Spec keys an end user sets with a builder control, and that control's name."""


def _control_words(field: str) -> str | None:
    """The builder control that sets `field` (``measures[0].format.decimals``), if any."""
    for key, words in _CONTROLS:
        if field == key or field.endswith("." + key):
            return words
    return None


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
        problem = first.get("ctx", {}).get("error")
        if isinstance(problem, SpecProblem):
            # Said in the builder's words; the spec key goes to `field` for developers.
            if problem.field:
                joined = "" if problem.field.startswith("[") else "."
                field = f"{field}{joined}{problem.field}" if field else problem.field
        elif first["type"] == "extra_forbidden":
            field = ".".join(filter(None, (_location(first["loc"][:-1]), str(first["loc"][-1]))))
            message = f"Unknown field '{field}': it is not part of a query."
        elif field.endswith("value") and len(first["loc"]) > len(field.split(".")) + 1:
            message = "Filter values must be text, numbers, true/false, or a list of those."
        elif message.startswith("Input should be") and field:
            control = _control_words(field)
            message = (
                f"{control}{message.removeprefix('Input')}."
                if control
                else f"The value of '{field}'{message.removeprefix('Input')}."
            )
        message = message[:1].upper() + message[1:]
        message = message if message.endswith(".") else message + "."
        raise QueryError(message, field=field or None, code="invalid_query") from None
