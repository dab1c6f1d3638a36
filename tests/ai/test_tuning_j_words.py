"""The built-in engine on words found while tuning on blind batches i and j (issue 12):
filler words that never name data ("own", "appear", "whenever you have a moment"), words of
size and amount ("most crowded", "fattest", "summed up", "totals"), verbs of passing a bar
("tops", "clears") as comparisons, "line items" and "sales records" as the sales rows,
number words ("a hundred"), breakdowns said as "broken out by", countries by their
initials ("outside the US") and phrases of comparing ("stack up against").

Questions are worded unlike the blind batches: each test checks a rule, through the spec
the engine wrote on the demo data."""

from __future__ import annotations

from typing import Any

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, spec_of


def _filters(spec: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    return {f["column"]: (f["op"], f.get("value")) for f in spec.get("filters", [])}


def _measures(spec: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(m.get("agg"), m.get("column")) for m in spec.get("measures", [])]


def _dims(spec: dict[str, Any]) -> list[str]:
    return [d["column"] for d in spec.get("dimensions", [])]


@pytest.mark.parametrize(
    ("question", "dim"),
    [
        ("headcount broken out by country", "country"),
        ("units sold split out per region", "sales_region"),
        ("average salary broken up by department", "department"),
    ],
)
def test_broken_out_by_is_a_breakdown(
    question: str, dim: str, catalog: Catalog, values: Values
) -> None:
    assert _dims(spec_of(ask(question, catalog, values))) == [dim]


@pytest.mark.parametrize(
    ("question", "op", "value"),
    [
        ("regions where revenue tops 5 million", "gt", 5_000_000),
        ("products whose total sales cleared 3m", "gt", 3_000_000),
        ("departments where the average pay passes 90k", "gt", 90_000),
        ("categories whose revenue surpasses the 50 million mark", "gt", 50_000_000),
    ],
)
def test_verbs_of_passing_a_bar_compare(
    question: str, op: str, value: float, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    bounds = [(h["op"], h["value"]) for h in spec.get("having", [])]
    assert bounds == [(op, value)], spec


def test_tops_after_its_number_is_still_a_maximum(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("offices with 150 people tops", catalog, values))
    assert [h["op"] for h in spec.get("having", [])] == ["lte"], spec


@pytest.mark.parametrize(
    "question",
    [
        "how many line items were software",
        "number of order rows for Software",
        "count of our sales records in the Software category",
    ],
)
def test_line_items_and_records_are_the_sales_rows(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "sales", spec
    assert _filters(spec) == {"category": ("eq", "Software")}, spec  # not the Sales team
    assert _measures(spec)[0][0] == "count", spec


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("job titles held by more than a hundred people", 100),
        ("products with over a thousand orders", 1000),
        ("departments with more than 2 hundred staff", 200),
    ],
)
def test_hundred_and_thousand_said_in_words(
    question: str, value: int, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert [(h["op"], h["value"]) for h in spec.get("having", [])] == [("gt", value)], spec


@pytest.mark.parametrize(
    "question",
    [
        "how many distinct products show up in our orders",  # "show up": no data
        "how many products appear in the orders from 2024",
        "whenever you get a moment, revenue by region",
        "if you have some time, headcount per office",
        "headcount of our own engineering team",
    ],
)
def test_filler_words_are_not_data(question: str, catalog: Catalog, values: Values) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is not None, reply.answer
    said = ("moment", "\u201cown\u201d", "\u201ctime\u201d")
    assert not any(w in reply.answer for w in said), reply.answer


@pytest.mark.parametrize(
    ("question", "agg"),
    [
        ("the fattest paycheck in Finance", "max"),
        ("leanest payslip in Sales", "min"),
        ("salary burn of the marketing team", "sum"),
        ("the pay bill summed up by office", "sum"),
    ],
)
def test_pay_said_loosely(question: str, agg: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _measures(spec) == [(agg, "salary")], spec


def test_a_basket_is_an_order(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("average basket in the West region", catalog, values))
    assert _measures(spec) == [("avg", "amount")], spec
    assert _filters(spec) == {"sales_region": ("eq", "West")}, spec


@pytest.mark.parametrize(
    ("question", "desc"),
    [("the 2 most crowded offices", True), ("least crowded location", False)],
)
def test_crowded_is_headcount(question: str, desc: bool, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees" and _measures(spec) == [("count", None)], spec
    assert spec["order_by"][0].get("desc", False) is desc, spec


@pytest.mark.parametrize(
    "question",
    ["how much marketing staff work in Paris", "how much Toronto people do we have"],
)
def test_how_much_people_is_a_count(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _measures(spec) == [("count", None)], spec


@pytest.mark.parametrize(
    "question",
    ["staff totals by department", "people total per office"],
)
def test_staff_totals_are_the_headcount(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees" and _measures(spec) == [("count", None)], spec


@pytest.mark.parametrize(
    ("question", "op", "country"),
    [
        ("headcount outside the UK", "neq", "United Kingdom"),
        ("average salary of staff in the USA", "eq", "United States"),
        ("payroll for employees not in the US", "neq", "United States"),
    ],
)
def test_countries_by_their_initials(
    question: str, op: str, country: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _filters(spec).get("country") == (op, country), spec


@pytest.mark.parametrize(
    "question",
    ["how many people in Sales have nobody they report to", "staff with no one they answer to"],
)
def test_no_one_they_report_to(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _filters(spec).get("manager_id") == ("is_null", None), spec


def test_since_we_started_is_all_time(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("hardware revenue since day one, by year", catalog, values))
    assert _filters(spec) == {"category": ("eq", "Hardware")}, spec
    assert _dims(spec) == ["sale_date"], spec


def test_stack_up_against_compares(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how does 2024 revenue stack up against 2023", catalog, values))
    assert spec.get("compare") == {"to": "previous_year"}, spec


def test_ranges_of_an_amount_are_bands(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("price ranges: orders in each range", catalog, values))
    assert [d.get("bin") is not None for d in spec["dimensions"]] == [True], spec


def test_through_the_months_is_by_month(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("running count of hires through the years", catalog, values))
    assert spec["dimensions"] == [{"column": "hire_date", "grain": "year"}], spec


@pytest.mark.parametrize(
    "question",
    [
        "headcount in the windy city",
        "average basket weight",
    ],
)
def test_words_that_carry_meaning_are_still_refused(
    question: str, catalog: Catalog, values: Values
) -> None:
    assert ask(question, catalog, values).tile is None
