"""What the LLM engine tells the model: the schema, the rules of a query spec, the context.

The system prompt holds the catalog's *schema* only — tables, columns, types, display names,
descriptions, semantic types, foreign keys — never rows. The low-cardinality values the
built-in engine uses for filters are included only when the admin allows sample values
(`include_values=True`). Hidden tables and columns are left out entirely, and nothing about
access rules is ever sent: the model neither sees nor writes security filters.

With several sources (databases) the schema is listed per database, under the name the admin
gave it, and the model says in each tile's `source` which database its query reads.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from plotboard.ai.answers import (
    CHART_TYPES,
    ColumnValues,
    ContextClues,
    Source,
    Sources,
    TileSuggestion,
    as_sources,
)
from plotboard.ai.builtin.vocabulary import table_ref
from plotboard.catalog.model import Catalog, Column, Table

MAX_CLUES_CHARS = 2000
MAX_VALUES_PER_COLUMN = 30
MAX_VALUE_CHARS = 60

ANSWER_SCHEMA = """\
Reply with ONE JSON object and nothing else (no prose, no markdown):
{
  "answer": "<one or two short sentences for the user>",
  "tile": {"title": "<short chart title>", "query": <query spec>, "chart": {"type": "<chart>"}}
          or null when the question can't be answered from these tables,
  "tiles": [<tile>, ...]   (only for "build me a dashboard ..." requests: 4 to 6 tiles),
  "suggestions": ["<question that can be answered>", ...]   (when tile is null)
}
A query spec (all keys but "table" optional):
{"table": "<table>",
 "measures": [{"agg": "count|count_distinct|sum|avg|min|max", "column": "<column>",
               "name": "<output name>", "share": true or {"within": "<column>"}, "cumulative": true,
               "format": {"type": "number|percent|currency|compact", "currency": "EUR"}}
              or {"expr": "sum(amount) / count()", "name": "<output name>"}],
 "dimensions": [{"column": "<column>", "grain": "day|week|month|quarter|year"}
                or {"column": "<number column>", "bin": {"width": <number>} or {"count": <n>}}
                or {"column": "<name column>", "key": "<id column of the same table>"}],
 "filters": [{"column": "<column>", "op": "<op>", "value": <value>}
             or {"any": [<filter>, ...]} or {"all": [<filter>, ...]}
             or {"without": "<related table>", "where": [<filter on its columns>, ...]}],
 "having": [{"by": "<measure output name>", "op": "gt", "value": <number>}],
 "compare": {"to": "previous_period|previous_year"},
 "order_by": [{"by": "<output name>", "desc": true}],
 "limit": <integer>, "limit_per": "<dimension column>",
 "columns": [{"name": "<custom column>", "expr": "<row expression>"}],
 "select": ["<column>", ...], "offset": <integer>}
Rules:
- "count" may leave out "column" (counts rows). sum and avg need a number column.
- "grain" only on date columns, and only to group by a period; leave it out otherwise.
- People (or other rows) by name: names repeat, so group by the name with the row's id as
  "key", {"column": "employees.full_name", "key": "employees.employee_id"}: one row per
  person, showing the name only (the key is no result column and has no output name). The
  key is a column of the same table as "column"; never add the id as a dimension of its own.
- A column of another table is written "<table>.<column>" and is joined along the foreign
  keys listed below, from the table that holds the key (for example sales -> employees).
- Filter ops: eq, neq, gt, gte, lt, lte (one value); in, not_in (a list); between (a list
  [low, high], inclusive); contains, starts_with (text); is_null, is_not_null (no value).
  Dates are written "YYYY-MM-DD". Booleans are true/false.
- Filters all hold (AND). {"any": [...]} holds when one of its filters does (OR): "in Paris
  or rated 5", two periods apart ("2023 vs 2025": any of two "between" filters, with a
  dimension by year); {"all": [...]} groups filters inside an "any". Two values of one column
  are one "in" filter, not an "any". {"without": "<table>"} keeps the rows no row of that
  table points at along the foreign keys: "employees with no sales" is {"without": "sales"}
  on employees; "offices with no remote staff" is {"without": "employees", "where":
  [{"column": "is_remote", "op": "eq", "value": true}]} on offices ("where" uses that table's
  columns). Groups nest at most 3 deep; "anchor": "latest" only outside groups.
- Relative date filters on a date column: "last" with value {"n": 6, "unit": "month"}
  (complete periods before the current one; add "include_current": true for the current
  one too), "this" and "previous" with a unit as value ("quarter"), "to_date" with "year",
  "quarter" or "month"; "anchor": "latest" counts from the latest date in the data
  instead of today.
- Output names for order_by and having: a measure's "name" when given, else
  "<agg>_<column>" ("avg_salary"), a bare count is "count", a dimension is its column
  ("location"), with "_<grain>" when it has a grain ("sale_date_month"); "." in a related
  column becomes "_" ("offices_region").
- "expr" is a small expression language (aggregates, + - * /, case, coalesce, round),
  never SQL. "share": percent of the total (0-100); {"within": "<first dimension column>"}
  instead of true makes it the percent within each value of the first dimension (each bar
  sums to 100: "mix of regions within each category"). "cumulative": running total along the
  first dimension. "compare" adds <name>_previous, <name>_change and <name>_change_pct for
  each measure ("2025 vs 2024", "growth"). "limit" with "limit_per" is top N per group.
