"""The one entry point for running a query: compile or validate, enforce rules, check, memoize.

```python
prepared = prepare_query(spec, catalog, rules, token.attributes)
rows = connection.execute(sqlalchemy.text(prepared.sql), dict(prepared.params))
```

Both paths — a query spec (`prepare_query`) and raw SQL (`prepare_sql`) — go through the same
`enforce_access_rules` and `render_checked`. The checked SQL text is memoized in a bounded,
thread-safe LRU keyed on the spec (or SQL text), the catalog's content, the rules' content and
the *shape* of the user's attributes (which conditions are decided, how long the `in` lists
are; see `plotboard.access.conditions.rules_shape`). Attribute values are parameters, so one
cached entry serves every user with the same shape; only the parameter dict is built per call.
A result cache elsewhere should key on the final `sql` plus `params`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sqlglot import exp

from plotboard.access.check import render_checked
from plotboard.access.conditions import describe, filter_params, rules_shape
from plotboard.access.enforce import check_failed, enforce_access_rules, table_label
from plotboard.access.rules import RuleSet, TableRule
from plotboard.catalog.model import Catalog, Table
from plotboard.query.compile import ResultColumn, compile_query, today_utc
from plotboard.query.errors import QueryError
from plotboard.query.scopes import classify_tables, unshadow_ctes
from plotboard.query.spec import QuerySpec
from plotboard.query.sql import parse_read_only_sql

CACHE_SIZE = 4096


@dataclass(frozen=True)
class PreparedQuery:
    """Checked SQL plus what the caller needs to run it and explain it.

    Attributes:
        sql: text for `sqlalchemy.text()`; bind parameters are written `:name`.
        params: the values to bind (filter values and the user's attribute values).
        columns: result columns for a spec (dimensions, then measures); empty for raw SQL,
            whose column names come from the cursor.
        tables: the tables the query reads.
        applied: one readable line per access rule applied, e.g. ``sales.sales_region =
            'North'`` — for the "security filters applied" part of the API response.
        cached: whether the SQL came from the memo (for diagnostics and benchmarks).
        notes: for a spec, what the answer says about how it was read (`relative_dates`,
            `compare`; see `CompiledQuery.notes`); empty for raw SQL.
    """

    sql: str
    params: Mapping[str, object]
    columns: tuple[ResultColumn, ...]
    tables: tuple[str, ...]
    applied: tuple[str, ...]
    cached: bool = False
    notes: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class _Entry:
    sql: str
    own_params: Mapping[str, object]
    param_names: frozenset[str]
    columns: tuple[ResultColumn, ...]
    tables: tuple[str, ...]
    ruled: tuple[tuple[int, TableRule, Table], ...]  # what `RuleSet.for_table` gave
    notes: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


class _LRU:
    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[tuple[object, ...], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> _Entry | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is not None:
                self._items.move_to_end(key)
            return entry

    def put(self, key: tuple[object, ...], entry: _Entry) -> None:
        with self._lock:
            self._items[key] = entry
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_CACHE = _LRU(CACHE_SIZE)
_FINGERPRINTS: dict[int, tuple[weakref.ref[Catalog], str]] = {}


def clear_cache() -> None:
    """Forget every memoized query (tests; after a catalog or rules change it is not needed,
    because the key includes their content)."""
    _CACHE.clear()


def catalog_fingerprint(catalog: Catalog) -> str:
    """A content hash of `catalog`, computed once per catalog object."""
    key = id(catalog)
    hit = _FINGERPRINTS.get(key)
    if hit is not None and hit[0]() is catalog:
        return hit[1]
    fingerprint = hashlib.sha256(repr(catalog).encode()).hexdigest()[:32]
    _FINGERPRINTS[key] = (weakref.ref(catalog, lambda _: _FINGERPRINTS.pop(key, None)), fingerprint)
    return fingerprint


def prepare_query(
    spec: QuerySpec,
    catalog: Catalog,
    rules: RuleSet,
    attributes: Mapping[str, object],
    *,
    row_cap: int | None = None,
    mark_hidden: bool = False,
    today: dt.date | None = None,
    anchors: Mapping[int, dt.date | None] | None = None,
) -> PreparedQuery:
    """Compile `spec`, apply the user's access rules, check and memoize the SQL.

    `mark_hidden` adds the marker columns of `compile_query` (NULLs that stand for rows a
    rule hides) after the measures; `compile.describe_result` folds them away. `today` is the
    anchor day of relative date filters (today in the organization's time zone; UTC's by
    default) and `anchors` the latest visible dates of filters anchored to ``"latest"``
    (`plotboard.query.latest.latest_anchors`); both are part of the memo key.

    Raises:
        QueryError: whatever `compile_query`, `enforce_access_rules` or `render_checked`
            refuse; a spec anchored to the latest date without `anchors` for it.
    """
    missing = [i for i in spec.latest_anchored if anchors is None or i not in anchors]
    if missing:
        raise QueryError(
            "This query counts dates from the latest date you can see; run it through the "
            "query endpoint, which finds that date.",
            field=f"filters[{missing[0]}].anchor",
            code="invalid_filter",
        )
    key = _spec_key(spec, catalog, rules, attributes, row_cap, mark_hidden, today, anchors)
    entry = _CACHE.get(key)
    cached = entry is not None
    if entry is None:
        compiled = compile_query(
            spec, catalog, rules=rules if mark_hidden else None, today=today, anchors=anchors
        )
        entry = _build(
            cap_rows(compiled.expression, row_cap, copy=False),  # a fresh tree: ours
            compiled.params,
            catalog,
            rules,
            attributes,
            compiled.columns,
            compiled.tables,
            notes=compiled.notes,
            built=True,
        )
        _CACHE.put(key, entry)
    return _bind(entry, rules, attributes, cached)


def prepare_sql(
    sql: str,
    catalog: Catalog,
    rules: RuleSet,
    attributes: Mapping[str, object],
    *,
    row_cap: int | None = None,
    time_budget_s: float | None = None,
) -> PreparedQuery:
    """Validate raw SQL, apply the user's access rules, check and memoize the result.

    `time_budget_s` bounds the checking: past it, the next step refuses the SQL instead of
    starting (each step is bounded by the size limits of `parse_read_only_sql`).

    Raises:
        QueryError: whatever `parse_read_only_sql`, `enforce_access_rules` or
            `render_checked` refuse; `sql_too_complex` when the time budget ran out.
    """
    key = _sql_key(sql, catalog, rules, attributes, row_cap)
    entry = _CACHE.get(key)
    cached = entry is not None
    if entry is None:
        budget = _Budget(time_budget_s)
        tree = parse_read_only_sql(sql, catalog)
        budget.check()
        tree = unshadow_ctes(tree, {t.name.lower() for t in catalog.tables})
        tree = cap_rows(tree, row_cap, copy=False)
        tables = _tables_of(tree, catalog)
        budget.check()
        entry = _build(tree, {}, catalog, rules, attributes, (), tables, budget)
        _CACHE.put(key, entry)
    return _bind(entry, rules, attributes, cached)


def memoized_query(
    spec: QuerySpec,
    catalog: Catalog,
    rules: RuleSet,
    attributes: Mapping[str, object],
    *,
    row_cap: int | None = None,
    mark_hidden: bool = False,
    today: dt.date | None = None,
    anchors: Mapping[int, dt.date | None] | None = None,
) -> PreparedQuery | None:
    """What `prepare_query` would return, when it is in the memo (a dict lookup and the
    parameters); None otherwise. Cheap enough for an event loop."""
    if spec.latest_anchored and anchors is None:
        return None
    entry = _CACHE.get(
        _spec_key(spec, catalog, rules, attributes, row_cap, mark_hidden, today, anchors)
    )
    return None if entry is None else _bind(entry, rules, attributes, True)


def memoized_sql(
    sql: str,
    catalog: Catalog,
    rules: RuleSet,
    attributes: Mapping[str, object],
    *,
    row_cap: int | None = None,
) -> PreparedQuery | None:
    """What `prepare_sql` would return, when it is in the memo; None otherwise."""
    entry = _CACHE.get(_sql_key(sql, catalog, rules, attributes, row_cap))
    return None if entry is None else _bind(entry, rules, attributes, True)


def _spec_key(
    spec: QuerySpec,
    catalog: Catalog,
    rules: RuleSet,
    attributes: Mapping[str, object],
    row_cap: int | None,
    mark_hidden: bool = False,
    today: dt.date | None = None,
    anchors: Mapping[int, dt.date | None] | None = None,
) -> tuple[object, ...]:
    return (
        "spec",
        spec.cache_key(),
        # A relative date filter's range is resolved from today (in the organization's time
        # zone) or from the latest visible dates: a new day or new data, a new entry.
        (today or today_utc()) if spec.relative else None,
        tuple(sorted(anchors.items())) if anchors else None,
        catalog_fingerprint(catalog),
        rules.fingerprint,
        rules_shape(rules, attributes),
        row_cap,
        mark_hidden,
    )


def _sql_key(
    sql: str,
    catalog: Catalog,
    rules: RuleSet,
    attributes: Mapping[str, object],
    row_cap: int | None,
) -> tuple[object, ...]:
    return (
        "sql",
        sql,
        catalog_fingerprint(catalog),
        rules.fingerprint,
        rules_shape(rules, attributes),
        row_cap,
    )


class _Budget:
    """A time budget for checking one query, checked between steps."""

    __slots__ = ("deadline", "seconds")

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.deadline = None if seconds is None else time.monotonic() + seconds

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryError(
                f"The SQL is too complex: checking it took longer than {self.seconds:g} s. "
                "Shorten it, or split it into several queries.",
                field="sql",
                code="sql_too_complex",
            )


def cap_rows(tree: exp.Query, row_cap: int | None, *, copy: bool = True) -> exp.Query:
    """`tree` returning at most `row_cap + 1` rows (one more, so a caller can tell that rows
    were cut), as a LIMIT in the SQL itself: the database stops early and the client never
    holds more than that, whatever the query.

    An existing smaller literal LIMIT is kept; a larger one is lowered; anything else (an
    expression, FETCH FIRST) is wrapped in `SELECT * FROM (...) LIMIT n`. `copy=False`
    changes `tree` itself (for a caller that owns it) instead of a copy.
    """
    if row_cap is None:
        return tree
    cap = row_cap + 1
    limit = tree.args.get("limit")
    if limit is None:
        return tree.limit(cap, copy=copy)
    value = limit.expression if isinstance(limit, exp.Limit) else None
    if isinstance(value, exp.Literal) and value.is_int:
        return tree if int(value.name) <= cap else tree.limit(cap, copy=copy)
    return exp.select("*").from_(tree.subquery("capped_rows", copy=copy)).limit(cap)


def _tables_of(tree: exp.Query, catalog: Catalog) -> tuple[str, ...]:
    labels: dict[str, None] = {}
    for node in classify_tables(tree).base:
        schema = node.args.get("db")
        table = catalog.table(node.name, schema.name if schema else None)
        if table is not None:
            labels[table_label(table)] = None
    return tuple(labels)


def _build(
    tree: exp.Query,
    own_params: Mapping[str, object],
    catalog: Catalog,
    rules: RuleSet,
    attributes: Mapping[str, object],
    columns: tuple[ResultColumn, ...],
    tables: tuple[str, ...],
    budget: _Budget | None = None,
    notes: Mapping[str, Any] | None = None,
    built: bool = False,
) -> _Entry:
    # `tree` is this call's own (just compiled or parsed), and so is the enforced tree: both
    # are rewritten in place rather than copied.
    enforced = enforce_access_rules(tree, catalog, rules, attributes, own_params, copy=False)
    if budget is not None:
        budget.check()
    # A spec's tree is plotboard's own (`built`): the last gate may check it rather than
    # re-read its SQL (see `render_checked`). Raw SQL's is always re-read.
    checked = render_checked(enforced, catalog, rules, copy=False, built=built)
    by_label = {table_label(table): table for table in catalog.tables}
    ruled = []
    for label in enforced.filters:
        table = by_label[label]
        found = rules.for_table(table)
        if found is None:
            raise check_failed(f"no rule for filtered table {label!r}")
        ruled.append((found[0], found[1], table))
    return _Entry(
        sql=checked.sql,
        own_params=MappingProxyType(dict(own_params)),
        param_names=frozenset(checked.params),
        columns=columns,
        tables=tables,
        ruled=tuple(ruled),
        notes=notes if notes is not None else MappingProxyType({}),
    )


def _bind(
    entry: _Entry, rules: RuleSet, attributes: Mapping[str, object], cached: bool
) -> PreparedQuery:
    params = {k: v for k, v in entry.own_params.items() if k in entry.param_names}
    applied = []
    for index, rule, table in entry.ruled:
        params.update(
            (k, v)
            for k, v in filter_params(index, rule, attributes).items()
            if k in entry.param_names
        )
        applied.append(describe(table, rule, attributes))
    if params.keys() != entry.param_names:
        # Same shape must mean the same parameters; anything else is a bug: refuse.
        raise check_failed("parameters do not match the prepared SQL")
    return PreparedQuery(
        sql=entry.sql,
        params=MappingProxyType(params),
        columns=entry.columns,
        tables=entry.tables,
        applied=tuple(applied),
        cached=cached,
        notes=entry.notes,
    )
