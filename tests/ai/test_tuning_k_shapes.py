"""The built-in engine on shapes that blind batches g-k still missed (issue 12 items 1 and 3):
a ratio of two parts of the same rows ("ratio of X revenue to Y revenue", "X headcount
divided by Y headcount", "remote per office-based person"); a list of periods ("2023, 2024
and 2025") kept whole instead of its last one; a number nothing used ("older than 30" with no
age column) said as not used instead of dropped without a word; a relative period ("the last
6 months") after the data ends counted back from the latest date in the data, and said; the
best N people in each group by a value of their own row (one salary each) as their name and
that value.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data and, where it matters, the rows it gives."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.ai.answers import Source
from plotboard.ai.builtin import answer
from plotboard.catalog.model import Catalog
from tests.ai.demo import run_spec, run_sql
from tests.ai.tuning import Values, ask, dims_of, filters_of, spec_of

# --- a ratio of two parts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "sql", "dims"),
    [
        ("what is the ratio of services revenue to accessories revenue",
         "SELECT SUM(CASE WHEN category = 'Services' THEN amount END) * 1.0 / "
         "SUM(CASE WHEN category = 'Accessories' THEN amount END) FROM sales", []),
        ("Berlin headcount divided by Tokyo headcount",
         "SELECT SUM(location = 'Berlin') * 1.0 / SUM(location = 'Tokyo') FROM employees", []),
        ("number of orders in the East relative to the West",
         "SELECT SUM(sales_region = 'East') * 1.0 / SUM(sales_region = 'West') FROM sales", []),
        ("office-based staff relative to remote staff, as a ratio",
         "SELECT SUM(is_remote = 0) * 1.0 / SUM(is_remote = 1) FROM employees", []),
        ("ratio of software to hardware revenue by year",
         "SELECT strftime('%Y-01-01', sale_date), SUM(CASE WHEN category = 'Software' THEN "
         "amount END) * 1.0 / SUM(CASE WHEN category = 'Hardware' THEN amount END) FROM sales "
         "GROUP BY 1 ORDER BY 1", ["sale_date"]),
    ],
)
def test_two_parts_with_a_ratio_cue_are_one_ratio(
    question: str, sql: str, dims: list[str], catalog: Catalog, values: Values,
    demo_engine: sa.Engine,
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert dims_of(spec) == dims, spec
    assert not spec.get("filters"), spec
    assert spec["measures"][0]["name"] == "ratio", spec
    got = run_spec(demo_engine, catalog, reply.tile.query)  # type: ignore[union-attr]
    want = run_sql(demo_engine, sql)
    assert [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in got] == [
        tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in want
    ]
    assert "the ratio of" in reply.answer, reply.answer


@pytest.mark.parametrize(
    "question",
    [
        # the cue comes before both values: a breakdown or a filter, not a ratio
        "revenue per month for Hardware and Software",
        "average salary per department in Paris and London",
        # a ratio already ("per unit"), compared between two values
        "revenue per unit for Hardware vs Software",
    ],
)
def test_two_values_without_a_ratio_between_them_stay_a_filter(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert all(m.get("name") != "ratio" for m in spec["measures"]), spec


# --- a list of periods ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "grain", "span", "extra"),
    [
        ("hires in 2018, 2019 and 2020", "year", ["2018-01-01", "2020-12-31"], None),
        ("units sold in Q1 2024, Q2 2024 and Q3 2024", "quarter",
         ["2024-01-01", "2024-09-30"], None),
        # the year said once is every month's
        ("orders in March, April and May 2024", "month", ["2024-03-01", "2024-05-31"], None),
    ],
)
def test_a_list_of_periods_keeps_every_period(
    question: str, grain: str, span: list[str], extra: str | None, catalog: Catalog,
    values: Values,
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert [d.get("grain") for d in spec.get("dimensions", [])] == [grain], spec
    dated = [f for f in filters_of(spec) if f[0] in ("hire_date", "sale_date")]
    assert dated == [(dated[0][0], "between", span)], spec
    if extra is not None:
        assert f"I showed {extra} too" in reply.answer, reply.answer
    else:
        assert "I showed" not in reply.answer, reply.answer


def test_a_ranking_over_a_list_of_periods_ranks_over_all_of_them(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("the 4 best-selling products in 2023, 2024 and 2025", catalog, values))
    assert dims_of(spec) == ["product"], spec
    assert ("sale_date", "between", ["2023-01-01", "2025-12-31"]) in filters_of(spec), spec


# --- a number nothing used ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("staff older than 45", "older than 45"),
        ("mean pay for people younger than 28", "younger than 28"),
    ],
)
def test_a_number_nothing_used_is_said(
    question: str, said: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is not None, reply.answer
    assert f"\u201c{said}\u201d" in reply.answer, reply.answer


def test_a_used_number_is_not_said(catalog: Catalog, values: Values) -> None:
    reply = ask("orders worth more than 20000 in 2024", catalog, values)
    assert "did not use" not in reply.answer, reply.answer


# --- a relative period after the data ends ------------------------------------------------

LATER = dt.date(2027, 3, 15)  # the demo's sales end on 2025-12-31, its hires before that


def _with_latest(catalog: Catalog, values: Values, latest: dict[tuple[str, str], str]) -> list[
    Source
]:
    return [Source("demo", "Demo", catalog, values, latest)]


@pytest.mark.parametrize(
    ("question", "op", "value"),
    [
        ("units sold over the past 3 months", "last", {"n": 2, "unit": "month"}),
        ("hires this year by department", "this", "year"),
        ("revenue last quarter", "this", "quarter"),
    ],
)
def test_a_period_after_the_data_ends_counts_back_from_its_latest_date(
    question: str, op: str, value: Any, catalog: Catalog, values: Values
) -> None:
    sources = _with_latest(
        catalog, values, {("sales", "sale_date"): "2025-12-31", ("employees", "hire_date"):
                          "2025-12-20"}
    )
    reply = answer(question, sources, None, today=LATER)
    spec = spec_of(reply)
    [dated] = [f for f in spec["filters"] if f["column"] in ("sale_date", "hire_date")]
    assert (dated["op"], dated["value"], dated["anchor"]) == (op, value, "latest"), spec
    assert "your data ends on 2025-12" in reply.answer.lower(), reply.answer


def test_a_period_the_data_partly_covers_is_kept_and_said(
    catalog: Catalog, values: Values
) -> None:
    sources = _with_latest(catalog, values, {("sales", "sale_date"): "2025-12-31"})
    reply = answer("revenue in the last 6 months", sources, None, today=dt.date(2026, 2, 10))
    spec = spec_of(reply)
    assert [f["op"] for f in spec["filters"]] == ["between"], spec
    assert "your data ends on 2025-12-31" in reply.answer.lower(), reply.answer


def test_without_the_latest_dates_a_period_counts_from_today(
    catalog: Catalog, values: Values
) -> None:
    reply = answer("revenue in the last 6 months", catalog, values, today=LATER)
    spec = spec_of(reply)
    assert [f["op"] for f in spec["filters"]] == ["between"], spec
    assert "data ends" not in reply.answer, reply.answer


# --- people ranked in each group by a value of their own row -------------------------------


@pytest.mark.parametrize(
    ("question", "group", "n", "desc", "sql"),
    [
        ("the best-paid employee in each country", "country", 1, True,
         "SELECT g, i, v FROM (SELECT country g, full_name i, salary v, ROW_NUMBER() OVER "
         "(PARTITION BY country ORDER BY salary DESC) r FROM employees) WHERE r <= 1"),
        ("the 3 lowest-paid employees per department", "department", 3, False,
         "SELECT g, i, v FROM (SELECT department g, full_name i, salary v, ROW_NUMBER() OVER "
         "(PARTITION BY department ORDER BY salary) r FROM employees) WHERE r <= 3"),
    ],
)
def test_people_ranked_in_each_group_by_their_own_value(
    question: str, group: str, n: int, desc: bool, sql: str, catalog: Catalog, values: Values,
    demo_engine: sa.Engine,
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert dims_of(spec) == [group, "full_name"], spec
    assert spec["measures"] == [{"agg": "max" if desc else "min", "column": "salary"}], spec
    assert (spec["limit"], spec["limit_per"]) == (n, group), spec
    got = run_spec(demo_engine, catalog, reply.tile.query)  # type: ignore[union-attr]
    want = run_sql(demo_engine, sql)
    assert sorted((g, v) for g, _, v in got) == sorted((g, v) for g, _, v in want)


def test_totals_of_other_rows_per_person_keep_the_persons_key(
    catalog: Catalog, values: Values
) -> None:
    """ "the best seller in each region": their sales added up, so two people of one name are
    never added together (the key stays), and it is a sum, not a maximum."""
    spec = spec_of(ask("the 2 sellers with the most revenue in each region", catalog, values))
    assert dims_of(spec) == ["sales_region", "employees.full_name"]
    assert spec["dimensions"][1]["key"] == "employees.employee_id"
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec


def test_things_ranked_in_each_group_stay_totals(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the two best-selling products within every category", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec


# --- a bound on a total the verb already named --------------------------------------------


def test_a_bound_on_the_units_a_verb_named_is_on_each_groups_total(
    catalog: Catalog, values: Values
) -> None:
    """ "categories that shipped over 100,000 units": the verb named the units (their total
    per category), so the bound is on that total, not on each order's quantity."""
    spec = spec_of(ask("which categories shipped more than 100,000 units in 2024", catalog,
                       values))
    assert dims_of(spec) == ["category"], spec
    assert [(h["by"], h["op"], h["value"]) for h in spec.get("having", [])] == [
        ("sum_quantity", "gt", 100000)
    ], spec
    assert not [f for f in filters_of(spec) if f[0] == "quantity"], spec


