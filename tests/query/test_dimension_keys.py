"""A dimension's `key`: grouped by, never shown (`{"column": "employees.full_name", "key":
"employees.employee_id"}`: a row per person, named only).

Hand-written SQL for the key with sorting, limits, top N per group, shares, running totals and
HAVING is in fixtures/compile_cases.json (the `v2_key_*` cases, run on every database with and
without access rules). Here: the refusals, the answer's columns, and the key against the spec
that shows it (the old way of writing a row per person: the key as a dimension of its own),
on every database, with and without access rules, comparisons included.
"""

from __future__ import annotations

from typing import Any

import pytest

from plotboard.access.rules import EMPTY_RULES
from plotboard.query.compile import compile_query, describe_result
from plotboard.query.errors import QueryError
from plotboard.query.prepare import prepare_query
from plotboard.query.spec import parse_spec
from tests.access.rules_fixture import RULES
from tests.query.databases import TestDatabase, same_rows
from tests.query.dataset import DATA, build_catalog

CATALOG = build_catalog("postgres")
RULED_USER = {"region": "North", "location": ["Tokyo", "Paris", "São Paulo"]}
BY_PERSON: dict[str, Any] = {"column": "employees.department", "key": "employees.employee_id"}


def _refusal(data: dict[str, Any]) -> QueryError:
    with pytest.raises(QueryError) as caught:
        compile_query(parse_spec(data), CATALOG)
    return caught.value


def _sales(*dims: dict[str, Any], **rest: Any) -> dict[str, Any]:
    return {"table": "sales", "measures": [{"agg": "count"}], "dimensions": list(dims)} | rest


# -- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dim",
    [
        {"column": "sale_date", "grain": "month", "key": "sale_id"},
        {"column": "amount", "bin": {"width": 100}, "key": "sale_id"},
    ],
)
def test_a_period_or_band_has_no_key(dim: dict[str, Any]) -> None:
    with pytest.raises(QueryError) as caught:
        parse_spec(_sales(dim))
    assert caught.value.field == "dimensions[0].key"
    assert "no key" in caught.value.message


@pytest.mark.parametrize(
    ("key", "held"),
    [
        ("offices.office_id", "a column of 'offices'"),  # another table
        ("employee_id", "a column of 'sales'"),  # the foreign key, on the spec's own table
        ("sale_id", "a column of 'sales'"),
    ],
)
def test_a_key_on_another_table_is_refused_with_the_key_to_use(key: str, held: str) -> None:
    err = _refusal(_sales({"column": "employees.full_name", "key": key}))
    assert (err.field, err.code) == ("dimensions[0].key", "invalid_query")
    assert held in err.message
    assert "same table ('employees')" in err.message
    assert "'employees.employee_id'" in err.message  # what to use instead


def test_a_key_of_the_spec_table_for_a_related_label_and_back() -> None:
    err = _refusal(
        {
            "table": "employees",
            "measures": [{"agg": "count"}],
            "dimensions": [{"column": "offices.city", "key": "employee_id"}],
        }
    )
    assert err.field == "dimensions[0].key" and "'offices.office_id'" in err.message
    err = _refusal(
        {
            "table": "employees",
            "measures": [{"agg": "count"}],
            "dimensions": [{"column": "full_name", "key": "offices.office_id"}],
        }
    )
    assert err.field == "dimensions[0].key" and "such as 'employee_id'" in err.message


@pytest.mark.parametrize(
    ("key", "read"),
    [
        # A column the admin hid: the key is refused exactly as reading the column is.
        ("employees.email", {"column": "employees.email"}),
        # A hidden table: the same.
        ("payroll.bank_account", {"column": "payroll.bank_account"}),
        # A column that does not exist: the same, with the same suggestion.
        ("employees.emplyee_id", {"column": "employees.emplyee_id"}),
    ],
)
def test_a_key_the_user_may_not_read_gets_the_refusal_of_reading_it(
    key: str, read: dict[str, Any]
) -> None:
    keyed = _refusal(_sales({"column": "employees.full_name", "key": key}))
    shown = _refusal(_sales(read))
    assert (keyed.message, keyed.code) == (shown.message, shown.code)
    assert keyed.field == "dimensions[0].key"
    assert shown.field == "dimensions[0].column"


def test_the_key_is_checked_under_the_rules_too() -> None:
    # prepare_query (what the endpoint runs) refuses the hidden key before any SQL exists.
    with pytest.raises(QueryError) as caught:
        prepare_query(
            parse_spec(_sales({"column": "employees.full_name", "key": "employees.email"})),
            CATALOG,
            RULES,
            RULED_USER,
        )
    assert caught.value.code == "hidden_column"
    assert "email" in caught.value.message


# -- what the answer holds -------------------------------------------------------------------


def test_the_key_is_no_result_column_and_not_in_the_sql_output() -> None:
    spec = parse_spec(_sales(BY_PERSON, order_by=[{"by": "count", "desc": True}], limit=3))
    assert spec.aliases == ("employees_department", "count")
    compiled = compile_query(spec, CATALOG)
    assert [c.name for c in compiled.columns] == ["employees_department", "count"]
    assert [s.alias_or_name for s in compiled.expression.selects] == [
        "employees_department",
        "count",
    ]
    sql = compiled.expression.sql("postgres")
    assert 'GROUP BY "employees"."department", "employees"."employee_id"' in sql


