"""Compiled specs against hand-written SQL, on all four databases.

Each case in fixtures/compile_cases.json holds a spec and the SQL a person would write for it
(`sql`, or `sql_<dialect>` where dialects differ) and/or the literal expected `rows`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plotboard.access.rules import EMPTY_RULES
from plotboard.query.prepare import prepare_query
from plotboard.query.spec import parse_spec
from tests.query.databases import TestDatabase, same_rows

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "compile_cases.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_compiled_spec_matches_hand_written_sql(db: TestDatabase, case: dict[str, Any]) -> None:
    spec = parse_spec(case["spec"])
    prepared = prepare_query(spec, db.catalog, EMPTY_RULES, {})
    actual = db.query(prepared.sql, prepared.params)
    ordered = case.get("ordered", False)

    assert [c.name for c in prepared.columns] == list(spec.aliases)
    assert all(len(row) == len(prepared.columns) for row in actual)
    hand_sql = case.get(f"sql_{db.dialect}", case.get("sql"))
    if hand_sql is not None:
        expected = db.query(hand_sql)
        assert expected, "the hand-written SQL should return rows"
        assert same_rows(actual, expected, ordered=ordered), (prepared.sql, actual, expected)
    if "rows" in case:
        assert same_rows(actual, case["rows"], ordered=ordered), (prepared.sql, actual)
