"""Relative date filters: resolved from today (UTC) into a half-open range of bound dates,
checked by rows on four engines; the memo never serves yesterday's range."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from plotboard.access.rules import EMPTY_RULES
from plotboard.query import compile as compile_module
from plotboard.query.errors import QueryError
from plotboard.query.prepare import prepare_query
from plotboard.query.spec import parse_spec
from tests.query.databases import TestDatabase, same_rows

CASES = [
    ({"op": "last", "value": {"n": 6, "unit": "month"}},
     "sale_date >= '2025-02-01' AND sale_date < '2025-08-01'"),
    ({"op": "last", "value": {"n": 2, "unit": "quarter"}, "include_current": True},
     "sale_date >= '2025-01-01' AND sale_date < '2025-08-15'"),
    ({"op": "this", "value": "year"}, "sale_date >= '2025-01-01' AND sale_date < '2026-01-01'"),
    ({"op": "previous", "value": "month"},
     "sale_date >= '2025-07-01' AND sale_date < '2025-08-01'"),
    ({"op": "to_date", "value": "quarter", "anchor": "today"},
     "sale_date >= '2025-07-01' AND sale_date < '2025-08-15'"),
]


def _on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr(compile_module, "today_utc", lambda: day)
    import plotboard.query.prepare as prepare_module

    monkeypatch.setattr(prepare_module, "today_utc", lambda: day)


@pytest.mark.parametrize(("relative", "where"), CASES, ids=[c[1][:60] for c in CASES])
def test_relative_filter_matches_hand_written_range(
    db: TestDatabase, monkeypatch: pytest.MonkeyPatch, relative: dict[str, object], where: str
) -> None:
    _on(monkeypatch, dt.date(2025, 8, 14))
    spec = parse_spec({"table": "sales", "measures": [{"agg": "count"}],
                       "dimensions": [{"column": "category"}],
                       "filters": [{"column": "sale_date", **relative}]})
    prepared = prepare_query(spec, db.catalog, EMPTY_RULES, {})
    actual = db.query(prepared.sql, prepared.params)
    expected = db.query(f"SELECT category, COUNT(*) FROM sales WHERE {where} GROUP BY category")
    assert expected and same_rows(actual, expected), (prepared.sql, dict(prepared.params))


def test_memo_does_not_serve_yesterdays_range(
    db: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = parse_spec({"table": "sales", "measures": [{"agg": "count"}],
                       "filters": [{"column": "sale_date", "op": "this", "value": "month"}]})
    _on(monkeypatch, dt.date(2025, 3, 31))
    march = prepare_query(spec, db.catalog, EMPTY_RULES, {})
    _on(monkeypatch, dt.date(2025, 4, 1))
    april = prepare_query(spec, db.catalog, EMPTY_RULES, {})
    assert sorted(map(str, march.params.values())) != sorted(map(str, april.params.values()))
    assert "2025-04-01" in {str(v)[:10] for v in april.params.values()}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"column": "sale_date", "op": "last", "value": {"n": 0, "unit": "month"}},
         "filters[0].value"),
        ({"column": "sale_date", "op": "to_date", "value": "week"}, "filters[0].value"),
        ({"column": "category", "op": "this", "value": "year"}, "filters[0].op"),
    ],
)
def test_bad_relative_filters_are_refused_with_the_field(
    db: TestDatabase, data: dict[str, object], field: str
) -> None:
    spec = parse_spec({"table": "sales", "measures": [{"agg": "count"}], "filters": [data]})
    with pytest.raises(QueryError) as caught:
        prepare_query(spec, db.catalog, EMPTY_RULES, {})
    assert caught.value.field == field


def test_a_comparison_with_a_relative_filter_under_rules_matches_hand_written_sql(
    db: TestDatabase,
) -> None:
    """"This quarter vs the previous one" by category, counted from a given day, under the
    access rules: the answer equals the hand-written SQL on a copy holding the user's rows."""
    from tests.access.oracle import permitted_keys
    from tests.access.rules_fixture import RULES
    from tests.query.test_compile import RULED_USER

    spec = parse_spec({"table": "sales", "dimensions": [{"column": "category"}],
                       "measures": [{"agg": "sum", "column": "amount", "name": "revenue"}],
                       "filters": [{"column": "sale_date", "op": "this", "value": "quarter"}],
                       "compare": {"to": "previous_period"}})
    prepared = prepare_query(spec, db.catalog, RULES, RULED_USER, today=dt.date(2025, 8, 14))
    actual = db.query(prepared.sql, prepared.params)
    assert prepared.notes["compare"] == {
        "to": "previous_period", "column": "sale_date",
        "current": {"from": "2025-07-01", "to": "2025-09-30"},
        "previous": {"from": "2025-04-01", "to": "2025-06-30"},
    }
    assert prepared.notes["relative_dates"][0]["anchor_date"] == "2025-08-14"
    db.set_permitted(permitted_keys(RULED_USER))
    expected = db.query(
        "SELECT category, r, p, r - p, (r - p) * 100.0 / NULLIF(p, 0) FROM ("
        "SELECT category, SUM(CASE WHEN sale_date >= '2025-07-01' THEN amount END) AS r, "
        "SUM(CASE WHEN sale_date < '2025-07-01' THEN amount END) AS p FROM sales "
        "WHERE sale_date >= '2025-04-01' AND sale_date < '2025-10-01' GROUP BY category) x "
        "WHERE r IS NOT NULL",
        copy=True,
    )
    assert expected and same_rows(actual, expected), (prepared.sql, dict(prepared.params))


