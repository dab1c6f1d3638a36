"""A query that names no database is run where its table is.

A chart saved (or an editor opened) while the organization had one database sends its query
without `source`; once a second database is connected, the table still says where it belongs.
Only a table that both databases have needs the query to say which one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.api.conftest import Org
from tests.api.test_query_api import _connect, _query, demo_db  # noqa: F401 - fixture


@pytest.fixture(scope="module")
def tickets_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tickets") / "tickets.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE tickets (ticket_id INTEGER PRIMARY KEY, priority TEXT)")
        conn.executemany(
            "INSERT INTO tickets VALUES (?, ?)", [(i, ("Low", "High")[i % 2]) for i in range(9)]
        )
    return path


def test_a_query_without_source_runs_where_its_table_is(
    org: Org, demo_db: Path, tickets_db: Path  # noqa: F811
) -> None:
    _connect(org, demo_db)
    token = org.token()
    count = {"measures": [{"agg": "count"}]}
    before = _query(org, token, {"table": "offices", **count})
    r = org.admin(
        "POST",
        "/sources",
        json={"name": "Support desk", "connection": {"kind": "sqlite", "path": str(tickets_db)}},
    )
    assert r.status_code == 201, r.text
    # The same chart, still without its database, now that there are two.
    assert _query(org, token, {"table": "offices", **count})["rows"] == before["rows"]
    assert _query(org, token, {"table": "tickets", **count})["rows"] == [[9]]
    unknown = _query(org, token, {"table": "nowhere", **count}, expect=422)
    assert unknown["code"] == "source_required"
    assert "Demo" in unknown["detail"] and "Support desk" in unknown["detail"]


def test_a_table_in_both_databases_still_needs_its_source(
    org: Org, demo_db: Path  # noqa: F811
) -> None:
    _connect(org, demo_db)
    _connect(org, demo_db, name="Archive")
    answer = _query(
        org, org.token(), {"table": "offices", "measures": [{"agg": "count"}]}, expect=422
    )
    assert answer["code"] == "source_required"
