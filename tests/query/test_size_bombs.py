"""Hostile shapes that cost rather than leak: SQL too big to check quickly, functions that build
huge values, answers far bigger than any chart needs. On all four databases.

Each must end in a clear refusal, quickly, never in a stalled server or a 100 MB answer.
"""

from __future__ import annotations

import time

import pytest

from plotboard.access.rules import Condition, RuleSet, TableRule
from plotboard.query.errors import QueryError
from plotboard.query.prepare import prepare_sql
from plotboard.query.sql import (
    MAX_SQL_DEPTH,
    MAX_SQL_EXPANDED,
    MAX_SQL_NODES,
    MAX_SQL_SELECTS,
)
from plotboard.sources.errors import SourceError
from plotboard.sources.execute import execute
from tests.query.databases import DIALECTS, TestDatabase
from tests.query.dataset import build_catalog

RULES = RuleSet(
    [
        TableRule(
            table="sales",
            groups=((Condition(column="sales_region", op="eq", attribute="region"),),),
        )
    ]
)
USER = {"region": "North"}

# Under the 20,000-character limit, each took seconds of parsing and checking before.
BIG_SQL = {
    "union chain": " UNION ALL ".join(["SELECT 1"] * 1_000),
    "union chain over a table": " UNION ALL ".join(
        ["SELECT amount FROM sales WHERE amount > 1"] * 280
    ),
    "subqueries": "SELECT count(*) AS n FROM sales WHERE "
    + " OR ".join(f"sale_id IN (SELECT sale_id FROM sales WHERE amount > {i})" for i in range(200)),
    "long IN list": "SELECT count(*) AS n FROM sales WHERE sale_id IN ("
    + ",".join(str(i % 1000) for i in range(4_500))
    + ")",
    "deep OR chain": "SELECT count(*) AS n FROM sales WHERE "
    + " OR ".join(f"sale_id = {i}" for i in range(700)),
}
LIMITS = {
    "union chain": f"more than {MAX_SQL_SELECTS} SELECTs",
    "union chain over a table": f"more than {MAX_SQL_SELECTS} SELECTs",
    "subqueries": f"more than {MAX_SQL_SELECTS} SELECTs",
    "long IN list": f"more than {MAX_SQL_NODES:,} parts",
    "deep OR chain": f"more than {MAX_SQL_DEPTH} levels",
}


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("shape", sorted(BIG_SQL))
def test_sql_too_big_to_check_quickly_is_refused_naming_the_limit(
    dialect: str, shape: str
) -> None:
    sql = BIG_SQL[shape]
    assert len(sql) <= 20_000, "the shape must fit the text limit to test the tree limits"
    started = time.thread_time()
    with pytest.raises(QueryError) as caught:
        prepare_sql(sql, build_catalog(dialect), RULES, USER, row_cap=100)
    # Refused after parsing, before the costly checks: well under the seconds it took before.
    # CPU time of this thread, not the wall clock: other work on a loaded machine does not count.
    assert time.thread_time() - started < 2.5  # 0.1 s; the costly checks took seconds
    assert caught.value.code == "sql_too_complex" and caught.value.field == "sql"
    assert caught.value.message.startswith("The SQL is too complex")
    assert LIMITS[shape] in caught.value.message


@pytest.mark.parametrize("dialect", DIALECTS)
def test_sql_just_under_the_limits_is_still_checked(dialect: str) -> None:
    sql = " UNION ALL ".join(["SELECT amount FROM sales WHERE amount > 1"] * MAX_SQL_SELECTS)
    prepared = prepare_sql(sql, build_catalog(dialect), RULES, USER, row_cap=100)
    assert prepared.sql.count(":") >= MAX_SQL_SELECTS  # each branch got the rule


def test_checking_has_a_time_budget() -> None:
    sql = " UNION ALL ".join(["SELECT amount FROM sales WHERE amount > 1"] * 40)
    with pytest.raises(QueryError) as caught:
        prepare_sql(sql, build_catalog("sqlite"), RULES, USER, row_cap=100, time_budget_s=1e-6)
    assert caught.value.code == "sql_too_complex"
    assert "checking it took longer than 1e-06 s" in caught.value.message


