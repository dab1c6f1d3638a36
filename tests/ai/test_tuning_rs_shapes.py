"""The built-in engine on the shape of the answer, as blind batches r and s read it wrong:
negations typed without their apostrophe ("doesnt"), "w/o", "still haven't closed their
first ...", "someone who ..." before a clause, rows described before their noun ("the
Finance people ...") and a column said before its value ("with the title ..."), a numbered
list's numbers, "the largest single ...", the oldest/first thing (overall and in each group),
things ranked by how many rows of another table they have, "top performer ... who ...",
"kindly share ..." as the verb, "how many at each <value>" of a column named before, "broke"
a number and "or les".

Questions are worded unlike the batches: each test checks a rule through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of, without_of

# --- negations and missing rows ------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "number of employees who doesnt have a manager",
    "count of people who dont have a boss",
])
def test_negation_without_apostrophe(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("manager_id", "is_null", None) in filters_of(spec), spec


def test_w_slash_o_is_without(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("staff in Berlin w/o a manager", catalog, values))
    assert ("manager_id", "is_null", None) in filters_of(spec), spec
    assert not any(f[0] == "job_title" for f in filters_of(spec)), spec


def test_reporting_manager_is_the_manager(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("headcount of staff with no reporting manager", catalog, values))
    assert ("manager_id", "is_null", None) in filters_of(spec), spec


@pytest.mark.parametrize("question", [
    "Finance people who still haven't closed their first sale",
    "which Marketing employees haven't rung up a single sale",
])
def test_no_first_sale_is_no_sale(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert [w for w, _ in without_of(spec)] == ["sales"], spec


def test_someone_before_a_clause(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which offices are led by somebody who reports to nobody", catalog, values))
    assert ("manager_id", "is_null", None) in filters_of(spec), spec


# --- listings ------------------------------------------------------------------------------


def test_value_before_the_rows_lists_them(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the Finance people with a rating of 4 in Berlin", catalog, values))
    assert spec.get("select") and not spec.get("measures"), spec
    # not when the value stands apart from the rows ("Berlin site: staff numbers")
    spec = spec_of(ask("Berlin site: staff numbers", catalog, values))
    assert spec.get("measures") == [{"agg": "count"}], spec


@pytest.mark.parametrize("question", [
    "list the staff whose title is HR Coordinator",
    "everyone with the job title HR Coordinator in London",
])
def test_column_said_before_its_value_is_a_filter(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("job_title", "eq", "HR Coordinator") in filters_of(spec), spec
    assert "job_title" not in dims_of(spec), spec


def test_column_after_by_stays_a_breakdown(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("headcount by department Finance and Sales", catalog, values))
    assert dims_of(spec) == ["department"], spec


# --- top N and top per group -----------------------------------------------------------


def test_numbered_list_numbers_are_not_values(catalog: Catalog, values: Values) -> None:
    question = "I need:\n1. the 4 best products\n2. ranked by units\n3. in 2024"
    spec = spec_of(ask(question, catalog, values))
    assert spec.get("limit") == 4 and dims_of(spec) == ["product"], spec
    assert not any(f[0] == "quantity" for f in filters_of(spec)), spec


def test_largest_individual_sale_is_a_row(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("smallest individual transaction in 2023", catalog, values))
    assert spec.get("select") and spec.get("limit") == 1, spec
    assert spec.get("order_by") == [{"by": "amount"}], spec


@pytest.mark.parametrize(("question", "desc"), [
    ("which office is the newest", True),
    ("which office was set up first", False),
])
def test_which_thing_first_orders_by_its_date(
    question: str, desc: bool, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec.get("limit") == 1, spec
    assert spec.get("order_by") == ([{"by": "opened_on", "desc": True}] if desc
                                    else [{"by": "opened_on"}]), spec


def test_first_thing_in_each_group(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("for every country, which office opened first?", catalog, values))
    assert spec.get("limit") == 1 and spec.get("limit_per") == "country", spec
    assert spec["measures"] == [{"agg": "min", "column": "opened_on"}], spec


def test_longest_with_the_company_in_each_group(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("who has been with the company the longest in each department",
                       catalog, values))
    assert spec.get("limit_per") == "department", spec
    assert spec["measures"] == [{"agg": "min", "column": "hire_date"}], spec


@pytest.mark.parametrize(("question", "limit", "desc"), [
    ("the 4 employees with the most orders", 4, True),
    ("the office with the fewest staff", 1, False),
])
def test_things_ranked_by_rows_of_another_table(
    question: str, limit: int, desc: bool, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec.get("measures") == [{"agg": "count"}] and spec.get("limit") == limit, spec
    assert len(dims_of(spec)) == 1 and spec.get("order_by", [{}])[0].get("desc", False) == desc


def test_performer_then_who(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("best performer in each category - who sold the most revenue?",
                       catalog, values))
    assert spec.get("limit_per") == "category", spec
    assert "employees.full_name" in dims_of(spec), spec


# --- share, distribution, having ---------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "kindly share headcount per office",
    "please share location-wise headcount",
])
def test_share_as_a_verb(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec


def test_share_of_is_still_a_share(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("please share of headcount by office", catalog, values))
    assert spec["measures"][0].get("share"), spec


def test_how_many_at_each_value_of_the_column_named(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("performance ratings: how many at each score?", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert dims_of(spec) == ["performance_rating"], spec


def test_broke_a_number_is_more_than(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which products broke 20,000 units in 2023", catalog, values))
    assert having_of(spec) == [("sum_quantity", "gt", 20000)], spec


def test_or_les_is_or_less(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("staff rated 3 or les in HR", catalog, values))
    assert ("performance_rating", "lte", 3) in filters_of(spec), spec
    assert ("department", "eq", "HR") in filters_of(spec), spec
