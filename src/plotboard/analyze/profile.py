"""Profiling a table: row count, and per column the counts, ranges, top values and samples.

    profile = profile_table(table, "postgres", run, ProfileSettings(), step)

`run(query, row_cap)` executes a sqlglot tree on the source (read-only, time-limited) and
returns its rows; `step(fraction, column)` is called before each query with how far the table
has got (0..1) and the column being read, so a job can report progress or stop.

Tables above `ProfileSettings.sample_above` rows are profiled from a sample of about
`sample_rows` rows (see `queries.Sample`); the row count stays exact, null and top-value counts
are scaled up to the whole table, and `TableProfile.sampled` says so. Distinct counts from a
sample are exact for low-cardinality columns and a lower bound otherwise (`distinct_estimated`);
a column whose sampled values are all different is taken as unique.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlglot import exp

from plotboard.analyze import queries as q
from plotboard.catalog.model import Column, ColumnType, Table
from plotboard.sources.errors import SourceError
from plotboard.sources.values import JsonValue

Run = Callable[[exp.Select, int], list[list[JsonValue]]]
Step = Callable[[float, str | None], None]

MAX_SAMPLE_CHARS = 200


@dataclass(frozen=True)
class ProfileSettings:
    """Limits of one profile. The defaults keep a table of any size within seconds."""

    sample_above: int = 200_000
    sample_rows: int = 100_000
    top_values: int = 10
    top_values_max_distinct: int = 1000
    sample_values: int = 5
    sample_query_rows: int = 50
    chunk_columns: int = 40


@dataclass
class ValueCount:
    value: JsonValue
    count: int
    share: float  # of the column's non-null rows


@dataclass
class ColumnProfile:
    """What the data of one column looks like. Counts cover the whole table (scaled up from
    the sample when the table was sampled)."""

    name: str
    type: ColumnType
    non_null: int = 0
    nulls: int = 0
    distinct: int | None = None
    distinct_estimated: bool = False
    unique: bool = False
    min: JsonValue = None
    max: JsonValue = None
    avg: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    top_values: list[ValueCount] = field(default_factory=list)
    samples: list[JsonValue] = field(default_factory=list)
    error: str | None = None

    @property
    def null_fraction(self) -> float:
        total = self.non_null + self.nulls
        return self.nulls / total if total else 0.0

    def values(self) -> list[JsonValue]:
        """Known values, most telling first: top values, then samples (no repeats)."""
        seen: list[JsonValue] = []
        for value in [t.value for t in self.top_values] + self.samples:
            if value is not None and value not in seen:
                seen.append(value)
        return seen

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["null_fraction"] = round(self.null_fraction, 4)
        return out


@dataclass
class TableProfile:
    """The profile of one table; `sample` says how it was sampled (None: every row read)."""

    table: str
    row_count: int
    columns: list[ColumnProfile]
    sampled: bool = False
    sample: str | None = None
    rows_read: int = 0
    elapsed_ms: float = 0.0
    problems: list[str] = field(default_factory=list)

    def column(self, name: str) -> ColumnProfile | None:
        return next((c for c in self.columns if c.name == name), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "row_count": self.row_count,
            "sampled": self.sampled,
            "sample": self.sample,
            "rows_read": self.rows_read,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "problems": self.problems,
            "columns": [c.as_json() for c in self.columns],
        }


def qualified_name(table: Table) -> str:
    return f"{table.schema}.{table.name}" if table.schema else table.name


def _int(value: JsonValue) -> int:
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, (int, float)):
        return int(value)
    try:
        return int(float(str(value)))
    except ValueError:
        return 0


def _clip(value: JsonValue) -> JsonValue:
    if isinstance(value, str) and len(value) > MAX_SAMPLE_CHARS:
        return value[: MAX_SAMPLE_CHARS - 1] + "…"
    return value


class _Profiler:
    def __init__(
        self, table: Table, dialect: str, run: Run, settings: ProfileSettings, step: Step
    ) -> None:
        self.table = table
        self.dialect = dialect
        self.run = run
        self.settings = settings
        self.step = step
        self.sample: q.Sample | None = None
        self.source = q.source_of(table, dialect, None)
        self.problems: list[str] = []

    def use_sample(self, sample: q.Sample | None) -> None:
        self.sample = sample
        self.source = q.source_of(self.table, self.dialect, sample)

    def read(self, query_of: Callable[[q.Source], exp.Select], row_cap: int) -> list[list[Any]]:
        """Run a query on the (sampled) table; a view that refuses TABLESAMPLE is read with
        the fallback sample instead, for this and every later query."""
        try:
            return self.run(query_of(self.source), row_cap)
        except SourceError as err:
            if err.code != "query_failed" or self.sample is None:
                raise
            if self.sample.method != "tablesample":
                raise
            self.use_sample(q.without_tablesample(self.sample, self.dialect))
            return self.run(query_of(self.source), row_cap)

    # -- aggregates --------------------------------------------------------------------------

    def aggregates(self, profiles: list[ColumnProfile], scale: Callable[[int], None]) -> int:
        """Fill counts and ranges; returns the number of rows read."""
        indexed = list(enumerate(self.table.columns))
        chunks = [
            indexed[i : i + self.settings.chunk_columns]
            for i in range(0, len(indexed), self.settings.chunk_columns)
        ] or [[]]
        rows_read = 0
        for number, chunk in enumerate(chunks):
            self.step(0.1 + 0.4 * number / len(chunks), chunk[0][1].name if chunk else None)
            try:
                rows_read = self._aggregate_chunk(chunk, profiles)
            except SourceError as err:
                if err.code != "query_failed" or len(chunk) <= 1:
                    raise
                # One column the database cannot aggregate should not cost the others.
                for one in chunk:
                    try:
                        rows_read = self._aggregate_chunk([one], profiles)
                    except SourceError as single:
                        if single.code != "query_failed":
                            raise
                        profiles[one[0]].error = single.message
                        self.problems.append(f"Column {one[1].name}: {single.message}")
        scale(rows_read)
        return rows_read

    def _aggregate_chunk(
        self, chunk: Sequence[tuple[int, Column]], profiles: list[ColumnProfile]
    ) -> int:
        names = ["n"] + [q.alias(i, k) for i, c in chunk for k in q.aggregate_keys(c)]
        row = self.read(lambda src: q.aggregates(src, chunk, self.dialect), 1)[0]
        values = dict(zip(names, row, strict=True))
        read = _int(values["n"])
        for index, column in chunk:
            p = profiles[index]
            get = values.get
            p.non_null = _int(get(q.alias(index, q.NON_NULL)))
            p.nulls = read - p.non_null
            if q.DISTINCT in q.aggregate_keys(column):
                p.distinct = _int(get(q.alias(index, q.DISTINCT)))
                p.unique = p.non_null > 0 and p.distinct == p.non_null
            p.min = _clip(get(q.alias(index, q.MIN)))
            p.max = _clip(get(q.alias(index, q.MAX)))
            avg = get(q.alias(index, q.AVG))
            p.avg = float(avg) if isinstance(avg, (int, float)) else None
            lengths = (get(q.alias(index, q.MIN_LEN)), get(q.alias(index, q.MAX_LEN)))
            p.min_length = _int(lengths[0]) if lengths[0] is not None else None
            p.max_length = _int(lengths[1]) if lengths[1] is not None else None
        return read

    # -- samples and top values --------------------------------------------------------------

    def samples(self, profiles: list[ColumnProfile]) -> None:
        self.step(0.5, None)
        columns = list(self.table.columns)
        limit = self.settings.sample_query_rows
        rows = self.read(lambda src: q.sample_rows(src, columns, limit), limit)
        for index, profile in enumerate(profiles):
            found: list[JsonValue] = []
            for row in rows:
                value = _clip(row[index])
                if value is not None and value not in found:
                    found.append(value)
                if len(found) >= self.settings.sample_values:
                    break
            profile.samples = found

    def wants_top_values(self, column: Column, profile: ColumnProfile) -> bool:
        if column.type not in ("string", "boolean", "integer") or profile.error:
            return False
        keys = {name for fk in self.table.foreign_keys for name in fk.columns}
        if column.name in self.table.primary_key or column.name in keys:
            return False  # identifiers: their most frequent values say little
        if profile.distinct is None:
            return False
        if profile.unique or profile.non_null == 0:
            return False
        return profile.distinct <= self.settings.top_values_max_distinct

    def top_values(self, profiles: list[ColumnProfile], factor: float) -> None:
        chosen = [
            (c, p)
            for c, p in zip(self.table.columns, profiles, strict=True)
            if self.wants_top_values(c, p)
        ]
        limit = self.settings.top_values
        for number, (column, profile) in enumerate(chosen):
            self.step(0.55 + 0.45 * number / len(chosen), column.name)
            rows = self.read(functools.partial(q.top_values, column=column, limit=limit), limit)
            profile.top_values = []
            for value, count, total in rows:
                share = _int(count) / max(_int(total), 1)
                estimate = _int(count) if factor == 1.0 else round(share * profile.non_null)
                profile.top_values.append(
                    ValueCount(value=_clip(value), count=estimate, share=round(share, 4))
                )


def _no_step(_fraction: float, _column: str | None) -> None:
    return None


def profile_table(
    table: Table,
    dialect: str,
    run: Run,
    settings: ProfileSettings | None = None,
    step: Step | None = None,
) -> TableProfile:
    """Profile every column of `table` (hidden ones too); see the module docstring.

    Raises `SourceError` when the database is unreachable, busy, or refuses the row count; a
    column the database cannot aggregate gets `error` instead and the others carry on.
    """
    settings = settings or ProfileSettings()
    started = time.perf_counter()
    profiler = _Profiler(table, dialect, run, settings, step or _no_step)
    profiles = [ColumnProfile(name=c.name, type=c.type) for c in table.columns]
    profiler.step(0.0, None)
    row_count = _int(run(q.count_rows(table), 1)[0][0])
    if row_count > settings.sample_above:
        profiler.use_sample(q.choose_sample(dialect, row_count, settings.sample_rows))
    factor = 1.0

    def scale(rows_read: int) -> None:
        nonlocal factor
        if profiler.sample is None or rows_read <= 0:
            return
        factor = row_count / rows_read
        for p in profiles:
            sampled_non_null = p.non_null
            p.non_null = round(sampled_non_null * factor)
            p.nulls = max(0, row_count - p.non_null)
            if p.distinct is not None:
                # Values seen fewer than ~20 times each may be missing from the sample.
                p.distinct_estimated = not p.unique and p.distinct * 20 > sampled_non_null
                if p.unique:
                    p.distinct = p.non_null

    rows_read = profiler.aggregates(profiles, scale)
    if row_count > 0:
        profiler.samples(profiles)
        profiler.top_values(profiles, factor)
    profiler.step(1.0, None)
    return TableProfile(
        table=qualified_name(table),
        row_count=row_count,
        columns=profiles,
        sampled=profiler.sample is not None,
        sample=profiler.sample.describe() if profiler.sample is not None else None,
        rows_read=rows_read,
        elapsed_ms=(time.perf_counter() - started) * 1000,
        problems=profiler.problems,
    )
