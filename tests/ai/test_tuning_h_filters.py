"""The built-in engine on filters, record lookups, empty values and ratios found while tuning
on blind batch h (issue 12): bounds in every wording ("not over", "no lower than", "a maximum
of", "no later than end of"), who is asking ("Finance here:"), a count of the rows whose
number is compared, and words that only looked like data words ("worth", "typically").

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, filters_of, spec_of


@pytest.mark.parametrize(
    ("question", "column", "op", "value"),
    [
        ("staff whose salary is not over 70k", "salary", "lte", 70000),
        ("employees with salaries no higher than 55k", "salary", "lte", 55000),
        ("people with a performance rating not below 4", "performance_rating", "gte", 4),
        ("count of employees rated no lower than 3", "performance_rating", "gte", 3),
        ("orders with a maximum of 3 units", "quantity", "lte", 3),
        ("number of sales with a minimum of 12 units", "quantity", "gte", 12),
        ("sales at the most 250 in amount", "amount", "lte", 250),
    ],
)
def test_bounds_in_other_words(
    question: str, column: str, op: str, value: float, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert (column, op, value) in filters_of(spec), spec
    assert all(m.get("agg") not in ("max", "min") for m in spec.get("measures", [])), spec


@pytest.mark.parametrize(
    ("question", "op", "value"),
    [
        ("headcount of people who joined no later than end of 2019", "lte", "2019-12-31"),
        ("how many staff were hired not later than the end of 2020", "lte", "2020-12-31"),
        ("revenue on or before 2024-03-31", "lte", "2024-03-31"),
        ("units sold on or after 2024-02-01", "gte", "2024-02-01"),
    ],
)
def test_date_bounds_include_their_end(
    question: str, op: str, value: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    dates = [f for f in filters_of(spec) if f[0] in ("hire_date", "sale_date")]
    assert dates == [(dates[0][0], op, value)], spec


def test_the_asker_is_not_a_filter(catalog: Catalog, values: Values) -> None:
    reply = ask("Marketing here: average salary of remote staff", catalog, values)
    spec = spec_of(reply)
    assert filters_of(spec) == [("is_remote", "eq", True)], spec
    assert "Marketing here" in reply.answer  # said as not used
    # A department named in the question itself still is one.
    spec = spec_of(ask("average salary in Marketing", catalog, values))
    assert ("department", "eq", "Marketing") in filters_of(spec), spec


def test_show_here_is_no_asker(catalog: Catalog, values: Values) -> None:
    reply = ask("show Engineering here, by location", catalog, values)
    assert ("department", "eq", "Engineering") in filters_of(spec_of(reply)), reply.answer


def test_how_many_have_a_number_counts_rows(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("among Finance staff, how many have a salary under 90k", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert ("salary", "lt", 90000) in filters_of(spec), spec
    spec = spec_of(ask("how many unique ratings are above 1", catalog, values))
    assert spec["measures"][0]["agg"] == "count_distinct", spec


def test_worth_is_no_place(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("number of deals worth 1000 or more", catalog, values))
    assert filters_of(spec) == [("amount", "gte", 1000)], spec


def test_words_starting_like_thanks_are_kept(catalog: Catalog, values: Values) -> None:
    reply = ask("typical units per region", catalog, values)
    assert spec_of(reply)["measures"] == [{"agg": "avg", "column": "quantity"}], reply.answer
    assert "did not use" not in reply.answer


# -- empty values ---------------------------------------------------------------------------


def test_whose_lists_the_people(catalog: Catalog, values: Values) -> None:
    reply = ask("whose manager field is blank", catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "employees" and "measures" not in spec, spec
    assert filters_of(spec) == [("manager_id", "is_null", None)], spec
    assert "full_name" in spec["select"], spec


@pytest.mark.parametrize(
    ("question", "op"),
    [
        ("average rating of staff no one supervises", "is_null"),
        ("salary total for employees managed by nobody", "is_null"),
        ("how many employees in Paris report to somebody", "is_not_null"),
        ("headcount per location, manager missing", "is_null"),
        ("people in London, that is manager present", "is_not_null"),
    ],
)
def test_empty_fields_in_other_words(
    question: str, op: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", spec
    nulls = [f for f in filters_of(spec) if f[0] == "manager_id"]
    assert nulls == [("manager_id", op, None)], spec


def test_an_order_said_with_first_lists_every_row(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("staff in Sydney, best rated first", catalog, values))
    assert spec["order_by"] == [{"by": "performance_rating", "desc": True}], spec
    assert "limit" not in spec and "measures" not in spec, spec
    spec = spec_of(ask("Software sales in March 2025, largest first", catalog, values))
    assert spec["order_by"] == [{"by": "amount", "desc": True}], spec
    assert "limit" not in spec and "measures" not in spec, spec
    # A total asked is no listing: "first" only says the order of its groups.
    spec = spec_of(ask("count by department, highest first", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec


# -- ratios and a value named by its column ------------------------------------------------


def test_a_what_question_per_row_is_an_average(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what is the mean amount per sale in 2024", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "amount"}], spec
    assert "dimensions" not in spec, spec


def test_money_taken_in_per_unit_is_a_ratio(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("by region, euros earned per unit", catalog, values))
    assert spec["measures"][0]["expr"] == "sum(amount) * 1.0 / sum(quantity)", spec
    assert spec["dimensions"] == [{"column": "sales_region"}], spec


def test_what_a_thing_sold_for_per_unit(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what does the USB-C Dock go for, per piece", catalog, values))
    assert spec["measures"][0]["expr"] == "sum(amount) * 1.0 / sum(quantity)", spec
    assert "dimensions" not in spec, spec
    assert filters_of(spec) == [("product", "eq", "USB-C Dock")], spec


def test_a_value_before_its_column_is_a_filter_not_the_rows_counted(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("how many sales dept workers are in Berlin", catalog, values))
    assert spec["table"] == "employees" and spec["measures"] == [{"agg": "count"}], spec
    assert ("department", "eq", "Sales") in filters_of(spec), spec
    assert ("location", "eq", "Berlin") in filters_of(spec), spec