# --- shares said other ways ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expr"),
    [
        ("how much of the 2023 revenue did the West account for",
         "sum_if(amount, sales_region = 'West') * 100.0 / sum(amount)"),
        ("what chunk of all units sold came from Accessories",
         "sum_if(quantity, category = 'Accessories') * 100.0 / sum(quantity)"),
        ("how much of the headcount do remote people account for",
         "count_if(is_remote = true) * 100.0 / count()"),
    ],
)
def test_a_part_said_as_accounting_for_or_a_chunk_is_a_percent(
    question: str, expr: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert [m.get("expr") for m in spec["measures"]] == [expr], spec


def test_accounting_for_the_most_is_a_ranking(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which categories account for the most units", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec


def test_a_slice_of_the_order_count_shares_the_count(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("every category's slice of the total order count", catalog, values))
    assert spec["measures"] == [{"agg": "count", "share": True}], spec


@pytest.mark.parametrize(
    ("question", "filtered"),
    [
        ("within Software, what share of the revenue does each product bring", "category"),
        ("among Hardware sales, percent of units by product", "category"),
        ("among the remote staff, the share per department", "is_remote"),
    ],
)
def test_rows_said_within_are_the_whole_of_a_share(
    question: str, filtered: str, catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert spec["measures"][0].get("share") is True, spec
    assert [f[0] for f in filters_of(spec)] == [filtered], spec
    rows = run_spec(demo_engine, catalog, reply.tile.query)  # type: ignore[union-attr]
    assert round(sum(r[-1] for r in rows)) == 100, rows


# --- a period without its year, compared across years ---------------------------------------


@pytest.mark.parametrize(
    ("question", "current"),
    [
        ("first-half units, 2025 against 2024", ["2025-01-01", "2025-06-30"]),
        ("third quarter hires: 2023 vs 2022", ["2023-07-01", "2023-09-30"]),
        ("October revenue this year compared with last year", ["2025-10-01", "2025-10-31"]),
    ],
)
def test_a_period_without_its_year_is_compared_in_each_year(
    question: str, current: list[str], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec.get("compare") == {"to": "previous_year"}, spec
    dated = [f for f in filters_of(spec) if f[0] in ("sale_date", "hire_date")]
    assert [f[2] for f in dated] == [current], spec


@pytest.mark.parametrize(
    ("question", "span"),
    [
        ("October so far: number of hires", None),  # October 2025 is over on 2025-11-20
        ("units sold in November so far", ["2025-11-01", "2025-11-20"]),
        ("Q4 2025 to date, revenue by region", ["2025-10-01", "2025-11-20"]),
    ],
)
def test_a_period_so_far_ends_today(
    question: str, span: list[str] | None, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    dated = [f[2] for f in filters_of(spec) if f[0] in ("sale_date", "hire_date")]
    assert dated == [span or ["2025-10-01", "2025-10-31"]], spec


def test_one_period_in_each_of_several_years_is_not_dropped(
    catalog: Catalog, values: Values
) -> None:
    """ "Q2 revenue in 2023, 2024 and 2025": one filter can't keep Q2 alone in each year; the
    quarters of those years are shown, and the answer says so (before: 2024-2025, Q2 and 2023
    dropped without a word)."""
    reply = ask("Q2 revenue in 2023, 2024 and 2025", catalog, values)
    spec = spec_of(reply)
    assert [d.get("grain") for d in spec["dimensions"]] == ["quarter"], spec
    # Since spec v2's OR groups: Q2 of each of those years and nothing else.
    [group] = [f["any"] for f in spec["filters"] if "any" in f]
    assert [f["value"] for f in group] == [
        ["2023-04-01", "2023-06-30"], ["2024-04-01", "2024-06-30"], ["2025-04-01", "2025-06-30"]
    ], spec
    assert not [f for f in filters_of(spec) if f[0] == "sale_date"], spec


def test_periods_apart_are_those_periods_only(catalog: Catalog, values: Values) -> None:
    """ "units sold in 2023 and in 2025": the two years, by year; before spec v2's OR
    groups, 2024 was shown too with a note."""
    reply = ask("units sold in 2023 and in 2025", catalog, values)
    spec = spec_of(reply)
    assert [d.get("grain") for d in spec["dimensions"]] == ["year"], spec
    [group] = [f["any"] for f in spec["filters"] if "any" in f]
    assert [f["value"] for f in group] == [
        ["2023-01-01", "2023-12-31"], ["2025-01-01", "2025-12-31"]], spec
    assert "I showed" not in reply.answer, reply.answer


# --- an amount "in" or "per" the rows is not a count of them ------------------------------


@pytest.mark.parametrize(
    ("question", "having"),
    [
        ("which categories cleared 50 million in sales", ("sum_amount", "gt", 5e7)),
        ("products that average under 2,000 per order", ("avg_amount", "lt", 2000)),
        # a count stays a count
        ("regions with more than 12000 orders", ("count", "gt", 12000)),
    ],
)
def test_an_amount_in_or_per_the_rows_is_their_measure(
    question: str, having: tuple[str, str, float], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert [(h["by"], h["op"], h["value"]) for h in spec.get("having", [])] == [having], spec


# --- a flag's percent within each group (after batch l's first try) -------------------------


@pytest.mark.parametrize(
    ("question", "group"),
    [
        ("for each location, what percentage of people are remote", "location"),
        ("share of headcount split by department and remote", "department"),
        ("percentage of people who are remote, in each department", "department"),
        ("remote percentage for every department", "department"),
    ],
)
def test_a_flags_share_with_a_breakdown_is_each_groups_own_percent(
    question: str, group: str, catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    # Each group's percent of its own people, not the grand total split two ways (whose
    # numbers sum to 100 across all groups and look right at a glance).
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert dims_of(spec) == [group], spec
    assert reply.tile is not None
    got = sorted(
        (r[0], round(float(r[1]), 6)) for r in run_spec(demo_engine, catalog, reply.tile.query)
    )
    want = sorted(
        (r[0], round(float(r[1]), 6)) for r in run_sql(
            demo_engine,
            f"SELECT {group}, 100.0 * SUM(is_remote) / COUNT(*) FROM employees GROUP BY 1")
    )
    assert got == want


def test_a_share_split_by_two_plain_columns_is_still_a_share_of_the_total(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("share of headcount by department and location", catalog, values))
    assert dims_of(spec) == ["department", "location"] and spec["measures"][0]["share"], spec


def test_among_flagged_people_the_flag_is_the_whole(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("among remote staff, the share in each department", catalog, values))
    assert dims_of(spec) == ["department"] and spec["measures"][0]["share"], spec
    assert filters_of(spec) == [("is_remote", "eq", True)]


# --- a few things since a date are listed (after batch l's first try) ----------------------


@pytest.mark.parametrize("question", ["offices opened since 2018", "sites we opened from 2018 on"])
def test_few_things_since_a_date_are_listed(
    question: str, catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    # Three blind batches (a, g, l) asked for the offices themselves: a handful of rows is
    # shown, and their number is plain from the list.
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert "select" in spec and not spec.get("measures"), spec
    assert reply.tile is not None
    # An office is named by its city alone (no id column: other tables point at offices).
    cities = sorted(r[0] for r in run_spec(demo_engine, catalog, reply.tile.query))
    since = "SELECT city FROM offices WHERE opened_on >= '2018-01-01'"
    assert cities == sorted(r[0] for r in run_sql(demo_engine, since))


def test_many_people_since_a_date_are_still_counted(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("employees hired since 2018", catalog, values))
    assert spec["measures"] == [{"agg": "count"}] and "select" not in spec, spec
