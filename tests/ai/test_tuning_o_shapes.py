"""The built-in engine on question shapes the last blind batches still read wrong (issue 12
item 1): a share taken within each group of another breakdown ("within each region, the %
of each category") and a share of a period inside a longer one ("how much of 2024 came in
Q4"); the whole of a share said after "as a share of the whole ..."; ratios said with a sign
("revenue ÷ units"), restated ("..., i.e. X / Y"), or the other way round ("for every X,
how many Y"); the realised price per unit; the top N within groups said first ("by
country: which ..."), "best sellers" of a kind of product, "the roles we have the most of";
two periods that are not next to each other ("2023 vs 2025"); "in revenue terms".

Questions are worded unlike the blind batches: each test checks a rule through the spec
the engine wrote on the demo data and, where it matters, the rows it gives."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.catalog.model import Catalog
from tests.ai.demo import run_spec, run_sql, same_rows
from tests.ai.tuning import Values, ask, dims_of, filters_of, spec_of


def _rows(reply: Any, catalog: Catalog, engine: sa.Engine) -> list[tuple[Any, ...]]:
    return run_spec(engine, catalog, reply.tile.query)


def _same(reply: Any, catalog: Catalog, engine: sa.Engine, sql: str) -> None:
    got = _rows(reply, catalog, engine)
    want = run_sql(engine, sql)
    assert want and same_rows(got, want, ordered=False), (got[:4], want[:4])


# --- shares --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "within", "part"),
    [
        ("for every department, percentage of headcount by location", "department", "location"),
        (
            "within each category, what percent of revenue comes from each region",
            "category",
            "sales_region",
        ),
        ("share of revenue by product for each year", "sale_date", "product"),
    ],
)
def test_a_share_within_each_group_of_another_breakdown(
    question: str,
    within: str,
    part: str,
    catalog: Catalog,
    values: Values,
    demo_engine: sa.Engine,
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert spec["measures"][0]["share"] == {"within": within}, spec
    assert dims_of(spec) == [within, part], spec
    assert "within each" in (reply.understood or ""), reply.understood
    totals: dict[Any, float] = {}
    for row in _rows(reply, catalog, demo_engine):
        totals[row[0]] = totals.get(row[0], 0.0) + row[-1]
    assert totals and all(abs(t - 100) < 1e-6 for t in totals.values()), totals


def test_a_share_of_revenue_by_two_breakdowns_stays_of_the_total(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("% of revenue by category and region", catalog, values))
    assert spec["measures"][0]["share"] is True, spec


@pytest.mark.parametrize(
    ("question", "sql"),
    [
        (
            "what share of 2023 hires were made in Q3",
            "SELECT 100.0 * SUM(CASE WHEN hire_date BETWEEN '2023-07-01' AND '2023-09-30' THEN 1 "
            "ELSE 0 END) / COUNT(*) FROM employees WHERE hire_date BETWEEN '2023-01-01' AND "
            "'2023-12-31'",
        ),
        (
            "of all the revenue in 2024, what percentage came in during the first half",
            "SELECT 100.0 * SUM(CASE WHEN sale_date <= '2024-06-30' THEN amount ELSE 0 END) / "
            "SUM(amount) FROM sales WHERE sale_date BETWEEN '2024-01-01' AND '2024-12-31'",
        ),
    ],
)
def test_a_share_of_a_period_inside_a_longer_one(
    question: str, sql: str, catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert "between" in spec["measures"][0]["expr"], spec
    _same(reply, catalog, demo_engine, sql)


@pytest.mark.parametrize(
    ("question", "sql"),
    [
        (
            "Senior Software Engineers as a share of the entire Engineering department",
            "SELECT 100.0 * SUM(CASE WHEN job_title = 'Senior Software Engineer' THEN 1 ELSE 0 "
            "END) / COUNT(*) FROM employees WHERE department = 'Engineering'",
        ),
        (
            "which part of the Tokyo staff works in Sales, as a percent",
            "SELECT 100.0 * SUM(CASE WHEN department = 'Sales' THEN 1 ELSE 0 END) / COUNT(*) "
            "FROM employees WHERE location = 'Tokyo'",
        ),
    ],
)
def test_the_whole_of_a_share_said_after_whole_or_which_part(
    question: str, sql: str, catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask(question, catalog, values)
    _same(reply, catalog, demo_engine, sql)


# --- ratios --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "sql"),
    [
        (
            "for each region: revenue ÷ units",
            "SELECT sales_region, SUM(amount) * 1.0 / SUM(quantity) FROM sales GROUP BY 1",
        ),
        (
            "effective price per unit by category",
            "SELECT category, SUM(amount) * 1.0 / SUM(quantity) FROM sales GROUP BY 1",
        ),
        (
            "for hardware, what do we really get per unit",
            "SELECT SUM(amount) * 1.0 / SUM(quantity) FROM sales WHERE category = 'Hardware'",
        ),
        (
            "2023 revenue per salesperson for each category, that is category revenue / the "
            "number of reps",
            "SELECT category, SUM(amount) * 1.0 / COUNT(DISTINCT employee_id) FROM sales WHERE "
            "sale_date BETWEEN '2023-01-01' AND '2023-12-31' GROUP BY 1",
        ),
    ],
)
def test_ratios_said_with_a_sign_restated_or_as_a_realised_price(
    question: str, sql: str, catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert spec["measures"][0].get("expr"), spec
    _same(reply, catalog, demo_engine, sql)


@pytest.mark.parametrize(
    ("question", "sql"),
    [
        (
            "for every Software order, how many Services orders are there",
            "SELECT 1.0 * SUM(category = 'Services') / SUM(category = 'Software') FROM sales",
        ),
        (
            "for every Marketing person, how many Finance people do we have",
            "SELECT 1.0 * SUM(department = 'Finance') / SUM(department = 'Marketing') FROM "
            "employees",
        ),
        (
            "in Sales, how many remote staff are there for each office-based one",
            "SELECT 1.0 * SUM(is_remote) / SUM(1 - is_remote) FROM employees WHERE department = "
            "'Sales'",
        ),
        (
            "how many support people per engineer",
            "SELECT 1.0 * SUM(department = 'Support') / SUM(department = 'Engineering') FROM "
            "employees",
        ),
    ],
)
def test_a_count_for_every_one_of_another(
    question: str, sql: str, catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert "count_if" in spec["measures"][0]["expr"], spec
    assert not spec.get("dimensions"), spec
    _same(reply, catalog, demo_engine, sql)


def test_values_compared_per_row_are_no_ratio(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("average units per sale line, Hardware vs Accessories", catalog, values))
    assert "count_if" not in str(spec["measures"]) and "_if(" not in str(spec["measures"]), spec


def test_how_many_in_an_office_on_average(
    catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask("about how many finance people work in an office, on average?", catalog, values)
    _same(
        reply,
        catalog,
        demo_engine,
        "SELECT 1.0 * COUNT(*) / COUNT(DISTINCT location) FROM employees WHERE department = "
        "'Finance'",
    )


# --- top N in each group -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "group", "ranked", "n", "desc"),
    [
        (
            "by location: which department has the highest average salary",
            "location",
            "department",
            1,
            True,
        ),
        (
            "country by country, the job title with the lowest average rating",
            "country",
            "job_title",
            1,
            False,
        ),
        (
            "per category, the region where it sold the least (revenue)",
            "category",
            "sales_region",
            1,
            False,
        ),
        ("the best seller by revenue in each category", "category", "product", 1, True),
        ("per location, the 2 job titles we have the most of", "location", "job_title", 2, True),
    ],
)
def test_the_top_in_each_group(
    question: str,
    group: str,
    ranked: str,
    n: int,
    desc: bool,
    catalog: Catalog,
    values: Values,
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec.get("limit_per") == group and spec.get("limit") == n, spec
    assert dims_of(spec) == [group, ranked], spec
    assert spec["order_by"][0].get("desc", False) is desc, spec


def test_the_roles_we_have_the_most_of_are_counted(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("per location, the 2 job titles we have the most of", catalog, values))
    assert spec["table"] == "employees" and spec["measures"] == [{"agg": "count"}], spec


def test_number_one_is_the_top_one_and_no_one_is_nobody(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("who is our number one seller in each region by revenue", catalog, values))
    assert spec.get("limit_per") == "sales_region" and spec.get("limit") == 1, spec
    assert "employees.full_name" in dims_of(spec), spec
    spec = spec_of(ask("how many staff report to no one", catalog, values))
    assert ("manager_id", "is_null", None) in filters_of(spec), spec


# --- periods compared ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "sql"),
    [
        (
            "Hardware revenue 2023 against 2025",
            "SELECT strftime('%Y-01-01', sale_date), SUM(amount) FROM sales WHERE category = "
            "'Hardware' AND strftime('%Y', sale_date) IN ('2023', '2025') GROUP BY 1",
        ),
        (
            "revenue in Q1 vs Q3 2024",
            "SELECT strftime('%Y', sale_date) || '-' || printf('%02d', ((CAST(strftime('%m', "
            "sale_date) AS INTEGER) - 1) / 3) * 3 + 1) || '-01', SUM(amount) FROM sales WHERE "
            "sale_date BETWEEN '2024-01-01' AND '2024-12-31' AND ((CAST(strftime('%m', sale_date) "
            "AS INTEGER) - 1) / 3) IN (0, 2) GROUP BY 1",
        ),
    ],
)
def test_two_periods_apart_are_those_two(
    question: str, sql: str, catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert spec.get("columns"), spec
    assert "compare" not in spec, spec
    _same(reply, catalog, demo_engine, sql)
    assert "not next to each other" not in reply.answer, reply.answer


def test_two_months_of_one_year_said_once(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("hires in October compared to July (this year)", catalog, values))
    assert spec.get("compare") is None or spec["compare"] == {"to": "previous_period"}, spec
    dates = [v for c, op, v in filters_of(spec) if c == "hire_date"]
    cols = [v for c, op, v in filters_of(spec) if c == "hire_date_month"]
    assert dates == [["2025-01-01", "2025-12-31"]] and cols == [[7, 10]], spec


def test_in_revenue_terms_is_the_revenue(catalog: Catalog, values: Values) -> None:
    reply = ask("last month versus the month before in revenue terms", catalog, values)
    spec = spec_of(reply)
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec
    assert spec.get("compare") == {"to": "previous_period"}, spec
    assert not reply.unused, reply.unused


# --- more shares and the top seller ------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "sql"),
    [
        (
            "what portion of our people have the highest rating of 5",
            "SELECT 100.0 * SUM(CASE WHEN performance_rating = 5 THEN 1 ELSE 0 END) / COUNT(*) "
            "FROM employees",
        ),
        (
            "how big a piece of all salaries goes to Engineering",
            "SELECT 100.0 * SUM(CASE WHEN department = 'Engineering' THEN salary ELSE 0 END) / "
            "SUM(salary) FROM employees",
        ),
        (
            "what percent of the headcount does each department represent",
            "SELECT department, 100.0 * COUNT(*) / (SELECT COUNT(*) FROM employees) FROM "
            "employees GROUP BY 1",
        ),
        (
            "inside Hardware, the % of the category's units each product has",
            "SELECT product, 100.0 * SUM(quantity) / (SELECT SUM(quantity) FROM sales WHERE "
            "category = 'Hardware') FROM sales WHERE category = 'Hardware' GROUP BY 1",
        ),
    ],
)
def test_shares_said_as_a_piece_what_a_group_represents_or_inside_a_value(
    question: str, sql: str, catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    _same(ask(question, catalog, values), catalog, demo_engine, sql)


def test_the_top_seller_is_one_person(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("who is our top seller in 2024", catalog, values))
    assert spec.get("limit") == 1 and "employees.full_name" in dims_of(spec), spec
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec


def test_a_value_said_on_the_measure_is_the_whole_a_breakdown_splits(
    catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask("percentage split of Accessories revenue by product in 2023", catalog, values)
    _same(
        reply,
        catalog,
        demo_engine,
        "SELECT product, 100.0 * SUM(amount) / (SELECT SUM(amount) FROM sales WHERE category "
        "= 'Accessories' AND sale_date BETWEEN '2023-01-01' AND '2023-12-31') FROM sales "
        "WHERE category = 'Accessories' AND sale_date BETWEEN '2023-01-01' AND '2023-12-31' "
        "GROUP BY 1",
    )
    spec = spec_of(ask("Hardware's share of revenue by region", catalog, values))
    assert "sum_if" in spec["measures"][0]["expr"], spec  # said as the part: each region's %


def test_a_breakdown_first_then_what_is_measured(
    catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask("for each category, units per order", catalog, values)
    _same(reply, catalog, demo_engine, "SELECT category, AVG(quantity) FROM sales GROUP BY 1")


def test_each_of_the_years_listed(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask("the quarter with the most hires in 2022, 2023 and 2024, in each", catalog, values)
    )
    assert spec.get("limit") == 1 and spec.get("limit_per") == "hire_date_year", spec
    assert [d.get("grain") for d in spec["dimensions"]] == ["year", "quarter"], spec


def test_one_year_compared_with_the_year_before_is_one_row(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("year over year change in order count, 2025 over 2024", catalog, values))
    assert spec.get("compare") == {"to": "previous_year"} or spec.get("compare") == {
        "to": "previous_period"
    }, spec
    assert not spec.get("dimensions"), spec


def test_the_top_pay_holder_in_each_group_with_names(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("highest salary holder in every location - names", catalog, values))
    assert spec.get("limit_per") == "location" and spec.get("limit") == 1, spec
    assert dims_of(spec) == ["location", "full_name"], spec
    assert spec["measures"] == [{"agg": "max", "column": "salary"}], spec
