"""The built-in engine on general rules found while tuning on blind batches t and u
(issue 12): yes/no questions whose truth is the figures that settle them ("did X out-earn
Y", "did X outsell Y"): each side's figure, side by side.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, spec_of


@pytest.mark.parametrize(
    ("question", "column", "measure"),
    [
        ("did the West out-earn the North in 2023?", "sales_region", "amount"),
        ("in 2024, did Accessories outearn Services?", "category", "amount"),
        ("has Services been outselling Accessories this year", "category", "amount"),
        ("did Hardware out sell Accessories on units in 2023", "category", "quantity"),
        ("did the North outperform the South last year?", "sales_region", "amount"),
    ],
)
def test_doing_better_than_another_compares_the_two(
    catalog: Catalog, values: Values, question: str, column: str, measure: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert [d["column"] for d in spec.get("dimensions", [])] == [column], (question, spec)
    assert any(f["column"] == column and f["op"] == "in" and len(f["value"]) == 2
               for f in spec["filters"]), (question, spec)
    assert [m.get("column") for m in spec["measures"]] == [measure], (question, spec)
    assert reply.understood and " by " in reply.understood.lower(), reply.understood


def test_earning_more_than_another_is_not_pay(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("did the East out-earn the West", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec


@pytest.mark.parametrize(
    ("question", "column"),
    [
        ("is the average salary in Finance higher than 90k?", "salary"),
        ("was the total revenue from Services in 2023 over 3 million?", "amount"),
        ("yes or no: is the mean unit price of Accessories below 200?", "unit_price"),
    ],
)
def test_a_yes_no_check_of_a_total_shows_the_whole_total(
    catalog: Catalog, values: Values, question: str, column: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert [m.get("column") for m in spec["measures"]] == [column], (question, spec)
    assert all(f["column"] != column for f in spec.get("filters", [])), (question, spec)
    assert any("to weigh against" in a for a in reply.assumptions), reply.assumptions


@pytest.mark.parametrize(
    "question",
    ["average salary of people earning over 100k", "are there staff with a salary above 150k"],
)
def test_a_number_that_narrows_the_rows_stays_a_filter(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert any(f["column"] == "salary" and f["op"] == "gt" for f in spec["filters"]), spec


@pytest.mark.parametrize(
    ("question", "checked"),
    [
        ("do Finance and HR make up less than a fifth of our staff?", "under 20%"),
        ("is it true that Hardware is over half of revenue in 2023", "over 50%"),
        ("was Accessories at least 15% of 2024 revenue?", "at least 15%"),
        ("is it true that under a quarter of our staff work remotely?", "under 25%"),
    ],
)
def test_a_bound_on_a_share_is_weighed_not_filtered(
    catalog: Catalog, values: Values, question: str, checked: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    expr = str(spec["measures"][0].get("expr", ""))
    assert "100.0" in expr and "amount >" not in expr and "amount <" not in expr, spec
    assert not [f for f in spec.get("filters", []) if f["op"] in ("gt", "gte", "lt", "lte")]
    assert any(checked in a for a in reply.assumptions), reply.assumptions


def test_a_bound_on_a_share_per_group_stays_a_having(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which departments have over 20% of their people remote", catalog, values))
    assert spec.get("having") == [{"by": "percent", "op": "gt", "value": 20}], spec
