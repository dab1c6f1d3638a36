"""The blind batches are well formed and their truth is real on the demo database.

Their accuracy is not asserted here: a batch's first-try score is recorded once in
docs/benchmarks.md (`python -m tests.ai.batch <file>` measures it again).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.ai.batch import load_batch
from tests.ai.demo import run_sql

BATCHES = sorted((Path(__file__).parent / "fixtures").glob("batch_*.json"))
KINDS = {
    "share",
    "ratio",
    "compare",
    "having",
    "top_n",
    "top_per_group",
    "distribution",
    "detail",
    "running",
    "relative",
    "empty",
    "at_most",
    "slang",
    "typo",
    "polite",
    "follow_up",
    "refuse",
    "second_source",
    "aggregate",
    "group",
    "filter",
}


@pytest.mark.parametrize("path", BATCHES, ids=[p.stem for p in BATCHES])
def test_batch_truth_runs_on_the_demo(path: Path, demo_engine: sa.Engine) -> None:
    _, cases = load_batch(path)
    assert len(cases) >= 150
    assert len({c["id"] for c in cases}) == len(cases)
    assert sum(c["kind"] == "refuse" for c in cases) >= 10
    for case in cases:
        assert case["kind"] in KINDS, case["id"]
        if case.get("expect") == "none":
            assert "sql" not in case and "sql_any" not in case, case["id"]
            continue
        # Every reading runs; at least one has a value (an empty reading such as the sum
        # of a year with no sales is fine beside its count of 0).
        answered = []
        for alt in case.get("sql_any") or [case["sql"]]:
            sql = alt["sql"] if isinstance(alt, dict) else alt
            rows = run_sql(demo_engine, sql)
            answered.append(bool(rows) and any(v is not None for v in rows[0]))
        assert any(answered), case["id"]
