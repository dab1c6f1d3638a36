"""Compiled specs against hand-written SQL, on all four databases.

Each case in fixtures/compile_cases.json holds a spec and the SQL a person would write for it
(`sql`, or `sql_<dialect>` where dialects differ) and/or the literal expected `rows`.

Each case with hand-written SQL runs a second time under the access rules of the access tests:
the spec's answer on the main tables must equal the hand-written SQL's answer on a copy that
holds only the user's rows (shares, running totals, ranks and HAVING over *their* rows).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plotboard.access.rules import EMPTY_RULES
from plotboard.query.compile import describe_result
from plotboard.query.prepare import prepare_query
from plotboard.query.spec import parse_spec
from tests.access.oracle import permitted_keys
from tests.access.rules_fixture import RULES
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


RULED_USER = {
    "region": "North",
    "location": ["Tokyo", "Paris", "São Paulo"],
    "office_region": "EMEA",
}
RULED_CASES = [case for case in CASES if "sql" in case or any(k.startswith("sql_") for k in case)]


@pytest.mark.parametrize("case", RULED_CASES, ids=[case["name"] for case in RULED_CASES])
def test_compiled_spec_under_rules_matches_hand_written_sql_on_permitted_rows(
    db: TestDatabase, case: dict[str, Any]
) -> None:
    spec = parse_spec(case["spec"])
    prepared = prepare_query(spec, db.catalog, RULES, RULED_USER)
    # Marker columns (rows hidden behind a join) are folded away as the answer does.
    _, actual = describe_result(prepared.columns, db.query(prepared.sql, prepared.params))
    db.set_permitted(permitted_keys(RULED_USER))
    hand_sql = str(case.get(f"sql_{db.dialect}", case.get("sql")))
    expected = db.query(hand_sql, copy=True)
    assert same_rows(actual, expected, ordered=case.get("ordered", False)), (
        prepared.sql,
        actual,
        expected,
    )
