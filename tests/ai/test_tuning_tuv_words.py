"""The built-in engine on words and spans it did not know, found on blind batches t and u
(issue 12, second round): casual and regional words ("pay packet", "the Berlin mob",
"heaps of", "reckon", "mate", "who've"), English written by speakers of other languages
("from their house", "the last trimester", "with more workers", "the top mark (5/5)"),
spreadsheet words ("countif(...)", "rows where X is blank", "the countif of X is above N"),
warehouse words ("outbound qty", "N units or more", month to date against the whole of last
month), periods written as dates or in words ("from 10 to 16 March 2025", "the quarter April
to June 2024", "calendar 2023", "postdates", "the day before yesterday", "since the first of
the month") and a slip in a phrase ("deal szie").

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data (today is 2025-11-20, a Thursday)."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of

# -- casual and regional words --------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["mean pay packet by job title in Toronto", "average wage packet per job title, Toronto mob"],
)
def test_a_pay_packet_is_the_salary(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], (question, spec)
    assert dims_of(spec) == ["job_title"], (question, spec)
    assert filters_of(spec) == [("location", "eq", "Toronto")], (question, spec)


@pytest.mark.parametrize(
    "question",
    [
        "how many of the Mumbai mob are remote",
        "how many Mumbai folk are remote these days",
        "how many remote people in Mumbai nowadays, reckon?",
    ],
)
def test_casual_people_and_fillers(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert "dimensions" not in spec, (question, spec)
    assert sorted(filters_of(spec)) == [("is_remote", "eq", True), ("location", "eq", "Mumbai")], (
        question, spec)


def test_a_vocative_after_a_ratio_is_no_data_word(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what's the Finance to HR ratio, mate?", catalog, values))
    assert spec["table"] == "employees", spec
    assert "count_if(department = 'Finance')" in spec["measures"][0]["expr"], spec


@pytest.mark.parametrize(
    "question",
    ["which departments have loads of people, say over 400?",
     "departments with tons of staff - more than 400"],
)
def test_a_vague_amount_then_its_bound(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert dims_of(spec) == ["department"], (question, spec)
    assert having_of(spec) == [("count", "gt", 400)], (question, spec)


def test_a_vague_amount_alone_is_no_word(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("lots of laptops flew out the door in 2024 - how many?", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec
    assert ("sale_date", "between", ["2024-01-01", "2024-12-31"]) in filters_of(spec), spec


def test_how_many_shipped_adds_the_units(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many items shipped in 2023", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec


def test_who_ve_is_who_have(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("any HR people who've never made a sale? names please", catalog, values))
    assert spec["table"] == "employees", spec
    assert spec["filters"][-1] == {"without": "sales"}, spec
    assert filters_of(spec) == [("department", "eq", "HR")], spec


def test_what_is_the_average_for_some_staff_is_no_listing(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("what is the average salary by title for the Toronto staff", catalog,
                       values))
    assert dims_of(spec) == ["job_title"], spec
    assert filters_of(spec) == [("location", "eq", "Toronto")], spec


# -- English of speakers of other languages -------------------------------------------------------


def test_working_from_their_homes_is_remote(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many people of Finance work from their homes", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert sorted(filters_of(spec)) == [("department", "eq", "Finance"),
                                        ("is_remote", "eq", True)], spec


def test_with_more_without_than_is_the_most(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the three offices with more employees", catalog, values))
    assert dims_of(spec) in (["location"], ["offices.city"]), spec
    assert spec["limit"] == 3, spec
    assert spec["order_by"] == [{"by": "count", "desc": True}], spec


def test_with_more_than_keeps_its_bound(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("offices with more than 200 employees", catalog, values))
    assert "limit" not in spec, spec
    assert having_of(spec) == [("count", "gt", 200)], spec


@pytest.mark.parametrize(
    ("question", "span"),
    [
        ("orders of the first trimester of 2024", ["2024-01-01", "2024-03-31"]),
        ("orders of the second semester of 2024", ["2024-07-01", "2024-12-31"]),
    ],
)
def test_trimester_and_semester(
    catalog: Catalog, values: Values, question: str, span: list[str]
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert filters_of(spec) == [("sale_date", "between", span)], (question, spec)


def test_by_bands_is_a_distribution(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Marketing salaries by ranges", catalog, values))
    assert spec["dimensions"][0]["column"] == "salary" and "bin" in spec["dimensions"][0], spec


@pytest.mark.parametrize(
    "question",
    ["how many Berlin workers graded with the top mark (5/5)",
     "workers in Berlin with a note of 5 out of 5, how many"],
)
def test_a_mark_out_of_five_is_the_rating(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert sorted(filters_of(spec)) == [("location", "eq", "Berlin"),
                                        ("performance_rating", "eq", 5)], (question, spec)


def test_how_much_each_one_makes_on_average(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how much money each rep generates in average in 2023", catalog, values))
    assert "count_distinct" in spec["measures"][0].get("expr", ""), spec
    assert "dimensions" not in spec, spec


# -- spreadsheet words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["how many records where manager_id is null", "count all rows with an empty manager_id"],
)
def test_rows_where_a_column_is_blank(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert filters_of(spec) == [("manager_id", "is_null", None)], (question, spec)


def test_countif_over_a_column(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("run a countif over the department column", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert dims_of(spec) == ["department"], spec


@pytest.mark.parametrize(
    ("question", "having"),
    [
        ("offices where the count of employees is below 100", ("count", "lt", 100)),
        ("locations where countif(employees) >= 200", ("count", "gte", 200)),
    ],
)
def test_a_bound_on_a_count_of_each(
    catalog: Catalog, values: Values, question: str, having: tuple[str, str, int]
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert dims_of(spec) in (["location"], ["offices.city"]), (question, spec)
    assert having_of(spec) == [having], (question, spec)


def test_all_records_where(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("list all records where amount > 100000", catalog, values))
    assert "measures" not in spec, spec
    assert filters_of(spec) == [("amount", "gt", 100000)], spec


# -- warehouse words ------------------------------------------------------------------------------


def test_outbound_quantity_is_the_units(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("outbound qty by category this wk", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec
    assert dims_of(spec) == ["category"], spec


def test_units_or_more_bounds_the_total(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("categories with 5,000 units or more sold in 2024", catalog, values))
    assert dims_of(spec) == ["category"], spec
    assert having_of(spec) == [("sum_quantity", "gte", 5000)], spec
    assert all(f[0] != "quantity" for f in filters_of(spec)), spec


def test_money_or_under_stays_a_row_filter(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("orders of 200 dollars or under by category", catalog, values))
    assert ("amount", "lte", 200) in filters_of(spec), spec
    assert "having" not in spec, spec


def test_to_date_against_the_whole_previous(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("orders QTD against all of last quarter", catalog, values))
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "quarter"}], spec
    assert filters_of(spec) == [("sale_date", "between", ["2025-07-01", "2025-11-20"])], spec


# -- periods written as dates or in words ---------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "span"),
    [
        ("revenue between 1 March and 15 March 2025", ["2025-03-01", "2025-03-15"]),
        ("orders from 10 to 16 March 2025", ["2025-03-10", "2025-03-16"]),
        ("revenue from 20 December to 4 January 2025", ["2024-12-20", "2025-01-04"]),
        ("revenue for the quarter April to June 2024", ["2024-04-01", "2024-06-30"]),
        ("revenue for the week 10 to 16 March 2025", ["2025-03-10", "2025-03-16"]),
        ("revenue for the month of February 2025", ["2025-02-01", "2025-02-28"]),
        ("Hardware orders above 5,000 each in calendar 2023", ["2023-01-01", "2023-12-31"]),
        ("units sold the day before yesterday", ["2025-11-18", "2025-11-18"]),
        ("how many orders came in this arvo", ["2025-11-20", "2025-11-20"]),
        ("orders last night", ["2025-11-19", "2025-11-19"]),
        ("orders since the first of the month", ["2025-11-01", "2025-11-20"]),
        ("orders in the last 14 days (counting back from today)", ["2025-11-07", "2025-11-20"]),
        ("how much did we turn over last year", ["2024-01-01", "2024-12-31"]),
    ],
)
def test_periods_said_in_words(
    catalog: Catalog, values: Values, question: str, span: list[str]
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert filters_of(spec)[-1] == ("sale_date", "between", span), (question, spec)
    assert "dimensions" not in spec, (question, spec)


def test_a_financial_year_in_brackets_is_no_breakdown(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("revenue between 1 July 2023 and 30 June 2024 (our fiscal year)", catalog,
                       values))
    assert filters_of(spec) == [("sale_date", "between", ["2023-07-01", "2024-06-30"])], spec
    assert "dimensions" not in spec, spec


def test_postdates_is_after(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("offices whose opening postdates 2018", catalog, values))
    assert spec["table"] == "offices", spec
    assert filters_of(spec) == [("opened_on", "gte", "2019-01-01")], spec


def test_bring_up_is_a_listing(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("bring up the Design Studio orders from last month", catalog, values))
    assert "measures" not in spec and spec.get("select"), spec
    assert ("product", "eq", "Design Studio") in filters_of(spec), spec


# -- a slip in a phrase ---------------------------------------------------------------------------


def test_a_slip_in_a_phrase(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("avg deal szie by category", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "amount"}], spec
    assert dims_of(spec) == ["category"], spec
    spec = spec_of(ask("order volumne by month", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
