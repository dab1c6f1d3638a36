"""Profiles of the demo tables on SQLite, PostgreSQL and MariaDB against hand-written SQL."""

from __future__ import annotations

import math
from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.analyze.profile import ProfileSettings, TableProfile
from plotboard.sources import SourcePool
from plotboard.sources.values import json_value
from tests.analyze.conftest import DemoSource, profile_on

TABLES = ("offices", "employees", "sales")
BOOLEAN = {"is_remote"}
NUMERIC = {"salary", "unit_price", "amount", "quantity", "performance_rating"}


def _quote(engine: sa.Engine, name: str) -> str:
    return engine.dialect.identifier_preparer.quote(name)


def hand_counts(url: str, table: str, columns: list[str]) -> dict[str, dict[str, Any]]:
    """COUNT, COUNT(DISTINCT), MIN, MAX and AVG per column, written by hand."""
    engine = sa.create_engine(url)
    out: dict[str, dict[str, Any]] = {}
    try:
        with engine.connect() as conn:
            t = _quote(engine, table)
            rows = conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
            for column in columns:
                c = _quote(engine, column)
                parts = [f"COUNT({c})", f"COUNT(DISTINCT {c})"]
                if column not in BOOLEAN:
                    parts += [f"MIN({c})", f"MAX({c})"]
                if column in NUMERIC:
                    parts.append(f"AVG({c})")
                values = conn.execute(sa.text(f"SELECT {', '.join(parts)} FROM {t}")).one()
                out[column] = {
                    "rows": rows,
                    "non_null": values[0],
                    "distinct": values[1],
                    "min": json_value(values[2]) if column not in BOOLEAN else None,
                    "max": json_value(values[3]) if column not in BOOLEAN else None,
                    "avg": float(values[4]) if column in NUMERIC else None,
                }
    finally:
        engine.dispose()
    return out


@pytest.fixture(scope="module")
def profiles(pool: SourcePool, demo_source: DemoSource) -> dict[str, TableProfile]:
    return {table: profile_on(pool, demo_source, table) for table in TABLES}


@pytest.mark.parametrize("table", TABLES)
def test_counts_ranges_and_averages_match_hand_written_sql(
    profiles: dict[str, TableProfile], demo_source: DemoSource, table: str
) -> None:
    profile = profiles[table]
    assert not profile.sampled and profile.sample is None
    expected = hand_counts(demo_source.url, table, [c.name for c in profile.columns])
    for column in profile.columns:
        want = expected[column.name]
        assert profile.row_count == want["rows"]
        got = (column.non_null, column.nulls, column.distinct, column.min, column.max)
        wanted = (want["non_null"], want["rows"] - want["non_null"], want["distinct"])
        assert got[:3] == wanted, column.name
        assert (column.min, column.max) == (want["min"], want["max"]), column.name
        if want["avg"] is not None:
            assert column.avg is not None and math.isclose(column.avg, want["avg"], rel_tol=1e-6)
        assert column.error is None


def test_nulls_unique_lengths_samples_and_top_values(
    profiles: dict[str, TableProfile], demo_source: DemoSource
) -> None:
    employees = profiles["employees"]
    manager = employees.column("manager_id")
    assert manager is not None and manager.nulls > 0 and 0 < manager.null_fraction < 0.05
    email = employees.column("email")
    assert email is not None and email.unique and email.top_values == []
    assert email.min_length is not None and email.max_length is not None
    assert 0 < email.min_length <= email.max_length <= 60
    assert len(email.samples) == 5 and all("@" in str(s) for s in email.samples)

    department = employees.column("department")
    assert department is not None
    engine = sa.create_engine(demo_source.url)
    with engine.connect() as conn:
        by_hand = conn.execute(
            sa.text(
                "SELECT department, COUNT(*) AS n FROM employees GROUP BY department "
                "ORDER BY n DESC, department"
            )
        ).all()
    engine.dispose()
    assert [(t.value, t.count) for t in department.top_values] == [tuple(r) for r in by_hand]
    assert math.isclose(sum(t.share for t in department.top_values), 1.0, abs_tol=1e-3)
    # Keys give no top values; a boolean does, whatever the database calls true.
    assert employees.column("employee_id").top_values == []  # type: ignore[union-attr]
    office = employees.column("office_id")
    assert office is not None
    if demo_source.name == "clickhouse":  # no foreign keys there: a column of ten values
        assert len(office.top_values) == 10
    else:
        assert office.top_values == []
    remote = employees.column("is_remote")
    assert remote is not None and {t.value for t in remote.top_values} in ({0, 1}, {False, True})


def test_profiles_are_json(profiles: dict[str, TableProfile]) -> None:
    import json

    text = json.dumps([p.as_json() for p in profiles.values()])
    assert '"null_fraction"' in text


def test_sampling_kicks_in_above_the_threshold(pool: SourcePool, demo_source: DemoSource) -> None:
    settings = ProfileSettings(sample_above=20_000, sample_rows=5_000)
    sales = profile_on(pool, demo_source, "sales", settings)
    assert sales.sampled and sales.row_count == 50_000  # the row count stays exact
    assert sales.sample is not None
    method = {
        "postgres": "TABLESAMPLE",
        "mariadb": "random",
        "sqlite": "random",
        "clickhouse": "random",
    }[demo_source.name]
    assert method in sales.sample
    assert 3_000 < sales.rows_read < 7_500
    region = sales.column("sales_region")
    assert region is not None and region.distinct == 4 and not region.distinct_estimated
    assert region.non_null == 50_000 and region.nulls == 0  # scaled up to the whole table
    assert {t.value for t in region.top_values} == {"North", "South", "East", "West"}
    assert math.isclose(sum(t.count for t in region.top_values), 50_000, rel_tol=0.01)
    sale_id = sales.column("sale_id")
    assert sale_id is not None and sale_id.unique and sale_id.distinct == 50_000
    # A small table next to it is read whole.
    offices = profile_on(pool, demo_source, "offices", settings)
    assert not offices.sampled and offices.rows_read == 10