def test_a_keyed_spec_is_another_cache_entry() -> None:
    keyed = parse_spec(_sales(BY_PERSON))
    plain = parse_spec(_sales({"column": "employees.department"}))
    assert keyed.cache_key() != plain.cache_key()


def test_a_key_that_is_the_column_itself_changes_nothing() -> None:
    same = compile_query(parse_spec(_sales({"column": "category", "key": "category"})), CATALOG)
    plain = compile_query(parse_spec(_sales({"column": "category"})), CATALOG)
    assert same.expression.sql("postgres") == plain.expression.sql("postgres")


# -- the key against the spec that shows it ---------------------------------------------------


def _shown(data: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
    """The same spec written the old way, each key a dimension of its own just before its
    label, and the positions of those key columns in its rows (to drop them)."""
    dims: list[dict[str, Any]] = []
    at: list[int] = []
    limit_per = data.get("limit_per")
    within: dict[str, str] = {}
    for dim in data["dimensions"]:
        if "key" in dim:
            at.append(len(dims))
            dims.append({"column": dim["key"]})
            # Ranking or sharing within a person: within the key (each key has one label).
            if limit_per == dim["column"]:
                limit_per = dim["key"]
            within[dim["column"]] = dim["key"]
        dims.append({k: v for k, v in dim.items() if k != "key"})
    measures = []
    for m in data["measures"]:
        share = m.get("share")
        if isinstance(share, dict) and share["within"] in within:
            m = {**m, "share": {"within": within[share["within"]]}}
        measures.append(m)
    shown = {**data, "dimensions": dims, "measures": measures}
    if limit_per is not None:
        shown["limit_per"] = limit_per
    return shown, at


# Limits sort by sums of amounts, which do not tie: which rows a limit keeps among ties
# depends on the tie-breakers, which differ (the label, then the key; the key shown first).
REVENUE = {
    "measures": [{"agg": "sum", "column": "amount", "name": "revenue"}],
    "order_by": [{"by": "revenue", "desc": True}],
}
KEYED_SPECS: list[dict[str, Any]] = [
    _sales(BY_PERSON),
    _sales(BY_PERSON, **REVENUE, limit=7),
    _sales({"column": "sales_region"}, BY_PERSON, **REVENUE, limit=2, limit_per="sales_region"),
    _sales(BY_PERSON, {"column": "category"}, **REVENUE, limit=1, limit_per="employees.department"),
    {
        "table": "sales",
        "measures": [
            {"agg": "sum", "column": "amount", "share": {"within": "employees.department"}}
        ],
        "dimensions": [BY_PERSON, {"column": "category"}],
    },
    {
        "table": "sales",
        "measures": [{"agg": "count", "share": True, "name": "pct"}],
        "dimensions": [BY_PERSON],
        "having": [{"by": "pct", "op": "gte", "value": 0.5}],
    },
    {
        "table": "sales",
        "measures": [{"agg": "sum", "column": "amount", "name": "revenue"}],
        "dimensions": [{"column": "sale_date", "grain": "year"}, BY_PERSON],
        "compare": {"to": "previous_year"},
    },
    {
        "table": "sales",
        **REVENUE,
        "dimensions": [{"column": "sale_date", "grain": "year"}, BY_PERSON],
        "compare": {"to": "previous_period"},
        "limit": 5,
    },
]


def _rows(db: TestDatabase, data: dict[str, Any], ruled: bool) -> list[Any]:
    rules, user = (RULES, RULED_USER) if ruled else (EMPTY_RULES, {})
    prepared = prepare_query(parse_spec(data), db.catalog, rules, user, mark_hidden=ruled)
    raw = db.query(prepared.sql, prepared.params)
    assert all(len(row) == len(prepared.columns) for row in raw)
    return list(describe_result(prepared.columns, raw)[1])


@pytest.mark.parametrize("ruled", [False, True], ids=["all rows", "under rules"])
@pytest.mark.parametrize(
    "data",
    KEYED_SPECS,
    ids=lambda d: (
        "-".join(
            [
                *(k for k in ("limit_per", "having", "compare", "limit") if k in d),
                *(("share",) if any("share" in m for m in d["measures"]) else ()),
            ]
        )
        or "plain"
    ),
)
def test_a_key_groups_as_the_key_shown_would_and_is_left_out(
    db: TestDatabase, data: dict[str, Any], ruled: bool
) -> None:
    keyed = _rows(db, data, ruled)
    shown_spec, at = _shown(data)
    shown = [[v for i, v in enumerate(row) if i not in at] for row in _rows(db, shown_spec, ruled)]
    assert keyed, "the spec should have rows"
    # A limit kept the same rows, whatever their ties' order: compare as sets of rows.
    assert same_rows(keyed, shown, ordered=False), (keyed[:5], shown[:5])
    if "limit" not in data and "having" not in data:
        # Labels repeat: one row per person, never one per label.
        labels = [row[at[0]] for row in keyed]
        assert len(labels) > len(set(labels))


def test_people_of_one_label_stay_apart(db: TestDatabase) -> None:
    rows = _rows(
        db,
        {
            "table": "employees",
            "measures": [{"agg": "count"}],
            "dimensions": [{"column": "department", "key": "employee_id"}],
        },
        False,
    )
    assert len(rows) == len(DATA["employees"])
    assert all(row[1] == 1 for row in rows)
    departments = {e["department"] for e in DATA["employees"]}
    assert {row[0] for row in rows} == departments