def test_the_memo_keys_on_the_day_and_the_latest_dates(db: TestDatabase) -> None:
    spec = parse_spec({"table": "sales", "measures": [{"agg": "count"}],
                       "filters": [{"column": "sale_date", "op": "this", "value": "month",
                                    "anchor": "latest"}]})
    with pytest.raises(QueryError) as caught:  # never run with today standing in for it
        prepare_query(spec, db.catalog, EMPTY_RULES, {})
    assert caught.value.field == "filters[0].anchor"
    june = prepare_query(spec, db.catalog, EMPTY_RULES, {}, anchors={0: dt.date(2025, 6, 3)})
    july = prepare_query(spec, db.catalog, EMPTY_RULES, {}, anchors={0: dt.date(2025, 7, 3)})
    assert june.notes["relative_dates"][0]["from"] == "2025-06-01"
    assert july.notes["relative_dates"][0]["from"] == "2025-07-01"
    nobody = prepare_query(spec, db.catalog, EMPTY_RULES, {}, anchors={0: None})
    assert db.query(nobody.sql, nobody.params) == [(0,)]



def _monthly_revenue(db: TestDatabase) -> list[tuple[str, float]]:
    month = "SUBSTR(CAST(sale_date AS CHAR(10)), 1, 7)"
    rows = db.query(f"SELECT {month} AS m, SUM(amount) FROM sales GROUP BY {month} ORDER BY m")
    return [(str(m), float(v)) for m, v in rows]


def test_a_comparison_with_a_limit_keeps_the_latest_periods_in_time_order(
    db: TestDatabase,
) -> None:
    """"Show at most 3" on months compared with the month before: the 3 latest months, oldest
    first, each with its previous month's value (not the 3 oldest, the first without one)."""
    months = _monthly_revenue(db)
    spec = parse_spec({
        "table": "sales", "measures": [{"agg": "sum", "column": "amount", "name": "revenue"}],
        "dimensions": [{"column": "sale_date", "grain": "month"}],
        "order_by": [{"by": "sale_date_month"}], "limit": 3, "compare": {"to": "previous_period"}})
    prepared = prepare_query(spec, db.catalog, EMPTY_RULES, {})
    rows = db.query(prepared.sql, prepared.params)
    expected = [(m, v, months[i - 1][1]) for i, (m, v) in enumerate(months) if i >= len(months) - 3]
    got = [(str(r[0])[:7], float(r[1]), float(r[2])) for r in rows]
    assert [g[0] for g in got] == [e[0] for e in expected], prepared.sql
    assert [g[1:] for g in got] == [pytest.approx(e[1:]) for e in expected]


def test_a_comparison_with_a_split_and_a_limit_keeps_the_latest_rows(db: TestDatabase) -> None:
    """With a second dimension the limit counts rows: the latest months' rows are kept (8 rows:
    2 months of 4 categories), in time order, each with its previous value."""
    months = _monthly_revenue(db)
    spec = parse_spec({
        "table": "sales", "measures": [{"agg": "sum", "column": "amount", "name": "revenue"}],
        "dimensions": [{"column": "sale_date", "grain": "month"}, {"column": "category"}],
        "limit": 8, "compare": {"to": "previous_period"}})
    prepared = prepare_query(spec, db.catalog, EMPTY_RULES, {})
    rows = db.query(prepared.sql, prepared.params)
    assert [str(r[0])[:7] for r in rows] == [months[-2][0]] * 4 + [months[-1][0]] * 4
    assert [r[1] for r in rows[:4]] == sorted(r[1] for r in rows[:4])
    month = "SUBSTR(CAST(sale_date AS CHAR(10)), 1, 7)"
    by_month = {(str(m), c): float(v) for m, c, v in db.query(
        f"SELECT {month}, category, SUM(amount) FROM sales GROUP BY {month}, category")}
    names = [m for m, _ in months]
    for row in rows:
        before = names[names.index(str(row[0])[:7]) - 1]
        previous = by_month.get((before, row[1]))
        assert (row[3] is None) == (previous is None) and (
            previous is None or float(row[3]) == pytest.approx(previous)), (row, previous)


