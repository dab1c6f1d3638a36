"""Hostile SQL and specs, on all four databases: each is refused, or sees only permitted rows.

For every case in fixtures/adversarial.json and every attribute set below, the query goes
through the full pipeline (`prepare_sql` / `prepare_query`). Then either:

* it is refused with a `QueryError` (required for `"expect": "refuse"`, with `code` — or one
  of a list of codes, where some dialect can't even parse the text — when given), or
* it runs, and its rows equal those of the same query *without* access rules run on a copy
  of the data that holds only the rows the user may see (computed independently by
  tests/access/oracle.py). `"expect": "run"` (or a dialect in `run_on`) requires this.
* A database error is accepted only for `"expect": "safe"` cases on dialects that lack the
  syntax: the database refusing is still failing closed.

The main tables are fingerprinted before and after every case: nothing may change them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.access.rules import EMPTY_RULES
from plotboard.query.errors import QueryError
from plotboard.query.latest import latest_anchors
from plotboard.query.prepare import PreparedQuery, prepare_query, prepare_sql
from plotboard.query.spec import parse_spec
from tests.access.oracle import permitted_keys
from tests.access.rules_fixture import RULES
from tests.query.databases import TestDatabase, same_rows

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "adversarial.json").read_text(encoding="utf-8")
)
ATTRIBUTE_SETS: dict[str, dict[str, Any]] = {
    "normal": {
        "region": "North",
        "location": ["Tokyo", "Paris", "São Paulo"],
        "office_region": "EMEA",
    },
    "hostile": {
        "region": "' OR 1=1 --",
        "location": ["Berlin", "x' OR 'a'='a"],
        "office_region": 'AMER"; DROP TABLE sales; --',
        "all_regions": False,
    },
    "escape": {"region": "South", "location": "London", "all_regions": True},
    "none": {},
}


def _params() -> list[Any]:
    # Attribute sets outermost: the permitted copy is then rebuilt only when the set changes.
    params = []
    for name in ATTRIBUTE_SETS:
        for i, case in enumerate(CASES):
            if case["expect"] == "refuse" and name != "normal":
                continue  # refusal does not depend on the user
            text = str(case["sql"]) if "sql" in case else json.dumps(case["spec"])
            params.append(pytest.param(case, name, id=f"{name}-{i:03d}-{text[:50]}"))
    return params


def _prepare(
    case: dict[str, Any], db: TestDatabase, rules: Any, attrs: Any, *, copy: bool = False
) -> PreparedQuery:
    if "sql" in case:
        return prepare_sql(case["sql"], db.catalog, rules, attrs)
    spec = parse_spec(case["spec"])
    # `anchor: "latest"`: found by a query under the same rules (on the copy for the baseline,
    # where the latest date is the latest of the user's rows by construction).
    anchors = latest_anchors(
        spec, db.catalog, rules, attrs, lambda p: db.query(p.sql, p.params, copy=copy)
    )
    return prepare_query(spec, db.catalog, rules, attrs, anchors=anchors)


@pytest.mark.parametrize(("case", "attrs_name"), _params())
def test_hostile_input_is_refused_or_sees_only_permitted_rows(
    db: TestDatabase, case: dict[str, Any], attrs_name: str
) -> None:
    attrs = ATTRIBUTE_SETS[attrs_name]
    # `differs_on`: engines where the text means something else, or is not SQL they take
    # (ClickHouse: a plain UNION, duplicate output names, a table name that a JOIN resolves
    # to an earlier alias); there it may be refused or fail in the database (failing closed),
    # and its rows are not held to a baseline that means something else too.
    differs = db.dialect in case.get("differs_on", {})
    must_run = (case["expect"] == "run" or db.dialect in case.get("run_on", ())) and not differs
    before = db.fingerprint()
    try:
        prepared = _prepare(case, db, RULES, attrs)
    except QueryError as err:
        assert not must_run, f"refused: {err!r}"
        assert err.message and "Traceback" not in err.message
        if "code" in case:
            codes = case["code"] if isinstance(case["code"], list) else [case["code"]]
            assert err.code in codes or (differs and err.code == "sql_syntax"), err
    else:
        assert case["expect"] != "refuse", f"not refused: {prepared.sql}"
        try:
            actual = db.query(prepared.sql, prepared.params)
        except sa.exc.DBAPIError as err:
            assert not must_run, f"database error: {err}"
        else:
            if differs:
                assert db.fingerprint() == before
                return
            db.set_permitted(permitted_keys(attrs))
            baseline = _prepare(case, db, EMPTY_RULES, {}, copy=True)
            expected = db.query(baseline.sql, baseline.params, copy=True)
            assert same_rows(actual, expected), (prepared.sql, dict(prepared.params))
    assert db.fingerprint() == before
