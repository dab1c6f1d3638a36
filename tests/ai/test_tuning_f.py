"""The built-in engine on general rules found while tuning on blind batch f (issue 12):
running totals said in other words, parts of a period ("the first week of ..."), a total
named after its column ("salary total"), comparisons of two values or two periods said
side by side, the N of a ranking, filters on an aggregate, "at most" phrasings.

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data (and its rows where the rule is about them)."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, spec_of

# -- running totals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "grain"),
    [
        ("units sold in 2024, accumulating quarter after quarter", "quarter"),
        ("a running tally of hires per year", "year"),
        ("orders adding up month by month in 2023", "month"),
        ("employee count at the end of every year", "year"),
        ("2025 payroll of new hires as an accumulation by month", "month"),
    ],
)
def test_running_totals_in_other_words(
    catalog: Catalog, values: Values, question: str, grain: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"][0].get("cumulative") is True, (question, spec)
    assert spec["dimensions"][0]["grain"] == grain, (question, spec)


def test_a_running_total_adds_up_rather_than_averages(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("running salary by month of hiring", catalog, values))
    assert spec["measures"][0] == {"agg": "sum", "column": "salary", "cumulative": True}
    said = spec_of(ask("running average salary by hire month", catalog, values))
    assert said["measures"][0]["agg"] == "avg"


def test_a_total_named_after_its_column_is_a_sum(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("salary total for each country", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "salary"}]


@pytest.mark.parametrize(
    ("question", "dates"),
    [
        ("units sold in the first week of March 2024", ["2024-03-01", "2024-03-07"]),
        ("revenue in the last week of June 2025", ["2025-06-24", "2025-06-30"]),
        ("orders in the last month of 2023", ["2023-12-01", "2023-12-31"]),
    ],
)
def test_a_part_of_a_named_period(
    catalog: Catalog, values: Values, question: str, dates: list[str]
) -> None:
    spec = spec_of(ask(question, catalog, values))
    found = [f["value"] for f in spec["filters"] if f["column"] == "sale_date"]
    assert found == [dates], (question, spec)


# -- comparisons -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["headcount of Support versus Sales", "payroll for Finance or Sales"]
)
def test_a_second_value_of_the_same_column_is_not_the_table_of_that_name(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", spec
    kept = [f for f in spec["filters"] if f["column"] == "department"]
    assert kept == [{"column": "department", "op": "in", "value": ["Support", "Sales"]}] or (
        kept == [{"column": "department", "op": "in", "value": ["Finance", "Sales"]}]
    ), spec


@pytest.mark.parametrize(
    "question",
    ["units sold, 2023 side by side with 2024", "hires in 2023 alongside 2024"],
)
def test_two_years_said_side_by_side_are_compared(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec.get("compare") == {"to": "previous_year"} or spec.get("compare") == {
        "to": "previous_period"
    }, spec
    dates = [f["value"] for f in spec["filters"] if f["op"] == "between"]
    assert dates == [["2024-01-01", "2024-12-31"]], spec


def test_a_month_and_a_year_said_apart_are_one_period(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("March revenue - 2024 vs the same month a year before", catalog, values))
    assert spec["compare"] == {"to": "previous_year"}
    assert [f["value"] for f in spec["filters"]] == [["2024-03-01", "2024-03-31"]]


def test_without_a_joining_word_the_table_name_stays_a_table(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("Support sales amount", catalog, values))
    assert spec["table"] == "sales", spec
    assert spec["filters"] == [
        {"column": "employees.department", "op": "eq", "value": "Support"}
    ], spec


# -- rankings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "n"),
    [
        ("3 countries with the highest payroll", 3),
        ("seven products with the fewest units sold", 7),
        ("the 2 highest-grossing categories", 2),
    ],
)
def test_the_n_opening_a_ranking_is_kept(
    catalog: Catalog, values: Values, question: str, n: int
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec.get("limit") == n, (question, spec)
    assert spec["dimensions"], spec


def test_a_count_opening_a_question_without_ranking_is_no_limit(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("2 regions revenue: East and West", catalog, values))
    assert "limit" not in spec, spec


@pytest.mark.parametrize(
    ("question", "limit"),
    [("six employees with the most units sold", 6), ("staff with the most revenue", 10)],
)
def test_people_ranked_by_another_tables_total(
    catalog: Catalog, values: Values, question: str, limit: int
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "sales" and "select" not in spec, spec
    assert [d["column"] for d in spec["dimensions"]][-1] == "employees.full_name", spec
    assert spec["limit"] == limit and spec["order_by"][0]["desc"] is True, spec


def test_the_thing_with_the_least_is_one(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the category with the smallest revenue in 2023", catalog, values))
    assert spec["limit"] == 1 and spec["order_by"][0].get("desc") in (None, False), spec


def test_single_orders_are_the_orders_themselves(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the three biggest individual deals", catalog, values))
    assert "select" in spec and spec["limit"] == 3, spec
    assert spec["order_by"] == [{"by": "amount", "desc": True}], spec


# -- filters on totals -------------------------------------------------------------------------


def test_on_average_after_a_threshold_filters_the_groups_average(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("which locations pay less than 70k on average", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], spec
    assert [d["column"] for d in spec["dimensions"]] == ["location"], spec
    assert spec["having"] == [{"by": "avg_salary", "op": "lt", "value": 70000}], spec
    assert "filters" not in spec, spec


def test_things_compared_by_another_tables_average_are_grouped(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("offices whose average salary is below 80k", catalog, values))
    assert spec["table"] == "employees", spec
    assert [d["column"] for d in spec["dimensions"]] == ["offices.city"], spec
    assert spec["having"] == [{"by": "avg_salary", "op": "lt", "value": 80000}], spec


def test_a_fraction_compared_with_whole_numbers_keeps_its_fraction(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("how many staff are rated 2.5 or lower", catalog, values))
    assert spec["filters"] == [{"column": "performance_rating", "op": "lte", "value": 2.5}]


# -- at most / at least ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "op", "value"),
    [
        ("headcount with a salary less than or equal to 60k", "lte", 60000),
        ("staff with a rating greater than or equal to 4, how many", "gte", 4),
        ("number of sales below or equal to 250", "lte", 250),
    ],
)
def test_or_equal_to_keeps_the_bound(
    catalog: Catalog, values: Values, question: str, op: str, value: int
) -> None:
    spec = spec_of(ask(question, catalog, values))
    found = [(f["op"], f["value"]) for f in spec.get("filters", [])]
    assert found == [(op, value)], (question, spec)


def test_the_unit_after_a_threshold_says_what_it_is_about(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("revenue from deals with at most 4 units", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec
    assert spec["filters"] == [{"column": "quantity", "op": "lte", "value": 4}], spec


def test_a_few_named_things_up_to_a_date_are_listed(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("offices opened up to the end of 2017", catalog, values))
    assert "select" in spec and "measures" not in spec, spec
    assert spec["filters"] == [{"column": "opened_on", "op": "lte", "value": "2017-12-31"}]
    counted = spec_of(ask("how many offices opened before 2017", catalog, values))
    assert counted["measures"] == [{"agg": "count"}], counted
    people = spec_of(ask("employees hired up to the end of 2017", catalog, values))
    assert people["measures"] == [{"agg": "count"}], people


# -- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["ethnicity breakdown of the staff", "the age mix of our people"]
)
def test_a_split_by_something_the_data_lacks_is_refused(
    catalog: Catalog, values: Values, question: str
) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None, reply.answer
    assert "couldn't find" in reply.answer, reply.answer


def test_a_split_by_a_known_column_is_answered(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("location split of our people", catalog, values))
    assert [d["column"] for d in spec["dimensions"]] == ["location"], spec


# -- days and relative periods -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "day"),
    [
        ("units sold on July 4th 2024", "2024-07-04"),
        ("revenue on the 21st of January 2025", "2025-01-21"),
        ("hires on 9 September 2019", "2019-09-09"),
    ],
)
def test_a_day_named_with_its_month(
    catalog: Catalog, values: Values, question: str, day: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert [f["value"] for f in spec["filters"]] == [[day, day]], (question, spec)
    assert " on " in reply.answer and day not in reply.answer, reply.answer


@pytest.mark.parametrize(
    ("question", "dates"),
    [
        ("hires in the month that just ended", ["2025-10-01", "2025-10-31"]),
        ("units for the just-finished quarter", ["2025-07-01", "2025-09-30"]),
        ("revenue week to date", ["2025-11-17", "2025-11-20"]),
    ],
)
def test_periods_just_ended_and_to_date(
    catalog: Catalog, values: Values, question: str, dates: list[str]
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert [f["value"] for f in spec["filters"]] == [dates], (question, spec)


# -- shares, ratios, rankings within periods ----------------------------------------------------


def test_a_cut_of_a_total_is_a_share(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what cut of 2023 units went to Services", catalog, values))
    assert spec["measures"][0]["format"]["type"] == "percent", spec
    assert "category = 'Services'" in spec["measures"][0]["expr"], spec


def test_divided_by_a_count_is_a_ratio(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("payroll divided by the number of staff per location", catalog, values))
    assert spec["measures"] == [
        {"expr": "sum(salary) * 1.0 / count()", "name": "salary_per_employees"}
    ], spec
    assert [d["column"] for d in spec["dimensions"]] == ["location"], spec


def test_each_period_said_first_ranks_the_later_one_within_it(
    catalog: Catalog, values: Values
) -> None:
    question = "in every year, what were the 2 weakest quarters for units"
    spec = spec_of(ask(question, catalog, values))
    assert [(d["column"], d.get("grain")) for d in spec["dimensions"]] == [
        ("sale_date", "year"), ("sale_date", "quarter")
    ], spec
    assert spec["limit"] == 2 and spec["limit_per"] == "sale_date_year", spec
    plain = spec_of(ask("for each year, units by quarter", catalog, values))
    assert "limit_per" not in plain, plain


def test_an_id_equal_to_a_number_is_a_filter_only(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("list staff whose manager id is 7", catalog, values))
    assert "select" in spec and "dimensions" not in spec, spec
    assert spec["filters"] == [{"column": "manager_id", "op": "eq", "value": 7}], spec


def test_what_do_they_earn_is_an_amount_not_a_ranking_of_people(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("what does the Finance department earn on average", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], spec
    assert "dimensions" not in spec, spec


# -- "who" is about people -----------------------------------------------------------------------


def test_who_with_a_place_and_a_month_lists_those_people(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("who started in Tokyo in March 2024", catalog, values))
    assert spec["table"] == "employees" and "select" in spec, spec
    assert "full_name" in spec["select"], spec


def test_who_is_paid_most_in_each_group_is_one_person_per_group(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("who earns the most in each country", catalog, values))
    assert spec["limit"] == 1 and spec["limit_per"] == "country", spec
    assert "full_name" in [d["column"] for d in spec["dimensions"]], spec


def test_who_about_something_outside_the_data_is_refused(
    catalog: Catalog, values: Values
) -> None:
    reply = ask("who invented the telephone in 1876", catalog, values)
    assert reply.tile is None, reply.answer


def test_who_was_hired_first_is_one_person(catalog: Catalog, values: Values) -> None:
    reply = ask("who was hired first in London", catalog, values)
    spec = spec_of(reply)
    assert spec["limit"] == 1 and spec["order_by"] == [{"by": "hire_date"}], spec
    assert "full_name" in spec["select"], spec
    assert reply.tile is not None and reply.tile.title.startswith("The employee"), reply.tile


def test_the_rows_of_one_day_are_listed(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("sales in the North region on 14 February 2024", catalog, values))
    assert "select" in spec and "measures" not in spec, spec
    month = spec_of(ask("sales in the North in February 2024", catalog, values))
    assert month["measures"] == [{"agg": "sum", "column": "amount"}], month


def test_what_we_earn_is_revenue_what_staff_earn_is_salary(
    catalog: Catalog, values: Values
) -> None:
    ours = spec_of(ask("how much did we earn from Services in 2024", catalog, values))
    assert ours["measures"] == [{"agg": "sum", "column": "amount"}], ours
    theirs = spec_of(ask("what do the Finance people earn on average", catalog, values))
    assert theirs["measures"] == [{"agg": "avg", "column": "salary"}], theirs
    made = spec_of(ask("how many deals did we make in 2024", catalog, values))
    assert made["measures"][0]["agg"] == "count", made