- Detail rows ("list the employees in Paris"): "select" with the columns and no measures or
  dimensions; "limit" and "offset" page them.
- Result columns come dimensions first, then measures. Use "limit" with "order_by" for
  "top N" questions.
- Only use the tables and columns listed below. Never write SQL.
- Chart types: """ + ", ".join(CHART_TYPES) + """. kpi shows a single number (no
  dimensions); line for periods; map for cities or countries; pie/donut for one dimension
  with few values; bar_horizontal for long lists.
"""


def _column_line(column: Column, values: list[str] | None) -> str:
    parts = [f"{column.name}: {column.type}"]
    if column.display_name:
        parts.append(f'shown as "{column.display_name}"')
    if column.semantic_type:
        parts.append(f"semantic type {column.semantic_type}")
    if column.description:
        parts.append(column.description.strip().replace("\n", " ")[:300])
    if values:
        shown = [json.dumps(v[:MAX_VALUE_CHARS], ensure_ascii=False) for v in values]
        parts.append("values: " + ", ".join(shown[:MAX_VALUES_PER_COLUMN]))
    return "  - " + "; ".join(parts)


def _table_block(
    catalog: Catalog, table: Table, values: Mapping[tuple[str, str], list[str]]
) -> str:
    title = f"Table {table_ref(table)}"
    if table.display_name:
        title += f' (shown as "{table.display_name}")'
    if table.description:
        title += f": {table.description.strip()[:300]}"
    lines = [title]
    for column in table.columns:
        if not column.hidden:
            found = values.get((table_ref(table).lower(), column.name.lower()))
            lines.append(_column_line(column, found))
    for fk in table.foreign_keys:
        target = catalog.table(fk.ref_table, fk.ref_schema)
        hidden = any((c := table.column(name)) is None or c.hidden for name in fk.columns)
        if target is None or target.hidden or hidden:
            continue
        lines.append(
            f"  link: {', '.join(fk.columns)} -> {table_ref(target)}.{', '.join(fk.ref_columns)}"
        )
    return "\n".join(lines)


def clues_text(clues: ContextClues) -> str:
    """`ai_context_clues` as prompt text, bounded in size."""
    if clues is None:
        return ""
    if isinstance(clues, Mapping):
        text = "\n".join(f"{k}: {v}" for k, v in clues.items() if isinstance(v, str))
    else:
        text = clues
    return text.strip()[:MAX_CLUES_CHARS]


SOURCES_RULE = """\
The data is in several databases, listed below under their names. A query reads the tables of
one database only (no joins between databases). Every tile says which database its query
reads: add "source": "<database name>" to the tile object, next to "query"."""


def _blocks(source: Source, include_values: bool) -> str:
    shown: dict[tuple[str, str], list[str]] = {}
    if include_values:
        shown = {
            (t.lower(), c.lower()): [str(v) for v in vs] for (t, c), vs in source.values.items()
        }
    catalog = source.catalog
    return "\n\n".join(_table_block(catalog, t, shown) for t in catalog.visible_tables())


def system_prompt(
    catalog: Sources,
    values: ColumnValues | None = None,
    *,
    context_clues: ContextClues,
    today: dt.date,
    include_values: bool = False,
) -> str:
    """The system message: role, answer schema, today's date, the schema (of one catalog with
    its `values`, or of every source), the context."""
    sources = as_sources(catalog, values)
    parts = [
        "You are the analytics assistant of an embedded dashboard editor. You turn a user's "
        "question about their data into a chart: a query spec in JSON, which the server "
        "validates and runs with the user's own permissions.",
        ANSWER_SCHEMA,
        f"Today is {today.isoformat()}. Relative periods (\"last 6 months\", \"this year\") "
        "count from today.",
    ]
    if len(sources) == 1:
        only = sources[0]
        parts.append(
            f"The database ({only.catalog.dialect}) has these tables:\n\n"
            + _blocks(only, include_values)
        )
    else:
        parts.append(SOURCES_RULE)
        parts += [
            f"Database {json.dumps(s.name, ensure_ascii=False)} ({s.catalog.dialect}) has "
            f"these tables:\n\n" + _blocks(s, include_values)
            for s in sources
        ]
    clues = clues_text(context_clues)
    if clues:
        parts.append(
            "Context from the application (tone of voice, company); follow it in the "
            f"\"answer\" text:\n{clues}"
        )
    return "\n\n".join(parts)


def user_prompt(
    question: str, previous: TileSuggestion | None, sources: Sources | None = None
) -> str:
    """The user message: the question, and the last tile for follow-ups ("only Paris"), with
    the name of its database when there are several `sources`."""
    if previous is None:
        return question
    shown = previous.to_dict()
    known = as_sources(sources) if sources is not None else ()
    if len(known) > 1:
        named = next((s.name for s in known if s.id == previous.source), None)
        if named is not None:
            shown["source"] = named
    last = json.dumps(shown, ensure_ascii=False)
    return (
        f"The previous chart in this conversation was: {last}\n"
        "If the question refines it (\"only Paris\", \"as a pie\", \"by month\"), change that "
        f"chart; otherwise answer afresh.\nQuestion: {question}"
    )
