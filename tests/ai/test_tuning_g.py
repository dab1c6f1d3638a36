"""The built-in engine on vocabulary found while tuning on blind batch g (issue 12): goods
shipped or moved (units sold), joiners and starters (hires), invoicing (revenue), spend on pay
(payroll), people on the payroll (headcount), "heads", "<measure>-wise", calendar periods,
"product family", "cheapest ... in terms of", and a doubled letter typed once ("staf").

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import TODAY, Values, ask, spec_of


@pytest.mark.parametrize(
    ("question", "table", "agg", "column"),
    [
        ("items shipped per region", "sales", "sum", "quantity"),
        ("units moved by quarter in 2024", "sales", "sum", "quantity"),
        ("starters by department this year", "employees", "count", None),
        ("new joiners per month in 2023", "employees", "count", None),
        ("total billed by region", "sales", "sum", "amount"),
        ("amount invoiced per category in 2024", "sales", "sum", "amount"),
        ("salary spend by country", "employees", "sum", "salary"),
        ("employees on the payroll per office", "employees", "count", None),
        ("headcount wise, how do the departments compare", "employees", "count", None),
    ],
)
def test_everyday_words_for_measures(
    question: str, table: str, agg: str, column: str | None, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == table, spec
    measure = spec["measures"][0]
    assert measure["agg"] == agg, spec
    assert measure.get("column") == column, spec


def test_heads_are_a_headcount(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("teams with fewer than 100 heads", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert spec["having"][0]["op"] == "lt" and spec["having"][0]["value"] == 100, spec


def test_a_calendar_period_is_the_period(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("hires for every calendar quarter of 2024", catalog, values))
    assert spec["dimensions"] == [{"column": "hire_date", "grain": "quarter"}], spec


def test_product_family_is_the_category(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("revenue per product family", catalog, values))
    assert spec["dimensions"] == [{"column": "category"}], spec


def test_cheapest_in_terms_of_a_measure_is_its_lowest(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the 3 cheapest departments in terms of average pay", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], spec
    assert spec["dimensions"] == [{"column": "department"}], spec
    assert spec["limit"] == 3 and spec["order_by"][0].get("desc", False) is False, spec


def test_a_doubled_last_letter_typed_once(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many staf in Berlin", catalog, values))
    assert spec["table"] == "employees" and spec["measures"] == [{"agg": "count"}], spec
    assert {"column": "location", "op": "eq", "value": "Berlin"} in spec["filters"], spec


def test_a_salary_bill_is_still_payroll(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("salary bill per department", catalog, values))
    assert spec["table"] == "employees", spec
    assert spec["measures"] == [{"agg": "sum", "column": "salary"}], spec


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("which bonus scheme are the engineers on", "bonus"),
        ("what overtime do the Berlin staff work", "overtime"),
        ("how much commission did the East region earn in 2024", "commission"),
        ("what's the attrition of the Finance team", "attrition"),
    ],
)
def test_an_unknown_word_asked_for_is_refused(
    question: str, word: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None, reply.tile
    assert f"\u201c{word}\u201d" in reply.answer, reply.answer


def test_a_known_word_asked_for_is_answered(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what is the average pay of the Sales team", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], spec


@pytest.mark.parametrize(
    ("question", "grain", "op", "value"),
    [
        ("which weeks had fewer than 3 hires", "week", "lt", 3),
        ("quarters having over 400 sales", "quarter", "gt", 400),
    ],
)
def test_periods_with_a_bar_are_a_breakdown_by_that_period(
    question: str, grain: str, op: str, value: int, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["dimensions"][0]["grain"] == grain, spec
    assert spec["having"][0]["op"] == op and spec["having"][0]["value"] == value, spec


@pytest.mark.parametrize(
    "question",
    ["revenue per region (such as North, East)", "revenue per region (East, West etc.)"],
)
def test_examples_in_brackets_are_not_a_filter(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["dimensions"] == [{"column": "sales_region"}], spec
    assert "filters" not in spec, spec


def test_values_in_brackets_without_a_cue_still_filter(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("revenue per region (North, East)", catalog, values))
    assert spec["filters"][0]["value"] == ["North", "East"], spec


def test_how_much_of_a_countable_thing_is_how_many(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how much employees are in Marketing", catalog, values))
    assert spec["table"] == "employees" and spec["measures"] == [{"agg": "count"}], spec


@pytest.mark.parametrize(
    "question", ["offices established since 2016", "sites founded in 2016 or later"]
)
def test_words_for_opening_an_office(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "offices", spec
    assert spec["filters"][0]["column"] == "opened_on", spec


def test_a_year_like_number_counting_a_data_word_is_a_count(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("offices with over 1999 employees", catalog, values))
    assert spec["having"][0]["value"] == 1999, spec
    assert "filters" not in spec, spec
    dated = spec_of(ask("hires after 2020 by department", catalog, values))
    assert dated["filters"][0]["column"] == "hire_date", dated


def test_total_staff_is_the_headcount_unless_their_pay_follows(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("total employees per country", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    pay = spec_of(ask("total employees salary per country", catalog, values))
    assert pay["measures"] == [{"agg": "sum", "column": "salary"}], pay


def test_the_last_half_year_of_the_data(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("hires by month in the past half year our data spans", catalog, values))
    window = spec["filters"][0]
    assert window["column"] == "hire_date" and window.get("anchor") == "latest", spec


def test_this_period_to_date_ends_today(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("orders in the current month to date", catalog, values))
    assert spec["filters"][0]["value"] == ["2025-11-01", TODAY.isoformat()], spec
