"""The built-in engine on general rules found while tuning on blind batches v and w (issue 12):
money words ("gross" alone as revenue), Indian numbers and dates (lakh and crore, a fiscal
year written with both its years, "as on today"), a span of months written with a dash, cities
and countries as other languages name them, teen spellings and Indian English office words.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, filters_of, having_of, spec_of

REVENUE = [{"agg": "sum", "column": "amount"}]

# -- money words ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["our gross per region", "gross, split by region", "show the gros per region"],
)
def test_gross_alone_is_revenue(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "sales", (question, spec)
    assert spec["measures"] == REVENUE, (question, spec)
    assert spec["dimensions"] == [{"column": "sales_region"}], (question, spec)


def test_the_average_value_per_order_is_the_average_order_value(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("average value per deal placed in 2023", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "amount"}], spec
    assert filters_of(spec) == [("sale_date", "between", ["2023-01-01", "2023-12-31"])]


# -- Indian numbers and dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "op", "value"),
    [
        ("categories whose revenue exceeds 1.5 crore", "gt", 15_000_000),
        ("regions under 50 lakhs of revenue in 2025", "lt", 5_000_000),
        ("which products sold at least 12 lakh", "gte", 1_200_000),
    ],
)
def test_lakh_and_crore_are_numbers(
    catalog: Catalog, values: Values, question: str, op: str, value: int
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == REVENUE, (question, spec)
    assert [(h[1], h[2]) for h in having_of(spec)] == [(op, value)], (question, spec)


@pytest.mark.parametrize(
    "question",
    ["orders in FY23-24", "number of orders, financial year 2023/24", "orders for F.Y. 2023-2024"],
)
def test_a_fiscal_year_with_both_its_years_runs_april_to_march(
    catalog: Catalog, values: Values, question: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert filters_of(spec) == [("sale_date", "between", ["2023-04-01", "2024-03-31"])], (
        question, spec)
    assert any("April 2023 to March 2024" in said for said in reply.assumptions), reply


def test_a_bare_fiscal_year_stays_the_calendar_year(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("orders in FY23", catalog, values))
    assert filters_of(spec) == [("sale_date", "between", ["2023-01-01", "2023-12-31"])], spec


@pytest.mark.parametrize(
    "question", ["headcount in Berlin as on today", "Berlin employees as of today, how many"]
)
def test_as_on_today_is_up_to_today(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert filters_of(spec) == [("location", "eq", "Berlin")], (question, spec)


# -- places as other languages name them ----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "column", "value"),
    [
        ("average salary in Parigi", "location", "Paris"),
        ("headcount for Bombay", "location", "Mumbai"),
        ("how many people work in Deutschland", "country", "Germany"),
        ("staff count in Royaume-Uni", "country", "United Kingdom"),
    ],
)
def test_exonyms_of_places(
    catalog: Catalog, values: Values, question: str, column: str, value: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert filters_of(spec) == [(column, "eq", value)], (question, spec)


# -- teen spellings, sound-alikes, office English ---------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "wut r total sails in the west region",
        "hoo much sails in the west region",
        "PFB request - please do the needful and send revenue in the west region",
        "kindly revert with revenue in the west region",
    ],
)
def test_spellings_and_office_words(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "sales", (question, spec)
    assert filters_of(spec) == [("sales_region", "eq", "West")], (question, spec)


def test_sel_is_sell(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many Laptop Air 13 did we sel last year", catalog, values))
    assert spec["table"] == "sales", spec
    assert ("product", "eq", "Laptop Air 13") in filters_of(spec), spec


@pytest.mark.parametrize(
    "question",
    [
        "how many staff earn over ninety thousand per year",
        "how many employees are paid above 90k annually",
    ],
)
def test_pay_said_per_year_is_no_breakdown_by_year(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert "dimensions" not in spec, (question, spec)
    assert filters_of(spec) == [("salary", "gt", 90000)], (question, spec)
