"""The SQL Analyze runs, built as sqlglot trees for the source's dialect.

Per table: a row count, one aggregate query for all columns at once (non-null and distinct
counts, min/max, average, text lengths; split into chunks on very wide tables), one query for a
few sample rows, and one `GROUP BY` per low-cardinality column for its top values.

Large tables are read through a `Sample`, by the database kind's `sample_method`
(`plotboard.sources.kinds`): PostgreSQL and DuckDB use `TABLESAMPLE` (BERNOULLI, or SYSTEM,
which reads only some pages, on very large tables); MySQL/MariaDB and SQLite keep rows where a
seeded random number falls under the fraction; other databases read the first rows. Names
always come from the catalog and are quoted; no value is ever pasted into SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlglot import exp

from plotboard.catalog.model import NUMERIC_TYPES, TEMPORAL_TYPES, Column, Table
from plotboard.query.scopes import ident, table_node
from plotboard.sources import kinds

SEED = 20_241  # fixed: the same table gives the same sample on databases that honour seeds
SYSTEM_SAMPLE_ABOVE = 20_000_000  # rows; below this BERNOULLI reads every row but samples fairly


@dataclass(frozen=True)
class Sample:
    """How a query reads a fraction of a table.

    `method` is `tablesample`, `random` (a WHERE filter on a random number) or `first` (the
    first `rows` rows); `fraction` is the share of rows kept (0 < fraction < 1).
    """

    method: str
    fraction: float
    rows: int
    system: bool = False

    def describe(self) -> str:
        """How the sample was taken, in words for the admin."""
        percent = f"{self.fraction * 100:.3g}%"
        if self.method == "tablesample":
            kind = "SYSTEM" if self.system else "BERNOULLI"
            return f"TABLESAMPLE {kind} of about {percent} of the rows"
        if self.method == "random":
            return f"a random {percent} of the rows"
        return f"the first {self.rows:,} rows"


def choose_sample(dialect: str, row_count: int, target_rows: int) -> Sample:
    """The sampling method for a table of `row_count` rows, aiming at `target_rows` rows."""
    fraction = min(1.0, target_rows / max(row_count, 1))
    method = kinds.for_dialect(dialect).sample_method
    if method == "tablesample":
        return Sample(method, fraction, target_rows, row_count > SYSTEM_SAMPLE_ABOVE)
    return Sample(method, fraction, target_rows)


def without_tablesample(sample: Sample, dialect: str) -> Sample:
    """A fallback for objects that refuse TABLESAMPLE (views): a random filter, or first rows."""
    return Sample(kinds.for_dialect(dialect).sample_fallback, sample.fraction, sample.rows)


@dataclass(frozen=True)
class Source:
    """Where profiling queries read from: the table, sampled or not, plus a filter."""

    relation: exp.Expr
    where: exp.Expr | None = None

    def select(self, *expressions: exp.Expr) -> exp.Select:
        query = exp.select(*expressions).from_(self.relation.copy())
        if self.where is not None:
            query = query.where(self.where.copy())
        return query


def source_of(table: Table, dialect: str, sample: Sample | None) -> Source:
    """The relation to read `table` from, with `sample` applied when given."""
    node = table_node(table)
    if sample is None:
        return Source(node)
    if sample.method == "tablesample":
        percent = max(sample.fraction * 100, 0.0001)
        node.set(
            "sample",
            exp.TableSample(
                method=exp.var("SYSTEM" if sample.system else "BERNOULLI"),
                percent=exp.Literal.number(f"{percent:.6f}"),
                seed=exp.Literal.number(SEED),
            ),
        )
        return Source(node)
    if sample.method == "random":
        return Source(node, kinds.for_dialect(dialect).random_filter(sample.fraction, SEED))
    first = exp.select(exp.Star()).from_(node).limit(sample.rows)
    return Source(first.subquery(ident("pb_sample")))


def col(column: Column) -> exp.Column:
    return exp.Column(this=ident(column.name))


def count_rows(table: Table) -> exp.Select:
    """`SELECT COUNT(*) AS n FROM table`: the exact row count."""
    return Source(table_node(table)).select(exp.alias_(exp.Count(this=exp.Star()), "n"))


# Aggregate keys per column, in the order `aggregates` writes them.
NON_NULL, DISTINCT, MIN, MAX, AVG, MIN_LEN, MAX_LEN = "nn", "d", "mn", "mx", "avg", "ln", "lx"


def aggregate_keys(column: Column) -> tuple[str, ...]:
    """Which aggregates are computed for `column`, by its generic type.

    Booleans have no min/max (PostgreSQL has no min(boolean)); columns of type `other` (JSON,
    arrays, binary) get only a non-null count, since not every database can compare them.
    """
    if column.type in NUMERIC_TYPES:
        return (NON_NULL, DISTINCT, MIN, MAX, AVG)
    if column.type in TEMPORAL_TYPES:
        return (NON_NULL, DISTINCT, MIN, MAX)
    if column.type == "string":
        return (NON_NULL, DISTINCT, MIN, MAX, MIN_LEN, MAX_LEN)
    if column.type == "boolean":
        return (NON_NULL, DISTINCT)
    return (NON_NULL,)


def _as_text(column: Column, dialect: str) -> exp.Expr:
    if kinds.for_dialect(dialect).text_aggregates_cast:
        return exp.cast(col(column), exp.DataType.build("text"))
    return col(column)


def _aggregate(key: str, column: Column, dialect: str) -> exp.Expr:
    c = col(column)
    if key == NON_NULL:
        return exp.Count(this=c)
    if key == DISTINCT:
        return exp.Count(this=exp.Distinct(expressions=[c]))
    if key in (MIN, MAX):
        target = _as_text(column, dialect) if column.type == "string" else c
        return exp.Min(this=target) if key == MIN else exp.Max(this=target)
    if key == AVG:
        return exp.Avg(this=c)
    length = exp.Length(this=_as_text(column, dialect))
    return exp.Min(this=length) if key == MIN_LEN else exp.Max(this=length)


def alias(index: int, key: str) -> str:
    return f"c{index}_{key}"


def aggregates(source: Source, columns: Sequence[tuple[int, Column]], dialect: str) -> exp.Select:
    """One row: `n` (rows read) and, per (index, column), the aggregates of `aggregate_keys`,
    aliased `c<index>_<key>`."""
    expressions: list[exp.Expr] = [exp.alias_(exp.Count(this=exp.Star()), "n")]
    for index, column in columns:
        for key in aggregate_keys(column):
            expressions.append(exp.alias_(_aggregate(key, column, dialect), alias(index, key)))
    return source.select(*expressions)


def sample_rows(source: Source, columns: Sequence[Column], limit: int) -> exp.Select:
    """A few rows of every column, for sample values."""
    return source.select(*(col(c) for c in columns)).limit(limit)


def top_values(source: Source, column: Column, limit: int) -> exp.Select:
    """The most frequent non-null values of `column`, most frequent first, with their counts
    and the number of non-null rows read (the same on every row): a random sample differs from
    one query to the next on some databases, so shares are taken within this query."""
    c = col(column)
    total = exp.Window(this=exp.Sum(this=exp.Count(this=exp.Star())))
    query = source.select(
        exp.alias_(c, "pb_value"),
        exp.alias_(exp.Count(this=exp.Star()), "pb_count"),
        exp.alias_(total, "pb_total"),
    )
    query = query.where(exp.Not(this=exp.Is(this=c.copy(), expression=exp.Null())))
    return (
        query.group_by(c.copy())
        .order_by(exp.Ordered(this=exp.column("pb_count"), desc=True), exp.Ordered(this=c.copy()))
        .limit(limit)
    )
