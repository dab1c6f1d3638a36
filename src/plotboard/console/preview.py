"""The access-rule preview: "a user with these attribute values would see N of M rows".

Both counts go through the query engine exactly like an embed query — `prepare_query` with
the rule, then the source's pool with its time limit — so the preview is what the editor would
show. The table is counted even when it is hidden from end users.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from plotboard.access.rules import EMPTY_RULES, RuleSet, TableRule
from plotboard.auth.attribute_values import AttributeSpec
from plotboard.catalog.model import Catalog
from plotboard.errors import PlotboardError
from plotboard.query.errors import QueryError
from plotboard.query.prepare import prepare_query
from plotboard.query.run import query_error
from plotboard.query.spec import parse_spec
from plotboard.runtime import Runtime


@dataclass(frozen=True)
class PreviewResult:
    visible: int
    total: int
    applied: tuple[str, ...]


def _with_table_visible(catalog: Catalog, table: str) -> Catalog:
    schema, _, name = table.rpartition(".")
    target = catalog.table(name, schema or None)
    if target is None or not target.hidden:
        return catalog
    tables = tuple(
        dataclasses.replace(t, hidden=False) if t is target else t for t in catalog.tables
    )
    return Catalog(dialect=catalog.dialect, tables=tables)


def preview_count(
    runtime: Runtime,
    org_id: str,
    source_id: str,
    rule: TableRule,
    attributes: Mapping[str, object],
) -> PreviewResult:
    """Rows of `rule.table` a user with `attributes` would see under `rule`, of all its rows.

    Raises PlotboardError (4xx) for a query the engine refuses, and the source's own errors
    (unreachable, timeout) as they are.
    """
    context = runtime.source_context(org_id, source_id, admin=True)
    catalog = _with_table_visible(context.catalog, rule.table)
    try:
        spec = parse_spec({"table": rule.table, "measures": [{"agg": "count"}]})
        ruled = prepare_query(spec, catalog, RuleSet([rule]), attributes)
        everything = prepare_query(spec, catalog, EMPTY_RULES, {})
    except QueryError as err:
        raise query_error(err) from err

    def count(sql: str, params: Mapping[str, object]) -> int:
        result = runtime.pool.execute(
            context.id, sql, dict(params), timeout_s=context.settings.timeout_seconds, row_cap=1
        )
        value = result.rows[0][0] if result.rows else 0
        if not isinstance(value, int | float):
            raise PlotboardError("The database answered the count with no number.", "preview", 502)
        return int(value)

    return PreviewResult(
        visible=count(ruled.sql, ruled.params),
        total=count(everything.sql, everything.params),
        applied=ruled.applied,
    )


def column_examples(
    runtime: Runtime, org_id: str, source_id: str, table: str, column: str, limit: int = 4
) -> list[object]:
    """A few values of `table.column`, the most frequent first, for the preview's examples.

    Read from the first rows only (`SELECT column ... LIMIT 200`, through the engine without
    rules: the admin is counting their own data), so it stays cheap on a large table; a value
    the sample lacks is simply not offered. A refusal or a source error means no examples,
    never a failed page (the preview itself reports such errors).
    """
    try:
        context = runtime.source_context(org_id, source_id, admin=True)
        catalog = _with_table_visible(context.catalog, table)
        spec = parse_spec({"table": table, "select": [column], "limit": _SAMPLE_ROWS})
        sample = prepare_query(spec, catalog, EMPTY_RULES, {})
        result = runtime.pool.execute(
            context.id,
            sample.sql,
            dict(sample.params),
            timeout_s=context.settings.timeout_seconds,
            row_cap=_SAMPLE_ROWS,
        )
    except (PlotboardError, QueryError):  # the source down, slow, or the column gone
        return []
    counts: dict[object, int] = {}
    for row in result.rows:
        value = row[0]
        if value is None or value == "":
            continue
        counts[value] = counts.get(value, 0) + 1
    ranked = sorted(counts, key=lambda v: -counts[v])  # stable: first seen wins a tie
    return ranked[:limit]


_SAMPLE_ROWS = 200


def attribute_examples(runtime: Runtime, org_id: str) -> dict[str, list[object]]:
    """For each token attribute an access rule compares with a column: a few of that column's
    values (see `column_examples`), from the first rule that compares it.

    The sandbox's inputs and the embed snippet's mint call suggest these, so `location`
    suggests the organization's own cities rather than a made-up "Paris, London"; an
    attribute no rule compares with a column has no example.
    """
    from plotboard.access import store as rules_store
    from plotboard.console.rule_form import RuleForm, compared_columns
    from plotboard.sources import store as sources

    wanted: list[tuple[str, str, str, str]] = []  # attribute, source id, table, column
    with runtime.store.session() as session:
        for source in sources.list_sources(session, org_id):
            for rule in rules_store.list_rules(session, source.id):
                form = RuleForm.from_conditions(list(rule.conditions))
                for name, columns in compared_columns(form).items():
                    wanted.extend((name, source.id, rule.table_name, c) for c in columns)
    examples: dict[str, list[object]] = {}
    for name, source_id, table, column in wanted:
        if name in examples:
            continue
        values = column_examples(runtime, org_id, source_id, table, column)
        if values:
            examples[name] = values
    return examples


def example_placeholder(spec: AttributeSpec, values: Sequence[object] | None) -> str:
    """An input's grey example for an attribute: 'e.g. ' and one value (two for a list), or
    nothing when there is no example to give (a blank input never looks like a value)."""
    if not values:
        return ""
    shown = values[:2] if spec.type.endswith("_list") else values[:1]
    return "e.g. " + ", ".join(str(v) for v in shown)
