"""How long the query engine takes per chart query, without touching a database.

Measures, in microseconds (median and 95th percentile over many runs) on one typical tile
query — sales by office region and month, one filter, access rules on all three tables:

* each stage cold: compile the spec, enforce access rules, render and check the SQL;
* the whole pipeline cold (`prepare_query` with an empty memo);
* the whole pipeline memoized (what a repeated tile costs: a cache hit plus binding the
  user's attribute values), for the same user and for another user with the same shape;
* the same for a raw SQL query;
* a spec v2 tile — a calculated measure, a share and a period comparison (two grouped queries
  joined, each rewritten by the rules) — cold and memoized.

Run:  .venv/bin/python bench/bench_compile.py [--runs N]

The first line says which sqlglot runs (its compiled build comes with `plotboard[fast]`) and
the load average: on a shared machine, compare runs of one session only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlglot
import sqlglot.parser
from tests.query.dataset import build_catalog

from plotboard.access.check import render_checked
from plotboard.access.enforce import enforce_access_rules
from plotboard.access.rules import RuleSet
from plotboard.query.compile import compile_query
from plotboard.query.prepare import clear_cache, prepare_query, prepare_sql
from plotboard.query.spec import parse_spec

CATALOG = build_catalog("postgres")
RULES = RuleSet.from_json(
    [
        {
            "table": "sales",
            "conditions": [{"column": "sales_region", "op": "eq", "attribute": "region"}],
        },
        {
            "table": "employees",
            "conditions": [{"column": "location", "op": "in", "attribute": "location"}],
        },
        {
            "table": "offices",
            "conditions": [
                {
                    "any": [
                        {"column": "region", "op": "eq", "attribute": "office_region"},
                        {"op": "is_set", "attribute": "all_regions"},
                    ]
                }
            ],
        },
    ]
)
ALICE = {"region": "North", "location": ["Tokyo", "Paris"], "office_region": "EMEA"}
BOB = {"region": "South", "location": ["Berlin", "Sydney"], "office_region": "APAC"}
SPEC = parse_spec(
    {
        "table": "sales",
        "measures": [{"agg": "sum", "column": "amount"}, {"agg": "count"}],
        "dimensions": [{"column": "offices.region"}, {"column": "sale_date", "grain": "month"}],
        "filters": [{"column": "category", "op": "in", "value": ["Hardware", "Software"]}],
        "order_by": [{"by": "sum_amount", "desc": True}],
        "limit": 100,
    }
)
V2_SPEC = parse_spec(
    {
        "table": "sales",
        "measures": [
            {"expr": "sum(amount) / count()", "name": "avg_deal"},
            {"agg": "sum", "column": "amount", "name": "revenue"},
            {"agg": "count", "share": True},
        ],
        "dimensions": [{"column": "offices.region"}, {"column": "sale_date", "grain": "month"}],
        "filters": [{"column": "sale_date", "op": "last", "value": {"n": 6, "unit": "month"}}],
        "compare": {"to": "previous_year"},
        "order_by": [{"by": "revenue", "desc": True}],
        "limit": 100,
    }
)
SQL = (
    "SELECT o.region, count(*) AS n, sum(s.amount) AS total FROM sales s "
    "JOIN employees e ON e.employee_id = s.employee_id JOIN offices o ON o.office_id = e.office_id "
    "WHERE s.category IN ('Hardware', 'Software') GROUP BY o.region ORDER BY total DESC"
)


def measure(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    for _ in range(min(runs, 50)):
        fn()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    runs = parser.parse_args().runs
    cold_runs = max(runs // 10, 50)

    compiled = compile_query(SPEC, CATALOG)
    enforced = enforce_access_rules(compiled.expression, CATALOG, RULES, ALICE, compiled.params)

    def cold_pipeline() -> object:
        clear_cache()
        return prepare_query(SPEC, CATALOG, RULES, ALICE)

    def cold_sql() -> object:
        clear_cache()
        return prepare_sql(SQL, CATALOG, RULES, ALICE)

    def cold_v2() -> object:
        clear_cache()
        return prepare_query(V2_SPEC, CATALOG, RULES, ALICE)

    rows = [
        ("compile_query (cold)", lambda: compile_query(SPEC, CATALOG), cold_runs),
        (
            "enforce_access_rules (cold)",
            lambda: enforce_access_rules(
                compiled.expression, CATALOG, RULES, ALICE, compiled.params
            ),
            cold_runs,
        ),
        ("render_checked (cold)", lambda: render_checked(enforced, CATALOG, RULES), cold_runs),
        ("prepare_query, spec, cold", cold_pipeline, cold_runs),
        ("prepare_query, spec, memoized", lambda: prepare_query(SPEC, CATALOG, RULES, ALICE), runs),
        (
            "prepare_query, memoized, other user",
            lambda: prepare_query(SPEC, CATALOG, RULES, BOB),
            runs,
        ),
        ("v2 tile (expr, share, compare), cold", cold_v2, cold_runs),
        (
            "v2 tile, memoized",
            lambda: prepare_query(V2_SPEC, CATALOG, RULES, ALICE),
            runs,
        ),
        ("prepare_sql, raw SQL, cold", cold_sql, cold_runs),
        ("prepare_sql, raw SQL, memoized", lambda: prepare_sql(SQL, CATALOG, RULES, BOB), runs),
    ]
    build = "compiled" if sqlglot.parser.__file__.endswith(".so") else "pure Python"
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    print(f"sqlglot {sqlglot.__version__} ({build}); load average {' '.join(load) or 'n/a'}")
    print(f"{'step':<38} {'runs':>6} {'median µs':>10} {'p95 µs':>10}")
    print("-" * 67)
    for name, fn, n in rows:
        median, p95 = measure(fn, n)
        print(f"{name:<38} {n:>6} {median:>10.1f} {p95:>10.1f}")


if __name__ == "__main__":
    main()
