"""The built-in engine on the shape of the answer, as blind batches r and s read it wrong
(second round): the one oldest (newest) thing of a list of things, overall and in each
group; "the <column> <value>" as that filter; "who sold the most ..." as people ranked;
totals "highest first" in that order (all of them); "slice of", "cut of" as a share of
what follows; a value against all the rest.

Questions are worded unlike the batches: each test checks a rule through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, spec_of

# --- the oldest / newest thing --------------------------------------------------------------


@pytest.mark.parametrize(("question", "desc"), [
    ("which is the most recent office", True),
    ("the earliest office we have", False),
    ("what is our oldest site?", False),
])
def test_the_one_thing_by_its_date(question: str, desc: bool, catalog: Catalog,
                                   values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "offices" and "city" in spec.get("select", []), spec
    assert spec.get("limit") == 1, spec
    assert spec["order_by"] == [{"by": "opened_on", "desc": True}] if desc else [
        {"by": "opened_on"}], spec


def test_the_things_by_their_date_stay_all(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which are our oldest sites", catalog, values))
    assert spec.get("select") and "limit" not in spec, spec
    # the date itself when it is asked
    spec = spec_of(ask("when did the newest site open", catalog, values))
    assert spec.get("measures") == [{"agg": "max", "column": "opened_on"}], spec


def test_the_newest_thing_in_each_group(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("in every country, which is the oldest site", catalog, values))
    assert dims_of(spec) == ["country", "city"], spec
    assert spec.get("limit") == 1 and spec.get("limit_per") == "country", spec
    assert spec["measures"] == [{"agg": "min", "column": "opened_on"}], spec


# --- a column said before its value -------------------------------------------------------


def test_the_column_then_its_value(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("average salary of the department Marketing", catalog, values))
    assert ("department", "eq", "Marketing") in filters_of(spec), spec
    assert "department" not in dims_of(spec), spec
    # the value of the column named, not another column's value with that word
    assert not any(f[0] == "job_title" for f in filters_of(spec)), spec


# --- who sold ------------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "desc"), [
    ("who has sold the fewest units this year", False),
    ("who sells the largest quantity in the East", True),
])
def test_who_sold_is_the_people(question: str, desc: bool, catalog: Catalog,
                                values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert dims_of(spec) == ["employees.full_name"], spec
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec
    assert spec.get("limit") == 1, spec
    assert spec["order_by"][0].get("desc", False) is desc, spec


# --- totals in an order -------------------------------------------------------------------


@pytest.mark.parametrize(("question", "desc"), [
    ("number of people in each location, highest first", True),
    ("each category's share of units, smallest first", False),
    ("every region's slice of revenue in 2024 - put the largest first", True),
])
def test_totals_in_the_order_said(question: str, desc: bool, catalog: Catalog,
                                  values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec.get("dimensions") and "limit" not in spec, spec
    assert spec["order_by"][0].get("desc", False) is desc, spec


@pytest.mark.parametrize("question", [
    "each category's cut of units",
    "every location's slice of 2025 units",
])
def test_slice_of_names_what_is_shared(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity", "share": True}], spec
    assert "quantity" not in dims_of(spec), spec


# --- comparisons --------------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "units of Software vs units of non-Software in 2023",
    "2023: Software units against everything that isn't Software",
])
def test_a_value_against_the_rest(question: str, catalog: Catalog, values: Values) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    exprs = [m.get("expr") for m in spec["measures"]]
    assert exprs == ["sum_if(quantity, category = 'Software')",
                     "sum_if(quantity, category <> 'Software')"], spec
    assert not any(f[0] == "category" for f in filters_of(spec)), spec
    assert "compare" not in spec, spec
    assert "Software against excluding Software" in reply.answer, reply.answer


# --- a period as the part of a share -------------------------------------------------------


@pytest.mark.parametrize(("question", "expr"), [
    ("of all the people we ever took on, what percentage joined in 2019",
     "count_if(hire_date between '2019-01-01' and '2019-12-31') * 100.0 / count()"),
    ("what proportion of all units were sold in 2023",
     "sum_if(quantity, sale_date between '2023-01-01' and '2023-12-31') * 100.0 / sum(quantity)"),
])
def test_a_period_is_the_part(question: str, expr: str, catalog: Catalog,
                              values: Values) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert [m.get("expr") for m in spec["measures"]] == [expr], spec
    assert not spec.get("filters"), spec
    assert "percent of" in reply.answer.lower(), reply.answer


def test_a_period_with_a_part_stays_the_whole(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what proportion of 2023 units were Hardware", catalog, values))
    assert ("sale_date", "between", ["2023-01-01", "2023-12-31"]) in filters_of(spec), spec
    assert "category = 'Hardware'" in spec["measures"][0]["expr"], spec


# --- "who <verb> it" after a highest value ------------------------------------------------


@pytest.mark.parametrize(("question", "group", "desc"), [
    ("min(salary) for every location - who earns that?", "location", False),
    ("top rating by department, who got it", "department", True),
])
def test_who_holds_the_value_in_each_group(question: str, group: str, desc: bool,
                                           catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert dims_of(spec) == [group, "full_name"], spec
    assert spec.get("limit") == 1 and spec.get("limit_per") == group, spec
    assert spec["order_by"][0].get("desc", False) is desc, spec


def test_who_holds_the_value_overall(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("lowest salary we pay - who gets it?", catalog, values))
    assert "full_name" in spec.get("select", []) and spec.get("limit") == 1, spec
    assert spec["order_by"] == [{"by": "salary"}], spec


# --- what one of them brought in ----------------------------------------------------------


@pytest.mark.parametrize("question", [
    "how much did one unit of Cloud Backup 1 TB bring in during 2023",
    "what has a single unit of Cloud Backup 1 TB made on average in 2023",
])
def test_what_one_unit_of_a_thing_brought_in(question: str, catalog: Catalog,
                                             values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert [m.get("expr") for m in spec["measures"]] == ["sum(amount) * 1.0 / sum(quantity)"], spec
    assert ("product", "eq", "Cloud Backup 1 TB") in filters_of(spec), spec


def test_how_much_each_active_seller_brought_in(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how much has each active rep brought in on average this year",
                       catalog, values))
    assert [m.get("expr") for m in spec["measures"]] == [
        "sum(amount) * 1.0 / count_distinct(employees.employee_id)"], spec
    assert not spec.get("dimensions"), spec
