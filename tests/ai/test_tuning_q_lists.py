"""The built-in engine on listings, top N, top per group, empty fields and follow-ups, as the
blind batches o, p and q still read them wrong: the rows themselves asked for ("what does
each person ... earn", "all ... sales in Q3", "the Berlin office - opening date?"), named
things listed by their name (no id beside it), N before any ranking word, things ranked by
another table's total, "X by X, the person who ...", a flag said both ways as a split, "don't
have anyone they report to", "the manager column left blank", a period said without its
year after a chart of one year, "as a percentage of the total" after a count, and the
understood line saying an empty field in words ("with no manager").

Questions are worded unlike the batches: each test checks a rule through the spec the
engine wrote on the demo data and, where it matters, the rows it gives."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.catalog.model import Catalog
from tests.ai.demo import run_spec, run_sql, same_rows
from tests.ai.tuning import Values, ask, dims_of, filters_of, spec_of, without_of


def _same(reply: Any, catalog: Catalog, engine: sa.Engine, sql: str) -> None:
    got = run_spec(engine, catalog, reply.tile.query)
    want = run_sql(engine, sql)
    assert want and same_rows(got, want, ordered=False), (got[:4], want[:4])


# --- listings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "columns"),
    [
        ("what does each person without a supervisor get paid", ["full_name", "salary"]),
        ("the performance rating of every employee in Sydney",
         ["full_name", "performance_rating", "location"]),
    ],
)
def test_each_row_with_the_column_said_is_listed(
    question: str, columns: list[str], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec.get("select") == columns and not spec.get("measures"), spec


def test_each_row_is_no_listing_when_an_amount_is_asked(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("how many units does each order carry on average", catalog, values))
    assert spec.get("measures") and not spec.get("select"), spec


def test_all_the_rows_of_a_short_period_are_listed(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("all Cloud Backup 1 TB sales in the West in Q2 2025", catalog, values))
    assert "select" in spec and not spec.get("measures"), spec
    for long in ("all Cloud Backup 1 TB sales in 2025", "all Cloud Backup 1 TB sales in the West"):
        assert spec_of(ask(long, catalog, values)).get("measures"), long  # a total


def test_named_things_are_listed_by_name_not_id(
    catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask("opening dates of the London and Sydney offices", catalog, values)
    assert spec_of(reply)["select"] == ["city", "opened_on"]
    _same(reply, catalog, demo_engine,
          "SELECT city, opened_on FROM offices WHERE city IN ('London', 'Sydney')")


def test_a_date_said_last_is_the_date_of_those_rows(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the Tokyo office: opening date?", catalog, values))
    assert "opened_on" in spec["select"] and not spec.get("measures"), spec


# --- top N ---------------------------------------------------------------------------------


def test_n_before_any_ranking_word(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the three slowest quarters of 2024 by order count", catalog, values))
    assert spec.get("limit") == 3 and spec["order_by"] == [{"by": "count"}], spec


@pytest.mark.parametrize(
    ("question", "limit", "desc"),
    [
        ("2 locations with the strongest average performance rating", 2, True),
        ("rank our offices by average salary and stop at five", 5, True),
        ("the four sites with the lowest total payroll", 4, False),
    ],
)
def test_things_ranked_by_a_total_of_another_table(
    question: str, limit: int, desc: bool, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert dims_of(spec) and spec.get("limit") == limit, spec
    assert bool(spec["order_by"][0].get("desc")) is desc, spec


# --- top per group -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "department by department, name the person who has been with us the longest",
        "in each department, who has the longest tenure?",
    ],
)
def test_the_first_hired_in_each_group(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec.get("limit") == 1 and spec.get("limit_per") == "department", spec
    assert spec["measures"] == [{"agg": "min", "column": "hire_date"}], spec


# --- empty fields, rows missing ------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "staff who have nobody they report to",
        "list the employees whose manager column is left blank",
        "headcount with the manager field left empty",
    ],
)
def test_the_report_to_field_empty(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("manager_id", "is_null", None) in filters_of(spec), spec
    assert not without_of(spec), spec


def test_people_of_a_team_who_sold_nothing(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("who in the sales team hasn't closed a single sale", catalog, values))
    assert without_of(spec) == [("sales", [])], spec
    assert ("department", "eq", "Sales") in filters_of(spec), spec


def test_values_split_across_are_each_a_group(catalog: Catalog, values: Values) -> None:
    for question in ("how is the headcount split across Engineering, Sales and HR",
                     "people in Engineering, Sales and HR respectively"):
        reply = ask(question, catalog, values)
        spec = spec_of(reply)
        assert dims_of(spec) == ["department"], spec
        assert "respectively" not in reply.unused, reply.unused


def test_an_empty_field_is_said_in_words(catalog: Catalog, values: Values) -> None:
    reply = ask("how many employees have no manager", catalog, values)
    assert reply.understood is not None and "with no manager" in reply.understood
    assert "is null" not in reply.answer and "manager id" not in reply.understood


# --- grains, flags, the value's own column -------------------------------------------------


def test_the_value_named_with_its_column_is_no_breakdown(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("Data Engineers (the job title) hired in 2021 - count", catalog, values))
    assert not dims_of(spec), spec


@pytest.mark.parametrize(
    "question",
    ["per department: remote headcount and in-office headcount",
     "remote and office-based staff in each department"],
)
def test_a_flag_said_both_ways_is_a_split(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert sorted(dims_of(spec)) == ["department", "is_remote"], spec
    assert not any(f[0] == "is_remote" for f in filters_of(spec)), spec


# --- follow-ups ----------------------------------------------------------------------------


def test_a_yearless_period_after_a_chart_of_one_year(catalog: Catalog, values: Values) -> None:
    first = ask("revenue by category in 2023", catalog, values)
    spec = spec_of(ask("only the second quarter of that", catalog, values, previous=first.tile))
    assert ("sale_date", "between", ["2023-04-01", "2023-06-30"]) in filters_of(spec), spec


def test_a_percentage_of_the_total_after_a_count(catalog: Catalog, values: Values) -> None:
    first = ask("number of employees per department", catalog, values)
    reply = ask("could you make that a percentage of the total", catalog, values,
                previous=first.tile)
    assert spec_of(reply)["measures"][0].get("share") is True


def test_split_each_of_those_adds_a_breakdown(catalog: Catalog, values: Values) -> None:
    first = ask("headcount by country", catalog, values)
    spec = spec_of(ask("split each of those into remote and on-site", catalog, values,
                       previous=first.tile))
    assert dims_of(spec) == ["country", "is_remote"], spec
    assert not filters_of(spec), spec


def test_the_period_with_the_fewest_rows_in_each_longer_one(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("in every year, the quarter with the fewest deals", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert spec.get("limit") == 1 and spec.get("limit_per") == "sale_date_year", spec


def test_a_grain_said_with_by_outlasts_the_span_said_later(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("2024, by month: hires adding up over the year", catalog, values))
    assert [d.get("grain") for d in spec["dimensions"]] == ["month"], spec
    assert spec["measures"][0].get("cumulative") is True, spec


def test_rows_of_a_size_said_as_a_noun_phrase_are_listed(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("Laptop Air 13 orders in 2024 of 12 units or fewer", catalog, values))
    assert "select" in spec and not spec.get("measures"), spec
    for counted in ("how many Laptop Air 13 orders in 2024 of 12 units or fewer",
                    "Laptop Air 13 orders in 2024 over 20k",  # asked, by amount or by price
                    "Laptop Air 13 order lines with a unit price of at most 900"):
        assert spec_of(ask(counted, catalog, values)).get("measures"), counted


def test_each_boss_leaves_out_those_with_nobody_above(
    catalog: Catalog, values: Values
) -> None:
    reply = ask("every manager id and how many people report to them", catalog, values)
    spec = spec_of(reply)
    assert dims_of(spec) == ["manager_id"], spec
    assert ("manager_id", "is_not_null", None) in filters_of(spec), spec
    assert spec_of(ask("headcount by manager id", catalog, values)).get("filters") is None


def test_the_one_period_with_the_most(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the quarter with the highest payroll of new hires", catalog, values))
    assert spec.get("limit") == 1, spec
    spec = spec_of(ask("the week with the fewest hires in 2024", catalog, values))
    assert spec.get("limit") == 1 and spec["order_by"] == [{"by": "count"}], spec
    assert not spec_of(ask("quarterly revenue, highest first", catalog, values)).get("limit")