# A user whose rows end before the table's: East's sales, and people hired in Tokyo and São
# Paulo (their last hires are months before Paris's).
EARLY_USER = {"region": "East", "location": ["Tokyo", "São Paulo"], "office_region": "EMEA"}


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    months = day.year * 12 + day.month - 1 - back
    return dt.date(months // 12, months % 12 + 1, 1)


@pytest.mark.parametrize(
    ("table", "column", "dimension", "relative", "bounds"),
    [
        # "The last 3 days", counted from the latest sale the user can see.
        ("sales", "sale_date", "category",
         {"op": "last", "value": {"n": 3, "unit": "day"}, "include_current": True},
         lambda last: (last - dt.timedelta(days=2), last + dt.timedelta(days=1))),
        # "This month" of hires.
        ("employees", "hire_date", "department", {"op": "this", "value": "month"},
         lambda last: (_month_start(last), _month_start(last, -1))),
        # "The last 12 months" of hires, the latest month included.
        ("employees", "hire_date", "department",
         {"op": "last", "value": {"n": 12, "unit": "month"}, "include_current": True},
         lambda last: (_month_start(last, 11), last + dt.timedelta(days=1))),
    ],
    ids=["sales-last-3-days", "employees-this-month", "employees-last-12-months"],
)
def test_latest_anchor_under_rules_matches_hand_written_sql_on_the_users_rows(
    db: TestDatabase, table: str, column: str, dimension: str, relative: dict[str, object],
    bounds: Any,
) -> None:
    """`anchor: "latest"` under the access rules: the anchor is the latest date among the
    user's own rows (found by a query the rules rewrite), and the answer equals hand-written
    SQL on a copy holding only those rows, with the range worked out by hand from that copy's
    latest date."""
    from plotboard.query.latest import latest_anchors
    from tests.access.oracle import permitted_keys
    from tests.access.rules_fixture import RULES
    spec = parse_spec({"table": table, "measures": [{"agg": "count"}],
                       "dimensions": [{"column": dimension}],
                       "filters": [{"column": column, "anchor": "latest", **relative}]})
    anchors = latest_anchors(spec, db.catalog, RULES, EARLY_USER,
                             lambda p: db.query(p.sql, p.params))
    prepared = prepare_query(spec, db.catalog, RULES, EARLY_USER, anchors=anchors)
    actual = db.query(prepared.sql, prepared.params)

    table_last = _as_day(db.query(f"SELECT MAX({column}) FROM {table}")[0][0])
    db.set_permitted(permitted_keys(EARLY_USER))
    mine = _as_day(db.query(f"SELECT MAX({column}) FROM {table}", copy=True)[0][0])
    assert mine < table_last, "the user's rows should end before the table's"
    assert prepared.notes["relative_dates"][0]["anchor_date"] == mine.isoformat()
    start, end = bounds(mine)
    expected = db.query(
        f"SELECT {dimension}, COUNT(*) FROM {table} WHERE {column} >= '{start.isoformat()}' "
        f"AND {column} < '{end.isoformat()}' GROUP BY {dimension}",
        copy=True,
    )
    assert expected and same_rows(actual, expected), (prepared.sql, dict(prepared.params))


def _as_day(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])


@pytest.mark.parametrize(
    ("op", "unit", "where"),
    [
        ("this", "year", "sale_date >= '2025-01-01' AND sale_date < '2026-01-01'"),
        ("previous", "quarter", "sale_date >= '2025-04-01' AND sale_date < '2025-07-01'"),
        ("to_date", "month", "sale_date >= '2025-08-01' AND sale_date < '2025-08-15'"),
    ],
)
def test_this_previous_and_to_date_take_the_builders_unit_object(
    db: TestDatabase, monkeypatch: pytest.MonkeyPatch, op: str, unit: str, where: str
) -> None:
    """The builder writes `{"unit": "quarter"}` for "this / the previous / so far this" period
    (one shape for every date range, as `last` has): it means what `"quarter"` means, so tiles
    the builder saved run (they were refused: 'value must be one of day, week, ...')."""
    _on(monkeypatch, dt.date(2025, 8, 14))
    answers = []
    for value in (unit, {"unit": unit}, {"n": 1, "unit": unit}):
        spec = parse_spec({"table": "sales", "measures": [{"agg": "count"}],
                           "dimensions": [{"column": "category"}],
                           "filters": [{"column": "sale_date", "op": op, "value": value}]})
        prepared = prepare_query(spec, db.catalog, EMPTY_RULES, {})
        answers.append(db.query(prepared.sql, prepared.params))
    expected = db.query(f"SELECT category, COUNT(*) FROM sales WHERE {where} GROUP BY category")
    assert expected and all(same_rows(rows, expected) for rows in answers)
    spec = parse_spec({"table": "sales", "measures": [{"agg": "count"}],
                       "filters": [{"column": "sale_date", "op": op,
                                    "value": {"n": 2, "unit": unit}}]})
    with pytest.raises(QueryError) as caught:  # "this 2 quarters" means nothing
        prepare_query(spec, db.catalog, EMPTY_RULES, {})
    assert caught.value.field == "filters[0].value"
