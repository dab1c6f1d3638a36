"""Spec v2 through HTTP: `anchor: "latest"` and where the data ends are found under the user's
access rules, and the answer says which dates a relative filter or a comparison resolved to."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import Org
from tests.api.test_query_api import _connect, _query, _rule, _sql, demo_db

__all__ = ["demo_db"]  # the session fixture, shared with test_query_api

NORTH_ENDS = "2025-06-30"


@pytest.fixture
def cut_db(demo_db: Path, tmp_path: Path) -> Path:
    """The demo database where the North region's sales stop at mid-2025 (the others go on),
    so that the latest date a North user sees differs from the table's."""
    path = tmp_path / "cut.sqlite"
    shutil.copy(demo_db, path)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM sales WHERE sales_region = 'North' AND sale_date > ?",
                     (NORTH_ENDS,))
    return path


@pytest.fixture
def north(org: Org, cut_db: Path) -> tuple[Org, str, Path]:
    source = _connect(org, cut_db)
    _rule(org, source, "sales", [{"column": "sales_region", "op": "eq", "attribute": "region"}])
    return org, org.token("nora", attributes={"tier": 1, "region": "North"}), cut_db


def _one(db: Path, sql: str, *params: Any) -> Any:
    return _sql(db, sql, *params)[0][0]


def test_latest_anchor_counts_from_the_users_own_latest_date(
    north: tuple[Org, str, Path],
) -> None:
    org, token, db = north
    table_latest = _one(db, "SELECT MAX(sale_date) FROM sales")
    mine = _one(db, "SELECT MAX(sale_date) FROM sales WHERE sales_region = 'North'")
    assert mine <= NORTH_ENDS < table_latest
    spec = {"table": "sales", "measures": [{"agg": "count"}],
            "filters": [{"column": "sale_date", "op": "last",
                         "value": {"n": 3, "unit": "month"}, "include_current": True,
                         "anchor": "latest"}]}
    body = _query(org, token, spec)
    day = dt.date.fromisoformat(mine)
    start = dt.date(day.year, day.month, 1)
    for _ in range(3):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    expected = _one(db, "SELECT COUNT(*) FROM sales WHERE sales_region = 'North' "
                        "AND sale_date >= ? AND sale_date <= ?", start.isoformat(), mine)
    assert body["rows"] == [[expected]] and expected > 0
    assert body["relative_dates"] == [{
        "filter": 0, "column": "sale_date", "anchor": "latest", "anchor_date": mine,
        "from": start.isoformat(), "to": mine,
    }]
    assert table_latest not in str(body)


def test_an_empty_answer_says_where_the_users_data_ends(north: tuple[Org, str, Path]) -> None:
    org, token, db = north
    first, last = _sql(db, "SELECT MIN(sale_date), MAX(sale_date) FROM sales "
                           "WHERE sales_region = 'North'")[0]
    spec: dict[str, Any] = {"table": "sales", "measures": [{"agg": "count"}],
            "dimensions": [{"column": "category"}],
            "filters": [{"column": "sale_date", "op": "previous", "value": "month"}]}
    body = _query(org, token, spec)
    assert body["rows"] == []
    [note] = body["relative_dates"]
    assert note["anchor"] == "today" and note["data"] == {"from": first, "to": last}
    assert last <= NORTH_ENDS
    # Someone who sees no rows at all learns nothing about anyone's dates.
    nobody = org.token("nobody", attributes={"tier": 1, "region": "Nowhere"})
    body = _query(org, nobody, spec)
    assert body["relative_dates"][0]["data"] == {"from": None, "to": None}
    latest = {**spec, "filters": [{**spec["filters"][0], "anchor": "latest"}]}
    body = _query(org, nobody, latest)
    assert body["rows"] == [] and body["relative_dates"][0]["anchor_date"] is None


def test_a_comparison_says_which_dates_it_compared(north: tuple[Org, str, Path]) -> None:
    org, token, db = north
    spec = {"table": "sales", "measures": [{"agg": "sum", "column": "amount", "name": "revenue"}],
            "filters": [{"column": "sale_date", "op": "between",
                         "value": ["2025-04-01", "2025-06-30"]}],
            "compare": {"to": "previous_year"}}
    body = _query(org, token, spec)
    assert [c["name"] for c in body["columns"]] == [
        "revenue", "revenue_previous", "revenue_change", "revenue_change_pct"]
    assert body["compare"] == {
        "to": "previous_year", "column": "sale_date",
        "current": {"from": "2025-04-01", "to": "2025-06-30"},
        "previous": {"from": "2024-04-01", "to": "2024-06-30"},
    }
    now, before = (
        _one(db, "SELECT SUM(amount) FROM sales WHERE sales_region = 'North' "
                 "AND sale_date BETWEEN ? AND ?", low, high)
        for low, high in (("2025-04-01", "2025-06-30"), ("2024-04-01", "2024-06-30"))
    )
    [[revenue, previous, change, pct]] = body["rows"]
    assert revenue == pytest.approx(now) and previous == pytest.approx(before)
    assert change == pytest.approx(now - before)
    assert pct == pytest.approx((now - before) * 100 / before)


