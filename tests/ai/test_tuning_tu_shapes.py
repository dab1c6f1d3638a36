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
