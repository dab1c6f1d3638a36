"""The built-in engine on words (issue 12, tuning after blind batches r and s): the shop's
takings ("what did the store take", "the tills", "till receipts"), "txns", "collaborators",
"located at", a hiring cohort, chat fillers ("rn", "fr"), "ofc", a two-digit year no other
reading used ("units trend 23", "orders for all of 23"), questions half written in SQL, a
column said right before its own value (also after "and"), "take on new people", "new
sites", "things in our range", "annual orders", "the part of each", "how much of our team",
"rated 3+", "eclipsed"; and refusals: a state of the rows the data
lacks ("staff in Berlin are furloughed"), an unknown head before "in" or "we" ("the travel
allowance in lakhs", "the bonus we paid"), unknown nouns glued to a number measured in a
polite message ("employee engagement scores"), the company's own founding; with guards that
keep the near misses answered ("stationed in Berlin", "the drop in headcount", "group
revenue").

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data (or its refusal)."""

from __future__ import annotations

import pytest

from plotboard.ai.answers import EngineAnswer
from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of

SALES_2023 = ("sale_date", "between", ["2023-01-01", "2023-12-31"])
MARCH = ("sale_date", "between", ["2025-03-01", "2025-03-31"])


def _refused(reply: EngineAnswer) -> str:
    assert reply.tile is None and not reply.tiles, reply.tile
    assert reply.suggestions, reply.answer
    return reply.answer


def _revenue(spec: dict) -> bool:
    return spec["table"] == "sales" and spec["measures"] == [{"agg": "sum", "column": "amount"}]


# -- the shop's takings ---------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "what did the store take in March",
    "how much did the registers take in during March",
    "March: what did the checkouts take",
])
def test_what_the_shop_took_is_revenue(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _revenue(spec), spec
    assert MARCH in filters_of(spec), spec


def test_till_words_name_the_orders(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("orders rung through the tills in March", catalog, values))
    assert spec["table"] == "sales" and MARCH in filters_of(spec), spec
    spec = spec_of(ask("till receipts per category in 2023", catalog, values))
    assert spec["measures"] == [{"agg": "count"}] and dims_of(spec) == ["category"], spec
    spec = spec_of(ask("register receipt values in 2023, in bands", catalog, values))
    assert spec["dimensions"][0]["column"] == "amount" and "bin" in spec["dimensions"][0], spec


def test_txns_are_transactions(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("txns by category in 2023", catalog, values))
    assert spec["table"] == "sales" and spec["measures"] == [{"agg": "count"}], spec
    assert dims_of(spec) == ["category"], spec


def test_show_me_the_lines_lists_rows(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Hardware sales over $20,000 in March - give me the lines", catalog,
                       values))
    assert spec.get("select") and not spec.get("measures"), spec


# -- people words ---------------------------------------------------------------------------


