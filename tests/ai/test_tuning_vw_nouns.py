"""The built-in engine on general rules found while tuning on blind batches v and w (issue 12):
an operations planner's order lines ("lines", "line count", "per line") as the orders, never
when "line" names a chart or a product range; colloquial words for the people on the team
("chaps", "lads"); an "org" or "division" as a department when groups or a value are asked.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, filters_of, spec_of

# -- order lines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "lines handled by the West region in 2024",
        "West region 2024 line count",
        "West region: count of lines in 2024",
    ],
)
def test_lines_are_the_orders_counted(catalog: Catalog, values: Values, question: str) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "sales", (question, spec)
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert ("sales_region", "eq", "West") in filters_of(spec), (question, spec)
    assert any("read as" in a and "order" in a for a in reply.assumptions), reply.assumptions


def test_lines_by_a_breakdown(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("lines per product category in 2023", catalog, values))
    assert spec["table"] == "sales", spec
    assert spec["measures"] == [{"agg": "count"}], spec
    assert spec["dimensions"] == [{"column": "category"}], spec


def test_quantity_per_line_is_the_average_quantity(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("mean quantity per line for Hardware", catalog, values))
    assert spec["table"] == "sales", spec
    assert spec["measures"] == [{"agg": "avg", "column": "quantity"}], spec
    assert filters_of(spec) == [("category", "eq", "Hardware")], spec


@pytest.mark.parametrize(
    "question",
    ["monthly revenue in 2024 as lines", "monthly revenue in 2024, line chart",
     "revenue per product line in 2024"],
)
def test_a_chart_line_or_a_product_line_stays_so(
    catalog: Catalog, values: Values, question: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], (question, spec)
    assert not any("order" in a for a in reply.assumptions), reply.assumptions


# -- people said colloquially ----------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["how many chaps work in Tokyo", "count the lads based in Tokyo", "the Tokyo lads, how many"],
)
def test_chaps_and_lads_are_the_employees(catalog: Catalog, values: Values, question: str) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert filters_of(spec) == [("location", "eq", "Tokyo")], (question, spec)
    assert any("people" in a for a in reply.assumptions), reply.assumptions


@pytest.mark.parametrize(
    "question", ["how many patents do the chaps hold", "sick days taken per lad this year"]
)
def test_what_the_data_lacks_stays_refused(
    catalog: Catalog, values: Values, question: str
) -> None:
    assert ask(question, catalog, values).tile is None


# -- org and division as department -----------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["average salary per org", "mean salary for each division", "which orgs pay best on average"],
)
def test_org_and_division_are_departments(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], (question, spec)
    assert spec["dimensions"] == [{"column": "department"}], (question, spec)


def test_a_value_before_org_is_that_department(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many people in the Finance org", catalog, values))
    assert spec["table"] == "employees", spec
    assert filters_of(spec) == [("department", "eq", "Finance")], spec


# -- the people spoken to -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "lads, who scored in the derby last night",
        "hey folks: who won the quiz yesterday",
        "team, who got the high score at bowling",
    ],
)
def test_the_people_spoken_to_are_not_the_rows_asked_about(
    catalog: Catalog, values: Values, question: str
) -> None:
    # "lads, who won the match yesterday" listed the employees hired yesterday: the word of
    # address was read as the subject, the rest of the question as a date.
    reply = ask(question, catalog, values)
    assert reply.tile is None, reply.tile


def test_a_question_after_a_word_of_address_is_still_read(
    catalog: Catalog, values: Values
) -> None:
    for question in ("lads, how many people work in Berlin", "headcount in Berlin, everyone?"):
        spec = spec_of(ask(question, catalog, values))
        assert spec["measures"] == [{"agg": "count"}], question
        assert filters_of(spec) == [("location", "eq", "Berlin")], question