def test_today_is_the_date_in_the_organizations_time_zone(
    north: tuple[Org, str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 2025-06-30 20:00 UTC it is already 1 July in Auckland: "the previous month" is June
    there and May in UTC; at 2025-07-01 03:00 UTC it is still 30 June in Los Angeles."""
    org, token, db = north
    spec = {"table": "sales", "measures": [{"agg": "count"}],
            "filters": [{"column": "sale_date", "op": "previous", "value": "month"}]}

    def count(low: str, high: str) -> int:
        return int(_one(db, "SELECT COUNT(*) FROM sales WHERE sales_region = 'North' "
                            "AND sale_date >= ? AND sale_date <= ?", low, high))

    def at(moment: dt.datetime) -> None:
        monkeypatch.setattr(org.runtime.time_zones, "clock", lambda: moment)

    cases = [
        (dt.datetime(2025, 6, 30, 20, tzinfo=dt.UTC), None, "2025-06-30", "2025-05"),
        (dt.datetime(2025, 6, 30, 20, tzinfo=dt.UTC), "Pacific/Auckland", "2025-07-01",
         "2025-06"),
        (dt.datetime(2025, 7, 1, 3, tzinfo=dt.UTC), None, "2025-07-01", "2025-06"),
        (dt.datetime(2025, 7, 1, 3, tzinfo=dt.UTC), "America/Los_Angeles", "2025-06-30",
         "2025-05"),
    ]
    for moment, zone, local_day, month in cases:
        put = org.admin("PUT", "/organization", json={"time_zone": zone})
        assert put.status_code == 200, put.text
        at(moment)
        body = _query(org, token, spec)
        year, mon = (int(p) for p in month.split("-"))
        last = (dt.date(year + mon // 12, mon % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()
        assert body["relative_dates"] == [{
            "filter": 0, "column": "sale_date", "anchor": "today", "anchor_date": local_day,
            "from": f"{month}-01", "to": last,
        }], (zone, body["relative_dates"])
        expected = count(f"{month}-01", last)
        assert body["rows"] == [[expected]] and expected > 0, zone


def test_a_bad_time_zone_leaves_queries_on_the_previous_zone(
    north: tuple[Org, str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    org, token, _ = north
    assert org.admin("PUT", "/organization", json={"time_zone": "Asia/Tokyo"}).status_code == 200
    refused = org.admin("PUT", "/organization", json={"time_zone": "Asia/Atlantis"})
    assert refused.status_code == 422 and "'Asia/Atlantis'" in refused.json()["detail"]
    monkeypatch.setattr(org.runtime.time_zones, "clock",
                        lambda: dt.datetime(2025, 3, 31, 16, tzinfo=dt.UTC))  # 1 April in Tokyo
    spec = {"table": "sales", "measures": [{"agg": "count"}],
            "filters": [{"column": "sale_date", "op": "this", "value": "month"}]}
    [note] = _query(org, token, spec)["relative_dates"]
    assert note["anchor_date"] == "2025-04-01" and note["from"] == "2025-04-01"


def test_a_filter_op_of_the_wrong_type_is_a_422(north: tuple[Org, str, Path]) -> None:
    org, token, _ = north
    spec = {"table": "sales", "measures": [{"agg": "count"}],
            "filters": [{"column": "sale_date", "op": ["last"], "value": "month"}]}
    _query(org, token, spec, expect=422)


def test_tiles_with_the_same_query_keep_their_own_number_formats(
    north: tuple[Org, str, Path],
) -> None:
    """Two tiles with the same question in different formats run the same SQL: each answer
    still carries its own format (a cached answer is not another tile's)."""
    org, token, _db = north

    def spec(fmt: dict[str, Any] | None) -> dict[str, Any]:
        measure: dict[str, Any] = {"agg": "sum", "column": "amount", "name": "revenue"}
        if fmt is not None:
            measure["format"] = fmt
        return {"table": "sales", "measures": [measure], "dimensions": [{"column": "category"}]}

    euros = _query(org, token, spec({"type": "currency", "currency": "EUR"}))
    dollars = _query(org, token, spec({"type": "currency", "currency": "USD"}))
    plain = _query(org, token, spec(None))
    euros_again = _query(org, token, spec({"type": "currency", "currency": "EUR"}))
    assert euros["sql"] == dollars["sql"] == plain["sql"]
    assert euros["columns"][1]["format"] == {"type": "currency", "currency": "EUR"}
    assert dollars["columns"][1]["format"] == {"type": "currency", "currency": "USD"}
    assert "format" not in plain["columns"][1]
    assert euros_again["cache"] == "hit" and euros_again["columns"] == euros["columns"]
    assert euros["rows"] == dollars["rows"] == plain["rows"] == euros_again["rows"]
