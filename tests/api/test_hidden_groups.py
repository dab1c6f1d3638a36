"""Alice in the demo: sales by employees > department through the embed query API.

Her North sales made by employees outside her locations come back with a NULL department
(the rule on employees hides those rows from the LEFT JOIN). The answer marks that column
with `"null_means": "hidden"` so the editor can say "Not visible to you", and the builder's
`is_not_null` filter leaves the group out.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from plotboard.demo.data import generate_demo_database
from plotboard.demo.setup import SAMPLE_USERS
from tests.api.conftest import Org

# Her row-level attributes; the demo's `team` (dashboard sharing) is not declared here.
ALICE = {
    k: v
    for k, v in next(u for u in SAMPLE_USERS if u.user_id == "alice").attributes.items()
    if k != "team"
}
SPEC = {
    "table": "sales",
    "measures": [{"agg": "sum", "column": "amount"}],
    "dimensions": [{"column": "employees.department"}],
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-hidden") / "demo.sqlite"
    generate_demo_database(path)
    return path


@pytest.fixture
def alice(org: Org, demo_db: Path) -> tuple[Org, str]:
    connection = {"kind": "sqlite", "path": str(demo_db)}
    r = org.admin("POST", "/sources", json={"name": "Demo", "connection": connection})
    assert r.status_code == 201, r.text
    source = r.json()["id"]
    for table, condition in (
        ("sales", {"column": "sales_region", "op": "eq", "attribute": "region"}),
        ("employees", {"column": "location", "op": "in", "attribute": "location"}),
    ):
        r = org.admin("PUT", f"/sources/{source}/rules/{table}", json={"conditions": [condition]})
        assert r.status_code == 200, r.text
    return org, org.token("alice", attributes={"tier": 1, **ALICE})


def _hidden_total(db: Path) -> float:
    marks = ",".join("?" * len(ALICE["location"]))
    with sqlite3.connect(db) as conn:
        (total,) = conn.execute(
            "SELECT SUM(s.amount) FROM sales s JOIN employees e ON e.employee_id = s.employee_id"
            f" WHERE s.sales_region = ? AND e.location NOT IN ({marks})",
            (ALICE["region"], *ALICE["location"]),
        ).fetchone()
    return float(total)


def test_hidden_group_is_marked(alice: tuple[Org, str], demo_db: Path) -> None:
    org, token = alice
    for cache in ("miss", "hit"):
        r = org.embed(token, "POST", "/query", json={"query": SPEC})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["cache"] == cache
        assert body["columns"] == [
            {"name": "employees_department", "type": "string", "null_means": "hidden"},
            {"name": "sum_amount", "type": "number"},
        ]
        rows = {row[0]: row[1] for row in body["rows"]}
        assert rows[None] == pytest.approx(_hidden_total(demo_db))
        assert all(len(row) == 2 for row in body["rows"])  # the marker columns are folded away


def test_not_null_filter_leaves_the_hidden_group_out(alice: tuple[Org, str]) -> None:
    org, token = alice
    both = org.embed(token, "POST", "/query", json={"query": SPEC}).json()
    spec = {**SPEC, "filters": [{"column": "employees.department", "op": "is_not_null"}]}
    r = org.embed(token, "POST", "/query", json={"query": spec})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["columns"][0] == {"name": "employees_department", "type": "string"}
    assert {row[0]: row[1] for row in body["rows"]} == {
        row[0]: row[1] for row in both["rows"] if row[0] is not None
    }


def test_a_user_who_sees_everything_gets_no_mark(alice: tuple[Org, str], demo_db: Path) -> None:
    org, _ = alice
    with sqlite3.connect(demo_db) as conn:
        locations = [r[0] for r in conn.execute("SELECT DISTINCT location FROM employees")]
    token = org.token("dora", attributes={"tier": 1, "region": "North", "location": locations})
    body = org.embed(token, "POST", "/query", json={"query": SPEC}).json()
    assert body["columns"][0] == {"name": "employees_department", "type": "string"}
    assert None not in [row[0] for row in body["rows"]]