def test_collaborators_located_at_a_place(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many collaborators are located at Berlin", catalog, values))
    assert spec["table"] == "employees" and spec["measures"] == [{"agg": "count"}], spec
    assert ("location", "eq", "Berlin") in filters_of(spec), spec


def test_a_cohort_is_the_people_hired_that_year(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("average rating of the 2023 intake", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "performance_rating"}], spec
    assert ("hire_date", "between", ["2023-01-01", "2023-12-31"]) in filters_of(spec), spec
    spec = spec_of(ask("median salary of the class of 2021 joiners", catalog, values))
    assert len(spec["measures"]) == 1, spec  # not a count of hires beside it
    assert ("hire_date", "between", ["2021-01-01", "2021-12-31"]) in filters_of(spec), spec


def test_taking_on_new_people_is_hiring(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("did Berlin or Tokyo take on more new staff in 2024?", catalog, values))
    assert ("hire_date", "between", ["2024-01-01", "2024-12-31"]) in filters_of(spec), spec
    assert ("location", "in", ["Berlin", "Tokyo"]) in filters_of(spec), spec


@pytest.mark.parametrize("question", [
    "avg salary by dept rn", "avg salary by dept fr", "ofc headcount, engineering only rn",
])
def test_chat_fillers_are_not_words_of_the_question(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", spec


def test_since_a_year_ended(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which new sites have opened since 2019 ended?", catalog, values))
    assert ("opened_on", "gte", "2020-01-01") in filters_of(spec), spec


def test_things_in_our_range_are_products(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many distinct things are in our range", catalog, values))
    assert spec["measures"] == [{"agg": "count_distinct", "column": "product"}], spec


# -- numbers --------------------------------------------------------------------------------


def test_broke_a_bar(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("categories that eclipsed 1,000,000 revenue in 2023", catalog, values))
    assert having_of(spec) == [("sum_amount", "gt", 1000000)], spec


def test_annual_orders_are_year_by_year(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("annual orders", catalog, values))
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "year"}], spec
    spec = spec_of(ask("annual orders in 2023", catalog, values))
    assert not spec.get("dimensions") and SALES_2023 in filters_of(spec), spec
    spec = spec_of(ask("average annual salary", catalog, values))
    assert not spec.get("dimensions"), spec


# -- SQL and lists --------------------------------------------------------------------------


def test_sql_aggregates_and_ordering(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("titles, order by max(salary) asc, limit 3", catalog, values))
    assert spec["measures"] == [{"agg": "max", "column": "salary"}], spec
    assert spec["order_by"] == [{"by": "max_salary"}] and spec["limit"] == 3, spec
    spec = spec_of(ask("sum(amount) over (order by quarter) in 2023", catalog, values))
    assert spec["measures"][0].get("cumulative") and SALES_2023 in filters_of(spec), spec


def test_sql_conditions(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("avg(performance_rating) where is_remote = 0", catalog, values))
    assert ("is_remote", "eq", False) in filters_of(spec), spec
    spec = spec_of(ask("rows from employees where department = marketing and location = paris",
                       catalog, values))
    assert not spec.get("dimensions"), spec
    assert ("department", "eq", "Marketing") in filters_of(spec), spec
    assert ("location", "eq", "Paris") in filters_of(spec), spec


def test_a_column_before_its_own_value_is_no_breakdown(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many staff whose department is Support and location is Sydney",
                       catalog, values))
    assert not spec.get("dimensions"), spec
    assert ("department", "eq", "Support") in filters_of(spec), spec


@pytest.mark.parametrize("question", [
    "how many staff in Berlin are furloughed?",
    "how many employees were enrolled on the apprenticeship scheme this year?",
    "Kindly share the travel allowance in lakhs for the Berlin staff.",
    "the bonus we paid in 2024, per department",
    "Could you pull:\n- employee engagement scores\n- per office",
    "who founded the company, and when?",
    "who set up the business?",
])
def test_refused(catalog: Catalog, values: Values, question: str) -> None:
    _refused(ask(question, catalog, values))


@pytest.mark.parametrize("question", [
    "how much money was raised in 2023?",
    "Could you tell me what percentage of revenue each category brings this year?",
    "How many people were hired in 2023?",
    "how many people are stationed in Berlin",
    "employees who are classified as remote",
    "how many employees were recruited in 2024",
    "the drop in headcount this year",
    "the jump we saw in revenue in Q2",
    "Hi! Could you please pull the group revenue by region for 2024?",
])
def test_still_answered(catalog: Catalog, values: Values, question: str) -> None:
    spec_of(ask(question, catalog, values))


# -- more words -----------------------------------------------------------------------------


def test_the_part_of_each_is_a_share(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the part of each category in 2023 units, in percent", catalog, values))
    assert spec["measures"][0].get("share"), spec


def test_how_much_of_our_team(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how much of our team works from home? as a %", catalog, values))
    assert "is_remote" in spec["measures"][0].get("expr", ""), spec
    assert not spec.get("dimensions"), spec


def test_a_number_and_a_plus(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Marketing staff rated 3+", catalog, values))
    assert ("performance_rating", "gte", 3) in filters_of(spec), spec




def test_two_digits_left_unused_after_a_measure_are_a_year(
    catalog: Catalog, values: Values
) -> None:
    # A number no reading used ("units trend 23") or one the measure would equal ("revenue
    # of exactly 23" makes no sense as a total) is the year, and the answer says so.
    reply = ask("units trend 23", catalog, values)
    spec = spec_of(reply)
    assert SALES_2023 in filters_of(spec), spec
    assert any("read as the year 2023" in a for a in reply.assumptions), reply.assumptions
    spec = spec_of(ask("orders for all of 23", catalog, values))
    assert SALES_2023 in filters_of(spec), spec
    spec = spec_of(ask("top 2 categories in each region 23 by rev", catalog, values))
    assert SALES_2023 in filters_of(spec), spec


def test_two_digits_that_are_numbers_stay(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("departments with 24 people", catalog, values))
    assert not any(f[0] == "hire_date" for f in filters_of(spec)), spec
    spec = spec_of(ask("revenue over 24", catalog, values))
    assert not any(f[0] == "sale_date" for f in filters_of(spec)), spec
