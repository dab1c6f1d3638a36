"""The built-in engine on "either … or …" and "… with no …" (query spec v2 `any` and
`without` filters): two filters on different columns said either side of "or" keep the rows
matching either one (two values of one column stay one "is any of"); two periods that are not
next to each other ("2023 vs 2025", "Q1 of 2023 and 2025") are those periods only, side by
side, not the range between them nor a comparison with the period before; rows another table
has nothing about ("reps with no sales", "offices without remote staff", "people who haven't
sold anything this year") are found with a `without` filter along the catalog's link, the
words said with the missing rows (a flag, a value, a time right after) narrowing them.

Phrasings are our own; each test checks the spec the engine wrote, and a few run it on the
demo database against hand-written SQL."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.catalog.model import Catalog
from plotboard.query.spec import parse_spec
from tests.ai.demo import run_spec
from tests.ai.tuning import Values, any_of, ask, dims_of, filters_of, spec_of, without_of


def _run(engine: sa.Engine, catalog: Catalog, spec: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted(run_spec(engine, catalog, parse_spec(spec)), key=repr)


def _sql(engine: sa.Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return sorted((tuple(r) for r in conn.execute(sa.text(sql))), key=repr)


# -- OR across two columns ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "options"),
    [
        ("people based in Paris or with a performance rating of 5",
         [("location", "eq", "Paris"), ("performance_rating", "eq", 5)]),
        ("headcount of remote workers or anyone earning over 120k",
         [("is_remote", "eq", True), ("salary", "gt", 120000)]),
        ("total sales amount for Hardware or from the North region",
         [("category", "eq", "Hardware"), ("sales_region", "eq", "North")]),
        ("how many staff work in Berlin or are in the Finance department",
         [("location", "eq", "Berlin"), ("department", "eq", "Finance")]),
    ],
)
def test_two_filters_either_side_of_or_are_either_one(
    question: str, options: list[tuple[str, str, Any]], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert any_of(spec) == [options], spec
    said = {column for column, _, _ in options}
    assert not any(column in said for column, _, _ in filters_of(spec)), spec


@pytest.mark.parametrize(
    ("question", "column", "listed"),
    [
        ("headcount in Tokyo or Sydney", "location", ["Tokyo", "Sydney"]),
        ("employees rated 4 or 5", "performance_rating", [4, 5]),
        ("revenue of Software or Services", "category", ["Software", "Services"]),
    ],
)
def test_two_values_of_one_column_stay_one_in_filter(
    question: str, column: str, listed: list[Any], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert not any_of(spec), spec
    assert (column, "in", listed) in filters_of(spec), spec


def test_either_one_counts_the_rows_of_either(
    catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    spec = spec_of(ask("number of employees in Paris or rated 5", catalog, values))
    assert _run(demo_engine, catalog, spec) == _sql(
        demo_engine,
        "SELECT COUNT(*) FROM employees WHERE location = 'Paris' OR performance_rating = 5",
    )


# -- periods that are not next to each other ------------------------------------------------


@pytest.mark.parametrize(
    ("question", "grain", "periods"),
    [
        ("hires in January and March 2024", "month",
         [["2024-01-01", "2024-01-31"], ["2024-03-01", "2024-03-31"]]),
        ("revenue in 2023 and in 2025", "year",
         [["2023-01-01", "2023-12-31"], ["2025-01-01", "2025-12-31"]]),
        ("orders in Q1 2024 and Q4 2024", "quarter",
         [["2024-01-01", "2024-03-31"], ["2024-10-01", "2024-12-31"]]),
    ],
)
def test_periods_listed_apart_are_an_any_of_those_periods(
    question: str, grain: str, periods: list[list[str]], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    [group] = any_of(spec)
    assert sorted(value for _, op, value in group if op == "between") == periods, spec
    assert [d.get("grain") for d in spec["dimensions"]] == [grain], spec
    assert "compare" not in spec, spec
    dated = [f for f in filters_of(spec) if f[0] in ("sale_date", "hire_date")]
    assert not dated, spec  # not the range from the first to the last


@pytest.mark.parametrize(
    ("question", "sql"),
    [
        ("Services revenue 2023 versus 2025",
         "SELECT substr(sale_date, 1, 4), SUM(amount) FROM sales WHERE category = 'Services' "
         "AND substr(sale_date, 1, 4) IN ('2023', '2025') GROUP BY 1"),
        ("compare units sold in 2025 against 2023",
         "SELECT substr(sale_date, 1, 4), SUM(quantity) FROM sales "
         "WHERE substr(sale_date, 1, 4) IN ('2023', '2025') GROUP BY 1"),
        ("units sold in March 2023 vs March 2025",
         "SELECT substr(sale_date, 1, 7), SUM(quantity) FROM sales "
         "WHERE substr(sale_date, 1, 7) IN ('2023-03', '2025-03') GROUP BY 1"),
    ],
)
def test_periods_compared_apart_are_those_periods_side_by_side(
    question: str, sql: str, catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    # Either as an "any" of their dates or as the year (month) of each row being one of them:
    # the rows of those two periods, a row each, never a comparison with the one before.
    spec = spec_of(ask(question, catalog, values))
    assert "compare" not in spec, spec
    rows = _run(demo_engine, catalog, spec)
    expected = _sql(demo_engine, sql)
    assert [round(float(r[-1]), 2) for r in rows] == [round(float(e[1]), 2) for e in expected]
    assert len(rows) == 2, spec


def test_services_in_two_years_apart_adds_up_those_years_only(
    catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    spec = spec_of(ask("Services revenue in 2023 vs 2025", catalog, values))
    assert ("category", "eq", "Services") in filters_of(spec), spec
    rows = _run(demo_engine, catalog, spec)
    expected = _sql(
        demo_engine,
        "SELECT substr(sale_date, 1, 4) || '-01-01', SUM(amount) FROM sales "
        "WHERE category = 'Services' AND substr(sale_date, 1, 4) IN ('2023', '2025') "
        "GROUP BY 1",
    )
    assert [(str(r[0])[:10], round(r[1], 2)) for r in rows] == [
        (e[0], round(e[1], 2)) for e in expected
    ]
    assert len(rows) == 2


def test_periods_next_to_each_other_are_still_compared(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("revenue 2025 vs 2024", catalog, values))
    assert spec.get("compare") == {"to": "previous_year"}, spec
    assert not any_of(spec), spec


# -- rows with no related rows --------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "table", "plain", "related", "where"),
    [
        ("list the sales reps who have never closed a sale", "employees",
         [("department", "eq", "Sales")], "sales", []),
        ("which offices have no remote people", "offices", [], "employees",
         [("is_remote", "eq", True)]),
        ("staff who haven't sold anything this year", "employees", [], "sales",
         [("sale_date", "between", ["2025-01-01", "2025-12-31"])]),
        ("offices without any Accessories sales", "offices", [], "sales",
         [("category", "eq", "Accessories")]),
        ("employees with zero sales in 2024", "employees", [], "sales",
         [("sale_date", "between", ["2024-01-01", "2024-12-31"])]),
    ],
)
def test_rows_with_no_related_rows_are_a_without_filter(
    question: str, table: str, plain: list[tuple[str, str, Any]], related: str,
    where: list[tuple[str, str, Any]], catalog: Catalog, values: Values,
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == table, spec
    assert without_of(spec) == [(related, where)], spec
    assert filters_of(spec) == plain, spec
    assert spec.get("select"), spec  # which ones: the rows listed


def test_how_many_with_no_related_rows_is_a_count(
    catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    spec = spec_of(ask("how many employees did not make any sale in 2025", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert without_of(spec) == [
        ("sales", [("sale_date", "between", ["2025-01-01", "2025-12-31"])])
    ], spec
    assert _run(demo_engine, catalog, spec) == _sql(
        demo_engine,
        "SELECT COUNT(*) FROM employees e WHERE NOT EXISTS (SELECT 1 FROM sales s "
        "WHERE s.employee_id = e.employee_id AND s.sale_date BETWEEN '2025-01-01' "
        "AND '2025-12-31')",
    )


def test_with_no_related_rows_per_group(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("people without any sales, per department", catalog, values))
    assert dims_of(spec) == ["department"], spec
    assert without_of(spec) == [("sales", [])], spec


@pytest.mark.parametrize(
    "question",
    ["people with no manager", "who has no boss", "staff without a line manager"],
)
def test_an_empty_field_stays_an_empty_field(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("manager_id", "is_null", None) in filters_of(spec), spec
    assert not without_of(spec), spec


def test_the_answer_says_the_groups_in_words(catalog: Catalog, values: Values) -> None:
    reply = ask("offices with no remote staff", catalog, values)
    assert "with no employees" in reply.answer and "remote" in reply.answer, reply.answer
    reply = ask("people in Paris or rated 5", catalog, values)
    assert "Paris or performance rating 5" in reply.answer, reply.answer
