"""Counts in the console read as English: "1 table", "3 tables"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.console.conftest import Console
from tests.console.pages import text


def test_a_database_with_one_table_says_1_table(console: Console, tmp_path: Path) -> None:
    path = tmp_path / "one.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE offices (office_id INTEGER PRIMARY KEY)")
    answer = console.post(
        "/admin/databases",
        {"kind": "sqlite", "name": "Single", "path": str(path), "action": "connect"},
    )
    assert answer.status_code == 200, text(answer.text)
    page = text(answer.text)
    assert "Connected “Single”: 1 table found." in page
    assert "1 table. Hidden tables" in page
    assert "1 column" in page and "1 columns" not in page
    listing = text(console.get("/admin/databases").text)
    assert "1 table" in listing and "1 tables" not in listing
    source_id = answer.url.params["source"]
    reread = console.post(f"/admin/databases/{source_id}/refresh", {})
    assert "Re-read 1 table;" in text(reread.text)
