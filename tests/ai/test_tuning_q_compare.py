"""The built-in engine on comparisons said as statements, two requests in one message, bounds
on totals and same-period comparisons (issue 12), after blind batch q:

- "Sales earns more than HR", "is it true that the North sold fewer units than the South":
  a comparison said as a statement (to be checked) is both values, one row each, as the
  question "does Sales earn more than HR" is;
- "is Engineering our biggest department? show me headcount by department": a yes/no question
  followed by a request said outright is answered by that request; a request that only
  points back ("show me both figures") keeps the question;
- "months where revenue stayed at 5M or under", "which categories averaged above 2k per
  sale": a bare number after the one total asked, per group, bounds that total (or
  average) per group, not each row; rows named with the number ("orders of 500 or less")
  keep it a bound on each row;
- "revenue this year vs last year, same period (feb 1 - apr 30)": the days said, in both
  years.

Questions are worded unlike the blind batch; today is 2025-11-20 on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of


@pytest.mark.parametrize(
    ("question", "column", "dim", "pair"),
    [
        ("Sales earns more than HR", "salary", "department", ["Sales", "HR"]),
        ("is it true that the North sold fewer units than the South last year?", "quantity",
         "sales_region", ["North", "South"]),
        ("Hi, quick one: I was told Hardware brought in less revenue than Software in 2023."
         " Could you show me both numbers? Thanks", "amount", "category",
         ["Hardware", "Software"]),
    ],
)
def test_a_stated_comparison_is_both_values(
    question: str, column: str, dim: str, pair: list[str], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert [m.get("column") for m in spec["measures"]] == [column], spec
    assert dims_of(spec) == [dim], spec
    assert (dim, "in", pair) in filters_of(spec), spec


def test_a_bound_with_a_number_stays_a_bound(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Berlin staff earn more than 90k", catalog, values))
    assert ("salary", "gt", 90000) in filters_of(spec), spec


def test_a_request_after_a_yes_no_question_is_answered(
    catalog: Catalog, values: Values
) -> None:
    reply = ask("is the West really our weakest territory? show me units per territory for"
                " 2024", catalog, values)
    spec = spec_of(reply)
    assert [m.get("column") for m in spec["measures"]] == ["quantity"], spec
    assert dims_of(spec) == ["sales_region"], spec
    assert filters_of(spec) == [("sale_date", "between", ["2024-01-01", "2024-12-31"])], spec
    assert "limit" not in spec, spec


def test_a_request_that_points_back_keeps_the_question(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("does Engineering earn more than Finance? show me both figures",
                       catalog, values))
    assert ("department", "in", ["Engineering", "Finance"]) in filters_of(spec), spec


@pytest.mark.parametrize(
    ("question", "agg", "dim", "op", "value"),
    [
        ("months of 2023 where revenue was 5M or under", "sum", "sale_date", "lte",
         5_000_000),
        ("which categories averaged above 2k per sale", "avg", "category", "gt", 2000),
    ],
)
def test_a_bare_bound_after_the_total_is_on_the_total(
    question: str, agg: str, dim: str, op: str, value: float, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert [m["agg"] for m in spec["measures"]] == [agg], spec
    assert dims_of(spec) == [dim], spec
    assert having_of(spec) == [(f"{agg}_amount", op, value)], spec
    assert not [f for f in filters_of(spec) if f[0] == "amount"], spec


def test_a_bound_on_named_rows_stays_on_rows(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("revenue by category from small orders (300 dollars or less)", catalog,
                       values))
    assert ("amount", "lte", 300) in filters_of(spec), spec
    assert not spec.get("having"), spec


@pytest.mark.parametrize(
    ("question", "days"),
    [
        ("revenue this year vs last year, same period (feb 1 - apr 30)",
         ["2025-02-01", "2025-04-30"]),
        ("units this yr vs last yr over the same days (jan 1 - mar 31)",
         ["2025-01-01", "2025-03-31"]),
    ],
)
def test_the_same_period_of_last_year(
    question: str, days: list[str], catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert filters_of(spec) == [("sale_date", "between", days)], spec
    assert spec.get("compare") == {"to": "previous_year"}, spec
    assert "not next to each other" not in reply.answer


def test_a_request_naming_both_keeps_the_question(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("did Hardware shrink from 2023 to 2024? give me both years' units",
                       catalog, values))
    assert ("category", "eq", "Hardware") in filters_of(spec), spec