@pytest.mark.parametrize(
    "call",
    [
        "printf('%.*c', 20000000, product)",
        "printf('%20000000d', quantity)",
        "printf('%.5000s', product)",
        "printf(product, quantity)",
    ],
)
def test_printf_cannot_build_huge_values(call: str) -> None:
    with pytest.raises(QueryError) as caught:
        prepare_sql(f"SELECT {call} AS x FROM sales", build_catalog("sqlite"), RULES, USER)
    assert caught.value.code == "sql_forbidden_syntax"
    assert "PRINTF()" in caught.value.message


def test_printf_with_ordinary_formats_is_fine() -> None:
    sql = "SELECT printf('%5d %-10s %.2f%%', quantity, product, amount) AS x FROM sales"
    prepare_sql(sql, build_catalog("sqlite"), RULES, USER)


def _doubling(dialect: str, levels: int, copies: int, tail: str) -> str:
    """Each CTE concatenates `copies` copies of the last: values grow as copies ** levels."""
    # Older SQLite has no concat(); MySQL reads || as OR.
    joined = f"concat({', '.join(['s'] * copies)})" if dialect == "mysql" else " || ".join(
        ["s"] * copies
    )
    ctes = ["l0 AS (SELECT product AS s FROM sales)"]
    ctes += [f"l{i} AS (SELECT {joined} AS s FROM l{i - 1})" for i in range(1, levels + 1)]
    return f"WITH {', '.join(ctes)} {tail.format(last=f'l{levels}')}"


def _run(db: TestDatabase, sql: str, **kw: float) -> tuple[float, SourceError | None]:
    catalog = db.catalog
    prepared = prepare_sql(sql, catalog, RULES, USER, row_cap=1000)
    started = time.monotonic()
    try:
        execute(
            db.engine,
            prepared.sql,
            dict(prepared.params),
            timeout_s=kw.get("timeout_s", 2.0),
            row_cap=1000,
            max_bytes=int(kw.get("max_bytes", 1_000_000)),
        )
    except SourceError as err:
        return time.monotonic() - started, err
    return time.monotonic() - started, None


def test_an_answer_is_bounded_by_bytes_not_only_rows(db: TestDatabase) -> None:
    # 10 kB per row, 600 rows: 6 MB, from a query of 10 kB.
    text = "x" * 9_990
    sql = f"SELECT concat('{text}', product) AS s FROM sales"
    if db.dialect == "sqlite":  # older SQLite has no concat()
        sql = f"SELECT '{text}' || product AS s FROM sales"
    elapsed, err = _run(db, sql, max_bytes=1_000_000)
    assert err is not None and err.code == "answer_too_large", err
    assert err.status == 400
    assert err.message == (
        "This answer is larger than 1 MB; add filters or a limit so that it has fewer rows or "
        "shorter values."
    )
    assert elapsed < 3.0


GROWING = {
    # 8 ** 9 terms once the database inlines the CTEs: SQLite ate 23 GB compiling it, DuckDB
    # ran 10 s under a 2 s limit, before any time limit could apply.
    "a column used 8 times, 9 CTEs deep": (9, ""),
    # 40 MB per row (8 ** 4 copies of a 10 kB text): DuckDB ran 12 s under a 2 s limit, as it
    # checks an interrupt only between chunks of rows and cannot cap a value's size.
    "a long text used 8 times, 4 CTEs deep": (4, "x" * 9_990),
}


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("shape", sorted(GROWING))
def test_values_that_grow_through_ctes_are_refused(dialect: str, shape: str) -> None:
    levels, text = GROWING[shape]
    sql = _doubling(dialect, levels, 8, "SELECT max(length(s)) AS n FROM {last}")
    if text:
        sql = sql.replace("SELECT product AS s", f"SELECT concat('{text}', product) AS s")
    started = time.thread_time()
    with pytest.raises(QueryError) as caught:
        prepare_sql(sql, build_catalog(dialect), RULES, USER, row_cap=100)
    assert time.thread_time() - started < 2.5  # as above
    assert caught.value.code == "sql_too_complex"
    assert f"more than {MAX_SQL_EXPANDED:,} parts" in caught.value.message
